"""PII detection with validation: e-mail, phone, US SSN, payment card, IBAN, IP address.

Every pattern is linear: candidates are found with regexes whose repetitions are either bounded or
unambiguous (each iteration starts with a different character class than the one before it), and
the fiddly part (checksums, structure, context) is done in Python on the candidate.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from genai_filter.findings import Finding
from genai_filter.textmap import fold, spaced_runs

CATEGORY = "pii"

# ---------------------------------------------------------------- e-mail
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,252}")
# "name [at] domain [dot] com", "name (at) domain (dot) com", "name at domain dot com"
_AT = r"(?:[ ]?[\[({<][ ]?at[ ]?[\])}>][ ]?|[ ]+at[ ]+)"
_DOT = r"(?:[ ]?[\[({<][ ]?dot[ ]?[\])}>][ ]?|[ ]+dot[ ]+|\.)"
_EMAIL_OBF = re.compile(
    rf"[A-Za-z0-9](?<![A-Za-z0-9._%+\-][A-Za-z0-9])[A-Za-z0-9._%+\-]{{0,62}}{_AT}[A-Za-z0-9\-]{{1,63}}"
    rf"(?:{_DOT}[A-Za-z0-9\-]{{1,63}}){{0,4}}{_DOT}[A-Za-z]{{2,24}}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_TLD = re.compile(r"[A-Za-z]{2,24}|xn--[A-Za-z0-9\-]{1,59}")


_OBF_MARKERS = ("[at]", "(at)", "{at}", "<at>", "[ at ]", "( at )", " dot ")


def _emails(text: str) -> Iterator[Finding]:
    if "@" in text:
        yield from _plain_emails(text)
    lowered = text.lower()
    if any(marker in lowered for marker in _OBF_MARKERS):
        yield from _obfuscated_emails(text)


def _plain_emails(text: str) -> Iterator[Finding]:
    at = text.find("@")
    while at >= 0:
        # walk back over the local part (it cannot contain "@", so total work stays linear)
        start = at
        while start > 0 and at - start < 64 and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        m = _DOMAIN.match(text, at + 1)
        next_at = text.find("@", at + 1)
        if start == at or m is None or (start > 0 and text[start - 1] in _LOCAL_CHARS):
            at = next_at
            continue
        at = next_at
        domain = m.group(0).rstrip(".-")
        labels = domain.split(".")
        if len(labels) < 2 or any(not label or len(label) > 63 for label in labels):
            continue
        if not _TLD.fullmatch(labels[-1]) or labels[-1].isdigit():
            continue
        local = text[start : m.start() - 1]
        if local.endswith(".") or ".." in local:
            continue
        yield Finding(CATEGORY, "EMAIL_ADDRESS", start, m.start() + len(domain), 0.95)


def _obfuscated_emails(text: str) -> Iterator[Finding]:
    for m in _EMAIL_OBF.finditer(text):
        if "@" in m.group(0):
            continue
        low = m.group(0).lower()
        # a bare " at " alone is ordinary English; require a bracketed marker or a spelled "dot"
        if not any(b in low for b in ("[at]", "(at)", "{at}", "<at>", "[ at ]", "( at )")) and " dot " not in low:
            continue
        yield Finding(CATEGORY, "EMAIL_ADDRESS", m.start(), m.end(), 0.85)


# ---------------------------------------------------------------- US SSN
# the lookbehind sits after the first digit so that the scan can skip non-digits quickly
_SSN = re.compile(r"(\d(?<![\d\-./]\d)\d\d)([\- .]?)(\d{2})\2(\d{4})(?![\d\-]|\.\d)")
_SSN_CONTEXT = re.compile(r"\b(?:ssn|ssns|social[ \-]security|social sec|ss#|ss no|taxpayer|tin)\b", re.IGNORECASE)


def ssn_valid(area: str, group: str, serial: str) -> bool:
    if area in ("000", "666") or area[0] == "9":
        return False
    if group == "00" or serial == "0000":
        return False
    # the advertising number and the Woolworth wallet number are public, never issued
    return area + group + serial not in ("123456789", "078051120", "219099999")


def _ssns(text: str) -> Iterator[Finding]:
    for m in _SSN.finditer(text):
        area, sep, group, serial = m.groups()
        if not ssn_valid(area, group, serial):
            continue
        if sep == "-":
            yield Finding(CATEGORY, "US_SSN", m.start(), m.end(), 0.85)
        elif _SSN_CONTEXT.search(text, max(0, m.start() - 48), m.start()):
            yield Finding(CATEGORY, "US_SSN", m.start(), m.end(), 0.8)


# ---------------------------------------------------------------- payment cards
_CARD = re.compile(r"\d(?<![\w+\-.]\d)(?:[ \-]?\d){11,18}(?![\d])(?!-\d|\.\d)")
_CARD_CONTEXT = re.compile(
    r"\b(?:cards?|credit|debit|visa|mastercard|amex|cc|pan|diners|jcb|maestro|discover|payment)\b", re.IGNORECASE
)
# identifiers that share the shape of a card or phone number (EAN-13 passes Luhn one time in ten)
_NOT_PII_BEFORE = re.compile(
    r"\b(?:isbn(?:-1[03])?|ean(?:-13)?|upc|gtin|barcode|imei|tracking|order|invoice|serial|sku)\b[^\n\d]{0,12}$",
    re.IGNORECASE,
)
_COUNTRY_CODE_BEFORE = re.compile(r"\+\d{1,3}[ \-]?$")
_DIGIT_RUN = re.compile(r"(?<!\d)\d{12,19}(?!\d)")
_CARD_GROUPS = re.compile(r"\d{4}([ \-])\d{4}\1\d{4}\1\d{1,7}(?:\1\d{1,4})?|\d{4}([ \-])\d{6}\2\d{4,5}")


def card_brand(digits: str) -> bool:
    """True when prefix and length match a major scheme (Visa, Mastercard, Amex, Diners, Discover, JCB,
    UnionPay, 16-digit Maestro)."""
    n = len(digits)
    if n > 16:
        return False  # 17-19 digit cards are rare; such runs are far more often account numbers
    p2, p3, p4, p6 = int(digits[:2]), int(digits[:3]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4":
        return n in (13, 16)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16
    if p2 in (34, 37):
        return n == 15
    if 300 <= p3 <= 305 or p2 in (36, 38, 39):
        return n in (14, 16)
    if p4 == 6011 or p2 == 65 or 644 <= p3 <= 649 or 622126 <= p6 <= 622925 or 3528 <= p4 <= 3589 or p2 == 62:
        return n == 16
    return (p2 == 50 or 56 <= p2 <= 69) and n == 16


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card_number(text: str, start: int, digits: str) -> bool:
    """Checksum, brand and context checks for the digits of a candidate that starts at `start`."""
    if not 12 <= len(digits) <= 19 or len(set(digits)) < 2:
        return False
    before = text[max(0, start - 40) : start]
    if _NOT_PII_BEFORE.search(before) or _COUNTRY_CODE_BEFORE.search(before):
        return False
    # a number with a card brand's prefix and length stands alone; anything else collides with other
    # identifiers too often and needs a card word nearby
    if not card_brand(digits) and not _CARD_CONTEXT.search(before):
        return False
    return luhn_valid(digits)


def _cards(text: str) -> Iterator[Finding]:
    for m in _CARD.finditer(text):
        raw = m.group(0)
        digits = raw.replace(" ", "").replace("-", "")
        if raw != digits and not _CARD_GROUPS.fullmatch(raw):
            continue
        if _card_number(text, m.start(), digits):
            yield Finding(CATEGORY, "CREDIT_CARD", m.start(), m.end(), 0.9)
    # a separator between every digit ("4 1 1 1 …", one digit per line)
    for run in spaced_runs(text):
        for m in _DIGIT_RUN.finditer(run.compact):
            start, end = run.to_text(m.start(), m.end())
            if _card_number(text, start, m.group()):
                yield Finding(CATEGORY, "CREDIT_CARD", start, end, 0.9)


# ---------------------------------------------------------------- IBAN
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_IBAN_HINT = re.compile(r"\d\d[ \-]?[A-Za-z0-9]{4}[ \-]?[A-Za-z0-9]{4}")
_IBAN = re.compile(r"([A-Za-z](?<![A-Za-z0-9][A-Za-z])[A-Za-z])(\d{2})((?:[ \-]?[A-Za-z0-9]){10,30})")


def iban_valid(compact: str) -> bool:
    compact = compact.upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _ibans(text: str) -> Iterator[Finding]:
    if not _IBAN_HINT.search(text):
        return
    for m in _IBAN.finditer(text):
        expected = IBAN_LENGTHS.get(m.group(1).upper())
        if expected is None:
            continue
        # walk the candidate until exactly `expected` alphanumerics are consumed
        need = expected
        end = m.start()
        compact: list[str] = []
        for j in range(m.start(), m.end()):
            ch = text[j]
            if ch.isalnum():
                compact.append(ch)
                need -= 1
                if need == 0:
                    end = j + 1
                    break
        if need or (end < len(text) and text[end].isalnum()):
            continue
        if iban_valid("".join(compact)):
            yield Finding(CATEGORY, "IBAN_CODE", m.start(), end, 0.95)


# ---------------------------------------------------------------- IP addresses
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\w|\.\d)")
_IPV4_VALID = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
_IPV6_HINT = re.compile(r":[0-9A-Fa-f]{0,4}:")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])")
_VERSION_BEFORE = re.compile(r"(?:\bv|version|ver\.?|release)\s?$", re.IGNORECASE)


def _ips(text: str) -> Iterator[Finding]:
    for m in _IPV4.finditer(text):
        if not _IPV4_VALID.fullmatch(m.group(0)):
            continue
        if _VERSION_BEFORE.search(text[max(0, m.start() - 9) : m.start()]):
            continue
        if m.start() >= 2 and text[m.start() - 1] in "-_" and text[m.start() - 2].isalnum():
            continue  # "WinPython-64bit-3.4.2.4": a version glued to a name
        yield Finding(CATEGORY, "IP_ADDRESS", m.start(), m.end(), 0.9)
    if not _IPV6_HINT.search(text):
        return
    for m in _IPV6.finditer(text):
        cand = m.group(0)
        if sum(1 for part in cand.split(":") if part) < 3 and cand != "::1":
            continue
        import ipaddress  # rare path: keeps the module out of the cold start

        try:
            ipaddress.IPv6Address(cand)
        except ValueError:
            continue
        yield Finding(CATEGORY, "IP_ADDRESS", m.start(), m.end(), 0.9)


# ---------------------------------------------------------------- phone numbers
_PHONE = re.compile(
    r"[+(\d](?<![\w+/\-.:][+(\d])[\d ().\-/+]{4,29}\d(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?(?![A-Za-z0-9])(?![.\-/]\d)"
)
_NANP = re.compile(r"(?:(?:\+?1|001)[ .\-]?)?(?:\(\d{3}\)[ ]?|\d{3}([ .\-]))\d{3}[ .\-]\d{4}")
_EXT = re.compile(r"[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$")
_DATE_LIKE = re.compile(
    r"(?:19|20)\d\d[\-./ ](?:0?[1-9]|1[0-2])[\-./ ](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[\-./](?:0?[1-9]|1[0-2])[\-./](?:19|20)?\d\d$"
)
_PHONE_BEFORE = re.compile(
    r"\b(?:phone|phones|ph|tel|tele|telephone|telefon|telefono|téléphone|mobile|mob|cell|cellphone|handy|"
    r"fax|desk|landline|call|calls|called|calling|ring|dial|text|sms|whatsapp|signal|contact|reach|"
    r"answering|messages to|registered|hotline|helpline|extension|(?:my|your|our|his|her|their) number)\b"
    r"[^\n]{0,24}\n?[^\n\d]{0,6}$",
    re.IGNORECASE,
)
_PHONE_AFTER = re.compile(r"^[ \-–(]{0,3}(?:office|fax|mobile|cell|home|work|desk|phone|tel)\b", re.IGNORECASE)


def _phone_shape(cand: str) -> tuple[bool, bool]:
    """(plausible, strong). Strong shapes are reported without context words."""
    core = _EXT.sub("", cand)
    has_ext = core != cand
    digits = sum(ch.isdigit() for ch in core)
    if core.count("(") != core.count(")") or core.count("(") > 1:
        return False, False
    if "+" in core[2:] or core.count("/") > 1:  # a plus only leads ("+41", "(+358)"); one slash at most
        return False, False
    if "(" in core and not re.search(r"\(\+?\d{1,5}\)", core):
        return False, False
    plus = core.startswith(("+", "(+"))
    if not (8 if plus else 7) <= digits <= 15:
        return False, False
    if _DATE_LIKE.search(core):
        return False, False
    groups = [g for g in re.split(r"[ ().\-/+]+", core) if g]
    if len(groups) > 8:
        return False, False
    strong = plus or has_ext or bool(_NANP.fullmatch(core))
    return True, strong


def _phones(text: str) -> Iterator[Finding]:
    for m in _PHONE.finditer(text):
        cand, start = m.group(0), m.start()
        if cand.startswith("(") and cand.count("(") > cand.count(")"):
            cand, start = cand[1:], start + 1  # "(0490 75 40 81)": the bracket encloses the number
        plausible, strong = _phone_shape(cand)
        if not plausible:
            continue
        before = text[max(0, start - 40) : start]
        if _NOT_PII_BEFORE.search(before):
            continue
        if strong:
            yield Finding(CATEGORY, "PHONE_NUMBER", start, m.end(), 0.85)
            continue
        after = text[m.end() : m.end() + 14]
        if _PHONE_BEFORE.search(before) or _PHONE_AFTER.search(after):
            yield Finding(CATEGORY, "PHONE_NUMBER", start, m.end(), 0.75)


# ---------------------------------------------------------------- entry point
# when two findings overlap, the earlier detector in this tuple wins
_DETECTORS = (_emails, _ibans, _cards, _ssns, _ips, _phones)
_PRIORITY = {
    "EMAIL_ADDRESS": 0,
    "IBAN_CODE": 1,
    "CREDIT_CARD": 2,
    "US_SSN": 3,
    "IP_ADDRESS": 4,
    "PHONE_NUMBER": 5,
}


def resolve_overlaps(findings: list[Finding], priority: dict[str, int], default: int = 99) -> list[Finding]:
    """Keep the higher-priority (then longer) finding of any overlapping pair. O(k log k) plus list inserts."""
    ranked = sorted(findings, key=lambda f: (priority.get(f.type, default), -(f.end - f.start), f.start))
    starts: list[int] = []  # kept findings never overlap, so sorting by start also sorts by end
    kept: list[Finding] = []
    for f in ranked:
        i = bisect.bisect_right(starts, f.start)
        if i > 0 and kept[i - 1].end > f.start:
            continue
        if i < len(kept) and kept[i].start < f.end:
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept


_DIGIT = re.compile(r"\d")
_DIGIT_FREE = (_emails,)


def detect(text: str) -> list[Finding]:
    folded = fold(text)
    found: list[Finding] = []
    # every detector but the e-mail one needs a digit (IPv6 has a hex digit or "::" plus digits)
    detectors = _DETECTORS if _DIGIT.search(folded.text) else _DIGIT_FREE
    for detector in detectors:
        for hit in detector(folded.text):
            if folded.positions is not None:
                start, end = folded.to_original(hit.start, hit.end)
                hit = Finding(hit.category, hit.type, start, end, hit.score)  # noqa: PLW2901
            found.append(hit)
    return resolve_overlaps(found, _PRIORITY)
