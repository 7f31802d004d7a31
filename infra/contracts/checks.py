"""The deploy-contract and lifecycle checks: one registry of named records, each with its source issue
item and an example that passes and one that fails. See docs/deploy-contracts.md for what each models."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from infra.contracts import intents as intent_table
from infra.contracts.iam import (
    Context,
    Decision,
    Match,
    PolicyIndex,
    Principal,
    Request,
    Statement,
    action_matches,
    evaluate,
    parse_statements,
    principal_matches,
)
from infra.contracts.intents import DEPLOYER, EACH, EKS_CLUSTER_ADMIN, POD_ROLE, Intent, Ref, Value
from infra.contracts.model import ACCOUNT_SCOPE, Check, Deployment, Resource, Violation, violation
from infra.contracts.validate import validate_document
from infra.preview.mocks import CALLER_ROLE_ARN

# --- where policies live ---------------------------------------------------------------------------

# type -> (property holding the document, is it a resource-based policy)
POLICY_SOURCES: dict[str, tuple[str, bool]] = {
    "aws:kms/key:Key": ("policy", True),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy", True),
    "aws:secretsmanager/secretPolicy:SecretPolicy": ("policy", True),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ("policy", True),
    "aws:ecr/registryPolicy:RegistryPolicy": ("policy", True),
    "aws:sns/topicPolicy:TopicPolicy": ("policy", True),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy", True),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument", True),
    "aws:iam/role:Role": ("assumeRolePolicy", True),
    "aws:iam/rolePolicy:RolePolicy": ("policy", False),
    "aws:iam/policy:Policy": ("policy", False),
    "aws:iam/userPolicy:UserPolicy": ("policy", False),
}
_PRINCIPAL_CONDITION_KEYS = ("aws:principalarn",)
_SERVICE_LINKED = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/aws-service-role/(?P<service>[^/]+)/(?P<name>[^/]+)$")
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")


def _documents(d: Deployment) -> Iterable[tuple[Resource, dict[str, object], bool]]:
    for r in d.resources:
        source = POLICY_SOURCES.get(r.type)
        if source is None:
            continue
        document = r.document(source[0])
        if document is not None:
            yield r, document, source[1]


# --- (a) principals exist --------------------------------------------------------------------------


# Resources whose creation makes the service create its own service-linked role (Inspector's
# Enable creates AWSServiceRoleForAmazonInspector2: ECR user guide, image-scanning-enhanced-iam).
SLR_CREATED_BY = {"aws:inspector2/enabler:Enabler": "inspector2.amazonaws.com"}


def _service_linked_roles(d: Deployment) -> set[str]:
    declared = {
        str(r.inputs.get("awsServiceName", "")) for r in d.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole")
    }
    return declared | {SLR_CREATED_BY[r.type] for r in d.of_type(*SLR_CREATED_BY)}


def _principal_problem(d: Deployment, kind: str, pid: str, known: set[str]) -> str | None:
    """Why `pid` is not a principal that exists when the policy is written; None when it exists."""
    if kind == "Service":
        return None if _SERVICE_PRINCIPAL.match(pid) else f"{pid} is not an AWS service principal"
    if kind != "AWS" or pid == "*" or pid in (d.account, f"arn:aws:iam::{d.account}:root"):
        return None
    linked = _SERVICE_LINKED.match(pid.replace("*", "x"))
    if linked is not None:
        if linked["service"] in _service_linked_roles(d):
            return None
        return (
            f"{pid} is a service-linked role that exists only after the service first creates it; "
            f"create it in a stage with aws.iam.ServiceLinkedRole(aws_service_name={linked['service']!r}) "
            "and make this policy depend on it"
        )
    if "*" in pid or "?" in pid:
        if any(fnmatch.fnmatchcase(arn, pid) for arn in known):
            return None
        return f"the pattern {pid} matches no principal created by the stages or configured"
    if pid in known:
        return None
    if re.match(r"^\d{12}$", pid) or pid.endswith(":root"):
        return f"{pid} is another account; name it in the stack config if it is meant"
    return f"{pid} is neither created by a stage nor configured in the stack config"


def _known_principals(d: Deployment) -> set[str]:
    created = {r.arn for r in d.of_type("aws:iam/role:Role", "aws:iam/user:User") if r.arn}
    # The mock's caller identity stands for whoever runs `pulumi up` (the policies built from it).
    return created | d.configured_arns | {d.deployer, CALLER_ROLE_ARN}


def check_principals_exist(d: Deployment) -> list[Violation]:
    known = _known_principals(d)
    out: list[Violation] = []
    for r, document, _ in _documents(d):
        problems: dict[str, str] = {}
        for s in parse_statements(document, r.name):
            for kind, ids in (s.principals or {}).items():
                for pid in ids:
                    problem = _principal_problem(d, kind, pid, known)
                    if problem:
                        problems.setdefault(pid, problem)
            for block in s.conditions.values():
                for key, values in block.items():
                    if key.lower() in _PRINCIPAL_CONDITION_KEYS:
                        for pid in values:
                            problem = _principal_problem(d, "AWS", pid, known)
                            if problem:
                                problems.setdefault(pid, f"condition {key}: {problem}")
        out += [violation("principals-exist", r, p) for p in problems.values()]
    for p in d.of_type("aws:lambda/permission:Permission"):
        principal = str(p.inputs.get("principal", ""))
        kind = "Service" if not principal.startswith("arn:") and not principal.isdigit() else "AWS"
        problem = _principal_problem(d, kind, principal, known)
        if problem:
            out.append(violation("principals-exist", p, problem))
    return out


# --- (b) intended access ---------------------------------------------------------------------------


class _Unresolved(Exception):
    pass


def _resolve(value: Value, d: Deployment, each: Resource | None) -> str:
    parts = value if isinstance(value, tuple) else (value,)
    out = []
    for part in parts:
        if isinstance(part, Ref):
            resource = each if part.name == EACH else d.named(part.name)
            if resource is None:
                raise _Unresolved(f"{part.name.format(env=d.environment)} is not in the plan")
            if part.attr == POD_ROLE:
                found: object = _pod_role(d, resource)
            elif part.attr == "arn":
                found = resource.arn
            else:
                found = resource.inputs.get(part.attr, resource.outputs.get(part.attr))
            if not isinstance(found, str) or not found:
                raise _Unresolved(f"{resource.name} has no {part.attr} in the plan")
            out.append(found)
        else:
            out.append(part.format(env=d.environment, region=d.region, account=d.account))
    return "".join(out)


def _pod_role(d: Deployment, workload: Resource) -> str:
    """The role a Kubernetes workload's pods run as: the Pod Identity association of its pod template's
    service account (`default` when it names none), in its namespace."""
    metadata = workload.inputs.get("metadata") or {}
    pod = ((workload.inputs.get("spec") or {}).get("template") or {}).get("spec") or {}
    namespace, account = metadata.get("namespace", "default"), pod.get("serviceAccountName") or "default"
    roles = [
        a.inputs.get("roleArn")
        for a in d.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
        if a.inputs.get("namespace") == namespace and a.inputs.get("serviceAccount") == account
    ]
    if len(roles) != 1 or not isinstance(roles[0], str):
        raise _Unresolved(
            f"{workload.name} runs as service account {namespace}/{account}, "
            f"which has {len(roles)} Pod Identity associations with a role (one expected)"
        )
    return roles[0]


def _principal(value: Value, d: Deployment, each: Resource | None) -> Principal:
    if value == DEPLOYER:
        return Principal.aws(d.deployer)
    text = _resolve(value, d, each)
    if text.startswith("service:"):
        return Principal.service(text.removeprefix("service:"))
    return Principal.aws(text)


def _eks_admin(d: Deployment, principal: Principal, cluster: Resource) -> Decision:
    access = cluster.inputs.get("accessConfig") or {}
    if (
        isinstance(access, Mapping)
        and access.get("bootstrapClusterCreatorAdminPermissions")
        and principal.id == d.deployer
    ):
        return Decision(True, "the cluster creator is bootstrapped as admin")
    cluster_name = cluster.inputs.get("name")
    candidates = {principal.id} | d.configured_arns
    entries = [
        e
        for e in d.of_type("aws:eks/accessEntry:AccessEntry")
        if e.inputs.get("clusterName") == cluster_name and e.inputs.get("principalArn") in candidates
    ]
    for entry in entries:
        for assoc in d.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"):
            if (
                assoc.inputs.get("clusterName") == cluster_name
                and assoc.inputs.get("principalArn") == entry.inputs.get("principalArn")
                and str(assoc.inputs.get("policyArn", "")).endswith("/AmazonEKSClusterAdminPolicy")
                and (assoc.inputs.get("accessScope") or {}).get("type") == "cluster"
            ):
                return Decision(True, f"access entry {entry.name} with AmazonEKSClusterAdminPolicy")
    return Decision(
        False,
        f"no access entry with a cluster-scoped AmazonEKSClusterAdminPolicy association for {principal.id} "
        "(or a configured admin role it assumes), and bootstrapClusterCreatorAdminPermissions is off",
    )


def _context(call_context: Mapping[str, object], d: Deployment, each: Resource | None) -> dict[str, str | list[str]]:
    out: dict[str, str | list[str]] = {}
    for key, value in call_context.items():
        out[key] = list(map(str, value)) if isinstance(value, list) else _resolve(value, d, each)  # type: ignore[arg-type]
    return out


def evaluate_intent(d: Deployment, index: PolicyIndex, intent: Intent, each: Resource | None) -> list[str]:
    """The failing calls of one intent, each with the reason; empty when the intent is met (for a
    denied intent: when every call is refused)."""
    try:
        principal = _principal(intent.principal, d, each)
    except _Unresolved as err:
        return [f"principal: {err}"]
    failures = []
    for call in intent.calls:
        label = call.action + (f" ({call.api})" if call.api else "")
        try:
            resource = _resolve(call.resource, d, each)
            context: Context = _context(call.context, d, each)
        except _Unresolved as err:
            failures.append(f"{label}: {err}")
            continue
        if call.action == EKS_CLUSTER_ADMIN:
            cluster = each or d.by_arn.get(resource)
            decision = _eks_admin(d, principal, cluster) if cluster else Decision(False, "cluster not in plan")
        else:
            decision = evaluate(index, Request(principal, call.action, resource, context))
        if decision.allowed == intent.denied:
            failures.append(
                f"{label} on {resource}: " + (f"allowed, {decision.reason}" if intent.denied else decision.reason)
            )
    return failures


def _intent_instances(d: Deployment, intents: Sequence[Intent]) -> Iterable[tuple[Intent, Resource | None]]:
    for intent in intents:
        if intent.each:
            wanted = intent.each_name.format(env=d.environment)
            for r in d.of_type(intent.each):
                if not wanted or r.name == wanted:
                    yield intent, r
        else:
            yield intent, None


def check_intents(d: Deployment, intents: Sequence[Intent] = intent_table.INTENTS) -> list[Violation]:
    index = PolicyIndex(d)
    out = []
    for intent, each in _intent_instances(d, intents):
        failures = evaluate_intent(d, index, intent, each)
        if failures:
            name = f"{intent.id}:{each.name}" if each else intent.id
            urn = each.urn if each else ""
            message = f"{intent.title} [{intent.source}] fails: " + " | ".join(failures)
            out.append(Violation("intended-access", each.stage if each else d.stages[0].stage, name, urn, message))
    return out


# --- trust covers the workload ---------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """A resource that makes a service assume a role: `type`'s `role_input` is assumed by `service`."""

    type: str
    role_input: str
    service: str
    actions: tuple[str, ...] = ("sts:AssumeRole",)
    sends_source_account: bool = True
    """False where AWS's documented trust policy has no aws:SourceAccount (the service may not send it)."""


WORKLOADS: tuple[Workload, ...] = (
    Workload("aws:lambda/function:Function", "role", "lambda.amazonaws.com"),
    Workload("aws:eks/cluster:Cluster", "roleArn", "eks.amazonaws.com"),
    Workload("aws:eks/nodeGroup:NodeGroup", "nodeRoleArn", "ec2.amazonaws.com"),
    Workload(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "roleArn",
        "pods.eks.amazonaws.com",
        ("sts:AssumeRole", "sts:TagSession"),
    ),
    Workload("aws:ec2/flowLog:FlowLog", "iamRoleArn", "vpc-flow-logs.amazonaws.com"),
    Workload("aws:cloudtrail/trail:Trail", "cloudWatchLogsRoleArn", "cloudtrail.amazonaws.com"),
    Workload(
        "aws:apigateway/account:Account", "cloudwatchRoleArn", "apigateway.amazonaws.com", sends_source_account=False
    ),
)


def check_trust_covers_workload(d: Deployment) -> list[Violation]:
    index = PolicyIndex(d)
    out = []
    for workload in WORKLOADS:
        for r in d.of_type(workload.type):
            role_arn = r.inputs.get(workload.role_input)
            if not isinstance(role_arn, str):
                continue
            context = {"aws:SourceAccount": d.account} if workload.sends_source_account else {}
            for action in workload.actions:
                decision = evaluate(index, Request(Principal.service(workload.service), action, role_arn, context))
                if not decision.allowed:
                    sent = (
                        "with aws:SourceAccount"
                        if context
                        else "without aws:SourceAccount (AWS's documented trust has none)"
                    )
                    out.append(
                        violation(
                            "trust-covers-workload",
                            r,
                            f"{workload.service} cannot {action} {role_arn} for this {workload.type.rsplit(':', 1)[-1]} "
                            f"({sent}): {decision.reason}. Fix the role's trust policy.",
                        )
                    )
    return out


# --- KMS permissions that the key policy makes dead ------------------------------------------------


def check_kms_grants_effective(d: Deployment) -> list[Violation]:
    keys = {r.arn: r for r in d.of_type("aws:kms/key:Key") if r.arn}
    out = []
    for holder in d.of_type("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"):
        roles = _roles_of(d, holder)
        dead: dict[str, set[str]] = {}
        for s in parse_statements(holder.document("policy"), holder.name):
            if s.effect != "Allow":
                continue
            for key_arn in (k for k in s.resources if k in keys):
                key_statements = parse_statements(keys[key_arn].document("policy"), keys[key_arn].name)
                for action in (a for a in s.actions if a.lower().startswith("kms:")):
                    if not any(_key_allows(ks, action, role, d.account) for ks in key_statements for role in roles):
                        dead.setdefault(keys[key_arn].name, set()).add(action)
        for key_name, actions in sorted(dead.items()):
            out.append(
                violation(
                    "kms-grants-effective",
                    holder,
                    f"{', '.join(sorted(actions))} on {key_name} can never be used: the key policy neither allows "
                    "them to the role nor delegates them to IAM (root). Remove them, or allow them in the key "
                    "policy (for grants, with kms:GrantIsForAWSResource).",
                )
            )
    return out


def _roles_of(d: Deployment, holder: Resource) -> list[Principal]:
    if holder.type == "aws:iam/policy:Policy":
        arns = [
            str(a.inputs.get("role"))
            for a in d.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if a.inputs.get("policyArn") == holder.arn
        ]
        names = set(arns)
    else:
        names = {str(holder.inputs.get("role"))}
    return [
        Principal.aws(r.arn)
        for r in d.of_type("aws:iam/role:Role")
        if r.arn and (r.arn.rsplit("/", 1)[-1] in names or r.urn in holder.property_dependencies("role"))
    ] or [Principal.aws(f"arn:aws:iam::{d.account}:role/unknown")]


def _key_allows(statement: Statement, action: str, role: Principal, account: str) -> bool:
    return (
        statement.effect == "Allow"
        and action_matches(statement, action)
        and principal_matches(statement, role, account) is not Match.NONE
    )


# --- (c) account singletons ------------------------------------------------------------------------


# type -> what makes two of them the same singleton (an input), or "" when there is one per account.
SINGLETONS: dict[str, str] = {
    "aws:guardduty/detector:Detector": "",
    "aws:apigateway/account:Account": "",
    "aws:securityhub/account:Account": "",
    "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": "",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "awsServiceName",
    "aws:ebs/encryptionByDefault:EncryptionByDefault": "",
    "aws:ebs/defaultKmsKey:DefaultKmsKey": "",
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": "",
    "aws:macie2/account:Account": "",
    "aws:ec2/serialConsoleAccess:SerialConsoleAccess": "",
    "aws:accessanalyzer/analyzer:Analyzer": "type",
    "aws:inspector2/enabler:Enabler": "",
    "aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount": "",
}


def check_singletons(d: Deployment) -> list[Violation]:
    seen: dict[tuple[str, str], list[Resource]] = {}
    for r in d.resources:
        if r.type in SINGLETONS:
            key_input = SINGLETONS[r.type]
            identity = str(r.inputs.get(key_input, "ACCOUNT")) if key_input else ""
            seen.setdefault((r.type, identity), []).append(r)
    out = []
    for (type_, identity), found in sorted(seen.items()):
        label = type_.rsplit(":", 1)[-1] + (f" ({identity})" if identity else "")
        for r in found:
            scope = d.stage_of(r).scope
            if scope != ACCOUNT_SCOPE:
                out.append(
                    violation(
                        "account-singletons",
                        r,
                        f"{label} exists once per account and region, but stage {r.stage!r} is deployed per "
                        f"{scope}: two environments in one account overwrite (or destroy) each other's. "
                        "Move it to the account baseline stage.",
                    )
                )
        if len(found) > 1:
            out.append(
                violation(
                    "account-singletons",
                    found[1],
                    f"{label} is declared {len(found)} times ({', '.join(f'{r.stage}:{r.name}' for r in found)}); "
                    "keep exactly one, in the account baseline stage.",
                )
            )
    return out


# --- lifecycle: names AWS keeps after deletion -----------------------------------------------------


@dataclass(frozen=True)
class ReservedName:
    type: str
    name_input: str
    prefix_input: str
    reason: str
    retention_excuses: bool
    """Whether protect/retainOnDelete in an environment that keeps its data makes the name safe."""
    applies: Callable[[Resource], bool] = lambda r: True


RESERVED_NAMES: tuple[ReservedName, ...] = (
    ReservedName(
        "aws:signer/signingProfile:SigningProfile",
        "name",
        "namePrefix",
        "a canceled Signer profile keeps its name for two years, so any replacement or destroy-then-up fails",
        retention_excuses=False,
    ),
    ReservedName(
        "aws:secretsmanager/secret:Secret",
        "name",
        "namePrefix",
        "a deleted secret keeps its name for its recovery window (default 30 days): `pulumi up` after a destroy "
        "fails with 'scheduled for deletion'; use name_prefix, or recovery_window_in_days=0 where the data may go",
        retention_excuses=True,
        applies=lambda r: r.inputs.get("recoveryWindowInDays", 30) != 0,
    ),
    ReservedName(
        "aws:s3/bucket:Bucket",
        "bucket",
        "bucketPrefix",
        "bucket names are global; after deletion a name may take a while to become free, and anyone can take it",
        retention_excuses=True,
    ),
    ReservedName(
        "aws:sqs/queue:Queue",
        "name",
        "namePrefix",
        "a queue name cannot be reused for 60 seconds after deletion",
        retention_excuses=False,
    ),
    ReservedName(
        "aws:iam/role:Role",
        "name",
        "namePrefix",
        "IAM names are unique in the account: a replacement (create before delete) fails with EntityAlreadyExists, "
        "and a leftover or another stack with the same name collides",
        retention_excuses=False,
    ),
    ReservedName(
        "aws:iam/policy:Policy",
        "name",
        "namePrefix",
        "IAM names are unique in the account: a replacement fails with EntityAlreadyExists",
        retention_excuses=False,
    ),
)

# Unique per account (and region or VPC): a replacement, which creates before it deletes, collides (review H3).
RESERVED_NAMES += (
    ReservedName(
        "aws:bedrock/guardrail:Guardrail",
        "name",
        "name (omit it: autonaming)",
        "guardrail names are unique in the account and region: a replacement fails on the name",
        retention_excuses=False,
    ),
    ReservedName(
        "aws:dynamodb/table:Table",
        "name",
        "name (omit it: autonaming)",
        "table names are unique in the account and region: a replacement fails with ResourceInUseException",
        retention_excuses=True,
    ),
    ReservedName(
        "aws:ec2/securityGroup:SecurityGroup",
        "name",
        "namePrefix",
        "security group names are unique in the VPC: a replacement fails with InvalidGroup.Duplicate",
        retention_excuses=False,
    ),
)

# Fixed names kept on purpose: (type, logical-name pattern with {env}) -> the documented reason.
FIXED_NAME_ALLOWLIST: dict[tuple[str, str], str] = {}


def check_reserved_names(d: Deployment) -> list[Violation]:
    out = []
    rules = {rule.type: rule for rule in RESERVED_NAMES}
    for r in d.resources:
        rule = rules.get(r.type)
        if rule is None or not r.inputs.get(rule.name_input) or not rule.applies(r):
            continue
        if any(
            t == r.type and fnmatch.fnmatchcase(r.name, p.format(env=d.environment)) for t, p in FIXED_NAME_ALLOWLIST
        ):
            continue
        if rule.retention_excuses and d.keeps_data and (r.protect or r.retain_on_delete):
            continue
        out.append(
            violation(
                "lifecycle-reserved-names",
                r,
                f"fixed name {r.inputs[rule.name_input]!r}: {rule.reason}. Use {rule.prefix_input} (or autonaming)"
                + (
                    ", or keep it with protect/retainOnDelete in an environment that keeps its data"
                    if rule.retention_excuses
                    else ""
                )
                + ", or add it to FIXED_NAME_ALLOWLIST with the reason.",
            )
        )
    return out


# --- lifecycle: destroy with data ------------------------------------------------------------------

# Resources that hold data: type -> the input that lets a destroy empty them ("" when destroy never fails
# on data, but deletes it: keys are scheduled for deletion, log groups and secrets are deleted).
DATA_HOLDERS: dict[str, str] = {
    "aws:s3/bucket:Bucket": "forceDestroy",
    "aws:ecr/repository:Repository": "forceDelete",
    "aws:kms/key:Key": "",
    "aws:secretsmanager/secret:Secret": "",
    "aws:cloudwatch/logGroup:LogGroup": "",
}


def check_data_on_destroy(d: Deployment) -> list[Violation]:
    out = []
    for r in d.of_type(*DATA_HOLDERS):
        force = DATA_HOLDERS[r.type]
        kept = r.protect or r.retain_on_delete
        if d.keeps_data:
            if not kept:
                out.append(
                    violation(
                        "lifecycle-data-on-destroy",
                        r,
                        f"{d.environment} keeps its data, but a destroy or a replacement would delete this "
                        f"{r.type.rsplit(':', 1)[-1]}: set protect=True and retain_on_delete=True.",
                    )
                )
        elif r.protect:
            out.append(
                violation(
                    "lifecycle-data-on-destroy",
                    r,
                    f"{d.environment} must be destroyable the same day, but this resource is protected: drop protect.",
                )
            )
        elif force and not r.inputs.get(force):
            out.append(
                violation(
                    "lifecycle-data-on-destroy",
                    r,
                    f"destroy fails once it holds data ({force} is off): set {force}=True in {d.environment}, "
                    "which must be destroyable and recreatable the same day.",
                )
            )
    return out


# --- lifecycle: object writes wait for the bucket's configuration ----------------------------------

OBJECT_TYPES = ("aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject")
BUCKET_CONFIG_TYPES = {
    "aws:s3/bucketVersioning:BucketVersioning": "versioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "default encryption",
}


def check_object_waits_for_bucket(d: Deployment) -> list[Violation]:
    out = []
    for obj in d.of_type(*OBJECT_TYPES):
        buckets = {
            b.urn
            for b in d.of_type("aws:s3/bucket:Bucket")
            if b.urn in obj.property_dependencies("bucket")
            or b.inputs.get("bucket") == obj.inputs.get("bucket")
            or b.raw.get("id") == obj.inputs.get("bucket")
        }
        missing = [
            f"{label} ({config.name})"
            for config in d.of_type(*BUCKET_CONFIG_TYPES)
            for label in [BUCKET_CONFIG_TYPES[config.type]]
            if set(config.property_dependencies("bucket")) & buckets and not d.depends_on(obj, config.urn)
        ]
        if missing:
            out.append(
                violation(
                    "lifecycle-object-after-bucket-config",
                    obj,
                    "the object can be written before its bucket's " + " and ".join(missing) + " exist: it may "
                    "get no VersionId (a Signer job then fails) or miss the KMS default. Make it depend on them "
                    "(SecureBucket should expose them).",
                )
            )
    return out


# --- log groups: the CMK admits CloudWatch Logs for that group ------------------------------------

# What CloudWatch Logs calls on a log group's CMK, with the group's ARN as encryption context (CloudWatch
# Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"): CreateLogGroup with kmsKeyId fails
# ("The specified KMS key does not exist or is not allowed to be used with Arn ...") unless the key
# policy allows these to logs.<region>.amazonaws.com for that ARN.
LOGS_KEY_CALLS = ("kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt")


def check_log_group_keys(d: Deployment) -> list[Violation]:
    index = PolicyIndex(d)
    keys = {r.arn: r for r in d.of_type("aws:kms/key:Key") if r.arn}
    logs = Principal.service(f"logs.{d.region}.amazonaws.com")
    out = []
    for group in d.of_type("aws:cloudwatch/logGroup:LogGroup"):
        key_arn, name = group.inputs.get("kmsKeyId"), group.inputs.get("name")
        if not isinstance(key_arn, str) or not key_arn or not isinstance(name, str):
            continue  # unencrypted (the policy pack's rule) or not known at preview
        if key_arn not in keys:
            out.append(
                violation(
                    "log-group-key-admits-logs",
                    group,
                    f"kmsKeyId {key_arn} is not a key created by a stage: its policy cannot be checked; "
                    "use a stage's CMK",
                )
            )
            continue
        arn = f"arn:aws:logs:{d.region}:{d.account}:log-group:{name}"
        context = {"kms:EncryptionContext:aws:logs:arn": arn}
        denied = [
            action for action in LOGS_KEY_CALLS if not evaluate(index, Request(logs, action, key_arn, context)).allowed
        ]
        if denied:
            out.append(
                violation(
                    "log-group-key-admits-logs",
                    group,
                    f"the policy of {keys[key_arn].name} does not allow {', '.join(denied)} to {logs.id} for "
                    f"{arn} (encryption context kms:EncryptionContext:aws:logs:arn): CreateLogGroup fails. "
                    "Create the group through EncryptedLogGroup, which admits it on its key.",
                )
            )
    return out


# --- GPU Deployments can roll out on the GPUs they already hold ----------------------------------

GPU_RESOURCE = "nvidia.com/gpu"
# Something that adds nodes when a pod is Pending for lack of a GPU (then a surge pod can be placed).
AUTOSCALERS = ("cluster-autoscaler", "karpenter")
_K8S_WORKLOADS = ("kubernetes:apps/v1:Deployment", "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart")


def _gpu_containers(spec: Mapping[str, Any]) -> list[str]:
    pod = ((spec.get("template") or {}).get("spec")) or {}
    return [
        str(c.get("name"))
        for c in pod.get("containers") or []
        if any(GPU_RESOURCE in ((c.get("resources") or {}).get(kind) or {}) for kind in ("requests", "limits"))
    ]


def _never_surges(strategy: Mapping[str, Any]) -> bool:
    if strategy.get("type") == "Recreate":
        return True
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge")
    return surge in (0, "0", "0%")  # unset means the default, 25% rounded up: one extra pod


def check_gpu_rollout(d: Deployment) -> list[Violation]:
    if any(a in json.dumps(r.inputs) or a in r.name for r in d.of_type(*_K8S_WORKLOADS) for a in AUTOSCALERS):
        return []
    out = []
    for r in d.of_type("kubernetes:apps/v1:Deployment"):
        spec = r.inputs.get("spec") or {}
        containers = _gpu_containers(spec)
        if containers and not _never_surges(spec.get("strategy") or {}):
            out.append(
                violation(
                    "gpu-rollout-capacity",
                    r,
                    f"containers {', '.join(containers)} request {GPU_RESOURCE} and the rollout may surge (default "
                    "maxSurge 25%, rounded up to one pod) with no autoscaler in any stage: the surge pod stays "
                    "Pending on full GPU nodes and every rollout times out. Use strategy rollingUpdate maxSurge 0, "
                    "maxUnavailable 1 (or Recreate), or install an autoscaler.",
                )
            )
    return out


# --- DNS records do not read a load balancer address that was never awaited -----------------------

_SKIP_AWAIT = "pulumi.com/skipAwait"


def _skips_await(service: Resource) -> bool:
    annotations = (service.inputs.get("metadata") or {}).get("annotations") or {}
    return str(annotations.get(_SKIP_AWAIT, "")).lower() == "true"


def check_dns_target_awaited(d: Deployment) -> list[Violation]:
    out = []
    for record in d.of_type("aws:route53/record:Record"):
        for dep in record.property_dependencies("records"):
            service = d.by_urn.get(dep)
            if service is not None and service.type == "kubernetes:core/v1:Service" and _skips_await(service):
                out.append(
                    violation(
                        "dns-target-awaited",
                        record,
                        f"its records come from {service.name}'s status, but that Service carries {_SKIP_AWAIT}: "
                        "its load-balancer address is read from the create response, before any controller set "
                        "one, so the record is written empty and Route 53 refuses it (until a refresh). Create "
                        "the record only when the Service is awaited (kubernetes.modelReady).",
                    )
                )
    return out


# --- policies are valid against the IAM reference --------------------------------------------------


def check_policies_valid(d: Deployment) -> list[Violation]:
    out = []
    for r, document, resource_policy in _documents(d):
        for finding in validate_document(document, resource_policy=resource_policy):
            out.append(
                violation("policy-valid", r, f"{finding.issue}: {finding.detail} (IAM reference, via parliament)")
            )
    return out


CHECKS: tuple[Check, ...] = (
    Check(
        "principals-exist",
        "Every principal a policy names exists when the policy is written",
        "13 build 3a",
        passes="a key policy naming a role the stage creates, or a service-linked role with an "
        "aws:iam/serviceLinkedRole in some stage",
        fails="a key policy naming AWSServiceRoleForAutoScaling with no ServiceLinkedRole resource "
        "(KMS: MalformedPolicyDocumentException)",
        run=check_principals_exist,
    ),
    Check(
        "intended-access",
        "Each declared intent is allowed by identity, resource and key policies together",
        "13 build 3b; 20 build 2",
        passes="the filter role reads its secrets: identity Allow, secret policy exempts it, key delegates to IAM",
        fails="a writer role's PutObject conditioned on s3:RequestObjectTag, evaluated for UploadPart (no tags)",
        run=check_intents,
    ),
    Check(
        "trust-covers-workload",
        "The service that runs each workload can assume the workload's role",
        "20 build 2",
        passes="a Lambda function whose role trusts lambda.amazonaws.com",
        fails="a node group whose role trusts only lambda.amazonaws.com",
        run=check_trust_covers_workload,
    ),
    Check(
        "kms-grants-effective",
        "KMS actions an identity policy grants are usable under the key policy",
        "20 item 4",
        passes="kms:Decrypt on a key whose policy delegates Decrypt to IAM (root)",
        fails="kms:CreateGrant on a key whose policy delegates only use actions to IAM",
        run=check_kms_grants_effective,
    ),
    Check(
        "account-singletons",
        "An account-level singleton appears in exactly one stage, an account-scoped one",
        "13 build 3c",
        passes="one GuardDuty detector, in the account baseline stage",
        fails="a GuardDuty detector in the per-environment platform stage",
        run=check_singletons,
    ),
    Check(
        "policy-valid",
        "Every action, condition key and operator is valid for its action (IAM reference, parliament)",
        "13 build 3b",
        passes="kms:GenerateDataKey* under kms:EncryptionContext:aws:cloudtrail:arn",
        fails="kms:DescribeKey under kms:EncryptionContext:aws:cloudtrail:arn (DescribeKey carries none)",
        run=check_policies_valid,
    ),
    Check(
        "log-group-key-admits-logs",
        "Every log group's CMK lets CloudWatch Logs use it for that group's ARN",
        "review 2026-12-06 N4",
        passes="a log group whose key policy allows logs.<region>.amazonaws.com under "
        "kms:EncryptionContext:aws:logs:arn = the group's ARN",
        fails="/aws/lambda/genai-dev-response on edge-logs-key, whose logs statements name only the edge's "
        "groups (AccessDeniedException on CreateLogGroup)",
        run=check_log_group_keys,
    ),
    Check(
        "gpu-rollout-capacity",
        "A GPU Deployment's rollout fits on the GPUs it holds, unless an autoscaler adds nodes",
        "review 2026-12-06 N7",
        passes="a Deployment requesting nvidia.com/gpu with rollingUpdate maxSurge 0, maxUnavailable 1",
        fails="the same Deployment with no strategy (maxSurge 25%) and no cluster-autoscaler or Karpenter",
        run=check_gpu_rollout,
    ),
    Check(
        "dns-target-awaited",
        "A DNS record never targets the load-balancer address of a Service whose await is skipped",
        "review 2026-12-06-second S1",
        passes="a CNAME to an awaited LoadBalancer Service's hostname",
        fails="a CNAME to the hostname of a Service annotated pulumi.com/skipAwait (replicas 0): written empty",
        run=check_dns_target_awaited,
    ),
    Check(
        "lifecycle-reserved-names",
        "No fixed name that AWS reserves or delays after deletion",
        "21 build 2",
        passes="a Signer profile with name_prefix",
        fails="a Signer profile named genai_prod_filter (canceled names are kept two years)",
        run=check_reserved_names,
    ),
    Check(
        "lifecycle-data-on-destroy",
        "Dev destroys cleanly with its data; prod keeps its data through a destroy",
        "21 build 2; 13 defect 14",
        passes="a dev ECR repository with force_delete; a prod key with protect and retain_on_delete",
        fails="a dev ECR repository without force_delete; a prod secret with neither",
        run=check_data_on_destroy,
    ),
    Check(
        "lifecycle-object-after-bucket-config",
        "Every object write waits for its bucket's versioning and default encryption",
        "21 item 1",
        passes="a BucketObjectv2 that depends on the bucket's BucketVersioning and encryption configuration",
        fails="a BucketObjectv2 that depends only on the bucket",
        run=check_object_waits_for_bucket,
    ),
)


def run_checks(deployment: Deployment, checks: Sequence[Check] = CHECKS) -> list[Violation]:
    violations = [v for check in checks for v in check.run(deployment)]
    return sorted(violations, key=lambda v: (v.check, v.stage, v.resource, v.message))
