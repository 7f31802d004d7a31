"""Precision: deprecated-but-valid shapes are understood, and remediation speaks to any program's author."""

from __future__ import annotations

import re

import pytest

from tests.policies.conftest import Evaluate
from tests.policies.examples import registry
from tests.policies.fixtures import compliant_plan, find

pytestmark = pytest.mark.slow

BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"


def test_inline_bucket_versioning_counts(evaluate: Evaluate) -> None:
    """pulumi-aws 7 still accepts Bucket(versioning={"enabled": True})."""
    plan = compliant_plan()
    versioning = find(plan, VERSIONING)
    bucket_urn = versioning["propertyDependencies"]["bucket"][0]
    plan["resources"].remove(versioning)
    bucket = next(r for r in plan["resources"] if r["urn"] == bucket_urn)
    without = {v["urn"] for v in evaluate(plan) if v["policy"] == "aws-s3-bucket-versioning"}
    assert without == {bucket_urn}
    bucket["inputs"]["versioning"] = {"enabled": True}
    assert [v for v in evaluate(plan) if v["policy"] == "aws-s3-bucket-versioning"] == []


PLATFORM_WORDS = re.compile(r"\b(data-lake|platform|audit CMK|logs CMK|secrets CMK)\b", re.IGNORECASE)


def test_baseline_remediation_names_nothing_the_author_lacks() -> None:
    import sys

    from tests.policies.conftest import PACK_DIR

    sys.path.insert(0, str(PACK_DIR))
    from rules._controls import PLATFORM_ONLY

    offending = {
        name: entry.meta.remediation
        for name, entry in registry().items()
        if name not in PLATFORM_ONLY and PLATFORM_WORDS.search(entry.meta.remediation)
    }
    assert offending == {}
