"""One structured audit line per request, doubling as a CloudWatch Embedded Metric Format record."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from genai_filter.findings import Finding

_METRICS = [
    {"Name": "Requests", "Unit": "Count"},
    {"Name": "Blocked", "Unit": "Count"},
    {"Name": "Redacted", "Unit": "Count"},
    {"Name": "Allowed", "Unit": "Count"},
    {"Name": "Errors", "Unit": "Count"},
    {"Name": "Latency", "Unit": "Milliseconds"},
]


def prompt_hash(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def build(
    *,
    namespace: str,
    request_id: str,
    route: str,
    method: str,
    status: int,
    verdict: str,
    findings: Iterable[Finding],
    latency_ms: float,
    prompt_hmac: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    found = list(findings)
    record: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [{"Namespace": namespace, "Dimensions": [["Route"]], "Metrics": _METRICS}],
        },
        "event": "filter_audit",
        "request_id": request_id,
        "Route": route,
        "method": method,
        "status": status,
        "verdict": verdict,
        "categories": dict(Counter(f.category for f in found)),
        "types": dict(Counter(f.type for f in found)),
        "finding_count": len(found),
        "latency_ms": round(latency_ms, 3),
        "prompt_hmac": prompt_hmac,
        "Requests": 1,
        "Blocked": int(verdict == "block"),
        "Redacted": int(verdict == "redact"),
        "Allowed": int(verdict == "allow"),
        "Errors": int(verdict == "error"),
        "Latency": round(latency_ms, 3),
    }
    if extra:
        record.update(extra)
    return record


def emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, separators=(",", ":"), ensure_ascii=True) + "\n")
    sys.stdout.flush()
