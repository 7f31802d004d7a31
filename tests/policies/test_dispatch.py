"""The dispatching servicer answers exactly as the SDK's own servicer does."""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra.policy import PackProcess, run_pack
from tests.policies.cases import CASES
from tests.policies.conftest import PACK_DIR, TODAY
from tests.policies.fixtures import compliant_plan, with_change

pytestmark = pytest.mark.slow


def _plans() -> list[dict[str, Any]]:
    plans = [compliant_plan()]
    for case in CASES[::3]:
        plans.append(with_change(compliant_plan(), case.mutate)[0])
    return plans


def _ints(section: dict[str, Any]) -> dict[str, Any]:
    """The SDK's servicer hands rules floats for every number, the dispatcher restores integral ones:
    messages are compared with every "N.0" read as "N" on both sides (an image tag "1.0" too)."""
    for v in section["violations"]:
        v["message"] = re.sub(r"\b(\d+)\.0\b", r"\1", v["message"])
    return section


def test_dispatching_servicer_matches_the_sdk(pack: PackProcess) -> None:
    configs: list[dict[str, Any]] = [{}, {"all": "advisory", "aws-kms-key-rotation": "disabled"}]
    with PackProcess(PACK_DIR, env={"GENAI_POLICY_TODAY": TODAY, "GENAI_POLICY_SDK_SERVICER": "1"}) as stock:
        for config in configs:
            for plan in _plans():
                assert _ints(run_pack(pack, plan, config)) == _ints(run_pack(stock, plan, config))
