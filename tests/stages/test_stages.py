"""The stages: each previews for dev and prod, singletons live in the account stage only, and each
later stage takes its inputs from the earlier stage's outputs through a stack reference."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.preview.engine import PreviewError, preview_in_subprocess
from tests.conftest import ROOT, Plan, as_list, policy, resources, statements

STAGES = ("account", "platform", "cluster")
ACCOUNT_SINGLETONS = (
    "aws:guardduty/detector:Detector",
    "aws:apigateway/account:Account",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole",
    "aws:securityhub/account:Account",
    "aws:accessanalyzer/analyzer:Analyzer",
    "aws:inspector2/enabler:Enabler",
)


def stages_of(request: pytest.FixtureRequest, env: str) -> dict[str, Plan]:
    found: dict[str, Plan] = request.getfixturevalue(f"{env}_stages")
    return found


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_stage_previews(request: pytest.FixtureRequest, env: str) -> None:
    plans = stages_of(request, env)
    assert tuple(plans) == STAGES
    projects = {name: plan["project"] for name, plan in plans.items()}
    assert projects == {"account": "genai-account", "platform": "genai-platform", "cluster": "genai-cluster"}
    assert plans["account"]["stack"] == "eu-west-1"
    assert plans["platform"]["stack"] == plans["cluster"]["stack"] == env
    assert all(plan["summary"]["resources"] > 5 for plan in plans.values())


@pytest.mark.parametrize("env", ["dev", "prod"])
@pytest.mark.parametrize("type_", ACCOUNT_SINGLETONS)
def test_account_singletons_only_in_the_account_stage(request: pytest.FixtureRequest, env: str, type_: str) -> None:
    plans = stages_of(request, env)
    assert len(resources(plans["account"], type_)) == 1
    assert resources(plans["platform"], type_) == [] and resources(plans["cluster"], type_) == []


def test_platform_has_no_kubernetes_resources(dev_plan: Plan, prod_plan: Plan) -> None:
    for plan in (dev_plan, prod_plan):
        assert not [
            r for r in plan["resources"] if r["type"].startswith(("kubernetes:", "pulumi:providers:kubernetes"))
        ]


def test_node_volume_key_names_the_role_the_account_stage_created(request: pytest.FixtureRequest) -> None:
    plans = stages_of(request, "dev")
    (slr,) = resources(plans["account"], "aws:iam/serviceLinkedRole:ServiceLinkedRole")
    assert slr["inputs"]["awsServiceName"] == "autoscaling.amazonaws.com"
    assert slr["retainOnDelete"] is True
    (key,) = [k for k in resources(plans["platform"], "aws:kms/key:Key") if k["name"].endswith("-node-volumes-key")]
    principals = {json.dumps(s.get("Principal")) for s in statements(policy(key)) if "AutoScaling" in s.get("Sid", "")}
    assert principals == {json.dumps({"AWS": slr["outputs"]["arn"]})}


def test_account_outputs_feed_the_platform(request: pytest.FixtureRequest) -> None:
    plans = stages_of(request, "dev")
    outputs = root_outputs(plans["account"])
    assert {"autoScalingRoleArn", "apiGatewayLoggingRoleArn", "guardDutyDetectorId", "securityHubArn"} <= set(outputs)


def root_outputs(plan: Plan) -> dict[str, object]:
    (root,) = [r for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    found: dict[str, object] = root["outputs"]
    return found


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_cluster_stage_reads_its_inputs_from_the_platform_stack(request: pytest.FixtureRequest, env: str) -> None:
    plans = stages_of(request, env)
    platform, cluster = plans["platform"], plans["cluster"]
    (eks,) = resources(platform, "aws:eks/cluster:Cluster")
    (provider,) = resources(cluster, "pulumi:providers:kubernetes")
    kubeconfig = json.loads(provider["inputs"]["kubeconfig"])
    assert kubeconfig["clusters"][0]["cluster"]["server"] == eks["outputs"]["endpoint"]
    roles = {
        r["inputs"]["serviceAccount"]: r["inputs"]["roleArn"]
        for r in resources(cluster, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    }
    pipeline = root_outputs(platform)["pipelineRoles"]
    assert isinstance(pipeline, dict)
    assert roles == {
        "trainer": pipeline["train"],
        "model-server": pipeline["serve"],
        "ingest": pipeline["ingest"],
        "prepare": pipeline["prepare"],
    }


def test_cluster_stage_without_the_platform_stage_fails_clearly() -> None:
    with pytest.raises(PreviewError, match=r"has no output clusterStage: apply the platform stage"):
        preview_in_subprocess(ROOT / "stages" / "cluster", "dev", require_stack_file=True)


def test_platform_stage_without_the_account_stage_fails_clearly() -> None:
    with pytest.raises(PreviewError, match=r"genai-account/eu-west-1 has no output .*apply the account stage"):
        preview_in_subprocess(ROOT, "dev", require_stack_file=True)


def test_filter_reaches_the_model_through_the_name_the_cluster_stage_points_at_the_nlb(
    request: pytest.FixtureRequest,
) -> None:
    plans = stages_of(request, "prod")  # dev declares no model yet, so it has no model server name (review N2)
    (function,) = [
        f
        for f in resources(plans["platform"], "aws:lambda/function:Function")
        if f["name"].endswith("-filter-function")
    ]
    env = function["inputs"]["environment"]["variables"]
    records = {r["name"]: r for r in resources(plans["cluster"], "aws:route53/record:Record")}
    record = records.pop("genai-prod-model-dns-cname")
    (zone,) = resources(plans["platform"], "aws:route53/zone:Zone")
    assert env["FILTER_BACKEND_URL"] == f"http://{record['inputs']['name']}:8000"
    assert not records  # prod's guard tier is Bedrock: no classifier name
    assert record["inputs"]["zoneId"] == zone["outputs"]["zoneId"]
    assert record["inputs"]["records"][0].startswith("internal-") and ".elb." in record["inputs"]["records"][0]
    assert zone["inputs"]["vpcs"], "the zone must be private to the VPC"


@pytest.mark.parametrize("kind", ["apps/v1:Deployment", "core/v1:Service", "apps/v1:DaemonSet"])
def test_readiness_waits_are_bounded(cluster_plan: Plan, kind: str) -> None:
    for r in resources(cluster_plan, f"kubernetes:{kind}"):
        assert int(r["inputs"]["metadata"]["annotations"]["pulumi.com/timeoutSeconds"]) <= 1800


def test_runner_reaches_the_private_api_server_and_is_admin(dev_plan: Plan) -> None:
    (project,) = resources(dev_plan, "aws:codebuild/project:Project")
    assert project["inputs"]["vpcConfig"]["subnets"]
    assert "pulumi stack select --create" in project["inputs"]["source"]["buildspec"]
    (role,) = [r for r in resources(dev_plan, "aws:iam/role:Role") if r["name"].endswith("-runner-role")]
    (entry,) = [
        e for e in resources(dev_plan, "aws:eks/accessEntry:AccessEntry") if e["name"].endswith("-runner-access")
    ]
    assert entry["inputs"]["principalArn"] == role["outputs"]["arn"]
    (ingress,) = [
        r
        for r in resources(dev_plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r["name"].endswith("-to-api-server")
    ]
    assert ingress["inputs"]["fromPort"] == 443
    statements = {
        st["Sid"]: st
        for r in resources(dev_plan, "aws:iam/rolePolicy:RolePolicy")
        if r["name"].endswith("-runner-policy")
        for st in policy(r)["Statement"]
    }
    # CodeBuild checks the source bucket's owner and region before it downloads the source.
    assert set(statements["S3BucketIdentity"]["Action"]) == {"s3:GetBucketAcl", "s3:GetBucketLocation"}
    (runner_policy,) = [
        r for r in resources(dev_plan, "aws:iam/rolePolicy:RolePolicy") if r["name"].endswith("-runner-policy")
    ]
    # CreateProject with a VPC config checks the EC2 permissions through the (new) service role.
    assert runner_policy["urn"] in project["dependencies"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("env", ["dev", "prod"])
def test_preview_command_covers_every_stage_with_no_violations(tmp_path: Path, env: str) -> None:
    out = tmp_path / "plan.json"
    done = cli("preview", "--stack", env, "--quiet", "--json", str(out))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    for stage in STAGES:
        assert f"=== stage {stage}:" in done.stdout
    document = json.loads(out.read_text())
    assert [s["stage"] for s in document["stages"]] == list(STAGES)
    assert document["policy"]["summary"]["mandatory"] == 0
    assert all(s["policy"]["summary"]["mandatory"] == 0 for s in document["stages"])


def test_preview_one_stage(tmp_path: Path) -> None:
    done = cli("preview", "--stack", "dev", "--stage", "account", "--no-policy")
    assert done.returncode == 0, done.stderr
    assert "=== stage account: genai-account/eu-west-1 ===" in done.stdout and "stage platform" not in done.stdout


def test_account_settings_report_every_problem_at_once() -> None:
    from stacks.settings import SettingsError, account_settings_from_config

    with pytest.raises(SettingsError) as caught:
        account_settings_from_config(
            {
                "aws:region": "eu-west-2",
                "genai-platform:guardDutyDetectorId": "nope",
                "genai-platform:colour": "blue",
                "genai-platform:inspectorEcr": "yes",
            },
            "eu-west-1",
        )
    problems = "\n".join(caught.value.problems)
    assert "genai-platform:colour: unknown setting" in problems
    assert "genai-platform:inspectorEcr" in problems
    assert 'genai-platform:guardDutyDetectorId: "nope" is invalid; expected a 32-hex detector id' in problems
    assert 'aws:region: "eu-west-2" is invalid; the account stage\'s stack is named after its region' in problems


def test_account_stage_imports_what_the_account_already_has(tmp_path: Path) -> None:
    project = tmp_path / "account"
    project.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        (project / name).write_text((ROOT / "stages" / "account" / name).read_text())
    (project / "__main__.py").write_text(
        (project / "__main__.py")
        .read_text()
        .replace("parents[2]", "parents[0]")
        .replace("sys.path.insert(0, str(Path(__file__).resolve().parents[0]))", f"sys.path.insert(0, {str(ROOT)!r})")
    )
    (project / "Pulumi.eu-west-1.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  genai-platform:autoScalingRoleExists: true\n"
        "  genai-platform:guardDutyDetectorId: 0123456789abcdef0123456789abcdef\n"
        "  genai-platform:securityHubExists: true\n"
        "  genai-platform:accessAnalyzerName: landing-zone-analyzer\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from infra.preview.worker import main; sys.exit(main(sys.argv[1:]))",
            str(project),
            "eu-west-1",
            str(tmp_path / "plan.json"),
            "--require-stack-file",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads((tmp_path / "plan.json").read_text())
    imported = {r["type"]: r["importId"] for r in plan["resources"] if "importId" in r}
    assert imported == {
        "aws:iam/serviceLinkedRole:ServiceLinkedRole": (
            "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
        ),
        "aws:guardduty/detector:Detector": "0123456789abcdef0123456789abcdef",
        "aws:securityhub/account:Account": "123456789012",
        # review S5: one ACCOUNT analyzer per region, not raisable: an existing one is imported
        "aws:accessanalyzer/analyzer:Analyzer": "landing-zone-analyzer",
    }
    (analyzer,) = [r for r in plan["resources"] if r["type"] == "aws:accessanalyzer/analyzer:Analyzer"]
    assert analyzer["inputs"]["analyzerName"] == "landing-zone-analyzer" and analyzer["retainOnDelete"]


def test_account_stage_creates_what_a_fresh_account_lacks(account_plan: Plan) -> None:
    assert not [r for r in account_plan["resources"] if "importId" in r]


def test_the_accounts_detector_is_kept(account_plan: Plan) -> None:
    """One detector serves every environment in the account: a destroy must not switch detection off."""
    (detector,) = resources(account_plan, "aws:guardduty/detector:Detector")
    assert (detector["protect"], detector["retainOnDelete"]) == (True, True)
    (hub,) = resources(account_plan, "aws:securityhub/account:Account")
    assert (hub["protect"], hub["retainOnDelete"]) == (True, True)


def test_stage_option_is_refused_with_another_program(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import pulumi\n")
    done = cli("preview", "--program", str(tmp_path), "--stage", "account", "--no-policy")
    assert done.returncode == 2 and "--stage applies to this platform's stages" in done.stderr


STATE_BUCKET = "arn:aws:s3:::example-pulumi-state"
PASSPHRASE = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pulumi-passphrase-AbCdEf"


@pytest.fixture(scope="module")
def runner_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """dev's platform stage with a self-managed state backend for the runner."""
    import yaml

    from infra.preview.stages import preview_stages

    folder = tmp_path_factory.mktemp("runner")
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    project["main"] = str(ROOT / "infra")
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(project))
    stack = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    stack["config"]["genai-platform:runner"] = {"stateBucketArn": STATE_BUCKET, "secretArns": [PASSPHRASE]}
    (folder / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    (staged,) = [p for p in preview_stages("dev", ["platform"], platform_dir=folder) if p.stage.name == "platform"]
    return staged.plan


def test_runner_reaches_a_self_managed_state_backend(runner_plan: Plan) -> None:
    (endpoint,) = [
        e
        for e in resources(runner_plan, "aws:ec2/vpcEndpoint:VpcEndpoint")
        if e["inputs"]["serviceName"].endswith(".s3")
    ]
    by_sid = {s["Sid"]: s for s in statements(policy(endpoint))}
    assert set(by_sid["PulumiStateBuckets"]["Resource"]) == {STATE_BUCKET, f"{STATE_BUCKET}/*"}
    (runner,) = [
        p for p in resources(runner_plan, "aws:iam/rolePolicy:RolePolicy") if p["name"].endswith("-runner-policy")
    ]
    grants = {s["Sid"]: s for s in statements(policy(runner))}
    # its own stacks only (review N6): it reads dev's platform outputs and applies dev's cluster stack
    assert grants["StateBackendList"]["Resource"] == STATE_BUCKET
    assert set(grants["StateBackendRead"]["Resource"]) == {
        f"{STATE_BUCKET}/.pulumi/meta.yaml",
        f"{STATE_BUCKET}/.pulumi/stacks/genai-platform/dev.json*",
        f"{STATE_BUCKET}/.pulumi/stacks/genai-cluster/dev.json*",
        *(f"{STATE_BUCKET}/.pulumi/{kind}/genai-cluster/dev/*" for kind in ("locks", "history", "backups")),
    }
    writes = as_list(grants["StateBackendWrite"]["Resource"])
    assert all("/genai-cluster/dev" in w for w in writes) and not any("prod" in w for w in writes)
    assert grants["DeploySecrets"]["Resource"] == PASSPHRASE


def test_without_a_state_bucket_the_endpoint_admits_none(dev_plan: Plan) -> None:
    (endpoint,) = [
        e for e in resources(dev_plan, "aws:ec2/vpcEndpoint:VpcEndpoint") if e["inputs"]["serviceName"].endswith(".s3")
    ]
    assert "PulumiStateBuckets" not in {s["Sid"] for s in statements(policy(endpoint))}
