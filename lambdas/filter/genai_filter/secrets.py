"""Credential detection: cloud keys, private keys, JWTs, provider tokens and generic key=value secrets."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import math
import re
from collections import Counter
from collections.abc import Iterator

from genai_filter.findings import Finding
from genai_filter.pii import resolve_overlaps
from genai_filter.textmap import fold, spaced_runs

CATEGORY = "secret"

# (type, pattern, score); every pattern starts at a token boundary and has a bounded tail
_B = r"(?<![A-Za-z0-9_\-])"  # token start
_E = r"(?![A-Za-z0-9_\-])"  # token end
_TOKENS: tuple[tuple[str, re.Pattern[str], float], ...] = tuple(
    (name, re.compile(pattern), score)
    for name, pattern, score in (
        (
            "AWS_ACCESS_KEY_ID",
            r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z2-7]{16}"
            r"(?![A-Za-z0-9])",
            0.95,
        ),
        ("GITHUB_TOKEN", _B + r"gh[pousr]_[A-Za-z0-9]{36,251}" + _E, 0.95),
        ("GITHUB_TOKEN", _B + r"github_pat_[A-Za-z0-9_]{22,244}" + _E, 0.95),
        ("GITLAB_TOKEN", _B + r"glpat-[A-Za-z0-9_\-]{20,64}" + _E, 0.95),
        ("SLACK_TOKEN", _B + r"xox[abposre]-[A-Za-z0-9\-]{10,250}" + _E, 0.95),
        ("SLACK_WEBHOOK", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,200}", 0.95),
        ("STRIPE_KEY", _B + r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}" + _E, 0.95),
        ("GOOGLE_API_KEY", _B + r"AIza[0-9A-Za-z_\-]{35}" + _E, 0.95),
        ("ANTHROPIC_API_KEY", _B + r"sk-ant-[A-Za-z0-9]{2,10}-[A-Za-z0-9_\-]{32,200}" + _E, 0.95),
        ("OPENAI_API_KEY", _B + r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{32,200}" + _E, 0.9),
        ("OPENAI_API_KEY", _B + r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}" + _E, 0.95),
        ("HUGGINGFACE_TOKEN", _B + r"hf_[A-Za-z0-9]{34,40}" + _E, 0.9),
        ("NPM_TOKEN", _B + r"npm_[A-Za-z0-9]{36}" + _E, 0.9),
        ("SENDGRID_KEY", _B + r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + _E, 0.95),
        (
            "JWT",
            _B + r"eyJ[A-Za-z0-9_\-]{8,2000}\.eyJ[A-Za-z0-9_\-]{4,8000}\.[A-Za-z0-9_\-]{0,2000}" + _E,
            0.9,
        ),
    )
)

_PRIVATE_KEY_BEGIN = re.compile(r"-----BEGIN ((?:[A-Z0-9]{1,12} ){0,3})PRIVATE KEY(?: BLOCK)?-----")
_PRIVATE_KEY_END = re.compile(r"-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_KEY_BODY = re.compile(r"[A-Za-z0-9+/=:, \t\r\n]*")

_AWS_SECRET_CONTEXT = re.compile(r"(?:aws|secret[_ \-]?access|secretaccesskey)", re.IGNORECASE)
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+](?<![A-Za-z0-9/+=][A-Za-z0-9/+])[A-Za-z0-9/+]{39}(?![A-Za-z0-9/+=])")

_KEYWORD = re.compile(
    r"(?i)(?:password|passwd|passphrase|pwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|auth[_\-]?key|"
    r"client[_\-]?secret|private[_\-]?key|credentials?|bearer)"
)
_ASSIGN = re.compile(
    r"""[A-Za-z0-9_.\-]{0,30}["']?[ \t]{0,3}(?:[:=]|=>|:=)[ \t]{0,3}(["'`]?)([^\s"'`,;<>(){}\[\]=]{6,256}={0,2})"""
)
_BEARER = re.compile(r"(?i)\bbearer[ \t]{1,3}([A-Za-z0-9._~+/\-]{16,2048}=*)")
_PLACEHOLDER = re.compile(
    r"(?i)^(?:x+|\*+|\.+|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s|your[_\-].*|changeme|password\d*|secret|example.*|"
    r"redacted|none|null|true|false|undefined|\[.*\])$"
)


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _jwt_header_ok(token: str) -> bool:
    header = token.split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        parsed = json.loads(raw)
    except (binascii.Error, ValueError):
        return False
    return isinstance(parsed, dict) and ("alg" in parsed or "typ" in parsed)


# literal markers every match of a type contains; a cheap `in` test skips the regex scan
_MARKERS: dict[str, tuple[str, ...]] = {
    "AWS_ACCESS_KEY_ID": (
        "AKIA",
        "ASIA",
        "ABIA",
        "ACCA",
        "AGPA",
        "AIDA",
        "AIPA",
        "ANPA",
        "ANVA",
        "AROA",
        "APKA",
        "ASCA",
    ),
    "GITHUB_TOKEN": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    "GITLAB_TOKEN": ("glpat-",),
    "SLACK_TOKEN": ("xox",),
    "SLACK_WEBHOOK": ("hooks.slack.com",),
    "STRIPE_KEY": ("_live_", "_test_"),
    "GOOGLE_API_KEY": ("AIza",),
    "ANTHROPIC_API_KEY": ("sk-ant-",),
    "OPENAI_API_KEY": ("sk-",),
    "HUGGINGFACE_TOKEN": ("hf_",),
    "NPM_TOKEN": ("npm_",),
    "SENDGRID_KEY": ("SG.",),
    "JWT": ("eyJ",),
}


def _tokens(text: str) -> Iterator[Finding]:
    for name, pattern, score in _TOKENS:
        if not any(marker in text for marker in _MARKERS[name]):
            continue
        for m in pattern.finditer(text):
            if name == "JWT" and not _jwt_header_ok(m.group(0)):
                continue
            if name == "OPENAI_API_KEY" and (m.group(0).startswith("sk-ant-") or m.group(0).count("-") > 6):
                continue
            yield Finding(CATEGORY, name, m.start(), m.end(), score)


def _private_keys(text: str) -> Iterator[Finding]:
    if "PRIVATE KEY" not in text:
        return
    ends = [m.end() for m in _PRIVATE_KEY_END.finditer(text)]
    covered = 0
    for m in _PRIVATE_KEY_BEGIN.finditer(text):
        if m.start() < covered:
            continue
        i = bisect.bisect_left(ends, m.end())
        if i < len(ends):
            end = ends[i]
        else:
            # a truncated block still leaks key material: take the base64 body that follows
            body = _KEY_BODY.match(text, m.end())
            end = body.end() if body else m.end()
        covered = end
        yield Finding(CATEGORY, "PRIVATE_KEY", m.start(), end, 0.99)


def _aws_secrets(text: str) -> Iterator[Finding]:
    lowered = text.lower()
    if "aws" not in lowered and "secret" not in lowered:
        return
    if not _AWS_SECRET_CONTEXT.search(text):
        return
    for m in _AWS_SECRET.finditer(text):
        value = m.group(0)
        if not (
            any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value)
        ):
            continue
        if shannon_entropy(value) < 4.0:
            continue
        if _AWS_SECRET_CONTEXT.search(text, max(0, m.start() - 80), m.start()):
            yield Finding(CATEGORY, "AWS_SECRET_ACCESS_KEY", m.start(), m.end(), 0.9)


_KEYWORD_MARKERS = ("pass", "pwd", "secret", "token", "key", "credential", "bearer")


def _generic(text: str) -> Iterator[Finding]:
    lowered = text.lower()
    if not any(marker in lowered for marker in _KEYWORD_MARKERS):
        return
    for km in _KEYWORD.finditer(text):
        am = _ASSIGN.match(text, km.end())
        if am is None:
            continue
        value = am.group(2)
        if _PLACEHOLDER.match(value) or (value.isalpha() and value.islower()):
            continue
        keyword = km.group(0).lower()
        is_password = keyword.startswith(("pass", "pwd"))
        threshold = 2.5 if is_password else 3.2
        if len(value) < (6 if is_password else 12) or shannon_entropy(value) < threshold:
            continue
        if not is_password and not any(c.isdigit() for c in value):
            continue
        yield Finding(CATEGORY, "GENERIC_SECRET", am.start(2), am.end(2), 0.8)
    if "bearer" not in lowered:
        return
    for m in _BEARER.finditer(text):
        value = m.group(1)
        if shannon_entropy(value) >= 3.2:
            yield Finding(CATEGORY, "GENERIC_SECRET", m.start(1), m.end(1), 0.8)


_PRIORITY = {"PRIVATE_KEY": 0, "GENERIC_SECRET": 50}


def _spaced_tokens(text: str) -> Iterator[Finding]:
    """Provider tokens written with a separator between every character ("A K I A …")."""
    for run in spaced_runs(text):
        for hit in _tokens(run.compact):
            start, end = run.to_text(hit.start, hit.end)
            yield Finding(hit.category, hit.type, start, end, hit.score)


def detect(text: str) -> list[Finding]:
    folded = fold(text)
    found: list[Finding] = []
    for detector in (_private_keys, _tokens, _aws_secrets, _generic, _spaced_tokens):
        for hit in detector(folded.text):
            if folded.positions is not None:
                start, end = folded.to_original(hit.start, hit.end)
                hit = Finding(hit.category, hit.type, start, end, hit.score)  # noqa: PLW2901
            found.append(hit)
    return resolve_overlaps(found, _PRIORITY, default=10)
