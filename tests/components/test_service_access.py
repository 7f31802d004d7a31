"""What AWS services can do with the platform's roles and keys: the EKS cluster role on the secrets
key, the alert key's publishers, and API Gateway's logging role (issue 20, items 4, 5 and 7)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.components.conftest import named
from tests.components.iam_model import Call, decide
from tests.conftest import Plan, policy, statements

ACCOUNT = "123456789012"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def key(plan: Plan, suffix: str) -> dict[str, Any]:
    return named(plan, "aws:kms/key:Key", suffix)


def cluster_role_can(plan: Plan, action: str) -> bool:
    """The key policy names the cluster role, or delegates the action to IAM and the role's policy allows it."""
    secrets_key = key(plan, "-eks-secrets-key")
    role_arn = named(plan, "aws:iam/role:Role", "-eks-role")["outputs"]["arn"]
    identity = policy(named(plan, "aws:iam/rolePolicy:RolePolicy", "-eks-secrets-key"))
    call = Call(action, action, secrets_key["outputs"]["arn"], {"kms:CallerAccount": ACCOUNT})
    key_policy = policy(secrets_key)
    direct = decide([key_policy], call, principal=role_arn)
    if direct != "ImplicitDeny":
        return direct == "Allow"
    return decide([key_policy], call, principal=ROOT) == "Allow" and decide([identity], call) == "Allow"


@pytest.mark.parametrize("action", ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ListGrants"])
def test_eks_cluster_role_can_use_and_check_the_secrets_key(plan: Plan, action: str) -> None:
    """EKS checks the key's grants as the cluster role (terraform-aws-modules/terraform-aws-eks#1913)."""
    assert cluster_role_can(plan, action)


def test_eks_cluster_role_holds_no_create_grant(plan: Plan) -> None:
    """The grant EKS needs is created with the CreateCluster caller's credentials, not the cluster role's."""
    assert not cluster_role_can(plan, "kms:CreateGrant")
    inline = policy(named(plan, "aws:iam/rolePolicy:RolePolicy", "-eks-secrets-key"))
    assert not [a for s in statements(inline) for a in s["Action"] if "Grant" in a]


def publisher(plan: Plan, service: str) -> dict[str, Any]:
    (statement,) = [
        s for s in statements(policy(key(plan, "-operations-key"))) if s.get("Principal") == {"Service": service}
    ]
    return statement


def alert_topic_arn(plan: Plan) -> str:
    arn: str = named(plan, "aws:sns/topic:Topic", "-alerts-topic")["outputs"]["arn"]
    return arn


def test_only_this_accounts_alarms_use_the_alert_key_for_the_alert_topic(plan: Plan) -> None:
    statement = publisher(plan, "cloudwatch.amazonaws.com")
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": alert_topic_arn(plan)},
        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:genai-{plan['stack']}*"},
    }


def test_eventbridge_uses_the_alert_key_for_the_alert_topic_only(plan: Plan) -> None:
    """EventBridge's KMS requests for an encrypted SNS target carry no aws:Source* keys; a condition on
    them would drop every GuardDuty finding (docs/request-path.md, "Alert topic"). SNS's encryption
    context names the topic for any publisher."""
    statement = publisher(plan, "events.amazonaws.com")
    assert statement["Condition"] == {"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": alert_topic_arn(plan)}}


def test_api_gateway_logging_role_uses_the_documented_trust(account_plan: Plan) -> None:
    """The role lives in the account stage (one per account and region)."""
    (role,) = [
        r
        for r in account_plan["resources"]
        if r["type"] == "aws:iam/role:Role" and "apigateway-cloudwatch" in r["name"]
    ]
    (trust,) = statements(policy(role, "assumeRolePolicy"))
    assert trust["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert "Condition" not in trust
