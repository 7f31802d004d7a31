"""The Secrets Manager rotation function: its own role, log group, and nothing it does not need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document, secret_rotate, xray_write
from components.kms import EncryptionKey
from components.lambda_base import ACTIVE_TRACING, ARCHITECTURE, PYTHON_RUNTIME, function_basics
from components.lambda_package import LambdaPackage


@dataclass
class RotationFunctionArgs:
    function_name: str
    """Also the role's name, so secret resource policies can name the role before it exists."""
    package: LambdaPackage
    secret_arns: Sequence[pulumi.Input[str]]
    """The secrets it may rotate (ARN patterns are fine: `…:secret:<name>-??????`)."""
    secrets_key: EncryptionKey
    logs_key: EncryptionKey
    log_retention_days: int
    account_id: pulumi.Input[str]
    region: str
    reserved_concurrency: int = 2
    """0: no reservation."""
    timeout_seconds: int = 30


class RotationFunction(pulumi.ComponentResource):
    """A Python 3.12 arm64 function (handler `rotation.handler`) with X-Ray, a CMK-encrypted log group,
    reserved concurrency and a role limited to rotating the named secrets.

    It generates keys locally (`secrets.token_urlsafe`), so it needs no `secretsmanager:GetRandomPassword`
    (an action that cannot be scoped to a resource). Invoke permissions are added per secret by
    `ManagedSecret`, for Secrets Manager only.
    """

    function: aws.lambda_.Function
    role: aws.iam.Role
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: RotationFunctionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:security:RotationFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        basics = function_basics(
            name,
            function_name=args.function_name,
            description="Secrets Manager rotation function",
            account_id=args.account_id,
            logs_key=args.logs_key,
            log_retention_days=args.log_retention_days,
            parent=self,
        )
        self.log_group, self.role = basics.log_group, basics.role
        grants: list[Grant] = [
            self.log_group.grant_write(),
            secret_rotate(args.secret_arns),
            args.secrets_key.grant_encrypt_decrypt(via_services=[f"secretsmanager.{args.region}.amazonaws.com"]),
            xray_write(),
        ]
        access = aws.iam.RolePolicy(f"{name}-access", role=self.role.id, policy=policy_document(grants), opts=child)
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=args.function_name,
            description="Rotates platform secrets (random keys) in four Secrets Manager steps",
            handler="rotation.handler",
            code=args.package.archive(),
            source_code_hash=args.package.source_code_hash,
            memory_size=256,
            timeout=args.timeout_seconds,
            reserved_concurrent_executions=args.reserved_concurrency or None,
            # No environment variables at all: the secret and its field name come with each event and tag.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access, self.log_group]),
            role=self.role.arn,
            runtime=PYTHON_RUNTIME,
            architectures=[ARCHITECTURE],
            tracing_config=ACTIVE_TRACING,
            logging_config=basics.logging_config(),
        )
        self.arn = self.function.arn
        self.name = self.function.name
        self.register_outputs({"arn": self.arn, "roleArn": self.role.arn})
