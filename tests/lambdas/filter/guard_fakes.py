"""Fakes of the guard tier's two backends, on loopback only: a text-embeddings-inference `/predict`
classifier, and a Bedrock Runtime client wired to a botocore Stubber (tests and benchmarks/filter_bench.py)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ATTACK_MARKER = "disregard the guard"
"""Texts containing this are scored malicious by the fake classifier (the rules do not know the phrase)."""


def prompt_guard_scores(text: str) -> list[dict[str, Any]]:
    """TEI's answer for one input of a binary Prompt Guard 2 model (sorted by score, as TEI sends it)."""
    p = 0.98 if ATTACK_MARKER in text.lower() else 0.03
    return sorted([{"label": "LABEL_1", "score": p}, {"label": "LABEL_0", "score": 1 - p}], key=lambda e: -e["score"])


@dataclass
class FakeClassifier:
    """`POST /predict` on 127.0.0.1:0. Set `status`, `delay` (seconds before answering), `raw` (the body as
    sent) or `drip` (seconds between bytes, to defeat per-read socket timeouts)."""

    status: int = 200
    delay: float = 0.0
    raw: bytes | None = None
    drip: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def calls(self) -> int:
        return len(self.requests)


@contextmanager
def fake_classifier() -> Iterator[FakeClassifier]:
    state = FakeClassifier()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length))
            with state.lock:
                state.requests.append(payload)
                state.paths.append(self.path)
            if state.delay:
                time.sleep(state.delay)
            inputs = payload.get("inputs")
            batch = inputs if isinstance(inputs, list) else [inputs]
            data = state.raw if state.raw is not None else json.dumps([prompt_guard_scores(t) for t in batch]).encode()
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if state.drip:
                    for i in range(len(data)):
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                        time.sleep(state.drip)
                else:
                    self.wfile.write(data)
            except OSError:
                pass  # the filter gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with loopback(Handler) as url:
        state.url = url
        yield state


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


GUARDRAIL_ID = "abcd1234efgh"
GUARDRAIL_VERSION = "1"


def stubbed_bedrock() -> tuple[Any, Any]:
    """A bedrock-runtime client (fake credentials, no network) and its activated Stubber."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client(
        "bedrock-runtime",
        region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="fake",
    )
    stubber = Stubber(client)
    stubber.activate()
    return client, stubber


def guardrail_response(action: str = "NONE", **assessment: Any) -> dict[str, Any]:
    return {
        "usage": {"topicPolicyUnits": 1, "contentPolicyUnits": 1, "wordPolicyUnits": 0, "sensitiveInformationPolicyUnits": 1, "sensitiveInformationPolicyFreeUnits": 0, "contextualGroundingPolicyUnits": 0},
        "action": action,
        "outputs": [{"text": "Sorry, blocked."}] if action == "GUARDRAIL_INTERVENED" else [],
        "assessments": [assessment] if assessment else [],
    }  # fmt: skip


PROMPT_ATTACK = {
    "contentPolicy": {
        "filters": [{"type": "PROMPT_ATTACK", "confidence": "HIGH", "action": "BLOCKED", "detected": True}]
    }
}


def expect(stubber: Any, response: dict[str, Any], text: str, source: str = "INPUT") -> None:
    stubber.add_response(
        "apply_guardrail",
        response,
        {
            "guardrailIdentifier": GUARDRAIL_ID,
            "guardrailVersion": GUARDRAIL_VERSION,
            "source": source,
            "content": [{"text": {"text": text}}],
        },
    )


def slow_down(client: Any, seconds: float) -> Callable[[], None]:
    """Make every ApplyGuardrail call take `seconds` before the Stubber answers; returns the undo."""

    def sleep(**_: Any) -> None:
        time.sleep(seconds)

    client.meta.events.register("before-parameter-build.bedrock-runtime.ApplyGuardrail", sleep)
    return lambda: client.meta.events.unregister("before-parameter-build.bedrock-runtime.ApplyGuardrail", sleep)
