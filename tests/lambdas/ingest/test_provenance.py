"""Signed model manifests against moto KMS: tampered artifact, tampered manifest, wrong signer, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from genai_ingest.provenance import (
    MANIFEST_FILE,
    PROVENANCE_DIR,
    SIGNATURE_FILE,
    Origin,
    ProvenanceError,
    main,
    sign,
    verify,
)
from moto import mock_aws

from infra.cli import main as cli

ORIGIN = Origin(
    code_commit="0123456789abcdef0123456789abcdef01234567",
    training_image="123456789012.dkr.ecr.eu-west-1.amazonaws.com/train@sha256:" + "a" * 64,
    training_data=("s3://curated/set.jsonl#c1",),
    parameters={"epochs": 3, "lr": "2e-5"},
)


@pytest.fixture
def kms(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str, str]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        client = boto3.client("kms", region_name="us-east-1")
        keys = [
            client.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"] for _ in range(2)
        ]
        yield client, keys[0], keys[1]


@pytest.fixture
def model(tmp_path: Path) -> Path:
    root = tmp_path / "model"
    (root / "tokenizer").mkdir(parents=True)
    (root / "model.safetensors").write_bytes(b"\x00fake weights" * 100)
    (root / "config.json").write_text('{"hidden_size": 8}')
    (root / "tokenizer" / "vocab.txt").write_text("a\nb\n")
    return root


def test_signed_model_verifies(kms: tuple[Any, str, str], model: Path) -> None:
    client, key, _ = kms
    manifest = sign(model, "tiny", ORIGIN, client, key)
    assert sorted(manifest["artifacts"]) == ["config.json", "model.safetensors", "tokenizer/vocab.txt"]
    assert manifest["training_data"] == ["s3://curated/set.jsonl#c1"]
    assert verify(model, client, key)["model"] == "tiny"


def test_tampered_artifact_is_named(kms: tuple[Any, str, str], model: Path) -> None:
    client, key, _ = kms
    sign(model, "tiny", ORIGIN, client, key)
    (model / "tokenizer" / "vocab.txt").write_text("a\nb\nc\n")
    with pytest.raises(ProvenanceError, match=r"^tokenizer/vocab.txt: SHA-256 does not match the signed manifest"):
        verify(model, client, key)


def test_added_and_removed_files_are_named(kms: tuple[Any, str, str], model: Path) -> None:
    client, key, _ = kms
    sign(model, "tiny", ORIGIN, client, key)
    (model / "extra.pkl").write_bytes(b"pickle")
    with pytest.raises(ProvenanceError, match=r"^extra.pkl: not in the signed manifest"):
        verify(model, client, key)
    (model / "extra.pkl").unlink()
    (model / "config.json").unlink()
    with pytest.raises(ProvenanceError, match=r"^config.json: listed in the manifest but missing"):
        verify(model, client, key)


@pytest.mark.parametrize("canonical_form", [True, False])
def test_tampered_manifest_fails(kms: tuple[Any, str, str], model: Path, canonical_form: bool) -> None:
    client, key, _ = kms
    sign(model, "tiny", ORIGIN, client, key)
    path = model / PROVENANCE_DIR / MANIFEST_FILE
    manifest = json.loads(path.read_bytes())
    (model / "model.safetensors").write_bytes(b"backdoored")
    manifest["artifacts"]["model.safetensors"]["sha256"] = __import__("hashlib").sha256(b"backdoored").hexdigest()
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":")) if canonical_form else json.dumps(manifest)
    path.write_text(text)
    with pytest.raises(ProvenanceError, match=r"manifest.json: (signature does not verify|not in canonical form)"):
        verify(model, client, key)


def test_wrong_signer_fails(kms: tuple[Any, str, str], model: Path) -> None:
    client, key, other = kms
    sign(model, "tiny", ORIGIN, client, other)
    with pytest.raises(ProvenanceError, match=f"signature does not verify with key {key}"):
        verify(model, client, key)


def test_missing_signature_and_bad_origin(kms: tuple[Any, str, str], model: Path) -> None:
    client, key, _ = kms
    with pytest.raises(ProvenanceError, match="manifest missing"):
        verify(model, client, key)
    bad = Origin("main", "train:latest", (), {})
    with pytest.raises(ProvenanceError) as err:
        sign(model, "tiny", bad, client, key)
    for part in ("code_commit: 'main'", "training_image: 'train:latest' is not pinned", "training_data: at least one"):
        assert part in str(err.value)


def test_init_container_entry_point_refuses_with_a_clear_message(
    kms: tuple[Any, str, str], model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, key, _ = kms
    sign(model, "tiny", ORIGIN, client, key)
    assert main(["verify", str(model), "--key-id", key, "--region", "us-east-1"]) == 0
    (model / "model.safetensors").write_bytes(b"swapped")
    assert main(["verify", str(model), "--key-id", key, "--region", "us-east-1"]) == 1
    err = capsys.readouterr().err
    assert "refusing to serve: model.safetensors: SHA-256 does not match" in err


def test_cli_sign_and_verify(kms: tuple[Any, str, str], model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, key, other = kms
    args = ["--key-id", key, "--model", "tiny", "--code-commit", ORIGIN.code_commit]
    args += ["--training-image", ORIGIN.training_image, "--training-data", "s3://curated/set.jsonl#c1"]
    assert cli(["provenance", "sign", str(model), *args, "--param", "epochs=3"]) == 0
    assert (model / PROVENANCE_DIR / SIGNATURE_FILE).is_file()
    assert cli(["provenance", "verify", str(model), "--key-id", key]) == 0
    assert cli(["provenance", "verify", str(model), "--key-id", other]) == 1
    assert f"FAILED: {model / PROVENANCE_DIR / MANIFEST_FILE}: signature does not verify" in capsys.readouterr().err


def test_cli_sign_usage_errors_all_at_once(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--key-id", "k", "--model", "m", "--code-commit", "HEAD", "--training-image", "x:latest"]
    code = cli(["provenance", "sign", str(model / "nope"), *args, "--training-data", "raw/a", "--param", "oops"])
    assert code == 2
    err = capsys.readouterr().err
    for part in (
        "--param: 'oops'",
        "--code-commit: 'HEAD'",
        "--training-image: 'x:latest'",
        "--training-data: 'raw/a'",
        "MODEL_DIR:",
    ):
        assert part in err, part


def test_init_container_fetches_from_s3_then_verifies(
    kms: tuple[Any, str, str], model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, key, _ = kms
    sign(model, "tiny", ORIGIN, client, key)
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="models")
    for path in model.rglob("*"):
        if path.is_file():
            s3.put_object(
                Bucket="models", Key=f"serving/tiny/{path.relative_to(model).as_posix()}", Body=path.read_bytes()
            )
    target = tmp_path / "fetched"
    args = ["verify", str(target), "--key-id", key, "--region", "us-east-1", "--from", "s3://models/serving/tiny/"]
    assert main(args) == 0, capsys.readouterr().err
    s3.put_object(Bucket="models", Key="serving/tiny/../escape.txt", Body=b"x")
    assert main([*args[:-1], "s3://models/serving/tiny/"]) == 1
    assert "key would land outside" in capsys.readouterr().err
