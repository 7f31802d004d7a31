"""EKS: control-plane endpoint, secrets encryption, logging; node groups (GPU taints, SSH, families).

A cluster counts as production when its environment is one of ``productionEnvironments``. The
environment is the ``environment`` config property if set, else the effective ``Environment`` tag
(the resource's own tags over the provider's defaultTags), else the stack name (``PULUMI_STACK``,
which the engine sets for policy packs); see ``_common.environment``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    CIS_EKS,
    CRITICAL,
    HIGH,
    MEDIUM,
    OWASP_LLM,
    PRODUCTION_CONFIG,
    Meta,
    Res,
    as_list,
    dig,
    in_production,
    resource_rule,
)

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
GPU_FAMILIES = re.compile(r"^(p\d+[a-z]*|g\d+[a-z]*|gr\d+[a-z]*|inf\d+|trn\d+[a-z]*|dl\d+[a-z]*)$")


def _endpoint(res: Res) -> Iterator[str]:
    vpc = res.props.get("vpcConfig")
    public = dig(vpc, "endpointPublicAccess")
    if public is False:
        return
    state = "is public" if public is True else "is public by default (endpointPublicAccess unset)"
    env = in_production(res)
    if env is not None:
        yield f"Cluster '{res.name}' API endpoint {state} in production environment '{env}'."
        return
    cidrs = [str(c) for c in as_list(dig(vpc, "publicAccessCidrs"))]
    if not cidrs or any(c in ("0.0.0.0/0", "::/0") for c in cidrs):
        yield f"Cluster '{res.name}' API endpoint {state} and open to the world (publicAccessCidrs {cidrs or 'unset'})."


def _secrets_encryption(res: Res) -> Iterator[str]:
    config = res.props.get("encryptionConfig")
    if "secrets" not in as_list(dig(config, "resources")) or not dig(config, "provider", "keyArn"):
        yield f"Cluster '{res.name}' does not envelope-encrypt Kubernetes secrets with a KMS key."


def _logging(res: Res) -> Iterator[str]:
    enabled = {str(t) for t in as_list(res.props.get("enabledClusterLogTypes"))}
    missing = [t for t in LOG_TYPES if t not in enabled]
    if missing:
        yield f"Cluster '{res.name}' control-plane logs missing: {', '.join(missing)}."


def _family(instance_type: str) -> str:
    return instance_type.split(".", 1)[0]


def is_gpu(res: Res) -> bool:
    if "NVIDIA" in str(res.props.get("amiType") or "").upper():
        return True
    return any(GPU_FAMILIES.match(_family(str(t))) for t in as_list(res.props.get("instanceTypes")))


def _gpu_taint(res: Res) -> Iterator[str]:
    if not is_gpu(res):
        return
    taints = as_list(res.props.get("taints"))
    if not any(dig(t, "key") == "nvidia.com/gpu" and dig(t, "effect") == "NO_SCHEDULE" for t in taints):
        yield f"GPU node group '{res.name}' has no nvidia.com/gpu NO_SCHEDULE taint."


def _no_ssh(res: Res) -> Iterator[str]:
    if res.props.get("remoteAccess"):
        yield f"Node group '{res.name}' enables SSH remoteAccess."


def _gpu_families(res: Res) -> Iterator[str]:
    allowed = res.config.strings("allowedGpuInstanceFamilies")
    for t in as_list(res.props.get("instanceTypes")):
        family = _family(str(t))
        if GPU_FAMILIES.match(family) and family not in allowed:
            yield f"Node group '{res.name}' uses GPU instance type '{t}', family not in {allowed}."
    if is_gpu(res) and not as_list(res.props.get("instanceTypes")):
        yield f"GPU node group '{res.name}' does not pin instanceTypes, so the family cannot be checked."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-eks-cluster-endpoint-private",
                "EKS API endpoints are private in production and never open to the world.",
                CRITICAL,
                (f"{CIS_EKS}:5.4.2", f"{OWASP_LLM}:LLM03"),
                "Set vpcConfig.endpointPublicAccess=False (production), or restrict publicAccessCidrs to known ranges.",
                PRODUCTION_CONFIG,
            ),
            [CLUSTER],
            _endpoint,
        ),
        resource_rule(
            Meta(
                "aws-eks-cluster-secrets-encryption",
                "EKS clusters envelope-encrypt secrets with a KMS key.",
                HIGH,
                (f"{CIS_EKS}:5.3.1", f"{OWASP_LLM}:LLM02"),
                "Set encryptionConfig={resources:['secrets'], provider:{keyArn: <CMK arn>}}.",
            ),
            [CLUSTER],
            _secrets_encryption,
        ),
        resource_rule(
            Meta(
                "aws-eks-cluster-control-plane-logging",
                "EKS clusters enable all five control-plane log types.",
                MEDIUM,
                (f"{CIS_EKS}:2.1.1",),
                "Set enabledClusterLogTypes to api, audit, authenticator, controllerManager, scheduler.",
            ),
            [CLUSTER],
            _logging,
        ),
        resource_rule(
            Meta(
                "aws-eks-nodegroup-gpu-taint",
                "GPU node groups are tainted nvidia.com/gpu NO_SCHEDULE.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM10",),
                "Add taints=[{key:'nvidia.com/gpu', value:'true', effect:'NO_SCHEDULE'}].",
            ),
            [NODE_GROUP],
            _gpu_taint,
        ),
        resource_rule(
            Meta(
                "aws-eks-nodegroup-no-ssh",
                "Node groups do not enable SSH access.",
                HIGH,
                (),
                "Remove remoteAccess; use SSM Session Manager if needed.",
            ),
            [NODE_GROUP],
            _no_ssh,
        ),
        resource_rule(
            Meta(
                "aws-eks-nodegroup-gpu-family-allowed",
                "GPU node groups use allowed instance families.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM10",),
                "Use an instance type from allowedGpuInstanceFamilies, or extend the config.",
                {
                    "allowedGpuInstanceFamilies": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["g5", "g6", "g6e", "p4d", "p5"],
                    }
                },
            ),
            [NODE_GROUP],
            _gpu_families,
        ),
    ]
