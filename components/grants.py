"""Grant helpers: IAM statements are built here, once, and handed to roles and resource policies.

Callers never hand-write KMS or S3 statements: a key or a bucket hands out `Grant`s (for example
`key.grant_decrypt()` or `bucket.grant_read(clearance="internal")`), and a role turns a list of grants
into one policy document with `policy_document`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

Condition = Mapping[str, Mapping[str, Any]]

# The object actions the bucket grants hand out (`SecureBucket.grant_read` / `grant_write`).
S3_OBJECT_READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging")
S3_OBJECT_WRITE_ACTIONS = ("s3:PutObject", "s3:PutObjectTagging")
# What the S3 gateway endpoint admits on the platform's own buckets: the grants' actions, plus what
# SDKs call around them (bucket region lookup, cleaning up and resuming multipart uploads). No
# deletes and no bucket configuration changes pass the endpoint, whatever an IAM policy says.
S3_ENDPOINT_PLATFORM_ACTIONS = (
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketAcl",
    *S3_OBJECT_READ_ACTIONS,
    *S3_OBJECT_WRITE_ACTIONS,
    # The ingestion scanner reads and tags object versions (SecureBucket.grant_scan).
    "s3:GetObjectVersionTagging",
    "s3:PutObjectVersionTagging",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
)


@dataclass(frozen=True)
class Grant:
    """One IAM statement whose resources (and condition values) may still be unresolved outputs."""

    sid: str
    actions: Sequence[str]
    resources: Sequence[pulumi.Input[str]] = ()
    effect: str = "Allow"
    principals: Mapping[str, Sequence[pulumi.Input[str]]] = field(default_factory=dict)
    condition: Condition = field(default_factory=dict)
    not_principal: bool = False


def _statement(grant: Grant, resources: list[str], principals: dict[str, list[str]], condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": grant.sid, "Effect": grant.effect, "Action": sorted(set(grant.actions))}
    if principals:
        statement["NotPrincipal" if grant.not_principal else "Principal"] = {
            kind: values[0] if len(values) == 1 else sorted(values) for kind, values in sorted(principals.items())
        }
    if resources:
        statement["Resource"] = resources[0] if len(resources) == 1 else sorted(set(resources))
    if condition:
        statement["Condition"] = condition
    return statement


def policy_document(grants: Sequence[Grant]) -> pulumi.Output[str]:
    """A JSON policy document from grants, resolved once every referenced output is known."""

    def render(grant: Grant) -> pulumi.Output[dict[str, Any]]:
        principals = (
            pulumi.Output.all(**{kind: pulumi.Output.all(*values) for kind, values in grant.principals.items()})
            if grant.principals
            else pulumi.Output.from_input({})
        )
        return pulumi.Output.all(
            pulumi.Output.all(*grant.resources), principals, pulumi.Output.from_input(grant.condition)
        ).apply(lambda parts: _statement(grant, list(parts[0]), dict(parts[1]), parts[2]))

    statements = [render(g) for g in grants]
    return pulumi.Output.all(*statements).apply(
        lambda resolved: json.dumps({"Version": "2012-10-17", "Statement": _unique_sids(resolved)}, sort_keys=True)
    )


def _unique_sids(statements: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """IAM wants Sids unique within a document; the same grant kind used twice gets a number."""
    seen: dict[str, int] = {}
    unique = []
    for statement in statements:
        sid = statement["Sid"]
        seen[sid] = seen.get(sid, 0) + 1
        unique.append({**statement, "Sid": f"{sid}{seen[sid]}"} if seen[sid] > 1 else statement)
    return unique


def service_trust(
    services: Sequence[str], account_id: pulumi.Input[str] | None, *, tag_session: bool = False
) -> pulumi.Output[str]:
    """A trust policy for AWS service principals, guarded against the confused deputy.

    `account_id=None` leaves out the `aws:SourceAccount` guard, for services that do not send the key
    when they assume the role: with it, the assumption fails.
    """
    actions = ["sts:AssumeRole", "sts:TagSession"] if tag_session else ["sts:AssumeRole"]
    return policy_document(
        [
            Grant(
                sid="TrustedServices",
                actions=actions,
                principals={"Service": list(services)},
                condition={"StringEquals": {"aws:SourceAccount": account_id}} if account_id is not None else {},
            )
        ]
    )


def role_trust(role_arns: Sequence[pulumi.Input[str]], *, require_mfa: bool = False) -> pulumi.Output[str]:
    """A trust policy for named IAM principals (roles or an account root)."""
    condition: dict[str, dict[str, Any]] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}} if require_mfa else {}
    return policy_document(
        [
            Grant(
                sid="TrustedPrincipals",
                actions=["sts:AssumeRole"],
                principals={"AWS": list(role_arns)},
                condition=condition,
            )
        ]
    )


def deny_destructive_s3(bucket_arns: Sequence[pulumi.Input[str]]) -> Grant:
    """The explicit deny every data-lake role carries: no deletes, no bucket policy changes."""
    objects = [pulumi.Output.concat(arn, "/*") for arn in bucket_arns]
    return Grant(
        sid="DenyDestructiveS3",
        effect="Deny",
        actions=[
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:DeleteObjectTagging",
            "s3:DeleteBucket",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketVersioning",
            "s3:PutEncryptionConfiguration",
            "s3:BypassGovernanceRetention",
        ],
        resources=[*bucket_arns, *objects],
    )


def s3_endpoint_grants(
    partition: pulumi.Input[str],
    region: str,
    account_id: pulumi.Input[str],
    bucket_name_prefix: str,
    state_bucket_arns: Sequence[str] = (),
    containment_role_arn: pulumi.Input[str] | None = None,
) -> list[Grant]:
    """The policy of the S3 gateway endpoint: what S3 traffic from the private subnets may reach.

    - the platform's own buckets: named `<bucket_name_prefix>…` *and* owned by this account
      (`s3:ResourceAccount`: bucket names are global, anyone can create a look-alike) *and* used by
      this account's principals (`aws:PrincipalAccount`), for `S3_ENDPOINT_PLATFORM_ACTIONS` only;
    - ECR image layers: nodes pull every image layer (the platform's and the EKS addons') from the
      AWS-owned `prod-<region>-starport-layer-bucket` through presigned URLs signed by ECR, so no
      account condition can apply there (AWS ECR documentation, "Minimum Amazon S3 bucket permissions");
    - Amazon Linux 2023 package repositories (`al2023-repos-<region>-de612dc2`, AWS-owned), read only;
    - the Pulumi state bucket(s), when the in-VPC deploy runner uses a self-managed backend: read and
      write objects, for this account's principals in a bucket this account owns.
    - with `containment_role_arn`, that role may read and replace the platform buckets'
      policies: the response function adds a deny for an exfiltrating principal (lambdas/response).
    Everything else is implicitly denied at the endpoint: other accounts' buckets, the platform's
    other environments, deletes, bucket policy and configuration changes. The settings allow only
    AL2023 and Bottlerocket AMIs, so the Amazon Linux 2 repositories are not admitted; Bottlerocket
    updates come from its TUF repository over HTTPS (NAT), not from S3.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{2,}-", bucket_name_prefix):
        raise ValueError(f"bucket_name_prefix must be a bucket-name prefix ending in '-', got {bucket_name_prefix!r}")
    anyone: dict[str, Sequence[pulumi.Input[str]]] = {"AWS": ["*"]}
    own = pulumi.Output.format("arn:{0}:s3:::{1}*", partition, bucket_name_prefix)

    def aws_bucket_objects(bucket: str) -> pulumi.Output[str]:
        return pulumi.Output.format("arn:{0}:s3:::{1}/*", partition, bucket)

    containment = [
        Grant(
            sid="ContainmentBucketPolicies",
            actions=["s3:GetBucketPolicy", "s3:PutBucketPolicy"],
            resources=[own],
            principals=anyone,
            condition={
                "StringEquals": {"s3:ResourceAccount": account_id},
                "ArnEquals": {"aws:PrincipalArn": containment_role_arn},
            },
        )
    ]
    state = (
        [
            Grant(
                sid="PulumiStateBuckets",
                actions=["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[*state_bucket_arns, *(f"{arn}/*" for arn in state_bucket_arns)],
                principals=anyone,
                condition={"StringEquals": {"aws:PrincipalAccount": account_id, "s3:ResourceAccount": account_id}},
            )
        ]
        if state_bucket_arns
        else []
    )
    return [
        *state,
        *(containment if containment_role_arn is not None else []),
        Grant(
            sid="PlatformBuckets",
            actions=S3_ENDPOINT_PLATFORM_ACTIONS,
            resources=[own, pulumi.Output.concat(own, "/*")],
            principals=anyone,
            condition={"StringEquals": {"aws:PrincipalAccount": account_id, "s3:ResourceAccount": account_id}},
        ),
        Grant(
            sid="EcrImageLayers",
            actions=["s3:GetObject"],
            resources=[aws_bucket_objects(f"prod-{region}-starport-layer-bucket")],
            principals=anyone,
        ),
        Grant(
            sid="AmazonLinux2023Repositories",
            actions=["s3:GetObject"],
            resources=[aws_bucket_objects(f"al2023-repos-{region}-de612dc2")],
            principals=anyone,
        ),
    ]


def log_write(log_group_arn: pulumi.Input[str]) -> Grant:
    """Write to one CloudWatch log group (and its streams)."""
    return Grant(
        sid="WriteOwnLogs",
        actions=["logs:CreateLogStream", "logs:PutLogEvents"],
        resources=[log_group_arn, pulumi.Output.concat(log_group_arn, ":log-stream:*")],
    )


def secret_read(secret_arns: Sequence[pulumi.Input[str]]) -> Grant:
    """Read the current value of the named secrets (and nothing else in Secrets Manager)."""
    return Grant(
        sid="ReadOwnSecrets",
        actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources=list(secret_arns),
    )


def secret_rotate(secret_arns: Sequence[pulumi.Input[str]]) -> Grant:
    """What a Secrets Manager rotation function needs on the secrets it rotates."""
    return Grant(
        sid="RotateOwnSecrets",
        actions=[
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
        ],
        resources=list(secret_arns),
    )


def xray_write() -> Grant:
    """Send X-Ray trace segments. X-Ray has no resource-level permissions, so the resource is `*`."""
    return Grant(
        sid="XRayWrite",
        actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        resources=["*"],
    )


def topic_publish(topic_arn: pulumi.Input[str]) -> Grant:
    """Publish to one SNS topic (its CMK is granted separately, through SNS)."""
    return Grant(sid="PublishAlerts", actions=["sns:Publish"], resources=[topic_arn])


def queue_consume(queue_arn: pulumi.Input[str]) -> Grant:
    """What a Lambda event source mapping needs on its SQS queue, with the function's role (the
    queue's CMK is granted separately, through SQS)."""
    return Grant(
        sid="ConsumeQueue",
        actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
        resources=[queue_arn],
    )


def table_write_once(table_arn: pulumi.Input[str]) -> Grant:
    """Read items and put new ones: no update, no delete (a conditional put is write-once)."""
    return Grant(sid="WriteOnceItems", actions=["dynamodb:GetItem", "dynamodb:PutItem"], resources=[table_arn])


def table_write_once_under(
    table_arn: pulumi.Input[str], partition_key_patterns: Sequence[pulumi.Input[str]]
) -> list[Grant]:
    """Read any item, put new ones only under partition keys matching the patterns (`dynamodb:LeadingKeys`,
    `StringLike`): a stage records the versions of its own bucket, and reads the records of its inputs.
    No update, no delete."""
    return [
        Grant(sid="ReadItems", actions=["dynamodb:GetItem"], resources=[table_arn]),
        Grant(
            sid="WriteOnceOwnItems",
            actions=["dynamodb:PutItem"],
            resources=[table_arn],
            condition={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(partition_key_patterns)}},
        ),
    ]


# The item actions the DynamoDB gateway endpoint admits on the platform's own tables.
DYNAMODB_ENDPOINT_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DescribeTable")


def dynamodb_endpoint_grants(
    partition: pulumi.Input[str], region: str, account_id: pulumi.Input[str], table_name_prefix: str
) -> list[Grant]:
    """The policy of the DynamoDB gateway endpoint: item reads and writes on this account's tables named
    `<table_name_prefix>…`, by this account's principals; nothing else passes from the private subnets."""
    tables = pulumi.Output.format(
        "arn:{0}:dynamodb:{1}:{2}:table/{3}*", partition, region, account_id, table_name_prefix
    )
    return [
        Grant(
            sid="PlatformTables",
            actions=DYNAMODB_ENDPOINT_ACTIONS,
            resources=[tables],
            principals={"AWS": ["*"]},
            condition={"StringEquals": {"aws:PrincipalAccount": account_id}},
        )
    ]


GUARDRAIL_APPLY_ACTIONS = ("bedrock:ApplyGuardrail",)


def guardrail_apply(guardrail_arns: Sequence[pulumi.Input[str]]) -> Grant:
    """Apply the named Bedrock guardrails (`arn:<partition>:bedrock:<region>:<account>:guardrail/<id>`) to
    any text; no model invocation, no guardrail management."""
    return Grant(sid="ApplyGuardrail", actions=GUARDRAIL_APPLY_ACTIONS, resources=list(guardrail_arns))


def guardrail_endpoint_grants(partition: pulumi.Input[str], region: str, account_id: pulumi.Input[str]) -> list[Grant]:
    """The bedrock-runtime endpoint's policy: this account's principals may apply this account's guardrails,
    and nothing else passes (no model invocation through the endpoint, no other account's guardrails)."""
    return [
        Grant(
            sid="ApplyOwnGuardrails",
            actions=GUARDRAIL_APPLY_ACTIONS,
            resources=[pulumi.Output.format("arn:{0}:bedrock:{1}:{2}:guardrail/*", partition, region, account_id)],
            principals={"AWS": ["*"]},
            condition={"StringEquals": {"aws:PrincipalAccount": account_id}},
        )
    ]
