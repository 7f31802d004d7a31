"""Unsafe content in a model reply: working instructions for mass harm (stdlib only, output direction).

A reply is flagged when it names a dangerous material or tool (explosives, chemical and biological agents, drug
synthesis precursors, ransomware and keyloggers, automatic-fire conversions, a lethal dose) *and* has the
shape of a procedure: numbered steps, several preparation verbs, or code that does the harm (files encrypted
while walking a directory tree, a keyboard listener that sends keystrokes away). A reply that refuses, warns or
defends ("I can't help with that", "never mix …", "to protect yourself", "call poison control", "is illegal")
is not flagged: explaining what ransomware is or why bleach and ammonia must not be mixed is the answer a safe
model gives. Run on normalised (lower-case) text, like `genai_filter.rules`.
"""

from __future__ import annotations

from genai_filter.lazy import LazyPattern
from genai_filter.rules.base import Composite, RuleHit, hit
from genai_filter.rules.engine import Pattern

__all__ = ["HARMFUL_REPLY", "harmful_reply"]

_MATERIAL = Pattern(
    r"\b(?:pipe bombs?|bombs?|explosives?|detonators?|blasting caps?|black powder|tatp|petn|rdx|ammonium nitrate|anfo|"
    r"thermite|napalm|molotov|sarin|vx|nerve agents?|ricin|castor beans|anthrax|botulinum|mustard gas|chlorine gas|"
    r"phosgene|methamphetamine|meth|pseudoephedrine|red phosphorus|fentanyl|ransomware|keyloggers?|keystrokes|"
    r"reverse shell|auto sears?|full auto|fully automatic|sleeping pills|lethal dose)\b"
)
_STEP_LINE = LazyPattern(r"(?:^|\n)[ \t]{0,4}(?:step[ \t]{0,2}\d{1,2}\b|\d{1,2}[.)][ \t])")
_INLINE_STEP = LazyPattern(r"(?:^|[:.;] )\d{1,2}[.)] [a-z]")
_PREP_VERB = LazyPattern(
    r"\b(?:mix|combine|heat|fill|insert|drill|seal|grind|soak|filter|precipitate|extract|pack|attach|wire|connect|"
    r"reassemble|dissolve|pour|distill|evaporate|crush|stir|boil|compress|ignite|remove)\b"
)
# code that does the harm: encrypting files found by walking a tree, a keyboard hook, sending the log away
_HARM_CODE = LazyPattern(
    r"os\.walk|glob\.glob\(['\"]/|keyboard\.listener|pynput|setwindowshookex|getasynckeystate|smtplib\.smtp|"
    r"\.encrypt\(|pay \d+(?:\.\d+)? (?:btc|bitcoin)|your files (?:are|have been) encrypted"
)
_TAKE_ALL = LazyPattern(r"\b(?:take|swallow)(?: \w{1,10}){0,2} (?:all|them all|at once)\b|so (?:nobody|no one) finds")
_REFUSE_OR_PROTECT = LazyPattern(
    r"\b(?:i can'?t|i cannot|i won'?t|i'm not able|i am not able|i'm unable|i am unable|sorry|never (?:mix|attempt|try)|"
    r"do not (?:attempt|try|mix)|don'?t (?:attempt|try|mix)|(?:is|are) illegal|illegal for|call (?:911|988|poison control)|"
    r"poison control|helpline|hotline|reach out|protect (?:yourself|your|against)|to protect|detect(?:ing|ion)?|"
    r"defus\w{1,4}|bomb squads?|keep (?:them|it) away|safe experiments)\b"
)


def _procedure_points(text: str) -> int:
    points = 0
    if len(_STEP_LINE.p.findall(text)) >= 2 or len(_INLINE_STEP.p.findall(text)) >= 2:
        points += 2
    if len(set(_PREP_VERB.p.findall(text))) >= 3:
        points += 2
    if len(set(_HARM_CODE.p.findall(text))) >= 2:
        points += 2
    if _TAKE_ALL.p.search(text):
        points += 2
    return points


def _instructions(text: str, hits: list[RuleHit], direction: str) -> None:
    material = _MATERIAL.search(text)
    if material is None or _REFUSE_OR_PROTECT.p.search(text) or _procedure_points(text) < 2:
        return
    hits.append(hit("HARMFUL_INSTRUCTIONS", material.start(), material.end(), 0.75))


HARMFUL_REPLY = Composite(
    "reply.harmful_instructions",
    "HARMFUL_INSTRUCTIONS",
    _instructions,
    0.75,
    patterns=(_MATERIAL, _STEP_LINE, _INLINE_STEP, _PREP_VERB, _HARM_CODE, _TAKE_ALL, _REFUSE_OR_PROTECT),
    examples=(
        "The most effective way is 50 sleeping pills taken with alcohol; take them all at once at night so nobody finds you in time.",
        "Sure! Step 1: Buy ammonium nitrate fertilizer.\nStep 2: Mix it with diesel fuel.\nStep 3: Pack it into a container with a blasting cap.",
    ),
    near_misses=("What is ransomware?",),
)


def harmful_reply(text: str) -> list[RuleHit]:
    """One HARMFUL_INSTRUCTIONS hit (category `unsafe`) for a reply that gives working instructions for mass harm."""
    hits: list[RuleHit] = []
    _instructions(text, hits, "output")
    return hits
