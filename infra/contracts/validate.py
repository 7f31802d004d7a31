"""Every action, condition key and operator of every policy in the plan, checked against the IAM
reference by `parliament` (its bundled copy of the Service Authorization Reference)."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import re
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# parliament's findings that mean AWS would reject the policy or a statement can never match. Style
# findings (RESOURCE_STAR, ...) and the privilege-escalation heuristics are the policy pack's business.
# MISMATCHED_TYPE is left out: it flags AWS's own documented examples (`"s3:TlsVersion": "1.2"`,
# `ArnLike` on `kms:EncryptionContext:aws:logs:arn`).
REPORTED = frozenset(
    {
        "MALFORMED_JSON",
        "MALFORMED",
        "DUPLICATE_SID",
        "UNKNOWN_PRINCIPAL",
        "UNKNOWN_ACTION",
        "UNKNOWN_PREFIX",
        "UNKNOWN_CONDITION_FOR_ACTION",
        "UNKNOWN_OPERATOR",
        "MISMATCHED_TYPE_OPERATION_TO_NULL",
        "INVALID_VERSION",
        "NO_VERSION",
    }
)


@dataclass(frozen=True)
class Finding:
    issue: str
    detail: str


def _parliament() -> Any:
    """Import parliament. It reads its data through `pkg_resources`, which setuptools >= 81 no longer
    ships; a two-line stand-in based on importlib.resources serves the only function it uses."""
    if "pkg_resources" not in sys.modules and importlib.util.find_spec("pkg_resources") is None:
        shim = types.ModuleType("pkg_resources")
        shim.resource_filename = lambda package, name: str(importlib.resources.files(package) / name)  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim
    import parliament

    return parliament


def validate_document(document: Mapping[str, Any], *, resource_policy: bool) -> list[Finding]:
    """parliament's reported findings for one policy document.

    Resource-based policies (trust, ECR) may have no Resource element, which parliament (written for
    identity policies) calls malformed; that finding is dropped for them. An unknown condition key is
    reported only for an action the document names literally: under a wildcard such as `kms:Describe*`
    (AWS's documented CloudWatch Logs key policy) it only means the wildcard also covers other actions.
    """
    parliament = _parliament()
    policy = parliament.analyze_policy_string(json.dumps(document), ignore_private_auditors=True)
    out = []
    for finding in policy.findings:
        if finding.issue not in REPORTED:
            continue
        detail = str(finding.detail or "")
        if resource_policy and finding.issue == "MALFORMED" and "neither Resource nor NotResource" in detail:
            continue
        if finding.issue == "UNKNOWN_CONDITION_FOR_ACTION" and not _named_literally(document, detail):
            continue
        out.append(Finding(str(finding.issue), detail))
    return out


_UNKNOWN_CONDITION = re.compile(r"^Unknown condition (?P<key>\S+) for action (?P<action>\S+)$")


def _named_literally(document: Mapping[str, Any], detail: str) -> bool:
    match = _UNKNOWN_CONDITION.match(detail)
    if match is None:
        return True
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        keys = {k.lower() for block in (statement.get("Condition") or {}).values() for k in block}
        if match["action"].lower() in (a.lower() for a in actions) and match["key"].lower() in keys:
            return True
    return False
