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
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations

from .base import Step

DUPLICATE = "duplicate line"
NEAR_DUPLICATE = "near-duplicate paragraph"
COPY = "repeated article copy"

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


class Deduplicate(Step):
    """Drops exact repeats, near-duplicate paragraphs and whole repeated copies.

    A run of at least ``copy_run`` consecutive dropped repeats is reported as
    ``"repeated article copy"`` so that a pasted second copy shows as such.

    >>> Deduplicate().find(["Le titre", "Un paragraphe.", "Le titre"])
    {2: 'duplicate line'}
    """

    def __init__(
        self, shingle_size: int = 5, containment: float = 0.8, min_words: int = 8, copy_run: int = 3
    ) -> None:
        self.shingle_size = shingle_size
        self.containment = containment
        self.min_words = min_words
        self.copy_run = copy_run

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        drops: dict[int, str] = {}
        seen_keys: set[str] = set()
        seen_shingles: set[tuple[str, ...]] = set()
        for index, key in enumerate(_line_keys(lines)):
            if key in seen_keys:
                drops[index] = DUPLICATE
                continue
            seen_keys.add(key)
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
        return drops

    def _mark_copies(self, drops: dict[int, str]) -> None:
        # A copy may hold a line of its own (kept), so a run tolerates one-line gaps.
        run: list[int] = []
        for index in [*sorted(drops), -3]:
            if run and not 0 < index - run[-1] <= 2:
                if len(run) >= self.copy_run:
                    drops.update(dict.fromkeys(run, COPY))
                run = []
            run.append(index)
