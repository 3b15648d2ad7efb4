"""Backend ``zero-shot``: any NLI model, one French hypothesis per label."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..document import LABELS
from ..errors import InputError, ModelNotAvailableError, StanceError, UsageError, whole_number
from .base import WEIGHT_DECIMALS, _check_labels, _check_texts, _softmax
from .transformer import META_FILE, _CheckpointStanceClassifier, _SequenceModel

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")


DEFAULT_HYPOTHESES = {
    "bullish": "Le ton de ce texte est optimiste sur les perspectives.",
    "skeptical": "Le ton de ce texte est sceptique sur les perspectives.",
    "neutral": "Le ton de ce texte est neutre et factuel.",
}


class ZeroShotStanceClassifier(_CheckpointStanceClassifier):
    """Stance by natural-language inference: each passage is the premise and each
    label has a French hypothesis; the label probabilities are the softmax of the
    three entailment logits. ``model`` is any NLI checkpoint whose config names
    an "entailment" label (``mdeberta-xnli`` by default).

    :meth:`fit` is optional: it calibrates the three entailment logits into label
    probabilities with a small logistic regression on labelled passages (the
    NLI model itself is not changed).

    >>> ZeroShotStanceClassifier("mdeberta-xnli", device="cuda").predict(["Vendez tout."])  # doctest: +SKIP
    ['skeptical']
    """

    backend = "zero-shot"

    def __init__(
        self,
        model: str = "mdeberta-xnli",
        *,
        hypotheses: dict[str, str] | None = None,
        batch_size: int = 16,
        max_length: int | None = None,
        device: str = "auto",
        dtype: str | None = None,
        progress: bool | None = None,
    ) -> None:
        chosen = dict(DEFAULT_HYPOTHESES if hypotheses is None else hypotheses)
        if sorted(chosen) != sorted(LABELS) or not all(isinstance(v, str) and v.strip() for v in chosen.values()):
            raise UsageError(
                f"expected one non-empty French hypothesis for each of {list(LABELS)}, got {hypotheses!r}"
            )
        whole_number(batch_size, "batch_size")
        self.model = str(model)
        self.hypotheses = {label: chosen[label] for label in LABELS}
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.dtype = dtype
        self.progress = progress
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self._runner: _SequenceModel | None = None
        self._entailment: int | None = None

    def __repr__(self) -> str:
        return f"ZeroShotStanceClassifier({self.model!r}, calibrated={self.coef_ is not None})"

    def _load(self) -> _SequenceModel:
        if self._runner is None:
            from ..registry import get_spec, locate

            runner = _SequenceModel(locate(self.model), get_spec(self.model), self.device, self.dtype,
                                    self.max_length)
            self._entailment = _entailment_index(runner.network.config, self.model)
            self._runner = runner
        return self._runner

    def entailment_logits(self, texts: str | Sequence[str]) -> np.ndarray:
        """``(n, 3)`` entailment logits of each text with each label's hypothesis, in :data:`LABELS` order."""
        items, single = _check_texts(texts)
        if not items:
            return np.zeros((0, len(LABELS)))
        runner = self._load()
        logits = runner.logits(items, [self.hypotheses[label] for label in LABELS], self.batch_size,
                               self.progress, "zero-shot stance")
        result = logits[:, :, self._entailment]
        return result[0] if single else result

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> ZeroShotStanceClassifier:
        """Calibrate the entailment logits on labelled passages (a 3x3 logistic regression).

        >>> ZeroShotStanceClassifier().fit(*load_training_data())  # doctest: +SKIP
        """
        from sklearn.linear_model import LogisticRegression

        items, _ = _check_texts(texts)
        y = _check_labels(labels, len(items))
        if len(set(y.tolist())) < len(LABELS):
            raise InputError(f"expected examples of each of {list(LABELS)} to calibrate on")
        head = LogisticRegression(C=1.0, max_iter=5000).fit(self.entailment_logits(items), y)
        self.coef_ = np.round(head.coef_, WEIGHT_DECIMALS)
        self.intercept_ = np.round(head.intercept_, WEIGHT_DECIMALS)
        return self

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Probabilities ``(n, 3)`` in :data:`LABELS` order (``(3,)`` for a str)."""
        logits = self.entailment_logits(texts)
        if self.coef_ is not None and self.intercept_ is not None:
            logits = logits @ self.coef_.T + self.intercept_
        return _softmax(logits)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the settings (model reference, hypotheses, calibration) to ``path/stance-classifier.json``."""
        meta = {
            "backend": self.backend, "labels": list(LABELS), "model": self.model, "hypotheses": self.hypotheses,
            "max_length": self.max_length,
            "calibration": None if self.coef_ is None or self.intercept_ is None
            else {"coef": self.coef_.tolist(), "intercept": self.intercept_.tolist()},
        }
        return self._save_meta(path, meta)

    @classmethod
    def _from_meta(
        cls,
        reference: str,
        meta: dict[str, Any] | None,
        *,
        device: str,
        dtype: str | None,
        batch_size: int,
        progress: bool | None,
    ) -> ZeroShotStanceClassifier:
        """A zero-shot classifier saved by :meth:`save`; without its settings file, a clear error."""
        meta_path = Path(reference) / META_FILE
        if meta is None:
            raise ModelNotAvailableError(
                f"expected a folder saved by ZeroShotStanceClassifier.save with {META_FILE}, got {reference}; "
                "pass an NLI model to ZeroShotStanceClassifier(model) instead"
            )
        if meta.get("backend") != cls.backend:
            raise StanceError(f"{meta_path}: expected a zero-shot classifier, got backend {meta.get('backend')!r}")
        model = cls(meta["model"], hypotheses=meta["hypotheses"], max_length=meta.get("max_length"),
                    device=device, dtype=dtype, batch_size=batch_size, progress=progress)
        if meta.get("calibration"):
            model.coef_ = np.array(meta["calibration"]["coef"], dtype=np.float64)
            model.intercept_ = np.array(meta["calibration"]["intercept"], dtype=np.float64)
        return model


def _entailment_index(config: Any, reference: str) -> int:
    names = {str(name).strip().lower(): int(index) for name, index in (config.label2id or {}).items()}
    if "entailment" not in names:
        names = {str(name).strip().lower(): int(index) for index, name in (config.id2label or {}).items()}
    if "entailment" not in names:
        raise ModelNotAvailableError(
            f"{reference}: expected an NLI model whose config names an 'entailment' label, got labels "
            f"{sorted(names)}; use an NLI checkpoint such as mdeberta-xnli "
            "(MoritzLaurer/mDeBERTa-v3-base-mnli-xnli)"
        )
    return names["entailment"]
