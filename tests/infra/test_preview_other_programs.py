"""Other teams' programs under the offline preview: paths, config, invokes, imports, numbers."""

from __future__ import annotations

import json
from pathlib import Path

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
