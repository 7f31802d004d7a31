"""The encrypted data lake: one CMK and one secure bucket per stage of the data's life."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components.bucket import SecureBucket, SecureBucketArgs
from components.kms import EncryptionKey, EncryptionKeyArgs, ServiceUse

# purpose -> (DataClassification tag of the bucket, is the bucket under object lock in prod)
DATA_BUCKETS: dict[str, tuple[str, bool]] = {
    "raw": ("confidential", False),
    "curated": ("confidential", False),
    "models": ("internal", True),
    "audit": ("restricted", True),
}


@dataclass
class DataLakeArgs:
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    key_deletion_window_days: int
    key_administrators: Sequence[pulumi.Input[str]]
    noncurrent_version_expiration_days: int
    raw_transition_to_ia_days: int
    access_log_expiration_days: int
    object_lock_retention_days: int | None
    """Governance-mode retention for the models and audit buckets; `None` turns object lock off."""
    force_destroy: bool
    protect: bool
    cloudtrail_name: str | None = None
    """The trail that delivers to the audit bucket (under `cloudtrail/`), if any."""
    access_log_source_prefix: str | None = None
    """Buckets whose names start with this may deliver server access logs; default: this lake's own."""


class DataLake(pulumi.ComponentResource):
    """Buckets `raw`, `curated`, `models`, `audit` (SSE-KMS, one CMK each) and `access-logs` (SSE-S3)."""

    buckets: dict[str, SecureBucket]
    keys: dict[str, EncryptionKey]
    access_logs: SecureBucket

    def __init__(self, name: str, args: DataLakeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:data:DataLake", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.access_logs = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(
                purpose="access-logs",
                classification="internal",
                key=None,
                log_bucket=None,
                account_id=args.account_id,
                region=args.region,
                noncurrent_version_expiration_days=args.noncurrent_version_expiration_days,
                expiration_days=args.access_log_expiration_days,
                force_destroy=args.force_destroy,
                protect=args.protect,
                # Auto-named buckets start with their logical name (the lake's buckets with the lake's).
                accepts_access_logs_from=[
                    pulumi.Output.format("arn:{0}:s3:::{1}-*", args.partition, args.access_log_source_prefix or name)
                ],
            ),
            opts=child,
        )
        self.keys = {}
        self.buckets = {}
        for purpose, (classification, lockable) in DATA_BUCKETS.items():
            services: list[ServiceUse] = []
            trail_arn: pulumi.Output[str] | None = None
            if purpose == "audit" and args.cloudtrail_name:
                trail_arn = pulumi.Output.format(
                    "arn:{0}:cloudtrail:{1}:{2}:trail/{3}",
                    args.partition,
                    args.region,
                    args.account_id,
                    args.cloudtrail_name,
                )
                services.extend(cloudtrail_key_uses(args.partition, args.account_id, trail_arn))
            self.keys[purpose] = EncryptionKey(
                f"{name}-{purpose}",
                EncryptionKeyArgs(
                    description=f"Data lake {purpose} bucket",
                    account_id=args.account_id,
                    partition=args.partition,
                    deletion_window_days=args.key_deletion_window_days,
                    administrators=args.key_administrators,
                    services=services,
                ),
                opts=child,
            )
            bucket = SecureBucket(
                f"{name}-{purpose}",
                SecureBucketArgs(
                    purpose=purpose,
                    classification=classification,
                    key=self.keys[purpose],
                    log_bucket=self.access_logs.bucket,
                    account_id=args.account_id,
                    region=args.region,
                    noncurrent_version_expiration_days=args.noncurrent_version_expiration_days,
                    transition_to_ia_days=args.raw_transition_to_ia_days if purpose == "raw" else None,
                    object_lock_retention_days=args.object_lock_retention_days if lockable else None,
                    force_destroy=args.force_destroy,
                    protect=args.protect,
                    cloudtrail_trail_arn=trail_arn,
                ),
                opts=child,
            )
            self.buckets[purpose] = bucket
        self.register_outputs(
            {
                "buckets": {purpose: b.name for purpose, b in self.buckets.items()},
                "accessLogBucket": self.access_logs.name,
                "keys": {purpose: k.arn for purpose, k in self.keys.items()},
            }
        )

    def bucket(self, purpose: str) -> SecureBucket:
        try:
            return self.buckets[purpose]
        except KeyError:
            raise ValueError(f"unknown data-lake bucket {purpose!r}; known: {', '.join(self.buckets)}") from None

    @property
    def bucket_arns(self) -> list[pulumi.Output[str]]:
        return [b.arn for b in self.buckets.values()]


def cloudtrail_key_uses(
    partition: pulumi.Input[str], account_id: pulumi.Input[str], trail_arn: pulumi.Input[str]
) -> list[ServiceUse]:
    """What CloudTrail needs in a key policy for one trail (CloudTrail user guide, "Configure AWS KMS key
    policies for CloudTrail"): encrypt under the trail's encryption context, and describe the key in a
    statement of its own, since DescribeKey carries no encryption context and would never match one."""
    source = {"StringEquals": {"aws:SourceArn": trail_arn}}
    return [
        ServiceUse(
            service="cloudtrail.amazonaws.com",
            actions=("kms:GenerateDataKey*",),
            condition={
                **source,
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.Output.format(
                        "arn:{0}:cloudtrail:*:{1}:trail/*", partition, account_id
                    )
                },
            },
            sid="CloudTrailEncryptLogs",
        ),
        ServiceUse(
            service="cloudtrail.amazonaws.com",
            actions=("kms:DescribeKey",),
            condition=source,
            sid="CloudTrailDescribeKey",
        ),
    ]
