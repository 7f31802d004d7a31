"""Security Hub under the mock runtime: the hub, its standards, the analyzer and Inspector in the account
stage; each environment's findings rule, about its own resources, in its platform stage."""

from __future__ import annotations

import json
import operator
import re
from typing import Any

import pytest

from components.security_hub import SEVERITY_LABELS, findings_pattern
from tests.components.conftest import named, stack_settings
from tests.conftest import Plan, resources

HUB_TYPES = (
    "aws:securityhub/account:Account",
    "aws:securityhub/standardsSubscription:StandardsSubscription",
    "aws:accessanalyzer/analyzer:Analyzer",
    "aws:inspector2/enabler:Enabler",
)


def test_the_hub_enables_no_default_standards_and_consolidated_controls(account_plan: Plan) -> None:
    (account,) = resources(account_plan, "aws:securityhub/account:Account")
    assert account["inputs"]["enableDefaultStandards"] is False
    assert account["inputs"]["controlFindingGenerator"] == "SECURITY_CONTROL"


def test_fsbp_and_cis_v3_are_subscribed_after_the_hub(account_plan: Plan) -> None:
    (account,) = resources(account_plan, "aws:securityhub/account:Account")
    region = account_plan["config"]["aws:region"]
    subscriptions = resources(account_plan, "aws:securityhub/standardsSubscription:StandardsSubscription")
    assert sorted(s["inputs"]["standardsArn"] for s in subscriptions) == [
        f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
        f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
    ]
    assert all(account["urn"] in s["dependencies"] for s in subscriptions)


def test_an_account_access_analyzer_and_inspector_on_ecr(account_plan: Plan) -> None:
    (analyzer,) = resources(account_plan, "aws:accessanalyzer/analyzer:Analyzer")
    assert analyzer["inputs"]["type"] == "ACCOUNT"
    (enabler,) = resources(account_plan, "aws:inspector2/enabler:Enabler")
    assert enabler["inputs"]["resourceTypes"] == ["ECR"]


@pytest.mark.parametrize("type_", HUB_TYPES)
def test_the_account_singletons_are_only_in_the_account_stage(plan: Plan, type_: str) -> None:
    """Two environments in one account would otherwise fight over one hub (and destroy it for both)."""
    assert resources(plan, type_) == []


def test_the_platform_reads_the_hub_from_the_account_stage(account_plan: Plan) -> None:
    (root,) = [r for r in account_plan["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    assert root["outputs"]["securityHubArn"].startswith("arn:aws:securityhub:")


NUMERIC = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def matches(pattern: Any, event: Any) -> bool:
    """EventBridge matching, for what these patterns use: values, `wildcard`, `anything-but` (a list of
    values), `numeric` (operator, bound pairs), nested objects, `$or`, arrays of objects in the event (any element may match). A field the
    pattern names must be in the event, whatever its condition (`anything-but` included)."""
    if isinstance(event, list):
        return any(matches(pattern, e) for e in event)
    if isinstance(pattern, dict):
        if not isinstance(event, dict):
            return False
        for key, sub in pattern.items():
            if key == "$or":
                if not any(matches(alternative, event) for alternative in sub):
                    return False
            elif key not in event or not matches(sub, event[key]):
                return False
        return True
    values = event if isinstance(event, list) else [event]
    for allowed in pattern:
        for value in values:
            if isinstance(allowed, dict) and "anything-but" in allowed:
                excluded = allowed["anything-but"]
                if value not in (excluded if isinstance(excluded, list) else [excluded]):
                    return True
            elif isinstance(allowed, dict) and "numeric" in allowed:
                bounds = allowed["numeric"]
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and all(NUMERIC[op](value, limit) for op, limit in zip(bounds[::2], bounds[1::2], strict=True))
                ):
                    return True
            elif isinstance(allowed, dict) and "wildcard" in allowed:
                regex = ".*".join(re.escape(part) for part in allowed["wildcard"].split("*"))
                if isinstance(value, str) and re.fullmatch(regex, value):
                    return True
            elif allowed == value:
                return True
    return False


def finding(resource: dict[str, Any], label: str = "HIGH", product: str = "Security Hub") -> dict[str, Any]:
    """A `Security Hub Findings - Imported` event: one ASFF finding, whose `ProductName` Security Hub sets
    for every finding (`GuardDuty`, `Inspector`, `IAM Access Analyzer`, `Security Hub` for controls…)."""
    return {
        "source": "aws.securityhub",
        "detail-type": "Security Hub Findings - Imported",
        "detail": {
            "findings": [
                {
                    "ProductName": product,
                    "ProductArn": f"arn:aws:securityhub:eu-west-1::product/aws/{product.lower().replace(' ', '')}",
                    "Severity": {"Label": label},
                    "RecordState": "ACTIVE",
                    "Workflow": {"Status": "NEW"},
                    "Resources": [resource],
                }
            ]
        },
    }


def test_each_environment_gets_only_findings_about_its_own_resources(dev_plan: Plan, prod_plan: Plan) -> None:
    patterns = {
        env: json.loads(
            named(p, "aws:cloudwatch/eventRule:EventRule", "-security-hub-findings")["inputs"]["eventPattern"]
        )
        for env, p in (("dev", dev_plan), ("prod", prod_plan))
    }
    dev_bucket = {"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::genai-dev-datalake-raw-bucket-1a2b3c4"}
    prod_role = {"Type": "AwsIamRole", "Id": "arn:aws:iam::123456789012:role/genai-prod-serve-role"}
    tagged = {"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:eu-west-1:1:instance/i-0abc", "Tags": {"Environment": "dev"}}
    account = {"Type": "AwsAccount", "Id": "AWS::::Account:123456789012"}
    assert matches(patterns["dev"], finding(dev_bucket)) and not matches(patterns["prod"], finding(dev_bucket))
    assert matches(patterns["prod"], finding(prod_role)) and not matches(patterns["dev"], finding(prod_role))
    assert matches(patterns["dev"], finding(tagged)) and not matches(patterns["prod"], finding(tagged))
    # Findings about the account itself go to the environment that takes them (prod), once.
    assert matches(patterns["prod"], finding(account)) and not matches(patterns["dev"], finding(account))
    assert not matches(patterns["dev"], finding(dev_bucket, "MEDIUM"))


def test_guardduty_findings_alert_once_through_the_guardduty_rule(dev_plan: Plan) -> None:
    """Security Hub re-sends GuardDuty's findings; the GuardDuty rule already alerts on them (at
    `monitoring.guarddutyMinSeverity`), so the Security Hub rule leaves them out."""
    rules = {
        suffix: json.loads(named(dev_plan, "aws:cloudwatch/eventRule:EventRule", suffix)["inputs"]["eventPattern"])
        for suffix in ("-security-hub-findings", "-guardduty-findings")
    }
    hub, guardduty = rules["-security-hub-findings"], rules["-guardduty-findings"]
    node = {"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:eu-west-1:1:instance/i-0abc", "Tags": {"Environment": "dev"}}
    assert not matches(hub, finding(node, "CRITICAL", product="GuardDuty"))
    for product in ("Inspector", "Security Hub", "IAM Access Analyzer", "Config"):
        assert matches(hub, finding(node, "HIGH", product=product)), product
    # The same finding, as GuardDuty sends it, still alerts through the GuardDuty rule.
    native = {"source": "aws.guardduty", "detail-type": "GuardDuty Finding", "detail": {"severity": 8.0}}
    assert matches(guardduty, native)


def test_anything_but_in_the_matcher_needs_the_field() -> None:
    pattern = {"detail": {"findings": {"ProductName": [{"anything-but": ["GuardDuty"]}]}}}
    assert matches(pattern, {"detail": {"findings": [{"ProductName": "Inspector"}]}})
    assert not matches(pattern, {"detail": {"findings": [{"ProductName": "GuardDuty"}]}})
    assert not matches(pattern, {"detail": {"findings": [{"Title": "no product name"}]}})
    numeric = {"detail": {"severity": [{"numeric": [">=", 7, "<", 9]}]}}
    assert matches(numeric, {"detail": {"severity": 7}}) and matches(numeric, {"detail": {"severity": 8.9}})
    assert not matches(numeric, {"detail": {"severity": 9}}) and not matches(numeric, {"detail": {"severity": "8"}})


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
    assert stack_settings(plan).response.account_findings is (plan["stack"] == "prod")


def test_the_pattern_takes_every_label_from_the_minimum_up() -> None:
    found = findings_pattern("LOW", "dev", "genai-dev")
    assert found["detail"]["findings"]["Severity"]["Label"] == list(SEVERITY_LABELS[1:])  # type: ignore[index]
    with pytest.raises(ValueError, match="min_label must be one of"):
        findings_pattern("high", "dev", "genai-dev")
