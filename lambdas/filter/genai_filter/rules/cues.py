"""Context tests several mechanisms share: is a match quoted as an example, at a line or sentence start,
inside a code fence; does the text after a role marker address the model."""

from __future__ import annotations

from genai_filter.lazy import LazyPattern

__all__ = ["ROLE_CUE", "at_line_start", "in_code_fence", "line_spans", "quoted_mention", "sentence_start"]

ROLE_CUE = LazyPattern(
    r"\b(?:you|your|assistant|ai|model|ignore|disregard|forget|new|override|updated|must|always|never|from now|"
    r"instructions?|rules?|policy|mode|respond|reply|answer|comply|obey|du|sie|vous|tu)\b"
)


_MENTION_BEFORE = LazyPattern(
    r"\b(?:writes?|wrote|says?|said|like|such as|e\.g\.|phrases?|called|known as|titled|entitled|named|headed|"
    r"example|examples|types?|"
    r"pattern|string|text|prompts?|attacks?|means?|contains?|words?)[\W_]{0,3}[\"'“‘«]$"
)


def quoted_mention(text: str, start: int) -> bool:
    """The match opens a quotation introduced as an example ("such as 'ignore all previous …'")."""
    return _MENTION_BEFORE.p.search(text, max(0, start - 30), start) is not None


def in_code_fence(text: str, pos: int) -> bool:
    """True if `pos` is inside a ``` fenced block (an odd number of fences before it)."""
    return text.count("```", 0, pos) % 2 == 1


def sentence_start(text: str, pos: int) -> bool:
    """True if pos starts the text or a sentence (after . ! ? : or a newline, allowing "please"/"now")."""
    before = text[max(0, pos - 40) : pos].rstrip()
    for word in ("please", "now", "so", "ok", "okay"):
        if before.endswith(word) and (len(before) == len(word) or not before[-len(word) - 1].isalnum()):
            before = before[: -len(word)].rstrip(" ,")
            break
    return not before or before[-1] in ".!?:;\n\"')]" or pos <= 1


def at_line_start(text: str, pos: int) -> bool:
    """True if only spaces, tabs or markdown asterisks stand between the previous newline and pos."""
    nl = text.rfind("\n", max(0, pos - 12), pos) + 1
    if nl == 0 and pos > 12:
        return False
    return not text[nl:pos].strip(" \t*")


def line_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl == -1:
            nl = n
        spans.append((pos, nl))
        pos = nl + 1
    return spans
