from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from infra.policy import PackProcess, run_pack

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
TODAY = "2026-11-25"


class Evaluate(Protocol):
    def __call__(self, plan: dict[str, Any], config: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


@pytest.fixture(scope="session")
def pack() -> Iterator[PackProcess]:
    """The real pack, started once per session the way the engine starts it."""
    with PackProcess(PACK_DIR, env={"GENAI_POLICY_TODAY": TODAY}) as process:
        yield process


@pytest.fixture(scope="session")
def evaluate(pack: PackProcess) -> Evaluate:
    def run(plan: dict[str, Any], config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        section = run_pack(pack, plan, config or {})
        violations: list[dict[str, Any]] = section["violations"]
        return violations

    return run


@pytest.fixture(scope="session")
def policy_names(pack: PackProcess) -> list[str]:
    return sorted(p.name for p in pack.info().policies)


REPO = Path(__file__).resolve().parents[2]
PLATFORM_CONFIG = PACK_DIR / "config" / "platform.json"
STACKS = ("dev", "prod")


@pytest.fixture(scope="session")
def platform_plans() -> dict[str, dict[str, Any]]:
    """Every stage of the real platform's dev and prod, from the offline preview: `<stack>` is the
    platform stage, `<stack>/<stage>` each stage."""
    from infra.preview.stages import preview_stages

    plans: dict[str, dict[str, Any]] = {}
    for stack in STACKS:
        for staged in preview_stages(stack):
            plans[f"{stack}/{staged.stage.name}"] = staged.plan
        plans[stack] = plans[f"{stack}/platform"]
    return plans


@pytest.fixture(scope="session")
def platform_config() -> dict[str, Any]:
    from infra.policy import load_policy_config

    return load_policy_config(PLATFORM_CONFIG)


STAGE_NAMES = ("account", "platform", "cluster")


@pytest.fixture(scope="session")
def deployment_plans(platform_plans: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every stage of an environment as one plan: the whole deployment, for the mutation test."""
    return {
        stack: {
            **platform_plans[stack],
            "resources": [r for name in STAGE_NAMES for r in platform_plans[f"{stack}/{name}"]["resources"]],
        }
        for stack in STACKS
    }


@pytest.fixture(scope="session")
def deployment_config() -> dict[str, Any]:
    """The stages' policy configs together, without the per-stage presence relaxations (in the whole
    deployment the trail and the detector are both present)."""
    from infra.policy import load_policy_config
    from stacks.stages import stage

    merged: dict[str, Any] = {}
    for name in STAGE_NAMES:
        for policy, value in load_policy_config(stage(name).policy_config).items():
            if isinstance(value, dict) and value.get("enforcementLevel") == "disabled":
                continue
            merged[policy] = value
    return merged
