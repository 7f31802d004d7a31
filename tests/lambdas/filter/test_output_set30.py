"""Mechanism checks that go with the probe rows of `data/probes/output_set30.jsonl` (history: docs/filter-detection.md)."""

from __future__ import annotations

from genai_filter.injection import detect

from tests.lambdas.filter.probes import probe_rows


def test_harmful_instructions_are_output_only() -> None:
    # a user who pastes such text is screened by the input rules, not this one
    assert not any(
        f.type == "HARMFUL_INSTRUCTIONS" for f in detect(probe_rows("output_set30.jsonl")[0]["text"], direction="input")
    )
