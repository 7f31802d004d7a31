"""SNS: KMS encryption."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CRITICAL, MEDIUM, Meta, Res, public_statements, resource_rule

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"


def _kms(res: Res) -> Iterator[str]:
    if not res.props.get("kmsMasterKeyId"):
        yield f"Topic '{res.name}' is not encrypted with a KMS key."


def _public(res: Res) -> Iterator[str]:
    for _ in public_statements(res.props.get("policy")):
        yield f"Topic policy '{res.name}' allows the principal '*' without a condition."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-sns-topic-kms",
                "SNS topics are encrypted with a KMS key.",
                MEDIUM,
                (),
                "Set kmsMasterKeyId to a CMK whose policy lets the publishers use it.",
            ),
            [TOPIC],
            _kms,
        ),
        resource_rule(
            Meta(
                "aws-sns-topic-policy-no-public",
                "SNS topic policies are not open to everyone.",
                CRITICAL,
                (),
                "Name the publishing services/accounts, or add aws:SourceArn/aws:SourceAccount conditions.",
            ),
            [TOPIC, TOPIC_POLICY],
            _public,
        ),
    ]
