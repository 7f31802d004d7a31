"""The deployment's stages, and their plans for one environment.

Adding a stage (the account baseline, the in-cluster projects) is one line in `STAGES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.contracts.model import ENVIRONMENT_SCOPE, Deployment, StagePlan
from infra.preview.engine import preview_in_subprocess

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Stage:
    name: str
    program: Path
    scope: str


STAGES: tuple[Stage, ...] = (Stage("platform", PROJECT_ROOT / "infra", ENVIRONMENT_SCOPE),)

Previewer = Callable[[Path, str], dict[str, Any]]


def _preview(program: Path, stack: str) -> dict[str, Any]:
    return preview_in_subprocess(program, stack, require_stack_file=True)


def deployment(stack: str, stages: Sequence[Stage] = STAGES, previewer: Previewer = _preview) -> Deployment:
    """Preview every stage of `stack` (one subprocess each) and bundle the plans."""
    return Deployment([StagePlan(s.name, s.scope, previewer(s.program, stack)) for s in stages])
