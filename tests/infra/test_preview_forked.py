"""Stages previewed in forked children (one program run per process, providers imported once) give
the same plans and the same one-line errors as a fresh interpreter per stage."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from infra.preview.engine import ForkedPreview, PreviewError, preview_forked, preview_in_subprocess
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

    class FakeChild:
        def __init__(self, *args: object, **kwargs: object) -> None:
            calls.append("fork")

        def plan(self) -> dict[str, object]:
            return {"resources": []}

        def follow_up(self) -> None:
            return None

        def kill(self) -> None:
            return None

    monkeypatch.setattr(stages, "preload_stage_modules", lambda: calls.append("preload"))
    monkeypatch.setattr(stages, "_preload_once", stages._preload_once.__wrapped__)  # not cached across tests
    monkeypatch.setattr(stages, "ForkedPreview", FakeChild)
    monkeypatch.setattr(stages, "preview_in_subprocess", lambda *a, **k: calls.append("spawn") or {"resources": []})
    stages.preview_stages("dev", ["account"])
    assert calls == ["spawn"]
    calls.clear()
    stages.preview_stages("dev", ["account"], fork=True)
    assert calls == ["fork"]  # one stage: nothing to share, its child imports what it uses
    calls.clear()
    stages.preview_stages("dev", ["platform"], fork=True)
    assert calls == ["preload", "fork", "fork"]  # with its upstream account stage


# --- the follow-up: each stage's child evaluates its own plan while the next stage runs ---------------


def test_the_plan_arrives_before_the_follow_up_ends(tmp_path: Path) -> None:
    """The parent gets the plan while the child's follow-up still waits: the follow-up blocks on a
    file the parent writes only once it holds the plan."""
    (tmp_path / "p").mkdir()
    program = make_program(tmp_path / "p", PROGRAM)
    go = tmp_path / "go"

    def follow_up(plan: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + 30
        while not go.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the parent never read the plan")
            time.sleep(0.01)
        return {"pid": os.getpid(), "resources": len(plan["resources"])}

    child = ForkedPreview(program, "dev", follow_up=follow_up)
    plan = child.plan()
    go.touch()
    result = child.follow_up()
    assert result == {"pid": result["pid"], "resources": len(plan["resources"])}
    assert result["pid"] != os.getpid()  # it ran in the child


def test_a_failing_follow_up_is_one_clear_line(tmp_path: Path) -> None:
    program = make_program(tmp_path, PROGRAM)

    def follow_up(plan: dict[str, Any]) -> None:
        raise RuntimeError("pack went away")

    child = ForkedPreview(program, "dev", follow_up=follow_up)
    assert child.plan()["resources"]
    with pytest.raises(PreviewError, match=r"^after the preview of dev: RuntimeError: pack went away$"):
        child.follow_up()


def test_a_child_no_longer_wanted_is_killed_and_reaped(tmp_path: Path) -> None:
    program = make_program(tmp_path, PROGRAM)
    child = ForkedPreview(program, "dev", follow_up=lambda plan: time.sleep(60))
    child.plan()
    pid = child._pid
    assert pid is not None
    child.kill()
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_stages_attach_each_follow_up_result(tmp_path: Path) -> None:
    from infra.preview.stages import preview_stages

    seen = preview_stages("dev", ["account"], fork=True, follow_up=lambda stage, plan: [stage.name, plan["stack"]])
    assert [p.follow_up for p in seen] == [["account", seen[0].stack]]
    in_process = preview_stages("dev", ["account"], follow_up=lambda stage, plan: stage.name)
    assert [p.follow_up for p in in_process] == ["account"]


def test_the_cyclic_collector_is_off_while_a_program_runs_and_restored_after() -> None:
    import gc

    from infra.preview.engine import without_cyclic_gc

    assert gc.isenabled()
    with without_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with without_cyclic_gc():
            pass
        assert not gc.isenabled()  # a caller's own choice stays
    finally:
        gc.enable()


def test_a_program_runs_without_the_cyclic_collector(tmp_path: Path) -> None:
    program = make_program(tmp_path, 'import gc\nimport pulumi\npulumi.export("collecting", gc.isenabled())\n')
    for plan in (preview_forked(program, "dev"), preview_in_subprocess(program, "dev")):
        root = next(r for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack")
        assert root["outputs"] == {"collecting": False}


def test_a_pack_failure_in_a_stage_child_is_one_line_and_exit_2(
    dev_stages: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's follow-up returns the pack's error from the child; the report prints it as the
    command does for any pack failure and exits 2."""
    import argparse

    from infra.preview.command import EXIT_ERROR, _report

    args = argparse.Namespace(quiet=True, no_policy=False, json=None)
    plan = dict(dev_stages["account"])
    assert _report(args, plan, evaluated={"error": "policy pack Analyze failed: boom"}, write=False) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "error: policy pack: policy pack Analyze failed: boom"
    assert "policy" not in plan
