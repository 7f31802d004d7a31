"""Secrets Manager rotation for the platform's random keys (handler: `rotation.handler`).

Each secret holds one JSON object `{"<field>": "<random key>"}`; the field name comes from the secret's
`RotationField` tag (`key` for the filter's pseudonymisation key, `api_key` for the model backend's
credential). The four steps follow the Secrets Manager rotation contract:

- createSecret: put a new random value as AWSPENDING (idempotent: an existing AWSPENDING is kept);
- setSecret:    nothing to push — every consumer reads the key from Secrets Manager (and caches it
                briefly), so there is no external system to update;
- testSecret:   the AWSPENDING value parses, has the field, is long enough and differs from AWSCURRENT;
- finishSecret: move AWSCURRENT to the new version (the old one becomes AWSPREVIOUS).

Keys come from `secrets.token_urlsafe` (the OS CSPRNG), so the role needs no GetRandomPassword.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import secrets
from typing import Any

import boto3
from botocore.exceptions import ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

FIELD_TAG = "RotationField"
DEFAULT_FIELD = "key"
KEY_BYTES = 48  # 384 bits, 64 URL-safe characters
MIN_KEY_CHARS = 43  # 256 bits
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


class RotationError(Exception):
    """A rotation step cannot proceed; Secrets Manager marks the rotation as failed and retries."""


@functools.cache
def client() -> Any:
    """The Secrets Manager client, created once per container."""
    return boto3.client("secretsmanager", endpoint_url=os.environ.get("SECRETS_MANAGER_ENDPOINT") or None)


def reset_client() -> None:
    """Forget the cached client (tests)."""
    client.cache_clear()


def handler(event: dict[str, Any], context: Any) -> None:
    arn, token, step = event.get("SecretId"), event.get("ClientRequestToken"), event.get("Step")
    if not isinstance(arn, str) or not isinstance(token, str) or step not in STEPS:
        raise RotationError("event needs SecretId, ClientRequestToken and a Step of " + ", ".join(STEPS))
    sm = client()
    metadata = sm.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise RotationError(f"rotation is not enabled for secret {arn}")
    versions: dict[str, list[str]] = metadata.get("VersionIdsToStages") or {}
    if token not in versions:
        raise RotationError(f"version {token} of secret {arn} has no stage for rotation")
    if "AWSCURRENT" in versions[token]:
        LOG.info(json.dumps({"event": "rotation_already_current", "secret": arn, "version": token, "step": step}))
        return
    if "AWSPENDING" not in versions[token]:
        raise RotationError(f"version {token} of secret {arn} is not staged AWSPENDING")

    field = _field(metadata)
    if step == "createSecret":
        create_secret(sm, arn, token, field)
    elif step == "setSecret":
        set_secret(arn, token)
    elif step == "testSecret":
        test_secret(sm, arn, token, field)
    else:
        finish_secret(sm, arn, token, versions)


def _field(metadata: dict[str, Any]) -> str:
    for tag in metadata.get("Tags") or []:
        if tag.get("Key") == FIELD_TAG and tag.get("Value"):
            return str(tag["Value"])
    return DEFAULT_FIELD


def new_value(field: str) -> str:
    return json.dumps({field: secrets.token_urlsafe(KEY_BYTES)})


def _error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def create_secret(sm: Any, arn: str, token: str, field: str) -> None:
    try:
        sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        LOG.info(json.dumps({"event": "rotation_pending_exists", "secret": arn, "version": token}))
        return
    except ClientError as err:
        if _error_code(err) != "ResourceNotFoundException":
            raise
    sm.put_secret_value(
        SecretId=arn, ClientRequestToken=token, SecretString=new_value(field), VersionStages=["AWSPENDING"]
    )
    LOG.info(json.dumps({"event": "rotation_created", "secret": arn, "version": token}))


def set_secret(arn: str, token: str) -> None:
    LOG.info(json.dumps({"event": "rotation_set_noop", "secret": arn, "version": token}))


def _value(sm: Any, arn: str, **version: str) -> str | None:
    try:
        response = sm.get_secret_value(SecretId=arn, **version)
    except ClientError as err:
        if _error_code(err) == "ResourceNotFoundException":
            return None
        raise
    value = response.get("SecretString")
    return value if isinstance(value, str) else None


def test_secret(sm: Any, arn: str, token: str, field: str) -> None:
    pending = _value(sm, arn, VersionId=token, VersionStage="AWSPENDING")
    if pending is None:
        raise RotationError(f"secret {arn} has no AWSPENDING value for version {token}")
    try:
        parsed = json.loads(pending)
    except ValueError:
        raise RotationError(f"AWSPENDING value of {arn} is not JSON") from None
    key = parsed.get(field) if isinstance(parsed, dict) else None
    if not isinstance(key, str) or len(key) < MIN_KEY_CHARS:
        raise RotationError(f"AWSPENDING value of {arn} has no {field!r} of at least {MIN_KEY_CHARS} characters")
    if pending == _value(sm, arn, VersionStage="AWSCURRENT"):
        raise RotationError(f"AWSPENDING value of {arn} equals AWSCURRENT")
    LOG.info(json.dumps({"event": "rotation_tested", "secret": arn, "version": token}))


def finish_secret(sm: Any, arn: str, token: str, versions: dict[str, list[str]]) -> None:
    current = next((version for version, stages in versions.items() if "AWSCURRENT" in stages), None)
    if current == token:
        return
    move: dict[str, str] = {"MoveToVersionId": token}
    if current is not None:
        move["RemoveFromVersionId"] = current
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", **move)
    LOG.info(json.dumps({"event": "rotation_finished", "secret": arn, "version": token, "previous": current}))
