"""Invoke results derived from the provider's result classes (infra/preview/invokes.py)."""

from __future__ import annotations

import importlib
import typing
from pathlib import Path

import pytest

from infra.preview.invokes import generic_result, result_class

MODULES = ["ec2", "route53", "iam", "ecr", "rds", "lambda_", "s3", "secretsmanager", "ssm", "kms", "eks", "acm"]


def _invokes(module: str) -> list[str]:
    """The invoke tokens of a pulumi_aws module, from its `get_*.py` files."""
    folder = Path(importlib.import_module(f"pulumi_aws.{module}").__file__ or "").parent
    tokens = []
    for file in sorted(folder.glob("get_*.py")):
        first, *rest = file.stem.split("_")
        camel = first + "".join(word.title() for word in rest)
        tokens.append(f"aws:{module.rstrip('_')}/{camel}:{camel}")
    return tokens


@pytest.mark.parametrize("module", MODULES)
def test_every_required_field_of_every_invoke_is_filled(module: str) -> None:
    tokens = _invokes(module)
    assert tokens
    for token in tokens:
        cls = result_class(token)
        if cls is None:  # a result class whose function name does not follow the token (rare)
            continue
        result = generic_result(token, {}, "eu-west-1")
        for attr, prop in vars(cls).items():
            if not isinstance(prop, property) or prop.fget is None:
                continue
            hint = typing.get_type_hints(prop.fget)["return"]
            optional = typing.get_origin(hint) is typing.Union and type(None) in typing.get_args(hint)
            assert optional or getattr(prop.fget, "_pulumi_name", attr) in result, (token, attr)


def test_values_follow_the_field_names() -> None:
    vpc = generic_result("aws:ec2/getVpc:getVpc", {}, "eu-west-1")
    assert vpc["id"].startswith("vpc-") and vpc["cidrBlock"].endswith("/16") and vpc["ownerId"] == "123456789012"
    subnets = generic_result("aws:ec2/getSubnets:getSubnets", {}, "eu-west-1")
    assert len(set(subnets["ids"])) == 3 and all(i.startswith("subnet-") for i in subnets["ids"])
    zone = generic_result("aws:route53/getZone:getZone", {"name": "example.com"}, "eu-west-1")
    assert zone["zoneId"].startswith("Z") and zone["name"] == "example.com" and zone["arn"].startswith("arn:aws:")
    assert generic_result("aws:ec2/getVpc:getVpc", {}, "eu-west-1") == vpc  # the same on every call
    assert generic_result("nosuch:mod/getX:getX", {}, "eu-west-1") == {}


def test_zone_ids_follow_the_region() -> None:
    import pulumi

    from infra.preview.mocks import PlatformMocks

    for region, prefix in (("us-east-1", "use1"), ("eu-west-1", "euw1"), ("ap-southeast-2", "apse2")):
        call = pulumi.runtime.MockCallArgs("aws:index/getAvailabilityZones:getAvailabilityZones", {}, "")
        result, _ = PlatformMocks(region).call(call)
        assert result["zoneIds"][0] == f"{prefix}-az1" and result["names"][0] == f"{region}a"
