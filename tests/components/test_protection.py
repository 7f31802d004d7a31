"""prod retains what its data depends on: every CMK, secret, image repository and log group is protected
and retained on delete; dev keeps none of them (it is torn down freely)."""

from __future__ import annotations

import pytest

from tests.conftest import Plan

RETAINED = (
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:ecr/repository:Repository",
    "aws:cloudwatch/logGroup:LogGroup",
)


@pytest.mark.parametrize("type_", RETAINED)
def test_prod_protects_and_retains(prod_plan: Plan, type_: str) -> None:
    found = [r for r in prod_plan["resources"] if r["type"] == type_]
    assert found
    for resource in found:
        assert (resource["protect"], resource["retainOnDelete"]) == (True, True), resource["name"]


def test_prod_does_not_protect_the_rest(prod_plan: Plan) -> None:
    """Roles, functions and the like are replaceable: protecting them would only block changes."""
    for resource in prod_plan["resources"]:
        if resource["type"] in (*RETAINED, "aws:s3/bucket:Bucket"):
            continue
        if resource["protect"]:
            # Buckets keep data, and the lineage table is the record of what entered them.
            lineage = resource["type"] == "aws:dynamodb/table:Table" and resource["name"].endswith("-lineage")
            assert resource["type"].startswith("aws:s3/") or lineage, resource["name"]


def test_dev_protects_nothing(dev_plan: Plan) -> None:
    assert [r["name"] for r in dev_plan["resources"] if r["protect"] or r["retainOnDelete"]] == []
