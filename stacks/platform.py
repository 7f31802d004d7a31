"""The platform stage's composition, in the order the data flows."""

from __future__ import annotations

import pulumi

from stacks.compute import build_compute
from stacks.context import create_context
from stacks.data import build_data
from stacks.deploy import build_runner
from stacks.edge import build_edge
from stacks.ingest import build_ingest
from stacks.operations import build_operations, containment_role
from stacks.protection import retain_data_stores
from stacks.settings import PlatformSettings
from stacks.stages import CLUSTER_STAGE_OUTPUT, account_outputs


def build_platform(settings: PlatformSettings) -> None:
    account = account_outputs(settings.region)
    ctx = create_context(settings)
    if settings.protect_data:
        retain_data_stores()
    try:
        data = build_data(ctx)
        # Before the network: the S3 endpoint's policy names the containment role by its (generated) ARN.
        response_role = containment_role(ctx)
        compute = build_compute(ctx, data, account, response_role.arn)
        edge = build_edge(ctx, data, compute)
        operations = build_operations(ctx, data, compute, edge, account, response_role)
        runner = build_runner(ctx, data, compute)
        scanner = build_ingest(ctx, data, compute, edge, operations)
    finally:
        ctx.seal_keys()  # the keys' policies name the log groups created above
    pulumi.export("environment", settings.environment)
    pulumi.export("dataLakeBuckets", {purpose: b.name for purpose, b in data.lake.buckets.items()})
    pulumi.export("pipelineRoles", {stage: r.arn for stage, r in data.roles.items()})
    pulumi.export("vpcId", compute.vpc_id)
    pulumi.export("clusterName", compute.cluster_name)
    pulumi.export("nodeRoles", compute.node_role_arns)
    pulumi.export("imageRepositories", compute.repository_urls)
    pulumi.export("inferenceServiceUrl", compute.inference_service_url)
    pulumi.export("apiStageArn", edge.api.stage.arn)
    pulumi.export("apiInvokeUrl", edge.api.stage.invoke_url)
    pulumi.export("webAclArn", edge.waf.arn)
    pulumi.export("filterFunctionArn", edge.filter.arn)
    pulumi.export("alertTopicArn", operations.topic.arn)
    pulumi.export("ingestQueueArn", scanner.queue.arn)
    pulumi.export("lineageTable", scanner.table.name)
    pulumi.export("deployRunnerProject", runner.project.name)
    pulumi.export("deploySourceBucket", runner.source_bucket_name)
    pulumi.export(CLUSTER_STAGE_OUTPUT, compute.cluster_stage)
