"""A model of the web ACL as the plan registers it: which request reaches API Gateway (and the filter).

AWS does not publish the managed rules' signatures, so each managed rule is modelled by the example
patterns its documentation gives (AWS WAF developer guide, "Baseline rule groups", rule tables of
`AWSManagedRulesCommonRuleSet` and `AWSManagedRulesKnownBadInputsRuleSet`). The real rules match more;
a prompt that matches the example pattern certainly matches the rule. The rule actions, overrides,
labels and custom statements come from the plan, so the model judges the configuration, not the
signatures. Rate-based rules never fire here (one request).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

CRS = "AWSManagedRulesCommonRuleSet"
KBI = "AWSManagedRulesKnownBadInputsRuleSet"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""
    query: str = ""


@dataclass(frozen=True)
class ManagedRule:
    group: str
    name: str
    component: str  # "body" or "query"
    label: str
    matches: Callable[[str], bool]


def _search(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda text: compiled.search(text) is not None


# Documented examples: `<script>alert("hello")</script>`; `../../`; `http://`, `https://`, `ftp://`,
# `ftps://`, `file://` with an IPv4 host; EC2 metadata (169.254.169.254); `${jndi:ldap://example.com/}`;
# `(java.lang.Runtime).getRuntime().exec("whoami")`; bodies over 8 KB.
_XSS = _search(r"<\s*script\b|\bon(error|load)\s*=|javascript:")
_LFI = _search(r"\.\./")
_RFI = _search(r"\b(https?|ftps?|file)://\d{1,3}(\.\d{1,3}){3}\b")
_SSRF = _search(r"169\.254\.169\.254")
_LOG4J = _search(r"\$\{jndi:")
_JAVA = _search(r"java\.lang\.Runtime")

_CRS_LABEL = "awswaf:managed:aws:core-rule-set:"
_KBI_LABEL = "awswaf:managed:aws:known-bad-inputs:"
MANAGED_RULES = (
    ManagedRule(CRS, "CrossSiteScripting_BODY", "body", f"{_CRS_LABEL}CrossSiteScripting_Body", _XSS),
    ManagedRule(CRS, "GenericLFI_BODY", "body", f"{_CRS_LABEL}GenericLFI_Body", _LFI),
    ManagedRule(CRS, "GenericRFI_BODY", "body", f"{_CRS_LABEL}GenericRFI_Body", _RFI),
    ManagedRule(CRS, "EC2MetaDataSSRF_BODY", "body", f"{_CRS_LABEL}EC2MetaDataSSRF_Body", _SSRF),
    ManagedRule(CRS, "SizeRestrictions_BODY", "body", f"{_CRS_LABEL}SizeRestrictions_Body", lambda t: len(t) > 8192),
    ManagedRule(
        CRS, "CrossSiteScripting_QUERYARGUMENTS", "query", f"{_CRS_LABEL}CrossSiteScripting_QueryArguments", _XSS
    ),
    ManagedRule(CRS, "GenericLFI_QUERYARGUMENTS", "query", f"{_CRS_LABEL}GenericLFI_QueryArguments", _LFI),
    ManagedRule(CRS, "GenericRFI_QUERYARGUMENTS", "query", f"{_CRS_LABEL}GenericRFI_QueryArguments", _RFI),
    ManagedRule(CRS, "EC2MetaDataSSRF_QUERYARGUMENTS", "query", f"{_CRS_LABEL}EC2MetaDataSSRF_QueryArguments", _SSRF),
    ManagedRule(KBI, "Log4JRCE_BODY", "body", f"{_KBI_LABEL}Log4JRCE_Body", _LOG4J),
    ManagedRule(KBI, "JavaDeserializationRCE_BODY", "body", f"{_KBI_LABEL}JavaDeserializationRCE_Body", _JAVA),
    ManagedRule(KBI, "Log4JRCE_QUERYSTRING", "query", f"{_KBI_LABEL}Log4JRCE_QueryString", _LOG4J),
    ManagedRule(
        KBI, "JavaDeserializationRCE_QUERYSTRING", "query", f"{_KBI_LABEL}JavaDeserializationRCE_QueryString", _JAVA
    ),
)


def matching_rules(request: Request) -> set[str]:
    """The managed rules (by name) whose documented pattern the request matches."""
    parts = {"body": request.body, "query": unquote_plus(request.query)}
    return {rule.name for rule in MANAGED_RULES if rule.matches(parts[rule.component])}


def _field(request: Request, field_to_match: Mapping[str, Any]) -> str:
    if "uriPath" in field_to_match:
        return request.path
    if "method" in field_to_match:
        return request.method
    if "body" in field_to_match:
        return request.body
    if "queryString" in field_to_match:
        return request.query
    raise NotImplementedError(f"field to match {field_to_match} is not modelled")


def _transform(text: str, transformations: list[Mapping[str, Any]]) -> str:
    for step in sorted(transformations, key=lambda t: t["priority"]):
        if step["type"] == "LOWERCASE":
            text = text.lower()
        elif step["type"] != "NONE":
            raise NotImplementedError(f"text transformation {step['type']} is not modelled")
    return text


def _statement_matches(statement: Mapping[str, Any], request: Request, labels: set[str]) -> bool:
    if "andStatement" in statement:
        return all(_statement_matches(s, request, labels) for s in statement["andStatement"]["statements"])
    if "orStatement" in statement:
        return any(_statement_matches(s, request, labels) for s in statement["orStatement"]["statements"])
    if "notStatement" in statement:
        return not _statement_matches(statement["notStatement"]["statement"], request, labels)
    if "labelMatchStatement" in statement:
        match = statement["labelMatchStatement"]
        if match["scope"] == "LABEL":
            return match["key"] in labels
        return any(label.startswith(match["key"]) for label in labels)
    if "rateBasedStatement" in statement:
        return False
    if "ipSetReferenceStatement" in statement:
        # The feedback loop's block list is empty at deploy time (the model's requests come from nowhere).
        return False
    if "regexMatchStatement" in statement:
        match = statement["regexMatchStatement"]
        text = _transform(_field(request, match["fieldToMatch"]), match["textTransformations"])
        return re.search(match["regexString"], text) is not None
    if "byteMatchStatement" in statement:
        match = statement["byteMatchStatement"]
        text = _transform(_field(request, match["fieldToMatch"]), match["textTransformations"])
        needle, where = match["searchString"], match["positionalConstraint"]
        return {
            "CONTAINS": needle in text,
            "EXACTLY": text == needle,
            "STARTS_WITH": text.startswith(needle),
            "ENDS_WITH": text.endswith(needle),
        }[where]
    if "sizeConstraintStatement" in statement:
        match = statement["sizeConstraintStatement"]
        size = len(_field(request, match["fieldToMatch"]).encode())
        assert match["comparisonOperator"] == "GT", match
        return size > int(match["size"])
    raise NotImplementedError(f"statement {sorted(statement)} is not modelled")


def evaluate(rules: list[Mapping[str, Any]], request: Request) -> tuple[str, str]:
    """`("BLOCK", rule)` or `("ALLOW", "default")`: what the web ACL does with one request."""
    labels: set[str] = set()
    for rule in sorted(rules, key=lambda r: r["priority"]):
        statement = rule["statement"]
        if "managedRuleGroupStatement" in statement:
            group = statement["managedRuleGroupStatement"]
            overrides = {o["name"]: o["actionToUse"] for o in group.get("ruleActionOverrides", [])}
            counts_only = "count" in rule["overrideAction"]
            hits = [r for r in MANAGED_RULES if r.group == group["name"] and r.name in matching_rules(request)]
            for hit in hits:
                labels.add(hit.label)
                if not counts_only and "count" not in overrides.get(hit.name, {"block": {}}):
                    return "BLOCK", f"{group['name']}:{hit.name}"
            continue
        if _statement_matches(statement, request, labels):
            action = rule["action"]
            if "block" in action:
                return "BLOCK", rule["name"]
            if "allow" in action:
                return "ALLOW", rule["name"]
    return "ALLOW", "default"
