"""Shared fixtures: one offline preview per stack for the whole test session."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.preview.stages import preview_stages

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "infra"

Plan = dict[str, Any]
Resource = dict[str, Any]


@pytest.fixture(scope="session")
def dev_stages() -> dict[str, Plan]:
    """Every stage of dev, previewed in deploy order (stage name -> plan)."""
    return {p.stage.name: p.plan for p in preview_stages("dev")}


@pytest.fixture(scope="session")
def prod_stages() -> dict[str, Plan]:
    return {p.stage.name: p.plan for p in preview_stages("prod")}


@pytest.fixture(scope="session")
def dev_plan(dev_stages: dict[str, Plan]) -> Plan:
    """The platform stage of dev."""
    return dev_stages["platform"]


@pytest.fixture(scope="session")
def prod_plan(prod_stages: dict[str, Plan]) -> Plan:
    return prod_stages["platform"]


@pytest.fixture(scope="session", params=["dev", "prod"])
def plan(request: pytest.FixtureRequest) -> Plan:
    """Each test using this runs once per stack (the platform stage)."""
    return request.getfixturevalue(f"{request.param}_plan")


@pytest.fixture(scope="session")
def account_plan(dev_stages: dict[str, Plan]) -> Plan:
    return dev_stages["account"]


@pytest.fixture(scope="session", params=["dev", "prod"])
def cluster_plan(request: pytest.FixtureRequest) -> Plan:
    """The cluster stage, once per environment."""
    stages: dict[str, Plan] = request.getfixturevalue(f"{request.param}_stages")
    return stages["cluster"]


def resources(plan: Plan, type_: str) -> list[Resource]:
    """All resources of one type token in a plan."""
    return [r for r in plan["resources"] if r["type"] == type_]


def children_of(plan: Plan, parent_urn: str, type_: str) -> list[Resource]:
    return [r for r in plan["resources"] if r["type"] == type_ and r["parent"] == parent_urn]


def attached_to(plan: Plan, type_: str, target_urn: str, prop: str = "bucket") -> list[Resource]:
    """Resources of `type_` whose property `prop` depends on `target_urn` (the v7 join)."""
    return [r for r in resources(plan, type_) if target_urn in r["propertyDependencies"].get(prop, [])]


def policy(resource: Resource, prop: str = "policy") -> dict[str, Any]:
    """A policy document input, parsed."""
    value = resource["inputs"][prop]
    return json.loads(value) if isinstance(value, str) else value


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.fixture
def find() -> Iterator[Callable[[Plan, str], list[Resource]]]:
    yield resources


def merged(platform: Plan, cluster: Plan) -> Plan:
    """The platform and cluster stages of one environment as one plan, for checks that span the
    stack reference (the cluster stage's inputs against the platform resources they came from)."""
    return {**platform, "resources": [*platform["resources"], *cluster["resources"]]}
