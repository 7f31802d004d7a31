"""Compute: the VPC, the EKS cluster and its node groups, the image registry and the Kubernetes baseline."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.ecr import ImageRepository, ImageRepositoryArgs
from components.eks_cluster import EksCluster, EksClusterArgs
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
from components.k8s_workloads import DevicePluginArgs, InferenceService, InferenceServiceArgs, NvidiaDevicePlugin
from components.network import Vpc, VpcArgs
from components.node_group import ManagedNodeGroup, ManagedNodeGroupArgs, node_volume_key
from components.response import response_function_name
from stacks.context import PlatformContext
from stacks.data import DataPlane

IMAGE_REPOSITORIES = ("training", "inference")
INFERENCE_APP = "model-server"
# (binding name, namespace, service account, data-plane role bound to it through EKS Pod Identity).
# Binding names stay as they are: a renamed binding would replace its association.
SERVICE_ACCOUNTS = (
    ("training", "training", "trainer", "train"),
    ("inference", "inference", INFERENCE_APP, "serve"),
    ("ingest", "training", "ingest", "ingest"),
    ("prepare", "training", "prepare", "prepare"),
)


def cluster_name(ctx: PlatformContext) -> str:
    return f"{ctx.prefix}-cluster"


def flow_log_group_name(ctx: PlatformContext) -> str:
    return f"/aws/vpc/{ctx.prefix}/flow-logs"


@dataclass
class ComputePlane:
    vpc: Vpc
    cluster: EksCluster
    node_groups: dict[str, ManagedNodeGroup]
    repositories: dict[str, ImageRepository]
    namespaces: dict[str, WorkloadNamespace]
    inference: InferenceService
    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    private_subnet_ids: list[pulumi.Output[str]]
    private_subnet_cidrs: list[str]
    lambda_subnet_ids: list[pulumi.Output[str]]
    """Private subnets for VPC-attached functions (the filter Lambda); the inference NLB lives here."""
    lambda_subnet_cidrs: list[str]
    """The only sources the inference namespace admits on the model server's port."""
    endpoint_security_group_id: pulumi.Output[str]
    """The security group of the interface VPC endpoints (TCP 443 from the VPC CIDR only)."""
    node_role_arns: dict[str, pulumi.Output[str]]
    cluster_name: pulumi.Output[str]
    inference_service_url: pulumi.Output[str]
    inference_port: int
    repository_arns: dict[str, pulumi.Output[str]]
    repository_urls: dict[str, pulumi.Output[str]]

    @property
    def interface_endpoint_security_group_id(self) -> pulumi.Output[str]:
        return self.endpoint_security_group_id


def build_compute(ctx: PlatformContext, data: DataPlane) -> ComputePlane:
    s = ctx.settings
    name = cluster_name(ctx)
    vpc = Vpc(
        f"{ctx.prefix}-network",
        VpcArgs(
            cidr=s.network.vpc_cidr,
            az_count=s.network.az_count,
            nat_gateway_per_az=s.network.nat_gateway_per_az,
            flow_log_group_name=flow_log_group_name(ctx),
            flow_log_retention_days=s.network.flow_log_retention_days,
            region=ctx.region,
            account_id=ctx.account_id,
            partition=ctx.partition,
            key_deletion_window_days=s.key_deletion_window_days,
            key_administrators=ctx.key_administrators,
            bucket_name_prefix=ctx.bucket_name_prefix,
            containment_role=response_function_name(ctx.prefix),
            cluster_name=name,
        ),
        opts=ctx.opts(),
    )

    cluster = EksCluster(
        f"{ctx.prefix}-eks",
        EksClusterArgs(
            cluster_name=name,
            version=s.eks.version,
            subnet_ids=vpc.private_subnet_ids,
            endpoint_public_access_cidrs=() if s.is_prod else s.eks.public_access_cidrs,
            admin_role_arn=s.eks.admin_role_arn,
            deploy_role_arn=s.deploy.role_arn,
            addon_versions=s.eks.addon_versions,
            log_retention_days=s.eks.log_retention_days,
            region=ctx.region,
            account_id=ctx.account_id,
            partition=ctx.partition,
            key_deletion_window_days=s.key_deletion_window_days,
            key_administrators=ctx.key_administrators,
            deletion_protection=s.protect_data,
        ),
        opts=ctx.opts(),
    )

    volume_key = node_volume_key(
        f"{ctx.prefix}-node-volumes",
        ctx.account_id,
        ctx.partition,
        s.key_deletion_window_days,
        administrators=ctx.key_administrators,
        opts=ctx.opts(),
    )
    node_groups: dict[str, ManagedNodeGroup] = {}
    for group in (s.eks.system_node_group, *s.eks.gpu_node_groups):
        node_groups[group.name] = ManagedNodeGroup(
            f"{ctx.prefix}-ng-{group.name}",
            ManagedNodeGroupArgs(
                cluster_name=cluster.name,
                kubernetes_version=s.eks.version,
                settings=group,
                subnet_ids=vpc.private_subnet_ids,
                volume_key=volume_key,
                partition=ctx.partition,
                node_group_name=f"{ctx.prefix}-{group.name}",
                instance_tags=s.base_tags(),
            ),
            opts=pulumi.ResourceOptions(provider=ctx.provider, depends_on=list(cluster.addons.values())),
        )
    cluster.install_late_addons([ng.node_group for ng in node_groups.values()])
    node_role_arns = {group: ng.role_arn for group, ng in node_groups.items()}

    registry_key = ctx.encryption_key("ecr", "ECR repositories (training and inference images)")
    repositories = {
        purpose: ImageRepository(
            f"{ctx.prefix}-ecr-{purpose}",
            ImageRepositoryArgs(
                repository_name=f"{ctx.prefix}/{purpose}",
                key=registry_key,
                pull_role_arns=list(node_role_arns.values()),
                push_role_arns=[s.ecr.ci_push_role_arn] if s.ecr.ci_push_role_arn else [],
                keep_image_count=s.ecr.keep_image_count,
                untagged_expiry_days=s.ecr.untagged_expiry_days,
                force_delete=s.ecr.force_delete,
            ),
            opts=ctx.opts(),
        )
        for purpose in IMAGE_REPOSITORIES
    }

    k8s_opts = pulumi.ResourceOptions(providers=[ctx.provider, cluster.k8s_provider], depends_on=[cluster])
    k = s.kubernetes
    aws_https = pulumi.Output.all(s.network.vpc_cidr, vpc.s3_endpoint.cidr_blocks).apply(
        lambda parts: [parts[0], *(parts[1] or [])]
    )
    namespaces = {
        ns: WorkloadNamespace(
            f"{ctx.prefix}-ns-{ns}",
            WorkloadNamespaceArgs(
                namespace=ns,
                allow_pod_identity_agent=True,
                https_egress_cidrs=aws_https,
                ingress_allows=(
                    [
                        IngressAllow(
                            name="allow-model-server-from-filter",
                            pod_labels={"app.kubernetes.io/name": INFERENCE_APP},
                            port=k.inference_port,
                            source_cidrs=vpc.subnets.lambdas,
                        )
                    ]
                    if ns == "inference"
                    else []
                ),
                gpu_quota=k.gpu_quota[ns],
                cpu_quota=str(k.cpu_quota[ns]),
                memory_quota=f"{k.memory_quota_gi[ns]}Gi",
            ),
            opts=k8s_opts,
        )
        for ns in ("training", "inference")
    }
    plugin_ns = WorkloadNamespace(
        f"{ctx.prefix}-ns-{DEVICE_PLUGIN_NAMESPACE}",
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
    ContainmentAccess(f"{ctx.prefix}-containment", opts=k8s_opts)
    bindings = [
        PodIdentityBinding(
            f"{ctx.prefix}-identity-{binding}",
            PodIdentityBindingArgs(
                cluster_name=cluster.name,
                identity=WorkloadIdentity(namespaces[ns], service_account, data.roles[stage].arn),
            ),
            opts=pulumi.ResourceOptions(
                providers=[ctx.provider, cluster.k8s_provider], depends_on=[cluster.addons["eks-pod-identity-agent"]]
            ),
        )
        for binding, ns, service_account, stage in SERVICE_ACCOUNTS
    ]
    NvidiaDevicePlugin(
        f"{ctx.prefix}-nvidia-device-plugin",
        DevicePluginArgs(namespace=plugin_ns.name, image=k.device_plugin_image),
        opts=k8s_opts,
    )
    inference = InferenceService(
        f"{ctx.prefix}-inference",
        InferenceServiceArgs(
            namespace=namespaces["inference"].name,
            service_account=INFERENCE_APP,
            image=pulumi.Output.concat(repositories["inference"].url, "@", k.inference_image_digest),
            port=k.inference_port,
            replicas=k.inference_replicas,
            load_balancer_subnet_ids=vpc.lambda_subnet_ids,
            load_balancer_source_cidrs=list(vpc.subnets.lambdas),
            name=INFERENCE_APP,
        ),
        # Pods started before their identity association exists would run without credentials.
        opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=bindings)),
    )

    return ComputePlane(
        vpc=vpc,
        cluster=cluster,
        node_groups=node_groups,
        repositories=repositories,
        namespaces=namespaces,
        inference=inference,
        vpc_id=vpc.vpc_id,
        vpc_cidr=s.network.vpc_cidr,
        private_subnet_ids=vpc.private_subnet_ids,
        private_subnet_cidrs=list(vpc.subnets.private),
        lambda_subnet_ids=vpc.lambda_subnet_ids,
        lambda_subnet_cidrs=list(vpc.subnets.lambdas),
        endpoint_security_group_id=vpc.endpoint_security_group.id,
        node_role_arns=node_role_arns,
        cluster_name=cluster.name,
        inference_service_url=inference.url,
        inference_port=k.inference_port,
        repository_arns={p: r.arn for p, r in repositories.items()},
        repository_urls={p: r.url for p, r in repositories.items()},
    )
