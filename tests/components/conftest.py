"""Compute-plane fixtures and helpers: a dev variant with the optional roles set, and lookups by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.preview.stages import preview_stages
from stacks.settings import PlatformSettings, settings_from_config
from tests.conftest import PROGRAM, ROOT, Plan, Resource, resources

ADMIN_ROLE = "arn:aws:iam::123456789012:role/platform-admins"
CI_ROLE = "arn:aws:iam::123456789012:role/ci-image-push"


@pytest.fixture(scope="session")
def dev_roles_stages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Plan]:
    """dev with `eks.adminRoleArn` and `ecr.ciPushRoleArn` set (a project copy pointing at infra/)."""
    folder = tmp_path_factory.mktemp("dev-roles")
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    project["main"] = str(PROGRAM)
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    stack = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text(encoding="utf-8"))
    stack["config"]["genai-platform:eks"] = {
        **stack["config"].get("genai-platform:eks", {}),
        "adminRoleArn": ADMIN_ROLE,
    }
    stack["config"]["genai-platform:ecr"] = {"ciPushRoleArn": CI_ROLE}
    (folder / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack), encoding="utf-8")
    return {p.stage.name: p.plan for p in preview_stages("dev", platform_dir=Path(folder))}


@pytest.fixture(scope="session")
def dev_roles_plan(dev_roles_stages: dict[str, Plan]) -> Plan:
    return dev_roles_stages["platform"]


def stack_settings(plan: Plan) -> PlatformSettings:
    """The settings the plan was built from (its recorded config)."""
    return settings_from_config(plan["config"], plan["stack"])


def named(plan: Plan, type_: str, suffix: str) -> Resource:
    """The one resource of `type_` whose logical name ends with `suffix`."""
    found = [r for r in resources(plan, type_) if r["name"].endswith(suffix)]
    assert len(found) == 1, (type_, suffix, [r["name"] for r in found])
    return found[0]


def all_named(plan: Plan, type_: str, contains: str) -> list[Resource]:
    return [r for r in resources(plan, type_) if contains in r["name"]]


def output(resource: Resource, key: str) -> Any:
    return resource["outputs"].get(key, resource["inputs"].get(key))


def by_k8s_name(plan: Plan, type_: str, namespace: str, name: str) -> Resource:
    found = [
        r
        for r in resources(plan, type_)
        if r["inputs"]["metadata"].get("namespace") == namespace and r["inputs"]["metadata"].get("name") == name
    ]
    assert len(found) == 1, (type_, namespace, name)
    return found[0]
