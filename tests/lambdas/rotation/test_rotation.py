"""The rotation function's four steps against moto's Secrets Manager, including the failure paths."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import rotation
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID as ACCOUNT_ID
from moto.secretsmanager.models import secretsmanager_backends

REGION = "eu-west-1"


@pytest.fixture
def sm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("SECRETS_MANAGER_ENDPOINT", raising=False)
    with mock_aws():
        rotation.reset_client()
        yield boto3.client("secretsmanager", region_name=REGION)
    rotation.reset_client()


def make_secret(sm: Any, field: str = "key", *, enable: bool = True) -> tuple[str, str]:
    """A secret with a bootstrap AWSCURRENT and, when `enable`, a rotation in progress; (arn, token)."""
    arn = sm.create_secret(
        Name=f"genai-dev/test/{uuid.uuid4().hex[:8]}",
        SecretString=json.dumps({"bootstrap": "rotate-immediately"}),
        Tags=[{"Key": rotation.FIELD_TAG, "Value": field}],
    )["ARN"]
    token = str(uuid.uuid4())
    if enable:
        start_rotation(arn, token)
    return arn, token


def start_rotation(arn: str, token: str) -> None:
    """What RotateSecret does before it invokes the function: rotation on, the token reserved as AWSPENDING.

    moto's RotateSecret without a runnable Lambda promotes the token to AWSCURRENT at once, so the
    state the real service hands to the function is set up on moto's backend directly.
    """
    secret = secretsmanager_backends[ACCOUNT_ID][REGION].secrets[arn]
    secret.rotation_requested = True
    secret.rotation_enabled = True
    secret.rotation_lambda_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:genai-dev-rotation"
    secret.auto_rotate_after_days = 30
    secret.versions[token] = {"createdate": int(time.time()), "version_id": token, "version_stages": ["AWSPENDING"]}


def event(arn: str, token: str, step: str) -> dict[str, str]:
    return {"SecretId": arn, "ClientRequestToken": token, "Step": step}


def stages(sm: Any, arn: str) -> dict[str, list[str]]:
    return dict(sm.describe_secret(SecretId=arn)["VersionIdsToStages"])


def rotate_all(arn: str, token: str) -> None:
    for step in rotation.STEPS:
        rotation.handler(event(arn, token, step), None)


def test_full_rotation_makes_new_key_current(sm: Any) -> None:
    arn, token = make_secret(sm, "api_key")
    old = sm.get_secret_value(SecretId=arn)["VersionId"]
    rotate_all(arn, token)
    current = sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    assert current["VersionId"] == token
    key = json.loads(current["SecretString"])["api_key"]
    assert len(key) >= rotation.MIN_KEY_CHARS
    assert "AWSPREVIOUS" in stages(sm, arn)[old]


def test_create_secret_uses_the_field_from_the_tag(sm: Any) -> None:
    arn, token = make_secret(sm, "key")
    rotation.handler(event(arn, token, "createSecret"), None)
    pending = sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
    assert set(json.loads(pending["SecretString"])) == {"key"}


def test_create_secret_is_idempotent(sm: Any) -> None:
    arn, token = make_secret(sm)
    rotation.handler(event(arn, token, "createSecret"), None)
    first = sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"]
    rotation.handler(event(arn, token, "createSecret"), None)
    second = sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"]
    assert first == second


def test_set_secret_changes_nothing(sm: Any) -> None:
    arn, token = make_secret(sm)
    rotation.handler(event(arn, token, "createSecret"), None)
    before = stages(sm, arn)
    rotation.handler(event(arn, token, "setSecret"), None)
    assert stages(sm, arn) == before


def test_test_secret_fails_without_pending_value(sm: Any) -> None:
    arn, token = make_secret(sm)
    with pytest.raises(rotation.RotationError, match="no AWSPENDING value"):
        rotation.handler(event(arn, token, "testSecret"), None)


def test_test_secret_rejects_a_short_key(sm: Any) -> None:
    arn, token = make_secret(sm)
    sm.put_secret_value(
        SecretId=arn, ClientRequestToken=token, SecretString=json.dumps({"key": "short"}), VersionStages=["AWSPENDING"]
    )
    with pytest.raises(rotation.RotationError, match="at least"):
        rotation.handler(event(arn, token, "testSecret"), None)


def test_test_secret_accepts_a_created_key(sm: Any) -> None:
    arn, token = make_secret(sm)
    rotation.handler(event(arn, token, "createSecret"), None)
    rotation.handler(event(arn, token, "testSecret"), None)


def test_rotation_not_enabled_fails(sm: Any) -> None:
    arn, _ = make_secret(sm, enable=False)
    current = sm.get_secret_value(SecretId=arn)["VersionId"]
    with pytest.raises(rotation.RotationError, match="not enabled"):
        rotation.handler(event(arn, current, "createSecret"), None)


def test_unknown_version_fails(sm: Any) -> None:
    arn, _ = make_secret(sm)
    with pytest.raises(rotation.RotationError, match="no stage for rotation"):
        rotation.handler(event(arn, str(uuid.uuid4()), "createSecret"), None)


def test_version_not_staged_for_rotation_fails(sm: Any) -> None:
    arn, token = make_secret(sm)
    rotation.handler(event(arn, token, "createSecret"), None)
    other = str(uuid.uuid4())
    # A version that exists but carries only a custom stage, not AWSPENDING.
    sm.put_secret_value(SecretId=arn, ClientRequestToken=other, SecretString="{}", VersionStages=["MANUAL"])
    with pytest.raises(rotation.RotationError, match="not staged AWSPENDING"):
        rotation.handler(event(arn, other, "finishSecret"), None)


def test_current_version_is_left_alone(sm: Any) -> None:
    arn, token = make_secret(sm)
    rotate_all(arn, token)
    before = stages(sm, arn)
    rotation.handler(event(arn, token, "finishSecret"), None)
    assert stages(sm, arn) == before


def test_finish_secret_is_idempotent(sm: Any) -> None:
    arn, token = make_secret(sm)
    rotate_all(arn, token)
    rotation.handler(event(arn, token, "finishSecret"), None)
    assert sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["VersionId"] == token


def test_malformed_event_fails(sm: Any) -> None:
    with pytest.raises(rotation.RotationError, match="Step"):
        rotation.handler({"SecretId": "x", "ClientRequestToken": "y", "Step": "dropSecret"}, None)


def test_keys_differ_between_rotations(sm: Any) -> None:
    first = json.loads(rotation.new_value("key"))["key"]
    second = json.loads(rotation.new_value("key"))["key"]
    assert first != second
    assert len(first) >= rotation.MIN_KEY_CHARS
