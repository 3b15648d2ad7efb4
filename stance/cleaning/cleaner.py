"""The cleaner: normalise, then run the line steps, keep the reasons."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from tqdm.auto import tqdm

from ..document import Cleaned, Document, Dropped
from ..errors import InputError, UsageError, refuse_keyed, whole_number
from .base import Step
from .comments import Comments
from .dedup import Deduplicate
from .features import line_keys
from .language import FRENCH_OR_UNTOLD, ForeignScriptLines, document_language, is_prose
from .linemodel import LineModel, TreeModel
from .normalise import normalise

EMPTY = "empty document"
NOTHING_LEFT = "no content left after cleaning"
NOT_FRENCH = "not French"
NO_SENTENCE = "no article sentence"


def default_steps(opening_lines: int = 3, line_model: TreeModel | str | Path | None = None) -> list[Step]:
    """The default steps, in order: foreign-script lines, reader comments,
    duplicates, then the line model (furniture rules, then what the model judges
    furniture, then the rules it was trained without). Comments go first so that a comment's "Répondre" line is
    reported as part of the comment, duplicates before the model so that a
    pasted second copy of the article does not look like repeated furniture.
    ``line_model``: another line model than the shipped one, or the folder
    ``stance train-cleaner`` saved it to."""
    if line_model is not None and not isinstance(line_model, TreeModel):
        line_model = TreeModel.load(line_model)
    return [ForeignScriptLines(), Comments(opening_lines=opening_lines), Deduplicate(), LineModel(model=line_model)]


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

    def __init__(
        self,
        steps: Sequence[Step] | None = None,
        *,
        opening_lines: int = 3,
        line_model: TreeModel | str | Path | None = None,
    ) -> None:
        if steps is not None and line_model is not None:
            raise UsageError("line_model= replaces the default steps' line model; with steps= of your own, "
                             "give the LineModel(model=...) among them")
        if steps is not None and not isinstance(steps, str | bytes) and isinstance(steps, Iterable):
            steps = list(steps)
        if steps is not None and (not isinstance(steps, list) or not all(isinstance(step, Step) for step in steps)):
            raise UsageError(f"expected steps to be a list of Step objects (e.g. default_steps() with some left out), "
                             f"got {steps!r:.80}")
        whole_number(opening_lines, "opening_lines", 0)
        self.steps = list(steps) if steps is not None else default_steps(opening_lines, line_model)
        self._line_model = None if line_model is None or isinstance(line_model, TreeModel) else str(line_model)
        # what the model is, not where: a resumed run compares it (the same folder typed another way is the same
        # model; a model retrained in place is another)
        self._line_model_sha256 = None
        if self._line_model is not None:
            from ..io import model_sha256  # all its files, as both engines record a model

            self._line_model_sha256 = model_sha256(self._line_model)
        # The line model keeps caches and, while a batch is cleaned, the batch's line counts: a Cleaner
        # shared by threads cleans one call at a time.
        self._lock = threading.RLock()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_lock")  # a lock does not pickle: each copy gets its own
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        """How run reports name the cleaner: with the line model's folder and the start of its SHA-256 when it
        is not the shipped one."""
        if self._line_model is None:
            return "Cleaner"
        return f"Cleaner (line model {self._line_model}, sha256 {self._line_model_sha256[:12]})"

    @property
    def identity(self) -> str:
        """What a resumed output compares to tell whether the same cleaner made its records: ``"Cleaner"``,
        or the line model's SHA-256 (its content, wherever its folder is and however its path is typed).

        >>> Cleaner().identity
        'Cleaner'
        """
        return "Cleaner" if self._line_model is None else f"Cleaner (line model sha256 {self._line_model_sha256})"

    def clean(self, text: str, doc_id: str | None = None, warnings: Sequence[str] = ()) -> Cleaned:
        """Clean one text; ``warnings`` (what reading it noticed, e.g. a cp1252
        file) are carried into the result and its record."""
        lines = _lines(text)
        if doc_id is not None and not isinstance(doc_id, str):  # as the ids of records are: strings
            doc_id = str(doc_id)
        with self._lock:
            return self._clean_lines(lines, doc_id, tuple(warnings))

    def clean_batch(self, documents: Sequence[Document | str]) -> list[Cleaned]:
        """Clean documents together: the line model also sees how many documents of the
        batch hold each line (a site's furniture repeats across its pages). Documents of the
        same text count once, so that a page found twice in a batch is cleaned as if it were
        there once. Lines are compared with their numbers left out, so a daily report's
        sentences count as shared: a page whose whole article is one such sentence can be
        taken for a site's template; the pages below, of two, are kept (round AU, ``docs/design.md``).

        >>> pages = [f"Le CAC 40 a fini la séance du {n} mars en hausse de {n} %, porté par les banques "
        ...          f"et le luxe.\\n\\nLes volumes ont atteint {n} milliards d'euros, proches de leur moyenne "
        ...          "des trois derniers mois.\\n\\nLes plus lus\\n\\nMentions légales" for n in range(1, 5)]
        >>> [len(c.paragraphs) for c in Cleaner().clean_batch(pages)]
        [2, 2, 2, 2]
        """
        if isinstance(documents, str | bytes):
            raise InputError("expected a list of documents; use clean(text) for a single one")
        refuse_keyed(documents, "a list of documents (texts or stance.Document)")
        docs = [doc if isinstance(doc, Document) else Document(None, doc) for doc in documents]  # type: ignore[arg-type]
        texts = [_lines(doc.text) for doc in docs]
        with self._lock:
            return self._clean_together(docs, texts)

    def _clean_together(self, docs: list[Document], texts: list[list[str]]) -> list[Cleaned]:
        models = [step for step in self.steps if isinstance(step, LineModel)]
        if not models or len(docs) < 2:
            return [self._clean_lines(lines, d.id, tuple(d.warnings)) for d, lines in zip(docs, texts, strict=True)]
        corpus: Counter[str] = Counter()
        distinct = {"\n".join(lines): lines for lines in texts}  # a repeated page is no evidence of furniture
        for lines in distinct.values():
            corpus.update(set(line_keys(lines)))
        for model in models:
            model.set_batch(corpus, len(distinct))
        try:
            return [self._clean_lines(lines, d.id, tuple(d.warnings)) for d, lines in zip(docs, texts, strict=True)]
        finally:
            for model in models:
                model.set_batch(None, 1)

    def _keep(self, lines: list[str]) -> tuple[list[int], dict[int, str]]:
        """The indices of the normalised ``lines`` the steps keep, and each dropped index's reason."""
        kept = list(range(len(lines)))
        reasons: dict[int, str] = {}
        # How many lines each step was last given. Lines are only ever dropped, so a step given as many
        # lines again is given the same lines, and drops nothing more: what a step drops depends only on
        # the lines it is given (see Step). Such a rerun is skipped (a document whose first pass drops
        # nothing is not cleaned twice).
        given = [0] * len(self.steps)
        for number, step in enumerate(self.steps):
            given[number] = len(kept)
            kept = self._apply(step, lines, kept, reasons)
        # Lines dropped by later steps may bring lines together that a step
        # looking at neighbours (comments) now recognises: rerun such steps
        # until nothing changes, so that cleaning a cleaned text changes nothing.
        unstable = [number for number, step in enumerate(self.steps) if not step.monotone]
        while unstable and (before := len(kept)):
            for number in unstable:
                if given[number] != len(kept):
                    given[number] = len(kept)
                    kept = self._apply(self.steps[number], lines, kept, reasons)
            if len(kept) == before:
                break
        return kept, reasons

    def _clean_lines(self, lines: list[str], doc_id: str | None, warnings: tuple[str, ...]) -> Cleaned:
        if not lines:
            return Cleaned(id=doc_id, text="", flags=(EMPTY,), warnings=warnings)
        kept, reasons = self._keep(lines)
        dropped = tuple(Dropped(lines[i], reasons[i]) for i in sorted(reasons))
        body = "\n\n".join(lines[i] for i in kept)
        language = document_language([lines[i] for i in kept])
        flags = []
        if not kept:
            flags.append(NOTHING_LEFT)
        elif language not in FRENCH_OR_UNTOLD:
            flags.append(NOT_FRENCH)
        # Three lines or more and not one line of prose: menus, furniture, a page whose text was lost. (A
        # headline, a standfirst, a tweet are one or two lines.) Its stance is no reading of an article.
        if len(kept) >= 3 and not any(is_prose(lines[i]) for i in kept):
            flags.append(NO_SENTENCE)
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


def _lines(text: str) -> list[str]:
    if not isinstance(text, str):
        hint = "decode bytes first: data.decode('utf-8'), or stance.io.decode(data, name) for any encoding"
        raise InputError(f"expected the text to clean as a str, got {type(text).__name__}"
                         + ("; " + hint if isinstance(text, bytes | bytearray) else ""))
    return [line for line in normalise(text).split("\n") if line]


def clean(text: str, doc_id: str | None = None) -> Cleaned:
    """Clean one text with the default steps.

    >>> clean("Le CAC 40 gagne 1 %.\\n\\n#Bourse #CAC40").text
    'Le CAC 40 gagne 1 %.'
    """
    return Cleaner().clean(text, doc_id=doc_id)
