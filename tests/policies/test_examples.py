"""Every rule's examples: secure ones pass the rule, insecure ones make it fire, through the pack."""

from __future__ import annotations

import pytest

from tests.policies.conftest import Evaluate
from tests.policies.examples import plan_of, registry, samples

pytestmark = pytest.mark.slow

SAMPLES = samples()


@pytest.fixture(scope="module")
def fired(evaluate: Evaluate) -> set[tuple[str, str]]:
    return {(v["policy"], v["urn"]) for v in evaluate(plan_of(SAMPLES))}


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s.rule}:{s.what}" for s in SAMPLES])
def test_example(fired: set[tuple[str, str]], sample: object) -> None:
    rule, secure, _, resource = sample  # type: ignore[misc]
    if secure:
        assert (rule, resource["urn"]) not in fired, f"{rule} fires on its secure example {resource['inputs']}"
    else:
        assert (rule, resource["urn"]) in fired, f"{rule} misses its insecure example {resource['inputs']}"


def test_every_resource_rule_without_a_case_has_both_kinds_of_example() -> None:
    from tests.policies.cases import CASES

    with_cases = {c.rule for c in CASES}
    lacking = []
    for name, entry in registry().items():
        if name in with_cases or entry.kind != "resource":
            continue
        kinds = {e.secure for e in entry.meta.examples}
        if kinds != {True, False} and not (kinds == {False} and name == "aws-iam-user-no-access-keys"):
            lacking.append(name)
    assert not lacking, f"resource rules without a case or secure+insecure examples: {lacking}"
