"""The one base class of the summarisers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import overload

from ..document import Summary
from ..errors import InputError, refuse_keyed

__all__ = ["Summarizer"]


class Summarizer(ABC):
    """The base class of every summariser: it checks the input and dispatches a
    single text or a batch; a subclass implements :meth:`summarize_batch` only.

    A ``str`` in gives one :class:`~stance.document.Summary` out; a sequence of
    texts gives a list.

    >>> class First(Summarizer):
    ...     def summarize_batch(self, texts):
    ...         return [Summary(text.split(".")[0] + ".", method="first") for text in texts]
    >>> First().summarize("Le CAC 40 monte. Le Dax aussi.").text
    'Le CAC 40 monte.'
    """

    method = "summarizer"

    @overload
    def summarize(self, texts: str) -> Summary: ...

    @overload
    def summarize(self, texts: Sequence[str]) -> list[Summary]: ...

    def summarize(self, texts: str | Sequence[str]) -> Summary | list[Summary]:
        """Summarise one text (gives a :class:`Summary`) or a sequence of texts (a list)."""
        if isinstance(texts, str):
            return self.summarize_batch([texts])[0]
        refuse_keyed(texts, "a str or a list of str to summarise")
        if isinstance(texts, bytes) or not isinstance(texts, Iterable):
            raise InputError(
                f"expected a str or a list of str to summarise, got {type(texts).__name__}; "
                "pass the (cleaned) article texts"
            )
        batch = list(texts)
        for index, text in enumerate(batch):
            if not isinstance(text, str):
                raise InputError(
                    f"expected every text to summarise to be a str, got {type(text).__name__} "
                    f"at index {index}; pass the (cleaned) article texts"
                )
        return self.summarize_batch(batch) if batch else []

    @abstractmethod
    def summarize_batch(self, texts: list[str]) -> list[Summary]:
        """One :class:`Summary` per text, in order."""
