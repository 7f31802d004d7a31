"""A CloudWatch log group that is always KMS-encrypted and always has a retention period.

Usage: the key admits CloudWatch Logs for exactly the log groups created on it, so it must be created
with `logs_region` (`PlatformContext.encryption_key` does) and sealed after its last group:

    key = EncryptionKey(f"{name}-logs", EncryptionKeyArgs(..., logs_region=region), opts=...)
    group = EncryptedLogGroup(
        f"{name}-flow-logs",
        LogGroupArgs(log_group_name="/aws/vpc/x/flow-logs", retention_days=365, key=key),
        opts=pulumi.ResourceOptions(parent=self),
    )
    key.seal()

Log group names are explicit (never auto-named): the audit command and AWS services (EKS writes to
`/aws/eks/<cluster>/cluster`) find log groups by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import Grant
from components.kms import EncryptionKey


@dataclass
class LogGroupArgs:
    log_group_name: pulumi.Input[str]
    """The explicit name, for example `/aws/vpc/genai-prod/flow-logs` (an output only where a service
    derives the name from an ID, as API Gateway's execution logs do)."""
    retention_days: int
    """One of the periods CloudWatch accepts (settings validate it)."""
    key: EncryptionKey
    """A CMK created with `logs_region`: the group registers itself on it (its policy then admits
    CloudWatch Logs for this group's ARN)."""
    admit_as: str | None = None
    """The name pattern the key admits instead of the name, for a name known only after another
    resource exists (API Gateway's `API-Gateway-Execution-Logs_<id>/<stage>`)."""
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
        args.key.admit_log_group(name, args.admit_as if args.admit_as is not None else args.log_group_name)
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
