"""AWS Lambda entry point (`handler.handler`) for the prompt/response filter behind API Gateway."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genai_filter import audit, backend, config, http, injection, keys
from genai_filter.findings import Finding
from genai_filter.screen import Redactor, Screener


@dataclass(frozen=True, slots=True)
class State:
    cfg: config.Config
    screener: Screener
    keyring: keys.KeyRing

    def redactor(self) -> Redactor:
        if self.cfg.redaction_mode == "pseudonym":
            return Redactor("pseudonym", self.keyring.pseudonym_key())
        return Redactor()


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
    cache = keys.SecretCache(cfg.secret_ttl_seconds)
    return State(cfg, Screener(cfg), keys.KeyRing(cache, cfg.hmac_secret_arn, cfg.backend_secret_arn))


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


def _blocking(findings: list[Finding], actions: Mapping[str, str]) -> list[str]:
    return sorted({f.category for f in findings if actions.get(f.category, "block") == "block"})


def _screen_route(req: http.Request, state: State) -> Outcome:
    text, direction = http.screen_body(req.body, state.cfg.max_text_chars)
    audit_key = _key(state.keyring.audit_key)
    result = state.screener.screen(text, direction, _key(state.redactor))
    payload = {
        "action": result.action,
        "text": result.text,
        "findings": [f.to_json() for f in result.findings],
        "request_id": req.request_id,
    }
    return Outcome(
        200,
        payload,
        result.action,
        result.findings,
        audit.prompt_hash(audit_key, text),
        {"direction": direction},
    )


def _chat_route(req: http.Request, state: State, context: Any) -> Outcome:
    cfg = state.cfg
    messages, max_tokens = http.chat_body(req.body, cfg.max_text_chars, cfg.max_messages, cfg.max_tokens)
    if cfg.backend_url is None:
        raise http.HttpError(503, "backend_not_configured", "no model backend is configured")
    audit_key = _key(state.keyring.audit_key)
    prompt_hmac = audit.prompt_hash(audit_key, json.dumps(messages, ensure_ascii=False, sort_keys=True))
    redactor = _key(state.redactor)
    forwarded: list[dict[str, str]] = [{"role": "system", "content": cfg.system_message()}]
    input_findings: list[Finding] = []
    input_action = "allow"
    reasons: set[str] = set()
    for message in messages:
        result = state.screener.screen(message["content"], "input", redactor)
        input_findings.extend(result.findings)
        if result.action == "block":
            reasons.update(_blocking(result.findings, cfg.actions("input")))
        elif result.action == "redact":
            input_action = "redact"
        forwarded.append({"role": message["role"], "content": result.text or ""})
    if not reasons:
        split = state.screener.across_messages([m["content"] for m in messages])
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
    reply = state.screener.screen(completion.content, "output", redactor)
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
        },
        "request_id": req.request_id,
    }
    return Outcome(200, body, verdict, findings, prompt_hmac, extra)


def _key(getter: Callable[[], T]) -> T:
    """Run a key getter; an unreadable secret is a 503, not a 500."""
    try:
        return getter()
    except keys.SecretUnavailable:
        raise http.HttpError(503, "secrets_unavailable", "the filter's keys are unavailable, try again later") from None


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    started = time.perf_counter()
    request_id = http.request_id_of(event) or str(uuid.uuid4())
    route, method = "other", "?"
    if isinstance(event, dict):
        candidate = http.route_of(event)
        route = candidate if candidate in http.ROUTES else "other"
        method = str(event.get("httpMethod"))[:10]
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
        outcome = Outcome(
            500,
            http.HttpError(500, "internal_error", "internal error").body(),
            "error",
            extra={"error": "internal_error", "exception": type(exc).__name__},
        )
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
    return http.response(outcome.status, outcome.payload, request_id, headers)
