"""The program refuses a real deploy (dry run off) while blockers remain, before the first resource;
previews, including the offline one, keep working on placeholders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ready_config import ROOT, write_project

pytestmark = pytest.mark.slow
HARNESS = Path(__file__).parent / "deploy_harness.py"


def run(project_dir: Path, stack: str, mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(HARNESS), str(project_dir), stack, mode],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'lambdas' / 'filter'}", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_shipped_prod_is_refused_before_any_resource() -> None:
    result = run(ROOT, "prod", "up")
    assert result["registered"] == 0
    message = result["error"]
    assert "stack 'prod' is not ready for a real deploy" in message
    assert "genai-platform:kms.keyAdministratorRoleArns.0" in message
    assert "123456789012 is an AWS documentation example" in message
    # the cluster stage's digests are that stage's blockers, not the platform's (review N8)
    assert "genai-platform:kubernetes." not in message
    assert "genai-platform preflight --stack prod" in message


def test_dev_without_a_deploy_role_is_refused() -> None:
    result = run(ROOT, "dev", "up")
    assert result["registered"] == 0
    assert "genai-platform:deploy.roleArn" in result["error"]


def test_preview_runs_on_placeholders() -> None:
    result = run(ROOT, "prod", "preview")
    assert result["error"] is None
    assert result["registered"] > 100


def test_platform_deploys_with_only_cluster_placeholders_left(tmp_path: Path) -> None:
    """The image repositories are the platform's: it must not wait for digests of images pushed into them."""
    placeholder = "sha256:" + "0" * 64
    kubernetes = {"inferenceImageDigest": placeholder, "modelVerifierImageDigest": placeholder}
    result = run(write_project(tmp_path, "prod", {"genai-platform:kubernetes": kubernetes}), "prod", "up")
    assert result["error"] is None
    assert result["registered"] > 100


def test_ready_config_deploys(tmp_path: Path) -> None:
    result = run(write_project(tmp_path, "prod"), "prod", "up")
    assert result["error"] is None
    assert result["registered"] > 100
