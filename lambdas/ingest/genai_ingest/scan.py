"""The scanner core: bytes in, verdict out. Pure (no I/O); cost linear in the document's size.

Long texts are screened in overlapping windows so that every detector sees inputs of the size it was
built for, and the total work stays proportional to the document's length.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from genai_filter import injection, pii, secrets
from genai_filter.findings import Finding

from genai_ingest import SCANNER_VERSION
from genai_ingest.formats import FORMATS, Extracted, Segment, Unreadable, extract, format_of

ScanStatus = Literal["clean", "flagged", "quarantined"]
CLASSIFICATION_LEVELS = ("public", "internal", "confidential", "restricted")
UNCLASSIFIED_DEFAULT = "internal"  # no finding is not proof of public

WINDOW_CHARS = 4000
OVERLAP_CHARS = 400
# an instruction in text the reader cannot see needs less evidence than one in visible text
HIDDEN_THRESHOLD = 0.3
SIGNAL_THRESHOLD = 0.3
_ATTACK = ("prompt_injection", "jailbreak")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    formats: tuple[str, ...] = FORMATS
    max_csv_field: int = 1024 * 1024

    def __post_init__(self) -> None:
        problems = limit_problems(self.max_bytes, self.formats, self.max_csv_field)
        if problems:
            raise ValueError("; ".join(f"{key}: {message}" for key, message in problems))


def limit_problems(max_bytes: int, formats: tuple[str, ...], max_csv_field: int) -> list[tuple[str, str]]:
    """Every (setting, message) wrong with these limits."""
    problems: list[tuple[str, str]] = []
    if max_bytes < 1:
        problems.append(("max_bytes", f"{max_bytes} is not a positive number of bytes"))
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        problems.append(("formats", f"unknown {', '.join(unknown) or '(none given)'}; allowed: {', '.join(FORMATS)}"))
    if max_csv_field < 1:
        problems.append(("max_csv_field", f"{max_csv_field} is not a positive number of characters"))
    return problems


@dataclass(frozen=True, slots=True)
class Verdict:
    name: str
    format: str | None
    size: int
    sha256: str
    data_classification: str
    scan_status: ScanStatus
    reasons: tuple[str, ...]
    finding_counts: dict[str, int] = field(default_factory=dict)
    scanner_version: str = SCANNER_VERSION

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "no finding"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "size": self.size,
            "sha256": self.sha256,
            "data_classification": self.data_classification,
            "scan_status": self.scan_status,
            "reason": self.reason,
            "finding_counts": dict(sorted(self.finding_counts.items())),
            "scanner_version": self.scanner_version,
        }


def windows(text: str, size: int = WINDOW_CHARS, overlap: int = OVERLAP_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) windows covering `text`, consecutive ones sharing `overlap` characters."""
    if len(text) <= size:
        return [(0, text)] if text else []
    step = size - overlap
    return [(start, text[start : start + size]) for start in range(0, len(text) - overlap, step)]


def screen_text(text: str) -> list[Finding]:
    """Every finding of the filter's detectors over `text`, offsets absolute, duplicates from overlaps removed."""
    seen: set[tuple[str, str, int, int]] = set()
    out: list[Finding] = []
    for offset, piece in windows(text):
        found = injection.detect(piece, threshold=SIGNAL_THRESHOLD) + pii.detect(piece) + secrets.detect(piece)
        for f in found:
            key = (f.category, f.type, f.start + offset, f.end + offset)
            if key not in seen:
                seen.add(key)
                out.append(Finding(f.category, f.type, key[2], key[3], f.score))
    return out


def classify(findings: list[Finding], declared: str | None = None) -> str:
    level = UNCLASSIFIED_DEFAULT
    if any(f.category == "secret" for f in findings):
        level = "restricted"
    elif any(f.category == "pii" for f in findings):
        level = "confidential"
    if declared in CLASSIFICATION_LEVELS and CLASSIFICATION_LEVELS.index(declared) > CLASSIFICATION_LEVELS.index(level):
        level = declared
    return level


def _segment_reasons(segment: Segment, found: list[Finding]) -> tuple[list[str], list[str]]:
    """(quarantine reasons, flag reasons) for one segment's findings."""
    quarantine: list[str] = []
    flag: list[str] = []
    hidden = segment.kind != "text"
    attack = [f for f in found if f.category in _ATTACK]
    if hidden:
        if attack:
            quarantine.append(f"instruction in hidden text ({segment.kind}): {attack[0].type}")
        else:
            flag.append(f"hidden text ({segment.kind})")
    elif any(f.score >= injection.BLOCK_THRESHOLD for f in attack):
        top = max(attack, key=lambda f: f.score)
        quarantine.append(f"injected instruction: {top.type}")
    if any(f.type == "ENCODED_PAYLOAD" for f in found):
        quarantine.append("encoded payload carrying an instruction")
    for f in found:
        if f.category == "obfuscation" and f.type != "ENCODED_PAYLOAD":
            flag.append(f"obfuscation: {f.type}")
        elif f.category == "unsafe" and f.score >= injection.BLOCK_THRESHOLD:
            flag.append(f"unsafe content: {f.type}")
    return quarantine, flag


def _counts(found: list[Finding]) -> dict[str, int]:
    return dict(Counter(f"{f.category}:{f.type}" for f in found))


def unread(name: str, fmt: str | None, size: int, sha256: str, reason: str, declared: str | None) -> Verdict:
    """The verdict on a document that could not be read: quarantined, and classified as the worst case."""
    level = declared if declared in CLASSIFICATION_LEVELS else "restricted"
    return Verdict(name, fmt, size, sha256, level or "restricted", "quarantined", (reason,), {})


def oversized(name: str, size: int, sha256: str, limits: Limits, declared: str | None = None) -> Verdict:
    reason = f"oversized: {size} bytes > limit {limits.max_bytes}"
    return unread(name, format_of(name), size, sha256, reason, declared)


def scan_extracted(name: str, data: bytes, extracted: Extracted, declared: str | None = None) -> Verdict:
    quarantine: list[str] = []
    flag: list[str] = []
    every: list[Finding] = []
    for segment in extracted.segments:
        found = screen_text(segment.text)
        q, f = _segment_reasons(segment, found)
        quarantine.extend(q)
        flag.extend(f)
        every.extend(found)
    status: ScanStatus = "quarantined" if quarantine else "flagged" if flag else "clean"
    reasons = tuple(dict.fromkeys(quarantine + flag))
    sha = hashlib.sha256(data).hexdigest()
    return Verdict(name, extracted.format, len(data), sha, classify(every, declared), status, reasons, _counts(every))


def scan_bytes(
    name: str, data: bytes, limits: Limits, *, fmt: str | None = None, declared: str | None = None
) -> Verdict:
    """The verdict on one document. `fmt` defaults to the format `name`'s suffix declares."""
    fmt = fmt or format_of(name)
    sha = hashlib.sha256(data).hexdigest()
    if len(data) > limits.max_bytes:
        return oversized(name, len(data), sha, limits, declared)
    if fmt is None or fmt not in limits.formats:
        allowed = ", ".join(limits.formats)
        return unread(
            name, fmt, len(data), sha, f"unsupported format {fmt or 'unknown'!s}; allowed: {allowed}", declared
        )
    try:
        extracted = extract(fmt, data, max_field=limits.max_csv_field)
    except Unreadable as exc:
        return unread(name, fmt, len(data), sha, f"unreadable: {exc}", declared)
    return scan_extracted(name, data, extracted, declared)
