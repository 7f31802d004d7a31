"""The state bucket policy: each role reaches only its own stacks' state (review N6)."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest

from stacks.state_backend import default_principals, state_bucket_policy

ACCOUNT = "246813579024"
BUCKET = "acme-pulumi-state"
PREVIEW = f"arn:aws:iam::{ACCOUNT}:role/genai-preview"
DEV_RUNNER = f"arn:aws:iam::{ACCOUNT}:role/genai-dev-cluster-deploy-runner-20261206abc"
PROD_RUNNER = f"arn:aws:iam::{ACCOUNT}:role/genai-prod-cluster-deploy-runner-20261206def"
POLICY = state_bucket_policy(BUCKET, default_principals(ACCOUNT, "eu-west-1", PREVIEW))


def denied(principal: str, action: str, key: str, policy: dict[str, Any] = POLICY) -> bool:
    """Whether a Deny statement of the policy applies (the statements use only these elements)."""
    arn = f"arn:aws:s3:::{BUCKET}/{key}"
    for s in policy["Statement"]:
        actions = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
        if s["Effect"] != "Deny" or not any(fnmatch.fnmatchcase(action, a.replace("s3:*", "s3:*")) for a in actions):
            continue
        who = s["Condition"].get("ArnLike", {}).get("aws:PrincipalArn")
        if who is None or not fnmatch.fnmatchcase(principal, who):
            continue
        if not any(fnmatch.fnmatchcase(arn, r) for r in s["NotResource"]):
            return True
    return False


PLATFORM_PROD = ".pulumi/stacks/genai-platform/prod.json"
PLATFORM_DEV = ".pulumi/stacks/genai-platform/dev.json"
ACCOUNT_STACK = ".pulumi/stacks/genai-account/eu-west-1.json"


@pytest.mark.parametrize(
    "key", [PLATFORM_PROD, ".pulumi/stacks/genai-cluster/prod.json", ".pulumi/history/genai-platform/prod/x.json"]
)
def test_preview_role_cannot_read_prod_state(key: str) -> None:
    assert denied(PREVIEW, "s3:GetObject", key)


def test_preview_role_reads_what_it_previews_and_writes_nothing() -> None:
    for key in (PLATFORM_DEV, ACCOUNT_STACK, ".pulumi/meta.yaml"):
        assert not denied(PREVIEW, "s3:GetObject", key), key
        assert denied(PREVIEW, "s3:PutObject", key), key


def test_dev_runner_cannot_read_or_write_prod_state() -> None:
    assert denied(DEV_RUNNER, "s3:GetObject", PLATFORM_PROD)
    assert denied(DEV_RUNNER, "s3:PutObject", ".pulumi/stacks/genai-cluster/prod.json")
    assert not denied(DEV_RUNNER, "s3:GetObject", PLATFORM_DEV)
    assert denied(DEV_RUNNER, "s3:PutObject", PLATFORM_DEV), "the runner never writes the platform stack"
    for key in (".pulumi/stacks/genai-cluster/dev.json", ".pulumi/locks/genai-cluster/dev/1.json"):
        assert not denied(DEV_RUNNER, "s3:PutObject", key), key


def test_prod_runner_reaches_prod_only() -> None:
    assert not denied(PROD_RUNNER, "s3:PutObject", ".pulumi/stacks/genai-cluster/prod.json")
    assert denied(PROD_RUNNER, "s3:GetObject", PLATFORM_DEV)


def test_other_principals_are_not_restricted_and_tls_is_required() -> None:
    deployer = f"arn:aws:iam::{ACCOUNT}:role/genai-deploy"
    assert not denied(deployer, "s3:GetObject", PLATFORM_PROD)
    (tls,) = [s for s in POLICY["Statement"] if s["Sid"] == "DenyInsecureTransport"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_without_a_preview_role_only_runners_are_listed() -> None:
    policy = state_bucket_policy(BUCKET, default_principals(ACCOUNT, "eu-west-1", None))
    assert not any(PREVIEW in str(s) for s in policy["Statement"])


def test_policy_is_valid_against_the_iam_reference() -> None:
    from infra.contracts.validate import validate_document

    assert list(validate_document(POLICY, resource_policy=True)) == []


def test_cli_prints_the_policy_and_rejects_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from infra.cli import main

    assert main(["state-policy", "--bucket", BUCKET, "--account", ACCOUNT, "--preview-role-arn", PREVIEW]) == 0
    assert json.loads(capsys.readouterr().out) == POLICY
    assert main(["state-policy", "--bucket", "Bad_Bucket", "--account", "12"]) == 2
    err = capsys.readouterr().err
    assert "--bucket: 'Bad_Bucket' is invalid" in err and "--account: '12' is invalid; expected 12 digits" in err
    assert "Traceback" not in err
