"""The prefix-gated pattern engine every mechanism rule runs on.

Python's `re` tries an alternation at every position, which costs ~50 ns per character per pattern;
`str.find` on the literal prefixes of a pattern's first token is ~100x cheaper. A `Pattern` only starts
matching where one of its literal prefixes occurs. The prefixes are read from the parsed pattern, once, at
build time: `prefix_table.json` holds them (regenerate with `python -m genai_filter.rules.engine`), so a
cold process neither parses nor compiles a pattern before a text contains one of its prefixes. A pattern
missing from the table has its prefixes computed on first use.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

__all__ = ["Pattern", "current_prefix_table", "literal_prefixes", "prefix_key", "prefix_table"]

Prefixes = tuple[tuple[str, str], ...] | None
# JSON rather than a Python module: Lambda ships no .pyc files, and compiling a module of this size on
# every cold start cost ~17 ms; json.loads takes ~2 ms
_TABLE_PATH = Path(__file__).with_name("prefix_table.json")


@functools.cache
def prefix_table() -> dict[str, list[list[str]] | None]:
    """The literal prefixes of every pattern, by source, as generated at build time."""
    loaded: dict[str, list[list[str]] | None] = json.loads(_TABLE_PATH.read_text(encoding="utf-8"))
    return loaded


class Pattern:
    """A regular expression (DOTALL, matched against NFKC-normalised text) tried only where one of its
    literal prefixes occurs; compiled the first time a text holds one of them."""

    __slots__ = ("_by_key", "_compiled", "_gated", "_keys", "_loose", "_prefixes", "source")

    created: ClassVar[list[Pattern]] = []  # every pattern built, for the prefix table generator and its test

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None
        self._gated = False
        self._prefixes: Prefixes = None
        self._keys: frozenset[str] = frozenset()
        self._by_key: dict[str, tuple[str, ...]] = {}
        self._loose: tuple[str, ...] = ()
        Pattern.created.append(self)

    def _normalized_source(self) -> str:
        # Patterns are matched against NFKC-normalised text (e.g. Thai SARA AM decomposes), so the
        # pattern literals get the same normalisation.
        return self.source if self.source.isascii() else unicodedata.normalize("NFKC", self.source)

    def _gate(self) -> None:
        table = prefix_table()
        if self.source in table:
            stored = table[self.source]
            prefixes: Prefixes = None if stored is None else tuple((pre, key) for pre, key in stored)
        else:
            prefixes = literal_prefixes(self._normalized_source())
        by_key: dict[str, list[str]] = {}
        for pre, key in prefixes or ():
            if key:
                by_key.setdefault(key, []).append(pre)
        self._prefixes = prefixes
        self._by_key = {k: tuple(v) for k, v in by_key.items()}
        self._keys = frozenset(by_key)
        self._loose = tuple(pre for pre, key in prefixes or () if not key)
        self._gated = True

    def _load(self) -> re.Pattern[str]:
        self._compiled = re.compile(self._normalized_source(), re.DOTALL)
        return self._compiled

    @property
    def pattern(self) -> re.Pattern[str]:
        return self._compiled or self._load()

    @property
    def compiled(self) -> bool:
        return self._compiled is not None

    @property
    def prefixes(self) -> Prefixes:
        if not self._gated:
            self._gate()
        return self._prefixes

    def warm(self) -> None:
        """Load the gate (cheap: a table look-up); a pattern without a gate is compiled, as every text needs it."""
        if not self._gated:
            self._gate()
        if self._prefixes is None:
            self.pattern  # noqa: B018 - compiles

    def _starts(self, text: str) -> list[int] | None:
        """Sorted positions where a literal prefix occurs ([] when none does), or None when the
        pattern has no usable prefixes and must scan every position. Called once per pattern per
        text, so the common case (no prefix key among the text's words) returns after a set test."""
        if not self._gated:
            self._gate()
        if self._prefixes is None:
            return None
        idx = _IDX_KEYS[0] if _IDX_TEXT[0] is text else _index(text)
        cands = [pre for pre in self._loose if pre in text] if self._loose else []
        if not self._keys.isdisjoint(idx):
            for key in self._keys & idx:
                cands.extend(self._by_key[key])
        if not cands:
            return []
        starts: list[int] = []
        for pre in cands:
            pos = text.find(pre)
            while pos != -1:
                starts.append(pos)
                pos = text.find(pre, pos + 1)
        starts.sort()
        return starts

    def finditer(self, text: str) -> list[re.Match[str]]:
        starts = self._starts(text)
        if starts is None:
            return list(self.pattern.finditer(text))
        return list(self._from(text, starts)) if starts else []

    def _from(self, text: str, starts: list[int]) -> Iterator[re.Match[str]]:
        """The non-overlapping matches, left to right, tried only at `starts`."""
        pat = self.pattern
        last_end = -1
        for pos in starts:
            if pos < last_end:
                continue
            m = pat.match(text, pos)
            if m:
                yield m
                last_end = max(m.end(), pos + 1)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        starts = self._starts(text)
        if starts is None:
            return self.pattern.search(text, pos)
        if not starts:
            return None  # not compiled: no prefix occurs
        for m in self._from(text, starts):
            if m.start() >= pos:
                return m
        return None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.pattern.match(text, pos)

    def count(self, text: str) -> int:
        return len(self.finditer(text))


_LETTERS = re.compile(r"[^\W\d_]+")
_NON_LETTERS = {i: " " for i in range(128) if not chr(i).isalpha()}
_IDX_TEXT: list[str] = [""]
_IDX_KEYS: list[frozenset[str]] = [frozenset()]


def _index(text: str) -> frozenset[str]:
    """The 2- and 3-letter prefixes of every letter run in `text` (cached for the last text)."""
    if _IDX_TEXT[0] is text:
        return _IDX_KEYS[0]
    words = set(text.translate(_NON_LETTERS).split())
    keys = frozenset({w[:3] for w in words} | {w[:2] for w in words})
    _IDX_TEXT[0] = text
    _IDX_KEYS[0] = keys
    return keys


def prefix_key(prefix: str) -> str:
    """Index key for a literal prefix: its leading letters (2-3), or '' to fall back to `in`."""
    m = _LETTERS.match(prefix)
    if not m or len(m.group()) < 2 or not m.group().isascii():
        return ""
    return m.group()[:3]


def literal_prefixes(source: str) -> Prefixes:
    """The literal prefixes (with their index keys) that every match of `source` starts with, or None."""
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - other Python versions: plain scanning
        return None

    skip = (c.AT, c.ASSERT, c.ASSERT_NOT)
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))

    def seq(items: list[tuple[object, object]], budget: int) -> set[str] | None:
        """Literal prefixes (up to `budget` characters) that every match of `items` starts with.

        "" in the result means "may start with nothing known"; None means "cannot tell"."""
        i = 0
        while i < len(items) and items[i][0] in skip:
            i += 1
        if i == len(items) or budget == 0:
            return {""}
        op, av = items[i]
        rest = items[i + 1 :]
        if op is c.LITERAL:
            tail = seq(rest, budget - 1)
            head = chr(av)  # type: ignore[arg-type]
            if tail is None or ("" in tail and len(tail) > 1):
                return {head}
            return {head + t for t in tail}
        if op is c.SUBPATTERN:
            return seq(list(av[3]) + rest, budget)  # type: ignore[index]
        if op is c.BRANCH:
            found: set[str] = set()
            for alt in av[1]:  # type: ignore[index]
                r = seq(list(alt) + rest, budget)
                if r is None:
                    return None
                found |= r
                if len(found) > 400:
                    return None
            return found
        if op in repeats:
            lo: int = av[0]  # type: ignore[index]
            body: list[tuple[object, object]] = list(av[2])  # type: ignore[index]
            if lo == 0:
                one = seq(body + rest, budget)
                zero = seq(rest, budget)
                if one is None or zero is None:
                    return None
                return one | zero
            if lo >= 1:
                return seq(body + rest, budget)
        return None

    def walk(items: list[tuple[object, object]]) -> set[str] | None:
        found = seq(items, 8)
        if found is None or "" in found:
            return None
        return found

    try:
        found = walk(list(parser.parse(source, re.DOTALL)))
    except Exception:  # pragma: no cover - defensive: fall back to scanning
        return None
    if not found or any(len(p) < 2 and (p.isalnum() or p.isspace()) for p in found):
        return None
    # drop prefixes that contain a shorter prefix (found anyway)
    kept = sorted(p for p in found if not any(q != p and p.startswith(q) for q in found))
    return tuple((p, prefix_key(p)) for p in kept)


def current_prefix_table() -> dict[str, Prefixes]:
    """The literal prefixes of every pattern the detectors build, computed now (what `prefix_table` should hold)."""
    import importlib

    for module in ("genai_filter.injection", "genai_filter.rules.registry", "genai_filter.harm", "genai_filter.hijack"):
        importlib.import_module(module)
    # run as a script this module is __main__: the detectors registered their patterns with the imported one
    engine = importlib.import_module("genai_filter.rules.engine")
    return {p.source: engine.literal_prefixes(p._normalized_source()) for p in engine.Pattern.created}


def _write_prefix_table() -> None:
    table = current_prefix_table()
    lines = [
        f"{json.dumps(source, ensure_ascii=False)}: {json.dumps(None if pre is None else [list(p) for p in pre], ensure_ascii=False)}"
        for source, pre in sorted(table.items())
    ]
    _TABLE_PATH.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    _write_prefix_table()
