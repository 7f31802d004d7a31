"""All contract checks on every stage of dev and prod: the violations are exactly the known defects.

Fixing a defect elsewhere removes its violation, so its entry in known_defects.json must go too; a new
violation fails until it is fixed or entered with the issue item that will fix it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.contracts.checks import CHECKS, run_checks
from infra.contracts.model import Deployment

LEDGER = Path(__file__).with_name("known_defects.json")


def _ledger() -> list[dict[str, str]]:
    entries: list[dict[str, str]] = json.loads(LEDGER.read_text(encoding="utf-8"))["violations"]
    return entries


def test_ledger_entries_are_complete_and_unique() -> None:
    keys = [(e["stack"], e["check"], e["stage"], e["resource"]) for e in _ledger()]
    assert len(keys) == len(set(keys))
    known = {c.id for c in CHECKS}
    for e in _ledger():
        assert e["check"] in known, e
        assert e["fixedBy"].strip(), e


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_violations_equal_the_ledger(deployments: dict[str, Deployment], stack: str) -> None:
    found = {(v.check, v.stage, v.resource): v.message for v in run_checks(deployments[stack])}
    expected = {(e["check"], e["stage"], e["resource"]) for e in _ledger() if e["stack"] == stack}
    new = sorted(set(found) - expected)
    fixed = sorted(expected - set(found))
    assert not new, (
        "new contract violations (fix them, or add them to known_defects.json with the issue item):\n"
        + "\n".join(f"  {k}: {found[k]}" for k in new)
    )
    assert not fixed, "fixed (remove these entries from known_defects.json):\n" + "\n".join(f"  {k}" for k in fixed)


def test_intents_that_hold_today_pass(deployments: dict[str, Deployment]) -> None:
    """The intents met today stay met (the evaluator grants what the plan really grants)."""
    from infra.contracts.checks import check_intents

    failing = {v.resource for v in check_intents(deployments["dev"])}
    for intent in (
        "filter-reads-secrets",
        "response-snapshots-node-volumes",
        "rotation-rotates-secrets",
        "system-nodes-pull-inference",
        "serve-reads-models",
        "events-publish-alerts",
        "apigateway-invokes-filter",
        "secretsmanager-invokes-rotation",
        "cloudtrail-delivers-to-log-group",
        "auditor-assumes-audit-reader",
    ):
        assert intent not in failing


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_integrity_intents_hold(deployments: dict[str, Deployment], stack: str) -> None:
    """Issue 17: the scan pipeline's accesses are allowed and what it forbids is refused, on both stacks."""
    from infra.contracts.checks import check_intents
    from infra.contracts.intents import INTEGRITY_INTENTS

    assert len(INTEGRITY_INTENTS) >= 20
    assert any(i.denied for i in INTEGRITY_INTENTS) and not all(i.denied for i in INTEGRITY_INTENTS)
    assert [v.message for v in check_intents(deployments[stack], INTEGRITY_INTENTS)] == []


def test_the_guard_classifier_has_its_own_least_privilege_identity(deployments: dict[str, Deployment]) -> None:
    """Issue 16 build 3b: dev's classifier pods read their weights and verify them, and nothing of the
    model server's (its weights, the backend secret); prod has no classifier, so no instance."""
    from infra.contracts.checks import _intent_instances, check_intents
    from infra.contracts.intents import GUARD_CLASSIFIER_INTENTS

    dev, prod = deployments["dev"], deployments["prod"]
    assert len(list(_intent_instances(dev, GUARD_CLASSIFIER_INTENTS))) == len(GUARD_CLASSIFIER_INTENTS)
    assert [v.message for v in check_intents(dev, GUARD_CLASSIFIER_INTENTS)] == []
    assert list(_intent_instances(prod, GUARD_CLASSIFIER_INTENTS)) == []
