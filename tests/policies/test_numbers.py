"""Numbers reach the pack as floats (a protobuf Struct has one number type); rules and their
messages see integral values as ints: ports print as 22, not 22.0."""

from __future__ import annotations

from tests.policies.conftest import Evaluate
from tests.policies.fixtures import STACK_URN, resource

SG = "aws:ec2/securityGroup:SecurityGroup"


def _plan(*resources: dict[str, object]) -> dict[str, object]:
    root = {"urn": STACK_URN, "type": "pulumi:pulumi:Stack", "name": "test", "custom": False, "inputs": {}}
    return {"project": "demo", "stack": "test", "resources": [root, *resources]}


def test_ports_print_as_ints_in_messages(evaluate: Evaluate) -> None:
    ingress = [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]
    violations = evaluate(_plan(resource(SG, "ssh", {"ingress": ingress})))
    messages = [v["message"] for v in violations if v["policy"] == "aws-ec2-security-group-no-public-ingress"]
    assert messages, violations
    assert all("22" in m and "22.0" not in m for m in messages), messages


def test_fractional_numbers_stay_fractional() -> None:
    from google.protobuf import struct_pb2

    from policies.rules._dispatch import _props

    struct = struct_pb2.Struct()
    struct.update({"port": 443.0, "rate": 0.5, "list": [1.0, 2.5], "nested": {"n": 7.0}})
    props = _props(struct)
    assert props["port"] == 443 and isinstance(props["port"], int)
    assert props["rate"] == 0.5 and isinstance(props["rate"], float)
    assert [type(v) for v in props["list"]] == [int, float]
    assert isinstance(props["nested"]["n"], int)


def test_baseline_authorized_ports_allow_http_and_https_only(evaluate: Evaluate) -> None:
    def open_on(port: int, config: dict[str, object] | None = None) -> bool:
        ingress = [{"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": ["0.0.0.0/0"]}]
        found = evaluate(_plan(resource(SG, "web", {"ingress": ingress})), config)
        return any(v["policy"] == "aws-ec2-security-group-no-public-ingress" for v in found)

    baseline = {"aws-ec2-security-group-no-public-ingress": {"authorizedPorts": [80, 443]}}
    assert open_on(80) and open_on(443)  # the platform's default: none authorized
    assert not open_on(80, baseline) and not open_on(443, baseline)
    assert open_on(22, baseline) and open_on(3306, baseline)
