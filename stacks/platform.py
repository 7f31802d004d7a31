"""The composition of the whole platform, in the order the data flows."""

from __future__ import annotations

import pulumi

from stacks.context import create_context
from stacks.data import build_data
from stacks.settings import PlatformSettings


def build_platform(settings: PlatformSettings) -> None:
    ctx = create_context(settings)
    data = build_data(ctx)
    pulumi.export("environment", settings.environment)
    pulumi.export("dataLakeBuckets", {purpose: b.name for purpose, b in data.lake.buckets.items()})
    pulumi.export("pipelineRoles", {stage: r.arn for stage, r in data.roles.items()})
