"""The model server starts only after the verify-model init container checked the signed manifest."""

from __future__ import annotations

import pytest

from tests.conftest import Plan, resources


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_model_server_runs_the_verifier_first(request: pytest.FixtureRequest, env: str) -> None:
    """The Deployment is the cluster stage's; the signing key the platform stage's."""
    stages: dict[str, Plan] = request.getfixturevalue(f"{env}_stages")
    plan, cluster = stages["platform"], stages["cluster"]
    (deployment,) = [d for d in resources(cluster, "kubernetes:apps/v1:Deployment") if "inference" in d["name"]]
    spec = deployment["inputs"]["spec"]["template"]["spec"]
    (init,) = spec["initContainers"]
    assert init["name"] == "verify-model"
    assert init["command"] == ["python", "-m", "genai_ingest.provenance", "verify", "/models"]
    args = init["args"]
    (key,) = [k for k in resources(plan, "aws:kms/key:Key") if k["inputs"].get("keyUsage") == "SIGN_VERIFY"]
    assert args[args.index("--key-id") + 1] == key["outputs"]["arn"]
    assert args[args.index("--from") + 1].startswith("s3://") and args[args.index("--from") + 1].endswith(
        "/serving/current/"
    )
    assert "@sha256:" in init["image"]
    assert init["securityContext"]["readOnlyRootFilesystem"] is True
    (server,) = spec["containers"]
    model_mount = next(m for m in server["volumeMounts"] if m["name"] == "model")
    assert model_mount == {"name": "model", "mountPath": "/models", "readOnly": True}
