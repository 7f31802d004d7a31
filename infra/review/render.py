"""Rendering review findings as a pull-request comment (Markdown) and as JSON."""

from __future__ import annotations

from collections import Counter
from typing import Any

from infra.review.analyze import SEVERITIES, Finding, blocking

# GitHub rejects comments over 65,536 characters; keep a margin for the truncation note.
GITHUB_COMMENT_LIMIT = 65_536
DEFAULT_MAX_CHARS = 60_000
MARKER = "<!-- genai-platform-review -->"

_ICON = {"critical": "🔴 critical", "high": "🟠 high", "medium": "🟡 medium", "low": "🔵 low", "info": "⚪ info"}


# Plan values are written by whoever opens the pull request: they must not inject Markdown, HTML or
# @-mentions into the comment. Free text is escaped; values go into code spans.
def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|!#~":
        text = text.replace(ch, "\\" + ch)
    return text.replace("@", "&#64;") or " "


def _code(text: str) -> str:
    text = " ".join(text.split()).replace("`", "'").replace("|", "\\|")
    return f"`{text}`" if text else "∅"


def _resource(f: Finding) -> str:
    short = f.type.split(":")[-1] if f.type else "resource"
    return f"{_code(f.name)} ({_cell(short)})"


def _row(f: Finding) -> str:
    change = f"{_code(f.before)} → {_code(f.after)}" if (f.before or f.after) else ""
    rules = ", ".join(f"`{r}`" for r in f.rules)
    return f"| {_ICON[f.severity]} | {_cell(f.title)} | {_resource(f)} | {change} | {rules} |"


def _neutral_row(f: Finding) -> str:
    return f"| {_cell(f.title)} | {_resource(f)} | {_code(f.after) if f.after else ' '} |"


def counts(findings: list[Finding]) -> dict[str, Any]:
    by_dir = Counter(f.direction for f in findings)
    risk_sev = Counter(f.severity for f in findings if f.direction == "risk")
    return {
        "risk": by_dir["risk"],
        "reduced": by_dir["reduced"],
        "neutral": by_dir["neutral"],
        "riskBySeverity": {s: risk_sev[s] for s in SEVERITIES if risk_sev[s]},
    }


def to_json(findings: list[Finding], *, base: str, head: str, stack: str) -> dict[str, Any]:
    return {
        "schemaVersion": 1,
        "tool": "genai-platform review",
        "stack": stack,
        "base": base,
        "head": head,
        "blocking": blocking(findings),
        "summary": counts(findings),
        "risk": [f.as_dict() for f in findings if f.direction == "risk"],
        "reduced": [f.as_dict() for f in findings if f.direction == "reduced"],
        "neutral": [f.as_dict() for f in findings if f.direction == "neutral"],
    }


def to_markdown(findings: list[Finding], *, stack: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The comment body; never longer than `max_chars`, with an honest count of what was cut."""
    max_chars = min(max_chars, GITHUB_COMMENT_LIMIT)
    title = f"## Security review of the stack diff{f' ({_code(stack)})' if stack else ''}"
    if not findings:
        return f"{MARKER}\n{title}\n\nNo infrastructure changes: nothing to review.\n"
    c = counts(findings)
    sev = ", ".join(f"{n} {s}" for s, n in c["riskBySeverity"].items())
    verdict = (
        "**Approval required:** this change raises risk at high or critical severity."
        if blocking(findings)
        else "No high or critical risk found."
    )
    head = [
        MARKER,
        title,
        "",
        f"{verdict} {c['risk']} risk-increasing change(s){f' ({sev})' if sev else ''}, "
        f"{c['reduced']} risk-reducing, {c['neutral']} neutral.",
        "",
    ]
    sections: list[tuple[str, str, list[str], str]] = []
    risk = [f for f in findings if f.direction == "risk"]
    reduced = [f for f in findings if f.direction == "reduced"]
    neutral = [f for f in findings if f.direction == "neutral"]
    table = ["| Severity | Change | Resource | Before → After | Policy rule |", "|---|---|---|---|---|"]
    if risk:
        sections.append(("### Risk-increasing changes", "risk-increasing", [_row(f) for f in risk], "\n".join(table)))
    if reduced:
        sections.append(("### Risk-reducing changes", "risk-reducing", [_row(f) for f in reduced], "\n".join(table)))
    if neutral:
        sections.append(
            (
                f"<details><summary>Neutral changes ({len(neutral)})</summary>\n",
                "neutral",
                [_neutral_row(f) for f in neutral],
                "| Change | Resource | Details |\n|---|---|---|",
            )
        )
    footer_reserve = 400
    out = "\n".join(head)
    omitted: list[tuple[int, str]] = []
    for heading, label, rows, header in sections:
        closing = "\n</details>\n" if heading.startswith("<details>") else "\n"
        block = f"\n{heading}\n\n{header}\n"
        if len(out) + len(block) + len(closing) + footer_reserve > max_chars:
            omitted.append((len(rows), label))
            continue
        out += block
        for i, row in enumerate(rows):
            if len(out) + len(row) + 1 + len(closing) + footer_reserve > max_chars:
                omitted.append((len(rows) - i, label))
                break
            out += row + "\n"
        out += closing
    if omitted:
        cut = ", ".join(f"{n} more {label}" for n, label in omitted)
        out += f"\n> **Truncated to fit a GitHub comment:** {cut} change(s) not shown. Run `genai-platform review --json` for the full list.\n"
    return out
