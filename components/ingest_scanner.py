"""Ingestion scanning: every object version written to `raw` is screened before anything reads it.

S3 event notification → SQS queue (CMK, dead-letter queue, alarms) → scanner Lambda
(`lambdas/ingest/ingest_handler.py`) → verdict tags on the version, a copy of flagged and quarantined
versions in the quarantine bucket, one lineage record per version in DynamoDB (docs/integrity.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.bucket import CLASSIFICATION_TAG, SCAN_STATUS_TAG, SecureBucket
from components.grants import Grant, policy_document, queue_consume, table_write_once, xray_write
from components.kms import EncryptionKey, ServiceUse
from components.lambda_base import (
    CodeSigning,
    endpoint_only_security_group,
    function_basics,
    vpc_access,
    vpc_function,
)
from components.lambda_package import LambdaPackage
from components.monitoring import dashboard_metric, dashboard_widget

# The scanner's configuration (genai_ingest.config reads these names).
ENV_MAX_BYTES = "INGEST_MAX_BYTES"
ENV_FORMATS = "INGEST_FORMATS"
ENV_QUARANTINE_BUCKET = "INGEST_QUARANTINE_BUCKET"
ENV_LINEAGE_TABLE = "INGEST_LINEAGE_TABLE"


def scanner_resource_name(name_prefix: str) -> str:
    return f"{name_prefix}-ingest-scanner"


def lineage_table_resource_name(scanner_name: str) -> str:
    """The lineage table's resource name; the table is autonamed `<this>-<7 random characters>`."""
    return f"{scanner_name}-lineage"


# The lineage record's key (genai_ingest.lineage).
LINEAGE_PARTITION_KEY, LINEAGE_SORT_KEY = "object", "version"
# The tag keys the scanner's quarantine copy carries (genai_ingest.pipeline).
QUARANTINE_TAG_KEYS = (CLASSIFICATION_TAG, SCAN_STATUS_TAG)
# Lambda's advice: the queue's visibility timeout at least six times the function's timeout, so a
# throttled batch is retried rather than counted as a failed receive.
VISIBILITY_TIMEOUT_FACTOR = 6
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600
# Longer than the queue's: a message's age counts from its first enqueue, also in the DLQ.
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
BACKLOG_ALARM_SECONDS = 3600
"""An object waiting longer than this for its verdict alarms: it stays unpromoted until scanned."""
ALARM_PERIOD_SECONDS = 300


def scanner_function_name(name_prefix: str) -> str:
    return f"{name_prefix}-ingest-scanner"


def scan_queue_prefix(name_prefix: str) -> str:
    """The scan queues' name prefix (autonamed: the key's policy names them before they exist)."""
    return f"{name_prefix}-ingest-"


def ingest_key_uses(account_id: pulumi.Input[str], region: str, name_prefix: str) -> list[ServiceUse]:
    """What the scanner's CMK must allow services in its key policy.

    - S3 encrypts the event notifications it sends to the queue (S3 user guide, "Configuring
      notifications for a KMS-encrypted SQS queue": GenerateDataKey and Decrypt, the latter for the
      test message S3 sends when the configuration is written). SQS makes these calls for S3 with the
      queue's ARN as encryption context (`aws:sqs:arn`, SQS developer guide, "Key management"); the
      aws:SourceArn/aws:SourceAccount keys may be absent from them, so the statement is limited to
      this environment's scan queues by that context instead (the queue policy keeps the source keys).

    CloudWatch Logs' statement for the function's log group is added when the key is sealed
    (`EncryptionKey.seal`), like every log group's."""
    queues = pulumi.Output.concat("arn:aws:sqs:", region, ":", account_id, ":", scan_queue_prefix(name_prefix), "*")
    return [
        ServiceUse(
            service="s3.amazonaws.com",
            actions=("kms:GenerateDataKey", "kms:Decrypt"),
            condition={"ArnLike": {"kms:EncryptionContext:aws:sqs:arn": queues}},
            sid="S3NotificationsToTheScanQueue",
        ),
    ]


@dataclass
class IngestScannerArgs:
    name_prefix: str
    package: LambdaPackage
    """`lambdas/ingest` with the filter's `genai_filter` (its detectors are used, not copied)."""
    source: SecureBucket
    """The bucket whose every new object version is scanned (`raw`)."""
    quarantine: SecureBucket
    """Where flagged and quarantined versions are copied; readable only by the security team."""
    key: EncryptionKey
    """Encrypts the queues, the lineage table, the log group and the environment; its policy must
    include `ingest_key_uses(...)`."""
    topic_arn: pulumi.Input[str]
    """The alert topic the DLQ and backlog alarms notify."""
    max_bytes: int
    formats: Sequence[str]
    batch_size: int
    max_concurrency: int
    """The event source mapping's ceiling (2 or more): how many functions read the queue at once."""
    reserved_concurrency: int
    """0: none; else at least `max_concurrency` (a throttled batch counts as a failed receive)."""
    memory_mb: int
    timeout_seconds: int
    max_receive_count: int
    """Receives before a message moves to the dead-letter queue."""
    protect: bool
    """Deletion protection, `protect` and retain-on-delete for the lineage table (prod)."""
    log_retention_days: int
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    endpoint_security_group_id: pulumi.Input[str]
    gateway_prefix_list_ids: Sequence[pulumi.Input[str]]
    """The S3 and DynamoDB gateway endpoints' prefix lists: the only other egress (443)."""
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    code_signing: CodeSigning | None = None


class IngestScanner(pulumi.ComponentResource):
    """The scan pipeline of one bucket, with the filter function's posture:

    - an SQS queue and its dead-letter queue, both encrypted with the CMK; the queue policy lets only
      S3, for the source bucket of this account, send to the queue, and only over TLS; the DLQ
      accepts only this queue's redrives;
    - the bucket's event notification for every object created (each new version), written after the
      queue policy exists (S3 validates the destination when the configuration is put);
    - the lineage table (CMK, point-in-time recovery, deletion protection and retention in prod);
    - Python 3.12 on arm64, X-Ray, JSON logs to its own CMK log group, the environment encrypted with
      the CMK, in the private subnets with egress only to the interface endpoints and the S3 and
      DynamoDB gateway endpoints, code signing when asked;
    - a role (unique name) that may read every version of the source bucket and its tags, tag it with
      the verdict keys, copy into the quarantine bucket with the verdict tags, get and put lineage
      items (no update or delete), consume the queue, and use the keys through their services;
    - an event source mapping reporting batch item failures, with a concurrency ceiling;
    - alarms to the alert topic: any message in the DLQ, and a message waiting over an hour; a
      dashboard of both queues and the function.
    """

    function: aws.lambda_.Function
    role: aws.iam.Role
    queue: aws.sqs.Queue
    dead_letter_queue: aws.sqs.Queue
    table: aws.dynamodb.Table
    notification: aws.s3.BucketNotification

    def __init__(self, name: str, args: IngestScannerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:data:IngestScanner", name, None, opts)
        if args.reserved_concurrency and args.reserved_concurrency < args.max_concurrency:
            raise ValueError(f"{name}: reserved concurrency below the event source mapping's maximum concurrency")
        child = pulumi.ResourceOptions(parent=self)
        function_name = scanner_function_name(args.name_prefix)

        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-dlq",
            name_prefix=f"{scan_queue_prefix(args.name_prefix)}dlq-",
            kms_master_key_id=args.key.arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            opts=child,
        )
        self.queue = aws.sqs.Queue(
            f"{name}-queue",
            name_prefix=scan_queue_prefix(args.name_prefix),
            kms_master_key_id=args.key.arn,
            kms_data_key_reuse_period_seconds=300,
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_FACTOR * args.timeout_seconds,
            message_retention_seconds=QUEUE_RETENTION_SECONDS,
            receive_wait_time_seconds=20,
            redrive_policy=self.dead_letter_queue.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receive_count})
            ),
            opts=child,
        )
        aws.sqs.RedriveAllowPolicy(
            f"{name}-dlq-sources",
            queue_url=self.dead_letter_queue.url,
            redrive_allow_policy=self.queue.arn.apply(
                lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
            ),
            opts=child,
        )
        queue_policy = aws.sqs.QueuePolicy(
            f"{name}-queue-policy",
            queue_url=self.queue.url,
            policy=policy_document(self._queue_policy(args)),
            opts=child,
        )
        self.notification = aws.s3.BucketNotification(
            f"{name}-notification",
            bucket=args.source.name,
            queues=[{"id": "scan-every-new-version", "queue_arn": self.queue.arn, "events": ["s3:ObjectCreated:*"]}],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[queue_policy]),
        )
        self.table = aws.dynamodb.Table(
            lineage_table_resource_name(name),
            billing_mode="PAY_PER_REQUEST",
            hash_key=LINEAGE_PARTITION_KEY,
            range_key=LINEAGE_SORT_KEY,
            attributes=[{"name": LINEAGE_PARTITION_KEY, "type": "S"}, {"name": LINEAGE_SORT_KEY, "type": "S"}],
            server_side_encryption={"enabled": True, "kms_key_arn": args.key.arn},
            point_in_time_recovery={"enabled": True},
            deletion_protection_enabled=args.protect,
            tags={"DataClassification": "internal"},
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )

        basics = function_basics(
            name,
            function_name=function_name,
            description="Execution role of the ingestion scanner",
            account_id=args.account_id,
            logs_key=args.key,
            log_retention_days=args.log_retention_days,
            parent=self,
        )
        self.log_group, self.role = basics.log_group, basics.role
        access = aws.iam.RolePolicy(
            f"{name}-access", role=self.role.id, policy=policy_document(self._grants(args)), opts=child
        )
        vpc_attachment = vpc_access(name, self.role, args.partition, self)
        self.security_group = endpoint_only_security_group(
            name,
            function_name=function_name,
            description="Ingestion scanner: egress to the VPC endpoints only",
            vpc_id=args.vpc_id,
            endpoint_security_group_id=args.endpoint_security_group_id,
            endpoint_rule_description="AWS APIs through the interface VPC endpoints (KMS, X-Ray, Logs)",
            parent=self,
        )
        for i, prefix_list in enumerate(args.gateway_prefix_list_ids):
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-egress-gateway-{i}",
                security_group_id=self.security_group.id,
                description="S3 and DynamoDB through their gateway endpoints",
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                prefix_list_id=prefix_list,
                opts=child,
            )
        self.function = vpc_function(
            name,
            basics=basics,
            function_name=function_name,
            description="Scans every object version written to the raw bucket (docs/integrity.md)",
            handler="ingest_handler.handler",
            package=args.package,
            memory_mb=args.memory_mb,
            timeout_seconds=args.timeout_seconds,
            reserved_concurrency=args.reserved_concurrency,
            key=args.key,
            environment={
                ENV_MAX_BYTES: str(args.max_bytes),
                ENV_FORMATS: ",".join(args.formats),
                ENV_QUARANTINE_BUCKET: args.quarantine.name,
                ENV_LINEAGE_TABLE: self.table.name,
            },
            subnet_ids=args.subnet_ids,
            security_group=self.security_group,
            depends_on=[access, vpc_attachment, self.log_group],
            code_signing=args.code_signing,
            parent=self,
        )
        self.event_source = aws.lambda_.EventSourceMapping(
            f"{name}-events",
            event_source_arn=self.queue.arn,
            function_name=self.function.arn,
            batch_size=args.batch_size,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config={"maximum_concurrency": args.max_concurrency},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access]),
        )
        self._alarms(name, args)
        self.register_outputs(
            {
                "functionArn": self.function.arn,
                "roleArn": self.role.arn,
                "queueArn": self.queue.arn,
                "deadLetterQueueArn": self.dead_letter_queue.arn,
                "lineageTable": self.table.name,
            }
        )

    def _queue_policy(self, args: IngestScannerArgs) -> list[Grant]:
        return [
            Grant(
                sid="S3SendsObjectEvents",
                actions=["sqs:SendMessage"],
                resources=[self.queue.arn],
                principals={"Service": ["s3.amazonaws.com"]},
                condition={
                    "ArnEquals": {"aws:SourceArn": args.source.arn},
                    "StringEquals": {"aws:SourceAccount": args.account_id},
                },
            ),
            Grant(
                sid="DenyInsecureTransport",
                effect="Deny",
                actions=["sqs:*"],
                resources=[self.queue.arn],
                principals={"AWS": ["*"]},
                condition={"Bool": {"aws:SecureTransport": "false"}},
            ),
        ]

    def _grants(self, args: IngestScannerArgs) -> list[Grant]:
        def via(*services: str) -> list[str]:
            return [f"{service}.{args.region}.amazonaws.com" for service in services]

        return [
            self.log_group.grant_write(),
            xray_write(),
            *args.source.grant_scan(),
            *args.quarantine.grant_write(tag_keys=QUARANTINE_TAG_KEYS),
            table_write_once(self.table.arn),
            queue_consume(self.queue.arn),
            # The queue's messages and the environment are only decrypted; lineage items are written.
            args.key.grant_decrypt(via_services=via("sqs", "lambda")),
            args.key.grant_encrypt_decrypt(via_services=via("dynamodb")),
        ]

    def _alarms(self, name: str, args: IngestScannerArgs) -> None:
        def alarm(key: str, description: str, queue: aws.sqs.Queue, metric: str, threshold: int) -> None:
            aws.cloudwatch.MetricAlarm(
                f"{name}-{key}",
                name=f"{args.name_prefix}-{key}",
                alarm_description=description,
                namespace="AWS/SQS",
                metric_name=metric,
                dimensions={"QueueName": queue.name},
                statistic="Maximum",
                period=ALARM_PERIOD_SECONDS,
                evaluation_periods=1,
                threshold=threshold,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[args.topic_arn],
                ok_actions=[args.topic_arn],
                opts=pulumi.ResourceOptions(parent=self),
            )

        alarm(
            "ingest-dlq-not-empty",
            "An object version failed scanning after every retry: it stays unpromoted (docs/integrity.md)",
            self.dead_letter_queue,
            "ApproximateNumberOfMessagesVisible",
            0,
        )
        alarm(
            "ingest-backlog",
            f"An object version has waited over {BACKLOG_ALARM_SECONDS // 60} minutes for its scan",
            self.queue,
            "ApproximateAgeOfOldestMessage",
            BACKLOG_ALARM_SECONDS,
        )
        aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=f"{args.name_prefix}-ingest",
            dashboard_body=pulumi.Output.all(
                self.queue.name, self.dead_letter_queue.name, scanner_function_name(args.name_prefix)
            ).apply(lambda names: json.dumps(_dashboard(args.region, *names), sort_keys=True)),
            opts=pulumi.ResourceOptions(parent=self),
        )


def _dashboard(region: str, queue: str, dlq: str, function: str) -> dict[str, Any]:
    """Every alarmed metric, and the scanner's own."""
    fn = {"FunctionName": function}
    return {
        "widgets": [
            dashboard_widget(
                "Scan queue: waiting versions and the oldest one's age (s)",
                region,
                [
                    dashboard_metric(
                        "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue}, stat="Maximum"
                    ),
                    dashboard_metric(
                        "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": queue}, stat="Maximum", yAxis="right"
                    ),
                ],
                0,
                0,
            ),
            dashboard_widget(
                "Dead-letter queue: versions that failed every retry",
                region,
                [dashboard_metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": dlq}, stat="Maximum")],
                12,
                0,
            ),
            dashboard_widget(
                "Scanner errors, throttles and duration p99 (ms)",
                region,
                [
                    dashboard_metric("AWS/Lambda", "Errors", fn, stat="Sum"),
                    dashboard_metric("AWS/Lambda", "Throttles", fn, stat="Sum"),
                    dashboard_metric("AWS/Lambda", "Duration", fn, stat="p99", yAxis="right"),
                ],
                0,
                6,
            ),
        ]
    }
