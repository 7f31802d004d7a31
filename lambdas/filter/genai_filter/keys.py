"""Secrets Manager access: one lazily created client per container, values cached with a TTL."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

_client: Any = None
_client_lock = threading.Lock()
_PROCESS_KEY = os.urandom(32)


class SecretUnavailable(RuntimeError):
    """A configured secret could not be read (and nothing usable is cached)."""


def client() -> Any:
    global _client  # noqa: PLW0603 - the one Secrets Manager client of this container
    if _client is None:
        with _client_lock:
            if _client is None:
                import boto3

                _client = boto3.client("secretsmanager")
    return _client


def reset_client() -> None:
    global _client  # noqa: PLW0603
    _client = None


class SecretCache:
    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl_seconds
        self.clock = clock
        self._values: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, arn: str) -> str:
        now = self.clock()
        cached = self._values.get(arn)
        if cached is not None and now - cached[1] < self.ttl:
            return cached[0]
        with self._lock:
            cached = self._values.get(arn)
            if cached is not None and now - cached[1] < self.ttl:
                return cached[0]
            try:
                response = client().get_secret_value(SecretId=arn)
            except Exception as exc:  # botocore raises many types; any failure means "not available"
                if cached is not None:
                    return cached[0]  # a stale key beats failing every request during an outage
                raise SecretUnavailable(type(exc).__name__) from None
            value: str | None = response.get("SecretString")
            if value is None and response.get("SecretBinary") is not None:
                value = bytes(response["SecretBinary"]).decode("utf-8", "replace")
            if not value:
                raise SecretUnavailable("empty secret")
            self._values[arn] = (value, now)
            return value


def _field(value: str, *names: str) -> str:
    """A secret is either the raw value or a JSON object holding it under one of `names`."""
    stripped = value.strip()
    if stripped.startswith("{"):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            return value
        if isinstance(parsed, dict):
            for name in names:
                if isinstance(parsed.get(name), str) and parsed[name]:
                    return str(parsed[name])
            raise SecretUnavailable(f"secret JSON has none of the fields {', '.join(names)}")
    return value


class KeyRing:
    """Keys for the audit hash and the pseudonyms, derived from one master secret with domain separation."""

    def __init__(self, cache: SecretCache, hmac_secret_arn: str | None, backend_secret_arn: str | None) -> None:
        self.cache = cache
        self.hmac_secret_arn = hmac_secret_arn
        self.backend_secret_arn = backend_secret_arn

    def _master(self) -> bytes:
        if self.hmac_secret_arn is None:
            return _PROCESS_KEY
        return _field(self.cache.get(self.hmac_secret_arn), "key", "hmac_key").encode()

    def audit_key(self) -> bytes:
        return hmac.new(self._master(), b"genai-filter/audit-v1", hashlib.sha256).digest()

    def pseudonym_key(self) -> bytes:
        return hmac.new(self._master(), b"genai-filter/pseudonym-v1", hashlib.sha256).digest()

    def guard_cache_key(self) -> bytes:
        """Keys the guard tier's verdict cache (an HMAC of each text), never stored with the verdicts."""
        return hmac.new(self._master(), b"genai-filter/guard-cache-v1", hashlib.sha256).digest()

    def backend_api_key(self) -> str | None:
        if self.backend_secret_arn is None:
            return None
        return _field(self.cache.get(self.backend_secret_arn), "api_key", "apiKey", "token")
