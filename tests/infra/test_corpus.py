"""The corpus of other teams' programs (tests/corpus): each previews offline, the same way twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def test_the_corpus_is_at_least_twenty_runnable_programs_with_attribution() -> None:
    assert len(set(PROGRAMS) - set(NEEDS_PACKAGE)) >= 20
    assert set(NEEDS_PACKAGE) <= set(PROGRAMS)
    for name in PROGRAMS:
        readme = (CORPUS / name / "README.md").read_text()
        assert "pulumi/examples" in readme and "Apache License 2.0" in readme, name
    assert set(json.loads((CORPUS.parent / "expected_findings.json").read_text())) == set(PROGRAMS)


def _preview(name: str, out: Path) -> tuple[int, str, str]:
    done = cli("preview", "--program", str(CORPUS / name), "--stack", "dev", "--no-policy", "--json", str(out))
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("name", [p for p in PROGRAMS if p not in NEEDS_PACKAGE])
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
