"""Kinesis Data Streams: encryption at rest."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import MEDIUM, Meta, Res, insecure, resource_rule, secure

STREAM = "aws:kinesis/stream:Stream"


def _encrypted(res: Res) -> Iterator[str]:
    if str(res.props.get("encryptionType") or "NONE").upper() != "KMS":
        yield f"Stream '{res.name}' is not encrypted at rest (encryptionType != 'KMS')."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-kinesis-stream-encrypted",
                "Kinesis streams are encrypted at rest.",
                MEDIUM,
                (),
                "Set encryption_type='KMS' and kms_key_id ('alias/aws/kinesis' or a key you manage).",
                examples=(
                    secure({"shardCount": 1, "encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"}),
                    insecure({"shardCount": 1}),
                ),
            ),
            [STREAM],
            _encrypted,
        ),
    ]
