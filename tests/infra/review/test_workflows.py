"""Invariants of the pull-request and deploy workflows (docs/review-audit.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[3] / ".github" / "workflows"
TAG_PINNED = {"pulumi/actions"}  # no verified SHA available: documented


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in workflow["jobs"].items() for step in spec.get("steps", [])]


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_actions_are_pinned_by_commit(name: str) -> None:
    for _, step in steps(load(name)):
        uses = step.get("uses")
        if not uses:
            continue
        action, _, ref = uses.partition("@")
        if action in TAG_PINNED:
            assert re.fullmatch(r"v\d+(\.\d+)*", ref)
        else:
            assert re.fullmatch(r"[0-9a-f]{40}", ref), uses


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
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
    assert set(jobs["gate"]["needs"]) == {"checks", "security-gates", "plans", "review", "security-approval"}
    assert jobs["gate"]["if"] == "always()"


def test_deploy_dev_then_prod_behind_environment() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert load("deploy.yml")[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as True
    assert jobs["prod"]["needs"] == "dev" and jobs["prod"]["environment"] == "prod"
    for stack in ("dev", "prod"):
        run = " ".join(str(s.get("run", "")) for s in jobs[stack]["steps"])
        assert (
            f"pulumi up --policy-pack policies --policy-pack-config policies/config/platform.json --yes --stack {stack}"
            in run
        )
        assert f"genai-platform audit --stack {stack}" in run
