"""Other teams' programs under the offline preview: paths, config, invokes, imports, numbers."""

from __future__ import annotations

import json
from pathlib import Path

from tests.infra.test_preview import cli, make_program


def _plan(tmp_path: Path, *args: str, cwd: Path | None = None) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    out = tmp_path / "plan.json"
    done = cli("preview", *args, "--no-policy", "--json", str(out), **({"cwd": cwd} if cwd else {}))
    plan = json.loads(out.read_text()) if out.exists() else {}
    return done.returncode, done.stderr, plan


def test_a_relative_program_path_works(tmp_path: Path) -> None:
    (tmp_path / "prog").mkdir()
    make_program(tmp_path / "prog", "import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    code, err, plan = _plan(tmp_path, "--program", "prog", cwd=tmp_path)
    assert code == 0, err
    assert plan["summary"]["resources"] == 1
