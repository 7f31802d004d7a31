"""Pattern fragments the mechanism rules share."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["S1", "S", "fill", "has", "has_any"]

# Separator between words: 0-3 non-word characters (0 so that collapsed "ignoreall" still matches).
S = r"[\W_]{0,3}+"
# Separator that requires at least one non-word character.
S1 = r"[\W_]{1,3}+"


def fill(n: int) -> str:
    """Up to `n` filler words."""
    return rf"(?:{S1}\w{{1,20}}+){{0,{n}}}{S}"


def has(text: str, needles: tuple[str, ...]) -> bool:
    return any(n in text for n in needles)


def has_any(*needles: str) -> Callable[[str], bool]:
    """A rule's gate: the text holds one of `needles`."""
    return lambda text: has(text, needles)
