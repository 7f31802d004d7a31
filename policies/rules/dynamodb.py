"""DynamoDB: point-in-time recovery, encryption with a KMS key, deletion protection."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import LOW, MEDIUM, Meta, Res, dig, insecure, resource_rule, secure, truthy

TABLE = "aws:dynamodb/table:Table"
_GOOD = {
    "billingMode": "PAY_PER_REQUEST",
    "hashKey": "id",
    "pointInTimeRecovery": {"enabled": True},
    "serverSideEncryption": {"enabled": True},
    "deletionProtectionEnabled": True,
}


def _pitr(res: Res) -> Iterator[str]:
    if not truthy(dig(res.props, "pointInTimeRecovery", "enabled")):
        yield f"Table '{res.name}' has no point-in-time recovery."


def _kms(res: Res) -> Iterator[str]:
    if not truthy(dig(res.props, "serverSideEncryption", "enabled")):
        yield f"Table '{res.name}' is encrypted with an AWS-owned key only (serverSideEncryption not enabled)."


def _deletion(res: Res) -> Iterator[str]:
    if not truthy(res.props.get("deletionProtectionEnabled")):
        yield f"Table '{res.name}' has no deletion protection."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-dynamodb-table-pitr",
                "DynamoDB tables have point-in-time recovery.",
                MEDIUM,
                (),
                "Set point_in_time_recovery={enabled: True}.",
                examples=(secure(_GOOD), insecure({**_GOOD, "pointInTimeRecovery": None})),
            ),
            [TABLE],
            _pitr,
        ),
        resource_rule(
            Meta(
                "aws-dynamodb-table-cmk",
                "DynamoDB tables are encrypted with a KMS key (AWS-managed or your own).",
                LOW,
                (),
                "Set server_side_encryption={enabled: True} (with kms_key_arn for a key you manage).",
                examples=(secure(_GOOD), insecure({**_GOOD, "serverSideEncryption": {"enabled": False}})),
            ),
            [TABLE],
            _kms,
        ),
        resource_rule(
            Meta(
                "aws-dynamodb-table-deletion-protection",
                "DynamoDB tables have deletion protection.",
                LOW,
                (),
                "Set deletion_protection_enabled=True.",
                examples=(secure(_GOOD), insecure({**_GOOD, "deletionProtectionEnabled": False})),
            ),
            [TABLE],
            _deletion,
        ),
    ]
