"""The pack's list of taggable types agrees with pulumi-aws, and covers every taggable type the platform uses."""

from __future__ import annotations

import importlib
import inspect
import sys
import warnings
from typing import Any

import pytest

from tests.policies.conftest import PACK_DIR


def _tags_rule_module() -> Any:
    sys.path.insert(0, str(PACK_DIR))
    try:
        return importlib.import_module("rules.tags")
    finally:
        sys.path.remove(str(PACK_DIR))


def has_tags_input(type_token: str) -> bool:
    """Whether pulumi-aws gives ``aws:<module>/<x>:<Class>`` a ``tags`` input."""
    _, module_path, class_name = type_token.split(":")
    package = module_path.split("/")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pulumi-aws warns about its deprecated classes
        module = importlib.import_module(f"pulumi_aws.{package}_" if package == "lambda" else f"pulumi_aws.{package}")
    resource_class = getattr(module, class_name)
    return "tags" in inspect.signature(resource_class._internal_init).parameters


@pytest.mark.parametrize("type_token", sorted(_tags_rule_module().TAGGABLE_TYPES))
def test_listed_types_have_a_tags_input(type_token: str) -> None:
    assert has_tags_input(type_token)


@pytest.mark.slow
def test_every_taggable_platform_type_is_listed(platform_plans: dict[str, dict[str, Any]]) -> None:
    listed = _tags_rule_module().TAGGABLE_TYPES
    used = {r["type"] for plan in platform_plans.values() for r in plan["resources"] if r["type"].startswith("aws:")}
    assert sorted(t for t in used if has_tags_input(t) and t not in listed) == []
