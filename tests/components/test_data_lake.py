"""Data lake controls, asserted on the inputs the resources were registered with (dev and prod)."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest

from tests.conftest import Plan, Resource, as_list, attached_to, policy, resources, statements

DATA = ("raw", "curated", "models", "audit")
ALL = (*DATA, "access-logs")


def bucket(plan: Plan, purpose: str) -> Resource:
    found = [b for b in resources(plan, "aws:s3/bucket:Bucket") if b["name"].endswith(f"datalake-{purpose}-bucket")]
    assert len(found) == 1, purpose
    return found[0]


def one(plan: Plan, type_: str, purpose: str) -> Resource:
    found = attached_to(plan, type_, bucket(plan, purpose)["urn"])
    assert len(found) == 1, (type_, purpose)
    return found[0]


def kms_key_arn(plan: Plan, purpose: str) -> str:
    key = next(k for k in resources(plan, "aws:kms/key:Key") if k["name"].endswith(f"datalake-{purpose}-key"))
    arn: str = key["outputs"]["arn"]
    return arn


def bucket_statement(plan: Plan, purpose: str, sid: str) -> dict[str, Any]:
    document = policy(one(plan, "aws:s3/bucketPolicy:BucketPolicy", purpose))
    return next(s for s in statements(document) if s["Sid"] == sid)


def test_five_data_lake_buckets(plan: Plan) -> None:
    assert len([b for b in resources(plan, "aws:s3/bucket:Bucket") if "-datalake-" in b["name"]]) == 5


@pytest.mark.parametrize("purpose", ALL)
def test_public_access_block_has_all_four_flags(plan: Plan, purpose: str) -> None:
    block = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", purpose)["inputs"]
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert all(block.get(f) is True for f in flags)


@pytest.mark.parametrize("purpose", ALL)
def test_acls_are_off(plan: Plan, purpose: str) -> None:
    assert one(plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", purpose)["inputs"]["rule"] == {
        "objectOwnership": "BucketOwnerEnforced"
    }


@pytest.mark.parametrize("purpose", DATA)
def test_data_buckets_use_their_own_cmk_with_bucket_keys(plan: Plan, purpose: str) -> None:
    rule = one(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", purpose)[
        "inputs"
    ]["rules"][0]
    assert rule == {
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": kms_key_arn(plan, purpose)},
        "bucketKeyEnabled": True,
    }


def test_access_log_bucket_uses_sse_s3(plan: Plan) -> None:
    rule = one(
        plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "access-logs"
    )
    assert rule["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


@pytest.mark.parametrize("purpose", ALL)
def test_versioning_is_enabled(plan: Plan, purpose: str) -> None:
    versioning = one(plan, "aws:s3/bucketVersioning:BucketVersioning", purpose)["inputs"]
    assert versioning["versioningConfiguration"]["status"] == "Enabled"


@pytest.mark.parametrize("purpose", ALL)
def test_noncurrent_versions_expire(plan: Plan, purpose: str) -> None:
    rule = one(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", purpose)["inputs"]["rules"][0]
    assert rule["status"] == "Enabled" and rule["noncurrentVersionExpiration"]["noncurrentDays"] >= 1


@pytest.mark.parametrize("purpose", DATA)
def test_server_access_logs_go_to_the_log_bucket(plan: Plan, purpose: str) -> None:
    logging = one(plan, "aws:s3/bucketLogging:BucketLogging", purpose)
    assert logging["propertyDependencies"]["targetBucket"] == [bucket(plan, "access-logs")["urn"]]


def test_log_bucket_admits_s3_logging_service_only_from_this_account(plan: Plan) -> None:
    statement = bucket_statement(plan, "access-logs", "S3ServerAccessLogs")
    assert statement["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"


@pytest.mark.parametrize("purpose", ALL)
def test_policy_denies_requests_without_tls(plan: Plan, purpose: str) -> None:
    statement = bucket_statement(plan, purpose, "DenyInsecureTransport")
    assert (statement["Effect"], statement["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})


@pytest.mark.parametrize("purpose", ALL)
def test_policy_denies_tls_older_than_1_2(plan: Plan, purpose: str) -> None:
    statement = bucket_statement(plan, purpose, "DenyOutdatedTls")
    assert (statement["Effect"], statement["Condition"]) == ("Deny", {"NumericLessThan": {"s3:TlsVersion": "1.2"}})


@pytest.mark.parametrize("purpose", DATA)
def test_policy_denies_puts_with_another_key(plan: Plan, purpose: str) -> None:
    statement = bucket_statement(plan, purpose, "DenyOtherKmsKey")
    key_id = "s3:x-amz-server-side-encryption-aws-kms-key-id"
    assert (statement["Effect"], statement["Condition"]) == (
        "Deny",
        {"StringNotEquals": {key_id: kms_key_arn(plan, purpose)}, "Null": {key_id: "false"}},
    )


@pytest.mark.parametrize("purpose", DATA)
def test_policy_denies_puts_without_sse_kms(plan: Plan, purpose: str) -> None:
    statement = bucket_statement(plan, purpose, "DenyOtherEncryption")
    sse = "s3:x-amz-server-side-encryption"
    assert statement["Condition"] == {"StringNotEquals": {sse: "aws:kms"}, "Null": {sse: "false"}}


@pytest.mark.parametrize("purpose", DATA)
def test_policy_denies_sse_kms_with_the_aws_managed_key(plan: Plan, purpose: str) -> None:
    statement = bucket_statement(plan, purpose, "DenyAwsManagedKmsKey")
    assert statement["Condition"] == {
        "Null": {"s3:x-amz-server-side-encryption": "false", "s3:x-amz-server-side-encryption-aws-kms-key-id": "true"}
    }


@pytest.mark.parametrize(
    ("purpose", "level"),
    [
        ("raw", "confidential"),
        ("curated", "confidential"),
        ("models", "internal"),
        ("audit", "restricted"),
        ("access-logs", "internal"),
    ],
)
def test_buckets_carry_their_classification(plan: Plan, purpose: str, level: str) -> None:
    assert bucket(plan, purpose)["inputs"]["tags"]["DataClassification"] == level


@pytest.mark.parametrize("purpose", ["models", "audit"])
def test_prod_locks_models_and_audit_in_governance_mode(prod_plan: Plan, purpose: str) -> None:
    lock = one(prod_plan, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", purpose)["inputs"]
    assert lock["rule"]["defaultRetention"] == {"mode": "GOVERNANCE", "days": 365}
    assert bucket(prod_plan, purpose)["inputs"]["objectLockEnabled"] is True


def test_dev_has_no_object_lock(dev_plan: Plan) -> None:
    assert resources(dev_plan, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration") == []


def test_prod_protects_and_retains_buckets(prod_plan: Plan) -> None:
    buckets = resources(prod_plan, "aws:s3/bucket:Bucket")
    # five lake buckets, the function artifacts, the deploy runner's sources, the quarantine
    assert len(buckets) == 8 and all(b["protect"] and b["retainOnDelete"] for b in buckets)


def test_prod_never_force_destroys(prod_plan: Plan) -> None:
    assert not any(b["inputs"].get("forceDestroy") for b in resources(prod_plan, "aws:s3/bucket:Bucket"))


def test_audit_bucket_admits_only_the_platform_trail(plan: Plan) -> None:
    statement = bucket_statement(plan, "audit", "CloudTrailWrite")
    trail = f"arn:aws:cloudtrail:eu-west-1:123456789012:trail/genai-{plan['stack']}-trail"
    assert statement["Condition"]["StringEquals"]["aws:SourceArn"] == trail
    assert statement["Resource"].endswith("/cloudtrail/AWSLogs/123456789012/*")


# --- keys -------------------------------------------------------------------------------------------


def test_keys_rotate(plan: Plan) -> None:
    """Symmetric keys rotate; KMS cannot rotate asymmetric ones (the model signing key)."""
    keys = resources(plan, "aws:kms/key:Key")
    symmetric = [k for k in keys if k["inputs"].get("keyUsage") != "SIGN_VERIFY"]
    assert len(symmetric) == len(keys) - 1
    assert all(k["inputs"]["enableKeyRotation"] is True for k in symmetric)


def test_prod_keys_have_a_30_day_deletion_window(prod_plan: Plan) -> None:
    assert {k["inputs"]["deletionWindowInDays"] for k in resources(prod_plan, "aws:kms/key:Key")} == {30}


def test_key_administrators_cannot_use_the_key(plan: Plan) -> None:
    for key in resources(plan, "aws:kms/key:Key"):
        admin = next(s for s in statements(policy(key)) if s["Sid"] == "KeyAdministration")
        actions = as_list(admin["Action"])
        assert not any(
            fnmatch.fnmatch(use, pattern)
            for use in ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")
            for pattern in actions
        ), key["name"]


def test_no_key_policy_grants_kms_star_to_anyone(plan: Plan) -> None:
    for key in resources(plan, "aws:kms/key:Key"):
        for s in statements(policy(key)):
            assert "kms:*" not in as_list(s["Action"]) and s.get("Principal") != "*", key["name"]


# --- pipeline roles ---------------------------------------------------------------------------------


def role_policy(plan: Plan, stage: str) -> list[dict[str, Any]]:
    found = [
        p
        for p in resources(plan, "aws:iam/rolePolicy:RolePolicy")
        if p["name"] == f"genai-{plan['stack']}-{stage}-access"
    ]
    assert len(found) == 1, stage
    return statements(policy(found[0]))


def role_trust(plan: Plan, stage: str) -> list[dict[str, Any]]:
    role = next(r for r in resources(plan, "aws:iam/role:Role") if r["name"] == f"genai-{plan['stack']}-{stage}-role")
    return statements(policy(role, "assumeRolePolicy"))


STAGES = ("ingest", "prepare", "train", "serve", "audit-reader")


@pytest.mark.parametrize("stage", STAGES)
def test_roles_have_no_wildcard_actions(plan: Plan, stage: str) -> None:
    actions = [a for s in role_policy(plan, stage) if s["Effect"] == "Allow" for a in as_list(s["Action"])]
    assert actions and not any(a == "*" or a.endswith(":*") for a in actions)


@pytest.mark.parametrize("stage", STAGES)
def test_roles_have_no_wildcard_resources_for_data_actions(plan: Plan, stage: str) -> None:
    for s in role_policy(plan, stage):
        if s["Effect"] == "Allow":
            assert "*" not in as_list(s["Resource"]), s["Sid"]


@pytest.mark.parametrize("stage", STAGES)
def test_roles_explicitly_deny_deletes_and_policy_changes(plan: Plan, stage: str) -> None:
    deny = next(s for s in role_policy(plan, stage) if s["Sid"] == "DenyDestructiveS3")
    assert deny["Effect"] == "Deny" and {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutBucketPolicy"} <= set(
        deny["Action"]
    )


@pytest.mark.parametrize("stage", STAGES)
def test_trust_is_scoped_to_named_principals(plan: Plan, stage: str) -> None:
    for s in role_trust(plan, stage):
        principal = s["Principal"]
        assert principal != "*" and "*" not in as_list(principal.get("AWS", [])), stage


@pytest.mark.parametrize(
    ("stage", "writes", "reads"),
    [
        ("ingest", {"raw"}, set()),
        ("prepare", {"curated"}, {"raw"}),
        ("train", {"models"}, {"curated"}),
        ("serve", set(), {"models"}),
        ("audit-reader", set(), {"audit"}),
    ],
)
def test_each_stage_touches_only_its_buckets(plan: Plan, stage: str, writes: set[str], reads: set[str]) -> None:
    def buckets_for(*sids: str) -> set[str]:
        found = set()
        for s in role_policy(plan, stage):
            if s["Sid"].startswith(sids):
                for arn in as_list(s["Resource"]):
                    found |= {p for p in DATA if f"datalake-{p}-bucket" in arn}
        return found

    written = buckets_for("WriteClassifiedObjects", "WriteUntaggedRequests")
    assert (written, buckets_for("ReadClassifiedObjects", "ReadCloudTrailLogs")) == (writes, reads)


def test_writers_must_tag_objects_with_a_valid_classification(plan: Plan) -> None:
    write = next(s for s in role_policy(plan, "ingest") if s["Sid"] == "WriteClassifiedObjects")
    assert write["Condition"]["StringEquals"] == {
        "s3:RequestObjectTag/data_classification": ["public", "internal", "confidential", "restricted"]
    }


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [
        ("serve", ["public", "internal"]),
        ("train", ["public", "internal", "confidential"]),
        ("prepare", ["public", "internal", "confidential", "restricted"]),
    ],
)
def test_readers_see_only_objects_at_or_below_their_clearance(plan: Plan, stage: str, allowed: list[str]) -> None:
    read = next(s for s in role_policy(plan, stage) if s["Sid"] == "ReadClassifiedObjects")
    gate = {"s3:ExistingObjectTag/scan_status": "clean"} if stage == "prepare" else {}  # the promotion gate
    assert read["Condition"]["StringEquals"] == {"s3:ExistingObjectTag/data_classification": allowed, **gate}


def test_kms_use_is_only_through_s3(plan: Plan) -> None:
    for stage in STAGES:
        for s in role_policy(plan, stage):
            if any(a.startswith("kms:") for a in as_list(s["Action"])):
                assert as_list(s["Condition"]["StringEquals"]["kms:ViaService"]) == ["s3.eu-west-1.amazonaws.com"]


# --- provider and tags ------------------------------------------------------------------------------


def test_every_aws_resource_uses_the_tagging_provider(plan: Plan) -> None:
    provider = resources(plan, "pulumi:providers:aws")
    assert len(provider) == 1
    reference = f"{provider[0]['urn']}::{provider[0]['id']}"
    aws_resources = [r for r in plan["resources"] if r["type"].startswith("aws:")]
    assert aws_resources and all(r["provider"] == reference for r in aws_resources)


def test_provider_default_tags(plan: Plan) -> None:
    tags = resources(plan, "pulumi:providers:aws")[0]["inputs"]["defaultTags"]
    tags = tags if isinstance(tags, dict) else __import__("json").loads(tags)
    assert {"Project", "Environment", "Owner", "CostCenter"} <= set(tags["tags"])
    assert tags["tags"]["Environment"] == plan["stack"]


def test_log_bucket_accepts_logs_only_from_platform_buckets(plan: Plan) -> None:
    statement = bucket_statement(plan, "access-logs", "S3ServerAccessLogs")
    (source,) = as_list(statement["Condition"]["ArnLike"]["aws:SourceArn"])
    assert source == f"arn:aws:s3:::genai-{plan['stack']}-*"
    data_buckets = [b for b in resources(plan, "aws:s3/bucket:Bucket") if "access-logs" not in b["name"]]
    assert all(fnmatch.fnmatch(b["outputs"]["arn"], source) for b in data_buckets)
