"""Key administrators: every CMK of the stack is administered by `kms.keyAdministratorRoleArns` (dev and prod).

dev names no role, so the account root administers its keys; prod names the placeholder role of
Pulumi.prod.yaml, so the root keeps only key use through IAM policies in the account."""

from __future__ import annotations

from typing import Any

from tests.components.conftest import stack_settings
from tests.conftest import Plan, Resource, as_list, policy, resources, statements

KEY = "aws:kms/key:Key"
ROOT = "arn:aws:iam::123456789012:root"


def keys(plan: Plan) -> list[Resource]:
    found = resources(plan, KEY)
    assert found
    return found


def statement(key: Resource, sid: str) -> dict[str, Any]:
    (found,) = [s for s in statements(policy(key)) if s["Sid"] == sid]
    return found


def principals(st: dict[str, Any]) -> set[str]:
    return set(as_list(st.get("Principal", {}).get("AWS", [])))


def test_every_key_is_an_encryption_key_component(plan: Plan) -> None:
    """No CMK is created around `EncryptionKey`, so none can miss the administrators."""
    for key in keys(plan):
        assert "genai:security:EncryptionKey::" in key["parent"], key["name"]


def test_every_key_is_administered_by_the_configured_roles(plan: Plan) -> None:
    s = stack_settings(plan)
    roles = set(s.kms.key_administrator_role_arns)
    expected = roles | {s.deploy.role_arn} if roles and s.deploy.role_arn else roles or {ROOT}
    for key in keys(plan):
        assert principals(statement(key, "KeyAdministration")) == expected, key["name"]


def test_dev_falls_back_to_the_account_root(dev_plan: Plan) -> None:
    assert stack_settings(dev_plan).kms.key_administrator_role_arns == ()
    for key in keys(dev_plan):
        assert principals(statement(key, "KeyAdministration")) == {ROOT}, key["name"]


def test_deploy_role_administers_every_prod_key(prod_plan: Plan) -> None:
    """KMS refuses a key policy that locks out its caller: the deploy role is always an administrator."""
    deployer = stack_settings(prod_plan).deploy.role_arn
    assert deployer and deployer not in stack_settings(prod_plan).kms.key_administrator_role_arns
    for key in keys(prod_plan):
        assert deployer in principals(statement(key, "KeyAdministration")), key["name"]


def test_prod_keys_are_never_administered_by_the_root(prod_plan: Plan) -> None:
    s = stack_settings(prod_plan)
    roles = {*s.kms.key_administrator_role_arns, s.deploy.role_arn}
    assert roles and ROOT not in roles
    for key in keys(prod_plan):
        admins = [s for s in statements(policy(key)) if any(a.startswith("kms:Put") for a in as_list(s["Action"]))]
        assert [principals(s) for s in admins] == [roles], key["name"]


def test_named_administrators_get_no_key_use(prod_plan: Plan) -> None:
    roles = set(stack_settings(prod_plan).kms.key_administrator_role_arns)
    for key in keys(prod_plan):
        for st in statements(policy(key)):
            if st["Sid"] == "AdministratorsGrantOnlyToAwsResources":
                assert as_list(st["Action"]) == ["kms:CreateGrant"]
                assert st["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
            elif st["Sid"] != "KeyAdministration":
                assert not principals(st) & roles, (key["name"], st["Sid"])
            else:  # review H2: kms:Create* would include CreateGrant, a grant of use to itself
                assert not any(a in ("kms:Create*", "kms:*", "kms:CreateGrant") for a in as_list(st["Action"]))


def test_the_root_keeps_key_use_through_iam_policies_in_the_account(plan: Plan) -> None:
    for key in keys(plan):
        if key["inputs"].get("keyUsage") == "SIGN_VERIFY":
            continue  # the model signing key: see test_only_train_signs_and_the_model_loaders_verify
        use = statement(key, "KeyUseThroughIamPolicies")
        assert principals(use) == {ROOT}
        assert use["Condition"] == {"StringEquals": {"kms:CallerAccount": "123456789012"}}
        assert not any(a.startswith(("kms:Put", "kms:ScheduleKeyDeletion", "kms:Delete")) for a in use["Action"])


def test_only_train_signs_and_the_model_loaders_verify(plan: Plan) -> None:
    """The serve role, and where the guard tier is self-hosted (dev) the guard classifier's role, verify."""
    (key,) = [k for k in keys(plan) if k["inputs"].get("keyUsage") == "SIGN_VERIFY"]
    assert key["inputs"]["customerMasterKeySpec"] == "ECC_NIST_P256"
    sts = statements(policy(key))
    signers = {p for s in sts if "kms:Sign" in as_list(s["Action"]) for p in principals(s)}
    verifiers = {p for s in sts if "kms:Verify" in as_list(s["Action"]) for p in principals(s)}
    prefix = f"arn:aws:iam::123456789012:role/genai-{plan['stack']}"
    assert len(signers) == 1 and next(iter(signers)).startswith(f"{prefix}-train-role"), signers
    loaders = ("serve", "guard-classifier") if plan["stack"] == "dev" else ("serve",)
    assert sorted(v.removeprefix(prefix + "-").rsplit("-role-", 1)[0] for v in verifiers) == sorted(loaders)
    assert not any(s["Sid"] == "KeyUseThroughIamPolicies" for s in sts)
    assert all("kms:*" not in as_list(s["Action"]) for s in sts)
