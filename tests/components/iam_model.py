"""A small model of IAM policy evaluation, enough to replay a workload's calls against the plan's policies.

One account, no SCPs or session policies: a request is allowed when some applicable statement allows
it and none denies it. Conditions follow the IAM rules for a missing key: `…IfExists` and negated
operators hold, `ForAllValues` holds, `ForAnyValue` and the positive operators fail, `Null` compares
presence. Context keys and operator names are case-insensitive, as in IAM.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Context = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class Call:
    """One authorised API call: the IAM action, its resource and the request's condition keys."""

    name: str
    action: str
    resource: str
    context: Context = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _like(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern)


def _compare(base: str, value: str, pattern: str) -> bool:
    if base in ("stringequals", "arnequals", "bool"):
        return value == pattern if base != "bool" else value.lower() == pattern.lower()
    if base in ("stringlike", "arnlike"):
        return _like(value, pattern)
    if base == "stringequalsignorecase":
        return value.lower() == pattern.lower()
    if base == "numericlessthan":
        return float(value) < float(pattern)
    raise NotImplementedError(f"condition operator {base!r} is not modelled")


def _holds(operator: str, key: str, patterns: list[str], context: Mapping[str, Any]) -> bool:
    op = operator.lower()
    qualifier, _, op = op.rpartition(":")
    if_exists = op.endswith("ifexists")
    op = op.removesuffix("ifexists")
    negated = op.startswith(("stringnot", "arnnot", "numericnot"))
    base = op.replace("not", "", 1) if negated else op
    present = key.lower() in context
    if op == "null":
        return (not present) == (str(patterns[0]).lower() == "true")
    if not present:
        if qualifier == "forallvalues":
            return True
        if qualifier == "foranyvalue":
            return False
        return if_exists or negated
    values = [str(v) for v in _as_list(context[key.lower()])]
    if qualifier == "forallvalues":
        matched = all(any(_compare(base, v, str(p)) for p in patterns) for v in values)
    else:
        matched = any(_compare(base, v, str(p)) for v in values for p in patterns)
    return not matched if negated else matched


def _conditions_hold(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, Any]) -> bool:
    return all(
        _holds(operator, key, [str(p) for p in _as_list(value)], context)
        for operator, block in condition.items()
        for key, value in block.items()
    )


def _applies(statement: Mapping[str, Any], call: Call, principal: str | None) -> bool:
    if "Principal" in statement:
        principals = statement["Principal"]
        named = [] if principals == "*" else [p for values in principals.values() for p in _as_list(values)]
        if principals != "*" and "*" not in named and principal not in named:
            return False
    actions = [a.lower() for a in _as_list(statement.get("Action", []))]
    if not any(_like(call.action.lower(), a) for a in actions):
        return False
    resources = _as_list(statement.get("Resource", "*"))
    return any(_like(call.resource, r) for r in resources)


def decide(documents: Sequence[Mapping[str, Any]], call: Call, *, principal: str | None = None) -> str:
    """`Allow`, `Deny` (an explicit deny) or `ImplicitDeny` for one call under some policy documents.

    Identity policies apply to the caller; resource-policy statements apply when their principal is
    `*` or names `principal` (a role ARN, an account root or a service principal).
    """
    context = {k.lower(): v for k, v in call.context.items()}
    allowed = False
    for document in documents:
        for statement in _as_list(document.get("Statement", [])):
            if not _applies(statement, call, principal):
                continue
            if not _conditions_hold(statement.get("Condition", {}), context):
                continue
            if statement["Effect"] == "Deny":
                return "Deny"
            allowed = True
    return "Allow" if allowed else "ImplicitDeny"
