"""One control catalogue: the pack's rule names are the IDs `review` and `audit` use, and the
TLS-only test is one predicate shared by all three."""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.audit import checks
from infra.audit.controls import AUDIT_CONTROLS
from infra.review.analyze import analyse
from infra.review.controls import CATEGORY_CONTROLS, REVIEW_ONLY, RISK_CONTROLS
from infra.review.model import parse_plan
from policies.rules._predicates import denies_insecure_transport, is_tls_deny
from tests.infra.review.review_plans import dev_plan, find, widen_and_open

ROOT = Path(__file__).resolve().parents[3]
PACK = ROOT / "policies"


@pytest.fixture(scope="module")
def pack_rules() -> set[str]:
    sys.path.insert(0, str(PACK))
    from rules import all_policies

    return {p.name for p in all_policies()}


def test_audit_checks_map_to_pack_controls(pack_rules: set[str]) -> None:
    source = (ROOT / "infra" / "audit" / "checks.py").read_text(encoding="utf-8")
    used = set(re.findall(r'(?:record|guarded)\(\s*"([a-z0-9.-]+)"', source))
    assert used <= set(AUDIT_CONTROLS), f"audit checks without a control mapping: {sorted(used - set(AUDIT_CONTROLS))}"
    mapped = {c for c in AUDIT_CONTROLS.values() if c is not None}
    assert mapped <= pack_rules, sorted(mapped - pack_rules)


def test_review_control_ids_are_pack_rules_or_review_only(pack_rules: set[str]) -> None:
    source = (ROOT / "infra" / "review" / "analyze.py").read_text(encoding="utf-8")
    named = set(re.findall(r'"((?:aws|k8s)-[a-z0-9-]+)"', source))
    named |= {c for _, _, ids in RISK_CONTROLS for c in ids} | {c for ids in CATEGORY_CONTROLS.values() for c in ids}
    assert named <= pack_rules | set(REVIEW_ONLY), sorted(named - pack_rules - set(REVIEW_ONLY))
    assert not set(REVIEW_ONLY) & pack_rules


def _risky_head() -> dict[str, Any]:
    head = widen_and_open(dev_plan())
    for r in head["resources"]:
        inputs = r["inputs"]
        if r["type"] == "aws:guardduty/detectorFeature:DetectorFeature":
            inputs["status"] = "DISABLED"
        elif r["type"] == "aws:cloudtrail/trail:Trail":
            inputs["enableLogFileValidation"] = False
        elif r["type"] == "aws:cloudwatch/logGroup:LogGroup":
            inputs.pop("kmsKeyId", None)
        elif r["type"] == "aws:apigateway/methodSettings:MethodSettings":
            inputs.setdefault("settings", {})["loggingLevel"] = "OFF"
    head["resources"] = [
        r for r in head["resources"] if r["type"] != "aws:secretsmanager/secretRotation:SecretRotation"
    ]
    return head


def test_every_risk_the_review_reports_names_its_control(pack_rules: set[str]) -> None:
    base, head = dev_plan(), _risky_head()
    findings = analyse(parse_plan(base), parse_plan(head))
    risks = [f for f in findings if f.direction == "risk"]
    titles = {f.title for f in risks}
    for expected in (
        "GuardDuty feature",
        "CloudTrail log file validation disabled",
        "KMS key removed",
        "Secret rotation removed",
    ):
        assert any(t.startswith(expected) for t in titles), (expected, sorted(titles))
    assert [f.title for f in risks if not f.rules] == []
    assert {r for f in risks for r in f.rules} <= pack_rules | set(REVIEW_ONLY)


def _export(plan: dict[str, Any]) -> dict[str, Any]:
    resources = [{"urn": r["urn"], "type": r["type"], "inputs": r["inputs"]} for r in plan["resources"]]
    return {"version": 3, "deployment": {"manifest": {}, "resources": resources}}


def _preview_json(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    old = {r["urn"]: r for r in base["resources"]}
    steps = []
    for r in head["resources"]:
        before = old.get(r["urn"])
        if before is not None and before["inputs"] == r["inputs"]:
            continue
        steps.append(
            {
                "op": "update" if before else "create",
                "urn": r["urn"],
                "oldState": {"type": r["type"], "urn": r["urn"], "inputs": before["inputs"]} if before else None,
                "newState": {"type": r["type"], "urn": r["urn"], "inputs": r["inputs"]},
            }
        )
    return {"steps": steps}


@pytest.mark.parametrize("form", ["plan", "preview-json", "stack-export"])
def test_lambda_plaintext_credentials_are_high_in_every_input_format(form: str) -> None:
    base = dev_plan()
    head = copy.deepcopy(base)
    find(head, "filter")["inputs"]["environment"]["variables"]["UPSTREAM_API_KEY"] = "plaintext-oops-value"
    head_doc = {"plan": head, "preview-json": _preview_json(base, head), "stack-export": _export(head)}[form]
    base_doc = _export(base) if form == "stack-export" else base
    findings = analyse(parse_plan(base_doc), parse_plan(head_doc))
    hits = [f for f in findings if f.title == "Plaintext credential in environment variable UPSTREAM_API_KEY"]
    assert [(f.direction, f.severity, f.rules) for f in hits] == [
        ("risk", "high", ("aws-lambda-function-no-plaintext-secrets",))
    ]
    assert "plaintext-oops-value" not in json.dumps([f.as_dict() for f in findings])


TLS_DENY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (TLS_DENY, True),
        ({**TLS_DENY, "Principal": {"AWS": "*"}}, True),
        ({**TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": False}}}, True),
        ({**TLS_DENY, "Effect": "Allow"}, False),
        ({**TLS_DENY, "Action": "s3:GetObject"}, False),
        ({**TLS_DENY, "Principal": {"AWS": "arn:aws:iam::1:root"}}, False),
        ({**TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, False),
    ],
)
def test_one_tls_deny_predicate_for_pack_review_and_audit(statement: dict[str, Any], expected: bool) -> None:
    assert is_tls_deny(statement) is expected
    assert checks._is_tls_deny(statement) is expected
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    assert denies_insecure_transport(document) is expected
