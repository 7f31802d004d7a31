"""The Secrets Manager rotation function: its own role, log group, and nothing it does not need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document, secret_rotate, service_trust, xray_write
from components.kms import EncryptionKey
from components.lambda_package import LambdaPackage
from components.log_group import EncryptedLogGroup, LogGroupArgs

PYTHON_RUNTIME = "python3.12"
ARCHITECTURE = "arm64"


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
        self.log_group = EncryptedLogGroup(
            f"{name}-logs",
            LogGroupArgs(
                log_group_name=f"/aws/lambda/{args.function_name}",
                retention_days=args.log_retention_days,
                key=args.logs_key,
            ),
            opts=child,
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=args.function_name,
            assume_role_policy=service_trust(["lambda.amazonaws.com"], args.account_id),
            description="Secrets Manager rotation function",
            max_session_duration=3600,
            opts=child,
        )
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
            role=self.role.arn,
            runtime=PYTHON_RUNTIME,
            architectures=[ARCHITECTURE],
            handler="rotation.handler",
            code=args.package.archive(),
            source_code_hash=args.package.source_code_hash,
            memory_size=256,
            timeout=args.timeout_seconds,
            reserved_concurrent_executions=args.reserved_concurrency,
            tracing_config={"mode": "Active"},
            # No environment variables at all: the secret and its field name come with each event and tag.
            logging_config={
                "log_format": "JSON",
                "log_group": self.log_group.name,
                "application_log_level": "INFO",
                "system_log_level": "WARN",
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access, self.log_group]),
        )
        self.arn = self.function.arn
        self.name = self.function.name
        self.register_outputs({"arn": self.arn, "roleArn": self.role.arn})
