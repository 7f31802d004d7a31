"""The cluster stage's composition: the Kubernetes baseline and workloads, from the platform stage's outputs."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.dns import ServiceAlias, ServiceAliasArgs
from components.eks_cluster import kubeconfig
from components.k8s_baseline import (
    DEVICE_PLUGIN_NAMESPACE,
    ContainmentAccess,
    IngressAllow,
    PodIdentityBinding,
    PodIdentityBindingArgs,
    WorkloadIdentity,
    WorkloadNamespace,
    WorkloadNamespaceArgs,
)
from components.k8s_workloads import (
    DevicePluginArgs,
    InferenceService,
    InferenceServiceArgs,
    ModelVerification,
    NvidiaDevicePlugin,
)
from stacks.compute import GUARD_APP, GUARD_BINDING, INFERENCE_APP, service_accounts
from stacks.settings import KubernetesSettings
from stacks.stages import ClusterInputs, StageOrderError

# text-embeddings-inference serving the classifier from the verified model directory: `/predict` only
# (docs/filter-detection.md, "Guard tier"); its HF cache and temp files go to the pod's /tmp.
GUARD_SERVER_ARGS = ("--model-id", "/models", "--max-client-batch-size", "32", "--max-batch-tokens", "16384")
READY_TIMEOUT_SECONDS = 900
"""How long `pulumi up` waits for the model server and its load balancer before failing (not hanging)."""


def verification(inputs: ClusterInputs, k: KubernetesSettings, model_prefix: str) -> ModelVerification:
    """The verify-model init container for weights under `model_prefix` in the models bucket (docs/integrity.md)."""
    return ModelVerification(
        image=f"{inputs.inference_repository_url}@{k.model_verifier_image_digest}",
        key_arn=inputs.model_signing_key_arn,
        model_uri=f"s3://{inputs.models_bucket}/{model_prefix}",
        region=inputs.region,
    )


def filter_ingress(inputs: ClusterInputs, inference_port: int) -> list[IngressAllow]:
    """What the inference namespace admits from the filter's subnets: the model server, and the guard
    classifier when the guard tier is self-hosted."""
    allows = [
        IngressAllow(
            name="allow-model-server-from-filter",
            pod_labels={"app.kubernetes.io/name": INFERENCE_APP},
            port=inference_port,
            source_cidrs=inputs.lambda_subnet_cidrs,
        )
    ]
    if inputs.guard_classifier:
        allows.append(
            IngressAllow(
                name="allow-prompt-guard-from-filter",
                pod_labels={"app.kubernetes.io/name": GUARD_APP},
                port=int(inputs.guard_classifier["port"]),
                source_cidrs=inputs.lambda_subnet_cidrs,
            )
        )
    return allows


def build_cluster_stage(inputs: ClusterInputs) -> InferenceService:
    prefix = f"genai-{inputs.environment}"
    k = KubernetesSettings(**inputs.kubernetes)
    classifier = inputs.guard_classifier
    provider = aws.Provider(f"aws-{inputs.environment}", region=inputs.region, default_tags={"tags": inputs.tags})
    cluster = k8s.Provider(
        f"{prefix}-k8s",
        kubeconfig=kubeconfig(
            inputs.cluster_name,
            inputs.endpoint,
            inputs.certificate_authority,
            inputs.region,
            inputs.kubeconfig_role_arn,
        ),
        enable_server_side_apply=True,
    )
    k8s_opts = pulumi.ResourceOptions(providers=[provider, cluster])
    namespaces = {
        ns: WorkloadNamespace(
            f"{prefix}-ns-{ns}",
            WorkloadNamespaceArgs(
                namespace=ns,
                allow_pod_identity_agent=True,
                https_egress_cidrs=inputs.https_egress_cidrs,
                ingress_allows=filter_ingress(inputs, k.inference_port) if ns == "inference" else [],
                gpu_quota=k.gpu_quota[ns],
                cpu_quota=str(k.cpu_quota[ns]),
                memory_quota=f"{k.memory_quota_gi[ns]}Gi",
            ),
            opts=k8s_opts,
        )
        for ns in ("training", "inference")
    }
    plugin_ns = WorkloadNamespace(
        f"{prefix}-ns-{DEVICE_PLUGIN_NAMESPACE}",
        WorkloadNamespaceArgs(
            namespace=DEVICE_PLUGIN_NAMESPACE,
            pod_security_level="privileged",
            allow_dns=False,
            cpu_quota="4",
            memory_quota="4Gi",
            max_pods=200,
        ),
        opts=k8s_opts,
    )
    ContainmentAccess(f"{prefix}-containment", opts=k8s_opts)
    accounts = service_accounts(bool(classifier))
    missing = sorted(set(accounts) - set(inputs.workload_roles))
    if missing:
        raise StageOrderError(
            f"the platform stage's workload roles lack {', '.join(missing)}: "
            "apply the platform stage from this commit first"
        )
    bindings = [
        PodIdentityBinding(
            f"{prefix}-identity-{binding}",
            PodIdentityBindingArgs(
                cluster_name=inputs.cluster_name,
                identity=WorkloadIdentity(namespaces[ns], service_account, inputs.workload_roles[binding]),
            ),
            opts=k8s_opts,
        )
        for binding, (ns, service_account, _) in accounts.items()
    ]
    NvidiaDevicePlugin(
        f"{prefix}-nvidia-device-plugin",
        DevicePluginArgs(
            namespace=plugin_ns.name, image=k.device_plugin_image, ready_timeout_seconds=READY_TIMEOUT_SECONDS
        ),
        opts=k8s_opts,
    )
    inference = InferenceService(
        f"{prefix}-inference",
        InferenceServiceArgs(
            namespace=namespaces["inference"].name,
            service_account=INFERENCE_APP,
            image=f"{inputs.inference_repository_url}@{k.inference_image_digest}",
            port=k.inference_port,
            replicas=k.inference_replicas if k.model_ready else 0,
            load_balancer_subnet_ids=inputs.lambda_subnet_ids,
            load_balancer_source_cidrs=inputs.lambda_subnet_cidrs,
            name=INFERENCE_APP,
            ready_timeout_seconds=READY_TIMEOUT_SECONDS,
            verification=verification(inputs, k, k.model_prefix),
        ),
        # Pods started before their identity association exists would run without credentials.
        opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=bindings)),
    )
    if classifier:
        guard = InferenceService(
            f"{prefix}-guard",
            InferenceServiceArgs(
                namespace=namespaces["inference"].name,
                # its own identity: its weights' prefix only, not the model server's weights or secrets
                service_account=accounts[GUARD_BINDING][1],
                image=f"{inputs.inference_repository_url}@{classifier['image_digest']}",
                port=int(classifier["port"]),
                # like the model server, the classifier waits for its signed weights (kubernetes.modelReady)
                replicas=int(classifier["replicas"]) if k.model_ready else 0,
                load_balancer_subnet_ids=inputs.lambda_subnet_ids,
                load_balancer_source_cidrs=inputs.lambda_subnet_cidrs,
                name=GUARD_APP,
                cpu="1",
                memory="2Gi",
                cpu_limit="2",
                memory_limit="4Gi",
                ready_timeout_seconds=READY_TIMEOUT_SECONDS,
                gpu=False,
                args=[*GUARD_SERVER_ARGS, "--port", str(classifier["port"])],
                env={"HF_HOME": "/tmp/hf"},  # noqa: S108  # nosec B108 - the pod's own emptyDir
                verification=verification(inputs, k, str(classifier["model_prefix"])),
            ),
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=bindings)),
        )
        if k.model_ready:  # a skip-awaited Service has no address yet: the CNAME would be empty (review S1)
            ServiceAlias(
                f"{prefix}-guard-dns",
                ServiceAliasArgs(zone_id=inputs.model_zone_id, hostname=classifier["hostname"], target=guard.hostname),
                opts=pulumi.ResourceOptions(provider=provider),
            )
            pulumi.export("guardServiceUrl", f"http://{classifier['hostname']}:{classifier['port']}")
    pulumi.export("environment", inputs.environment)
    pulumi.export("modelReady", k.model_ready)
    if k.model_ready:
        ServiceAlias(
            f"{prefix}-model-dns",
            ServiceAliasArgs(zone_id=inputs.model_zone_id, hostname=inputs.model_hostname, target=inference.hostname),
            opts=pulumi.ResourceOptions(provider=provider),
        )
        pulumi.export("inferenceServiceUrl", f"http://{inputs.model_hostname}:{k.inference_port}")
        pulumi.export("inferenceLoadBalancer", inference.hostname)
    return inference
