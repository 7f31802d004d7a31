"""The contract checks' deployments: every stage of dev and prod, previewed once per session."""

from __future__ import annotations

import pytest

from infra.contracts.model import Deployment
from infra.contracts.stages import deployment


@pytest.fixture(scope="session")
def deployments(request: pytest.FixtureRequest) -> dict[str, Deployment]:
    """The session's staged previews (tests/conftest.py), one deployment per environment."""
    return {env: deployment(env, previewer=lambda e: request.getfixturevalue(f"{e}_stages")) for env in ("dev", "prod")}
