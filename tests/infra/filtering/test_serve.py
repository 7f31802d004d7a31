"""The local development server: API Gateway REST proxy events built from real HTTP requests."""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from infra.filtering import serve


@pytest.fixture
def server() -> Iterator[serve.RunningServer]:
    running = serve.start_in_thread("127.0.0.1", 0)
    try:
        yield running
    finally:
        running.stop()


def post(url: str, payload: Any, content_type: str = "application/json", method: str = "POST") -> tuple[int, Any, Any]:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read()), resp.headers
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), err.headers


def test_screen_through_local_server(server: serve.RunningServer) -> None:
    status, body, headers = post(server.url + "/v1/screen", {"text": "mail jane@example.com", "direction": "input"})
    assert status == 200
    assert body["action"] == "redact" and body["text"] == "mail [EMAIL_ADDRESS_1]"
    assert headers["X-Request-Id"] == body["request_id"]


def test_errors_through_local_server(server: serve.RunningServer) -> None:
    assert post(server.url + "/v1/nope", {"text": "x", "direction": "input"})[0] == 404
    status, body, headers = post(server.url + "/v1/screen", {"text": "x", "direction": "input"}, method="PUT")
    assert (status, body["error"]["code"], headers["Allow"]) == (405, "method_not_allowed", "POST")
    status, body, _ = post(server.url + "/v1/screen", b'{"text": "\xff", "direction": "input"}')
    assert (status, body["error"]["code"]) == (400, "invalid_utf8")  # sent on as a base64 event


def test_event_shape() -> None:
    event = serve.build_event(
        "POST",
        "/v1/screen?a=1&a=2",
        [("Content-Type", "application/json"), ("X-A", "1"), ("X-A", "2")],
        b"{}",
        "127.0.0.1",
    )
    assert event["resource"] == "/v1/screen" and event["path"] == "/v1/screen"
    assert event["httpMethod"] == "POST" and event["requestContext"]["httpMethod"] == "POST"
    assert event["multiValueHeaders"]["X-A"] == ["1", "2"] and event["headers"]["X-A"] == "2"
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["body"] == "{}" and event["isBase64Encoded"] is False
    assert serve.build_event("GET", "/", [], b"", "::1")["body"] is None


def test_configure_parser_defaults() -> None:
    parser = argparse.ArgumentParser()
    serve.configure_parser(parser)
    args = parser.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8080)


def test_run_reports_bind_failure(capsys: pytest.CaptureFixture[str], server: serve.RunningServer) -> None:
    host, port = server.server.server_address[:2]
    assert serve.run(argparse.Namespace(host=str(host), port=int(port))) == 2
    assert "cannot listen" in capsys.readouterr().err


def test_bad_content_length_and_head(server: serve.RunningServer) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.server.server_address[1], timeout=10)
    conn.putrequest("POST", "/v1/screen")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(serve.MAX_REQUEST_BYTES + 1))
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "bad_content_length"
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", server.server.server_address[1], timeout=10)
    conn.request("HEAD", "/v1/screen")
    assert conn.getresponse().status == 405
    conn.close()
