"""WAFv2: managed rule groups, a rate-based rule, logging."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from pulumi_policy import Policy

from ._common import HIGH, MEDIUM, OWASP_LLM, Meta, Res, Stack, as_list, dig, resource_rule, stack_rule

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"


def _rules(res: Res) -> list[Any]:
    rules = as_list(res.props.get("rules"))
    raw = res.props.get("ruleJson")
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            rules += as_list(json.loads(raw))
    return rules


def _statement(rule: Any, kind: str, json_kind: str) -> Any:
    return dig(rule, "statement", kind) or dig(rule, "Statement", json_kind)


def _managed(res: Res) -> Iterator[str]:
    present = set()
    for rule in _rules(res):
        st = _statement(rule, "managedRuleGroupStatement", "ManagedRuleGroupStatement")
        if st is not None:
            present.add(str(dig(st, "name") or dig(st, "Name")))
    missing = [g for g in res.config.strings("requiredManagedRuleGroups") if g not in present]
    if not present:
        yield f"Web ACL '{res.name}' has no managed rule group."
    elif missing:
        yield f"Web ACL '{res.name}' lacks managed rule groups {missing}."


def _rate(res: Res) -> Iterator[str]:
    if not any(_statement(r, "rateBasedStatement", "RateBasedStatement") is not None for r in _rules(res)):
        yield f"Web ACL '{res.name}' has no rate-based rule."


def _logging(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for acl in stack.of_type(WEB_ACL):
        configs = stack.referencing(acl, LOGGING, "resourceArn")
        if not any(as_list(c.props.get("logDestinationConfigs")) for c in configs):
            yield acl.urn, f"Web ACL '{acl.name}' has no WebAclLoggingConfiguration."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-wafv2-web-acl-managed-rules",
                "Web ACLs use the required AWS managed rule groups.",
                HIGH,
                (f"{OWASP_LLM}:LLM01",),
                "Add managedRuleGroupStatement rules for each group in requiredManagedRuleGroups.",
                {
                    "requiredManagedRuleGroups": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"],
                    }
                },
            ),
            [WEB_ACL],
            _managed,
        ),
        resource_rule(
            Meta(
                "aws-wafv2-web-acl-rate-limit",
                "Web ACLs have a rate-based rule.",
                HIGH,
                (f"{OWASP_LLM}:LLM10",),
                "Add a rule with a rateBasedStatement and action block.",
            ),
            [WEB_ACL],
            _rate,
        ),
        stack_rule(
            Meta(
                "aws-wafv2-web-acl-logging",
                "Web ACLs have logging configured.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM10",),
                "Add an aws.wafv2.WebAclLoggingConfiguration with resourceArn=<web ACL arn> and a "
                "'aws-waf-logs-' log destination.",
            ),
            _logging,
        ),
    ]
