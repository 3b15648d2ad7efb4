"""Records shared by every stage: a raw document in; a cleaned document, a summary
and a stance out; and the stance labels, in the column order of every probability
array and score dict in stance.

>>> LABELS
('bullish', 'skeptical', 'neutral')
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# The stance labels, in the column order of every probability array and score dict.
LABELS: tuple[str, ...] = ("bullish", "skeptical", "neutral")


# "boilerplate (p=0.94)": the line model's reason, counted without its probability
_MODEL_PROBABILITY = re.compile(r" \(p=[0-9.]+\)$")


@dataclass(frozen=True, slots=True)
class Document:
    """A raw document as read from the input.

    ``source`` says where it came from (``file.txt`` or ``file.jsonl:12``) for
    messages; ``warnings`` carries what reading it noticed (e.g. a cp1252 file).

    >>> Document("a1", "Le CAC 40 a clôturé en hausse.").id
    'a1'
    """

    id: str
    text: str
    source: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dropped:
    """One line removed by cleaning, with the reason the rule gave."""

    line: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"line": self.line, "reason": self.reason}

    def __reduce__(self) -> tuple:
        # Cleaning workers send back every dropped line of their batch: this pickles and loads
        # about three times faster than a frozen dataclass's default state.
        return Dropped, (self.line, self.reason)


@dataclass(frozen=True)
class Cleaned:
    """The result of cleaning one document.

    ``text`` holds the kept lines, one paragraph each, separated by a blank
    line. ``dropped`` lists every removed line in document order with its
    reason. ``language`` is the detected language code of the kept text
    (``"und"`` when there is too little text to tell); ``flags`` holds
    document-level findings such as ``"empty document"`` or ``"not French"``.

    >>> from stance import clean
    >>> result = clean("Le titre\\n\\nLire aussi : autre chose")
    >>> result.text, result.dropped[0].reason
    ('Le titre', 'read-also link')
    """

    id: str | None
    text: str
    dropped: tuple[Dropped, ...] = ()
    language: str = "und"
    flags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []

    @property
    def is_french(self) -> bool:
        return self.language == "fr"

    def reasons(self) -> Counter[str]:
        """How many lines each reason removed; the line model's reasons are counted together,
        without their probability.

        >>> dropped = (Dropped("Menu", "boilerplate (p=0.91)"), Dropped("Plus", "boilerplate (p=0.82)"))
        >>> Cleaned("a", "", dropped=dropped).reasons()
        Counter({'boilerplate': 2})
        """
        return Counter(_MODEL_PROBABILITY.sub("", d.reason) for d in self.dropped)

    def to_record(self) -> dict:
        """The JSON record of ``stance clean`` (docs/design.md), plus language, flags and,
        when reading noticed something, warnings.

        >>> Cleaned("a1", "Texte.", warnings=("a1.txt: not valid UTF-8; decoded as cp1252",)).to_record()["warnings"]
        ['a1.txt: not valid UTF-8; decoded as cp1252']
        """
        record = {
            "id": self.id,
            "text": self.text,
            "dropped": [d.to_dict() for d in self.dropped],
            "language": self.language,
            "flags": list(self.flags),
        }
        if self.warnings:
            record["warnings"] = list(self.warnings)
        return record


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence chosen for an extractive summary, with its offsets in the summarised
    text (``text[start:end] == sentence.text``) and the score that chose it."""

    start: int
    end: int
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "score": round(self.score, 6)}


@dataclass(frozen=True)
class Summary:
    """The summary of one document.

    ``sentences`` holds the chosen sentences, in document order, for extractive
    summaries (empty for abstractive ones); ``method`` names what made it.

    >>> Summary("Le CAC 40 a progressé.", method="lead").to_record("a1")
    {'id': 'a1', 'summary': 'Le CAC 40 a progressé.'}
    """

    text: str
    sentences: tuple[SummarySentence, ...] = ()
    method: str = ""

    def to_record(self, doc_id: str | None) -> dict[str, Any]:
        """The JSON record of ``stance summarize`` (docs/design.md), plus the chosen
        sentences with offsets and scores when there are any."""
        record: dict[str, Any] = {"id": doc_id, "summary": self.text}
        if self.sentences:
            record["sentences"] = [sentence.to_dict() for sentence in self.sentences]
        return record


@dataclass(frozen=True)
class PassageStance:
    """One passage of a document with its probabilities and its weight in the document."""

    text: str
    label: str
    scores: dict[str, float]
    weight: float


@dataclass(frozen=True)
class DocumentStance:
    """The stance of a document: its label, a probability for each label, and the
    passages that support the label (up to three) followed by the strongest
    passage for the other side, when there is one.

    >>> DocumentStance("neutral", {"bullish": 0.1, "skeptical": 0.1, "neutral": 0.8}, ("Le conseil se réunit.",)
    ...                ).to_record()["label"]
    'neutral'
    """

    label: str
    scores: dict[str, float]
    evidence: tuple[str, ...] = ()
    counter_evidence: str | None = None
    passages: tuple[PassageStance, ...] = field(default=(), repr=False)

    def to_record(self) -> dict[str, Any]:
        """The ``stance`` object of ``stance classify`` and ``stance run`` (docs/design.md)."""
        return {
            "label": self.label,
            "scores": {label: round(float(self.scores[label]), 6) for label in LABELS},
            "evidence": list(self.evidence),
        }
