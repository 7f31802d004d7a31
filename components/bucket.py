"""One S3 bucket with every control the platform requires, on by default."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import (
    S3_OBJECT_READ_ACTIONS,
    S3_OBJECT_WRITE_ACTIONS,
    Condition,
    Grant,
    policy_document,
)
from components.kms import EncryptionKey

CLASSIFICATION_TAG = "data_classification"
# Ordered from least to most sensitive: a clearance reads its own level and everything below it.
CLASSIFICATION_LEVELS = ("public", "internal", "confidential", "restricted")
# written only by the ingestion scanner (writers may not set it: OBJECT_TAG_KEYS); the promotion gate
SCAN_STATUS_TAG = "scan_status"
SCANNER_VERSION_TAG = "scanner_version"
# The tag keys the scanner's verdict sets (genai_ingest.pipeline), next to the writer's own.
VERDICT_TAG_KEYS = (CLASSIFICATION_TAG, SCAN_STATUS_TAG, SCANNER_VERSION_TAG)
# The only tag keys a writer may set on an object.
OBJECT_TAG_KEYS = (CLASSIFICATION_TAG, "source", "dataset")
# Where a trail delivers its log and digest files (`AWSLogs/<account>/…` below it).
CLOUDTRAIL_PREFIX = "cloudtrail/"


@dataclass
class SecureBucketArgs:
    purpose: str
    classification: str
    key: EncryptionKey | None
    """The bucket's CMK. `None` only for the access-log bucket: S3 server access logs need SSE-S3."""
    log_bucket: aws.s3.Bucket | None
    """Where server access logs go; `None` only for the access-log bucket itself."""
    account_id: pulumi.Input[str]
    region: str
    noncurrent_version_expiration_days: int
    force_destroy: bool = False
    protect: bool = False
    object_lock_retention_days: int | None = None
    transition_to_ia_days: int | None = None
    expiration_days: int | None = None
    accepts_access_logs_from: Sequence[pulumi.Input[str]] = ()
    """Bucket ARNs whose server access logs this bucket receives."""
    cloudtrail_trail_arn: pulumi.Input[str] | None = None
    """A trail allowed to deliver its logs under `CLOUDTRAIL_PREFIX`."""
    exclusive_readers: Sequence[pulumi.Input[str]] = ()
    """Role ARNs that alone may read objects: the bucket policy denies object reads to every other
    principal, whatever its IAM policies allow (the quarantine: the security team only)."""
    tags: dict[str, str] = field(default_factory=dict)


class SecureBucket(pulumi.ComponentResource):
    """A private, encrypted, versioned, logged, TLS-only bucket.

    - public access block with all four flags, and ACLs off (BucketOwnerEnforced);
    - default SSE-KMS with the bucket's CMK and bucket keys (SSE-S3 for the access-log bucket);
    - versioning, noncurrent-version expiry, and object lock in governance mode when asked;
    - server access logging to the log bucket;
    - a bucket policy that denies requests without TLS, TLS older than 1.2, and puts that ask for
      any encryption other than the bucket's own.
    """

    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning
    encryption: aws.s3.BucketServerSideEncryptionConfiguration
    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:storage:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        data_opts = pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect)
        self.key = args.key
        self._cloudtrail = args.cloudtrail_trail_arn is not None
        self._s3_service = f"s3.{args.region}.amazonaws.com"
        object_lock = args.object_lock_retention_days is not None

        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            force_destroy=args.force_destroy and not object_lock,
            object_lock_enabled=object_lock or None,
            tags={
                **args.tags,
                "Purpose": args.purpose,
                "DataClassification": args.classification,
            },
            opts=data_opts,
        )
        self.arn = self.bucket.arn
        self.name = self.bucket.bucket
        bucket_id = self.bucket.id

        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        )
        if args.key is not None:
            encryption: aws.s3.BucketServerSideEncryptionConfigurationRuleArgsDict = {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": args.key.arn,
                },
                "bucket_key_enabled": True,
            }
        else:
            encryption = {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket_id, rules=[encryption], opts=child
        )
        self.versioning = versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        if object_lock:
            aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=bucket_id,
                rule={"default_retention": {"mode": "GOVERNANCE", "days": args.object_lock_retention_days}},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=self._lifecycle_rules(args),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        if args.log_bucket is not None:
            aws.s3.BucketLogging(
                f"{name}-logging",
                bucket=bucket_id,
                target_bucket=args.log_bucket.id,
                target_prefix=f"{args.purpose}/",
                opts=child,
            )
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket_id,
            policy=policy_document(self._policy(args)),
            opts=child,
        )
        self.register_outputs({"arn": self.arn, "name": self.name})

    @property
    def write_dependencies(self) -> list[pulumi.Resource]:
        """What an object write must wait for: without versioning it gets no VersionId, and without the
        default encryption it may be stored before SSE-KMS applies."""
        return [self.versioning, self.encryption]

    @staticmethod
    def _lifecycle_rules(args: SecureBucketArgs) -> list[aws.s3.BucketLifecycleConfigurationRuleArgsDict]:
        rule: aws.s3.BucketLifecycleConfigurationRuleArgsDict = {
            "id": "noncurrent-versions",
            "status": "Enabled",
            "filter": {"prefix": ""},
            "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_expiration_days},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
        }
        if args.transition_to_ia_days is not None:
            rule["transitions"] = [{"days": args.transition_to_ia_days, "storage_class": "STANDARD_IA"}]
        if args.expiration_days is not None:
            rule["expiration"] = {"days": args.expiration_days}
        return [rule]

    def _policy(self, args: SecureBucketArgs) -> list[Grant]:
        everything = [self.arn, pulumi.Output.concat(self.arn, "/*")]
        objects = [pulumi.Output.concat(self.arn, "/*")]

        def deny(sid: str, actions: list[str], resources: list[pulumi.Output[str]], condition: Condition) -> Grant:
            return Grant(
                sid=sid,
                effect="Deny",
                actions=actions,
                resources=resources,
                principals={"AWS": ["*"]},
                condition=condition,
            )

        statements = [
            deny("DenyInsecureTransport", ["s3:*"], everything, {"Bool": {"aws:SecureTransport": "false"}}),
            deny("DenyOutdatedTls", ["s3:*"], everything, {"NumericLessThan": {"s3:TlsVersion": "1.2"}}),
        ]
        # A put without encryption headers gets the bucket's default, so only headers that ask for
        # something else are denied. (`…IfExists` would deny a missing header too: UploadPart and
        # CompleteMultipartUpload never carry one, nor does S3 log delivery.)
        put = ["s3:PutObject"]
        sse, sse_key = "s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"
        if args.key is not None:
            statements += [
                deny(
                    "DenyOtherEncryption", put, objects, {"StringNotEquals": {sse: "aws:kms"}, "Null": {sse: "false"}}
                ),
                # SSE-KMS without a key id means the AWS managed aws/s3 key, not the bucket's.
                deny("DenyAwsManagedKmsKey", put, objects, {"Null": {sse: "false", sse_key: "true"}}),
                deny(
                    "DenyOtherKmsKey",
                    put,
                    objects,
                    {"StringNotEquals": {sse_key: args.key.arn}, "Null": {sse_key: "false"}},
                ),
            ]
        else:
            statements.append(
                deny("DenyKmsOnLogBucket", put, objects, {"StringNotEquals": {sse: "AES256"}, "Null": {sse: "false"}})
            )
        if args.accepts_access_logs_from:
            statements.append(
                Grant(
                    sid="S3ServerAccessLogs",
                    actions=["s3:PutObject"],
                    resources=objects,
                    principals={"Service": ["logging.s3.amazonaws.com"]},
                    condition={
                        "StringEquals": {"aws:SourceAccount": args.account_id},
                        "ArnLike": {"aws:SourceArn": list(args.accepts_access_logs_from)},
                    },
                )
            )
        if args.cloudtrail_trail_arn is not None:
            statements.extend(self._cloudtrail_writers(args.cloudtrail_trail_arn, args.account_id))
        if args.exclusive_readers:
            statements.append(
                deny(
                    "OnlyNamedReaders",
                    [*S3_OBJECT_READ_ACTIONS, "s3:GetObjectVersionTagging"],
                    objects,
                    {"ArnNotEquals": {"aws:PrincipalArn": list(args.exclusive_readers)}},
                )
            )
        return statements

    def _cloudtrail_writers(self, trail_arn: pulumi.Input[str], account_id: pulumi.Input[str]) -> list[Grant]:
        service = {"Service": ["cloudtrail.amazonaws.com"]}
        return [
            Grant(
                sid="CloudTrailAclCheck",
                actions=["s3:GetBucketAcl"],
                resources=[self.arn],
                principals=service,
                condition={"StringEquals": {"aws:SourceArn": trail_arn}},
            ),
            Grant(
                sid="CloudTrailWrite",
                actions=["s3:PutObject"],
                resources=[pulumi.Output.concat(self.arn, "/", CLOUDTRAIL_PREFIX, "AWSLogs/", account_id, "/*")],
                principals=service,
                condition={"StringEquals": {"aws:SourceArn": trail_arn, "s3:x-amz-acl": "bucket-owner-full-control"}},
            ),
        ]

    def grant_read(self, clearance: str, *, prefix: str = "", scanned_clean: bool = False) -> list[Grant]:
        """Read objects tagged at or below `clearance`, list the bucket, and decrypt through S3.

        An untagged object matches no clearance: it is readable by no role until it is classified.
        With `scanned_clean`, only objects the ingestion scanner tagged `scan_status=clean` are readable.
        """
        if clearance not in CLASSIFICATION_LEVELS:
            raise ValueError(f"unknown clearance {clearance!r}; allowed: {', '.join(CLASSIFICATION_LEVELS)}")
        allowed = list(CLASSIFICATION_LEVELS[: CLASSIFICATION_LEVELS.index(clearance) + 1])
        grants = [
            self._list(prefix),
            Grant(
                sid="ReadClassifiedObjects",
                actions=S3_OBJECT_READ_ACTIONS,
                resources=[pulumi.Output.concat(self.arn, "/", prefix, "*")],
                condition={
                    "StringEquals": {
                        f"s3:ExistingObjectTag/{CLASSIFICATION_TAG}": allowed,
                        **({f"s3:ExistingObjectTag/{SCAN_STATUS_TAG}": "clean"} if scanned_clean else {}),
                    }
                },
            ),
        ]
        return grants + self._key_grants(write=False)

    def grant_read_cloudtrail_logs(self) -> list[Grant]:
        """Read the log and digest files the trail delivers, list them, and decrypt through S3.

        CloudTrail writes untagged objects, so this read cannot be conditioned on the classification
        tag; it is limited to the prefix that only the trail may write (`_cloudtrail_writers`).
        """
        if not self._cloudtrail:
            raise ValueError("grant_read_cloudtrail_logs: this bucket receives no CloudTrail logs")
        return [
            self._list(CLOUDTRAIL_PREFIX),
            Grant(
                sid="ReadCloudTrailLogs",
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=[pulumi.Output.concat(self.arn, "/", CLOUDTRAIL_PREFIX, "*")],
            ),
            *self._key_grants(write=False),
        ]

    def grant_scan(self) -> list[Grant]:
        """What the ingestion scanner needs: read every object version and its tags, whatever they are
        (it classifies untagged objects), and tag a version with its verdict (`VERDICT_TAG_KEYS` and
        the writer's own keys only)."""
        objects = [pulumi.Output.concat(self.arn, "/*")]
        return [
            Grant(
                sid="ReadEveryObjectVersion",
                actions=[*S3_OBJECT_READ_ACTIONS, "s3:GetObjectVersionTagging"],
                resources=objects,
            ),
            Grant(
                sid="TagVerdicts",
                actions=["s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
                resources=objects,
                condition={
                    "StringEquals": {f"s3:RequestObjectTag/{CLASSIFICATION_TAG}": list(CLASSIFICATION_LEVELS)},
                    "ForAllValues:StringEquals": {
                        "s3:RequestObjectTagKeys": sorted({*OBJECT_TAG_KEYS, *VERDICT_TAG_KEYS})
                    },
                },
            ),
            *self._key_grants(write=False),
        ]

    def grant_write(self, *, prefix: str = "", tag_keys: Sequence[str] = OBJECT_TAG_KEYS) -> list[Grant]:
        """Put objects, single-part or multipart, and encrypt through S3.

        S3 authorises CreateMultipartUpload, UploadPart and CompleteMultipartUpload all as
        `s3:PutObject`, and only the first carries tags, so a tag condition on every `s3:PutObject`
        denies every multipart upload. Hence two statements: a request that carries tags (PutObject,
        CreateMultipartUpload, PutObjectTagging) must carry a valid classification and only the known
        tag keys; a request that carries no tags at all (the parts, the completion) is allowed. No
        condition key tells an untagged single PutObject from an UploadPart, so an untagged object can
        be written; it matches no clearance in `grant_read`, so no role can read it until it is
        classified (docs/data-access.md).
        """
        objects = [pulumi.Output.concat(self.arn, "/", prefix, "*")]
        grants = [
            Grant(
                sid="WriteClassifiedObjects",
                actions=S3_OBJECT_WRITE_ACTIONS,
                resources=objects,
                condition={
                    "StringEquals": {f"s3:RequestObjectTag/{CLASSIFICATION_TAG}": list(CLASSIFICATION_LEVELS)},
                    "ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": list(tag_keys)},
                },
            ),
            Grant(
                sid="WriteUntaggedRequests",
                actions=["s3:PutObject"],
                resources=objects,
                condition={"Null": {"s3:RequestObjectTagKeys": "true"}},
            ),
            Grant(
                sid="CleanUpMultipartUploads",
                actions=["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                resources=objects,
            ),
        ]
        return grants + self._key_grants(write=True)

    def _list(self, prefix: str) -> Grant:
        return Grant(
            sid="ListBucket",
            actions=["s3:ListBucket"],
            resources=[self.arn],
            condition={"StringLike": {"s3:prefix": [f"{prefix}*"]}} if prefix else {},
        )

    def _key_grants(self, *, write: bool) -> list[Grant]:
        if self.key is None:
            return []
        via = [self._s3_service]
        return [self.key.grant_encrypt_decrypt(via_services=via) if write else self.key.grant_decrypt(via_services=via)]
