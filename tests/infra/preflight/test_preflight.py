"""`genai-platform preflight` offline: the shipped stacks name their placeholders and exit 1; a ready
config exits 0; every item says which key to set and to what."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from infra.cli import main
from stacks.prerequisites import (
    CHECK,
    MISSING,
    PLACEHOLDER_RULES,
    cluster_blockers,
    deploy_blockers,
    instance_vcpus,
    lambda_reservations,
    offline_prerequisites,
    placeholder_problem,
    quota_needs,
)
from stacks.settings import settings_from_config

sys.path.insert(0, str(Path(__file__).parent))
from ready_config import READY, write_project


def preflight(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["preflight", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_shipped_prod_exits_1_naming_its_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = preflight(capsys, "--stack", "prod")
    assert code == 1
    for key in (
        "kms.keyAdministratorRoleArns.0",
        "deploy.roleArn",
        "kubernetes.inferenceImageDigest",
        "kubernetes.modelVerifierImageDigest",
        "kubernetes.devicePluginImage",
        "monitoring.alarmEmails.0",
    ):
        assert f"MISSING  genai-platform:{key}" in out, key
    assert "123456789012 is an AWS documentation example" in out
    assert "lambda L-B99A9384 (Concurrent executions)\n         needs at least 213" in out
    assert "Traceback" not in out


def test_shipped_dev_names_the_documentation_cidr_and_the_missing_deploy_role(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = preflight(capsys, "--stack", "dev")
    assert code == 1
    assert "MISSING  genai-platform:eks.publicAccessCidrs.0" in out
    assert "203.0.113.0/24 is inside the documentation range" in out
    assert "MISSING  genai-platform:deploy.roleArn" in out
    assert "MISSING  genai-platform:ecr.ciPushRoleArn" in out
    # dev runs the self-hosted guard classifier: its image digest is a placeholder until pinned
    assert "MISSING  genai-platform:filter.guard.classifier.imageDigest" in out
    assert "text-embeddings-inference" in out


def test_the_classifier_image_is_not_asked_for_where_the_tier_does_not_deploy_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = preflight(capsys, "--stack", "prod")  # prod's tier is bedrock
    assert "filter.guard.classifier" not in out


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_ready_config_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str], stack: str) -> None:
    code, out, _ = preflight(capsys, "--stack", stack, "--project-dir", str(write_project(tmp_path, stack)))
    assert code == 0, out
    assert "MISSING" not in out
    assert "0 missing" in out


def test_every_item_says_how_to_fix_it() -> None:
    config = {"genai-platform:environment": "prod", **{}}
    _, items = offline_prerequisites(
        {
            **config,
            "genai-platform:monitoring": {"alarmEmails": ["a@example.com"]},
            "genai-platform:kms": {"keyAdministratorRoleArns": ["arn:aws:iam::111122223333:role/k"]},
        },
        "prod",
    )
    assert items
    for item in items:
        assert item.fix.strip(), item
        assert item.subject.startswith(("genai-platform:", "lambda ", "ec2 ")), item


def test_quotas_are_named_by_their_service_quotas_codes(prod_plan: dict[str, Any]) -> None:
    settings = settings_from_config(
        {**READY["prod"], "genai-platform:kms": {"keyAdministratorRoleArns": ["arn:aws:iam::246813579024:role/k"]}},
        "prod",
    )
    reservations = lambda_reservations(prod_plan["resources"])
    # every function of the plan, not only the ones someone listed (review N5: response and blocklist)
    assert reservations == {
        "genai-prod-filter": 100,
        "genai-prod-findings-report": 2,
        "genai-prod-ingest-scanner": 5,
        "genai-prod-rotation": 2,
        "genai-prod-response": 2,
        "genai-prod-source-blocklist": 2,
    }
    needs = {need.quota.code: need.required for need in quota_needs(settings, reservations)}
    assert needs["L-B99A9384"] == 213  # 113 reserved, plus the 100 Lambda keeps unreserved
    # prod's GPU group: up to 8 on-demand g6.2xlarge (8 vCPUs each)
    assert needs["L-DB2E81BA"] == 64
    assert "L-3819A6DF" not in needs


def test_dev_spot_gpus_count_against_the_spot_quota_and_no_lambda_reservation() -> None:
    needs = {need.quota.code: need.required for need in quota_needs(settings_from_config({}, "dev"))}
    assert needs["L-3819A6DF"] == 2 * 4  # up to 2 spot g5/g6.xlarge
    assert "L-DB2E81BA" not in needs
    assert "L-B99A9384" not in needs  # dev reserves no concurrency


@pytest.mark.parametrize(
    ("instance_type", "vcpus"),
    [("g5.xlarge", 4), ("g6.2xlarge", 8), ("p5.48xlarge", 192), ("m6i.large", 2), ("g6e.12xlarge", 48)],
)
def test_instance_vcpus(instance_type: str, vcpus: int) -> None:
    assert instance_vcpus(instance_type) == vcpus


@pytest.mark.parametrize("rule", PLACEHOLDER_RULES, ids=lambda r: r.name)
def test_placeholder_rule_flags_its_examples_and_not_its_counterexamples(rule: Any) -> None:
    for example in rule.examples:
        assert rule.finds(example), (rule.name, example)
    for counterexample in rule.counterexamples:
        assert placeholder_problem(counterexample) is None, (rule.name, counterexample)


def test_quota_items_are_checks_not_failures() -> None:
    _, items = offline_prerequisites({**READY["dev"]}, "dev")
    assert [i for i in items if i.status == MISSING] == []
    assert {i.status for i in items} == {CHECK}


def test_invalid_settings_exit_1_with_the_key_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_project(tmp_path, "dev", {"genai-platform:deploy": {"roleArn": "arn:aws:iam::246813579024:root"}})
    code, out, err = preflight(capsys, "--stack", "dev", "--project-dir", str(folder))
    assert code == 1
    assert "genai-platform:deploy.roleArn" in err and "not the account root" in err
    assert "Traceback" not in out + err


def test_unpreviewable_plan_leaves_the_lambda_quota_unknown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from infra.preflight import command
    from infra.preview import stages
    from infra.preview.engine import PreviewError

    def fail(*_: Any, **__: Any) -> Any:
        raise PreviewError("boom")

    monkeypatch.undo()
    monkeypatch.setattr(stages, "preview_stages", fail)
    assert command.plan_reservations("dev", Path("."))[0] is None
    monkeypatch.setattr(command, "plan_reservations", lambda *_: (None, "boom"))
    _, out, _ = preflight(capsys, "--stack", "dev")
    assert "UNKNOWN  lambda L-B99A9384" in out and "boom" in out


def test_unknown_stack_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = preflight(capsys, "--stack", "staging")
    assert code == 2
    assert "Pulumi.staging.yaml" in err and "known stacks: dev, prod" in err


def test_stack_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["preflight"])
    assert exit_.value.code == 2
    assert "--stack" in capsys.readouterr().err


def test_each_stage_refuses_only_its_own_placeholders() -> None:
    """review N8: the platform stage creates the repositories the cluster stage's images go to."""
    from stacks.settings import as_dict
    from stacks.stack_config import find_project_file, read_stack_config

    config, _ = read_stack_config(find_project_file(Path(__file__).resolve().parents[3]), "prod", required=True)
    platform = {i.subject for i in deploy_blockers(config, "prod", "platform")}
    cluster = {i.subject for i in deploy_blockers(config, "prod", "cluster")}
    assert "genai-platform:deploy.roleArn" in platform
    assert not any(s.startswith("genai-platform:kubernetes.") for s in platform)
    expected = {
        "genai-platform:kubernetes.inferenceImageDigest",
        "genai-platform:kubernetes.modelVerifierImageDigest",
        "genai-platform:kubernetes.devicePluginImage",
    }
    assert expected <= cluster
    forwarded = as_dict(settings_from_config(config, "prod").kubernetes)
    assert expected <= {i.subject for i in cluster_blockers(forwarded)}
    for item in cluster_blockers(forwarded):
        assert "push the model server image to genai-<env>/inference, then" not in item.fix


def test_the_classifier_digest_blocks_only_the_cluster_stage() -> None:
    """review S2: the platform stage creates genai-<env>/inference, where the classifier image goes."""
    from stacks.settings import as_dict
    from stacks.stack_config import find_project_file, read_stack_config

    config, _ = read_stack_config(find_project_file(Path(__file__).resolve().parents[3]), "dev", required=True)
    config = {**config, "genai-platform:filter": {"guard": {"tier": "self-hosted"}}}
    subject = "genai-platform:filter.guard.classifier.imageDigest"
    assert subject not in {i.subject for i in deploy_blockers(config, "dev", "platform")}
    (item,) = [i for i in deploy_blockers(config, "dev", "cluster") if i.subject == subject]
    assert "crane digest" in item.fix and "describe-images" not in item.fix
    settings = settings_from_config(config, "dev")
    forwarded = cluster_blockers(as_dict(settings.kubernetes), as_dict(settings.filter.guard.classifier))
    assert subject in {i.subject for i in forwarded}
