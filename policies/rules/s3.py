"""S3: in pulumi-aws v7 a bucket's settings are separate resources, so these are stack rules that
join them to the bucket through property dependencies (e.g. ``BucketVersioning.bucket``)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, StackValidationPolicy

from ._common import (
    CIS_AWS,
    CRITICAL,
    HIGH,
    MEDIUM,
    OWASP_LLM,
    Meta,
    Stack,
    as_list,
    dig,
    parse_document,
    stack_rule,
    tags_of,
    to_plain,
    truthy,
)
from ._predicates import denies_insecure_transport

BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")

Violations = Iterator[tuple[str | None, str]]


def log_bucket_urns(stack: Stack) -> set[str]:
    """S3 server-access-log target buckets: they must use SSE-S3 (S3 cannot deliver access logs to
    SSE-KMS buckets) and need no classification or access logging of their own. CloudTrail buckets
    are not exempt: they hold audit data and get the full data-bucket treatment."""
    urns: set[str] = set()
    for logging in stack.of_type(LOGGING):
        urns.update(d.urn for d in logging.property_dependencies.get("targetBucket", []) if d.resource_type == BUCKET)
    return urns


def _buckets(stack: Stack) -> list[PolicyResource]:
    return stack.of_type(BUCKET)


def _encryption(stack: Stack) -> Violations:
    logs = log_bucket_urns(stack)
    for bucket in _buckets(stack):
        configs = stack.referencing(bucket, SSE, "bucket")
        # The deprecated inline shape: serverSideEncryptionConfiguration.rule (one rule).
        inline = as_list(dig(bucket.props, "serverSideEncryptionConfiguration", "rule"))
        if not configs and not inline:
            yield bucket.urn, f"Bucket '{bucket.name}' has no BucketServerSideEncryptionConfiguration."
            continue
        rules = [r for c in configs for r in as_list(c.props.get("rules"))] + inline
        algorithms = {dig(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") for r in rules}
        kms = any(
            dig(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") in ("aws:kms", "aws:kms:dsse")
            and dig(r, "applyServerSideEncryptionByDefault", "kmsMasterKeyId")
            for r in rules
        )
        if bucket.urn in logs:
            if not kms and "AES256" not in algorithms:
                yield bucket.urn, f"Log bucket '{bucket.name}' has no default encryption algorithm."
        elif not kms:
            yield (
                bucket.urn,
                (
                    f"Data bucket '{bucket.name}' is not encrypted with a customer-managed KMS key "
                    "(sseAlgorithm aws:kms with kmsMasterKeyId)."
                ),
            )


def _versioning(stack: Stack) -> Violations:
    for bucket in _buckets(stack):
        # pulumi-aws 7 still accepts the deprecated inline `versioning={"enabled": True}`.
        if truthy(dig(bucket.props, "versioning", "enabled")):
            continue
        configs = stack.referencing(bucket, VERSIONING, "bucket")
        if not any(dig(c.props, "versioningConfiguration", "status") == "Enabled" for c in configs):
            yield bucket.urn, f"Bucket '{bucket.name}' has no BucketVersioning with status Enabled."


def _public_access_block(stack: Stack) -> Violations:
    for bucket in _buckets(stack):
        blocks = stack.referencing(bucket, PAB, "bucket")
        if not blocks:
            yield bucket.urn, f"Bucket '{bucket.name}' has no BucketPublicAccessBlock."
            continue
        for block in blocks:
            off = [f for f in PAB_FLAGS if not truthy(block.props.get(f))]
            if off:
                yield bucket.urn, f"Bucket '{bucket.name}' public access block leaves {', '.join(off)} off."


def _ownership(stack: Stack) -> Violations:
    for bucket in _buckets(stack):
        controls = stack.referencing(bucket, OWNERSHIP, "bucket")
        if not any(dig(c.props, "rule", "objectOwnership") == "BucketOwnerEnforced" for c in controls):
            yield bucket.urn, f"Bucket '{bucket.name}' does not enforce BucketOwnerEnforced object ownership."


def _logging(stack: Stack) -> Violations:
    logs = log_bucket_urns(stack)
    for bucket in _buckets(stack):
        if bucket.urn in logs:
            continue
        if dig(bucket.props, "logging", "targetBucket") or any(
            dig(lg, "targetBucket") for lg in as_list(bucket.props.get("loggings"))
        ):
            continue
        if not any(lg.props.get("targetBucket") for lg in stack.referencing(bucket, LOGGING, "bucket")):
            yield bucket.urn, f"Data bucket '{bucket.name}' has no BucketLogging (server access logs)."


def _tls_only(stack: Stack) -> Violations:
    for bucket in _buckets(stack):
        documents = [p.props.get("policy") for p in stack.referencing(bucket, POLICY, "bucket")]
        documents.append(bucket.props.get("policy"))  # the deprecated inline bucket policy
        if not any(denies_insecure_transport(to_plain(d)) for d in documents):
            yield (
                bucket.urn,
                (
                    f"Bucket '{bucket.name}' has no bucket policy denying requests without TLS "
                    "(Deny s3:* when aws:SecureTransport is false)."
                ),
            )


def _classification(stack: Stack) -> Violations:
    logs = log_bucket_urns(stack)
    allowed = stack.config.strings("allowedClassifications")
    key = str(stack.config.get("classificationTag"))
    for bucket in _buckets(stack):
        if bucket.urn in logs:
            continue
        provider = bucket.provider.props if bucket.provider is not None else {}
        value = tags_of(bucket.props, provider).get(key)
        if value is None:
            yield bucket.urn, f"Data bucket '{bucket.name}' has no '{key}' tag."
        elif allowed and value not in allowed:
            yield bucket.urn, f"Data bucket '{bucket.name}' has '{key}={value}', not one of {allowed}."


def _public_policy(stack: Stack) -> Violations:
    for policy in stack.of_type(POLICY):
        for st in parse_document(policy.props.get("policy")) or []:
            if st.allows and "*" in st.principals and not st.has_condition:
                yield policy.urn, f"Bucket policy '{policy.name}' allows the anonymous principal '*'."


def policies() -> list[StackValidationPolicy]:
    return [
        stack_rule(
            Meta(
                "aws-s3-bucket-encryption",
                "S3 buckets are encrypted by default; data buckets with a customer-managed KMS key.",
                HIGH,
                (f"{OWASP_LLM}:LLM02",),
                "Add a BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm "
                "'aws:kms' and kmsMasterKeyId set to a customer-managed KMS key you control (log buckets: AES256).",
            ),
            _encryption,
        ),
        stack_rule(
            Meta(
                "aws-s3-bucket-versioning",
                "S3 buckets have versioning enabled.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM04",),
                "Add a BucketVersioning for the bucket with versioningConfiguration.status 'Enabled'.",
            ),
            _versioning,
        ),
        stack_rule(
            Meta(
                "aws-s3-bucket-public-access-block",
                "S3 buckets have a public access block with all four flags on.",
                CRITICAL,
                (f"{CIS_AWS}:2.1.4", f"{OWASP_LLM}:LLM02"),
                "Add a BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, "
                "ignorePublicAcls and restrictPublicBuckets all true.",
            ),
            _public_access_block,
        ),
        stack_rule(
            Meta(
                "aws-s3-bucket-ownership-enforced",
                "S3 buckets disable ACLs with BucketOwnerEnforced object ownership.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM02",),
                "Add a BucketOwnershipControls for the bucket with rule.objectOwnership 'BucketOwnerEnforced'.",
            ),
            _ownership,
        ),
        stack_rule(
            Meta(
                "aws-s3-bucket-logging",
                "Data buckets have server access logging.",
                MEDIUM,
                (f"{CIS_AWS}:3.4",),
                "Add a BucketLogging for the bucket with a targetBucket (an SSE-S3 log bucket).",
            ),
            _logging,
        ),
        stack_rule(
            Meta(
                "aws-s3-bucket-tls-only",
                "S3 buckets deny requests that do not use TLS.",
                HIGH,
                (f"{CIS_AWS}:2.1.1",),
                "Attach a BucketPolicy with a Deny statement for Principal '*' on s3:* when "
                "aws:SecureTransport is false.",
            ),
            _tls_only,
        ),
        stack_rule(
            Meta(
                "aws-s3-bucket-classification",
                "Data buckets carry a data-classification tag with an allowed value.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM02",),
                "Tag the bucket with DataClassification (e.g. 'confidential', 'restricted').",
                {
                    "classificationTag": {"type": "string", "default": "DataClassification"},
                    "allowedClassifications": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["public", "internal", "confidential", "restricted"],
                    },
                },
            ),
            _classification,
        ),
        stack_rule(
            Meta(
                "aws-s3-bucket-policy-no-public-principal",
                "S3 bucket policies do not allow the anonymous principal without conditions.",
                CRITICAL,
                (f"{CIS_AWS}:2.1.4", f"{OWASP_LLM}:LLM02"),
                "Remove Allow statements with Principal '*' or scope them with a Condition.",
            ),
            _public_policy,
        ),
    ]
