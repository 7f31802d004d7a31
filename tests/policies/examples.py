"""The examples written beside the rules (``Meta.examples``), as plan resources."""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

from tests.policies.conftest import PACK_DIR


class Sample(NamedTuple):
    rule: str
    secure: bool
    what: str
    resource: dict[str, Any]


def registry() -> dict[str, Any]:
    if str(PACK_DIR) not in sys.path:
        sys.path.insert(0, str(PACK_DIR))
    from rules import all_policies
    from rules._common import REGISTRY

    all_policies()
    return dict(REGISTRY)


def samples() -> list[Sample]:
    out: list[Sample] = []
    for name, entry in sorted(registry().items()):
        for i, example in enumerate(entry.meta.examples):
            rtype = example.type or entry.types[0]
            urn = f"urn:pulumi:test::examples::{rtype}::{name}-{i}"
            resource = {
                "urn": urn,
                "type": rtype,
                "name": f"{name}-{i}",
                "inputs": dict(example.inputs),
                "provider": None,
                "parent": None,
                "dependencies": [],
                "propertyDependencies": {},
            }
            out.append(
                Sample(name, example.secure, example.what or ("secure" if example.secure else "insecure"), resource)
            )
    return out


def plan_of(items: list[Sample]) -> dict[str, Any]:
    stack = {
        "urn": "urn:pulumi:test::examples::pulumi:pulumi:Stack::examples-test",
        "type": "pulumi:pulumi:Stack",
        "name": "examples-test",
        "inputs": {},
    }
    return {"project": "examples", "stack": "test", "config": {}, "resources": [stack, *(s.resource for s in items)]}
