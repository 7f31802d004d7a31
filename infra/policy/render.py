"""Human-readable rendering of the policy section."""

from __future__ import annotations

from typing import Any

SEVERITY_ORDER = ("critical", "high", "medium", "low", "unspecified")


def render_policy_text(section: dict[str, Any]) -> str:
    violations: list[dict[str, Any]] = list(section.get("violations") or [])
    summary = section.get("summary") or {}
    head = (
        f"Policy pack {section.get('pack', '?')}@{section.get('version', '?')}: "
        f"{summary.get('mandatory', 0)} mandatory, {summary.get('advisory', 0)} advisory violation(s)"
    )
    lines = [head]
    if not summary.get("mandatory"):
        lines.append("no mandatory violations")
    for severity in SEVERITY_ORDER:
        group = [v for v in violations if v.get("severity", "unspecified") == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"{severity.upper()} ({len(group)})")
        for v in group:
            where = v.get("urn") or "(stack)"
            lines.append(f"  [{v.get('enforcementLevel')}] {v.get('policy')}  {where}")
            lines.append(f"      {v.get('message')}")
            if v.get("remediation"):
                lines.append(f"      remediation: {v.get('remediation')}")
    return "\n".join(lines) + "\n"
