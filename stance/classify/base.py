"""The one base class of the stance classifiers, the linear head two of them share, and the input checks."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..document import LABELS
from ..encode import check_texts as _check_texts
from ..errors import InputError, StanceError, UnknownModelError, UsageError, whole_number

if TYPE_CHECKING:
    from ..encode import Encoder

log = logging.getLogger("stance")

# The files of a saved head (embedding and lora backends): the head as JSON, and its card.
HEAD_FILE = "head.json"
CARD_FILE = "README.md"
# Head weights are stored with this many decimals; the fitted model keeps the
# same rounding so that save/load gives identical probabilities.
WEIGHT_DECIMALS = 8


def _check_settings(whole: dict[str, object], positive: dict[str, object]) -> None:
    """Refuse training settings of the wrong kind: those of ``whole`` must be whole numbers >= 1,
    those of ``positive`` finite numbers > 0.

    >>> _check_settings({"batch_size": 8}, {"learning_rate": float("inf")})
    Traceback (most recent call last):
    stance.errors.UsageError: expected learning_rate to be a finite number > 0, got inf
    """
    for name, value in whole.items():
        whole_number(value, name)
    for name, value in positive.items():
        if isinstance(value, bool) or not (isinstance(value, int | float) and 0 < value < float("inf")):
            raise UsageError(f"expected {name} to be a finite number > 0, got {value!r}")


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


class HeadStanceClassifier(StanceClassifier):
    """A backend whose last step is a calibrated linear head (``coef_``, ``intercept_``,
    one ``temperature_``) on sentence-encoder features: the ``embedding`` and ``lora``
    backends. A subclass implements :meth:`_features`; the lazily loaded encoder, the
    logits, the probabilities and the head fields every ``head.json`` starts with come
    from here.

    >>> class MeanHead(HeadStanceClassifier):
    ...     backend = "mean"
    ...     def _features(self, texts):
    ...         return np.array([[len(text), 1.0] for text in texts])
    >>> head = MeanHead("e5-small")
    >>> head.coef_, head.intercept_ = np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]), np.zeros(3)
    >>> head.predict_proba("Le titre monte.").round(3)
    array([0.576, 0.212, 0.212])
    """

    head_format: ClassVar[int] = 1

    def __init__(
        self,
        encoder: str | Encoder,
        *,
        device: str = "auto",
        batch_size: int = 32,
        dtype: str | None = None,
        progress: bool | None = None,
    ) -> None:
        self.device = device
        self.batch_size = batch_size
        self.dtype = dtype
        self.progress = progress
        self._encoder: Encoder | None = None if isinstance(encoder, str) else encoder
        self.encoder_name = encoder if isinstance(encoder, str) else encoder.spec.name
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self.temperature_ = 1.0
        self.cv_results_: dict[str, Any] | None = None
        self.training_data_: dict[str, Any] | None = None
        self.trained_: str | None = None

    @property
    def encoder(self) -> Encoder:
        """The sentence encoder (shared with other stages when one was given), loaded on first use."""
        if self._encoder is None:
            from ..encode import Encoder

            self._encoder = Encoder(
                self.encoder_name,
                device=self.device,
                batch_size=self.batch_size,
                dtype=self.dtype,
                progress=self.progress,
            )
        return self._encoder

    @abstractmethod
    def _features(self, texts: list[str]) -> np.ndarray:
        """The head's input features of the texts, ``(n, d)`` float64."""

    def decision_function(self, texts: str | Sequence[str]) -> np.ndarray:
        """Calibrated logits, columns in :data:`LABELS` order (``(3,)`` for a str)."""
        if self.coef_ is None or self.intercept_ is None:
            raise self._not_fitted()
        items, single = _check_texts(texts)
        if not items:
            return np.zeros((0, len(LABELS)))
        logits = self._logits(self._features(items))
        return logits[0] if single else logits

    def _logits(self, features: np.ndarray) -> np.ndarray:
        """Calibrated logits of the features of a fitted head."""
        if features.shape[1] != self.coef_.shape[1]:
            raise StanceError(
                f"the head expects {self.coef_.shape[1]} features but the encoder {self.encoder_name!r} "
                f"gives {features.shape[1]}; load the head with the encoder it was trained with"
            )
        return (features @ self.coef_.T + self.intercept_) / self.temperature_

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Probabilities ``(n, 3)`` in :data:`LABELS` order (``(3,)`` for a str): the softmax
        of :meth:`decision_function`.

        >>> from stance.classify import LoraStanceClassifier
        >>> proba = LoraStanceClassifier.load().predict_proba(["Le titre chute de 20 % après un avertissement."])
        >>> ["bullish", "skeptical", "neutral"][int(proba.argmax())]
        'skeptical'
        """
        return _softmax(self.decision_function(texts))

    def _head_fields(self) -> dict[str, Any]:
        """The fields every saved head starts with: format, backend, labels and encoder."""
        if self.coef_ is None or self.intercept_ is None:
            raise self._not_fitted()
        from ..registry import get_spec

        return {
            "format": self.head_format,
            "backend": self.backend,
            "labels": list(LABELS),
            "encoder": self.encoder_name,
            "encoder_kind": "query",
            "encoder_prefix": get_spec(self.encoder_name).prefix("query"),
        }

    def _weight_fields(self) -> dict[str, Any]:
        """The head's weights and temperature as plain JSON data."""
        if self.coef_ is None or self.intercept_ is None:
            raise self._not_fitted()
        return {"temperature": self.temperature_, "coef": self.coef_.tolist(), "intercept": self.intercept_.tolist()}

    @classmethod
    def _check_head(cls, data: dict[str, Any], head_path: Path, named: bool = False) -> None:
        """Refuse a ``head.json`` of another format, backend or label order (``named``: a folder the
        user gave, so bad usage, exit 2; else the shipped one, a failed run)."""
        expected = (cls.head_format, cls.backend, list(LABELS))
        if (data.get("format"), data.get("backend"), data.get("labels")) != expected:
            raise (UnknownModelError if named else StanceError)(
                f"{head_path}: expected a {cls.backend!r} head of format {cls.head_format} with labels "
                f"{list(LABELS)}, got format {data.get('format')!r}, backend {data.get('backend')!r}, labels "
                f"{data.get('labels')!r}; retrain it with `stance train --backend {cls.backend}`"
            )

    def _set_head(self, data: dict[str, Any]) -> None:
        """Take the weights, temperature and provenance of a saved ``head.json``."""
        self.coef_ = np.array(data["coef"], dtype=np.float64)
        self.intercept_ = np.array(data["intercept"], dtype=np.float64)
        self.temperature_ = float(data["temperature"])
        self.cv_results_ = data.get("cross_validation")
        self.training_data_ = data.get("training_data")
        self.trained_ = data.get("trained")
