"""Settings that decide whether an environment can be destroyed and recreated, and when code is re-signed."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from stacks.edge import signing_period
from stacks.settings import SettingsError, settings_from_config


def problems(stack: str, **values: Any) -> list[str]:
    config = {f"genai-platform:{k}": v for k, v in values.items()}
    if stack == "prod":
        config.setdefault("genai-platform:monitoring", {"alarmEmails": ["secops@example.com"]})
        config.setdefault(
            "genai-platform:kms", {"keyAdministratorRoleArns": ["arn:aws:iam::123456789012:role/kms-key-admin"]}
        )
    with pytest.raises(SettingsError) as err:
        settings_from_config(config, stack)
    return err.value.problems


def test_dev_is_destroyable_the_same_day() -> None:
    s = settings_from_config({}, "dev")
    assert s.ecr.force_delete is True
    assert s.secrets.recovery_window_days == 0


def test_prod_keeps_images_and_recoverable_secrets() -> None:
    s = settings_from_config(
        {
            "genai-platform:monitoring": {"alarmEmails": ["secops@example.com"]},
            "genai-platform:kms": {"keyAdministratorRoleArns": ["arn:aws:iam::123456789012:role/kms-key-admin"]},
        },
        "prod",
    )
    assert s.ecr.force_delete is False
    assert s.secrets.recovery_window_days == 30


@pytest.mark.parametrize(
    ("stack", "values", "key", "hint"),
    [
        ("prod", {"ecr": {"forceDelete": True}}, "ecr.forceDelete", "never deletes a repository"),
        ("prod", {"secrets": {"recoveryWindowDays": 0}}, "secrets.recoveryWindowDays", "7 to 30"),
        ("dev", {"secrets": {"recoveryWindowDays": 3}}, "secrets.recoveryWindowDays", "0 (delete at once) or 7 to 30"),
        ("dev", {"filter": {"signatureRenewalDays": 135}}, "filter.signatureRenewalDays", "allowed: 1 to 120"),
    ],
)
def test_bad_lifecycle_values_are_named(stack: str, values: dict[str, Any], key: str, hint: str) -> None:
    found = problems(stack, **values)
    assert any(key in p and hint in p for p in found), found


def test_signing_period_changes_once_per_renewal_interval() -> None:
    start = date(2026, 1, 1)
    periods = [signing_period(date.fromordinal(start.toordinal() + d), 90) for d in range(0, 181)]
    assert len(set(periods)) in (2, 3)
    changes = [d for d in range(1, len(periods)) if periods[d] != periods[d - 1]]
    assert all(b - a == 90 for a, b in itertools.pairwise(changes))
