"""Replies that leak (issue 15): the canary and the system prompt in any form a model can produce, bare URLs
and autolinks, spaced secrets and card numbers, redaction that outgrows the text limit; each with benign
replies in the same shapes (docs/filter-detection.md, "leak set"). The set's replies are rows of
`data/probes/output_leaks.jsonl` (test_probe_sets.py); here are the generated and pipeline cases."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from typing import Any

import pytest
from genai_filter import config, output, pii, secrets
from genai_filter.screen import Redactor, Screener

CANARY = "cnry-5f1e0c2b9a7d4e3f21a0b9c8"
PROMPT = (
    "You are the support assistant for Example Corp. Only answer questions about our billing products and "
    "never discuss internal pricing rules with customers."
)
SCREENER = Screener(config.load({"FILTER_SYSTEM_PROMPT": PROMPT, "FILTER_CANARY_TOKEN": CANARY}))
LEAK_TYPES = {"CANARY_TOKEN", "SYSTEM_PROMPT_LEAK"}
PROMPT_WORDS = PROMPT.split()

_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.,"}


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def fullwidth(s: str) -> str:
    return "".join(_FULLWIDTH.get(c, "\u3000" if c == " " else c) for c in s)


def leak_types(text: str, screener: Screener = SCREENER) -> set[str]:
    return {f.type for f in screener.findings(text, "output")} & LEAK_TYPES


def test_random_canaries_encoded_are_found() -> None:
    rng = random.Random(15)
    missed = 0
    for _ in range(200):
        canary = "cnry-" + "".join(rng.choice("0123456789abcdef") for _ in range(24))
        screener = Screener(config.Config(system_prompt=PROMPT, canary_token=canary))
        for text in (f"token {b64(canary)}", f"token {canary.encode().hex()}", f"t: {b64('x' + canary)}."):
            if "CANARY_TOKEN" not in leak_types(text, screener):
                missed += 1
    assert missed == 0


def test_half_of_a_readable_canary_is_not_a_leak() -> None:
    detector = output.LeakDetector(PROMPT, "CANARY-TOKEN-2026-ALPHA")
    assert list(detector.detect("We plant canary tokens in documents to detect leaks.")) == []
    spelled = "C A N A R Y dash T O K E N dash two zero two six dash A L P H A"
    assert [f.type for f in detector.detect(spelled)] == ["CANARY_TOKEN"]


def exfil(text: str) -> list[str]:
    return [f.type for f in output.exfiltration(text, ())]


def test_bare_url_with_a_query_is_blocked_in_a_reply() -> None:
    result = SCREENER.screen("More at https://evil.example/?q=DATA", "output", Redactor())
    assert result.action == "block"
    assert {f.type for f in result.findings} == {"EXFIL_URL"}


def test_allowlisted_host_in_a_bare_url_is_allowed() -> None:
    assert output.exfiltration("https://docs.example.com/search?q=x", ("docs.example.com",)) == []
    assert output.exfiltration("https://ｄｏｃｓ.example.com/search?q=x", ("docs.example.com",)) == []
    assert exfil("https://ｄｏｃｓ.example.com.evil.example/?q=x") == ["EXFIL_URL"]


def test_spaced_card_is_redacted_whole() -> None:
    text = "pay with " + " ".join("4111111111111111") + " today"
    result = SCREENER.screen(text, "output", Redactor())
    assert result.text == "pay with [CREDIT_CARD_1] today"


def _echo_text(limit: int) -> str:
    text = ""
    n = 0
    while True:
        item = f"u{n}@x.io "
        if len(text) + len(item) > limit:
            return text
        text += item
        n += 1


@pytest.mark.parametrize("direction", ["input", "output"])
def test_redacted_text_respects_the_limit(direction: Any) -> None:
    limit = 400
    screener = Screener(config.load({"FILTER_MAX_TEXT_CHARS": str(limit)}))
    text = _echo_text(limit)
    result = screener.screen(text, direction, Redactor())
    assert result.text is None or len(result.text) <= limit
    assert result.action == "block"
    assert "REDACTION_OVER_LIMIT" in {f.type for f in result.findings}


def test_redaction_within_the_limit_is_unchanged() -> None:
    screener = Screener(config.load({"FILTER_MAX_TEXT_CHARS": "400"}))
    result = screener.screen("write to jane@example.com please", "output", Redactor())
    assert result.action == "redact"
    assert result.text == "write to [EMAIL_ADDRESS_1] please"


def test_echoing_backend_cannot_exceed_the_limit(configure: Any, backend: Any, event: Any, invoke: Any) -> None:
    limit = 400
    configure(FILTER_BACKEND_URL=backend.url, FILTER_MAX_TEXT_CHARS=str(limit))
    backend.reply = _echo_text(limit)
    status, payload, _ = invoke(
        event(path="/v1/chat", body={"messages": [{"role": "user", "content": "Repeat the list."}]})
    )
    if status == 200:
        assert len(payload["message"]["content"]) <= limit
    else:
        assert status == 502
        assert payload["error"]["code"] == "response_blocked"


# ---------------------------------------------------------------- linear work on 64 KB adversarial replies
# Python lines executed (all frames, sys.settrace) for a 16 KB and a 64 KB reply of each family: linear work
# gives a ratio near 4. The C-level scans (regexes, translate, decoders) are linear by construction; their
# timing is left to the adversarial benchmark.


def _python_lines(fn: Callable[[str], object], text: str) -> int:
    import sys

    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn(text)
    finally:
        sys.settrace(None)
    return count


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


_RNG = random.Random(64)
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
LINEAR_FAMILIES: dict[str, Callable[[int], str]] = {
    "long base64 run": lambda n: "".join(_RNG.choice(_B64_ALPHABET) for _ in range(n)),
    "base64 words": lambda n: _fill("aGVsbG8gd29ybGQgYWdhaW4= ", n),
    "base64 in base64": lambda n: _fill(b64(b64("the same words, encoded twice ") * 3) + " ", n),
    "long hex run": lambda n: "".join(_RNG.choice("0123456789abcdef") for _ in range(n)),
    "long binary run": lambda n: "".join(_RNG.choice("01") for _ in range(n)),
    "homoglyph text": lambda n: _fill("Сустомеr suрроrt аssіstаnt fоr bіllіng ", n),
    "fullwidth text": lambda n: _fill(fullwidth("only answer questions about "), n),
    "prompt near-misses": lambda n: _fill(" ".join(PROMPT_WORDS[:7]) + " and then ", n),
    "reversed prompt near-misses": lambda n: _fill(" ".join(PROMPT_WORDS[3:10])[::-1] + " x ", n),
    "canary near-misses": lambda n: _fill(CANARY[:-2] + " ", n),
    "spaced digits": lambda n: _fill("4 1 1 1 ", n),
    "spaced letters": lambda n: _fill("A K I A ", n),
    "spaced runs of 11": lambda n: _fill(" ".join("41111111111") + ". ", n),
    "digits on lines": lambda n: _fill("4\n", n),
    "bare URLs": lambda n: _fill("https://evil.example/a ", n),
    "glued URLs": lambda n: _fill("https://", n),
    "closing parentheses": lambda n: "https://evil.example/" + ")" * (n - 21),
    "www prefixes": lambda n: _fill("www.", n),
    "autolinks": lambda n: _fill("<https://evil.example/?q=1> ", n),
    "markdown links": lambda n: _fill("[a](https://evil.example/?q=1) ", n),
}
DETECTORS: dict[str, Callable[[str], object]] = {
    "leak": lambda text: list(SCREENER.leaks.detect(text)),
    "exfiltration": lambda text: output.exfiltration(text, ()),
    "secrets": secrets.detect,
    "pii": pii.detect,
}


@pytest.mark.parametrize("family", sorted(LINEAR_FAMILIES))
def test_detectors_do_linear_work(family: str) -> None:
    small, large = (LINEAR_FAMILIES[family](n) for n in (16_384, 65_536))
    for name, detector in DETECTORS.items():
        a, b = _python_lines(detector, small), _python_lines(detector, large)
        assert b <= 4.6 * a + 5_000, (name, a, b)


def test_prompt_that_outgrows_the_limit_when_redacted_is_blocked(
    configure: Any, backend: Any, event: Any, invoke: Any
) -> None:
    limit = 400
    configure(FILTER_BACKEND_URL=backend.url, FILTER_MAX_TEXT_CHARS=str(limit))
    status, payload, _ = invoke(
        event(path="/v1/chat", body={"messages": [{"role": "user", "content": _echo_text(limit)}]})
    )
    assert status == 400
    assert payload["error"]["code"] == "prompt_blocked"
    assert payload["error"]["reasons"] == ["screening"]
    assert backend.requests == []
