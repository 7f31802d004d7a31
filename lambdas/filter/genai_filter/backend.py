"""OpenAI-compatible chat completions client (stdlib only).

`http.client` (the layer urllib itself uses) is used directly because urllib has a single timeout
for connect and read; here the connect timeout, the per-read timeout and an overall read deadline
are separate.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


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
    # imported on first use: containers that only serve /v1/screen never pay for http.client and ssl
    import http.client
    import ssl

    parts = urlsplit(completions_url(base_url))
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
    try:
        try:
            conn.connect()
        except TimeoutError:
            raise BackendError(
                504, "backend_timeout", "the model backend did not accept the connection in time"
            ) from None
        except OSError:
            raise BackendError(502, "backend_unavailable", "the model backend is unreachable") from None
        if conn.sock is not None:
            conn.sock.settimeout(read_timeout)
        conn.request("POST", parts.path or "/", body=body, headers=headers)
        response = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise BackendError(504, "backend_timeout", "the model backend did not answer in time")
            chunk = response.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise BackendError(502, "backend_response_too_large", "the model backend's answer was too large")
            chunks.append(chunk)
        status = response.status
    except BackendError:
        raise
    except TimeoutError:
        raise BackendError(504, "backend_timeout", "the model backend did not answer in time") from None
    except (OSError, http.client.HTTPException):
        raise BackendError(502, "backend_unavailable", "the connection to the model backend failed") from None
    finally:
        conn.close()
    if not 200 <= status < 300:
        raise BackendError(502, "backend_error", f"the model backend answered with status {status}")
    return parse(b"".join(chunks))


def parse(raw: bytes) -> Completion:
    try:
        data = json.loads(raw.decode("utf-8"))
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise BackendError(502, "bad_backend_response", "the model backend's answer was not understood") from None
    if not isinstance(content, str):
        raise BackendError(502, "bad_backend_response", "the model backend's answer had no text")
    finish = choice.get("finish_reason") if isinstance(choice, dict) else None
    usage_raw = data.get("usage") if isinstance(data, dict) else None
    usage = {
        k: v
        for k, v in (usage_raw.items() if isinstance(usage_raw, dict) else [])
        if k in ("prompt_tokens", "completion_tokens", "total_tokens") and type(v) is int
    }
    return Completion(content, finish if isinstance(finish, str) else None, usage)
