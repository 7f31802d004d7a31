"""Regular expressions compiled on first use, so importing the detectors stays cheap (cold start)."""

from __future__ import annotations

import re


class LazyPattern:
    """A regular expression compiled on first use."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def source(self) -> str:
        return self._source

    @property
    def p(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled
