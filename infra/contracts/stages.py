"""The deployment's stages, and their plans for one environment: every stage the deploy applies
(`infra/preview/stages.py`), previewed in deploy order with the earlier stages' outputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infra.contracts.model import ACCOUNT_SCOPE, CLUSTER_SCOPE, ENVIRONMENT_SCOPE, Deployment, StagePlan
from infra.preview.stages import preview_stages

SCOPES = {"account": ACCOUNT_SCOPE, "platform": ENVIRONMENT_SCOPE, "cluster": CLUSTER_SCOPE}

Previewer = Callable[[str], dict[str, dict[str, Any]]]
"""Environment -> stage name -> plan."""


def _preview(environment: str) -> dict[str, dict[str, Any]]:
    return {p.stage.name: p.plan for p in preview_stages(environment)}


def deployment(environment: str, previewer: Previewer = _preview) -> Deployment:
    """Every stage of one environment, bundled for the checks."""
    return Deployment([StagePlan(name, SCOPES[name], plan) for name, plan in previewer(environment).items()])
