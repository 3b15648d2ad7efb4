"""The cleaning step protocol: a step looks at the lines still kept and says
which to drop and why. The :class:`~stance.cleaning.Cleaner` does the
bookkeeping (order, counting, the dropped list)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

# French month names and their abbreviations ("janv.", "févr."), for the date
# patterns of the furniture and comment rules.
FRENCH_MONTH = (
    r"(?:janv(?:ier)?|f[ée]vr(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[uû]t|"
    r"sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?)\.?"
)


class Step(ABC):
    """One cleaning step. Implement :meth:`find`.

    ``lines`` are the non-empty, normalised lines still kept, in document
    order. Return ``{index: reason}`` for the ones to drop. A step must not
    change lines, only drop them, so that cleaning never invents text. What it
    drops must depend only on ``lines`` (caches are fine): the cleaner does
    not ask a step again about the lines it was last given.

    ``monotone`` promises that dropping other lines never makes the step drop
    more (true of line rules and of deduplication). A step that looks at its
    neighbours, like comment detection, is not: the pipeline reruns it until it
    drops nothing, which is what makes cleaning idempotent.
    """

    monotone: bool = True

    @abstractmethod
    def find(self, lines: Sequence[str]) -> dict[int, str]: ...


class Rule(NamedTuple):
    """A line rule: drop a line that ``pattern`` matches whole, for ``reason``.

    Two cheap gates keep cleaning fast on long paragraphs: ``max_len``, the
    longest line the rule can match (furniture is short), and ``needs``,
    lower-case substrings of which a line must hold at least one for a
    pattern that scans the whole line to be tried.
    """

    reason: str
    pattern: re.Pattern[str]
    needs: tuple[str, ...] = ()
    max_len: int = 1_000_000


class LineRules(Step):
    """A step made of independent line :class:`Rule` s.

    A line is dropped with the reason of the first rule whose pattern matches
    the whole line (``re.fullmatch``), so a content sentence that merely
    contains a furniture word is kept. Subclasses list their rules in ``rules``,
    and in ``french_rules`` those of a French lexicon that only French text (or
    text too short to tell its language) is worth checking against: they come
    after ``rules``, and text in another language skips them, which saves their
    time on every line of it.

    >>> class Demo(LineRules):
    ...     rules = (Rule("share button", re.compile(r"partager", re.I)),)
    >>> Demo().find(["Partager", "Partager le risque avec les banques."])
    {0: 'share button'}
    """

    rules: Sequence[Rule] = ()
    french_rules: Sequence[Rule] = ()

    def __init__(self) -> None:
        # The rules that can match a line of a given length, in order: long
        # paragraphs, the bulk of any text, are tried against few rules. One
        # table with the French rules, one without.
        self._tables = tuple(_table(rules) for rules in ((*self.rules, *self.french_rules), tuple(self.rules)))

    def check(self, line: str, french: bool = True) -> str | None:
        """The reason to drop ``line``, or None to keep it; ``french=False`` (a line of a
        document in another language) leaves out ``french_rules``."""
        limits, by_limit = self._tables[0 if french else 1]
        lower = None
        for reasons, pattern, needs in by_limit[bisect_left(limits, len(line))]:
            if needs:
                if lower is None:
                    lower = line.lower()
                if not any(map(lower.__contains__, needs)):
                    continue
            match = pattern.fullmatch(line)
            if match:
                return reasons[match.lastgroup]
        return None

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        french = True
        if self.french_rules:
            from .language import french_or_untold  # the language module builds on this one

            french = french_or_untold(lines)
        drops = {}
        for index, line in enumerate(lines):
            reason = self.check(line, french)
            if reason is not None:
                drops[index] = reason
        return drops


def _table(rules: Sequence[Rule]) -> tuple[list[int], list[tuple]]:
    """The distinct ``max_len`` of ``rules``, sorted, and for each the merged rules that can match a line
    that long (and an empty one past the longest)."""
    limits = sorted({rule.max_len for rule in rules})
    return limits, [_merge([r for r in rules if r.max_len >= limit]) for limit in limits] + [()]


def _merge(rules: Sequence[Rule]) -> tuple[tuple[dict[str, str], re.Pattern[str], tuple[str, ...]], ...]:
    """Runs of ungated rules as one alternation, so that a line costs one regex
    call per run instead of one per rule. The alternation tries its branches in
    order and a branch only wins by matching the whole line, so the first rule
    that matches still gives the reason, as when they are tried one by one."""
    units: list[tuple[dict[str, str], re.Pattern[str], tuple[str, ...]]] = []
    run: list[Rule] = []

    def close_run() -> None:
        if run:
            names = {f"r{i}": rule.reason for i, rule in enumerate(run)}
            branches = (
                f"(?P<r{i}>(?{'i' if rule.pattern.flags & re.IGNORECASE else '-i'}:{rule.pattern.pattern}))"
                for i, rule in enumerate(run)
            )
            units.append((names, re.compile("|".join(branches)), ()))
            run.clear()

    for rule in rules:
        if rule.needs:
            close_run()
            pattern = re.compile(f"(?P<r0>{rule.pattern.pattern})", rule.pattern.flags)
            units.append(({"r0": rule.reason}, pattern, rule.needs))
        else:
            run.append(rule)
    close_run()
    return tuple(units)

