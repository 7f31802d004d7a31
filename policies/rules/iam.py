"""IAM: identity policies (Policy, RolePolicy, UserPolicy, GroupPolicy, Role.inlinePolicies) and trust
policies. ``NotAction`` in an Allow statement grants everything else, so it counts as a wildcard."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Policy

from ._common import (
    CIS_AWS,
    CRITICAL,
    HIGH,
    MEDIUM,
    OWASP_LLM,
    Meta,
    Res,
    Statement,
    action_matches,
    as_list,
    as_map,
    dig,
    insecure,
    parse_document,
    resource_rule,
    secure,
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
                continue
            service_wide = sorted(a for a in st.actions if a.endswith(":*"))
            if st.allows and service_wide and "*" in st.resources:
                yield f"Policy '{label}' allows every action of a service ({', '.join(service_wide)}) on Resource '*'."


# AWS-managed policies that grant a whole service (or everything): too broad for a workload role.
BROAD_MANAGED_POLICIES = (
    "AdministratorAccess",
    "PowerUserAccess",
    "IAMFullAccess",
    "SecretsManagerReadWrite",
)


def _broad_managed(arn: str) -> bool:
    if ":iam::aws:policy/" not in arn:
        return False
    name = arn.rsplit("/", 1)[-1]
    return name in BROAD_MANAGED_POLICIES or name.endswith(("FullAccess", "_FullAccess"))


def _user_access_key(res: Res) -> Iterator[str]:
    yield f"Access key '{res.name}' creates long-lived credentials for IAM user {res.props.get('user')}."


def _user_policies(res: Res) -> Iterator[str]:
    if res.type == "aws:iam/policyAttachment:PolicyAttachment" and not as_list(res.props.get("users")):
        return
    yield f"'{res.name}' attaches a policy directly to an IAM user; grant it through a group or a role."


GITHUB_OIDC = "token.actions.githubusercontent.com"


def _condition_values(st: Statement, key: str) -> list[str]:
    values: list[str] = []
    for operator, conditions in as_map(st.raw.get("Condition")).items():
        if str(operator).startswith("ForAnyValue") or not isinstance(conditions, Mapping):
            continue
        values.extend(str(v) for v in as_list(conditions.get(key)))
    return values


def _github_oidc(res: Res) -> Iterator[str]:
    for st in parse_document(res.props.get("assumeRolePolicy")) or []:
        if not st.allows or not any(GITHUB_OIDC in p for p in st.principals):
            continue
        if "sts.amazonaws.com" not in _condition_values(st, f"{GITHUB_OIDC}:aud"):
            yield f"Role '{res.name}' trusts GitHub OIDC without an aud condition (sts.amazonaws.com)."
        subjects = _condition_values(st, f"{GITHUB_OIDC}:sub")
        if not subjects or any(s.strip() in ("*", "repo:*") or s.startswith("repo:*") for s in subjects):
            yield f"Role '{res.name}' trusts GitHub OIDC without a sub condition naming the repository (and branch or environment)."


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
        if isinstance(arn, str) and _broad_managed(arn):
            yield f"'{res.name}' attaches the AWS-managed policy {arn.rsplit('/', 1)[-1]}, which grants a whole service or more."


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
                "No role, user or group gets an administrator or whole-service (…FullAccess) AWS-managed policy.",
                CRITICAL,
                (f"{CIS_AWS}:1.16",),
                "Attach a least-privilege policy listing the actions and resources the principal needs.",
                examples=(
                    secure({"role": "r", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}),
                    secure(
                        {"role": "r", "policyArn": "arn:aws:iam::123456789012:policy/AppFullAccess"}, "customer-managed"
                    ),
                    insecure({"role": "r", "policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}),
                    insecure({"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
                ),
            ),
            [*ATTACHMENT_TYPES, ROLE],
            _admin_attachment,
        ),
        resource_rule(
            Meta(
                "aws-iam-github-oidc-trust-conditions",
                "Roles trusted by GitHub Actions OIDC pin the audience and the repository.",
                CRITICAL,
                (),
                "Add Condition StringEquals token.actions.githubusercontent.com:aud = sts.amazonaws.com and "
                "StringEquals/StringLike token.actions.githubusercontent.com:sub = repo:<org>/<repo>:ref:refs/heads/main "
                "(or :environment:<env>).",
                examples=(
                    secure(
                        {
                            "assumeRolePolicy": _oidc_trust(
                                {
                                    "StringEquals": {
                                        f"{GITHUB_OIDC}:aud": "sts.amazonaws.com",
                                        f"{GITHUB_OIDC}:sub": "repo:acme/app:ref:refs/heads/main",
                                    }
                                }
                            )
                        }
                    ),
                    insecure(
                        {
                            "assumeRolePolicy": _oidc_trust(
                                {"StringEquals": {f"{GITHUB_OIDC}:aud": "sts.amazonaws.com"}}
                            )
                        },
                        "any repository",
                    ),
                    insecure({"assumeRolePolicy": _oidc_trust({"StringLike": {f"{GITHUB_OIDC}:sub": "repo:*"}})}),
                ),
            ),
            [ROLE],
            _github_oidc,
        ),
        resource_rule(
            Meta(
                "aws-iam-user-no-access-keys",
                "Programs do not create long-lived IAM user access keys.",
                HIGH,
                (),
                "Use a role: OIDC federation for CI, instance/task/pod roles for workloads.",
                examples=(insecure({"user": "deployer"}),),
            ),
            ["aws:iam/accessKey:AccessKey"],
            _user_access_key,
        ),
        resource_rule(
            Meta(
                "aws-iam-user-no-policies",
                "IAM users get permissions through groups or roles, not attached policies.",
                MEDIUM,
                (),
                "Attach the policy to a group (or use a role) and add the user to the group.",
                examples=(
                    insecure({"user": "u", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
                    insecure(
                        {"user": "u", "policy": '{"Version":"2012-10-17","Statement":[]}'},
                        type="aws:iam/userPolicy:UserPolicy",
                    ),
                    secure(
                        {"roles": ["r"], "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                        type="aws:iam/policyAttachment:PolicyAttachment",
                    ),
                ),
            ),
            [
                "aws:iam/userPolicyAttachment:UserPolicyAttachment",
                "aws:iam/userPolicy:UserPolicy",
                "aws:iam/policyAttachment:PolicyAttachment",
            ],
            _user_policies,
        ),
    ]


def _oidc_trust(condition: Mapping[str, Any]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{GITHUB_OIDC}"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": condition,
                }
            ],
        }
    )
