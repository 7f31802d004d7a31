"""The filter Lambda's deployment, asserted on the plan's recorded inputs; and deterministic packaging."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from components.lambda_package import build_package, zip_bytes
from tests.conftest import ROOT, Plan, Resource, as_list, policy, resources, statements

FUNCTION = "aws:lambda/function:Function"


def env(plan: Plan) -> str:
    return str(plan["stack"])


def one(plan: Plan, type_: str, name: str) -> Resource:
    found = [r for r in resources(plan, type_) if r["name"] == name]
    assert len(found) == 1, (type_, name)
    return found[0]


def filters(plan: Plan, type_: str) -> list[Resource]:
    """The filter's own resources of a type (the scanner has a signing chain of its own)."""
    return [r for r in resources(plan, type_) if r["name"].startswith(f"genai-{plan['stack']}-filter-")]


def function(plan: Plan) -> Resource:
    return one(plan, FUNCTION, f"genai-{env(plan)}-filter-function")


def inputs(plan: Plan) -> dict[str, Any]:
    found: dict[str, Any] = function(plan)["inputs"]
    return found


def settings_of(plan: Plan) -> Any:
    from stacks.settings import settings_from_config

    return settings_from_config(plan["config"], env(plan))


def role_statements(plan: Plan) -> list[dict[str, Any]]:
    document = policy(one(plan, "aws:iam/rolePolicy:RolePolicy", f"genai-{env(plan)}-filter-access"))
    return statements(document)


def secret_arns(plan: Plan) -> set[str]:
    return {s["outputs"]["arn"] for s in resources(plan, "aws:secretsmanager/secret:Secret")}


def test_function_name_runtime_and_architecture(plan: Plan) -> None:
    assert inputs(plan)["name"] == f"genai-{env(plan)}-filter"
    assert inputs(plan)["runtime"] == "python3.12"
    assert inputs(plan)["architectures"] == ["arm64"]
    assert inputs(plan)["handler"] == "handler.handler"


def test_sizing_comes_from_settings(plan: Plan) -> None:
    f = settings_of(plan).filter
    assert inputs(plan).get("reservedConcurrentExecutions") == (f.reserved_concurrency or None)
    assert inputs(plan)["timeout"] == f.timeout_seconds
    assert inputs(plan)["memorySize"] == f.memory_mb


def test_tracing_is_active(plan: Plan) -> None:
    assert inputs(plan)["tracingConfig"] == {"mode": "Active"}


def test_logs_go_as_json_to_its_own_encrypted_group(plan: Plan) -> None:
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", f"genai-{env(plan)}-filter-logs-group")["inputs"]
    assert group["name"] == f"/aws/lambda/genai-{env(plan)}-filter"
    assert group["kmsKeyId"].startswith("arn:aws:kms:")
    assert group["retentionInDays"] == settings_of(plan).log_retention_days
    assert inputs(plan)["loggingConfig"]["logGroup"] == group["name"]
    assert inputs(plan)["loggingConfig"]["logFormat"] == "JSON"


def test_environment_is_encrypted_with_a_cmk(plan: Plan) -> None:
    keys = {k["outputs"]["arn"] for k in resources(plan, "aws:kms/key:Key")}
    assert inputs(plan)["kmsKeyArn"] in keys


def test_environment_holds_only_arns_for_secrets(plan: Plan) -> None:
    variables = inputs(plan)["environment"]["variables"]
    assert function(plan).get("secretPaths", []) == []
    assert {variables["FILTER_HMAC_SECRET_ARN"], variables["FILTER_BACKEND_SECRET_ARN"]} == secret_arns(plan)
    for name, value in variables.items():
        if any(word in name for word in ("SECRET", "KEY", "TOKEN", "PASSWORD")):
            assert value.startswith("arn:aws:secretsmanager:"), name


def test_environment_is_accepted_by_the_filter_config(plan: Plan) -> None:
    from genai_filter import config

    loaded = config.load(inputs(plan)["environment"]["variables"])
    f = settings_of(plan).filter
    assert loaded.max_body_bytes == f.max_body_bytes
    assert loaded.max_text_chars == f.max_text_chars
    assert loaded.screen_budget_ms == f.screen_budget_ms
    assert loaded.read_timeout == f.backend_read_timeout_seconds
    assert dict(loaded.input_actions) == dict(f.input_actions)
    assert loaded.redaction_mode == "pseudonym"


def package_path(plan: Plan) -> str:
    """The package the plan deploys: the archive itself, or (signed in prod) the object uploaded for signing."""
    if "code" in inputs(plan):
        path: str = inputs(plan)["code"]["archive"]["path"]
        return path
    unsigned = filters(plan, "aws:s3/bucketObjectv2:BucketObjectv2")
    assert len(unsigned) == 1
    source: str = unsigned[0]["inputs"]["source"]["asset"]["path"]
    return source


def test_code_is_packaged_deterministically(plan: Plan) -> None:
    path = package_path(plan)
    assert Path(path).name.startswith("filter-") and path.endswith(".zip")
    data, _ = zip_bytes(ROOT / "lambdas" / "filter")
    digest = hashlib.sha256(data)
    assert Path(path).name == f"filter-{digest.hexdigest()[:16]}.zip"
    assert inputs(plan)["sourceCodeHash"] == base64.b64encode(digest.digest()).decode()


def test_vpc_attached_in_the_lambda_subnets(plan: Plan) -> None:
    vpc = inputs(plan)["vpcConfig"]
    assert len(vpc["subnetIds"]) >= 2
    assert len(vpc["securityGroupIds"]) == 1


def test_security_group_egress_reaches_only_backend_and_endpoints(plan: Plan) -> None:
    sg = one(plan, "aws:ec2/securityGroup:SecurityGroup", f"genai-{env(plan)}-filter-sg")
    assert inputs(plan)["vpcConfig"]["securityGroupIds"] == [sg["id"]]
    assert "egress" not in sg["inputs"] or sg["inputs"]["egress"] == []
    rules = [
        r
        for r in resources(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        if r["inputs"]["securityGroupId"] == sg["id"]
    ]
    s = settings_of(plan)
    assert len(rules) == (3 if s.filter.guard.tier == "self-hosted" else 2)
    for rule in rules:
        assert rule["inputs"].get("cidrIpv4") != "0.0.0.0/0"
        assert rule["inputs"]["ipProtocol"] == "tcp"
    by_port = {r["inputs"]["fromPort"]: r["inputs"] for r in rules}
    assert by_port[s.kubernetes.inference_port]["cidrIpv4"] == s.network.vpc_cidr
    assert by_port[443]["referencedSecurityGroupId"].startswith("sg-")
    if s.filter.guard.tier == "self-hosted":
        assert by_port[s.filter.guard.classifier.port]["cidrIpv4"] == s.network.vpc_cidr


def test_no_ingress_rules_on_the_function_security_group(plan: Plan) -> None:
    sg = one(plan, "aws:ec2/securityGroup:SecurityGroup", f"genai-{env(plan)}-filter-sg")
    ingress = resources(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert not [r for r in ingress if r["inputs"]["securityGroupId"] == sg["id"]]
    assert not sg["inputs"].get("ingress")


def test_role_is_assumable_by_lambda_only(plan: Plan) -> None:
    role = one(plan, "aws:iam/role:Role", f"genai-{env(plan)}-filter-role")
    assert inputs(plan)["role"] == role["outputs"]["arn"]
    # Prefix-named: a replacement never collides with the old role (lifecycle-reserved-names).
    assert "name" not in role["inputs"] and role["inputs"]["namePrefix"] == f"genai-{env(plan)}-filter-"
    (trust,) = statements(policy(role, "assumeRolePolicy"))
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]


def test_role_has_no_wildcard_action(plan: Plan) -> None:
    for statement in role_statements(plan):
        for action in as_list(statement["Action"]):
            assert action != "*" and not action.endswith(":*"), statement["Sid"]


def test_role_reads_only_its_own_secrets(plan: Plan) -> None:
    secret_statements = [
        s for s in role_statements(plan) if any(a.startswith("secretsmanager:") for a in as_list(s["Action"]))
    ]
    assert len(secret_statements) == 1
    assert set(as_list(secret_statements[0]["Resource"])) == secret_arns(plan)
    assert "secretsmanager:GetSecretValue" in secret_statements[0]["Action"]
    assert "secretsmanager:PutSecretValue" not in secret_statements[0]["Action"]


def test_role_decrypts_only_through_lambda_and_secrets_manager(plan: Plan) -> None:
    kms = [s for s in role_statements(plan) if any(a.startswith("kms:") for a in as_list(s["Action"]))]
    if settings_of(plan).filter.guard.tier == "bedrock":  # and the guardrail's key, to apply it (decrypt only)
        guardrail_key = one(plan, "aws:kms/key:Key", f"genai-{env(plan)}-guardrail-key")["outputs"]["arn"]
        (guard,) = [s for s in kms if s["Resource"] == guardrail_key]
        assert guard["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
        kms.remove(guard)
    assert len(kms) == 1
    assert kms[0]["Resource"] == inputs(plan)["kmsKeyArn"]
    assert sorted(kms[0]["Condition"]["StringEquals"]["kms:ViaService"]) == [
        "lambda.eu-west-1.amazonaws.com",
        "secretsmanager.eu-west-1.amazonaws.com",
    ]
    assert "kms:Encrypt" not in kms[0]["Action"]


def test_role_writes_only_its_own_log_group(plan: Plan) -> None:
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", f"genai-{env(plan)}-filter-logs-group")
    logs = [s for s in role_statements(plan) if any(a.startswith("logs:") for a in as_list(s["Action"]))]
    assert len(logs) == 1
    arn = group["outputs"]["arn"]
    assert set(as_list(logs[0]["Resource"])) == {arn, f"{arn}:log-stream:*"}


def test_only_xray_is_granted_on_any_resource(plan: Plan) -> None:
    for statement in role_statements(plan):
        if "*" in as_list(statement.get("Resource", [])):
            assert all(a.startswith("xray:") for a in as_list(statement["Action"])), statement["Sid"]


def test_eni_actions_come_from_the_managed_policy(plan: Plan) -> None:
    attachment = one(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"genai-{env(plan)}-filter-vpc-access")
    assert attachment["inputs"]["policyArn"] == "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


def test_every_lambda_permission_carries_a_source_arn(plan: Plan) -> None:
    permissions = resources(plan, "aws:lambda/permission:Permission")
    assert permissions
    for permission in permissions:
        assert permission["inputs"]["sourceArn"], permission["name"]
        assert permission["inputs"]["principal"] != "*"


def test_prod_enforces_code_signing(prod_plan: Plan) -> None:
    config = filters(prod_plan, "aws:lambda/codeSigningConfig:CodeSigningConfig")[0]
    profile = filters(prod_plan, "aws:signer/signingProfile:SigningProfile")[0]
    assert profile["inputs"]["platformId"] == "AWSLambda-SHA384-ECDSA"
    assert config["inputs"]["policies"] == {"untrustedArtifactOnDeployment": "Enforce"}
    assert config["inputs"]["allowedPublishers"]["signingProfileVersionArns"] == [profile["outputs"]["versionArn"]]
    assert inputs(prod_plan)["codeSigningConfigArn"] == config["outputs"]["arn"]


def test_prod_deploys_the_object_the_signing_job_signed(prod_plan: Plan) -> None:
    job = filters(prod_plan, "aws:signer/signingJob:SigningJob")[0]
    unsigned = filters(prod_plan, "aws:s3/bucketObjectv2:BucketObjectv2")[0]
    profile = filters(prod_plan, "aws:signer/signingProfile:SigningProfile")[0]
    assert job["inputs"]["profileName"] == profile["outputs"]["name"]
    assert profile["outputs"]["name"].startswith(profile["inputs"]["namePrefix"])
    assert job["inputs"]["source"]["s3"]["key"] == unsigned["inputs"]["key"]
    assert job["inputs"]["source"]["s3"]["version"] == unsigned["outputs"]["versionId"]
    assert job["inputs"]["ignoreSigningJobFailure"] is False
    signed = job["outputs"]["signedObjects"][0]["s3s"][0]
    assert (inputs(prod_plan)["s3Bucket"], inputs(prod_plan)["s3Key"]) == (signed["bucket"], signed["key"])
    assert "code" not in inputs(prod_plan)


def test_prod_signing_profile_is_autonamed(prod_plan: Plan) -> None:
    """Signer keeps a canceled profile's name for two years: a fixed name breaks any replacement."""
    profile = filters(prod_plan, "aws:signer/signingProfile:SigningProfile")[0]
    assert "name" not in profile["inputs"]
    assert profile["inputs"]["namePrefix"] == "genai_prod_filter_"


def test_prod_upload_waits_for_versioning_and_encryption(prod_plan: Plan) -> None:
    """Without versioning the object has no VersionId and the signing job cannot start."""
    unsigned = filters(prod_plan, "aws:s3/bucketObjectv2:BucketObjectv2")[0]
    waits_for = {
        r["type"]
        for r in prod_plan["resources"]
        if r["urn"] in unsigned["dependencies"] and r["inputs"].get("bucket") == unsigned["inputs"]["bucket"]
    }
    assert {
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    } <= waits_for


def test_prod_package_is_signed_again_in_each_renewal_period(prod_plan: Plan) -> None:
    from datetime import UTC, datetime

    from stacks.edge import signing_period

    unsigned = filters(prod_plan, "aws:s3/bucketObjectv2:BucketObjectv2")[0]
    renewal = settings_of(prod_plan).filter.signature_renewal_days
    period = signing_period(datetime.now(UTC).date(), renewal)
    assert unsigned["inputs"]["key"].startswith(f"unsigned/period-{period}/")


def test_dev_does_not_sign(dev_plan: Plan) -> None:
    assert resources(dev_plan, "aws:lambda/codeSigningConfig:CodeSigningConfig") == []
    assert "codeSigningConfigArn" not in inputs(dev_plan)


# --- packaging ---------------------------------------------------------------------------------


def make_tree(root: Path) -> None:
    (root / "pkg").mkdir(parents=True)
    (root / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "__pycache__").mkdir()
    (root / "pkg" / "__pycache__" / "x.cpython-312.pyc").write_bytes(b"\0cache")
    (root / "pkg" / "stale.pyc").write_bytes(b"\0")


def test_zip_is_byte_identical_whatever_the_timestamps(tmp_path: Path) -> None:
    make_tree(tmp_path / "a")
    first, _ = zip_bytes(tmp_path / "a")
    for path in (tmp_path / "a").rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    second, _ = zip_bytes(tmp_path / "a")
    assert first == second


def test_zip_leaves_out_caches_and_sorts_entries(tmp_path: Path) -> None:
    make_tree(tmp_path / "a")
    _, names = zip_bytes(tmp_path / "a")
    assert names == ("handler.py", "pkg/__init__.py")


def test_zip_entries_have_fixed_metadata(tmp_path: Path) -> None:
    make_tree(tmp_path / "a")
    package = build_package(tmp_path / "a", tmp_path / "build", "demo")
    with zipfile.ZipFile(package.path) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o644


def test_package_name_and_hash_follow_the_content(tmp_path: Path) -> None:
    make_tree(tmp_path / "a")
    before = build_package(tmp_path / "a", tmp_path / "build", "demo")
    (tmp_path / "a" / "handler.py").write_text("def handler(e, c):\n    return 2\n")
    after = build_package(tmp_path / "a", tmp_path / "build", "demo")
    assert before.path != after.path
    assert before.source_code_hash != after.source_code_hash
    assert hashlib.sha256(after.path.read_bytes()).hexdigest() == after.sha256_hex


def test_empty_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no files"):
        zip_bytes(tmp_path / "empty")


def test_backend_url_is_a_private_vpc_name_not_a_cluster_name(plan: Plan) -> None:
    """The NLB comes later (cluster stage), so the filter calls a fixed name in the VPC's private zone;
    tests/stages/test_stages.py checks that the cluster stage points it at the NLB."""
    function = next(
        r for r in resources(plan, "aws:lambda/function:Function") if r["name"].endswith("-filter-function")
    )
    url = function["inputs"]["environment"]["variables"]["FILTER_BACKEND_URL"]
    assert url == f"http://model-server.genai-{plan['stack']}.internal:8000"
    assert "cluster.local" not in url


def test_dev_reserves_no_concurrency(dev_plan: Plan) -> None:
    """A new account's concurrency quota can be 10 and Lambda keeps 100 unreserved: any reservation fails.
    0 must mean "no reservation", never a reservation of 0 (which throttles every call)."""
    assert settings_of(dev_plan).filter.reserved_concurrency == 0
    assert "reservedConcurrentExecutions" not in inputs(dev_plan)
    (rotation,) = [
        r for r in resources(dev_plan, "aws:lambda/function:Function") if r["name"].endswith("-rotation-function")
    ]
    assert "reservedConcurrentExecutions" not in rotation["inputs"]


def test_prod_reserves_concurrency_from_settings(prod_plan: Plan) -> None:
    s = settings_of(prod_plan)
    assert inputs(prod_plan)["reservedConcurrentExecutions"] == s.filter.reserved_concurrency == 100
    (rotation,) = [
        r for r in resources(prod_plan, "aws:lambda/function:Function") if r["name"].endswith("-rotation-function")
    ]
    assert rotation["inputs"]["reservedConcurrentExecutions"] == s.secrets.rotation_reserved_concurrency == 2
