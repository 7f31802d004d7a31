"""One S3 object version through the scanner: read, scan, quarantine copy, tags, lineage record.

Order matters for failure: the lineage record is written last and only once (conditional put), so its
existence means every earlier step finished. A replayed event finds it and does nothing. A crash
before it leaves the object without a `scan_status` tag (unpromoted: the prepare stage reads only
`scan_status=clean`); the message is retried and, after the queue's receive limit, lands in the
dead-letter queue, which alarms.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from genai_ingest import SCANNER_VERSION
from genai_ingest.lineage import Record, Ref, Store, sha256_stream
from genai_ingest.scan import Limits, Verdict, oversized, scan_bytes

SCAN_STATUS_TAG = "scan_status"
CLASSIFICATION_TAG = "data_classification"
SCANNER_VERSION_TAG = "scanner_version"
DERIVED_FROM_METADATA = "derived-from"  # x-amz-meta-derived-from: space-separated s3://bucket/key#version refs
MAX_TAGS = 10  # S3's per-object limit


@dataclass(frozen=True, slots=True)
class Event:
    ref: Ref
    size: int
    writer: str
    written_at: str


@dataclass(frozen=True, slots=True)
class Settings:
    limits: Limits
    quarantine_bucket: str
    lineage_table: str


@dataclass(frozen=True, slots=True)
class Outcome:
    ref: Ref
    action: str  # "scanned" or "replay"
    scan_status: str


def events(body: str) -> Iterator[Event]:
    """The object-created records of one S3 event notification (an SQS message body)."""
    message = json.loads(body)
    if message.get("Event") == "s3:TestEvent":
        return
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        s3 = record["s3"]
        obj = s3["object"]
        version = obj.get("versionId")
        if not version:
            raise ValueError(f"event for {obj['key']!r} carries no versionId: the bucket must be versioned")
        yield Event(
            ref=Ref(s3["bucket"]["name"], urllib.parse.unquote_plus(obj["key"]), version),
            size=int(obj.get("size", 0)),
            writer=str(record.get("userIdentity", {}).get("principalId", "unknown")),
            written_at=str(record.get("eventTime", "")),
        )


def quarantine_key(ref: Ref) -> str:
    return f"{ref.bucket}/{ref.version}/{ref.key}"


def _tags(s3: Any, ref: Ref) -> dict[str, str]:
    out = s3.get_object_tagging(Bucket=ref.bucket, Key=ref.key, VersionId=ref.version)
    return {t["Key"]: t["Value"] for t in out.get("TagSet", [])}


def _read(s3: Any, event: Event, limits: Limits) -> tuple[bytes, str, int, dict[str, str]]:
    """(content or b"" when over the limit, its SHA-256, its size, user metadata). An oversized object
    is hashed in pieces, never held whole, so its lineage record still carries its checksum."""
    out = s3.get_object(Bucket=event.ref.bucket, Key=event.ref.key, VersionId=event.ref.version)
    metadata = dict(out.get("Metadata", {}))
    size = int(out.get("ContentLength", event.size))
    with out["Body"] as body:
        if size <= limits.max_bytes:
            data: bytes = body.read()
            return data, hashlib.sha256(data).hexdigest(), len(data), metadata
        sha, _ = sha256_stream(body.read)
    return b"", sha, size, metadata


def _verdict_tags(existing: dict[str, str], verdict: Verdict) -> list[dict[str, str]]:
    tags = dict(existing)
    tags[CLASSIFICATION_TAG] = verdict.data_classification
    tags[SCAN_STATUS_TAG] = verdict.scan_status
    tags[SCANNER_VERSION_TAG] = verdict.scanner_version
    ours = (CLASSIFICATION_TAG, SCAN_STATUS_TAG, SCANNER_VERSION_TAG)
    others = sorted(k for k in tags if k not in ours)[: MAX_TAGS - len(ours)]
    return [{"Key": k, "Value": tags[k]} for k in (*ours, *others)]


def process(
    event: Event, s3: Any, store: Store, settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Outcome:
    existing = store.get(event.ref)
    if existing is not None:
        return Outcome(event.ref, "replay", existing.scan_status)
    tags = _tags(s3, event.ref)
    declared = tags.get(CLASSIFICATION_TAG)
    data, sha, size, metadata = _read(s3, event, settings.limits)
    if size > settings.limits.max_bytes:
        verdict = oversized(event.ref.key, size, sha, settings.limits, declared)
    else:
        verdict = scan_bytes(event.ref.key, data, settings.limits, declared=declared)
    if verdict.scan_status != "clean":
        s3.copy_object(
            Bucket=settings.quarantine_bucket,
            Key=quarantine_key(event.ref),
            CopySource={"Bucket": event.ref.bucket, "Key": event.ref.key, "VersionId": event.ref.version},
            TaggingDirective="REPLACE",
            Tagging=urllib.parse.urlencode(
                {SCAN_STATUS_TAG: verdict.scan_status, CLASSIFICATION_TAG: verdict.data_classification}
            ),
        )
    s3.put_object_tagging(
        Bucket=event.ref.bucket,
        Key=event.ref.key,
        VersionId=event.ref.version,
        Tagging={"TagSet": _verdict_tags(tags, verdict)},
    )
    derived = tuple(metadata.get(DERIVED_FROM_METADATA, "").split())
    record = Record(
        ref=event.ref,
        sha256=sha,
        size=size,
        writer=event.writer,
        written_at=event.written_at,
        recorded_at=now().isoformat(),
        scan_status=verdict.scan_status,
        data_classification=verdict.data_classification,
        reason=verdict.reason,
        finding_counts=verdict.finding_counts,
        scanner_version=SCANNER_VERSION,
        derived_from=derived,
    )
    wrote = store.put_once(record)
    return Outcome(event.ref, "scanned" if wrote else "replay", verdict.scan_status)
