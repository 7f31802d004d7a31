"""The deploy and pull-request workflows, parsed: stacks, PATH, pack environment, gates, order, concurrency."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
SETUP_ACTION = ROOT / ".github" / "actions" / "pulumi-setup" / "action.yml"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def workflows() -> dict[str, dict[str, Any]]:
    return {p.name: load(p) for p in sorted(WORKFLOWS.glob("*.yml"))}


def jobs_running(command: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(workflow, job id, job) of every job with a `run` step that calls `command`."""
    found = []
    for name, wf in workflows().items():
        for job_id, job in (wf.get("jobs") or {}).items():
            if any(re.search(rf"(^|\s){command}\s", step.get("run", "")) for step in job.get("steps") or []):
                found.append((name, job_id, job))
    return found


def pulumi_lines(job: dict[str, Any]) -> list[str]:
    return [
        line.strip()
        for step in job.get("steps") or []
        for line in step.get("run", "").splitlines()
        if re.match(r"\s*pulumi\s", line)
    ]


def test_some_jobs_run_pulumi() -> None:
    assert len(jobs_running("pulumi")) >= 5


def test_every_stack_is_selected_with_create_before_use() -> None:
    for name, job_id, job in jobs_running("pulumi"):
        lines = pulumi_lines(job)
        selects = [i for i, line in enumerate(lines) if line.startswith("pulumi stack select")]
        assert selects, (name, job_id, "never selects its stack")
        assert all("--create" in lines[i] for i in selects), (name, job_id)
        assert selects[0] == 0, (name, job_id, "uses a stack before selecting it", lines)


def test_uv_on_path_and_pack_environment_for_every_pulumi_job() -> None:
    setup = load(SETUP_ACTION)
    steps = setup["runs"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "make setup" in runs
    assert re.search(r"\.tools/bin\"? >> \"?\$GITHUB_PATH", runs), "uv is not put on PATH"
    assert "import pulumi_policy" in runs
    assert any(str(s.get("uses", "")).startswith("pulumi/actions@") for s in steps)
    for name, job_id, job in jobs_running("pulumi"):
        uses = [s.get("uses") for s in job["steps"]]
        assert "./.github/actions/pulumi-setup" in uses, (name, job_id)


def test_policy_pack_runs_in_the_locked_environment() -> None:
    pack = load(ROOT / "policies" / "PulumiPolicy.yaml")
    options = pack["runtime"]["options"]
    assert pack["runtime"]["name"] == "python"
    assert (ROOT / "policies" / options["virtualenv"]).resolve() == (ROOT / ".venv").resolve()


def test_real_policy_preview_gates_the_pull_request() -> None:
    pr = load(WORKFLOWS / "pull-request.yml")
    job = pr["jobs"]["pulumi-preview"]
    for step in job["steps"]:
        run = step.get("run", "")
        if "pulumi preview" in run:
            assert "set +e" not in run and "|| true" not in run and "exit 0" not in run, run
            assert "--policy-pack" in run
            assert not step.get("continue-on-error")
    assert not job.get("continue-on-error")
    gate = pr["jobs"]["gate"]
    assert "pulumi-preview" in gate["needs"]
    assert "needs.pulumi-preview.result" in str(gate["steps"])


def test_preview_secrets_come_from_a_preview_environment() -> None:
    job = load(WORKFLOWS / "pull-request.yml")["jobs"]["pulumi-preview"]
    assert job["environment"] == "preview"


def deploy_jobs() -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = load(WORKFLOWS / "deploy.yml")["jobs"]
    return jobs


def called(job: dict[str, Any]) -> dict[str, Any]:
    """A job, or the job of the reusable workflow it calls."""
    uses = job.get("uses")
    if not uses:
        return job
    (inner,) = load(ROOT / uses).get("jobs", {}).values()
    result: dict[str, Any] = inner
    return result


def test_deploy_jobs_only_from_main_in_an_environment() -> None:
    for job_id, job in deploy_jobs().items():
        assert job.get("if") == "github.ref == 'refs/heads/main'", job_id
        inner = called(job)
        assert inner.get("if", "github.ref == 'refs/heads/main'") == "github.ref == 'refs/heads/main'", job_id
        assert inner.get("environment"), job_id


def test_concurrency_is_per_stack_never_per_ref() -> None:
    deploy = load(WORKFLOWS / "deploy.yml")
    assert "concurrency" not in deploy or "github.ref" not in str(deploy["concurrency"])
    groups = set()
    for job_id, job in deploy_jobs().items():
        inner = called(job)
        concurrency = inner.get("concurrency")
        assert concurrency, job_id
        assert concurrency["cancel-in-progress"] is False, job_id
        group = concurrency["group"]
        assert "github.ref" not in group, job_id
        groups.add(group.replace("${{ inputs.stack }}", job.get("with", {}).get("stack", "")))
    assert {"pulumi-genai-platform-dev", "pulumi-genai-platform-prod"} <= groups
    assert {"pulumi-genai-cluster-dev", "pulumi-genai-cluster-prod"} <= groups


def order(jobs: dict[str, dict[str, Any]]) -> list[str]:
    """Job ids in dependency order (each job after everything it needs)."""
    done: list[str] = []
    while len(done) < len(jobs):
        ready = [j for j, job in jobs.items() if j not in done and set(_needs(job)) <= set(done)]
        assert ready, "cycle"
        done.extend(sorted(ready))
    return done


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_stages_deploy_in_order(env: str) -> None:
    jobs = deploy_jobs()
    sequence = order(jobs)
    stages = ["account", f"platform-{env}", f"images-{env}", f"cluster-{env}"]
    assert all(s in sequence for s in stages), sequence
    positions = [sequence.index(s) for s in stages]
    assert positions == sorted(positions)
    # each stage waits for the one before it, not only by accident of listing
    for before, after in itertools.pairwise(stages):
        chain = {after}
        frontier = [after]
        while frontier:
            for need in _needs(jobs[frontier.pop()]):
                if need not in chain:
                    chain.add(need)
                    frontier.append(need)
        assert before in chain, (after, before)


def test_cluster_stage_runs_inside_the_vpc() -> None:
    inner = called(deploy_jobs()["cluster-dev"])
    run = "\n".join(s.get("run", "") for s in inner["steps"])
    assert "aws codebuild start-build" in run
    assert "pulumi up" not in run


def test_deploy_runs_weekly_so_signatures_are_renewed() -> None:
    """Without a change nothing would deploy, and prod's signed package would age past its validity."""
    doc = load(WORKFLOWS / "deploy.yml")
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"], "deploy.yml has no schedule"


def test_images_are_copied_only_when_the_digest_is_missing() -> None:
    """Immutable tags: pushing the same tag twice fails, which would stop every later stage of a re-run."""
    (step,) = [
        st
        for st in load(WORKFLOWS / "stage-images.yml")["jobs"]["images"]["steps"]
        if "skopeo copy" in st.get("run", "")
    ]
    assert "! present" in step["run"]


def test_stacks_without_a_committed_salt_are_refused() -> None:
    """A salt created in CI's checkout is lost with it; the next run could not decrypt the stack."""
    steps = load(SETUP_ACTION)["runs"]["steps"]
    (check,) = [st for st in steps if "encryptionsalt" in st.get("run", "")]
    assert "exit" in check["run"] and "Pulumi.prod.yaml" in check["run"]
    names = [st.get("name", "") for st in steps]
    assert names.index(check["name"]) < names.index("Install the Pulumi CLI")


def _images_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = load(WORKFLOWS / "stage-images.yml")["jobs"]["images"]["steps"]
    return steps


def test_model_verifier_image_is_built_and_pushed() -> None:
    """review N3: the verify-model init container's image (kubernetes.modelVerifierImageDigest) is its own."""
    (step,) = [st for st in _images_steps() if "images/model-verifier/Dockerfile" in st.get("run", "")]
    run = step["run"]
    assert "model_verifier_image_digest" in run and "docker push" in run
    assert run.index('present "$digest"') < run.index("docker build"), "build only when the pinned digest is absent"
    dockerfile = (ROOT / "images" / "model-verifier" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY lambdas/ingest/genai_ingest" in dockerfile and "COPY lambdas/filter/genai_filter" in dockerfile
    assert re.search(r"^USER 10001", dockerfile, re.M), "the pod runs as UID 10001 (restricted profile)"
    locked = re.search(r'name = "boto3"\nversion = "([^"]+)"', (ROOT / "uv.lock").read_text(encoding="utf-8"))
    assert locked and f"boto3=={locked.group(1)}" in dockerfile


def test_signed_model_is_checked_before_the_cluster_stage() -> None:
    """review N2: with modelReady the init container needs the manifest and its signature."""
    (step,) = [st for st in _images_steps() if "manifest.sig.json" in st.get("run", "")]
    assert "model_ready" in step["run"] and "head-object" in step["run"] and "exit 1" in step["run"]


def _secrets_used(text: str) -> set[str]:
    return set(re.findall(r"secrets\.([A-Z0-9_]+)", text))


def test_each_environment_holds_its_own_passphrase() -> None:
    """review N6: a passphrase lives only in the environment of the stacks it opens. Every job that reads one
    runs in an environment (deploy jobs: admits only main); the pull-request preview gets the account and
    dev stacks' passphrases, each for its own step, and never the deploy environments' secret."""
    for name, wf in workflows().items():
        for job_id, job in (wf.get("jobs") or {}).items():
            used = {s for s in _secrets_used(yaml.safe_dump(job)) if s.startswith("PULUMI_CONFIG_PASSPHRASE")}
            if used:
                assert job.get("environment"), (name, job_id, "reads a passphrase outside an environment")
    preview = load(WORKFLOWS / "pull-request.yml")["jobs"]["pulumi-preview"]
    assert preview["environment"] == "preview"
    assert "PULUMI_CONFIG_PASSPHRASE" not in (preview.get("env") or {}), "one job-wide passphrase for every stack"
    by_step = {
        st["name"]: _secrets_used(yaml.safe_dump(st))
        for st in preview["steps"]
        if "pulumi preview" in st.get("run", "")
    }
    assert by_step == {
        "pulumi preview with the policy pack (account stage)": {"PULUMI_CONFIG_PASSPHRASE_ACCOUNT"},
        "pulumi preview with the policy pack (platform stage, dev)": {"PULUMI_CONFIG_PASSPHRASE_DEV"},
    }
    stacks = {job_id: job.get("environment") for job_id, job in deploy_jobs().items() if "environment" in job}
    assert stacks["account"] == "account" and stacks["platform-dev"] == "dev" and stacks["platform-prod"] == "prod"


def test_pull_request_artifacts_hold_no_state() -> None:
    """review N10: an artifact is readable by anyone with read access for its whole retention."""
    wf = load(WORKFLOWS / "pull-request.yml")
    for job_id, job in wf["jobs"].items():
        exports = [st["run"] for st in job.get("steps") or [] if "pulumi stack export" in st.get("run", "")]
        uploads = [st for st in job.get("steps") or [] if "upload-artifact" in st.get("uses", "")]
        for run in exports:
            (target,) = re.findall(r"pulumi stack export[^>\n]*>\s*(\S+)", run)
            folder = target.split("/")[0]
            for upload in uploads:
                paths = str(upload["with"]["path"]).split()
                assert not any(p.startswith((target, f"{folder}/")) or p == folder for p in paths), (job_id, paths)
            assert any(f"rm -rf {folder}" in st.get("run", "") for st in job["steps"]), (job_id, "state left behind")
    preview = wf["jobs"]["pulumi-preview"]
    (upload,) = [st for st in preview["steps"] if "upload-artifact" in st.get("uses", "")]
    assert all(p.startswith("real/review-real-dev.") for p in str(upload["with"]["path"]).split())


def test_guard_classifier_image_and_weights_are_checked_when_self_hosted() -> None:
    """review S3: the classifier's image (copied like the model server's) and its signed weights, only when
    the platform forwards a classifier (filter.guard.tier self-hosted)."""
    doc = load(WORKFLOWS / "stage-images.yml")
    assert "CLASSIFIER_SOURCE_IMAGE" in doc["jobs"]["images"]["env"]
    (copy,) = [st for st in _images_steps() if "skopeo copy" in st.get("run", "")]
    assert ".guard_classifier.image_digest // empty" in copy["run"] and "$CLASSIFIER_SOURCE_IMAGE" in copy["run"]
    assert copy["run"].index("! present") < copy["run"].index("skopeo copy")
    (model,) = [st for st in _images_steps() if "manifest.sig.json" in st.get("run", "")]
    assert ".guard_classifier.model_prefix // empty" in model["run"]
