"""The console script: a command's status is the process's, output cut short by its reader ends
quietly, and a command that declares SKIP_TEARDOWN leaves with its output flushed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


FAKE_COMMAND = """
import sys
from infra import cli

class Command:
    SKIP_TEARDOWN = {skip}

    @staticmethod
    def configure_parser(parser):
        return None

    @staticmethod
    def run(args):
        sys.stdout.write("x" * 200_000 + "\\nend\\n")  # more than a pipe holds: flushed before leaving
        return 3

sys.modules["fake_command"] = Command
cli.COMMANDS = (("fake", "fake_command", "a test command"),)
sys.argv = ["genai-platform", "fake"]
cli.console()
"""


def test_skip_teardown_leaves_with_the_status_and_all_output() -> None:
    for skip in (True, False):
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(FAKE_COMMAND.format(skip=skip))],
            cwd=ROOT,
            env=ENV,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 3, done.stderr
        assert done.stdout.endswith("\nend\n") and len(done.stdout) == 200_005


def test_a_closed_reader_ends_the_command_without_a_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(FAKE_COMMAND.format(skip=True))],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `| head` does: every write to stdout now fails with EPIPE
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert stderr == ""
