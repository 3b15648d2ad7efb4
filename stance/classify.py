"""Stance of French articles toward the prospects they discuss: bullish, skeptical or neutral.

Three backends share one protocol (:class:`StanceClassifier`, scikit-learn style:
``fit``, ``predict``, ``predict_proba``, ``save``, ``load``) and classify passages:

- :class:`EmbeddingStanceClassifier` (the offline default): ``e5-small`` sentence
  embeddings and a logistic-regression head trained on ``models/training/stance_fr.jsonl``,
  saved as a small JSON artefact in ``models/stance-head/`` with its card.
- :class:`TransformerStanceClassifier`: fine-tunes any ``AutoModelForSequenceClassification``.
- :class:`ZeroShotStanceClassifier`: any NLI model, one French hypothesis per label.

:func:`classify_document` cuts a cleaned article into passages, classifies them
and weighs them into a document label with its scores and evidence.

>>> from stance.classify import EmbeddingStanceClassifier, classify_document
>>> classifier = EmbeddingStanceClassifier.load()                # models/stance-head
>>> classifier.predict(["Nous relevons notre objectif de cours : le titre reste à l'achat."])
['bullish']
>>> classify_document(article_text, classifier).label          # doctest: +SKIP
'skeptical'
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import math
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from .errors import InputError, ModelNotAvailableError, StanceError
from .metrics import STANCE_LABELS, classification_scores
from .segment import count_words, split_paragraphs, split_sentences

if TYPE_CHECKING:
    from .document import Document
    from .encode import Encoder

log = logging.getLogger("stance")

__all__ = [
    "LABELS",
    "DocumentStance",
    "EmbeddingStanceClassifier",
    "PassageStance",
    "StanceClassifier",
    "TransformerStanceClassifier",
    "ZeroShotStanceClassifier",
    "aggregate",
    "classify_document",
    "classify_documents",
    "load_classifier",
    "load_training_data",
    "split_passages",
    "stance_records",
    "train_classifier",
]

# The column order of every probability array and score dict in stance.
LABELS: tuple[str, ...] = STANCE_LABELS
BACKENDS = ("embedding", "transformer", "zero-shot")

# Passages are cut to the length range of the training passages (15 to 90 words),
# the inputs the default head has learnt from.
PASSAGE_MAX_WORDS = 90
# A passage of this many words or more carries full weight in a document; a
# shorter one (a heading, a one-line caption) proportionally less, because
# its probabilities rest on little text.
FULL_WEIGHT_WORDS = 15
# How much the neutral probability mass counts against the opinionated mass when
# passages are weighed into a document label (see classify_document). Set from the
# default head's out-of-fold probabilities on the training set (never the eval set):
# an opinionated passage gives its side 0.65 on average, a factual one gives neutral
# 0.76 and each side 0.12. With 0.5 a side wins once about one passage in three
# argues it (0.42 would make it one in four, 0.36 one in five), while the 14 % of
# factual passages that the head misreads as opinions do not turn a factual article.
NEUTRAL_WEIGHT = 0.5

HEAD_FILE = "head.json"
CARD_FILE = "README.md"
META_FILE = "stance-classifier.json"
HEAD_FORMAT = 1
# Hyper-parameter grid of the default head, searched by stratified cross-validation.
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
CALIBRATIONS = ("none", "temperature")
# Head weights are stored with this many decimals; the fitted model keeps the
# same rounding so that save/load gives identical probabilities.
WEIGHT_DECIMALS = 8

DEFAULT_HYPOTHESES = {
    "bullish": "Le ton de ce texte est optimiste sur les perspectives.",
    "skeptical": "Le ton de ce texte est sceptique sur les perspectives.",
    "neutral": "Le ton de ce texte est neutre et factuel.",
}


def default_head_dir() -> Path:
    """Where the default embedding head lives: ``models/stance-head``."""
    from .registry import models_dir

    return models_dir() / "stance-head"


def default_training_file() -> Path:
    """The hand-labelled training set: ``models/training/stance_fr.jsonl``."""
    from .registry import models_dir

    return models_dir() / "training" / "stance_fr.jsonl"


# --------------------------------------------------------------------------------------
# Protocol and shared checks


@runtime_checkable
class StanceClassifier(Protocol):
    """What every stance backend provides (scikit-learn style).

    ``predict_proba`` returns an ``(n, 3)`` array whose columns follow
    :data:`LABELS` (bullish, skeptical, neutral); a ``str`` in gives a ``(3,)``
    row and ``predict`` a single label.

    >>> isinstance(EmbeddingStanceClassifier.load(), StanceClassifier)
    True
    """

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> StanceClassifier: ...

    def predict(self, texts: str | Sequence[str]) -> str | list[str]: ...

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray: ...

    def save(self, path: str | os.PathLike) -> Path: ...

    @classmethod
    def load(cls, path: str | os.PathLike) -> StanceClassifier: ...


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


class _Classifier(ABC):
    """Shared behaviour: ``predict`` from ``predict_proba``, a single str in gives one result."""

    backend: ClassVar[str] = ""

    @abstractmethod
    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray: ...

    def predict(self, texts: str | Sequence[str]) -> str | list[str]:
        """The most probable label of each text (a single label for a str).

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


def load_training_data(path: str | os.PathLike | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels of a JSONL training set (``{"text", "label", ...}`` per line).

    Only ``text`` and ``label`` are read: the other fields describe the examples
    and must never become features.

    >>> texts, labels = load_training_data()          # models/training/stance_fr.jsonl
    >>> len(texts), sorted(set(labels))
    (540, ['bullish', 'neutral', 'skeptical'])
    """
    source = Path(path) if path is not None else default_training_file()
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the training set ({error}); expected a UTF-8 JSONL file", str(source)) from error
    texts: list[str] = []
    labels: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"not valid JSON ({error.msg}); expected {{\"text\", \"label\"}}", where) from error
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError("expected an object with a str 'text'", where)
        if record.get("label") not in LABELS:
            raise InputError(f"expected 'label' among {list(LABELS)}, got {record.get('label')!r}", where)
        texts.append(record["text"])
        labels.append(record["label"])
    if not texts:
        raise InputError("the training set holds no example", str(source))
    return texts, labels


def _training_data_info(path: Path, labels: Sequence[str]) -> dict[str, Any]:
    from .registry import models_dir

    root = models_dir().parent
    try:
        shown = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        shown = str(path.resolve())
    return {
        "file": shown,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "examples": len(labels),
        "counts": {label: sum(1 for value in labels if value == label) for label in LABELS},
    }


# --------------------------------------------------------------------------------------
# Backend 1: encoder embeddings + logistic regression (the offline default)


class EmbeddingStanceClassifier(_Classifier):
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
            raise InputError(f"expected C > 0 (inverse regularisation strength), got {C!r}")
        if calibration is not None and calibration not in CALIBRATIONS:
            raise InputError(
                f"expected calibration among {list(CALIBRATIONS)} or None (chosen by CV), got {calibration!r}"
            )
        if not isinstance(folds, int) or folds < 2:
            raise InputError(f"expected folds to be a whole number >= 2, got {folds!r}")
        self.C = C
        self.last_sentence = last_sentence
        self.calibration = calibration
        self.folds = folds
        self.random_state = random_state
        self.device = device
        self.batch_size = batch_size
        self.dtype = dtype
        self.progress = progress
        self._encoder: Encoder | None = None if isinstance(encoder, str) else encoder
        self.encoder_name = encoder if isinstance(encoder, str) else encoder.spec.name
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self.temperature_ = 1.0
        self.C_: float | None = None
        self.last_sentence_: bool | None = None
        self.calibration_: str | None = None
        self.cv_results_: dict[str, Any] | None = None
        self.training_data_: dict[str, Any] | None = None
        self.trained_: str | None = None

    def __repr__(self) -> str:
        state = (
            f"C={self.C_}, last_sentence={self.last_sentence_}, temperature={self.temperature_:.3f}"
            if self.coef_ is not None
            else "not fitted"
        )
        return f"EmbeddingStanceClassifier({self.encoder_name!r}, {state})"

    @property
    def encoder(self) -> Encoder:
        """The sentence encoder, loaded on first use."""
        if self._encoder is None:
            from .encode import Encoder

            self._encoder = Encoder(
                self.encoder_name, device=self.device, batch_size=self.batch_size, dtype=self.dtype,
                progress=self.progress,
            )
        return self._encoder

    # features -----------------------------------------------------------------

    def _embed(self, texts: list[str], with_last: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Passage embeddings and, when asked, last-sentence embeddings (float64)."""
        full = np.asarray(self.encoder.encode(texts, kind="query"), dtype=np.float64)
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
            encoded = self.encoder.encode(list(pending.values()), kind="query")
            last[list(pending)] = np.asarray(encoded, dtype=np.float64)
        return full, last

    def _features(self, texts: list[str]) -> np.ndarray:
        full, last = self._embed(texts, bool(self.last_sentence_))
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
                "Add examples or lower folds"
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

    # predict ------------------------------------------------------------------

    def decision_function(self, texts: str | Sequence[str]) -> np.ndarray:
        """Calibrated logits, columns in :data:`LABELS` order."""
        if self.coef_ is None or self.intercept_ is None:
            raise self._not_fitted()
        items, single = _check_texts(texts)
        if not items:
            return np.zeros((0, len(LABELS)))
        features = self._features(items)
        if features.shape[1] != self.coef_.shape[1]:
            raise StanceError(
                f"the head expects {self.coef_.shape[1]} features but the encoder {self.encoder_name!r} "
                f"gives {features.shape[1]}; load the head with the encoder it was trained with"
            )
        logits = (features @ self.coef_.T + self.intercept_) / self.temperature_
        return logits[0] if single else logits

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Probabilities ``(n, 3)`` in :data:`LABELS` order (``(3,)`` for a str).

        >>> EmbeddingStanceClassifier.load().predict_proba(["Le titre va s'effondrer, vendez."]).argmax()
        1
        """
        return _softmax(self.decision_function(texts))

    # persistence --------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The head as plain JSON data (weights, hyper-parameters, scores, provenance)."""
        if self.coef_ is None or self.intercept_ is None:
            raise self._not_fitted()
        import sklearn
        import transformers

        from . import __version__
        from .registry import get_spec

        return {
            "format": HEAD_FORMAT,
            "backend": self.backend,
            "labels": list(LABELS),
            "encoder": self.encoder_name,
            "encoder_kind": "query",
            "encoder_prefix": get_spec(self.encoder_name).prefix("query"),
            "features": ["passage", "last_sentence"] if self.last_sentence_ else ["passage"],
            "hyperparameters": {"C": self.C_, "last_sentence": self.last_sentence_, "calibration": self.calibration_},
            "temperature": self.temperature_,
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_.tolist(),
            "trained": self.trained_,
            "training_data": self.training_data_,
            "cross_validation": self.cv_results_,
            "versions": {"stance": __version__, "scikit-learn": sklearn.__version__,
                         "transformers": transformers.__version__},
        }

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write ``head.json`` and its card ``README.md`` into the folder ``path``
        (default ``models/stance-head``); returns the folder.

        >>> head.save("/tmp/my-head")                                 # doctest: +SKIP
        PosixPath('/tmp/my-head')
        """
        folder = Path(path) if path is not None else default_head_dir()
        data = self.to_dict()
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(folder / HEAD_FILE, data)
        _write_atomic(folder / CARD_FILE, head_card(data))
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
        """A head saved by :meth:`save` (default: the committed ``models/stance-head``).

        ``encoder`` overrides the encoder named in the head (an :class:`Encoder`
        instance can be shared with other stages); it must give the same vectors.

        >>> EmbeddingStanceClassifier.load().encoder_name
        'e5-small'
        """
        folder = Path(path) if path is not None else default_head_dir()
        head_path = folder / HEAD_FILE if folder.is_dir() or not folder.suffix else folder
        if not head_path.is_file():
            raise ModelNotAvailableError(
                f"no trained stance head at {folder} (expected {head_path}); train one with "
                "`stance train --backend embedding` (about a minute on a CPU), or pass the folder of a saved head"
            )
        try:
            data = json.loads(head_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise StanceError(f"{head_path}: cannot read the head ({error}); retrain it with `stance train`") from error
        expected = (HEAD_FORMAT, cls.backend, list(LABELS))
        if (data.get("format"), data.get("backend"), data.get("labels")) != expected:
            raise StanceError(
                f"{head_path}: expected an embedding head of format {HEAD_FORMAT} with labels {list(LABELS)}, "
                f"got format {data.get('format')!r}, backend {data.get('backend')!r}, labels {data.get('labels')!r}; "
                "retrain it with `stance train --backend embedding`"
            )
        hyper = data["hyperparameters"]
        model = cls(
            encoder if encoder is not None else data["encoder"],
            C=hyper["C"], last_sentence=hyper["last_sentence"], calibration=hyper["calibration"],
            device=device, batch_size=batch_size, dtype=dtype, progress=progress,
        )
        model.coef_ = np.array(data["coef"], dtype=np.float64)
        model.intercept_ = np.array(data["intercept"], dtype=np.float64)
        model.temperature_ = float(data["temperature"])
        model.C_, model.last_sentence_, model.calibration_ = hyper["C"], hyper["last_sentence"], hyper["calibration"]
        model.cv_results_ = data.get("cross_validation")
        model.training_data_ = data.get("training_data")
        model.trained_ = data.get("trained")
        return model


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _write_json(path: Path, data: dict) -> None:
    """The one JSON layout of every artefact stance writes here (UTF-8, diff-friendly)."""
    _write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _fit_logreg(X: np.ndarray, y: np.ndarray, C: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(X, y)
    return model.coef_, model.intercept_


def _oof_logits(X: np.ndarray, y: np.ndarray, C: float, folds: int, seed: int) -> np.ndarray:
    """Out-of-fold logits of a stratified ``folds``-fold cross-validation."""
    from sklearn.model_selection import StratifiedKFold

    logits = np.zeros((len(y), len(LABELS)))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y):
        coef, intercept = _fit_logreg(X[train], y[train], C)
        logits[test] = X[test] @ coef.T + intercept
    return logits


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature T minimising the log-loss of softmax(logits / T)."""
    from scipy.optimize import minimize_scalar

    result = minimize_scalar(
        lambda log_t: _log_loss(logits / math.exp(log_t), y),
        bounds=(math.log(0.05), math.log(20.0)), method="bounded", options={"xatol": 1e-6},
    )
    return float(math.exp(result.x))


def _search(
    features: dict[bool, np.ndarray],
    y: np.ndarray,
    grid: list[tuple[bool, float]],
    calibrations: Sequence[str],
    folds: int,
    seed: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Cross-validate every (last_sentence, C) and calibration; the choice has the
    lowest out-of-fold log-loss (a proper score of the probabilities that the
    document aggregation uses; less noisy than macro-F1 on a few hundred examples)."""
    table = []
    best: dict[str, Any] | None = None
    for last_sentence, C in grid:
        logits = _oof_logits(features[last_sentence], y, C, folds, seed)
        predicted = logits.argmax(axis=1)
        scores = classification_scores([LABELS[i] for i in y], [LABELS[i] for i in predicted])
        row: dict[str, Any] = {
            "last_sentence": last_sentence, "C": C,
            "macro_f1": round(scores["macro_f1"], 4), "accuracy": round(scores["accuracy"], 4),
            "log_loss": round(_log_loss(logits, y), 4),
        }
        options = []
        if "none" in calibrations:
            options.append(("none", 1.0, _log_loss(logits, y)))
        if "temperature" in calibrations:
            temperature = _fit_temperature(logits, y)
            row["temperature"] = round(temperature, 4)
            row["log_loss_temperature"] = round(_log_loss(logits / temperature, y), 4)
            options.append(("temperature", temperature, _log_loss(logits / temperature, y)))
        table.append(row)
        for calibration, temperature, loss in options:
            if best is None or loss < best["log_loss"] - 1e-9:
                best = {"last_sentence": last_sentence, "C": C, "calibration": calibration,
                        "temperature": temperature, "log_loss": loss}
    if best is None:
        raise StanceError("expected at least one hyper-parameter setting and one calibration to search")
    return best, table


def _nested_estimate(
    features: dict[bool, np.ndarray],
    y: np.ndarray,
    grid: list[tuple[bool, float]],
    calibrations: Sequence[str],
    folds: int,
    seed: int,
) -> dict[str, Any]:
    """Scores of the whole procedure (search + fit) on held-out folds: every outer
    training fold runs its own inner search, so no score has seen its test fold."""
    from sklearn.model_selection import StratifiedKFold
    from tqdm.auto import tqdm

    proba = np.zeros((len(y), len(LABELS)))
    choices = []
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(features[grid[0][0]], y))
    for train, test in tqdm(splits, desc="nested cross-validation", unit="fold", disable=None):
        inner = {flag: matrix[train] for flag, matrix in features.items()}
        chosen, _ = _search(inner, y[train], grid, calibrations, folds, seed)
        X = features[chosen["last_sentence"]]
        coef, intercept = _fit_logreg(X[train], y[train], chosen["C"])
        proba[test] = _softmax((X[test] @ coef.T + intercept) / chosen["temperature"])
        choices.append({key: chosen[key] for key in ("last_sentence", "C", "calibration")})
    predicted = proba.argmax(axis=1)
    scores = classification_scores([LABELS[i] for i in y], [LABELS[i] for i in predicted])
    return {
        "macro_f1": round(scores["macro_f1"], 4),
        "accuracy": round(scores["accuracy"], 4),
        "log_loss": round(float(-np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, None)).mean()), 4),
        "per_class_f1": {label: round(scores["per_class"][label]["f1"], 4) for label in LABELS},
        "confusion_matrix": scores["confusion_matrix"],
        "fold_choices": choices,
    }


def head_card(data: dict[str, Any]) -> str:
    """The model card (Markdown) of a saved embedding head."""
    hyper = data["hyperparameters"]
    cv = data.get("cross_validation") or {}
    nested = cv.get("nested") or {}
    training = data.get("training_data") or {}
    lines = [
        "# Default stance head (`EmbeddingStanceClassifier`)",
        "",
        "Generated by `stance train --backend embedding`; retraining rewrites this card and `head.json`.",
        "",
        "Classifies a French passage as **bullish**, **skeptical** or **neutral** toward the prospects it "
        "discusses: sentence embeddings from the encoder below and a multinomial logistic-regression head. "
        "`head.json` holds everything needed to predict (weights, intercepts, temperature, labels in the order "
        f"{', '.join(data['labels'])}) as plain JSON; no pickle.",
        "",
        "## Model",
        "",
        f"- Encoder: `{data['encoder']}`, mean-pooled, L2-normalised, inputs prefixed with "
        f"`{data['encoder_prefix']!s}` (the E5 prefix for classification and similarity tasks).",
        f"- Features: {' + '.join(data['features'])} embedding"
        + (" (the last sentence carries the conclusion of a French argument: \"certes ..., mais ...\")."
           if "last_sentence" in data["features"] else "."),
        f"- Head: logistic regression, C = {hyper['C']}, calibration: {hyper['calibration']}"
        + (f" (temperature {data['temperature']:.4f}, fitted on out-of-fold logits)."
           if hyper["calibration"] == "temperature" else "."),
        f"- Trained on {data.get('trained')}.",
        "",
        "## Training data",
        "",
    ]
    if training:
        counts = training.get("counts", {})
        lines += [
            f"- File: `{training.get('file')}`",
            f"- sha256: `{training.get('sha256')}`",
            f"- {training.get('examples')} passages: "
            + ", ".join(f"{label} {counts.get(label, 0)}" for label in data["labels"]),
            "- Only `text` and `label` are used; `domain`, `register` and `difficulty` are never features.",
        ]
    else:
        lines.append("- Not recorded (the head was fitted in code, not by `stance train`).")
    lines += ["", "## Cross-validated scores (training set only)", ""]
    if nested:
        per_class = nested.get("per_class_f1", {})
        lines += [
            f"Nested stratified {cv.get('folds')}-fold cross-validation (shuffled, random_state "
            f"{cv.get('random_state')}): each outer training fold chooses its own hyper-parameters by an inner "
            "cross-validation, so these scores never saw the passages they score.",
            "",
            "| metric | value |",
            "|---|---:|",
            f"| macro-F1 | {nested.get('macro_f1', float('nan')):.4f} |",
            f"| accuracy | {nested.get('accuracy', float('nan')):.4f} |",
            f"| log-loss | {nested.get('log_loss', float('nan')):.4f} |",
            *[f"| F1 {label} | {per_class.get(label, float('nan')):.4f} |" for label in data["labels"]],
            "",
            "Confusion matrix (rows gold, columns predicted, order " + ", ".join(data["labels"]) + "): "
            f"`{nested.get('confusion_matrix')}`.",
            "",
        ]
    grid = cv.get("grid") or []
    if grid:
        lines += [
            f"Hyper-parameter search ({cv.get('folds')}-fold cross-validation on all training passages; "
            "the choice has the lowest log-loss over both calibrations):",
            "",
            "| last sentence | C | macro-F1 | accuracy | log-loss | temperature | log-loss (temperature) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in grid:
            lines.append(
                f"| {'yes' if row['last_sentence'] else 'no'} | {row['C']} | {row['macro_f1']:.4f} | "
                f"{row['accuracy']:.4f} | {row['log_loss']:.4f} | {row.get('temperature', '')} | "
                f"{row.get('log_loss_temperature', '')} |"
            )
        lines.append("")
    lines += [
        "## Caveats",
        "",
        "- The eval set (`eval/`) was never used to train, tune or choose anything here: every choice was made "
        "by cross-validation on the training set. Scores on the eval set are measured by `stance eval` only.",
        "- The training passages are short (15 to 90 words) and hand-written for this project; documents are "
        "classified passage by passage and the passages weighed (see `stance.classify.classify_document`).",
        "- Cross-validated scores on 540 passages carry an uncertainty of a few points.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Backends 2 and 3: Hugging Face sequence classifiers


def _max_tokens(spec: Any, tokenizer: Any, config: Any, requested: int | None) -> int:
    """The most tokens (special tokens included) one forward pass may take."""
    capacity = getattr(config, "max_position_embeddings", None)
    if capacity is not None and config.model_type in ("roberta", "xlm-roberta", "camembert"):
        capacity -= (config.pad_token_id or 0) + 1  # RoBERTa numbers positions from padding_idx + 1
    tokenizer_limit = tokenizer.model_max_length if tokenizer.model_max_length < 100_000 else None
    limits = [value for value in (requested, spec.max_input_tokens, tokenizer_limit, capacity) if value]
    return int(min(limits)) if limits else 512


def _label_order(config: Any, path: str) -> list[int]:
    """For each of LABELS, the index of the model output that gives it."""
    names = {str(name).strip().lower(): int(index) for index, name in (config.id2label or {}).items()}
    missing = [label for label in LABELS if label not in names]
    if missing:
        raise ModelNotAvailableError(
            f"{path}: expected a stance model whose labels are {list(LABELS)}, got "
            f"{sorted(names)}; fine-tune it first with `stance train --backend transformer --model {path}`"
        )
    return [names[label] for label in LABELS]


def _chunks(text: str, count: Any, budget: int) -> list[str]:
    """``text`` cut on sentence boundaries (word boundaries inside a sentence
    too long on its own) into pieces of at most ``budget`` tokens by ``count``."""
    if count(text) <= budget:
        return [text]
    pieces: list[str] = []
    for sentence in split_sentences(text) or [text]:
        tokens = count(sentence)
        if tokens <= budget:
            pieces.append(sentence)
            continue
        words = sentence.split()
        parts = math.ceil(tokens / budget) + 1
        size = max(1, math.ceil(len(words) / parts))
        pieces.extend(" ".join(words[i : i + size]) for i in range(0, len(words), size))
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for piece in pieces:
        tokens = count(piece)
        if current and used + tokens > budget:
            chunks.append(" ".join(current))
            current, used = [], 0
        current.append(piece)
        used += tokens
    if current:
        chunks.append(" ".join(current))
    return chunks


class _SequenceModel:
    """A Hugging Face sequence-classification model on a device, with a batched
    forward pass over (first, second) text pairs that never truncates silently:
    a first text too long for the model is cut into chunks whose logits are
    averaged, weighted by their token counts."""

    def __init__(self, path: str, spec: Any, device: str, dtype: str | None, max_length: int | None,
                 prefix: str = "", **load_options: Any) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from .runtime import resolve_device, resolve_dtype

        self.path = path
        self.spec = spec
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(self.device, dtype, bf16_ok=spec.bf16_ok, fp16_ok=spec.fp16_ok)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        # fp32 weights and autocast for bf16/fp16: one path for training and inference.
        self.network = AutoModelForSequenceClassification.from_pretrained(path, **load_options).to(self.device)
        self.network.eval()
        if self.tokenizer.pad_token is None and self.tokenizer.eos_token is not None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
            self.network.config.pad_token_id = self.tokenizer.eos_token_id
        self.prefix = prefix
        self.max_length = _max_tokens(spec, self.tokenizer, self.network.config, max_length)

    def autocast(self) -> Any:
        import torch

        if self.dtype == torch.float32:
            return nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.dtype)

    def count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def encode(self, first: list[str], second: list[str] | None = None) -> list[dict]:
        args = ([self.prefix + text for text in first],) if second is None else (
            [self.prefix + text for text in first], second)
        encoded = self.tokenizer(*args, truncation="only_first" if second is not None else True,
                                 max_length=self.max_length, verbose=False)
        keys = [key for key in ("input_ids", "attention_mask", "token_type_ids") if key in encoded]
        return [{key: encoded[key][row] for key in keys} for row in range(len(first))]

    def batch(self, features: list[dict]) -> dict[str, Any]:
        padded = self.tokenizer.pad(features, return_tensors="pt")
        return {key: value.to(self.device) for key, value in padded.items()}

    def logits(self, first: list[str], seconds: Sequence[str] | None, batch_size: int, progress: bool | None,
               desc: str) -> np.ndarray:
        """``(len(first), len(seconds) or 1, num_labels)`` logits: every first text
        paired with every second text (or alone when ``seconds`` is None)."""
        from .runtime import batched_map

        reserve = self.tokenizer.num_special_tokens_to_add(pair=seconds is not None)
        reserve += max((self.count(text) for text in seconds), default=0) if seconds else 0
        reserve += self.count(self.prefix) if self.prefix else 0
        budget = self.max_length - reserve
        if budget < 8:
            raise StanceError(
                f"{self.spec.name} takes {self.max_length} tokens, which leaves {budget} for the text after the "
                "special tokens, prefix and hypothesis; use shorter hypotheses or a model with a longer input"
            )
        units: list[tuple[int, int, str, str | None]] = []  # (owner, column, chunk, second)
        for owner, text in enumerate(first):
            for chunk in _chunks(text, self.count, budget):
                for column, second in enumerate(seconds if seconds is not None else [None]):
                    units.append((owner, column, chunk, second))
        firsts = [unit[2] for unit in units]
        encoded = self.encode(firsts, None if seconds is None else [str(unit[3]) for unit in units])

        def run(batch: list[dict]) -> list[np.ndarray]:
            with self.autocast():
                output = self.network(**self.batch(batch)).logits
            return list(output.float().cpu().numpy())

        rows = batched_map(run, encoded, batch_size=batch_size, length=lambda item: len(item["input_ids"]),
                           desc=desc, progress=progress)
        columns = len(seconds) if seconds is not None else 1
        sums = np.zeros((len(first), columns, self.network.config.num_labels))
        weights = np.zeros((len(first), columns, 1))
        for (owner, column, _, _), item, row in zip(units, encoded, rows, strict=True):
            size = len(item["input_ids"])
            sums[owner, column] += size * row
            weights[owner, column] += size
        return sums / np.maximum(weights, 1)


class TransformerStanceClassifier(_Classifier):
    """Fine-tunes any ``AutoModelForSequenceClassification`` checkpoint (a registry
    name such as ``e5-small``, a hub id such as ``xlm-roberta-base`` or
    ``camembert-base``, or a local folder) into a three-label stance classifier.

    A plain PyTorch loop: AdamW, linear warm-up and decay, gradient clipping,
    ``gradient_accumulation_steps``, and on a GPU bf16 autocast (fp16 with loss
    scaling if asked) over fp32 weights; seeded, so a run is repeatable on the
    same device. Training texts longer than the model's input are truncated;
    prediction never truncates (long texts are chunked).

    >>> model = TransformerStanceClassifier("xlm-roberta-base", epochs=3).fit(texts, labels)  # doctest: +SKIP
    >>> model.save("runs/xlmr-stance")                                                        # doctest: +SKIP
    """

    backend = "transformer"

    def __init__(
        self,
        model: str = "e5-small",
        *,
        epochs: float = 3,
        learning_rate: float = 3e-5,
        batch_size: int = 16,
        gradient_accumulation_steps: int = 1,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.1,
        max_length: int | None = None,
        seed: int = 0,
        device: str = "auto",
        dtype: str | None = None,
        progress: bool | None = None,
    ) -> None:
        for name, value in (("epochs", epochs), ("learning_rate", learning_rate)):
            if not value > 0:
                raise InputError(f"expected {name} > 0, got {value!r}")
        for name, value in (("batch_size", batch_size), ("gradient_accumulation_steps", gradient_accumulation_steps)):
            if not isinstance(value, int) or value < 1:
                raise InputError(f"expected {name} to be a whole number >= 1, got {value!r}")
        if not 0 <= warmup_ratio < 1:
            raise InputError(f"expected warmup_ratio in [0, 1), got {warmup_ratio!r}")
        self.model = str(model)
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.max_length = max_length
        self.seed = seed
        self.device = device
        self.dtype = dtype
        self.progress = progress
        self._runner: _SequenceModel | None = None
        self._order: list[int] | None = None
        self.history_: list[float] = []
        self.trained_: str | None = None

    def __repr__(self) -> str:
        return f"TransformerStanceClassifier({self.model!r}, {'fitted' if self._runner else 'not fitted'})"

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TransformerStanceClassifier:
        """Fine-tune the checkpoint on ``texts``/``labels``; ``history_`` holds the mean loss of each epoch.

        >>> TransformerStanceClassifier("camembert-base", device="cuda").fit(texts, labels)  # doctest: +SKIP
        """
        import torch
        from tqdm.auto import tqdm
        from transformers import get_linear_schedule_with_warmup, set_seed

        from .registry import get_spec, locate

        items, _ = _check_texts(texts)
        y = _check_labels(labels, len(items))
        if not items:
            raise InputError("expected at least one training text, got none")
        set_seed(self.seed)
        spec = get_spec(self.model)
        runner = _SequenceModel(
            locate(self.model), spec, self.device, self.dtype, self.max_length, prefix=spec.prefix("query"),
            num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
            label2id={label: index for index, label in enumerate(LABELS)},
            # a checkpoint with another classification head gets a fresh three-label one
            ignore_mismatched_sizes=True,
        )
        network = runner.network
        features = runner.encode(items)
        per_epoch = math.ceil(len(items) / self.batch_size)
        total = max(1, math.ceil(per_epoch * self.epochs / self.gradient_accumulation_steps))
        decay = [p for n, p in network.named_parameters() if p.ndim > 1 and "norm" not in n.lower()]
        no_decay = [p for n, p in network.named_parameters() if not (p.ndim > 1 and "norm" not in n.lower())]
        optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": self.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=self.learning_rate,
        )
        schedule = get_linear_schedule_with_warmup(optimizer, round(self.warmup_ratio * total), total)
        scaler = torch.amp.GradScaler(runner.device.type, enabled=runner.dtype == torch.float16)
        generator = torch.Generator().manual_seed(self.seed)
        targets = torch.as_tensor(y)
        network.train()
        self.history_ = []
        batches_left = math.ceil(per_epoch * self.epochs)
        micro = 0
        with tqdm(total=batches_left, desc=f"fine-tuning {spec.name}", unit="batch",
                  disable=(not self.progress) if self.progress is not None else None) as bar:
            while batches_left > 0:
                order = torch.randperm(len(items), generator=generator).tolist()
                losses = []
                for start in range(0, len(order), self.batch_size):
                    if batches_left == 0:
                        break
                    rows = order[start : start + self.batch_size]
                    inputs = runner.batch([features[row] for row in rows])
                    with runner.autocast():
                        loss = network(**inputs, labels=targets[rows].to(runner.device)).loss
                    scaler.scale(loss / self.gradient_accumulation_steps).backward()
                    micro += 1
                    batches_left -= 1
                    if micro % self.gradient_accumulation_steps == 0 or batches_left == 0:
                        scaler.unscale_(optimizer)
                        torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                        scaler.step(optimizer)
                        scaler.update()
                        schedule.step()
                        optimizer.zero_grad(set_to_none=True)
                    losses.append(float(loss.detach().float().cpu()))
                    bar.update(1)
                self.history_.append(float(np.mean(losses)))
        network.eval()
        self._runner = runner
        self._order = list(range(len(LABELS)))
        self.trained_ = datetime.date.today().isoformat()
        return self

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Probabilities ``(n, 3)`` in :data:`LABELS` order (``(3,)`` for a str).

        >>> TransformerStanceClassifier.load("runs/xlmr-stance").predict_proba(["Vendez."]).shape  # doctest: +SKIP
        (1, 3)
        """
        if self._runner is None or self._order is None:
            raise self._not_fitted()
        items, single = _check_texts(texts)
        if not items:
            return np.zeros((0, len(LABELS)))
        logits = self._runner.logits(items, None, self.batch_size, self.progress, "classifying stance")[:, 0, :]
        proba = _softmax(logits[:, self._order])
        return proba[0] if single else proba

    def save(self, path: str | os.PathLike) -> Path:
        """``save_pretrained`` of the model and tokenizer into ``path``, plus stance's settings."""
        if self._runner is None:
            raise self._not_fitted()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self._runner.network.save_pretrained(folder)
        self._runner.tokenizer.save_pretrained(folder)
        meta = {
            "backend": self.backend, "labels": list(LABELS), "base_model": self.model,
            "prefix": self._runner.prefix, "max_length": self._runner.max_length, "trained": self.trained_,
            "training": {key: getattr(self, key) for key in (
                "epochs", "learning_rate", "batch_size", "gradient_accumulation_steps", "weight_decay",
                "warmup_ratio", "seed")},
            "history": self.history_,
        }
        _write_json(folder / META_FILE, meta)
        return folder

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        *,
        device: str = "auto",
        dtype: str | None = None,
        batch_size: int = 16,
        progress: bool | None = None,
    ) -> TransformerStanceClassifier:
        """A fine-tuned stance checkpoint: one saved by :meth:`save`, or any
        sequence classifier whose labels are bullish, skeptical and neutral.

        >>> TransformerStanceClassifier.load("runs/xlmr-stance", device="cuda")  # doctest: +SKIP
        """
        from .registry import get_spec, locate

        reference = str(path)
        folder = Path(reference)
        meta: dict[str, Any] = {}
        if (folder / META_FILE).is_file():
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        spec = get_spec(reference)
        prefix = meta.get("prefix", spec.prefix("query"))
        model = cls(meta.get("base_model", reference), device=device, dtype=dtype, batch_size=batch_size,
                    progress=progress)
        runner = _SequenceModel(locate(reference), spec, device, dtype, meta.get("max_length"), prefix=prefix)
        model._order = _label_order(runner.network.config, reference)
        model._runner = runner
        model.history_ = list(meta.get("history", []))
        model.trained_ = meta.get("trained")
        return model


class ZeroShotStanceClassifier(_Classifier):
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
            raise InputError(
                f"expected one non-empty French hypothesis for each of {list(LABELS)}, got {hypotheses!r}"
            )
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InputError(f"expected batch_size to be a whole number >= 1, got {batch_size!r}")
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
            from .registry import get_spec, locate

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
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "backend": self.backend, "labels": list(LABELS), "model": self.model, "hypotheses": self.hypotheses,
            "max_length": self.max_length,
            "calibration": None if self.coef_ is None or self.intercept_ is None
            else {"coef": self.coef_.tolist(), "intercept": self.intercept_.tolist()},
        }
        _write_json(folder / META_FILE, meta)
        return folder

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        *,
        device: str = "auto",
        dtype: str | None = None,
        batch_size: int = 16,
        progress: bool | None = None,
    ) -> ZeroShotStanceClassifier:
        """A zero-shot classifier saved by :meth:`save`.

        >>> ZeroShotStanceClassifier.load("runs/zero-shot")  # doctest: +SKIP
        """
        meta_path = Path(path) / META_FILE
        if not meta_path.is_file():
            raise ModelNotAvailableError(
                f"expected a folder saved by ZeroShotStanceClassifier.save with {META_FILE}, got {path}; "
                "pass an NLI model to ZeroShotStanceClassifier(model) instead"
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
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


# --------------------------------------------------------------------------------------
# Documents: passages, weighing, evidence


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
        """The ``stance`` object of ``stance classify`` and ``stance run`` (DESIGN.md)."""
        return {
            "label": self.label,
            "scores": {label: round(float(self.scores[label]), 6) for label in LABELS},
            "evidence": list(self.evidence),
        }


def split_passages(text: str, max_words: int = PASSAGE_MAX_WORDS) -> list[str]:
    """The passages of a cleaned document: its paragraphs, with a paragraph longer
    than ``max_words`` cut on sentence boundaries into parts of at most that many
    words (a single longer sentence stays whole; the models chunk it).

    >>> split_passages("Titre\\n\\nLe CAC 40 gagne 1 %. Les banques montent.", max_words=5)
    ['Titre', 'Le CAC 40 gagne 1 %.', 'Les banques montent.']
    """
    if not isinstance(text, str):
        raise InputError(f"expected the document text to be a str, got {type(text).__name__}")
    if max_words < 1:
        raise InputError(f"expected max_words >= 1, got {max_words!r}")
    passages: list[str] = []
    for paragraph in split_paragraphs(text):
        body = paragraph.text.strip()
        if not body:
            continue
        if count_words(body) <= max_words:
            passages.append(body)
            continue
        current: list[str] = []
        words = 0
        for sentence in split_sentences(body):
            size = count_words(sentence)
            if current and words + size > max_words:
                passages.append(" ".join(current))
                current, words = [], 0
            current.append(sentence)
            words += size
        if current:
            passages.append(" ".join(current))
    return passages


def _passage_weight(text: str) -> float:
    return min(1.0, count_words(text) / FULL_WEIGHT_WORDS)


def aggregate(passages: Sequence[str], proba: np.ndarray, *, neutral_weight: float = NEUTRAL_WEIGHT) -> DocumentStance:
    """Weigh passage probabilities into a document stance (see :func:`classify_document`).

    >>> passages = ["Achetez ce titre, la croissance du groupe va durer des années.", "Vendez."]
    >>> aggregate(passages, np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1]])).label   # the one-word passage weighs little
    'bullish'
    """
    if not 0 < neutral_weight:
        raise InputError(f"expected neutral_weight > 0, got {neutral_weight!r}")
    if len(passages) == 0:
        return DocumentStance("neutral", {"bullish": 0.0, "skeptical": 0.0, "neutral": 1.0})
    proba = np.asarray(proba, dtype=np.float64).reshape(len(passages), len(LABELS))
    weights = np.array([_passage_weight(text) for text in passages])
    if weights.sum() <= 0:  # only word-less passages (symbols, numbers): weigh them equally
        weights = np.ones(len(passages))
    mass = weights @ proba
    mass[2] *= neutral_weight
    scores = mass / mass.sum()
    neutral = LABELS.index("neutral")
    best = int(scores.argmax())
    # a tie between the sides, or with the neutral mass, is no stance
    if scores[neutral] >= scores[best] - 1e-12 or abs(scores[0] - scores[1]) <= 1e-12:
        best = neutral
    label = LABELS[best]
    passage_labels = proba.argmax(axis=1)
    contribution = weights[:, None] * proba
    # Support: the passages that weigh most for the label, among those that vote for it.
    voters = [i for i in range(len(passages)) if passage_labels[i] == best] or list(range(len(passages)))
    support = sorted(voters, key=lambda i: (-contribution[i, best], i))[:3]
    # The other side: the opposite side of an opinion, or the strongest opinion of a neutral document.
    others = [1 - best] if best != neutral else [0, 1]
    rivals = [(contribution[i, side], i) for i in range(len(passages)) for side in others
              if passage_labels[i] == side and i not in support]
    counter = max(rivals, key=lambda item: (item[0], -item[1]))[1] if rivals else None
    evidence = [passages[i] for i in support] + ([passages[counter]] if counter is not None else [])
    details = tuple(
        PassageStance(text, LABELS[int(passage_labels[i])],
                      {name: float(proba[i, k]) for k, name in enumerate(LABELS)}, float(weights[i]))
        for i, text in enumerate(passages)
    )
    return DocumentStance(
        label,
        {name: float(scores[k]) for k, name in enumerate(LABELS)},
        tuple(evidence),
        passages[counter] if counter is not None else None,
        details,
    )


def classify_documents(
    documents: Sequence[str | Sequence[str]],
    classifier: StanceClassifier,
    *,
    neutral_weight: float = NEUTRAL_WEIGHT,
    max_words: int = PASSAGE_MAX_WORDS,
) -> list[DocumentStance]:
    """The stance of each document (a cleaned text, or a list of its passages).

    All passages of the batch go through the classifier in one call, so the
    model sees full batches.

    >>> [d.label for d in classify_documents([text_a, text_b], EmbeddingStanceClassifier.load())]  # doctest: +SKIP
    ['bullish', 'neutral']
    """
    if isinstance(documents, str):
        raise InputError("expected a list of documents; use classify_document for a single one")
    split = [split_passages(doc, max_words) if isinstance(doc, str) else _check_texts(doc, "passages")[0]
             for doc in documents]
    flat = [passage for passages in split for passage in passages]
    proba = classifier.predict_proba(flat) if flat else np.zeros((0, len(LABELS)))
    proba = np.asarray(proba).reshape(len(flat), len(LABELS))
    results = []
    start = 0
    for passages in split:
        results.append(aggregate(passages, proba[start : start + len(passages)], neutral_weight=neutral_weight))
        start += len(passages)
    return results


def classify_document(
    text_or_passages: str | Sequence[str],
    classifier: StanceClassifier,
    *,
    neutral_weight: float = NEUTRAL_WEIGHT,
    max_words: int = PASSAGE_MAX_WORDS,
) -> DocumentStance:
    """The stance of one cleaned document (or of its passages, already cut).

    The document is cut into passages (:func:`split_passages`) and each is
    classified. A passage weighs by its length (full weight from
    :data:`FULL_WEIGHT_WORDS` words). The document scores are the weighted sums
    of the passage probabilities, with the neutral sum multiplied by
    ``neutral_weight``, normalised; the label is the highest score. So a
    document takes a side when that side's weighted mass exceeds
    ``neutral_weight`` times the neutral mass and the other side's mass: a
    factual document stays neutral, opinionated passages that disagree are
    decided by their balance, and an even balance is neutral. With the default
    0.5, a document in which about one passage in three argues a side clearly
    (and none argues the other) takes that side; see :data:`NEUTRAL_WEIGHT`.

    >>> result = classify_document(cleaned_text, EmbeddingStanceClassifier.load())   # doctest: +SKIP
    >>> result.label, result.evidence[0][:30]                                         # doctest: +SKIP
    ('skeptical', 'Derrière les annonces, la dette')
    """
    return classify_documents([text_or_passages], classifier, neutral_weight=neutral_weight, max_words=max_words)[0]


def stance_records(
    documents: Sequence[Document],
    classifier: StanceClassifier,
    *,
    clean: bool = True,
    neutral_weight: float = NEUTRAL_WEIGHT,
) -> list[dict[str, Any]]:
    """Output records ``{"id", "stance": {...}}`` of ``stance classify`` for a batch
    of raw documents, cleaned first unless ``clean`` is False (reader comments are
    removed by cleaning and never count).

    >>> from stance.document import Document
    >>> stance_records([Document("a1", "Le CAC 40 a fini à 7 500 points.")], EmbeddingStanceClassifier.load())[0]["id"]
    'a1'
    """
    if clean:
        from .clean import Cleaner

        cleaner = Cleaner()
        texts = [cleaner.clean(doc.text, doc_id=doc.id).text for doc in documents]
    else:
        texts = [doc.text for doc in documents]
    results = classify_documents(texts, classifier, neutral_weight=neutral_weight)
    return [{"id": doc.id, "stance": result.to_record()} for doc, result in zip(documents, results, strict=True)]


# --------------------------------------------------------------------------------------
# Loading and training by backend name (the CLI's entry points)


def _check_backend(backend: str) -> str:
    name = str(backend).strip().lower().replace("_", "-")
    if name == "zeroshot":
        name = "zero-shot"
    if name not in BACKENDS:
        raise InputError(f"expected a backend among {list(BACKENDS)}, got {backend!r}")
    return name


def load_classifier(
    backend: str = "embedding",
    model: str | None = None,
    *,
    device: str = "auto",
    batch_size: int | None = None,
    dtype: str | None = None,
) -> StanceClassifier:
    """A ready stance classifier by backend name.

    - ``embedding``: ``model`` is a head folder (default ``models/stance-head``);
    - ``transformer``: ``model`` is a fine-tuned checkpoint (required);
    - ``zero-shot``: ``model`` is an NLI model (default ``mdeberta-xnli``) or a
      folder saved by :meth:`ZeroShotStanceClassifier.save`.

    >>> load_classifier().predict("Le titre est une bulle, fuyez.")
    'skeptical'
    """
    name = _check_backend(backend)
    options: dict[str, Any] = {"device": device, "dtype": dtype}
    if batch_size is not None:
        options["batch_size"] = batch_size
    if name == "embedding":
        return EmbeddingStanceClassifier.load(model, **options)
    if name == "transformer":
        if not model:
            raise InputError(
                "the transformer backend needs --model: the folder of a fine-tuned stance model "
                "(make one with `stance train --backend transformer --model NAME --out DIR`)"
            )
        return TransformerStanceClassifier.load(model, **options)
    if model and (Path(model) / META_FILE).is_file():
        zero_shot = ZeroShotStanceClassifier.load(model, **options)
    else:
        zero_shot = ZeroShotStanceClassifier(model or "mdeberta-xnli", **options)
    zero_shot._load()  # a missing model is reported now, not after the first batch
    return zero_shot


def _default_output(backend: str, model: str) -> Path:
    from .registry import stance_home

    return stance_home() / "classifiers" / f"{backend}-{Path(model).name or 'model'}"


def train_classifier(
    backend: str = "embedding",
    *,
    model: str | None = None,
    data: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    device: str = "auto",
    **options: Any,
) -> tuple[StanceClassifier, Path]:
    """Train a backend on a labelled JSONL set (default: the committed training
    set) and save it; returns the classifier and the folder it was saved in.

    - ``embedding``: ``model`` is the encoder (default ``e5-small``); saved by
      default into ``models/stance-head`` with its card;
    - ``transformer``: ``model`` is the checkpoint to fine-tune (default ``e5-small``);
    - ``zero-shot``: ``model`` is the NLI model to calibrate (default ``mdeberta-xnli``).

    Transformer and zero-shot results go by default under ``$STANCE_HOME/classifiers``
    (never into the repository). ``options`` go to the backend's constructor.

    >>> classifier, folder = train_classifier("embedding")     # doctest: +SKIP
    >>> round(classifier.cv_results_["nested"]["macro_f1"], 2)   # doctest: +SKIP
    0.78
    """
    name = _check_backend(backend)
    source = Path(data) if data is not None else default_training_file()
    texts, labels = load_training_data(source)
    classifier: Any
    if name == "embedding":
        classifier = EmbeddingStanceClassifier(model or "e5-small", device=device, **options)
        classifier.fit(texts, labels)
        classifier.training_data_ = _training_data_info(source, labels)
        folder = classifier.save(out)
    elif name == "transformer":
        reference = model or "e5-small"
        classifier = TransformerStanceClassifier(reference, device=device, **options).fit(texts, labels)
        folder = classifier.save(out if out is not None else _default_output(name, reference))
    else:
        reference = model or "mdeberta-xnli"
        classifier = ZeroShotStanceClassifier(reference, device=device, **options).fit(texts, labels)
        folder = classifier.save(out if out is not None else _default_output(name, reference))
    return classifier, folder
