"""Security operations: the alert topic, GuardDuty findings (the detector is the account stage's), the audit
trail with CIS alarms, and the edge's alarms."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.bucket import CLOUDTRAIL_PREFIX
from components.cloudtrail import AuditTrail, AuditTrailArgs
from components.guardduty import ThreatDetection, ThreatDetectionArgs
from components.ingest_scanner import lineage_table_resource_name, scanner_resource_name
from components.kms import EncryptionKey
from components.lambda_package import build_package
from components.monitoring import AlertTopic, AlertTopicArgs, EdgeAlarms, EdgeAlarmsArgs, publisher_key_uses
from components.response import (
    FindingsReport,
    ResponseFunction,
    ResponseFunctionArgs,
    ResponsePackageArgs,
    SourceBlocklist,
    SourceBlocklistArgs,
    response_role,
)
from components.security_hub import SecurityFindings, SecurityFindingsArgs
from stacks.compute import ComputePlane
from stacks.context import PlatformContext
from stacks.data import DataPlane, trail_name
from stacks.edge import BUILD_DIR, ROOT, EdgePlane
from stacks.settings import GUARDDUTY_SEVERITIES
from stacks.stages import AccountOutputs

# The trail's own bucket is left out of data events: every delivery would log another event.
TRAIL_DATA_BUCKETS = ("raw", "curated", "models")
RESPONSE_SOURCE = ROOT / "lambdas" / "response"


def cloudtrail_log_group_name(ctx: PlatformContext) -> str:
    return f"/genai/{ctx.settings.environment}/cloudtrail"


@dataclass
class OperationsPlane:
    topic: AlertTopic
    guardduty: ThreatDetection
    trail: AuditTrail
    alarms: EdgeAlarms
    key: EncryptionKey
    response: ResponseFunction
    blocklist: SourceBlocklist
    report: FindingsReport
    security_hub: SecurityFindings


def containment_role(ctx: PlatformContext) -> aws.iam.Role:
    """The response function's role, created before the network whose S3 endpoint names it."""
    return response_role(ctx.prefix, ctx.account_id, ctx.opts())


def build_operations(
    ctx: PlatformContext,
    data: DataPlane,
    compute: ComputePlane,
    edge: EdgePlane,
    account: AccountOutputs,
    role: aws.iam.Role,
) -> OperationsPlane:
    s = ctx.settings
    alert_topic_name = f"{ctx.prefix}-security-alerts"
    key = ctx.encryption_key(
        "operations",
        "Alert topic and the CloudTrail log group",
        services=[
            *publisher_key_uses(ctx.partition, ctx.region, ctx.account_id, ctx.prefix, alert_topic_name),
        ],
    )
    topic = AlertTopic(
        f"{ctx.prefix}-alerts",
        AlertTopicArgs(
            topic_name=alert_topic_name,
            key=key,
            emails=s.monitoring.alarm_emails,
            account_id=ctx.account_id,
            partition=ctx.partition,
            region=ctx.region,
            name_prefix=ctx.prefix,
        ),
        opts=ctx.opts(),
    )
    guardduty = ThreatDetection(
        f"{ctx.prefix}-guardduty",
        ThreatDetectionArgs(
            name_prefix=ctx.prefix,
            min_severity=GUARDDUTY_SEVERITIES[s.monitoring.guardduty_min_severity],
            topic_arn=topic.arn,
            detector_id=account.detector_id,
        ),
        opts=ctx.opts(),
    )
    audit = data.lake.bucket("audit")
    trail = AuditTrail(
        f"{ctx.prefix}-audit-trail",
        AuditTrailArgs(
            trail_name=trail_name(ctx),
            bucket_name=audit.name,
            key_prefix=CLOUDTRAIL_PREFIX.rstrip("/"),
            trail_key=data.lake.keys["audit"],
            log_group_name=cloudtrail_log_group_name(ctx),
            logs_key=key,
            log_retention_days=s.audit_log_retention_days,
            data_bucket_arns=[data.lake.bucket(purpose).arn for purpose in TRAIL_DATA_BUCKETS],
            function_arns=[edge.filter.arn],
            # The lineage table (built later, stacks/ingest.py, autonamed from its resource name): IAM cannot
            # make PutItem write-once, so every write to it is logged (docs/integrity.md).
            table_arn_prefixes=[
                pulumi.Output.format(
                    "arn:{0}:dynamodb:{1}:{2}:table/{3}-",
                    ctx.partition,
                    ctx.region,
                    ctx.account_id,
                    lineage_table_resource_name(scanner_resource_name(ctx.prefix)),
                )
            ],
            topic_arn=topic.arn,
            name_prefix=ctx.prefix,
            account_id=ctx.account_id,
            depends_on=[audit],
        ),
        opts=ctx.opts(),
    )
    alarms = EdgeAlarms(
        f"{ctx.prefix}-edge-alarms",
        EdgeAlarmsArgs(
            name_prefix=ctx.prefix,
            region=ctx.region,
            topic_arn=topic.arn,
            function_name=edge.function_name,
            api_name=edge.api_name,
            stage_name=edge.stage_name,
            web_acl_name=edge.web_acl_name,
            routes=edge.routes,
            api_p99_latency_ms=s.monitoring.api_p99_latency_ms,
            api_5xx_threshold=s.monitoring.api_5xx_threshold,
            waf_blocked_threshold=s.monitoring.waf_blocked_threshold,
            block_rate_band_width=s.monitoring.block_rate_band_width,
        ),
        opts=ctx.opts(),
    )
    cluster = compute.cluster
    # One package serves the three functions (containment, block list, weekly report): built once.
    package = build_package(RESPONSE_SOURCE, BUILD_DIR, "response")
    common = ResponsePackageArgs(
        name_prefix=ctx.prefix,
        package=package,
        filter_log_group_name=f"/aws/lambda/{edge.function_name}",
        audit_bucket=audit,
        topic_arn=topic.arn,
        topic_key=key,
        logs_key=edge.logs_key,
        log_retention_days=s.audit_log_retention_days,
        account_id=ctx.account_id,
        partition=ctx.partition,
        region=ctx.region,
        reserved_concurrency=s.response.reserved_concurrency,
    )
    response = ResponseFunction(
        f"{ctx.prefix}-response",
        ResponseFunctionArgs(
            common=common,
            role=role,
            min_severity=GUARDDUTY_SEVERITIES[s.response.min_severity],
            dry_run=s.response.dry_run,
            cluster_name=cluster.name,
            cluster_security_group_id=cluster.cluster_security_group_id,
            vpc_id=compute.vpc_id,
            subnet_ids=compute.lambda_subnet_ids,
            lake_buckets={purpose: data.lake.bucket(purpose) for purpose in TRAIL_DATA_BUCKETS},
            volume_key=compute.volume_key,
        ),
        opts=ctx.opts(),
    )
    ip_set = edge.waf.blocked_sources
    blocklist = SourceBlocklist(
        f"{ctx.prefix}-blocklist",
        SourceBlocklistArgs(
            common=common,
            ip_set_arn=ip_set.arn,
            ip_set_name=ip_set.name,
            ip_set_id=ip_set.id,
            threshold=s.response.source_blocked_threshold,
            window_minutes=s.response.source_window_minutes,
            block_minutes=s.response.source_block_minutes,
            deletion_protection=s.protect_data,
        ),
        opts=ctx.opts(),
    )
    report = FindingsReport(f"{ctx.prefix}-findings-report", common, s.response.weekly_report_schedule, opts=ctx.opts())
    # The hub is the account stage's (account.security_hub_arn); this environment routes its own findings.
    security_hub = SecurityFindings(
        f"{ctx.prefix}-security-hub",
        SecurityFindingsArgs(
            name_prefix=ctx.prefix,
            environment=s.environment,
            min_severity=s.response.security_hub_min_severity,
            topic_arn=topic.arn,
            account_findings=s.response.account_findings,
        ),
        opts=ctx.opts(),
    )
    return OperationsPlane(
        topic=topic,
        guardduty=guardduty,
        trail=trail,
        alarms=alarms,
        key=key,
        response=response,
        blocklist=blocklist,
        report=report,
        security_hub=security_hub,
    )
