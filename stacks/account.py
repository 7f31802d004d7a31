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
    account_id = aws.get_caller_identity_output(opts=invoke).account_id
    partition = aws.get_partition_output(opts=invoke).partition
    import_arn = hub_import = None
    # An import id must be a plain value when the resource is declared, and an explicit provider
    # may not be configured yet during a first preview: ask the default one (same credentials).
    if settings.auto_scaling_role_exists:
        import_arn = autoscaling_role_arn(aws.get_partition().partition, aws.get_caller_identity().account_id)
    if settings.security_hub_exists:
        hub_import = aws.get_caller_identity().account_id
    baseline = AccountBaseline(
        f"genai-account-{settings.region}",
        AccountBaselineArgs(
            account_id=account_id,
            partition=partition,
            auto_scaling_role_import_arn=import_arn,
            guard_duty_detector_id=settings.guard_duty_detector_id,
            region=settings.region,
            inspector_ecr=settings.inspector_ecr,
            security_hub_import_id=hub_import,
            access_analyzer_name=settings.access_analyzer_name,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    pulumi.export("accountId", account_id)
    pulumi.export("region", settings.region)
    pulumi.export("autoScalingRoleArn", baseline.autoscaling_role_arn)
    pulumi.export("apiGatewayLoggingRoleArn", baseline.api_logging_role_arn)
    pulumi.export("guardDutyDetectorId", baseline.detector_id)
    pulumi.export("securityHubArn", baseline.security_hub_arn)
    return baseline
