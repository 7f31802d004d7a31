"""A least-privilege IAM role for one stage of the data pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grants import Grant, deny_destructive_s3, policy_document


@dataclass
class PipelineRoleArgs:
    stage: str
    trust_policy: pulumi.Input[str]
    """From `grants.service_trust` or `grants.role_trust`: named principals only."""
    grants: Sequence[Grant]
    """What the stage may do, from the buckets' and keys' grant helpers."""
    protected_bucket_arns: Sequence[pulumi.Input[str]]
    """Buckets on which deletes and policy changes are explicitly denied."""
    max_session_seconds: int = 3600


class PipelineRole(pulumi.ComponentResource):
    """A role with exactly the stage's grants, plus an explicit deny on destructive S3 actions."""

    role: aws.iam.Role
    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: PipelineRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:identity:PipelineRole", name, None, opts)
        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=args.trust_policy,
            description=f"Data pipeline stage: {args.stage}",
            max_session_duration=args.max_session_seconds,
            tags={"PipelineStage": args.stage},
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-access",
            role=self.role.id,
            policy=policy_document([*args.grants, deny_destructive_s3(args.protected_bucket_arns)]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.role.arn
        self.name = self.role.name
        self.register_outputs({"arn": self.arn, "name": self.name})

    def grant(self, name: str, grants: Sequence[Grant]) -> aws.iam.RolePolicy:
        """Add grants on resources created after the role (an inline policy `name`, a child of the role)."""
        return aws.iam.RolePolicy(
            name, role=self.role.id, policy=policy_document(list(grants)), opts=pulumi.ResourceOptions(parent=self)
        )
