"""GPU workloads: the NVIDIA device plugin DaemonSet and the inference model server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from components.node_group import GPU_LABELS, GPU_TAINT

GPU_RESOURCE = "nvidia.com/gpu"
GPU_NODE_SELECTOR = {"nvidia.com/gpu.present": GPU_LABELS["nvidia.com/gpu.present"]}
GPU_TOLERATION: k8s.core.v1.TolerationArgsDict = {
    "key": GPU_TAINT["key"],
    "operator": "Exists",
    "effect": "NoSchedule",
}
RUNTIME_DEFAULT_SECCOMP: k8s.core.v1.SeccompProfileArgsDict = {"type": "RuntimeDefault"}
DEVICE_PLUGIN_DIR = "/var/lib/kubelet/device-plugins"
# pulumi-kubernetes waits for a DaemonSet's, Deployment's and LoadBalancer Service's readiness; this
# annotation bounds the wait, so an image that cannot be pulled or a node that never comes fails the
# update instead of holding it.
TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds"
SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait"
# Every GPU is in use and no autoscaler adds nodes: a surge pod would stay Pending and the rollout would
# never finish. Replace one replica at a time instead (Kubernetes Deployment strategy; review N7).
GPU_ROLLOUT: k8s.apps.v1.DeploymentStrategyArgsDict = {
    "type": "RollingUpdate",
    "rolling_update": {"max_surge": 0, "max_unavailable": 1},
}


def ready_timeout(seconds: int) -> dict[str, str]:
    if seconds <= 0:
        raise ValueError(f"a readiness timeout must be positive, got {seconds}")
    return {TIMEOUT_ANNOTATION: str(seconds)}


@dataclass
class DevicePluginArgs:
    namespace: pulumi.Input[str]
    """A namespace labelled `privileged` (see `k8s_baseline.DEVICE_PLUGIN_NAMESPACE`)."""
    image: str
    """Pinned by digest (settings refuse anything else)."""
    ready_timeout_seconds: int = 600


class NvidiaDevicePlugin(pulumi.ComponentResource):
    """The NVIDIA device plugin, which advertises `nvidia.com/gpu` on GPU nodes.

    Why its namespace is `privileged`: the plugin registers with the kubelet through a Unix socket in
    the host directory `/var/lib/kubelet/device-plugins` (a hostPath volume) and must run as root to
    create that socket. Both are forbidden by the `baseline` and `restricted` Pod Security levels.
    Everything else is locked down: no privilege escalation, all capabilities dropped, a read-only
    root filesystem, RuntimeDefault seccomp, no host network/PID/IPC, no API token, and it schedules
    only onto GPU nodes (tolerating their taint). Bottlerocket NVIDIA AMIs ship their own plugin; this
    one is for AL2023 NVIDIA nodes, where it is required.
    """

    daemon_set: k8s.apps.v1.DaemonSet

    def __init__(self, name: str, args: DevicePluginArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:kubernetes:NvidiaDevicePlugin", name, None, opts)
        labels = {"app.kubernetes.io/name": "nvidia-device-plugin"}
        self.daemon_set = k8s.apps.v1.DaemonSet(
            f"{name}-ds",
            metadata={
                "name": "nvidia-device-plugin",
                "namespace": args.namespace,
                "labels": labels,
                "annotations": ready_timeout(args.ready_timeout_seconds),
            },
            spec={
                "selector": {"match_labels": labels},
                "update_strategy": {"type": "RollingUpdate"},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "priority_class_name": "system-node-critical",
                        "automount_service_account_token": False,
                        "node_selector": GPU_NODE_SELECTOR,
                        "tolerations": [GPU_TOLERATION, {"key": "CriticalAddonsOnly", "operator": "Exists"}],
                        "security_context": {"seccomp_profile": RUNTIME_DEFAULT_SECCOMP},
                        "containers": [
                            {
                                "name": "nvidia-device-plugin",
                                "image": args.image,
                                "env": [{"name": "FAIL_ON_INIT_ERROR", "value": "false"}],
                                "security_context": {
                                    "allow_privilege_escalation": False,
                                    "privileged": False,
                                    "read_only_root_filesystem": True,
                                    "capabilities": {"drop": ["ALL"]},
                                    "seccomp_profile": RUNTIME_DEFAULT_SECCOMP,
                                },
                                "resources": {
                                    "requests": {"cpu": "50m", "memory": "64Mi"},
                                    "limits": {"cpu": "200m", "memory": "128Mi"},
                                },
                                "volume_mounts": [{"name": "device-plugin", "mount_path": DEVICE_PLUGIN_DIR}],
                            }
                        ],
                        "volumes": [
                            {
                                "name": "device-plugin",
                                "host_path": {"path": DEVICE_PLUGIN_DIR, "type": "Directory"},
                            }
                        ],
                    },
                },
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


@dataclass
class ModelVerification:
    """The init container that fetches the model and checks its signed manifest (docs/integrity.md)."""

    image: pulumi.Input[str]
    """Digest-pinned image holding `genai_ingest` (python -m genai_ingest.provenance)."""
    key_arn: pulumi.Input[str]
    model_uri: pulumi.Input[str]
    """`s3://<models bucket>/<prefix>/`: the model directory the manifest covers."""
    region: pulumi.Input[str]
    mount_path: str = "/models"


VERIFY_MODEL_CONTAINER = "verify-model"


@dataclass
class InferenceServiceArgs:
    namespace: pulumi.Input[str]
    service_account: pulumi.Input[str]
    image: pulumi.Input[str]
    """`<ECR repositoryUrl>@sha256:<digest>`."""
    port: int
    replicas: int
    """0 while no signed model exists: no pod, and neither the Deployment nor the Service is waited for."""
    load_balancer_subnet_ids: Sequence[pulumi.Input[str]]
    """Where the internal NLB lives: the Lambda subnets, next to its only caller."""
    load_balancer_source_cidrs: Sequence[str]
    """The filter Lambda's subnets; the NLB's security group admits only these."""
    name: str = "model-server"
    cpu: str = "2"
    memory: str = "8Gi"
    cpu_limit: str = "4"
    memory_limit: str = "16Gi"
    labels: dict[str, str] = field(default_factory=dict)
    ready_timeout_seconds: int = 600
    """How long `pulumi up` waits for ready replicas and for the load balancer's address."""
    verification: ModelVerification | None = None
    gpu: bool = True
    """One GPU per replica, on GPU nodes; False: CPU only, on the system nodes (the guard classifier)."""
    args: Sequence[str] = ()
    """The server's arguments (the image's entrypoint stays)."""
    env: dict[str, str] = field(default_factory=dict)


class InferenceService(pulumi.ComponentResource):
    """The model server Deployment and its Service, meeting the `restricted` Pod Security profile:
    non-root (UID 10001), read-only root filesystem (writable emptyDir at /tmp only), no privilege
    escalation, all capabilities dropped, RuntimeDefault seccomp, requests and limits including one
    GPU, the GPU toleration and node selector, and a digest-pinned image from the platform's ECR.

    The Service is an internal NLB in the Lambda subnets, provisioned by EKS's built-in service
    controller (no add-on to install), restricted to the Lambda subnets' CIDRs. With
    `externalTrafficPolicy: Local` the callers' addresses are preserved, so the namespace's
    NetworkPolicy, which admits only the Lambda subnets, sees them. `url` is the NLB's DNS name,
    which the filter function can resolve (a `cluster.local` name is not resolvable outside the cluster).
    """

    deployment: k8s.apps.v1.Deployment
    service: k8s.core.v1.Service
    url: pulumi.Output[str]

    def __init__(self, name: str, args: InferenceServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:kubernetes:InferenceService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = {"app.kubernetes.io/name": args.name, **args.labels}
        container_security: Any = {
            "run_as_non_root": True,
            "allow_privilege_escalation": False,
            "privileged": False,
            "read_only_root_filesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccomp_profile": RUNTIME_DEFAULT_SECCOMP,
        }
        tmp_mount: Any = {"name": "tmp", "mount_path": "/tmp"}  # noqa: S108  # nosec B108 - the pod's own emptyDir
        verify = args.verification
        gpu: Any = {GPU_RESOURCE: "1"} if args.gpu else {}
        placement: Any = {"node_selector": GPU_NODE_SELECTOR, "tolerations": [GPU_TOLERATION]} if args.gpu else {}
        init_containers: list[Any] = []
        model_mounts: list[Any] = []
        model_volumes: list[Any] = []
        if verify is not None:
            model_volumes = [{"name": "model", "empty_dir": {"size_limit": "200Gi"}}]
            model_mounts = [{"name": "model", "mount_path": verify.mount_path, "read_only": True}]
            init_containers = [
                {
                    "name": VERIFY_MODEL_CONTAINER,
                    "image": verify.image,
                    "command": ["python", "-m", "genai_ingest.provenance", "verify", verify.mount_path],
                    "args": ["--key-id", verify.key_arn, "--from", verify.model_uri, "--region", verify.region],
                    "security_context": container_security,
                    "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}},
                    "volume_mounts": [{"name": "model", "mount_path": verify.mount_path}, tmp_mount],
                }
            ]
        server: Any = {
            "name": args.name,
            "image": args.image,
            "ports": [{"name": "http", "container_port": args.port, "protocol": "TCP"}],
            **({"args": list(args.args)} if args.args else {}),
            "env": [
                {"name": "PORT", "value": str(args.port)},
                *({"name": k, "value": v} for k, v in sorted(args.env.items())),
            ],
            "security_context": container_security,
            "resources": {
                "requests": {"cpu": args.cpu, "memory": args.memory, **gpu},
                "limits": {"cpu": args.cpu_limit, "memory": args.memory_limit, **gpu},
            },
            "volume_mounts": [tmp_mount, *model_mounts],
        }
        self.deployment = k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata={
                "name": args.name,
                "namespace": args.namespace,
                "labels": labels,
                "annotations": ready_timeout(args.ready_timeout_seconds),
            },
            spec=cast(
                Any,
                {
                    "replicas": args.replicas,
                    **({"strategy": GPU_ROLLOUT} if args.gpu else {}),
                    "selector": {"match_labels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            **placement,
                            "service_account_name": args.service_account,
                            "automount_service_account_token": False,
                            "security_context": {
                                "run_as_non_root": True,
                                "run_as_user": 10001,
                                "run_as_group": 10001,
                                "fs_group": 10001,
                                "seccomp_profile": RUNTIME_DEFAULT_SECCOMP,
                            },
                            "topology_spread_constraints": [
                                {
                                    "max_skew": 1,
                                    "topology_key": "topology.kubernetes.io/zone",
                                    "when_unsatisfiable": "ScheduleAnyway",
                                    "label_selector": {"match_labels": labels},
                                }
                            ],
                            "init_containers": init_containers,
                            "containers": [server],
                            "volumes": [{"name": "tmp", "empty_dir": {"size_limit": "1Gi"}}, *model_volumes],
                        },
                    },
                },
            ),
            opts=child,
        )
        subnets = pulumi.Output.all(*args.load_balancer_subnet_ids).apply(",".join)
        self.service = k8s.core.v1.Service(
            f"{name}-service",
            metadata={
                "name": args.name,
                "namespace": args.namespace,
                "labels": labels,
                "annotations": {
                    **ready_timeout(args.ready_timeout_seconds),
                    # With no pod, the Service has no endpoints and its readiness wait could only time out.
                    **({SKIP_AWAIT_ANNOTATION: "true"} if args.replicas == 0 else {}),
                    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
                    "service.beta.kubernetes.io/aws-load-balancer-subnets": subnets,
                },
            },
            spec={
                "type": "LoadBalancer",
                "external_traffic_policy": "Local",
                "selector": labels,
                "ports": [{"name": "http", "port": args.port, "target_port": "http", "protocol": "TCP"}],
                "load_balancer_source_ranges": list(args.load_balancer_source_cidrs),
            },
            opts=child,
        )
        hostname = self.service.status.apply(_load_balancer_hostname)
        self.hostname: pulumi.Output[str] = hostname.apply(lambda h: h or "")
        self.url = pulumi.Output.format("http://{0}:{1}", hostname, args.port)
        self.register_outputs({"url": self.url})


def _load_balancer_hostname(status: k8s.core.v1.outputs.ServiceStatus | None) -> str | None:
    """The NLB's DNS name, once Kubernetes reports it (the provider waits for it on create)."""
    ingress = status.load_balancer.ingress if status and status.load_balancer else None
    return ingress[0].hostname if ingress else None
