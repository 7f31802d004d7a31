"""`preflight --aws` against moto (in-process): roles exist, the model server image is in ECR by digest,
quotas suffice. Where moto lacks an API (Service Quotas for ec2/lambda, Lambda account settings) the
item degrades to UNKNOWN, saying what could not be checked; quota arithmetic is checked with Stubber."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from infra.cli import main
from infra.preflight.aws import account_prerequisites
from stacks.prerequisites import CHECK, MISSING, OK, UNKNOWN, lambda_reservations
from stacks.settings import settings_from_config

sys.path.insert(0, str(Path(__file__).parent))
from ready_config import ACCOUNT, READY, role, write_project

REGION = "eu-west-1"
MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7023,
            "digest": "sha256:" + hashlib.sha256(b"config").hexdigest(),
        },
        "layers": [],
    }
)


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_ACCOUNT_ID": ACCOUNT,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def create_roles(session: boto3.Session, *names: str) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    for name in names:
        session.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=trust)


def push_image(session: boto3.Session, repository: str = "genai-prod/inference") -> str:
    ecr = session.client("ecr")
    ecr.create_repository(repositoryName=repository)
    pushed = ecr.put_image(repositoryName=repository, imageManifest=MANIFEST, imageTag="v1")
    return str(pushed["image"]["imageId"]["imageDigest"])


def apply_account_stage(session: boto3.Session, *, config_recording: bool = True) -> None:
    """What the account stage (Security Hub) and the landing zone (AWS Config recording) leave behind."""
    session.client("securityhub").enable_security_hub(EnableDefaultStandards=False)
    if config_recording:
        config = session.client("config")
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": role("aws-config"),
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        session.client("s3").create_bucket(
            Bucket="config-delivery", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-delivery"})
        config.start_configuration_recorder(ConfigurationRecorderName="default")


MODELS_BUCKET = "genai-prod-datalake-models-bucket-a4b03af"


def put_model(session: boto3.Session, *files: str) -> None:
    """The models bucket (as the platform stage names it) with `files` under the shipped model prefix."""
    s3 = session.client("s3")
    s3.create_bucket(Bucket=MODELS_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    for name in files:
        s3.put_object(Bucket=MODELS_BUCKET, Key=f"serving/current/{name}", Body=b"{}")


def ready_project(tmp_path: Path, digest: str, verifier: str | None = None, **overrides: Any) -> Path:
    kubernetes = {
        **READY["prod"]["genai-platform:kubernetes"],
        "inferenceImageDigest": digest,
        "modelVerifierImageDigest": verifier or digest,
    }
    return write_project(tmp_path, "prod", {"genai-platform:kubernetes": kubernetes, **overrides})


def preflight(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, str]:
    code = main(["preflight", "--stack", "prod", "--aws", "--project-dir", str(folder)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def test_ready_account_exits_0_and_says_what_it_could_not_check(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    digest = push_image(account)
    apply_account_stage(account)
    put_model(account, "manifest.json", "manifest.sig.json", "model.safetensors")
    code, out = preflight(capsys, ready_project(tmp_path, digest))
    assert code == 0, out
    assert f"OK       genai-platform:kubernetes.modelReady\n         a signed model is at s3://{MODELS_BUCKET}/" in out
    assert f"OK       Security Hub in {REGION}" in out and f"OK       AWS Config recorder in {REGION}" in out
    assert f"OK       genai-platform:deploy.roleArn\n         {role('genai-prod-deploy')} exists" in out
    assert f"genai-prod/inference@{digest} is present" in out
    # moto offers neither Service Quotas for ec2 nor Lambda's account settings: reported, not guessed.
    assert "UNKNOWN  ec2 L-DB2E81BA (Running On-Demand G and VT instances)" in out
    assert "UNKNOWN  lambda L-B99A9384 (Concurrent executions)" in out
    assert "could not check: needs at least 64" in out
    assert "check the UNKNOWN items yourself" in out


def test_the_account_stage_comes_first(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    code, out = preflight(capsys, ready_project(tmp_path, push_image(account)))
    assert code == 1
    assert f"MISSING  Security Hub in {REGION}\n         not enabled: the account stage has not been applied" in out
    assert f"pulumi up --stack {REGION}" in out
    assert f"MISSING  AWS Config recorder in {REGION}\n         no recorder is recording" in out


def test_a_stopped_config_recorder_is_missing(account: boto3.Session) -> None:
    apply_account_stage(account)
    account.client("config").stop_configuration_recorder(ConfigurationRecorderName="default")
    items = account_prerequisites(account.client, settings_from_config({**READY["prod"]}, "prod"))
    (config,) = [i for i in items if i.rule == "config-recording"]
    assert config.status == MISSING and "Security Hub controls" in config.problem
    (hub,) = [i for i in items if i.rule == "account-stage-applied"]
    assert hub.status == OK


def test_no_signed_model_exits_1_naming_the_prefix(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """review N2: the verify-model init container would crash-loop and the cluster stage time out."""
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    digest = push_image(account)
    put_model(account, "model.safetensors")
    code, out = preflight(capsys, ready_project(tmp_path, digest))
    assert code == 1
    assert (
        f"MISSING  genai-platform:kubernetes.modelReady  [cluster stage]\n         no signed model at "
        f"s3://{MODELS_BUCKET}/serving/current/ (manifest.json, manifest.sig.json absent)"
    ) in out


def test_undeclared_model_is_a_check_not_a_failure(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    digest = push_image(account)
    kubernetes = {**READY["prod"]["genai-platform:kubernetes"], "inferenceImageDigest": digest}
    project = write_project(tmp_path, "prod", {"genai-platform:kubernetes": {**kubernetes, "modelReady": False}})
    _, out = preflight(capsys, project)
    assert "CHECK    genai-platform:kubernetes.modelReady" in out and "no models bucket yet" in out


def test_verifier_image_not_pushed_exits_1(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """review N3: the init image is a different image from the model server's."""
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    digest = push_image(account)
    put_model(account, "manifest.json", "manifest.sig.json")
    verifier = "sha256:" + hashlib.sha256(b"verifier").hexdigest()
    code, out = preflight(capsys, ready_project(tmp_path, digest, verifier))
    assert code == 1
    assert "MISSING  genai-platform:kubernetes.modelVerifierImageDigest  [cluster stage]" in out
    assert f"genai-prod/inference has no image {verifier}" in out
    assert "builds images/model-verifier" in out
    assert f"genai-prod/inference@{digest} is present" in out  # the model server's own digest passes


def test_missing_role_exits_1(account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-ci-push")
    code, out = preflight(capsys, ready_project(tmp_path, push_image(account)))
    assert code == 1
    assert f"MISSING  genai-platform:deploy.roleArn\n         {role('genai-prod-deploy')}: no such role" in out


def test_role_of_another_account_exits_1(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy")
    other = {"genai-platform:ecr": {"ciPushRoleArn": "arn:aws:iam::135792468013:role/ci"}}
    code, out = preflight(capsys, ready_project(tmp_path, push_image(account), **other))
    assert code == 1
    assert "is in account 135792468013, but the credentials are for account 246813579024" in out


def test_image_not_pushed_exits_1(account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    push_image(account)
    other = "sha256:af31e2b7c7f89834c4e5219860def7ac2e49a207b3d4e8610d5a26772b7738e5"
    code, out = preflight(capsys, ready_project(tmp_path, other))
    assert code == 1
    assert f"genai-prod/inference has no image {other}" in out


def test_repository_not_created_yet_exits_1(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    code, out = preflight(capsys, ready_project(tmp_path, "sha256:" + hashlib.sha256(b"model-server").hexdigest()))
    assert code == 1
    assert "repository genai-prod/inference does not exist yet" in out


def test_placeholders_are_not_looked_up(account: boto3.Session, capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped prod config: its placeholder roles and digest are reported once, as placeholders."""
    code = main(["preflight", "--stack", "prod", "--aws"])
    out = capsys.readouterr().out
    assert code == 1
    assert "no such role" not in out and "does not exist yet" not in out
    assert "123456789012 is an AWS documentation example" in out


def test_quota_shortfalls_are_missing_with_the_request_to_make(
    account: boto3.Session, prod_plan: dict[str, Any]
) -> None:
    settings = settings_from_config({**READY["prod"]}, "prod")
    quotas = account.client("service-quotas")
    lambda_ = account.client("lambda")
    with Stubber(quotas) as quota_stub, Stubber(lambda_) as lambda_stub:
        lambda_stub.add_response(
            "get_account_settings", {"AccountLimit": {"ConcurrentExecutions": 10, "UnreservedConcurrentExecutions": 10}}
        )
        for code, value in (("L-1216C47A", 32.0), ("L-DB2E81BA", 8.0)):
            quota_stub.add_response(
                "get_service_quota",
                {"Quota": {"QuotaCode": code, "Value": value}},
                {"ServiceCode": "ec2", "QuotaCode": code},
            )
        stubbed = {"service-quotas": quotas, "lambda": lambda_}
        reservations = lambda_reservations(prod_plan["resources"])
        items = account_prerequisites(lambda name: stubbed.get(name) or account.client(name), settings, reservations)
    by_subject = {i.subject.split(" (")[0]: i for i in items if i.rule == "quota"}
    assert by_subject["lambda L-B99A9384"].status == MISSING
    assert "is 10, needs at least 213" in by_subject["lambda L-B99A9384"].problem
    assert by_subject["ec2 L-DB2E81BA"].status == MISSING
    assert "--quota-code L-DB2E81BA --desired-value 64" in by_subject["ec2 L-DB2E81BA"].fix
    assert by_subject["ec2 L-1216C47A"].status == OK


def test_denied_role_lookup_is_unknown_not_missing(account: boto3.Session) -> None:
    settings = settings_from_config({**READY["prod"]}, "prod")
    iam = account.client("iam")
    with Stubber(iam) as stub:
        for _ in range(3):
            stub.add_client_error("get_role", "AccessDenied", "not authorized to perform iam:GetRole")
        items = account_prerequisites(lambda name: iam if name == "iam" else account.client(name), settings)
    roles = [i for i in items if i.rule == "role-missing"]
    assert roles and all(i.status == UNKNOWN for i in roles)
    assert "AccessDenied" in roles[0].problem and "iam:GetRole" in roles[0].fix


def test_no_credentials_exits_2_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code = main(["preflight", "--stack", "prod", "--aws", "--project-dir", str(write_project(tmp_path, "prod"))])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot reach AWS" in err and "Unable to locate credentials" in err


def test_state_bucket_without_the_per_role_policy_is_missing(account: boto3.Session) -> None:
    """review N6: without it, a pull request's preview role or the dev runner could read prod's state."""
    from infra.preflight.aws import state_policy_checks
    from stacks.state_backend import default_principals, render, state_bucket_policy

    settings = settings_from_config({**READY["dev"]}, "dev")
    s3 = account.client("s3")
    s3.create_bucket(Bucket="acme-pulumi-state", CreateBucketConfiguration={"LocationConstraint": REGION})
    (item,) = state_policy_checks(account.client, settings)
    assert item.status == MISSING and "has no policy" in item.problem
    assert "genai-platform state-policy --bucket acme-pulumi-state" in item.fix
    policy = state_bucket_policy("acme-pulumi-state", default_principals(ACCOUNT, REGION, role("genai-preview")))
    s3.put_bucket_policy(Bucket="acme-pulumi-state", Policy=render(policy))
    (item,) = state_policy_checks(account.client, settings)
    assert item.status == OK


def _self_hosted(classifier_digest: str) -> dict[str, Any]:
    classifier = {"imageDigest": classifier_digest, "modelPrefix": "guard/prompt-guard-2/"}
    return {"genai-platform:filter": {"guard": {"tier": "self-hosted", "classifier": classifier}}}


def test_self_hosted_classifier_image_and_weights_are_checked(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """review S3: the classifier's image and its signed weights, like the model server's."""
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    digest = push_image(account)
    apply_account_stage(account)
    put_model(account, "manifest.json", "manifest.sig.json")
    classifier = "sha256:" + hashlib.sha256(b"tei").hexdigest()
    code, out = preflight(capsys, ready_project(tmp_path, digest, **_self_hosted(classifier)))
    assert code == 1
    assert "MISSING  genai-platform:filter.guard.classifier.imageDigest  [cluster stage]" in out
    assert f"genai-prod/inference has no image {classifier}" in out
    assert (
        "MISSING  genai-platform:filter.guard.classifier.modelPrefix  [cluster stage]\n         no signed model at "
        f"s3://{MODELS_BUCKET}/guard/prompt-guard-2/ (manifest.json, manifest.sig.json absent)"
    ) in out
    for name in ("manifest.json", "manifest.sig.json"):
        account.client("s3").put_object(Bucket=MODELS_BUCKET, Key=f"guard/prompt-guard-2/{name}", Body=b"{}")
    code, out = preflight(capsys, ready_project(tmp_path, digest, **_self_hosted(digest)))
    assert "OK       genai-platform:filter.guard.classifier.modelPrefix\n         a signed model is at s3://" in out
    assert "OK       genai-platform:filter.guard.classifier.imageDigest" in out


def test_classifier_is_not_checked_when_the_tier_does_not_deploy_it(
    account: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_roles(account, "genai-prod-key-admin", "genai-prod-deploy", "genai-ci-push")
    digest = push_image(account)
    put_model(account, "manifest.json", "manifest.sig.json")
    _, out = preflight(capsys, ready_project(tmp_path, digest))  # prod's tier is bedrock
    assert "filter.guard.classifier" not in out


@pytest.mark.parametrize(
    ("analyzers", "status", "text"),
    [
        ([], OK, "none yet: the account stage creates genai-account"),
        (["genai-account"], OK, "genai-account (the account stage's)"),
        (["landing-zone"], CHECK, "accessAnalyzerName: landing-zone"),
    ],
)
def test_an_existing_account_analyzer_must_be_imported(analyzers: list[str], status: str, text: str) -> None:
    """review S5: CreateAnalyzer fails on a second ACCOUNT analyzer in the region (quota 1, not raisable)."""
    from infra.preflight.aws import access_analyzer_checks

    client = boto3.client("accessanalyzer", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    arn = f"arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/"
    found = [
        {"arn": arn + n, "name": n, "type": "ACCOUNT", "createdAt": "2026-01-01T00:00:00Z", "status": "ACTIVE"}
        for n in analyzers
    ]
    with Stubber(client) as stub:
        stub.add_response("list_analyzers", {"analyzers": found}, {"type": "ACCOUNT"})
        (item,) = access_analyzer_checks(lambda _: client, settings_from_config({}, "dev"))
    assert item.status == status and text in item.problem + item.fix
    denied = boto3.client("accessanalyzer", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(denied) as stub:
        stub.add_client_error("list_analyzers", "AccessDeniedException")
        (item,) = access_analyzer_checks(lambda _: denied, settings_from_config({}, "dev"))
    assert item.status == UNKNOWN and "accessanalyzer:ListAnalyzers" in item.fix


def _endpoint_check(response: dict[str, Any] | None, tier: str = "bedrock") -> Any:
    from infra.preflight.aws import bedrock_endpoint_checks

    client = boto3.client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    settings = settings_from_config({"genai-platform:filter": {"guard": {"tier": tier}}}, "dev")
    with Stubber(client) as stub:
        if response is None:
            stub.add_client_error("describe_vpc_endpoint_services", "InvalidServiceName")
        else:
            stub.add_response("describe_vpc_endpoint_services", response)
        return bedrock_endpoint_checks(lambda _: client, settings)


def test_the_bedrock_runtime_endpoint_must_serve_the_filter_azs() -> None:
    """review R1: with the Bedrock tier and failMode closed, an unreachable guardrail blocks every prompt."""
    service = f"com.amazonaws.{REGION}.bedrock-runtime"
    (item,) = _endpoint_check({"ServiceDetails": [{"ServiceName": service, "AvailabilityZones": ["eu-west-1a"]}]})
    assert item.status == CHECK and "1 availability zone" in item.problem and "network.azCount 2" in item.problem
    azs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    (item,) = _endpoint_check({"ServiceDetails": [{"ServiceName": service, "AvailabilityZones": azs}]})
    assert item.status == OK
    (item,) = _endpoint_check(None)
    assert item.status == MISSING and service in item.problem
    assert _endpoint_check(None, tier="self-hosted") == []
