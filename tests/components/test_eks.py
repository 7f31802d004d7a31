"""EKS control plane and node group controls, asserted on the recorded inputs (dev and prod)."""

from __future__ import annotations

import json

import pytest

from components.eks_cluster import CONTROL_PLANE_LOG_TYPES
from components.node_group import NODE_MANAGED_POLICIES
from tests.components.conftest import ADMIN_ROLE, all_named, named, output, stack_settings
from tests.conftest import Plan, Resource, policy, resources, statements

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def cluster(plan: Plan) -> Resource:
    (found,) = resources(plan, CLUSTER)
    return found


def node_group(plan: Plan, group: str) -> Resource:
    return named(plan, NODE_GROUP, f"-ng-{group}-ng")


def launch_template_of(plan: Plan, group: Resource) -> Resource:
    (found,) = [lt for lt in resources(plan, LAUNCH_TEMPLATE) if lt["id"] == group["inputs"]["launchTemplate"]["id"]]
    return found


def private_subnet_ids(plan: Plan) -> set[str]:
    return {s["id"] for s in resources(plan, "aws:ec2/subnet:Subnet") if s["inputs"]["tags"].get("Tier") == "private"}


# --- control plane ---------------------------------------------------------------------------------


def test_cluster_has_the_explicit_name(plan: Plan) -> None:
    assert cluster(plan)["inputs"]["name"] == f"genai-{plan['stack']}-cluster"


def test_private_endpoint_always_on(plan: Plan) -> None:
    assert cluster(plan)["inputs"]["vpcConfig"]["endpointPrivateAccess"] is True


def test_no_public_endpoint_in_prod(prod_plan: Plan) -> None:
    vpc = cluster(prod_plan)["inputs"]["vpcConfig"]
    assert vpc["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in vpc


def test_dev_public_endpoint_only_from_settings_cidrs(dev_plan: Plan) -> None:
    vpc = cluster(dev_plan)["inputs"]["vpcConfig"]
    assert vpc["endpointPublicAccess"] is True
    assert vpc["publicAccessCidrs"] == list(stack_settings(dev_plan).eks.public_access_cidrs)
    assert not {"0.0.0.0/0", "::/0"} & set(vpc["publicAccessCidrs"])


def test_control_plane_in_private_subnets(plan: Plan) -> None:
    assert set(cluster(plan)["inputs"]["vpcConfig"]["subnetIds"]) == private_subnet_ids(plan)


def test_secrets_envelope_encrypted_with_dedicated_cmk(plan: Plan) -> None:
    config = cluster(plan)["inputs"]["encryptionConfig"]
    key = named(plan, "aws:kms/key:Key", "-eks-secrets-key")
    assert config == {"resources": ["secrets"], "provider": {"keyArn": key["outputs"]["arn"]}}
    assert key["inputs"]["enableKeyRotation"] is True


def test_all_five_control_plane_log_types(plan: Plan) -> None:
    assert sorted(cluster(plan)["inputs"]["enabledClusterLogTypes"]) == sorted(CONTROL_PLANE_LOG_TYPES)
    assert len(CONTROL_PLANE_LOG_TYPES) == 5


def test_control_plane_log_group_named_encrypted_and_retained(plan: Plan) -> None:
    group = named(plan, "aws:cloudwatch/logGroup:LogGroup", "-eks-logs-group")
    assert group["inputs"]["name"] == f"/aws/eks/genai-{plan['stack']}-cluster/cluster"
    assert group["inputs"]["kmsKeyId"] == named(plan, "aws:kms/key:Key", "-eks-logs-key")["outputs"]["arn"]
    assert group["inputs"]["retentionInDays"] == stack_settings(plan).eks.log_retention_days


def test_cluster_created_after_its_log_group(plan: Plan) -> None:
    # Otherwise EKS creates the log group itself, unencrypted and kept forever.
    group = named(plan, "aws:cloudwatch/logGroup:LogGroup", "-eks-logs-group")
    assert group["urn"] in cluster(plan)["dependencies"]


def test_access_entries_only_and_no_creator_admin(plan: Plan) -> None:
    assert cluster(plan)["inputs"]["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }


def admin_entries(found: list[Resource]) -> list[Resource]:
    """Access entries other than the in-VPC deploy runner's (it applies the cluster stage) and the response
    function's (a Kubernetes group, no access policy)."""
    return [
        r
        for r in found
        if "genai:deploy:DeployRunner" not in r["urn"] and not r["name"].endswith("-response-access-entry")
    ]


def test_no_access_entries_without_an_admin_or_deploy_role(dev_plan: Plan) -> None:
    assert admin_entries(resources(dev_plan, "aws:eks/accessEntry:AccessEntry")) == []
    assert admin_entries(resources(dev_plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) == []


def assert_only_cluster_admin(plan: Plan, principal: str) -> None:
    """`principal` has the plan's one access entry besides the runner's, associated with cluster-wide admin."""
    (entry,) = admin_entries(resources(plan, "aws:eks/accessEntry:AccessEntry"))
    assert entry["inputs"]["principalArn"] == principal
    (association,) = admin_entries(resources(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"))
    assert association["inputs"]["principalArn"] == principal
    assert association["inputs"]["policyArn"].endswith(":cluster-access-policy/AmazonEKSClusterAdminPolicy")
    assert association["inputs"]["accessScope"] == {"type": "cluster"}


def test_deploy_role_gets_cluster_admin(prod_plan: Plan) -> None:
    """With no creator admin, the role that runs Pulumi needs its own access entry to reach the cluster."""
    deployer = stack_settings(prod_plan).deploy.role_arn
    assert deployer
    assert_only_cluster_admin(prod_plan, deployer)


def test_named_admin_role_gets_cluster_admin(dev_roles_plan: Plan) -> None:
    assert_only_cluster_admin(dev_roles_plan, ADMIN_ROLE)


def test_cluster_role_trusts_eks_only(plan: Plan) -> None:
    role = named(plan, "aws:iam/role:Role", "-eks-role")
    (trust,) = statements(policy(role, "assumeRolePolicy"))
    assert trust["Principal"] == {"Service": "eks.amazonaws.com"}


def test_cluster_role_uses_only_the_secrets_key(plan: Plan) -> None:
    inline = named(plan, "aws:iam/rolePolicy:RolePolicy", "-eks-secrets-key")
    key = named(plan, "aws:kms/key:Key", "-eks-secrets-key")
    for statement in statements(policy(inline)):
        assert statement["Resource"] == key["outputs"]["arn"]


@pytest.mark.parametrize("addon", ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"])
def test_managed_addon_pinned_from_settings(plan: Plan, addon: str) -> None:
    found = named(plan, "aws:eks/addon:Addon", f"-eks-{addon}")["inputs"]
    assert found["addonName"] == addon
    assert found["addonVersion"] == stack_settings(plan).eks.addon_versions[addon]


def test_vpc_cni_enforces_network_policies(plan: Plan) -> None:
    cni = named(plan, "aws:eks/addon:Addon", "-eks-vpc-cni")["inputs"]
    assert json.loads(cni["configurationValues"]) == {"enableNetworkPolicy": "true"}


def test_coredns_waits_for_node_groups(plan: Plan) -> None:
    coredns = named(plan, "aws:eks/addon:Addon", "-eks-coredns")
    assert {g["urn"] for g in resources(plan, NODE_GROUP)} <= set(coredns["dependencies"])


# --- node groups -----------------------------------------------------------------------------------


def test_one_system_group_and_the_gpu_groups_from_settings(plan: Plan) -> None:
    s = stack_settings(plan)
    names = sorted(g["inputs"]["nodeGroupName"] for g in resources(plan, NODE_GROUP))
    expected = sorted(f"genai-{plan['stack']}-{g.name}" for g in (s.eks.system_node_group, *s.eks.gpu_node_groups))
    assert names == expected


def test_system_group_on_demand_untainted(plan: Plan) -> None:
    system = node_group(plan, "system")["inputs"]
    assert system["capacityType"] == "ON_DEMAND"
    assert system["taints"] == []
    assert "NVIDIA" not in system["amiType"]


def test_gpu_group_nvidia_ami_and_types_from_settings(plan: Plan) -> None:
    gpu = node_group(plan, "gpu")["inputs"]
    s = stack_settings(plan).eks.gpu_node_groups[0]
    assert gpu["amiType"] in ("AL2023_x86_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA")
    assert gpu["amiType"] == s.ami_type
    assert gpu["instanceTypes"] == list(s.instance_types)
    assert gpu["capacityType"] == s.capacity_type


def test_gpu_group_tainted_no_schedule(plan: Plan) -> None:
    assert node_group(plan, "gpu")["inputs"]["taints"] == [
        {"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}
    ]


def test_gpu_group_labelled(plan: Plan) -> None:
    assert node_group(plan, "gpu")["inputs"]["labels"]["nvidia.com/gpu.present"] == "true"


def test_dev_keeps_one_gpu_node(dev_plan: Plan) -> None:
    """No cluster autoscaler runs, so the model server needs a GPU node that is always there."""
    scaling = node_group(dev_plan, "gpu")["inputs"]["scalingConfig"]
    assert scaling["minSize"] == 1 and scaling["desiredSize"] == 1


def test_node_groups_scaling_from_settings(plan: Plan) -> None:
    s = stack_settings(plan).eks
    for group in (s.system_node_group, *s.gpu_node_groups):
        scaling = node_group(plan, group.name)["inputs"]["scalingConfig"]
        assert (scaling["minSize"], scaling["maxSize"]) == (group.min_size, group.max_size)


def test_node_groups_in_private_subnets_only(plan: Plan) -> None:
    for group in resources(plan, NODE_GROUP):
        assert set(group["inputs"]["subnetIds"]) == private_subnet_ids(plan)


def test_no_ssh_remote_access(plan: Plan) -> None:
    for group in resources(plan, NODE_GROUP):
        assert "remoteAccess" not in group["inputs"]
    for lt in resources(plan, LAUNCH_TEMPLATE):
        assert "keyName" not in lt["inputs"]


def test_every_group_uses_a_launch_template(plan: Plan) -> None:
    for group in resources(plan, NODE_GROUP):
        lt = launch_template_of(plan, group)
        assert group["inputs"]["launchTemplate"]["version"] == str(lt["outputs"]["latestVersion"])


def test_launch_templates_require_imdsv2_with_hop_limit_1(plan: Plan) -> None:
    for lt in resources(plan, LAUNCH_TEMPLATE):
        metadata = lt["inputs"]["metadataOptions"]
        assert metadata["httpTokens"] == "required"
        assert metadata["httpPutResponseHopLimit"] == 1


def test_launch_templates_encrypt_gp3_volumes_with_the_node_cmk(plan: Plan) -> None:
    key = named(plan, "aws:kms/key:Key", "-node-volumes-key")["outputs"]["arn"]
    for lt in resources(plan, LAUNCH_TEMPLATE):
        mappings = lt["inputs"]["blockDeviceMappings"]
        assert mappings
        for mapping in mappings:
            assert mapping["ebs"]["encrypted"] == "true"
            assert mapping["ebs"]["volumeType"] == "gp3"
            assert mapping["ebs"]["kmsKeyId"] == key


def test_root_volume_size_from_settings(plan: Plan) -> None:
    s = stack_settings(plan).eks
    for group in (s.system_node_group, *s.gpu_node_groups):
        lt = launch_template_of(plan, node_group(plan, group.name))
        assert lt["inputs"]["blockDeviceMappings"][-1]["ebs"]["volumeSize"] == group.disk_size_gb


def test_launch_templates_detailed_monitoring(plan: Plan) -> None:
    for lt in resources(plan, LAUNCH_TEMPLATE):
        assert lt["inputs"]["monitoring"] == {"enabled": True}


def test_node_volume_key_admits_the_autoscaling_service_linked_role(plan: Plan) -> None:
    key = named(plan, "aws:kms/key:Key", "-node-volumes-key")
    slr = "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    by_sid = {s["Sid"]: s for s in statements(policy(key))}
    assert by_sid["AutoScalingUseForEbs"]["Principal"] == {"AWS": slr}
    assert "kms:GenerateDataKey*" in by_sid["AutoScalingUseForEbs"]["Action"]
    grants = by_sid["AutoScalingGrantsForEbs"]
    assert grants["Action"] == ["kms:CreateGrant"]
    assert grants["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_node_roles_carry_exactly_the_three_managed_policies(plan: Plan) -> None:
    for group in resources(plan, NODE_GROUP):
        prefix = group["name"].removesuffix("-ng")
        attached = [
            a["inputs"]["policyArn"].rsplit("/", 1)[-1]
            for a in resources(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if a["name"].startswith(prefix + "-")
        ]
        assert sorted(attached) == sorted(NODE_MANAGED_POLICIES)
        assert not all_named(plan, "aws:iam/rolePolicy:RolePolicy", prefix)


def test_node_roles_trust_ec2_only(plan: Plan) -> None:
    for group in resources(plan, NODE_GROUP):
        role = next(
            r for r in resources(plan, "aws:iam/role:Role") if output(r, "arn") == group["inputs"]["nodeRoleArn"]
        )
        (trust,) = statements(policy(role, "assumeRolePolicy"))
        assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}
        assert trust["Action"] == ["sts:AssumeRole"]


def test_bottlerocket_encrypts_os_and_data_volumes() -> None:
    from types import SimpleNamespace

    from components.node_group import ManagedNodeGroup
    from stacks.settings import NodeGroupSettings

    group = NodeGroupSettings("gpu", ("g6.xlarge",), "BOTTLEROCKET_x86_64_NVIDIA", "SPOT", 0, 2, 0, 150, True)
    volumes = ManagedNodeGroup._volumes(group, SimpleNamespace(arn="arn:aws:kms:eu-west-1:1:key/k"))  # type: ignore[arg-type]
    assert [v["device_name"] for v in volumes] == ["/dev/xvda", "/dev/xvdb"]
    assert all(v["ebs"]["encrypted"] == "true" and v["ebs"]["kms_key_id"] for v in volumes)  # type: ignore[index]
    assert volumes[-1]["ebs"]["volume_size"] == 150  # type: ignore[index]


def test_prod_plan_lists_every_compute_component(prod_stages: dict[str, Plan]) -> None:
    types = {r["type"] for r in prod_stages["platform"]["resources"] + prod_stages["cluster"]["resources"]}
    assert {
        "genai:network:Vpc",
        "genai:compute:EksCluster",
        "genai:compute:ManagedNodeGroup",
        "genai:supplychain:ImageRepository",
        "genai:kubernetes:WorkloadNamespace",
        "genai:kubernetes:PodIdentityBinding",
        "genai:kubernetes:NvidiaDevicePlugin",
        "genai:kubernetes:InferenceService",
    } <= types
