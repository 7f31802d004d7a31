"""Response settings: dry run by default in dev, acting in prod, and bounds reported by key."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.settings import SettingsError, settings_from_config

PROD = {
    "monitoring": {"alarmEmails": ["secops@example.com"]},
    "kms": {"keyAdministratorRoleArns": ["arn:aws:iam::123456789012:role/kms-key-admin"]},
}


def load(stack: str, **values: Any) -> Any:
    return settings_from_config({f"genai-platform:{k}": v for k, v in values.items()}, stack)


def problems(stack: str, **values: Any) -> list[str]:
    with pytest.raises(SettingsError) as err:
        load(stack, **values)
    return err.value.problems


def test_dev_dry_runs_and_prod_acts() -> None:
    assert load("dev").response.dry_run is True
    prod = load("prod", **PROD).response
    assert prod.dry_run is False
    assert prod.account_findings is True and load("dev").response.account_findings is False
    assert prod.min_severity == "high"


def test_prod_refuses_a_dry_run() -> None:
    found = problems("prod", **PROD, response={"dryRun": True})
    assert any(p.startswith("genai-platform:response.dryRun") and "prod contains" in p for p in found)


def test_bad_response_values_are_all_reported() -> None:
    found = problems(
        "dev",
        response={"minSeverity": "severe", "securityHubMinSeverity": "high", "sourceBlockMinutes": 3},
    )
    keys = " ".join(found)
    assert "response.minSeverity" in keys
    assert "response.securityHubMinSeverity" in keys
    assert "response.sourceBlockMinutes" in keys


def test_a_block_shorter_than_its_window_is_refused() -> None:
    found = problems("dev", response={"sourceWindowMinutes": 60, "sourceBlockMinutes": 30})
    assert any("response.sourceBlockMinutes" in p and "sourceWindowMinutes (60)" in p for p in found)


@pytest.mark.parametrize(
    "schedule",
    ["rate(7 days)", "cron(0 6 * * ? *)", "cron(0 25 ? * MON *)", "cron(0 6 ? * MONDAY *)", "cron(0 6 ? * MON 2026)"],
)
def test_the_weekly_report_runs_once_a_week(schedule: str) -> None:
    found = problems("dev", response={"weeklyReportSchedule": schedule})
    assert any(
        p.startswith("genai-platform:response.weeklyReportSchedule") and "a weekly EventBridge cron" in p for p in found
    ), found
    assert load("dev", response={"weeklyReportSchedule": "cron(30 7 ? * SUN *)"}).response.weekly_report_schedule


def test_inspector_is_an_account_setting_now() -> None:
    found = problems("prod", **PROD, response={"inspectorEcr": True})
    assert any("response.inspectorEcr" in p and "unknown" in p for p in found), found
