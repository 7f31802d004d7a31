"""Integration: the platform's dev and prod stacks pass the pack with the platform's policy config."""

from __future__ import annotations

from typing import Any

import pytest

from infra.policy import PackProcess, run_pack
from tests.policies.conftest import STACKS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("stack", STACKS)
def test_platform_stack_has_no_mandatory_violations(
    pack: PackProcess, platform_plans: dict[str, dict[str, Any]], platform_config: dict[str, Any], stack: str
) -> None:
    section = run_pack(pack, platform_plans[stack], platform_config)
    mandatory = [
        (v["policy"], v["urn"], v["message"]) for v in section["violations"] if v["enforcementLevel"] == "mandatory"
    ]
    assert mandatory == []


@pytest.mark.parametrize("stack", STACKS)
def test_platform_config_only_relaxes_what_it_must(
    pack: PackProcess, platform_plans: dict[str, dict[str, Any]], stack: str
) -> None:
    """Without the platform config exactly the device-plugin findings remain, plus (dev only) the
    functions that reserve no concurrency, and nothing else."""
    section = run_pack(pack, platform_plans[stack], {})
    concurrency = "aws-lambda-function-reserved-concurrency"
    expected = {"k8s-namespace-pod-security-enforce", "k8s-pod-run-as-non-root"}
    assert set(section["summary"]["byPolicy"]) == (expected | {concurrency} if stack == "dev" else expected)
    for v in section["violations"]:
        if v["policy"] == concurrency:
            assert v["urn"].startswith("urn:pulumi:dev::") and "aws:lambda/function:Function" in v["urn"]
        else:
            assert "nvidia-device-plugin" in v["urn"]
