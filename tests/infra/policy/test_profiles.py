"""Profiles: baseline for any team's program, platform for the platform's stacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.cli import main
from infra.policy import PolicyPackError, load_policy_config
from infra.policy.profiles import default_profile, profile_config, profile_path

pytestmark = pytest.mark.slow


def _secret_program(project: str) -> dict[str, Any]:
    """A team's two-resource program: a secret and its value (from a Pulumi secret)."""
    stack = f"urn:pulumi:dev::{project}::pulumi:pulumi:Stack::{project}-dev"
    secret = f"urn:pulumi:dev::{project}::aws:secretsmanager/secret:Secret::db"
    return {
        "project": project,
        "stack": "dev",
        "resources": [
            {"urn": stack, "type": "pulumi:pulumi:Stack", "name": f"{project}-dev", "inputs": {}},
            {"urn": secret, "type": "aws:secretsmanager/secret:Secret", "name": "db", "inputs": {"name": "db"}},
            {
                "urn": f"urn:pulumi:dev::{project}::aws:secretsmanager/secretVersion:SecretVersion::db-v",
                "type": "aws:secretsmanager/secretVersion:SecretVersion",
                "name": "db-v",
                "inputs": {"secretString": "[secret]"},
                "propertyDependencies": {"secretId": [secret]},
            },
        ],
    }


def _write(tmp_path: Path, plan: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_a_secure_team_program_does_not_block_under_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _write(tmp_path, _secret_program("team-app"))
    assert main(["policy", str(plan), "--json", str(tmp_path / "p.json")]) == 0
    out = capsys.readouterr().out
    assert "profile: baseline" in out
    section = json.loads((tmp_path / "p.json").read_text())
    policies = {v["policy"] for v in section["violations"]}
    assert "aws-tags-required" not in policies  # a platform convention: off in baseline
    assert all(v["enforcementLevel"] == "advisory" for v in section["violations"])


def test_the_platform_profile_is_stricter(tmp_path: Path) -> None:
    plan = _write(tmp_path, _secret_program("team-app"))
    assert main(["policy", str(plan), "--profile", "platform"]) == 1


def test_default_profile_follows_the_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert default_profile(own_program=True) == "platform"
    assert default_profile(own_program=False) == "baseline"
    plan = _write(tmp_path, _secret_program("genai-platform"))
    assert main(["policy", str(plan)]) == 1
    assert "profile: platform" in capsys.readouterr().out


def test_bad_profile_and_bad_plan_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["policy", str(tmp_path / "x.json"), "--profile", "strict"])
    assert exc.value.code == 2
    assert "invalid choice: 'strict'" in capsys.readouterr().err
    assert main(["policy", str(tmp_path / "missing.json")]) == 2
    assert "cannot read plan" in capsys.readouterr().err
    with pytest.raises(PolicyPackError, match="unknown policy profile 'strict'"):
        profile_path("strict")


def test_profiles_are_valid_pack_configs_and_layer_user_config(tmp_path: Path) -> None:
    baseline = load_policy_config(profile_path("baseline"))
    assert baseline["aws-tags-required"] == "disabled"
    assert baseline["aws-rds-instance-not-public"] == "mandatory"
    user = tmp_path / "user.json"
    user.write_text(
        json.dumps({"aws-tags-required": "mandatory", "aws-lambda-function-runtime": {"allowedRuntimes": ["java21"]}})
    )
    merged = profile_config("baseline", user)
    assert merged["aws-tags-required"] == "mandatory"
    assert merged["aws-lambda-function-runtime"] == {"enforcementLevel": "advisory", "allowedRuntimes": ["java21"]}
    platform = profile_config("platform")
    assert platform["aws-lambda-function-runtime"]["allowedRuntimes"] == ["python3.12", "python3.13"]
