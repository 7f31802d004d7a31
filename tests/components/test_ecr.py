"""Container supply chain: ECR repository controls, asserted on the recorded inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.components.conftest import CI_ROLE, named, stack_settings
from tests.conftest import Plan, Resource, as_list, policy, resources, statements

REPOSITORY = "aws:ecr/repository:Repository"
PURPOSES = ("training", "inference")


def repository(plan: Plan, purpose: str) -> Resource:
    return named(plan, REPOSITORY, f"-ecr-{purpose}-repo")


def repository_policy(plan: Plan, purpose: str) -> dict[str, dict[str, Any]]:
    found = named(plan, "aws:ecr/repositoryPolicy:RepositoryPolicy", f"-ecr-{purpose}-policy")
    assert found["inputs"]["repository"] == repository(plan, purpose)["inputs"]["name"]
    return {s["Sid"]: s for s in statements(policy(found))}


def node_role_arns(plan: Plan) -> set[str]:
    return {g["inputs"]["nodeRoleArn"] for g in resources(plan, "aws:eks/nodeGroup:NodeGroup")}


def test_training_and_inference_repositories(plan: Plan) -> None:
    names = sorted(r["inputs"]["name"] for r in resources(plan, REPOSITORY))
    assert names == [f"genai-{plan['stack']}/inference", f"genai-{plan['stack']}/training"]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_scan_on_push(plan: Plan, purpose: str) -> None:
    assert repository(plan, purpose)["inputs"]["imageScanningConfiguration"] == {"scanOnPush": True}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_immutable_tags(plan: Plan, purpose: str) -> None:
    assert repository(plan, purpose)["inputs"]["imageTagMutability"] == "IMMUTABLE"


@pytest.mark.parametrize("purpose", PURPOSES)
def test_kms_encryption_with_the_registry_cmk(plan: Plan, purpose: str) -> None:
    key = named(plan, "aws:kms/key:Key", "-ecr-key")["outputs"]["arn"]
    assert repository(plan, purpose)["inputs"]["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": key}]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_prod_keeps_images_on_destroy(prod_plan: Plan, purpose: str) -> None:
    assert repository(prod_plan, purpose)["inputs"]["forceDelete"] is False


@pytest.mark.parametrize("purpose", PURPOSES)
def test_dev_destroy_deletes_repositories_with_images(dev_plan: Plan, purpose: str) -> None:
    assert repository(dev_plan, purpose)["inputs"]["forceDelete"] is True


@pytest.mark.parametrize("purpose", PURPOSES)
def test_lifecycle_policy_from_settings(plan: Plan, purpose: str) -> None:
    found = named(plan, "aws:ecr/lifecyclePolicy:LifecyclePolicy", f"-ecr-{purpose}-lifecycle")
    rules = {r["selection"]["tagStatus"]: r["selection"] for r in json.loads(found["inputs"]["policy"])["rules"]}
    s = stack_settings(plan).ecr
    assert rules["untagged"]["countNumber"] == s.untagged_expiry_days
    assert rules["any"]["countNumber"] == s.keep_image_count


@pytest.mark.parametrize("purpose", PURPOSES)
def test_only_node_roles_pull(plan: Plan, purpose: str) -> None:
    statements_by_sid = repository_policy(plan, purpose)
    assert set(as_list(statements_by_sid["PullByPlatformRoles"]["Principal"]["AWS"])) == node_role_arns(plan)
    deny = statements_by_sid["DenyPullByOthers"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    # review R2: Amazon Inspector's enhanced scanning reads images with its service-linked role; no AWS page
    # says whether a repository-policy Deny stops it, so it is exempted (it is AWS-managed, trusted by
    # inspector2.amazonaws.com only).
    inspector = (
        "arn:aws:iam::123456789012:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2"
    )
    assert set(deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]) == node_role_arns(plan) | {inspector}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_nobody_pushes_without_a_ci_role(plan: Plan, purpose: str) -> None:
    statements_by_sid = repository_policy(plan, purpose)
    assert "PushByCi" not in statements_by_sid
    deny = statements_by_sid["DenyPush"]
    assert deny["Effect"] == "Deny" and "ecr:PutImage" in deny["Action"] and "Condition" not in deny


def test_ci_role_pushes_and_pulls_when_configured(dev_roles_plan: Plan) -> None:
    statements_by_sid = repository_policy(dev_roles_plan, "inference")
    assert statements_by_sid["PushByCi"]["Principal"] == {"AWS": CI_ROLE}
    assert "ecr:PutImage" in statements_by_sid["PushByCi"]["Action"]
    assert statements_by_sid["DenyPushByOthers"]["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [CI_ROLE]}}
    pullers = set(as_list(statements_by_sid["PullByPlatformRoles"]["Principal"]["AWS"]))
    assert pullers == node_role_arns(dev_roles_plan) | {CI_ROLE}
