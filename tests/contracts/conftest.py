"""The contract checks' deployments: every stage of dev and prod, previewed once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.contracts.model import Deployment
from infra.contracts.stages import deployment
from infra.preview.engine import preview_in_subprocess
from tests.conftest import PROGRAM


@pytest.fixture(scope="session")
def deployments(request: pytest.FixtureRequest) -> dict[str, Deployment]:
    cache: dict[tuple[Path, str], dict[str, Any]] = {}

    def previewer(program: Path, stack: str) -> dict[str, Any]:
        key = (program.resolve(), stack)
        if key not in cache:
            # The platform's plans are the session's shared fixtures; other stages are previewed here.
            if key[0] == PROGRAM.resolve():
                cache[key] = request.getfixturevalue(f"{stack}_plan")
            else:
                cache[key] = preview_in_subprocess(program, stack, require_stack_file=True)
        return cache[key]

    return {stack: deployment(stack, previewer=previewer) for stack in ("dev", "prod")}
