"""The deployment's stages: one Pulumi project each, applied in order, linked by stack references.

1. `account`  (stages/account, project `genai-account`): per account and region, the stack named
   after the region. What AWS allows once per account: GuardDuty detector, the API Gateway account
   logging role, the Auto Scaling service-linked role.
2. `platform` (the repository root, project `genai-platform`): per environment (`dev`, `prod`).
   Data lake, network, EKS control plane and nodes, registry, edge, operations, the in-VPC deploy
   runner. Reads the account stage's outputs.
3. images: pushed to the platform's ECR by the deploy workflow (not a Pulumi project).
4. `cluster`  (stages/cluster, project `genai-cluster`): per environment. Kubernetes baseline and
   workloads, applied from the in-VPC runner (the API endpoint is private). Reads the platform
   stage's `clusterStage` output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

ROOT = Path(__file__).resolve().parent.parent
POLICY_CONFIGS = ROOT / "policies" / "config"


@dataclass(frozen=True)
class Stage:
    name: str
    project: str
    folder: Path
    """The project folder (the one holding its Pulumi.yaml)."""
    per: str
    """What one stack of the stage stands for: `region` (named after it) or `environment`."""
    upstream: str | None
    """The stage whose outputs this one reads through a stack reference."""

    @property
    def policy_config(self) -> Path:
        return POLICY_CONFIGS / f"{self.name}.json"

    def stack_for(self, environment: str, region: str) -> str:
        return region if self.per == "region" else environment


ACCOUNT = Stage("account", "genai-account", ROOT / "stages" / "account", "region", None)
PLATFORM = Stage("platform", "genai-platform", ROOT, "environment", "account")
CLUSTER = Stage("cluster", "genai-cluster", ROOT / "stages" / "cluster", "environment", "platform")
STAGES = (ACCOUNT, PLATFORM, CLUSTER)
"""In deploy order (the images are pushed between `platform` and `cluster`)."""
STAGE_NAMES = tuple(s.name for s in STAGES)


def stage(name: str) -> Stage:
    for s in STAGES:
        if s.name == name:
            return s
    raise KeyError(f"unknown stage {name!r}; known: {', '.join(STAGE_NAMES)}")


class StageOrderError(RuntimeError):
    """An upstream stage has not been applied (its stack or an output is missing)."""


def stack_reference_name(project: str, stack: str) -> str:
    """`<organization>/<project>/<stack>`: the form both Pulumi Cloud and the self-managed backends accept."""
    return f"{pulumi.get_organization()}/{project}/{stack}"


def read_outputs(upstream: Stage, stack: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The upstream stack's outputs `names` as plain values, read before any resource is declared.

    A missing stack or output means the stages were applied out of order: one clear error naming the
    stage to apply first, instead of resources declared from missing values.
    """
    from pulumi.runtime.sync_await import _sync_await

    ref = pulumi.StackReference(f"{upstream.name}-stage", stack_name=stack_reference_name(upstream.project, stack))
    values: dict[str, Any] = {}
    missing: list[str] = []
    for name in names:
        details = _sync_await(ref.get_output_details(name))
        value = details.value if details.value is not None else details.secret_value
        if value is None:
            missing.append(name)
        values[name] = value
    if missing:
        raise StageOrderError(
            f"stack {stack_reference_name(upstream.project, stack)} has no output {', '.join(missing)}: "
            f"apply the {upstream.name} stage (docs/deploy.md) before this one"
        )
    return values


@dataclass(frozen=True)
class AccountOutputs:
    """What the platform stage takes from the account stage."""

    autoscaling_role_arn: str
    api_logging_role_arn: str
    detector_id: str
    security_hub_arn: str
    """Read so that a platform stack whose findings rule relies on the hub fails clearly before the
    account stage has enabled it."""

    NAMES = ("autoScalingRoleArn", "apiGatewayLoggingRoleArn", "guardDutyDetectorId", "securityHubArn")


def account_outputs(region: str) -> AccountOutputs:
    values = read_outputs(ACCOUNT, region, AccountOutputs.NAMES)
    return AccountOutputs(*(str(values[n]) for n in AccountOutputs.NAMES))


CLUSTER_STAGE_OUTPUT = "clusterStage"
"""The platform's one output for the cluster stage: a map with the keys of `ClusterInputs`."""


@dataclass(frozen=True)
class ClusterInputs:
    """Everything the cluster stage needs, as the platform stage exports it (plain JSON values)."""

    environment: str
    region: str
    tags: dict[str, str]
    cluster_name: str
    endpoint: str
    certificate_authority: str
    kubeconfig_role_arn: str | None
    """The role the Kubernetes provider assumes (`eks.adminRoleArn`); None: the runner's own role."""
    vpc_cidr: str
    https_egress_cidrs: list[str]
    lambda_subnet_ids: list[str]
    lambda_subnet_cidrs: list[str]
    inference_repository_url: str
    workload_roles: dict[str, str]
    """binding -> role ARN bound to its service account through EKS Pod Identity."""
    model_signing_key_arn: str
    """The KMS key whose signature the model server's init container verifies (docs/integrity.md)."""
    models_bucket: str
    model_zone_id: str
    model_hostname: str
    guard_classifier: dict[str, Any]
    """`settings.filter.guard.classifier` as JSON plus its `hostname`; empty unless the guard tier is self-hosted."""
    kubernetes: dict[str, Any]
    """`settings.kubernetes` as JSON (`stacks.settings.as_dict`)."""

    @classmethod
    def from_output(cls, value: dict[str, Any]) -> ClusterInputs:
        names = list(cls.__dataclass_fields__)
        optional = {"kubeconfig_role_arn", "guard_classifier"}  # None-valued outputs do not survive serialization
        missing = [n for n in names if n not in value and n not in optional]
        if missing:
            raise StageOrderError(
                f"the platform stage's {CLUSTER_STAGE_OUTPUT} output lacks {', '.join(missing)}: "
                "apply the platform stage from this commit first"
            )
        fields: dict[str, Any] = {n: _integral(value.get(n)) for n in names}
        fields["guard_classifier"] = fields["guard_classifier"] or {}  # an empty map does not survive either
        return cls(**fields)


def _integral(value: Any) -> Any:
    """Numbers cross a stack reference as protobuf doubles: give whole numbers back their int type
    (a quota of `2.0` GPUs is not the `2` Kubernetes expects)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def cluster_inputs(environment: str) -> ClusterInputs:
    values = read_outputs(PLATFORM, environment, (CLUSTER_STAGE_OUTPUT,))
    inputs = ClusterInputs.from_output(values[CLUSTER_STAGE_OUTPUT])
    region = pulumi.Config("aws").get("region")
    if region and region != inputs.region:
        raise StageOrderError(
            f"aws:region: {region!r} is invalid; the platform stack {environment!r} is in {inputs.region!r}"
        )
    return inputs
