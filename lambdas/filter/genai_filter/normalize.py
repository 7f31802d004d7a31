"""Text normalisation for the injection detectors, with a map back to the caller's offsets.

`normalize` folds the tricks attackers use to get past keyword matching:

* NFKC per character (fullwidth forms, mathematical alphanumerics, circled letters, ligatures) and
  lower case (`str.casefold`); diacritics on Latin letters are dropped (``ignóre`` -> ``ignore``);
* invisible characters are removed: zero-width characters, bidi controls, variation selectors; Unicode
  tag characters (U+E0020-U+E007E) are *decoded* to the ASCII they hide, so smuggled text is screened;
* Cyrillic and Greek look-alikes are folded to Latin inside words that are mixed-script or made only
  of look-alikes (real Cyrillic or Greek words are left alone, so Russian phrasing can still match);
* letter-spacing (``i g n o r e``, ``i.g.n.o.r.e``) is collapsed;
* leetspeak inside words that mix letters and digits (``1gn0r3`` -> ``ignore``) is folded.

Every character of `Normalized.text` remembers the span of original code points it came from, so a
match in the normalised text maps back to the original with `Normalized.to_original`. Pure ASCII text
without spacing or leet tricks takes a fast path whose map is the identity.

`hidden_characters` reports the invisible characters themselves as `obfuscation` findings, and
`decoded_segments` finds base64 / hex / percent / escape-encoded runs that decode to readable text.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from genai_filter.findings import Finding
from genai_filter.lazy import LazyPattern

__all__ = [
    "HOMOGLYPHS",
    "Normalized",
    "decoded_segments",
    "fold_char",
    "hidden_characters",
    "normalize",
    "spaced_letters",
]


_Lazy = LazyPattern


# --------------------------------------------------------------------------------------------------
# Character classes

_ZERO_WIDTH = frozenset(
    (
        0x200B,
        0x200C,
        0x200D,
        0x2060,
        0x2061,
        0x2062,
        0x2063,
        0x2064,
        0xFEFF,
        0x180E,
        0x00AD,
        0x034F,
        0x115F,
        0x1160,
        0x3164,
        0xFFA0,
        0x17B4,
        0x17B5,
    )
)
_BIDI = frozenset([0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C])
# ZWJ / ZWNJ and emoji variation selectors have legitimate uses (emoji sequences, Persian and Indic
# scripts): they are only reported as hidden when they sit between two Latin letters or digits.
_CONTEXTUAL = frozenset([0x200C, 0x200D, 0xFE0E, 0xFE0F])


def _hidden_type(cp: int) -> str | None:
    if cp in _ZERO_WIDTH:
        return "ZERO_WIDTH"
    if cp in _BIDI:
        return "BIDI_OVERRIDE"
    if 0xE0000 <= cp <= 0xE007F:
        return "UNICODE_TAG"
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return "VARIATION_SELECTOR"
    return None


# Cyrillic / Greek / other look-alikes of Latin letters (lower case, after casefold).
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "ӏ": "l",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "ц": "u",
    "ѵ": "v",
    "ԝ": "w",
    "х": "x",
    "у": "y",
    "з": "3",
    "ь": "b",
    "п": "n",
    "л": "n",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "γ": "y",
    "ω": "w",
    "μ": "u",
    "ς": "s",
    "σ": "o",
    # Others seen in confusable attacks
    "ı": "i",
    "ȷ": "j",
    "ɡ": "g",
    "ɑ": "a",
    "ǀ": "l",
    "ⅰ": "i",
    "ℓ": "l",
}
# Look-alikes that are visually identical to a Latin letter: a word made only of these (no Latin letter)
# is folded too ("ассеss"); the looser ones above (н -> h, т -> t) only fold inside mixed-script words,
# so real Cyrillic words such as "інструкції" are not mangled.
_STRICT_HOMOGLYPHS = frozenset("аеорсухіјѕԁһӏԛԝёїοριυχ")
_CYR_GREEK = _Lazy(r"[\u0370-\u03ff\u0400-\u052f]")

# Leet characters (only folded inside a word that also contains letters).
_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
    "9": "g",
}
# A leet word is a whole token (delimited by characters other than \w and @$!|) of 3-24 characters
# from [a-z0-9@$!|] with at least one letter and one digit or symbol. It is found from its first digit
# or symbol (a rare character, so the regex engine skips ahead quickly) and its start is looked up behind.
_LEET_ANCHOR = _Lazy(r"[0-9@$!|][\w@$!|]*")
_LEET_TOKEN = _Lazy(r"[a-z0-9@$!|]*[a-z][a-z0-9@$!|]*")
_IDENTIFIER = _Lazy(r"\$?[a-z]{2,}[0-9]{1,3}")
_HAS_DIGIT_OR_SYMBOL_IN_WORD = _Lazy(r"[a-z][0-9@$!|]|[0-9@$!|][a-z]")

# Letter-spacing: at least 3 single letters, each separated by the same one-character separator.
_SPACED = _Lazy(r"(?<![^\W\d_])([^\W\d_])([ .\-_*·+/|~])[^\W\d_](?:\2[^\W\d_]){2,}(?![^\W\d_])")

# Enclosed / squared Latin capital letters that NFKC leaves alone.
_ENCLOSED_BASES = ((0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189), (0x1F1E6, 0x1F1FF))

_cache: dict[str, str] = {}
# the longest compatibility expansion kept ("ﬃ" -> "ffi", "⑽" -> "(10)"); longer ones (Arabic ligatures of whole
# phrases, CJK squared words) are left as they are
_MAX_EXPANSION = 4


def fold_char(ch: str) -> str:
    """Fold one non-ASCII character (without context): hidden -> '', tags -> ASCII, NFKC, casefold."""
    out = _cache.get(ch)
    if out is not None:
        return out
    cp = ord(ch)
    if 0xE0020 <= cp <= 0xE007E:
        out = chr(cp - 0xE0000).lower()
    elif _hidden_type(cp) is not None:
        out = ""
    else:
        out = ""
        for lo, hi in _ENCLOSED_BASES:
            if lo <= cp <= hi:
                out = chr(ord("a") + cp - lo)
                break
        if not out:
            decomposed = unicodedata.normalize("NFKD", ch)
            if decomposed and decomposed[0].isascii() and all(unicodedata.combining(c) for c in decomposed[1:]):
                # Latin letter with diacritics, fullwidth/maths forms: keep the base letter(s).
                out = unicodedata.normalize("NFKC", decomposed[0]).casefold()
            else:
                out = unicodedata.normalize("NFKC", ch).casefold()
                if len(out) > 1 and not out.isascii():
                    out = "".join(c for c in out if not unicodedata.combining(c)) or out
            if len(out) > _MAX_EXPANSION:
                out = ch  # "ﷺ" is 18 characters in NFKC: a text of them would be screened at 18 times its length
            if unicodedata.category(ch) == "Mn":
                out = "\0"  # marker: combining mark, dropped after an ASCII letter
            elif ch.isspace():
                out = "\n" if ch in "\u2028\u2029\x85" else " "
    if len(_cache) < 20000:
        _cache[ch] = out
    return out


# --------------------------------------------------------------------------------------------------
# Normalised text with offset map


@dataclass(frozen=True)
class Normalized:
    """Normalised text; `starts[i]`/`ends[i]` give the original span of `text[i]` (None = identity)."""

    text: str
    starts: list[int] | None = field(default=None, repr=False, compare=False)
    ends: list[int] | None = field(default=None, repr=False, compare=False)
    original_length: int = 0

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the span `text[start:end]` to code-point offsets `(start, end)` in the original text."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if self.starts is None or self.ends is None:
            return start, end
        if start == n:
            return self.original_length, self.original_length
        o_start = self.starts[start]
        o_end = self.ends[end - 1] if end > start else o_start
        return o_start, max(o_start, o_end)


def _rebuild(
    text: str, starts: list[int] | None, ends: list[int] | None, edits: list[tuple[int, int, str]]
) -> tuple[str, list[int], list[int]]:
    """Apply non-overlapping, sorted edits (start, end, replacement) to text and its offset map.

    A replacement of the same length as the span maps character by character; otherwise every
    replacement character maps to the whole span.
    """
    n = len(text)
    s = starts if starts is not None else list(range(n))
    e = ends if ends is not None else list(range(1, n + 1))
    out: list[str] = []
    ns: list[int] = []
    ne: list[int] = []
    pos = 0
    for a, b, rep in edits:
        out.append(text[pos:a])
        ns.extend(s[pos:a])
        ne.extend(e[pos:a])
        if len(rep) == b - a:
            ns.extend(s[a:b])
            ne.extend(e[a:b])
        elif rep:
            ns.extend([s[a]] * len(rep))
            ne.extend([e[b - 1]] * len(rep))
        out.append(rep)
        pos = b
    out.append(text[pos:])
    ns.extend(s[pos:])
    ne.extend(e[pos:])
    return "".join(out), ns, ne


_NON_ASCII_RUN = _Lazy(r"[^\x00-\x7f]+")


def _fold_unicode(text: str) -> tuple[str, list[int], list[int]]:
    """Fold non-ASCII characters one by one; ASCII stretches are lower-cased in bulk."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _NON_ASCII_RUN.p.finditer(text):
        a, b = m.start(), m.end()
        if a > pos:
            out.append(text[pos:a].lower())
            starts.extend(range(pos, a))
            ends.extend(range(pos + 1, a + 1))
        prev_ascii_letter = a > 0 and text[a - 1].isascii() and text[a - 1].isalpha()
        in_tags = False
        for i in range(a, b):
            ch = text[i]
            rep = fold_char(ch)
            is_tag = "\U000e0020" <= ch <= "\U000e007e"
            if is_tag != in_tags:
                # smuggled tag text starts/ends a word of its own
                if rep and out and not out[-1][-1:].isspace():
                    rep = " " + rep
                in_tags = is_tag
            if rep == "\0":
                if prev_ascii_letter:
                    if ends:
                        ends[-1] = i + 1
                    continue
                rep = ch
            if not rep:
                # dropped: extend the previous character's span so a match covers the hidden characters
                if ends:
                    ends[-1] = i + 1
                continue
            if len(rep) == 1:
                out.append(rep)
                starts.append(i)
                ends.append(i + 1)
            else:
                out.append(rep)
                starts.extend([i] * len(rep))
                ends.extend([i + 1] * len(rep))
            prev_ascii_letter = rep[-1].isascii() and rep[-1].isalpha()
        pos = b
    if pos < len(text):
        out.append(text[pos:].lower())
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return "".join(out), starts, ends


_WORD_WITH_CYR_GREEK = _Lazy(r"[^\W\d_]*[\u0370-\u03ff\u0400-\u052f][^\W\d_]*")


def _fold_homoglyph_words(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for m in _WORD_WITH_CYR_GREEK.p.finditer(text):
        word = m.group()
        has_latin = any("a" <= c <= "z" for c in word)
        all_confusable = all(("a" <= c <= "z") or c in _STRICT_HOMOGLYPHS for c in word)
        if (has_latin and any(c in HOMOGLYPHS for c in word)) or (all_confusable and len(word) >= 4):
            folded = "".join(HOMOGLYPHS.get(c, c) for c in word)
            if folded != word:
                edits.append((m.start(), m.end(), folded))
    return edits


def _collapse_spacing(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for m in _SPACED.p.finditer(text):
        sep = m.group(2)
        a, b = m.start(), m.end()
        # Remove each separator character inside the run (letters keep their own offsets).
        for k in range(a + 1, b, 2):
            if text[k] == sep:
                edits.append((k, k + 1, ""))
    return edits


def _leet_words(text: str) -> Iterator[tuple[int, str]]:
    """(start, word) of every leet word in `text` (see `_LEET_ANCHOR`)."""
    for m in _LEET_ANCHOR.p.finditer(text):
        end = m.end()
        start = m.start()
        if m.group().isdigit() and (start == 0 or not _in_token(text[start - 1])):
            continue  # a number ("415", "2024"), not a word with digits in it
        lowest = max(0, end - 24)
        while start > lowest and _in_token(text[start - 1]):
            start -= 1
        if start > 0 and _in_token(text[start - 1]):
            continue  # longer than 24 characters
        word = text[start:end]
        if 3 <= len(word) <= 24 and _LEET_TOKEN.p.fullmatch(word):
            yield start, word


def _in_token(ch: str) -> bool:
    return ch.isalnum() or ch in "_@$!|"  # [\w@$!|] of `re`


def _fold_leet(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for start, word in _leet_words(text):
        if word.startswith(("0x", "mp3", "mp4", "h264", "ipv")) or sum(c.isalpha() for c in word) < 2:
            continue
        if _IDENTIFIER.p.fullmatch(word):
            continue  # "base64", "term1", "$var2", "gpt4": a name with an index or version, not leet
        core = word.rstrip("!|")  # "stop!!!" is punctuation, not leet
        folded = "".join(_LEET.get(c, c) for c in core)
        if folded != core:
            edits.append((start, start + len(core), folded))
    return edits


_SPACERS = frozenset(" .-_*·+/|~")


def _maybe_spaced(text: str) -> bool:
    """Cheap gate for letter-spacing: a letter between two equal separators twice in a row (" g n ",
    ".g.n."), which every `_SPACED` run of 4+ letters contains. Each branch starts with a literal, so
    the regex engine skips through the text instead of trying a character class at every position."""
    return _SPACED_GATE.p.search(text) is not None


_SPACED_GATE = _Lazy(
    "|".join(f"{re.escape(c)}[^\\W\\d_]{re.escape(c)}[^\\W\\d_]{re.escape(c)}" for c in sorted(_SPACERS))
)


def normalize(text: str) -> Normalized:
    """Return the normalised text of `text` with a map back to the original offsets."""
    starts: list[int] | None = None
    ends: list[int] | None = None
    if text.isascii():
        cur = text.lower()
    else:
        cur, starts, ends = _fold_unicode(text)
        if _CYR_GREEK.p.search(cur):
            edits = _fold_homoglyph_words(cur)
            if edits:
                cur, starts, ends = _rebuild(cur, starts, ends, edits)
    if _maybe_spaced(cur):
        edits = _collapse_spacing(cur)
        if edits:
            cur, starts, ends = _rebuild(cur, starts, ends, edits)
    if any(ch in cur for ch in _LEET) and _HAS_DIGIT_OR_SYMBOL_IN_WORD.p.search(cur):
        edits = _fold_leet(cur)
        if edits:
            cur, starts, ends = _rebuild(cur, starts, ends, edits)
    return Normalized(cur, starts, ends, len(text))


# --------------------------------------------------------------------------------------------------
# Hidden characters

_HIDDEN_RE = _Lazy(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u180e\u00ad\u034f\u115f\u1160\u3164\uffa0\u17b4\u17b5"
    "\u061c\ufe00-\ufe0f\U000e0000-\U000e007f\U000e0100-\U000e01ef]+"
)


def _latinish(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def hidden_characters(text: str) -> list[Finding]:
    """Invisible characters in `text`, as `obfuscation` findings (adjacent runs of one type merged).

    ZWJ/ZWNJ and the emoji variation selectors are only reported between ASCII letters or digits
    (they are part of emoji sequences and of Persian and Indic spelling). A byte-order mark at
    position 0 is ignored.
    """
    if text.isascii():
        return []
    findings: list[Finding] = []
    for m in _HIDDEN_RE.p.finditer(text):
        run_start = m.start()
        if run_start > 0 and text[run_start - 1] == "\U0001f3f4" and m.group().endswith("\U000e007f"):
            continue  # emoji subdivision flag (England, Scotland, Wales) is spelled with tag characters
        cur_type: str | None = None
        cur_start = 0
        for i in range(m.start(), m.end()):
            cp = ord(text[i])
            typ = _hidden_type(cp)
            if typ is None:
                continue
            if cp in _CONTEXTUAL:
                before = text[run_start - 1] if run_start > 0 else ""
                after = text[m.end()] if m.end() < len(text) else ""
                if not (_latinish(before) and _latinish(after)):
                    typ = None
            if cp == 0xFEFF and i == 0:
                typ = None
            if typ != cur_type:
                if cur_type is not None:
                    findings.append(Finding("obfuscation", cur_type, cur_start, i, _hidden_score(cur_type, text, m)))
                cur_type, cur_start = typ, i
        if cur_type is not None:
            findings.append(Finding("obfuscation", cur_type, cur_start, m.end(), _hidden_score(cur_type, text, m)))
    return findings


def _hidden_score(typ: str, text: str, run: re.Match[str]) -> float:
    """Zero-width characters only smuggle when they split a word ("ig\u200bnore"); next to a space,
    a table pipe or punctuation they are noise pasted from web pages (informational, below 0.5)."""
    if typ != "ZERO_WIDTH":
        return _HIDDEN_SCORE[typ]
    before = text[run.start() - 1] if run.start() > 0 else ""
    after = text[run.end()] if run.end() < len(text) else ""
    if before.isalnum() and after.isalnum():
        return _HIDDEN_SCORE[typ]
    return 0.3


_HIDDEN_SCORE = {"UNICODE_TAG": 0.95, "BIDI_OVERRIDE": 0.8, "ZERO_WIDTH": 0.7, "VARIATION_SELECTOR": 0.6}


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_SPACED_MIN_LETTERS = 10


def spaced_letters(text: str) -> list[Finding]:
    """Long runs of letter-spaced text ("S a y t h a t y o u …") as `obfuscation` findings.

    Normalisation collapses the spacing so the words are screened; the spacing itself is a way to slip
    words past token-level filters once it runs to 10+ letters. The alphabet written out is not.
    """
    if not _maybe_spaced(text):
        return []
    findings: list[Finding] = []
    for m in _SPACED.p.finditer(text):
        letters = m.group()[::2].lower()
        if len(letters) >= _SPACED_MIN_LETTERS and letters not in _ALPHABET:
            findings.append(Finding("obfuscation", "SPACED_LETTERS", m.start(), m.end(), 0.6))
    return findings


# --------------------------------------------------------------------------------------------------
# Encoded segments

_LONG_RUN_RE = _Lazy(r"[A-Za-z0-9+/_=-]{16,}")
_HEX_FULL = _Lazy(r"[0-9A-Fa-f]{16,}")
_B32_FULL = _Lazy(r"[A-Z2-7]{24,}")
_B64_RE = _Lazy(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX_RE = _Lazy(r"(?<![0-9A-Za-z])(?:0x)?[0-9A-Fa-f]{16,}(?![0-9A-Za-z])")
_HEX_SPACED_RE = _Lazy(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{2}(?:[ :,][0-9A-Fa-f]{2}){7,}(?![0-9A-Za-z])")
_ESC_HEX_RE = _Lazy(r"(?:\\x[0-9A-Fa-f]{2}){6,}")
_ESC_U_RE = _Lazy(r"(?:\\u[0-9A-Fa-f]{4}){4,}")
_PCT_RE = _Lazy(r"(?:%[0-9A-Fa-f]{2}[^%\s]{0,3}){5,}")
_ENTITY_RE = _Lazy(r"(?:&#(?:[0-9]{2,5}|[xX][0-9A-Fa-f]{2,4});){4,}")
_BIN_RE = _Lazy(r"(?<![01])[01]{8}(?:[ ]?[01]{8}){5,}(?![01])")
_B32_RE = _Lazy(r"(?<![A-Z2-7=])[A-Z2-7]{24,}={0,6}(?![A-Z2-7=])")


def _readable(data: bytes) -> str | None:
    """Return the decoded text if `data` is mostly printable UTF-8 text with some letters."""
    if len(data) < 6:
        return None
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(1 for c in s if c.isprintable() or c in "\n\t\r")
    letters = sum(1 for c in s if c.isalpha())
    if printable / len(s) < 0.9 or letters / len(s) < 0.45:
        return None
    # Require something word-like: a space or a long run of letters.
    if " " not in s and letters < 8:
        return None
    return s


def _decode_b64(run: str) -> str | None:
    body = run.rstrip("=")
    if len(body) < 16:
        return None
    # base64 runs are almost never all one case or without any letter mix
    if body.isalpha() and (body.islower() or body.isupper()):
        return None
    if body.isdigit():
        return None
    alt = "-_" if ("-" in body or "_" in body) else "+/"
    if alt == "-_" and ("+" in body or "/" in body):
        return None
    padded = body + "=" * (-len(body) % 4)
    if len(body) % 4 == 1:
        return None
    try:
        data = base64.b64decode(padded, altchars=alt.encode(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return _readable(data)


def _decode_hex(run: str) -> str | None:
    digits = re.sub(r"[^0-9A-Fa-f]", "", run[2:] if run[:2] in ("0x", "0X") else run)
    if len(digits) % 2:
        return None
    try:
        return _readable(bytes.fromhex(digits))
    except ValueError:
        return None


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def decoded_segments(text: str) -> list[tuple[int, int, str]]:
    """Encoded runs in `text` (base64, base32, hex, \\x / \\u escapes, percent, HTML entities, binary)
    that decode to mostly printable text: `(start, end, decoded)` with offsets into `text`."""
    out: list[tuple[int, int, str]] = []
    # disjoint spans taken so far, sorted: an overlap test is a bisection, not a scan of every earlier run
    starts: list[int] = []
    ends: list[int] = []

    def add(a: int, b: int, dec: str | None) -> None:
        if dec is None:
            return
        i = bisect.bisect_left(starts, b)
        if i > 0 and ends[i - 1] > a:
            return
        starts.insert(i, a)
        ends.insert(i, b)
        out.append((a, b, dec))

    if "\\x" in text:
        for m in _ESC_HEX_RE.p.finditer(text):
            add(m.start(), m.end(), _decode_hex(m.group().replace("\\x", "")))
    if "\\u" in text:
        for m in _ESC_U_RE.p.finditer(text):
            try:
                dec = "".join(chr(int(h, 16)) for h in re.findall(r"\\u([0-9A-Fa-f]{4})", m.group()))
            except ValueError:
                continue
            add(m.start(), m.end(), dec if sum(c.isalpha() for c in dec) >= 3 else None)
    if "&#" in text:
        for m in _ENTITY_RE.p.finditer(text):
            dec = re.sub(
                r"&#([xX][0-9A-Fa-f]+|[0-9]+);",
                lambda g: chr(int(g.group(1)[1:], 16) if g.group(1)[0] in "xX" else int(g.group(1))),
                m.group(),
            )
            add(m.start(), m.end(), dec)
    if "%" in text:
        for m in _PCT_RE.p.finditer(text):
            dec = unquote(m.group())
            add(m.start(), m.end(), dec if sum(c.isalpha() for c in dec) >= 4 else None)
    tokens = text.split()
    if sum(1 for t in tokens if len(t) == 2 and t[0] in _HEX_DIGITS and t[1] in _HEX_DIGITS) >= 8 or (
        text.count(":") >= 7
    ):
        for m in _HEX_SPACED_RE.p.finditer(text):
            add(m.start(), m.end(), _decode_hex(m.group()))
    if "01" in text and text.count("0") + text.count("1") >= 48:
        for m in _BIN_RE.p.finditer(text):
            bits = m.group().replace(" ", "")
            data = bytes(int(bits[k : k + 8], 2) for k in range(0, len(bits), 8))
            add(m.start(), m.end(), _readable(data))
    # One pass for long alphanumeric runs, then classify each as hex, base32 or base64.
    long_run = any(len(t) >= 16 and _LONG_RUN_RE.p.search(t) for t in tokens)
    for m in _LONG_RUN_RE.p.finditer(text) if long_run else ():
        run = m.group()
        a, b = m.start(), m.end()
        core = run[2:] if run[:2] in ("0x", "0X") else run
        if _HEX_FULL.p.fullmatch(core):
            # hex-encoded text has a digit in (nearly) every byte; plain words like "acceded" do not
            if sum(1 for c in core if c.isdigit()) * 3 >= len(core):
                add(a, b, _decode_hex(core))
            continue
        body = run.rstrip("=")
        if len(body) >= 24 and _B32_FULL.p.fullmatch(body):
            try:
                data = base64.b32decode(body + "=" * (-len(body) % 8))
            except (binascii.Error, ValueError):
                data = b""
            dec32 = _readable(data)
            if dec32 is not None:
                add(a, b, dec32)
                continue
        add(a, b, _decode_b64(run))
    out.sort()
    return out
