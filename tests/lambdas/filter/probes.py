"""What the probe-set tests share: the rows of `data/probes/*.jsonl`, what /v1/screen blocks with the default
actions, and the check each row names."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from genai_filter import config, output, pii, secrets
from genai_filter.injection import detect
from genai_filter.screen import Redactor, Screener

BLOCKING = ("prompt_injection", "jailbreak", "unsafe", "obfuscation")
PROBES = Path(__file__).resolve().parents[3] / "data" / "probes"
# output set 22 screens replies with one link host allowed (a reply may link to the docs)
REPLY_SCREENER = Screener(config.load({"FILTER_EXFIL_ALLOWED_HOSTS": "docs.example.com"}))
LEAK_TYPES = {
    "canary-leak": {"CANARY_TOKEN"},
    "prompt-leak": {"SYSTEM_PROMPT_LEAK"},
    "leak": {"CANARY_TOKEN", "SYSTEM_PROMPT_LEAK"},
}


@cache
def leak_screener(system_prompt: str, canary: str) -> Screener:
    return Screener(config.load({"FILTER_SYSTEM_PROMPT": system_prompt, "FILTER_CANARY_TOKEN": canary}))


def blocked(text: str) -> bool:
    return any(f.category in BLOCKING for f in detect(text))


def probe_rows(name: str) -> list[dict[str, Any]]:
    with (PROBES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def row_blocked(row: dict[str, Any]) -> bool:
    """Whether the row's check blocks it: `detect` (any blocking category), `detect-no-obfuscation` (the
    held-out sets 3-6 left informational obfuscation findings out), `screen` (the /v1/screen pipeline's
    action), `harmful-instructions` (a reply that carries harmful instructions); for the leak set, with the row's
    `system_prompt` and `canary` configured: `canary-leak`, `prompt-leak` or `leak` (either), `exfil` (a link that
    carries data, no host allowed), `aws-key` and `card` (exactly that one secret or card number found) and
    `secret-or-card` (any)."""
    text, direction, check = row["text"], row["direction"], row["check"]
    if check == "screen":
        return REPLY_SCREENER.screen(text, direction, Redactor()).action == "block"
    if check in LEAK_TYPES:
        screener = leak_screener(row["system_prompt"], row["canary"])
        return bool({f.type for f in screener.findings(text, direction)} & LEAK_TYPES[check])
    if check == "exfil":
        return bool(output.exfiltration(text, ()))
    if check == "aws-key":
        return [f.type for f in secrets.detect(text)] == ["AWS_ACCESS_KEY_ID"]
    if check == "card":
        return [f.type for f in pii.detect(text)] == ["CREDIT_CARD"]
    if check == "secret-or-card":
        return bool(secrets.detect(text) + pii.detect(text))
    found = detect(text, direction=direction)
    if check == "harmful-instructions":
        return any(f.type == "HARMFUL_INSTRUCTIONS" for f in found)
    categories = BLOCKING[:3] if check == "detect-no-obfuscation" else BLOCKING
    return any(f.category in categories for f in found)
