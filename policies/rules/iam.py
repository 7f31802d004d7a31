"""IAM: identity policies (Policy, RolePolicy, UserPolicy, GroupPolicy, Role.inlinePolicies) and trust
policies. ``NotAction`` in an Allow statement grants everything else, so it counts as a wildcard."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    CIS_AWS,
    CRITICAL,
    HIGH,
    OWASP_LLM,
    Meta,
    Res,
    Statement,
    action_matches,
    as_list,
    dig,
    parse_document,
    resource_rule,
)

ROLE = "aws:iam/role:Role"
DOCUMENT_TYPES = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
INLINE_TYPES = {"aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"}
ATTACHMENT_TYPES = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
]


def _documents(res: Res) -> Iterator[tuple[str, list[Statement]]]:
    """(label, statements) for every identity-policy document the resource carries."""
    if res.type in DOCUMENT_TYPES:
        yield res.name, parse_document(res.props.get(DOCUMENT_TYPES[res.type])) or []
    if res.type == ROLE:
        for inline in as_list(res.props.get("inlinePolicies")):
            label = f"{res.name}/{dig(inline, 'name') or 'inline'}"
            yield label, parse_document(dig(inline, "policy")) or []


def _grants(st: Statement, action: str) -> bool:
    if not st.allows:
        return False
    if st.not_actions:
        return not any(action_matches(a, action) for a in st.not_actions)
    return any(action_matches(a, action) for a in st.actions)


def _wildcard_action(res: Res) -> Iterator[str]:
    for label, statements in _documents(res):
        for st in statements:
            if st.allows and ("*" in st.actions or st.not_actions):
                kind = "NotAction" if st.not_actions else "Action '*'"
                yield f"Policy '{label}' allows {kind}; list the actions the principal needs."


def _wildcard_resource_data(res: Res) -> Iterator[str]:
    prefixes = [p.lower() for p in res.config.strings("dataActionPrefixes")]
    for label, statements in _documents(res):
        for st in statements:
            if not st.allows or "*" not in st.resources:
                continue
            hits = sorted({a for a in st.actions if any(a.lower().startswith(p) or a == "*" for p in prefixes)})
            if st.not_actions:
                hits.append("NotAction")
            if hits:
                yield f"Policy '{label}' allows data/secret actions {hits} on Resource '*'."


def _passrole(res: Res) -> Iterator[str]:
    for label, statements in _documents(res):
        for st in statements:
            if "*" in st.resources and _grants(st, "iam:PassRole"):
                yield f"Policy '{label}' allows iam:PassRole on Resource '*'."


def _trust(res: Res) -> Iterator[str]:
    for st in parse_document(res.props.get("assumeRolePolicy")) or []:
        if st.allows and "*" in st.principals:
            yield f"Trust policy of role '{res.name}' allows the principal '*'."


def _inline_admin(res: Res) -> Iterator[str]:
    if res.type not in INLINE_TYPES and res.type != ROLE:
        return
    for label, statements in _documents(res):
        for st in statements:
            if st.allows and "*" in st.resources and ("*" in st.actions or st.not_actions):
                yield f"Inline policy '{label}' grants administrator access (all actions on all resources)."


def _admin_attachment(res: Res) -> Iterator[str]:
    arns = [res.props.get("policyArn"), *as_list(res.props.get("managedPolicyArns"))]
    for arn in arns:
        if isinstance(arn, str) and arn.endswith((":policy/AdministratorAccess", ":policy/IAMFullAccess")):
            yield f"'{res.name}' attaches {arn.rsplit('/', 1)[-1]}."


def policies() -> list[Policy]:
    documents = [*DOCUMENT_TYPES, ROLE]
    return [
        resource_rule(
            Meta(
                "aws-iam-policy-no-wildcard-action",
                "IAM policies never allow Action '*' (or Allow with NotAction).",
                CRITICAL,
                (f"{CIS_AWS}:1.16", f"{OWASP_LLM}:LLM06"),
                "Replace '*' with the specific actions the stage needs.",
            ),
            documents,
            _wildcard_action,
        ),
        resource_rule(
            Meta(
                "aws-iam-policy-no-wildcard-resource-data",
                "IAM policies scope data and secret actions to named resources.",
                HIGH,
                (f"{CIS_AWS}:1.16", f"{OWASP_LLM}:LLM02"),
                "Replace Resource '*' with the bucket, key or secret ARNs.",
                {
                    "dataActionPrefixes": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": [
                            "s3:",
                            "kms:",
                            "secretsmanager:",
                            "ssm:GetParameter",
                            "dynamodb:",
                            "rds-data:",
                            "sagemaker:InvokeEndpoint",
                            "bedrock:InvokeModel",
                        ],
                    }
                },
            ),
            documents,
            _wildcard_resource_data,
        ),
        resource_rule(
            Meta(
                "aws-iam-policy-no-passrole-wildcard",
                "iam:PassRole is never allowed on '*'.",
                CRITICAL,
                (f"{CIS_AWS}:1.16", f"{OWASP_LLM}:LLM06"),
                "Scope iam:PassRole to the role ARNs, with an iam:PassedToService condition.",
            ),
            documents,
            _passrole,
        ),
        resource_rule(
            Meta(
                "aws-iam-role-trust-no-wildcard-principal",
                "Role trust policies never allow the principal '*'.",
                CRITICAL,
                (f"{CIS_AWS}:1.16", f"{OWASP_LLM}:LLM06"),
                "Name the trusted service, account or OIDC provider in the assumeRolePolicy.",
            ),
            [ROLE],
            _trust,
        ),
        resource_rule(
            Meta(
                "aws-iam-no-inline-admin",
                "No inline policy grants administrator access.",
                CRITICAL,
                (f"{CIS_AWS}:1.16", f"{OWASP_LLM}:LLM06"),
                "Remove the '*:*' inline policy; grant least-privilege actions per stage.",
            ),
            documents,
            _inline_admin,
        ),
        resource_rule(
            Meta(
                "aws-iam-no-admin-managed-policy",
                "No role, user or group gets the AdministratorAccess or IAMFullAccess managed policy.",
                CRITICAL,
                (f"{CIS_AWS}:1.16",),
                "Attach a least-privilege customer-managed policy instead.",
            ),
            [*ATTACHMENT_TYPES, ROLE],
            _admin_attachment,
        ),
    ]
