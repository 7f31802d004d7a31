"""What every platform function shares: runtime, tracing, JSON logs to its own encrypted log group,
and an execution role that only Lambda in this account may assume."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document, service_trust
from components.kms import EncryptionKey
from components.lambda_package import LambdaPackage
from components.log_group import EncryptedLogGroup, LogGroupArgs

PYTHON_RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
ACTIVE_TRACING: aws.lambda_.FunctionTracingConfigArgsDict = {"mode": "Active"}


@dataclass
class FunctionBasics:
    log_group: EncryptedLogGroup
    role: aws.iam.Role

    def logging_config(self) -> aws.lambda_.FunctionLoggingConfigArgsDict:
        """JSON logs to the function's own log group."""
        return {
            "log_format": "JSON",
            "log_group": self.log_group.name,
            "application_log_level": "INFO",
            "system_log_level": "WARN",
        }


def execution_role(
    name: str, *, function_name: str, description: str, account_id: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> aws.iam.Role:
    """An execution role only Lambda in this account may assume, named `<function_name>-<unique suffix>`:
    a destroyed environment leaves no name behind, and a replacement never collides with the old role."""
    return aws.iam.Role(
        name,
        name_prefix=f"{function_name}-",
        assume_role_policy=service_trust(["lambda.amazonaws.com"], account_id),
        description=description,
        max_session_duration=3600,
        opts=opts,
    )


def function_basics(
    name: str,
    *,
    function_name: str,
    description: str,
    account_id: pulumi.Input[str],
    logs_key: EncryptionKey,
    log_retention_days: int,
    parent: pulumi.Resource,
    classification: str = "internal",
    role: aws.iam.Role | None = None,
) -> FunctionBasics:
    """The log group `/aws/lambda/<function_name>` and the execution role, both children of `parent`.
    Without `role`, the role is named like the function (so resource policies can name it before it
    exists); pass one from `execution_role` for a prefix-named role."""
    child = pulumi.ResourceOptions(parent=parent)
    log_group = EncryptedLogGroup(
        f"{name}-logs",
        LogGroupArgs(
            log_group_name=f"/aws/lambda/{function_name}",
            retention_days=log_retention_days,
            key=logs_key,
            classification=classification,
        ),
        opts=child,
    )
    if role is None:
        role = aws.iam.Role(
            f"{name}-role",
            name=function_name,
            assume_role_policy=service_trust(["lambda.amazonaws.com"], account_id),
            description=description,
            max_session_duration=3600,
            opts=child,
        )
    return FunctionBasics(log_group, role)


@dataclass
class PackagedFunction:
    """One function of a shared package: what differs between the functions built from it."""

    function_name: str
    description: str
    handler: str
    package: LambdaPackage
    environment: Mapping[str, pulumi.Input[str]]
    timeout: int
    reserved_concurrency: int = 0
    memory_size: int = 256
    vpc_config: aws.lambda_.FunctionVpcConfigArgsDict | None = None
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


def packaged_function(
    name: str, spec: PackagedFunction, basics: FunctionBasics, grants: Sequence[Grant], parent: pulumi.Resource
) -> aws.lambda_.Function:
    """The role's inline policy from `grants` and the function (Python on arm64, X-Ray, JSON logs to its
    own group), created after that policy and the log group."""
    access = aws.iam.RolePolicy(
        f"{name}-access",
        role=basics.role.id,
        policy=policy_document(grants),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return aws.lambda_.Function(
        f"{name}-function",
        name=spec.function_name,
        description=spec.description,
        handler=spec.handler,
        code=spec.package.archive(),
        source_code_hash=spec.package.source_code_hash,
        memory_size=spec.memory_size,
        timeout=spec.timeout,
        reserved_concurrent_executions=spec.reserved_concurrency or None,
        environment={"variables": dict(spec.environment)},
        vpc_config=spec.vpc_config,
        role=basics.role.arn,
        runtime=PYTHON_RUNTIME,
        architectures=[ARCHITECTURE],
        tracing_config=ACTIVE_TRACING,
        logging_config=basics.logging_config(),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[access, basics.log_group, *spec.depends_on]),
    )
