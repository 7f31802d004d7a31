"""`genai-platform lineage show`: the chain from a model back to raw inputs, read from moto DynamoDB."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.cli import main
from infra.ingest import ensure_lambda_path

ensure_lambda_path()
from genai_ingest.lineage import Record, Ref, Store  # noqa: E402

TABLE = "lineage"


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        Store.create_table(ddb, TABLE)
        yield Store(ddb, TABLE)


def record(uri: str, *derived: str, at: str = "2026-12-06T06:00:00+00:00", status: str = "clean") -> Record:
    bucket, _, rest = uri[5:].partition("/")
    key, _, version = rest.partition("#")
    return Record(
        Ref(bucket, key, version),
        "ab" * 32,
        10,
        "AWS:ROLE:x",
        at,
        at,
        status,
        "internal",
        "no finding",
        {},
        "1.0.0",
        derived,
    )


def chain(store: Store) -> None:
    store.put_once(record("s3://raw/a.txt#r1"))
    store.put_once(record("s3://raw/b.txt#r2"))
    store.put_once(record("s3://curated/set.jsonl#c1", "s3://raw/a.txt#r1", "s3://raw/b.txt#r2"))
    store.put_once(record("s3://models/m/model.bin#m0", at="2026-12-05T00:00:00+00:00"))
    store.put_once(record("s3://models/m/model.bin#m1", "s3://curated/set.jsonl#c1"))


def test_show_prints_the_chain_to_raw(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    chain(store)
    assert main(["lineage", "show", "s3://models/m/model.bin", "--table", TABLE]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "s3://models/m/model.bin#m1",
        "<-",
        "<-",
        "<-",
    ]
    assert lines[1].strip().startswith("<- s3://curated/set.jsonl#c1")
    assert {lines[2].split()[1], lines[3].split()[1]} == {"s3://raw/a.txt#r1", "s3://raw/b.txt#r2"}
    assert lines[2].startswith("    <- ")


def test_show_a_given_version_as_json(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    chain(store)
    assert main(["lineage", "show", "s3://models/m/model.bin#m0", "--table", TABLE, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["ref"] for c in out["chain"]] == ["s3://models/m/model.bin#m0"] and out["missing"] == []


def test_a_broken_chain_exits_one_naming_the_missing_link(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store.put_once(record("s3://curated/x.jsonl#c9", "s3://raw/gone.txt#r9"))
    assert main(["lineage", "show", "s3://curated/x.jsonl", "--table", TABLE]) == 1
    assert "missing: no lineage record for s3://raw/gone.txt#r9" in capsys.readouterr().out


def test_unknown_object_and_usage_errors(store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    assert main(["lineage", "show", "s3://raw/none.txt", "--table", TABLE]) == 1
    assert "no lineage record for s3://raw/none.txt" in capsys.readouterr().err
    monkeypatch.delenv("GENAI_LINEAGE_TABLE", raising=False)
    assert main(["lineage", "show", "raw/x"]) == 2
    err = capsys.readouterr().err
    assert "URI: 'raw/x' is not an s3:// URI" in err and "--table: required" in err
    assert main(["lineage", "show", "s3://raw/x", "--table", "no-such-table"]) == 1
    assert "cannot read table 'no-such-table'" in capsys.readouterr().err


def test_a_record_is_written_once(store: Store) -> None:
    assert store.put_once(record("s3://raw/a.txt#r1", status="clean"))
    assert not store.put_once(record("s3://raw/a.txt#r1", status="quarantined"))
    got = store.get(Ref("raw", "a.txt", "r1"))
    assert got is not None and got.scan_status == "clean"
