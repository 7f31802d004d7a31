"""Fixtures of the audit tests: fake credentials, and a compliant dev account in moto."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).parent))
from audit_account import MOTO_SERVERS, REGION, FakeAccessAnalyzer, FakeSecurityHub, build, compliant_security_hub

from infra.audit.api import Aws

FAKE_SERVICES = {"securityhub": FakeSecurityHub, "accessanalyzer": FakeAccessAnalyzer}


@pytest.fixture(autouse=True)
def security_hub_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Security Hub and Access Analyzer (not in moto) answer as a compliant account's would."""
    compliant_security_hub()
    real = Aws.client

    def client(self: Aws, service: str) -> Any:
        if service in FAKE_SERVICES and (self.endpoint_url is None or self.endpoint_url in MOTO_SERVERS):
            return FAKE_SERVICES[service]()
        return real(self, service)

    monkeypatch.setattr(Aws, "client", client)


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def account() -> Iterator[dict[str, Any]]:
    with mock_aws():
        yield build(lambda service: boto3.client(service, region_name=REGION))
