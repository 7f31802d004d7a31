"""Injection mechanisms in other languages, from a lexicon shipped as data (`lexicons/multilingual.json`).

Each language has named rules for the core mechanisms: instruction override, system-prompt and
configuration extraction, persona jailbreaks, "no restrictions", role switches and dictated replies. A
rule is either a list of phrases or two term lists `a` and `b` that must occur within a window of each
other inside one sentence (verb and object, in either order for languages that put the object first).
Terms are folded the way `normalize` folds the screened text, so rules match the normalised text.

A rule runs only when one of its literal needles occurs in the text (for Latin and Cyrillic, at the start
of a word), so English text pays for a set of its words and a few substring tests; every pattern is a
bounded sequence of alternations, so the cost stays linear.

Folding the terms into patterns takes ~10 ms, so it is done at build time: `lexicons/multilingual.compiled.json`
holds every rule as compiled (regenerate with `python -m genai_filter.multilingual`; a test checks it is current),
and a cold process only parses it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from genai_filter.lazy import LazyPattern
from genai_filter.rules.base import RuleHit

__all__ = ["COMPILED_PATH", "LEXICON_PATH", "LexRule", "compiled", "hits", "load", "rules", "scan"]

LEXICON_PATH = Path(__file__).with_name("lexicons") / "multilingual.json"
COMPILED_PATH = LEXICON_PATH.with_name("multilingual.compiled.json")

# scripts whose words are separated by spaces and made of \w characters: terms get word boundaries there
_BOUNDED_SCRIPTS = frozenset({"latin", "cyrillic"})
# the other scripts' rules run only when the text holds a character of the script
_SCRIPT_CHARS = {
    "arabic": LazyPattern("[\u0600-\u06ff]"),
    "indic": LazyPattern("[\u0900-\u09ff]"),
    "han": LazyPattern("[\u3040-\u30ff\u4e00-\u9fff]"),
    "hangul": LazyPattern("[\u1100-\u11ff\uac00-\ud7af]"),
    "thai": LazyPattern("[\u0e00-\u0e7f]"),
}
_SCRIPTS = _BOUNDED_SCRIPTS | frozenset(_SCRIPT_CHARS)
_WORD = LazyPattern(r"[^\W\d_]+")
_LETTERS = LazyPattern(r"[^\W\d_]*")
_SEP = r"[\W_]{0,3}"
_STEM = r"[^\s.,;:!?\"'()]{0,12}"
# a window never crosses the end of a sentence; the script's own full stops are added (few characters
# outside Latin-1 in a class: the regex compiler builds a large table for each)
_STOPS = "\\n.!?;"
_SCRIPT_STOPS = {"han": "。！？", "indic": "।", "arabic": "؟"}
# Arabic-script words are written with or without short vowels, shadda and tatweel: Arabic-script rules
# run on a copy of the text without them
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_HARAKAT = LazyPattern("[\u064b-\u0652\u0670\u0640]")

# A rule's validation hook: given the normalised text and the match, the score to report, or None to drop it.
Validator = Callable[[str, "re.Match[str]"], float | None]


@dataclass(frozen=True, slots=True)
class LexRule:
    """One named rule: `pattern` matches normalised text; `validate` may drop or rescore a match. The rule
    runs only when one of its `needles` is in the text: in Latin and Cyrillic scripts " word " is a whole
    word and " stem" the start of a word, elsewhere a needle is a substring (and the script must occur)."""

    name: str
    lang: str
    script: str
    mechanism: str
    category: str
    type: str
    score: float
    pattern: LazyPattern
    needles: tuple[str, ...]
    examples: tuple[str, ...]
    near_misses: tuple[str, ...]
    validate: Validator | None = None


def _fold(word: str) -> str:
    """`word` folded as `normalize` folds text (NFKC, case, diacritics of Latin letters, invisible characters)."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    if folded.isascii():
        return folded
    if not any(ch < "\u0370" or "\u1e00" <= ch <= "\u1eff" or ch in _INVISIBLE for ch in folded if not ch.isascii()):
        return folded  # no Latin diacritics, combining marks or invisible characters: nothing more to fold
    out: list[str] = []
    for ch in folded:
        if ch in _INVISIBLE or (unicodedata.combining(ch) and out and out[-1].isascii()):
            continue
        base = unicodedata.normalize("NFD", ch)
        out.append(base[0] if base[0].isascii() and base[0].isalpha() else ch)
    return "".join(out)


def _gap(script: str, window: int) -> str:
    return f"[^{_STOPS}{_SCRIPT_STOPS.get(script, '')}]{{0,{window}}}?"


def _term(term: str, script: str, window: int) -> tuple[str, str, str]:
    """A term as (kind, regex, needle): kind "stem" (a trailing *), "word" or "raw"; the regex has no
    boundaries or stem tail (the alternation adds them once); the needle is the literal start of the term."""
    if term.startswith("re:"):
        return "raw", f"(?:{term[3:]})", ""
    parts: list[str] = []
    needle = ""
    joiner = ""
    for word in term.rstrip("*").split():
        if word == "…":
            parts.append(_gap(script, window))
            joiner = ""
            continue
        literal = _fold(word)
        if script == "arabic":
            literal = _HARAKAT.p.sub("", literal)
        if not needle and script in _BOUNDED_SCRIPTS:
            letters = _LETTERS.p.match(literal)
            head = letters.group(0) if letters else ""
            stem = term.endswith("*") and len(term.split()) == 1
            needle = (f" {head}" if stem else f" {head} ") if head else ""
        else:
            needle = needle or literal
        parts.append(joiner + (literal if literal.isalnum() else re.escape(literal)))
        joiner = _SEP
    return ("stem" if term.endswith("*") else "word"), "".join(parts), needle


def _alternation(terms: list[str], script: str, window: int) -> tuple[str, list[str]]:
    compiled = [_term(t, script, window) for t in terms]
    bounded = script in _BOUNDED_SCRIPTS
    branches = []
    for kind, head, tail in (("word", r"\b", r"(?![^\W_])"), ("stem", r"\b", "")):
        group = [rx for k, rx, _ in compiled if k == kind]
        if group:
            body = "(?:" + "|".join(group) + ")"
            branches.append(
                (head if bounded else "") + body + (tail if bounded else "") + (_STEM if kind == "stem" else "")
            )
    branches.extend(rx for k, rx, _ in compiled if k == "raw")
    return "(?:" + "|".join(branches) + ")", [n for _, _, n in compiled]


def _negation_sources(negators: list[str], after: list[str], script: str) -> tuple[str | None, str | None]:
    """The patterns of the negation hook: a negator right before the verb ("не забудь", "jangan lupakan",
    "别忘记"), one right after it ("vergiss nicht"); None where the language has none."""
    words = "(?:" + "|".join(re.escape(_fold(n)) for n in negators) + ")"
    # in spaced scripts the negator is a whole word ("ne" is not the end of "अपने"); an elided "n'" is glued
    spaced = script not in ("han", "hangul", "thai")
    before = (rf"(?<!\S){words}(?:\s{{1,2}}|(?<='))$" if spaced else rf"{words}[\W_]{{0,2}}$") if negators else None
    behind = (r"[\W_]{1,3}(?:" + "|".join(re.escape(_fold(n)) for n in after) + r")\b") if after else None
    return before, behind


def _negation_hook(before_source: str | None, behind_source: str | None) -> Validator | None:
    """Drop an override negated right before its verb or right after it."""
    if before_source is None and behind_source is None:
        return None
    before = LazyPattern(before_source) if before_source is not None else None
    behind = LazyPattern(behind_source) if behind_source is not None else None

    def validate(text: str, m: re.Match[str]) -> float | None:
        groups = m.re.groupindex
        start, end = m.start(), m.end()
        for name in ("a", "a2"):
            if name in groups and m.start(name) >= 0:
                start, end = m.start(name), m.end(name)
        if before is not None and before.p.search(text, max(0, start - 12), start):
            return None
        if behind is not None and behind.p.match(text, end):
            return None
        return 1.0

    return validate


def _compile(lang: str, spec: dict[str, Any], rule: dict[str, Any], mechanisms: dict[str, Any]) -> dict[str, Any]:
    """One lexicon rule as compiled: its pattern, needles and negation patterns (JSON, see `compiled`)."""
    script = spec["script"]
    mech = mechanisms[rule["mechanism"]]
    window = int(rule.get("window", mech["window"]))
    branches: list[str] = []
    needles: list[str] = []
    if rule.get("phrases"):
        rx, found = _alternation(rule["phrases"], script, window)
        branches.append(rx)
        needles.extend(found)
    if rule.get("a"):
        a_rx, a_needles = _alternation(rule["a"], script, window)
        b_rx, _ = _alternation(rule["b"], script, window)
        gap = _gap(script, window)
        order = rule.get("order", "any")
        # the verb side is a named group: a negation is looked for right before it
        if order in ("ab", "any"):
            branches.append(f"(?P<a>{a_rx}){gap}{b_rx}")
        if order in ("ba", "any"):
            branches.append(f"{b_rx}{gap}(?P<a2>{a_rx})")
        needles.extend(a_needles)
    # a term without a literal start (a raw regex) cannot be gated: the rule then always runs
    gate = () if "" in needles else tuple(sorted(set(needles)))
    negation = (
        _negation_sources(spec.get("negators", []), spec.get("negators_after", []), script)
        if rule["mechanism"].startswith("override")
        else (None, None)
    )
    return {
        "name": f"{lang}.{rule['name']}",
        "lang": lang,
        "script": script,
        "mechanism": rule["mechanism"],
        "category": mech["category"],
        "type": mech["type"],
        "score": float(rule.get("score", mech["score"])),
        "pattern": "|".join(branches),
        "needles": list(gate),
        "negation": list(negation),
        "examples": list(rule.get("examples", ())),
        "near_misses": list(rule.get("near_misses", ())),
    }


def _rule(record: dict[str, Any]) -> LexRule:
    return LexRule(
        name=record["name"],
        lang=record["lang"],
        script=record["script"],
        mechanism=record["mechanism"],
        category=record["category"],
        type=record["type"],
        score=record["score"],
        pattern=LazyPattern(record["pattern"]),
        needles=tuple(record["needles"]),
        examples=tuple(record["examples"]),
        near_misses=tuple(record["near_misses"]),
        validate=_negation_hook(*record["negation"]),
    )


@cache
def _lexicon(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def compiled(path: Path = LEXICON_PATH) -> list[dict[str, Any]]:
    """Every rule of the lexicon at `path`, compiled (what `COMPILED_PATH` holds for the shipped lexicon); raises
    ValueError naming the bad entry."""
    data = _lexicon(path)
    mechanisms = data["mechanisms"]
    out: list[dict[str, Any]] = []
    for lang, spec in data["languages"].items():
        if spec.get("script") not in _SCRIPTS:
            raise ValueError(f"lexicon {lang}: script must be one of {sorted(_SCRIPTS)}, not {spec.get('script')!r}")
        for rule in spec["rules"]:
            where = f"lexicon {lang}.{rule.get('name')}"
            if rule.get("mechanism") not in mechanisms:
                raise ValueError(f"{where}: mechanism must be one of {sorted(mechanisms)}")
            if bool(rule.get("a")) != bool(rule.get("b")) or not (rule.get("a") or rule.get("phrases")):
                raise ValueError(f"{where}: needs 'phrases', or both 'a' and 'b'")
            if not rule.get("examples"):
                raise ValueError(f"{where}: needs at least one example")
            out.append(_compile(lang, spec, rule, mechanisms))
    return out


def load(path: Path = LEXICON_PATH) -> tuple[LexRule, ...]:
    """Every rule of the lexicon at `path`; raises ValueError naming the bad entry."""
    return tuple(_rule(record) for record in compiled(path))


@cache
def rules() -> tuple[LexRule, ...]:
    """The shipped lexicon's rules, from the compiled form (read once, on first use)."""
    records: list[dict[str, Any]] = json.loads(COMPILED_PATH.read_text(encoding="utf-8"))
    return tuple(_rule(record) for record in records)


def _write_compiled() -> None:
    records = compiled()
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    COMPILED_PATH.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


@cache
def _english() -> tuple[frozenset[str], frozenset[str]]:
    data = _lexicon(LEXICON_PATH)
    return frozenset(_fold(w) for w in data["english_words"]), frozenset(_fold(w) for w in data["latin_markers"])


def _english_shaped(text: str, m: re.Match[str]) -> bool:
    """A Latin-script match whose verb (or whole phrase) is made of English words ("ignore … instructions")
    and that has no marker word of another language within 80 characters: English, left to the English rules."""
    groups = m.re.groupindex
    start, end = m.start(), m.end()
    for name in ("a", "a2"):
        if name in groups and m.start(name) >= 0:
            start, end = m.start(name), m.end(name)
    english, markers = _english()
    if not english.issuperset(_WORD.p.findall(text, start, end)):
        return False
    return markers.isdisjoint(_WORD.p.findall(text, max(0, m.start() - 80), m.end() + 80))


def _without_marks(text: str) -> tuple[str, list[int]] | None:
    """`text` without Arabic short vowels and tatweel, and the original index of each kept character."""
    if _HARAKAT.p.search(text) is None:
        return None
    kept = [i for i, ch in enumerate(text) if not ("\u064b" <= ch <= "\u0652" or ch in "\u0670\u0640")]
    return "".join(text[i] for i in kept), kept


def scan(text: str, only: tuple[LexRule, ...] | None = None) -> list[tuple[LexRule, int, int, float]]:
    """(rule, start, end, score) for every rule match (of every rule, or of `only`) in normalised `text`; offsets
    index `text`. Patterns compile on first use, so a language costs nothing until a text holds one of its needles."""
    found: list[tuple[LexRule, int, int, float]] = []
    words = " " + " ".join(set(_WORD.p.findall(text))) + " "
    scripts = {name for name, chars in _SCRIPT_CHARS.items() if chars.p.search(text)}
    unmarked = _without_marks(text) if "arabic" in scripts else None
    present: dict[tuple[int, str], bool] = {}
    for rule in rules() if only is None else only:
        bounded = rule.script in _BOUNDED_SCRIPTS
        if not bounded and rule.script not in scripts:
            continue
        subject, index = (unmarked[0], unmarked[1]) if unmarked and rule.script == "arabic" else (text, None)
        haystack = words if bounded else subject
        if rule.needles and not any(_has(present, haystack, n) for n in rule.needles):
            continue
        for m in rule.pattern.p.finditer(subject):
            factor = 1.0 if rule.validate is None else rule.validate(subject, m)
            if factor is None or (rule.script == "latin" and _english_shaped(subject, m)):
                continue
            start, end = (m.start(), m.end()) if index is None else (index[m.start()], index[m.end() - 1] + 1)
            found.append((rule, start, end, rule.score * factor))
    return found


def _has(memo: dict[tuple[int, str], bool], haystack: str, needle: str) -> bool:
    key = (id(haystack), needle)
    if key not in memo:
        memo[key] = needle in haystack
    return memo[key]


def hits(text: str) -> list[RuleHit]:
    """`scan` as the injection detector's hits (the finding types the English rules use)."""
    return [RuleHit(rule.category, rule.type, start, end, score) for rule, start, end, score in scan(text)]


if __name__ == "__main__":
    _write_compiled()
