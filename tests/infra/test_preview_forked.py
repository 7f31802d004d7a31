"""Stages previewed in forked children (one program run per process, providers imported once) give
the same plans and the same one-line errors as a fresh interpreter per stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.preview.engine import PreviewError, preview_forked, preview_in_subprocess
from tests.infra.test_preview import make_program

PROGRAM = """
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("data", tags={"b": "2", "a": "1"})
aws.s3.BucketVersioning("data-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
pulumi.export("name", bucket.bucket)
"""


def test_a_forked_preview_is_the_subprocess_preview(tmp_path: Path) -> None:
    program = make_program(tmp_path, PROGRAM)
    assert preview_forked(program, "dev") == preview_in_subprocess(program, "dev")


def test_a_forked_preview_passes_stack_outputs_and_runs_twice_cleanly(tmp_path: Path) -> None:
    program = make_program(
        tmp_path,
        """
        import pulumi
        ref = pulumi.StackReference("org/up/dev")
        pulumi.export("seen", ref.get_output("value"))
        """,
    )
    outputs = {"up/dev": {"value": "v1"}}  # keyed "<project>/<stack>", as the stages pass them
    first = preview_forked(program, "dev", stack_outputs=outputs)
    assert preview_forked(program, "dev", stack_outputs=outputs) == first
    root = next(r for r in first["resources"] if r["type"] == "pulumi:pulumi:Stack")
    assert root["outputs"] == {"seen": "v1"}


def test_a_failing_program_is_one_line_from_the_child(tmp_path: Path) -> None:
    program = make_program(tmp_path, "raise ValueError('bad setting')\n")
    with pytest.raises(PreviewError, match=r"bad setting") as err:
        preview_forked(program, "dev")
    assert "\n" not in str(err.value) and "__main__.py" in str(err.value)


def test_the_command_forks_its_stages_and_other_callers_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from infra.preview import stages

    calls: list[str] = []
    monkeypatch.setattr(stages, "preload_stage_modules", lambda: calls.append("preload"))
    monkeypatch.setattr(stages, "preview_forked", lambda *a, **k: calls.append("fork") or {"resources": []})
    monkeypatch.setattr(stages, "preview_in_subprocess", lambda *a, **k: calls.append("spawn") or {"resources": []})
    stages.preview_stages("dev", ["account"])
    assert calls == ["spawn"]
    calls.clear()
    stages.preview_stages("dev", ["account"], fork=True)
    assert calls == ["fork"]  # one stage: nothing to share, its child imports what it uses
    calls.clear()
    stages.preview_stages("dev", ["platform"], fork=True)
    assert calls == ["preload", "fork", "fork"]  # with its upstream account stage
