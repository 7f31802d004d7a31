"""The audit's table of which CMK encrypts what agrees with what the stacks build."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from infra.audit.checks import FAIL, expected_key_alias, run_audit
from tests.conftest import Plan, resources

REGION = "eu-west-1"


def key_aliases(plan: Plan) -> dict[str, str]:
    """Key ARN -> its alias, from the plan."""
    by_id = {r["outputs"]["keyId"]: r["outputs"]["arn"] for r in resources(plan, "aws:kms/key:Key")}
    return {by_id[a["inputs"]["targetKeyId"]]: a["inputs"]["name"] for a in resources(plan, "aws:kms/alias:Alias")}


def owners(plan: Plan) -> list[tuple[str, str, str]]:
    """(kind, subject, key ARN) for every resource the audit checks the key of."""
    found: list[tuple[str, str, str]] = []
    purposes = {
        r["outputs"].get("bucket", r["id"]): r["inputs"]["tags"].get("Purpose", "")
        for r in resources(plan, "aws:s3/bucket:Bucket")
    }
    for sse in resources(
        plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ):
        key = sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"].get("kmsMasterKeyId")
        if key:
            found.append(("bucket", purposes[sse["inputs"]["bucket"]], key))
    for trail in resources(plan, "aws:cloudtrail/trail:Trail"):
        found.append(("trail", trail["inputs"]["name"], trail["inputs"]["kmsKeyId"]))
    for secret in resources(plan, "aws:secretsmanager/secret:Secret"):
        found.append(("secret", secret["inputs"]["name"], secret["inputs"]["kmsKeyId"]))
    for cluster in resources(plan, "aws:eks/cluster:Cluster"):
        found.append(
            ("eks-cluster", cluster["inputs"]["name"], cluster["inputs"]["encryptionConfig"]["provider"]["keyArn"])
        )
    for group in resources(plan, "aws:cloudwatch/logGroup:LogGroup"):
        if group["inputs"].get("kmsKeyId"):
            found.append(("log-group", group["inputs"]["name"], group["inputs"]["kmsKeyId"]))
    return found


def test_every_audited_resource_has_its_own_key_in_the_table(plan: Plan) -> None:
    aliases = key_aliases(plan)
    checked = owners(plan)
    assert {kind for kind, _, _ in checked} >= {"bucket", "trail", "secret", "eks-cluster", "log-group"}
    wrong = [
        (kind, subject, aliases.get(key), expected_key_alias(plan["stack"], kind, subject))
        for kind, subject, key in checked
        if expected_key_alias(plan["stack"], kind, subject) not in (None, aliases.get(key))
    ]
    assert wrong == []
    unowned = [
        (kind, subject) for kind, subject, _ in checked if expected_key_alias(plan["stack"], kind, subject) is None
    ]
    # Only log groups outside the audited prefixes may have no owner in the table.
    assert all(kind == "log-group" for kind, _ in unowned), unowned


MOVES: list[tuple[str, str, str]] = [
    ("bucket", "s3.encryption", "datalake-curated"),
    ("trail", "cloudtrail.kms", "datalake-raw"),
    ("secret", "secretsmanager.kms", "edge-logs"),
    ("log-group", "logs.kms", "operations"),
]


@pytest.mark.parametrize(("what", "check", "other"), MOVES, ids=[m[0] for m in MOVES])
def test_a_resource_moved_to_another_platform_key_fails(
    account: dict[str, Any], what: str, check: str, other: str
) -> None:
    from infra.audit.api import Aws
    from infra.audit.cli import load_settings

    key = account["keys"][other]
    if what == "bucket":
        boto3.client("s3", region_name=REGION).put_bucket_encryption(
            Bucket=account["raw"],
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]
            },
        )
    elif what == "trail":
        boto3.client("cloudtrail", region_name=REGION).update_trail(Name="genai-dev-trail", KmsKeyId=key)
    elif what == "secret":
        boto3.client("secretsmanager", region_name=REGION).update_secret(SecretId=account["secret"], KmsKeyId=key)
    else:
        # moto has no associate_kms_key: a new filter log group on the operations key instead.
        boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/aws/lambda/genai-dev-x", kmsKeyId=key)
    bad = [r for r in run_audit(Aws(REGION, max_attempts=1), load_settings("dev", None)) if r.status != "pass"]
    assert [(r.check, r.status) for r in bad] == [(check, FAIL)], bad
    assert "expected alias/genai-dev-" in bad[0].detail
