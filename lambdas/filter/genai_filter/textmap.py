"""Offset-preserving folding for the PII and secret scanners.

The scanners match ASCII patterns. Fullwidth digits, an ideographic `＠` or zero-width characters
spliced into an e-mail address would hide it, so non-ASCII text is folded first: format characters
(category Cf: zero-width, bidi controls, soft hyphen) are dropped and every character whose NFKC form
is a single character is replaced by it. The folded text keeps a map back to the original offsets.
This is deliberately lighter than `normalize.normalize` (no leet folding, which would turn digits
into letters and destroy phone numbers and card numbers).
"""

from __future__ import annotations

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
            return self.positions[start] if start < len(self.positions) else self.original_length, (
                self.positions[start] if start < len(self.positions) else self.original_length
            )
        return self.positions[start], self.positions[end - 1] + 1


def fold(text: str) -> Folded:
    if text.isascii():
        return Folded(text, None, len(text))
    out: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            positions.append(i)
            continue
        if ch in _SPACES:
            out.append(" ")
            positions.append(i)
            continue
        if unicodedata.category(ch) == "Cf":
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
        positions.append(i)
    return Folded("".join(out), positions, len(text))
