"""Backend ``embedding``: encoder sentence embeddings and a logistic-regression head (the fast baseline)."""

from __future__ import annotations

import datetime
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..document import LABELS
from ..errors import InputError, ModelNotAvailableError, StanceError, UnknownModelError, UsageError, whole_number
from ..segmentation import split_sentences
from .base import CARD_FILE, HEAD_FILE, WEIGHT_DECIMALS, HeadStanceClassifier, _check_labels, _check_texts
from .card import _write_atomic, _write_json, head_card
from .selection import C_GRID, CALIBRATIONS, _fit_logreg, _nested_estimate, _search

if TYPE_CHECKING:
    from ..encode import Encoder

log = logging.getLogger("stance")


HEAD_FORMAT = 1


def default_head_dir() -> Path:
    """The shipped default head: ``stance/models/stance-head`` inside the package.

    >>> (default_head_dir() / "head.json").is_file()
    True
    """
    from ..registry import shipped

    return shipped("stance-head")


class EmbeddingStanceClassifier(HeadStanceClassifier):
    """Sentence embeddings (an :class:`~stance.encode.Encoder`, ``e5-small`` by
    default, with its "query: " prefix) and a multinomial logistic-regression head.

    Features are the embedding of the passage, optionally joined with the
    embedding of its last sentence (French argument puts the conclusion last:
    "certes ..., mais ..."). Hyper-parameters left as ``None`` are chosen in
    :meth:`fit` by stratified ``folds``-fold cross-validation on the training
    texts only: ``C`` from :data:`C_GRID`, ``last_sentence`` and ``calibration``
    ("none" or "temperature": one temperature fitted on out-of-fold logits), by
    cross-validated log-loss. :attr:`cv_results_` then holds the grid and a
    nested cross-validated estimate of the whole procedure.

    Prediction needs only numpy and the encoder: the head is a JSON file.

    >>> head = EmbeddingStanceClassifier().fit(texts, labels)     # doctest: +SKIP
    >>> head.predict_proba(["Le titre s'envole, c'est le moment d'acheter."]).round(2)  # doctest: +SKIP
    array([[0.91, 0.04, 0.05]])
    """

    backend = "embedding"
    head_format = HEAD_FORMAT

    def __init__(
        self,
        encoder: str | Encoder = "e5-small",
        *,
        C: float | None = None,
        last_sentence: bool | None = None,
        calibration: str | None = None,
        folds: int = 5,
        random_state: int = 0,
        device: str = "auto",
        batch_size: int = 32,
        dtype: str | None = None,
        progress: bool | None = None,
    ) -> None:
        if C is not None and not C > 0:
            raise UsageError(f"expected C > 0 (inverse regularisation strength), got {C!r}")
        if calibration is not None and calibration not in CALIBRATIONS:
            raise UsageError(
                f"expected calibration among {list(CALIBRATIONS)} or None (chosen by CV), got {calibration!r}"
            )
        whole_number(folds, "folds", 2)
        super().__init__(encoder, device=device, batch_size=batch_size, dtype=dtype, progress=progress)
        self.C = C
        self.last_sentence = last_sentence
        self.calibration = calibration
        self.folds = folds
        self.random_state = random_state
        self.C_: float | None = None
        self.last_sentence_: bool | None = None
        self.calibration_: str | None = None

    def __repr__(self) -> str:
        state = (
            f"C={self.C_}, last_sentence={self.last_sentence_}, temperature={self.temperature_:.3f}"
            if self.coef_ is not None
            else "not fitted"
        )
        return f"EmbeddingStanceClassifier({self.encoder_name!r}, {state})"

    # features -----------------------------------------------------------------

    def _embed(self, texts: list[str], with_last: bool,
               passage: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """Passage embeddings (``passage`` when already computed) and, when asked,
        last-sentence embeddings (float64). The encoder's bar counts the windows it runs, so it
        advances inside a text longer than the model's limit (one window per item); this head's
        ``progress`` switches it on or off, also on an encoder shared with other stages (``None``:
        the encoder's own setting)."""
        progress = self.progress
        full = np.asarray(self.encoder.encode(texts, kind="query", progress=progress) if passage is None else passage,
                          dtype=np.float64)
        if not with_last:
            return full, None
        last = full.copy()
        pending: dict[int, str] = {}
        for index, text in enumerate(texts):
            sentences = split_sentences(text)
            # A one-sentence passage is its own last sentence: its vector is reused.
            if len(sentences) > 1:
                pending[index] = sentences[-1]
        if pending:
            encoded = self.encoder.encode(list(pending.values()), kind="query", progress=progress)
            last[list(pending)] = np.asarray(encoded, dtype=np.float64)
        return full, last

    def _features(self, texts: list[str], passage: np.ndarray | None = None) -> np.ndarray:
        """The head's features; ``passage``: the passages' embeddings when already computed (the
        lora backend's shared pass, :meth:`LoraStanceClassifier.aggregation_proba`)."""
        full, last = self._embed(texts, bool(self.last_sentence_), passage)
        return full if last is None else np.hstack([full, last])

    # fit ----------------------------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> EmbeddingStanceClassifier:
        """Embed ``texts``, choose the hyper-parameters left as ``None`` by
        cross-validation, and fit the head on all the texts.

        >>> EmbeddingStanceClassifier(folds=5).fit(*load_training_data()).C_     # doctest: +SKIP
        10.0
        """
        from threadpoolctl import threadpool_limits

        items, _ = _check_texts(texts)
        y = _check_labels(labels, len(items))
        counts = np.bincount(y, minlength=len(LABELS))
        # Nested CV: the inner folds of every outer training fold need each label too.
        needed = 2 * self.folds
        if counts.min() < needed:
            raise InputError(
                f"expected at least {needed} examples of each label for nested {self.folds}-fold "
                f"cross-validation; got {dict(zip(LABELS, counts.tolist(), strict=True))}. "
                "Add examples of the smaller labels (or, in Python, pass a lower folds=)"
            )
        wants_last = [False, True] if self.last_sentence is None else [bool(self.last_sentence)]
        full, last = self._embed(items, True in wants_last)
        features = {False: full} if last is None else {True: np.hstack([full, last])}
        if False in wants_last:
            features[False] = full
        grid = [(flag, C) for flag in wants_last for C in ((self.C,) if self.C is not None else C_GRID)]
        calibrations = CALIBRATIONS if self.calibration is None else (self.calibration,)
        # Parallel BLAS on these small matrices is slower than one thread, by far on a busy machine.
        with threadpool_limits(limits=1):
            chosen, table = _search(features, y, grid, calibrations, self.folds, self.random_state)
            nested = _nested_estimate(features, y, grid, calibrations, self.folds, self.random_state)
            coef, intercept = _fit_logreg(features[chosen["last_sentence"]], y, chosen["C"])
        self.coef_ = np.round(coef, WEIGHT_DECIMALS)
        self.intercept_ = np.round(intercept, WEIGHT_DECIMALS)
        self.temperature_ = round(chosen["temperature"], WEIGHT_DECIMALS)
        self.C_ = chosen["C"]
        self.last_sentence_ = chosen["last_sentence"]
        self.calibration_ = chosen["calibration"]
        self.cv_results_ = {"folds": self.folds, "random_state": self.random_state, "grid": table, "nested": nested}
        self.trained_ = datetime.date.today().isoformat()
        return self

    # persistence --------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The head as plain JSON data (weights, hyper-parameters, scores, provenance)."""
        header = self._head_fields()
        import sklearn
        import transformers

        from .. import __version__

        return {
            **header,
            "features": ["passage", "last_sentence"] if self.last_sentence_ else ["passage"],
            "hyperparameters": {"C": self.C_, "last_sentence": self.last_sentence_, "calibration": self.calibration_},
            **self._weight_fields(),
            "trained": self.trained_,
            "training_data": self.training_data_,
            "cross_validation": self.cv_results_,
            "versions": {"stance": __version__, "scikit-learn": sklearn.__version__,
                         "transformers": transformers.__version__},
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write ``head.json`` and its card ``README.md`` into the folder ``path``;
        returns the folder. (The shipped head is replaced only by saving into
        ``stance/models/stance-head`` on purpose.)

        >>> head.save("/tmp/my-head")                                 # doctest: +SKIP
        PosixPath('/tmp/my-head')
        """
        folder = Path(path)
        data = self.to_dict()
        folder.mkdir(parents=True, exist_ok=True)
        # head.json goes first and comes back last: a save cut short leaves a folder that does not load,
        # never a new head beside an old card (or a half-written card beside a head that loads)
        card = head_card(data)
        (folder / HEAD_FILE).unlink(missing_ok=True)
        _write_atomic(folder / CARD_FILE, card)
        _write_json(folder / HEAD_FILE, data)
        return folder

    @classmethod
    def load(
        cls,
        path: str | os.PathLike | None = None,
        *,
        encoder: str | Encoder | None = None,
        device: str = "auto",
        batch_size: int = 32,
        dtype: str | None = None,
        progress: bool | None = None,
    ) -> EmbeddingStanceClassifier:
        """A head saved by :meth:`save` (default: the shipped head, :func:`default_head_dir`).

        ``encoder`` overrides the encoder named in the head (an :class:`Encoder`
        instance can be shared with other stages); it must give the same vectors.

        >>> EmbeddingStanceClassifier.load().encoder_name
        'e5-small'
        """
        folder = Path(path) if path is not None else default_head_dir()
        head_path = folder / HEAD_FILE if folder.is_dir() or not folder.suffix else folder
        if not head_path.is_file():
            error = ModelNotAvailableError if path is None else UnknownModelError  # a wrong argument is usage
            raise error(
                f"no trained stance head at {folder} (expected {head_path}); train one with "
                "`stance train --backend embedding` (about a minute on a CPU), or pass the folder of a saved head"
            )
        try:
            data = json.loads(head_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            wrong = UnknownModelError if path is not None else StanceError  # a file the user named is usage
            raise wrong(f"{head_path}: cannot read the head ({error}); expected the head.json that `stance train "
                        "--backend embedding --out DIR` writes (retrain it, or pass the folder of a saved head)"
                        ) from error
        cls._check_head(data, head_path, named=path is not None)
        hyper = data["hyperparameters"]
        model = cls(
            encoder if encoder is not None else data["encoder"],
            C=hyper["C"], last_sentence=hyper["last_sentence"], calibration=hyper["calibration"],
            device=device, batch_size=batch_size, dtype=dtype, progress=progress,
        )
        model._set_head(data)
        model.C_, model.last_sentence_, model.calibration_ = hyper["C"], hyper["last_sentence"], hyper["calibration"]
        return model
