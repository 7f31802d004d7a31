"""A small IAM evaluator over the plan: identity, resource and key policies of one account together.

It answers "may principal P call action A on resource R with request context C?" the way AWS does for
a request inside one account:

- an explicit Deny in any applicable policy wins;
- otherwise the identity policies OR the resource policy must Allow (a resource policy naming the
  account root only delegates to IAM, it grants nothing by itself);
- for KMS the key policy is the authority: it must Allow the principal directly, or Allow the account
  root (the "Enable IAM policies" statement), in which case an identity policy must Allow too.

Conditions are evaluated for the keys listed in `MODELLED_KEYS`. A condition on any other key (or an
operator not implemented here) is *unknown*: an Allow with an unknown condition grants nothing and a
Deny with one might apply, so an unknown never turns into access. Decisions say which key was unknown.

Not modelled: permission boundaries, SCPs, session policies, cross-account access, NotPrincipal,
policy variables, KMS grants, ABAC on principal tags. See docs/deploy-contracts.md.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

from infra.contracts.model import Deployment, Document, Resource

ContextValue = str | Sequence[str]
Context = Mapping[str, ContextValue]

MODELLED_KEYS = (
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:securetransport",
    "aws:multifactorauthpresent",
    "s3:requestobjecttag/",
    "s3:requestobjecttagkeys",
    "s3:existingobjecttag/",
    "s3:x-amz-acl",
    "s3:x-amz-server-side-encryption",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:tlsversion",
    "s3:prefix",
    "kms:encryptioncontext:",
    "kms:encryptioncontextkeys",
    "kms:viaservice",
    "kms:calleraccount",
    "kms:grantisforawsresource",
    "dynamodb:leadingkeys",
)

# AWS managed policies the platform attaches, reduced to the statements that matter for the intents.
# Source: the AWS managed policy reference (docs.aws.amazon.com/aws-managed-policy/latest/reference/).
AWS_MANAGED_POLICIES: dict[str, list[dict[str, Any]]] = {
    "AmazonEC2ContainerRegistryReadOnly": [
        {
            "Effect": "Allow",
            "Action": [
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:GetRepositoryPolicy",
                "ecr:DescribeRepositories",
                "ecr:ListImages",
                "ecr:DescribeImages",
                "ecr:BatchGetImage",
                "ecr:GetLifecyclePolicy",
                "ecr:GetLifecyclePolicyPreview",
                "ecr:ListTagsForResource",
                "ecr:DescribeImageScanFindings",
            ],
            "Resource": "*",
        }
    ],
    "AmazonEC2ContainerRegistryPullOnly": [
        {
            "Effect": "Allow",
            "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": "*",
        }
    ],
    "AmazonAPIGatewayPushToCloudWatchLogs": [
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:DescribeLogGroups",
                "logs:DescribeLogStreams",
                "logs:PutLogEvents",
                "logs:GetLogEvents",
                "logs:FilterLogEvents",
            ],
            "Resource": "*",
        }
    ],
    "AWSLambdaBasicExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
    "AWSLambdaVPCAccessExecutionRole": [
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            "Resource": "*",
        }
    ],
}


ADMINISTRATOR: Document = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


class Tri(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Principal:
    """Who calls: an IAM ARN (`kind="AWS"`) or a service principal (`kind="Service"`)."""

    kind: str
    id: str

    @staticmethod
    def aws(arn: str) -> Principal:
        return Principal("AWS", arn)

    @staticmethod
    def service(name: str) -> Principal:
        return Principal("Service", name)

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    principals: Mapping[str, tuple[str, ...]] | None
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]]
    sid: str
    source: str
    """Where the statement comes from: `<resource name> (<kind>)`."""

    @property
    def label(self) -> str:
        return f"{self.source} {self.sid or '(no Sid)'}"


def as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value)
    return (str(value),)


def parse_statements(document: Document | None, source: str) -> list[Statement]:
    if not document:
        return []
    raw = document.get("Statement", [])
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for s in items:
        if not isinstance(s, Mapping):
            continue
        principal = s.get("Principal")
        principals: dict[str, tuple[str, ...]] | None
        if principal is None:
            principals = None
        elif principal == "*":
            principals = {"AWS": ("*",)}
        else:
            principals = {str(k): as_tuple(v) for k, v in dict(principal).items()}
        conditions = {
            str(op): {str(k): as_tuple(v) for k, v in dict(block).items()}
            for op, block in dict(s.get("Condition") or {}).items()
        }
        out.append(
            Statement(
                effect=str(s.get("Effect", "Allow")),
                actions=as_tuple(s.get("Action")),
                not_actions=as_tuple(s.get("NotAction")),
                resources=as_tuple(s.get("Resource")) if "Resource" in s or "NotResource" in s else ("*",),
                not_resources=as_tuple(s.get("NotResource")),
                principals=principals,
                conditions=conditions,
                sid=str(s.get("Sid", "")),
                source=source,
            )
        )
    return out


def _glob(pattern: str, value: str, *, fold: bool = False) -> bool:
    if fold:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def action_matches(statement: Statement, action: str) -> bool:
    if statement.not_actions:
        return not any(_glob(p, action, fold=True) for p in statement.not_actions)
    return any(_glob(p, action, fold=True) for p in statement.actions)


def resource_matches(statement: Statement, resource: str) -> bool:
    if statement.not_resources:
        return not any(_glob(p, resource) for p in statement.not_resources)
    return any(_glob(p, resource) for p in statement.resources)


class Match(Enum):
    NONE = "none"
    DIRECT = "direct"
    ACCOUNT = "account"
    """The statement names the principal's account (root): it delegates to the account's IAM policies."""


def principal_matches(statement: Statement, principal: Principal, account: str) -> Match:
    if statement.principals is None:
        return Match.NONE
    for kind, ids in statement.principals.items():
        for pid in ids:
            if kind == "AWS" and pid == "*":
                return Match.DIRECT
            if kind != principal.kind:
                continue
            if pid == principal.id:
                return Match.DIRECT
            if kind == "AWS" and principal.id.split(":")[4:5] == [account] and pid in _roots(account):
                return Match.ACCOUNT
    return Match.NONE


def _roots(account: str) -> tuple[str, ...]:
    return (account, f"arn:aws:iam::{account}:root")


# --- conditions ------------------------------------------------------------------------------------


def is_modelled(key: str) -> bool:
    lowered = key.lower()
    return any(lowered == k or (k.endswith(("/", ":")) and lowered.startswith(k)) for k in MODELLED_KEYS)


def _lookup(context: Context, key: str) -> tuple[str, ...] | None:
    lowered = key.lower()
    for k, v in context.items():
        if k.lower() == lowered:
            return as_tuple(v)
    return None


_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NumericNotEquals",
}


def _value_matches(op: str, value: str, wanted: str) -> bool | None:
    base = op.replace("Not", "", 1) if op in _NEGATED else op
    if base in ("StringEquals", "ArnEquals"):
        return value == wanted
    if base == "StringEqualsIgnoreCase":
        return value.lower() == wanted.lower()
    if base in ("StringLike", "ArnLike"):
        return _glob(wanted, value)
    if base == "Bool":
        return value.lower() == wanted.lower()
    if base.startswith("Numeric"):
        try:
            a, b = float(value), float(wanted)
        except ValueError:
            return False
        return {
            "NumericEquals": a == b,
            "NumericLessThan": a < b,
            "NumericLessThanEquals": a <= b,
            "NumericGreaterThan": a > b,
            "NumericGreaterThanEquals": a >= b,
        }.get(base)
    return None


@dataclass(frozen=True)
class Outcome:
    value: Tri
    unknown: str = ""
    """The key or operator that made the outcome unknown."""


def conditions_hold(conditions: Mapping[str, Mapping[str, Sequence[str]]], context: Context) -> Outcome:
    """All condition blocks of a statement, ANDed; unknown if any block is unknown and none is false."""
    unknown = ""
    for op, block in conditions.items():
        for key, wanted in block.items():
            result = _one_condition(op, key, tuple(wanted), context)
            if result is Tri.FALSE:
                return Outcome(Tri.FALSE)
            if result is Tri.UNKNOWN and not unknown:
                unknown = f"{op} {key}"
    return Outcome(Tri.UNKNOWN, unknown) if unknown else Outcome(Tri.TRUE)


def _one_condition(op: str, key: str, wanted: tuple[str, ...], context: Context) -> Tri:
    if not is_modelled(key):
        return Tri.UNKNOWN
    qualifier, _, base = op.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    present = _lookup(context, key)
    if base == "Null":
        return Tri.TRUE if (present is None) == (wanted[:1] == ("true",)) else Tri.FALSE
    if _value_matches(base, "", "") is None:
        return Tri.UNKNOWN
    negated = base in _NEGATED

    def hit(value: str) -> bool:
        return any(_value_matches(base, value, w) for w in wanted)

    if qualifier == "ForAllValues":
        if not present:
            return Tri.TRUE
        ok = all((not hit(v)) if negated else hit(v) for v in present)
        return Tri.TRUE if ok else Tri.FALSE
    if qualifier == "ForAnyValue":
        if not present:
            return Tri.FALSE
        ok = any((not hit(v)) if negated else hit(v) for v in present)
        return Tri.TRUE if ok else Tri.FALSE
    if qualifier:
        return Tri.UNKNOWN
    if present is None:
        return Tri.TRUE if (if_exists or negated) else Tri.FALSE
    matched = any(hit(v) for v in present)
    return Tri.TRUE if matched != negated else Tri.FALSE


# --- the evaluator ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    principal: Principal
    action: str
    resource: str
    context: Context = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def _s3_bucket(arn: str) -> str | None:
    match = re.match(r"^arn:aws[a-z-]*:s3:::([^/]+)", arn)
    return match.group(1) if match else None


class PolicyIndex:
    """Which policies apply to which principal and resource in a deployment."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.account = deployment.account

    @cached_property
    def _roles_by_arn(self) -> dict[str, Resource]:
        return {r.arn: r for r in self.deployment.of_type("aws:iam/role:Role") if r.arn}

    def _role_refs(self, role: Resource) -> set[str]:
        name = (role.arn or "").rsplit("/", 1)[-1]
        return {name, role.urn, str(role.raw.get("id") or "")} - {""}

    def _attached_to(self, holder: Resource, role: Resource) -> bool:
        ref = holder.inputs.get("role")
        return ref in self._role_refs(role) or role.urn in holder.property_dependencies("role")

    def identity(self, principal: Principal) -> tuple[list[Statement], list[str]]:
        """Identity statements of a role, and notes on managed policies whose content is not known."""
        if principal.kind == "AWS" and principal.id == self.deployment.deployer:
            return parse_statements(ADMINISTRATOR, "deployer (assumed AdministratorAccess)"), []
        role = self._roles_by_arn.get(principal.id) if principal.kind == "AWS" else None
        if role is None:
            return [], []
        out: list[Statement] = []
        notes: list[str] = []
        for doc in role.inputs.get("inlinePolicies") or []:
            if isinstance(doc, Mapping) and isinstance(doc.get("policy"), str):
                out += parse_statements(json.loads(doc["policy"]), f"{role.name} (inline)")
        for holder in self.deployment.of_type("aws:iam/rolePolicy:RolePolicy"):
            if self._attached_to(holder, role):
                out += parse_statements(holder.document("policy"), f"{holder.name} (identity)")
        for attachment in self.deployment.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
            if not self._attached_to(attachment, role):
                continue
            arn = str(attachment.inputs.get("policyArn", ""))
            managed = self.deployment.by_arn.get(arn)
            if managed is not None and managed.type == "aws:iam/policy:Policy":
                out += parse_statements(managed.document("policy"), f"{managed.name} (identity)")
            elif arn.startswith("arn:aws:iam::aws:policy/"):
                name = arn.rsplit("/", 1)[-1]
                known = AWS_MANAGED_POLICIES.get(name)
                if known is None:
                    notes.append(f"AWS managed policy {name} not modelled")
                else:
                    out += parse_statements({"Statement": known}, f"{name} (AWS managed)")
        return out, notes

    def resource_policy(self, resource_arn: str, action: str = "sts:AssumeRole") -> tuple[str, list[Statement]]:
        """(kind, statements) of the resource-based policy that governs `action` on `resource_arn` (a role's
        trust policy governs only sts: calls; IAM calls on a role are decided by identity policies)."""
        d = self.deployment
        target = d.by_arn.get(resource_arn)
        if target is not None and target.type == "aws:kms/key:Key":
            return "key", parse_statements(target.document("policy"), f"{target.name} (key policy)")
        if target is not None and target.type == "aws:iam/role:Role" and action.lower().startswith("sts:"):
            return "trust", parse_statements(target.document("assumeRolePolicy"), f"{target.name} (trust)")
        bucket = _s3_bucket(resource_arn)
        if bucket is not None:
            return "resource", [
                s
                for p in d.of_type("aws:s3/bucketPolicy:BucketPolicy")
                if p.inputs.get("bucket") == bucket
                for s in parse_statements(p.document("policy"), f"{p.name} (bucket policy)")
            ]
        if target is not None:
            return "resource", self._attached_policies(target)
        return "resource", []

    def _attached_policies(self, target: Resource) -> list[Statement]:
        d = self.deployment
        out: list[Statement] = []
        pairs = {
            "aws:secretsmanager/secret:Secret": ("aws:secretsmanager/secretPolicy:SecretPolicy", "secretArn"),
            "aws:sns/topic:Topic": ("aws:sns/topicPolicy:TopicPolicy", "arn"),
            "aws:sqs/queue:Queue": ("aws:sqs/queuePolicy:QueuePolicy", "queueUrl"),
            "aws:ecr/repository:Repository": ("aws:ecr/repositoryPolicy:RepositoryPolicy", "repository"),
        }
        if target.type in pairs:
            policy_type, prop = pairs[target.type]
            for p in d.of_type(policy_type):
                ref = p.inputs.get(prop)
                if target.urn in p.property_dependencies(prop) or ref in (target.arn, target.inputs.get("name")):
                    out += parse_statements(p.document("policy"), f"{p.name} (resource policy)")
        if target.type == "aws:lambda/function:Function":
            out += self._lambda_permissions(target)
        return out

    def _lambda_permissions(self, function: Resource) -> list[Statement]:
        out = []
        for p in self.deployment.of_type("aws:lambda/permission:Permission"):
            ref = p.inputs.get("function")
            if function.urn not in p.property_dependencies("function") and ref not in (
                function.arn,
                function.inputs.get("name"),
            ):
                continue
            principal = str(p.inputs.get("principal", ""))
            kind = "Service" if principal.endswith(".amazonaws.com") else "AWS"
            conditions: dict[str, dict[str, tuple[str, ...]]] = {}
            if p.inputs.get("sourceArn"):
                conditions["ArnLike"] = {"aws:SourceArn": (str(p.inputs["sourceArn"]),)}
            if p.inputs.get("sourceAccount"):
                conditions["StringEquals"] = {"aws:SourceAccount": (str(p.inputs["sourceAccount"]),)}
            out.append(
                Statement(
                    "Allow",
                    as_tuple(p.inputs.get("action")),
                    (),
                    (function.arn or "*",),
                    (),
                    {kind: (principal,)},
                    conditions,
                    p.name,
                    f"{p.name} (lambda permission)",
                )
            )
        return out


def _full_context(request: Request, account: str) -> dict[str, ContextValue]:
    context: dict[str, ContextValue] = {"aws:SecureTransport": "true"}
    if request.action.lower().startswith("s3:"):
        context["s3:TlsVersion"] = "1.3"
    if request.principal.kind == "AWS":
        context["aws:PrincipalArn"] = request.principal.id
        context["aws:PrincipalAccount"] = account
        if request.action.lower().startswith("kms:"):
            context["kms:CallerAccount"] = account
    context.update(request.context)
    return context


def evaluate(index: PolicyIndex, request: Request) -> Decision:
    context = _full_context(request, index.account)
    identity, notes = index.identity(request.principal)
    kind, resource_statements = index.resource_policy(request.resource, request.action)
    unknowns: list[str] = []

    def applicable(statements: Iterable[Statement], *, with_principal: bool) -> Iterable[tuple[Statement, Match]]:
        for s in statements:
            if not (action_matches(s, request.action) and resource_matches(s, request.resource)):
                continue
            match = principal_matches(s, request.principal, index.account) if with_principal else Match.DIRECT
            if match is not Match.NONE:
                yield s, match

    allows: dict[str, list[Statement]] = {"identity": [], "direct": [], "account": []}
    for statements, with_principal in ((identity, False), (resource_statements, True)):
        for s, match in applicable(statements, with_principal=with_principal):
            outcome = conditions_hold(s.conditions, context)
            if s.effect == "Deny":
                if outcome.value is Tri.TRUE:
                    return Decision(False, f"explicitly denied by {s.label}")
                if outcome.value is Tri.UNKNOWN:
                    unknowns.append(f"Deny {s.label} may apply (condition {outcome.unknown} not modelled)")
                continue
            if outcome.value is Tri.UNKNOWN:
                unknowns.append(f"Allow {s.label} not counted (condition {outcome.unknown} not modelled)")
                continue
            if outcome.value is Tri.TRUE:
                bucket = "identity" if not with_principal else ("direct" if match is Match.DIRECT else "account")
                allows[bucket].append(s)
    if any(u.startswith("Deny") for u in unknowns):
        return Decision(False, "; ".join(unknowns))
    if kind == "key":
        granted = bool(allows["direct"]) or (bool(allows["account"]) and bool(allows["identity"]))
        if not granted:
            return Decision(False, _kms_reason(allows, unknowns + notes))
    elif kind == "trust":
        granted = bool(allows["direct"]) or (bool(allows["account"]) and bool(allows["identity"]))
        if not granted:
            return Decision(False, _explain("the role's trust policy does not allow it", unknowns + notes))
    else:
        granted = bool(allows["identity"]) or bool(allows["direct"])
        if not granted:
            return Decision(False, _explain("no identity or resource policy allows it", unknowns + notes))
    winners = allows["direct"] + allows["identity"]
    return Decision(True, "allowed by " + ", ".join(s.label for s in winners))


def _kms_reason(allows: Mapping[str, list[Statement]], notes: list[str]) -> str:
    if allows["account"] and not allows["identity"]:
        return _explain("the key policy delegates to IAM but no identity policy allows it", notes)
    if allows["identity"] and not allows["account"]:
        return _explain(
            "an identity policy allows it but the key policy neither allows the principal "
            "nor delegates this action to IAM (root)",
            notes,
        )
    return _explain("the key policy does not allow it", notes)


def _explain(reason: str, notes: list[str]) -> str:
    return reason + (f" ({'; '.join(notes)})" if notes else "")
