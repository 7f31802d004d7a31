"""Ingestion scanning of the raw bucket (docs/integrity.md): built after the compute plane (its private
subnets and gateway endpoints), the edge (the signed-package bucket) and operations (the alert topic)."""

from __future__ import annotations

from pathlib import Path

import pulumi

from components.grants import table_write_once_under
from components.ingest_scanner import IngestScanner, IngestScannerArgs, ingest_key_uses, scanner_resource_name
from components.lambda_package import build_package
from stacks.compute import ComputePlane
from stacks.context import PlatformContext
from stacks.data import DataPlane, platform_bucket
from stacks.edge import BUILD_DIR, FILTER_SOURCE, ROOT, EdgePlane, code_signing
from stacks.operations import OperationsPlane

INGEST_SOURCE = ROOT / "lambdas" / "ingest"
# The scanner screens with the filter's detectors: the package carries the filter's package as is.
SHARED_PACKAGES: tuple[Path, ...] = (FILTER_SOURCE / "genai_filter",)
DERIVED_LINEAGE_WRITERS = {"prepare": "curated", "train": "models"}
"""Stage → the bucket whose versions it writes and records in the lineage table."""
SECURITY_TEAM_ROLE = "audit-reader"
"""The pipeline role the security team assumes (MFA): the only reader of the quarantine bucket."""


def build_ingest(
    ctx: PlatformContext, data: DataPlane, compute: ComputePlane, edge: EdgePlane, operations: OperationsPlane
) -> IngestScanner:
    s = ctx.settings
    raw = data.lake.bucket("raw")
    security_team = data.roles[SECURITY_TEAM_ROLE]
    quarantine = platform_bucket(
        ctx,
        data,
        "quarantine",
        ctx.encryption_key("quarantine", "Quarantined object versions (ingestion scanner)"),
        classification="restricted",
        exclusive_readers=[security_team.arn],
    )
    security_team.grant(f"{ctx.prefix}-{SECURITY_TEAM_ROLE}-reads-quarantine", quarantine.grant_read("restricted"))
    key = ctx.encryption_key(
        "ingest",
        "Ingestion scanner: its queues, lineage table, log group and environment",
        services=ingest_key_uses(ctx.account_id, ctx.region, ctx.prefix),
    )
    scanner = IngestScanner(
        scanner_resource_name(ctx.prefix),
        IngestScannerArgs(
            name_prefix=ctx.prefix,
            package=build_package(INGEST_SOURCE, BUILD_DIR, "ingest", include=SHARED_PACKAGES),
            source=raw,
            quarantine=quarantine,
            key=key,
            topic_arn=operations.topic.arn,
            max_bytes=s.ingest.max_bytes,
            formats=s.ingest.formats,
            batch_size=s.ingest.batch_size,
            max_concurrency=s.ingest.max_concurrency,
            reserved_concurrency=s.ingest.reserved_concurrency,
            memory_mb=s.ingest.memory_mb,
            timeout_seconds=s.ingest.timeout_seconds,
            max_receive_count=s.ingest.max_receive_count,
            protect=s.protect_data,
            log_retention_days=s.log_retention_days,
            vpc_id=compute.vpc_id,
            subnet_ids=compute.lambda_subnet_ids,
            endpoint_security_group_id=compute.endpoint_security_group_id,
            gateway_prefix_list_ids=[
                compute.vpc.s3_endpoint.prefix_list_id,
                compute.vpc.dynamodb_endpoint.prefix_list_id,
            ],
            account_id=ctx.account_id,
            partition=ctx.partition,
            region=ctx.region,
            code_signing=code_signing(ctx, "ingest", edge.artifacts),
        ),
        opts=ctx.opts(),
    )
    # Derived lineage (docs/integrity.md): the stage that writes a curated or model version records it
    # (hashing the bytes it uploaded: prepare may read only scanned objects) and reads its inputs'
    # records; it may put records of its own bucket's versions only.
    for stage, bucket in DERIVED_LINEAGE_WRITERS.items():
        own = pulumi.Output.concat("s3://", data.lake.bucket(bucket).name, "/*")
        data.roles[stage].grant(
            f"{ctx.prefix}-{stage}-records-lineage",
            [
                *table_write_once_under(scanner.table.arn, [own]),
                key.grant_encrypt_decrypt(via_services=[ctx.service("dynamodb")]),
            ],
        )
    return scanner
