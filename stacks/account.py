"""The account stage's composition: the account's singletons, exported for the platform stacks."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.account import AccountBaseline, AccountBaselineArgs, autoscaling_role_arn
from stacks.settings import AccountSettings


def build_account(settings: AccountSettings) -> AccountBaseline:
    provider = aws.Provider(
        f"aws-account-{settings.region}", region=settings.region, default_tags={"tags": settings.base_tags()}
    )
    invoke = pulumi.InvokeOptions(provider=provider)
    # Plain values: an import id must be known when the resource is declared.
    account_id = aws.get_caller_identity(opts=invoke).account_id
    partition = aws.get_partition(opts=invoke).partition
    baseline = AccountBaseline(
        f"genai-account-{settings.region}",
        AccountBaselineArgs(
            account_id=account_id,
            partition=partition,
            auto_scaling_role_import_arn=(
                autoscaling_role_arn(partition, account_id) if settings.auto_scaling_role_exists else None
            ),
            guard_duty_detector_id=settings.guard_duty_detector_id,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    pulumi.export("accountId", account_id)
    pulumi.export("region", settings.region)
    pulumi.export("autoScalingRoleArn", baseline.autoscaling_role_arn)
    pulumi.export("apiGatewayLoggingRoleArn", baseline.api_logging_role_arn)
    pulumi.export("guardDutyDetectorId", baseline.detector_id)
    return baseline
