"""Lineage records: one per object version, in a DynamoDB table. No content, only facts about it.

Key: `object` (`s3://bucket/key`, partition) and `version` (the S3 version id, sort). A record is
written once, with a condition that it does not exist yet, so a replayed event cannot change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LINEAGE_FORMAT = 1
# the table's keys, declared once for the component and the tests
PARTITION_KEY = "object"
SORT_KEY = "version"
KEY_SCHEMA = ({"AttributeName": PARTITION_KEY, "KeyType": "HASH"}, {"AttributeName": SORT_KEY, "KeyType": "RANGE"})
ATTRIBUTES = ({"AttributeName": PARTITION_KEY, "AttributeType": "S"}, {"AttributeName": SORT_KEY, "AttributeType": "S"})
MAX_CHAIN = 64  # versions followed by `chain`: a derived-from graph is shallow (raw -> curated -> model)


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
