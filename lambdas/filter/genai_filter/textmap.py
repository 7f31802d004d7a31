"""Offset-preserving folding for the PII and secret scanners.

The scanners match ASCII patterns. Fullwidth digits, an ideographic `＠` or zero-width characters
spliced into an e-mail address would hide it, so non-ASCII text is folded first: format characters
(category Cf: zero-width, bidi controls, soft hyphen) are dropped and every character whose NFKC form
is a single character is replaced by it. The folded text keeps a map back to the original offsets.
This is deliberately lighter than `normalize.normalize` (no leet folding, which would turn digits
into letters and destroy phone numbers and card numbers).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = frozenset("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    # index i of `text` came from original index positions[i]; None when nothing was folded
    positions: list[int] | None
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.positions is None:
            return start, end
        if start >= end:
            pos = self.positions[start] if start < len(self.positions) else self.original_length
            return pos, pos
        return self.positions[start], self.positions[end - 1] + 1


def _fold_char(ch: str) -> str:
    if ch in _SPACES:
        return " "
    if unicodedata.category(ch) == "Cf":
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


class _FoldTable(dict[int, str]):
    """A `str.translate` table that computes and caches each code point's folding on first use."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        self[key] = value
        return value


_TABLE = _FoldTable({i: chr(i) for i in range(128)})


def fold(text: str) -> Folded:
    if text.isascii():
        return Folded(text, None, len(text))
    if len(_TABLE) > 200_000:  # bound the cache against inputs cycling through every code point
        _TABLE.clear()
        _TABLE.update({i: chr(i) for i in range(128)})
    folded = text.translate(_TABLE)
    if len(folded) == len(text):
        return Folded(folded, None, len(text))  # one-to-one: offsets are unchanged
    out: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        rep = _TABLE[ord(ch)]
        if rep:
            out.append(rep)
            positions.append(i)
    return Folded("".join(out), positions, len(text))


# A letter or digit, then the same separator before every further one: "A K I A …", "4-1-1-1-…", one per
# line. Separators and characters are disjoint classes, so the scan is linear.
_SPACED_RUN = re.compile(
    r"[A-Za-z0-9](?<![A-Za-z0-9][A-Za-z0-9])([ \t]{1,3}|\r?\n|[ \t]{0,2}[\-.,_|/:*+\u00b7][ \t]{0,2})"
    r"[A-Za-z0-9](?:\1[A-Za-z0-9]){10,}(?![A-Za-z0-9])"
)
_SPACED_GATE = re.compile(r"[A-Za-z0-9][^A-Za-z0-9]{1,5}[A-Za-z0-9][^A-Za-z0-9]{1,5}[A-Za-z0-9][^A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class SpacedRun:
    """At least 12 single characters with one separator between each: `compact` holds the characters,
    `compact[k]` is `text[start + k * stride]`."""

    start: int
    stride: int
    compact: str

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """The span of `text` that holds `compact[start:end]`."""
        return self.start + start * self.stride, self.start + (end - 1) * self.stride + 1


def spaced_runs(text: str) -> list[SpacedRun]:
    if _SPACED_GATE.search(text) is None:
        return []
    runs: list[SpacedRun] = []
    for m in _SPACED_RUN.finditer(text):
        stride = 1 + len(m.group(1))
        runs.append(SpacedRun(m.start(), stride, m.group()[::stride]))
    return runs
