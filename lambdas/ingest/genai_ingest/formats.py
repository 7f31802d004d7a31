"""Text extraction per format. Pure; linear in the input; raises `Unreadable` with a reason.

HTML keeps what a tag-stripping pipeline would drop or keep invisibly as separate segments, so the
scanner can treat hidden text and comments as poisoning signals.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

FORMATS = ("txt", "md", "csv", "json", "jsonl", "html")
_SUFFIXES = {
    "txt": "txt",
    "text": "txt",
    "md": "md",
    "markdown": "md",
    "csv": "csv",
    "json": "json",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "html": "html",
    "htm": "html",
}


class Unreadable(ValueError):
    """The object cannot be read as the text format it claims to be; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of extracted text. `kind` is `text` (visible) or why it is hidden."""

    kind: str
    text: str


@dataclass(slots=True)
class Extracted:
    format: str
    segments: list[Segment] = field(default_factory=list)


def format_of(name: str) -> str | None:
    """The format a file name declares by its suffix, or None when it declares none we know."""
    base = name.rsplit("/", 1)[-1]
    if "." not in base:
        return None
    return _SUFFIXES.get(base.rsplit(".", 1)[-1].lower())


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise Unreadable("binary content (NUL bytes) in a text format")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"not valid UTF-8 at byte {exc.start}") from None


def _json_strings(value: Any, out: list[str]) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for k, v in item.items():
                out.append(k)
                stack.append(v)
        elif isinstance(item, list):
            stack.extend(item)


def _json(text: str) -> list[Segment]:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise Unreadable(f"invalid JSON: {exc}") from None
    out: list[str] = []
    _json_strings(value, out)
    return [Segment("text", "\n".join(out))]


def _jsonl(text: str) -> list[Segment]:
    out: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Unreadable(f"invalid JSON on line {number}: {exc.msg}") from None
        except RecursionError:
            raise Unreadable(f"invalid JSON on line {number}: nested too deeply") from None
        _json_strings(value, out)
    return [Segment("text", "\n".join(out))]


def _csv(text: str, max_field: int) -> list[Segment]:
    csv.field_size_limit(max_field)
    rows: list[str] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), strict=True):
            rows.append(" | ".join(row))
    except csv.Error as exc:
        raise Unreadable(f"invalid CSV: {exc}") from None
    return [Segment("text", "\n".join(rows))]


_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(?:left|top|text-indent)\s*:\s*-\d{3,}|clip\s*:\s*rect\(\s*0",
    re.IGNORECASE,
)
_COLOR = re.compile(r"(?<![\w-])color\s*:\s*([#\w]+)", re.IGNORECASE)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([#\w]+)", re.IGNORECASE)
_WHITE = frozenset({"#fff", "#ffffff", "white", "#fefefe", "#fdfdfd"})
_SKIPPED = frozenset({"script", "style", "template", "noscript"})


def _hiding(attrs: list[tuple[str, str | None]]) -> str | None:
    """Why an element's text is invisible to a reader, or None."""
    values = {k.lower(): (v or "") for k, v in attrs}
    if "hidden" in values or values.get("aria-hidden", "").lower() == "true":
        return "hidden_attribute"
    style = values.get("style", "")
    if _HIDING_STYLE.search(style):
        return "hidden_style"
    color = _COLOR.search(style)
    if color:
        background = _BACKGROUND.search(style)
        fg = color.group(1).lower()
        bg = background.group(1).lower() if background else "#ffffff"
        if fg == bg or (fg in _WHITE and bg in _WHITE):
            return "same_color_text"
    return None


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.hidden: dict[str, list[str]] = {}
        self.stack: list[tuple[str, str | None, bool]] = []  # tag, hidden reason, skipped
        self.open: dict[str, int] = {}
        self.reason: str | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        reason = _hiding(attrs) or self.reason
        skipped = tag in _SKIPPED
        self.stack.append((tag, self.reason, skipped))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.reason = reason
        self.skip += skipped

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if not self.open.get(tag):
            return
        while self.stack:  # amortised: each element is pushed and popped once
            name, outer, skipped = self.stack.pop()
            self.open[name] -= 1
            self.reason = outer
            self.skip -= skipped
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip or not data.strip():
            return
        if self.reason:
            self.hidden.setdefault(self.reason, []).append(data)
        else:
            self.visible.append(data)

    def handle_comment(self, data: str) -> None:
        if data.strip():
            self.hidden.setdefault("html_comment", []).append(data)


def _html(text: str) -> list[Segment]:
    parser = _Html()
    parser.feed(text)
    parser.close()
    segments = [Segment("text", " ".join(parser.visible))]
    segments.extend(Segment(kind, "\n".join(parts)) for kind, parts in sorted(parser.hidden.items()))
    return segments


def _markdown(text: str) -> list[Segment]:
    """Markdown renders HTML comments invisibly; keep them apart (str.find keeps this linear)."""
    comments: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        comments.append(text[start + 4 : end])
        pos = end + 3
    segments = [Segment("text", text)]
    if any(c.strip() for c in comments):
        segments.append(Segment("html_comment", "\n".join(comments)))
    return segments


def extract(fmt: str, data: bytes, *, max_field: int) -> Extracted:
    """The segments of a document of format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise Unreadable(f"format {fmt!r} is not scanned; allowed: {', '.join(FORMATS)}")
    text = decode(data)
    if fmt == "json":
        segments = _json(text)
    elif fmt == "jsonl":
        segments = _jsonl(text)
    elif fmt == "csv":
        segments = _csv(text, max_field)
    elif fmt == "html":
        segments = _html(text)
    elif fmt == "md":
        segments = _markdown(text)
    else:
        segments = [Segment("text", text)]
    return Extracted(fmt, segments)
