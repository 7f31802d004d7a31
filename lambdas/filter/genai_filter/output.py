"""Output-side detectors: data exfiltration through URLs, and leakage of the server-side system prompt."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from genai_filter.findings import Finding
from genai_filter.leak import LeakDetector

__all__ = ["LeakDetector", "carries_data", "exfiltration", "host_allowed"]

CATEGORY = "exfiltration"

# anchored on the literal "](" so that nested brackets in the link text cannot hide the URL
_MD_TARGET = re.compile(r"\]\([ \t]{0,3}<?([^\s)>]{1,4096})")
_MD_REF = re.compile(r"^[ \t]{0,3}\[[^\]\n]{1,200}\]:[ \t]{0,3}<?([^\s>]{1,4096})", re.MULTILINE)
_HTML_IMG = re.compile(r"""<img\b[^>]{0,2000}?\bsrc[ \t]{0,3}=[ \t]{0,3}["']?([^"'\s>]{1,4096})""", re.IGNORECASE)
_HTML_LINK = re.compile(r"""<a\b[^>]{0,2000}?\bhref[ \t]{0,3}=[ \t]{0,3}["']?([^"'\s>]{1,4096})""", re.IGNORECASE)
# GFM autolinks bare `http(s)://` and `www.` URLs, and chat clients unfurl them without a click
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]{1,4096}", re.IGNORECASE)
_DATA_SEGMENT = re.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}|%[0-9A-Fa-f]{2}")
# a word (lower, Title or UPPER case) with an optional number, or a number: "re", "Base64", "L120", "2024"
_WORDISH = re.compile(r"(?:[a-z]{1,24}|[A-Z][a-z]{0,23}|[A-Z]{1,24})[0-9]{0,8}|[0-9]{1,12}")
_SLUG_SEP = re.compile(r"[-_]")
_ANCHOR_SEP = re.compile(r"[-_.:]")


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowed:
        if entry.startswith("."):
            if host == entry[1:] or host.endswith(entry):
                return True
        elif host == entry:
            return True
    return False


def carries_data(url: str) -> bool:
    """True when the URL could smuggle conversation data to whoever runs the host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    if parts.query or parts.username or (parts.fragment and not _words(parts.fragment, _ANCHOR_SEP)):
        return True
    if any(len(label) >= 24 for label in (parts.hostname or "").split(".")):
        return True  # DNS exfiltration through a long subdomain label
    return any(_encoded(segment) or len(unquote(segment)) >= 40 for segment in parts.path.split("/"))


def _encoded(segment: str) -> bool:
    """A percent-encoded byte, or a 24+ character run of the base64/hex alphabet that is not words
    joined by hyphens or underscores (`configuration-concurrency`, `what-does-the-yield-keyword-do`)."""
    return any(m.group().startswith("%") or not _words(m.group(), _SLUG_SEP) for m in _DATA_SEGMENT.finditer(segment))


def _words(run: str, separators: re.Pattern[str]) -> bool:
    """True when `run` is only words and numbers between separators (a slug or a heading anchor)."""
    return all(_WORDISH.fullmatch(piece) for piece in separators.split(run))


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https", "") or (parts.scheme == "" and not url.startswith("//")):
        return None  # relative links and non-network schemes cannot reach a third party
    host = parts.hostname or ""
    # browsers map a fullwidth or otherwise compatible host name to its NFKC form (IDNA)
    return host if host.isascii() else unicodedata.normalize("NFKC", host).lower()


def exfiltration(text: str, allowed_hosts: Sequence[str]) -> list[Finding]:
    found: list[Finding] = []
    checked: set[int] = set()  # where the URLs of links and images start: the bare-URL pass skips them
    if "](" in text or "]:" in text or "<" in text:
        floor = 0
        for m in _MD_TARGET.finditer(text):
            opener = _opening_bracket(text, m.start(), max(floor, m.start() - 1000))
            floor = m.end()  # link texts do not span an earlier link target: keeps the total scan linear
            if opener < 0:
                continue
            image = opener > 0 and text[opener - 1] == "!"
            start = opener - 1 if image else opener
            checked.add(m.start(1))
            _check(found, "EXFIL_IMAGE" if image else "EXFIL_LINK", start, m.end(), m.group(1), allowed_hosts)
        for kind, pattern in (("EXFIL_LINK", _MD_REF), ("EXFIL_IMAGE", _HTML_IMG), ("EXFIL_LINK", _HTML_LINK)):
            for m in pattern.finditer(text):
                checked.add(m.start(1))
                _check(found, kind, m.start(), m.end(), m.group(1), allowed_hosts)
    lowered = text.lower()
    if "://" in text or "www." in lowered:
        for m in _BARE_URL.finditer(text):
            if m.start() in checked:
                continue
            url = _trim(m.group())
            start, end = m.start(), m.start() + len(url)
            autolink = start > 0 and text[start - 1] == "<" and text[end : end + 1] == ">"
            if autolink:
                start, end = start - 1, end + 1
            if url[:4].lower() == "www.":
                url = "http://" + url
            _check(found, "EXFIL_LINK" if autolink else "EXFIL_URL", start, end, url, allowed_hosts)
    return found


def _trim(url: str) -> str:
    """The URL a GFM autolink takes: without trailing punctuation or an unbalanced closing parenthesis."""
    unbalanced = url.count(")") - url.count("(")
    end = len(url)
    while end:
        last = url[end - 1]
        if last in "?!.,:;*_~'\"":
            end -= 1
        elif last == ")" and unbalanced > 0:
            end -= 1
            unbalanced -= 1
        else:
            break
    return url[:end]


def _opening_bracket(text: str, close: int, floor: int) -> int:
    """Index of the "[" matching the "]" at `close`, looking back no further than `floor`; -1 if none."""
    depth = 0
    for j in range(close - 1, floor - 1, -1):
        ch = text[j]
        if ch == "]":
            depth += 1
        elif ch == "[":
            if depth == 0:
                return j
            depth -= 1
        elif ch == "\n" and j > 0 and text[j - 1] == "\n":
            return -1  # a blank line ends the paragraph
    return -1


def _check(found: list[Finding], kind: str, start: int, end: int, url: str, allowed_hosts: Sequence[str]) -> None:
    host = _host(url)
    if host is None or (host and host_allowed(host, allowed_hosts)):
        return
    if not host or carries_data(url):
        found.append(Finding(CATEGORY, kind, start, end, 0.9 if kind == "EXFIL_IMAGE" else 0.8))
