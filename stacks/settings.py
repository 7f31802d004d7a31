"""Typed, validated per-environment settings for the platform.

Settings come from Pulumi config (`genai-platform:<key>` plus `aws:region`). Every value has a
per-environment default: `dev` is cheap, `prod` is strict. Everything is validated at load time, and
all problems are reported together, each naming the key, the value and what is allowed.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

PROJECT = "genai-platform"
ENVIRONMENTS = ("dev", "prod")

# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

AWS_REGIONS = (
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)

DATA_CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")

# GPU families the platform supports for GPU node groups (NVIDIA accelerators).
GPU_INSTANCE_FAMILIES = ("g5", "g6", "g6e", "p4d", "p4de", "p5", "p5e", "p5en")
GPU_AMI_TYPES = ("AL2023_x86_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA")
SYSTEM_AMI_TYPES = ("AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64")
CAPACITY_TYPES = ("ON_DEMAND", "SPOT")
API_AUTHORIZATION = ("COGNITO_USER_POOLS", "AWS_IAM")
GUARDDUTY_SEVERITIES = {"low": 1.0, "medium": 4.0, "high": 7.0, "critical": 9.0}
SECURITY_HUB_SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
# Once a week: a day of the week, not a day of the month (`?`), every month.
_WEEKLY_CRON = re.compile(r"^cron\((?:[0-5]?\d) (?:[01]?\d|2[0-3]) \? \* (?:MON|TUE|WED|THU|FRI|SAT|SUN) \*\)$")
# The filter's finding categories and actions (lambdas/filter/genai_filter/findings.py and config.py).
FILTER_CATEGORIES = (
    "prompt_injection",
    "jailbreak",
    "pii",
    "secret",
    "exfiltration",
    "unsafe",
    "obfuscation",
    "context",
)
FILTER_ACTIONS = ("block", "redact", "flag")
# The filter's guard tier (lambdas/filter/genai_filter/guard.py, docs/filter-detection.md "Guard tier").
GUARD_TIERS = ("none", "bedrock", "self-hosted")
GUARD_FAIL_MODES = ("open", "closed")
GUARDRAIL_STRENGTHS = ("LOW", "MEDIUM", "HIGH")
# The PII entity types Bedrock Guardrails' sensitive information filter knows (CreateGuardrail, PiiEntityConfig).
GUARDRAIL_PII_TYPES = (
    "ADDRESS", "AGE", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "CA_HEALTH_NUMBER", "CA_SOCIAL_INSURANCE_NUMBER",
    "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "CREDIT_DEBIT_CARD_NUMBER", "DRIVER_ID", "EMAIL",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IP_ADDRESS", "LICENSE_PLATE", "MAC_ADDRESS", "NAME", "PASSWORD", "PHONE",
    "PIN", "SWIFT_CODE", "UK_NATIONAL_HEALTH_SERVICE_NUMBER", "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER", "URL", "USERNAME", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
    "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "US_PASSPORT_NUMBER", "US_SOCIAL_SECURITY_NUMBER",
    "VEHICLE_IDENTIFICATION_NUMBER",
)  # fmt: skip
# CreateGuardrail's limits on a denied topic (GuardrailTopicConfig).
GUARDRAIL_MAX_TOPICS = 30
GUARDRAIL_TOPIC_NAME = re.compile(r"^[0-9a-zA-Z\-_ !?.]{1,100}$")
GUARDRAIL_TOPIC_DEFINITION_MAX = 200
GUARDRAIL_TOPIC_EXAMPLES_MAX = 5
GUARDRAIL_TOPIC_EXAMPLE_MAX = 100

# WAFv2 rate-based rules: the limit is per evaluation window and must be at least 10.
WAF_MIN_RATE_LIMIT = 10
# AWS Signer signatures of the filter package are valid 135 days (components/filter_function.py); a
# renewal after at most 120 leaves two weeks to notice a deploy that did not run.
SIGNATURE_RENEWAL_MAX_DAYS = 120
# The formats the ingestion scanner reads (lambdas/ingest/genai_ingest/formats.py FORMATS).
INGEST_FORMATS = ("txt", "md", "csv", "json", "jsonl", "html")
# The slowest scanner throughput measured (docs/integrity.md: 0.48 MB/s), halved: the function's
# timeout must cover an object at the size limit at this rate.
INGEST_MIN_BYTES_PER_SECOND = 240_000
WAF_BODY_INSPECTION_LIMITS = {"KB_16": 16 * 1024, "KB_32": 32 * 1024, "KB_48": 48 * 1024, "KB_64": 64 * 1024}

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$")
_BUCKET_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]{1,512}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_SCHEDULE = re.compile(r"^(rate\((?:1 day|[1-9]\d{0,2} days|[1-9]\d? hours?)\)|cron\([^()]{9,100}\))$")
_K8S_VERSION = re.compile(r"^1\.(2[89]|3\d)$")
_ADDON_VERSION = re.compile(r"^v\d+\.\d+\.\d+-eksbuild\.\d+$")
_DIGEST_IMAGE = re.compile(r"^[a-z0-9.-]+(?::\d+)?/[a-z0-9._/-]+(?::[\w.-]+)?@sha256:[0-9a-f]{64}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


class SettingsError(ValueError):
    """Invalid stack settings; `problems` holds one line per bad key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack settings:\n" + "\n".join(f"  - {p}" for p in problems))


# ---------------------------------------------------------------------------------------------------
# The settings objects
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataLakeSettings:
    noncurrent_version_expiration_days: int
    raw_transition_to_ia_days: int
    access_log_expiration_days: int
    object_lock: bool
    object_lock_retention_days: int
    force_destroy: bool


@dataclass(frozen=True)
class NetworkSettings:
    vpc_cidr: str
    az_count: int
    nat_gateway_per_az: bool
    flow_log_retention_days: int


@dataclass(frozen=True)
class NodeGroupSettings:
    name: str
    instance_types: tuple[str, ...]
    ami_type: str
    capacity_type: str
    min_size: int
    max_size: int
    desired_size: int
    disk_size_gb: int
    gpu: bool


@dataclass(frozen=True)
class EksSettings:
    version: str
    public_access_cidrs: tuple[str, ...]
    admin_role_arn: str | None
    addon_versions: Mapping[str, str]
    log_retention_days: int
    """Retention of the control-plane log group `/aws/eks/<cluster>/cluster`."""
    system_node_group: NodeGroupSettings
    gpu_node_groups: tuple[NodeGroupSettings, ...]


@dataclass(frozen=True)
class EcrSettings:
    ci_push_role_arn: str | None
    """The CI role that may push images; when unset only the node roles (pull) are admitted."""
    keep_image_count: int
    untagged_expiry_days: int
    force_delete: bool
    """Destroy deletes a repository that still holds images (dev: torn down and rebuilt the same day)."""


@dataclass(frozen=True)
class RunnerSettings:
    """The in-VPC deploy runner (CodeBuild) that applies the cluster stage."""

    state_bucket_arn: str | None
    """The S3 bucket of a self-managed state backend; None with Pulumi Cloud."""
    secret_arns: tuple[str, ...]
    """Secrets Manager secrets the build reads (`PULUMI_CONFIG_PASSPHRASE` or `PULUMI_ACCESS_TOKEN`)."""


@dataclass(frozen=True)
class KubernetesSettings:
    gpu_quota: Mapping[str, int]
    cpu_quota: Mapping[str, int]
    """Cores per workload namespace (requests and limits)."""
    memory_quota_gi: Mapping[str, int]
    """GiB of memory per workload namespace (requests and limits)."""
    device_plugin_image: str
    inference_image_digest: str
    inference_port: int
    inference_replicas: int
    model_verifier_image_digest: str
    """Image (in the inference repository) holding genai_ingest: the model server's verify-model init container."""
    model_prefix: str
    """Key prefix in the models bucket of the model the server loads (and the init container verifies)."""
    model_ready: bool
    """A signed model is at `s3://<models bucket>/<model_prefix>`: the model server runs its replicas (and
    the cluster stage waits for them). False: 0 replicas, no readiness wait, no DNS name (docs/deploy.md)."""


@dataclass(frozen=True)
class ApiSettings:
    chat_authorization: str
    screen_authorization: str
    stage_name: str
    throttle_rate_limit: float
    throttle_burst_limit: int
    chat_throttle_rate_limit: float
    chat_throttle_burst_limit: int
    quota_per_day: int
    clients: tuple[str, ...]
    custom_domain: str | None
    certificate_arn: str | None


@dataclass(frozen=True)
class WafSettings:
    rate_limit_per_ip: int
    chat_rate_limit_per_ip: int
    anonymous_ip_list: bool
    body_inspection_limit: str


@dataclass(frozen=True)
class DeniedTopic:
    name: str
    definition: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class ClassifierSettings:
    """The self-hosted classifier: text-embeddings-inference serving Llama Prompt Guard 2 on the cluster."""

    image_digest: str
    """Of the TEI image mirrored into the inference repository (`genai-<env>/inference`)."""
    port: int
    replicas: int
    model_prefix: str
    """Key prefix in the models bucket of the classifier's weights (verified like the model server's)."""


@dataclass(frozen=True)
class GuardSettings:
    tier: str
    """none, bedrock (Amazon Bedrock Guardrails) or self-hosted (the classifier on the cluster)."""
    budget_ms: int
    """The time the tier may add to one request; past it the fail mode decides."""
    fail_mode: str
    threshold: float
    """The classifier's malicious probability at or above which a text is flagged."""
    cache_entries: int
    prompt_attack_strength: str
    pii_entities: tuple[str, ...]
    denied_topics: tuple[DeniedTopic, ...]
    classifier: ClassifierSettings


@dataclass(frozen=True)
class FilterSettings:
    memory_mb: int
    timeout_seconds: int
    reserved_concurrency: int
    """0: no reservation (new accounts cannot reserve any: Lambda keeps 100 executions unreserved)."""
    max_body_bytes: int
    max_text_chars: int
    screen_budget_ms: int
    backend_connect_timeout_seconds: float
    backend_read_timeout_seconds: float
    allowed_link_hosts: tuple[str, ...]
    code_signing: bool
    signature_renewal_days: int
    """The package is re-signed when this many days have passed, well inside the signature's validity."""
    input_actions: Mapping[str, str]
    output_actions: Mapping[str, str]
    guard: GuardSettings


@dataclass(frozen=True)
class IngestSettings:
    """The ingestion scanner (components/ingest_scanner.py, docs/integrity.md)."""

    max_bytes: int
    """Larger objects are not read but quarantined (hashed for their lineage record)."""
    formats: tuple[str, ...]
    """Objects in other formats are quarantined as unreadable."""
    batch_size: int
    """Queue messages per invocation."""
    max_concurrency: int
    """The event source mapping's ceiling on concurrent invocations."""
    reserved_concurrency: int
    """0: none; otherwise at least `max_concurrency`."""
    memory_mb: int
    timeout_seconds: int
    max_receive_count: int
    """Failed receives before a message goes to the dead-letter queue (which alarms)."""


@dataclass(frozen=True)
class SecretsSettings:
    rotation_schedule: str
    recovery_window_days: int
    """0 deletes at once, so a destroyed dev can be recreated the same day under the same secret names;
    7 to 30 keeps a deleted secret recoverable (and its name taken) for that long."""
    rotation_reserved_concurrency: int
    """The rotation function's reserved concurrency; 0: no reservation."""


@dataclass(frozen=True)
class DeploySettings:
    role_arn: str | None
    """The IAM role that runs `pulumi up`. It gets an EKS access entry with cluster admin and
    administers every CMK; without it nobody can use the Kubernetes API of the new cluster."""


@dataclass(frozen=True)
class KmsSettings:
    key_administrator_role_arns: tuple[str, ...]
    """IAM roles that administer (manage, never use) every CMK of the stack.

    Empty: the account root administers the keys, i.e. any principal whose IAM policies allow key
    management. The root fallback stays because a key policy without a working administrator makes
    the key unmanageable (only AWS Support can recover it); prod must name roles. KMS refuses a key
    policy that would lock out its caller, so the list must include the role that runs `pulumi up`.
    """


@dataclass(frozen=True)
class MonitoringSettings:
    alarm_emails: tuple[str, ...]
    guardduty_min_severity: str
    api_p99_latency_ms: int
    api_5xx_threshold: int
    waf_blocked_threshold: int
    block_rate_band_width: float


@dataclass(frozen=True)
class ResponseSettings:
    """Automated containment of GuardDuty findings (lambdas/response, docs/runbooks/)."""

    dry_run: bool
    """Plan, record and notify, but change nothing."""
    min_severity: str
    """A GUARDDUTY_SEVERITIES name: findings at or above it are contained."""
    source_blocked_threshold: int
    """Blocked prompts from one source IP within the window that put it on the WAF block list."""
    source_window_minutes: int
    source_block_minutes: int
    """How long a source stays on the block list; it expires by itself."""
    security_hub_min_severity: str
    """A SECURITY_HUB_SEVERITIES label: Security Hub findings at or above it go to the alert topic."""
    account_findings: bool
    """This environment's topic also gets findings about the account itself (resource type
    `AwsAccount`: root use, password policy, CloudTrail set-up), which no environment owns."""
    weekly_report_schedule: str
    """When the weekly filter findings report runs (EventBridge cron, UTC); it reports the previous
    ISO week."""
    reserved_concurrency: int
    """Of each response function; 0: none (dev, see the policy pack's exemption)."""


@dataclass(frozen=True)
class PlatformSettings:
    """Everything the platform needs to know about one environment."""

    environment: str
    region: str
    owner: str
    cost_center: str
    log_retention_days: int
    audit_log_retention_days: int
    key_deletion_window_days: int
    protect_data: bool
    data_lake: DataLakeSettings
    network: NetworkSettings
    eks: EksSettings
    ecr: EcrSettings
    runner: RunnerSettings
    kubernetes: KubernetesSettings
    api: ApiSettings
    waf: WafSettings
    filter: FilterSettings
    ingest: IngestSettings
    secrets: SecretsSettings
    monitoring: MonitoringSettings
    kms: KmsSettings
    deploy: DeploySettings
    response: ResponseSettings
    extra_tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def name_prefix(self) -> str:
        return f"genai-{self.environment}"

    def base_tags(self) -> dict[str, str]:
        """Tags every taggable resource carries, through the provider's `default_tags`."""
        return {
            **dict(self.extra_tags),
            "Project": PROJECT,
            "Environment": self.environment,
            "Owner": self.owner,
            "CostCenter": self.cost_center,
            "ManagedBy": "pulumi",
        }


# ---------------------------------------------------------------------------------------------------
# Per-environment defaults
# ---------------------------------------------------------------------------------------------------

# Image digests are all-zero placeholders in the shape the settings require, so `genai-platform
# preflight` names them and a real deploy refuses them: pin the digests you have verified
# (`crane digest nvcr.io/nvidia/k8s-device-plugin:v0.17.1`, and your model server's ECR digest) in
# Pulumi.<stack>.yaml before `pulumi up`; the cluster will not pull an image whose digest differs.
PLACEHOLDER_DIGEST = "sha256:" + "0" * 64
_DEVICE_PLUGIN = f"nvcr.io/nvidia/k8s-device-plugin:v0.17.1@{PLACEHOLDER_DIGEST}"
_INFERENCE_DIGEST = PLACEHOLDER_DIGEST

_FILTER_DEFAULT_ACTIONS = {
    "prompt_injection": "block",
    "jailbreak": "block",
    "obfuscation": "block",
    "unsafe": "block",
    "exfiltration": "block",
    "context": "block",
    "secret": "redact",
    "pii": "redact",
}

# What both environments share; each environment's own values follow.
_SHARED: dict[str, Any] = {
    "extraTags": {},
    "region": "eu-west-1",
    "owner": "platform-team",
    "dataLake": {"rawTransitionToIaDays": 30},
    "eks": {
        "version": "1.33",
        "adminRoleArn": None,
        "addonVersions": {
            "vpc-cni": "v1.19.6-eksbuild.1",
            "coredns": "v1.12.1-eksbuild.2",
            "kube-proxy": "v1.33.0-eksbuild.2",
            "eks-pod-identity-agent": "v1.3.7-eksbuild.2",
        },
        "systemNodeGroup": {"amiType": "AL2023_x86_64_STANDARD", "capacityType": "ON_DEMAND"},
    },
    "ecr": {"ciPushRoleArn": None},
    "runner": {"stateBucketArn": None, "secretArns": []},
    "kubernetes": {
        "devicePluginImage": _DEVICE_PLUGIN,
        "inferenceImageDigest": _INFERENCE_DIGEST,
        "inferencePort": 8000,
        "modelVerifierImageDigest": _INFERENCE_DIGEST,
        "modelPrefix": "serving/current/",
    },
    "api": {
        "chatAuthorization": "COGNITO_USER_POOLS",
        "screenAuthorization": "AWS_IAM",
        "stageName": "v1",
        "clients": ["default"],
        "customDomain": None,
        "certificateArn": None,
    },
    "waf": {"bodyInspectionLimit": "KB_64"},
    "filter": {
        "maxBodyBytes": 65536,
        "maxTextChars": 32768,
        "screenBudgetMs": 5000,
        "backendConnectTimeoutSeconds": 2,
        "allowedLinkHosts": [],
        "signatureRenewalDays": 90,
        "inputActions": dict(_FILTER_DEFAULT_ACTIONS),
        "outputActions": dict(_FILTER_DEFAULT_ACTIONS),
        "guard": {
            "threshold": 0.5,
            "cacheEntries": 4096,
            "bedrock": {
                "promptAttackStrength": "HIGH",
                "piiEntities": ["EMAIL", "PHONE", "CREDIT_DEBIT_CARD_NUMBER", "US_SOCIAL_SECURITY_NUMBER", "PASSWORD"],
                "deniedTopics": [],
            },
            "classifier": {
                "imageDigest": _INFERENCE_DIGEST,
                "port": 8080,
                "modelPrefix": "guard/prompt-guard-2/",
            },
        },
    },
    "ingest": {
        "maxBytes": 10 * 1024 * 1024,
        "formats": list(INGEST_FORMATS),
        "batchSize": 5,
        "timeoutSeconds": 300,
        "maxReceiveCount": 3,
    },
    "monitoring": {"alarmEmails": [], "guarddutyMinSeverity": "medium", "api5xxThreshold": 5},
    "response": {
        "minSeverity": "high",
        "sourceBlockedThreshold": 50,
        "sourceWindowMinutes": 15,
        "sourceBlockMinutes": 60,
        "securityHubMinSeverity": "HIGH",
        "weeklyReportSchedule": "cron(0 6 ? * MON *)",
    },
    "deploy": {"roleArn": None},
    # Empty: the account root administers the CMKs (dev only; prod must name roles).
    "kms": {"keyAdministratorRoleArns": []},
}

_DEV: dict[str, Any] = {
    "costCenter": "genai-dev",
    "logRetentionDays": 90,
    "auditLogRetentionDays": 90,
    "keyDeletionWindowDays": 7,
    "protectData": False,
    "dataLake": {
        "noncurrentVersionExpirationDays": 30,
        "accessLogExpirationDays": 90,
        "objectLock": False,
        "objectLockRetentionDays": 30,
        "forceDestroy": True,
    },
    "network": {"vpcCidr": "10.40.0.0/16", "azCount": 2, "natGatewayPerAz": False, "flowLogRetentionDays": 90},
    "eks": {
        "publicAccessCidrs": ["203.0.113.0/24"],
        "logRetentionDays": 90,
        "systemNodeGroup": {
            "instanceTypes": ["m6i.large"],
            "minSize": 1,
            "maxSize": 3,
            "desiredSize": 2,
            "diskSizeGb": 50,
        },
        "gpuNodeGroups": [
            {
                "name": "gpu",
                "instanceTypes": ["g5.xlarge", "g6.xlarge"],
                "amiType": "AL2023_x86_64_NVIDIA",
                "capacityType": "SPOT",
                # No cluster autoscaler runs, so a group at 0 would never get a node: dev keeps one.
                "minSize": 1,
                "maxSize": 2,
                "desiredSize": 1,
                "diskSizeGb": 100,
            }
        ],
    },
    "ecr": {"keepImageCount": 30, "untaggedExpiryDays": 7, "forceDelete": True},
    "kubernetes": {
        "gpuQuota": {"training": 2, "inference": 2},
        "cpuQuota": {"training": 16, "inference": 16},
        "memoryQuotaGi": {"training": 64, "inference": 64},
        "inferenceReplicas": 1,
        # A fresh dev has no signed model yet (training runs in this stage): no model server until one is declared.
        "modelReady": False,
    },
    "api": {
        "throttleRateLimit": 20,
        "throttleBurstLimit": 40,
        "chatThrottleRateLimit": 5,
        "chatThrottleBurstLimit": 10,
        "quotaPerDay": 5000,
    },
    "waf": {"rateLimitPerIp": 1000, "chatRateLimitPerIp": 200, "anonymousIpList": False},
    "filter": {
        "memoryMb": 512,
        "timeoutSeconds": 20,
        # None reserved: a new account's concurrency quota (as low as 10) leaves nothing to reserve.
        "reservedConcurrency": 0,
        "backendReadTimeoutSeconds": 15,
        "codeSigning": False,
        # dev runs the classifier on its own cluster (no per-call charge) and lets requests through when it is down
        "guard": {"tier": "self-hosted", "budgetMs": 1000, "failMode": "open", "classifier": {"replicas": 1}},
    },
    "ingest": {"memoryMb": 1024, "maxConcurrency": 2, "reservedConcurrency": 0},
    "secrets": {"rotationSchedule": "rate(30 days)", "rotationReservedConcurrency": 0, "recoveryWindowDays": 0},
    "monitoring": {"apiP99LatencyMs": 5000, "wafBlockedThreshold": 500, "blockRateBandWidth": 3},
    "response": {"dryRun": True, "accountFindings": False, "reservedConcurrency": 0},
}

_PROD: dict[str, Any] = {
    "costCenter": "genai-prod",
    "logRetentionDays": 365,
    "auditLogRetentionDays": 2557,
    "keyDeletionWindowDays": 30,
    "protectData": True,
    "dataLake": {
        "noncurrentVersionExpirationDays": 365,
        "accessLogExpirationDays": 365,
        "objectLock": True,
        "objectLockRetentionDays": 365,
        "forceDestroy": False,
    },
    "network": {"vpcCidr": "10.50.0.0/16", "azCount": 3, "natGatewayPerAz": True, "flowLogRetentionDays": 365},
    "eks": {
        "publicAccessCidrs": [],
        "logRetentionDays": 365,
        "systemNodeGroup": {
            "instanceTypes": ["m6i.xlarge"],
            "minSize": 2,
            "maxSize": 6,
            "desiredSize": 3,
            "diskSizeGb": 100,
        },
        "gpuNodeGroups": [
            {
                "name": "gpu",
                "instanceTypes": ["g6.2xlarge"],
                "amiType": "AL2023_x86_64_NVIDIA",
                "capacityType": "ON_DEMAND",
                "minSize": 1,
                "maxSize": 8,
                "desiredSize": 2,
                "diskSizeGb": 200,
            }
        ],
    },
    "ecr": {"keepImageCount": 100, "untaggedExpiryDays": 14, "forceDelete": False},
    "kubernetes": {
        "gpuQuota": {"training": 8, "inference": 8},
        "cpuQuota": {"training": 128, "inference": 128},
        "memoryQuotaGi": {"training": 512, "inference": 512},
        "inferenceReplicas": 2,
        # prod never runs without its model: the images job and `preflight --aws` refuse a missing one.
        "modelReady": True,
    },
    "api": {
        "throttleRateLimit": 100,
        "throttleBurstLimit": 200,
        "chatThrottleRateLimit": 25,
        "chatThrottleBurstLimit": 50,
        "quotaPerDay": 100000,
    },
    "waf": {"rateLimitPerIp": 2000, "chatRateLimitPerIp": 300, "anonymousIpList": True},
    "filter": {
        "memoryMb": 1024,
        "timeoutSeconds": 29,
        "reservedConcurrency": 100,
        "backendReadTimeoutSeconds": 25,
        "codeSigning": True,
        "guard": {"tier": "bedrock", "budgetMs": 800, "failMode": "closed", "classifier": {"replicas": 2}},
    },
    "ingest": {"memoryMb": 2048, "maxConcurrency": 5, "reservedConcurrency": 5},
    "secrets": {"rotationSchedule": "rate(30 days)", "rotationReservedConcurrency": 2, "recoveryWindowDays": 30},
    "monitoring": {"apiP99LatencyMs": 3000, "wafBlockedThreshold": 1000, "blockRateBandWidth": 2},
    "response": {"dryRun": False, "accountFindings": True, "reservedConcurrency": 2},
}


# ---------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------

T = TypeVar("T")


class _Reader:
    """Reads one value at a time from merged config, collecting problems instead of raising."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.problems: list[str] = []

    def fail(self, key: str, value: Any, allowed: str) -> None:
        name = "aws:region" if key == "region" else f"{PROJECT}:{key}"
        self.problems.append(f"{name}: {json.dumps(value)} is invalid; {allowed}")

    def get(self, key: str) -> Any:
        node: Any = self.values
        for part in key.split("."):
            if isinstance(node, Mapping):
                node = node.get(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def typed(self, key: str, kind: type[T], default: T, check: Callable[[T], str | None] | None = None) -> T:
        value = self.get(key)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(key, value, f"expected {kind.__name__}")
            return default
        problem = check(value) if check else None
        if problem:
            self.fail(key, value, problem)
            return default
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        return self.typed(key, int, low, lambda v: None if low <= v <= high else f"allowed: {low} to {high}")

    def number(self, key: str, low: float, high: float) -> float:
        return self.typed(key, float, low, lambda v: None if low <= v <= high else f"allowed: {low:g} to {high:g}")

    def boolean(self, key: str) -> bool:
        return self.typed(key, bool, False)

    def choice(self, key: str, allowed: tuple[str, ...] | list[str]) -> str:
        return self.typed(key, str, allowed[0], lambda v: None if v in allowed else "allowed: " + ", ".join(allowed))

    def string(self, key: str, pattern: re.Pattern[str] | None = None, hint: str = "") -> str:
        return self.typed(
            key,
            str,
            "",
            lambda v: (
                None if v.strip() and (pattern is None or pattern.match(v)) else hint or "expected a non-empty string"
            ),
        )

    def optional_string(self, key: str, pattern: re.Pattern[str], hint: str) -> str | None:
        if self.get(key) is None:
            return None
        return self.string(key, pattern, hint) or None

    def string_list(self, key: str, item: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, value, "expected a list of strings")
            return ()
        for v in value:
            problem = item(v) if item else None
            if problem:
                self.fail(key, v, problem)
        return tuple(value)

    def retention(self, key: str) -> int:
        allowed = ", ".join(map(str, LOG_RETENTION_DAYS))
        return self.typed(key, int, 30, lambda v: None if v in LOG_RETENTION_DAYS else f"CloudWatch allows: {allowed}")


def _restricted_cidr(value: str) -> str | None:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return "expected a CIDR such as 203.0.113.0/24 (host bits zero)"
    if net.prefixlen == 0:
        return "a restricted range is required here, never 0.0.0.0/0 or ::/0"
    return None


def _private_cidr(value: str) -> str | None:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return "expected a CIDR such as 10.40.0.0/16 (host bits zero)"
    if net.version != 4 or not net.is_private or not 16 <= net.prefixlen <= 20:
        return "expected a private IPv4 range (RFC 1918) with a prefix length of /16 to /20"
    return None


def _gpu_instance_type(value: str) -> str | None:
    family = value.split(".", 1)[0]
    if "." not in value or family not in GPU_INSTANCE_FAMILIES:
        return "not a GPU instance type; allowed families: " + ", ".join(GPU_INSTANCE_FAMILIES)
    return None


def _instance_type(value: str) -> str | None:
    return (
        None
        if re.fullmatch(r"[a-z][a-z0-9-]*\.[a-z0-9]+", value)
        else "expected an EC2 instance type such as m6i.large"
    )


def _email(value: str) -> str | None:
    return None if _EMAIL.match(value) else "expected an email address such as secops@example.com"


def _key_administrator(value: str) -> str | None:
    if re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:root", value):
        return "name IAM roles, not the account root (the root is already the fallback when the list is empty)"
    if not _ROLE_ARN.match(value):
        return "expected an IAM role ARN such as arn:aws:iam::123456789012:role/kms-key-admin"
    if ":role/aws-service-role/" in value:
        return "a service-linked role cannot administer keys; name a role your administrators assume"
    return None


def _host(value: str) -> str | None:
    ok = re.fullmatch(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", value)
    return None if ok else "expected a lower-case DNS host name such as docs.example.com"


def _node_group(r: _Reader, key: str, *, gpu: bool, name: str | None = None) -> NodeGroupSettings:
    ng_name = (
        name if name is not None else r.string(f"{key}.name", _NAME, "expected a short lower-case name such as gpu")
    )
    types = r.string_list(f"{key}.instanceTypes", _gpu_instance_type if gpu else _instance_type)
    if not types:
        r.fail(f"{key}.instanceTypes", [], "at least one instance type is required")
    ami = r.choice(f"{key}.amiType", GPU_AMI_TYPES if gpu else SYSTEM_AMI_TYPES)
    capacity = r.choice(f"{key}.capacityType", CAPACITY_TYPES)
    low, high = (0, 100) if gpu else (1, 100)
    min_size = r.integer(f"{key}.minSize", low, high)
    max_size = r.integer(f"{key}.maxSize", 1, high)
    desired = r.integer(f"{key}.desiredSize", 0, high)
    if min_size > max_size:
        r.fail(f"{key}.minSize", min_size, f"must not exceed {key}.maxSize ({max_size})")
    if not min_size <= desired <= max_size:
        r.fail(f"{key}.desiredSize", desired, f"must be between minSize ({min_size}) and maxSize ({max_size})")
    disk = r.integer(f"{key}.diskSizeGb", 20, 2000)
    return NodeGroupSettings(ng_name, types, ami, capacity, min_size, max_size, desired, disk, gpu)


def _build(environment: str, r: _Reader) -> PlatformSettings:
    is_prod = environment == "prod"
    log_retention = r.retention("logRetentionDays")
    audit_retention = r.retention("auditLogRetentionDays")
    if is_prod and log_retention < 365:
        r.fail("logRetentionDays", log_retention, "prod keeps logs for at least 365 days")

    data_lake = DataLakeSettings(
        noncurrent_version_expiration_days=r.integer("dataLake.noncurrentVersionExpirationDays", 1, 3650),
        raw_transition_to_ia_days=r.integer("dataLake.rawTransitionToIaDays", 30, 3650),
        access_log_expiration_days=r.integer("dataLake.accessLogExpirationDays", 1, 3650),
        object_lock=r.boolean("dataLake.objectLock"),
        object_lock_retention_days=r.integer("dataLake.objectLockRetentionDays", 1, 36500),
        force_destroy=r.boolean("dataLake.forceDestroy"),
    )
    if is_prod and not data_lake.object_lock:
        r.fail("dataLake.objectLock", False, "prod requires object lock on the audit and models buckets")
    if is_prod and data_lake.force_destroy:
        r.fail("dataLake.forceDestroy", True, "prod never force-destroys data buckets")

    az_count = r.integer("network.azCount", 2, 6)
    if is_prod and az_count < 3:
        r.fail("network.azCount", az_count, "prod spans at least 3 availability zones")
    network = NetworkSettings(
        vpc_cidr=r.typed("network.vpcCidr", str, "10.40.0.0/16", _private_cidr),
        az_count=az_count,
        nat_gateway_per_az=r.boolean("network.natGatewayPerAz"),
        flow_log_retention_days=r.retention("network.flowLogRetentionDays"),
    )
    if is_prod and network.flow_log_retention_days < 365:
        r.fail(
            "network.flowLogRetentionDays",
            network.flow_log_retention_days,
            "prod keeps flow logs for at least 365 days",
        )

    public_cidrs = r.string_list("eks.publicAccessCidrs", _restricted_cidr)
    if is_prod and public_cidrs:
        r.fail("eks.publicAccessCidrs", list(public_cidrs), "prod has no public endpoints at all; use []")
    addon_versions = r.get("eks.addonVersions")
    required_addons = ("vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent")
    if not isinstance(addon_versions, Mapping):
        r.fail("eks.addonVersions", addon_versions, "expected a map of addon name to pinned version")
        addon_versions = {}
    for addon in required_addons:
        version = addon_versions.get(addon)
        if not isinstance(version, str) or not _ADDON_VERSION.match(version):
            r.fail(f"eks.addonVersions.{addon}", version, "expected a pinned version such as v1.19.6-eksbuild.1")
    eks_log_retention = r.retention("eks.logRetentionDays")
    if is_prod and eks_log_retention < 365:
        r.fail("eks.logRetentionDays", eks_log_retention, "prod keeps control-plane logs for at least 365 days")
    gpu_groups_raw = r.get("eks.gpuNodeGroups")
    if not isinstance(gpu_groups_raw, list) or not gpu_groups_raw:
        r.fail("eks.gpuNodeGroups", gpu_groups_raw, "expected a non-empty list of GPU node groups")
        gpu_groups_raw = []
    gpu_groups = tuple(_node_group(r, f"eks.gpuNodeGroups.{i}", gpu=True) for i in range(len(gpu_groups_raw)))
    names = [g.name for g in gpu_groups]
    _unique(r, "eks.gpuNodeGroups", names, "GPU node group names")
    if gpu_groups and sum(g.min_size for g in gpu_groups) < 1:
        r.fail(
            "eks.gpuNodeGroups.0.minSize",
            gpu_groups[0].min_size,
            "no cluster autoscaler is installed, so a GPU group at 0 never gets a node and the model "
            "server never schedules; keep minSize >= 1 on at least one GPU group",
        )
    eks = EksSettings(
        version=r.string("eks.version", _K8S_VERSION, "expected a supported EKS version such as 1.33"),
        public_access_cidrs=public_cidrs,
        admin_role_arn=r.optional_string("eks.adminRoleArn", _ROLE_ARN, "expected an IAM role ARN"),
        addon_versions=dict(addon_versions),
        log_retention_days=eks_log_retention,
        system_node_group=_node_group(r, "eks.systemNodeGroup", gpu=False, name="system"),
        gpu_node_groups=gpu_groups,
    )

    ecr = EcrSettings(
        ci_push_role_arn=r.optional_string("ecr.ciPushRoleArn", _ROLE_ARN, "expected an IAM role ARN"),
        keep_image_count=r.integer("ecr.keepImageCount", 1, 10000),
        untagged_expiry_days=r.integer("ecr.untaggedExpiryDays", 1, 3650),
        force_delete=r.boolean("ecr.forceDelete"),
    )
    if is_prod and ecr.force_delete:
        r.fail("ecr.forceDelete", True, "prod never deletes a repository that holds images")

    def namespace_quota(key: str, low: int, high: int) -> dict[str, int]:
        raw = r.get(key)
        if not isinstance(raw, Mapping):
            r.fail(key, raw, "expected {training: int, inference: int}")
            return {"training": low, "inference": low}
        return {namespace: r.integer(f"{key}.{namespace}", low, high) for namespace in ("training", "inference")}

    kubernetes = KubernetesSettings(
        gpu_quota=namespace_quota("kubernetes.gpuQuota", 0, 512),
        cpu_quota=namespace_quota("kubernetes.cpuQuota", 1, 10000),
        memory_quota_gi=namespace_quota("kubernetes.memoryQuotaGi", 1, 100000),
        device_plugin_image=r.string(
            "kubernetes.devicePluginImage", _DIGEST_IMAGE, "expected an image pinned by digest (…@sha256:<64 hex>)"
        ),
        inference_image_digest=r.string(
            "kubernetes.inferenceImageDigest", re.compile(r"^sha256:[0-9a-f]{64}$"), "expected sha256:<64 hex>"
        ),
        inference_port=r.integer("kubernetes.inferencePort", 1024, 65535),
        inference_replicas=r.integer("kubernetes.inferenceReplicas", 1, 50),
        model_verifier_image_digest=r.string(
            "kubernetes.modelVerifierImageDigest", re.compile(r"^sha256:[0-9a-f]{64}$"), "expected sha256:<64 hex>"
        ),
        model_prefix=r.string(
            "kubernetes.modelPrefix",
            re.compile(r"^(?!.*\.\.)[A-Za-z0-9_.\-/]{1,200}/$"),
            "expected a key prefix ending in /",
        ),
        model_ready=r.boolean("kubernetes.modelReady"),
    )

    custom_domain = r.optional_string(
        "api.customDomain", re.compile(r"^[a-z0-9.-]+\.[a-z]{2,63}$"), "expected a DNS name"
    )
    certificate_arn = r.optional_string(
        "api.certificateArn", re.compile(r"^arn:aws[a-z-]*:acm:"), "expected an ACM certificate ARN"
    )
    if custom_domain and not certificate_arn:
        r.fail("api.certificateArn", None, "required when api.customDomain is set")
    api = ApiSettings(
        chat_authorization=r.choice("api.chatAuthorization", API_AUTHORIZATION),
        screen_authorization=r.choice("api.screenAuthorization", API_AUTHORIZATION),
        stage_name=r.string("api.stageName", re.compile(r"^[a-zA-Z0-9_]{1,64}$"), "letters, digits and _"),
        throttle_rate_limit=r.number("api.throttleRateLimit", 1, 10000),
        throttle_burst_limit=r.integer("api.throttleBurstLimit", 1, 5000),
        chat_throttle_rate_limit=r.number("api.chatThrottleRateLimit", 1, 10000),
        chat_throttle_burst_limit=r.integer("api.chatThrottleBurstLimit", 1, 5000),
        quota_per_day=r.integer("api.quotaPerDay", 1, 100_000_000),
        clients=_api_clients(r),
        custom_domain=custom_domain,
        certificate_arn=certificate_arn,
    )
    if api.chat_throttle_rate_limit > api.throttle_rate_limit:
        r.fail(
            "api.chatThrottleRateLimit",
            api.chat_throttle_rate_limit,
            f"must not exceed api.throttleRateLimit ({api.throttle_rate_limit:g})",
        )

    waf = WafSettings(
        rate_limit_per_ip=r.integer("waf.rateLimitPerIp", WAF_MIN_RATE_LIMIT, 2_000_000_000),
        chat_rate_limit_per_ip=r.integer("waf.chatRateLimitPerIp", WAF_MIN_RATE_LIMIT, 2_000_000_000),
        anonymous_ip_list=r.boolean("waf.anonymousIpList"),
        body_inspection_limit=r.choice("waf.bodyInspectionLimit", tuple(WAF_BODY_INSPECTION_LIMITS)),
    )
    if waf.chat_rate_limit_per_ip > waf.rate_limit_per_ip:
        r.fail(
            "waf.chatRateLimitPerIp",
            waf.chat_rate_limit_per_ip,
            f"must not exceed waf.rateLimitPerIp ({waf.rate_limit_per_ip})",
        )

    filter_settings = FilterSettings(
        memory_mb=r.integer("filter.memoryMb", 128, 10240),
        timeout_seconds=r.integer("filter.timeoutSeconds", 3, 29),
        reserved_concurrency=r.integer("filter.reservedConcurrency", 0, 1000),
        max_body_bytes=r.integer("filter.maxBodyBytes", 1024, 6 * 1024 * 1024),
        max_text_chars=r.integer("filter.maxTextChars", 256, 1_000_000),
        screen_budget_ms=r.integer("filter.screenBudgetMs", 10, 60_000),
        backend_connect_timeout_seconds=r.number("filter.backendConnectTimeoutSeconds", 0.1, 10),
        backend_read_timeout_seconds=r.number("filter.backendReadTimeoutSeconds", 1, 28),
        allowed_link_hosts=r.string_list("filter.allowedLinkHosts", _host),
        code_signing=r.boolean("filter.codeSigning"),
        signature_renewal_days=r.integer("filter.signatureRenewalDays", 1, SIGNATURE_RENEWAL_MAX_DAYS),
        input_actions=_filter_actions(r, "filter.inputActions"),
        output_actions=_filter_actions(r, "filter.outputActions"),
        guard=_guard(r),
    )
    if filter_settings.guard.budget_ms + filter_settings.screen_budget_ms >= filter_settings.timeout_seconds * 1000:
        r.fail(
            "filter.guard.budgetMs",
            filter_settings.guard.budget_ms,
            f"with filter.screenBudgetMs ({filter_settings.screen_budget_ms}) must stay under filter.timeoutSeconds ({filter_settings.timeout_seconds} s)",
        )
    guard_prefix = filter_settings.guard.classifier.model_prefix
    if filter_settings.guard.tier == "self-hosted" and (
        guard_prefix.startswith(kubernetes.model_prefix) or kubernetes.model_prefix.startswith(guard_prefix)
    ):
        # the classifier's role reads its prefix: nested prefixes would let it read the model server's weights
        r.fail(
            "filter.guard.classifier.modelPrefix",
            guard_prefix,
            f"must not contain or lie within kubernetes.modelPrefix ({kubernetes.model_prefix})",
        )
    limit = WAF_BODY_INSPECTION_LIMITS.get(waf.body_inspection_limit, 0)
    if filter_settings.max_body_bytes > limit:
        r.fail(
            "filter.maxBodyBytes",
            filter_settings.max_body_bytes,
            f"must not exceed the WAF body inspection limit waf.bodyInspectionLimit={waf.body_inspection_limit} ({limit} bytes)",
        )
    if filter_settings.backend_read_timeout_seconds >= filter_settings.timeout_seconds:
        r.fail(
            "filter.backendReadTimeoutSeconds",
            filter_settings.backend_read_timeout_seconds,
            f"must be shorter than filter.timeoutSeconds ({filter_settings.timeout_seconds})",
        )
    if is_prod and not filter_settings.code_signing:
        r.fail("filter.codeSigning", False, "prod deploys only signed code")

    ingest = _ingest(r)

    if kubernetes.inference_replicas > kubernetes.gpu_quota.get("inference", 0):
        r.fail(
            "kubernetes.inferenceReplicas",
            kubernetes.inference_replicas,
            f"each replica needs one GPU; must not exceed kubernetes.gpuQuota.inference ({kubernetes.gpu_quota.get('inference', 0)})",
        )

    emails = r.string_list("monitoring.alarmEmails", _email)
    if is_prod and not emails:
        r.fail("monitoring.alarmEmails", [], "prod needs at least one alarm email address")
    monitoring = MonitoringSettings(
        alarm_emails=emails,
        guardduty_min_severity=r.choice("monitoring.guarddutyMinSeverity", tuple(GUARDDUTY_SEVERITIES)),
        api_p99_latency_ms=r.integer("monitoring.apiP99LatencyMs", 100, 29000),
        api_5xx_threshold=r.integer("monitoring.api5xxThreshold", 1, 100000),
        waf_blocked_threshold=r.integer("monitoring.wafBlockedThreshold", 1, 10_000_000),
        block_rate_band_width=r.number("monitoring.blockRateBandWidth", 0.5, 10),
    )

    extra_tags = r.get("extraTags")
    if not isinstance(extra_tags, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in extra_tags.items()
    ):
        r.fail("extraTags", extra_tags, "expected a map of string to string")
        extra_tags = {}

    key_window = r.integer("keyDeletionWindowDays", 7, 30)
    if is_prod and key_window != 30:
        r.fail("keyDeletionWindowDays", key_window, "prod keeps a 30-day deletion window")
    protect = r.boolean("protectData")
    if is_prod and not protect:
        r.fail("protectData", False, "prod retains data stores on delete")
    kms = _kms(r, is_prod=is_prod)
    deploy = DeploySettings(role_arn=_optional_role(r, "deploy.roleArn"))
    admins = set(kms.key_administrator_role_arns)
    if admins and deploy.role_arn and len(admins | {deploy.role_arn}) > MAX_KEY_ADMINISTRATORS:
        r.fail(
            "kms.keyAdministratorRoleArns",
            list(kms.key_administrator_role_arns),
            f"deploy.roleArn is added to the key administrators: at most {MAX_KEY_ADMINISTRATORS} roles in all",
        )

    response = ResponseSettings(
        dry_run=r.boolean("response.dryRun"),
        min_severity=r.choice("response.minSeverity", tuple(GUARDDUTY_SEVERITIES)),
        source_blocked_threshold=r.integer("response.sourceBlockedThreshold", 5, 1_000_000),
        source_window_minutes=r.integer("response.sourceWindowMinutes", 5, 1440),
        source_block_minutes=r.integer("response.sourceBlockMinutes", 5, 10080),
        security_hub_min_severity=r.choice("response.securityHubMinSeverity", SECURITY_HUB_SEVERITIES),
        account_findings=r.boolean("response.accountFindings"),
        weekly_report_schedule=r.string(
            "response.weeklyReportSchedule", _WEEKLY_CRON, "a weekly EventBridge cron: cron(M H ? * DAY *)"
        ),
        reserved_concurrency=r.integer("response.reservedConcurrency", 0, 100),
    )
    if is_prod and response.dry_run:
        r.fail("response.dryRun", True, "prod contains findings (false); dry runs are for dev")
    if response.source_block_minutes < response.source_window_minutes:
        r.fail(
            "response.sourceBlockMinutes",
            response.source_block_minutes,
            f"at least response.sourceWindowMinutes ({response.source_window_minutes}), or a source is freed while still counted",
        )

    return PlatformSettings(
        environment=environment,
        region=r.choice("region", AWS_REGIONS),
        owner=r.string("owner", re.compile(r"^[\w .@+-]{1,128}$"), "letters, digits and . @ + - _ (max 128)"),
        cost_center=r.string(
            "costCenter", re.compile(r"^[\w .@+-]{1,128}$"), "letters, digits and . @ + - _ (max 128)"
        ),
        log_retention_days=log_retention,
        audit_log_retention_days=audit_retention,
        key_deletion_window_days=key_window,
        protect_data=protect,
        data_lake=data_lake,
        network=network,
        eks=eks,
        ecr=ecr,
        runner=RunnerSettings(
            state_bucket_arn=r.optional_string(
                "runner.stateBucketArn", _BUCKET_ARN, "expected an S3 bucket ARN (arn:aws:s3:::name)"
            ),
            secret_arns=r.string_list(
                "runner.secretArns", lambda v: None if _SECRET_ARN.match(v) else "expected a Secrets Manager secret ARN"
            ),
        ),
        kubernetes=kubernetes,
        api=api,
        waf=waf,
        filter=filter_settings,
        ingest=ingest,
        secrets=_secrets(r, is_prod=is_prod),
        monitoring=monitoring,
        kms=kms,
        deploy=deploy,
        response=response,
        extra_tags=dict(extra_tags),
    )


MAX_KEY_ADMINISTRATORS = 10


def _secrets(r: _Reader, *, is_prod: bool) -> SecretsSettings:
    window_key = "secrets.recoveryWindowDays"
    window = r.typed(
        window_key, int, 30, lambda v: None if v == 0 or 7 <= v <= 30 else "allowed: 0 (delete at once) or 7 to 30"
    )
    if is_prod and window == 0:
        r.fail(window_key, 0, "prod keeps a deleted secret recoverable for 7 to 30 days")
    return SecretsSettings(
        rotation_schedule=r.string(
            "secrets.rotationSchedule", _SCHEDULE, "expected rate(N days), rate(N hours) or cron(...)"
        ),
        recovery_window_days=window,
        rotation_reserved_concurrency=r.integer("secrets.rotationReservedConcurrency", 0, 10),
    )


def _ingest(r: _Reader) -> IngestSettings:
    formats = r.string_list(
        "ingest.formats", lambda v: None if v in INGEST_FORMATS else "allowed: " + ", ".join(INGEST_FORMATS)
    )
    if not formats:
        r.fail("ingest.formats", list(formats), "at least one format; allowed: " + ", ".join(INGEST_FORMATS))
    _unique(r, "ingest.formats", formats, "formats")
    settings = IngestSettings(
        max_bytes=r.integer("ingest.maxBytes", 1024, 100 * 1024 * 1024),
        formats=formats,
        batch_size=r.integer("ingest.batchSize", 1, 10),
        max_concurrency=r.integer("ingest.maxConcurrency", 2, 1000),
        reserved_concurrency=r.integer("ingest.reservedConcurrency", 0, 1000),
        memory_mb=r.integer("ingest.memoryMb", 512, 10240),
        timeout_seconds=r.integer("ingest.timeoutSeconds", 30, 900),
        max_receive_count=r.integer("ingest.maxReceiveCount", 1, 20),
    )
    if 0 < settings.reserved_concurrency < settings.max_concurrency:
        r.fail(
            "ingest.reservedConcurrency",
            settings.reserved_concurrency,
            f"0 (none) or at least ingest.maxConcurrency ({settings.max_concurrency}): throttled batches count as "
            "failed receives and go to the dead-letter queue",
        )
    needed = -(-settings.max_bytes * settings.batch_size // INGEST_MIN_BYTES_PER_SECOND)
    if settings.timeout_seconds < needed:
        r.fail(
            "ingest.timeoutSeconds",
            settings.timeout_seconds,
            f"at least {needed} s: a batch of ingest.batchSize ({settings.batch_size}) objects at ingest.maxBytes "
            f"({settings.max_bytes}) scanned at {INGEST_MIN_BYTES_PER_SECOND} bytes/s",
        )
    return settings


def _unique(r: _Reader, key: str, values: Sequence[str], what: str) -> None:
    if len(set(values)) != len(values):
        r.fail(key, list(values), f"{what} must be unique")


def _kms(r: _Reader, *, is_prod: bool) -> KmsSettings:
    """Key administrator roles: IAM role ARNs, unique, at most ten; prod names at least one."""
    key = "kms.keyAdministratorRoleArns"
    roles = r.string_list(key, _key_administrator)
    if is_prod and not roles and isinstance(r.get(key), list):
        r.fail(
            key,
            [],
            "prod names at least one key administrator role; the account-root fallback (any principal "
            "whose IAM policies allow key management) is for dev only",
        )
    _unique(r, key, roles, "role ARNs")
    if len(roles) > MAX_KEY_ADMINISTRATORS:
        r.fail(key, list(roles), f"allowed: at most {MAX_KEY_ADMINISTRATORS} roles (key policies are size-limited)")
    return KmsSettings(key_administrator_role_arns=roles)


def _optional_role(r: _Reader, key: str) -> str | None:
    """An optional IAM role ARN that must be a role people or CI assume (not the root, not service-linked)."""
    value = r.get(key)
    if value is None:
        return None
    problem = _key_administrator(value) if isinstance(value, str) else "expected an IAM role ARN"
    if problem:
        r.fail(key, value, problem)
        return None
    return str(value)


def _api_clients(r: _Reader) -> tuple[str, ...]:
    """API client names: each gets its own API key (and so its own quota) on the usage plan."""
    clients = r.string_list("api.clients", lambda v: None if _NAME.match(v) else "expected a lower-case name")
    if not clients:
        r.fail("api.clients", list(clients), "expected at least one client name")
    else:
        _unique(r, "api.clients", clients, "client names")
    return clients


def _filter_actions(r: _Reader, key: str) -> dict[str, str]:
    """A map of every filter finding category to block, redact or flag."""
    raw = r.get(key)
    if not isinstance(raw, Mapping):
        r.fail(key, raw, "expected a map of finding category to action")
        return {}
    actions: dict[str, str] = {}
    for category in FILTER_CATEGORIES:
        actions[category] = r.choice(f"{key}.{category}", FILTER_ACTIONS)
    for category in raw:
        if category not in FILTER_CATEGORIES:
            r.fail(f"{key}.{category}", raw[category], "unknown category; known: " + ", ".join(FILTER_CATEGORIES))
    return actions


def _guard(r: _Reader) -> GuardSettings:
    key = "filter.guard"
    pii = r.string_list(
        f"{key}.bedrock.piiEntities",
        lambda v: (
            None if v in GUARDRAIL_PII_TYPES else "not a Bedrock PII type; allowed: " + ", ".join(GUARDRAIL_PII_TYPES)
        ),
    )
    _unique(r, f"{key}.bedrock.piiEntities", pii, "PII entity types")
    raw_topics = r.get(f"{key}.bedrock.deniedTopics")
    if not isinstance(raw_topics, list):
        r.fail(f"{key}.bedrock.deniedTopics", raw_topics, "expected a list of {name, definition, examples}")
        raw_topics = []
    if len(raw_topics) > GUARDRAIL_MAX_TOPICS:
        r.fail(f"{key}.bedrock.deniedTopics", len(raw_topics), f"Bedrock allows at most {GUARDRAIL_MAX_TOPICS} topics")
    topics = []
    for i, raw in enumerate(raw_topics):
        at = f"{key}.bedrock.deniedTopics.{i}"
        if not isinstance(raw, Mapping) or not set(raw) <= {"name", "definition", "examples"}:
            r.fail(at, raw, "expected {name, definition, examples} and no other keys")
            continue
        examples = r.string_list(
            f"{at}.examples",
            lambda v: (
                None if 0 < len(v) <= GUARDRAIL_TOPIC_EXAMPLE_MAX else f"1 to {GUARDRAIL_TOPIC_EXAMPLE_MAX} characters"
            ),
        )
        if len(examples) > GUARDRAIL_TOPIC_EXAMPLES_MAX:
            r.fail(f"{at}.examples", list(examples), f"at most {GUARDRAIL_TOPIC_EXAMPLES_MAX} examples")
        topics.append(
            DeniedTopic(
                name=r.string(f"{at}.name", GUARDRAIL_TOPIC_NAME, "1 to 100 letters, digits, spaces and - _ ! ? ."),
                definition=r.typed(
                    f"{at}.definition",
                    str,
                    "",
                    lambda v: (
                        None
                        if 0 < len(v) <= GUARDRAIL_TOPIC_DEFINITION_MAX
                        else f"1 to {GUARDRAIL_TOPIC_DEFINITION_MAX} characters"
                    ),
                ),
                examples=examples,
            )
        )
    _unique(r, f"{key}.bedrock.deniedTopics", [t.name for t in topics], "topic names")
    return GuardSettings(
        tier=r.choice(f"{key}.tier", GUARD_TIERS),
        budget_ms=r.integer(f"{key}.budgetMs", 50, 5000),
        fail_mode=r.choice(f"{key}.failMode", GUARD_FAIL_MODES),
        threshold=r.number(f"{key}.threshold", 0.01, 0.99),
        cache_entries=r.integer(f"{key}.cacheEntries", 0, 100_000),
        prompt_attack_strength=r.choice(f"{key}.bedrock.promptAttackStrength", GUARDRAIL_STRENGTHS),
        pii_entities=pii,
        denied_topics=tuple(topics),
        classifier=ClassifierSettings(
            image_digest=r.string(
                f"{key}.classifier.imageDigest", re.compile(r"^sha256:[0-9a-f]{64}$"), "expected sha256:<64 hex>"
            ),
            port=r.integer(f"{key}.classifier.port", 1024, 65535),
            replicas=r.integer(f"{key}.classifier.replicas", 1, 20),
            model_prefix=r.string(
                f"{key}.classifier.modelPrefix",
                re.compile(r"^(?!.*\.\.)[A-Za-z0-9_.\-/]{1,200}/$"),
                "expected a key prefix ending in /",
            ),
        ),
    )


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


DEFAULTS: dict[str, dict[str, Any]] = {"dev": _merge(_SHARED, _DEV), "prod": _merge(_SHARED, _PROD)}


def _unknown_keys(defaults: Mapping[str, Any], given: Mapping[str, Any], prefix: str = "") -> list[str]:
    unknown = []
    for key, value in given.items():
        path = f"{prefix}{key}"
        if key not in defaults:
            unknown.append(path)
        elif (
            isinstance(value, Mapping)
            and isinstance(defaults[key], Mapping)
            and key not in ("extraTags", "addonVersions", "inputActions", "outputActions")
        ):
            unknown.extend(_unknown_keys(defaults[key], value, path + "."))
    return unknown


def parse_config_value(key: str, raw: Any) -> Any:
    """Pulumi hands structured config to programs as JSON text; plain strings stay strings."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if (text and text[0] in "[{") or text in ("true", "false", "null") or re.fullmatch(r"-?\d+(\.\d+)?", text):
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise SettingsError([f"{PROJECT}:{key}: not valid JSON/YAML structure ({err.msg})"]) from None
    return raw


def _given(config: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`{"genai-platform:key": raw, "aws:region": raw}` -> `({key: value, "region": raw}, problems)`."""
    given: dict[str, Any] = {}
    problems: list[str] = []
    for full_key, raw in config.items():
        namespace, _, key = full_key.partition(":")
        if full_key == "aws:region":
            given["region"] = raw
        elif namespace == PROJECT and key:
            try:
                given[key] = parse_config_value(key, raw)
            except SettingsError as err:
                problems.extend(err.problems)
    return given, problems


def settings_from_config(config: Mapping[str, Any], stack: str) -> PlatformSettings:
    """Build settings from a stack's config, as `{"genai-platform:key": value, "aws:region": value}`.

    Values may be Python objects or the JSON text Pulumi passes to programs.
    """
    given, problems = _given(config)
    environment = given.pop("environment", stack)
    if environment not in ENVIRONMENTS:
        raise SettingsError(
            [f"{PROJECT}:environment: {json.dumps(environment)} is invalid; allowed: {', '.join(ENVIRONMENTS)}"]
        )
    defaults = DEFAULTS[environment]
    for key in _unknown_keys(defaults, given):
        problems.append(f"{PROJECT}:{key}: unknown setting; known top-level keys: {', '.join(sorted(defaults))}")
    reader = _Reader(_merge(defaults, given))
    settings = _build(environment, reader)
    problems.extend(reader.problems)
    if problems:
        raise SettingsError(problems)
    return settings


def effective_config(config: Mapping[str, Any], stack: str) -> dict[str, Any]:
    """The values settings are built from (defaults merged with the stack's config), by setting key;
    call after `settings_from_config` accepted the same config."""
    given = {
        key.partition(":")[2]: parse_config_value(key.partition(":")[2], raw)
        for key, raw in config.items()
        if key.startswith(f"{PROJECT}:")
    }
    environment = given.pop("environment", stack)
    return _merge(DEFAULTS[environment], given)


def as_dict(value: Any) -> Any:
    """A JSON-friendly view of settings (for the plan document and docs)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_dict(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: as_dict(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [as_dict(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------------
# The account-baseline stage (stages/account): one stack per account and region
# ---------------------------------------------------------------------------------------------------

ACCOUNT_ENVIRONMENT = "account"
"""The `Environment` tag of the account baseline's resources (they serve every environment)."""
_DETECTOR_ID = re.compile(r"^[0-9a-f]{32}$")
_ANALYZER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$")
ACCOUNT_DEFAULTS: dict[str, Any] = {
    "region": "eu-west-1",
    "owner": "platform-team",
    "costCenter": "genai-shared",
    "autoScalingRoleExists": False,
    "guardDutyDetectorId": None,
    "securityHubExists": False,
    "accessAnalyzerName": None,
    "inspectorEcr": True,
}


@dataclass(frozen=True)
class AccountSettings:
    """Settings of the account baseline: what there can be only one of per account and region."""

    region: str
    owner: str
    cost_center: str
    auto_scaling_role_exists: bool
    """The account already has AWSServiceRoleForAutoScaling (any Auto Scaling group ever created it):
    the stage imports it instead of creating it, since IAM refuses a second one."""
    guard_duty_detector_id: str | None
    """An existing GuardDuty detector to import (one per account and region); None creates one."""
    security_hub_exists: bool
    """Security Hub is already enabled in the account and region: the stage imports the hub."""
    access_analyzer_name: str | None
    """The name of the account's existing ACCOUNT IAM Access Analyzer (one per region, not raisable):
    the stage imports it; None creates `genai-account`."""
    inspector_ecr: bool
    """Amazon Inspector enhanced scanning of the account's ECR images (docs/detection-response.md): on
    where the account hosts prod images; it switches the whole registry to enhanced scanning."""

    def base_tags(self) -> dict[str, str]:
        return {
            "Project": PROJECT,
            "Environment": ACCOUNT_ENVIRONMENT,
            "Owner": self.owner,
            "CostCenter": self.cost_center,
            "ManagedBy": "pulumi",
        }


def account_settings_from_config(config: Mapping[str, Any], stack: str) -> AccountSettings:
    """The account baseline's settings; its stack is named after its region (`aws:region`)."""
    given, problems = _given(config)
    for key in _unknown_keys(ACCOUNT_DEFAULTS, given):
        problems.append(f"{PROJECT}:{key}: unknown setting; known keys: {', '.join(sorted(ACCOUNT_DEFAULTS))}")
    r = _Reader(_merge(ACCOUNT_DEFAULTS, given))
    tag_value = re.compile(r"^[\w .@+-]{1,128}$")
    region = r.choice("region", AWS_REGIONS)
    if not r.problems and region != stack:
        r.fail("region", region, f"the account stage's stack is named after its region: expected {stack!r}")
    settings = AccountSettings(
        region=region,
        owner=r.string("owner", tag_value, "letters, digits and . @ + - _ (max 128)"),
        cost_center=r.string("costCenter", tag_value, "letters, digits and . @ + - _ (max 128)"),
        auto_scaling_role_exists=r.boolean("autoScalingRoleExists"),
        guard_duty_detector_id=r.optional_string("guardDutyDetectorId", _DETECTOR_ID, "expected a 32-hex detector id"),
        security_hub_exists=r.boolean("securityHubExists"),
        access_analyzer_name=r.optional_string(
            "accessAnalyzerName", _ANALYZER_NAME, "expected an analyzer name: letters, digits, . _ - (1-255)"
        ),
        inspector_ecr=r.boolean("inspectorEcr"),
    )
    problems.extend(r.problems)
    if problems:
        raise SettingsError(problems)
    return settings
