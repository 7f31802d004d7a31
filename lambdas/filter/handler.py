"""AWS Lambda entry point (`handler.handler`) for the prompt/response filter behind API Gateway."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genai_filter import audit, backend, config, http, injection, keys
from genai_filter import context as prompt_context
from genai_filter.findings import Finding, decided_by
from genai_filter.screen import Redactor, Screener, ScreenResult


@dataclass(frozen=True, slots=True)
class State:
    cfg: config.Config
    screener: Screener
    keyring: keys.KeyRing

    def redactor(self) -> Redactor:
        # a fresh random key per request: a client-facing pseudonym must not be an oracle for the value
        # (stable keyed pseudonyms exist only in the audit record, see `_audit_pseudonyms`)
        return Redactor(self.cfg.redaction_mode, secrets.token_bytes(32))

    def reply_redactor(self, prompt: Redactor) -> Redactor:
        return prompt.fork(secrets.token_bytes(32))


@dataclass(slots=True)
class Outcome:
    status: int
    payload: dict[str, Any]
    verdict: str
    findings: list[Finding] = field(default_factory=list)
    prompt_hmac: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def build_state(env: Mapping[str, str]) -> State:
    cfg = config.load(env)
    keyring = keys.KeyRing(keys.SecretCache(cfg.secret_ttl_seconds), cfg.hmac_secret_arn, cfg.backend_secret_arn)
    tier = None
    if cfg.guard_tier != "none":
        from genai_filter import guard  # about 10 ms of imports that a container without a tier never pays

        tier = guard.build(cfg, keyring.guard_cache_key)
    return State(cfg, Screener(cfg, guard=tier), keyring)


T = TypeVar("T")
_STATE: State | None = None
_CONFIG_ERROR: str | None = None


def init(env: Mapping[str, str] | None = None) -> None:
    """(Re)load the configuration; runs once at import (cold start). Never raises."""
    global _STATE, _CONFIG_ERROR
    try:
        _STATE, _CONFIG_ERROR = build_state(os.environ if env is None else env), None
    except config.ConfigError as exc:
        _STATE, _CONFIG_ERROR = None, str(exc)
        print(json.dumps({"event": "filter_config_error", "error": _CONFIG_ERROR}), flush=True)


init()
# compile the detection patterns during Lambda init (which runs with a CPU boost) rather than in the first request
injection.warm_up()
if _STATE is not None and _STATE.screener.guard is not None:
    _STATE.screener.guard.backend.warm_up()


def _new_request_id() -> str:
    import uuid  # rare path (no request id from API Gateway): uuid and platform cost ~2 ms of cold start

    return str(uuid.uuid4())


def _blocking(findings: list[Finding], actions: Mapping[str, str]) -> list[str]:
    return sorted({f.category for f in findings if actions.get(f.category, "block") == "block"})


def _screen_route(req: http.Request, state: State) -> Outcome:
    text, direction = http.screen_body(req.body, state.cfg.max_text_chars)
    system_prompt = http.screen_context(req.body, prompt_context.MAX_PROMPT_CHARS)
    ctx = None if system_prompt is None else prompt_context.derive(system_prompt)
    audit_key = _key(state.keyring.audit_key)
    result = state.screener.screen(text, direction, state.redactor(), context=ctx)
    payload = {
        "action": result.action,
        "text": result.text,
        "findings": [f.to_json() for f in result.findings],
        "tier": result.tier,
        "request_id": req.request_id,
    }
    return Outcome(
        200,
        payload,
        result.action,
        result.findings,
        audit.prompt_hash(audit_key, text),
        {
            "direction": direction,
            **_audit_pseudonyms(state, [(text, result.findings, direction)]),
            **_audit_tier(state, [result]),
        },
    )


def _chat_route(req: http.Request, state: State, context: Any) -> Outcome:
    screened: list[tuple[str, list[Finding], str]] = []
    results: list[ScreenResult] = []
    outcome = _chat(req, state, context, screened, results)
    outcome.extra.update(_audit_pseudonyms(state, screened))
    outcome.extra.update(_audit_tier(state, results))
    return outcome


def _chat(
    req: http.Request,
    state: State,
    context: Any,
    screened: list[tuple[str, list[Finding], str]],
    results: list[ScreenResult],
) -> Outcome:
    cfg = state.cfg
    messages, max_tokens = http.chat_body(req.body, cfg.max_text_chars, cfg.max_messages, cfg.max_tokens)
    if cfg.backend_url is None:
        raise http.HttpError(503, "backend_not_configured", "no model backend is configured")
    audit_key = _key(state.keyring.audit_key)
    prompt_hmac = audit.prompt_hash(audit_key, json.dumps(messages, ensure_ascii=False, sort_keys=True))
    redactor = state.redactor()
    forwarded: list[dict[str, str]] = [{"role": "system", "content": cfg.system_message()}]
    input_findings: list[Finding] = []
    input_action = "allow"
    reasons: set[str] = set()
    deadline = state.screener.deadline()  # one screening budget for the whole conversation
    guard_deadline = state.screener.guard_deadline()  # and one for the guard tier
    for message in messages:
        result = state.screener.screen(
            message["content"], "input", redactor, deadline, state.screener.server_context, guard_deadline
        )
        results.append(result)
        input_findings.extend(result.findings)
        screened.append((message["content"], result.findings, "input"))
        if result.action == "block":
            reasons.update(_blocking(result.findings, cfg.actions("input")))
        elif result.action == "redact":
            input_action = "redact"
        forwarded.append({"role": message["role"], "content": result.text or ""})
    if not reasons:
        split = state.screener.across_messages([m["content"] for m in messages], deadline)
        input_findings.extend(split)
        reasons.update(_blocking(split, cfg.actions("input")))
    if reasons:
        error = http.HttpError(
            400,
            "prompt_blocked",
            "the prompt was blocked by the content filter",
            {"reasons": sorted(reasons)},
        )
        return Outcome(400, error.body(), "block", input_findings, prompt_hmac)

    try:
        api_key = state.keyring.backend_api_key()
    except keys.SecretUnavailable:
        raise http.HttpError(503, "backend_credentials_unavailable", "backend credentials are unavailable") from None
    read_timeout = cfg.read_timeout
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining):
        # leave a second to screen the reply and answer before Lambda kills the invocation
        read_timeout = max(0.05, min(read_timeout, remaining() / 1000.0 - 1.0))
    payload = {
        "model": cfg.backend_model,
        "messages": forwarded,
        "stream": False,
        "max_tokens": max_tokens or cfg.default_max_tokens,
    }
    started = time.perf_counter()
    try:
        completion = backend.chat(
            cfg.backend_url,
            payload,
            api_key=api_key,
            connect_timeout=cfg.connect_timeout,
            read_timeout=read_timeout,
            max_bytes=cfg.max_backend_bytes,
        )
    except backend.BackendError as exc:
        error = http.HttpError(exc.status, exc.code, exc.message)
        return Outcome(
            exc.status,
            error.body(),
            "error",
            input_findings,
            prompt_hmac,
            {"backend_ms": round((time.perf_counter() - started) * 1000, 3)},
        )
    extra: dict[str, Any] = {"backend_ms": round((time.perf_counter() - started) * 1000, 3)}

    if len(completion.content) > cfg.max_text_chars:
        error = http.HttpError(502, "backend_response_too_large", "the model's answer was too long to screen")
        return Outcome(502, error.body(), "error", input_findings, prompt_hmac, extra)
    reply = state.screener.screen(
        completion.content,
        "output",
        state.reply_redactor(redactor),
        context=state.screener.server_context,
        guard_deadline=guard_deadline,
    )
    results.append(reply)
    screened.append((completion.content, reply.findings, "output"))
    findings = input_findings + reply.findings
    extra["output_categories"] = sorted({f.category for f in reply.findings})
    if reply.action == "block" or reply.text is None:
        error = http.HttpError(502, "response_blocked", "the model's answer was blocked by the content filter")
        return Outcome(502, error.body(), "block", findings, prompt_hmac, extra)
    verdict = "redact" if "redact" in (input_action, reply.action) else "allow"
    body = {
        "message": {"role": "assistant", "content": reply.text},
        "finish_reason": completion.finish_reason,
        "usage": completion.usage,
        "filter": {
            "input": input_action,
            "output": reply.action,
            "findings": [{"category": f.category, "type": f.type} for f in findings],
            "tier": decided_by([r.tier for r in results]),
        },
        "request_id": req.request_id,
    }
    return Outcome(200, body, verdict, findings, prompt_hmac, extra)


MAX_AUDIT_PSEUDONYMS = 100


def _audit_pseudonyms(state: State, screened: list[tuple[str, list[Finding], str]]) -> dict[str, Any]:
    """Stable pseudonyms (HMAC with the configured pseudonym key) of the values redacted in this request,
    for correlating audit records; never returned to a client."""
    stable = Redactor("pseudonym", _key(state.keyring.pseudonym_key))
    labels: set[str] = set()
    for text, findings, direction in screened:
        actions = state.cfg.actions(direction)
        labels.update(
            stable.label(f.type, text[f.start : f.end]) for f in findings if actions.get(f.category) == "redact"
        )
    ordered = sorted(labels)
    extra: dict[str, Any] = {"pseudonyms": ordered[:MAX_AUDIT_PSEUDONYMS]}
    if len(ordered) > MAX_AUDIT_PSEUDONYMS:
        extra["pseudonyms_omitted"] = len(ordered) - MAX_AUDIT_PSEUDONYMS
    return extra


def _audit_tier(state: State, results: list[ScreenResult]) -> dict[str, Any]:
    """Which tier decided the request, and with a guard tier configured, what it did."""
    extra: dict[str, Any] = {"tier": decided_by([r.tier for r in results])}
    if state.screener.guard is not None:
        from genai_filter import guard

        outcomes = [r.guard for r in results if r.guard is not None]
        extra["guard"] = {"backend": state.screener.guard.backend.name, **guard.summary(outcomes)}
    return extra


def _key(getter: Callable[[], T]) -> T:
    """Run a key getter; an unreadable secret is a 503, not a 500."""
    try:
        return getter()
    except keys.SecretUnavailable:
        raise http.HttpError(503, "secrets_unavailable", "the filter's keys are unavailable, try again later") from None


def _internal_error(exc: BaseException) -> Outcome:
    return Outcome(
        500,
        http.HttpError(500, "internal_error", "internal error").body(),
        "error",
        extra={"error": "internal_error", "exception": type(exc).__name__},
    )


def _handle(event: Any, context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    request_id = http.request_id_of(event) or _new_request_id()
    route, method = "other", "?"
    if isinstance(event, dict):
        candidate = http.route_of(event)
        route = candidate if candidate in http.ROUTES else "other"
        raw_method = event.get("httpMethod")
        method = raw_method[:10] if isinstance(raw_method, str) else "?"
    state = _STATE
    headers: dict[str, str] = {}
    try:
        if state is None:
            raise http.HttpError(503, "filter_misconfigured", "the filter is misconfigured")
        req = http.parse(event, state.cfg.max_body_bytes, request_id)
        outcome = _screen_route(req, state) if req.route == "/v1/screen" else _chat_route(req, state, context)
    except http.HttpError as exc:
        if exc.status == 405:
            headers["Allow"] = ", ".join(exc.extra.get("allow", []))
        outcome = Outcome(exc.status, exc.body(), "error", extra={"error": exc.code})
    except Exception as exc:  # fail closed, and never leak a traceback to the client
        outcome = _internal_error(exc)
    try:
        result = http.response(outcome.status, outcome.payload, request_id, headers)
    except http.Unsendable as exc:
        outcome = _internal_error(exc)
        result = http.response(outcome.status, outcome.payload, request_id)
    latency_ms = (time.perf_counter() - started) * 1000
    if outcome.status >= 400 and "error" not in outcome.extra:
        outcome.extra["error"] = outcome.payload.get("error", {}).get("code")
    audit.emit(
        audit.build(
            namespace=state.cfg.metrics_namespace if state else "GenAIPlatform/Filter",
            request_id=request_id,
            route=route,
            method=method,
            status=outcome.status,
            verdict=outcome.verdict,
            findings=outcome.findings,
            latency_ms=latency_ms,
            prompt_hmac=outcome.prompt_hmac,
            extra={**outcome.extra, "source_ip": http.source_ip_of(event)},
        )
    )
    return result


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    try:
        return _handle(event, context)
    except Exception as exc:  # the last line of defence: nothing raises out of the Lambda entry point
        with contextlib.suppress(Exception):
            audit.emit(
                {"event": "filter_audit", "status": 500, "error": "internal_error", "exception": type(exc).__name__}
            )
        return http.response(500, _internal_error(exc).payload, _new_request_id())
