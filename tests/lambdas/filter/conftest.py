"""Shared fixtures for the filter Lambda tests: REST proxy events, configuration, a fake model backend."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import handler as filter_handler
import pytest

from tests.lambdas.filter.guard_fakes import loopback


def rest_event(
    method: str = "POST",
    path: str = "/v1/screen",
    body: Any = None,
    *,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
    is_base64: bool = False,
    resource: str | None = None,
    request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
) -> dict[str, Any]:
    """An API Gateway REST API proxy-integration event shaped like the real thing."""
    if headers is None:
        headers = {"Content-Type": "application/json", "Host": "abc123.execute-api.eu-west-1.amazonaws.com"}
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    return {
        "resource": resource if resource is not None else path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} if headers else None,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "123456",
            "resourcePath": resource if resource is not None else path,
            "httpMethod": method,
            "extendedRequestId": "c6af9ac6-ext",
            "requestTime": "25/Nov/2026:22:00:00 +0000",
            "path": f"/prod{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abc123",
            "requestTimeEpoch": 1795644000000,
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "198.51.100.7",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": "pytest",
                "user": None,
            },
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "apiId": "abc123",
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


def call(event: Any, context: Any = None) -> tuple[int, dict[str, Any], dict[str, str]]:
    result = filter_handler.handler(event, context)
    assert set(result) == {"statusCode", "headers", "body", "isBase64Encoded"}
    return result["statusCode"], json.loads(result["body"]), result["headers"]


@pytest.fixture
def configure() -> Iterator[Callable[..., None]]:
    """Reload the handler's configuration from the given FILTER_* settings; restore defaults afterwards."""

    def apply(**env: str) -> None:
        filter_handler.init(env)

    yield apply
    filter_handler.init({})


@pytest.fixture(autouse=True)
def _default_config() -> Iterator[None]:
    filter_handler.init({})
    yield


@dataclass
class FakeBackend:
    """OpenAI-compatible /v1/chat/completions on 127.0.0.1:0; set `reply`, `status` or `delay`."""

    reply: str = "Hello! How can I help?"
    status: int = 200
    delay: float = 0.0
    raw: bytes | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def backend() -> Iterator[FakeBackend]:
    state = FakeBackend()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length))
            state.requests.append(payload)
            state.headers.append({k.lower(): v for k, v in self.headers.items()})
            if state.delay:
                time.sleep(state.delay)
            if state.raw is not None:
                data = state.raw
            else:
                data = json.dumps(
                    {
                        "id": "cmpl-1",
                        "object": "chat.completion",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": state.reply},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                    }
                ).encode()
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the filter gave up waiting (timeout tests)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with loopback(Handler) as url:
        state.url = url
        yield state


@pytest.fixture
def event() -> Callable[..., dict[str, Any]]:
    return rest_event


@pytest.fixture
def invoke() -> Callable[..., tuple[int, dict[str, Any], dict[str, str]]]:
    return call
