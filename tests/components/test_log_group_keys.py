"""A logs-admitting key's policy is derived from the log groups created on it (review N4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

HARNESS = Path(__file__).with_name("key_harness.py")


def test_key_admits_exactly_the_log_groups_created_on_it() -> None:
    run = subprocess.run(
        [sys.executable, str(HARNESS)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(run.stdout.splitlines()[-1])
    (policy,) = result["policies"]
    logs = [
        s for s in json.loads(policy)["Statement"] if s["Principal"].get("Service") == "logs.eu-west-1.amazonaws.com"
    ]
    assert len(logs) == 1
    assert logs[0]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] == [
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/a",
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/new-function",
    ]
    (error,) = result["errors"]
    assert "already sealed" in error and "late" in error
