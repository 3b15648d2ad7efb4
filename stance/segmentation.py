"""French paragraph and sentence splitting that keeps character offsets.

Every span points back into the text it was cut from, so ``text[span.start:span.end]
== span.text`` always holds, and a summary sentence can be traced to its place in
the cleaned article.

The rules are written for scraped French news: abbreviations (``M.``, ``Mme``,
``Dr``, ``av. J.-C.``; those that are also words, ``vol.``, ``sept.``, ``min.``,
only before a number or a lower-case word), initials (not ``série A.`` before
``Elle``), numbers (``1,5``, ``30 000``, ``24h/24``),
ellipses, « » and “ ” quotes, bullet lines, headings without final punctuation
and emoji. A line is a paragraph, except that a hard-wrapped line (one that does
not end a sentence, nor on a date stamp such as a byline's or a comment's, followed
by a line that starts in lower case) continues it.
A sentence starts with a capital, a digit, a quote or an emoji, except in a
paragraph written in lower case throughout (forum posts, chat), where a
lower-case word after a full stop, ``?`` or ``!`` starts one too.

>>> [s.text for s in segment("M. Dupont est arrivé. Il a dit : « Bonjour. » Puis il est parti.")]
['M. Dupont est arrivé.', 'Il a dit : « Bonjour. »', 'Puis il est parti.']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .errors import InputError

SpanKind = Literal["sentence", "heading", "bullet"]
ParagraphKind = Literal["text", "heading", "bullet"]

# A line without final punctuation and at most this many words is a heading
# (a title, a section name, a caption); longer ones are sentences that lost their full stop.
HEADING_MAX_WORDS = 20
# A line ending in a colon is a heading only when it is a short label.
HEADING_LABEL_WORDS = 4
# A quotation longer than this is split into its own sentences; a shorter one is
# kept inside the sentence that carries it, so that « Je pars. Tu restes », dit-il.
# stays one sentence.
QUOTE_KEEP_CHARS = 400

# Abbreviations that are followed by a word of the same sentence, never a new one.
# Lower-cased, without the final dot. Single letters (initials, "p.") are handled apart.
ABBREVIATIONS = frozenset(
    """
    m mm mme mmes mlle mlles dr drs pr me mgr st ste sts stes
    av apr cf env vol chap art fig éd ed ex sq tél tel fax min max hab
    janv févr fév avr juil sept oct nov déc
    cie éts ets coll dir trad réf ref op ibid id vs resp
    i.e e.g
    """.split()
)
# Abbreviations that are also words that end sentences ("le vol.", "en 45 min.", "ils étaient sept."): an
# abbreviation only before a number, a lower-case word or an initial ("vol. 3", "sept. 2025", "art. L. 1237-11").
AMBIGUOUS_ABBREVIATIONS = frozenset({"vol", "sept", "min", "max", "tel", "art"})
# Words that start French sentences and do not follow an initial in a name: after "série A." or "plan B." they
# start a new sentence. The particles of names ("J. Le Pen", "J. de La Fontaine": le, la, de, du, des) are left out.
_SENTENCE_OPENERS = frozenset(
    """
    les il ils elle elles ce cet cette ces c'est c’est un une mais et pour en dans selon nous on je
    son sa ses leur leurs au aux cela ceci depuis après avant pourtant alors ainsi or donc si
    """.split()
)

_TERMINAL = ".!?…"
# Closing quotes and brackets that belong to the sentence they follow; French
# typography puts a (narrow) no-break space before » and ”.
_CLOSERS = "»”\"’')]"
_BULLET = re.compile(r"(?:[•·▪▫◦‣⁃►▶▸✓✔✗☐☑➢➤→*]|[-–](?=\s)|\d{1,2}[.)](?=\s)|[a-z][)](?=\s))\s*")
_SPACE = " \t\u00a0\u202f\u2009\u2007\ufeff"

_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x1F900, 0x1F9FF),
)
_EMOJI_JOINERS = "\u200d\ufe0f\ufe0e"

# A candidate end: terminal punctuation, then closing quotes/brackets (» and ”
# may be preceded by a space), then whitespace before the next character.
_END = re.compile(
    r"(?P<punct>[.!?…]+)"
    r"(?P<close>(?:[ \u00a0\u202f\u2009]?[»”]|[\"’')\]])*)"
    r"(?P<space>\s+)"
)
_LAST_WORD = re.compile(r"(\S+)$")
# A date stamp that ends a byline or a comment's header ("posté par Marc_D le 12/03/2025 à 22h14", "12 mars 2025 -
# 09:41", "Discussion lancée par lea.invest · 2 mars 2025"): a numeric date, or a day, a month and a year, then
# perhaps a time. Prose that a hard wrap cuts after a date ("la réunion du 12 mars\nprochain") seldom gives the
# year, and a time alone ("a ouvert à 9h00\npuis...") is no stamp.
_MONTH = (
    r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre"
    r"|janv\.|f[ée]vr?\.|avr\.|juil\.|sept\.|oct\.|nov\.|d[ée]c\.)"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?:1er|\d{{1,2}})\s+{_MONTH}\s+\d{{4}})"
)
_TIME = r"\d{1,2}(?:\s?h\s?(?:\d{2})?|:\d{2}(?::\d{2})?)"
_STAMP = re.compile(rf"(?<![\w./-]){_DATE}(?:\s*(?:[-–—,|·•@]\s*)?(?:(?:à|a|at|vers)\s+)?{_TIME})?$", re.IGNORECASE)
# the longest stamp worth looking at the end of a paragraph for ("1er septembre 2025 - 22 h 14", and room)
_STAMP_CHARS = 60
_WORD = re.compile(r"\w+(?:[-’'.]\w+)*")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a text with its character offsets: ``text[start:end] == span.text``.

    ``kind`` is ``"sentence"``, ``"heading"`` (a short line without final
    punctuation) or ``"bullet"`` (a list item, without its marker);
    ``paragraph`` is the index of the paragraph it belongs to.

    >>> text = "Titre\\n\\nLe CAC 40 a gagné 1,5 %. Il finit à 8 000 points."
    >>> [(s.kind, s.start, s.end) for s in segment(text)]
    [('heading', 0, 5), ('sentence', 7, 31), ('sentence', 32, 56)]
    """

    start: int
    end: int
    text: str
    kind: str = "sentence"
    paragraph: int = 0

    @property
    def words(self) -> int:
        """Number of words, as counted for summary budgets."""
        return count_words(self.text)


def count_words(text: str) -> int:
    """Words in ``text`` (``aujourd'hui``, ``1,5`` and ``J.-C.`` count as one).

    >>> count_words("Le CAC 40 a gagné 1,5 % aujourd'hui.")
    7
    """
    return len(re.findall(r"\w+(?:[-’',./]{1,2}\w+)*", text))


def split_paragraphs(text: str) -> list[Span]:
    """The paragraphs of ``text``, each a :class:`Span` whose kind is
    ``"text"``, ``"heading"`` or ``"bullet"``; blank lines are dropped.

    >>> text = "Titre\\n• un point\\nLe CAC 40 finit la semaine en hausse, porté\\npar les banques."
    >>> [(p.kind, p.text[-22:]) for p in split_paragraphs(text)]
    [('heading', 'Titre'), ('bullet', 'un point'), ('text', 'porté\\npar les banques.')]
    """
    _check_text(text)
    paragraphs: list[Span] = []
    current: tuple[int, int] | None = None  # (start, end) of the paragraph being built
    for start, end in _lines(text):
        line = text[start:end]
        if current is not None and _continues(text[current[0] : current[1]], line):
            current = (current[0], end)
            continue
        if current is not None:
            paragraphs.append(_paragraph(text, *current, len(paragraphs)))
        current = (start, end)
    if current is not None:
        paragraphs.append(_paragraph(text, *current, len(paragraphs)))
    return paragraphs


def segment(text: str) -> list[Span]:
    """Split ``text`` into sentences, headings and bullet items, in document order.

    >>> [s.text for s in segment("Jules César meurt en 44 av. J.-C. à Rome. Le Sénat tremble.")]
    ['Jules César meurt en 44 av. J.-C. à Rome.', 'Le Sénat tremble.']
    """
    spans: list[Span] = []
    for paragraph in split_paragraphs(text):
        if paragraph.kind == "heading":
            spans.append(
                Span(paragraph.start, paragraph.end, paragraph.text, "heading", paragraph.paragraph)
            )
            continue
        kind = "bullet" if paragraph.kind == "bullet" else "sentence"
        for start, end in _sentence_bounds(paragraph.text):
            a, b = paragraph.start + start, paragraph.start + end
            spans.append(Span(a, b, text[a:b], kind, paragraph.paragraph))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentence texts of ``text`` (headings and bullet items included).

    >>> split_sentences("Il a dit... Rien. Vraiment ?!")
    ['Il a dit...', 'Rien.', 'Vraiment ?!']
    """
    return [span.text for span in segment(text)]


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise InputError(
            f"expected the text to segment as a str, got {type(text).__name__}; "
            "pass the document text (for example Cleaned.text)"
        )


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, without surrounding spaces."""
    bounds = []
    for match in re.finditer(r"[^\n\r\u2028\u2029\x0b\x0c\x85]+", text):
        start, end = match.span()
        while start < end and (text[start] in _SPACE or text[start].isspace()):
            start += 1
        while end > start and (text[end - 1] in _SPACE or text[end - 1].isspace()):
            end -= 1
        if start < end:
            bounds.append((start, end))
    return bounds


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` is the hard-wrapped continuation of ``previous``."""
    if _BULLET.match(line) or _BULLET.match(previous):
        return False
    if _ends_sentence(previous) or previous.rstrip().endswith(":"):
        return False
    # a wrapped line is long; a short unpunctuated one is a heading or list item,
    # unless it stops on a comma or a hyphen that says the sentence goes on
    if len(previous) < 40 and not previous.endswith((",", "-")):
        return False
    # "posté par Marc_D le 12/03/2025 à 22h14" heads a comment: what follows is the comment, not the rest of it
    if _ends_on_stamp(previous):
        return False
    first = line[0]
    return first.islower() and not _is_camel(line)


def _ends_on_stamp(text: str) -> bool:
    """Whether ``text`` ends on a date stamp, perhaps with its time (a byline's, a comment's).

    >>> _ends_on_stamp("posté par Marc_D le 12/03/2025 à 22h14"), _ends_on_stamp("Par Zoé, 12 mars 2025 - 09:41")
    (True, True)
    >>> _ends_on_stamp("le conseil se réunira le 12 mars"), _ends_on_stamp("la séance a ouvert à 9h00")
    (False, False)
    """
    # only the end is read: a paragraph being built is asked again at each of its lines
    return _STAMP.search(text[-_STAMP_CHARS:].rstrip(_SPACE + ")]")) is not None


def _paragraph(text: str, start: int, end: int, index: int) -> Span:
    body = text[start:end]
    bullet = _BULLET.match(body)
    if bullet and bullet.end() < len(body):
        start += bullet.end()
        return Span(start, end, text[start:end], "bullet", index)
    if _is_heading(body):
        return Span(start, end, body, "heading", index)
    return Span(start, end, body, "text", index)


def _is_heading(body: str) -> bool:
    words = count_words(body)
    if words == 0 or words > HEADING_MAX_WORDS:
        return words == 0  # a line of symbols or emoji alone is no sentence
    if "\n" in body:
        return False
    # "Première section | Pourquoi ... ?": a section label, whatever its punctuation
    if " | " in body:
        return True
    if _ends_sentence(body) or len(_sentence_bounds(body)) > 1:
        return False
    # "Ron Baron a investi dans Tesla ... ;" and "Elon Musk a dit :" lead into
    # more text; only a short label such as "La question choc :" is a heading
    last = body.rstrip(_SPACE)[-1]
    if last in ",;":
        return False
    return last != ":" or words <= HEADING_LABEL_WORDS


def _ends_sentence(body: str) -> bool:
    stripped = body.rstrip(_SPACE + _CLOSERS + "\n")
    while stripped and _is_emoji(stripped[-1]):
        stripped = stripped[:-1].rstrip(_SPACE)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _is_emoji(char: str) -> bool:
    code = ord(char)
    if char in _EMOJI_JOINERS or 0x1F3FB <= code <= 0x1F3FF:
        return True
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


def _is_camel(text: str) -> bool:
    """``xAI``, ``iPhone``, ``eBay``: a lower-case first letter that still starts a sentence."""
    match = _WORD.match(text)
    return bool(match) and any(c.isupper() for c in match.group(0)[1:])


def _starts_sentence(text: str, index: int) -> bool:
    if index >= len(text):
        return False
    char = text[index]
    if char.isupper() or char.isdigit() or char in "«“\"'‘([¿¡—–-#@" or _is_emoji(char):
        return True
    return char.islower() and _is_camel(text[index:])


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of short balanced quotations, inside which no sentence ends."""
    regions: list[tuple[int, int]] = []
    for opener, closer in (("«", "»"), ("“", "”")):
        stack: list[int] = []
        for index, char in enumerate(text):
            if char == opener:
                stack.append(index)
            elif char == closer and stack:
                start = stack.pop()
                if not stack and index - start <= QUOTE_KEEP_CHARS:
                    regions.append((start, index))
    # straight quotes: an opening one follows a space or a bracket, a closing one a letter
    opened: int | None = None
    for index, char in enumerate(text):
        if char != '"':
            continue
        before = text[index - 1] if index else " "
        if opened is None and (before.isspace() or before in "([«:'’"):
            opened = index
        elif opened is not None:
            if index - opened <= QUOTE_KEEP_CHARS:
                regions.append((opened, index))
            opened = None
    return regions


def _writes_in_lower_case(body: str) -> bool:
    """Whether the paragraph's writer does not capitalise sentences: its first word is in lower case
    (not ``eDreams`` or ``iPhone``) and so is every letter that follows a sentence's end punctuation
    (forum posts, chat, some scraped social text). A single capital after such punctuation says the
    writer does capitalise.

    >>> _writes_in_lower_case("le cac 40 monte. les banques suivent")
    True
    >>> _writes_in_lower_case("le cac 40 monte. Les banques suivent. puis le luxe")
    False
    """
    first = _WORD.search(body)
    if first is None or not first.group(0).islower():
        return False
    return not any(body[match.end()].isupper() for match in _END.finditer(body) if match.end() < len(body))


def _starts_lower_case_sentence(body: str, index: int, punct: str) -> bool:
    """Whether, in a paragraph written in lower case, the word at ``index`` after ``punct`` starts a
    sentence: a lower-case word (not a web address) after a full stop, ``?`` or ``!``. An ellipsis
    is left out: French writers use it for a pause inside the sentence as often as for its end."""
    if "…" in punct or ".." in punct or not body[index].islower():
        return False
    word = body[index:].split(maxsplit=1)[0]
    return "://" not in word and not word.startswith("www.")


def _sentence_bounds(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of one paragraph, relative to the paragraph.

    In a paragraph written in lower case throughout (:func:`_writes_in_lower_case`), a lower-case
    letter after end punctuation starts a sentence; elsewhere it continues one ("Pourquoi ? parce
    que.").
    """
    quotes = _quote_regions(body)
    lower_case = _writes_in_lower_case(body)

    def quoted(cut: int) -> bool:
        return any(start < cut <= end for start, end in quotes)

    cuts: list[tuple[int, int]] = []  # (end of a sentence, start of the next)
    for match in _END.finditer(body):
        punct_start = match.start("punct")
        next_start = match.end()
        punct = match.group("punct")
        if next_start >= len(body) or not (
            _starts_sentence(body, next_start)
            or (lower_case and _starts_lower_case_sentence(body, next_start, punct))
        ):
            continue
        cut = match.start("space")
        if quoted(cut):
            continue
        if punct == "." and _is_abbreviation(body, punct_start, next_start):
            continue
        # "(...)" and "[…]" mark an elision inside a quotation, not an end
        if ("…" in punct or ".." in punct) and punct_start > 0 and body[punct_start - 1] in "([":
            continue
        cuts.append((cut, next_start))
    # "C'est génial 🚀 Le lancement...": an emoji closes a sentence that has no full stop
    for match in re.finditer(r"\w[^\S\n]*((?:[^\x00-\u24ff\s])+)(\s+)", body):
        run = match.group(1)
        if not all(_is_emoji(c) for c in run):
            continue
        next_start = match.end()
        if _starts_sentence(body, next_start) and not quoted(match.end(1)):
            cuts.append((match.end(1), next_start))
    cuts.sort()
    bounds: list[tuple[int, int]] = []
    start = 0
    for end, next_start in cuts:
        if end <= start:
            continue
        bounds.append((start, end))
        start = next_start
    bounds.append((start, len(body)))
    return [(a, b) for a, b in bounds if body[a:b].strip()]


def _is_abbreviation(body: str, dot: int, following: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial, not a sentence; the next
    word starts at ``following``."""
    # the word just before the dot, as _LAST_WORD.search(body, 0, dot) finds it, but
    # scanning back from the dot: the regex tries every start from 0 (quadratic on a
    # long paragraph)
    end = dot - 1 if dot > 0 and body[dot - 1] == "\n" else dot  # "$" also matches before a final newline
    start = end
    while start > 0 and not body[start - 1].isspace():
        start -= 1
    if start == end:
        return False
    word = body[start:end].lstrip("«“\"'‘([")
    if not word:
        return False
    match = _WORD.match(body, following)
    after = match.group(0) if match else ""
    # initials: "J. K. Rowling", "Elon R. Musk", "M. Dupont"; not "une série A. Elle lève..."
    if len(word) == 1 and word.isalpha():
        return not (word.isupper() and word != "M" and after.lower() in _SENTENCE_OPENERS)
    lower = word.lower()
    # after an elided article too: "l’art. L. 1237-11"
    if (lower[2:] if len(lower) > 2 and lower[1] in "'’" else lower) in AMBIGUOUS_ABBREVIATIONS:
        initial = len(after) == 1 and after.isupper() and body.startswith(".", following + 1)
        return bool(after) and (after[0].isdigit() or after[0].islower() or initial)
    return lower in ABBREVIATIONS


def chunk(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut ``text`` into consecutive pieces that each satisfy ``fits``: whole
    sentences where they fit, else word boundaries, else characters. This is the
    one chunker of stance: every model stage that must respect an input limit
    passes a ``fits`` that counts tokens the way its model will see them, so no
    piece is ever truncated silently.

    Pieces are slices of ``text`` (spacing inside a piece is kept) with their
    outer whitespace stripped; empty text gives no piece.

    >>> chunk("Le CAC 40 monte. Les banques suivent. Le luxe recule.", lambda t: len(t) <= 40)
    ['Le CAC 40 monte. Les banques suivent.', 'Le luxe recule.']
    >>> chunk("anticonstitutionnellement", lambda t: len(t) <= 10)
    ['anticonsti', 'tutionnell', 'ement']
    """
    _check_text(text)
    text = text.strip()
    if not text:
        return []
    if fits(text):
        return [text]
    if not fits(text[0]):
        raise InputError("expected a limit that at least one character fits; got one that fits nothing")
    pieces: list[tuple[int, int]] = []
    for span in segment(text) or [Span(0, len(text), text)]:
        if fits(span.text):
            pieces.append((span.start, span.end))
        else:
            pieces.extend(_split_to_fit(text, span.start, span.end, fits))
    chunks: list[tuple[int, int]] = []
    start, end = pieces[0]
    for a, b in pieces[1:]:
        if fits(text[start:b]):
            end = b
        else:
            chunks.append((start, end))
            start, end = a, b
    chunks.append((start, end))
    return [text[a:b] for a, b in chunks]


def _split_to_fit(text: str, start: int, end: int, fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at word (else character) boundaries into the longest pieces that fit."""
    pieces = []
    while start < end:
        if fits(text[start:end]):
            pieces.append((start, end))
            break
        cuts = [start + match.end() for match in re.finditer(r"\S+", text[start:end])]
        if len(cuts) < 2 or not fits(text[start : cuts[0]]):
            cuts = list(range(start + 1, end + 1))
        low, high = 0, len(cuts) - 1  # binary search for the longest prefix that fits
        while low < high:
            middle = (low + high + 1) // 2
            if fits(text[start : cuts[middle]]):
                low = middle
            else:
                high = middle - 1
        start_next = cuts[low]
        pieces.append((start, start_next))
        start = start_next
        while start < end and text[start].isspace():
            start += 1
    return pieces
