"""Compute: the VPC, the EKS cluster and its node groups, the image registry, and what the cluster stage needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.dns import PrivateZone, PrivateZoneArgs
from components.ecr import ImageRepository, ImageRepositoryArgs
from components.eks_cluster import EksCluster, EksClusterArgs
from components.kms import EncryptionKey
from components.network import Vpc, VpcArgs
from components.node_group import ManagedNodeGroup, ManagedNodeGroupArgs, node_volume_key
from stacks.context import PlatformContext
from stacks.data import GUARD_CLASSIFIER, DataPlane
from stacks.settings import as_dict
from stacks.stages import AccountOutputs, ClusterInputs

IMAGE_REPOSITORIES = ("training", "inference")
INFERENCE_APP = "model-server"
GUARD_APP = "prompt-guard"
"""The self-hosted guard classifier (filter.guard.tier = self-hosted): its app label and DNS name."""
# Binding -> (namespace, service account, data-plane role bound to it through EKS Pod Identity).
# Binding names stay as they are: a renamed binding would replace its association.
SERVICE_ACCOUNTS = {
    "training": ("training", "trainer", "train"),
    "inference": ("inference", INFERENCE_APP, "serve"),
    "ingest": ("training", "ingest", "ingest"),
    "prepare": ("training", "prepare", "prepare"),
}
GUARD_BINDING = "guard"


def service_accounts(self_hosted_guard: bool) -> dict[str, tuple[str, str, str]]:
    """`SERVICE_ACCOUNTS`, and the guard classifier's own service account and role when it is deployed."""
    guard = {GUARD_BINDING: ("inference", GUARD_APP, GUARD_CLASSIFIER)} if self_hosted_guard else {}
    return {**SERVICE_ACCOUNTS, **guard}


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
    model_zone: PrivateZone
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
    volume_key: EncryptionKey
    """The node volumes' CMK (the response function snapshots those volumes)."""
    cluster_name: pulumi.Output[str]
    inference_service_url: pulumi.Output[str]
    """A fixed in-VPC name (`model-server.<env zone>`); the cluster stage points it at the model's NLB."""
    inference_port: int
    guard_service_url: pulumi.Output[str]
    """The self-hosted classifier's fixed in-VPC name (`prompt-guard.<env zone>`), like the model server's."""
    guard_port: int
    repository_arns: dict[str, pulumi.Output[str]]
    repository_urls: dict[str, pulumi.Output[str]]
    cluster_stage: pulumi.Output[dict[str, Any]]
    """The `clusterStage` output: `stacks.stages.ClusterInputs` as JSON."""

    @property
    def interface_endpoint_security_group_id(self) -> pulumi.Output[str]:
        return self.endpoint_security_group_id


def build_compute(
    ctx: PlatformContext, data: DataPlane, account: AccountOutputs, containment_role_arn: pulumi.Input[str]
) -> ComputePlane:
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
            state_bucket_arns=[s.runner.state_bucket_arn] if s.runner.state_bucket_arn else [],
            containment_role_arn=containment_role_arn,
            cluster_name=name,
            guardrail_endpoint=s.filter.guard.tier == "bedrock",
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
        autoscaling_role_arn=account.autoscaling_role_arn,
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

    k = s.kubernetes
    model_zone = PrivateZone(
        f"{ctx.prefix}-services", PrivateZoneArgs(domain=f"{ctx.prefix}.internal", vpc_id=vpc.vpc_id), opts=ctx.opts()
    )
    model_hostname = model_zone.hostname(INFERENCE_APP)
    guard = s.filter.guard
    guard_hostname = model_zone.hostname(GUARD_APP)
    guard_classifier = {**as_dict(guard.classifier), "hostname": guard_hostname} if guard.tier == "self-hosted" else {}
    https_egress = pulumi.Output.all(s.network.vpc_cidr, vpc.s3_endpoint.cidr_blocks).apply(
        lambda parts: [parts[0], *(parts[1] or [])]
    )
    cluster_stage = pulumi.Output.all(
        endpoint=cluster.endpoint,
        certificate_authority=cluster.certificate_authority,
        cluster_name=cluster.name,
        https_egress_cidrs=https_egress,
        lambda_subnet_ids=pulumi.Output.all(*vpc.lambda_subnet_ids),
        inference_repository_url=repositories["inference"].url,
        workload_roles=pulumi.Output.all(
            **{b: data.roles[stage].arn for b, (_, _, stage) in service_accounts(bool(guard_classifier)).items()}
        ),
        model_zone_id=model_zone.zone_id,
        model_signing_key_arn=data.signing_key.arn,
        models_bucket=data.lake.bucket("models").name,
    ).apply(
        lambda out: as_dict(
            ClusterInputs(
                environment=s.environment,
                region=ctx.region,
                tags=s.base_tags(),
                kubeconfig_role_arn=s.eks.admin_role_arn,
                vpc_cidr=s.network.vpc_cidr,
                lambda_subnet_cidrs=list(vpc.subnets.lambdas),
                model_hostname=model_hostname,
                guard_classifier=guard_classifier,
                kubernetes=as_dict(k),
                **out,
            )
        )
    )

    return ComputePlane(
        volume_key=volume_key,
        vpc=vpc,
        cluster=cluster,
        node_groups=node_groups,
        repositories=repositories,
        model_zone=model_zone,
        vpc_id=vpc.vpc_id,
        vpc_cidr=s.network.vpc_cidr,
        private_subnet_ids=vpc.private_subnet_ids,
        private_subnet_cidrs=list(vpc.subnets.private),
        lambda_subnet_ids=vpc.lambda_subnet_ids,
        lambda_subnet_cidrs=list(vpc.subnets.lambdas),
        endpoint_security_group_id=vpc.endpoint_security_group.id,
        node_role_arns=node_role_arns,
        cluster_name=cluster.name,
        inference_service_url=pulumi.Output.from_input(f"http://{model_hostname}:{k.inference_port}"),
        inference_port=k.inference_port,
        guard_service_url=pulumi.Output.from_input(f"http://{guard_hostname}:{guard.classifier.port}"),
        guard_port=guard.classifier.port,
        repository_arns={p: r.arn for p, r in repositories.items()},
        repository_urls={p: r.url for p, r in repositories.items()},
        cluster_stage=cluster_stage,
    )
