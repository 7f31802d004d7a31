"""The rule registry: every record's examples fire and its near misses do not, names are unique, every type
has a category, the generated prefix table is current, and the detector's output on a fixed sample is the
output recorded before the rules became a registry (tests/lambdas/filter/data/golden_detect.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from genai_filter import injection, multilingual
from genai_filter.findings import CATEGORIES
from genai_filter.injection import detect
from genai_filter.normalize import normalize
from genai_filter.rules.base import TYPE_CATEGORY, Composite
from genai_filter.rules.engine import Pattern, current_prefix_table, prefix_table
from genai_filter.rules.registry import INPUT, ORIGINAL, OUTPUT, REGISTRY, Record, all_rules, patterns

RULES = all_rules()

# Rules that no test case, probe set, red-team row or development row exercises (found when the rules became
# records: their examples could only have been invented). A new rule comes with examples.
WITHOUT_EXAMPLES = {
    "extraction.सिस्टम_प्रॉम्प्ट",
    "harm.request.act_back.take_up_arms",
    "extraction.システムプロンプト_プロンプト",
    "extraction.告诉我_给我看",
    "extraction.시스템_프롬프트",
    "override.forward_send",
    "override.huwag_pansinin",
    "override.ignoruok_pamirsk",
    "override.prezri_pozabi",
    "override.vorherig_bisherig",
    "override.zh_ignore_previous",
    "override.αγνόησε_αγνοήστε",
    "override.התעלם_התעלמי",
    "override.نظر_انداز",
    "override.अनदेखा_नजरअंदाज",
    "override.উপেক্ষা_ভুলে",
    "override.સૂચનાઓ_સૂચના",
    "override.வழிமுறை_அறிவுறுத்த",
    "override.సూచనల_సూచనలు",
    "override.คำสั่ง_คำแนะนำ",
    "override.เพิกเฉย_ละเว้น",
    "override.これまで_今まで",
    "override.てください_ルール",
    "override.不要理会_不要遵守",
    "persona.weak.possible_likely",
    "persona.weak.unlock_enable",
    "persona.weak.you_are_3",
    "role.you_are",
}


def _best(rule: Record, text: str) -> float:
    screened = text if isinstance(rule, Composite) and rule.original else normalize(text).text
    return max((h.score for h in rule.hits(screened)), default=0.0)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_examples_fire_and_near_misses_do_not(rule: Record) -> None:
    for text in rule.examples:
        assert _best(rule, text) >= rule.score, (rule.name, text)
    for text in rule.near_misses:
        assert _best(rule, text) < rule.score, (rule.name, text)


def test_only_known_rules_lack_examples() -> None:
    assert {r.name for r in RULES if not r.examples} == WITHOUT_EXAMPLES


def test_names_are_unique_and_types_have_a_category() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.type in TYPE_CATEGORY, rule.name
    assert set(TYPE_CATEGORY.values()) <= set(CATEGORIES)


def test_the_warm_up_reaches_every_pattern_and_the_lexicon_is_in_the_registry() -> None:
    """The warm-up iterates the registry: every pattern a detector builds must be reachable from a record."""
    reachable = {id(p) for p in patterns()}
    unreachable = [p.source[:60] for p in Pattern.created if id(p) not in reachable]
    assert not unreachable
    names = {r.name for r in RULES}
    assert {f"lexicon.{rule.name}" for rule in multilingual.rules()} <= names
    for group in (REGISTRY, ORIGINAL, INPUT, OUTPUT):
        assert {r.name for r in group} <= names


def test_prefix_table_is_current() -> None:
    """Regenerate with `python -m genai_filter.rules.engine` (from lambdas/filter) after changing a pattern."""
    current = current_prefix_table()
    stored = prefix_table()

    def as_stored(prefixes: tuple[tuple[str, str], ...] | None) -> list[list[str]] | None:
        return None if prefixes is None else [list(p) for p in prefixes]

    stale = sorted(source[:60] for source in current if stored.get(source, []) != as_stored(current[source]))
    assert not stale


GOLDEN = Path(__file__).parent / "data" / "golden_detect.jsonl"


def _golden() -> list[dict[str, Any]]:
    with GOLDEN.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_detector_output_unchanged_on_the_golden_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exact findings (category, type, span, score) in both directions, as recorded from the code before the
    registry (commit e64cf9a); the refactor was checked against all 7,780 texts once (docs/filter-detection.md).
    The multilingual layer came later and is switched off here (test_multilingual.py covers it)."""
    monkeypatch.setattr(injection, "multilingual_hits", lambda text: [])
    rows = _golden()
    assert len(rows) >= 300
    for row in rows:
        for direction in ("input", "output"):
            got = [
                [f.category, f.type, f.start, f.end, f.score]
                for f in detect(row["text"], direction=direction, threshold=0.0)
            ]
            assert got == row[direction], (direction, row["text"][:80])
