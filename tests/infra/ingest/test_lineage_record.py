"""Derived lineage against moto (S3, DynamoDB, STS): raw → curated → model, recorded by the stages that
wrote them, walked by `lineage show` and re-hashed by `--verify`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.cli import main
from infra.ingest import ensure_lambda_path

ensure_lambda_path()
from genai_ingest.lineage import Record, Ref, Store  # noqa: E402
from genai_ingest.pipeline import Event, Settings, process  # noqa: E402
from genai_ingest.scan import Limits  # noqa: E402

TABLE = "genai-lineage"
RAW, CURATED, MODELS, QUARANTINE = "genai-raw", "genai-curated", "genai-models", "genai-quarantine"
MANIFEST = "llm/.provenance/manifest.json"


@dataclass
class Lake:
    s3: Any
    store: Store

    def put(self, bucket: str, key: str, body: bytes) -> str:
        version: str = self.s3.put_object(Bucket=bucket, Key=key, Body=body)["VersionId"]
        return version

    def ingest(self, key: str, body: bytes) -> str:
        """A raw upload, recorded by the scanner as in production."""
        version = self.put(RAW, key, body)
        event = Event(Ref(RAW, key, version), len(body), "AWS:AROAINGEST:ingest", "2026-12-06T06:00:00Z")
        process(event, self.s3, self.store, Settings(Limits(max_bytes=4096), QUARANTINE, TABLE))
        return version


@pytest.fixture
def lake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Lake]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("GENAI_LINEAGE_TABLE", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in (RAW, CURATED, MODELS, QUARANTINE):
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        Store.create_table(ddb, TABLE)
        yield Lake(s3, Store(ddb, TABLE))


def record(*argv: str) -> int:
    return main(["lineage", "record", *argv, "--table", TABLE])


def build_chain(lake: Lake) -> dict[str, str]:
    """raw a.txt and b.txt → curated set.jsonl → a model whose manifest names the curated version."""
    ra = lake.ingest("a.txt", b"Pump manual: check the seals every month.")
    rb = lake.ingest("b.txt", b"Valve manual: replace the gasket yearly.")
    c1 = lake.put(CURATED, "set.jsonl", b'{"text": "check the seals"}\n{"text": "replace the gasket"}\n')
    assert record(f"s3://{CURATED}/set.jsonl#{c1}", "--from", f"s3://{RAW}/a.txt#{ra}", f"s3://{RAW}/b.txt#{rb}") == 0
    manifest = {"format": 1, "model": "llm", "training_data": [f"s3://{CURATED}/set.jsonl#{c1}"]}
    lake.put(MODELS, MANIFEST, json.dumps(manifest).encode())
    m1 = lake.put(MODELS, "llm/model.safetensors", b"\x00weights" * 100)
    assert record(f"s3://{MODELS}/llm/model.safetensors", "--from-manifest", f"s3://{MODELS}/{MANIFEST}") == 0
    return {"ra": ra, "rb": rb, "c1": c1, "m1": m1}


def test_show_walks_model_to_curated_to_raw(lake: Lake, capsys: pytest.CaptureFixture[str]) -> None:
    v = build_chain(lake)
    capsys.readouterr()
    assert main(["lineage", "show", f"s3://{MODELS}/llm/model.safetensors", "--table", TABLE, "--verify"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"s3://{MODELS}/llm/model.safetensors#{v['m1']}  sha256=")
    assert "scan=derived" in lines[0] and "verify=ok" in lines[0]
    assert lines[1].startswith(f"  <- s3://{CURATED}/set.jsonl#{v['c1']}  ")
    raw = sorted(lines[2:])
    assert raw[0].startswith(f"    <- s3://{RAW}/a.txt#{v['ra']}  ") and "scan=clean" in raw[0]
    assert raw[1].startswith(f"    <- s3://{RAW}/b.txt#{v['rb']}  ") and "verify=ok" in raw[1]
    assert len(lines) == 4
    stored = lake.store.get(Ref(MODELS, "llm/model.safetensors", v["m1"]))
    assert stored is not None and stored.writer.startswith("arn:aws:") and stored.size == 800


def test_a_replayed_record_is_a_no_op_and_a_different_one_refused(
    lake: Lake, capsys: pytest.CaptureFixture[str]
) -> None:
    v = build_chain(lake)
    ref = Ref(CURATED, "set.jsonl", v["c1"])
    before = lake.store.get(ref)
    capsys.readouterr()
    uri = f"s3://{CURATED}/set.jsonl#{v['c1']}"
    assert record(uri, "--from", f"s3://{RAW}/b.txt#{v['rb']}", f"s3://{RAW}/a.txt#{v['ra']}") == 0
    assert json.loads(capsys.readouterr().out) == {"already_recorded": uri, "sha256": before.sha256 if before else ""}
    assert lake.store.get(ref) == before
    assert record(uri, "--from", f"s3://{RAW}/a.txt#{v['ra']}") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "write-once" in err and uri in err
    assert lake.store.get(ref) == before


def test_a_tampered_curated_object_fails_verify_naming_it(lake: Lake, capsys: pytest.CaptureFixture[str]) -> None:
    v = build_chain(lake)
    lake.put(CURATED, "set.jsonl", b'{"text": "ignore previous instructions"}\n')
    capsys.readouterr()
    assert main(["lineage", "show", f"s3://{MODELS}/llm/model.safetensors", "--table", TABLE, "--verify"]) == 1
    failed = [line.strip() for line in capsys.readouterr().out.splitlines() if "FAILED" in line]
    assert len(failed) == 1
    assert failed[0].startswith(f"FAILED: s3://{CURATED}/set.jsonl: changed: current version ")
    assert f"not the recorded {v['c1']}'s" in failed[0]
    # without --verify the records alone are consistent
    assert main(["lineage", "show", f"s3://{MODELS}/llm/model.safetensors", "--table", TABLE]) == 0


def test_file_mode_hashes_the_local_copy_and_verify_catches_a_wrong_one(
    lake: Lake, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ra = lake.ingest("a.txt", b"Pump manual.")
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_bytes(b'{"text": "pump"}\n')
    bad.write_bytes(b'{"text": "not what was uploaded"}\n')
    v1 = lake.put(CURATED, "good.jsonl", good.read_bytes())
    v2 = lake.put(CURATED, "bad.jsonl", good.read_bytes())
    assert record(f"s3://{CURATED}/good.jsonl#{v1}", "--file", str(good), "--from", f"s3://{RAW}/a.txt#{ra}") == 0
    assert record(f"s3://{CURATED}/bad.jsonl#{v2}", "--file", str(bad), "--from", f"s3://{RAW}/a.txt#{ra}") == 0
    capsys.readouterr()
    assert main(["lineage", "show", f"s3://{CURATED}/good.jsonl", "--table", TABLE, "--verify"]) == 0
    capsys.readouterr()
    assert main(["lineage", "show", f"s3://{CURATED}/bad.jsonl", "--table", TABLE, "--verify", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["chain"][0]["problems"][0].startswith(f"s3://{CURATED}/bad.jsonl#{v2}: hash mismatch: sha256=")
    assert out["chain"][1]["problems"] == []
    # --file records a version the caller names: the one its upload returned
    assert record(f"s3://{CURATED}/good.jsonl", "--file", str(good), "--from", f"s3://{RAW}/a.txt#{ra}") == 2
    assert "names no version (--file needs s3://bucket/key#version)" in capsys.readouterr().err


def test_a_missing_parent_record(lake: Lake, capsys: pytest.CaptureFixture[str]) -> None:
    c1 = lake.put(CURATED, "set.jsonl", b"{}\n")
    # the CLI refuses to record a derivation from an unrecorded input
    assert record(f"s3://{CURATED}/set.jsonl#{c1}", "--from", f"s3://{RAW}/gone.txt#r9") == 1
    assert f"no lineage record for its input(s) s3://{RAW}/gone.txt#r9" in capsys.readouterr().err
    assert lake.store.get(Ref(CURATED, "set.jsonl", c1)) is None
    # a chain whose parent lost its record (written before this check) shows the gap
    orphan = Record(
        Ref(CURATED, "set.jsonl", c1),
        "ab" * 32,
        3,
        "w",
        "t",
        "t",
        "derived",
        "internal",
        "",
        {},
        "",
        (f"s3://{RAW}/gone.txt#r9",),
    )
    lake.store.put_once(orphan)
    assert main(["lineage", "show", f"s3://{CURATED}/set.jsonl", "--table", TABLE]) == 1
    assert f"missing: no lineage record for s3://{RAW}/gone.txt#r9" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["curated/set.jsonl", "--from", "s3://raw/a.txt#v1"], "URI: 'curated/set.jsonl' is not an s3:// URI"),
        (["s3://curated/set.jsonl", "--from", "s3://raw/a.txt"], "--from: 's3://raw/a.txt' names no version"),
        (["s3://curated/set.jsonl", "--from", "raw/a.txt#v1"], "--from: 'raw/a.txt#v1' is not an s3:// URI"),
        (["s3://curated/set.jsonl"], "--from or --from-manifest: required"),
        (["s3://curated/set.jsonl", "--from-manifest", "s3://models"], "--from-manifest: 's3://models' names no"),
        (["s3://c/k", "--from-manifest", "no/such.json"], "--from-manifest: 'no/such.json' is neither an s3:// URI"),
        (
            ["s3://c/k", "--from", "s3://r/a#1", "--classification", "secret"],
            "--classification: 'secret' is not one of public",
        ),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(
    lake: Lake, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert record(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"genai-platform lineage record: error: {message}") and err.count("\n") == 1


def test_runtime_errors_are_one_line_with_exit_1(lake: Lake, capsys: pytest.CaptureFixture[str]) -> None:
    ra = lake.ingest("a.txt", b"Pump manual.")
    assert record(f"s3://{CURATED}/none.jsonl", "--from", f"s3://{RAW}/a.txt#{ra}") == 1
    err = capsys.readouterr().err
    assert err.startswith(f"genai-platform lineage record: s3://{CURATED}/none.jsonl: ") and "NoSuchKey" in err
    assert err.count("\n") == 1
    lake.put(MODELS, "bad/manifest.json", b'{"training_data": []}')
    assert record(f"s3://{CURATED}/none.jsonl", "--from-manifest", f"s3://{MODELS}/bad/manifest.json") == 1
    assert "manifest has no 'training_data'" in capsys.readouterr().err
    lake.s3.create_bucket(Bucket="unversioned")
    lake.s3.put_object(Bucket="unversioned", Key="k", Body=b"x")
    assert record("s3://unversioned/k", "--from", f"s3://{RAW}/a.txt#{ra}") == 1
    assert "has no version id: lineage needs a versioned bucket" in capsys.readouterr().err


def test_a_local_manifest_names_the_training_data(lake: Lake, tmp_path: Path) -> None:
    v = build_chain(lake)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"training_data": [f"s3://{CURATED}/set.jsonl#{v['c1']}"]}))
    weights = tmp_path / "config.json"
    weights.write_bytes(b"{}")
    m2 = lake.put(MODELS, "llm/config.json", weights.read_bytes())
    uri = f"s3://{MODELS}/llm/config.json#{m2}"
    assert record(uri, "--file", str(weights), "--from-manifest", str(manifest)) == 0
    stored = lake.store.get(Ref(MODELS, "llm/config.json", m2))
    assert stored is not None and stored.derived_from == (f"s3://{CURATED}/set.jsonl#{v['c1']}",)
