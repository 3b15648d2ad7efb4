"""Language: the document's language, and lines in another script.

The document language is told by py3langid (a maintained fork of langid.py,
Lui & Baldwin 2012: naive Bayes over byte n-grams, 97 languages, numpy only);
under ``min_tokens`` words the answer is ``"und"`` (undetermined).

Lines whose letters are mostly outside the Latin script (``"#马斯克概念"``)
are dropped as ``"foreign-script line"`` from documents in a language written
in the Latin script (or too short to tell, French being the default); a
French line quoting a few foreign characters ("Ron Baron (罗恩·巴伦)") is kept.
A document in Chinese, Greek or Russian keeps its own script: what is
furniture there is left to the line model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import islice
from typing import Any

import numpy as np

from .base import Step
from .codepoints import BEYOND_LATIN, BEYOND_LATIN_CHARS, WIDE_CHARS, code_points, kinds_of, per_line

FOREIGN_SCRIPT = "foreign-script line"

_NON_LATIN_LETTER = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
# Everything from Greek up, but the Latin extensions and punctuation blocks: a fast pre-check.
_BEYOND_LATIN = re.compile(f"[{BEYOND_LATIN_CHARS}]")
_LETTER = re.compile(r"[^\W\d_]")
_WIDE = re.compile(f"[{WIDE_CHARS}]")
_WORD = re.compile(r"[^\W\d_]+")
# Languages written in another script than Latin (ISO 639-1, as py3langid names them).
NON_LATIN = frozenset(
    "am ar as be bg bn bo dz el fa gu he hi hy ja ka kk km kn ko ky lo mk ml mn mr my ne or pa ps ru si "
    "ta te th ug uk ur zh".split()
)


def detect_language(text: str, min_tokens: int = 20, sample: int = 1000) -> str:
    """An ISO 639-1 code (``"fr"``, ``"en"``, ``"zh"``...) or ``"und"``.

    >>> detect_language("Le marché a progressé de 2 % et les investisseurs sont restés prudents "
    ...                 "face à la hausse des taux, mais la tendance reste positive pour les banques.")
    'fr'
    >>> detect_language("Nvidia +3 %")
    'und'
    """
    text = text[:sample]
    # CJK text has no spaces: count its characters as words (counting stops at enough)
    if _count(_WORD, text, min_tokens) < min_tokens and _count(_WIDE, text, 2 * min_tokens) < 2 * min_tokens:
        return "und"
    return _classify(text)


def is_prose(line: str) -> bool:
    """A line of prose: 8 words or more (in scripts without spaces, 20 characters), as words are
    counted for the language. Menus, buttons and bylines are shorter; multi-line tweets and data
    lists rarely lack one (14 of 8,179 training tweets).

    >>> is_prose("Le CAC 40 a gagné 1 % vendredi, porté par les banques."), is_prose("Mentions légales")
    (True, False)
    """
    return _count(_WORD, line, 8) >= 8 or _count(_WIDE, line, 20) >= 20


def _count(pattern: re.Pattern[str], text: str, enough: int) -> int:
    """Matches of ``pattern`` in ``text``, counted up to ``enough``."""
    return len(list(islice(pattern.finditer(text), enough)))


@lru_cache(maxsize=1024)
def _classify(text: str) -> str:
    # Cached: the cleaner asks again about the same text as it reruns steps on what is kept.
    return _identifier().classify(text)[0]


@cache
def _identifier() -> Any:
    """py3langid's classifier, its naive-Bayes table widened once from float16 to float32.

    py3langid widens the rows it reads to float32 at every call; widening the table once
    gives the same scores (checked on 10,350 texts) a third faster, for 28 MB more memory.
    Its automaton is walked over all of a text's bytes at once (:class:`_Walk`), for the same counts.
    Another layout of py3langid's internals falls back to its own classifier as it is.
    """
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        class Identifier(LanguageIdentifier):
            __slots__ = ("_walk",)

            def _raw_score(self, text: bytes) -> np.ndarray:
                visits = self._walk.visits(text)
                if visits is None:  # unproven, or nothing found: py3langid's own walk
                    return super()._raw_score(text)
                return self._sparse_score(visits, self.nb_ptc)

        identifier = Identifier.from_model_file(MODEL_FILE)
        identifier.nb_ptc = np.asarray(identifier.nb_ptc, dtype=np.float32)
        identifier._full_model = (identifier.nb_ptc, identifier.nb_pc, identifier.nb_classes)
        identifier._walk = _Walk(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output)
        return identifier
    except (ImportError, AttributeError, TypeError):
        import py3langid

        return py3langid


class _Walk:
    """py3langid's byte n-gram counts of a text (its ``visit_counts``), the automaton's walk done for all bytes
    at once with numpy.

    py3langid walks its automaton byte by byte in Python, each step a lookup in a 39 MB table that waits for the
    one before: most of its time classifying a text. The automaton's state after a byte depends, but for rare
    texts, only on the few bytes before it, so every byte's state is found by walking its ``_WINDOW`` bytes
    from the start state, all bytes together. That this gave the states of the walk byte by byte is then
    proved, not assumed: each state must be the one its predecessor's step leads to (which fixes the whole
    sequence, the first state being the start's step). Where that fails, py3langid walks the text itself.
    """

    _WINDOW = 6  # bytes; 5 fails on one text in 150, 6 on none of 2,175

    def __init__(self, moves: Any, bases: Sequence[int], outputs: Sequence[int]) -> None:
        self.moves = np.asarray(moves)  # py3langid's array.array itself, not a copy
        self.bases = np.asarray(bases, dtype=np.intp)
        self.outputs = np.asarray(outputs, dtype=np.intp)

    def visits(self, text: bytes) -> Counter[int] | None:
        """How often each feature occurs in ``text``, counted as py3langid counts them, or None when
        unproven or none occurs."""
        if not isinstance(text, bytes) or len(text) < 2:
            return None
        data = np.frombuffer(text, dtype=np.uint8)
        moves, bases = self.moves, self.bases
        state = np.zeros(len(data), dtype=np.intp)
        for back in range(min(self._WINDOW, len(data)) - 1, 0, -1):  # a step over the byte ``back`` before each
            state[back:] = moves[bases[state[back:]] + data[:-back]]
        state = moves[bases[state] + data].astype(np.intp)
        # The proof: the start's step gives the first state (by construction), each step the next one.
        if not np.array_equal(moves[bases[state[:-1]] + data[1:]], state[1:]):
            return None
        found = self.outputs[state]
        found = found[found >= 0].tolist()  # the features in the order the walk meets them, as py3langid lists them
        return Counter(found) if found else None


# Where the French rules run (the lexicons, the table and site-copy steps): documents detected French, and those
# too short to tell (a headline, a short brief), which are mostly French here.
FRENCH_OR_UNTOLD = ("fr", "und")


def french_or_untold(lines: Sequence[str]) -> bool:
    """Whether the French rules apply to a document given as lines (:data:`FRENCH_OR_UNTOLD`).

    >>> french_or_untold(["Le CAC 40 gagne 1 %."]), french_or_untold(["The Dow Jones rose by one per cent on "
    ...                   "Friday as banks and energy groups gained ground after the jobs report came out."])
    (True, False)
    """
    return document_language(lines) in FRENCH_OR_UNTOLD


def document_language(lines: Sequence[str], min_tokens: int = 20) -> str:
    """The language of a document given as lines, told from its longer lines (article text,
    rather than menus) when they hold enough text.

    >>> document_language(["Accueil", "Le marché a progressé de 2 % et les investisseurs sont restés "
    ...                    "prudents face à la hausse des taux, mais la tendance reste positive."])
    'fr'
    """
    long = [line for line in lines if len(line) > 60]
    return detect_language(" ".join(long if sum(map(len, long)) > 200 else lines), min_tokens=min_tokens)


def foreign_script_share(line: str) -> float:
    """Share of the letters of ``line`` that are not Latin.

    >>> foreign_script_share("马斯克概念")
    1.0
    """
    if not _BEYOND_LATIN.search(line):
        return 0.0
    letters = len(_LETTER.findall(line))
    return len(_NON_LATIN_LETTER.findall(line)) / letters if letters else 0.0


class ForeignScriptLines(Step):
    """Drops lines whose letters are mostly (> ``threshold``) in a non-Latin script, from
    documents in a Latin-script language (or too short to tell).

    >>> ForeignScriptLines().find(["Le titre", "#马斯克概念", "Ron Baron (罗恩·巴伦) investit."])
    {1: 'foreign-script line'}
    """

    monotone = False  # the document's language depends on the lines kept

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self._known: dict[str, bool] = {}  # the last call's lines, each with whether it holds a letter beyond Latin

    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "_known"}  # a cache

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._known = {}

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        # Whether a line holds a letter beyond Latin is the line's own: the cleaner's rerun, on lines of the last
        # call, finds them told.
        beyond = list(map(self._known.get, lines))
        if None in beyond:
            missing = [index for index, flag in enumerate(beyond) if flag is None]
            unknown = lines if len(missing) == len(lines) else [lines[index] for index in missing]
            # The lines holding a letter beyond Latin (usually none), found in one pass over their text.
            letters = kinds_of(code_points("\n".join(unknown))) & BEYOND_LATIN
            counts = per_line(letters, unknown).tolist() if letters.any() else [0] * len(unknown)
            for index, count in zip(missing, counts, strict=True):
                beyond[index] = count > 0
        self._known = dict(zip(lines, beyond, strict=True))
        if not any(beyond):
            return {}
        suspects = [index for index, flag in enumerate(beyond) if flag]
        # Many suspects: most likely a document in another script, whose language settles it before any
        # line is measured. A few: measure them first, and ask the language only if one is foreign.
        asked = len(suspects) > 3
        if asked and document_language(lines) in NON_LATIN:
            return {}
        foreign = [i for i in suspects if foreign_script_share(lines[i]) > self.threshold]
        if not foreign or (not asked and document_language(lines) in NON_LATIN):
            return {}
        return dict.fromkeys(foreign, FOREIGN_SCRIPT)
