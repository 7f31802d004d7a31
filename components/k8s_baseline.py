"""The Kubernetes baseline: namespaces under Pod Security Standards, default-deny network policies,
quotas, and service accounts bound to IAM roles through EKS Pod Identity.

Every resource here is created through the cluster's `kubernetes.Provider`, which the top-level
component receives in `opts.providers` and its children inherit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

PSS_MODES = ("enforce", "audit", "warn")
PSS_VERSION = "latest"
# The NVIDIA device plugin needs a hostPath mount of the kubelet's device-plugin socket directory
# and runs as root to create its socket there; both are forbidden by `baseline` and `restricted`.
DEVICE_PLUGIN_NAMESPACE = "nvidia-device-plugin"
DNS_PORT = 53
HTTPS_PORT = 443
# The EKS Pod Identity agent serves credentials on the node's link-local address (hostNetwork).
POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32"
POD_IDENTITY_AGENT_PORT = 80
# The response function labels a compromised pod `quarantine=true` (lambdas/response). Network policies
# add up, so a deny-all for quarantined pods only isolates them because every allow excludes them.
QUARANTINE_LABEL = "quarantine"
NOT_QUARANTINED: k8s.meta.v1.LabelSelectorRequirementArgsDict = {
    "key": QUARANTINE_LABEL,
    "operator": "NotIn",
    "values": ["true"],
}
CONTAINMENT_GROUP = "genai:containment"


def pss_labels(level: str) -> dict[str, str]:
    labels = {f"pod-security.kubernetes.io/{mode}": level for mode in PSS_MODES}
    labels.update({f"pod-security.kubernetes.io/{mode}-version": PSS_VERSION for mode in PSS_MODES})
    return labels


def _allowed_pods(labels: dict[str, str] | None = None) -> k8s.meta.v1.LabelSelectorArgsDict:
    """The pods an allow applies to: never a quarantined one."""
    selector: k8s.meta.v1.LabelSelectorArgsDict = {"match_expressions": [NOT_QUARANTINED]}
    if labels:
        selector["match_labels"] = labels
    return selector


def _ip_peers(cidrs: Sequence[str]) -> list[k8s.networking.v1.NetworkPolicyPeerArgsDict]:
    return [{"ip_block": {"cidr": cidr}} for cidr in sorted(set(cidrs))]


@dataclass(frozen=True)
class IngressAllow:
    """Ingress to pods with `pod_labels` on `port` from the given CIDRs (callers outside the cluster)."""

    name: str
    pod_labels: dict[str, str]
    port: int
    source_cidrs: Sequence[str]


@dataclass
class WorkloadNamespaceArgs:
    namespace: str
    pod_security_level: str = "restricted"
    """`privileged` only for the device plugin's namespace, which needs host access."""
    allow_dns: bool = True
    allow_pod_identity_agent: bool = False
    """Egress to the EKS Pod Identity agent, for namespaces whose service accounts have an association."""
    https_egress_cidrs: pulumi.Input[Sequence[str]] = ()
    """Egress on TCP 443: the VPC CIDR (interface endpoints) and the S3 gateway endpoint's ranges."""
    ingress_allows: Sequence[IngressAllow] = ()
    gpu_quota: int = 0
    cpu_quota: str = "8"
    memory_quota: str = "32Gi"
    max_pods: int = 50
    labels: dict[str, str] = field(default_factory=dict)


class WorkloadNamespace(pulumi.ComponentResource):
    """A namespace labelled for Pod Security Standards (enforce, audit and warn at one level), with:

    - a default-deny NetworkPolicy for ingress and egress, then explicit allows only: DNS to
      kube-system, the Pod Identity agent (when asked), HTTPS to the given CIDRs, and the listed
      ingress ports from the listed CIDRs;
    - a ResourceQuota (CPU, memory, pods and `requests.nvidia.com/gpu`) and a LimitRange, so every
      container gets requests and limits even when its manifest forgets them.
    """

    namespace: k8s.core.v1.Namespace
    name: pulumi.Output[str]

    def __init__(self, name: str, args: WorkloadNamespaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:kubernetes:WorkloadNamespace", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns = args.namespace
        self.namespace = k8s.core.v1.Namespace(
            f"{name}-ns",
            metadata={
                "name": ns,
                "labels": {**args.labels, **pss_labels(args.pod_security_level)},
            },
            opts=child,
        )
        self.name = self.namespace.metadata.apply(lambda m: m.name or ns)
        in_ns = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])

        def policy(suffix: str, spec: k8s.networking.v1.NetworkPolicySpecArgsDict) -> None:
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{suffix}", metadata={"name": suffix, "namespace": self.name}, spec=spec, opts=in_ns
            )

        policy("default-deny-all", {"pod_selector": {}, "policy_types": ["Ingress", "Egress"]})
        policy(
            "quarantine",
            {"pod_selector": {"match_labels": {QUARANTINE_LABEL: "true"}}, "policy_types": ["Ingress", "Egress"]},
        )
        if args.allow_dns:
            policy(
                "allow-dns",
                {
                    "pod_selector": _allowed_pods(),
                    "policy_types": ["Egress"],
                    "egress": [
                        {
                            "to": [
                                {
                                    "namespace_selector": {
                                        "match_labels": {"kubernetes.io/metadata.name": "kube-system"}
                                    },
                                    "pod_selector": {"match_labels": {"k8s-app": "kube-dns"}},
                                }
                            ],
                            "ports": [{"protocol": "UDP", "port": DNS_PORT}, {"protocol": "TCP", "port": DNS_PORT}],
                        }
                    ],
                },
            )
        if args.allow_pod_identity_agent:
            policy(
                "allow-pod-identity-agent",
                {
                    "pod_selector": _allowed_pods(),
                    "policy_types": ["Egress"],
                    "egress": [
                        {
                            "to": [{"ip_block": {"cidr": POD_IDENTITY_AGENT_CIDR}}],
                            "ports": [{"protocol": "TCP", "port": POD_IDENTITY_AGENT_PORT}],
                        }
                    ],
                },
            )
        if args.https_egress_cidrs:
            peers = pulumi.Output.from_input(args.https_egress_cidrs).apply(_ip_peers)
            policy(
                "allow-https-to-aws-endpoints",
                {
                    "pod_selector": _allowed_pods(),
                    "policy_types": ["Egress"],
                    "egress": [{"to": peers, "ports": [{"protocol": "TCP", "port": HTTPS_PORT}]}],
                },
            )
        for allow in args.ingress_allows:
            policy(
                allow.name,
                {
                    "pod_selector": _allowed_pods(allow.pod_labels),
                    "policy_types": ["Ingress"],
                    "ingress": [
                        {
                            "from_": [{"ip_block": {"cidr": cidr}} for cidr in allow.source_cidrs],
                            "ports": [{"protocol": "TCP", "port": allow.port}],
                        }
                    ],
                },
            )

        hard = {
            "requests.cpu": args.cpu_quota,
            "limits.cpu": args.cpu_quota,
            "requests.memory": args.memory_quota,
            "limits.memory": args.memory_quota,
            "requests.nvidia.com/gpu": str(args.gpu_quota),
            "pods": str(args.max_pods),
            # One internal NLB at most; the in-tree controller routes it through one node port per port.
            "services.loadbalancers": "1",
            "services.nodeports": "1",
        }
        k8s.core.v1.ResourceQuota(
            f"{name}-quota", metadata={"name": "quota", "namespace": self.name}, spec={"hard": hard}, opts=in_ns
        )
        k8s.core.v1.LimitRange(
            f"{name}-limits",
            metadata={"name": "container-defaults", "namespace": self.name},
            spec={
                "limits": [
                    {
                        "type": "Container",
                        "default": {"cpu": "500m", "memory": "512Mi"},
                        "default_request": {"cpu": "100m", "memory": "128Mi"},
                        "max": {"cpu": args.cpu_quota, "memory": args.memory_quota},
                    }
                ]
            },
            opts=in_ns,
        )
        self.register_outputs({"name": self.name})


@dataclass(frozen=True)
class WorkloadIdentity:
    """A service account bound to an IAM role through an EKS Pod Identity association."""

    namespace: WorkloadNamespace
    service_account: str
    role_arn: pulumi.Input[str]


@dataclass
class PodIdentityBindingArgs:
    cluster_name: pulumi.Input[str]
    identity: WorkloadIdentity


class PodIdentityBinding(pulumi.ComponentResource):
    """A ServiceAccount (no automounted API token) and its `aws.eks.PodIdentityAssociation`.

    The role's trust policy must trust `pods.eks.amazonaws.com` with `sts:TagSession`.
    """

    service_account: k8s.core.v1.ServiceAccount

    def __init__(self, name: str, args: PodIdentityBindingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:kubernetes:PodIdentityBinding", name, None, opts)
        identity = args.identity
        self.service_account = k8s.core.v1.ServiceAccount(
            f"{name}-sa",
            metadata={"name": identity.service_account, "namespace": identity.namespace.name},
            automount_service_account_token=False,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[identity.namespace.namespace]),
        )
        association = aws.eks.PodIdentityAssociation(
            f"{name}-association",
            cluster_name=args.cluster_name,
            namespace=identity.namespace.name,
            service_account=identity.service_account,
            role_arn=identity.role_arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.service_account]),
        )
        self.register_outputs({"associationArn": association.association_arn})


class ContainmentAccess(pulumi.ComponentResource):
    """What the response function may do in the cluster, and nothing else: read a pod (to find its
    node), label it (merge-patch, so the quarantine policy applies) and cordon a node. Its EKS access
    entry maps its role to `CONTAINMENT_GROUP` (components/response.py); EKS access policies grant no
    node verbs and nothing narrower than edit, hence this ClusterRole."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:kubernetes:ContainmentAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = k8s.rbac.v1.ClusterRole(
            f"{name}-role",
            metadata={"name": "genai-containment"},
            rules=[
                {"api_groups": [""], "resources": ["pods"], "verbs": ["get", "patch"]},
                {"api_groups": [""], "resources": ["nodes"], "verbs": ["patch"]},
            ],
            opts=child,
        )
        k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-binding",
            metadata={"name": "genai-containment"},
            role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "genai-containment"},
            subjects=[{"kind": "Group", "name": CONTAINMENT_GROUP, "api_group": "rbac.authorization.k8s.io"}],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role]),
        )
        self.register_outputs({"group": CONTAINMENT_GROUP})
