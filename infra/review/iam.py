"""Parsing IAM policy documents and computing what a change grants that was not granted before.

A document is reduced to *grants*: one per (effect, action, resource, principal) of each statement,
with the statement's condition. A grant of the new document is *new* when no grant of the old one
covers it: same effect, an action pattern that matches the new pattern (``s3:*`` covers
``s3:Get*`` and ``s3:GetObject``), a resource pattern that matches, the same principal or a
wildcard one, and no condition or the same condition. This is a comparison of what is allowed, not
of the text: reordering statements or splitting them changes nothing.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from infra.review.model import REDACTED, SECRET, UNKNOWN

ANY = "*"
# Actions that let a principal grant itself more, read secrets or key material, or act as others.
SENSITIVE_ACTIONS = (
    "iam:*",
    "iam:PassRole",
    "iam:CreatePolicyVersion",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "iam:UpdateAssumeRolePolicy",
    "sts:AssumeRole",
    "kms:Decrypt",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "secretsmanager:GetSecretValue",
    "s3:PutBucketPolicy",
    "lambda:UpdateFunctionCode",
    "organizations:*",
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "guardduty:DeleteDetector",
    "ssm:GetParameter*",
    "ec2:AuthorizeSecurityGroupIngress",
)
ADMIN_POLICY_SUFFIXES = ("/AdministratorAccess", "/PowerUserAccess", "/IAMFullAccess")


@dataclass(frozen=True, order=True)
class Grant:
    effect: str
    action: str
    resource: str
    principal: str
    condition: str
    negated: str = ""  # "NotAction", "NotResource" or "NotPrincipal" when the statement uses one

    def describe(self) -> str:
        parts = [f"{self.effect} {self.action}"]
        if self.resource != ANY or self.principal == "":
            parts.append(f"on {self.resource}")
        if self.principal:
            parts.append(f"to {self.principal}")
        if self.condition:
            parts.append("(conditional)")
        if self.negated:
            parts.append(f"[{self.negated}]")
        return " ".join(parts)


class NotAPolicy(ValueError):
    pass


def parse_document(value: Any) -> dict[str, Any] | None:
    """The policy document in an input value (a JSON string or an object), or None."""
    if value in (None, "", SECRET, REDACTED, UNKNOWN):
        return None
    doc = value
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except json.JSONDecodeError:
            return None
    if not isinstance(doc, dict) or "Statement" not in doc:
        return None
    return doc


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principals(value: Any) -> list[str]:
    if value is None:
        return [""]
    if value == ANY:
        return [ANY]
    found: list[str] = []
    if isinstance(value, dict):
        for kind, ids in sorted(value.items()):
            for ident in _as_list(ids):
                text = str(ident)
                found.append(ANY if kind == "AWS" and text == ANY else f"{kind}:{text}")
    return found or [""]


def grants(doc: dict[str, Any] | None) -> set[Grant]:
    """Every grant in a policy document; an unparseable statement becomes one opaque grant."""
    result: set[Grant] = set()
    if doc is None:
        return result
    for stmt in _as_list(doc.get("Statement")):
        if not isinstance(stmt, dict):
            continue
        effect = str(stmt.get("Effect", "Allow"))
        negated: list[str] = []
        actions = _as_list(stmt.get("Action"))
        if "NotAction" in stmt:
            actions, negated = _as_list(stmt.get("NotAction")), [*negated, "NotAction"]
        resources = _as_list(stmt.get("Resource"))
        if "NotResource" in stmt:
            resources, negated = _as_list(stmt.get("NotResource")), [*negated, "NotResource"]
        principal_value = stmt.get("Principal")
        if "NotPrincipal" in stmt:
            principal_value, negated = stmt.get("NotPrincipal"), [*negated, "NotPrincipal"]
        condition = json.dumps(stmt.get("Condition"), sort_keys=True) if stmt.get("Condition") else ""
        for action in actions or [ANY if negated else ""]:
            for resource in resources or [ANY]:
                for principal in _principals(principal_value):
                    result.add(Grant(effect, str(action), str(resource), principal, condition, ",".join(negated)))
    return result


def _pattern_covers(old: str, new: str, *, case: bool) -> bool:
    if old == ANY:
        return True
    if not case:
        old, new = old.lower(), new.lower()
    if old == new:
        return True
    # A wildcard in the new pattern is matched literally; only the old pattern's wildcards expand.
    return fnmatch.fnmatchcase(new, old)


def _covers(old: Grant, new: Grant) -> bool:
    if old.effect != new.effect or old.negated != new.negated:
        return False
    if old.condition and old.condition != new.condition:
        return False
    if old.negated:
        # NotAction/NotResource: fewer exclusions allow more; only identical exclusions are equal.
        return (old.action, old.resource, old.principal) == (new.action, new.resource, new.principal)
    return (
        _pattern_covers(old.action, new.action, case=False)
        and _pattern_covers(old.resource, new.resource, case=True)
        and old.principal in (new.principal, ANY)
    )


@dataclass
class PolicyDiff:
    added: list[Grant]  # Allow grants not covered before: the document allows more
    removed: list[Grant]  # Allow grants no longer covered: it allows less
    denies_removed: list[Grant]
    denies_added: list[Grant]

    @property
    def widened(self) -> bool:
        return bool(self.added or self.denies_removed)

    @property
    def narrowed(self) -> bool:
        return bool(self.removed or self.denies_added)


def diff(old_doc: dict[str, Any] | None, new_doc: dict[str, Any] | None) -> PolicyDiff:
    old, new = grants(old_doc), grants(new_doc)
    old_allow = [g for g in old if g.effect == "Allow"]
    new_allow = [g for g in new if g.effect == "Allow"]
    old_deny = [g for g in old if g.effect == "Deny"]
    new_deny = [g for g in new if g.effect == "Deny"]
    return PolicyDiff(
        added=sorted(g for g in new_allow if not any(_covers(o, g) for o in old_allow)),
        removed=sorted(g for g in old_allow if not any(_covers(n, g) for n in new_allow)),
        denies_removed=sorted(g for g in old_deny if not any(_covers(n, g) for n in new_deny)),
        denies_added=sorted(g for g in new_deny if not any(_covers(o, g) for o in old_deny)),
    )


def is_sensitive_action(action: str) -> bool:
    low = action.lower()
    if low == ANY or low.endswith(":*"):
        return True
    return any(fnmatch.fnmatchcase(s.lower(), low) or fnmatch.fnmatchcase(low, s.lower()) for s in SENSITIVE_ACTIONS)


def summarise(items: Iterable[Grant]) -> tuple[list[str], list[str], list[str]]:
    """Sorted distinct actions, resources and principals of some grants."""
    grants_ = list(items)
    actions = sorted({("NOT " if "NotAction" in g.negated else "") + g.action for g in grants_})
    resources = sorted({("NOT " if "NotResource" in g.negated else "") + g.resource for g in grants_})
    principals = sorted({g.principal for g in grants_ if g.principal})
    return actions, resources, principals


def _service_wide(action: str) -> bool:
    return action == ANY or action.endswith(":*") or action.split(":", 1)[-1].startswith("*")


def widening_severity(added: list[Grant], denies_removed: list[Grant], *, kind: str, created: bool = False) -> str:
    """How much a widening matters.

    Identity policies: critical for ``*`` on ``*`` or NotAction; high for service-wide wildcards,
    ``Resource: "*"`` or sensitive actions on wildcard resources; else medium. Resource and trust policies (where
    ``Resource: "*"`` means "this resource"): critical for an anonymous principal; high for a
    conditional anonymous principal, NotPrincipal, or a new AWS principal (an account, role or
    user) trusted by a role or admitted to an existing resource; else medium. A policy on a resource
    created by the change rates low unless it is high or critical. VPC endpoint policies (kind
    ``endpoint``) only filter traffic through the endpoint: medium when widened, low when new.
    """
    rank = ("low", "medium", "high", "critical")
    if kind == "endpoint":
        return "low" if created else "medium"  # a filter on traffic through the endpoint, not a grant
    severity = "medium"
    for g in added:
        if kind == "identity":
            if (g.action == ANY and g.resource == ANY and not g.condition) or "NotAction" in g.negated:
                return "critical"
            sensitive = is_sensitive_action(g.action) and "*" in g.resource
            if _service_wide(g.action) or g.resource == ANY or sensitive or g.negated:
                severity = "high"
        else:
            if g.principal == ANY and not g.condition:
                return "critical"
            aws_principal = g.principal.startswith("AWS:") or g.principal == ANY
            if (
                g.principal == ANY
                or "NotPrincipal" in g.negated
                or (aws_principal and (kind == "trust" or not created))
            ):
                severity = "high"
    if any("SecureTransport" in g.condition or g.principal == ANY for g in denies_removed):
        severity = max(severity, "high", key=rank.index)
    if created and severity == "medium":
        severity = "low"
    return severity
