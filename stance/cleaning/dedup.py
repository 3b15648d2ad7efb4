"""Deduplication within a document: repeated lines, pasted second copies of the
article and near-duplicate paragraphs. The first occurrence is kept, and so is
any line that only a later copy has. :func:`near_duplicate_pairs` finds
near-duplicate texts across a corpus (the training-data checks and splits use it).

Near-duplicates are found by word-shingle containment (Broder, "On the
resemblance and containment of documents", 1997): a paragraph is dropped when
at least ``containment`` (0.8) of its word 5-grams already occur in the kept
text before it. Five-word shingles and the 0.8 threshold are those of the
NearDup deduplication of Lee et al., "Deduplicating Training Data Makes
Language Models Better" (ACL 2022), who used them as Jaccard similarity over
MinHash; containment is used here because a truncated copy (a fragment of an
earlier paragraph) has a low Jaccard similarity but full containment. Lines of
fewer than ``min_words`` (8) words are only dropped when exactly repeated, and
do not count as earlier text: short lines have too few shingles for the ratio
to mean anything. Words are the white-space tokens of the line's key (see
:func:`line_key`), so punctuation stays attached, as it does in both copies.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations

from .base import Step
from .language import french_or_untold
from .tables import is_cell, table_runs

DUPLICATE = "duplicate line"
NEAR_DUPLICATE = "near-duplicate paragraph"
COPY = "repeated article copy"
CONTENTS = "table of contents"
CONTENTS_WORDS = 15  # an entry of a table of contents (a subheading) is shorter

_WORD = re.compile(r"\w+")
_QUOTES = (("’", "'"), ("‘", "'"), ("`", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'))
_TRAILING = " .…!?;:,"


def line_key(line: str) -> str:
    """The form under which two lines count as the same line.

    >>> line_key("L’IA  progresse.") == line_key("l'IA progresse")
    True
    """
    key = " ".join(line.casefold().split())
    for quote, plain in _QUOTES:
        if quote in key:
            key = key.replace(quote, plain)
    return key.rstrip(_TRAILING)


def _line_keys(lines: Sequence[str]) -> list[str]:
    """:func:`line_key` of every line, case-folded and unquoted as one text (faster than line by line)."""
    text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1:  # a line holding a line break: one at a time
        return [line_key(line) for line in lines]
    text = text.casefold()
    for quote, plain in _QUOTES:
        if quote in text:
            text = text.replace(quote, plain)
    return [" ".join(key.split()).rstrip(_TRAILING) for key in text.split("\n")]


def shingles(text: str | list[str], size: int = 5) -> set[tuple[str, ...]]:
    """The set of word ``size``-grams of ``text`` (case-folded; one tuple for shorter text).

    ``text`` may also be given as its list of words.

    >>> sorted(shingles("a b c", size=2))
    [('a', 'b'), ('b', 'c')]
    """
    words = _WORD.findall(text.casefold()) if isinstance(text, str) else text
    if len(words) <= size:
        return {tuple(words)} if words else set()
    if size == 5:  # the default, spelt out: the generic form costs a third more
        return set(zip(words, words[1:], words[2:], words[3:], words[4:]))  # noqa: B905
    return set(zip(*(words[i:] for i in range(size)), strict=False))


def containment(part: set, whole: set) -> float:
    """Share of ``part``'s shingles found in ``whole`` (0.0 for an empty ``part``)."""
    return len(part & whole) / len(part) if part else 0.0


def near_duplicate_pairs(sets: Sequence[set], threshold: float) -> list[tuple[int, int]]:
    """The pairs ``(a, b)``, ``a < b``, of shingle sets (e.g. of a corpus' texts, from
    :func:`shingles`) in which the smaller one is contained in the other at least
    ``threshold``. An inverted index keeps this linear in the number of shared shingles,
    not quadratic in the number of sets.

    >>> texts = ["Le titre cède 2 % à la clôture", "le titre cède 2 % à la clôture ce soir", "Rien à voir ici"]
    >>> near_duplicate_pairs([shingles(text) for text in texts], 0.8)
    [(0, 1)]
    """
    owners: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, grams in enumerate(sets):
        for gram in grams:
            owners[gram].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for indices in owners.values():
        shared.update(combinations(indices, 2))
    return [(a, b) for (a, b), count in shared.items() if count / min(len(sets[a]), len(sets[b])) >= threshold]


class _TableCells:
    """Whether a line of ``lines`` is a table's cell (:func:`~stance.cleaning.tables.table_runs`), looking only at
    the run of cells around it, each run once."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.cell: dict[int, bool] = {}
        self.known: dict[int, bool] = {}  # index -> in a table, for every line of the runs looked at

    def _is_cell(self, index: int) -> bool:
        if index not in self.cell:
            self.cell[index] = is_cell(self.lines[index])
        return self.cell[index]

    def __contains__(self, index: int) -> bool:
        if index not in self.known:
            if not self._is_cell(index):
                return False
            start = stop = index
            while start > 0 and self._is_cell(start - 1):
                start -= 1
            while stop + 1 < len(self.lines) and self._is_cell(stop + 1):
                stop += 1
            inside = {start + k for first, last in table_runs(self.lines[start:stop + 1], key_values=True)
                      for k in range(first, last)}  # fmt: skip
            self.known.update({k: k in inside for k in range(start, stop + 1)})
        return self.known[index]


def _in_order_within(lines: Sequence[str], other: Sequence[str]) -> bool:
    """Whether ``lines`` is ``other`` with some lines left out (the same lines in the same order).

    >>> _in_order_within(["a", "c"], ["a", "b", "c"]), _in_order_within(["c", "a"], ["a", "b", "c"])
    (True, False)
    """
    if len(lines) > len(other):
        return False
    rest = iter(other)
    return all(any(line == candidate for candidate in rest) for line in lines)


class Deduplicate(Step):
    """Drops exact repeats, near-duplicate paragraphs and whole repeated copies.

    A run of at least ``copy_run`` consecutive dropped repeats is reported as
    ``"repeated article copy"`` so that a pasted second copy shows as such.

    In a French document (or one too short to tell), two more rules (round BA,
    ``docs/design.md``): with ``table_cells``, a short line repeated inside a
    table laid out one cell per line (:func:`~stance.cleaning.tables.table_runs`)
    is a cell, not a repeat, and stays; with ``contents``, a run of two or more
    short lines each repeated later, apart from each other and in the same order
    (a table of contents whose entries are the article's subheadings), goes as
    ``"table of contents"``, and the subheadings stay where the article has them.

    A cell is kept only while its table is there: once later steps drop the
    table's other cells, a rerun drops the repeat, so the step is not monotone
    and the cleaner reruns it until nothing changes.

    >>> Deduplicate().find(["Le titre", "Un paragraphe.", "Le titre"])
    {2: 'duplicate line'}
    >>> Deduplicate().find(["Sommaire", "Les frais", "Les taux", "Un paragraphe.", "Les frais",
    ...                     "Un autre paragraphe.", "Les taux", "Une fin."])
    {1: 'table of contents', 2: 'table of contents'}
    """

    monotone = False  # a table's repeated cell stays only while the table does (round BA)

    def __init__(
        self,
        shingle_size: int = 5,
        containment: float = 0.8,
        min_words: int = 8,
        copy_run: int = 3,
        table_cells: bool = True,
        contents: bool = True,
    ) -> None:
        self.shingle_size = shingle_size
        self.containment = containment
        self.min_words = min_words
        self.copy_run = copy_run
        self.table_cells = table_cells
        self.contents = contents
        self._kept: Sequence[str] = ()  # what the last call kept, and the keys of its lines
        self._keys: dict[str, str] = {}

    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key not in ("_kept", "_keys")}  # caches

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({"table_cells": True, "contents": True, **state})  # pickled before round BA
        self._kept, self._keys = (), {}

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        drops: dict[int, str] = {}
        seen_keys: set[str] = set()
        seen_shingles: set[tuple[str, ...]] = set()
        # Lines in the order of what the last call kept (the cleaner's rerun, once later steps dropped some): a
        # paragraph that was no near-duplicate then is none now, with less text before it, so only the rules of
        # exact repeats need to run again, on the keys already made.
        rerun = _in_order_within(lines, self._kept) and all(line in self._keys for line in lines)
        keys = [self._keys[line] for line in lines] if rerun else _line_keys(lines)
        told: list[bool] = []  # the language, told once and only if a rule needs it

        def french() -> bool:
            if not told:
                told.append(french_or_untold(lines))
            return told[0]

        repeats = len(set(keys)) < len(keys)  # without an exact repeat, neither rule has anything to do
        contents = self._contents(lines, keys) if self.contents and repeats else set()
        if contents and not french():
            contents = set()
        cells = _TableCells(lines)
        for index, key in enumerate(keys):
            if index in contents:
                continue
            if key in seen_keys:
                if self.table_cells and key.count(" ") + 1 < self.min_words and french() and index in cells:
                    continue
                drops[index] = DUPLICATE
                continue
            seen_keys.add(key)
            if rerun:
                continue
            words = key.split()  # the key is case-folded and space-normalised already
            if len(words) < self.min_words:
                continue
            grams = shingles(words, self.shingle_size)
            if containment(grams, seen_shingles) >= self.containment:
                seen_keys.discard(key)
                drops[index] = NEAR_DUPLICATE
                continue
            seen_shingles |= grams
        self._mark_copies(drops)
        drops.update(dict.fromkeys(contents, CONTENTS))
        self._kept = [line for index, line in enumerate(lines) if index not in drops]
        if not rerun:
            self._keys = dict(zip(lines, keys, strict=True))
        return dict(sorted(drops.items()))

    @staticmethod
    def _contents(lines: Sequence[str], keys: Sequence[str]) -> set[int]:
        """Runs of two or more short lines, not sentences, each found again later, the copies in the same order
        and none right after the one before."""
        later: dict[str, list[int]] = defaultdict(list)
        for index, key in enumerate(keys):
            later[key].append(index)
        # the lines that can be an entry: repeated later, short, no sentence
        entries = sorted(
            index for positions in later.values() if len(positions) > 1 for index in positions[:-1]
            if keys[index] and keys[index].count(" ") + 1 < CONTENTS_WORDS and not lines[index].rstrip().endswith(".")
        )  # fmt: skip
        found: set[int] = set()
        k = 0
        while k < len(entries):
            i = j = entries[k]
            while k < len(entries) and entries[k] == j:  # a run of consecutive entries, lines i to j - 1
                j += 1
                k += 1
            # the copies: each after the run and more than one line after the copy before it
            run: list[int] = []
            previous = j - 1
            for index in range(i, j):
                positions = later[keys[index]]  # ascending: the first after the bound, by bisection
                at = bisect_right(positions, max(j - 1, previous + 1))
                if at == len(positions):
                    break
                copy = positions[at]
                run.append(index)
                previous = copy
            if len(run) >= 2:
                found.update(run)
        return found

    def _mark_copies(self, drops: dict[int, str]) -> None:
        # A copy may hold a line of its own (kept), so a run tolerates one-line gaps.
        run: list[int] = []
        for index in [*sorted(drops), -3]:
            if run and not 0 < index - run[-1] <= 2:
                if len(run) >= self.copy_run:
                    drops.update(dict.fromkeys(run, COPY))
                run = []
            run.append(index)
