"""A CloudWatch log group that is always KMS-encrypted and always has a retention period.

Usage (the key's policy must let CloudWatch Logs use it for exactly this log group; `logs_key_use`
builds that service statement):

    key = EncryptionKey(
        f"{name}-logs",
        EncryptionKeyArgs(..., services=[logs_key_use(region, partition, account_id, "/aws/vpc/x/flow-logs")]),
        opts=pulumi.ResourceOptions(parent=self),
    )
    group = EncryptedLogGroup(
        f"{name}-flow-logs",
        LogGroupArgs(log_group_name="/aws/vpc/x/flow-logs", retention_days=365, key=key),
        opts=pulumi.ResourceOptions(parent=self),
    )

Log group names are explicit (never auto-named): the audit command and AWS services (EKS writes to
`/aws/eks/<cluster>/cluster`) find log groups by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import Grant
from components.kms import EncryptionKey, ServiceUse

# What CloudWatch Logs needs on a CMK (AWS CloudWatch Logs documentation, "Encrypt log data").
LOGS_KEY_ACTIONS = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*")


def log_group_arn(
    region: str, partition: pulumi.Input[str], account_id: pulumi.Input[str], log_group_name: str
) -> pulumi.Output[str]:
    return pulumi.Output.format("arn:{0}:logs:{1}:{2}:log-group:{3}", partition, region, account_id, log_group_name)


def logs_key_use(
    region: str, partition: pulumi.Input[str], account_id: pulumi.Input[str], log_group_name: str
) -> ServiceUse:
    """The key-policy statement that lets CloudWatch Logs use a CMK for one named log group only.

    The `kms:EncryptionContext:aws:logs:arn` condition stops the logs service from using the key for
    any other log group (the confused-deputy guard AWS recommends).
    """
    return ServiceUse(
        service=f"logs.{region}.amazonaws.com",
        actions=LOGS_KEY_ACTIONS,
        condition={
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": log_group_arn(region, partition, account_id, log_group_name)
            }
        },
    )


@dataclass
class LogGroupArgs:
    log_group_name: pulumi.Input[str]
    """The explicit name, for example `/aws/vpc/genai-prod/flow-logs` (an output only where a service
    derives the name from an ID, as API Gateway's execution logs do)."""
    retention_days: int
    """One of the periods CloudWatch accepts (settings validate it)."""
    key: EncryptionKey
    """A CMK whose policy includes `logs_key_use(...)` for this log group."""
    classification: str = "internal"
    """The `DataClassification` tag: log groups hold data."""
    tags: dict[str, str] = field(default_factory=dict)


class EncryptedLogGroup(pulumi.ComponentResource):
    """A log group with a CMK (`kmsKeyId`) and a finite retention (`retentionInDays`), both mandatory."""

    log_group: aws.cloudwatch.LogGroup
    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: LogGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:observability:EncryptedLogGroup", name, None, opts)
        if args.retention_days <= 0:
            raise ValueError(f"{name}: a log group needs a finite retention, got {args.retention_days}")
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-group",
            name=args.log_group_name,
            retention_in_days=args.retention_days,
            kms_key_id=args.key.arn,
            tags={**args.tags, "DataClassification": args.classification},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.log_group.arn
        self.name = self.log_group.name
        self.register_outputs({"arn": self.arn, "name": self.name})

    def grant_write(self) -> Grant:
        """Create streams in, and put events to, this log group only."""
        return Grant(
            sid="WriteLogGroup",
            actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources=[self.arn, pulumi.Output.concat(self.arn, ":log-stream:*")],
        )
