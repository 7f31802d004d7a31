"""Secrets: CMK, resource policy, rotation by a least-privilege function invoked only by Secrets Manager."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.secrets import BOOTSTRAP_VALUE, deployer_principal_patterns
from tests.conftest import Plan, Resource, as_list, policy, resources, statements

SECRET = "aws:secretsmanager/secret:Secret"
PURPOSES = ("pseudonymisation-key", "backend-credentials")


def env(plan: Plan) -> str:
    return str(plan["stack"])


def one(plan: Plan, type_: str, name: str) -> Resource:
    found = [r for r in resources(plan, type_) if r["name"] == name]
    assert len(found) == 1, (type_, name)
    return found[0]


def secret(plan: Plan, purpose: str) -> Resource:
    return one(plan, SECRET, f"genai-{env(plan)}-{purpose}-secret")


def attached(plan: Plan, type_: str, prop: str, purpose: str) -> list[Resource]:
    urn = secret(plan, purpose)["urn"]
    return [r for r in resources(plan, type_) if urn in r["propertyDependencies"].get(prop, [])]


def settings_of(plan: Plan) -> Any:
    from stacks.settings import settings_from_config

    return settings_from_config(plan["config"], env(plan))


def rotation_function(plan: Plan) -> Resource:
    return one(plan, "aws:lambda/function:Function", f"genai-{env(plan)}-rotation-function")


def test_two_secrets_with_platform_names(plan: Plan) -> None:
    names = sorted(s["inputs"]["name"] for s in resources(plan, SECRET))
    assert names == [f"genai-{env(plan)}/filter/backend-credentials", f"genai-{env(plan)}/filter/pseudonymisation-key"]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_secret_uses_the_edge_secrets_cmk(plan: Plan, purpose: str) -> None:
    key = one(plan, "aws:kms/key:Key", f"genai-{env(plan)}-edge-secrets-key")
    assert secret(plan, purpose)["inputs"]["kmsKeyId"] == key["outputs"]["arn"]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_each_secret_has_rotation(plan: Plan, purpose: str) -> None:
    (rotation,) = attached(plan, "aws:secretsmanager/secretRotation:SecretRotation", "secretId", purpose)
    assert rotation["inputs"]["rotationRules"] == {"scheduleExpression": settings_of(plan).secrets.rotation_schedule}
    assert rotation["inputs"]["rotationLambdaArn"] == rotation_function(plan)["outputs"]["arn"]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_rotation_waits_for_its_invoke_permission(plan: Plan, purpose: str) -> None:
    (rotation,) = attached(plan, "aws:secretsmanager/secretRotation:SecretRotation", "secretId", purpose)
    permission = one(plan, "aws:lambda/permission:Permission", f"genai-{env(plan)}-{purpose}-rotation-invoke")
    assert permission["urn"] in rotation["dependencies"]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_only_secrets_manager_may_invoke_rotation_for_this_secret(plan: Plan, purpose: str) -> None:
    permission = one(plan, "aws:lambda/permission:Permission", f"genai-{env(plan)}-{purpose}-rotation-invoke")
    assert permission["inputs"]["principal"] == "secretsmanager.amazonaws.com"
    assert permission["inputs"]["sourceArn"] == secret(plan, purpose)["outputs"]["arn"]
    assert permission["inputs"]["sourceAccount"] == "123456789012"


def execution_role_arn(plan: Plan, function: str) -> str:
    """The ARN of a function's execution role, prefix-named (`genai-<env>-<function>-<suffix>`)."""
    role = one(plan, "aws:iam/role:Role", f"genai-{env(plan)}-{function}-role")
    assert role["inputs"]["namePrefix"] == f"genai-{env(plan)}-{function}-" and "name" not in role["inputs"]
    arn: str = role["outputs"]["arn"]
    return arn


@pytest.mark.parametrize("purpose", PURPOSES)
def test_resource_policy_blocks_public_and_denies_all_but_named_roles(plan: Plan, purpose: str) -> None:
    (secret_policy,) = attached(plan, "aws:secretsmanager/secretPolicy:SecretPolicy", "secretArn", purpose)
    assert secret_policy["inputs"]["blockPublicPolicy"] is True
    deny = next(s for s in statements(policy(secret_policy)) if s["Sid"] == "DenyAllButNamedRoles")
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    allowed = set(deny["Condition"]["StringNotLike"]["aws:PrincipalArn"])
    assert {execution_role_arn(plan, "filter"), execution_role_arn(plan, "rotation")} <= allowed
    assert "arn:aws:iam::123456789012:role/pulumi-deployer" in allowed


@pytest.mark.parametrize("purpose", PURPOSES)
def test_only_rotation_and_deployer_may_write(plan: Plan, purpose: str) -> None:
    (secret_policy,) = attached(plan, "aws:secretsmanager/secretPolicy:SecretPolicy", "secretArn", purpose)
    deny = next(s for s in statements(policy(secret_policy)) if s["Sid"] == "DenyWritesButRotation")
    assert "secretsmanager:PutSecretValue" in deny["Action"]
    writers = set(deny["Condition"]["StringNotLike"]["aws:PrincipalArn"])
    assert execution_role_arn(plan, "rotation") in writers
    assert execution_role_arn(plan, "filter") not in writers


def test_named_roles_in_the_policy_are_the_real_roles(plan: Plan) -> None:
    """Roles the stack creates, and the configured deploy role (outside the stack)."""
    deploy = plan["config"].get("genai-platform:deploy")
    deploy = json.loads(deploy) if isinstance(deploy, str) else deploy or {}
    roles = {r["outputs"]["arn"] for r in resources(plan, "aws:iam/role:Role")} | (
        {deploy["roleArn"]} if deploy.get("roleArn") else set()
    )
    for secret_policy in resources(plan, "aws:secretsmanager/secretPolicy:SecretPolicy"):
        deny = next(s for s in statements(policy(secret_policy)) if s["Sid"] == "DenyAllButNamedRoles")
        named = {a for a in deny["Condition"]["StringNotLike"]["aws:PrincipalArn"] if "pulumi-deployer" not in a}
        assert named <= roles


@pytest.mark.parametrize("purpose", PURPOSES)
def test_bootstrap_version_is_a_placeholder_not_a_key(plan: Plan, purpose: str) -> None:
    (version,) = attached(plan, "aws:secretsmanager/secretVersion:SecretVersion", "secretId", purpose)
    assert version["inputs"]["secretString"] == "[secret]"
    assert "secretString" in version["secretPaths"]
    assert set(json.loads(BOOTSTRAP_VALUE)) == {"bootstrap"}


def test_rotation_field_tags_match_what_the_filter_reads(plan: Plan) -> None:
    fields = {p: secret(plan, p)["inputs"]["tags"]["RotationField"] for p in PURPOSES}
    assert fields == {"pseudonymisation-key": "key", "backend-credentials": "api_key"}


def test_rotation_function_deployment(plan: Plan) -> None:
    inputs = rotation_function(plan)["inputs"]
    assert inputs["handler"] == "rotation.handler"
    assert inputs["runtime"] == "python3.12"
    assert inputs["tracingConfig"] == {"mode": "Active"}
    # prod reserves concurrency; dev reserves none (a new account has none to reserve)
    assert inputs.get("reservedConcurrentExecutions", 0) >= (1 if env(plan) == "prod" else 0)
    assert inputs["loggingConfig"]["logGroup"] == f"/aws/lambda/genai-{env(plan)}-rotation"
    assert "environment" not in inputs


def rotation_statements(plan: Plan) -> list[dict[str, Any]]:
    return statements(policy(one(plan, "aws:iam/rolePolicy:RolePolicy", f"genai-{env(plan)}-rotation-access")))


def test_rotation_role_has_no_wildcard_action(plan: Plan) -> None:
    for statement in rotation_statements(plan):
        assert all(a != "*" and not a.endswith(":*") for a in as_list(statement["Action"])), statement["Sid"]


def test_rotation_role_rotates_only_the_two_secrets(plan: Plan) -> None:
    (grant,) = [s for s in rotation_statements(plan) if any(a.startswith("secretsmanager:") for a in s["Action"])]
    assert sorted(as_list(grant["Resource"])) == sorted(
        f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:genai-{env(plan)}/filter/{p}-??????" for p in PURPOSES
    )
    assert "secretsmanager:GetRandomPassword" not in grant["Action"]
    assert "secretsmanager:DeleteSecret" not in grant["Action"]


def test_rotation_role_uses_the_key_only_through_secrets_manager(plan: Plan) -> None:
    (grant,) = [s for s in rotation_statements(plan) if any(a.startswith("kms:") for a in s["Action"])]
    assert grant["Condition"]["StringEquals"]["kms:ViaService"] == ["secretsmanager.eu-west-1.amazonaws.com"]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (
            "arn:aws:sts::123456789012:assumed-role/deployer/ci-run-42",
            ["arn:aws:iam::123456789012:role/deployer", "arn:aws:iam::123456789012:role/*/deployer"],
        ),
        ("arn:aws:iam::123456789012:role/pulumi-deployer", ["arn:aws:iam::123456789012:role/pulumi-deployer"]),
        ("arn:aws:iam::123456789012:user/alice", ["arn:aws:iam::123456789012:user/alice"]),
    ],
)
def test_deployer_patterns(caller: str, expected: list[str]) -> None:
    assert deployer_principal_patterns(caller) == expected


def test_dev_secrets_are_deleted_at_once_prod_recoverably(dev_plan: Plan, prod_plan: Plan) -> None:
    """A 7-day window keeps a destroyed dev's secret names taken for a week; prod keeps 30 days to recover."""
    for purpose in ("backend-credentials", "pseudonymisation-key"):
        assert secret(dev_plan, purpose)["inputs"]["recoveryWindowInDays"] == 0
        assert secret(prod_plan, purpose)["inputs"]["recoveryWindowInDays"] == 30


def test_serve_role_is_allowed_to_read_the_backend_secret(plan: Plan) -> None:
    """Being exempt from the secret policy's Deny grants nothing: within one account the reader needs an
    Allow for GetSecretValue on the secret, and Decrypt on its CMK (through Secrets Manager)."""
    serve = one(plan, "aws:iam/role:Role", f"genai-{env(plan)}-serve-role")
    inline = [
        r
        for r in resources(plan, "aws:iam/rolePolicy:RolePolicy")
        if serve["urn"] in r["propertyDependencies"].get("role", [])
    ]
    found = [s for r in inline for s in statements(policy(r))]
    backend = secret(plan, "backend-credentials")
    key = one(plan, "aws:kms/key:Key", f"genai-{env(plan)}-edge-secrets-key")
    (read,) = [s for s in found if "secretsmanager:GetSecretValue" in as_list(s["Action"])]
    assert read["Effect"] == "Allow" and as_list(read["Resource"]) == [backend["outputs"]["arn"]]
    (decrypt,) = [s for s in found if key["outputs"]["arn"] in as_list(s["Resource"])]
    assert decrypt["Effect"] == "Allow" and "kms:Decrypt" in decrypt["Action"]
    region = plan["config"]["aws:region"]
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": [f"secretsmanager.{region}.amazonaws.com"]}}
    # and nothing on the other secret
    other = secret(plan, "pseudonymisation-key")["outputs"]["arn"]
    assert all(other not in as_list(s.get("Resource", [])) for s in found)


def test_the_configured_deploy_role_is_never_locked_out(prod_plan: Plan) -> None:
    """A first deploy run by hand must not deny CI's deploy role the secrets' management."""
    deployer = prod_plan["config"]["genai-platform:deploy"]
    role = (deployer if isinstance(deployer, dict) else json.loads(deployer))["roleArn"]
    for purpose in ("backend-credentials", "pseudonymisation-key"):
        policy_resource = one(prod_plan, "aws:secretsmanager/secretPolicy:SecretPolicy", f"genai-prod-{purpose}-policy")
        deny = next(s for s in statements(policy(policy_resource)) if s["Sid"] == "DenyAllButNamedRoles")
        exempt = as_list(deny["Condition"]["StringNotLike"]["aws:PrincipalArn"])
        assert role in exempt
