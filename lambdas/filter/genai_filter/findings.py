"""The one result type every detector returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
