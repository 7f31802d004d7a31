"""Secrets Manager key retrieval and caching, against moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from genai_filter import keys
from genai_filter.screen import Redactor
from moto import mock_aws


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    keys.reset_client()
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="eu-west-1")
    keys.reset_client()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = keys.client()
    original = real.get_secret_value

    def spy(**kwargs: Any) -> Any:
        calls.append(kwargs["SecretId"])
        return original(**kwargs)

    monkeypatch.setattr(real, "get_secret_value", spy)
    return calls


def test_fetched_once_and_cached_for_ttl(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = aws.create_secret(Name="filter/hmac", SecretString="master-key-1")["ARN"]
    calls = counting(monkeypatch)
    clock = Clock()
    cache = keys.SecretCache(300, clock)
    assert cache.get(arn) == "master-key-1"
    assert cache.get(arn) == "master-key-1"
    assert calls == [arn]
    aws.put_secret_value(SecretId=arn, SecretString="master-key-2")
    clock.now += 299
    assert cache.get(arn) == "master-key-1"
    clock.now += 2
    assert cache.get(arn) == "master-key-2"
    assert calls == [arn, arn]


def test_client_is_created_once_per_container(aws: Any) -> None:
    assert keys.client() is keys.client()


def test_missing_secret_raises_unavailable_but_stale_value_is_served(aws: Any) -> None:
    clock = Clock()
    cache = keys.SecretCache(10, clock)
    missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:nope-AbCdEf"
    with pytest.raises(keys.SecretUnavailable):
        cache.get(missing)
    arn = aws.create_secret(Name="filter/hmac2", SecretString="k")["ARN"]
    assert cache.get(arn) == "k"
    aws.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    clock.now += 60
    assert cache.get(arn) == "k"


def test_keyring_derives_separate_keys_and_reads_json_secrets(aws: Any) -> None:
    hmac_arn = aws.create_secret(Name="filter/hmac3", SecretString=json.dumps({"key": "abc"}))["ARN"]
    api_arn = aws.create_secret(Name="filter/backend", SecretString=json.dumps({"api_key": "sk-backend"}))["ARN"]
    ring = keys.KeyRing(keys.SecretCache(300), hmac_arn, api_arn)
    assert ring.audit_key() != ring.pseudonym_key()
    assert ring.backend_api_key() == "sk-backend"
    other = keys.KeyRing(keys.SecretCache(300), None, None)
    assert other.audit_key() != ring.audit_key()  # random per-process key when not configured
    assert other.backend_api_key() is None
    # pseudonyms are stable for one key
    a = Redactor("pseudonym", ring.pseudonym_key()).label("EMAIL_ADDRESS", "x@y.com")
    b = Redactor("pseudonym", ring.pseudonym_key()).label("EMAIL_ADDRESS", "x@y.com")
    assert a == b


def test_handler_uses_secrets_manager_key_and_fails_closed_when_missing(
    aws: Any, event: Any, invoke: Any, configure: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib
    import hmac as hmac_mod

    arn = aws.create_secret(Name="filter/hmac4", SecretString="master")["ARN"]
    configure(FILTER_HMAC_SECRET_ARN=arn, FILTER_REDACTION_MODE="pseudonym")
    capsys.readouterr()
    status, body, _ = invoke(event(body={"text": "mail jane@example.com", "direction": "input"}))
    assert status == 200
    pseudonym_key = hmac_mod.new(b"master", b"genai-filter/pseudonym-v1", hashlib.sha256).digest()
    expected = Redactor("pseudonym", pseudonym_key).label("EMAIL_ADDRESS", "jane@example.com")
    # the stable keyed pseudonym is for the audit record only; the client gets a per-request one
    assert body["text"].startswith("mail <EMAIL_ADDRESS:") and expected not in body["text"]
    audit_key = hmac_mod.new(b"master", b"genai-filter/audit-v1", hashlib.sha256).digest()
    record = json.loads(capsys.readouterr().out)
    assert record["pseudonyms"] == [expected]
    assert record["prompt_hmac"] == hmac_mod.new(audit_key, b"mail jane@example.com", hashlib.sha256).hexdigest()

    configure(FILTER_HMAC_SECRET_ARN="arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf")
    status, body, _ = invoke(event(body={"text": "hello", "direction": "input"}))
    assert (status, body["error"]["code"]) == (503, "secrets_unavailable")
