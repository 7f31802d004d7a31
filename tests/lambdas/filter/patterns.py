"""Every pattern the injection detector builds, with a name to report: the registry's rules by rule name, and
the module-level patterns of the rule modules and of the other detectors by (module, variable)."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

from genai_filter import harm, hijack, unsafe_reply
from genai_filter import normalize as norm_mod
from genai_filter.lazy import LazyPattern
from genai_filter.rules import cues, extraction, indirect, override, payload, persona, roles, structure, suffix
from genai_filter.rules.base import Rule
from genai_filter.rules.engine import Pattern
from genai_filter.rules.registry import all_rules

MODULES: tuple[ModuleType, ...] = (
    harm,
    hijack,
    unsafe_reply,
    norm_mod,
    cues,
    extraction,
    indirect,
    override,
    payload,
    persona,
    roles,
    structure,
    suffix,
)


def named_patterns() -> Iterator[tuple[tuple[str, str], Pattern | LazyPattern]]:
    for entry in all_rules():
        if isinstance(entry, Rule):
            yield ("rule", entry.name), entry.pattern
    for module in MODULES:
        for name, value in vars(module).items():
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                for rx in item if isinstance(item, tuple) else (item,):
                    if isinstance(rx, (Pattern, LazyPattern)):
                        yield (module.__name__, name), rx
