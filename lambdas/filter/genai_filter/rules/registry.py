"""The one registry of mechanism rules: the scanner, the warm-up, the tests and `filter evaluate --by-rule`
all iterate `REGISTRY` (in scan order; the order matters only for ties)."""

from __future__ import annotations

from genai_filter.lazy import LazyPattern
from genai_filter.rules import extraction, indirect, override, payload, persona, roles, structure, suffix
from genai_filter.rules.base import Composite, Rule, RuleHit
from genai_filter.rules.engine import Pattern

__all__ = ["ORIGINAL", "REGISTRY", "all_rules", "patterns", "scan", "scan_original"]

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


def all_rules() -> tuple[Rule | Composite, ...]:
    """Every record: the registry's, the signals inside composites, and the original-text rules."""
    out: list[Rule | Composite] = []
    for entry in REGISTRY + ORIGINAL:
        out.append(entry)
        if isinstance(entry, Composite):
            out.extend(entry.rules)
    return tuple(out)


def patterns() -> list[Pattern | LazyPattern]:
    out: list[Pattern | LazyPattern] = []
    for entry in all_rules():
        if isinstance(entry, Rule):
            out.append(entry.pattern)
        else:
            out.extend(entry.patterns)
    return out


def scan(text: str, *, direction: str = "input") -> list[RuleHit]:
    """Run every mechanism rule over normalised text; returns hits with offsets into `text`."""
    hits: list[RuleHit] = []
    for entry in REGISTRY:
        if isinstance(entry, Rule):
            hits.extend(entry.hits(text, direction))
        else:
            entry.run(text, hits, direction)
    return hits


def scan_original(text: str) -> list[RuleHit]:
    """The rules that read the caller's original text (case and symbols kept)."""
    hits: list[RuleHit] = []
    for entry in ORIGINAL:
        entry.run(text, hits, "input")
    return hits
