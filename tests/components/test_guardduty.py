"""GuardDuty: detector, protection plans, and findings routed to the encrypted alert topic."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Plan, Resource, policy, resources, statements

FEATURE = "aws:guardduty/detectorFeature:DetectorFeature"
REQUIRED = ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION")


def env(plan: Plan) -> str:
    return str(plan["stack"])


def settings_of(plan: Plan) -> Any:
    from stacks.settings import settings_from_config

    return settings_from_config(plan["config"], env(plan))


def detector(plan: Plan) -> Resource:
    (found,) = resources(plan, "aws:guardduty/detector:Detector")
    return found


def features(plan: Plan) -> dict[str, dict[str, Any]]:
    return {f["inputs"]["name"]: f["inputs"] for f in resources(plan, FEATURE)}


def topic(plan: Plan) -> Resource:
    (found,) = resources(plan, "aws:sns/topic:Topic")
    return found


def findings_rule(plan: Plan) -> Resource:
    (found,) = [
        r for r in resources(plan, "aws:cloudwatch/eventRule:EventRule") if r["name"].endswith("-guardduty-findings")
    ]
    return found


def test_detector_is_enabled_and_publishes_every_15_minutes(account_plan: Plan) -> None:
    assert detector(account_plan)["inputs"]["enable"] is True
    assert detector(account_plan)["inputs"]["findingPublishingFrequency"] == "FIFTEEN_MINUTES"


@pytest.mark.parametrize("feature", REQUIRED)
def test_feature_enabled_on_the_detector(account_plan: Plan, feature: str) -> None:
    assert features(account_plan)[feature]["status"] == "ENABLED"
    assert features(account_plan)[feature]["detectorId"] == detector(account_plan)["id"]


def test_runtime_monitoring_manages_the_eks_addon(account_plan: Plan) -> None:
    assert features(account_plan)["RUNTIME_MONITORING"]["additionalConfigurations"] == [
        {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}
    ]


def test_eks_runtime_monitoring_is_not_set_alongside(account_plan: Plan) -> None:
    assert "EKS_RUNTIME_MONITORING" not in features(account_plan)


def test_findings_rule_matches_the_configured_severity(plan: Plan) -> None:
    from stacks.settings import GUARDDUTY_SEVERITIES

    rule = findings_rule(plan)
    pattern = json.loads(rule["inputs"]["eventPattern"])
    assert pattern["source"] == ["aws.guardduty"]
    assert pattern["detail-type"] == ["GuardDuty Finding"]
    minimum = GUARDDUTY_SEVERITIES[settings_of(plan).monitoring.guardduty_min_severity]
    assert pattern["detail"]["severity"] == [{"numeric": [">=", minimum]}]


def test_findings_go_to_the_alert_topic(plan: Plan) -> None:
    rule = findings_rule(plan)
    (target,) = [
        t
        for t in resources(plan, "aws:cloudwatch/eventTarget:EventTarget")
        if t["inputs"]["rule"] == rule["inputs"]["name"]
    ]
    assert target["inputs"]["arn"] == topic(plan)["outputs"]["arn"]
    assert target["inputs"]["rule"] == rule["inputs"]["name"]


def test_topic_is_encrypted_with_a_cmk_that_lets_publishers_use_it(plan: Plan) -> None:
    keys = {k["outputs"]["arn"]: k for k in resources(plan, "aws:kms/key:Key")}
    key = keys[topic(plan)["inputs"]["kmsMasterKeyId"]]
    principals = {json.dumps(s["Principal"], sort_keys=True) for s in statements(policy(key))}
    for service in ("events.amazonaws.com", "cloudwatch.amazonaws.com"):
        assert json.dumps({"Service": service}) in principals


@pytest.mark.parametrize("service", ["events.amazonaws.com", "cloudwatch.amazonaws.com"])
def test_topic_policy_lets_the_service_publish_from_this_account(plan: Plan, service: str) -> None:
    (topic_policy,) = resources(plan, "aws:sns/topicPolicy:TopicPolicy")
    (statement,) = [s for s in statements(policy(topic_policy)) if s.get("Principal") == {"Service": service}]
    assert statement["Action"] == ["sns:Publish"]
    assert statement["Resource"] == topic(plan)["outputs"]["arn"]
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"].endswith(f"genai-{env(plan)}*")


def test_email_subscriptions_follow_settings(plan: Plan) -> None:
    subscriptions = resources(plan, "aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s["inputs"]["endpoint"] for s in subscriptions) == sorted(settings_of(plan).monitoring.alarm_emails)
    assert all(s["inputs"]["protocol"] == "email" for s in subscriptions)
