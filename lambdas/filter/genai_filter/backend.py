"""OpenAI-compatible chat completions client (stdlib only).

`http.client` (the layer urllib itself uses) is used directly because urllib has a single timeout
for connect and read; here the connect timeout, the per-read timeout and an overall read deadline
are separate.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# the only values of these fields that are passed on to the client; anything else is dropped
FINISH_REASONS = frozenset({"stop", "length", "content_filter", "tool_calls"})
USAGE_FIELDS = frozenset({"prompt_tokens", "completion_tokens", "total_tokens"})
_MAX_TOKENS_COUNT = 2**32
_CHUNK_BYTES = 16_384


class BackendError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Completion:
    content: str
    finish_reason: str | None
    usage: dict[str, int]


def completions_url(base: str) -> str:
    trimmed = base.rstrip("/")
    if trimmed.endswith("/chat/completions"):
        return trimmed
    if trimmed.endswith("/v1"):
        return trimmed + "/chat/completions"
    return trimmed + "/v1/chat/completions"


def chat(
    base_url: str,
    payload: dict[str, Any],
    *,
    api_key: str | None,
    connect_timeout: float,
    read_timeout: float,
    max_bytes: int,
) -> Completion:
    status, raw = post_json(
        completions_url(base_url),
        payload,
        api_key=api_key,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_bytes=max_bytes,
    )
    if not 200 <= status < 300:
        raise BackendError(502, "backend_error", f"the model backend answered with status {status}")
    return parse(raw)


def post_json(
    url: str,
    payload: Any,
    *,
    api_key: str | None,
    connect_timeout: float,
    read_timeout: float,
    max_bytes: int,
) -> tuple[int, bytes]:
    """POST `payload` as JSON; the status and the raw body, read within `read_timeout` in all (not per read)."""
    # imported on first use: containers that only serve /v1/screen never pay for http.client and ssl
    import http.client
    import socket
    import ssl
    import threading

    parts = urlsplit(url)
    host = parts.hostname or ""
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            host, parts.port, timeout=connect_timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(host, parts.port, timeout=connect_timeout)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    deadline = time.monotonic() + read_timeout
    expired = threading.Event()

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or expired.is_set():
            raise BackendError(504, "backend_timeout", "the model backend did not answer in time")
        return remaining

    def cut_off(sock: socket.socket) -> None:
        # a backend that sends a byte just before each socket timeout would never time out: at the
        # deadline the socket is shut down, which ends any read still blocked in http.client
        expired.set()
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    watchdog: threading.Timer | None = None
    try:
        try:
            conn.connect()
        except TimeoutError:
            raise BackendError(
                504, "backend_timeout", "the model backend did not accept the connection in time"
            ) from None
        except OSError:
            raise BackendError(502, "backend_unavailable", "the model backend is unreachable") from None
        sock = conn.sock
        if sock is None:
            raise BackendError(502, "backend_unavailable", "the model backend is unreachable")
        watchdog = threading.Timer(left(), cut_off, (sock,))
        watchdog.daemon = True
        watchdog.start()
        sock.settimeout(left())
        conn.request("POST", parts.path or "/", body=body, headers=headers)
        sock.settimeout(left())
        response = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while True:
            sock.settimeout(left())
            chunk = response.read1(_CHUNK_BYTES)  # whatever has arrived: read(n) waits for n bytes
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise BackendError(502, "backend_response_too_large", "the model backend's answer was too large")
            chunks.append(chunk)
        left()  # a socket cut off at the deadline reads as EOF
        status = response.status
    except BackendError:
        raise
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, TimeoutError) or expired.is_set() or time.monotonic() >= deadline:
            raise BackendError(504, "backend_timeout", "the model backend did not answer in time") from None
        raise BackendError(502, "backend_unavailable", "the connection to the model backend failed") from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        conn.close()
    return status, b"".join(chunks)


def _bad(message: str) -> BackendError:
    return BackendError(502, "bad_backend_response", message)


def parse(raw: bytes) -> Completion:
    """The answer's text, and of every other field only what a fixed vocabulary or range allows."""
    try:
        data = json.loads(raw.decode("utf-8"))
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        raise _bad("the model backend's answer was not understood") from None
    if not isinstance(content, str):
        raise _bad("the model backend's answer had no text")
    try:
        content.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad("the model backend's answer was not valid text") from None
    finish = choice.get("finish_reason") if isinstance(choice, dict) else None
    usage_raw = data.get("usage") if isinstance(data, dict) else None
    usage = {
        k: v
        for k, v in (usage_raw.items() if isinstance(usage_raw, dict) else [])
        if k in USAGE_FIELDS and type(v) is int and 0 <= v <= _MAX_TOKENS_COUNT
    }
    return Completion(content, finish if isinstance(finish, str) and finish in FINISH_REASONS else None, usage)
