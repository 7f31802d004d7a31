"""KMS: key rotation and key policies."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CIS_AWS, CRITICAL, HIGH, OWASP_LLM, Meta, Res, action_matches, parse_document, resource_rule

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"


def _rotation(res: Res) -> Iterator[str]:
    spec = res.props.get("customerMasterKeySpec") or res.props.get("keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and res.props.get("enableKeyRotation") is not True:
        yield f"KMS key '{res.name}' does not enable automatic key rotation."


def _open_policy(res: Res) -> Iterator[str]:
    for st in parse_document(res.props.get("policy")) or []:
        if st.allows and "*" in st.principals and any(action_matches(a, "kms:*") or a == "*" for a in st.actions):
            yield f"Key policy of '{res.name}' grants kms:* to the principal '*'."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-kms-key-rotation",
                "Symmetric KMS keys rotate automatically.",
                HIGH,
                (f"{CIS_AWS}:3.6",),
                "Set enableKeyRotation=True on the key.",
            ),
            [KEY],
            _rotation,
        ),
        resource_rule(
            Meta(
                "aws-kms-key-policy-no-public-admin",
                "KMS key policies never grant kms:* to the principal '*'.",
                CRITICAL,
                (f"{OWASP_LLM}:LLM02",),
                "Grant kms:* only to the account root or named admin roles; give services the "
                "specific actions they need.",
            ),
            [KEY, KEY_POLICY],
            _open_policy,
        ),
    ]
