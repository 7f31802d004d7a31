"""The audit over real HTTP against a moto server the tests start on loopback."""

from __future__ import annotations

import json
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra.audit.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from audit_account import MOTO_SERVERS, REGION, build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    MOTO_SERVERS.add(f"http://{host}:{port}")
    try:
        yield f"http://{host}:{port}"
    finally:
        moto.stop()


@pytest.fixture
def account(server: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    reset = urllib.request.Request(f"{server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=10):
        pass
    return build(lambda service: boto3.client(service, region_name=REGION, endpoint_url=server))


def test_compliant_account_over_http(server: str, account: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--stack", "dev", "--endpoint-url", server, "--json", "--max-attempts", "2"])
    doc = json.loads(capsys.readouterr().out)
    assert [r for r in doc["results"] if r["status"] != "pass"] == []
    assert code == 0 and doc["passed"] is True
    assert doc["summary"]["pass"] >= 30


def test_failures_over_http(server: str, account: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=server)
    s3.delete_bucket_policy(Bucket=account["raw"])
    boto3.client("kms", region_name=REGION, endpoint_url=server).disable_key_rotation(KeyId=account["key"])
    code = main(["--endpoint-url", server, "--max-attempts", "2"])
    out = capsys.readouterr().out
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 2
    assert any("s3.tls-only" in line and account["raw"] in line for line in failed)
    assert any("kms.rotation" in line for line in failed)
