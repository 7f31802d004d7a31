"""What the held-out probe-set tests share: what /v1/screen blocks with the default actions, and the check."""

from __future__ import annotations

from genai_filter.injection import detect

BLOCKING = ("prompt_injection", "jailbreak", "unsafe", "obfuscation")


def blocked(text: str) -> bool:
    return any(f.category in BLOCKING for f in detect(text))
