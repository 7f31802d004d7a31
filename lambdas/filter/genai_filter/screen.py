"""The screening pipeline: run every detector, decide the action, redact. Pure; no I/O."""

from __future__ import annotations

import bisect
import hashlib
import hmac
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from genai_filter import context as context_mod
from genai_filter import injection, normalize, output, pii, secrets
from genai_filter.budget import FINDING_CATEGORY, FINDING_TYPE, BudgetExceeded, Deadline, Work
from genai_filter.config import Config
from genai_filter.context import Context
from genai_filter.findings import RULES_TIER, Finding

if TYPE_CHECKING:  # the guard module is imported only where a tier is configured (cold start)
    from genai_filter.guard import GuardOutcome, GuardTier

Direction = Literal["input", "output"]
Action = Literal["allow", "redact", "block"]


@dataclass(frozen=True, slots=True)
class ScreenResult:
    action: Action
    text: str | None  # None when blocked
    findings: list[Finding]
    tier: str = RULES_TIER
    """Which tier decided: `rules`, a guard backend (`bedrock`, `self-hosted`) or `fail-closed`."""
    guard: GuardOutcome | None = None

    def categories(self) -> list[str]:
        return sorted({f.category for f in self.findings})


@dataclass(slots=True)
class Redactor:
    """Replaces spans with typed placeholders; one instance per request so that a value repeated
    across the messages of a conversation gets the same placeholder everywhere."""

    mode: str = "placeholder"
    key: bytes = b""
    _numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    _per_type: dict[str, int] = field(default_factory=dict)

    def label(self, kind: str, value: str) -> str:
        if self.mode == "pseudonym":
            digest = hmac.new(self.key, f"{kind}\x00{value}".encode("utf-8", "surrogatepass"), hashlib.sha256)
            return f"<{kind}:{digest.hexdigest()[:16]}>"  # 64 bits: distinct values never share one
        n = self._numbers.get((kind, value))
        if n is None:
            n = self._per_type.get(kind, 0) + 1
            self._per_type[kind] = n
            self._numbers[(kind, value)] = n
        return f"[{kind}_{n}]"

    def fork(self, key: bytes) -> Redactor:
        """A redactor for the model's reply in the same request: placeholder numbers continue, but a reply
        value never gets the label of a prompt value, so a reply cannot be matched against prompt candidates."""
        return Redactor(self.mode, key, _per_type=dict(self._per_type))

    def redact(self, text: str, findings: list[Finding]) -> str:
        spans = sorted(findings, key=lambda f: (f.start, -f.end))
        merged: list[tuple[int, int, Finding]] = []
        for f in spans:
            if merged and f.start < merged[-1][1]:
                start, end, best = merged[-1]
                merged[-1] = (start, max(end, f.end), f if f.score > best.score else best)
            else:
                merged.append((f.start, f.end, f))
        out: list[str] = []
        pos = 0
        for start, end, best in merged:
            out.append(text[pos:start])
            out.append(self.label(best.type, text[start:end]))
            pos = end
        out.append(text[pos:])
        return "".join(out)


class Screener:
    def __init__(
        self, cfg: Config, clock: Callable[[], float] = time.monotonic, guard: GuardTier | None = None
    ) -> None:
        self.cfg = cfg
        self.clock = clock
        self.guard = guard
        self.leaks = output.LeakDetector(cfg.system_message(), cfg.canary_token)
        self.server_context = context_mod.derive(cfg.system_prompt)  # what `/v1/chat`'s system prompt declares

    def deadline(self) -> Deadline:
        """The time budget of one request's screening (`FILTER_SCREEN_BUDGET_MS`), starting now."""
        return Deadline(self.cfg.screen_budget_ms / 1000.0, self.clock)

    def guard_deadline(self) -> Deadline | None:
        """The guard tier's budget for one request (`FILTER_GUARD_BUDGET_MS`), starting now."""
        return self.guard.deadline() if self.guard is not None else None

    def _injection(self, text: str, direction: Direction, deadline: Deadline) -> list[Finding]:
        work = Work.for_text(len(text), deadline)
        if self.cfg.injection_threshold is None:
            return injection.detect(text, direction=direction, work=work)
        return injection.detect(text, direction=direction, threshold=self.cfg.injection_threshold, work=work)

    def findings(
        self, text: str, direction: Direction, deadline: Deadline | None = None, context: Context | None = None
    ) -> list[Finding]:
        """Every detector's findings, and with a `context` those judged against its system prompt; raises
        `BudgetExceeded` when the deadline passes (checked between detectors and at every re-screen of
        decoded text)."""
        deadline = deadline or self.deadline()
        found = self._injection(text, direction, deadline)
        deadline.check()
        found.extend(pii.detect(text))
        found.extend(secrets.detect(text))
        if direction == "output":
            deadline.check()
            found.extend(output.exfiltration(text, self.cfg.exfil_allowed_hosts))
            found.extend(self.leaks.detect(text, normalize.decoded_segments))
        if context is not None:
            deadline.check()
            found.extend(context_mod.screen(context, text, direction))
        deadline.check()
        found.sort(key=lambda f: (f.start, f.end, f.category, f.type))
        return found

    def across_messages(self, contents: Sequence[str], deadline: Deadline | None = None) -> list[Finding]:
        """Injection findings that only exist when consecutive messages are read together, as the model
        reads them (an override or a payload split across turns): those whose span crosses a boundary.
        The whole conversation is read (its size is bounded by the request limits, not by a window here)."""
        if len(contents) < 2:
            return []
        joined = "\n".join(contents)
        boundaries: list[int] = []
        pos = -1
        for content in contents[:-1]:
            pos += len(content) + 1
            boundaries.append(pos)
        try:
            found = self._injection(joined, "input", deadline or self.deadline())
        except BudgetExceeded:
            return [_budget_finding(joined)]
        out: list[Finding] = []
        for f in found:
            if f.category not in ("prompt_injection", "jailbreak"):
                continue
            i = bisect.bisect_left(boundaries, f.end)  # first boundary at or after the end
            if i > 0 and boundaries[i - 1] > f.start:
                out.append(f)
        return out

    def screen(
        self,
        text: str,
        direction: Direction,
        redactor: Redactor,
        deadline: Deadline | None = None,
        context: Context | None = None,
        guard_deadline: Deadline | None = None,
    ) -> ScreenResult:
        """Screen one text, against the system prompt `context` when given. `deadline` is shared by the texts
        of one request (a new one by default); when it passes, or decoding would re-screen too much, the
        text is blocked (fail closed). Texts the rules do not block go to the guard tier, if one is
        configured, within `guard_deadline` (the tier's budget for the request)."""
        try:
            found = self.findings(text, direction, deadline, context)
        except BudgetExceeded:
            return ScreenResult("block", None, [_budget_finding(text)])
        tier, outcome = RULES_TIER, None
        guard = self.guard
        if guard is not None and guard.consults(direction) and self._action(found, direction) != "block":
            outcome = guard.review(text, direction, guard_deadline or guard.deadline())
            if outcome.findings:
                before = self._action(found, direction)
                found = sorted([*found, *outcome.findings], key=lambda f: (f.start, f.end, f.category, f.type))
                if self._action(found, direction) != before:
                    tier = outcome.tier
        result = self._apply(text, direction, redactor, found)
        if outcome is None:
            return result
        return ScreenResult(result.action, result.text, result.findings, tier, outcome)

    def _action(self, found: list[Finding], direction: Direction) -> Action:
        verdicts = {self.cfg.actions(direction).get(f.category, "block") for f in found}
        return "block" if "block" in verdicts else "redact" if "redact" in verdicts else "allow"

    def _apply(self, text: str, direction: Direction, redactor: Redactor, found: list[Finding]) -> ScreenResult:
        actions = self.cfg.actions(direction)
        verdicts = [actions.get(f.category, "block") for f in found]
        if "block" in verdicts:
            return ScreenResult("block", None, found)
        to_redact = [f for f, v in zip(found, verdicts, strict=True) if v == "redact"]
        if to_redact:
            redacted = redactor.redact(text, to_redact)
            if len(redacted) > self.cfg.max_text_chars:
                # placeholders are longer than short values: a text of many e-mails grows past the limit
                over = Finding(FINDING_CATEGORY, "REDACTION_OVER_LIMIT", 0, len(text), 1.0)
                return ScreenResult("block", None, [*found, over])
            return ScreenResult("redact", redacted, found)
        return ScreenResult("allow", text, found)


def _budget_finding(text: str) -> Finding:
    return Finding(FINDING_CATEGORY, FINDING_TYPE, 0, len(text), 1.0)
