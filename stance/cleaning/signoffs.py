"""The sign-off that ends a letter, a forum's opening post or a newsletter: its author's closing words and name.

A price letter ends "Bonne semaine à tous, — Gilles Marchal", a forum's opening post "Merci d'avance pour vos
retours," over "Julien", a newsletter "À jeudi prochain, Hélène Marquet". The brief of our French dirty documents
counts such a sign-off, right after the article's last paragraph, as the article's (``docs/design.md``, round CL);
alone on its line, short and without a sentence, it looks to the line model like the furniture that follows an
article (a name in an author's box, a tag), and the model drops it. :func:`sign_offs` finds the lines the model
dropped that are such a sign-off; the line model keeps them in French documents.

>>> lines = ["Le colza reprend 4 euros sur la semaine, porté par la fermeté du soja américain.",
...          "Bonne semaine à tous,", "Yannick Le Goff", "Se désinscrire"]
>>> sign_offs(lines, dropped=lambda index: index >= 1, model_dropped=lambda index: index in (1, 2))
[1, 2]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# A first name or a surname ("Anne-Laure", "Le Goff" through its particle, an initial "D.").
_NAME = r"(?:[A-ZÀ-ÖØ-Ý][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Ý][a-zà-öø-ÿ'’]+)?|[A-Z]\.)"
_PARTICLE = r"(?:de |du |d'|d’|Le |La |le |la |et |van |von )"
# One to three names, then perhaps who the author is: ", président", " – librairie La Marge, Angers", " (Gers)".
_SIGNATURE = rf"{_NAME}(?: {_PARTICLE}?{_NAME}){{0,2}}(?:\s*[,–—-]\s*[^.!?:;«»\"]{{1,60}}|\s*\([^)]{{1,40}}\))?"
# The closing words of a letter or a post, alone or before the author's name.
_GREETING = (r"(?:Bonne?s? [\w'’-]+(?: [\w'’-]+)? à tou(?:s|tes)(?: et à toutes)?"
             r"|Merci(?: d['’]avance| à tous| encore)?(?: pour [^.!?]{1,40})?"
             r"|À (?:bientôt|très vite|demain|la semaine|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
             r"[^.!?]{0,30}"
             r"|Cordialement|Amicalement|Bien à vous|Belle journée|Bonne lecture|Au plaisir)")
# A sign-off by itself: a name after a dash ("— Gilles Marchal"), or closing words with or without a name.
SIGN_OFF = re.compile(rf"[—–-]\s*{_SIGNATURE}|{_GREETING}[ ,.!]*(?:[—–-]?\s*{_SIGNATURE})?[ ,.!]*")
GREETING = re.compile(rf"{_GREETING}[ ,.!]*")
# The author's name under closing words ("Julien", "Michel Aubertin, président"), with or without a dash.
SIGNATURE = re.compile(rf"(?:[—–-]\s*)?{_SIGNATURE}")
MAX_WORDS = 12  # a sign-off is a few words, never a paragraph


def is_sign_off(line: str, after_greeting: bool = False) -> bool:
    """Whether ``line`` reads as a sign-off (closing words, a name after a dash), or, ``after_greeting``, as the
    author's name under closing words. A line with a digit is none (a comment's date, a forum signature's figures).

    >>> is_sign_off("À jeudi prochain. — Gilles Marchal"), is_sign_off("Merci d'avance pour vos retours,")
    (True, True)
    >>> is_sign_off("Julien"), is_sign_off("Julien", after_greeting=True), is_sign_off("— Manu, le 19/03 à 12h02")
    (False, True, False)
    >>> is_sign_off("Merci à tous les exposants qui ont rendu ce salon possible.")
    False
    """
    text = line.strip()
    if len(text.split()) > MAX_WORDS or any(character.isdigit() for character in text):
        return False
    return bool(SIGN_OFF.fullmatch(text) or (after_greeting and SIGNATURE.fullmatch(text)))


def sign_offs(lines: Sequence[str], dropped: Callable[[int], bool], model_dropped: Callable[[int], bool]) -> list[int]:
    """The lines that are the article's sign-off: dropped by the model (``model_dropped(index)``, not by a rule),
    right under a kept line (``dropped(index)`` false, or a sign-off found before it) and over a dropped line or the
    document's end, that read as a sign-off (:func:`is_sign_off`; the author's name too, under closing words).

    >>> lines = ["Je cherche un fournisseur de cire pour mes pots, des idées ?", "Merci d'avance,", "Julien",
    ...          "Réponses (3)"]
    >>> sign_offs(lines, lambda index: index >= 1, lambda index: index in (1, 2))
    [1, 2]
    >>> sign_offs(lines + ["Julien"], lambda index: index >= 1, lambda index: index in (1, 2, 4))  # a reply's author
    [1, 2]
    """
    found: list[int] = []
    for index in range(1, len(lines)):
        if not model_dropped(index) or (dropped(index - 1) and (not found or found[-1] != index - 1)):
            continue
        if index + 1 < len(lines) and not dropped(index + 1):
            continue  # a sign-off ends the article: what follows it goes
        after_greeting = GREETING.fullmatch(lines[index - 1].strip()) is not None
        if is_sign_off(lines[index], after_greeting):
            found.append(index)
    return found
