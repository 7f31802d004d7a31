"""What every platform function shares: runtime, tracing, JSON logs to its own encrypted log group,
and an execution role that only Lambda in this account may assume."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grants import service_trust
from components.kms import EncryptionKey
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
) -> FunctionBasics:
    """The log group `/aws/lambda/<function_name>` and the execution role (named like the function,
    so resource policies can name it before it exists), both children of `parent`."""
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
    role = aws.iam.Role(
        f"{name}-role",
        name=function_name,
        assume_role_policy=service_trust(["lambda.amazonaws.com"], account_id),
        description=description,
        max_session_duration=3600,
        opts=child,
    )
    return FunctionBasics(log_group, role)
