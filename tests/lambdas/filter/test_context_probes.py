"""Context-aware screening on the probe sets `data/probes/context.jsonl` (dev, tuned on) and
`data/probes/context_heldout.jsonl` (written before tuning, scored once; see docs/filter-detection.md).

Each row is screened through `/v1/screen`'s pipeline with its system prompt as context. Dev rows must all
come out as expected; the held-out file is only held to floors below its one measured figure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from genai_filter.config import Config
from genai_filter.context import derive
from genai_filter.screen import Redactor, Screener

PROBES = Path(__file__).resolve().parents[3] / "data" / "probes"
SCREENER = Screener(Config())


def _rows(name: str) -> list[dict[str, Any]]:
    with (PROBES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _action(row: dict[str, Any]) -> str:
    ctx = derive(row["system_prompt"])
    return SCREENER.screen(row["text"], row["direction"], Redactor(), context=ctx).action


DEV = _rows("context.jsonl")


def test_dev_set_shape() -> None:
    attacks = [r for r in DEV if r["expect"] == "block"]
    benign = [r for r in DEV if r["expect"] == "allow"]
    assert len(attacks) >= 40 and len(benign) >= 40
    assert {"secret", "scope", "override"} <= {r["mechanism"] for r in attacks}
    assert len({r["lang"] for r in DEV}) >= 5


@pytest.mark.parametrize("row", DEV, ids=[r["id"] for r in DEV])
def test_dev_probe(row: dict[str, Any]) -> None:
    action = _action(row)
    if row["expect"] == "block":
        assert action == "block", row["note"]
    else:
        assert action != "block", row["note"]


def test_without_context_nothing_changes() -> None:
    """The same texts without a system prompt: no `context` finding, whatever the text."""
    for row in DEV:
        found = SCREENER.findings(row["text"], row["direction"])
        assert not [f for f in found if f.category == "context"], row["id"]


HELDOUT = _rows("context_heldout.jsonl")


def test_heldout_floors() -> None:
    """Scored once, after tuning on the dev file ended (commit d4cb542): 20 of 22 attacks blocked, 1 of 18
    benign blocked. Not tuned on; these floors only catch a regression."""
    attacks = [r for r in HELDOUT if r["expect"] == "block"]
    benign = [r for r in HELDOUT if r["expect"] == "allow"]
    assert sum(_action(r) == "block" for r in attacks) >= 20
    assert sum(_action(r) == "block" for r in benign) <= 1
