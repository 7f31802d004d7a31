"""`genai-platform lineage show s3://bucket/key[#version]`: the chain from an object back to its raw inputs.

Reads the lineage table (DynamoDB; docs/integrity.md). Exit 0 when the chain is complete (and, with
`--verify`, every version re-hashes to its record), 1 when the object or a link of its chain has no
record or a check fails, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from infra.ingest import ensure_lambda_path

TABLE_ENV = "GENAI_LINEAGE_TABLE"


def add_table_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--table", default=os.environ.get(TABLE_ENV), help=f"lineage table name (default: ${TABLE_ENV})"
    )
    parser.add_argument("--region", default=None, help="AWS region of the table and buckets")


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "uri", metavar="s3://bucket/key[#version]", help="the object (latest recorded version by default)"
    )
    add_table_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the chain as JSON")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="re-hash every version of the chain, and each object's current version, against its record",
    )


def client(service: str, region: str | None) -> Any:
    import boto3

    return boto3.client(service, region_name=region)


def usage_errors(command: str, errors: list[str]) -> int:
    for error in errors:
        print(f"genai-platform lineage {command}: error: {error}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    ensure_lambda_path()
    from botocore.exceptions import BotoCoreError, ClientError
    from genai_ingest.lineage import Ref, Store, parse_uri, verify_record

    errors: list[str] = []
    try:
        bucket, key, version = parse_uri(args.uri)
    except ValueError as exc:
        errors.append(f"URI: {exc}")
    if not args.table:
        errors.append(f"--table: required (or set ${TABLE_ENV})")
    if errors:
        return usage_errors("show", errors)
    store = Store(client("dynamodb", args.region), args.table)
    try:
        start = store.get(Ref(bucket, key, version)) if version else store.latest(bucket, key)
        if start is None:
            print(f"genai-platform lineage show: no lineage record for {args.uri}", file=sys.stderr)
            return 1
        chain, missing = store.chain(start)
    except (ClientError, BotoCoreError) as exc:
        print(f"genai-platform lineage show: cannot read table {args.table!r}: {exc}", file=sys.stderr)
        return 1
    problems: dict[str, list[str]] = {}
    if args.verify:
        s3 = client("s3", args.region)
        try:
            problems = {str(r.ref): verify_record(s3, r) for _, r in chain}
        except BotoCoreError as exc:
            print(f"genai-platform lineage show: cannot read S3: {exc}", file=sys.stderr)
            return 1
    if args.json:
        out = {
            "chain": [{"depth": d, **r.to_json(), "problems": problems.get(str(r.ref), [])} for d, r in chain],
            "missing": missing,
        }
        print(json.dumps(out, indent=2))
    else:
        for depth, record in chain:
            arrow = "  " * depth + ("<- " if depth else "")
            counts = ",".join(f"{k}={v}" for k, v in sorted(record.finding_counts.items())) or "none"
            verdict = "ok" if args.verify and not problems[str(record.ref)] else ""
            print(
                f"{arrow}{record.ref}  sha256={record.sha256} size={record.size} scan={record.scan_status} "
                f"class={record.data_classification} findings={counts} writer={record.writer} at={record.written_at}"
                + (f" verify={verdict}" if verdict else "")
            )
            for problem in problems.get(str(record.ref), []):
                print(f"{'  ' * depth}   FAILED: {problem}")
        for uri in missing:
            print(f"missing: no lineage record for {uri}")
    return 1 if missing or any(problems.values()) else 0
