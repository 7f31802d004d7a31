"""prod retains what its data depends on: every CMK, secret and image repository, and the audit log
groups, are protected and retained on delete; dev keeps none of them (it is torn down freely)."""

from __future__ import annotations

import pytest

from tests.conftest import Plan, Resource, resources

RETAINED = ("aws:kms/key:Key", "aws:secretsmanager/secret:Secret", "aws:ecr/repository:Repository")
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def audit_log_groups(plan: Plan) -> list[Resource]:
    env = plan["stack"]
    names = {f"/genai/{env}/cloudtrail", f"/aws/eks/genai-{env}-cluster/cluster", f"/aws/vpc/genai-{env}/flow-logs"}
    found = [r for r in resources(plan, LOG_GROUP) if r["inputs"]["name"] in names]
    assert len(found) == len(names)
    return found


@pytest.mark.parametrize("type_", RETAINED)
def test_prod_protects_and_retains(prod_plan: Plan, type_: str) -> None:
    found = resources(prod_plan, type_)
    assert found
    for resource in found:
        assert (resource["protect"], resource["retainOnDelete"]) == (True, True), resource["name"]


def test_prod_protects_and_retains_the_audit_log_groups(prod_plan: Plan) -> None:
    for group in audit_log_groups(prod_plan):
        assert (group["protect"], group["retainOnDelete"]) == (True, True), group["name"]


def test_prod_does_not_protect_the_rest(prod_plan: Plan) -> None:
    """Function log groups, roles and the like are replaceable: protecting them would only block changes."""
    audit = {g["urn"] for g in audit_log_groups(prod_plan)}
    for resource in prod_plan["resources"]:
        if resource["type"] in (*RETAINED, "aws:s3/bucket:Bucket") or resource["urn"] in audit:
            continue
        if resource["protect"]:
            assert resource["type"].startswith("aws:s3/"), resource["name"]


def test_dev_protects_nothing(dev_plan: Plan) -> None:
    assert [r["name"] for r in dev_plan["resources"] if r["protect"] or r["retainOnDelete"]] == []
