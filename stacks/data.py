"""Data ingestion and preparation: the data lake and one least-privilege role per pipeline stage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components.bucket import SecureBucket, SecureBucketArgs
from components.data_lake import DataLake, DataLakeArgs
from components.grants import Grant, role_trust, service_trust
from components.kms import SIGN_ACTIONS, VERIFY_ACTIONS, EncryptionKey, EncryptionKeyArgs, RoleUse
from components.pipeline_role import PipelineRole, PipelineRoleArgs
from stacks.context import PlatformContext

GUARD_CLASSIFIER = "guard-classifier"
"""The pod role of the self-hosted guard classifier (filter.guard.tier = self-hosted)."""


def _verifier_sid(stage: str) -> str:
    return "".join(part.title() for part in stage.split("-")) + "VerifiesManifests"


def trail_name(ctx: PlatformContext) -> str:
    return f"{ctx.prefix}-trail"


@dataclass
class DataPlane:
    lake: DataLake
    roles: dict[str, PipelineRole]
    signing_key: EncryptionKey


def platform_bucket(
    ctx: PlatformContext,
    data: DataPlane,
    purpose: str,
    key: EncryptionKey,
    *,
    classification: str = "internal",
    exclusive_readers: Sequence[pulumi.Input[str]] = (),
) -> SecureBucket:
    """A bucket outside the lake (`genai-<env>-<purpose>`) with every control of a lake bucket: its
    own CMK, access logs to the lake's log bucket, prod protection."""
    s = ctx.settings
    return SecureBucket(
        f"{ctx.prefix}-{purpose}",
        SecureBucketArgs(
            purpose=purpose,
            classification=classification,
            exclusive_readers=exclusive_readers,
            key=key,
            log_bucket=data.lake.access_logs.bucket,
            account_id=ctx.account_id,
            region=ctx.region,
            noncurrent_version_expiration_days=s.data_lake.noncurrent_version_expiration_days,
            force_destroy=s.data_lake.force_destroy,
            protect=s.protect_data,
        ),
        opts=ctx.opts(),
    )


def build_data(ctx: PlatformContext) -> DataPlane:
    s = ctx.settings
    lake = DataLake(
        f"{ctx.prefix}-datalake",
        DataLakeArgs(
            account_id=ctx.account_id,
            partition=ctx.partition,
            region=ctx.region,
            key_deletion_window_days=s.key_deletion_window_days,
            key_administrators=ctx.key_administrators,
            noncurrent_version_expiration_days=s.data_lake.noncurrent_version_expiration_days,
            raw_transition_to_ia_days=s.data_lake.raw_transition_to_ia_days,
            access_log_expiration_days=s.data_lake.access_log_expiration_days,
            object_lock_retention_days=s.data_lake.object_lock_retention_days if s.data_lake.object_lock else None,
            force_destroy=s.data_lake.force_destroy,
            protect=s.protect_data,
            cloudtrail_name=trail_name(ctx),
            # The platform's other buckets (function artifacts) log here too; all are named genai-<env>-….
            access_log_source_prefix=ctx.prefix,
        ),
        opts=ctx.opts(),
    )
    raw, curated, models, audit = (lake.bucket(p) for p in ("raw", "curated", "models", "audit"))
    # EKS Pod Identity: every stage but the audit reader runs as a pod (stacks/compute.py binds the
    # service accounts). No Glue job exists in the platform, so no role trusts Glue.
    pods = service_trust(["pods.eks.amazonaws.com"], ctx.account_id, tag_session=True)
    security_team = role_trust(
        [pulumi.Output.format("arn:{0}:iam::{1}:root", ctx.partition, ctx.account_id)], require_mfa=True
    )
    stages: dict[str, tuple[pulumi.Output[str], list[Grant]]] = {
        "ingest": (pods, raw.grant_write()),
        "prepare": (pods, raw.grant_read("restricted", scanned_clean=True) + curated.grant_write()),
        "train": (pods, curated.grant_read("confidential") + models.grant_write()),
        "serve": (pods, models.grant_read("internal")),
        "audit-reader": (security_team, audit.grant_read_cloudtrail_logs()),
    }
    guard = s.filter.guard
    if guard.tier == "self-hosted":
        # The guard classifier's own pods (docs/filter-detection.md, "Guard tier"): its weights only.
        stages[GUARD_CLASSIFIER] = (pods, models.grant_read("internal", prefix=guard.classifier.model_prefix))
    roles = {
        stage: PipelineRole(
            f"{ctx.prefix}-{stage}",
            PipelineRoleArgs(stage=stage, trust_policy=trust, grants=grants, protected_bucket_arns=lake.bucket_arns),
            opts=ctx.opts(),
        )
        for stage, (trust, grants) in stages.items()
    }
    # Model provenance (docs/integrity.md): only the train role signs manifests; the pods that load a model
    # (the model server, the guard classifier) only verify.
    verifiers = [stage for stage in ("serve", GUARD_CLASSIFIER) if stage in roles]
    signing_key = EncryptionKey(
        f"{ctx.prefix}-model-signing",
        EncryptionKeyArgs(
            description="Signs model provenance manifests",
            account_id=ctx.account_id,
            partition=ctx.partition,
            deletion_window_days=s.key_deletion_window_days,
            administrators=ctx.key_administrators,
            roles=[
                RoleUse("TrainSignsManifests", roles["train"].arn, SIGN_ACTIONS),
                *(RoleUse(_verifier_sid(stage), roles[stage].arn, VERIFY_ACTIONS) for stage in verifiers),
            ],
            signing=True,
        ),
        opts=ctx.opts(),
    )
    return DataPlane(lake, roles, signing_key)
