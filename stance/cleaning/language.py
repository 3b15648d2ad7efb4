"""Language: lines in another script, and whether a document is French.

Lines whose letters are mostly outside the Latin script (``"#马斯克概念"``)
are dropped as ``"foreign-script line"``; a French line quoting a few foreign
characters ("Ron Baron (罗恩·巴伦)") is kept.

The document language is guessed from function words: the share of tokens
that are frequent, short, language-specific words (articles, pronouns,
prepositions). It is fast and dependency-free, and reliable on article-length
text; under ``min_tokens`` words the answer is ``"und"`` (undetermined).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .base import Step

FOREIGN_SCRIPT = "foreign-script line"

_NON_LATIN_LETTER = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
# Everything from Greek up, but the Latin extensions and punctuation blocks: a fast pre-check.
_BEYOND_LATIN = re.compile(
    "[\u0370-\u1dff\u2c00-\u2dff\u2e80-\ufb4f\ufe70-\uffdc\U00010000-\U0001efff\U00020000-\U0003ffff]"
)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Frequent function words, chosen to be distinctive between these languages.
_FUNCTION_WORDS = {
    "fr": "le la les des du un une et est sont dans pour pas que qui sur avec au aux ce cette ces il elle "
    "ils nous vous leur mais plus ou par son sa ses été être fait très aussi comme entre où dont",
    "en": "the and is are of to in that for with on as was were be by this it from at have has not "
    "which or an will would their they but",
    "es": "el los las del y es son en por para con una un que se lo su sus muy pero más como está "
    "están fue ser al también entre",
    "de": "der die das und ist sind nicht mit von zu den dem ein eine für auf auch sich im es wird "
    "werden dass oder aber wie bei nach",
    "it": "il lo gli della delle dei e è sono per con una un che non si più anche come alla nel "
    "degli ma sul tra questo questa",
    "pt": "o os as da do das dos e é são em para com uma um que não se mais como ao pelo pela "
    "também mas está foi ser",
    "nl": "de het een en is zijn van in op met voor dat niet te ook als maar door bij naar om "
    "wordt worden dit deze",
}
_PROFILES = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}


def detect_language(text: str, min_tokens: int = 20, sample: int = 500) -> str:
    """An ISO 639-1 code (fr, en, es, de, it, pt, nl) or ``"und"``.

    >>> detect_language("Le marché a progressé de 2 % et les investisseurs sont restés prudents "
    ...                 "face à la hausse des taux, mais la tendance reste positive pour les banques.")
    'fr'
    """
    tokens = _WORD.findall(text[: sample * 8].casefold())[:sample]
    if len(tokens) < min_tokens:
        return "und"
    counts = Counter(tokens)
    scores = {lang: sum(counts[word] for word in words) for lang, words in _PROFILES.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "fr"))
    # Real text in any of these languages has well over 15 % function words.
    return best if scores[best] >= 0.15 * len(tokens) else "und"


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
    """Drops lines whose letters are mostly (> ``threshold``) in a non-Latin script.

    >>> ForeignScriptLines().find(["Le titre", "#马斯克概念", "Ron Baron (罗恩·巴伦) investit."])
    {1: 'foreign-script line'}
    """

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        return {i: FOREIGN_SCRIPT for i, line in enumerate(lines) if foreign_script_share(line) > self.threshold}
