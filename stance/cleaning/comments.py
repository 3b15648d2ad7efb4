"""Reader comments: comment threads, comment forms and calls to comment.

Three kinds of lines are dropped, each with its own reason:

- ``"reader comment"``: a comment block, i.e. a header (a pseudonym line
  followed by a time line such as ``"· Il y a 11h"`` or ``"12 mars 2024 à
  14h05"``, or both on one line, or ``"Pseudo a dit :"``), the comment text,
  and its action line (``"Répondre"``, ``"Signaler"``, ``"Voir
  l'originalRépondre0"``, like counters). A block counts as a comment when an
  action line closes it within a few lines, when it follows another comment,
  when its time is relative ("il y a 3 h"), which articles never print
  before a paragraph, or when it comes right under a count of the comments
  ("Commentaires (5)") and the next comment's header closes it. A last
  comment without an action line ends where the text starts repeating lines
  seen before the comments (a pasted second copy of the article, which
  deduplication then handles) or at the end. A bare
  number in a table (:func:`~stance.cleaning.tables.table_runs`) is a cell, not
  a counter: it closes no block (a byline with its date has a header's form,
  and the table's first number would close the article's opening as a
  "comment"). A comment
  written on one line after its author (``"Jean-Pierre : la direction nous
  ment !"``) counts when a reply or report line (``"Répondre"``) follows it and
  a comment section comes before it (a comment, a form or header such as
  ``"12 commentaires"``, an action line).
- ``"comment form"``: WordPress-style forms ("Laisser un commentaire", "Votre
  adresse e-mail ne sera pas publiée", "Nom *"...).
- ``"call to comment"``: a line inviting readers to comment ("Débattons en
  commentaires :") and the bullet list of questions that follows it.

Nothing fires inside the article's opening (the first ``opening_lines`` kept
lines): a title or lead that happens to look like a pseudonym and a date stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from .base import FRENCH_MONTH, LineRules, Rule, Step
from .language import is_prose
from .tables import table_runs

COMMENT = "reader comment"
FORM = "comment form"
CALL = "call to comment"

_I = re.IGNORECASE
_CLOCK = r"(?:\s*,?\s*(?:à|a|at|-)?\s*\d{1,2}\s*[h:]\s*\d{0,2}(?:\s*min)?)?"
# A relative time is a word of its own: "hier", never the "hier" of "Thierry", "cahier" or "fichier" (before the
# forty-second session, a byline "Par Thierry Ragon, le 4 avril à 06h50" read as a comment's header with a relative
# time, and the article under it went as a comment).
_RELATIVE = (
    r"(?<!\w)(?:il\s+y\s+a\s+(?:\d+|une?|quelques)\s*(?:s|sec(?:ondes?)?|mn|min(?:utes?)?|h|heures?|j|jours?|"
    r"sem(?:aines?)?|mois|ans?|années?)|à\s+l['’]instant|hier\b|aujourd['’]hui)" + _CLOCK
)
_ABSOLUTE = (
    rf"(?:le\s+)?(?:\d{{1,2}}(?:er)?\s+{FRENCH_MONTH}(?:\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    + _CLOCK
)
_TIME_LINE = re.compile(rf"[·•|\-–—]?\s*(?:{_RELATIVE}|{_ABSOLUTE})\s*(?:\(modifié\))?", _I)
_RELATIVE_LINE = re.compile(rf"[·•|\-–—]?\s*{_RELATIVE}", _I)
_PSEUDONYM = r"[\w@.\-'’]{2,30}(?:\s[\w@.\-'’]{1,20}){0,2}"
_PSEUDONYM_LINE = re.compile(_PSEUDONYM)
_ONE_LINE_HEADER = re.compile(
    rf"{_PSEUDONYM}\s*(?:[·•|,\-–—]\s*(?:{_RELATIVE}|{_ABSOLUTE})|\s+(?:le\s+)?{_ABSOLUTE}|"
    r"\s+(?:a\s+)?(?:dit|écrit|répondu)\s*:?)",
    _I,
)
_ACTION_LINE = re.compile(
    r"(?:(?:voir\s+l['’]original|r[ée]pondre|signaler(?:\s+(?:un\s+)?(?:abus|commentaire))?|"
    r"j['’]aime|je\s+n['’]aime\s+pas|likes?|dislikes?|masquer|modifier|supprimer|citer|"
    r"voir\s+(?:les\s+)?\d*\s*r[ée]ponses?(?:\s*\(\d+\))?|afficher\s+(?:plus\s+de\s+|les\s+)?r[ée]ponses?|"
    r"\d+|[↓↑👍👎♥❤]+)\s*[·|•]?\s*)+",
    _I,
)
_BULLET = re.compile(r"(?:[•·▪◦‣∙*\-–—]|\d{1,2}[.)])\s+\S.*")
_CALL_LINE = re.compile(
    r"(?:\W{0,4}\s*)?(?:et\s+vous\s*,?\s*)?(?:(?:d[ée]battons|discutons|dites(?:-le)?(?:-nous)?|donnez|partagez|"
    r"laissez|exprimez|r[ée]agissez|[ée]crivez)[^.]{0,60}\b(?:en|dans\s+les|vos)\s+commentaires?|"
    r"qu['’]en\s+pensez-vous\s*\?.{0,80}commentaires?|(?:votre|ton)\s+avis\s+(?:en|dans\s+les)\s+commentaires?)"
    r"[^.]{0,40}[:!?.]?",
    _I,
)


_COUNT = r"(?:commentaires?|r[ée]actions?)\s*\(\d+\)|\d+\s+(?:commentaires?|r[ée]actions?)"  # "Commentaires (5)"
_COUNT_LINE = re.compile(_COUNT, _I)


_WEEKDAY = r"(?:(?:lun|mar|mer|jeu|ven|sam|dim)(?:di|credi|anche|\.)?\s+)?"
# A forum post's header (round CE): "Message par Fredo_42 » mar. 4 mars 2025 22:14", "Posté le 12/03/2025 à 14:05"
_POST_HEADER = re.compile(
    rf"(?:message\s+)?par\s+{_PSEUDONYM}\s+»\s+{_WEEKDAY}{_ABSOLUTE}.*|"
    rf"post[ée]\s+(?:par\s+{_PSEUDONYM}\s+)?(?:le\s+)?{_WEEKDAY}{_ABSOLUTE}.*",
    _I,
)


# A post's number over it, as vBulletin prints it: "#1", "#2" (round CF)
_POST_NUMBER = re.compile(r"#\d{1,4}")


def forum_replies(lines: Sequence[str], dropped: Callable[[int], bool]) -> list[int]:
    """The lines of a forum thread's replies: every line after its second post header (``"Message par Fredo_42 »
    mar. 4 mars 2025 22:14"``, ``"Posté le 12/03/2025 à 14:05"``, or since round CF a post's number, ``"#2"``), when
    kept prose (``dropped(index)`` false) lies between the first two headers, the opening post, which is the article
    (round CE, ``docs/design.md``).

    >>> lines = ["Paiement à 75 jours : vous faites comment ?", "Message par Fredo_42 » mar. 4 mars 2025 22:14",
    ...          "Depuis janvier, mon plus gros client me paie à 75 jours et ma trésorerie ne suit plus.",
    ...          "Message par Mimi_TRM » mar. 4 mars 2025 22:51", "Salut Fred, ton avenant ne tient pas sur le papier.",
    ...          "Haut"]
    >>> forum_replies(lines, lambda index: index in (1, 3))
    [4, 5]
    """
    headers = [index for index, line in enumerate(lines)
               if len(line) <= 160 and (_POST_HEADER.fullmatch(line) or _POST_NUMBER.fullmatch(line))]
    if len(headers) < 2 or not any(not dropped(k) and is_prose(lines[k]) for k in range(headers[0] + 1, headers[1])):
        return []
    return list(range(headers[1] + 1, len(lines)))


class CommentForm(LineRules):
    """WordPress-style comment forms and comment-section notices.

    >>> CommentForm().check("Votre adresse e-mail ne sera pas publiée.")
    'comment form'
    """

    rules = (
        Rule(
            FORM,
            re.compile(
                r"laisser\s+(?:un\s+commentaire|une\s+r[ée]ponse)(?:\s+annuler\s+la\s+r[ée]ponse)?|"
                r"(?:r[ée]pondre\s+[àa]\s+.{1,40}\s+)?annuler\s+la\s+r[ée]ponse|"
                r"votre\s+adresse\s+(?:e-?mail|de\s+messagerie|courriel|mail)\s+ne\s+sera\s+pas\s+publi[ée]e.*|"
                r"les\s+champs\s+obligatoires\s+sont\s+(?:indiqu[ée]s|marqu[ée]s).*|"
                r"(?:commentaire|nom|pseudo|e-?mail|adresse\s+e-?mail|site\s+(?:web|internet))\s*(?:\*|:|\*\s*:)|"
                r"site\s+(?:web|internet)|"
                r"enregistrer\s+mon\s+nom.*commentaire\.?|"
                r"(?:publier|poster|envoyer|soumettre|valider)\s+(?:le|mon|un|votre)?\s*commentaire|"
                r"ce\s+site\s+utilise\s+akismet.*|"
                r"vous\s+devez\s+[êe]tre\s+connect[ée]e?\s+pour\s+(?:publier|poster|r[ée]diger|laisser)\s+un\s+commentaire.*|"
                r"les\s+commentaires\s+sont\s+(?:ferm[ée]s|d[ée]sactiv[ée]s)\.?|"
                r"\d+\s+(?:r[ée]ponses?|commentaires?)\s+(?:[àa]|sur)\s+[«“\"].*|"
                r"(?:soyez\s+le\s+premier\s+[àa]\s+(?:commenter|r[ée]agir)|aucun\s+commentaire(?:\s+pour\s+l['’]instant)?)\s*[.!]?|"
                rf"{_COUNT}",
                _I,
            ),
            max_len=300,
        ),
    )


class Comments(Step):
    """Drops comment forms, calls to comment and reader-comment blocks.

    ``max_body`` bounds how far an action line may close a block for it to
    count as confirmed; ``opening_lines`` protects the article's opening.

    >>> lines = ["Titre", "Premier paragraphe.", "Deuxième paragraphe.", "Fin.",
    ...          "Marc_75", "· Il y a 3 h", "Je n'y crois pas.", "Répondre"]
    >>> Comments().find(lines)
    {4: 'reader comment', 5: 'reader comment', 6: 'reader comment', 7: 'reader comment'}
    """

    monotone = False  # blocks depend on which lines are next to each other

    def __init__(self, opening_lines: int = 3, max_body: int = 8) -> None:
        self.opening_lines = opening_lines
        self.max_body = max_body

    def find(self, lines: Sequence[str]) -> dict[int, str]:
        drops: dict[int, str] = {}
        start = self.opening_lines
        for index in range(start, len(lines)):
            reason = _form_reason(lines[index])
            if reason:
                drops[index] = reason
        self._find_calls(lines, start, drops)
        self._find_blocks(lines, start, drops)
        self._find_inline(lines, start, drops)
        return drops

    def _find_inline(self, lines: Sequence[str], start: int, drops: dict[int, str]) -> None:
        """``"Pseudo : comment"`` lines closed by a reply or report line (``"Répondre"``, ``"Signaler"``),
        inside a comment section: right after a comment, a comment form or header (``"12 commentaires"``)
        or an action line. (A forum thread's title, ``"Assurance-vie : faut-il arbitrer ?"`` over its
        ``"Répondre"`` button, opens no such section.)"""
        for index in range(max(start, 1), len(lines) - 1):
            # the cached test of the next line first: most lines are followed by no reply line
            if not _is_worded_action(lines[index + 1]) or index in drops or not _is_inline_comment(lines[index]):
                continue
            if drops.get(index - 1) not in (COMMENT, FORM) and not _is_action_line(lines[index - 1]):
                continue
            drops[index] = COMMENT
            end = index + 1
            while end < len(lines) and _is_action_line(lines[end]):
                drops.setdefault(end, COMMENT)
                end += 1

    def _find_calls(self, lines: Sequence[str], start: int, drops: dict[int, str]) -> None:
        # every call to comment names the comments: the check spares the regex on most lines (and a call is
        # short: paragraphs are not even lower-cased)
        for index in range(start, len(lines)):
            line = lines[index]
            if index in drops or len(line) > 200 or "comment" not in line.lower() or not _CALL_LINE.fullmatch(line):
                continue
            drops[index] = CALL
            follow = index + 1
            while follow < len(lines) and follow not in drops and _BULLET.fullmatch(lines[follow]):
                drops[follow] = CALL
                follow += 1

    def _header_length(self, lines: Sequence[str], index: int) -> int:
        """1 or 2 when a comment header starts at ``index``, else 0."""
        kind = _header_kind(lines[index])
        if kind == _PSEUDONYM_ONLY:
            return 2 if index + 1 < len(lines) and _is_time_line(lines[index + 1]) else 0
        return kind

    def _header_at(self, lines: Sequence[str], index: int, tables: _Tables) -> int:
        """A comment header's length at ``index`` (:meth:`_header_length`), 0 inside a table, one cell a line,
        whose header row has a header's form ("Fin mars 2025", "Il y a 3 mois"). The tables are looked for
        only where a header's form is found: most documents never need them."""
        length = self._header_length(lines, index)
        return 0 if length and tables.holds(index) else length

    def _find_blocks(self, lines: Sequence[str], start: int, drops: dict[int, str]) -> None:
        index = start
        previous_end = -1  # end of the last confirmed block, to chain blocks
        section_start: int | None = None
        tables = _Tables(lines)
        while index < len(lines):
            header = self._header_at(lines, index, tables) if index not in drops else 0
            if not header:
                index += 1
                continue
            body = index + header
            end, by_action = self._closed_block_end(lines, body, tables)
            # Without an action line, only a block that follows a comment, carries a relative time
            # ("il y a 3 h"), or comes right under a count of the comments ("Commentaires (5)") with the
            # next comment's header closing it, is taken for a comment.
            counted = end is not None and not by_action and self._under_count(lines, index, drops)
            trusted = (index == previous_end or counted
                       or _RELATIVE_LINE.search(lines[index + header - 1]) is not None)
            if end is not None and not by_action and not trusted:
                end = None
            if end is None and trusted:
                if section_start is None:
                    section_start = index
                end = self._open_block_end(lines, body, section_start)
            if end is None:
                index += 1
                continue
            if section_start is None:
                section_start = index
            for position in range(index, end):
                drops.setdefault(position, COMMENT)
            previous_end = index = end

    @staticmethod
    def _under_count(lines: Sequence[str], index: int, drops: dict[int, str]) -> bool:
        """Whether the line before ``index`` counts the comments ("Commentaires (5)", "23 réactions")."""
        return index > 0 and drops.get(index - 1) == FORM and _COUNT_LINE.fullmatch(lines[index - 1]) is not None

    def _closed_block_end(
        self, lines: Sequence[str], body: int, tables: _Tables | None = None
    ) -> tuple[int | None, bool]:
        """End of a block closed within ``max_body`` lines, and whether action lines closed
        it (rather than the next header). A bare number in a table (``tables``) is no counter:
        it closes nothing."""
        for position in range(body, min(len(lines), body + self.max_body + 1)):
            if _is_action_line(lines[position]) and not (
                tables is not None and _BARE_NUMBER.fullmatch(lines[position]) and tables.holds(position)
            ):
                end = position
                while end < len(lines) and _is_action_line(lines[end]):
                    end += 1
                return end, True
            if position > body and self._header_length(lines, position):
                return position, False
        return None, False

    def _open_block_end(self, lines: Sequence[str], body: int, section_start: int) -> int:
        """End of a last comment with no action line: where earlier text starts repeating."""
        before = {_key(line) for line in lines[:section_start]}
        end = body
        while end < len(lines) and (end == body or _key(lines[end]) not in before):
            if self._header_length(lines, end) and end > body:
                break
            end += 1
        return end


_BARE_NUMBER = re.compile(r"[\d\s.,]+")


class _Tables:
    """The tables of a document's lines (:func:`~stance.cleaning.tables.table_runs`), found when
    first asked about: a bare number closing a comment's text may be a table's cell after a byline
    and a date that look like a comment's header ("Julien Marquet | 18 mars 2025")."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.runs: list[tuple[int, int]] | None = None

    def holds(self, position: int) -> bool:
        if self.runs is None:
            self.runs = table_runs(self.lines)
        return any(start <= position < stop for start, stop in self.runs)


# What each line is, told once per line: the cleaner reruns this step on what is kept,
# and forms and headers repeat across a site's pages.
_PSEUDONYM_ONLY = 3
_FORM = CommentForm()


@lru_cache(maxsize=1 << 16)
def _form_reason(line: str) -> str | None:
    return _FORM.check(line)


@lru_cache(maxsize=1 << 16)
def _header_kind(line: str) -> int:
    """1 for a one-line header, ``_PSEUDONYM_ONLY`` for a pseudonym line (a header when a time
    line follows), 0 otherwise."""
    if len(line) > 80:
        return 0
    if _ONE_LINE_HEADER.fullmatch(line):
        return 1
    return _PSEUDONYM_ONLY if _PSEUDONYM_LINE.fullmatch(line) else 0


@lru_cache(maxsize=1 << 16)
def _is_time_line(line: str) -> bool:
    return _TIME_LINE.fullmatch(line) is not None


@lru_cache(maxsize=1 << 16)
def _is_action_line(line: str) -> bool:
    return _ACTION_LINE.fullmatch(line) is not None


_INLINE_COMMENT = re.compile(rf"{_PSEUDONYM}\s?:\s+\S.*")
_REPLY = re.compile(r"r[ée]pondre|signaler", _I)  # what only a comment offers (a "J'aime" also follows teasers)


def _is_inline_comment(line: str) -> bool:
    return len(line) <= 1000 and _INLINE_COMMENT.fullmatch(line) is not None


@lru_cache(maxsize=1 << 16)
def _is_worded_action(line: str) -> bool:
    return _is_action_line(line) and _REPLY.search(line) is not None


def _key(line: str) -> str:
    return " ".join(line.casefold().split())
