"""Lineage records: one per object version, in a DynamoDB table. No content, only facts about it.

Key: `object` (`s3://bucket/key`, partition) and `version` (the S3 version id, sort). A record is
written once, with a condition that it does not exist yet, so a replayed event cannot change it.
Raw versions are recorded by the scanner; curated and model versions by the stage that wrote them
(`record_derived`), naming the versions they derive from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

LINEAGE_FORMAT = 1
# the table's keys, declared once for the component and the tests
PARTITION_KEY = "object"
SORT_KEY = "version"
KEY_SCHEMA = ({"AttributeName": PARTITION_KEY, "KeyType": "HASH"}, {"AttributeName": SORT_KEY, "KeyType": "RANGE"})
ATTRIBUTES = ({"AttributeName": PARTITION_KEY, "AttributeType": "S"}, {"AttributeName": SORT_KEY, "AttributeType": "S"})
MAX_CHAIN = 64  # versions followed by `chain`: a derived-from graph is shallow (raw -> curated -> model)
DERIVED = "derived"
"""`scan_status` of a record written by the stage that made the version: not scanned, derived from
versions that were (the promotion gate let only clean raw versions into the prepare stage)."""
UNKNOWN_CLASSIFICATION = "unknown"
READ_CHUNK = 1024 * 1024


class LineageError(ValueError):
    """A derived record cannot be written; the message names the version and why."""


@dataclass(frozen=True, slots=True)
class Ref:
    bucket: str
    key: str
    version: str

    @property
    def object(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def __str__(self) -> str:
        return f"{self.object}#{self.version}"


def parse_uri(uri: str) -> tuple[str, str, str | None]:
    """(bucket, key, version or None) from `s3://bucket/key[#version]`; ValueError naming what is wrong."""
    if not uri.startswith("s3://"):
        raise ValueError(f"{uri!r} is not an s3:// URI (expected s3://bucket/key[#version])")
    rest, _, version = uri[5:].partition("#")
    bucket, _, key = rest.partition("/")
    if not bucket or not key:
        raise ValueError(f"{uri!r} names no bucket and key (expected s3://bucket/key[#version])")
    return bucket, key, version or None


def parse_ref(uri: str) -> Ref:
    bucket, key, version = parse_uri(uri)
    if version is None:
        raise ValueError(f"{uri!r} names no version (expected s3://bucket/key#version)")
    return Ref(bucket, key, version)


@dataclass(frozen=True, slots=True)
class Record:
    ref: Ref
    sha256: str
    size: int
    writer: str
    written_at: str
    recorded_at: str
    scan_status: str
    data_classification: str
    reason: str
    finding_counts: dict[str, int]
    scanner_version: str
    derived_from: tuple[str, ...] = field(default_factory=tuple)

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "object": {"S": self.ref.object},
            "version": {"S": self.ref.version},
            "format": {"N": str(LINEAGE_FORMAT)},
            "sha256": {"S": self.sha256},
            "size": {"N": str(self.size)},
            "writer": {"S": self.writer},
            "written_at": {"S": self.written_at},
            "recorded_at": {"S": self.recorded_at},
            "scan_status": {"S": self.scan_status},
            "data_classification": {"S": self.data_classification},
            "reason": {"S": self.reason},
            "finding_counts": {"M": {k: {"N": str(v)} for k, v in sorted(self.finding_counts.items())}},
            "scanner_version": {"S": self.scanner_version},
        }
        if self.derived_from:
            item["derived_from"] = {"L": [{"S": d} for d in self.derived_from]}
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Record:
        bucket, key, _ = parse_uri(item["object"]["S"])
        return cls(
            ref=Ref(bucket, key, item["version"]["S"]),
            sha256=item["sha256"]["S"],
            size=int(item["size"]["N"]),
            writer=item["writer"]["S"],
            written_at=item["written_at"]["S"],
            recorded_at=item["recorded_at"]["S"],
            scan_status=item["scan_status"]["S"],
            data_classification=item["data_classification"]["S"],
            reason=item["reason"]["S"],
            finding_counts={k: int(v["N"]) for k, v in item.get("finding_counts", {}).get("M", {}).items()},
            scanner_version=item["scanner_version"]["S"],
            derived_from=tuple(d["S"] for d in item.get("derived_from", {}).get("L", [])),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": str(self.ref),
            "sha256": self.sha256,
            "size": self.size,
            "writer": self.writer,
            "written_at": self.written_at,
            "recorded_at": self.recorded_at,
            "scan_status": self.scan_status,
            "data_classification": self.data_classification,
            "reason": self.reason,
            "finding_counts": self.finding_counts,
            "scanner_version": self.scanner_version,
            "derived_from": list(self.derived_from),
        }


def sha256_stream(read: Callable[[int], bytes]) -> tuple[str, int]:
    """(SHA-256 hex, size) of a stream read in `READ_CHUNK` pieces: never held whole."""
    digest = hashlib.sha256()
    size = 0
    while chunk := read(READ_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def hash_version(s3: Any, bucket: str, key: str, version: str | None = None) -> tuple[str, int, str]:
    """(SHA-256, size, version id) of one version of an S3 object (the current one when `version` is
    None), streamed. ValueError when the bucket keeps no versions: a record needs a version id."""
    out = s3.get_object(Bucket=bucket, Key=key, **({"VersionId": version} if version else {}))
    with out["Body"] as body:
        sha, size = sha256_stream(body.read)
    version_id = str(out.get("VersionId") or "")
    if version_id in ("", "null"):
        raise ValueError(f"s3://{bucket}/{key} has no version id: lineage needs a versioned bucket")
    return sha, size, version_id


class Store:
    """The lineage table through a boto3 DynamoDB client."""

    @staticmethod
    def create_table(client: Any, table: str) -> None:
        """For tests and local use; the platform's table is a Pulumi resource with the same keys."""
        client.create_table(
            TableName=table,
            KeySchema=list(KEY_SCHEMA),
            AttributeDefinitions=list(ATTRIBUTES),
            BillingMode="PAY_PER_REQUEST",
        )

    def __init__(self, client: Any, table: str) -> None:
        self.client = client
        self.table = table

    def get(self, ref: Ref) -> Record | None:
        out = self.client.get_item(
            TableName=self.table,
            Key={"object": {"S": ref.object}, "version": {"S": ref.version}},
            ConsistentRead=True,
        )
        item = out.get("Item")
        return Record.from_item(item) if item else None

    def put_once(self, record: Record) -> bool:
        """Write the record unless one exists for this object version; True when this call wrote it."""
        try:
            self.client.put_item(
                TableName=self.table,
                Item=record.to_item(),
                ConditionExpression="attribute_not_exists(#o)",
                ExpressionAttributeNames={"#o": "object"},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def latest(self, bucket: str, key: str) -> Record | None:
        """The most recently recorded version of an object."""
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="#o = :o",
            ExpressionAttributeNames={"#o": "object"},
            ExpressionAttributeValues={":o": {"S": f"s3://{bucket}/{key}"}},
        )
        best: Record | None = None
        for page in pages:
            for item in page.get("Items", []):
                record = Record.from_item(item)
                if best is None or record.recorded_at > best.recorded_at:
                    best = record
        return best

    def chain(self, start: Record) -> tuple[list[tuple[int, Record]], list[str]]:
        """(depth, record) from `start` back through derived-from links, breadth first; and refs without a record."""
        out: list[tuple[int, Record]] = [(0, start)]
        missing: list[str] = []
        seen = {str(start.ref)}
        queue = [(1, d) for d in start.derived_from]
        while queue and len(out) < MAX_CHAIN:
            depth, uri = queue.pop(0)
            if uri in seen:
                continue
            seen.add(uri)
            try:
                record = self.get(parse_ref(uri))
            except ValueError:
                record = None
            if record is None:
                missing.append(uri)
                continue
            out.append((depth, record))
            queue.extend((depth + 1, d) for d in record.derived_from)
        return out, missing


def record_derived(
    store: Store,
    ref: Ref,
    derived_from: Sequence[Ref],
    *,
    writer: str,
    sha256: str,
    size: int,
    data_classification: str = UNKNOWN_CLASSIFICATION,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[Record, bool]:
    """Write the record of a curated or model version the caller wrote, once: (the stored record, True
    when this call wrote it). A replay of the same facts is a no-op; a different record already stored
    for the version, or a parent version without a record, raises LineageError."""
    if not derived_from:
        raise LineageError(f"{ref}: a derived record names at least one version it derives from")
    if ref in derived_from:
        raise LineageError(f"{ref}: a version cannot derive from itself")
    missing = [str(p) for p in derived_from if store.get(p) is None]
    if missing:
        raise LineageError(f"{ref}: no lineage record for its input(s) {', '.join(missing)}")
    at = now().isoformat()
    record = Record(
        ref=ref,
        sha256=sha256,
        size=size,
        writer=writer,
        written_at=at,
        recorded_at=at,
        scan_status=DERIVED,
        data_classification=data_classification,
        reason=f"derived from {len(derived_from)} recorded version(s)",
        finding_counts={},
        scanner_version="",
        derived_from=tuple(dict.fromkeys(str(p) for p in derived_from)),
    )
    if store.put_once(record):
        return record, True
    existing = store.get(ref)
    if existing is None:  # pragma: no cover - put_once failed on an item that is gone: deletes are denied
        raise LineageError(f"{ref}: the record exists but cannot be read")
    if (existing.sha256, existing.size, set(existing.derived_from)) != (sha256, size, set(record.derived_from)):
        raise LineageError(
            f"{ref}: already recorded with sha256={existing.sha256} derived_from={' '.join(existing.derived_from)}"
            " (records are write-once)"
        )
    return existing, False


def verify_record(s3: Any, record: Record) -> list[str]:
    """Re-hash the recorded version and the object's current version; a problem per line, naming the
    object: the recorded version gone or its bytes different, or the key now holding other bytes."""
    ref = record.ref
    errors = (s3.exceptions.ClientError, ValueError)

    def why(exc: Exception) -> str:
        return str(getattr(exc, "response", {}).get("Error", {}).get("Code") or exc)

    try:
        sha, size, _ = hash_version(s3, ref.bucket, ref.key, ref.version)
    except errors as exc:
        return [f"{ref}: recorded version unreadable ({why(exc)})"]
    problems = []
    if (sha, size) != (record.sha256, record.size):
        problems.append(f"{ref}: hash mismatch: sha256={sha} size={size}, recorded sha256={record.sha256}")
    try:
        current_sha, _, current = hash_version(s3, ref.bucket, ref.key)
    except errors as exc:
        return [*problems, f"{ref.object}: no current version ({why(exc)})"]
    if current != ref.version and current_sha != record.sha256:
        problems.append(
            f"{ref.object}: changed: current version {current} has sha256={current_sha}, not the recorded {ref.version}'s"
        )
    return problems


def parents(refs: Iterable[str]) -> list[Ref]:
    """`s3://bucket/key#version` strings as refs; LineageError naming the first malformed one."""
    out = []
    for uri in refs:
        try:
            out.append(parse_ref(uri))
        except ValueError as exc:
            raise LineageError(str(exc)) from None
    return out
