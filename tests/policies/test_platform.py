"""Integration: every stage of dev and prod passes the pack with its stage's policy config."""

from __future__ import annotations

from typing import Any

import pytest

from infra.policy import PackProcess, load_policy_config, run_pack
from stacks.stages import stage
from tests.policies.conftest import STACKS

pytestmark = pytest.mark.slow

STAGES = ("account", "platform", "cluster")
# What each stage's config relaxes, and nothing else: presence rules belong to the stage that owns
# the resource (the trail is per environment, the detector per account), and the device plugin's
# dated exemptions apply where it runs.
RELAXED = {
    "account": {"aws-cloudtrail-trail-present"},
    "platform": {"aws-guardduty-detector-enabled"},
    "cluster": {
        "aws-cloudtrail-trail-present",
        "aws-guardduty-detector-enabled",
        "k8s-namespace-pod-security-enforce",
        "k8s-pod-run-as-non-root",
    },
}


@pytest.mark.parametrize("name", STAGES)
@pytest.mark.parametrize("stack", STACKS)
def test_platform_stack_has_no_mandatory_violations(
    pack: PackProcess, platform_plans: dict[str, dict[str, Any]], stack: str, name: str
) -> None:
    config = load_policy_config(stage(name).policy_config)
    section = run_pack(pack, platform_plans[f"{stack}/{name}"], config)
    mandatory = [
        (v["policy"], v["urn"], v["message"]) for v in section["violations"] if v["enforcementLevel"] == "mandatory"
    ]
    assert mandatory == []


@pytest.mark.parametrize("name", STAGES)
@pytest.mark.parametrize("stack", STACKS)
def test_platform_config_only_relaxes_what_it_must(
    pack: PackProcess, platform_plans: dict[str, dict[str, Any]], stack: str, name: str
) -> None:
    """Without its config, exactly the stage's relaxed rules fire (and nothing else): dev's platform stage
    also has the functions that reserve no concurrency."""
    section = run_pack(pack, platform_plans[f"{stack}/{name}"], {})
    concurrency = "aws-lambda-function-reserved-concurrency"
    dev_only = {concurrency, "aws-dynamodb-table-deletion-protection"}
    relaxed = RELAXED[name] | (dev_only if (stack, name) == ("dev", "platform") else set())
    assert set(section["summary"]["byPolicy"]) == relaxed
    for v in section["violations"]:
        if v["policy"] in dev_only:
            assert v["urn"].startswith("urn:pulumi:dev::")
    k8s = [v for v in section["violations"] if v["policy"].startswith("k8s-")]
    assert all("nvidia-device-plugin" in v["urn"] for v in k8s)
