"""`secretsmanager.rotation-finished`: the last rotation of every platform secret finished (against moto)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.audit.api import ApiError, Aws
from infra.audit.checks import FAIL, PASS, Audit, CheckResult, _current_is_bootstrap, is_bootstrap_value, run_audit
from infra.audit.cli import load_settings

sys.path.insert(0, str(Path(__file__).parent))
from audit_account import REGION, unfinished_rotation

SETTINGS = load_settings("dev", None)
CHECK = "secretsmanager.rotation-finished"


def rotation_results(later: timedelta = timedelta()) -> list[CheckResult]:
    at = datetime.now(UTC) + later
    results = run_audit(Aws(REGION, max_attempts=1, sleep=lambda _: None), SETTINGS, ("secrets",), now=lambda: at)
    return [r for r in results if r.check == CHECK]


def sm() -> Any:
    return boto3.client("secretsmanager", region_name=REGION)


def test_a_finished_rotation_passes(account: dict[str, Any]) -> None:
    [result] = rotation_results()
    assert result.status == PASS, result
    assert result.detail.startswith("last rotation finished")


def test_a_rotation_that_never_finished_fails(account: dict[str, Any]) -> None:
    unfinished_rotation(lambda service: boto3.client(service, region_name=REGION), "genai-dev/filter/hmac")
    results = {r.resource: r for r in rotation_results(timedelta(hours=2))}
    bad = results["genai-dev/filter/hmac"]
    assert bad.status == FAIL
    assert "AWSCURRENT is still the bootstrap placeholder (by value)" in bad.detail
    assert "AWSPENDING version" in bad.detail and "dangling" in bad.detail
    assert "never rotated" in bad.detail
    assert "rotate-immediately" not in bad.detail  # the value is compared, never reported
    assert results["genai-dev/backend-token"].status == PASS


def test_a_dangling_pending_version_fails_once_the_rotation_had_time(account: dict[str, Any]) -> None:
    sm().put_secret_value(SecretId=account["secret"], SecretString='{"key": "half-done"}', VersionStages=["AWSPENDING"])
    [running] = rotation_results()
    assert running.status == PASS  # a rotation in progress
    [stuck] = rotation_results(timedelta(hours=2))
    assert stuck.status == FAIL and "dangling" in stuck.detail and "bootstrap" not in stuck.detail


def test_a_rotation_older_than_the_schedule_fails(account: dict[str, Any]) -> None:
    [fresh] = rotation_results(timedelta(days=30))
    assert fresh.status == PASS  # within 30 days plus the rotation window
    [overdue] = rotation_results(timedelta(days=32))
    assert overdue.status == FAIL and "more than 30 days ago" in overdue.detail


def test_the_components_bootstrap_value_is_recognised() -> None:
    from components.secrets import BOOTSTRAP_VALUE

    assert is_bootstrap_value(BOOTSTRAP_VALUE)
    assert not is_bootstrap_value('{"key": "0123456789abcdef0123456789abcdef"}')
    assert not is_bootstrap_value("not json")


class NoValues:
    """An audit principal that may describe secrets but not read them: the history decides."""

    def __init__(self, versions: list[dict[str, Any]]) -> None:
        self.versions = versions

    def call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        raise ApiError("access-denied", "AccessDeniedException", "")


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        ([["AWSCURRENT"]], True),
        ([["AWSCURRENT"], ["AWSPENDING"]], True),
        ([["AWSPREVIOUS"], ["AWSCURRENT"]], False),
        ([[], ["AWSPREVIOUS"], ["AWSCURRENT"]], False),
    ],
)
def test_without_read_access_the_version_history_decides(stages: list[list[str]], expected: bool) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    versions = [
        {"VersionId": f"v{i}", "VersionStages": s, "CreatedDate": t0 + timedelta(minutes=i)}
        for i, s in enumerate(stages)
    ]
    audit = Audit(NoValues(versions), SETTINGS)  # type: ignore[arg-type]
    bootstrap, how = _current_is_bootstrap(audit, "arn", versions)
    assert bootstrap is expected and how.startswith("by history")
