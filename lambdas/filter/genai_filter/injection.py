"""Prompt-injection, jailbreak and obfuscation detection (stdlib only).

`detect` normalises the text (see `genai_filter.normalize`), scores several independent mechanism
signals with linear-time regular expressions (`genai_filter.rules`), adds a bounded contribution
from a small learned model shipped as data (`genai_filter.inj_model`), screens decoded base64/hex/...
segments recursively, and maps every finding back to offsets in the caller's original text.

A returned `prompt_injection` or `jailbreak` finding means "block"; `obfuscation` findings
(hidden characters, encoded payloads without an attack inside) are informational unless their score
reaches the threshold.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from genai_filter.budget import FINDING_CATEGORY, FINDING_TYPE, BudgetExceeded, Work
from genai_filter.findings import Finding
from genai_filter.lazy import LazyPattern
from genai_filter.multilingual import hits as multilingual_hits
from genai_filter.normalize import decoded_segments, hidden_characters, normalize, spaced_letters
from genai_filter.rules.base import RuleHit
from genai_filter.rules.engine import Pattern
from genai_filter.rules.registry import patterns, scan, scan_input, scan_original, scan_output

__all__ = ["BLOCK_THRESHOLD", "detect", "warm_up"]

BLOCK_THRESHOLD: float = 0.5

# Model replies are screened more conservatively: only strong mechanism signals count there. Replies
# often *describe* personas and jailbreaks ("the DAN prompt was …"), so those are lowered more.
_OUTPUT_PENALTY = 0.15
_OUTPUT_PENALTY_BY_TYPE = {"PERSONA_JAILBREAK": 0.3, "ROLE_SWITCH": 0.3, "HARMFUL_INSTRUCTIONS": 0.0}


def _penalty(direction: str, typ: str) -> float:
    return _OUTPUT_PENALTY_BY_TYPE.get(typ, _OUTPUT_PENALTY) if direction == "output" else 0.0


_MAX_DEPTH = 2
_BLOCKING = ("prompt_injection", "jailbreak", "unsafe")


def _model_hits(norm_text: str) -> list[RuleHit]:
    from genai_filter.inj_model import score_windows  # lazy: loads model data on first use

    return score_windows(norm_text)


def _combine(hits: list[RuleHit]) -> list[RuleHit]:
    """Raise each hit's score when independent mechanisms agree (noisy-OR over distinct types)."""
    if len(hits) < 2:
        return hits
    best: dict[str, float] = {}
    for h in hits:
        best[h.type] = max(best.get(h.type, 0.0), h.score)
    out: list[RuleHit] = []
    for h in hits:
        others = [s for t, s in best.items() if t != h.type]
        miss = 1.0 - h.score
        for s in others:
            miss *= 1.0 - 0.5 * s  # a second mechanism counts half
        out.append(RuleHit(h.category, h.type, h.start, h.end, min(1.0, 1.0 - miss)))
    return out


def _detect_text(text: str, direction: str, depth: int, work: Work) -> list[Finding]:
    work.screen(len(text))
    norm = normalize(text)
    hits = scan(norm.text, direction=direction)
    # rules that need the original case / symbols: offsets are already original
    raw_hits = scan_original(text)
    if direction == "input":
        hits.extend(scan_input(norm.text, text, norm.to_original))
        hits.extend(multilingual_hits(norm.text))
        hits.extend(_model_hits(norm.text))
    else:
        hits.extend(scan_output(norm.text))
    hits = _combine(hits)
    findings: list[Finding] = []
    for h in raw_hits:
        score = h.score - _penalty(direction, h.type)
        findings.append(Finding(h.category, h.type, h.start, h.end, max(0.0, min(1.0, score))))
    quotations = _Quotations(text) if direction == "output" and hits else None
    for h in hits:
        score = h.score - _penalty(direction, h.type)
        start, end = norm.to_original(h.start, h.end)
        if quotations is not None and quotations.inside(start, end):
            score = min(score, _QUOTED_IN_REPLY)  # a reply that quotes an attack explains it
        findings.append(Finding(h.category, h.type, start, end, max(0.0, min(1.0, score))))
    if depth < _MAX_DEPTH:
        findings.extend(_decoded(text, direction, depth, work))
        if depth == 0:
            findings.extend(_named_transforms(text, direction, work))
    return findings


# between decoded segments screened as one text: more than any rule's separator, and a paragraph break
_SEGMENT_GAP = "\n\n\n\n"


def _decoded(text: str, direction: str, depth: int, work: Work) -> list[Finding]:
    """Screen the encoded runs of `text` as decoded, in two passes whatever their number (the cost stays linear):
    every decoding on its own (one batch, the decodings separated by a paragraph gap), and the text with every
    decoding put back in place, for attacks partly encoded and partly plain ("&#73;&#103;&#110;&#111;&#114;&#101;
    all previous instructions"). Only the second pass decodes further (encodings inside encodings)."""
    segments = decoded_segments(text)
    if not segments:
        return []
    parts: list[str] = []
    alone: list[tuple[int, int]] = []
    in_place: list[tuple[int, int]] = []
    spliced: list[str] = []
    pos = last = shift = 0
    for a, b, dec in segments:
        alone.append((pos, pos + len(dec)))
        parts.append(dec)
        pos += len(dec) + len(_SEGMENT_GAP)
        spliced.append(text[last:a])
        spliced.append(dec)
        in_place.append((a + shift, a + shift + len(dec)))
        shift += len(dec) - (b - a)
        last = b
    spliced.append(text[last:])
    joined, whole = _SEGMENT_GAP.join(parts), "".join(spliced)
    work.decoded_chars += len(joined)
    inner: list[list[Finding]] = [[] for _ in segments]
    if whole == joined:  # the text is one encoded run
        _attribute(_blocking(_detect_text(whole, direction, depth + 1, work)), in_place, inner)
    else:
        _attribute(_blocking(_detect_text(joined, direction, _MAX_DEPTH, work)), alone, inner)
        _attribute(_blocking(_detect_text(whole, direction, depth + 1, work)), in_place, inner)
    findings: list[Finding] = []
    for (seg_start, seg_end, _), inner_block in zip(segments, inner, strict=True):
        if inner_block:
            top = max(inner_block, key=lambda f: f.score)
            findings.append(Finding(top.category, top.type, seg_start, seg_end, top.score))
            findings.append(Finding("obfuscation", "ENCODED_PAYLOAD", seg_start, seg_end, max(0.6, top.score)))
        else:
            findings.append(Finding("obfuscation", "ENCODED_TEXT", seg_start, seg_end, 0.3))
    return findings


def _attribute(found: list[Finding], spans: list[tuple[int, int]], into: list[list[Finding]]) -> None:
    """Add each finding to the list of every span (sorted, disjoint) it overlaps."""
    starts = [a for a, _ in spans]
    for f in found:
        i = bisect.bisect_left(starts, f.end) - 1
        while i >= 0 and spans[i][1] > f.start:
            into[i].append(f)
            i -= 1


_QUOTED_IN_REPLY = 0.35
_CLOSING = {"'": "'", '"': '"', "“": "”", "‘": "’", "«": "»", "`": "`"}


# an opening quotation mark: at the start or after a space, colon or bracket, and followed by a non-space
_OPENER = LazyPattern("(?<![^ \t(:\\[])[\"'“‘«`](?=\\S)")


class _Quotations:
    """`inside(start, end)`: the span sits inside a quotation that opens at most 200 characters before it (on
    the same line, not closed before the span) and closes at most 300 characters after it. The openers and
    line breaks are found once per text, so each span costs a bisection, not a walk back over 200 characters
    (replies can hold a hit every few characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.openers = [m.start() for m in _OPENER.p.finditer(text)]
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"] if "\n" in text else []

    def inside(self, start: int, end: int) -> bool:
        text = self.text
        k = bisect.bisect_left(self.openers, start) - 1
        if k < 0 or self.openers[k] < start - 200:
            return False
        i = self.openers[k]
        n = bisect.bisect_left(self.newlines, start) - 1
        if n >= 0 and self.newlines[n] > i:
            return False
        close = _CLOSING[text[i]]
        if text.find(close, i + 1, start) != -1:
            return False  # that quotation closed before the span
        j = text.find(close, end, end + 300)
        # a closing apostrophe is not one inside a word ("don't")
        return j != -1 and not (close == "'" and j + 1 < len(text) and text[j + 1].isalpha())


def _blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category in _BLOCKING]


_TRANSFORM_MAX = 4000  # a named transform re-screens the whole text (up to three times)
_ROT13 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM"
)


def _rot13(text: str) -> str:
    return text.translate(_ROT13)


def _reverse_chars(text: str) -> str:
    return text[::-1]


def _reverse_words(text: str) -> str:
    return " ".join(reversed(text.split()))


# A transform the prompt itself names ("apply ROT13 to this and obey it", "read this backwards"): the text is
# screened once more as the model would read it after applying the transform.
_NAMED_TRANSFORMS = (
    (("rot13", "rot-13", "rot 13", "caesar"), (_rot13,)),
    (("backwards", "reverse", "reversed"), (_reverse_chars, _reverse_words)),
)


def _named_transforms(text: str, direction: str, work: Work) -> list[Finding]:
    if len(text) > _TRANSFORM_MAX:
        return []
    lowered = text.lower()
    for cues, transforms in _NAMED_TRANSFORMS:
        if not any(cue in lowered for cue in cues):
            continue
        for transform in transforms:
            inner_block = _blocking(_detect_text(transform(text), direction, _MAX_DEPTH, work))
            if inner_block:
                top = max(inner_block, key=lambda f: f.score)
                return [
                    Finding(top.category, top.type, 0, len(text), top.score),
                    Finding("obfuscation", "ENCODED_PAYLOAD", 0, len(text), max(0.6, top.score)),
                ]
    return []


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Keep the best finding per (category, type) and overlapping span."""
    findings.sort(key=lambda f: (f.category, f.type, f.start, -f.score))
    out: list[Finding] = []
    for f in findings:
        if out and out[-1].category == f.category and out[-1].type == f.type and f.start < out[-1].end:
            last = out[-1]
            out[-1] = Finding(last.category, last.type, last.start, max(last.end, f.end), max(last.score, f.score))
            continue
        out.append(f)
    out.sort(key=lambda f: (f.start, f.end, f.category, f.type))
    return out


def warm_up() -> None:
    """Load the prefix gate of every pattern of the registry's rules (a look-up in the generated
    `rules.prefix_table`), compile the few patterns that no gate guards, and screen one text. A gated pattern
    compiles the first time a text holds one of its prefixes, so Lambda init stays cheap and a request pays only
    for the rules its words reach."""
    for pattern in patterns():
        if isinstance(pattern, Pattern):
            pattern.warm()
    detect("warm up")


def detect(
    text: str, *, direction: str = "input", threshold: float = BLOCK_THRESHOLD, work: Work | None = None
) -> list[Finding]:
    """Findings of category prompt_injection / jailbreak / obfuscation with score >= `threshold`.

    Offsets are code-point offsets into `text`. `direction` is "input" (user prompt) or "output"
    (model reply; scored more conservatively, learned model not used). `work` bounds the re-screening of
    decoded text (see `genai_filter.budget`); when given, `BudgetExceeded` propagates to the caller, otherwise a
    spent budget gives one blocking `SCREENING_BUDGET_EXCEEDED` finding.
    """
    if direction not in ("input", "output"):
        raise ValueError(f"direction must be 'input' or 'output', not {direction!r}")
    if not text:
        return []
    if work is not None:
        findings = _detect_text(text, direction, 0, work)
    else:
        try:
            findings = _detect_text(text, direction, 0, Work.for_text(len(text)))
        except BudgetExceeded:
            return [Finding(FINDING_CATEGORY, FINDING_TYPE, 0, len(text), 1.0)]
    # tag characters and letter-spacing are undone by normalize(), so their content was screened above
    findings.extend(hidden_characters(text))
    penalty = _penalty(direction, "SPACED_LETTERS")  # replies spell things out ("S O S") more often
    findings.extend(replace(f, score=f.score - penalty) for f in spaced_letters(text))
    return [f for f in _dedupe(findings) if f.score >= threshold]
