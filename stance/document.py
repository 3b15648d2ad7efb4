"""Records shared by every stage: a raw document in, a cleaned document out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


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
        """How many lines each reason removed."""
        return Counter(d.reason for d in self.dropped)

    def to_record(self) -> dict:
        """The JSON record of ``stance clean`` (DESIGN.md), plus language and flags."""
        return {
            "id": self.id,
            "text": self.text,
            "dropped": [d.to_dict() for d in self.dropped],
            "language": self.language,
            "flags": list(self.flags),
        }
