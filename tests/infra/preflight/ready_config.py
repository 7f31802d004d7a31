"""A project folder whose stack files carry no placeholder: what a platform engineer writes for a real account."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = "246813579024"
REAL_DIGEST = "sha256:af31e2b7c7f89834c4e5219860def7ac2e49a207b3d4e8610d5a26772b7738e5"


RUNNER_SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:pulumi-passphrase-AbCdEf"


def role(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


READY: dict[str, dict[str, Any]] = {
    "prod": {
        "genai-platform:monitoring": {"alarmEmails": ["secops@acme-bank.eu"]},
        "genai-platform:kms": {"keyAdministratorRoleArns": [role("genai-prod-key-admin")]},
        "genai-platform:deploy": {"roleArn": role("genai-prod-deploy")},
        "genai-platform:runner": {"secretArns": [RUNNER_SECRET]},
        "genai-platform:ecr": {"ciPushRoleArn": role("genai-ci-push")},
        "genai-platform:kubernetes": {
            "inferenceImageDigest": REAL_DIGEST,
            "modelVerifierImageDigest": REAL_DIGEST,
            "devicePluginImage": f"nvcr.io/nvidia/k8s-device-plugin:v0.17.1@{REAL_DIGEST}",
        },
    },
    "dev": {
        "genai-platform:eks": {"publicAccessCidrs": ["81.2.69.160/27"]},
        "genai-platform:deploy": {"roleArn": role("genai-dev-deploy")},
        "genai-platform:runner": {"secretArns": [RUNNER_SECRET], "stateBucketArn": "arn:aws:s3:::acme-pulumi-state"},
        "genai-platform:filter": {"guard": {"classifier": {"imageDigest": REAL_DIGEST}}},
        "genai-platform:ecr": {"ciPushRoleArn": role("genai-ci-push")},
        "genai-platform:kubernetes": {
            "inferenceImageDigest": REAL_DIGEST,
            "modelVerifierImageDigest": REAL_DIGEST,
            "devicePluginImage": f"nvcr.io/nvidia/k8s-device-plugin:v0.17.1@{REAL_DIGEST}",
        },
    },
}


def write_project(folder: Path, stack: str, overrides: dict[str, Any] | None = None) -> Path:
    """A copy of Pulumi.yaml plus Pulumi.<stack>.yaml: the shipped file with the ready values (and overrides)."""
    (folder / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    config = data["config"]
    for key, value in {**copy.deepcopy(READY[stack]), **(overrides or {})}.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    (folder / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder
