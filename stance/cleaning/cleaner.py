"""The cleaner: normalise, then run the line steps, keep the reasons."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from tqdm.auto import tqdm

from ..document import Cleaned, Document, Dropped
from ..errors import InputError
from .base import Step
from .boilerplate import Boilerplate
from .comments import Comments
from .dedup import Deduplicate
from .language import ForeignScriptLines, detect_language
from .normalise import normalise

EMPTY = "empty document"
NOTHING_LEFT = "no content left after cleaning"
NOT_FRENCH = "not French"


def default_steps(opening_lines: int = 3) -> list[Step]:
    """The default steps, in order: foreign-script lines, reader comments,
    site furniture, duplicates. Comments go before furniture so that a
    comment's "Répondre" line is reported as part of the comment."""
    return [ForeignScriptLines(), Comments(opening_lines=opening_lines), Boilerplate(), Deduplicate()]


class Cleaner:
    """Turns scraped article text into clean article text, saying what it dropped and why.

    The text is normalised (:func:`~stance.cleaning.normalise.normalise`), split
    into non-empty lines, and each step drops lines from what the previous
    steps kept. The result holds the kept lines, one paragraph each,
    separated by a blank line; cleaning a cleaned text changes nothing.
    Counting reasons over many documents is :class:`stance.pipeline.RunStats`' job.

    >>> cleaner = Cleaner()
    >>> result = cleaner.clean("Le Nasdaq recule.\\n\\nPartager\\n\\nLe Nasdaq recule.")
    >>> result.text, [d.reason for d in result.dropped]
    ('Le Nasdaq recule.', ['share or reaction button', 'duplicate line'])
    """

    def __init__(self, steps: Sequence[Step] | None = None, *, opening_lines: int = 3) -> None:
        self.steps = list(steps) if steps is not None else default_steps(opening_lines)

    def clean(self, text: str, doc_id: str | None = None, warnings: Sequence[str] = ()) -> Cleaned:
        """Clean one text; ``warnings`` (what reading it noticed, e.g. a cp1252
        file) are carried into the result and its record."""
        if not isinstance(text, str):
            hint = "decode bytes first: data.decode('utf-8'), or stance.io.decode(data, name) for any encoding"
            raise InputError(f"expected the text to clean as a str, got {type(text).__name__}"
                             + ("; " + hint if isinstance(text, bytes | bytearray) else ""))
        warnings = tuple(warnings)
        lines = [line for line in normalise(text).split("\n") if line]
        if not lines:
            return Cleaned(id=doc_id, text="", flags=(EMPTY,), warnings=warnings)
        kept = list(range(len(lines)))
        reasons: dict[int, str] = {}
        for step in self.steps:
            kept = self._apply(step, lines, kept, reasons)
        # Lines dropped by later steps may bring lines together that a step
        # looking at neighbours (comments) now recognises: rerun such steps
        # until nothing changes, so that cleaning a cleaned text changes nothing.
        unstable = [step for step in self.steps if not step.monotone]
        while unstable and (before := len(kept)):
            for step in unstable:
                kept = self._apply(step, lines, kept, reasons)
            if len(kept) == before:
                break
        dropped = tuple(Dropped(lines[i], reasons[i]) for i in sorted(reasons))
        body = "\n\n".join(lines[i] for i in kept)
        language = detect_language(body)
        flags = []
        if not kept:
            flags.append(NOTHING_LEFT)
        elif language not in ("fr", "und"):
            flags.append(NOT_FRENCH)
        return Cleaned(id=doc_id, text=body, dropped=dropped, language=language, flags=tuple(flags),
                       warnings=warnings)

    @staticmethod
    def _apply(step: Step, lines: list[str], kept: list[int], reasons: dict[int, str]) -> list[int]:
        """Run ``step`` on the kept lines; record its reasons; return what stays kept."""
        drops = step.find([lines[i] for i in kept])
        if not drops:
            return kept
        reasons.update((kept[i], reason) for i, reason in drops.items())
        return [original for i, original in enumerate(kept) if i not in drops]

    def clean_many(self, documents: Iterable[Document | str], progress: bool | None = None) -> Iterator[Cleaned]:
        """Clean a stream of documents (or plain strings), with a progress bar.

        >>> [c.text for c in Cleaner().clean_many(["Un.", "Deux."], progress=False)]
        ['Un.', 'Deux.']
        """
        for doc in tqdm(documents, desc="cleaning", unit="doc", disable=None if progress is None else not progress):
            if isinstance(doc, Document):
                yield self.clean(doc.text, doc_id=doc.id, warnings=doc.warnings)
            else:
                yield self.clean(doc)


def clean(text: str, doc_id: str | None = None) -> Cleaned:
    """Clean one text with the default steps.

    >>> clean("Le CAC 40 gagne 1 %.\\n\\n#Bourse #CAC40").text
    'Le CAC 40 gagne 1 %.'
    """
    return Cleaner().clean(text, doc_id=doc_id)
