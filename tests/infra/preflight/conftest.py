"""preflight previews the platform stage for the functions' reserved concurrency: tests use the session's
previews (tests/conftest.py) instead of previewing again."""

from __future__ import annotations

from pathlib import Path

import pytest

from stacks.prerequisites import lambda_reservations


@pytest.fixture(autouse=True)
def plans_from_the_session(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """preflight previews the platform stage for the functions' reservations: use the session's previews."""
    from infra.preflight import command

    def reservations(stack: str, project_dir: Path) -> tuple[dict[str, int] | None, str]:
        plan = request.getfixturevalue(f"{stack}_plan")
        return lambda_reservations(plan["resources"]), ""

    monkeypatch.setattr(command, "plan_reservations", reservations)
