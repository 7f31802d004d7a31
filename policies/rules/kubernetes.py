"""Kubernetes: Pod Security Standards labels, default-deny NetworkPolicies and pod hardening."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Policy, PolicyResource

from ._common import (
    CIS_EKS,
    CRITICAL,
    HIGH,
    MEDIUM,
    OWASP_LLM,
    Meta,
    Res,
    Stack,
    as_list,
    as_map,
    dig,
    resource_rule,
    stack_rule,
)

NAMESPACE = "kubernetes:core/v1:Namespace"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "kubernetes:core/v1:Pod": ("spec",),
    "kubernetes:apps/v1:Deployment": ("spec", "template", "spec"),
    "kubernetes:apps/v1:DaemonSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:StatefulSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:ReplicaSet": ("spec", "template", "spec"),
    "kubernetes:core/v1:ReplicationController": ("spec", "template", "spec"),
    "kubernetes:batch/v1:Job": ("spec", "template", "spec"),
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
WORKLOADS = list(TEMPLATE_PATHS)
EXEMPT_NAMESPACES = {
    "type": "array",
    "items": {"type": "string"},
    "default": ["kube-system", "kube-public", "kube-node-lease"],
}


def pod_spec(res: Res) -> Mapping[str, Any]:
    return as_map(dig(res.props, *TEMPLATE_PATHS[res.type]))


def containers(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        as_map(c) for key in ("initContainers", "containers", "ephemeralContainers") for c in as_list(spec.get(key))
    ]


def _namespace_name(ns: PolicyResource | Res) -> str:
    return str(dig(ns.props, "metadata", "name") or ns.name)


def _workload_namespace(name: str, exempt: list[str]) -> bool:
    return name not in exempt


def _pss_label(res: Res) -> Iterator[str]:
    name = _namespace_name(res)
    if not _workload_namespace(name, res.config.strings("exemptNamespaces")):
        return
    level = as_map(dig(res.props, "metadata", "labels")).get("pod-security.kubernetes.io/enforce")
    allowed = res.config.strings("allowedLevels")
    if level not in allowed:
        yield f"Namespace '{name}' enforces Pod Security level {level!r}, not one of {allowed}."


def _is_default_deny(policy: PolicyResource) -> bool:
    spec = as_map(policy.props.get("spec"))
    selector = as_map(spec.get("podSelector"))
    if selector.get("matchLabels") or selector.get("matchExpressions"):
        return False
    types = {str(t) for t in as_list(spec.get("policyTypes"))}
    return {"Ingress", "Egress"} <= types and not as_list(spec.get("ingress")) and not as_list(spec.get("egress"))


def _default_deny(stack: Stack) -> Iterator[tuple[str | None, str]]:
    exempt = stack.config.strings("exemptNamespaces")
    deny_by_name: set[str] = set()
    deny_by_urn: set[str] = set()
    for policy in stack.of_type(NETWORK_POLICY):
        if _is_default_deny(policy):
            deny_by_name.add(str(dig(policy.props, "metadata", "namespace") or "default"))
            deny_by_urn.update(d.urn for d in policy.property_dependencies.get("metadata", []))
    for ns in stack.of_type(NAMESPACE):
        name = _namespace_name(ns)
        if not _workload_namespace(name, exempt):
            continue
        if ns.urn not in deny_by_urn and name not in deny_by_name:
            yield ns.urn, f"Namespace '{name}' has no default-deny NetworkPolicy (Ingress and Egress)."


def _effective(spec: Mapping[str, Any], container: Mapping[str, Any], key: str) -> Any:
    value = dig(container, "securityContext", key)
    return value if value is not None else dig(spec, "securityContext", key)


def _non_root(res: Res) -> Iterator[str]:
    spec = pod_spec(res)
    for c in containers(spec):
        uid = _effective(spec, c, "runAsUser")
        if _effective(spec, c, "runAsNonRoot") is not True or uid == 0:
            yield f"Container '{c.get('name')}' of '{res.name}' may run as root (set runAsNonRoot=true)."


def _privileged(res: Res) -> Iterator[str]:
    spec = pod_spec(res)
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag) is True:
            yield f"'{res.name}' sets {flag}."
    for c in containers(spec):
        if dig(c, "securityContext", "privileged") is True:
            yield f"Container '{c.get('name')}' of '{res.name}' is privileged."
        added = {str(a).upper() for a in as_list(dig(c, "securityContext", "capabilities", "add"))}
        if added & {"SYS_ADMIN", "NET_ADMIN", "ALL"}:
            yield f"Container '{c.get('name')}' of '{res.name}' adds capabilities {sorted(added)}."


def _escalation(res: Res) -> Iterator[str]:
    for c in containers(pod_spec(res)):
        if dig(c, "securityContext", "allowPrivilegeEscalation") is not False:
            yield f"Container '{c.get('name')}' of '{res.name}' does not set allowPrivilegeEscalation=false."


def _limits(res: Res) -> Iterator[str]:
    for c in containers(pod_spec(res)):
        limits = as_map(dig(c, "resources", "limits"))
        missing = [k for k in ("cpu", "memory") if not limits.get(k)]
        if missing:
            yield f"Container '{c.get('name')}' of '{res.name}' has no {'/'.join(missing)} limit."


def _digest(res: Res) -> Iterator[str]:
    for c in containers(pod_spec(res)):
        image = str(c.get("image") or "")
        if "@sha256:" not in image:
            yield f"Container '{c.get('name')}' of '{res.name}' uses image '{image}' not pinned by digest."


def registry_of(image: str) -> str:
    first, sep, _ = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def _registry(res: Res) -> Iterator[str]:
    trusted = res.config.strings("trustedRegistries")
    for c in containers(pod_spec(res)):
        image = str(c.get("image") or "")
        registry = registry_of(image)
        if not any(fnmatch.fnmatchcase(registry, pattern) for pattern in trusted):
            yield f"Container '{c.get('name')}' of '{res.name}' pulls from untrusted registry '{registry}'."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "k8s-namespace-pod-security-enforce",
                "Workload namespaces enforce a Pod Security Standards level.",
                HIGH,
                (f"{CIS_EKS}:4.2", f"{OWASP_LLM}:LLM03"),
                "Label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline).",
                {
                    "exemptNamespaces": EXEMPT_NAMESPACES,
                    "allowedLevels": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["restricted", "baseline"],
                    },
                },
            ),
            [NAMESPACE],
            _pss_label,
        ),
        stack_rule(
            Meta(
                "k8s-namespace-default-deny",
                "Every workload namespace has a default-deny NetworkPolicy.",
                HIGH,
                (f"{CIS_EKS}:4.3.2",),
                "Add a NetworkPolicy in the namespace with podSelector {} and policyTypes "
                "[Ingress, Egress] and no rules; then allow the flows the workloads need.",
                {"exemptNamespaces": EXEMPT_NAMESPACES},
            ),
            _default_deny,
        ),
        resource_rule(
            Meta(
                "k8s-pod-run-as-non-root",
                "Pods run as non-root.",
                HIGH,
                (f"{CIS_EKS}:4.2.6",),
                "Set securityContext.runAsNonRoot=true (pod or container) and a non-zero runAsUser.",
            ),
            WORKLOADS,
            _non_root,
        ),
        resource_rule(
            Meta(
                "k8s-pod-no-privileged",
                "Pods are not privileged and share no host namespaces.",
                CRITICAL,
                (f"{CIS_EKS}:4.2.1", f"{CIS_EKS}:4.2.2", f"{CIS_EKS}:4.2.3", f"{CIS_EKS}:4.2.4"),
                "Remove privileged, hostNetwork/hostPID/hostIPC and added admin capabilities.",
            ),
            WORKLOADS,
            _privileged,
        ),
        resource_rule(
            Meta(
                "k8s-pod-no-privilege-escalation",
                "Containers disallow privilege escalation.",
                HIGH,
                (f"{CIS_EKS}:4.2.5",),
                "Set securityContext.allowPrivilegeEscalation=false.",
            ),
            WORKLOADS,
            _escalation,
        ),
        resource_rule(
            Meta(
                "k8s-pod-resource-limits",
                "Containers have CPU and memory limits.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM10",),
                "Set resources.limits.cpu and resources.limits.memory.",
            ),
            WORKLOADS,
            _limits,
        ),
        resource_rule(
            Meta(
                "k8s-pod-image-digest",
                "Container images are pinned by digest.",
                HIGH,
                (f"{OWASP_LLM}:LLM03",),
                "Reference the image as <repo>@sha256:<digest>.",
            ),
            WORKLOADS,
            _digest,
        ),
        resource_rule(
            Meta(
                "k8s-pod-image-trusted-registry",
                "Container images come from trusted registries.",
                HIGH,
                (f"{OWASP_LLM}:LLM03",),
                "Mirror the image into your own ECR repository, or add its registry to trustedRegistries.",
                {
                    "trustedRegistries": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["*.dkr.ecr.*.amazonaws.com", "nvcr.io"],
                    }
                },
            ),
            WORKLOADS,
            _registry,
        ),
    ]
