"""Key administrator roles: validated ARNs, the account-root fallback in dev, at least one role in prod."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stacks.settings import MAX_KEY_ADMINISTRATORS, SettingsError, settings_from_config
from stacks.stack_config import find_project_file, read_stack_config

KEY = "genai-platform:kms.keyAdministratorRoleArns"
ADMIN = "arn:aws:iam::123456789012:role/kms-key-admin"
EMAILS = {"genai-platform:monitoring": {"alarmEmails": ["secops@example.com"]}}
ROOT = Path(__file__).resolve().parents[2]


def config(roles: Any, stack: str = "dev") -> dict[str, Any]:
    base = dict(EMAILS) if stack == "prod" else {}
    return {**base, "genai-platform:kms": {"keyAdministratorRoleArns": roles}}


def problems(cfg: dict[str, Any], stack: str = "dev") -> list[str]:
    with pytest.raises(SettingsError) as err:
        settings_from_config(cfg, stack)
    return err.value.problems


def test_dev_defaults_to_no_roles_so_the_account_root_administers() -> None:
    assert settings_from_config({}, "dev").kms.key_administrator_role_arns == ()


def test_roles_are_kept_in_order() -> None:
    other = "arn:aws:iam::123456789012:role/platform/break-glass"
    s = settings_from_config(config([ADMIN, other]), "dev")
    assert s.kms.key_administrator_role_arns == (ADMIN, other)


def test_prod_with_a_role_loads() -> None:
    assert settings_from_config(config([ADMIN], "prod"), "prod").kms.key_administrator_role_arns == (ADMIN,)


@pytest.mark.parametrize("cfg", [EMAILS, config([], "prod")], ids=["unset", "empty"])
def test_prod_without_a_role_is_refused(cfg: dict[str, Any]) -> None:
    found = problems(cfg, "prod")
    assert found == [
        f"{KEY}: [] is invalid; prod names at least one key administrator role; the account-root fallback "
        "(any principal whose IAM policies allow key management) is for dev only"
    ]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("arn:aws:iam::123456789012:user/alice", "expected an IAM role ARN such as arn:aws:iam::123456789012:role/"),
        ("arn:aws:iam::12345:role/kms-key-admin", "expected an IAM role ARN"),
        ("kms-key-admin", "expected an IAM role ARN"),
        ("arn:aws:sts::123456789012:assumed-role/kms-key-admin/alice", "expected an IAM role ARN"),
        ("arn:aws:iam::123456789012:root", "name IAM roles, not the account root"),
        (
            "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            "a service-linked role cannot administer keys",
        ),
    ],
)
def test_each_bad_arn_is_named_with_what_is_allowed(value: str, hint: str) -> None:
    found = problems(config([ADMIN, value]))
    assert len(found) == 1 and found[0].startswith(f'{KEY}: "{value}" is invalid; '), found
    assert hint in found[0], found


def test_duplicates_are_refused() -> None:
    (found,) = problems(config([ADMIN, ADMIN]))
    assert found.startswith(f"{KEY}: ") and found.endswith("role ARNs must be unique")


def test_at_most_ten_roles() -> None:
    roles = [f"arn:aws:iam::123456789012:role/admin-{i}" for i in range(MAX_KEY_ADMINISTRATORS + 1)]
    (found,) = problems(config(roles))
    assert f"at most {MAX_KEY_ADMINISTRATORS} roles" in found


def test_not_a_list_is_refused() -> None:
    (found,) = problems(config(ADMIN))
    assert found == f'{KEY}: "{ADMIN}" is invalid; expected a list of strings'


def test_unknown_kms_key_is_an_error() -> None:
    found = problems({"genai-platform:kms": {"keyAdmins": [ADMIN]}})
    assert any(p.startswith("genai-platform:kms.keyAdmins: unknown setting") for p in found), found


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_committed_stack_files_pass_validation(stack: str) -> None:
    """Pulumi.prod.yaml carries a placeholder role in the required shape; dev relies on the root fallback."""
    cfg, _ = read_stack_config(find_project_file(ROOT), stack, required=True)
    roles = settings_from_config(cfg, stack).kms.key_administrator_role_arns
    assert (len(roles) >= 1) if stack == "prod" else roles == ()


def test_ten_roles_plus_the_deploy_role_are_too_many() -> None:
    roles = [f"arn:aws:iam::246813579024:role/admin-{i}" for i in range(MAX_KEY_ADMINISTRATORS)]
    deploy = {"genai-platform:deploy": {"roleArn": "arn:aws:iam::246813579024:role/deploy"}}
    (found,) = problems({**config(roles), **deploy})
    assert found.startswith(f"{KEY}: ") and "deploy.roleArn is added" in found
    # the deploy role already among them adds nothing
    settings_from_config({**config([*roles[:-1], deploy["genai-platform:deploy"]["roleArn"]]), **deploy}, "dev")


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("arn:aws:iam::246813579024:root", "not the account root"),
        (
            "arn:aws:iam::246813579024:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
            "service-linked",
        ),
        ("deploy", "expected an IAM role ARN"),
        (42, "expected an IAM role ARN"),
    ],
)
def test_deploy_role_must_be_an_assumable_role(value: Any, hint: str) -> None:
    (found,) = problems({"genai-platform:deploy": {"roleArn": value}})
    assert found.startswith("genai-platform:deploy.roleArn: ") and hint in found, found
