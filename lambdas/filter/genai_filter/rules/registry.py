"""The one registry of rules: the scanner, the warm-up, the tests and `filter evaluate --by-rule` all iterate it.

Grouped by where the scanner runs them (the order inside a group matters only for ties):
`REGISTRY` on the normalised text in both directions, `ORIGINAL` on the caller's text as written, `INPUT` on
prompts only (harmful requests and content, goal hijacking), `OUTPUT` on replies only (harmful instructions),
and the multilingual lexicon (`lexicon_rules()`, records loaded from data on first use, prompts only)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from genai_filter import harm, hijack, multilingual, unsafe_reply
from genai_filter.lazy import LazyPattern
from genai_filter.rules import extraction, indirect, override, payload, persona, roles, structure, suffix
from genai_filter.rules.base import Composite, OffsetMap, Rule, RuleHit, run_all
from genai_filter.rules.engine import Pattern

__all__ = [
    "INPUT",
    "ORIGINAL",
    "OUTPUT",
    "REGISTRY",
    "LexiconRecord",
    "Record",
    "all_rules",
    "lexicon_rules",
    "patterns",
    "scan",
    "scan_input",
    "scan_original",
    "scan_output",
]

REGISTRY: tuple[Rule | Composite, ...] = (
    *override.OVERRIDES,
    override.PIVOT,
    override.JUST_SAY,
    indirect.HIDDEN_TEXT,
    override.DICTATION,
    override.PWNED,
    *extraction.EXTRACTIONS,
    *extraction.SECRETS,
    extraction.APPEND,
    *roles.ROLES,
    persona.PERSONA,
    structure.TEMPLATE_TOKENS,
    structure.TEMPLATE_HEADER,
    structure.JSON_ROLE,
    structure.ROLE_LINE,
    structure.ROLE_BRACKET,
    structure.CONVERSATION,
    structure.END_MARKER,
    roles.ADMIN,
    roles.MODE_ORDER,
    structure.AUTHORITY,
    payload.PAYLOAD_SPLITTING,
    indirect.INDIRECT,
    indirect.VOCATIVE,
)
# run on the caller's text as written, not the normalised one
ORIGINAL: tuple[Composite, ...] = (suffix.ADVERSARIAL_SUFFIX, suffix.SHOUTED)
# prompts only
INPUT: tuple[Rule | Composite, ...] = (harm.REQUEST, *harm.CONTENT, *hijack.HIJACK)
# replies only
OUTPUT: tuple[Rule | Composite, ...] = (unsafe_reply.HARMFUL_REPLY,)


@dataclass(frozen=True, eq=False)
class LexiconRecord:
    """A multilingual lexicon rule (`multilingual.LexRule`) seen as a registry record."""

    rule: multilingual.LexRule
    original = False

    @property
    def name(self) -> str:
        return f"lexicon.{self.rule.name}"

    @property
    def type(self) -> str:
        return self.rule.type

    @property
    def category(self) -> str:
        return self.rule.category

    @property
    def score(self) -> float:
        return self.rule.score

    @property
    def examples(self) -> tuple[str, ...]:
        return self.rule.examples

    @property
    def near_misses(self) -> tuple[str, ...]:
        return self.rule.near_misses

    @property
    def pattern(self) -> LazyPattern:
        return self.rule.pattern

    def hits(self, text: str, direction: str = "input") -> list[RuleHit]:
        return [
            RuleHit(rule.category, rule.type, start, end, score)
            for rule, start, end, score in multilingual.scan(text, (self.rule,))
        ]


Record = Rule | Composite | LexiconRecord


@cache
def lexicon_rules() -> tuple[LexiconRecord, ...]:
    return tuple(LexiconRecord(rule) for rule in multilingual.rules())


def all_rules() -> tuple[Record, ...]:
    """Every record: each group's, the signals inside composites, and the lexicon's."""
    out: list[Record] = []
    for entry in REGISTRY + ORIGINAL + INPUT + OUTPUT:
        out.append(entry)
        if isinstance(entry, Composite):
            out.extend(entry.rules)
    out.extend(lexicon_rules())
    return tuple(out)


def patterns() -> list[Pattern | LazyPattern]:
    """The patterns of the rules written in code (what the warm-up loads; the lexicon's compile on first use)."""
    out: list[Pattern | LazyPattern] = []
    for entry in all_rules():
        if isinstance(entry, Rule):
            out.append(entry.pattern)
        elif isinstance(entry, Composite):
            out.extend(entry.patterns)
    return out


def scan(text: str, *, direction: str = "input") -> list[RuleHit]:
    """Run every mechanism rule over normalised text; returns hits with offsets into `text`."""
    return run_all(REGISTRY, text, direction)


def scan_original(text: str) -> list[RuleHit]:
    """The rules that read the caller's original text (case and symbols kept)."""
    return run_all(ORIGINAL, text, "input")


def scan_input(text: str, source: str | None = None, to_original: OffsetMap | None = None) -> list[RuleHit]:
    """The prompt-only rules over normalised `text`; `source` and `to_original` (the caller's text and the map into
    it) let a rule read the text as written (the word-salad tail of a harmful request)."""
    return run_all(INPUT, text, "input", source, to_original)


def scan_output(text: str) -> list[RuleHit]:
    """The reply-only rules over normalised `text`."""
    return run_all(OUTPUT, text, "output")
