"""The offline driver: process handling, errors, plan conversion, output shape and rendering."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from infra.policy import PolicyPackError, evaluate_plan, load_policy_config, render_policy_text
from tests.policies.cases import FN
from tests.policies.fixtures import compliant_plan, find, set_input, with_change

PACK = Path(__file__).resolve().parents[3] / "policies"

pytestmark = pytest.mark.slow


def test_compliant_plan_section_shape() -> None:
    section = evaluate_plan(compliant_plan(), PACK)
    assert section["pack"] == "genai-platform"
    assert section["version"] == "0.1.0"
    assert section["violations"] == []
    assert section["summary"] == {"mandatory": 0, "advisory": 0, "byPolicy": {}}
    assert "no mandatory violations" in render_policy_text(section)


def test_violation_fields_and_sorting() -> None:
    plan, _ = with_change(compliant_plan(), set_input("aws:kms/key:Key", "data-key", ("enableKeyRotation",), False))
    find(plan, "aws:sns/topic:Topic")["inputs"].pop("kmsMasterKeyId")
    section = evaluate_plan(plan, PACK, policy_config={"aws-sns-topic-kms": "advisory"})
    first, second = section["violations"]
    assert first == {
        "policy": "aws-kms-key-rotation",
        "severity": "high",
        "enforcementLevel": "mandatory",
        "urn": "urn:pulumi:test::genai-platform::aws:kms/key:Key::data-key",
        "type": "aws:kms/key:Key",
        "name": "data-key",
        "message": "KMS key 'data-key' does not enable automatic key rotation.",
        "remediation": "Set enableKeyRotation=True on the key.",
        "description": "Symmetric KMS keys rotate automatically.",
        "frameworks": ["AWS-FSBP:KMS.4", "CIS-AWS-Foundations-3.0:3.6"],
    }
    assert second["policy"] == "aws-sns-topic-kms" and second["enforcementLevel"] == "advisory"
    assert section["summary"] == {
        "mandatory": 1,
        "advisory": 1,
        "byPolicy": {"aws-kms-key-rotation": 1, "aws-sns-topic-kms": 1},
    }
    text = render_policy_text(section)
    assert "HIGH (1)" in text and "MEDIUM (1)" in text and "remediation: Set enableKeyRotation=True" in text
    assert "no mandatory violations" not in text


def test_secret_inputs_arrive_masked_and_are_flagged() -> None:
    plan, _ = with_change(
        compliant_plan(), set_input(FN, None, ("environment", "variables", "DB_PASSWORD"), "[secret]")
    )
    section = evaluate_plan(plan, PACK)
    assert section["summary"]["byPolicy"] == {"aws-lambda-function-no-plaintext-secrets": 1}


def test_stack_level_violation_lands_on_the_stack_resource() -> None:
    plan = compliant_plan()
    plan["resources"] = [r for r in plan["resources"] if r["type"] != "aws:cloudtrail/trail:Trail"]
    (violation,) = evaluate_plan(plan, PACK)["violations"]
    assert violation["type"] == "pulumi:pulumi:Stack"


def test_missing_pack_dir(tmp_path: Path) -> None:
    with pytest.raises(PolicyPackError, match="does not exist"):
        evaluate_plan(compliant_plan(), tmp_path / "nope")


def test_pack_dir_without_manifest(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text("")
    with pytest.raises(PolicyPackError, match=r"has no PulumiPolicy\.yaml"):
        evaluate_plan(compliant_plan(), tmp_path)


def test_pack_that_crashes_on_start(tmp_path: Path) -> None:
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("raise RuntimeError('boom in pack')\n")
    with pytest.raises(PolicyPackError, match="failed to start") as info:
        evaluate_plan(compliant_plan(), tmp_path)
    assert "\n" not in str(info.value)


def test_pack_that_prints_garbage(tmp_path: Path) -> None:
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("print('hello')\n")
    with pytest.raises(PolicyPackError, match="failed to start"):
        evaluate_plan(compliant_plan(), tmp_path)


def test_pack_whose_policy_raises(tmp_path: Path) -> None:
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 9.9.9\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent("""
        from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy
        def bad(args, report):
            raise ValueError("rule bug")
        PolicyPack("broken", [ResourceValidationPolicy("broken-rule", "d", bad)], EnforcementLevel.MANDATORY)
    """)
    )
    with pytest.raises(PolicyPackError, match="policy pack Analyze failed"):
        evaluate_plan(compliant_plan(), tmp_path)


@pytest.mark.parametrize("plan", [{}, {"resources": "x"}, {"resources": [{"urn": 1}]}, []])
def test_bad_plan(plan: Any) -> None:
    with pytest.raises(PolicyPackError, match="plan"):
        evaluate_plan(plan, PACK)


def test_load_policy_config(tmp_path: Path) -> None:
    assert load_policy_config(None) == {}
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"all": "mandatory", "aws-kms-key-rotation": {"enforcementLevel": "advisory"}}))
    assert load_policy_config(good)["aws-kms-key-rotation"] == {"enforcementLevel": "advisory"}
    cases = {
        "missing.json": (None, "cannot read policy config"),
        "bad.json": ("{", "is not valid JSON"),
        "list.json": ("[]", "must be a JSON object"),
        "level.json": (json.dumps({"x": "strict"}), "enforcementLevel must be one of"),
        "kind.json": (json.dumps({"x": 3}), "expected an enforcement level or an object"),
        "all.json": (json.dumps({"all": {"minRetentionDays": 3}}), "'all' accepts only enforcementLevel"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        with pytest.raises(PolicyPackError, match=message) as info:
            load_policy_config(path)
        assert "\n" not in str(info.value)


def test_render_empty_section() -> None:
    text = render_policy_text(
        {"pack": "p", "version": "1", "violations": [], "summary": {"mandatory": 0, "advisory": 0, "byPolicy": {}}}
    )
    assert text.splitlines() == ["Policy pack p@1: 0 mandatory, 0 advisory violation(s)", "no mandatory violations"]


def test_a_computed_input_is_unknown_not_absent() -> None:
    stack = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev"
    api = "urn:pulumi:dev::app::aws:apigateway/restApi:RestApi::api"

    def permission(name: str, deps: dict[str, list[str]]) -> dict[str, Any]:
        return {
            "urn": f"urn:pulumi:dev::app::aws:lambda/permission:Permission::{name}",
            "type": "aws:lambda/permission:Permission",
            "name": name,
            "inputs": {"action": "lambda:InvokeFunction", "function": "fn", "principal": "apigateway.amazonaws.com"},
            "propertyDependencies": deps,
        }

    plan = {
        "project": "app",
        "stack": "dev",
        "resources": [
            {"urn": stack, "type": "pulumi:pulumi:Stack", "name": "app-dev", "inputs": {}},
            permission("computed", {"sourceArn": [api]}),
            permission("missing", {}),
        ],
    }
    section = evaluate_plan(plan, PACK)
    found = {
        (v["name"], v["enforcementLevel"])
        for v in section["violations"]
        if v["policy"] == "aws-lambda-permission-source-arn"
    }
    assert found == {("missing", "mandatory"), ("computed", "advisory")}
    computed = next(v for v in section["violations"] if v["name"] == "computed")
    assert "can't be known during preview" in computed["message"]
