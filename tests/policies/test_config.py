"""Config limits, enforcement levels and exemptions (the pack runs with GENAI_POLICY_TODAY=2026-11-25)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.policy import PolicyPackError
from tests.policies.conftest import TODAY, Evaluate
from tests.policies.fixtures import Plan, compliant_plan, find, set_input, with_change

pytestmark = pytest.mark.slow

CLUSTER = "aws:eks/cluster:Cluster"


def fired(violations: list[dict[str, Any]]) -> set[str]:
    return {v["policy"] for v in violations}


def no_rotation() -> Plan:
    plan, _ = with_change(compliant_plan(), set_input("aws:kms/key:Key", "data-key", ("enableKeyRotation",), False))
    return plan


def exemption(expires: str, pattern: str = "*::aws:kms/key:Key::data-key") -> dict[str, Any]:
    return {
        "aws-kms-key-rotation": {
            "exemptions": [
                {"urnPattern": pattern, "reason": "imported key, rotation handled by HSM runbook", "expires": expires}
            ]
        }
    }


def test_today_is_injected() -> None:
    assert TODAY == "2026-11-25"


def test_exemption_before_expiry_suppresses(evaluate: Evaluate) -> None:
    assert "aws-kms-key-rotation" not in fired(evaluate(no_rotation(), exemption("2026-12-31")))


def test_exemption_is_valid_through_its_expiry_day(evaluate: Evaluate) -> None:
    assert "aws-kms-key-rotation" not in fired(evaluate(no_rotation(), exemption(TODAY)))


def test_expired_exemption_no_longer_applies(evaluate: Evaluate) -> None:
    violations = evaluate(no_rotation(), exemption("2026-11-24"))
    assert fired(violations) == {"aws-kms-key-rotation"}


def test_exemption_only_matches_its_pattern(evaluate: Evaluate) -> None:
    assert fired(evaluate(no_rotation(), exemption("2099-01-01", "*::aws:kms/key:Key::other-key"))) == {
        "aws-kms-key-rotation"
    }


def test_exemption_on_a_stack_policy(evaluate: Evaluate) -> None:
    plan = compliant_plan()
    plan["resources"] = [r for r in plan["resources"] if r["type"] != "aws:ec2/flowLog:FlowLog"]
    config = {
        "aws-ec2-vpc-flow-logs": {
            "exemptions": [
                {"urnPattern": "urn:pulumi:test::*::aws:ec2/vpc:Vpc::vpc", "reason": "lab VPC", "expires": "2027-01-31"}
            ]
        }
    }
    assert fired(evaluate(plan)) == {"aws-ec2-vpc-flow-logs"}
    assert fired(evaluate(plan, config)) == set()


def test_exemption_with_a_bad_date_is_refused(evaluate: Evaluate) -> None:
    with pytest.raises(PolicyPackError, match=r"exemptions\[0\]\.expires"):
        evaluate(no_rotation(), exemption("31/12/2026"))


def test_exemption_listed_under_another_policy_is_refused(evaluate: Evaluate) -> None:
    config = exemption("2026-12-31")
    config["aws-kms-key-rotation"]["exemptions"][0]["policy"] = "aws-sns-topic-kms"
    with pytest.raises(PolicyPackError, match="listed under aws-kms-key-rotation"):
        evaluate(no_rotation(), config)


def test_exemption_without_reason_is_refused(evaluate: Evaluate) -> None:
    config = {"aws-kms-key-rotation": {"exemptions": [{"urnPattern": "*", "expires": "2026-12-31"}]}}
    with pytest.raises(PolicyPackError, match="missing reason"):
        evaluate(no_rotation(), config)


@pytest.mark.parametrize(
    ("config", "rule"),
    [
        ({"aws-logs-log-group-retention": {"minRetentionDays": 400}}, "aws-logs-log-group-retention"),
        (
            {"aws-eks-nodegroup-gpu-family-allowed": {"allowedGpuInstanceFamilies": ["p5"]}},
            "aws-eks-nodegroup-gpu-family-allowed",
        ),
        (
            {"k8s-pod-image-trusted-registry": {"trustedRegistries": ["*.dkr.ecr.*.amazonaws.com"]}},
            "k8s-pod-image-trusted-registry",
        ),
        ({"aws-provider-region-allowed": {"allowedRegions": ["us-west-2"]}}, "aws-provider-region-allowed"),
        ({"aws-lambda-function-runtime": {"allowedRuntimes": ["python3.13"]}}, "aws-lambda-function-runtime"),
        ({"aws-tags-required": {"requiredTags": ["Project", "DataOwner"]}}, "aws-tags-required"),
        (
            {"aws-wafv2-web-acl-managed-rules": {"requiredManagedRuleGroups": ["AWSManagedRulesSQLiRuleSet"]}},
            "aws-wafv2-web-acl-managed-rules",
        ),
        ({"aws-secretsmanager-secret-rotation": {"maxRotationDays": 7}}, "aws-secretsmanager-secret-rotation"),
        (
            {"aws-guardduty-detector-features": {"requiredFeatures": ["RDS_LOGIN_EVENTS"]}},
            "aws-guardduty-detector-features",
        ),
        ({"k8s-namespace-pod-security-enforce": {"allowedLevels": ["baseline"]}}, "k8s-namespace-pod-security-enforce"),
        ({"k8s-namespace-default-deny": {"exemptNamespaces": []}}, "k8s-namespace-default-deny"),
        ({"aws-s3-bucket-classification": {"allowedClassifications": ["public"]}}, "aws-s3-bucket-classification"),
        (
            {"aws-iam-policy-no-wildcard-resource-data": {"dataActionPrefixes": ["logs:"]}},
            "aws-iam-policy-no-wildcard-resource-data",
        ),
    ],
)
def test_config_limits_change_the_verdict(evaluate: Evaluate, config: dict[str, Any], rule: str) -> None:
    assert fired(evaluate(compliant_plan(), config)) == {rule}


def test_defaults_apply_when_config_omits_a_property(evaluate: Evaluate) -> None:
    # An object without enforcementLevel must stay mandatory (proto3 would make it advisory).
    violations = evaluate(no_rotation(), {"aws-kms-key-rotation": {"exemptions": []}})
    assert [v["enforcementLevel"] for v in violations] == ["mandatory"]


@pytest.mark.parametrize(
    ("config", "level"),
    [
        ({"aws-kms-key-rotation": "advisory"}, "advisory"),
        ({"aws-kms-key-rotation": {"enforcementLevel": "advisory"}}, "advisory"),
        ({"all": "advisory"}, "advisory"),
        ({"all": {"enforcementLevel": "advisory"}, "aws-kms-key-rotation": "mandatory"}, "mandatory"),
        ({"aws-kms-key-rotation": "remediate"}, "mandatory"),
    ],
)
def test_enforcement_levels(evaluate: Evaluate, config: dict[str, Any], level: str) -> None:
    assert [v["enforcementLevel"] for v in evaluate(no_rotation(), config)] == [level]


def test_disabled_policy_does_not_run(evaluate: Evaluate) -> None:
    assert evaluate(no_rotation(), {"aws-kms-key-rotation": "disabled"}) == []


def test_unknown_policy_or_property_is_refused(evaluate: Evaluate) -> None:
    with pytest.raises(PolicyPackError, match="unknown policies: aws-nope"):
        evaluate(compliant_plan(), {"aws-nope": "mandatory"})
    with pytest.raises(PolicyPackError, match="unknown property minRetention"):
        evaluate(compliant_plan(), {"aws-logs-log-group-retention": {"minRetention": 3}})
    with pytest.raises(PolicyPackError, match="expected number"):
        evaluate(compliant_plan(), {"aws-logs-log-group-retention": {"minRetentionDays": "3"}})


def _public_endpoint(env: str) -> Plan:
    plan = compliant_plan()
    cluster = find(plan, CLUSTER)
    cluster["inputs"]["vpcConfig"].update(endpointPublicAccess=True, publicAccessCidrs=["203.0.113.0/24"])
    provider = find(plan, "pulumi:providers:aws")
    tags = json.loads(provider["inputs"]["defaultTags"])
    tags["tags"]["Environment"] = env
    provider["inputs"]["defaultTags"] = json.dumps(tags)
    return plan


def test_restricted_public_endpoint_is_allowed_outside_prod(evaluate: Evaluate) -> None:
    assert fired(evaluate(_public_endpoint("dev"))) == set()


def test_any_public_endpoint_is_refused_in_prod(evaluate: Evaluate) -> None:
    # The compliant stack's key lets the account root administer it (fine in dev): prod flags that too.
    assert fired(evaluate(_public_endpoint("prod"))) == {
        "aws-eks-cluster-endpoint-private",
        "aws-kms-key-policy-named-admins",
    }


def test_resource_environment_tag_overrides_provider(evaluate: Evaluate) -> None:
    plan = _public_endpoint("dev")
    find(plan, CLUSTER)["inputs"]["tags"] = {"Environment": "prod"}
    assert fired(evaluate(plan)) == {"aws-eks-cluster-endpoint-private"}


def test_environment_config_property_wins(evaluate: Evaluate) -> None:
    config = {"aws-eks-cluster-endpoint-private": {"environment": "prod"}}
    assert fired(evaluate(_public_endpoint("dev"), config)) == {"aws-eks-cluster-endpoint-private"}
