"""The in-VPC deploy runner: a CodeBuild project that applies the cluster stage next to the private API server.

A GitHub-hosted runner cannot reach a private EKS endpoint ("can only receive requests from within
the cluster VPC"). The deploy workflow therefore uploads the commit's source to the runner's bucket
and starts this project through its OIDC role; the build runs in the VPC's private subnets, reaches
the API server through the cluster security group, and runs `pulumi up` on `stages/cluster`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.bucket import SecureBucket
from components.eks_cluster import cluster_admin_access, cluster_api_client_group
from components.grants import Grant, policy_document, service_trust
from components.log_group import EncryptedLogGroup

# Standard CodeBuild image with Python 3 and the AWS CLI (for `aws eks get-token`).
BUILD_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
PULUMI_VERSION = "3.272.0"
SOURCE_PREFIX = "cluster-stage/"
RUNNER_TIMEOUT_MINUTES = 60

# The cluster stage's deploy, run from the uploaded source. uv goes on PATH before the CLI starts
# (Pulumi.yaml's `toolchain: uv` looks it up there); stacks are created on first use.
BUILDSPEC = f"""version: 0.2
env:
  shell: bash
phases:
  install:
    commands:
      - make setup
      - curl -fsSL https://get.pulumi.com | sh -s -- --version {PULUMI_VERSION}
  build:
    commands:
      - |
        set -euo pipefail
        export PATH="$CODEBUILD_SRC_DIR/.tools/bin:$HOME/.pulumi/bin:$PATH"
        uv --version
        cd stages/cluster
        pulumi login "$PULUMI_BACKEND_URL"
        pulumi stack select --create "$STACK"
        pulumi up --yes --stack "$STACK" --policy-pack ../../policies \\
          --policy-pack-config ../../policies/config/cluster.json
"""


@dataclass
class DeployRunnerArgs:
    project_name: str
    stack: str
    """The cluster stage's stack this runner applies (the environment)."""
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets (egress through NAT: the build downloads the CLI and the locked packages)."""
    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    cluster_security_group_id: pulumi.Input[str]
    source_bucket: SecureBucket
    log_group: EncryptedLogGroup
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    grants: Sequence[Grant] = field(default_factory=list)
    """What the cluster stage's resources need beyond the cluster (DNS record, Pod Identity)."""
    state_bucket_arn: str | None = None
    """A self-managed state backend's bucket (`s3://…`); None for Pulumi Cloud."""
    state_read_objects: Sequence[str] = ()
    """The state objects it may read (its own stacks only: `stacks.state_backend`)."""
    state_write_objects: Sequence[str] = ()
    """The state objects it may write (the cluster stack it applies)."""
    secret_arns: Sequence[str] = ()
    """Secrets the build reads through `SECRETS_MANAGER` variables (config passphrase or access token)."""
    kubeconfig_role_arn: str | None = None
    """The role the cluster stage's Kubernetes provider assumes, when one is configured."""


class DeployRunner(pulumi.ComponentResource):
    """A CodeBuild project in the private subnets with:

    - a security group whose only inbound path to anything is TCP 443 on the cluster security group;
    - an EKS access entry with the cluster-admin access policy for its role (no creator admin exists);
    - a role limited to its own logs, its source objects, the state backend, the cluster and the
      grants the cluster stage's AWS resources need; `iam:PassRole` only for the workload roles;
    - an inline buildspec, so an uploaded source cannot change the commands the runner executes.
    """

    project: aws.codebuild.Project
    role: aws.iam.Role
    source_bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: DeployRunnerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:deploy:DeployRunner", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.source_bucket_name = args.source_bucket.name
        security_group = cluster_api_client_group(
            name,
            name_prefix=f"{args.project_name}-runner",
            description="Deploy runner: HTTPS out (API server, AWS APIs, package downloads)",
            egress_description="HTTPS: the EKS API server, AWS APIs, the Pulumi CLI and PyPI through NAT",
            ingress_name=f"{name}-to-api-server",
            ingress_description="The deploy runner reaches the private API server",
            vpc_id=args.vpc_id,
            cluster_security_group_id=args.cluster_security_group_id,
            parent=self,
        )

        subnet_arns = [
            pulumi.Output.format("arn:{0}:ec2:{1}:{2}:subnet/{3}", args.partition, args.region, args.account_id, s)
            for s in args.subnet_ids
        ]
        grants = [
            args.log_group.grant_write(),
            *args.source_bucket.grant_read("internal", prefix=SOURCE_PREFIX),
            # CodeBuild checks the source bucket's owner and region before downloading (AWS's minimal
            # CodeBuild service role, statement "S3BucketIdentity").
            Grant(
                sid="S3BucketIdentity",
                actions=["s3:GetBucketAcl", "s3:GetBucketLocation"],
                resources=[args.source_bucket.arn],
            ),
            Grant(
                sid="VpcNetworkInterfaces",
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeVpcs",
                ],
                resources=["*"],
            ),
            Grant(
                sid="VpcNetworkInterfacePermission",
                actions=["ec2:CreateNetworkInterfacePermission"],
                resources=[
                    pulumi.Output.format(
                        "arn:{0}:ec2:{1}:{2}:network-interface/*", args.partition, args.region, args.account_id
                    )
                ],
                condition={
                    "StringEquals": {"ec2:AuthorizedService": "codebuild.amazonaws.com"},
                    "ArnEquals": {"ec2:Subnet": subnet_arns},
                },
            ),
            Grant(sid="DescribeCluster", actions=["eks:DescribeCluster"], resources=[args.cluster_arn]),
            *args.grants,
        ]
        if args.state_bucket_arn:
            grants += [
                Grant(sid="StateBackendList", actions=["s3:ListBucket"], resources=[args.state_bucket_arn]),
                Grant(sid="StateBackendRead", actions=["s3:GetObject"], resources=list(args.state_read_objects)),
            ]
            if args.state_write_objects:
                grants.append(
                    Grant(
                        sid="StateBackendWrite",
                        actions=["s3:PutObject", "s3:DeleteObject"],
                        resources=list(args.state_write_objects),
                    )
                )
        if args.secret_arns:
            grants.append(
                Grant(
                    sid="DeploySecrets",
                    actions=["secretsmanager:GetSecretValue"],
                    resources=list(args.secret_arns),
                )
            )
        if args.kubeconfig_role_arn:
            grants.append(
                Grant(sid="AssumeClusterAdmin", actions=["sts:AssumeRole"], resources=[args.kubeconfig_role_arn])
            )
        self.role = aws.iam.Role(
            f"{name}-role",
            name_prefix=f"{args.project_name}-runner-",
            assume_role_policy=service_trust(["codebuild.amazonaws.com"], args.account_id),
            description="genai-platform in-VPC deploy runner (cluster stage)",
            opts=child,
        )
        policy = aws.iam.RolePolicy(f"{name}-policy", role=self.role.id, policy=policy_document(grants), opts=child)

        entry = cluster_admin_access(f"{name}-access", args.cluster_name, self.role.arn, args.partition, child)

        # CreateProject with a VPC config checks the EC2 permissions through the service role.
        self.project = aws.codebuild.Project(
            f"{name}-project",
            name=args.project_name,
            description="Applies the genai-platform cluster stage from inside the VPC",
            service_role=self.role.arn,
            build_timeout=RUNNER_TIMEOUT_MINUTES,
            queued_timeout=RUNNER_TIMEOUT_MINUTES,
            concurrent_build_limit=1,
            source={
                "type": "S3",
                "location": pulumi.Output.concat(args.source_bucket.name, "/", SOURCE_PREFIX, "source.zip"),
                "buildspec": BUILDSPEC,
            },
            artifacts={"type": "NO_ARTIFACTS"},
            environment={
                "compute_type": "BUILD_GENERAL1_SMALL",
                "image": BUILD_IMAGE,
                "type": "LINUX_CONTAINER",
                "image_pull_credentials_type": "CODEBUILD",
                "privileged_mode": False,
                "environment_variables": [{"name": "STACK", "value": args.stack, "type": "PLAINTEXT"}],
            },
            vpc_config={
                "vpc_id": args.vpc_id,
                "subnets": list(args.subnet_ids),
                "security_group_ids": [security_group.id],
            },
            logs_config={
                "cloudwatch_logs": {"status": "ENABLED", "group_name": args.log_group.name},
                "s3_logs": {"status": "DISABLED"},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[entry, policy]),
        )
        self.register_outputs({"projectName": self.project.name, "roleArn": self.role.arn})
