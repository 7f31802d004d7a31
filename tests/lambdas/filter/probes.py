"""What the probe-set tests share: the rows of `data/probes/*.jsonl`, what /v1/screen blocks with the default
actions, and the check each row names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from genai_filter import config
from genai_filter.injection import detect
from genai_filter.screen import Redactor, Screener

BLOCKING = ("prompt_injection", "jailbreak", "unsafe", "obfuscation")
PROBES = Path(__file__).resolve().parents[3] / "data" / "probes"
# output set 22 screens replies with one link host allowed (a reply may link to the docs)
REPLY_SCREENER = Screener(config.load({"FILTER_EXFIL_ALLOWED_HOSTS": "docs.example.com"}))


def blocked(text: str) -> bool:
    return any(f.category in BLOCKING for f in detect(text))


def probe_rows(name: str) -> list[dict[str, Any]]:
    with (PROBES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def row_blocked(row: dict[str, Any]) -> bool:
    """Whether the row's check blocks it: `detect` (any blocking category), `detect-no-obfuscation` (the
    held-out sets 3-6 left informational obfuscation findings out), `screen` (the /v1/screen pipeline's
    action) or `harmful-instructions` (a reply that carries harmful instructions)."""
    text, direction, check = row["text"], row["direction"], row["check"]
    if check == "screen":
        return REPLY_SCREENER.screen(text, direction, Redactor()).action == "block"
    found = detect(text, direction=direction)
    if check == "harmful-instructions":
        return any(f.type == "HARMFUL_INSTRUCTIONS" for f in found)
    categories = BLOCKING[:3] if check == "detect-no-obfuscation" else BLOCKING
    return any(f.category in categories for f in found)
