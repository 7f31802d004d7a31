"""What each data-plane role can actually do: its workload's S3 and KMS calls, replayed against the
role's policy, the bucket policy and the key policy in the plan (`iam_model`), in the order the SDK
makes them. A multipart upload is CreateMultipartUpload (tags), UploadPart…, CompleteMultipartUpload,
all authorised as `s3:PutObject` (boto/boto3#2675)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.components.iam_model import Call, decide
from tests.components.test_data_lake import bucket, kms_key_arn, one, role_policy, role_trust
from tests.conftest import Plan, policy, resources

ACCOUNT = "123456789012"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
TLS = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
VIA_S3 = {"kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": ACCOUNT}
WRITERS = {"ingest": "raw", "prepare": "curated", "train": "models"}
READERS = {"prepare": "raw", "train": "curated", "serve": "models"}
SCANNED_CLEAN = {"s3:ExistingObjectTag/scan_status": "clean"}  # ignored by readers not gated on it


def tags(**pairs: str) -> dict[str, Any]:
    """The condition keys of a request that sends `x-amz-tagging`."""
    return {
        **TLS,
        "s3:RequestObjectTagKeys": list(pairs),
        **{f"s3:RequestObjectTag/{key}": value for key, value in pairs.items()},
    }


def role_arn(plan: Plan, stage: str) -> str:
    role = next(r for r in resources(plan, "aws:iam/role:Role") if r["name"] == f"genai-{plan['stack']}-{stage}-role")
    arn: str = role["outputs"]["arn"]
    return arn


def key_policy(plan: Plan, purpose: str) -> dict[str, Any]:
    key = next(k for k in resources(plan, "aws:kms/key:Key") if k["name"].endswith(f"datalake-{purpose}-key"))
    return policy(key)


def s3(plan: Plan, stage: str, purpose: str, call: Call) -> str:
    documents = [
        {"Statement": role_policy(plan, stage)},
        policy(one(plan, "aws:s3/bucketPolicy:BucketPolicy", purpose)),
    ]
    return decide(documents, call, principal=role_arn(plan, stage))


def kms(plan: Plan, stage: str, purpose: str, call: Call) -> str:
    """A key policy either names the caller or delegates to IAM policies through the account root."""
    key_doc = key_policy(plan, purpose)
    direct = decide([key_doc], call, principal=role_arn(plan, stage))
    if direct != "ImplicitDeny":
        return direct
    delegated = decide([key_doc], call, principal=ROOT) == "Allow"
    return decide([{"Statement": role_policy(plan, stage)}], call) if delegated else "ImplicitDeny"


def objects(plan: Plan, purpose: str, key: str) -> str:
    return f"{bucket(plan, purpose)['outputs']['arn']}/{key}"


@pytest.mark.parametrize("encryption_headers", [False, True], ids=["bucket-default", "own-key-named"])
@pytest.mark.parametrize(("stage", "purpose"), WRITERS.items())
def test_writers_complete_a_multipart_upload_of_a_tagged_object(
    plan: Plan, stage: str, purpose: str, encryption_headers: bool
) -> None:
    obj = objects(plan, purpose, "datasets/corpus/part-0000.parquet")
    key = kms_key_arn(plan, purpose)
    create = tags(data_classification="confidential")
    if encryption_headers:
        create |= {"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": key}
    calls = [
        ("s3", Call("CreateMultipartUpload", "s3:PutObject", obj, create)),
        ("kms", Call("GenerateDataKey for CreateMultipartUpload", "kms:GenerateDataKey", key, VIA_S3)),
        ("s3", Call("UploadPart 1", "s3:PutObject", obj, TLS)),
        ("kms", Call("Decrypt for UploadPart", "kms:Decrypt", key, VIA_S3)),
        ("s3", Call("UploadPart 2", "s3:PutObject", obj, TLS)),
        ("s3", Call("CompleteMultipartUpload", "s3:PutObject", obj, TLS)),
        ("s3", Call("AbortMultipartUpload (a failed upload)", "s3:AbortMultipartUpload", obj, TLS)),
    ]
    decisions = {call.name: (s3 if kind == "s3" else kms)(plan, stage, purpose, call) for kind, call in calls}
    assert decisions == {call.name: "Allow" for _, call in calls}


@pytest.mark.parametrize(("stage", "purpose"), WRITERS.items())
def test_writers_put_a_tagged_object(plan: Plan, stage: str, purpose: str) -> None:
    obj = objects(plan, purpose, "small.json")
    put = Call("PutObject", "s3:PutObject", obj, tags(data_classification="internal", source="crawler"))
    assert s3(plan, stage, purpose, put) == "Allow"


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({}, True),
        ({"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "OWN"}, True),
        ({"s3:x-amz-server-side-encryption": "aws:kms"}, False),
        (
            {"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "OTHER"},
            False,
        ),
        ({"s3:x-amz-server-side-encryption": "AES256"}, False),
    ],
    ids=["bucket-default", "own-key", "aws-managed-key", "other-key", "sse-s3"],
)
def test_puts_get_the_buckets_key_or_none_named(plan: Plan, headers: dict[str, str], allowed: bool) -> None:
    """No header means the bucket default (its CMK); a header may only name that CMK."""
    keys = {"OWN": kms_key_arn(plan, "raw"), "OTHER": kms_key_arn(plan, "curated")}
    context = {name: keys.get(value, value) for name, value in headers.items()}
    put = Call(
        "PutObject", "s3:PutObject", objects(plan, "raw", "x.json"), {**tags(data_classification="public"), **context}
    )
    assert (s3(plan, "ingest", "raw", put) == "Allow") is allowed


def test_s3_delivers_server_access_logs(plan: Plan) -> None:
    """Log delivery sends no encryption header; the log bucket's default (SSE-S3) applies."""
    log_bucket = bucket(plan, "access-logs")["outputs"]["arn"]
    delivery = Call(
        "PutObject (server access log)",
        "s3:PutObject",
        f"{log_bucket}/raw/2026-12-06-05-00-00-ABC",
        {**TLS, "aws:SourceAccount": ACCOUNT, "aws:SourceArn": bucket(plan, "raw")["outputs"]["arn"]},
    )
    document = policy(one(plan, "aws:s3/bucketPolicy:BucketPolicy", "access-logs"))
    assert decide([document], delivery, principal="logging.s3.amazonaws.com") == "Allow"


@pytest.mark.parametrize(
    "request_tags",
    [
        {"data_classification": "secret"},
        {"data_classification": "internal", "owner": "someone"},
        {"source": "crawler"},
    ],
    ids=["unknown-level", "unknown-tag-key", "tags-without-classification"],
)
@pytest.mark.parametrize(("stage", "purpose"), WRITERS.items())
def test_requests_that_tag_must_classify_validly(
    plan: Plan, stage: str, purpose: str, request_tags: dict[str, str]
) -> None:
    """PutObject and CreateMultipartUpload (both `s3:PutObject`) and PutObjectTagging."""
    obj = objects(plan, purpose, "x.json")
    for action in ("s3:PutObject", "s3:PutObjectTagging"):
        assert s3(plan, stage, purpose, Call(action, action, obj, tags(**request_tags))) != "Allow", action


@pytest.mark.parametrize(("stage", "purpose"), READERS.items())
def test_an_unclassified_object_is_readable_by_no_clearance(plan: Plan, stage: str, purpose: str) -> None:
    """IAM cannot tell an untagged PutObject from an UploadPart, so an untagged object can be written;
    it stays unreadable until a writer classifies it."""
    obj = objects(plan, purpose, "untagged.json")
    assert s3(plan, stage, purpose, Call("GetObject", "s3:GetObject", obj, TLS)) != "Allow"
    tagged = {**TLS, "s3:ExistingObjectTag/data_classification": "public", **SCANNED_CLEAN}
    assert s3(plan, stage, purpose, Call("GetObject", "s3:GetObject", obj, tagged)) == "Allow"


@pytest.mark.parametrize("status", [None, "flagged", "quarantined", "CLEAN"])
def test_prepare_reads_only_objects_the_scanner_tagged_clean(plan: Plan, status: str | None) -> None:
    obj = objects(plan, "raw", "doc.html")
    context = {**TLS, "s3:ExistingObjectTag/data_classification": "internal"}
    if status is not None:
        context["s3:ExistingObjectTag/scan_status"] = status
    for action in ("s3:GetObject", "s3:GetObjectVersion"):
        assert s3(plan, "prepare", "raw", Call(action, action, obj, context)) != "Allow", (action, status)
    clean = {**context, **SCANNED_CLEAN}
    assert s3(plan, "prepare", "raw", Call("GetObject", "s3:GetObject", obj, clean)) == "Allow"


@pytest.mark.parametrize("status", ["clean", "quarantined"])
def test_writers_cannot_set_the_scan_status(plan: Plan, status: str) -> None:
    obj = objects(plan, "raw", "doc.html")
    request = tags(data_classification="internal", scan_status=status)
    for action in ("s3:PutObject", "s3:PutObjectTagging"):
        assert s3(plan, "ingest", "raw", Call(action, action, obj, request)) != "Allow", action


@pytest.mark.parametrize(("stage", "purpose"), WRITERS.items())
def test_writers_classify_an_untagged_object_afterwards(plan: Plan, stage: str, purpose: str) -> None:
    obj = objects(plan, purpose, "untagged.json")
    classify = Call("PutObjectTagging", "s3:PutObjectTagging", obj, tags(data_classification="confidential"))
    assert s3(plan, stage, purpose, classify) == "Allow"


def cloudtrail_object(plan: Plan, name: str) -> str:
    return objects(plan, "audit", f"cloudtrail/AWSLogs/{ACCOUNT}/{name}")


@pytest.mark.parametrize(
    "name",
    [
        f"CloudTrail/eu-west-1/2026/12/06/{ACCOUNT}_CloudTrail_eu-west-1_20261206T0500Z_abc.json.gz",
        f"CloudTrail-Digest/eu-west-1/2026/12/06/{ACCOUNT}_CloudTrail-Digest_eu-west-1_trail_20261206T0500Z.json.gz",
    ],
)
def test_audit_reader_reads_the_untagged_files_cloudtrail_writes(plan: Plan, name: str) -> None:
    audit_bucket = bucket(plan, "audit")["outputs"]["arn"]
    listing = Call(
        "ListObjectsV2", "s3:ListBucket", audit_bucket, {**TLS, "s3:prefix": f"cloudtrail/AWSLogs/{ACCOUNT}/"}
    )
    get = Call("GetObject", "s3:GetObject", cloudtrail_object(plan, name), TLS)
    decrypt = Call("Decrypt through S3", "kms:Decrypt", kms_key_arn(plan, "audit"), VIA_S3)
    assert [
        s3(plan, "audit-reader", "audit", listing),
        s3(plan, "audit-reader", "audit", get),
        kms(plan, "audit-reader", "audit", decrypt),
    ] == ["Allow"] * 3


def test_audit_reader_reads_nothing_outside_the_trails_prefix(plan: Plan) -> None:
    get = Call("GetObject", "s3:GetObject", objects(plan, "audit", "elsewhere/x.json"), TLS)
    assert s3(plan, "audit-reader", "audit", get) != "Allow"


def test_only_the_trail_writes_under_the_cloudtrail_prefix(plan: Plan) -> None:
    document = policy(one(plan, "aws:s3/bucketPolicy:BucketPolicy", "audit"))
    writers = [s for s in document["Statement"] if s["Effect"] == "Allow" and "s3:PutObject" in json.dumps(s)]
    assert [s["Principal"] for s in writers] == [{"Service": "cloudtrail.amazonaws.com"}]


# --- who assumes the pipeline roles -----------------------------------------------------------------


def test_no_role_trusts_glue_since_no_glue_job_exists(plan: Plan) -> None:
    assert not [r for r in plan["resources"] if r["type"].startswith("aws:glue/")]
    trusts = [json.dumps(policy(r, "assumeRolePolicy")) for r in resources(plan, "aws:iam/role:Role")]
    assert not [t for t in trusts if "glue.amazonaws.com" in t]


@pytest.mark.parametrize("stage", ["ingest", "prepare"])
def test_ingest_and_prepare_run_as_pods(plan: Plan, stage: str) -> None:
    (trust,) = role_trust(plan, stage)
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
