"""audit: Security Hub's enabled standards, the account analyzer, and the containment wiring."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.audit.api import Aws
from infra.audit.checks import FAIL, PASS, CheckResult, run_audit
from infra.audit.cli import load_settings

sys.path.insert(0, str(Path(__file__).parent))
from audit_account import REGION, FakeAccessAnalyzer, FakeSecurityHub


def audit(*sections: str, stack: str = "dev") -> dict[str, CheckResult]:
    results = run_audit(Aws(REGION, max_attempts=1, sleep=lambda _: None), load_settings(stack, None), sections)
    return {f"{r.check} {r.resource}": r for r in results}


def statuses(results: dict[str, CheckResult]) -> dict[str, str]:
    return {key.split(" ")[0]: r.status for key, r in results.items()}


def test_enabled_standards_and_the_analyzer_pass(account: dict[str, Any]) -> None:
    found = audit("securityhub")
    assert statuses(found) == {
        "securityhub.standard.fsbp": PASS,
        "securityhub.standard.cis-v3": PASS,
        "accessanalyzer.account": PASS,
        "securityhub.findings-rule": PASS,
    }
    assert "cis-aws-foundations-benchmark v3.0.0 READY" in found[f"securityhub.standard.cis-v3 {REGION}"].detail


def test_a_missing_or_pending_standard_fails(account: dict[str, Any]) -> None:
    FakeSecurityHub.standards = [
        {**FakeSecurityHub.standards[0]},
        {**FakeSecurityHub.standards[1], "StandardsStatus": "INCOMPLETE"},
    ]
    assert statuses(audit("securityhub"))["securityhub.standard.cis-v3"] == FAIL
    FakeSecurityHub.standards = FakeSecurityHub.standards[1:]
    assert statuses(audit("securityhub"))["securityhub.standard.fsbp"] == FAIL


def test_a_disabled_or_untargeted_findings_rule_fails(account: dict[str, Any]) -> None:
    events = boto3.client("events", region_name=REGION)
    events.remove_targets(Rule="genai-dev-securityhub-findings", Ids=["alert-topic"])
    assert statuses(audit("securityhub"))["securityhub.findings-rule"] == FAIL


def test_no_active_account_analyzer_fails(account: dict[str, Any]) -> None:
    FakeAccessAnalyzer.analyzers = [{"name": "org", "type": "ORGANIZATION", "status": "ACTIVE"}]
    assert statuses(audit("securityhub"))["accessanalyzer.account"] == FAIL


def test_the_containment_wiring_passes(account: dict[str, Any]) -> None:
    assert set(statuses(audit("containment")).values()) == {PASS}
    assert set(statuses(audit("containment"))) == {
        "containment.dry-run",
        "containment.rule",
        "containment.permission",
        "containment.isolation-group",
    }


@pytest.mark.parametrize(
    ("mutate", "check"),
    [
        (
            lambda: boto3.client("events", region_name=REGION).disable_rule(Name="genai-dev-guardduty-containment"),
            "containment.rule",
        ),
        (
            lambda: boto3.client("events", region_name=REGION).remove_targets(
                Rule="genai-dev-guardduty-containment", Ids=["response"]
            ),
            "containment.rule",
        ),
        (
            lambda: boto3.client("lambda", region_name=REGION).update_function_configuration(
                FunctionName="genai-dev-response", Environment={"Variables": {"DRY_RUN": "false"}}
            ),
            "containment.dry-run",
        ),
    ],
)
def test_each_containment_check_fails_alone(account: dict[str, Any], mutate: Any, check: str) -> None:
    mutate()
    bad = {k.split(" ")[0] for k, r in audit("containment").items() if r.status != PASS}
    assert bad == {check}


def test_an_isolation_group_with_a_rule_fails(account: dict[str, Any]) -> None:
    boto3.client("ec2", region_name=REGION).authorize_security_group_ingress(
        GroupId=account["isolation_group"], IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="10.0.0.0/8"
    )
    assert statuses(audit("containment"))["containment.isolation-group"] == FAIL
