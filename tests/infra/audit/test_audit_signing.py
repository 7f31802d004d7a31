"""The deployed filter's code signature: a redeploy after it expires fails, so the audit warns in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from infra.audit.api import Aws
from infra.audit.checks import ERROR, FAIL, PASS, CheckResult, run_audit
from stacks.settings import settings_from_config

REGION = "eu-west-1"
JOB_ID = "0a1b2c3d-0000-4000-8000-123456789abc"
PROD = {
    "genai-platform:monitoring": {"alarmEmails": ["secops@example.com"]},
    "genai-platform:kms": {"keyAdministratorRoleArns": ["arn:aws:iam::123456789012:role/kms-key-admin"]},
}


def signing_results(
    configuration: dict[str, Any], job: dict[str, Any] | None, stack: str = "prod"
) -> list[CheckResult]:
    clients = {s: boto3.client(s, region_name=REGION) for s in ("lambda", "signer")}
    stubs = {s: Stubber(c) for s, c in clients.items()}
    stubs["lambda"].add_response("get_function_configuration", configuration, {"FunctionName": f"genai-{stack}-filter"})
    if job is not None:
        stubs["signer"].add_response("describe_signing_job", job, {"jobId": JOB_ID})
    for stub in stubs.values():
        stub.activate()
    settings = settings_from_config(PROD if stack == "prod" else {}, stack)
    aws = Aws(REGION, client_factory=clients.__getitem__, max_attempts=1)
    results = run_audit(aws, settings, ("signing",))
    for stub in stubs.values():
        stub.assert_no_pending_responses()
    return results


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def signed(days_left: int) -> tuple[dict[str, Any], dict[str, Any]]:
    config = {
        "FunctionName": "genai-prod-filter",
        "SigningJobArn": f"arn:aws:signer:{REGION}:123456789012:/signing-jobs/{JOB_ID}",
    }
    return config, {"jobId": JOB_ID, "signatureExpiresAt": datetime.now(UTC) + timedelta(days=days_left, hours=1)}


def test_a_signature_far_from_expiry_passes() -> None:
    [result] = signing_results(*signed(100))
    assert (result.check, result.status) == ("lambda.signature-expiry", PASS)


def test_a_signature_close_to_expiry_fails_and_says_what_to_do() -> None:
    [result] = signing_results(*signed(10))
    assert result.status == FAIL
    assert "(10 days)" in result.detail and "re-sign" in result.detail


def test_unsigned_code_fails() -> None:
    [result] = signing_results({"FunctionName": "genai-prod-filter"}, None)
    assert result.status == FAIL and "no signing job" in result.detail


def test_dev_without_code_signing_has_no_signature_check() -> None:
    settings = settings_from_config({}, "dev")
    assert run_audit(Aws(REGION, client_factory=lambda s: None), settings, ("signing",)) == []


def test_an_api_error_is_an_error_result() -> None:
    client = boto3.client("lambda", region_name=REGION)
    stub = Stubber(client)
    stub.add_client_error("get_function_configuration", "ResourceNotFoundException", http_status_code=404)
    stub.activate()
    settings = settings_from_config(PROD, "prod")
    [result] = run_audit(Aws(REGION, client_factory=lambda s: client, max_attempts=1), settings, ("signing",))
    assert result.status == ERROR
