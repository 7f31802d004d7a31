"""The preview command: plan text, the JSON document, and clean errors on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, Plan, resources

URN_PREFIX = "urn:pulumi:dev::genai-platform::"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def make_program(tmp_path: Path, body: str, stack_config: str | None = None, name: str = "demo") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(body))
    if stack_config is not None:
        (tmp_path / "Pulumi.test.yaml").write_text(textwrap.dedent(stack_config))
    return tmp_path


# --- the plan document ------------------------------------------------------------------------------


def test_plan_header(dev_plan: Plan) -> None:
    assert (dev_plan["schemaVersion"], dev_plan["project"], dev_plan["stack"]) == (1, "genai-platform", "dev")


def test_resources_are_sorted_by_urn(dev_plan: Plan) -> None:
    urns = [r["urn"] for r in dev_plan["resources"]]
    assert urns == sorted(urns)


def test_summary_counts_match_resources(dev_plan: Plan) -> None:
    counted = sum(dev_plan["summary"]["byType"].values())
    assert counted == dev_plan["summary"]["resources"] == len(dev_plan["resources"]) - 1  # minus the root stack


def test_urns_are_built_the_way_the_engine_builds_them(dev_plan: Plan) -> None:
    key = next(r for r in resources(dev_plan, "aws:kms/key:Key") if r["name"] == "genai-dev-datalake-raw-key")
    assert key["urn"] == (
        URN_PREFIX + "genai:data:DataLake$genai:security:EncryptionKey$aws:kms/key:Key::genai-dev-datalake-raw-key"
    )
    assert key["parent"] == URN_PREFIX + "genai:data:DataLake$genai:security:EncryptionKey::genai-dev-datalake-raw"


def test_top_level_components_are_children_of_the_stack(dev_plan: Plan) -> None:
    lake = resources(dev_plan, "genai:data:DataLake")[0]
    assert lake["parent"] == URN_PREFIX + "pulumi:pulumi:Stack::genai-platform-dev"


def test_property_dependencies_are_recorded(dev_plan: Plan) -> None:
    versioning = resources(dev_plan, "aws:s3/bucketVersioning:BucketVersioning")[0]
    bucket_urns = {b["urn"] for b in resources(dev_plan, "aws:s3/bucket:Bucket")}
    assert (
        set(versioning["propertyDependencies"]["bucket"]) <= bucket_urns
        and versioning["propertyDependencies"]["bucket"]
    )


def test_inputs_are_camel_case_as_the_engine_sees_them(dev_plan: Plan) -> None:
    key = resources(dev_plan, "aws:kms/key:Key")[0]
    assert "enableKeyRotation" in key["inputs"] and "enable_key_rotation" not in key["inputs"]


def test_mock_outputs_are_realistic_arns(dev_plan: Plan) -> None:
    role = resources(dev_plan, "aws:iam/role:Role")[0]
    assert role["outputs"]["arn"].startswith("arn:aws:iam::123456789012:role/genai-dev-")


# --- the command ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Plan]:
    out = tmp_path_factory.mktemp("preview") / "plan.json"
    done = cli("preview", "--stack", "dev", "--stage", "platform", "--no-policy", "--json", str(out))
    return done, json.loads(out.read_text())


def test_preview_prints_counts_and_one_line_per_resource(
    dev_run: tuple[subprocess.CompletedProcess[str], Plan],
) -> None:
    done, _ = dev_run
    assert done.returncode == 0, done.stderr
    assert "Plan for genai-platform/dev" in done.stdout
    assert "aws:s3/bucket:Bucket" in done.stdout
    lines = [line for line in done.stdout.splitlines() if "  genai-dev-datalake-raw-encryption" in line]
    assert len(lines) == 1 and "sseAlgorithm=aws:kms" in lines[0]


def test_preview_json_is_stable(dev_run: tuple[subprocess.CompletedProcess[str], Plan], dev_plan: Plan) -> None:
    _, plan = dev_run
    assert plan["resources"] == dev_plan["resources"]


def test_secrets_are_masked(tmp_path: Path) -> None:
    program = make_program(
        tmp_path,
        """
        import pulumi
        import pulumi_aws as aws
        cfg = pulumi.Config()
        aws.ssm.Parameter("p", type="SecureString", value=pulumi.Output.secret("hunter2-super-secret"))
        aws.ssm.Parameter("q", type="SecureString", value=cfg.require_secret("token"))
        """,
        "config:\n  demo:token:\n    secure: AAABAHh1bnRlcjI=\n",
    )
    out = tmp_path / "plan.json"
    done = cli("preview", "--program", str(program), "--stack", "test", "--no-policy", "--json", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "hunter2-super-secret" not in text and "AAABAHh1bnRlcjI=" not in text
    plan = json.loads(text)
    params = {r["name"]: r for r in plan["resources"] if r["type"] == "aws:ssm/parameter:Parameter"}
    assert params["p"]["inputs"]["value"] == "[secret]" and params["p"]["secretPaths"] == ["value"]
    assert plan["config"]["demo:token"] == "[secret]"


def test_other_programs_without_stack_file_get_empty_config(tmp_path: Path) -> None:
    program = make_program(tmp_path, "import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    done = cli("preview", "--program", str(program), "--stack", "ci", "--no-policy")
    assert done.returncode == 0, done.stderr
    assert "1 resources" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("preview", "--stack", "qa", "--no-policy"),
            "Pulumi.qa.yaml: stack config file not found (known stacks: dev, prod)",
        ),
        (("preview", "--program", "/nonexistent/dir", "--no-policy"), "--program /nonexistent/dir: no such directory"),
        (("preview", "--bogus"), "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_is_one_clear_line(args: tuple[str, ...], message: str) -> None:
    done = cli(*args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_program_that_raises_is_reported_without_traceback(tmp_path: Path) -> None:
    program = make_program(tmp_path, "import pulumi\nraise RuntimeError('boom: bad wiring')\n")
    done = cli("preview", "--program", str(program), "--stack", "test", "--no-policy")
    assert done.returncode == 2
    assert "error: program failed: RuntimeError: boom: bad wiring (at __main__.py:2)" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_project_that_is_not_python_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: nodejs\n")
    done = cli("preview", "--program", str(tmp_path), "--no-policy")
    assert done.returncode == 2 and "runtime is 'nodejs'" in done.stderr


def test_invalid_settings_name_the_key(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "infra").symlink_to(ROOT / "infra")
    (tmp_path / "Pulumi.test.yaml").write_text(
        "config:\n  genai-platform:environment: dev\n  genai-platform:logRetentionDays: 15\n"
    )
    done = cli("preview", "--program", str(tmp_path), "--stack", "test", "--no-policy")
    assert done.returncode == 2
    assert (
        "invalid stack settings: genai-platform:logRetentionDays: 15 is invalid; CloudWatch allows: 1, 3, 5"
        in done.stderr
    )


def test_malformed_stack_file(tmp_path: Path) -> None:
    program = make_program(tmp_path, "import pulumi\n", "config: [unclosed\n")
    done = cli("preview", "--program", str(program), "--stack", "test", "--no-policy")
    assert done.returncode == 2 and "Pulumi.test.yaml: not valid YAML at line" in done.stderr


@pytest.mark.parametrize(
    "command", [["preview"], ["review"], ["audit"], ["redteam"], ["filter", "evaluate"], ["filter", "serve"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    done = cli(*command, "--help")
    assert done.returncode == 0 and "usage: genai-platform" in done.stdout, done.stderr


def test_unknown_command_is_a_usage_error() -> None:
    done = cli("deploy")
    assert done.returncode == 2 and "invalid choice: 'deploy'" in done.stderr


# --- with the policy pack ---------------------------------------------------------------------------


def test_platform_dev_has_no_mandatory_violations(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = cli("preview", "--stack", "dev", "--quiet", "--json", str(out))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "no mandatory violations" in done.stdout
    section = json.loads(out.read_text())["policy"]
    assert section["summary"]["mandatory"] == 0 and section["policies"] >= 60


INSECURE_PROGRAMS = {
    "aws-s3-bucket-encryption": """
        import pulumi_aws as aws
        bucket = aws.s3.Bucket("data")
        aws.s3.BucketPublicAccessBlock("pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                       ignore_public_acls=True, restrict_public_buckets=True)
    """,
    "aws-ec2-security-group-no-public-ingress": """
        import pulumi_aws as aws
        aws.ec2.SecurityGroup("open", description="demo", vpc_id="vpc-123",
                              ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}])
    """,
    "aws-apigateway-method-authorization": """
        import pulumi_aws as aws
        api = aws.apigateway.RestApi("api")
        aws.apigateway.Method("open", rest_api=api.id, resource_id=api.root_resource_id, http_method="POST",
                              authorization="NONE")
    """,
}


@pytest.mark.parametrize("rule", sorted(INSECURE_PROGRAMS))
def test_insecure_programs_exit_1_and_name_the_rule(tmp_path: Path, rule: str) -> None:
    program = make_program(tmp_path, INSECURE_PROGRAMS[rule])
    done = cli("preview", "--program", str(program), "--stack", "test", "--quiet", "--profile", "platform")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"[mandatory] {rule}" in done.stdout


@pytest.mark.parametrize(
    ("rule", "level"),
    [
        ("aws-ec2-security-group-no-public-ingress", "mandatory"),
        ("aws-apigateway-method-authorization", "mandatory"),
        # S3 encrypts every new object (SSE-S3) since 2023: no CMK is a medium finding, advisory in baseline.
        ("aws-s3-bucket-encryption", "advisory"),
    ],
)
def test_other_programs_get_the_baseline_profile(tmp_path: Path, rule: str, level: str) -> None:
    program = make_program(tmp_path, INSECURE_PROGRAMS[rule])
    done = cli("preview", "--program", str(program), "--stack", "test", "--quiet")
    assert f"[{level}] {rule}" in done.stdout, done.stdout + done.stderr
    if level == "mandatory":
        assert done.returncode == 1
    assert "aws-tags-required" not in done.stdout  # a platform convention, not another team's


def test_a_two_resource_secret_passes_the_baseline(tmp_path: Path) -> None:
    program = make_program(
        tmp_path,
        """
        import pulumi_aws as aws
        key = aws.kms.Key("key", enable_key_rotation=True, deletion_window_in_days=30)
        aws.secretsmanager.Secret("secret", kms_key_id=key.arn)
        """,
    )
    done = cli("preview", "--program", str(program), "--stack", "test", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_pack_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    program = make_program(tmp_path, "import pulumi\n")
    done = cli("preview", "--program", str(program), "--stack", "test", "--policy-pack", str(tmp_path / "nope"))
    assert done.returncode == 2 and done.stderr.startswith("error: policy pack:") and "Traceback" not in done.stderr
