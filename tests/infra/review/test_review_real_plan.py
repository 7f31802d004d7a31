"""The review on the real dev plan from the offline preview (session fixture `dev_plan` in tests/conftest.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from infra.review.cli import main

pytestmark = pytest.mark.slow

SG_TYPE = "aws:ec2/securityGroup:SecurityGroup"


def _widen_role_policy(plan: dict[str, Any]) -> str:
    policy = next(r for r in plan["resources"] if r["type"] == "aws:iam/rolePolicy:RolePolicy")
    doc = json.loads(policy["inputs"]["policy"])
    doc["Statement"].append({"Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    policy["inputs"]["policy"] = json.dumps(doc)
    return str(policy["urn"])


def _open_security_group(plan: dict[str, Any]) -> str:
    public = {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}
    groups = [r for r in plan["resources"] if r["type"] == SG_TYPE]
    if groups:
        groups[0]["inputs"].setdefault("ingress", []).append(public)
        return str(groups[0]["urn"])
    # The compute component has not landed yet: the change adds a new, open group.
    stack = plan["stack"]
    urn = f"urn:pulumi:{stack}::{plan['project']}::{SG_TYPE}::debug-sg"
    plan["resources"].append(
        {
            "urn": urn,
            "type": SG_TYPE,
            "name": "debug-sg",
            "custom": True,
            "parent": None,
            "inputs": {"description": "debug", "ingress": [public]},
            "outputs": {},
        }
    )
    return urn


def _review(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
    b, h = tmp_path / "base.json", tmp_path / "head.json"
    b.write_text(json.dumps(base), encoding="utf-8")
    h.write_text(json.dumps(head), encoding="utf-8")
    js, md = tmp_path / "r.json", tmp_path / "r.md"
    code = main([str(b), str(h), "--json", str(js), "--output", str(md)])
    return code, json.loads(js.read_text(encoding="utf-8")), md.read_text(encoding="utf-8")


def test_real_dev_plan_widened_and_opened_ranks_both_first_as_high(tmp_path: Path, dev_plan: dict[str, Any]) -> None:
    head = copy.deepcopy(dev_plan)
    policy_urn = _widen_role_policy(head)
    sg_urn = _open_security_group(head)
    code, doc, _ = _review(tmp_path, dev_plan, head)
    assert code == 1
    top = doc["risk"][:2]
    assert {f["urn"] for f in top} == {policy_urn, sg_urn}
    assert [f["severity"] for f in top] == ["high", "high"]
    assert all(f["severity"] not in ("critical", "high") for f in doc["risk"][2:])


def test_identical_real_plans_have_nothing_to_review(tmp_path: Path, dev_plan: dict[str, Any]) -> None:
    code, doc, md = _review(tmp_path, dev_plan, copy.deepcopy(dev_plan))
    assert code == 0
    assert doc["risk"] == doc["reduced"] == doc["neutral"] == []
    assert "nothing to review" in md


def test_real_dev_against_prod_is_readable(tmp_path: Path, dev_plan: dict[str, Any], prod_plan: dict[str, Any]) -> None:
    # Different stacks have different URNs: everything is a create or a delete, and nothing crashes.
    code, doc, md = _review(tmp_path, dev_plan, prod_plan)
    assert code in (0, 1)
    assert len(md) <= 60_000 and doc["summary"]["risk"] + doc["summary"]["neutral"] + doc["summary"]["reduced"] > 0
