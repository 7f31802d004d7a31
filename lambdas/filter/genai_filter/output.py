"""Output-side detectors: data exfiltration through URLs, and leakage of the server-side system prompt."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import unquote, urlsplit

from genai_filter.findings import Finding

CATEGORY = "exfiltration"

# anchored on the literal "](" so that nested brackets in the link text cannot hide the URL
_MD_TARGET = re.compile(r"\]\([ \t]{0,3}<?([^\s)>]{1,4096})")
_MD_REF = re.compile(r"^[ \t]{0,3}\[[^\]\n]{1,200}\]:[ \t]{0,3}<?([^\s>]{1,4096})", re.MULTILINE)
_HTML_IMG = re.compile(r"""<img\b[^>]{0,2000}?\bsrc[ \t]{0,3}=[ \t]{0,3}["']?([^"'\s>]{1,4096})""", re.IGNORECASE)
_HTML_LINK = re.compile(r"""<a\b[^>]{0,2000}?\bhref[ \t]{0,3}=[ \t]{0,3}["']?([^"'\s>]{1,4096})""", re.IGNORECASE)
_DATA_SEGMENT = re.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}|%[0-9A-Fa-f]{2}")


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
    if parts.query or parts.fragment or parts.username:
        return True
    if any(len(label) >= 24 for label in (parts.hostname or "").split(".")):
        return True  # DNS exfiltration through a long subdomain label
    return any(_DATA_SEGMENT.search(segment) or len(unquote(segment)) >= 40 for segment in parts.path.split("/"))


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https", "") or (parts.scheme == "" and not url.startswith("//")):
        return None  # relative links and non-network schemes cannot reach a third party
    return parts.hostname or ""


def exfiltration(text: str, allowed_hosts: Sequence[str]) -> list[Finding]:
    if "](" not in text and "]:" not in text and "<" not in text:
        return []
    found: list[Finding] = []
    floor = 0
    for m in _MD_TARGET.finditer(text):
        opener = _opening_bracket(text, m.start(), max(floor, m.start() - 1000))
        floor = m.end()  # link texts do not span an earlier link target: keeps the total scan linear
        if opener < 0:
            continue
        image = opener > 0 and text[opener - 1] == "!"
        start = opener - 1 if image else opener
        _check(found, "EXFIL_IMAGE" if image else "EXFIL_LINK", start, m.end(), m.group(1), allowed_hosts)
    for kind, pattern in (("EXFIL_LINK", _MD_REF), ("EXFIL_IMAGE", _HTML_IMG), ("EXFIL_LINK", _HTML_LINK)):
        for m in pattern.finditer(text):
            _check(found, kind, m.start(), m.end(), m.group(1), allowed_hosts)
    return found


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


def _compact(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            index.append(i)
    return "".join(chars), index


_WORD = re.compile(r"\w+")


class LeakDetector:
    """Canary token and verbatim system-prompt fragments in a reply."""

    SHINGLE = 8

    def __init__(self, system_prompt: str, canary: str) -> None:
        self.canary = canary.lower()
        self.canary_compact = "".join(ch for ch in self.canary if ch.isalnum())
        words = [w.lower() for w in _WORD.findall(system_prompt.replace(canary, " "))]
        self.shingles = {tuple(words[i : i + self.SHINGLE]) for i in range(len(words) - self.SHINGLE + 1)}

    def detect(
        self, text: str, decoded: Callable[[str], list[tuple[int, int, str]]] | None = None
    ) -> Iterator[Finding]:
        low = text.lower()
        pos = low.find(self.canary)
        if pos >= 0:
            yield Finding(CATEGORY, "CANARY_TOKEN", pos, pos + len(self.canary), 1.0)
        elif self.canary_compact:
            compact, index = _compact(text)
            cpos = compact.find(self.canary_compact)
            if cpos >= 0:
                yield Finding(
                    CATEGORY,
                    "CANARY_TOKEN",
                    index[cpos],
                    index[cpos + len(self.canary_compact) - 1] + 1,
                    0.95,
                )
            elif decoded is not None:
                for start, end, plain in decoded(text):
                    if self.canary_compact in "".join(ch for ch in plain.lower() if ch.isalnum()):
                        yield Finding(CATEGORY, "CANARY_TOKEN", start, end, 0.95)
                        break
        if self.shingles:
            matches = list(_WORD.finditer(text))
            words = [m.group(0).lower() for m in matches]
            first: int | None = None
            last = 0
            for i in range(len(words) - self.SHINGLE + 1):
                if tuple(words[i : i + self.SHINGLE]) in self.shingles:
                    if first is None:
                        first = matches[i].start()
                    last = matches[i + self.SHINGLE - 1].end()
            if first is not None:
                yield Finding(CATEGORY, "SYSTEM_PROMPT_LEAK", first, last, 0.9)
