"""Tables inside the article, dumped one cell per line.

A scraper that writes one block per line turns an article's table into a run of
short lines: "Indicateur", "2023", "2024", "Chiffre d'affaires", "2,78 Md€",
"2,84 Md€", ... Each cell alone looks like furniture (a lone number, a menu
item), so the furniture rules and the line model drop them. Laid out again in
rows, they have what menus and link lists lack: columns that agree, row after
row, on holding a number or not. :func:`table_runs` finds such runs;
:class:`~stance.cleaning.linemodel.LineModel` keeps the cells of those that sit
inside the article (round AW in ``docs/design.md``).

>>> lines = ["Les principaux chiffres :", "Indicateur", "2023", "2024",
...          "Chiffre d'affaires", "2,78 Md€", "2,84 Md€", "Résultat net", "96 M€", "61 M€",
...          "Dette nette", "412 M€", "455 M€", "La dette progresse donc encore cette année."]
>>> table_runs(lines)
[(1, 13)]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from .features import stopwords
from .language import is_prose

MAX_CELL = 60  # characters: a cell is a short line
PERIODS = range(2, 7)  # columns
OFFSETS = 3  # a run may start with up to two lines that are not the table's (its title, a link)
MIN_ROWS = 3  # a header and two rows, or three rows
AGREE = 0.8  # share of the rows after the first that must follow the columns' pattern
ODD_ROWS = 1  # rows off the pattern that a table of any size may have, with ``odd_row`` (round CM)
NEAR = 5  # lines either side of the table to look at for the article's text (3 until round BA)
KEY_VALUES = 0.6  # a box of key-value pairs: share of its values that hold a digit (round BA)
SHARED_CELLS = 2  # cells of a table ending the article that share a word with its prose (round CD)
# A widget's cell, never an article table's: an e-mail address, a phone number, a web address, a share's ISIN code or
# its delayed quote (round CH: an investor-relations page's share widget and contacts under the press release)
WIDGET_CELL = re.compile(
    r"[\w.+\-]+@[\w\-]+\.[\w.\-]+|(?:\+\d{2,3}\s?|\b0)[1-9](?:[\s.]?\d{2}){4}\b|\bwww\.\S+|https?://\S+|"
    r"\bISIN\b|(?i:cours\s+diff[ée]r[ée])"
)
_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"[^\W\d_]{3,}")


# Abbreviations with which a table's header or cell ends in a period that ends no sentence: "Var.", "Var. sur 1
# sem.", "Évol.", "Prix moy.", "12 févr." (round CC, ``docs/design.md``)
ABBREVIATIONS = frozenset(
    "var évol evol moy sem max min env nb qté qte réf ref cumul prév prev trim hebdo mens "
    "janv févr fevr avr juil sept oct nov déc".split()
)


def is_cell(line: str) -> bool:
    """A line that can be a table's cell: short, not prose, not ending a sentence or introducing one. A period
    after one of the :data:`ABBREVIATIONS` ends no sentence (round CC).

    >>> is_cell("2,84 Md€"), is_cell("Résultat opérationnel courant"), is_cell("Voici les taux :")
    (True, True, False)
    >>> is_cell("Var. sur 1 sem."), is_cell("Le titre recule.")
    (True, False)
    """
    if len(line) > MAX_CELL or is_prose(line):
        return False
    if line.endswith("."):
        words = line[:-1].split()
        return bool(words) and words[-1].casefold() in ABBREVIATIONS
    return not line.endswith(("!", "?", ":", "…"))


def table_runs(lines: Sequence[str], key_values: bool = False, odd_row: bool = False) -> list[tuple[int, int]]:
    """The ``(start, stop)`` index ranges of ``lines`` laid out as a table.

    In each run of cells (:func:`is_cell`), rows of 2 to 6 cells are tried, from
    the run's first, second or third line. A table has at least three rows; its
    rows after the first (the first may be a header) mostly follow one pattern
    of which columns hold a digit (one cell in four may differ), that pattern
    has a column of numbers, and it or the first row has a column of words. The
    layout covering the most lines wins; at a tie, the one whose rows follow
    its pattern exactly most often (a title above the table taken for its first
    cell shifts every row: round CC), then the first tried (fewer columns, then
    an earlier start); lines left after its last full row are not the table's.
    With ``key_values``, two columns also make a table when they
    read as a fact box: keys without a digit (all but one) and values of which
    ``KEY_VALUES`` hold one ("Siège", "Paris", "Création", "1921", "Effectif",
    "3 400 salariés"). With ``odd_row``, one row after the first may be off the pattern however few the rows
    (``ODD_ROWS``; round CM): a word cell that holds a year ("Fonds en euros, moyenne 2023"), a "stable" among the
    changes.

    >>> table_runs(["Accueil", "Marchés", "Économie", "Entreprises", "Bourse", "Contact"])
    []
    >>> table_runs(["Durée", "Taux", "15 ans", "3,05 %", "20 ans", "3,15 %", "Suite de l'article."])
    [(0, 6)]
    >>> rows = ["Placement", "Taux", "Votre crédit", "1,35 %", "Livret A", "3 %", "Fonds en euros 2023", "2,6 %"]
    >>> table_runs(rows), table_runs(rows, odd_row=True)
    ([], [(0, 8)])
    """
    runs: list[tuple[int, int]] = []
    cells = [is_cell(line) for line in lines]
    i, n = 0, len(lines)
    while i < n:
        if not cells[i]:
            i += 1
            continue
        j = i
        while j < n and cells[j]:
            j += 1
        if j - i < MIN_ROWS * PERIODS[0]:  # too short a run for any table
            i = j
            continue
        digits = {k: bool(_DIGIT.search(lines[k])) for k in range(i, j)}
        best: tuple[tuple[int, float], int, int] | None = None
        for width in PERIODS:
            for offset in range(min(width, OFFSETS)):
                rows = (j - i - offset) // width
                if rows < MIN_ROWS:
                    continue
                start = i + offset
                shape = [tuple(digits[start + r * width + c] for c in range(width)) for r in range(rows)]
                if not (_columns_agree(shape, width, odd_row) or (key_values and width == 2 and _fact_box(shape))):
                    continue
                score = (rows * width, _fit(shape))
                if best is None or score > best[0]:
                    best = (score, start, start + rows * width)
        if best is not None:
            runs.append((best[1], best[2]))
        i = j
    return runs


def _columns_agree(shape: list[tuple[bool, ...]], width: int, odd_row: bool = False) -> bool:
    """The rows after the first mostly follow one pattern of digit columns (``AGREE`` of them; with ``odd_row``, all
    but ``ODD_ROWS`` will do too), with a number column and a word column (in the pattern or the first row)."""
    pattern = Counter(shape[1:]).most_common(1)[0][0]
    if not any(pattern) or (all(pattern) and all(shape[0])):
        return False
    follow = sum(sum(a != b for a, b in zip(row, pattern, strict=True)) <= width // 4 for row in shape[1:])
    rows = len(shape) - 1
    return follow >= max(2, min(AGREE * rows, rows - ODD_ROWS) if odd_row else AGREE * rows)


def _fit(shape: list[tuple[bool, ...]]) -> float:
    """Share of the rows after the first that follow their most common pattern of digit columns exactly."""
    count = Counter(shape[1:]).most_common(1)[0][1]
    return count / (len(shape) - 1)


def _fact_box(shape: list[tuple[bool, ...]]) -> bool:
    """Key-value pairs: keys without a digit but one at most, values with a digit ``KEY_VALUES`` of the time."""
    keys_with_digits = sum(key for key, _ in shape)
    values_with_digits = sum(value for _, value in shape)
    return keys_with_digits <= 1 and values_with_digits >= KEY_VALUES * len(shape)


_SENTENCE_ENDS = (".", "!", "?", "…", "»", '"', ";")  # a caption ends with none of these (round CA)


def is_caption(line: str) -> bool:
    """A table's title as articles write it above their tables: a line introducing what follows (ending with ":"),
    or one of prose length that ends no sentence (round CA, ``docs/design.md``).

    >>> is_caption("Prix de gros relevés le lundi 10 février (€ HT par tige)"), is_caption("Cotations du jour")
    (True, False)
    >>> is_caption("Le distributeur veut désormais concentrer ses investissements sur la France.")
    False
    """
    return line.endswith(":") or (is_prose(line) and not line.endswith(_SENTENCE_ENDS))


def article_tables(
    lines: Sequence[str], dropped: Callable[[int], bool], near: int = NEAR, key_values: bool = True,
    captions: bool = True, shared_words: bool = True, odd_row: bool = True,
) -> list[tuple[int, int]]:
    """The tables of :func:`table_runs` that sit inside the article: within ``near`` lines
    before and after each, a line that is kept (``dropped(index)`` false) and is prose or
    introduces what follows (ends with ":"); with ``key_values``, fact boxes count as tables
    (:func:`table_runs`). With ``captions``, a table that ends the article (no such line after it)
    is the article's too when the line right above it is its caption (:func:`is_caption`) with such a
    kept line within ``near`` lines above that; the caption is then part of the range given. With
    ``shared_words``, a table that ends the article (the line right above it, or above its short title, is
    kept prose) is the article's too when at least ``SHARED_CELLS`` of its cells without a digit share a word
    with the document's kept prose (:func:`content_words`: a price table of the article names the products,
    places and companies its text names; a site's widget under the article does not): round CD,
    ``docs/design.md``; unless one of its cells is a widget's (``WIDGET_CELL``: an e-mail address, a phone
    number, an ISIN code, a delayed quote; round CH). Its title, a short line right above it (:func:`is_cell`),
    is then part of the range given. ``odd_row``: a table may have one row off its columns' pattern however few its
    rows (:func:`table_runs`; round CM).

    >>> lines = ["Voici les taux moyens constatés en mai :", "Durée", "Taux", "15 ans", "3,05 %",
    ...          "20 ans", "3,15 %", "Les banques fixent leurs barèmes selon leur coût de financement."]
    >>> article_tables(lines, lambda index: False), article_tables(lines, lambda index: index == 7)
    ([(1, 7)], [])
    >>> ending = ["Le prix de la rose rouge a plus que doublé avant la Saint-Valentin, selon les grossistes.",
    ...           "Prix de gros relevés le lundi 10 février (€ HT par tige)", "Produit", "Prix", "Rose rouge",
    ...           "1,05", "Tulipe", "0,46", "Pivoine", "2,10", "Publicité"]
    >>> dropped = lambda index: index >= 1  # the caption, the cells and the advertisement
    >>> article_tables(ending, dropped, captions=False), article_tables(ending, dropped)
    ([], [(1, 10)])
    """

    def text(index: int) -> bool:
        return not dropped(index) and (is_prose(lines[index]) or lines[index].endswith(":"))

    found = []
    prose: set[str] | None = None  # the kept prose's words, once a table asks
    for start, stop in table_runs(lines, key_values, odd_row):
        if not any(text(k) for k in range(max(0, start - near), start)):
            continue
        if any(text(k) for k in range(stop, min(len(lines), stop + near))):
            found.append((start, stop))
        elif captions and start >= 2 and is_caption(lines[start - 1]) and any(
            text(k) for k in range(max(0, start - 1 - near), start - 1)
        ):
            found.append((start - 1, stop))
        elif shared_words:
            first = start - 1 if start >= 1 and is_cell(lines[start - 1]) else start  # its title
            if first < 1 or not text(first - 1):
                continue
            if any(WIDGET_CELL.search(lines[k]) for k in range(start, stop)):
                continue  # a share widget or a contacts block (round CH)
            if prose is None:
                prose = set().union(*(content_words(line) for k, line in enumerate(lines)
                                      if not dropped(k) and is_prose(line)))
            shared = sum(bool(content_words(lines[k]) & prose) for k in range(start, stop)
                         if not _DIGIT.search(lines[k]))
            if shared >= SHARED_CELLS:
                found.append((first, stop))
    return found


def content_words(line: str) -> set[str]:
    """The words of ``line`` of three letters or more that are no French stopword, case-folded.

    >>> sorted(content_words("Le thym du Maroc dépasse 3,40 euros"))
    ['dépasse', 'euros', 'maroc', 'thym']
    """
    stoplist = stopwords("fr")
    return {word for word in (match.casefold() for match in _WORDS.findall(line)) if word not in stoplist}
