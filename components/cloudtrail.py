"""The audit trail: multi-region CloudTrail to the audit bucket and CloudWatch Logs, with CIS alarms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grants import policy_document, service_trust
from components.kms import EncryptionKey
from components.log_group import EncryptedLogGroup, LogGroupArgs

CIS_NAMESPACE = "GenAIPlatform/CISBenchmark"

# CIS AWS Foundations Benchmark (v1.4-v3.0, section "Monitoring") metric filter patterns.
CIS_METRIC_FILTERS: dict[str, tuple[str, str]] = {
    "unauthorized-api-calls": (
        "UnauthorizedAPICalls",
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
        '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    ),
    "root-usage": (
        "RootAccountUsage",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    ),
    "iam-policy-changes": (
        "IAMPolicyChanges",
        "{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || "
        "($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || "
        "($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || "
        "($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || "
        "($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || "
        "($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }",
    ),
    "cloudtrail-changes": (
        "CloudTrailConfigChanges",
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
        "($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    ),
    "kms-key-disable-or-deletion": (
        "KMSKeyDisableOrScheduledDeletion",
        "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
    ),
    "security-group-changes": (
        "SecurityGroupChanges",
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || "
        "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || "
        "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    ),
}


@dataclass
class AuditTrailArgs:
    trail_name: str
    """Exactly the name the audit bucket policy and the audit key policy admit."""
    bucket_name: pulumi.Input[str]
    key_prefix: str
    trail_key: EncryptionKey
    log_group_name: str
    logs_key: EncryptionKey
    """A CMK whose policy lets CloudWatch Logs use it for `log_group_name`."""
    log_retention_days: int
    data_bucket_arns: Sequence[pulumi.Input[str]]
    """Buckets whose object-level (data) events are recorded. Not the trail's own bucket: that loops."""
    function_arns: Sequence[pulumi.Input[str]]
    """Functions whose invocations (data events) are recorded."""
    topic_arn: pulumi.Input[str]
    name_prefix: str
    account_id: pulumi.Input[str]
    depends_on: Sequence[pulumi.Resource] = ()
    """What must exist first (the audit bucket and its policy)."""
    table_arn_prefixes: Sequence[pulumi.Input[str]] = ()
    """DynamoDB tables (ARN prefixes: the tables are autonamed) whose item writes (data events) are
    recorded: the write-once lineage table."""


class AuditTrail(pulumi.ComponentResource):
    """A multi-region trail with log-file validation, global service events and KMS (the audit key),
    delivered to the audit bucket and to a CMK-encrypted log group (through a delivery role limited to
    that group); management events, S3 data events for the data-lake buckets and Lambda data events for
    the filter; CIS metric filters with alarms to the alert topic.
    """

    trail: aws.cloudtrail.Trail

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:AuditTrail", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.log_group = EncryptedLogGroup(
            f"{name}-logs",
            LogGroupArgs(
                log_group_name=args.log_group_name,
                retention_days=args.log_retention_days,
                key=args.logs_key,
                classification="restricted",
            ),
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-delivery-role",
            assume_role_policy=service_trust(["cloudtrail.amazonaws.com"], args.account_id),
            description="CloudTrail delivery to its CloudWatch log group",
            opts=child,
        )
        delivery = aws.iam.RolePolicy(
            f"{name}-delivery",
            role=role.id,
            policy=policy_document([self.log_group.grant_write()]),
            opts=child,
        )
        selectors: list[aws.cloudtrail.TrailAdvancedEventSelectorArgsDict] = [
            {"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}
        ]
        if args.data_bucket_arns:
            selectors.append(
                {
                    "name": "Data-lake object access",
                    "field_selectors": [
                        {"field": "eventCategory", "equals": ["Data"]},
                        {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                        {
                            "field": "resources.ARN",
                            "starts_withs": [pulumi.Output.concat(arn, "/") for arn in args.data_bucket_arns],
                        },
                    ],
                }
            )
        if args.function_arns:
            selectors.append(
                {
                    "name": "Filter function invocations",
                    "field_selectors": [
                        {"field": "eventCategory", "equals": ["Data"]},
                        {"field": "resources.type", "equals": ["AWS::Lambda::Function"]},
                        {"field": "resources.ARN", "equals": list(args.function_arns)},
                    ],
                }
            )
        if args.table_arn_prefixes:
            selectors.append(
                {
                    "name": "Lineage table writes",
                    "field_selectors": [
                        {"field": "eventCategory", "equals": ["Data"]},
                        {"field": "resources.type", "equals": ["AWS::DynamoDB::Table"]},
                        {"field": "readOnly", "equals": ["false"]},
                        {"field": "resources.ARN", "starts_withs": list(args.table_arn_prefixes)},
                    ],
                }
            )
        self.trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=args.trail_name,
            s3_bucket_name=args.bucket_name,
            s3_key_prefix=args.key_prefix,
            kms_key_id=args.trail_key.arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.log_group.arn, ":*"),
            cloud_watch_logs_role_arn=role.arn,
            advanced_event_selectors=selectors,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[delivery, *args.depends_on]),
        )

        for key, (metric, pattern) in CIS_METRIC_FILTERS.items():
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{key}",
                name=f"{args.name_prefix}-{key}",
                log_group_name=self.log_group.name,
                pattern=pattern,
                metric_transformation={"name": metric, "namespace": CIS_NAMESPACE, "value": "1"},
                opts=child,
            )
            aws.cloudwatch.MetricAlarm(
                f"{name}-{key}-alarm",
                name=f"{args.name_prefix}-cis-{key}",
                alarm_description=f"CIS: {metric} in CloudTrail",
                namespace=CIS_NAMESPACE,
                metric_name=metric,
                statistic="Sum",
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[args.topic_arn],
                ok_actions=[args.topic_arn],
                opts=child,
            )
        self.register_outputs({"trailArn": self.trail.arn, "logGroup": self.log_group.name})
