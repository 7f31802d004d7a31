"""EKS managed node groups with a hardened launch template and a minimal node role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document
from components.kms import EncryptionKey, EncryptionKeyArgs, RoleUse
from stacks.settings import NodeGroupSettings

NODE_MANAGED_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)
GPU_TAINT: aws.eks.NodeGroupTaintArgsDict = {"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}
GPU_LABELS = {"nvidia.com/gpu.present": "true", "genai.platform/accelerator": "nvidia"}


def ebs_key_roles(autoscaling_role_arn: pulumi.Input[str]) -> list[RoleUse]:
    """Key-policy statements that let EC2 Auto Scaling launch nodes with CMK-encrypted volumes.

    Managed node groups launch instances through Auto Scaling, whose service-linked role needs the
    key in the key policy (it cannot be granted through IAM), plus CreateGrant for AWS resources.
    KMS rejects a key policy naming a principal that does not exist, so the role's ARN comes from the
    account stage, which creates it (`components.account.AccountBaseline`).
    """
    return [
        RoleUse(sid="AutoScalingUseForEbs", role_arn=autoscaling_role_arn),
        RoleUse(
            sid="AutoScalingGrantsForEbs",
            role_arn=autoscaling_role_arn,
            actions=("kms:CreateGrant",),
            condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
    ]


def node_volume_key(
    name: str,
    account_id: pulumi.Input[str],
    partition: pulumi.Input[str],
    deletion_window_days: int,
    *,
    administrators: Sequence[str],
    autoscaling_role_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None = None,
) -> EncryptionKey:
    """The CMK for node root/data volumes, usable by the Auto Scaling service-linked role; IAM policies
    may grant its use through EC2 (the response function snapshots node volumes)."""
    return EncryptionKey(
        name,
        EncryptionKeyArgs(
            description="EKS node EBS volumes",
            account_id=account_id,
            partition=partition,
            deletion_window_days=deletion_window_days,
            administrators=administrators,
            roles=ebs_key_roles(autoscaling_role_arn),
            grants_for_aws_resources=True,
        ),
        opts=opts,
    )


def node_trust() -> pulumi.Output[str]:
    # No aws:SourceAccount condition: EC2 does not send it when an instance profile assumes the role.
    return policy_document(
        [Grant(sid="TrustedServices", actions=["sts:AssumeRole"], principals={"Service": ["ec2.amazonaws.com"]})]
    )


@dataclass
class ManagedNodeGroupArgs:
    cluster_name: pulumi.Input[str]
    kubernetes_version: str
    settings: NodeGroupSettings
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets only."""
    volume_key: EncryptionKey
    """From `node_volume_key`: the Auto Scaling service-linked role must be able to use it."""
    partition: pulumi.Input[str]
    node_group_name: str
    instance_tags: dict[str, str] = field(default_factory=dict)
    """Tags for instances and volumes (provider default tags reach only the launch template)."""


class ManagedNodeGroup(pulumi.ComponentResource):
    """A managed node group on a launch template that:

    - requires IMDSv2 with a hop limit of 1 (pods cannot reach the node's credentials);
    - encrypts every EBS volume (gp3) with the volume CMK;
    - turns on detailed monitoring, and has no SSH key (and the group no `remote_access`);
    GPU groups carry the `nvidia.com/gpu=true:NoSchedule` taint and GPU labels. The node role has
    exactly the EKS worker, CNI and ECR read-only managed policies.
    """

    role: aws.iam.Role
    role_arn: pulumi.Output[str]
    node_group: aws.eks.NodeGroup
    launch_template: aws.ec2.LaunchTemplate

    def __init__(self, name: str, args: ManagedNodeGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:compute:ManagedNodeGroup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        s = args.settings

        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=node_trust(),
            description=f"EKS nodes of group {s.name}",
            opts=child,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{policy.lower().replace('_', '-')}",
                role=self.role.name,
                policy_arn=pulumi.Output.format("arn:{0}:iam::aws:policy/{1}", args.partition, policy),
                opts=child,
            )
            for policy in NODE_MANAGED_POLICIES
        ]
        self.role_arn = self.role.arn

        self.launch_template = aws.ec2.LaunchTemplate(
            f"{name}-lt",
            description=f"Hardened nodes of group {s.name}",
            update_default_version=True,
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": 1,
                "instance_metadata_tags": "disabled",
            },
            block_device_mappings=self._volumes(s, args.volume_key),
            monitoring={"enabled": True},
            tag_specifications=[
                {"resource_type": kind, "tags": {**args.instance_tags, "Name": args.node_group_name}}
                for kind in ("instance", "volume", "network-interface")
            ],
            opts=child,
        )
        scaling: aws.eks.NodeGroupScalingConfigArgsDict = {
            "min_size": s.min_size,
            "max_size": s.max_size,
            "desired_size": s.desired_size,
        }
        taints: list[aws.eks.NodeGroupTaintArgsDict] = [GPU_TAINT] if s.gpu else []
        self.node_group = aws.eks.NodeGroup(
            f"{name}-ng",
            cluster_name=args.cluster_name,
            node_group_name=args.node_group_name,
            node_role_arn=self.role.arn,
            subnet_ids=list(args.subnet_ids),
            version=args.kubernetes_version,
            ami_type=s.ami_type,
            capacity_type=s.capacity_type,
            instance_types=list(s.instance_types),
            scaling_config=scaling,
            update_config={"max_unavailable": 1},
            launch_template={
                "id": self.launch_template.id,
                "version": self.launch_template.latest_version.apply(str),
            },
            labels={"genai.platform/node-group": s.name, **(GPU_LABELS if s.gpu else {})},
            taints=taints,
            tags={"DataClassification": "confidential" if s.gpu else "internal"},
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=attachments,
                # The cluster autoscaler owns the desired size once the group exists.
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )
        self.register_outputs(
            {
                "roleArn": self.role.arn,
                "nodeGroup": self.node_group.node_group_name,
                "launchTemplate": self.launch_template.id,
            }
        )

    @staticmethod
    def _volumes(s: NodeGroupSettings, key: EncryptionKey) -> list[aws.ec2.LaunchTemplateBlockDeviceMappingArgsDict]:
        def ebs(device: str, size: int) -> aws.ec2.LaunchTemplateBlockDeviceMappingArgsDict:
            return {
                "device_name": device,
                "ebs": {
                    "volume_size": size,
                    "volume_type": "gp3",
                    "encrypted": "true",
                    "kms_key_id": key.arn,
                    "delete_on_termination": "true",
                },
            }

        if s.ami_type.startswith("BOTTLEROCKET"):
            # Bottlerocket: a small OS volume and a data volume for images and ephemeral storage.
            return [ebs("/dev/xvda", 4), ebs("/dev/xvdb", s.disk_size_gb)]
        return [ebs("/dev/xvda", s.disk_size_gb)]
