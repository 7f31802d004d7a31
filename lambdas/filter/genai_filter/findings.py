"""The one result type every detector returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RULES_TIER = "rules"
"""The tier that decided when no guard tier changed the action (genai_filter/guard.py)."""
FAIL_CLOSED_TIER = "fail-closed"
"""The guard tier failed and its fail mode blocked the text."""


def decided_by(tiers: Sequence[str]) -> str:
    """The tier that decided a request of several texts: fail-closed, else a guard backend, else the rules."""
    return max(tiers, key=lambda t: 0 if t == RULES_TIER else 2 if t == FAIL_CLOSED_TIER else 1, default=RULES_TIER)


CATEGORIES = ("prompt_injection", "jailbreak", "pii", "secret", "exfiltration", "unsafe", "obfuscation", "context")


@dataclass(frozen=True, slots=True)
class Finding:
    """A detection: `start`/`end` are code-point offsets into the text the caller submitted."""

    category: str
    type: str
    start: int
    end: int
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
        }
