"""The canary token and the system prompt in a reply, in any form a model can produce.

The reply is reduced once to a canonical string: each character folded like `normalize` folds it (NFKC,
casefold, diacritics dropped, Unicode tags decoded), Cyrillic and Greek look-alikes mapped to Latin, and
everything that is not a letter or digit dropped. Fullwidth, homoglyph, mixed-case, spaced, dotted and
line-split forms then all read as the canonical canary. The canary, and either half of it when a half cannot
occur by chance, is looked for forwards, backwards and in ROT13, also spelled out (NATO alphabet, digit
names). Encoded forms are decoded without any readability gate: the base64 alphabet of the reply (case kept,
everything else dropped) at each of the 4 alignments, and hex, base32 and binary streams of the canonical
string at each of theirs, then once more inside what decodes to printable text. Dropping everything outside
an alphabet glues the encoded run to the words around it, which only shifts its alignment, and every
alignment is tried, so a run wrapped across lines or written as `%63%6E`, `\\x63`, `0x63, 0x6e` or `\\u0063`
decodes too.

The system prompt counts as leaked when 8 consecutive words of it appear in the canonical reply (or its
decoded streams): forwards, backwards, in ROT13, each word reversed, or in reverse word order. Its canonical
string is indexed by K-character grams; the reply is sampled every `step` characters, where K + step - 1 is
the shortest 8-word window, so every such window contains a sampled gram; a hit is extended to the whole
common stretch and accepted when that stretch covers 8 whole words. Extensions never overlap, so the work
is linear in the reply.

Offsets: canonical matches map back to the characters that produced them; a match found only in a decoded
or spelled-out form is reported over the whole reply (such a form has no reliable boundary, and with a
`redact` action the whole reply must go).
"""

from __future__ import annotations

import binascii
import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from genai_filter.findings import Finding
from genai_filter.normalize import HOMOGLYPHS, fold_char

CATEGORY = "exfiltration"
WINDOW_WORDS = 8
_MIN_CANARY = 8  # a canonical canary shorter than this is only matched verbatim
_MAX_POSITIONS = 4  # prompt positions kept per gram (a prompt that repeats itself)


def _canon_char(ch: str) -> str:
    cp = ord(ch)
    folded = chr(cp - 0xE0000).lower() if 0xE0020 <= cp <= 0xE007E else fold_char(ch)
    return "".join(c for c in (HOMOGLYPHS.get(c, c) for c in folded) if c.isalnum())


class _CanonTable(dict[int, str]):
    """`str.translate` table: each code point to its canonical letters and digits, computed on first use."""

    def __missing__(self, key: int) -> str:
        value = _canon_char(chr(key))
        self[key] = value
        return value


def _ascii_table() -> dict[int, str]:
    return {i: chr(i).lower() if chr(i).isalnum() else "" for i in range(128)}


_TABLE = _CanonTable(_ascii_table())
_ASCII_DROP = str.maketrans("", "", "".join(chr(i) for i in range(128) if not chr(i).isalnum()))


def canonical(text: str) -> str:
    if text.isascii():
        return text.lower().translate(_ASCII_DROP)
    if len(_TABLE) > 200_000:  # bound the cache against inputs cycling through every code point
        _TABLE.clear()
        _TABLE.update(_ascii_table())
    return text.translate(_TABLE)


def _original_index(text: str, k: int) -> int:
    """Index in `text` of the character that produced canonical character `k` (one pass, on a hit only)."""
    seen = 0
    for i, ch in enumerate(text):
        seen += len(_TABLE[ord(ch)])
        if seen > k:
            return i
    return len(text)


# a token spelled out: NATO alphabet, digit names, and the words said between characters
_NATO = (
    "alpha",
    "alfa",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "x-ray",
    "yankee",
    "zulu",
)
_DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_SPELLING = {
    **{w: w[0] for w in _NATO},
    **{w: str(i) for i, w in enumerate(_DIGIT_NAMES)},
    "niner": "9",
    **dict.fromkeys(("dash", "hyphen", "minus", "capital", "uppercase", "lowercase", "small"), ""),
}
_SPELLED_WORD = re.compile(r"\b(?:" + "|".join(sorted(_SPELLING, key=len, reverse=True)) + r")\b")


_SPELLED_GATE = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "alpha", "bravo",
                 "charlie", "delta", "echo", "foxtrot")  # fmt: skip


def spelled_out(lowered: str) -> str:
    """NATO letters and digit names replaced by what they spell ("tango uniform" -> "t u")."""
    return _SPELLED_WORD.sub(lambda m: _SPELLING[m.group()], lowered)


_ROT13 = str.maketrans("abcdefghijklmnopqrstuvwxyz", "nopqrstuvwxyzabcdefghijklm")


# ---------------------------------------------------------------- encoded streams
def _drop_all_but(keep: str) -> bytes:
    return bytes(b for b in range(256) if chr(b) not in keep)


_NOT_B64 = _drop_all_but("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
_NOT_HEX = _drop_all_but("0123456789abcdef")
_NOT_B32 = _drop_all_but("abcdefghijklmnopqrstuvwxyz234567")
_NOT_BIN = _drop_all_but("01")
_B64_URLSAFE = bytes.maketrans(b"-_", b"+/")
# the base32 alphabet as the digits of `int(..., 32)`
_B32_DIGITS = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz234567", b"0123456789abcdefghijklmnopqrstuv")
_PRINTABLE_MASK = bytes(0x78 if 0x20 <= b <= 0x7E or b in (9, 10, 13) else 0 for b in range(256))
_BYTES_ALNUM_DROP = _drop_all_but("abcdefghijklmnopqrstuvwxyz0123456789")
_STREAM_MIN = 24  # encoded characters: shorter streams hold neither a canary nor 8 words
_PRINTABLE_RUN = b"x" * _STREAM_MIN


def _decoded_streams(text: str, canon: str, shortest: int) -> Iterator[bytes]:
    """Every alignment of the base64, hex, base32 and binary streams of `text`, decoded. A stream shorter
    than `shortest` encoded characters is skipped."""
    b64 = text.encode("ascii", "ignore").translate(_B64_URLSAFE, _NOT_B64)
    if len(b64) >= shortest:
        for a in range(4):
            yield binascii.a2b_base64(_whole_quanta(b64[a:], 4, b"A"))
    ascii_canon = canon.encode("ascii", "ignore")
    hexs = ascii_canon.replace(b"0x", b"").translate(None, _NOT_HEX)
    if len(hexs) >= 2 * shortest:
        for a in range(2):
            yield binascii.unhexlify(_whole_quanta(hexs[a:], 2, b"0"))
    b32 = ascii_canon.translate(_B32_DIGITS, _NOT_B32)
    if len(b32) >= shortest:
        yield from _bit_alignments(int(b32, 32), 5 * len(b32))
    bits = ascii_canon.translate(None, _NOT_BIN)
    if len(bits) >= 8 * shortest:
        yield from _bit_alignments(int(bits, 2), len(bits))


def _bit_alignments(value: int, width: int) -> Iterator[bytes]:
    """The `width`-bit number `value` read as bytes from each of the 8 bit offsets."""
    for a in range(min(8, width)):
        n = (width - a) // 8
        yield (value >> (width - a - 8 * n) & ((1 << 8 * n) - 1)).to_bytes(n, "big")


def printable_runs(data: bytes) -> Iterator[bytes]:
    """Runs of at least `_STREAM_MIN` printable ASCII bytes (text inside a decoded stream)."""
    mask = data.translate(_PRINTABLE_MASK)
    start = mask.find(_PRINTABLE_RUN)
    while start >= 0:
        end = mask.find(0, start)
        end = len(mask) if end < 0 else end
        yield data[start:end]
        start = mask.find(_PRINTABLE_RUN, end)


def _whole_quanta(body: bytes, quantum: int, zero: bytes) -> bytes:
    """`body` completed with zero digits to whole quanta: the last partial quantum still decodes its bytes."""
    return body + zero * (-len(body) % quantum)


def decoded_streams(text: str, canon: str, shortest: int) -> list[bytes]:
    """`_decoded_streams` of the reply, and again of every printable run they decode to (an encoding inside
    an encoding), the second level capped at twice the reply's length."""
    first = list(_decoded_streams(text, canon, shortest))
    out = list(first)
    budget = 2 * len(text) + 1024
    for data in first:
        for run in printable_runs(data):
            inner = run.decode("ascii")
            budget -= len(inner)
            if budget < 0:
                return out
            out.extend(_decoded_streams(inner, canonical(inner), shortest))
    return out


@dataclass(frozen=True, slots=True)
class _Variant:
    """The prompt's canonical words in one order and spelling, joined, with each word's span."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, words: list[str]) -> _Variant:
        ends = list(itertools.accumulate(len(w) for w in words))
        return cls("".join(words), [e - len(w) for e, w in zip(ends, words, strict=True)], ends)

    def words_covered(self, a: int, b: int) -> int:
        return max(0, bisect.bisect_right(self.ends, b) - bisect.bisect_left(self.starts, a))


class _PromptIndex:
    """8-word windows of the system prompt found in a canonical string: forwards, backwards, in ROT13, with
    each word reversed, and in reverse word order."""

    def __init__(self, prompt: str) -> None:
        words = [w for w in (canonical(w) for w in prompt.split()) if w]
        self.enabled = len(words) >= WINDOW_WORDS
        if not self.enabled:
            return
        self.variants = tuple(
            _Variant.of(v)
            for v in (
                words,
                [w[::-1] for w in reversed(words)],
                [w.translate(_ROT13) for w in words],
                [w[::-1] for w in words],
                words[::-1],
            )
        )
        forward = self.variants[0]
        shortest = min(
            forward.ends[i + WINDOW_WORDS - 1] - forward.starts[i] for i in range(len(words) - WINDOW_WORDS + 1)
        )
        self.gram = max(6, shortest // 2)
        self.step = max(1, shortest - self.gram + 1)
        self.index: dict[str, list[tuple[_Variant, int]]] = {}
        for variant in self.variants:
            for j in range(len(variant.text) - self.gram + 1):
                spots = self.index.setdefault(variant.text[j : j + self.gram], [])
                if len(spots) < _MAX_POSITIONS:
                    spots.append((variant, j))

    def find(self, text: str) -> tuple[int, int] | None:
        """(start, end) in `text` of the first stretch that covers 8 whole words of the prompt."""
        if not self.enabled:
            return None
        gram, step, index = self.gram, self.step, self.index
        floor = 0  # the end of the last extension: extensions never overlap
        p = 0
        limit = len(text) - gram
        while p <= limit:
            spots = index.get(text[p : p + gram])
            if spots is None:
                p += step
                continue
            reach = p + gram
            for variant, j in spots:
                other = variant.text
                back = 0
                lowest = max(floor, p - step - gram)
                while p - back > lowest and j - back > 0 and text[p - back - 1] == other[j - back - 1]:
                    back += 1
                fwd = gram
                while p + fwd < len(text) and j + fwd < len(other) and text[p + fwd] == other[j + fwd]:
                    fwd += 1
                if variant.words_covered(j - back, j + fwd) >= WINDOW_WORDS:
                    return p - back, p + fwd
                reach = max(reach, p + fwd)
            floor = reach
            p = max(p + step, floor)
        return None


def _random_enough(half: str) -> bool:
    """A half canary that cannot turn up by chance: 10+ characters, 6+ distinct, letters and digits
    (the halves of `CANARY-TOKEN-2026-ALPHA` are not: "canarytoke" is in "canary tokens")."""
    return len(half) >= 10 and len(set(half)) >= 6 and not half.isalpha() and not half.isdigit()


class LeakDetector:
    """Canary token and system-prompt fragments in a reply (`CANARY_TOKEN`, `SYSTEM_PROMPT_LEAK`)."""

    def __init__(self, system_prompt: str, canary: str) -> None:
        self.canary = canary.lower()
        core = canonical(canary)
        self.forms: tuple[str, ...] = ()
        if len(core) >= _MIN_CANARY:
            rot = core.translate(_ROT13)
            self.forms = tuple(dict.fromkeys((core, core[::-1], rot, rot[::-1])))
        # half of the canary, when a half is long enough to be unique: the two halves apart ("… and the rest is …")
        self.halves = tuple(h for f in self.forms for h in (f[: len(f) // 2], f[len(f) // 2 :]) if _random_enough(h))
        self.encoded_forms = tuple(f.encode() for f in dict.fromkeys(self.halves + self.forms) if f.isascii())
        # the shortest stream that can hold an encoded canary (base32 and hex only expand it further)
        self.shortest = min(map(len, self.encoded_forms)) if self.encoded_forms else 1 << 62
        self.prompt = _PromptIndex(system_prompt.replace(canary, " ") if canary else system_prompt)

    def detect(
        self, text: str, decoded: Callable[[str], list[tuple[int, int, str]]] | None = None
    ) -> Iterator[Finding]:
        canon = canonical(text)
        canary = self._canary_plain(text, canon)
        prompt = self._prompt_plain(text, canon)
        need_canary = canary is None and bool(self.encoded_forms)
        need_prompt = prompt is None and self.prompt.enabled
        if need_canary or need_prompt:
            streams = [data.lower() for data in decoded_streams(text, canon, min(self.shortest, _STREAM_MIN))]
            if need_canary:
                canary = self._canary_encoded(text, streams, decoded)
            if need_prompt:
                prompt = self._prompt_encoded(text, streams)
        if canary is not None:
            yield Finding(CATEGORY, "CANARY_TOKEN", canary[0], canary[1], canary[2])
        if prompt is not None:
            yield Finding(CATEGORY, "SYSTEM_PROMPT_LEAK", prompt[0], prompt[1], 0.9)

    def _canary_plain(self, text: str, canon: str) -> tuple[int, int, float] | None:
        if self.canary:
            pos = text.lower().find(self.canary)
            if pos >= 0:
                return pos, pos + len(self.canary), 1.0
        for forms, score in ((self.forms, 0.95), (self.halves, 0.9)):
            for form in forms:
                k = canon.find(form)
                if k >= 0:
                    return _original_index(text, k), _original_index(text, k + len(form) - 1) + 1, score
        lowered = text.lower()
        if self.forms and sum(lowered.count(w) for w in _SPELLED_GATE) >= 4:
            spelled = canonical(spelled_out(lowered))
            if any(form in spelled for form in self.forms + self.halves):
                return 0, len(text), 0.9
        return None

    def _canary_encoded(
        self, text: str, streams: list[bytes], decoded: Callable[[str], list[tuple[int, int, str]]] | None
    ) -> tuple[int, int, float] | None:
        cores = b" ".join(data.translate(None, _BYTES_ALNUM_DROP) for data in streams)
        if any(form in cores for form in self.encoded_forms):
            return 0, len(text), 0.95
        if decoded is not None:  # escapes and entities the streams do not cover (`&#99;`)
            for start, end, plain in decoded(text):
                if any(form in canonical(plain) for form in self.forms):
                    return start, end, 0.95
        return None

    def _prompt_plain(self, text: str, canon: str) -> tuple[int, int] | None:
        hit = self.prompt.find(canon) if self.prompt.enabled else None
        if hit is None:
            return None
        return _original_index(text, hit[0]), _original_index(text, hit[1] - 1) + 1

    def _prompt_encoded(self, text: str, streams: list[bytes]) -> tuple[int, int] | None:
        for data in streams:
            for run in printable_runs(data):
                if self.prompt.find(canonical(run.decode("ascii"))) is not None:
                    return 0, len(text)
        return None
