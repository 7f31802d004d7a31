"""AWS calls for the audit: one client per service, bounded retries, and errors as values.

botocore's standard retry mode already retries throttling and transient errors `max_attempts`
times. On top of that, a throttled call that still fails is retried here with exponential backoff
and jitter, a few more times, because an audit touches many APIs in a burst and would otherwise
report throttling as a failed check. Every other error becomes an :class:`ApiError` with a short
kind, which the checks report without crashing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "RequestThrottled",
        "RequestThrottledException",
        "ProvisionedThroughputExceededException",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
    }
)
UNSUPPORTED_CODES = frozenset(
    {"NotImplemented", "InvalidAction", "UnknownOperationException", "UnsupportedOperation", "501"}
)


class ApiError(Exception):
    """An AWS call that failed; `kind` is access-denied, throttled, not-found, unsupported, unreachable or error."""

    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message

    def __str__(self) -> str:
        if self.kind == "unsupported":
            return "not supported by endpoint"
        return f"{self.kind.replace('-', ' ')}: {self.code}" + (
            f" ({self.message})" if self.message and self.message != self.code else ""
        )


def classify(err: ClientError) -> ApiError:
    error = err.response.get("Error", {}) if isinstance(err.response, dict) else {}
    code = str(error.get("Code") or "")
    message = " ".join(str(error.get("Message") or "").split())[:200]
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") if isinstance(err.response, dict) else None
    if code in THROTTLING_CODES:
        return ApiError("throttled", code, message)
    if code in ACCESS_DENIED_CODES or status == 403:
        return ApiError("access-denied", code or "403", message)
    if code in UNSUPPORTED_CODES or status == 501 or "not yet implemented" in message.lower():
        return ApiError("unsupported", code or "501", message)
    if (
        code.startswith("NoSuch")
        or code.endswith(("NotFound", "NotFoundException", "NotFoundError"))
        or code == "ResourceNotFoundException"
    ):
        return ApiError("not-found", code, message)
    return ApiError("error", code or str(status), message)


class Aws:
    """Clients for one region (and optionally one endpoint, e.g. a moto server)."""

    def __init__(
        self,
        region: str,
        endpoint_url: str | None = None,
        *,
        max_attempts: int = 5,
        throttle_retries: int = 3,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        session: Any = None,
        client_factory: Callable[[str], Any] | None = None,
    ) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        self.throttle_retries = throttle_retries
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.session = session or boto3.session.Session(region_name=region)
        self.config = Config(
            region_name=region,
            retries={"mode": "standard", "max_attempts": max_attempts},
            connect_timeout=5,
            read_timeout=30,
            user_agent_extra="genai-platform-audit",
        )
        self._factory = client_factory
        self._clients: dict[str, Any] = {}
        self.calls = 0

    def has_credentials(self) -> bool:
        return self._factory is not None or self.session.get_credentials() is not None

    def client(self, service: str) -> Any:
        if service not in self._clients:
            if self._factory is not None:
                self._clients[service] = self._factory(service)
            else:
                self._clients[service] = self.session.client(
                    service, endpoint_url=self.endpoint_url, config=self.config
                )
        return self._clients[service]

    def call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        attempt = 0
        while True:
            self.calls += 1
            try:
                result = getattr(self.client(service), operation)(**kwargs)
                return result if isinstance(result, dict) else {}
            except ClientError as err:
                api_error = classify(err)
                if api_error.kind != "throttled" or attempt >= self.throttle_retries:
                    raise api_error from None
            except NotImplementedError:
                raise ApiError("unsupported", "NotImplemented", "") from None
            except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as err:
                raise ApiError("unreachable", type(err).__name__, str(err)[:200]) from None
            except NoCredentialsError:
                raise ApiError("access-denied", "NoCredentials", "no AWS credentials found") from None
            except BotoCoreError as err:
                raise ApiError("error", type(err).__name__, str(err)[:200]) from None
            delay = self.backoff_seconds * (2**attempt)
            # Jitter for backoff, not cryptography.
            self.sleep(delay + random.uniform(0, delay / 2))  # noqa: S311  # nosec B311
            attempt += 1

    def pages(self, service: str, operation: str, key: str, token_in: str, token_out: str, **kwargs: Any) -> list[Any]:
        """All items of a paginated list call (bounded, so a misbehaving endpoint cannot loop forever)."""
        items: list[Any] = []
        token: str | None = None
        for _ in range(1000):
            page = self.call(service, operation, **kwargs, **({token_in: token} if token else {}))
            items.extend(page.get(key) or [])
            token = page.get(token_out)
            if not token:
                break
        return items
