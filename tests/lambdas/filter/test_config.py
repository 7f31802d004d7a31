"""Configuration loading and validation."""

from __future__ import annotations

import pytest
from genai_filter import config


def test_strict_defaults() -> None:
    cfg = config.load({})
    assert cfg.actions("input")["prompt_injection"] == "block"
    assert cfg.actions("input")["pii"] == "redact"
    assert cfg.actions("output")["exfiltration"] == "block"
    assert cfg.backend_url is None
    assert cfg.canary_token.startswith("cnry-")
    assert cfg.canary_token in cfg.system_message()
    assert config.load({}).canary_token != cfg.canary_token  # random per process/config when not set


def test_full_configuration() -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:filter/hmac-AbCdEf"
    cfg = config.load(
        {
            "FILTER_ACTIONS": '{"pii": "flag", "secret": "block"}',
            "FILTER_HMAC_SECRET_ARN": arn,
            "FILTER_BACKEND_URL": "http://vllm.models.svc:8000",
            "FILTER_BACKEND_READ_TIMEOUT": "12.5",
            "FILTER_EXFIL_ALLOWED_HOSTS": "docs.example.com, .cdn.example.com",
            "FILTER_CANARY_TOKEN": "cnry-fixed-token-123",
            "FILTER_SYSTEM_PROMPT": "Be nice. cnry-fixed-token-123",
            "AWS_REGION": "eu-west-1",
        }
    )
    assert cfg.actions("input")["pii"] == "flag"
    assert cfg.actions("output")["secret"] == "block"
    assert cfg.hmac_secret_arn == arn
    assert cfg.read_timeout == 12.5
    assert cfg.exfil_allowed_hosts == ("docs.example.com", ".cdn.example.com")
    assert cfg.system_message() == "Be nice. cnry-fixed-token-123"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FILTER_ACTIONS": "{not json"}, "not valid JSON"),
        ({"FILTER_ACTIONS": '["pii"]'}, "JSON object"),
        ({"FILTER_ACTIONS": '{"pii": "delete"}'}, "must be one of"),
        ({"FILTER_ACTIONS": '{"toxicity": "block"}'}, "unknown category"),
        ({"FILTER_INJECTION_THRESHOLD": "1.5"}, "between"),
        ({"FILTER_BACKEND_URL": "ftp://x"}, "http(s)"),
        ({"FILTER_BACKEND_URL": "http://user:pw@x/"}, "credentials"),
        ({"FILTER_HMAC_SECRET_ARN": "my-secret"}, "ARN"),
        ({"FILTER_MAX_BODY_BYTES": "lots"}, "integer"),
        ({"FILTER_REDACTION_MODE": "hash"}, "placeholder"),
        ({"FILTER_CANARY_TOKEN": "short"}, "12 characters"),
        ({"FILTER_ACTION": '{"pii": "flag"}'}, "unknown filter setting"),
        ({"FILTER_EXFIL_ALLOWED_HOSTS": "https://x.com/"}, "invalid host"),
        ({"FILTER_MAX_TOKENS": "10", "FILTER_DEFAULT_MAX_TOKENS": "20"}, "must not exceed"),
    ],
)
def test_invalid_configuration_fails_with_one_clear_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(config.ConfigError) as info:
        config.load(env)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
