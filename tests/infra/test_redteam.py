from __future__ import annotations

import argparse
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from infra.redteam import DEFAULT_CORPUS, RedteamError, configure_parser, endpoint, load_corpus, run, run_corpus

CORPUS = load_corpus(DEFAULT_CORPUS)


class FakeFilter(BaseHTTPRequestHandler):
    """Blocks texts containing 'ignore' (any case); other behaviour chosen per test."""

    seen: ClassVar[list[dict[str, Any]]] = []
    mode: ClassVar[str] = "ok"

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        FakeFilter.seen.append({"path": self.path, "key": self.headers.get("x-api-key"), "body": body})
        n = len(FakeFilter.seen)
        if self.mode == "errors" and n % 3 == 0:
            self._send(503, {"error": {"code": "backend_unavailable", "message": "down"}})
        elif self.mode == "errors" and n % 3 == 1:
            self._send(429, {"error": {"code": "throttled", "message": "slow down"}})
        elif self.mode == "redirect":
            self.send_response(302)
            self.send_header("location", "file:///etc/passwd")
            self.send_header("content-length", "0")
            self.end_headers()
        elif self.path.endswith("/v1/chat"):
            text = body["messages"][0]["content"]
            if "ignore" in text.lower():
                self._send(400, {"error": {"code": "prompt_blocked", "message": "no", "reasons": ["prompt_injection"]}})
            else:
                self._send(200, {"choices": [{"message": {"role": "assistant", "content": "ok"}}]})
        else:
            action = "block" if "ignore" in body["text"].lower() else "allow"
            self._send(200, {"action": action, "text": None if action == "block" else body["text"], "findings": []})

    def _send(self, status: int, doc: dict[str, Any]) -> None:
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[str]:
    FakeFilter.seen, FakeFilter.mode = [], "ok"
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeFilter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def args(*argv: str) -> argparse.Namespace:
    """Arguments for a local fake filter: no IAM or Cognito unless the test asks for them."""
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    return parser.parse_args([*argv] if "--auth" in argv else [*argv, "--auth", "none"])


def test_corpus_covers_the_mechanisms() -> None:
    attacks = {p.mechanism for p in CORPUS if p.kind == "attack"}
    benign = {p.mechanism for p in CORPUS if p.kind == "benign"}
    assert attacks == {"override", "persona", "template", "encoded", "indirect", "multilingual"}
    assert {"roleplay", "security", "multilingual"} <= benign
    assert len({p.id for p in CORPUS}) == len(CORPUS)


def test_rates_and_api_key_against_fake_filter(
    fake: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GENAI_API_KEY", "k-123-very-secret")
    assert run(args("--url", fake, "--json")) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert "k-123-very-secret" not in out
    assert doc["sent"] == len(CORPUS) and doc["notSent"] == 0
    expected_blocked = sum("ignore" in p.text.lower() for p in CORPUS if p.kind == "attack")
    assert doc["attacks"]["blocked"] == expected_blocked
    assert doc["blockRate"] == pytest.approx(expected_blocked / sum(p.kind == "attack" for p in CORPUS))
    assert doc["falsePositiveRate"] == pytest.approx(1 / sum(p.kind == "benign" for p in CORPUS))  # "ignore the typos"
    assert all(s["key"] == "k-123-very-secret" and s["path"] == "/v1/screen" for s in FakeFilter.seen)
    assert FakeFilter.seen[0]["body"]["direction"] == "input"


def test_thresholds_gate_the_exit_code(fake: str) -> None:
    assert run(args("--url", fake, "--min-block-rate", "0.99")) == 1
    assert run(args("--url", fake, "--max-false-positive-rate", "0.0")) == 1
    assert run(args("--url", fake, "--min-block-rate", "0.3", "--max-false-positive-rate", "0.2")) == 0


def test_chat_route(fake: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args("--url", fake + "/", "--route", "chat", "--max-requests", "6", "--json")) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sent"] == 6 and doc["notSent"] == len(CORPUS) - 6 and doc["stoppedBy"] == "max-requests"
    assert {s["path"] for s in FakeFilter.seen} == {"/v1/chat"}
    assert doc["attacks"]["blocked"] + doc["attacks"]["passed"] == 3  # interleaved: both kinds in a small sample


def test_http_errors_are_counted_and_reported(fake: str, capsys: pytest.CaptureFixture[str]) -> None:
    FakeFilter.mode = "errors"
    assert run(args("--url", fake, "--max-requests", "9")) == 1
    out = capsys.readouterr().out
    assert "errors: 429: 3, 503: 3" in out
    assert "sent 9" in out


def test_redirects_are_not_followed(fake: str, capsys: pytest.CaptureFixture[str]) -> None:
    FakeFilter.mode = "redirect"
    assert run(args("--url", fake, "--max-requests", "2", "--json")) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["errorsByStatus"] == {"302": 2}


def test_unreachable_url_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert run(args("--url", f"http://127.0.0.1:{port}", "--max-requests", "3", "--timeout", "2")) == 2
    err = capsys.readouterr().err
    assert "no answer from http://127.0.0.1" in err and "Traceback" not in err


def test_deadline_bounds_the_run() -> None:
    ticks = iter(range(1000))
    report = run_corpus(
        "http://x/v1/screen",
        "screen",
        CORPUS,
        api_key=None,
        max_requests=100,
        timeout=5,
        deadline=4.5,
        send=lambda *a: (200, b'{"action": "allow"}'),
        clock=lambda: float(next(ticks)),
    )
    assert report.stopped_by == "deadline"
    assert len(report.outcomes) + report.not_sent == len(CORPUS) and 0 < len(report.outcomes) < len(CORPUS)


def test_per_request_timeout_is_capped_by_the_deadline() -> None:
    timeouts: list[float] = []

    def send(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        timeouts.append(timeout)
        raise TimeoutError

    report = run_corpus(
        "http://x/v1/screen",
        "screen",
        CORPUS[:3],
        api_key=None,
        max_requests=10,
        timeout=30,
        deadline=2,
        send=send,
        clock=lambda: 0.0,
    )
    assert timeouts == [2, 2, 2] and [o.detail for o in report.outcomes] == ["timeout"] * 3


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://x",
        "javascript:alert(1)",
        "example.com",
        "http://user:pw@example.com",
        "http:///nohost",
        "https://example.com/?q=1",
    ],
)
def test_only_plain_http_urls(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RedteamError):
        endpoint(url, "screen")
    assert run(args("--url", url)) == 2
    err = capsys.readouterr().err
    assert err.startswith("genai-platform redteam:") and len(err.strip().splitlines()) == 1


def test_endpoint_joins_routes() -> None:
    assert endpoint("https://api.example.com/prod", "screen") == "https://api.example.com/prod/v1/screen"
    assert endpoint("https://api.example.com/v1/chat/", "chat") == "https://api.example.com/v1/chat"


def test_bad_corpus_and_bounds(tmp_path: Path, fake: str) -> None:
    bad = tmp_path / "c.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    assert run(args("--url", fake, "--corpus", str(bad))) == 2
    assert run(args("--url", fake, "--corpus", str(tmp_path / "missing.jsonl"))) == 2
    assert run(args("--url", fake, "--max-requests", "0")) == 2
    assert run(args("--url", fake, "--deadline", "-1")) == 2


@pytest.mark.slow
def test_against_the_filter_local_server(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    serve = pytest.importorskip("infra.filtering.serve")
    for name in ("FILTER_ACTIONS", "FILTER_OUTPUT_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    running = serve.start_in_thread("127.0.0.1", 0)
    try:
        code = run(args("--url", running.url, "--json", "--deadline", "60"))
    finally:
        running.stop()
    out = capsys.readouterr().out  # the handler writes its own audit lines to stdout too
    doc = json.loads(out[out.index('{\n  "schemaVersion"') :])
    assert doc["sent"] == len(CORPUS) and doc["attacks"]["error"] == doc["benign"]["error"] == 0
    assert code in (0, 1)
    # The real filter blocks most of this corpus and few of the benign prompts; the exact rates are its own business.
    assert doc["blockRate"] >= 0.5
    assert doc["falsePositiveRate"] <= 0.5
