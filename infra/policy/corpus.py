"""The policy pack on the corpus of other teams' programs (tests/corpus): findings and recall.

A finding is a (rule, resource name) pair from a plan's policy section. A reviewer's problem
(tests/corpus/reviewer_findings.json) is caught when a finding on its resource (names or globs)
comes from one of the rules it names or from a rule deciding one of its FSBP controls.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
PROGRAMS = CORPUS / "programs"
EXPECTED = CORPUS / "expected_findings.json"
REVIEWER = CORPUS / "reviewer_findings.json"

Finding = tuple[str, str]  # (rule, resource name)


def findings(plan: Mapping[str, Any]) -> list[Finding]:
    """The plan's policy findings, sorted and without repeats."""
    section = plan.get("policy") or {}
    return sorted({(str(v["policy"]), str(v.get("name") or "")) for v in section.get("violations", [])})


def preview(name: str, out: Path, *, profile: str = "baseline") -> tuple[int, str, str]:
    """Preview one corpus program with the pack, writing its plan to ``out``."""
    command = [sys.executable, "-m", "infra.cli", "preview", "--program", str(PROGRAMS / name), "--stack", "dev"]
    done = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [*command, "--profile", profile, "--quiet", "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def run_corpus(names: Sequence[str], workdir: Path, *, jobs: int = 2) -> dict[str, dict[str, Any]]:
    """Each program's plan with its policy section (baseline profile); a program that fails to run raises."""

    def one(name: str) -> tuple[str, dict[str, Any]]:
        out = workdir / f"{name}.json"
        code, _, stderr = preview(name, out)
        if code not in (0, 1):
            raise RuntimeError(f"{name}: preview exited {code}: {stderr.strip()[-500:]}")
        plan: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return name, plan

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(pool.map(one, names))


@dataclass(frozen=True)
class Recall:
    caught: int
    total: int
    missed: tuple[str, ...]  # "program: resource: problem"

    @property
    def ratio(self) -> float:
        return self.caught / self.total if self.total else 1.0

    def text(self) -> str:
        return f"{self.caught}/{self.total} = {self.ratio:.0%}"


def _rule_controls() -> dict[str, frozenset[str]]:
    from policies.rules._controls import RULE_FSBP

    return {rule: frozenset(controls) for rule, controls in RULE_FSBP.items()}


def is_caught(problem: Mapping[str, Any], found: Iterable[Finding], controls: Mapping[str, frozenset[str]]) -> bool:
    rules = set(problem.get("rules", ()))
    wanted = set(problem.get("controls", ()))
    names = problem["resource"] if isinstance(problem["resource"], list) else [problem["resource"]]
    for rule, resource in found:
        on = any(fnmatchcase(resource, str(n)) for n in names)
        if on and (rule in rules or controls.get(rule, frozenset()) & wanted):
            return True
    return False


def recall(
    reviewer: Mapping[str, Sequence[Mapping[str, Any]]], found: Mapping[str, Sequence[Finding]], programs: Iterable[str]
) -> Recall:
    controls = _rule_controls()
    caught, total, missed = 0, 0, []
    for name in sorted(programs):
        for problem in reviewer.get(name, ()):
            total += 1
            if is_caught(problem, found.get(name, ()), controls):
                caught += 1
            else:
                missed.append(f"{name}: {problem['resource']}: {problem['problem']}")
    return Recall(caught, total, tuple(missed))


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def report(found: Mapping[str, Sequence[Finding]]) -> str:
    """Recall overall, on the tuning programs and on the held-out ones, and what was missed."""
    doc = load(REVIEWER)
    reviewer, held_out = doc["programs"], set(doc["held_out"])
    tuning = [p for p in found if p not in held_out]
    lines = []
    for label, names in (("all", list(found)), ("tuning", tuning), ("held-out", sorted(held_out & set(found)))):
        lines.append(f"recall {label}: {recall(reviewer, found, names).text()}")
    lines += [f"  missed: {m}" for m in recall(reviewer, found, found).missed]
    return "\n".join(lines) + "\n"


def runnable() -> list[str]:
    """Every corpus program but those that import a provider package the preview does not have."""
    skip = set(load(REVIEWER)["not_runnable"])
    return sorted(p.name for p in PROGRAMS.iterdir() if p.is_dir() and p.name not in skip)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m infra.policy.corpus [--write-expected]`: run the corpus and print recall."""
    import tempfile

    args = list(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory() as tmp:
        found = {name: findings(plan) for name, plan in run_corpus(runnable(), Path(tmp)).items()}
    print(report(found), end="")
    if "--write-expected" in args:
        expected = load(EXPECTED)
        for name, items in found.items():
            expected[name] = [{"rule": rule, "resource": resource} for rule, resource in items]
        EXPECTED.write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {EXPECTED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
