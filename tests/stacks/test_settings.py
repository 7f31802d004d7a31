"""Settings: per-environment defaults and one clear error per bad key."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.settings import SettingsError, as_dict, settings_from_config


def load(stack: str = "dev", **values: Any) -> Any:
    config = {f"genai-platform:{k}": v for k, v in values.items()}
    return settings_from_config(config, stack)


def problems(stack: str = "dev", **values: Any) -> list[str]:
    with pytest.raises(SettingsError) as err:
        load(stack, **values)
    return err.value.problems


def prod_ok(**values: Any) -> dict[str, Any]:
    """What prod requires on top of its defaults: an alarm email and a key administrator role."""
    return {
        "monitoring": {"alarmEmails": ["secops@example.com"]},
        "kms": {"keyAdministratorRoleArns": ["arn:aws:iam::123456789012:role/kms-key-admin"]},
        **values,
    }


def test_dev_defaults_are_cheap() -> None:
    s = load()
    assert (s.environment, s.network.az_count, s.network.nat_gateway_per_az) == ("dev", 2, False)
    assert s.data_lake.object_lock is False
    # no cluster autoscaler: one GPU node stays, or the model server never schedules
    assert s.eks.gpu_node_groups[0].min_size == 1
    assert s.filter.reserved_concurrency == 0 and s.secrets.rotation_reserved_concurrency == 0


def test_prod_defaults_are_strict() -> None:
    s = load("prod", **prod_ok())
    assert s.log_retention_days >= 365
    assert s.data_lake.object_lock and s.protect_data and not s.data_lake.force_destroy
    assert s.eks.public_access_cidrs == ()
    assert s.key_deletion_window_days == 30
    assert s.network.az_count == 3 and s.network.nat_gateway_per_az


def test_settings_are_frozen() -> None:
    s = load()
    with pytest.raises(AttributeError):
        s.environment = "prod"  # type: ignore[misc]


def test_json_text_from_pulumi_is_parsed() -> None:
    s = settings_from_config(
        {"genai-platform:network": '{"azCount": 3}', "genai-platform:logRetentionDays": "90"}, "dev"
    )
    assert s.network.az_count == 3 and s.log_retention_days == 90


def test_tags_come_from_settings() -> None:
    tags = load(owner="ml-team", costCenter="cc-42").base_tags()
    assert tags["Owner"] == "ml-team" and tags["CostCenter"] == "cc-42" and tags["Environment"] == "dev"
    assert tags["Project"] == "genai-platform"


def test_as_dict_is_json_friendly() -> None:
    assert as_dict(load())["network"]["vpc_cidr"] == "10.40.0.0/16"


@pytest.mark.parametrize(
    ("stack", "values", "key", "hint"),
    [
        ("dev", {"environment": "qa"}, "genai-platform:environment", "allowed: dev, prod"),
        ("dev", {"logRetentionDays": 15}, "genai-platform:logRetentionDays", "CloudWatch allows"),
        ("dev", {"network": {"vpcCidr": "10.0.0.1/16"}}, "genai-platform:network.vpcCidr", "host bits zero"),
        ("dev", {"network": {"vpcCidr": "8.8.0.0/16"}}, "genai-platform:network.vpcCidr", "RFC 1918"),
        (
            "dev",
            {"eks": {"publicAccessCidrs": ["0.0.0.0/0"]}},
            "genai-platform:eks.publicAccessCidrs",
            "never 0.0.0.0/0",
        ),
        (
            "dev",
            {"eks": {"publicAccessCidrs": ["not-a-cidr"]}},
            "genai-platform:eks.publicAccessCidrs",
            "expected a CIDR",
        ),
        ("dev", {"region": "mars-north-1"}, "aws:region", "allowed: af-south-1"),
        (
            "dev",
            {"dataLake": {"noncurrentVersionExpirationDays": 0}},
            "dataLake.noncurrentVersionExpirationDays",
            "allowed: 1 to",
        ),
        ("dev", {"logRetentionDays": "thirty"}, "genai-platform:logRetentionDays", "expected int"),
        ("dev", {"keyDeletionWindowDays": 3}, "genai-platform:keyDeletionWindowDays", "allowed: 7 to 30"),
        ("dev", {"retention": 30}, "genai-platform:retention", "unknown setting"),
        ("dev", {"dataLake": {"objectLok": True}}, "genai-platform:dataLake.objectLok", "unknown setting"),
        ("dev", {"monitoring": {"alarmEmails": ["not-an-address"]}}, "monitoring.alarmEmails", "expected an email"),
        ("dev", {"owner": ""}, "genai-platform:owner", "letters, digits"),
        ("prod", {}, "genai-platform:monitoring.alarmEmails", "at least one alarm email"),
        ("prod", prod_ok(logRetentionDays=30), "genai-platform:logRetentionDays", "at least 365"),
        ("prod", prod_ok(dataLake={"objectLock": False}), "genai-platform:dataLake.objectLock", "object lock"),
        (
            "prod",
            prod_ok(eks={"publicAccessCidrs": ["203.0.113.0/24"]}),
            "eks.publicAccessCidrs",
            "no public endpoints",
        ),
        ("prod", prod_ok(protectData=False), "genai-platform:protectData", "retains data stores"),
        ("prod", prod_ok(keyDeletionWindowDays=7), "genai-platform:keyDeletionWindowDays", "30-day"),
    ],
)
def test_bad_values_name_the_key_and_what_is_allowed(stack: str, values: dict[str, Any], key: str, hint: str) -> None:
    found = problems(stack, **values)
    assert any(key in p and hint in p for p in found), found


def test_all_problems_are_reported_together() -> None:
    found = problems(logRetentionDays=15, keyDeletionWindowDays=99)
    assert len(found) == 2


def test_min_above_max_is_refused() -> None:
    group = {
        "name": "gpu",
        "instanceTypes": ["g5.xlarge"],
        "amiType": "AL2023_x86_64_NVIDIA",
        "capacityType": "SPOT",
        "minSize": 0,
        "maxSize": 2,
        "desiredSize": 0,
        "diskSizeGb": 100,
    }
    bad = {**group, "minSize": 3, "maxSize": 2, "desiredSize": 2}
    found = problems(eks={"gpuNodeGroups": [bad]})
    assert any("eks.gpuNodeGroups.0.minSize" in p and "must not exceed" in p for p in found), found


def test_invalid_json_config_is_one_clear_line() -> None:
    with pytest.raises(SettingsError) as err:
        settings_from_config({"genai-platform:network": "{azCount: 3"}, "dev")
    assert err.value.problems == [
        "genai-platform:network: not valid JSON/YAML structure (Expecting property name enclosed in double quotes)"
    ]
