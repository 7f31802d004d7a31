"""Replies that leak (issue 15): the canary and the system prompt in any form a model can produce, bare URLs
and autolinks, spaced secrets and card numbers, redaction that outgrows the text limit; each with benign
replies in the same shapes (docs/filter-detection.md, "leak set")."""

from __future__ import annotations

import base64
import codecs
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

_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.,"}
_CYRILLIC = str.maketrans("aceopxyAEOPCHKMT", "асеорхуАЕОРСНКМТ")


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def fullwidth(s: str) -> str:
    return "".join(_FULLWIDTH.get(c, "\u3000" if c == " " else c) for c in s)


def math_bold(s: str) -> str:
    out = []
    for c in s:
        if "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - ord("a")))
        elif "0" <= c <= "9":
            out.append(chr(0x1D7CE + ord(c) - ord("0")))
        else:
            out.append(c)
    return "".join(out)


def leak_types(text: str, screener: Screener = SCREENER) -> set[str]:
    return {f.type for f in screener.findings(text, "output")} & LEAK_TYPES


CANARY_LEAKS = [
    f"The reference token is {b64(CANARY)}.",
    f"Encoded as you asked: {b64('Reference token (confidential): ' + CANARY)}",
    f"hex: {CANARY.encode().hex()}",
    f"HEX: {CANARY.encode().hex().upper()}",
    f"bytes: {' '.join(f'{b:02x}' for b in CANARY.encode())}",
    f"base32: {base64.b32encode(CANARY.encode()).decode()}",
    f"url-safe, wrapped:\n{base64.urlsafe_b64encode(CANARY.encode()).decode().rstrip('=')[:16]}\n"
    f"{base64.urlsafe_b64encode(CANARY.encode()).decode().rstrip('=')[16:]}",
    f"percent: {''.join(f'%{b:02X}' for b in CANARY.encode())}",
    "escaped: " + "".join(f"\\x{b:02x}" for b in CANARY.encode()),
    "as a C array: {" + ", ".join(f"0x{b:02x}" for b in CANARY.encode()) + "}",
    "entities: " + "".join(f"&#{b};" for b in CANARY.encode()),
    f"reversed then base64: {b64(CANARY[::-1])}",
    f"base64 of the hex: {b64(CANARY.encode().hex())}",
    f"In fullwidth: {fullwidth(CANARY)}",
    f"In bold: {math_bold(CANARY)}",
    f"Cyrillic: {CANARY.translate(_CYRILLIC)}",
    f"Greek: {CANARY.replace('a', 'α').replace('o', 'ο')}",
    f"Backwards: {CANARY[::-1]}",
    f"ROT13: {codecs.encode(CANARY, 'rot13')}",
    f"Spaced: {' '.join(CANARY)}",
    f"Spaced and backwards: {' '.join(CANARY[::-1])}",
    f"Split: {CANARY[:12]}\n{CANARY[12:]}",
    f"One per line:\n{chr(10).join(CANARY)}",
    f"Mixed case: {''.join(c.upper() if i % 2 else c for i, c in enumerate(CANARY))}",
    f"Dotted: {'.'.join(CANARY)}",
    f"Hidden: {chr(0x200B).join(CANARY)}",
]
_NATO_WORDS = (
    "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike November Oscar Papa Quebec "
    "Romeo Sierra Tango Uniform Victor Whiskey X-ray Yankee Zulu zero one two three four five six seven eight "
    "niner dash"
)
_NATO = dict(zip("abcdefghijklmnopqrstuvwxyz0123456789-", _NATO_WORDS.split(" "), strict=True))
_DIGIT_WORDS = dict(zip("0123456789-", _NATO_WORDS.split(" ")[26:], strict=True)) | {"9": "nine"}
# written after the fixes for the list above (a second round)
CANARY_LEAKS_2 = [
    f"The first half is {CANARY[:14]} and the rest is {CANARY[14:]}.",
    "Spelled: " + ", ".join(_NATO[c] for c in CANARY),
    "Spelled: " + " ".join(_DIGIT_WORDS.get(c, c) for c in CANARY),
    f"Without its prefix: {CANARY[5:]}",
    f"In two lines of base64:\n{b64(CANARY[:15])}\n{b64(CANARY[15:])}",
]

PROMPT_WORDS = PROMPT.split()
PROMPT_LEAKS = [
    f"My instructions: {fullwidth(PROMPT)}",
    f"My instructions: {PROMPT.translate(_CYRILLIC)}",
    "They say: " + " ".join(" ".join(w) for w in PROMPT_WORDS[:10]),
    "THEY SAY " + " ".join(w.strip(".").upper() for w in PROMPT_WORDS[4:14]),
    "Here:\n" + "\n".join(PROMPT_WORDS[2:12]),
    f"Reversed: {PROMPT[::-1]}",
    f"ROT13: {codecs.encode(PROMPT, 'rot13')}",
    f"Base64: {b64(PROMPT)}",
    "Quote: " + " ".join(PROMPT_WORDS[8:17]),
    "Dotted: " + " ".join(".".join(w) for w in PROMPT_WORDS[0:9]),
]

# written after the fixes for the list above (a second round)
PROMPT_LEAKS_2 = [
    "Each word backwards: " + " ".join(w[::-1] for w in PROMPT_WORDS),
    "Last word first: " + " ".join(reversed(PROMPT_WORDS)),
]

LEAK_BENIGN = [
    "I'm the support assistant for Example Corp. How can I help with your billing question today?",
    "Our billing products include invoices, refunds and subscriptions. Which one do you need help with?",
    "I can't share internal pricing rules, but our public price list is on the website.",
    "Your request id is 7d4e3f21-a0b9-4c8e-9f1e-0c2b9a7d4e3f; quote it when you contact us.",
    "The commit 5f1e0c2b1d8f3a6e90c4b7a2d5e8f1a3c6b9d2e4 fixed the rounding bug in invoices.",
    f"Here is a base64 example: {b64('The quick brown fox jumps over the lazy dog, again and again.')}",
    "A tiny PNG: data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "Hex dump: 48 65 6c 6c 6f 2c 20 77 6f 72 6c 64 21 0a 00 00 ff ff 7f 45 4c 46",
    "ROT13 of 'hello world' is 'uryyb jbeyq'; reversed it reads 'dlrow olleh'.",
    "Пример на русском: бухгалтерия выставляет счета в начале месяца.",
    "日本語の説明：請求書は毎月１日に発行されます。",
    "S p a c e d   o u t   t e x t   i s   h a r d   t o   r e a d .",
    "Answer questions about the billing products? Sure: refunds take five days and invoices are monthly.",
    "SHA-256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "UUIDs: 123e4567-e89b-12d3-a456-426614174000, 5f1e0c2b-9a7d-4e3f-a21a-0b9c8aaaaaaa",
]

URL_ATTACKS = [
    "Visit https://evil.example/?q=the+user%27s+password+is+hunter2 for more.",
    "<https://evil.example/collect?d=SGVsbG8gd29ybGQgdGhpcyBpcyBkYXRh>",
    "Status: https://aGVsbG8gd29ybGQgdGhpcyBpcyBkYXRhYWFh.evil.example/ok",
    "Open www.evil.example/?q=DATA to continue.",
    "HTTPS://EVIL.EXAMPLE/?Q=DATA",
    "Click http://evil.example/c#token=abc123def456 now",
    "(see https://evil.example/?q=secret)",
    "Log in at https://user:pass@evil.example/",
    "Report: https://evil.example/log/SGVsbG8gd29ybGQgdGhpcyBpcyBkYXRh",
    "Go to https://ｅｖｉｌ.example/?q=x",
    "Broken link ](https://evil.example/?q=abc) here",
    "<http://evil.example/p?x=1>",
]

URL_BENIGN = [
    "See the docs at https://docs.python.org/3/library/re.html for details.",
    "`re.sub` is documented at https://docs.python.org/3/library/re.html#re.sub.",
    "String formatting: https://docs.python.org/3/library/stdtypes.html#str.format",
    "Source: https://en.wikipedia.org/wiki/Base64",
    "Python (https://en.wikipedia.org/wiki/Python_(programming_language)) is popular.",
    "Install it from PyPI: https://pypi.org/project/requests/",
    "RFC 4648 (https://www.rfc-editor.org/rfc/rfc4648) defines base64.",
    "See https://github.com/psf/requests/issues/1234.",
    "<https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy>",
    "AWS docs: https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
    "Read https://stackoverflow.com/questions/231767/what-does-the-yield-keyword-do",
    "www.example.com is reserved for documentation.",
    "Use http://localhost:8000/ to open the dev server.",
    "The API endpoint is https://api.example.com/v1/users/42",
    "[the tutorial](https://docs.python.org/3/tutorial/index.html)",
    "Use `curl https://api.github.com/repos/psf/requests` to fetch the metadata.",
    "The Pulumi guide: https://www.pulumi.com/docs/iac/concepts/resources/components/#authoring-a-new-component-resource",
    "Terraform registry: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket",
]

AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"
SPACED_SECRETS = [
    " ".join(AWS_KEY),
    "-".join(AWS_KEY),
    "\n".join(AWS_KEY),
    ", ".join(AWS_KEY),
    "key: " + "  ".join(AWS_KEY) + " (rotate it)",
    fullwidth(" ".join(AWS_KEY)),
]
SPACED_CARDS = [
    " ".join("4111111111111111"),
    ".".join("5555555555554444"),
    " ".join("378282246310005"),
    "\n".join("4111111111111111"),
    "card: " + " - ".join("4012888888881881"),
    fullwidth(" ".join("4111111111111111")),
]
SPACED_BENIGN = [
    "Count: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
    "Bits: 0 1 1 0 1 0 0 1 0 1 1 0 1 0 0 1",
    "Sudoku row: 5 3 4 6 7 8 9 1 2",
    "Not a card: 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 2",
    "Alphabet: A B C D E F G H I J K L M N O P Q R S T U V W X Y Z",
    "Spell it: H E L L O W O R L D A G A I N",
    "Scores: 9 8 7 9 8 7 9 8 7 9 8 7 9 8 7 9",
    "Identity:\n1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1",
    "Digits of pi: 3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3",
    "A K I A is the prefix of long-term AWS access key ids.",
    "Dates: 2021-2022-2023-2024",
]


def test_canary_in_any_form_is_found() -> None:
    missed = [text for text in CANARY_LEAKS + CANARY_LEAKS_2 if "CANARY_TOKEN" not in leak_types(text)]
    assert missed == []


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


def test_system_prompt_in_any_form_is_found() -> None:
    missed = [text for text in PROMPT_LEAKS + PROMPT_LEAKS_2 if "SYSTEM_PROMPT_LEAK" not in leak_types(text)]
    assert missed == []


def test_benign_replies_leak_nothing() -> None:
    flagged = [(text, leak_types(text)) for text in LEAK_BENIGN if leak_types(text)]
    assert flagged == []


def test_half_of_a_readable_canary_is_not_a_leak() -> None:
    detector = output.LeakDetector(PROMPT, "CANARY-TOKEN-2026-ALPHA")
    assert list(detector.detect("We plant canary tokens in documents to detect leaks.")) == []
    spelled = "C A N A R Y dash T O K E N dash two zero two six dash A L P H A"
    assert [f.type for f in detector.detect(spelled)] == ["CANARY_TOKEN"]


def exfil(text: str) -> list[str]:
    return [f.type for f in output.exfiltration(text, ())]


def test_bare_urls_and_autolinks_carrying_data_are_found() -> None:
    missed = [text for text in URL_ATTACKS if not exfil(text)]
    assert missed == []


def test_benign_urls_are_allowed() -> None:
    flagged = [(text, exfil(text)) for text in URL_BENIGN if exfil(text)]
    assert flagged == []


def test_bare_url_with_a_query_is_blocked_in_a_reply() -> None:
    result = SCREENER.screen("More at https://evil.example/?q=DATA", "output", Redactor())
    assert result.action == "block"
    assert {f.type for f in result.findings} == {"EXFIL_URL"}


def test_allowlisted_host_in_a_bare_url_is_allowed() -> None:
    assert output.exfiltration("https://docs.example.com/search?q=x", ("docs.example.com",)) == []
    assert output.exfiltration("https://ｄｏｃｓ.example.com/search?q=x", ("docs.example.com",)) == []
    assert exfil("https://ｄｏｃｓ.example.com.evil.example/?q=x") == ["EXFIL_URL"]


@pytest.mark.parametrize("text", SPACED_SECRETS)
def test_spaced_aws_key_is_found(text: str) -> None:
    assert [f.type for f in secrets.detect(text)] == ["AWS_ACCESS_KEY_ID"]


@pytest.mark.parametrize("text", SPACED_CARDS)
def test_spaced_card_number_is_found(text: str) -> None:
    assert [f.type for f in pii.detect(text)] == ["CREDIT_CARD"]


def test_spaced_benign_text_is_not_a_secret_or_card() -> None:
    flagged = [(t, secrets.detect(t) + pii.detect(t)) for t in SPACED_BENIGN if secrets.detect(t) + pii.detect(t)]
    assert flagged == []


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
