"""Start a policy pack the way the Pulumi engine does and talk to it over its gRPC Analyzer interface."""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from infra.policy.errors import PolicyPackError

START_TIMEOUT_S = 60.0
RPC_TIMEOUT_S = 120.0
# The SDK's `python -m pulumi.policy` parses but never dials the engine address (it only matters
# for pulumi.log, which falls back to stderr when no engine is configured), so any value will do.
ENGINE_ADDRESS = "127.0.0.1:0"
MAX_MESSAGE = 1 << 30
PIPELINE_WINDOW = 32


def check_pack_dir(pack_dir: Path) -> None:
    if not pack_dir.is_dir():
        raise PolicyPackError(f"policy pack directory {pack_dir} does not exist")
    for required in ("PulumiPolicy.yaml", "__main__.py"):
        if not (pack_dir / required).is_file():
            raise PolicyPackError(f"policy pack {pack_dir} has no {required}")


def _last_line(stream: IO[bytes]) -> str:
    stream.seek(0)
    lines = [ln.strip() for ln in stream.read().decode(errors="replace").splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


class PackProcess:
    """A running policy pack. Use as a context manager: the process is killed in all cases."""

    def __init__(self, pack_dir: Path, *, env: dict[str, str] | None = None, python: str | None = None) -> None:
        self.pack_dir = pack_dir.resolve()
        self._env = {**os.environ, **(env or {})}
        self._python = python or sys.executable
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._port: int | None = None
        self._lock_path: str | None = None
        self.stub: Any = None

    def __enter__(self) -> PackProcess:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def spawn(self) -> None:
        """Start the pack's process without connecting to it: it loads while the caller works
        (a preview forks after this, which it must not do once a gRPC channel is open)."""
        if self._proc is not None:
            return
        check_pack_dir(self.pack_dir)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        fd, self._lock_path = tempfile.mkstemp(prefix="genai-pack-", suffix=".lock")
        os.close(fd)
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                [self._python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(self.pack_dir)],
                cwd=self.pack_dir,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as exc:
            raise PolicyPackError(f"cannot start policy pack {self.pack_dir}: {exc.strerror or exc}") from None

    def start(self) -> None:
        """Spawn (unless spawned) and connect."""
        if self.stub is not None:
            return
        port = self.wait_port()
        options = [("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)]
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=options)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT_S)
        except grpc.FutureTimeoutError:
            raise PolicyPackError(f"policy pack {self.pack_dir} printed port {port} but does not answer") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)

    def wait_port(self) -> int:
        """Spawn (unless spawned) and wait for the pack to print its port, without connecting: a
        process that forks may do this first, and its children connect."""
        if self._port is None:
            self.spawn()
            self._port = self._read_port()
        return self._port

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """One evaluation at a time on this pack, across the processes forked after `spawn`: the
        pack's configuration (`Configure`, `ConfigureStack`) is process-wide state, so two stages
        evaluated at once with different configs would each see the other's."""
        if self._lock_path is None:
            yield
            return
        fd = os.open(self._lock_path, os.O_RDWR)  # this process's own open file: flock excludes others
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _read_port(self) -> int:
        assert self._proc is not None and self._proc.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        buffer = b""
        fd = self._proc.stdout.fileno()
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PolicyPackError(f"policy pack {self.pack_dir} did not print its port in {START_TIMEOUT_S:g} s")
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buffer += chunk
            elif self._proc.poll() is not None:
                break
        line = buffer.split(b"\n", 1)[0].strip()
        if not line.isdigit():
            detail = _last_line(self._stderr) if self._stderr is not None else "no output"
            code = self._proc.poll()
            status = f"exited with code {code}" if code is not None else f"printed {line[:80]!r}"
            raise PolicyPackError(f"policy pack {self.pack_dir} failed to start ({status}): {detail}")
        return int(line)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=RPC_TIMEOUT_S)
        except grpc.RpcError as exc:
            raise _rpc_error(method, exc) from None

    def call_many(self, method: str, requests: Iterable[Any], window: int = PIPELINE_WINDOW) -> Iterator[Any]:
        """Responses to ``requests`` in order, with up to ``window`` calls in flight: the client
        builds the next requests while the pack evaluates (the engine also analyses concurrently)."""
        rpc = getattr(self.stub, method)
        pending: deque[Any] = deque()
        try:
            for request in requests:
                pending.append(rpc.future(request, timeout=RPC_TIMEOUT_S))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except grpc.RpcError as exc:
            for future in pending:
                future.cancel()
            raise _rpc_error(method, exc) from None

    def info(self) -> Any:
        return self.call("GetAnalyzerInfo", empty_pb2.Empty())

    def close(self) -> None:
        self.stub = None
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None
        self._port = None
        if self._lock_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._lock_path)
            self._lock_path = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


__all__ = ["PackProcess", "analyzer_pb2", "check_pack_dir"]


def _rpc_error(method: str, exc: grpc.RpcError) -> PolicyPackError:
    details = exc.details() if hasattr(exc, "details") else str(exc)
    first = (details or "").strip().splitlines()
    return PolicyPackError(f"policy pack {method} failed: {first[-1] if first else exc}")
