"""Compute settings: per-environment defaults, and bad values rejected at load with the key named."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.settings import DEFAULTS, SettingsError, settings_from_config

PROD_BASE = {
    "genai-platform:monitoring": {"alarmEmails": ["secops@example.com"]},
    "genai-platform:kms": {"keyAdministratorRoleArns": ["arn:aws:iam::123456789012:role/kms-key-admin"]},
}


def gpu_group(**overrides: Any) -> dict[str, Any]:
    return {**DEFAULTS["dev"]["eks"]["gpuNodeGroups"][0], **overrides}


def problems(config: dict[str, Any], stack: str = "dev") -> list[str]:
    base = PROD_BASE if stack == "prod" else {}
    with pytest.raises(SettingsError) as err:
        settings_from_config({**base, **config}, stack)
    return err.value.problems


def assert_names(found: list[str], key: str) -> None:
    assert any(p.startswith(f"genai-platform:{key}:") for p in found), found


# --- defaults ------------------------------------------------------------------------------------


def test_dev_defaults_two_azs_single_nat() -> None:
    s = settings_from_config({}, "dev")
    assert (s.network.az_count, s.network.nat_gateway_per_az) == (2, False)


def test_prod_defaults_three_azs_nat_per_az_no_public_endpoint() -> None:
    s = settings_from_config(PROD_BASE, "prod")
    assert (s.network.az_count, s.network.nat_gateway_per_az) == (3, True)
    assert s.eks.public_access_cidrs == ()


def test_dev_keeps_one_gpu_node_by_default() -> None:
    """No cluster autoscaler is installed, so a GPU group at 0 would never get a node."""
    (gpu,) = settings_from_config({}, "dev").eks.gpu_node_groups
    assert gpu.min_size == 1 and gpu.desired_size == 1 and gpu.gpu


def test_ci_push_role_unset_by_default() -> None:
    assert settings_from_config({}, "dev").ecr.ci_push_role_arn is None


def test_ci_push_role_parsed() -> None:
    arn = "arn:aws:iam::123456789012:role/ci"
    s = settings_from_config({"genai-platform:ecr": {"ciPushRoleArn": arn}}, "dev")
    assert s.ecr.ci_push_role_arn == arn


def test_structured_config_as_json_text() -> None:
    s = settings_from_config({"genai-platform:kubernetes": '{"cpuQuota": {"training": 4, "inference": 2}}'}, "dev")
    assert s.kubernetes.cpu_quota == {"training": 4, "inference": 2}


# --- errors naming the key ------------------------------------------------------------------------


def test_non_gpu_instance_type_in_gpu_group() -> None:
    found = problems({"genai-platform:eks": {"gpuNodeGroups": [gpu_group(instanceTypes=["m5.large"])]}})
    assert_names(found, "eks.gpuNodeGroups.0.instanceTypes")
    assert any("not a GPU instance type" in p for p in found)


def test_max_below_min() -> None:
    found = problems({"genai-platform:eks": {"systemNodeGroup": {"minSize": 3, "maxSize": 2, "desiredSize": 3}}})
    assert_names(found, "eks.systemNodeGroup.minSize")


def test_gpu_group_max_below_min() -> None:
    group = gpu_group(minSize=4, maxSize=2, desiredSize=4)
    found = problems({"genai-platform:eks": {"gpuNodeGroups": [group]}}, "prod")
    assert_names(found, "eks.gpuNodeGroups.0.minSize")


def test_public_cidrs_with_the_world() -> None:
    found = problems({"genai-platform:eks": {"publicAccessCidrs": ["203.0.113.0/24", "0.0.0.0/0"]}})
    assert_names(found, "eks.publicAccessCidrs")


def test_public_cidrs_with_the_ipv6_world() -> None:
    assert_names(problems({"genai-platform:eks": {"publicAccessCidrs": ["::/0"]}}), "eks.publicAccessCidrs")


def test_prod_refuses_any_public_cidr() -> None:
    found = problems({"genai-platform:eks": {"publicAccessCidrs": ["203.0.113.0/24"]}}, "prod")
    assert_names(found, "eks.publicAccessCidrs")


def test_unknown_gpu_ami_type() -> None:
    found = problems({"genai-platform:eks": {"gpuNodeGroups": [gpu_group(amiType="AL2_x86_64_GPU")]}})
    assert_names(found, "eks.gpuNodeGroups.0.amiType")


def test_standard_ami_type_refused_for_gpu_group() -> None:
    found = problems({"genai-platform:eks": {"gpuNodeGroups": [gpu_group(amiType="AL2023_x86_64_STANDARD")]}})
    assert_names(found, "eks.gpuNodeGroups.0.amiType")


def test_unknown_capacity_type() -> None:
    found = problems({"genai-platform:eks": {"gpuNodeGroups": [gpu_group(capacityType="RESERVED")]}})
    assert_names(found, "eks.gpuNodeGroups.0.capacityType")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_gpu_groups_all_at_zero_are_refused(stack: str) -> None:
    found = problems({"genai-platform:eks": {"gpuNodeGroups": [gpu_group(minSize=0, desiredSize=0)]}}, stack)
    assert_names(found, "eks.gpuNodeGroups.0.minSize")
    assert any("no cluster autoscaler" in p for p in found), found


def test_unpinned_addon_version() -> None:
    found = problems(
        {"genai-platform:eks": {"addonVersions": {**DEFAULTS["dev"]["eks"]["addonVersions"], "vpc-cni": "latest"}}}
    )
    assert_names(found, "eks.addonVersions.vpc-cni")


def test_pod_identity_agent_addon_cannot_be_unset() -> None:
    # Maps merge over the defaults, so removing an addon means setting it to null.
    found = problems({"genai-platform:eks": {"addonVersions": {"eks-pod-identity-agent": None}}})
    assert_names(found, "eks.addonVersions.eks-pod-identity-agent")


def test_eks_log_retention_must_be_a_cloudwatch_period() -> None:
    assert_names(problems({"genai-platform:eks": {"logRetentionDays": 45}}), "eks.logRetentionDays")


def test_prod_eks_log_retention_at_least_a_year() -> None:
    assert_names(problems({"genai-platform:eks": {"logRetentionDays": 90}}, "prod"), "eks.logRetentionDays")


def test_prod_flow_log_retention_at_least_a_year() -> None:
    found = problems({"genai-platform:network": {"flowLogRetentionDays": 90}}, "prod")
    assert_names(found, "network.flowLogRetentionDays")


def test_public_vpc_cidr() -> None:
    assert_names(problems({"genai-platform:network": {"vpcCidr": "8.8.0.0/16"}}), "network.vpcCidr")


def test_prod_needs_three_azs() -> None:
    assert_names(problems({"genai-platform:network": {"azCount": 2}}, "prod"), "network.azCount")


def test_admin_role_must_be_a_role_arn() -> None:
    assert_names(problems({"genai-platform:eks": {"adminRoleArn": "admin"}}), "eks.adminRoleArn")


def test_ci_push_role_must_be_a_role_arn() -> None:
    found = problems({"genai-platform:ecr": {"ciPushRoleArn": "arn:aws:iam::123456789012:user/ci"}})
    assert_names(found, "ecr.ciPushRoleArn")


def test_ecr_keep_count_positive() -> None:
    assert_names(problems({"genai-platform:ecr": {"keepImageCount": 0}}), "ecr.keepImageCount")


def test_unknown_ecr_key() -> None:
    assert_names(problems({"genai-platform:ecr": {"scanOnPush": False}}), "ecr.scanOnPush")


def test_namespace_quota_must_be_a_map() -> None:
    assert_names(problems({"genai-platform:kubernetes": {"cpuQuota": 8}}), "kubernetes.cpuQuota")


def test_namespace_memory_quota_positive() -> None:
    found = problems({"genai-platform:kubernetes": {"memoryQuotaGi": {"training": 0, "inference": 8}}})
    assert_names(found, "kubernetes.memoryQuotaGi.training")


def test_device_plugin_image_must_be_pinned_by_digest() -> None:
    found = problems({"genai-platform:kubernetes": {"devicePluginImage": "nvcr.io/nvidia/k8s-device-plugin:v0.17.1"}})
    assert_names(found, "kubernetes.devicePluginImage")


def test_inference_replicas_within_gpu_quota() -> None:
    found = problems(
        {"genai-platform:kubernetes": {"inferenceReplicas": 3, "gpuQuota": {"training": 2, "inference": 2}}}
    )
    assert_names(found, "kubernetes.inferenceReplicas")
