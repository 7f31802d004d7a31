"""Ingestion scanner settings: per-environment defaults, bounds and cross-checks reported by key, all at once."""

from __future__ import annotations

from stacks.settings import INGEST_FORMATS
from tests.stacks.test_settings_response import PROD, load, problems


def test_defaults() -> None:
    dev, prod = load("dev").ingest, load("prod", **PROD).ingest
    assert dev.formats == prod.formats == INGEST_FORMATS
    assert dev.max_bytes == prod.max_bytes == 10 * 1024 * 1024
    assert dev.reserved_concurrency == 0  # a new account may have nothing to reserve
    assert prod.reserved_concurrency >= prod.max_concurrency


def test_every_bad_value_is_reported_at_once_with_its_key() -> None:
    found = problems(
        "dev",
        ingest={"formats": ["txt", "pdf"], "batchSize": 50, "maxBytes": 10, "maxReceiveCount": 0, "memoryMb": 64},
    )
    for key in ("formats", "batchSize", "maxBytes", "maxReceiveCount", "memoryMb"):
        assert any(p.startswith(f"genai-platform:ingest.{key}") for p in found), (key, found)
    assert any('"pdf" is invalid; allowed: txt, md, csv, json, jsonl, html' in p for p in found)


def test_no_format_is_refused() -> None:
    assert any("at least one format" in p for p in problems("dev", ingest={"formats": []}))


def test_reserved_concurrency_below_the_mapping_ceiling_is_refused() -> None:
    found = problems("dev", ingest={"maxConcurrency": 10, "reservedConcurrency": 3})
    assert any(
        p.startswith("genai-platform:ingest.reservedConcurrency: 3 is invalid") and "dead-letter" in p for p in found
    )
    assert load("dev", ingest={"maxConcurrency": 10, "reservedConcurrency": 0}).ingest.reserved_concurrency == 0


def test_the_timeout_must_cover_a_batch_at_the_size_limit() -> None:
    found = problems("dev", ingest={"maxBytes": 100 * 1024 * 1024, "batchSize": 10, "timeoutSeconds": 900})
    assert any(p.startswith("genai-platform:ingest.timeoutSeconds: 900 is invalid; at least") for p in found)
    assert (
        load("dev", ingest={"maxBytes": 1024 * 1024, "batchSize": 1, "timeoutSeconds": 30}).ingest.timeout_seconds == 30
    )


def test_unknown_ingest_keys_are_refused() -> None:
    assert any("ingest.maxSize" in p and "unknown setting" in p for p in problems("dev", ingest={"maxSize": 1}))
