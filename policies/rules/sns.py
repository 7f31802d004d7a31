"""SNS: KMS encryption."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import MEDIUM, Meta, Res, resource_rule

TOPIC = "aws:sns/topic:Topic"


def _kms(res: Res) -> Iterator[str]:
    if not res.props.get("kmsMasterKeyId"):
        yield f"Topic '{res.name}' is not encrypted with a KMS key."


def policies() -> list[Policy]:
    return [
        resource_rule(Meta("aws-sns-topic-kms", "SNS topics are encrypted with a KMS key.", MEDIUM, (),
                           "Set kmsMasterKeyId to a CMK whose policy lets the publishers use it."),
                      [TOPIC], _kms),
    ]
