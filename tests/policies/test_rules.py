"""Every rule: the compliant stack passes it, and one changed field makes exactly that rule fire."""

from __future__ import annotations

import pytest

from tests.policies.cases import CASES, Case
from tests.policies.conftest import Evaluate
from tests.policies.fixtures import compliant_plan, find, with_change

pytestmark = pytest.mark.slow


def test_compliant_stack_has_no_violations(evaluate: Evaluate) -> None:
    violations = evaluate(compliant_plan())
    assert [(v["policy"], v["urn"], v["message"]) for v in violations] == []


def test_every_rule_has_a_case_or_examples(policy_names: list[str]) -> None:
    from tests.policies.examples import registry

    with_examples = {name for name, entry in registry().items() if entry.meta.examples}
    stack_rules = {name for name, entry in registry().items() if entry.kind == "stack"}
    covered = {c.rule for c in CASES} | with_examples
    assert {c.rule for c in CASES} <= set(policy_names)
    assert sorted(set(policy_names) - covered) == [], "rules without a case or examples"
    assert stack_rules <= {c.rule for c in CASES}, "stack rules need a case"


@pytest.mark.parametrize("rule", sorted({c.rule for c in CASES}))
def test_compliant_case(evaluate: Evaluate, rule: str) -> None:
    assert [v for v in evaluate(compliant_plan()) if v["policy"] == rule] == []


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}:{c.what}" for c in CASES])
def test_non_compliant_case(evaluate: Evaluate, case: Case) -> None:
    plan, target = with_change(compliant_plan(), case.mutate)
    if case.on is not None:
        target = find(plan, *case.on)["urn"]
    violations = evaluate(plan)
    assert {v["policy"] for v in violations} == {case.rule} | case.also, [
        (v["policy"], v["message"]) for v in violations
    ]
    fired = [v for v in violations if v["policy"] == case.rule]
    assert target in {v["urn"] for v in fired}
    for v in fired:
        assert v["enforcementLevel"] == "mandatory"
        assert v["remediation"] and v["message"] and v["severity"] in ("low", "medium", "high", "critical")
