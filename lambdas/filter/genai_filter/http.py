"""API Gateway REST proxy events in, proxy responses out; request validation. Pure; no I/O."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

ROUTES: dict[str, tuple[str, ...]] = {"/v1/screen": ("POST",), "/v1/chat": ("POST",)}
_JSON_TYPES = ("application/json",)
_REQUEST_ID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


class Unsendable(ValueError):
    """A response body that is not valid UTF-8 once encoded."""


@dataclass(frozen=True, slots=True)
class Request:
    request_id: str
    method: str
    route: str
    body: Any


def response(
    status: int, payload: dict[str, Any], request_id: str, extra_headers: dict[str, str] | None = None
) -> dict[str, Any]:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Request-Id": request_id,
    }
    if extra_headers:
        headers.update(extra_headers)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: API Gateway could not send this body
        raise Unsendable from None
    return {"statusCode": status, "headers": headers, "body": body, "isBase64Encoded": False}


def request_id_of(event: Any) -> str | None:
    if isinstance(event, dict):
        ctx = event.get("requestContext")
        if isinstance(ctx, dict):
            rid = ctx.get("requestId")
            # API Gateway's request ids are UUIDs; anything else is not echoed into responses and logs
            if isinstance(rid, str) and _REQUEST_ID.fullmatch(rid):
                return rid
    return None


def source_ip_of(event: Any) -> str | None:
    """The caller's address as API Gateway saw it, for the source block list (lambdas/response/blocklist.py)."""
    if isinstance(event, dict):
        ctx = event.get("requestContext")
        identity = ctx.get("identity") if isinstance(ctx, dict) else None
        ip = identity.get("sourceIp") if isinstance(identity, dict) else None
        if isinstance(ip, str) and 0 < len(ip) <= 45 and all(c in "0123456789abcdefABCDEF.:" for c in ip):
            return ip
    return None


def route_of(event: dict[str, Any]) -> str:
    resource = event.get("resource")
    path = event.get("path")
    # an explicit resource ("/v1/screen") wins; a proxy resource ("/{proxy+}") routes on the path
    if isinstance(resource, str) and resource and "{" not in resource:
        raw = resource
    elif isinstance(path, str):
        raw = path
    else:
        raw = ""
    return raw.rstrip("/") or "/"


def _header(event: dict[str, Any], name: str) -> str | None:
    headers = event.get("headers")
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str):
            return value
    return None


# field names of the request schemas: the only client keys an error message may repeat
_FIELDS = frozenset({"text", "direction", "messages", "max_tokens", "role", "content"})


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            which = f"the field {key!r}" if key in _FIELDS else "a field that is not in the schema"
            raise HttpError(400, "duplicate_field", f"{which} appears twice")
        result[key] = value
    return result


def _reject_constant(name: str) -> None:
    raise HttpError(400, "invalid_json", f"{name} is not valid JSON")


def parse(event: Any, max_bytes: int, request_id: str) -> Request:
    if not isinstance(event, dict):
        raise HttpError(400, "bad_request", "malformed request")
    route = route_of(event)
    method = event.get("httpMethod")
    if route not in ROUTES:
        raise HttpError(404, "not_found", "no such route")
    if not isinstance(method, str) or method.upper() not in ROUTES[route]:
        raise HttpError(405, "method_not_allowed", "method not allowed", {"allow": list(ROUTES[route])})

    content_type = _header(event, "content-type")
    if content_type is not None and content_type.split(";")[0].strip().lower() not in _JSON_TYPES:
        raise HttpError(415, "unsupported_media_type", "the body must be application/json")

    body = event.get("body")
    if body is None or body == "":
        raise HttpError(400, "empty_body", "a JSON body is required")
    if not isinstance(body, str):
        raise HttpError(400, "bad_request", "malformed request body")
    encoded = event.get("isBase64Encoded") is True
    if encoded:
        if len(body) > (max_bytes + 2) // 3 * 4 + 4:
            raise HttpError(413, "payload_too_large", f"the body exceeds {max_bytes} bytes")
        try:
            raw = base64.b64decode(body.encode("ascii"), validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise HttpError(400, "invalid_base64", "the body is marked base64 but is not valid base64") from None
    else:
        if len(body) > max_bytes:  # cheap pre-check; a char is at least one byte
            raise HttpError(413, "payload_too_large", f"the body exceeds {max_bytes} bytes")
        try:
            raw = body.encode("utf-8")
        except UnicodeEncodeError:
            raise HttpError(400, "invalid_utf8", "the body is not valid UTF-8") from None
    if len(raw) > max_bytes:
        raise HttpError(413, "payload_too_large", f"the body exceeds {max_bytes} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "invalid_utf8", "the body is not valid UTF-8") from None
    try:
        parsed = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except HttpError:
        raise
    except (ValueError, RecursionError):
        raise HttpError(400, "invalid_json", "the body is not valid JSON") from None
    return Request(request_id, method.upper(), route, parsed)


def _check_text(value: str, name: str, max_chars: int) -> None:
    if len(value) > max_chars:
        raise HttpError(413, "text_too_long", f"{name} exceeds {max_chars} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise HttpError(400, "invalid_text", f"{name} contains unpaired surrogates") from None


def _unknown_field(allowed: set[str], where: str) -> HttpError:
    # the client's key is not repeated: it may be a value (an e-mail, a token) sent in the wrong place
    names = ", ".join(repr(n) for n in sorted(allowed))
    return HttpError(400, "unknown_field", f"{where} has a field that is not allowed; allowed fields: {names}")


def _object(body: Any, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HttpError(400, "invalid_body", "the body must be a JSON object")
    if not set(body) <= allowed:
        raise _unknown_field(allowed, "the body")
    missing = sorted(required - set(body))
    if missing:
        raise HttpError(400, "missing_field", f"missing field {missing[0]!r}")
    return body


def screen_body(body: Any, max_chars: int) -> tuple[str, Literal["input", "output"]]:
    obj = _object(body, {"text", "direction", "context"}, {"text", "direction"})
    text = obj["text"]
    if not isinstance(text, str):
        raise HttpError(400, "invalid_field", "'text' must be a string")
    direction = obj["direction"]
    if direction == "input" or direction == "output":  # noqa: PLR1714 - narrows to the Literal for mypy
        _check_text(text, "'text'", max_chars)
        return text, direction
    raise HttpError(400, "invalid_field", "'direction' must be 'input' or 'output'")


def screen_context(body: dict[str, Any], max_chars: int) -> str | None:
    """The optional `context.system_prompt` of a `/v1/screen` body (validated by `screen_body` first)."""
    context = body.get("context")
    if context is None:
        return None
    if not isinstance(context, dict):
        raise HttpError(400, "invalid_field", "'context' must be an object with a 'system_prompt' string")
    unknown = sorted(set(context) - {"system_prompt"})
    if unknown:
        raise HttpError(400, "unknown_field", f"unknown field {unknown[0][:40]!r} in 'context'")
    prompt = context.get("system_prompt")
    if not isinstance(prompt, str):
        raise HttpError(400, "invalid_field", "'context.system_prompt' must be a string")
    _check_text(prompt, "'context.system_prompt'", max_chars)
    return prompt


def chat_body(body: Any, max_chars: int, max_messages: int, max_tokens: int) -> tuple[list[dict[str, str]], int | None]:
    obj = _object(body, {"messages", "max_tokens"}, {"messages"})
    messages = obj["messages"]
    if not isinstance(messages, list) or not messages:
        raise HttpError(400, "invalid_field", "'messages' must be a non-empty array")
    if len(messages) > max_messages:
        raise HttpError(413, "too_many_messages", f"at most {max_messages} messages are accepted")
    clean: list[dict[str, str]] = []
    total = 0
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise HttpError(400, "invalid_field", f"messages[{i}] must be an object")
        if not set(message) <= {"role", "content"}:
            raise _unknown_field({"role", "content"}, f"messages[{i}]")
        role, content = message.get("role"), message.get("content")
        if role == "system":
            raise HttpError(400, "system_message_not_allowed", "system messages are set by the server")
        if role not in ("user", "assistant"):
            raise HttpError(400, "invalid_field", f"messages[{i}].role must be 'user' or 'assistant'")
        if not isinstance(content, str):
            raise HttpError(400, "invalid_field", f"messages[{i}].content must be a string")
        _check_text(content, f"messages[{i}].content", max_chars)
        total += len(content)
        clean.append({"role": role, "content": content})
    if total > max_chars:
        raise HttpError(413, "text_too_long", f"the conversation exceeds {max_chars} characters")
    if clean[-1]["role"] != "user":
        raise HttpError(400, "invalid_field", "the last message must come from the user")
    tokens = obj.get("max_tokens")
    if tokens is not None and (type(tokens) is not int or not 1 <= tokens <= max_tokens):
        raise HttpError(400, "invalid_field", f"'max_tokens' must be an integer from 1 to {max_tokens}")
    return clean, tokens
