from __future__ import annotations

import argparse
import json
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.audit.api import ApiError, Aws
from infra.audit.checks import ERROR, FAIL, PASS, REQUIRED_GUARDDUTY_FEATURES, CheckResult, run_audit
from infra.audit.cli import configure_parser, load_settings, run

sys.path.insert(0, str(Path(__file__).parent))
from audit_account import FEATURES, REGION

SETTINGS = load_settings("dev", None)


def audit(max_attempts: int = 1, **kwargs: Any) -> list[CheckResult]:
    return run_audit(Aws(REGION, max_attempts=max_attempts, sleep=lambda _: None, **kwargs), SETTINGS)


def not_passing(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.status != PASS]


def args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    return parser.parse_args(list(argv))


def test_compliant_account_passes(account: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    results = audit()
    assert not_passing(results) == []
    checks = {r.check for r in results}
    assert {
        "s3.encryption",
        "s3.public-access-block",
        "s3.versioning",
        "s3.tls-only",
        "guardduty.detector",
        "cloudtrail.logging",
        "cloudtrail.kms",
        "waf.api-association",
        "apigateway.authorization",
        "secretsmanager.rotation",
        "eks.endpoint",
        "eks.secrets-encryption",
        "logs.kms",
        "kms.rotation",
    } <= checks
    assert {f"guardduty.feature.{f}" for f in REQUIRED_GUARDDUTY_FEATURES} <= checks
    assert len([r for r in results if r.check == "s3.encryption"]) == 5  # not the unrelated bucket
    assert len([r for r in results if r.check == "logs.kms"]) == 3
    assert len([r for r in results if r.check == "secretsmanager.rotation"]) == 1
    assert run(args("--stack", "dev", "--max-attempts", "1")) == 0
    assert "0 failed, 0 errors" in capsys.readouterr().out


def _disable_feature(feature: str) -> Callable[[dict[str, Any]], None]:
    def mutate(ids: dict[str, Any]) -> None:
        features = [{"Name": f, "Status": "DISABLED" if f == feature else "ENABLED"} for f in FEATURES]
        boto3.client("guardduty", region_name=REGION).update_detector(DetectorId=ids["detector"], Features=features)

    return mutate


def _fail_cases() -> list[tuple[str, Callable[[dict[str, Any]], None], str]]:
    s3 = lambda: boto3.client("s3", region_name=REGION)  # noqa: E731
    gd = lambda: boto3.client("guardduty", region_name=REGION)  # noqa: E731
    ct = lambda: boto3.client("cloudtrail", region_name=REGION)  # noqa: E731
    api = lambda: boto3.client("apigateway", region_name=REGION)  # noqa: E731
    eks = lambda: boto3.client("eks", region_name=REGION)  # noqa: E731
    return [
        (
            "sse-s3-on-data-bucket",
            lambda i: s3().put_bucket_encryption(
                Bucket=i["raw"],
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            ),
            "s3.encryption",
        ),
        (
            "aws-managed-key",
            lambda i: s3().put_bucket_encryption(
                Bucket=i["models"],
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
                },
            ),
            "s3.encryption",
        ),
        (
            "foreign-key",
            lambda i: s3().put_bucket_encryption(
                Bucket=i["models"],
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"][
                                    "Arn"
                                ],
                            }
                        }
                    ]
                },
            ),
            "s3.encryption",
        ),
        (
            "kms-on-access-logs",
            lambda i: s3().put_bucket_encryption(
                Bucket=i["access-logs"],
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": i["key"]}}
                    ]
                },
            ),
            "s3.encryption",
        ),
        ("no-encryption", lambda i: s3().delete_bucket_encryption(Bucket=i["curated"]), "s3.encryption"),
        (
            "pab-off",
            lambda i: s3().put_public_access_block(
                Bucket=i["raw"],
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": False,
                    "RestrictPublicBuckets": True,
                },
            ),
            "s3.public-access-block",
        ),
        ("pab-deleted", lambda i: s3().delete_public_access_block(Bucket=i["audit"]), "s3.public-access-block"),
        (
            "versioning-suspended",
            lambda i: s3().put_bucket_versioning(Bucket=i["raw"], VersioningConfiguration={"Status": "Suspended"}),
            "s3.versioning",
        ),
        ("no-tls-policy", lambda i: s3().delete_bucket_policy(Bucket=i["raw"]), "s3.tls-only"),
        (
            "allow-policy-only",
            lambda i: s3().put_bucket_policy(
                Bucket=i["raw"],
                Policy=json.dumps(
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                                "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::{i['raw']}/*",
                            }
                        ]
                    }
                ),
            ),
            "s3.tls-only",
        ),
        (
            "gd-frequency",
            lambda i: gd().update_detector(DetectorId=i["detector"], FindingPublishingFrequency="SIX_HOURS"),
            "guardduty.detector",
        ),
        ("gd-disabled", lambda i: gd().update_detector(DetectorId=i["detector"], Enable=False), "guardduty.detector"),
        *[(f"gd-{f.lower()}", _disable_feature(f), f"guardduty.feature.{f}") for f in FEATURES],
        ("trail-stopped", lambda i: ct().stop_logging(Name="genai-dev-trail"), "cloudtrail.logging"),
        (
            "trail-validation",
            lambda i: ct().update_trail(Name="genai-dev-trail", EnableLogFileValidation=False),
            "cloudtrail.log-file-validation",
        ),
        (
            "trail-single-region",
            lambda i: ct().update_trail(Name="genai-dev-trail", IsMultiRegionTrail=False),
            "cloudtrail.multi-region",
        ),
        ("trail-deleted", lambda i: ct().delete_trail(Name="genai-dev-trail"), "cloudtrail.trail"),
        (
            "waf-disassociated",
            lambda i: boto3.client("wafv2", region_name=REGION).disassociate_web_acl(ResourceArn=i["stage_arn"]),
            "waf.api-association",
        ),
        (
            "method-open",
            lambda i: api().put_method(
                restApiId=i["api"], resourceId=i["root"], httpMethod="GET", authorizationType="NONE"
            ),
            "apigateway.authorization",
        ),
        (
            "rotation-cancelled",
            lambda i: boto3.client("secretsmanager", region_name=REGION).cancel_rotate_secret(SecretId=i["secret"]),
            "secretsmanager.rotation",
        ),
        (
            "eks-open",
            lambda i: eks().create_cluster(
                name="genai-dev-2",
                roleArn="arn:aws:iam::123456789012:role/eks",
                resourcesVpcConfig={
                    "subnetIds": ["s"],
                    "endpointPublicAccess": True,
                    "publicAccessCidrs": ["0.0.0.0/0"],
                },
                encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": i["key"]}}],
            ),
            "eks.endpoint",
        ),
        (
            "eks-unencrypted",
            lambda i: eks().create_cluster(
                name="genai-dev-3",
                roleArn="arn:aws:iam::123456789012:role/eks",
                resourcesVpcConfig={"subnetIds": ["s"], "endpointPublicAccess": False},
            ),
            "eks.secrets-encryption",
        ),
        (
            "log-group-unencrypted",
            lambda i: boto3.client("logs", region_name=REGION).create_log_group(logGroupName="aws-waf-logs-genai-dev"),
            "logs.kms",
        ),
        (
            "key-rotation-off",
            lambda i: boto3.client("kms", region_name=REGION).disable_key_rotation(KeyId=i["key"]),
            "kms.rotation",
        ),
    ]


FAIL_CASES = _fail_cases()


@pytest.mark.parametrize(("case", "mutate", "check"), FAIL_CASES, ids=[c[0] for c in FAIL_CASES])
def test_each_check_fails_alone(
    account: dict[str, Any], case: str, mutate: Callable[[dict[str, Any]], None], check: str
) -> None:
    mutate(account)
    bad = not_passing(audit())
    assert bad, "the mutation should fail a check"
    assert {r.check for r in bad} == {check}, bad
    assert all(r.status == FAIL for r in bad)


def test_a_failed_check_exits_1(account: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("kms", region_name=REGION).disable_key_rotation(KeyId=account["key"])
    assert run(args("--json", "--max-attempts", "1")) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["passed"] is False and doc["summary"]["fail"] == 1


def test_prod_forbids_any_public_endpoint(account: dict[str, Any]) -> None:
    boto3.client("eks", region_name=REGION).create_cluster(
        name="genai-prod",
        roleArn="arn:aws:iam::123456789012:role/eks",
        resourcesVpcConfig={"subnetIds": ["s"], "endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": account["key"]}}],
    )
    results = run_audit(Aws(REGION, max_attempts=1), load_settings("prod", None), ("eks",))
    assert [r.detail for r in results if r.status == FAIL] == ["public endpoint in prod (203.0.113.0/24)"]


def test_empty_account_fails_discovery() -> None:
    with mock_aws():
        bad = {r.check for r in not_passing(audit())}
    assert {
        "s3.buckets",
        "guardduty.detector",
        "cloudtrail.trail",
        "apigateway.api",
        "eks.cluster",
        "logs.groups",
        "kms.keys",
    } <= bad


# --- API errors, throttling, unsupported ------------------------------------------------------


class Wrapped:
    """A real client whose chosen operations raise instead."""

    def __init__(self, inner: Any, failures: dict[str, list[BaseException]]) -> None:
        self.inner, self.failures = inner, failures

    def __getattr__(self, name: str) -> Any:
        queue = self.failures.get(name)
        real = getattr(self.inner, name)

        def call(**kwargs: Any) -> Any:
            if queue:
                raise queue.pop(0) if len(queue) > 1 or not isinstance(queue[0], type) else queue[0]
            return real(**kwargs)

        return call


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": f"{code} happened"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


def factory(failures: dict[str, dict[str, list[BaseException]]]) -> Callable[[str], Any]:
    return lambda service: Wrapped(boto3.client(service, region_name=REGION), failures.get(service, {}))


def test_access_denied_is_reported_per_check_and_the_run_continues(account: dict[str, Any]) -> None:
    denied = [client_error("AccessDeniedException", 403) for _ in range(10)]
    results = audit(client_factory=factory({"guardduty": {"list_detectors": denied}}))
    bad = not_passing(results)
    assert [(r.check, r.status) for r in bad] == [("guardduty.detector", ERROR)]
    assert bad[0].detail.startswith("error: access denied: AccessDeniedException")
    assert any(r.check == "kms.rotation" and r.status == PASS for r in results)


def test_throttling_is_retried_with_backoff(account: dict[str, Any]) -> None:
    sleeps: list[float] = []
    throttles = [client_error("ThrottlingException"), client_error("Throttling")]
    aws = Aws(REGION, max_attempts=1, sleep=sleeps.append, client_factory=factory({"kms": {"list_keys": throttles}}))
    results = run_audit(aws, SETTINGS, ("kms",))
    assert not_passing(results) == []
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 1.3


def test_persistent_throttling_becomes_an_error_not_a_crash(account: dict[str, Any]) -> None:
    sleeps: list[float] = []
    throttles = [client_error("TooManyRequestsException", 429) for _ in range(20)]
    aws = Aws(
        REGION,
        max_attempts=1,
        sleep=sleeps.append,
        throttle_retries=3,
        client_factory=factory({"secretsmanager": {"list_secrets": throttles}}),
    )
    results = run_audit(aws, SETTINGS, ("secrets",))
    assert [(r.check, r.status, r.detail.split(":")[0:2]) for r in results] == [
        ("secretsmanager.rotation", ERROR, ["error", " throttled"])
    ]
    assert len(sleeps) == 3


def test_botocore_standard_retry_config_is_used() -> None:
    aws = Aws(REGION, max_attempts=7)
    assert aws.config.retries == {"mode": "standard", "max_attempts": 7}


def test_unsupported_api_and_missing_features_are_errors(account: dict[str, Any]) -> None:
    class NoFeatures:
        def __init__(self) -> None:
            self.inner = boto3.client("guardduty", region_name=REGION)

        def list_detectors(self) -> Any:
            return self.inner.list_detectors()

        def get_detector(self, **kwargs: Any) -> Any:
            d = self.inner.get_detector(**kwargs)
            d.pop("Features", None)
            return d

    real = factory({"wafv2": {"get_web_acl_for_resource": [NotImplementedError()]}})
    results = audit(client_factory=lambda s: NoFeatures() if s == "guardduty" else real(s))
    bad = not_passing(results)
    assert {r.check for r in bad} == {
        "waf.api-association",
        *(f"guardduty.feature.{f}" for f in REQUIRED_GUARDDUTY_FEATURES),
    }
    assert all(r.status == ERROR and "not supported by endpoint" in r.detail for r in bad)


def test_unexpected_exception_in_a_check_is_contained(account: dict[str, Any]) -> None:
    results = audit(client_factory=factory({"eks": {"describe_cluster": [KeyError("boom")]}}))
    assert [(r.check, r.status, r.detail) for r in not_passing(results)] == [
        ("eks.cluster", ERROR, "error: unexpected KeyError")
    ]


def test_classify_maps_codes() -> None:
    from infra.audit.api import classify

    assert classify(client_error("NoSuchBucket", 404)).kind == "not-found"
    assert classify(client_error("Whatever", 501)).kind == "unsupported"
    assert classify(client_error("SlowDown", 503)).kind == "throttled"
    assert str(ApiError("unsupported", "501", "x")) == "not supported by endpoint"


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--endpoint-url", "ftp://127.0.0.1:1"],
        ["--endpoint-url", "localhost"],
        ["--region", "mars-north-1"],
        ["--max-attempts", "0"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args(*argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith("genai-platform audit:") and len(err.strip().splitlines()) == 1


def test_no_credentials_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    assert run(args()) == 2
    assert "no AWS credentials" in capsys.readouterr().err


def test_unreachable_endpoint_reports_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert run(args("--endpoint-url", f"http://127.0.0.1:{port}", "--max-attempts", "1", "--json")) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["pass"] == 0 and doc["summary"]["error"] > 0
    assert all(r["detail"].startswith("error: unreachable") for r in doc["results"])


def test_bad_stack_config_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: genai-platform\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  genai-platform:logRetentionDays: 11\n", encoding="utf-8")
    assert run(args("--project-dir", str(tmp_path))) == 2
    assert "logRetentionDays" in capsys.readouterr().err
