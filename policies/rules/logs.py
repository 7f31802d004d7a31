"""CloudWatch Logs: KMS encryption and minimum retention on every log group."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import MEDIUM, OWASP_LLM, Meta, Res, resource_rule

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _kms(res: Res) -> Iterator[str]:
    if not res.props.get("kmsKeyId"):
        yield f"Log group '{res.name}' is not encrypted with a KMS key."


def _retention(res: Res) -> Iterator[str]:
    minimum = res.config.number("minRetentionDays", 90)
    days = res.props.get("retentionInDays")
    if not isinstance(days, int | float) or isinstance(days, bool) or days <= 0:
        yield f"Log group '{res.name}' sets no retentionInDays (minimum {minimum:g})."
    elif days < minimum:
        yield f"Log group '{res.name}' keeps logs {days:g} days, below the minimum {minimum:g}."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-logs-log-group-kms",
                "Log groups are encrypted with a KMS key.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM02",),
                "Set kmsKeyId to a customer-managed KMS key whose policy lets the logs service use it.",
            ),
            [LOG_GROUP],
            _kms,
        ),
        resource_rule(
            Meta(
                "aws-logs-log-group-retention",
                "Log groups keep logs at least the minimum retention.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM10",),
                "Set retentionInDays to at least minRetentionDays.",
                {"minRetentionDays": {"type": "number", "default": 90}},
            ),
            [LOG_GROUP],
            _retention,
        ),
    ]
