"""Mutation testing: every security-relevant change to the real dev/prod plans must be caught.

A mutant is killed when the rule its row targets (``Row.rule``) reports a mandatory violation that
the unchanged plan does not have. Rows whose resource type is missing from a stack fail the test (they are never skipped)."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from infra.policy import PackProcess, run_pack
from tests.policies.conftest import PACK_DIR, STACKS, TODAY
from tests.policies.mutations import DROP, ROWS, Plan, Row

pytestmark = pytest.mark.slow

MIN_MUTANTS = 100
WORKERS = 2


class Mutant(NamedTuple):
    stack: str
    row: Row
    urn: str
    plan: Plan
    changed: set[str]


def _mutants_for(stack: str, plan: Plan, row: Row) -> list[Mutant]:
    mutants: list[Mutant] = []
    for index, resource in enumerate(plan["resources"]):
        if resource["type"] != row.type or (row.when is not None and not row.when(resource, plan)):
            continue
        mutant = copy.deepcopy(plan)
        target = mutant["resources"][index]
        if row.op == DROP:
            del mutant["resources"][index]
            changed: set[str] = set()
        else:
            assert callable(row.op)
            row.op(target, mutant)
            if target == resource:
                continue  # equivalent mutant: nothing changed for this resource
            changed = {target["urn"]}
            if target["type"].startswith("pulumi:providers:"):
                changed = {r["urn"] for r in mutant["resources"]}
        mutants.append(Mutant(stack, row, resource["urn"], mutant, changed))
        if not row.every:
            break
    return mutants


def _killed(pack: PackProcess, mutant: Mutant, config: dict[str, Any], baseline: set[tuple[str, str]]) -> bool:
    """Resource policies on the changed resources first (fast); a new mandatory violation there is a
    kill. Otherwise the stack policies decide. Skipping them can only miss kills, never invent one."""
    for stack_too in (False, True):
        if stack_too is False and not mutant.changed:
            continue
        section = run_pack(pack, mutant.plan, config, analyze_only=mutant.changed, analyze_stack=stack_too)
        found = {(v["policy"], v["urn"]) for v in section["violations"] if v["enforcementLevel"] == "mandatory"}
        # Killed only by the rule the row targets: another rule firing is a coincidence, not a kill.
        if any(policy == mutant.row.rule for policy, _ in found - baseline):
            return True
    return False


def test_every_mutant_is_killed(
    deployment_plans: dict[str, Plan], deployment_config: dict[str, Any], pack: PackProcess
) -> None:
    missing = sorted(
        {
            f"{stack}: {row.type}"
            for stack in STACKS
            for row in ROWS
            if not any(r["type"] == row.type for r in deployment_plans[stack]["resources"])
        }
    )
    names = {p.name for p in pack.info().policies}
    untargeted = [f"{row.type}: {row.what} -> {row.rule!r}" for row in ROWS if row.rule not in names]
    assert not untargeted, f"rows whose target rule is not a pack rule: {untargeted}"
    mutants: list[Mutant] = []
    rows_without_mutant: list[str] = []
    for row in ROWS:
        produced = [m for stack in STACKS for m in _mutants_for(stack, deployment_plans[stack], row)]
        if not produced:
            rows_without_mutant.append(f"{row.type}: {row.what}")
        mutants.extend(produced)

    baselines = {}
    for stack in STACKS:
        section = run_pack(pack, deployment_plans[stack], deployment_config)
        baselines[stack] = {
            (v["policy"], v["urn"]) for v in section["violations"] if v["enforcementLevel"] == "mandatory"
        }

    packs = [pack] + [PackProcess(PACK_DIR, env={"GENAI_POLICY_TODAY": TODAY}) for _ in range(WORKERS - 1)]
    try:
        for extra in packs[1:]:
            extra.start()

        def run(i: int) -> list[bool]:
            own = packs[i]
            return [_killed(own, m, deployment_config, baselines[m.stack]) for m in mutants[i::WORKERS]]

        with ThreadPoolExecutor(WORKERS) as pool:
            chunks = list(pool.map(run, range(WORKERS)))
    finally:
        for extra in packs[1:]:
            extra.close()
    killed = [False] * len(mutants)
    for i, chunk in enumerate(chunks):
        killed[i::WORKERS] = chunk

    survivors = [
        f"{m.stack}: {m.row.type} — {m.row.what} ({m.urn.rsplit('::', 1)[-1]})"
        for m, k in zip(mutants, killed, strict=True)
        if not k
    ]
    ratio = sum(killed) / len(mutants) if mutants else 0.0
    report = Path(__file__).resolve().parents[2] / ".pytest_cache" / "policy-mutation-report.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        f"mutants: {len(mutants)}\nkilled: {sum(killed)}\nratio: {ratio:.4f}\n"
        + "".join(f"survivor: {s}\n" for s in survivors),
        encoding="utf-8",
    )
    print(f"\nmutation testing: {sum(killed)}/{len(mutants)} killed ({ratio:.1%}) across {len(ROWS)} rows")

    assert not missing, f"resource types missing from the platform plans: {missing}"
    assert not rows_without_mutant, f"rows that produced no mutant: {rows_without_mutant}"
    assert len(mutants) >= MIN_MUTANTS
    assert not survivors, f"surviving mutants ({ratio:.1%} killed): {survivors}"
