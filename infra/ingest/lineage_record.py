"""`genai-platform lineage record s3://bucket/key[#version] --from s3://bucket/key#version...`: the record
of a curated or model version, written once by the stage that wrote it (docs/integrity.md).

The version's SHA-256 and size are computed from S3 (streamed), or with `--file` from the local copy
the stage uploaded (a stage may not be allowed to read its output back: prepare reads only scanned
objects); the writer is the caller's identity. `--from-manifest` takes the inputs from a provenance
manifest's training data (in S3 or a local file). Exit 0 when recorded (or already recorded with the same facts), 1 when S3, the table or
the inputs' records refuse it, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from infra.ingest import ensure_lambda_path
from infra.ingest.lineage import TABLE_ENV, add_table_arguments, client, usage_errors


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "uri", metavar="s3://bucket/key[#version]", help="the version to record (the current one by default)"
    )
    parser.add_argument(
        "--from",
        dest="inputs",
        nargs="+",
        default=[],
        metavar="s3://bucket/key#version",
        help="the versions this one was made from",
    )
    parser.add_argument(
        "--from-manifest",
        metavar="s3://bucket/key[#version] | PATH",
        help="take the inputs from this provenance manifest's training_data",
    )
    parser.add_argument(
        "--file",
        type=Path,
        metavar="PATH",
        help="hash this local copy of the version instead of reading it from S3 (needs #version)",
    )
    parser.add_argument("--classification", help="the data_classification the version was tagged with")
    add_table_arguments(parser)


def _fail(message: str) -> int:
    print(f"genai-platform lineage record: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    ensure_lambda_path()
    from botocore.exceptions import BotoCoreError, ClientError
    from genai_ingest.lineage import (
        UNKNOWN_CLASSIFICATION,
        LineageError,
        Ref,
        Store,
        hash_version,
        parents,
        parse_uri,
        record_derived,
        sha256_stream,
    )
    from genai_ingest.provenance import ProvenanceError, training_data
    from genai_ingest.scan import CLASSIFICATION_LEVELS

    errors: list[str] = []
    target = manifest = None
    try:
        target = parse_uri(args.uri)
    except ValueError as exc:
        errors.append(f"URI: {exc}")
    try:
        inputs = parents(args.inputs)
    except LineageError as exc:
        errors.append(f"--from: {exc}")
    if args.from_manifest and args.from_manifest.startswith("s3://"):
        try:
            manifest = parse_uri(args.from_manifest)
        except ValueError as exc:
            errors.append(f"--from-manifest: {exc}")
    elif args.from_manifest and not Path(args.from_manifest).is_file():
        errors.append(f"--from-manifest: {args.from_manifest!r} is neither an s3:// URI nor a file")
    elif not args.inputs and not args.from_manifest:
        errors.append("--from or --from-manifest: required (the versions this one derives from)")
    if not args.table:
        errors.append(f"--table: required (or set ${TABLE_ENV})")
    if args.classification is not None and args.classification not in CLASSIFICATION_LEVELS:
        errors.append(f"--classification: {args.classification!r} is not one of {', '.join(CLASSIFICATION_LEVELS)}")
    if args.file is not None:
        if not args.file.is_file():
            errors.append(f"--file: {args.file} is not a file")
        if target is not None and target[2] is None:
            errors.append(f"URI: {args.uri!r} names no version (--file needs s3://bucket/key#version)")
    if errors or target is None:
        return usage_errors("record", errors)
    bucket, key, version = target
    s3 = client("s3", args.region)
    try:
        if manifest is not None:
            m_bucket, m_key, m_version = manifest
            body = s3.get_object(Bucket=m_bucket, Key=m_key, **({"VersionId": m_version} if m_version else {}))
            with body["Body"] as stream:
                inputs += parents(training_data(stream.read()))
        elif args.from_manifest:
            inputs += parents(training_data(Path(args.from_manifest).read_bytes()))
        if args.file is not None and version is not None:
            with args.file.open("rb") as handle:
                sha, size = sha256_stream(handle.read)
        else:
            sha, size, version = hash_version(s3, bucket, key, version)
        writer = client("sts", args.region).get_caller_identity()["Arn"]
        record, wrote = record_derived(
            Store(client("dynamodb", args.region), args.table),
            Ref(bucket, key, version),
            inputs,
            writer=writer,
            sha256=sha,
            size=size,
            data_classification=args.classification or UNKNOWN_CLASSIFICATION,
        )
    except (LineageError, ProvenanceError, ValueError, OSError) as exc:
        return _fail(str(exc))
    except (ClientError, BotoCoreError) as exc:
        return _fail(f"{args.uri}: {exc}")
    print(json.dumps({"recorded" if wrote else "already_recorded": str(record.ref), "sha256": record.sha256}))
    return 0
