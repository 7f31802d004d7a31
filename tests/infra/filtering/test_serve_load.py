"""`filter serve` under load: a real listen backlog, per-connection timeouts, a bounded worker pool."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from infra.filtering import serve

pytestmark = pytest.mark.slow


def echo_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(0.02)  # a little work, so that concurrent clients overlap
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"ok":true}'}


@pytest.fixture
def server() -> Iterator[serve.RunningServer]:
    running = serve.start_in_thread("127.0.0.1", 0, echo_handler, **LIMITS)
    try:
        yield running
    finally:
        running.stop()


LIMITS: dict[str, Any] = {"workers": 8, "queue_size": 64, "connection_timeout": 0.5}


def test_listen_backlog_is_real() -> None:
    running = serve.start_in_thread("127.0.0.1", 0, echo_handler)
    try:
        assert running.server.request_queue_size >= 128
    finally:
        running.stop()


def test_fifty_concurrent_clients_are_all_answered(server: serve.RunningServer) -> None:
    barrier = threading.Barrier(50)
    results: list[Any] = []

    def client() -> None:
        barrier.wait()
        try:
            req = urllib.request.Request(server.url + "/v1/screen", data=b"{}", method="POST")
            with urllib.request.urlopen(req, timeout=10) as resp:
                results.append((resp.status, json.loads(resp.read())))
        except Exception as exc:  # a reset connection is the failure this test looks for
            results.append(exc)

    threads = [threading.Thread(target=client) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert results == [(200, {"ok": True})] * 50


def test_stalled_connections_are_bounded_and_time_out(server: serve.RunningServer) -> None:
    before = threading.active_count()
    port = server.server.server_address[1]
    stalled = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(200)]
    try:
        time.sleep(0.3)
        assert threading.active_count() <= before + 2, threading.active_count() - before
        # every stalled connection ends without the client doing anything: dropped after the idle timeout
        # (queued ones after their turn) or answered 503 at once when the queue is full
        deadline = time.monotonic() + 15
        answers: list[bytes] = []
        for sock in stalled:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            data = b""
            try:
                while chunk := sock.recv(4096):
                    data += chunk
            except TimeoutError:
                data = b"still open"
            answers.append(data)
        assert b"still open" not in answers
        busy = [a for a in answers if a.startswith(b"HTTP/1.1 503")]
        assert busy and all(b"server_busy" in a for a in busy)
    finally:
        for sock in stalled:
            sock.close()
    # and the server still answers afterwards
    req = urllib.request.Request(server.url + "/v1/screen", data=b"{}", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200


def test_pool_settings_are_validated() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    serve.configure_parser(parser)
    args = parser.parse_args(["--workers", "4", "--queue", "10", "--timeout", "2.5"])
    assert (args.workers, args.queue, args.timeout) == (4, 10, 2.5)
    for bad in (["--workers", "0"], ["--queue", "-1"], ["--timeout", "0"], ["--workers", "many"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)
