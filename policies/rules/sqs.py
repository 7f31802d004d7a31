"""SQS: encryption at rest, queue policies not open to everyone, and event queues that cannot lose
a message silently (a dead-letter queue) or be read with the AWS managed key (a CMK for S3 events)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    CRITICAL,
    HIGH,
    MEDIUM,
    Meta,
    Res,
    Stack,
    falsy,
    insecure,
    public_statements,
    resource_rule,
    secure,
    stack_rule,
)

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
EVENT_SOURCE = "aws:lambda/eventSourceMapping:EventSourceMapping"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
AWS_MANAGED_SQS_KEY = "alias/aws/sqs"
_PUBLIC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}'
_SCOPED = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},'
    '"Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:eu-west-1:1:t"}}}]}'
)


def _encrypted(res: Res) -> Iterator[str]:
    # New queues get SSE-SQS unless the program turns it off; a KMS key also encrypts.
    if falsy(res.props.get("sqsManagedSseEnabled")) and not res.props.get("kmsMasterKeyId"):
        yield f"Queue '{res.name}' turns encryption at rest off (sqsManagedSseEnabled=False, no kmsMasterKeyId)."


def _public(res: Res) -> Iterator[str]:
    for _ in public_statements(res.props.get("policy")):
        yield f"Queue policy '{res.name}' allows the principal '*' without a condition."


def _event_queues_fail_safe(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for queue in stack.of_type(QUEUE):
        if stack.referencing(queue, EVENT_SOURCE, "eventSourceArn") and not queue.props.get("redrivePolicy"):
            yield (
                queue.urn,
                f"Queue '{queue.name}' feeds a Lambda function without a dead-letter queue: a message that "
                "keeps failing is retried until it expires, and nothing alarms.",
            )


def _s3_event_queues_use_a_cmk(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for queue in stack.of_type(QUEUE):
        key = str(queue.props.get("kmsMasterKeyId") or "")
        if stack.referencing(queue, NOTIFICATION, "queues") and (not key or key.endswith(AWS_MANAGED_SQS_KEY)):
            yield (
                queue.urn,
                f"Queue '{queue.name}' receives S3 event notifications (object keys, writers) but is not "
                "encrypted with a customer managed key whose policy admits S3 for that bucket.",
            )


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-sqs-queue-encryption",
                "SQS queues are encrypted at rest.",
                MEDIUM,
                (),
                "Leave sqs_managed_sse_enabled on, or set kms_master_key_id.",
                examples=(
                    secure({}, "SSE-SQS by default"),
                    secure({"kmsMasterKeyId": "alias/aws/sqs"}),
                    insecure({"sqsManagedSseEnabled": False}),
                ),
            ),
            [QUEUE],
            _encrypted,
        ),
        resource_rule(
            Meta(
                "aws-sqs-queue-policy-no-public",
                "SQS queue policies are not open to everyone.",
                CRITICAL,
                (),
                "Name the sending service or account, with an aws:SourceArn or aws:SourceAccount condition.",
                examples=(
                    secure({"queueUrl": "https://sqs/q", "policy": _SCOPED}),
                    insecure({"queueUrl": "https://sqs/q", "policy": _PUBLIC}),
                    insecure({"policy": _PUBLIC}, type=QUEUE),
                ),
            ),
            [QUEUE_POLICY, QUEUE],
            _public,
        ),
        stack_rule(
            Meta(
                "aws-sqs-event-source-dead-letter",
                "A queue that feeds a Lambda function has a dead-letter queue.",
                HIGH,
                (),
                "Set redrive_policy with a deadLetterTargetArn and maxReceiveCount, and alarm on the DLQ's depth.",
            ),
            _event_queues_fail_safe,
        ),
        stack_rule(
            Meta(
                "aws-sqs-s3-notification-cmk",
                "A queue that receives S3 event notifications is encrypted with a customer managed KMS key.",
                MEDIUM,
                (),
                "Set kms_master_key_id to a CMK whose policy lets s3.amazonaws.com GenerateDataKey and Decrypt "
                "for the source bucket (aws:SourceArn, aws:SourceAccount); S3 cannot use alias/aws/sqs.",
            ),
            _s3_event_queues_use_a_cmk,
        ),
    ]
