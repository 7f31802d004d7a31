"""The corpus of other teams' programs (tests/corpus): each previews offline, the same way twice, and
the pack finds on it exactly what tests/corpus/expected_findings.json records, with a floor on recall
against a reviewer's list of significant problems (tests/corpus/reviewer_findings.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.policy.corpus import EXPECTED, REVIEWER, findings, load, recall, report, run_corpus
from tests.conftest import ROOT
from tests.infra.test_preview import cli

CORPUS = ROOT / "tests" / "corpus" / "programs"
PROGRAMS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
# Programs that import a provider package not installed beside the preview: kept verbatim.
NEEDS_PACKAGE = {
    "aws-py-ansible-wordpress": "pulumi_command",
    "aws-py-ec2-provisioners": "pulumi_command",
    "aws-py-dynamicresource": "pulumi_mysql",
    "aws-py-django-voting-app": "pulumi_mysql",
    "aws-py-hub-and-spoke-network": "pulumi_awsx",
}
RUNNABLE = [p for p in PROGRAMS if p not in NEEDS_PACKAGE]
# Hardened programs written for the corpus: a secure configuration gets no finding at all.
SECURE = [p for p in PROGRAMS if p.startswith("secure-py-")]
RECALL_FLOOR = 0.90


def test_the_corpus_is_at_least_twenty_runnable_programs_with_attribution() -> None:
    assert len(set(PROGRAMS) - set(NEEDS_PACKAGE) - set(SECURE)) >= 20
    assert set(NEEDS_PACKAGE) <= set(PROGRAMS) and len(SECURE) >= 2
    for name in PROGRAMS:
        readme = (CORPUS / name / "README.md").read_text()
        if name in SECURE:
            assert "Written for this corpus" in readme, name
        else:
            assert "pulumi/examples" in readme and "Apache License 2.0" in readme, name
    assert set(load(EXPECTED)) == set(PROGRAMS)
    assert set(load(REVIEWER)["not_runnable"]) == set(NEEDS_PACKAGE)


@pytest.fixture(scope="module")
def corpus_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every runnable program previewed once with the pack (baseline profile)."""
    return run_corpus(RUNNABLE, tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("name", RUNNABLE)
def test_each_program_finds_exactly_what_is_expected(name: str, corpus_plans: dict[str, dict[str, Any]]) -> None:
    expected = sorted((f["rule"], f["resource"]) for f in load(EXPECTED)[name])
    assert findings(corpus_plans[name]) == expected


@pytest.mark.parametrize("name", SECURE)
def test_a_secure_program_gets_no_finding(name: str, corpus_plans: dict[str, dict[str, Any]]) -> None:
    assert corpus_plans[name]["policy"]["violations"] == []


def test_recall_on_the_reviewers_problems(corpus_plans: dict[str, dict[str, Any]]) -> None:
    found = {name: findings(plan) for name, plan in corpus_plans.items()}
    print(report(found))
    reviewer = load(REVIEWER)
    measured = recall(reviewer["programs"], found, found)
    assert measured.ratio >= RECALL_FLOOR, measured.missed
    assert measured.total >= 100  # the denominator is the whole list, not a convenient part of it


def _preview(name: str, out: Path) -> tuple[int, str, str]:
    done = cli("preview", "--program", str(CORPUS / name), "--stack", "dev", "--no-policy", "--json", str(out))
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("name", RUNNABLE)
def test_each_program_previews_the_same_twice(name: str, tmp_path: Path) -> None:
    code, stdout, stderr = _preview(name, tmp_path / "a.json")
    assert code == 0, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    again = _preview(name, tmp_path / "b.json")
    assert again == (code, stdout.replace("a.json", "b.json"), stderr)
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    assert json.loads((tmp_path / "a.json").read_text())["stack"] == "dev"


@pytest.mark.parametrize("name", sorted(NEEDS_PACKAGE))
def test_a_program_missing_a_package_says_which_and_how_to_add_it(name: str, tmp_path: Path) -> None:
    code, _, stderr = _preview(name, tmp_path / "plan.json")
    assert code == 2 and "Traceback" not in stderr
    assert f"imports '{NEEDS_PACKAGE[name]}'" in stderr and "pip install" in stderr
