"""A private, KMS-encrypted, versioned bucket that refuses plain HTTP, with access logs."""

import pulumi
import pulumi_aws as aws

key = aws.kms.Key("data-key", description="bucket encryption", enable_key_rotation=True, deletion_window_in_days=30)


def harden(name: str, bucket: aws.s3.Bucket, kms_key: aws.kms.Key | None) -> None:
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
    )
    default = {"sse_algorithm": "aws:kms", "kms_master_key_id": kms_key.arn} if kms_key else {"sse_algorithm": "AES256"}
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": default, "bucket_key_enabled": True}],
    )
    aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    aws.s3.BucketPolicy(
        f"{name}-tls-only",
        bucket=bucket.id,
        policy=pulumi.Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )


# Server access logs go to a bucket with SSE-S3 (S3 cannot deliver them to an SSE-KMS bucket).
logs = aws.s3.Bucket("access-logs")
harden("access-logs", logs, None)
data = aws.s3.Bucket("data")
harden("data", data, key)
aws.s3.BucketLogging("data-logging", bucket=data.id, target_bucket=logs.id, target_prefix="data/")
aws.s3.BucketLogging("access-logs-logging", bucket=logs.id, target_bucket=logs.id, target_prefix="self/")

pulumi.export("bucket", data.bucket)
