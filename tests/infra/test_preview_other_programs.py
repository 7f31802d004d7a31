"""Other teams' programs under the offline preview: paths, config, invokes, imports, numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.infra.test_preview import cli, make_program


def _plan(tmp_path: Path, *args: str, cwd: Path | None = None) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    out = tmp_path / "plan.json"
    done = cli("preview", *args, "--no-policy", "--json", str(out), **({"cwd": cwd} if cwd else {}))
    plan = json.loads(out.read_text()) if out.exists() else {}
    return done.returncode, done.stderr, plan


def test_a_relative_program_path_works(tmp_path: Path) -> None:
    (tmp_path / "prog").mkdir()
    make_program(tmp_path / "prog", "import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    code, err, plan = _plan(tmp_path, "--program", "prog", cwd=tmp_path)
    assert code == 0, err
    assert plan["summary"]["resources"] == 1


CONFIG_PROGRAM = """
import pulumi
import pulumi_aws as aws
cfg = pulumi.Config()
password = cfg.require_secret("dbPassword")
def check(value):
    if value == "[secret]" or len(value) < 8:
        raise ValueError("password too short: " + value)
    return value
aws.rds.Instance(
    "db",
    instance_class=cfg.require("size"),
    allocated_storage=cfg.require_int("storage"),
    engine="postgres",
    username="admin",
    password=password.apply(check),
)
"""


def test_config_from_the_command_line_and_a_file(tmp_path: Path) -> None:
    program = make_program(tmp_path, CONFIG_PROGRAM, "config:\n  demo:dbPassword:\n    secure: AAABAMock\n")
    extra = tmp_path / "extra.yaml"
    extra.write_text("config:\n  demo:size: db.t3.large\n  storage: 50\n")
    code, err, plan = _plan(
        tmp_path,
        "--program",
        str(program),
        "--stack",
        "test",
        "--config-file",
        str(extra),
        "--config",
        "size=db.t3.micro",
    )
    assert code == 0, err
    db = next(r for r in plan["resources"] if r["type"] == "aws:rds/instance:Instance")
    assert db["inputs"]["instanceClass"] == "db.t3.micro"  # --config wins over --config-file
    assert db["inputs"]["allocatedStorage"] == 50
    assert db["inputs"]["password"] == "[secret]" and "password" in db["secretPaths"]
    assert plan["config"]["demo:dbPassword"] == "[secret]"


def test_a_secure_value_is_a_plausible_secret_not_the_mark(tmp_path: Path) -> None:
    stack = "config:\n  demo:dbPassword:\n    secure: AAABAMock\n  demo:size: s\n  demo:storage: 5\n"
    program = make_program(tmp_path, CONFIG_PROGRAM, stack)
    code, err, _ = _plan(tmp_path, "--program", str(program), "--stack", "test")
    assert code == 0, err


def test_bad_config_arguments_are_one_clear_line(tmp_path: Path) -> None:
    program = make_program(tmp_path, "import pulumi\n")
    done = cli("preview", "--program", str(program), "--no-policy", "--config", "noequals")
    assert done.returncode == 2 and "--config 'noequals': expected KEY=VALUE" in done.stderr
    assert "Traceback" not in done.stderr
    done = cli("preview", "--program", str(program), "--no-policy", "--config-file", str(tmp_path / "none.yaml"))
    assert done.returncode == 2 and "--config-file" in done.stderr and "cannot read" in done.stderr
    (tmp_path / "list.yaml").write_text("- a\n")
    done = cli("preview", "--program", str(program), "--no-policy", "--config-file", str(tmp_path / "list.yaml"))
    assert done.returncode == 2 and "expected a mapping" in done.stderr


DATA_SOURCE_PROGRAM = """
import json
import pulumi
import pulumi_aws as aws
zone = aws.route53.get_zone(name="example.com")
vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
token = aws.ecr.get_authorization_token()
doc = aws.iam.get_policy_document(statements=[{"actions": ["s3:GetObject"], "resources": ["*"]}])
aws.route53.Record("www", zone_id=zone.zone_id, name="www." + zone.name, type="A", ttl=300, records=["192.0.2.1"])
aws.ec2.SecurityGroup("sg", vpc_id=vpc.id, ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22,
                      "cidr_blocks": [vpc.cidr_block]}])
for i, subnet in enumerate(subnets.ids):
    aws.ec2.Instance(f"web-{i}", ami="ami-0123456789abcdef0", instance_type="t3.micro", subnet_id=subnet)
assert token.user_name == "AWS" and token.proxy_endpoint.startswith("https://"), token
assert json.loads(doc.json)["Statement"][0]["Action"] == ["s3:GetObject"]
"""


def test_data_sources_return_plausible_values_of_their_declared_type(tmp_path: Path) -> None:
    program = make_program(tmp_path, DATA_SOURCE_PROGRAM)
    code, err, plan = _plan(tmp_path, "--program", str(program))
    assert code == 0, err
    by_type = {r["type"]: r for r in plan["resources"]}
    record = by_type["aws:route53/record:Record"]["inputs"]
    assert record["zoneId"].startswith("Z") and record["name"] == "www.example.com"
    group = by_type["aws:ec2/securityGroup:SecurityGroup"]["inputs"]
    assert group["vpcId"].startswith("vpc-") and group["ingress"][0]["cidrBlocks"][0].endswith("/16")
    assert group["ingress"][0]["fromPort"] == 22 and isinstance(group["ingress"][0]["fromPort"], int)
    instances = [r for r in plan["resources"] if r["type"] == "aws:ec2/instance:Instance"]
    assert len({i["inputs"]["subnetId"] for i in instances}) == 3
    assert all(i["inputs"]["subnetId"].startswith("subnet-") for i in instances)


def test_a_mock_values_file_supplies_specific_results(tmp_path: Path) -> None:
    program = make_program(tmp_path, DATA_SOURCE_PROGRAM)
    values = tmp_path / "mocks.json"
    values.write_text(json.dumps({"aws:route53/getZone:getZone": {"zoneId": "Z0123456789ABC"}}))
    code, err, plan = _plan(tmp_path, "--program", str(program), "--mock-values", str(values))
    assert code == 0, err
    record = next(r for r in plan["resources"] if r["type"] == "aws:route53/record:Record")
    assert record["inputs"]["zoneId"] == "Z0123456789ABC"
    values.write_text('{"getZone": 3}')
    code, err, _ = _plan(tmp_path, "--program", str(program), "--mock-values", str(values))
    assert code == 2 and "--mock-values" in err and "expected an object of invoke token" in err


def _fake_venv(path: Path, module: str) -> None:
    site = path / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    site.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (site / f"{module}.py").write_text("BUCKET_NAME = 'from-the-venv'\n")


USES_HELPER = "import pulumi_aws as aws\nimport teamhelpers\naws.s3.Bucket('b', bucket=teamhelpers.BUCKET_NAME)\n"


@pytest.mark.parametrize("venv", ["venv", ".venv", "env/custom"])
def test_the_programs_own_virtualenv_is_used(tmp_path: Path, venv: str) -> None:
    program = make_program(tmp_path, USES_HELPER)
    if venv == "env/custom":
        (program / "Pulumi.yaml").write_text(
            "name: demo\nruntime:\n  name: python\n  options:\n    virtualenv: env/custom\n"
        )
    _fake_venv(program / venv, "teamhelpers")
    code, err, plan = _plan(tmp_path, "--program", str(program))
    assert code == 0, err
    bucket = next(r for r in plan["resources"] if r["type"] == "aws:s3/bucket:Bucket")
    assert bucket["inputs"]["bucket"] == "from-the-venv"


def test_a_missing_package_is_named_with_how_to_add_it(tmp_path: Path) -> None:
    program = make_program(
        tmp_path, "import pulumi\nimport pulumi_random as random\nrandom.RandomPassword('p', length=16)\n"
    )
    (program / "requirements.txt").write_text("pulumi>=3\npulumi-random>=4.2.0\n")
    done = cli("preview", "--program", str(program), "--no-policy")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "imports 'pulumi_random'" in done.stderr and "declared in requirements.txt" in done.stderr
    assert "pip install pulumi-random" in done.stderr and "(at __main__.py:2)" in done.stderr


REMOTE_COMPONENT = """
import pulumi
import pulumi_aws as aws

class Cluster(pulumi.ComponentResource):
    kubeconfig: pulumi.Output[str]

    def __init__(self, name):
        super().__init__("eks:index:Cluster", name, {"kubeconfig": None, "instanceType": "t3.medium"}, None, remote=True)

cluster = Cluster("cluster")
aws.s3.Bucket("b", tags={"kubeconfig": cluster.kubeconfig.apply(str)})
"""


def test_a_remote_component_is_named_in_a_warning_and_the_rest_previews(tmp_path: Path) -> None:
    program = make_program(tmp_path, REMOTE_COMPONENT)
    code, err, plan = _plan(tmp_path, "--program", str(program))
    assert code == 0, err
    assert "warning: resource 'cluster' (eks:index:Cluster) is a remote component" in err
    assert "not visible offline" in err and "Traceback" not in err
    assert plan["warnings"] and any(r["type"] == "aws:s3/bucket:Bucket" for r in plan["resources"])


def test_an_error_raised_in_a_venv_package_points_at_the_programs_line(tmp_path: Path) -> None:
    program = make_program(tmp_path, "import teamhelpers\n\nteamhelpers.fail()\n")
    _fake_venv(program / "venv", "teamhelpers")
    site = next((program / "venv").glob("lib/*/site-packages"))
    (site / "teamhelpers.py").write_text("def fail():\n    raise ValueError('no such zone')\n")
    done = cli("preview", "--program", str(program), "--no-policy")
    assert done.returncode == 2
    assert "ValueError: no such zone (at __main__.py:3)" in done.stderr
