"""The cleaning step protocol: a step looks at the lines still kept and says
which to drop and why. The :class:`~stance.clean.pipeline.Cleaner` does the
bookkeeping (order, counting, the dropped list)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence


class Step(ABC):
    """One cleaning step. Implement :meth:`find`.

    ``lines`` are the non-empty, normalised lines still kept, in document
    order. Return ``{index: reason}`` for the ones to drop. A step must not
    change lines, only drop them, so that cleaning never invents text.
    """

    @abstractmethod
    def find(self, lines: Sequence[str]) -> dict[int, str]: ...


class LineRules(Step):
    """A step made of independent line rules: ``(reason, pattern)`` pairs.

    A line is dropped with the reason of the first pattern that matches the
    whole line (``re.fullmatch``), so a content sentence that merely contains
    a furniture word is kept. Subclasses list their rules in ``rules``.

    >>> class Demo(LineRules):
    ...     rules = [("share button", re.compile(r"partager", re.I))]
    >>> Demo().find(["Partager", "Partager le risque avec les banques."])
    {0: 'share button'}
    """

    rules: Sequence[tuple[str, re.Pattern[str]]] = ()

    def check(self, line: str) -> str | None:
        """The reason to drop ``line``, or None to keep it."""
        for reason, pattern in self.rules:
            if pattern.fullmatch(line):
                return reason
        return None

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        drops = {}
        for index, line in enumerate(lines):
            reason = self.check(line)
            if reason is not None:
                drops[index] = reason
        return drops
