"""Every probe set written for the detectors (`data/probes/injection_*.jsonl`, `harm_*.jsonl`, `output_*.jsonl`),
one row per prompt or reply: attacks must be blocked, benign rows must not, and documented known misses must stay
missed (when one is fixed, its row changes to `block`). First runs and what each round fixed are in
docs/filter-detection.md; the context probes have their own test (test_context_probes.py)."""

from __future__ import annotations

from typing import Any

import pytest
from genai_filter.injection import BLOCK_THRESHOLD, detect

from tests.lambdas.filter.probes import BLOCKING, PROBES, probe_rows, row_blocked

FILES = sorted(p.name for p in PROBES.glob("*.jsonl") if not p.name.startswith("context"))
ROWS = [row for name in FILES for row in probe_rows(name)]


def test_every_probe_file_is_loaded() -> None:
    assert len(FILES) >= 20 and len(ROWS) >= 1200
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert {r["expect"] for r in ROWS} == {"block", "allow", "miss"}


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_probe_row(row: dict[str, Any]) -> None:
    is_blocked = row_blocked(row)
    if row["expect"] == "block":
        assert is_blocked, detect(row["text"], direction=row["direction"], threshold=0.0)
        if row["check"].startswith("detect"):  # blocking findings point into the text with a blocking score
            for f in detect(row["text"], direction=row["direction"]):
                if f.category in BLOCKING:
                    assert 0 <= f.start < f.end <= len(row["text"]) and BLOCK_THRESHOLD <= f.score <= 1.0, f
    else:  # allow, or a documented known miss
        assert not is_blocked, (row.get("note"), detect(row["text"], direction=row["direction"]))
