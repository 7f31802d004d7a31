"""The filter's edges: what the backend sends back, slow backends, malformed events, echoes, pseudonyms."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import handler as filter_handler
import pytest
from genai_filter import audit, backend, http

CANARY = "cnry-edge-canary-0123456789"


def completion(**choice: Any) -> dict[str, Any]:
    return {
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "Fine."}, "finish_reason": "stop", **choice}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


@pytest.fixture
def chat(backend: Any, configure: Any, event: Any, invoke: Any) -> Any:
    configure(
        FILTER_BACKEND_URL=backend.url,
        FILTER_CANARY_TOKEN=CANARY,
        FILTER_BACKEND_READ_TIMEOUT="1",
        FILTER_BACKEND_CONNECT_TIMEOUT="0.5",
    )

    def send(raw: bytes) -> tuple[int, dict[str, Any], str]:
        backend.raw = raw
        result = filter_handler.handler(event(path="/v1/chat", body={"messages": [{"role": "user", "content": "hi"}]}))
        text = result["body"]
        text.encode("utf-8")  # every body must be sendable
        return result["statusCode"], json.loads(text), text

    return send


# finish_reason and the other fields of the backend's answer --------------------------------------------


@pytest.mark.parametrize("reason", ["stop", "length", "content_filter", "tool_calls"])
def test_known_finish_reasons_pass(chat: Any, reason: str) -> None:
    status, body, _ = chat(json.dumps(completion(finish_reason=reason)).encode())
    assert (status, body["finish_reason"]) == (200, reason)


@pytest.mark.parametrize(
    "reason",
    [CANARY, "AKIAIOSFODNN7EXAMPLE", "4111 1111 1111 1111", "x" * 900_000, "Stop", "eos", 7, ["stop"]],
)
def test_other_finish_reasons_are_dropped(chat: Any, reason: Any) -> None:
    status, body, text = chat(json.dumps(completion(finish_reason=reason)).encode())
    assert status == 200 and body["finish_reason"] is None
    assert len(text) < 2000
    for needle in (CANARY, "AKIA", "4111", "xxxx", "eos"):
        assert needle not in text


def test_only_screened_or_fixed_fields_reach_the_client(chat: Any) -> None:
    raw = completion(logprobs={"leak": CANARY}, role="system")
    raw["choices"][0]["message"]["role"] = CANARY
    raw.update(id=CANARY, model=CANARY, system_fingerprint=CANARY, extra={"x": CANARY})
    raw["usage"] = {"prompt_tokens": 10**40, "completion_tokens": -3, "total_tokens": True, CANARY: 1}
    status, body, text = chat(json.dumps(raw).encode())
    assert status == 200 and CANARY not in text
    assert body["message"] == {"role": "assistant", "content": "Fine."}
    assert body["usage"] == {}
    assert set(body) == {"message", "finish_reason", "usage", "filter", "request_id"}


# bad backend text is a 502, never a 500 or an unencodable 200 ------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"choices": [{"message": {"content": "hi \\ud800 there"}, "finish_reason": "stop"}]}',
        b'{"choices": [{"message": {"content": "\\udfff"}}]}',
        b"[" * 200_000 + b"]" * 200_000,
        b'{"choices": [{"message": {"content": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}}]}",
        b'{"choices": [{"message": {"content": "caf\xe9"}}]}',
        b"\xff\xfe{}",
        b'{"choices": [{"message": {"content": "x"}}], "usage": {"total_tokens": 1' + b"0" * 5000 + b"}}",
        b"",
        b"null",
    ],
)
def test_bad_backend_text_is_502(chat: Any, raw: bytes) -> None:
    status, body, _ = chat(raw)
    assert status == 502 and body["error"]["code"] == "bad_backend_response", body


def test_parse_rejects_lone_surrogates_directly() -> None:
    with pytest.raises(backend.BackendError) as err:
        backend.parse(b'{"choices": [{"message": {"content": "a\\ud83d"}}]}')
    assert err.value.status == 502
    ok = backend.parse(b'{"choices": [{"message": {"content": "a\\ud83d\\ude00"}}]}')
    assert ok.content == "a\U0001f600"


# slow backends: the wall-clock deadline holds ------------------------------------------------------------


@pytest.fixture
def dripping() -> Iterator[dict[str, Any]]:
    """A backend on loopback that sends its answer one byte every 0.2 s (headers included when asked)."""
    body = b'{"choices":[{"message":{"content":"ok"}}]}'
    state: dict[str, Any] = {"headers_too": False, "stop": threading.Event()}
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    state["url"] = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def serve() -> None:
        while not state["stop"].is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
                if not state["headers_too"]:
                    conn.sendall(head)
                    head = b""
                for byte in head + body:
                    if state["stop"].is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(0.2)
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state["stop"].set()
        thread.join(timeout=2)
        listener.close()


@pytest.mark.parametrize("headers_too", [False, True])
def test_slow_drip_backend_hits_the_deadline(
    dripping: dict[str, Any], configure: Any, event: Any, invoke: Any, headers_too: bool
) -> None:
    dripping["headers_too"] = headers_too
    configure(FILTER_BACKEND_URL=dripping["url"], FILTER_BACKEND_READ_TIMEOUT="1")
    started = time.monotonic()
    status, body, _ = invoke(event(path="/v1/chat", body={"messages": [{"role": "user", "content": "hi"}]}))
    elapsed = time.monotonic() - started
    assert (status, body["error"]["code"]) == (504, "backend_timeout")
    assert elapsed < 2.0, elapsed


# nothing raises out of handler() -------------------------------------------------------------------------


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("field", ["httpMethod", "path", "resource", "headers", "requestContext", "body"])
def test_deeply_nested_event_fields_never_raise(field: str, event: Any) -> None:
    ev = event(body={"text": "hi", "direction": "input"})
    ev[field] = nested(100_000)
    result = filter_handler.handler(ev, None)  # an ignored field may still give a 200
    assert result["statusCode"] < 500
    json.loads(result["body"])
    if field in ("httpMethod", "body"):
        assert 400 <= result["statusCode"] < 500


def test_a_failing_audit_line_is_a_well_formed_500(
    event: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(record: dict[str, Any]) -> None:
        raise BrokenPipeError("stdout closed")

    monkeypatch.setattr(audit, "emit", broken)
    result = filter_handler.handler(event(body={"text": "hi", "direction": "input"}), None)
    assert result["statusCode"] == 500
    assert json.loads(result["body"]) == {"error": {"code": "internal_error", "message": "internal error"}}
    assert "stdout closed" not in result["body"]


def test_an_unencodable_payload_never_leaves_the_handler(event: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from genai_filter.screen import ScreenResult

    state = filter_handler._STATE
    assert state is not None
    monkeypatch.setattr(state.screener, "screen", lambda *a: ScreenResult("allow", "a\ud800b", []))
    result = filter_handler.handler(event(body={"text": "hi", "direction": "input"}), None)
    result["body"].encode("utf-8")
    assert result["statusCode"] == 500
    with pytest.raises(http.Unsendable):
        http.response(200, {"text": "a\ud800b"}, "rid")


# no echo of client-chosen keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": "hi", "direction": "input", "jane.doe@example.com": 1}, "unknown_field"),
        ({"messages": [{"role": "user", "content": "hi", "jane.doe@example.com": 1}]}, "unknown_field"),
        ({"messages": [{"role": "user", "content": "hi"}], "jane.doe@example.com": 1}, "unknown_field"),
    ],
)
def test_unknown_field_does_not_echo_the_key(event: Any, invoke: Any, body: Any, code: str) -> None:
    path = "/v1/chat" if "messages" in body else "/v1/screen"
    status, payload, _ = invoke(event(path=path, body=body))
    assert (status, payload["error"]["code"]) == (400, code)
    assert "jane" not in json.dumps(payload)
    assert re.search(r"allowed|expected", payload["error"]["message"])


def test_duplicate_field_does_not_echo_an_unknown_key(event: Any, invoke: Any) -> None:
    raw = '{"text": "hi", "direction": "input", "AKIAIOSFODNN7EXAMPLE": 1, "AKIAIOSFODNN7EXAMPLE": 2}'
    status, payload, _ = invoke(event(raw_body=raw))
    assert (status, payload["error"]["code"]) == (400, "duplicate_field")
    assert "AKIA" not in json.dumps(payload)
    status, payload, _ = invoke(event(raw_body='{"text": "a", "text": "b", "direction": "input"}'))
    assert (status, payload["error"]["code"]) == (400, "duplicate_field") and "'text'" in payload["error"]["message"]


# pseudonyms ------------------------------------------------------------------------------------------------

SSN = "536-22-4821"


def _screen(event: Any, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    result = filter_handler.handler(event(body={"text": text, "direction": "input"}), None)
    assert result["statusCode"] == 200, result
    return json.loads(result["body"]), result


def test_client_pseudonyms_are_per_request(configure: Any, event: Any, capsys: pytest.CaptureFixture[str]) -> None:
    configure(FILTER_REDACTION_MODE="pseudonym")
    first, _ = _screen(event, f"my ssn is {SSN}, again {SSN}")
    second, _ = _screen(event, f"my ssn is {SSN}")
    labels_first = re.findall(r"<US_SSN:([0-9a-f]+)>", first["text"])
    labels_second = re.findall(r"<US_SSN:([0-9a-f]+)>", second["text"])
    assert len(labels_first) == 2 and labels_first[0] == labels_first[1]  # stable within a request
    assert len(labels_second) == 1 and labels_second[0] != labels_first[0]  # not across requests
    assert all(len(label) >= 16 for label in labels_first + labels_second)
    # the audit records carry a stable, longer pseudonym for correlation, and never the value
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    stable = [line["pseudonyms"] for line in lines if line.get("event") == "filter_audit"]
    assert len(stable) == 2 and stable[0] == stable[1] and len(stable[0]) == 1
    assert re.fullmatch(r"<US_SSN:[0-9a-f]{16,}>", stable[0][0])
    assert SSN not in json.dumps(lines) and labels_first[0] not in json.dumps(lines)
    assert stable[0][0] not in first["text"] + second["text"]


def test_two_requests_do_not_recover_a_value_from_candidates(configure: Any, event: Any) -> None:
    configure(FILTER_REDACTION_MODE="pseudonym")
    target, _ = _screen(event, f"ssn {SSN}")
    label = re.findall(r"<US_SSN:[0-9a-f]+>", target["text"])[0]
    candidates = [f"536-22-{n:04d}" for n in range(4700, 4900)]
    probe, _ = _screen(event, " ".join(candidates))
    assert label not in probe["text"]


def test_pseudonyms_do_not_collide() -> None:
    import os

    from genai_filter.screen import Redactor

    redactor = Redactor("pseudonym", os.urandom(32))
    labels = {redactor.label("EMAIL_ADDRESS", f"user{i}@example.com") for i in range(100_000)}
    assert len(labels) == 100_000


@pytest.mark.parametrize("mode", ["placeholder", "pseudonym"])
def test_reply_values_are_not_matched_against_prompt_values(
    backend: Any, configure: Any, event: Any, invoke: Any, mode: str
) -> None:
    configure(FILTER_BACKEND_URL=backend.url, FILTER_REDACTION_MODE=mode)
    candidates = ["ann@example.org", "bob@example.org", "cid@example.org"]
    backend.reply = "The address is bob@example.org."
    status, body, _ = invoke(
        event(path="/v1/chat", body={"messages": [{"role": "user", "content": "Which of " + ", ".join(candidates)}]})
    )
    assert status == 200
    forwarded = backend.requests[0]["messages"][1]["content"]
    prompt_labels = re.findall(r"[\[<]EMAIL_ADDRESS[^\]>]*[\]>]", forwarded)
    reply_labels = re.findall(r"[\[<]EMAIL_ADDRESS[^\]>]*[\]>]", body["message"]["content"])
    assert len(prompt_labels) == 3 and len(reply_labels) == 1
    assert reply_labels[0] not in prompt_labels


@pytest.mark.parametrize(
    "rid", ["jane.doe@example.com", "my ssn 536-22-4821", "a" * 129, "x\u2028y", "<script>", "id with space"]
)
def test_request_id_is_echoed_only_when_it_looks_like_one(
    event: Any, rid: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = filter_handler.handler(event(body={"text": "hi", "direction": "input"}, request_id=rid), None)
    assert result["statusCode"] == 200
    echoed = result["headers"]["X-Request-Id"]
    assert echoed != rid and re.fullmatch(r"[0-9a-f-]{36}", echoed)
    assert json.loads(result["body"])["request_id"] == echoed
    assert rid not in capsys.readouterr().out


def test_an_api_gateway_request_id_is_kept(event: Any) -> None:
    rid = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    result = filter_handler.handler(event(body={"text": "hi", "direction": "input"}, request_id=rid), None)
    assert result["headers"]["X-Request-Id"] == rid
