"""Replaying a workload's calls against the plan's policy documents, with the deploy-contract evaluator's
statement matching and condition rules (`infra/contracts/iam.py`).

One account, no SCPs or session policies: a call is allowed when some applicable statement allows it
and none denies it. A resource-policy statement applies only when it names the caller itself (or
`*`); delegation through the account root is the caller's to model (see `test_data_access.kms`). A
condition the evaluator does not model fails the test instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.contracts.iam import (
    Match,
    Principal,
    Tri,
    action_matches,
    conditions_hold,
    parse_statements,
    principal_matches,
    resource_matches,
)

Context = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class Call:
    """One authorised API call: the IAM action, its resource and the request's condition keys."""

    name: str
    action: str
    resource: str
    context: Context = field(default_factory=dict)


def _principal(principal: str) -> Principal:
    return Principal.aws(principal) if principal.startswith("arn:") else Principal.service(principal)


def decide(documents: Sequence[Mapping[str, Any]], call: Call, *, principal: str | None = None) -> str:
    """`Allow`, `Deny` (an explicit deny) or `ImplicitDeny` for one call under some policy documents."""
    caller = _principal(principal) if principal else None
    account = principal.split(":")[4] if principal and principal.startswith("arn:") else ""
    allowed = False
    for n, document in enumerate(documents):
        for statement in parse_statements(dict(document), f"document {n}"):
            if statement.principals is not None and (
                caller is None or principal_matches(statement, caller, account) is not Match.DIRECT
            ):
                continue
            if not (action_matches(statement, call.action) and resource_matches(statement, call.resource)):
                continue
            outcome = conditions_hold(statement.conditions, call.context)
            assert outcome.value is not Tri.UNKNOWN, f"{call.name}: {outcome.unknown} is not modelled"
            if outcome.value is Tri.FALSE:
                continue
            if statement.effect == "Deny":
                return "Deny"
            allowed = True
    return "Allow" if allowed else "ImplicitDeny"
