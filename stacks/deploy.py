"""The platform's deploy runner: where the cluster stage is applied from (inside the VPC)."""

from __future__ import annotations

import pulumi

from components.deploy_runner import DeployRunner, DeployRunnerArgs
from components.grants import Grant
from components.log_group import EncryptedLogGroup, LogGroupArgs
from stacks.compute import ComputePlane, service_accounts
from stacks.context import PlatformContext
from stacks.data import DataPlane, platform_bucket
from stacks.state_backend import runner_access, state_grant_resources


def runner_project_name(ctx: PlatformContext) -> str:
    return f"{ctx.prefix}-cluster-deploy"


def build_runner(ctx: PlatformContext, data: DataPlane, compute: ComputePlane) -> DeployRunner:
    s = ctx.settings
    name = runner_project_name(ctx)
    log_group_name = f"/aws/codebuild/{name}"
    key = ctx.encryption_key("deploy", "Deploy runner sources and build logs")
    sources = platform_bucket(ctx, data, "deploy-sources", key)
    logs = EncryptedLogGroup(
        f"{ctx.prefix}-deploy-logs",
        LogGroupArgs(log_group_name=log_group_name, retention_days=s.log_retention_days, key=key),
        opts=ctx.opts(),
    )
    cluster_arn = compute.cluster.cluster.arn
    self_hosted_guard = s.filter.guard.tier == "self-hosted"
    workload_roles = [data.roles[stage].arn for _, _, stage in service_accounts(self_hosted_guard).values()]
    zone_arn = pulumi.Output.format("arn:{0}:route53:::hostedzone/{1}", ctx.partition, compute.model_zone.zone_id)
    # What the cluster stage's AWS resources need: the model's DNS record and the Pod Identity associations.
    grants = [
        Grant(
            sid="ModelDnsRecord",
            actions=["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone"],
            resources=[zone_arn],
        ),
        Grant(
            sid="DnsChanges",
            actions=["route53:GetChange"],
            resources=[pulumi.Output.format("arn:{0}:route53:::change/*", ctx.partition)],
        ),
        Grant(
            sid="PodIdentityAssociations",
            actions=[
                "eks:CreatePodIdentityAssociation",
                "eks:DescribePodIdentityAssociation",
                "eks:UpdatePodIdentityAssociation",
                "eks:DeletePodIdentityAssociation",
                "eks:ListPodIdentityAssociations",
                "eks:TagResource",
            ],
            resources=[
                cluster_arn,
                pulumi.Output.format(
                    "arn:{0}:eks:{1}:{2}:podidentityassociation/{3}/*",
                    ctx.partition,
                    ctx.region,
                    ctx.account_id,
                    compute.cluster_name,
                ),
            ],
        ),
        Grant(
            sid="PassWorkloadRoles",
            actions=["iam:PassRole", "iam:GetRole"],
            resources=workload_roles,
        ),
    ]
    # Its own stacks only: the dev runner can neither read nor write prod's state (review N6).
    state_reads, state_writes = (
        state_grant_resources(s.runner.state_bucket_arn, runner_access(s.environment))
        if s.runner.state_bucket_arn
        else ([], [])
    )
    return DeployRunner(
        f"{ctx.prefix}-runner",
        DeployRunnerArgs(
            project_name=name,
            stack=s.environment,
            vpc_id=compute.vpc_id,
            subnet_ids=compute.private_subnet_ids,
            cluster_name=compute.cluster_name,
            cluster_arn=cluster_arn,
            cluster_security_group_id=compute.cluster.cluster_security_group_id,
            source_bucket=sources,
            log_group=logs,
            account_id=ctx.account_id,
            partition=ctx.partition,
            region=ctx.region,
            grants=grants,
            state_bucket_arn=s.runner.state_bucket_arn,
            state_read_objects=state_reads,
            state_write_objects=state_writes,
            secret_arns=s.runner.secret_arns,
            kubeconfig_role_arn=s.eks.admin_role_arn,
        ),
        opts=ctx.opts(),
    )
