"""SQS: encryption at rest and queue policies not open to everyone."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CRITICAL, MEDIUM, Meta, Res, falsy, insecure, public_statements, resource_rule, secure

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
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
    ]
