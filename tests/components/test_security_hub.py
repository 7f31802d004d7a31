"""Security Hub under the mock runtime: standards after the hub, the analyzer, Inspector, the findings rule."""

from __future__ import annotations

import json

import pytest

from components.security_hub import SEVERITY_LABELS, findings_pattern
from tests.components.conftest import named, stack_settings
from tests.conftest import Plan, resources


def test_the_hub_enables_no_default_standards_and_consolidated_controls(plan: Plan) -> None:
    (account,) = resources(plan, "aws:securityhub/account:Account")
    assert account["inputs"]["enableDefaultStandards"] is False
    assert account["inputs"]["controlFindingGenerator"] == "SECURITY_CONTROL"


def test_fsbp_and_cis_v3_are_subscribed_after_the_hub(plan: Plan) -> None:
    (account,) = resources(plan, "aws:securityhub/account:Account")
    region = plan["config"]["aws:region"]
    subscriptions = resources(plan, "aws:securityhub/standardsSubscription:StandardsSubscription")
    assert sorted(s["inputs"]["standardsArn"] for s in subscriptions) == [
        f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
        f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
    ]
    assert all(account["urn"] in s["dependencies"] for s in subscriptions)


def test_an_account_access_analyzer(plan: Plan) -> None:
    (analyzer,) = resources(plan, "aws:accessanalyzer/analyzer:Analyzer")
    assert analyzer["inputs"]["type"] == "ACCOUNT"


def test_inspector_scans_ecr_in_prod_only(plan: Plan) -> None:
    enablers = resources(plan, "aws:inspector2/enabler:Enabler")
    if stack_settings(plan).response.inspector_ecr:
        (enabler,) = enablers
        assert enabler["inputs"]["resourceTypes"] == ["ECR"]
    else:
        assert enablers == []
    assert bool(enablers) == (plan["stack"] == "prod")


def test_findings_at_or_above_the_severity_go_to_the_alert_topic(plan: Plan) -> None:
    rule = named(plan, "aws:cloudwatch/eventRule:EventRule", "-security-hub-findings")
    pattern = json.loads(rule["inputs"]["eventPattern"])
    assert pattern["source"] == ["aws.securityhub"]
    assert pattern["detail"]["findings"]["Severity"]["Label"] == ["HIGH", "CRITICAL"]
    (target,) = [
        t
        for t in resources(plan, "aws:cloudwatch/eventTarget:EventTarget")
        if t["inputs"]["rule"] == rule["inputs"]["name"]
    ]
    (topic,) = resources(plan, "aws:sns/topic:Topic")
    assert target["inputs"]["arn"] == topic["outputs"]["arn"]
    assert rule["inputs"]["name"].startswith(f"genai-{plan['stack']}-")  # the topic admits only these


def test_the_pattern_takes_every_label_from_the_minimum_up() -> None:
    assert findings_pattern("LOW")["detail"]["findings"]["Severity"]["Label"] == list(SEVERITY_LABELS[1:])  # type: ignore[index]
    with pytest.raises(ValueError, match="min_label must be one of"):
        findings_pattern("high")
