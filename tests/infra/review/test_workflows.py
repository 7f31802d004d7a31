"""Invariants of the pull-request and deploy workflows (docs/review-audit.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

GITHUB = Path(__file__).resolve().parents[3] / ".github"
WORKFLOWS = GITHUB / "workflows"
ALL_WORKFLOWS = sorted(p.name for p in WORKFLOWS.glob("*.yml"))
TAG_PINNED = {"pulumi/actions"}  # no verified SHA available: documented


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in workflow["jobs"].items() for step in spec.get("steps", [])]


def action_steps() -> list[dict[str, Any]]:
    """The steps of the repository's own composite actions."""
    found: list[dict[str, Any]] = []
    for path in sorted((GITHUB / "actions").glob("*/action.yml")):
        found.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["runs"]["steps"])
    return found


@pytest.mark.parametrize("name", [*ALL_WORKFLOWS, "actions"])
def test_actions_are_pinned_by_commit(name: str) -> None:
    found = action_steps() if name == "actions" else [step for _, step in steps(load(name))]
    assert found
    for step in found:
        uses = step.get("uses")
        if not uses or uses.startswith("./"):
            continue
        action, _, ref = uses.partition("@")
        if action in TAG_PINNED:
            assert re.fullmatch(r"v\d+(\.\d+)*", ref)
        else:
            assert re.fullmatch(r"[0-9a-f]{40}", ref), uses


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_least_privilege_and_no_long_lived_keys(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {"contents": "read"}
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
    for job, spec in workflow["jobs"].items():
        uses_aws = any("configure-aws-credentials" in str(s.get("uses")) for s in spec.get("steps", []))
        assert uses_aws == (spec.get("permissions", {}).get("id-token") == "write"), job


def test_pull_request_stages_in_order() -> None:
    jobs = load("pull-request.yml")["jobs"]
    assert jobs["security-gates"]["needs"] == "checks"
    assert jobs["plans"]["needs"] == "security-gates"
    assert jobs["pulumi-preview"]["if"].startswith("vars.AWS_PREVIEW_ROLE_ARN != ''")
    role = next(s for s in jobs["pulumi-preview"]["steps"] if "configure-aws-credentials" in str(s.get("uses")))
    assert role["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}"
    assert "--policy-pack policies --policy-pack-config policies/config/platform.json --json" in str(
        jobs["pulumi-preview"]["steps"]
    )
    assert "genai-platform review" in str(jobs["review"]["steps"])
    assert jobs["security-approval"]["environment"] == "security-review"
    assert set(jobs["gate"]["needs"]) == {
        "checks",
        "security-gates",
        "plans",
        "pulumi-preview",
        "review",
        "security-approval",
    }
    assert jobs["gate"]["if"] == "always()"


def test_deploy_dev_then_prod_behind_environment() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert load("deploy.yml")[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as True
    assert jobs["platform-prod"]["needs"] == "cluster-dev" and jobs["platform-prod"]["environment"] == "prod"
    for stack in ("dev", "prod"):
        run = " ".join(str(s.get("run", "")) for s in jobs[f"platform-{stack}"]["steps"])
        assert (
            f'pulumi up --yes --stack {stack} --policy-pack "$POLICY_PACK" --policy-pack-config policies/config/platform.json'
            in run
        )
        cluster = load(jobs[f"cluster-{stack}"]["uses"].rsplit("/", 1)[-1])
        assert jobs[f"cluster-{stack}"]["with"]["stack"] == stack
        run = " ".join(str(s.get("run", "")) for job in cluster["jobs"].values() for s in job["steps"])
        assert 'genai-platform audit --stack "$STACK"' in run
