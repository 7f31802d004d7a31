"""Edge and operations settings: defaults load, and every invalid value fails naming its key."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.settings import SettingsError, settings_from_config

PROD_BASE = {
    "monitoring": {"alarmEmails": ["secops@example.com"]},
    "kms": {"keyAdministratorRoleArns": ["arn:aws:iam::123456789012:role/kms-key-admin"]},
}


def load(stack: str, **sections: Any) -> Any:
    base: dict[str, Any] = dict(PROD_BASE) if stack == "prod" else {}
    for key, value in sections.items():
        merge = isinstance(value, dict) and isinstance(base.get(key), dict)
        base[key] = {**base[key], **value} if merge else value
    return settings_from_config({f"genai-platform:{k}": v for k, v in base.items()}, stack)


def problems(stack: str, **sections: Any) -> list[str]:
    with pytest.raises(SettingsError) as err:
        load(stack, **sections)
    return err.value.problems


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_edge_defaults_load(stack: str) -> None:
    s = load(stack)
    assert s.api.clients == ("default",)
    assert s.monitoring.block_rate_band_width > 0
    assert s.filter.input_actions["prompt_injection"] == "block"
    assert s.filter.output_actions["pii"] == "redact"


def test_log_retention_meets_the_policy_minimum_in_dev() -> None:
    assert load("dev").log_retention_days >= 90


@pytest.mark.parametrize(
    ("stack", "sections", "key", "hint"),
    [
        ("dev", {"waf": {"rateLimitPerIp": 5}}, "waf.rateLimitPerIp", "allowed: 10"),
        ("dev", {"waf": {"chatRateLimitPerIp": 9}}, "waf.chatRateLimitPerIp", "allowed: 10"),
        ("dev", {"waf": {"chatRateLimitPerIp": 5000}}, "waf.chatRateLimitPerIp", "must not exceed"),
        ("dev", {"waf": {"bodyInspectionLimit": "KB_128"}}, "waf.bodyInspectionLimit", "KB_64"),
        ("dev", {"filter": {"maxBodyBytes": 200000}}, "filter.maxBodyBytes", "inspection limit"),
        ("dev", {"filter": {"reservedConcurrency": -1}}, "filter.reservedConcurrency", "allowed: 0"),
        ("dev", {"secrets": {"rotationReservedConcurrency": 11}}, "secrets.rotationReservedConcurrency", "allowed"),
        ("dev", {"filter": {"timeoutSeconds": 60}}, "filter.timeoutSeconds", "allowed"),
        ("dev", {"filter": {"backendReadTimeoutSeconds": 25}}, "filter.backendReadTimeoutSeconds", "shorter"),
        ("dev", {"filter": {"allowedLinkHosts": ["not a host"]}}, "filter.allowedLinkHosts", "invalid"),
        ("dev", {"filter": {"inputActions": {"pii": "drop"}}}, "filter.inputActions.pii", "block, redact, flag"),
        ("dev", {"filter": {"outputActions": {"malware": "block"}}}, "filter.outputActions.malware", "unknown"),
        ("dev", {"filter": {"inputActions": "block"}}, "filter.inputActions", "map"),
        ("prod", {"filter": {"codeSigning": False}}, "filter.codeSigning", "signed"),
        ("dev", {"secrets": {"rotationSchedule": "every month"}}, "secrets.rotationSchedule", "rate("),
        ("dev", {"secrets": {"rotationSchedule": "rate(0 days)"}}, "secrets.rotationSchedule", "rate("),
        ("dev", {"monitoring": {"alarmEmails": ["not-an-address"]}}, "monitoring.alarmEmails", "invalid"),
        ("prod", {"monitoring": {"alarmEmails": []}}, "monitoring.alarmEmails", "at least one"),
        ("dev", {"monitoring": {"guarddutyMinSeverity": "extreme"}}, "monitoring.guarddutyMinSeverity", "medium"),
        ("dev", {"monitoring": {"apiP99LatencyMs": 50000}}, "monitoring.apiP99LatencyMs", "allowed"),
        ("dev", {"monitoring": {"blockRateBandWidth": 0}}, "monitoring.blockRateBandWidth", "allowed"),
        ("dev", {"api": {"chatAuthorization": "NONE"}}, "api.chatAuthorization", "AWS_IAM"),
        ("dev", {"api": {"screenAuthorization": "NONE"}}, "api.screenAuthorization", "COGNITO_USER_POOLS"),
        ("dev", {"api": {"chatThrottleRateLimit": 500}}, "api.chatThrottleRateLimit", "must not exceed"),
        ("dev", {"api": {"clients": []}}, "api.clients", "at least one"),
        ("dev", {"api": {"clients": ["a", "a"]}}, "api.clients", "unique"),
        ("dev", {"api": {"clients": ["Bad Name"]}}, "api.clients", "lower-case"),
        ("dev", {"api": {"customDomain": "api.example.com"}}, "api.certificateArn", "required"),
        ("dev", {"api": {"stageName": "v1/x"}}, "api.stageName", "letters"),
    ],
)
def test_invalid_value_names_its_key(stack: str, sections: dict[str, Any], key: str, hint: str) -> None:
    found = problems(stack, **sections)
    matching = [p for p in found if p.startswith(f"genai-platform:{key}:")]
    assert matching, found
    assert any(hint in p for p in matching), matching


def test_all_problems_are_reported_together() -> None:
    found = problems(
        "dev", waf={"rateLimitPerIp": 1}, secrets={"rotationSchedule": "weekly"}, monitoring={"alarmEmails": ["x"]}
    )
    keys = {p.split(":")[1] for p in found}
    assert {"waf.rateLimitPerIp", "secrets.rotationSchedule", "monitoring.alarmEmails"} <= keys


def test_partial_action_override_keeps_the_other_defaults() -> None:
    s = load("dev", filter={"outputActions": {"pii": "flag"}})
    assert s.filter.output_actions["pii"] == "flag"
    assert s.filter.output_actions["secret"] == "redact"
