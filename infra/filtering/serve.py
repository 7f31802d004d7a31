"""Run the filter Lambda locally behind a stdlib HTTP server that builds API Gateway REST proxy events.

    python -m infra.filtering.serve [--host 127.0.0.1] [--port 8080] [--workers 16] [--queue 64] [--timeout 10]

Configuration comes from the same FILTER_* environment variables as in Lambda.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import queue
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra.filtering import ensure_lambda_path

MAX_REQUEST_BYTES = 8 * 1024 * 1024  # hard cap before the handler's own (smaller) limit applies
LAMBDA_TIMEOUT_MS = 60_000
LISTEN_BACKLOG = 128
WORKERS = 16
QUEUE_SIZE = 64
CONNECTION_TIMEOUT = 10.0
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
    b"Connection: close\r\nContent-Length: 80\r\n\r\n"
    + json.dumps({"error": {"code": "server_busy", "message": "too many connections, try again"}}).encode().ljust(80)
)


def _load_handler() -> ModuleType:
    ensure_lambda_path()
    import handler

    return handler


class LocalContext:
    """The parts of the Lambda context object the handler uses."""

    function_name = "genai-filter-local"

    def __init__(self, request_id: str) -> None:
        self.aws_request_id = request_id
        self._deadline = time.monotonic() + LAMBDA_TIMEOUT_MS / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def build_event(
    method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes, source_ip: str
) -> dict[str, Any]:
    """An API Gateway REST API (v1) Lambda proxy integration event, as API Gateway sends it."""
    parts = urlsplit(raw_path)
    path = parts.path or "/"
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    query_multi = parse_qs(parts.query, keep_blank_values=True) if parts.query else {}
    query = {k: v[-1] for k, v in query_multi.items()}
    request_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    try:
        text_body: str | None = body.decode("utf-8") if body else None
        is_b64 = False
    except UnicodeDecodeError:
        text_body, is_b64 = base64.b64encode(body).decode("ascii"), True
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": query_multi or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": path,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/local{path}",
            "accountId": "000000000000",
            "protocol": "HTTP/1.1",
            "stage": "local",
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": single.get("User-Agent", ""),
                "user": None,
            },
            "domainName": "localhost",
            "apiId": "local",
        },
        "body": text_body,
        "isBase64Encoded": is_b64,
    }


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _make_request_handler(lambda_handler: Handler) -> type[BaseHTTPRequestHandler]:
    class ProxyHandler(BaseHTTPRequestHandler):
        server_version = "genai-filter-local"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # an idle or stalled connection gives its worker back after this many seconds
            self.connection.settimeout(getattr(self.server, "connection_timeout", CONNECTION_TIMEOUT))

        def _handle(self) -> None:
            length_header = self.headers.get("Content-Length")
            try:
                length = int(length_header) if length_header else 0
            except ValueError:
                length = -1
            if length < 0 or length > MAX_REQUEST_BYTES:
                self._send(413 if length > 0 else 400, {"error": {"code": "bad_content_length"}}, {})
                return
            body = self.rfile.read(length) if length else b""
            event = build_event(self.command, self.path, list(self.headers.items()), body, self.client_address[0])
            result = lambda_handler(event, LocalContext(event["requestContext"]["requestId"]))
            payload = result.get("body") or ""
            data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode("utf-8")
            self._send_raw(int(result.get("statusCode", 500)), data, dict(result.get("headers") or {}))

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            headers = {"Content-Type": "application/json", **headers}
            self._send_raw(status, json.dumps(payload).encode(), headers)

        def _send_raw(self, status: int, data: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

        def do_HEAD(self) -> None:
            self._send(405, {"error": {"code": "method_not_allowed"}}, {})

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the handler already writes one audit line per request

    return ProxyHandler


class BoundedHTTPServer(HTTPServer):
    """An HTTP server with a fixed pool of worker threads and a bounded queue of accepted connections.

    A thread per connection (`ThreadingHTTPServer`) lets stalled clients create threads without limit, and
    socketserver's listen backlog of 5 resets concurrent clients. Here the backlog is 128, every connection
    has an idle timeout, and a connection that finds the queue full is answered 503 at once.
    """

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler_class: type[BaseHTTPRequestHandler],
        *,
        workers: int = WORKERS,
        queue_size: int = QUEUE_SIZE,
        connection_timeout: float = CONNECTION_TIMEOUT,
    ) -> None:
        self.connection_timeout = connection_timeout
        self._pending: queue.Queue[tuple[socket.socket, Any] | None] = queue.Queue(maxsize=queue_size)
        self._workers: list[threading.Thread] = []
        super().__init__(address, handler_class)  # binds and listens; closes the socket itself on failure
        self._workers = [
            threading.Thread(target=self._work, name=f"filter-serve-worker-{i}", daemon=True) for i in range(workers)
        ]
        for worker in self._workers:
            worker.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        try:
            self._pending.put_nowait((request, client_address))
        except queue.Full:
            self._busy(request)

    def _busy(self, request: socket.socket) -> None:
        with contextlib.suppress(OSError):
            request.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                request.recv(65536)  # unread input would turn the close into a reset that hides the 503
            request.sendall(_BUSY)  # a few bytes: fits the socket's send buffer, never blocks the acceptor
        self.shutdown_request(request)

    def _work(self) -> None:
        while (item := self._pending.get()) is not None:
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        while True:  # connections still queued are closed unanswered
            try:
                item = self._pending.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                self.shutdown_request(item[0])
        for _ in self._workers:
            with contextlib.suppress(queue.Full):
                self._pending.put_nowait(None)


@dataclass
class RunningServer:
    server: BoundedHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def make_server(
    host: str,
    port: int,
    lambda_handler: Handler | None = None,
    *,
    workers: int = WORKERS,
    queue_size: int = QUEUE_SIZE,
    connection_timeout: float = CONNECTION_TIMEOUT,
) -> BoundedHTTPServer:
    if lambda_handler is None:
        lambda_handler = _load_handler().handler
    return BoundedHTTPServer(
        (host, port),
        _make_request_handler(lambda_handler),
        workers=workers,
        queue_size=queue_size,
        connection_timeout=connection_timeout,
    )


def start_in_thread(
    host: str = "127.0.0.1", port: int = 0, lambda_handler: Handler | None = None, **limits: Any
) -> RunningServer:
    """Start the local server in a daemon thread (port 0: any free port); `stop()` it when done.
    `limits`: `workers`, `queue_size`, `connection_timeout` (see `make_server`)."""
    server = make_server(host, port, lambda_handler, **limits)
    thread = threading.Thread(target=server.serve_forever, name="filter-serve", daemon=True)
    thread.start()
    return RunningServer(server, thread)


def _positive(kind: type[int] | type[float], upper: float) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {raw[:40]!r}") from None
        if not 0 < value <= upper:
            raise argparse.ArgumentTypeError(f"must be above 0 and at most {upper:g}, got {value:g}")
        return value

    return parse


def configure_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port to bind (default 8080; 0 picks a free port)")
    p.add_argument("--workers", type=_positive(int, 1024), default=WORKERS, help=f"worker threads (default {WORKERS})")
    p.add_argument(
        "--queue",
        type=_positive(int, 100_000),
        default=QUEUE_SIZE,
        help=f"accepted connections waiting for a worker; beyond that 503 (default {QUEUE_SIZE})",
    )
    p.add_argument(
        "--timeout",
        type=_positive(float, 3600),
        default=CONNECTION_TIMEOUT,
        help=f"seconds a connection may stay idle (default {CONNECTION_TIMEOUT:g})",
    )


def run(args: argparse.Namespace) -> int:
    try:
        server = make_server(
            args.host,
            args.port,
            workers=getattr(args, "workers", WORKERS),
            queue_size=getattr(args, "queue", QUEUE_SIZE),
            connection_timeout=getattr(args, "timeout", CONNECTION_TIMEOUT),
        )
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]
    print(
        f"filter listening on http://{host!s}:{port} (POST /v1/screen, POST /v1/chat); Ctrl-C to stop", file=sys.stderr
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.filtering.serve", description=__doc__.split("\n")[0])
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
