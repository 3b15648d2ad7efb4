"""The article's own boxes: a titled run of short lines that sums the article up.

French articles often carry a box of their own under a title of a few set words: "Ce qu'il faut
retenir", "Repères", "L'essentiel", "En chiffres", "Bio express", a review's "Notre verdict",
"On aime" and "On aime moins". Its lines are short (bullet points, key figures, dates) and, at the
end of a long article, they come after most of its text: the line model takes them for the
furniture that ends a page (related links, tags) and drops them (round BQ in ``docs/design.md``).
:func:`article_boxes` finds such boxes next to the article's text; the line model keeps the lines
it dropped in them.

>>> lines = ["Le groupe a publié mercredi des résultats annuels supérieurs aux attentes des analystes.",
...          "Ce qu'il faut retenir", "Chiffre d'affaires : +8 %", "Dividende relevé à 1,20 €",
...          "Partager", "Mentions légales"]
>>> article_boxes(lines, dropped=lambda index: index >= 1, ruled=lambda index: index >= 4)
[(1, 4)]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .language import is_prose

# The titles of an article's own box, whole line (a colon may end it). Not "En bref" nor "En savoir
# plus" alone, nor "Pour aller plus loin": those head a site's sections and its lists of links.
BOX_TITLE = re.compile(
    r"(?:ce qu['’]il faut (?:retenir|savoir)|à retenir|l['’]essentiel|repères|les? (?:chiffres|dates)[- ]cl[ée]s?"
    r"|chiffres[- ]cl[ée]s|dates[- ]cl[ée]s|en (?:chiffres|dates|résumé)|(?:\S+ ){1,4}en (?:chiffres|bref|dates)"
    r"|bio(?:graphie)? express|notre verdict|le verdict|on aime(?: moins)?|on n['’]aime pas|points? forts?"
    r"|points? faibles?|les plus|les moins|fiche (?:technique|d['’]identité))\s*:?",
    re.IGNORECASE,
)
MAX_LINE = 200  # characters: a box holds short lines (a bullet point, a key figure, a sentence)
MAX_WORDS = 30  # words: a sentence of a box, not a paragraph
SPAN = 10  # lines of a box after its title, at most
NEAR = 5  # lines either side of the title to look at for the article's text


def is_box_title(line: str) -> bool:
    """A line that is the title of an article's own box.

    >>> is_box_title("Ce qu’il faut retenir"), is_box_title("Maréville en chiffres"), is_box_title("En bref")
    (True, True, False)
    """
    return len(line) <= 60 and BOX_TITLE.fullmatch(line.strip()) is not None


def _box_line(line: str) -> bool:
    return len(line) <= MAX_LINE and len(line.split()) <= MAX_WORDS


def _sentence(line: str) -> bool:
    """The two kinds of a box's items: sentences, and phrases without an end ("Création : 1896")."""
    return line.rstrip().endswith((".", "!", "?", ";", "…"))


def article_boxes(lines: Sequence[str], dropped: Callable[[int], bool], ruled: Callable[[int], bool],
                  near: int = NEAR, span: int = SPAN) -> list[tuple[int, int]]:
    """The ``(start, stop)`` index ranges of the article's own boxes in ``lines``: a title
    (:func:`is_box_title`) with kept article text (prose, ``dropped(index)`` false) within
    ``near`` lines before or after it, and its items: the short lines after it (at most ``span``,
    of at most ``MAX_WORDS`` words and ``MAX_LINE`` characters) of one kind, all sentences or all
    phrases without an end (another box's title counts as an item and starts items of their own),
    up to the first that is longer, of the other kind, or recognised by a furniture rule
    (``ruled(index)``).

    >>> lines = ["Un paragraphe de l'article, assez long pour être de la prose véritable.",
    ...          "Repères", "1921 : fondation", "112 salariés", "Newsletter"]
    >>> article_boxes(lines, lambda index: False, lambda index: index == 4)
    [(1, 4)]
    >>> article_boxes(lines, lambda index: index == 0, lambda index: index == 4)  # no article text kept
    []
    """

    def text(index: int) -> bool:
        return not dropped(index) and is_prose(lines[index])

    boxes: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not is_box_title(lines[i]) or not any(
            text(k) for k in (*range(max(0, i - near), i), *range(i + 1, min(len(lines), i + 1 + near)))
        ):
            i += 1
            continue
        # The items go on while they are short, of one kind (all sentences or all phrases; another box's title
        # starts its own items), and no furniture rule recognised them.
        stop, kind = i + 1, None
        while stop < len(lines) and stop - i <= span and _box_line(lines[stop]) and not ruled(stop):
            if is_box_title(lines[stop]):
                kind = None
            elif kind is None:
                kind = _sentence(lines[stop])
            elif _sentence(lines[stop]) != kind:
                break
            stop += 1
        boxes.append((i, stop))
        i = stop
    return boxes
