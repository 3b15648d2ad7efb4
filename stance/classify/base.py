"""The one base class of the stance classifiers and the input checks they share."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..document import LABELS
from ..errors import InputError, StanceError

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")




def _check_texts(texts: object, what: str = "texts") -> tuple[list[str], bool]:
    """The texts as a list, and whether a single ``str`` was given."""
    if isinstance(texts, str):
        return [texts], True
    if isinstance(texts, bytes) or not isinstance(texts, Iterable):
        raise InputError(f"expected {what} to be a str or a list of str, got {type(texts).__name__}")
    items = list(texts)
    for index, text in enumerate(items):
        if not isinstance(text, str):
            raise InputError(
                f"expected {what} to be str; item {index} is {type(text).__name__} ({text!r:.60}); "
                "decode bytes with .decode('utf-8') first"
            )
    return items, False


def _check_labels(labels: object, count: int) -> np.ndarray:
    """Label names as indices into LABELS."""
    if isinstance(labels, str) or not isinstance(labels, Iterable):
        raise InputError(f"expected labels to be a list of {list(LABELS)}, got {type(labels).__name__}")
    values = list(labels)
    if len(values) != count:
        raise InputError(f"expected one label per text: got {count} texts and {len(values)} labels")
    unknown = sorted({str(value) for value in values if value not in LABELS})
    if unknown:
        raise InputError(f"expected labels among {list(LABELS)}, got {unknown}; fix or drop those examples")
    return np.array([LABELS.index(value) for value in values], dtype=np.int64)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def _log_loss(logits: np.ndarray, y: np.ndarray) -> float:
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_proba = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_proba[np.arange(len(y)), y].mean())


class StanceClassifier(ABC):
    """The base class of every stance backend (scikit-learn style: ``fit``,
    ``predict``, ``predict_proba``, ``save``, ``load``). A backend implements
    :meth:`predict_proba` only; ``predict`` and the checks come from here.

    ``predict_proba`` returns an ``(n, 3)`` array whose columns follow
    :data:`~stance.document.LABELS` (bullish, skeptical, neutral); a ``str`` in
    gives a ``(3,)`` row and ``predict`` a single label.

    >>> import numpy as np
    >>> class AlwaysNeutral(StanceClassifier):
    ...     def predict_proba(self, texts):
    ...         items, single = _check_texts(texts)
    ...         proba = np.tile([0.1, 0.1, 0.8], (len(items), 1))
    ...         return proba[0] if single else proba
    >>> AlwaysNeutral().predict(["Le conseil se réunira le 12 mars."])
    ['neutral']
    """

    backend: ClassVar[str] = ""

    @abstractmethod
    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray: ...

    def predict(self, texts: str | Sequence[str]) -> str | list[str]:
        """The most probable label of each text (a single label for a str).

        >>> from stance.classify import EmbeddingStanceClassifier
        >>> EmbeddingStanceClassifier.load().predict("Le conseil se réunira le 12 mars.")
        'neutral'
        """
        proba = self.predict_proba(texts)
        if proba.ndim == 1:
            return LABELS[int(proba.argmax())]
        return [LABELS[index] for index in proba.argmax(axis=1)]

    def _not_fitted(self) -> StanceError:
        return StanceError(
            f"this {type(self).__name__} is not trained yet; call .fit(texts, labels) or "
            f"{type(self).__name__}.load(path), or run `stance train --backend {self.backend}`"
        )
