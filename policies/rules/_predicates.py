"""Predicates shared by the pack, `review` and `audit` (standard library only, so infra can import
them without the pack's dependencies)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in _list(principal.get("AWS"))


def is_tls_deny(statement: Mapping[str, Any]) -> bool:
    """A statement that denies every S3 action (``s3:*`` or ``*``) to everyone when
    ``aws:SecureTransport`` is false: the TLS-only bucket policy (FSBP S3.5, CIS 2.1.1)."""
    if str(statement.get("Effect", "")).lower() != "deny" or not _everyone(statement.get("Principal")):
        return False
    if not any(a in ("s3:*", "*") for a in _list(statement.get("Action"))):
        return False
    condition = statement.get("Condition")
    values = _list(condition.get("Bool", {}).get("aws:SecureTransport")) if isinstance(condition, Mapping) else []
    return any(v is False or str(v).lower() == "false" for v in values)


def denies_insecure_transport(document: Any) -> bool:
    """Whether a policy document (JSON text or a mapping) has a TLS-only deny statement."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return False
    if not isinstance(document, Mapping):
        return False
    return any(isinstance(st, Mapping) and is_tls_deny(st) for st in _list(document.get("Statement")))
