"""The records every mechanism module exports: `Rule` (one pattern, a score, an optional adjustment hook) and
`Composite` (a mechanism that weighs several patterns or the layout of the text), and the one table from a
finding type to its category."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from genai_filter.lazy import LazyPattern
from genai_filter.rules.engine import Pattern

__all__ = ["TYPE_CATEGORY", "Adjust", "Backward", "Composite", "OffsetMap", "Rule", "RuleHit", "hit", "run_all"]

TYPE_CATEGORY: dict[str, str] = {
    "INSTRUCTION_OVERRIDE": "prompt_injection",
    "HIDDEN_TEXT": "prompt_injection",
    "RESPONSE_DICTATION": "prompt_injection",
    "SYSTEM_PROMPT_EXTRACTION": "prompt_injection",
    "CHAT_TEMPLATE_TOKENS": "prompt_injection",
    "FAKE_ROLE_BLOCK": "prompt_injection",
    "DELIMITER_INJECTION": "prompt_injection",
    "AUTHORITY_CLAIM": "prompt_injection",
    "INDIRECT_INJECTION": "prompt_injection",
    "MODEL_INTERNALS": "prompt_injection",
    "RESPONSE_LOCK": "prompt_injection",
    "DICTATED_CLAIM": "prompt_injection",
    "LEARNED_MODEL": "prompt_injection",
    "ROLE_SWITCH": "jailbreak",
    "PERSONA_JAILBREAK": "jailbreak",
    "PAYLOAD_SPLITTING": "jailbreak",
    "ADVERSARIAL_SUFFIX": "jailbreak",
    "REFUSAL_SUPPRESSION": "jailbreak",
    "HARMFUL_REQUEST": "unsafe",
    "HARMFUL_INSTRUCTIONS": "unsafe",
    "DISINFORMATION": "unsafe",
    "SELF_HARM_METHOD": "unsafe",
    "HATEFUL_CONTENT": "unsafe",
    "GLORIFICATION": "unsafe",
    "ENCODED_PAYLOAD": "obfuscation",
    "ENCODED_TEXT": "obfuscation",
    "SPACED_LETTERS": "obfuscation",
    "HIDDEN_CHARACTERS": "obfuscation",
}


class RuleHit(NamedTuple):
    category: str
    type: str
    start: int
    end: int
    score: float


def hit(type_: str, start: int, end: int, score: float) -> RuleHit:
    return RuleHit(TYPE_CATEGORY[type_], type_, start, end, score)


# (normalised text, match, the rule's score, direction) -> the hit's score, or None for no hit
Adjust = Callable[[str, re.Match[str], float, str], float | None]


@dataclass(frozen=True, eq=False)
class Rule:
    """One pattern for one mechanism. Every match is a hit scored `score`, or what `adjust` makes of it.

    `examples` are texts (from the test suite) on which the rule scores at least `score`; `near_misses` are
    texts that look alike on which it scores less or not at all. Both are checked by one test."""

    name: str
    type: str
    pattern: Pattern
    score: float
    examples: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()
    adjust: Adjust | None = None
    gate: Callable[[str], bool] | None = None  # a cheap test of the whole text before any matching
    first_only: bool = False  # only the leftmost match counts

    @property
    def category(self) -> str:
        return TYPE_CATEGORY[self.type]

    def hits(self, text: str, direction: str = "input") -> list[RuleHit]:
        if self.gate is not None and not self.gate(text):
            return []
        if self.first_only:
            first = self.pattern.search(text)
            matches = [first] if first else []
        else:
            matches = self.pattern.finditer(text)
        out: list[RuleHit] = []
        for m in matches:
            score = self.score if self.adjust is None else self.adjust(text, m, self.score, direction)
            if score is not None:
                out.append(RuleHit(self.category, self.type, m.start(), m.end(), score))
        return out


@dataclass(frozen=True, eq=False)
class Backward(Rule):
    """A rule matched from its rare object back to a common verb: `pattern` finds the object, `before` (anchored
    with `$`) the verb that must end within `window` characters before it; the hit spans both."""

    before: LazyPattern | None = None
    window: int = 120

    def hits(self, text: str, direction: str = "input") -> list[RuleHit]:
        out: list[RuleHit] = []
        if self.before is None or (self.gate is not None and not self.gate(text)):
            return out
        for m in self.pattern.finditer(text):
            verb = self.before.p.search(text, max(0, m.start() - self.window), m.start())
            if verb is not None:
                out.append(RuleHit(self.category, self.type, verb.start(), m.end(), self.score))
        return out


# (normalised or original text, the hits so far, direction) -> None; appends its hits
Run = Callable[[str, list[RuleHit], str], None]
# normalised offsets (start, end) -> offsets in the caller's text
OffsetMap = Callable[[int, int], tuple[int, int]]
# `Run` that also reads the caller's text: (normalised text, hits, direction, the caller's text, the offset map)
SourceRun = Callable[[str, list[RuleHit], str, str, OffsetMap], None]


@dataclass(frozen=True, eq=False)
class Composite:
    """A mechanism that weighs several signals (`rules`, `patterns`) or the layout of the text. `score` is
    the least score its examples reach; near misses stay below it. `original`: runs on the caller's text
    (case and symbols kept) rather than the normalised one."""

    name: str
    type: str
    run: Run
    score: float
    rules: tuple[Rule, ...] = ()
    patterns: tuple[Pattern | LazyPattern, ...] = ()
    examples: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()
    original: bool = False
    notes: str = field(default="")
    source_run: SourceRun | None = None  # used instead of `run` when the scanner has the caller's text

    @property
    def category(self) -> str:
        return TYPE_CATEGORY[self.type]

    def hits(self, text: str, direction: str = "input") -> list[RuleHit]:
        out: list[RuleHit] = []
        self.run(text, out, direction)
        return [h for h in out if h.type == self.type]


def run_all(
    entries: tuple[Rule | Composite, ...],
    text: str,
    direction: str = "input",
    source: str | None = None,
    to_original: OffsetMap | None = None,
) -> list[RuleHit]:
    """The hits of `entries` in order; a composite with a `source_run` reads `source` when it is given."""
    hits: list[RuleHit] = []
    for entry in entries:
        if isinstance(entry, Rule):
            hits.extend(entry.hits(text, direction))
        elif entry.source_run is not None and source is not None and to_original is not None:
            entry.source_run(text, hits, direction, source, to_original)
        else:
            entry.run(text, hits, direction)
    return hits
