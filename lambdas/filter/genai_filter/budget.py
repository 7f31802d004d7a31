"""Bounds on the work of screening one request: characters re-screened after decoding, and wall-clock time.

Screening is linear in the input by construction (every decoded segment is screened once, in one batch, and
the text with every decoding put back in place once per level). `Work` counts what is actually screened and
raises `BudgetExceeded` past a fixed multiple of the input, and past the request's deadline; the screener turns
that into a block (fail closed) with the finding type `SCREENING_BUDGET_EXCEEDED`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["FINDING_CATEGORY", "FINDING_TYPE", "BudgetExceeded", "Deadline", "Work"]

FINDING_CATEGORY = "screening"  # not a configurable category: always blocks
FINDING_TYPE = "SCREENING_BUDGET_EXCEEDED"

# characters screened by the injection detector per input character (original + decodings, all levels),
# and a constant for short inputs; the decoding structure stays well inside (about 5x in the worst case)
WORK_FACTOR = 8
WORK_SLACK = 16_384


class BudgetExceeded(Exception):
    """Screening stopped before it finished: the request must be blocked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Deadline:
    """A per-request time budget against an injectable monotonic clock (seconds). `None`: no limit."""

    seconds: float | None
    clock: Callable[[], float] = time.monotonic
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def remaining(self) -> float:
        """Seconds left (infinite without a limit; negative once passed)."""
        if self.seconds is None:
            return float("inf")
        return self.seconds - (self.clock() - self.started)

    def check(self) -> None:
        if self.seconds is not None and self.clock() - self.started > self.seconds:
            raise BudgetExceeded("time")


@dataclass(slots=True)
class Work:
    """What the injection detector screened for one text: every (re-)screen and its length."""

    limit: int
    deadline: Deadline | None = None
    rescans: int = 0
    screened_chars: int = 0
    decoded_chars: int = 0

    @classmethod
    def for_text(cls, length: int, deadline: Deadline | None = None) -> Work:
        return cls(WORK_FACTOR * length + WORK_SLACK, deadline)

    def screen(self, length: int) -> None:
        """Account for screening `length` characters; raises once the budget is spent."""
        self.rescans += 1
        self.screened_chars += length
        if self.screened_chars > self.limit:
            raise BudgetExceeded("work")
        if self.deadline is not None:
            self.deadline.check()
