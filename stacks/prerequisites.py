"""What a real deploy needs that a stack's settings may not provide: placeholders, missing roles, quotas.

One piece of code serves both `genai-platform preflight` (which lists every item) and the Pulumi
program (which refuses to start a real deploy while a blocking item remains). Placeholder detection is
a registry of named rules, each with examples it must flag and look-alikes it must not.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from stacks.settings import PROJECT, NodeGroupSettings, PlatformSettings, effective_config, settings_from_config

# Statuses of a prerequisite. MISSING fails preflight; CHECK is a quota to verify (offline, or with
# --aws); UNKNOWN is a check --aws could not make; OK is a check --aws made and passed.
MISSING, CHECK, UNKNOWN, OK = "missing", "check", "unknown", "ok"


@dataclass(frozen=True)
class Prerequisite:
    status: str
    rule: str
    subject: str
    """What it is about: a config key (`genai-platform:kms.keyAdministratorRoleArns.0`), a quota, a role."""
    problem: str
    fix: str
    blocks_deploy: bool = False
    """The program refuses a real deploy while this item remains."""
    stage: str = "platform"
    """The stage that needs it, and so refuses to start without it (`stage_of_setting`)."""


# ---------------------------------------------------------------------------------------------------
# Placeholder rules
# ---------------------------------------------------------------------------------------------------

# Account IDs from AWS documentation and templates; no real account uses them.
DOCUMENTATION_ACCOUNTS = frozenset({"123456789012", "111122223333", "444455556666", "777788889999", "012345678901"})
# RFC 5737 and RFC 3849 documentation ranges: never anyone's real egress.
DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
# RFC 2606 and RFC 6761 names reserved for examples: mail sent there reaches nobody.
EXAMPLE_DOMAINS = re.compile(r"(?i)(?:^|[@.])(?:example\.(?:com|net|org)|[a-z0-9-]+\.(?:example|test|invalid))$")
_PLACEHOLDER_WORD = re.compile(r"(?i)placeholder|change[-_]?me|replace[-_]?me|\btodo\b|<[^<>]+>|\byour[-_]")
_ACCOUNT = re.compile(r"(?<!\d)(\d{12})(?!\d)")
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")


def _documentation_account(value: str) -> str | None:
    for account in _ACCOUNT.findall(value):
        if account in DOCUMENTATION_ACCOUNTS or len(set(account)) == 1:
            return f"account ID {account} is an AWS documentation example"
    return None


def _placeholder_digest(value: str) -> str | None:
    for digest in _DIGEST.findall(value):
        # A real SHA-256 is never periodic; all-zero and repeated-pattern digests are made up.
        if re.fullmatch(r"(.{1,16}?)\1+", digest):
            return f"digest sha256:{digest[:12]}… is a placeholder"
    return None


def _placeholder_word(value: str) -> str | None:
    found = _PLACEHOLDER_WORD.search(value)
    return f"contains the placeholder text {found.group(0)!r}" if found else None


def _example_arn(value: str) -> str | None:
    return "an ARN that names an example resource" if value.startswith("arn:") and "example" in value.lower() else None


def _documentation_cidr(value: str) -> str | None:
    if "/" not in value:
        return None
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    for doc in DOCUMENTATION_NETWORKS:
        if network.version == doc.version and network.overlaps(doc):
            return f"{value} is inside the documentation range {doc} (RFC 5737/3849), nobody's real address"
    return None


def _example_domain(value: str) -> str | None:
    host = value.rsplit("@", 1)[-1]
    return f"{host} is a domain reserved for examples (RFC 2606)" if EXAMPLE_DOMAINS.search(host) else None


@dataclass(frozen=True)
class PlaceholderRule:
    name: str
    finds: Callable[[str], str | None]
    """The problem with a value, or None."""
    fix: str
    """How to fix a value this rule flags, when the key itself has no specific advice."""
    examples: tuple[str, ...]
    """Values the rule must flag."""
    counterexamples: tuple[str, ...]
    """Look-alike real values it must not flag."""


PLACEHOLDER_RULES: tuple[PlaceholderRule, ...] = (
    PlaceholderRule(
        "documentation-account-id",
        _documentation_account,
        "use your own 12-digit account ID",
        ("arn:aws:iam::123456789012:role/admin", "arn:aws:iam::111122223333:role/x", "000000000000"),
        ("arn:aws:iam::246813579024:role/admin", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
    ),
    PlaceholderRule(
        "placeholder-digest",
        _placeholder_digest,
        "pin the real digest, sha256:<64 hex>, from `crane digest <image:tag>` or `aws ecr describe-images`",
        ("sha256:" + "0" * 64, "registry.k8s.io/x:v1@sha256:" + "ab" * 32, "sha256:" + "0123456789abcdef" * 4),
        ("sha256:af31e2b7c7f89834c4e5219860def7ac2e49a207b3d4e8610d5a26772b7738e5",),
    ),
    PlaceholderRule(
        "placeholder-text",
        _placeholder_word,
        "replace the placeholder with the real value",
        ("PLACEHOLDER", "arn:aws:iam::<account>:role/deploy", "changeme", "your-account-id"),
        ("arn:aws:iam::246813579024:role/genai-deploy", "rate(30 days)"),
    ),
    PlaceholderRule(
        "example-arn",
        _example_arn,
        "name the real resource",
        ("arn:aws:iam::246813579024:role/ExampleRole", "arn:aws:acm:eu-west-1:246813579024:certificate/example"),
        ("arn:aws:iam::246813579024:role/genai-deploy",),
    ),
    PlaceholderRule(
        "documentation-cidr",
        _documentation_cidr,
        "use the real egress range (for example your VPN's /32s)",
        ("203.0.113.0/24", "198.51.100.7/32", "192.0.2.0/28", "2001:db8::/48"),
        ("10.40.0.0/16", "198.51.101.0/24", "81.2.69.160/27"),
    ),
    PlaceholderRule(
        "example-domain",
        _example_domain,
        "use an address or host you control",
        ("secops@example.com", "docs.example.org", "ops@corp.test"),
        ("secops@examples.io", "docs.python.org", "example@acme-bank.eu"),
    ),
)

# Advice for the keys that ship with placeholders or commonly carry them: which value shape to put there.
KEY_FIXES: dict[str, str] = {
    "kms.keyAdministratorRoleArns": (
        "set genai-platform:kms.keyAdministratorRoleArns to the roles that administer your keys, "
        "arn:aws:iam::<account>:role/<name> (deploy.roleArn is added to them)"
    ),
    "deploy.roleArn": "set genai-platform:deploy.roleArn to the role that runs `pulumi up`, arn:aws:iam::<account>:role/<name>",
    "eks.adminRoleArn": "set genai-platform:eks.adminRoleArn to the role your operators assume, or remove it",
    "ecr.ciPushRoleArn": "set genai-platform:ecr.ciPushRoleArn to the CI role that pushes images",
    "runner.secretArns": (
        "set genai-platform:runner.secretArns to the Secrets Manager secret holding the stacks' passphrase "
        "(self-managed backend) or the Pulumi access token (Pulumi Cloud), and name it in the workflow's "
        "PULUMI_RUNNER_SECRET_ARN"
    ),
    "runner.stateBucketArn": (
        "with a self-managed S3 backend, set genai-platform:runner.stateBucketArn to arn:aws:s3:::<state bucket>; "
        "with Pulumi Cloud, leave it unset"
    ),
    "eks.publicAccessCidrs": (
        "set genai-platform:eks.publicAccessCidrs to the egress CIDRs of the machines that run the "
        "in-cluster stage (for example your VPN's /32s), or [] for a private-only endpoint"
    ),
    "kubernetes.inferenceImageDigest": (
        "set genai-platform:kubernetes.inferenceImageDigest to the model server image's digest, sha256:<64 hex>: "
        "`crane digest <upstream image:tag>` (the images job copies it into genai-<env>/inference, created by the "
        "platform stage, with the digest preserved); only the cluster stage waits for it"
    ),
    "kubernetes.modelVerifierImageDigest": (
        "set genai-platform:kubernetes.modelVerifierImageDigest to the digest the images job prints after it "
        "builds images/model-verifier and pushes it to genai-<env>/inference (created by the platform stage), "
        "sha256:<64 hex>; only the cluster stage waits for it"
    ),
    "kubernetes.devicePluginImage": (
        "set genai-platform:kubernetes.devicePluginImage to nvcr.io/nvidia/k8s-device-plugin:<tag>@sha256:<64 hex>, "
        "the digest from `crane digest nvcr.io/nvidia/k8s-device-plugin:<tag>`"
    ),
    "filter.guard.classifier.imageDigest": (
        "set genai-platform:filter.guard.classifier.imageDigest to the classifier image's digest, sha256:<64 hex>: "
        "`crane digest ghcr.io/huggingface/text-embeddings-inference:cpu-<version>` (the images job copies it into "
        "genai-<env>/inference, created by the platform stage, with the digest preserved); only the cluster stage "
        "waits for it"
    ),
    "monitoring.alarmEmails": "set genai-platform:monitoring.alarmEmails to mailboxes someone reads (each must confirm its SNS subscription)",
    "api.certificateArn": "set genai-platform:api.certificateArn to the ACM certificate of api.customDomain",
}


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _leaves(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _leaves(child, f"{path}.{i}")
    elif isinstance(value, str):
        yield path, value


def _setting(path: str) -> str:
    """`kms.keyAdministratorRoleArns.0` -> `kms.keyAdministratorRoleArns` (the key KEY_FIXES knows)."""
    return re.sub(r"(\.\d+)+$", "", path.removeprefix(f"{PROJECT}:"))


def key_fix(path: str, default: str) -> str:
    """The advice for a setting (`genai-platform:` prefix and list indexes allowed), else `default`."""
    return KEY_FIXES.get(_setting(path), default)


def placeholder_problem(value: str) -> tuple[PlaceholderRule, str] | None:
    """The first placeholder rule that flags `value`, with its problem."""
    for rule in PLACEHOLDER_RULES:
        problem = rule.finds(value)
        if problem:
            return rule, problem
    return None


CLUSTER_STAGE_SETTINGS = ("kubernetes.", "filter.guard.classifier.imageDigest")
"""Settings only the cluster stage reads (the platform forwards them in its `clusterStage` output)."""


def stage_of_setting(path: str) -> str:
    """The stage a setting belongs to: `cluster` for CLUSTER_STAGE_SETTINGS, else `platform`."""
    return "cluster" if _setting(path).startswith(CLUSTER_STAGE_SETTINGS) else "platform"


def placeholders(values: Mapping[str, Any]) -> list[Prerequisite]:
    """Every setting value that is a placeholder, from effective (defaults-merged) settings values."""
    found = []
    for path, value in _leaves(values):
        hit = placeholder_problem(value)
        if hit is None:
            continue
        rule, problem = hit
        found.append(
            Prerequisite(
                status=MISSING,
                rule=rule.name,
                subject=f"{PROJECT}:{path}",
                problem=f"{value!r}: {problem}",
                fix=key_fix(path, f"set {PROJECT}:{_setting(path)}: {rule.fix}"),
                blocks_deploy=True,
                stage=stage_of_setting(path),
            )
        )
    return found


# ---------------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------------


def role_items(settings: PlatformSettings) -> list[Prerequisite]:
    """Roles a deploy cannot do without: (setting, rule, unset?, what goes wrong, refuse the deploy?)."""
    checks = (
        (
            "deploy.roleArn",
            "deploy-role-unset",
            settings.deploy.role_arn is None,
            "no deploy role: it would have no EKS access entry (the cluster grants the creator nothing) "
            "and every Kubernetes resource of the deploy would fail as Unauthorized"
            + ("" if not settings.kms.key_administrator_role_arns else ", and it would administer no key"),
            True,
        ),
        (
            "runner.secretArns",
            "runner-secret-unset",
            not settings.runner.secret_arns,
            "the in-VPC runner that applies the cluster stage can read no passphrase or access token: "
            "the cluster stage cannot open its stack",
            False,
        ),
        (
            "ecr.ciPushRoleArn",
            "image-push-denied",
            settings.ecr.ci_push_role_arn is None,
            f"unset, so the repository policies deny every push: the model server image can never reach "
            f"{settings.name_prefix}/inference and its pods never start",
            False,
        ),
    )
    found = [
        Prerequisite(MISSING, rule, f"{PROJECT}:{key}", problem, KEY_FIXES[key], blocks_deploy=blocks)
        for key, rule, unset, problem, blocks in checks
        if unset
    ]
    if settings.runner.state_bucket_arn is not None:
        found.append(state_policy_item(settings.runner.state_bucket_arn.rsplit(":", 1)[-1], CHECK))
    if settings.runner.state_bucket_arn is None:
        found.append(
            Prerequisite(
                CHECK,
                "runner-state-bucket-unset",
                f"{PROJECT}:runner.stateBucketArn",
                "no state bucket: with a self-managed S3 backend the runner has no access to it, and the VPC's "
                "S3 endpoint refuses it",
                KEY_FIXES["runner.stateBucketArn"],
            )
        )
    return found


# ---------------------------------------------------------------------------------------------------
# The model the server loads
# ---------------------------------------------------------------------------------------------------

SIGNED_MODEL_FILES = ("manifest.json", "manifest.sig.json")
"""What `genai_ingest.provenance` signs and verifies (docs/integrity.md)."""


def models_bucket_pattern(name_prefix: str) -> re.Pattern[str]:
    """The models bucket's auto-generated name: its logical name plus Pulumi's 7-hex suffix."""
    return re.compile(rf"^{re.escape(name_prefix)}-datalake-models-bucket-[0-9a-f]{{7}}$")


def model_fix(settings: PlatformSettings, prefix: str | None = None) -> str:
    k = settings.kubernetes
    return (
        f"after the platform stage, sign and upload a model (`genai-ingest` promote, docs/integrity.md) to "
        f"s3://<{settings.name_prefix} models bucket>/{prefix or k.model_prefix}; then set "
        f"{PROJECT}:kubernetes.modelReady: true and run the cluster stage"
    )


def model_items(settings: PlatformSettings) -> list[Prerequisite]:
    """Offline: whether the settings declare a signed model (checked against the bucket with --aws)."""
    k = settings.kubernetes
    subject = f"{PROJECT}:kubernetes.modelReady"
    if not k.model_ready:
        problem = (
            "no signed model declared: the cluster stage runs the model server at 0 replicas (no pod, no DNS "
            "name), so /v1/chat has no backend until one is"
        )
        return [Prerequisite(CHECK, "signed-model", subject, problem, model_fix(settings), stage="cluster")]
    problem = (
        f"the model server verifies s3://<models bucket>/{k.model_prefix} before it starts: a signed model "
        f"({', '.join(SIGNED_MODEL_FILES)}) must be there before the cluster stage"
    )
    fix = "check with `genai-platform preflight --aws` (the images job checks it too); if absent, " + model_fix(
        settings
    )
    return [Prerequisite(CHECK, "signed-model", subject, problem, fix, stage="cluster")]


STATE_POLICY_SID = "DenyOtherStacks"
"""The Sid prefix of `stacks.state_backend.state_bucket_policy`'s per-role statements."""


def state_policy_item(bucket: str, status: str, problem: str = "") -> Prerequisite:
    return Prerequisite(
        status,
        "state-bucket-policy",
        f"s3://{bucket} (state backend)",
        problem
        or "each role must reach only its own stacks' state (the preview role: dev and the account stack; "
        "each runner: its environment), or a pull request or the dev runner can read prod's state",
        f"genai-platform state-policy --bucket {bucket} --account <account> --preview-role-arn <preview role> "
        f"> policy.json && aws s3api put-bucket-policy --bucket {bucket} --policy file://policy.json",
    )


def configured_roles(settings: PlatformSettings) -> dict[str, str]:
    """Every role ARN the settings name, by the setting that names it."""
    roles = {
        f"{PROJECT}:kms.keyAdministratorRoleArns.{i}": arn
        for i, arn in enumerate(settings.kms.key_administrator_role_arns)
    }
    for key, arn in (
        ("deploy.roleArn", settings.deploy.role_arn),
        ("eks.adminRoleArn", settings.eks.admin_role_arn),
        ("ecr.ciPushRoleArn", settings.ecr.ci_push_role_arn),
    ):
        if arn:
            roles[f"{PROJECT}:{key}"] = arn
    return roles


# ---------------------------------------------------------------------------------------------------
# Quotas
# ---------------------------------------------------------------------------------------------------

LAMBDA_UNRESERVED_MINIMUM = 100
"""Lambda refuses a reservation that leaves fewer unreserved executions than this."""
RESPONSE_FUNCTIONS = 3
"""Containment, source block list, weekly findings report: each reserves `response.reservedConcurrency`."""


@dataclass(frozen=True)
class Quota:
    service: str
    code: str
    name: str


LAMBDA_CONCURRENCY = Quota("lambda", "L-B99A9384", "Concurrent executions")
# (instance family class, capacity type) -> the vCPU quota that capacity counts against.
EC2_VCPU_QUOTAS: dict[tuple[str, str], Quota] = {
    ("G", "ON_DEMAND"): Quota("ec2", "L-DB2E81BA", "Running On-Demand G and VT instances"),
    ("G", "SPOT"): Quota("ec2", "L-3819A6DF", "All G and VT Spot Instance Requests"),
    ("P", "ON_DEMAND"): Quota("ec2", "L-417A185B", "Running On-Demand P instances"),
    ("P", "SPOT"): Quota("ec2", "L-7212CCBC", "All P Spot Instance Requests"),
    ("Standard", "ON_DEMAND"): Quota(
        "ec2", "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"
    ),
    ("Standard", "SPOT"): Quota("ec2", "L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests"),
}


@dataclass(frozen=True)
class QuotaNeed:
    quota: Quota
    required: int
    why: str


def instance_vcpus(instance_type: str) -> int | None:
    """vCPUs of a size in the families the platform allows: large 2, xlarge 4, <N>xlarge 4N."""
    size = instance_type.partition(".")[2]
    if size == "large":
        return 2
    match = re.fullmatch(r"(\d*)xlarge", size)
    return 4 * int(match.group(1) or 1) if match else None


def _family_class(instance_type: str) -> str:
    family = instance_type.split(".", 1)[0]
    if family.startswith(("g", "vt")):
        return "G"
    return "P" if family.startswith("p") else "Standard"


def lambda_reservations(resources: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Reserved concurrency by function name, from a plan's `aws:lambda/function:Function` resources
    (every function the program creates, so a new one is counted without anyone listing it)."""
    found: dict[str, int] = {}
    for r in resources:
        if r.get("type") != "aws:lambda/function:Function":
            continue
        inputs = r.get("inputs") or {}
        reserved = inputs.get("reservedConcurrentExecutions")
        if isinstance(reserved, int) and reserved > 0:
            found[str(inputs.get("name") or r.get("name"))] = reserved
    return found


def quota_needs(settings: PlatformSettings, reservations: Mapping[str, int] | None = None) -> list[QuotaNeed]:
    """The quotas a deploy of these settings draws on, and the least value each must have.

    `reservations`: reserved concurrency by function, from the platform plan (`lambda_reservations`);
    None leaves the Lambda quota out (nothing hand-counted from settings)."""
    needs: list[QuotaNeed] = []
    reserved = sum((reservations or {}).values())
    if reserved:
        each = ", ".join(f"{name} {n}" for name, n in sorted((reservations or {}).items()))
        needs.append(
            QuotaNeed(
                LAMBDA_CONCURRENCY,
                LAMBDA_UNRESERVED_MINIMUM + reserved,
                f"{reserved} reserved by the plan's functions ({each}) + the {LAMBDA_UNRESERVED_MINIMUM} "
                "Lambda keeps unreserved",
            )
        )
    totals: dict[Quota, tuple[int, list[str]]] = {}
    groups: list[NodeGroupSettings] = [settings.eks.system_node_group, *settings.eks.gpu_node_groups]
    for group in groups:
        by_quota: dict[Quota, int] = {}
        for instance_type in group.instance_types:
            quota = EC2_VCPU_QUOTAS[(_family_class(instance_type), group.capacity_type)]
            by_quota[quota] = max(by_quota.get(quota, 0), instance_vcpus(instance_type) or 0)
        for quota, vcpus in by_quota.items():
            total, why = totals.get(quota, (0, []))
            totals[quota] = (
                total + group.max_size * vcpus,
                [*why, f"{group.name}: maxSize {group.max_size} x {vcpus} vCPUs ({', '.join(group.instance_types)})"],
            )
    needs.extend(QuotaNeed(quota, total, "; ".join(why)) for quota, (total, why) in totals.items() if total)
    return needs


def quota_fix(need: QuotaNeed, region: str) -> str:
    return (
        f"request at least {need.required} in {region}: aws service-quotas request-service-quota-increase "
        f"--service-code {need.quota.service} --quota-code {need.quota.code} --desired-value {need.required} "
        f"--region {region}"
    )


def quota_items(settings: PlatformSettings, reservations: Mapping[str, int] | None = None) -> list[Prerequisite]:
    return [
        Prerequisite(
            status=CHECK,
            rule="quota",
            subject=f"{need.quota.service} {need.quota.code} ({need.quota.name})",
            problem=f"needs at least {need.required}: {need.why}",
            fix=f"check with `genai-platform preflight --aws`; if short, {quota_fix(need, settings.region)}",
        )
        for need in quota_needs(settings, reservations)
    ]


# ---------------------------------------------------------------------------------------------------
# Everything offline
# ---------------------------------------------------------------------------------------------------


def offline_prerequisites(
    config: Mapping[str, Any], stack: str, reservations: Mapping[str, int] | None = None
) -> tuple[PlatformSettings, list[Prerequisite]]:
    """Settings (raises `SettingsError` when invalid) and every prerequisite checkable without AWS;
    `reservations` (from the platform plan) adds the Lambda concurrency quota."""
    settings = settings_from_config(config, stack)
    values = effective_config(config, stack)
    if settings.filter.guard.tier != "self-hosted":  # the classifier is not deployed: its image is not needed
        guard = {k: v for k, v in values["filter"]["guard"].items() if k != "classifier"}
        values = {**values, "filter": {**values["filter"], "guard": guard}}
    items = placeholders(values)
    items += role_items(settings)
    items += model_items(settings)
    items += quota_items(settings, reservations)
    return settings, items


def deploy_blockers(config: Mapping[str, Any], stack: str, stage: str = "platform") -> list[Prerequisite]:
    """The items that make `stage`'s real deploy fail part-way: that stage refuses to start with any of
    them (the platform stage does not wait for the cluster stage's images)."""
    return [item for item in offline_prerequisites(config, stack)[1] if item.blocks_deploy and item.stage == stage]


def _camel(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): v for k, v in fields.items()}


def cluster_blockers(kubernetes: Mapping[str, Any], classifier: Mapping[str, Any] | None = None) -> list[Prerequisite]:
    """The cluster stage's blockers, from the Kubernetes settings and the guard classifier (when deployed)
    the platform forwards (field names)."""
    values: dict[str, Any] = {"kubernetes": _camel(kubernetes)}
    if classifier:
        values["filter"] = {"guard": {"classifier": {"imageDigest": classifier.get("image_digest")}}}
    return [item for item in placeholders(values) if item.blocks_deploy]


def describe_blockers(stack: str, blockers: list[Prerequisite]) -> str:
    lines = [f"stack {stack!r} is not ready for a real deploy ({len(blockers)} blocking item(s)):"]
    for item in blockers:
        lines.append(f"  - {item.subject}: {item.problem}")
        lines.append(f"    fix: {item.fix}")
    lines.append("run `genai-platform preflight --stack " + stack + "` for the full list (docs/preflight.md)")
    return "\n".join(lines)
