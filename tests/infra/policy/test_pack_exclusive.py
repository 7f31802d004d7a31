"""One pack serves several forked stage children (the preview command): their evaluations take turns,
since the pack's configuration is process-wide. Without the turn, a stage could be judged with
another stage's config (seen once on dev: the cluster config's missing exemption on the platform)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.policy import PackProcess, evaluate_plan
from tests.policies.fixtures import resource

ROOT = Path(__file__).resolve().parents[3]
RULE = "aws-lambda-function-reserved-concurrency"
FUNCTIONS = 150


def plan() -> dict[str, Any]:
    functions = [
        resource(
            "aws:lambda/function:Function",
            f"fn-{i}",
            {"runtime": "python3.12", "handler": "app.handler", "role": "arn:aws:iam::123456789012:role/r"},
        )
        for i in range(FUNCTIONS)
    ]
    return {"project": "demo", "stack": "test", "config": {}, "resources": functions}


def count_in_child(pack: PackProcess, config: dict[str, Any]) -> tuple[int, int]:
    """Fork a child that evaluates the plan with `config`; return (pid, read end of its answer)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(read_end)
            section = evaluate_plan(plan(), pack.pack_dir, policy_config=config, pack=pack)  # as the command
            found = sum(1 for v in section["violations"] if v["policy"] == RULE)
            os.write(write_end, json.dumps(found).encode())
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def answer(pid: int, read_end: int) -> int:
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    found: int = json.loads(data)
    return found


@pytest.fixture
def pack() -> Iterator[PackProcess]:
    started = PackProcess(ROOT / "policies", env={"PULUMI_STACK": "test"})
    try:
        started.wait_port()  # as the command does: the children connect, this process never does
        yield started
    finally:
        started.close()


def test_stage_children_on_one_pack_each_get_their_own_config(pack: PackProcess) -> None:
    off = {RULE: {"enforcementLevel": "disabled"}}
    for _ in range(3):
        children = [count_in_child(pack, off), count_in_child(pack, {}), count_in_child(pack, off)]
        assert [answer(*c) for c in children] == [0, FUNCTIONS, 0]
