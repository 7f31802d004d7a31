"""KMS: key rotation and key policies (no public administration, administrators who do not use the
key, and named administrators rather than the account root in production)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    CIS_AWS,
    CRITICAL,
    HIGH,
    OWASP_LLM,
    PRODUCTION_CONFIG,
    Meta,
    Res,
    Statement,
    action_matches,
    as_list,
    as_map,
    in_production,
    parse_document,
    resource_rule,
)

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"

# What makes a principal a key administrator: it can change who may use the key, or destroy it.
# (kms:CreateGrant is left out: services such as Auto Scaling need it to use a key, not to manage it.)
ADMIN_ACTIONS = ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey")
USE_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom")
# The account root as a key-policy principal: "delegate to IAM policies in this account".
_ACCOUNT_ROOT = re.compile(r"^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$")


def _rotation(res: Res) -> Iterator[str]:
    spec = res.props.get("customerMasterKeySpec") or res.props.get("keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and res.props.get("enableKeyRotation") is not True:
        yield f"KMS key '{res.name}' does not enable automatic key rotation."


def _open_policy(res: Res) -> Iterator[str]:
    for st in parse_document(res.props.get("policy")) or []:
        if st.allows and "*" in st.principals and any(action_matches(a, "kms:*") or a == "*" for a in st.actions):
            yield f"Key policy of '{res.name}' grants kms:* to the principal '*'."


def _aws_principals(st: Statement) -> list[str]:
    principal = st.raw.get("Principal")
    if isinstance(principal, str):
        return [principal]
    return [str(p) for p in as_list(as_map(principal).get("AWS"))]


def _granted(st: Statement, wanted: tuple[str, ...]) -> list[str]:
    """The actions of ``wanted`` that an Allow statement grants (Action patterns or NotAction)."""
    if st.not_actions:
        return [a for a in wanted if not any(action_matches(p, a) for p in st.not_actions)]
    return [a for a in wanted if any(action_matches(p, a) for p in st.actions)]


def _admins_use(res: Res) -> Iterator[str]:
    """A named principal (not '*', not the account root) that both administers and uses the key."""
    admin: dict[str, set[str]] = {}
    use: dict[str, set[str]] = {}
    for st in parse_document(res.props.get("policy")) or []:
        if not st.allows:
            continue
        for principal in _aws_principals(st):
            if principal == "*" or _ACCOUNT_ROOT.match(principal):
                continue
            admin.setdefault(principal, set()).update(_granted(st, ADMIN_ACTIONS))
            use.setdefault(principal, set()).update(_granted(st, USE_ACTIONS))
    for principal in sorted(admin):
        if admin[principal] and use[principal]:
            yield (
                f"Key policy of '{res.name}' lets {principal} both administer the key "
                f"({', '.join(sorted(admin[principal]))}) and use it ({', '.join(sorted(use[principal]))})."
            )


def _root_admin(res: Res) -> Iterator[str]:
    env = in_production(res)
    if env is None:
        return
    for st in parse_document(res.props.get("policy")) or []:
        roots = [p for p in _aws_principals(st) if _ACCOUNT_ROOT.match(p)]
        granted = _granted(st, ADMIN_ACTIONS) if st.allows and roots else []
        if granted:
            yield (
                f"Key policy of '{res.name}' lets the account root ({', '.join(roots)}) administer the key "
                f"({', '.join(granted)}) in production environment '{env}'."
            )


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
        resource_rule(
            Meta(
                "aws-kms-key-policy-admin-separation",
                "Principals a KMS key policy names as key administrators are not also allowed to use the key.",
                HIGH,
                (f"{OWASP_LLM}:LLM02",),
                "Give administrator roles only management actions (kms:Create*, Describe*, Enable*, List*, Put*, "
                "Update*, Revoke*, Disable*, Get*, Delete*, TagResource, UntagResource, ScheduleKeyDeletion, "
                "CancelKeyDeletion) and grant use through IAM policies of other principals (EncryptionKey does).",
            ),
            [KEY, KEY_POLICY],
            _admins_use,
        ),
        resource_rule(
            Meta(
                "aws-kms-key-policy-named-admins",
                "In production, KMS keys are administered by named roles, not by the account root.",
                HIGH,
                (f"{OWASP_LLM}:LLM02",),
                "Name the administrator roles in the key policy (genai-platform:kms.keyAdministratorRoleArns, "
                "including the role that deploys) and leave the account root only key use, conditioned on "
                "kms:CallerAccount.",
                PRODUCTION_CONFIG,
            ),
            [KEY, KEY_POLICY],
            _root_admin,
        ),
    ]
