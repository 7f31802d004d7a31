"""`record_derived` and `verify_record` against moto: write-once derived records and re-hashing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from genai_ingest.lineage import DERIVED, LineageError, Record, Ref, Store, hash_version, record_derived, verify_record
from moto import mock_aws

TABLE = "lineage"
RAW = Ref("raw", "a.txt", "r1")


@pytest.fixture
def aws() -> Iterator[tuple[Any, Store]]:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in ("raw", "curated"):
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        Store.create_table(ddb, TABLE)
        store = Store(ddb, TABLE)
        store.put_once(Record(RAW, "ab" * 32, 5, "w", "t", "t", "clean", "internal", "no finding", {}, "1.0.0"))
        yield s3, store


def clock(at: str) -> Any:
    return lambda: datetime.fromisoformat(at).replace(tzinfo=UTC)


def test_record_derived_writes_once_and_a_replay_is_a_no_op(aws: tuple[Any, Store]) -> None:
    _, store = aws
    ref = Ref("curated", "set.jsonl", "c1")
    first, wrote = record_derived(
        store,
        ref,
        [RAW],
        writer="arn:aws:sts::1:assumed-role/prepare/x",
        sha256="cd" * 32,
        size=9,
        now=clock("2026-12-06T07:00:00"),
    )
    assert wrote and first.scan_status == DERIVED and first.derived_from == (str(RAW),)
    again, wrote = record_derived(
        store, ref, [RAW, RAW], writer="someone else", sha256="cd" * 32, size=9, now=clock("2026-12-06T08:00:00")
    )
    assert not wrote and again == first == store.get(ref)


def test_record_derived_refuses_conflicts_self_links_and_unrecorded_inputs(aws: tuple[Any, Store]) -> None:
    _, store = aws
    ref = Ref("curated", "set.jsonl", "c1")
    record_derived(store, ref, [RAW], writer="w", sha256="cd" * 32, size=9)
    with pytest.raises(LineageError, match=r"already recorded with sha256=cdcd.* \(records are write-once\)"):
        record_derived(store, ref, [RAW], writer="w", sha256="ee" * 32, size=9)
    with pytest.raises(LineageError, match="cannot derive from itself"):
        record_derived(store, Ref("curated", "x", "1"), [Ref("curated", "x", "1")], writer="w", sha256="", size=0)
    with pytest.raises(LineageError, match="names at least one version"):
        record_derived(store, Ref("curated", "x", "1"), [], writer="w", sha256="", size=0)
    with pytest.raises(LineageError, match=r"no lineage record for its input\(s\) s3://raw/gone#g1"):
        record_derived(store, Ref("curated", "x", "1"), [RAW, Ref("raw", "gone", "g1")], writer="w", sha256="", size=0)
    assert store.get(Ref("curated", "x", "1")) is None


def test_hash_version_streams_and_verify_names_the_changed_object(aws: tuple[Any, Store]) -> None:
    s3, store = aws
    body = b"x" * (3 * 1024 * 1024 + 7)  # several read chunks
    v1 = s3.put_object(Bucket="curated", Key="big.bin", Body=body)["VersionId"]
    sha, size, version = hash_version(s3, "curated", "big.bin")
    assert (size, version) == (len(body), v1)
    record, _ = record_derived(store, Ref("curated", "big.bin", v1), [RAW], writer="w", sha256=sha, size=size)
    assert verify_record(s3, record) == []
    s3.put_object(Bucket="curated", Key="big.bin", Body=body)  # same bytes, new version: not a change
    assert verify_record(s3, record) == []
    v3 = s3.put_object(Bucket="curated", Key="big.bin", Body=b"poisoned")["VersionId"]
    assert verify_record(s3, record) == [
        f"s3://curated/big.bin: changed: current version {v3} has sha256={hash_version(s3, 'curated', 'big.bin')[0]}, "
        f"not the recorded {v1}'s"
    ]
    gone = Record(Ref("curated", "big.bin", "nope"), sha, size, "w", "t", "t", DERIVED, "internal", "", {}, "")
    assert verify_record(s3, gone)[0].startswith("s3://curated/big.bin#nope: recorded version unreadable (")


def test_verify_names_an_object_deleted_since(aws: tuple[Any, Store]) -> None:
    s3, store = aws
    v1 = s3.put_object(Bucket="curated", Key="gone.jsonl", Body=b"{}\n")["VersionId"]
    sha, size, _ = hash_version(s3, "curated", "gone.jsonl", v1)
    record, _ = record_derived(store, Ref("curated", "gone.jsonl", v1), [RAW], writer="w", sha256=sha, size=size)
    s3.delete_object(Bucket="curated", Key="gone.jsonl")  # a delete marker on top
    assert verify_record(s3, record) == ["s3://curated/gone.jsonl: no current version (NoSuchKey)"]
