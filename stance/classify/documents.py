"""Document stance: passages, their weighing into a document label, and the evidence."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..document import LABELS, DocumentStance, PassageStance
from ..errors import InputError, UsageError, refuse_keyed, whole_number
from ..segmentation import count_words, split_paragraphs, split_sentences
from .base import StanceClassifier, _check_texts

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")


# Passages are cut to the length range of the training passages (15 to 90 words),
# the inputs the default head has learnt from.
PASSAGE_MAX_WORDS = 90


# A document of more passages (paragraphs, or 90-word pieces of longer ones: about 15,000 words of
# typical prose, at most 46,000; a report or a book rather than an article) is
# classified by this many: its first and last three (headline, lead, conclusion) and an evenly
# spaced sample of the others, so that one huge document costs bounded time. The training
# documents hold at most 52 passages.
MAX_PASSAGES = 512

# A passage of this many words or more carries full weight in a document; a
# shorter one (a heading, a one-line caption) proportionally less, because
# its probabilities rest on little text.
FULL_WEIGHT_WORDS = 15

# Evidence is what a reader checks a label against: statements of at least this many words, not
# lead-ins (":"), questions, table rows, footnotes or the titles of charts and tables. Other passages
# are shown only when a side has nothing else.
EVIDENCE_MIN_WORDS = 8
_NOT_EVIDENCE = re.compile(r"^(?:[|¹²³⁴⁵⁶⁷⁸⁹⁰*†]|(?:graphique|tableau|figure|source)s?\b)", re.IGNORECASE)


def is_evidence(passage: str) -> bool:
    """Whether a passage reads as evidence for a document's stance (see ``EVIDENCE_MIN_WORDS``).

    >>> is_evidence("Le groupe relève ses objectifs annuels après un trimestre record."), is_evidence("En bref :")
    (True, False)
    >>> is_evidence("² Voir aussi notre analyse du secteur bancaire publiée la semaine dernière.")
    False
    """
    text = passage.strip()
    return (count_words(text) >= EVIDENCE_MIN_WORDS and not text.endswith((":", "?"))
            and _NOT_EVIDENCE.match(text) is None)


# How much the neutral probability mass counts against the opinionated mass when
# passages are weighed into a document label (see classify_document). Set from the
# default head's out-of-fold probabilities on the training set (never the eval set):
# an opinionated passage gives its side 0.65 on average, a factual one gives neutral
# 0.76 and each side 0.12. With 0.5 a side wins once about one passage in three
# argues it (0.42 would make it one in four, 0.36 one in five), while the 14 % of
# factual passages that the head misreads as opinions do not turn a factual article.
NEUTRAL_WEIGHT = 0.5


def split_passages(text: str, max_words: int = PASSAGE_MAX_WORDS) -> list[str]:
    """The passages of a cleaned document: its paragraphs, with a paragraph longer
    than ``max_words`` cut on sentence boundaries into parts of at most that many
    words (a single longer sentence stays whole; the models chunk it).

    >>> split_passages("Titre\\n\\nLe CAC 40 gagne 1 %. Les banques montent.", max_words=5)
    ['Titre', 'Le CAC 40 gagne 1 %.', 'Les banques montent.']
    """
    if not isinstance(text, str):
        raise InputError(f"expected the document text to be a str, got {type(text).__name__}")
    whole_number(max_words, "max_words")
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


def _weights(passages: Sequence[str]) -> np.ndarray:
    weights = np.array([_passage_weight(text) for text in passages])
    if weights.sum() <= 0:  # only word-less passages (symbols, numbers): weigh them equally
        weights = np.ones(len(passages))
    return weights


def _weighted_scores(proba: np.ndarray, weights: np.ndarray, neutral_weight: float) -> np.ndarray:
    mass = weights @ proba
    mass[2] *= neutral_weight
    return mass / mass.sum()


# What the learned aggregation reads from a document's passage probabilities (each a
# probability per label, as a log): the first passage (the headline), the lead (the next
# two: standfirst, first paragraph), the length-weighted mean of all passages (each passage
# weighs by its length, full weight from FULL_WEIGHT_WORDS words), the conclusion (the mean
# of the last three), the strongest bullish and skeptical passage, the share of passages
# voting for each label, and the fixed rule's scores (neutral mass halved). Chosen by
# cross-validation leaving one writer out, over six writers of training documents, three of
# them writing in the shapes of real articles (neutral background, paragraphs against the
# author's direction), against the mean alone and three other sets: docs/stance-lora.md,
# "Documents by three more writers".
AGGREGATION_FEATURES = (
    *(f"{part}_{label}" for part in ("first", "lead", "mean", "conclusion") for label in LABELS),
    "max_bullish", "max_skeptical",
    *(f"share_{label}" for label in LABELS),
    *(f"rule_{label}" for label in LABELS),
)
# The same, in words (the model card says it).
AGGREGATION_FEATURES_IN_WORDS = (
    "the logs of: the first passage's probabilities (headline), the lead's (next two), their length-weighted "
    "mean, the conclusion's (last three), the strongest bullish and skeptical passages, the share of passages "
    "voting for each label and the fixed rule's scores")
AGGREGATION_C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


def aggregation_features(passages: Sequence[str], proba: np.ndarray) -> np.ndarray:
    """The features of :class:`DocumentAggregator` (:data:`AGGREGATION_FEATURES`) of one
    document, from its passages' probabilities (one row per passage, :data:`LABELS` order).

    >>> features = aggregation_features(
    ...     ["Le titre bondit", "Le groupe relève ses objectifs annuels après un trimestre solide.", "Agenda"],
    ...     np.array([[0.6, 0.1, 0.3], [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]]))
    >>> dict(zip(AGGREGATION_FEATURES, np.exp(features).round(2)))["share_bullish"]
    np.float64(0.67)
    """
    proba = np.asarray(proba, dtype=np.float64).reshape(len(passages), len(LABELS))
    weights = _weights(passages)
    lead = proba[1:3] if len(passages) > 1 else proba[:1]
    votes = proba.argmax(axis=1)
    values = np.concatenate([
        proba[0], lead.mean(axis=0), (weights / weights.sum()) @ proba, proba[-3:].mean(axis=0),
        proba[:, :2].max(axis=0),
        [(votes == k).mean() for k in range(len(LABELS))],
        _weighted_scores(proba, weights, NEUTRAL_WEIGHT),
    ])
    return np.log(np.clip(values, 1e-4, 1.0))


def _scores(gold: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Macro-F1, accuracy, mean confidence and ECE of document probabilities."""
    from ..metrics import classification_scores, expected_calibration_error

    predicted = proba.argmax(axis=1)
    scores = classification_scores([LABELS[i] for i in gold], [LABELS[i] for i in predicted])
    confidence = proba.max(axis=1)
    return {"macro_f1": round(scores["macro_f1"], 4), "accuracy": round(scores["accuracy"], 4),
            "mean_confidence": round(float(confidence.mean()), 4),
            "ece": round(expected_calibration_error(confidence, predicted == gold), 4)}


def length_temperature(passages: int | Sequence[int] | np.ndarray, scale: float, exponent: float,
                       span: tuple[int, int] | None = None) -> np.ndarray:
    """A document aggregation's temperature for documents of ``passages`` passages:
    ``scale * n ** exponent``, n clipped to ``span`` (the range it was fitted on) when given.

    >>> length_temperature([2, 4, 9, 100], 6.0, -0.5, (4, 36)).round(2).tolist()
    [3.0, 3.0, 2.0, 1.0]
    """
    n = np.asarray(passages, dtype=np.float64)
    if span is not None:
        n = np.clip(n, *span)
    return scale * n**exponent


class DocumentAggregator:
    """A document's stance learnt from document-level labels: a multinomial logistic
    regression over :func:`aggregation_features` of the passage probabilities, then a
    temperature (one, or one that depends on the document's number of passages).

    ``C`` is chosen by repeated stratified cross-validation (log-loss) on the training
    documents: 20 repeats of 5 folds by default, so that the seed of the folds does not
    decide it (with 4, two seeds of ten chose another C on the training documents: round
    BF, ``docs/stance-lora.md``). With ``groups`` (who wrote each document) the model is also scored
    leaving one group out at a time, the closest the training data come to articles
    from writers it never saw, and the temperature is fitted on those out-of-group
    predictions (without groups, on the out-of-fold ones), so that document
    confidence matches document accuracy under a change of writer.

    ``calibration`` (documents by still other writers, with labels) fits only the
    temperature, never the coefficients: a temperature that depends on the number of
    passages n, ``T(n) = temperature_ * n ** temperature_exponent_`` (n clipped to the
    range fitted on, :meth:`temperature_for`), fitted on the pooled out-of-writer
    predictions (the training documents' leaving one writer out, the calibration
    documents' from the model fitted on every training document). It is scored by
    leaving each calibration writer out of the temperature's fit in turn.
    :attr:`cv_results_` holds both estimates and the fixed rule on the same folds.
    ``inputs`` records what the passage probabilities are (e.g. the mean of two
    passage models); the classifier that owns the aggregator reads it.

    >>> aggregator = DocumentAggregator().fit(passages_per_doc, probas, labels, groups=writers)  # doctest: +SKIP
    >>> aggregator.predict_proba(passages, proba).round(2)                                      # doctest: +SKIP
    array([0.71, 0.09, 0.2 ])
    """

    def __init__(self, C: float | None = None, *, folds: int = 5, repeats: int = 20, seed: int = 0,
                 inputs: dict | None = None) -> None:
        if C is not None and not C > 0:
            raise UsageError(f"expected C > 0, got {C!r}")
        self.C = C
        self.folds = folds
        self.repeats = repeats
        self.seed = seed
        self.inputs = dict(inputs) if inputs else {}
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self.temperature_: float = 1.0
        self.temperature_exponent_: float = 0.0
        self.temperature_passages_: tuple[int, int] | None = None
        self.C_: float | None = None
        self.cv_results_: dict | None = None

    def fit(self, documents: Sequence[Sequence[str]], probas: Sequence[np.ndarray],
            labels: Sequence[str], *, groups: Sequence[str] | None = None,
            calibration: tuple[Sequence[Sequence[str]], Sequence[np.ndarray], Sequence[str], Sequence[str]]
            | None = None) -> DocumentAggregator:
        """Fit on the training documents (their passages and passage probabilities) and their
        labels; ``calibration``, ``(documents, probas, labels, groups)`` of documents by other
        writers, fits the length-dependent temperature (see the class)."""
        def features(documents: Sequence[Sequence[str]], probas: Sequence[np.ndarray]) -> np.ndarray:
            if len(probas) != len(documents):
                raise InputError(
                    f"expected one probability array per document, got {len(probas)} for {len(documents)}")
            return np.stack([aggregation_features(d, p) for d, p in zip(documents, probas, strict=True)])

        X = features(documents, probas)
        rule = np.stack([[aggregate(d, p).scores[label] for label in LABELS]
                         for d, p in zip(documents, probas, strict=True)])
        calibration_features = None
        if calibration is not None:
            documents_c, probas_c, labels_c, groups_c = calibration
            calibration_features = (features(documents_c, probas_c), labels_c, groups_c,
                                    [len(d) for d in documents_c])
        return self.fit_features(X, labels, groups=groups, rule=rule, passages=[len(d) for d in documents],
                                 calibration=calibration_features)

    def fit_features(self, X: np.ndarray, labels: Sequence[str], *, groups: Sequence[str] | None = None,
                     rule: np.ndarray | None = None, passages: Sequence[int] | None = None,
                     calibration: tuple[np.ndarray, Sequence[str], Sequence[str], Sequence[int]] | None = None,
                     ) -> DocumentAggregator:
        """:meth:`fit` on the documents' features already computed (one row per document),
        any features: what ``benchmarks/`` uses to score other feature sets by the same
        procedure. ``rule``, the fixed rule's scores of each document, is reported beside.
        ``calibration``: ``(X, labels, groups, passages)`` of the calibration documents,
        which needs ``passages``, the training documents' numbers of passages."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import RepeatedStratifiedKFold

        from .base import _check_labels, _softmax
        from .selection import _fit_temperature

        X = np.asarray(X, dtype=np.float64)
        y = _check_labels(labels, len(X))
        if groups is not None and len(groups) != len(X):
            raise InputError(f"expected one group per document, got {len(groups)} for {len(X)}")
        if calibration is not None:
            if passages is None or len(passages) != len(y):
                raise InputError("a calibration set needs the number of passages of each training document")
            X_c, labels_c, groups_c, passages_c = calibration
            if not len(groups_c) == len(passages_c) == len(X_c) == len(labels_c):
                raise InputError(f"expected one label, one group and one passage count per calibration document, "
                                 f"got {len(labels_c)}, {len(groups_c)} and {len(passages_c)} for {len(X_c)}")
        splitter = RepeatedStratifiedKFold(n_splits=self.folds, n_repeats=self.repeats, random_state=self.seed)
        splits = list(splitter.split(X, y))
        per_repeat = self.folds

        def out_of_fold(C: float, folds: list) -> np.ndarray:
            logits = np.zeros((len(y), len(LABELS)))
            for train, test in folds:
                logits[test] = LogisticRegression(C=C, max_iter=5000).fit(X[train], y[train]).decision_function(X[test])
            return logits

        table = []
        for C in ((self.C,) if self.C is not None else AGGREGATION_C_GRID):
            losses, f1s, accuracy = [], [], []
            for repeat in range(self.repeats):
                logits = out_of_fold(C, splits[repeat * per_repeat : (repeat + 1) * per_repeat])
                proba = _softmax(logits)
                losses.append(float(-np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, None)).mean()))
                scores = _scores(y, proba)
                f1s.append(scores["macro_f1"])
                accuracy.append(scores["accuracy"])
            table.append({"C": C, "log_loss": round(float(np.mean(losses)), 4),
                          "macro_f1": round(float(np.mean(f1s)), 4),
                          "accuracy": round(float(np.mean(accuracy)), 4)})
        best = min(table, key=lambda row: (row["log_loss"], row["C"]))
        C = best["C"]
        results: dict = {"documents": len(y), "folds": self.folds, "repeats": self.repeats, "seed": self.seed,
                         "counts": {label: int((y == k).sum()) for k, label in enumerate(LABELS)},
                         "grid": table, "chosen": best}
        if rule is not None:
            results["fixed_rule"] = _scores(y, rule)
            best["macro_f1_fixed_rule"] = results["fixed_rule"]["macro_f1"]
        kfold = out_of_fold(C, splits[:per_repeat])
        names = sorted({str(g) for g in groups}) if groups is not None else []
        if len(names) >= 2:
            group = np.array([str(g) for g in groups])
            held = out_of_fold(C, [(np.flatnonzero(group != name), np.flatnonzero(group == name)) for name in names])
            temperature = _fit_temperature(held, y)
            results["by_group"] = {
                "groups": {name: int((group == name).sum()) for name in names},
                "before_temperature": _scores(y, _softmax(held)),
                "after_temperature": _scores(y, _softmax(held / temperature)),
                "per_group": {name: _scores(y[group == name], _softmax(held[group == name] / temperature))
                              for name in names},
                **({"fixed_rule": results["fixed_rule"]} if rule is not None else {}),
            }
            results["temperature_fitted_on"] = "leave-one-group-out predictions"
        else:
            temperature = _fit_temperature(kfold, y)
            results["temperature_fitted_on"] = "out-of-fold predictions"
        results["temperature"] = round(temperature, 4)
        results["out_of_fold"] = {"before_temperature": _scores(y, _softmax(kfold)),
                                  "after_temperature": _scores(y, _softmax(kfold / temperature))}
        model = LogisticRegression(C=C, max_iter=5000).fit(X, y)
        self.coef_ = np.round(model.coef_, 8)
        self.intercept_ = np.round(model.intercept_, 8)
        self.temperature_ = round(float(temperature), 8)
        self.temperature_exponent_, self.temperature_passages_ = 0.0, None
        self.C_ = C
        if calibration is not None:
            training_logits = held if len(names) >= 2 else kfold
            results["calibration"] = self._fit_length_temperature(training_logits, y, np.asarray(passages),
                                                                  calibration, temperature)
        self.cv_results_ = results
        return self

    def _fit_length_temperature(self, training_logits: np.ndarray, y: np.ndarray, passages: np.ndarray,
                                calibration: tuple, constant: float) -> dict:
        """Fit ``T(n)`` on the training documents' out-of-writer logits and the calibration
        documents' logits pooled; score it leaving each calibration writer out of the fit."""
        from .base import _check_labels, _log_loss, _softmax
        from .selection import _fit_length_temperature

        X_c, labels_c, groups_c, passages_c = calibration
        # a document of one passage keeps the passage model's probabilities (see aggregate):
        # the aggregation's temperature never applies to it
        several = np.asarray(passages_c) > 1
        if not several.any():
            raise InputError("the calibration documents are all of one passage (at most 90 words), which the "
                             "document aggregation never scores; give longer documents")
        X_c = np.asarray(X_c, dtype=np.float64)[several]
        y_c = _check_labels(labels_c, len(several))[several]
        group_c = np.array([str(g) for g in groups_c])[several]
        n_c = np.asarray(passages_c, dtype=np.float64)[several]
        logits_c = X_c @ self.coef_.T + self.intercept_
        pool_logits = np.vstack([training_logits, logits_c])
        pool_y = np.concatenate([y, y_c])
        pool_n = np.concatenate([np.asarray(passages, dtype=np.float64), n_c])

        def fit(rows: np.ndarray) -> tuple[float, float, int, int]:
            a, b = _fit_length_temperature(pool_logits[rows], pool_y[rows], pool_n[rows])
            return a, b, int(pool_n[rows].min()), int(pool_n[rows].max())

        nested = np.zeros_like(logits_c)
        names = sorted(set(group_c.tolist()))
        for name in names:
            mine = group_c == name
            a, b, low, high = fit(np.flatnonzero(~np.concatenate([np.zeros(len(y), dtype=bool), mine])))
            nested[mine] = logits_c[mine] / length_temperature(n_c[mine], np.exp(a), b, (low, high))[:, None]
        a, b, low, high = fit(np.arange(len(pool_y)))
        self.temperature_ = round(float(np.exp(a)), 8)
        self.temperature_exponent_ = round(b, 8)
        self.temperature_passages_ = (low, high)

        def scores(logits: np.ndarray, rows: np.ndarray | slice = slice(None)) -> dict:
            return {**_scores(y_c[rows], _softmax(logits[rows])),
                    "log_loss": round(_log_loss(logits[rows], y_c[rows]), 4)}

        return {
            "documents": len(y_c), "one_passage_left_out": int((~several).sum()),
            "groups": {name: int((group_c == name).sum()) for name in names},
            "fitted_on": f"{len(y)} training documents' out-of-writer predictions and {len(y_c)} calibration "
                         "documents' predictions",
            "constant_temperature": scores(logits_c / constant),
            "writer_left_out": scores(nested),
            "per_group": {name: scores(nested, group_c == name) for name in names},
        }

    def temperature_for(self, passages: int | Sequence[int] | np.ndarray) -> np.ndarray:
        """The temperature of a document of ``passages`` passages (or of each of several):
        ``temperature_ * n ** temperature_exponent_``, n clipped to the range the temperature
        was fitted on (one temperature for every length when the exponent is 0).

        >>> aggregator = DocumentAggregator()
        >>> aggregator.temperature_, aggregator.temperature_exponent_ = 6.0, -0.5
        >>> aggregator.temperature_passages_ = (4, 36)
        >>> aggregator.temperature_for([2, 4, 9, 100]).round(2).tolist()
        [3.0, 3.0, 2.0, 1.0]
        """
        return length_temperature(passages, self.temperature_, self.temperature_exponent_, self.temperature_passages_)

    def predict_proba(self, passages: Sequence[str], proba: np.ndarray) -> np.ndarray:
        """The document's probabilities ``(3,)`` in :data:`LABELS` order."""
        return self.predict_proba_features(aggregation_features(passages, proba), passages=len(passages))

    def predict_proba_features(self, X: np.ndarray, passages: int | Sequence[int] | None = None) -> np.ndarray:
        """Probabilities from features already computed (a row, or one row per document);
        ``passages``, the documents' numbers of passages, sets the temperature when it
        depends on them."""
        if self.coef_ is None or self.intercept_ is None:
            raise InputError("this DocumentAggregator is not fitted; call .fit(documents, probas, labels) first")
        from .base import _softmax

        logits = np.asarray(X) @ self.coef_.T + self.intercept_
        if self.temperature_exponent_ == 0:
            return _softmax(logits / self.temperature_)
        if passages is None:
            raise InputError("this document aggregation's temperature depends on the number of passages; "
                             "pass passages= (one count per document)")
        temperature = self.temperature_for(passages)
        return _softmax(logits / (temperature[..., None] if logits.ndim == 2 else temperature))

    def to_dict(self) -> dict:
        if self.coef_ is None or self.intercept_ is None:
            raise InputError("this DocumentAggregator is not fitted; nothing to save")
        length = ({"temperature_exponent": self.temperature_exponent_,
                   "temperature_passages": list(self.temperature_passages_)}
                  if self.temperature_passages_ is not None else {})
        return {"kind": "logistic-regression", "features": list(AGGREGATION_FEATURES), "inputs": self.inputs,
                "C": self.C_, "temperature": self.temperature_, **length,
                "coef": self.coef_.tolist(), "intercept": self.intercept_.tolist(),
                "cross_validation": self.cv_results_}

    @classmethod
    def from_dict(cls, data: dict) -> DocumentAggregator:
        if list(data.get("features", [])) != list(AGGREGATION_FEATURES):
            raise InputError("the saved document aggregation uses other features than this version of stance; "
                             "retrain it with `stance train --backend lora`")
        aggregator = cls(C=data["C"], inputs=data.get("inputs"))
        aggregator.coef_ = np.array(data["coef"], dtype=np.float64)
        aggregator.intercept_ = np.array(data["intercept"], dtype=np.float64)
        aggregator.temperature_ = float(data.get("temperature", 1.0))
        aggregator.temperature_exponent_ = float(data.get("temperature_exponent", 0.0))
        span = data.get("temperature_passages")
        aggregator.temperature_passages_ = (int(span[0]), int(span[1])) if span else None
        aggregator.C_ = data["C"]
        aggregator.cv_results_ = data.get("cross_validation")
        return aggregator


def aggregate(
    passages: Sequence[str],
    proba: np.ndarray,
    *,
    neutral_weight: float = NEUTRAL_WEIGHT,
    aggregator: DocumentAggregator | None = None,
    aggregation_proba: np.ndarray | None = None,
) -> DocumentStance:
    """Weigh passage probabilities into a document stance (see :func:`classify_document`).

    With an ``aggregator`` (learnt from document labels) a document of several
    passages takes its scores from it, reading ``aggregation_proba`` (the passage
    probabilities it was fitted on, e.g. two passage models averaged) or else
    ``proba``; a single passage is its own document. ``proba`` (the classifier's)
    gives the passage labels and the evidence.

    >>> passages = ["Achetez ce titre, la croissance du groupe va durer des années.", "Vendez."]
    >>> aggregate(passages, np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1]])).label   # the one-word passage weighs little
    'bullish'
    """
    if not 0 < neutral_weight < math.inf:
        raise UsageError(f"expected neutral_weight > 0 and finite, got {neutral_weight!r}")
    if len(passages) == 0:
        return DocumentStance("neutral", {"bullish": 0.0, "skeptical": 0.0, "neutral": 1.0})
    proba = np.asarray(proba, dtype=np.float64).reshape(len(passages), len(LABELS))
    weights = _weights(passages)
    neutral = LABELS.index("neutral")
    if aggregator is not None:
        if len(passages) == 1:
            scores = proba[0].copy()
        else:
            read = proba if aggregation_proba is None else np.asarray(aggregation_proba, dtype=np.float64)
            scores = aggregator.predict_proba(passages, read.reshape(len(passages), len(LABELS)))
        best = int(scores.argmax())
    else:
        scores = _weighted_scores(proba, weights, neutral_weight)
        best = int(scores.argmax())
        # a tie between the sides, or with the neutral mass, is no stance
        if scores[neutral] >= scores[best] - 1e-12 or abs(scores[0] - scores[1]) <= 1e-12:
            best = neutral
    label = LABELS[best]
    passage_labels = proba.argmax(axis=1)
    contribution = weights[:, None] * proba
    # Support: the passages that weigh most for the label, among those that vote for it (statements that
    # read as evidence first: is_evidence).
    readable = [is_evidence(text) for text in passages]
    voters = [i for i in range(len(passages)) if passage_labels[i] == best] or list(range(len(passages)))
    voters = [i for i in voters if readable[i]] or voters
    support = sorted(voters, key=lambda i: (-contribution[i, best], i))[:3]
    # The other side: the opposite side of an opinion, or the strongest opinion of a neutral document.
    others = [1 - best] if best != neutral else [0, 1]
    rivals = [(contribution[i, side], i) for i in range(len(passages)) for side in others
              if passage_labels[i] == side and i not in support]
    rivals = [rival for rival in rivals if readable[rival[1]]] or rivals
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


def document_passages(text: str, max_words: int = PASSAGE_MAX_WORDS, max_passages: int = MAX_PASSAGES) -> list[str]:
    """The passages a document is classified by: a short document (at most
    ``max_words`` words, e.g. a headline with its standfirst, a post) is one passage,
    as the models learnt such items whole; a longer one is cut by :func:`split_passages`.
    Past ``max_passages``, the first three, the last three and an evenly spaced sample of
    the others, in order (:data:`MAX_PASSAGES`: bounded time for a huge document).

    >>> document_passages("Sanofi confirme ses objectifs\\nLe groupe publie des ventes en hausse.")
    ['Sanofi confirme ses objectifs\\nLe groupe publie des ventes en hausse.']
    >>> passages = document_passages("\\n\\n".join(f"§{n}." for n in range(20)), max_words=2, max_passages=10)
    >>> " ".join(passages)
    '§0. §1. §2. §3. §7. §12. §16. §17. §18. §19.'
    """
    if not isinstance(text, str):
        raise InputError(f"expected the document text to be a str, got {type(text).__name__}")
    if isinstance(max_passages, bool) or not isinstance(max_passages, int) or max_passages < 7:
        raise UsageError(f"expected max_passages >= 7 (the first and last three, and others), got {max_passages!r}")
    body = text.strip()
    if body and count_words(body) <= max_words:
        return [body]
    passages = split_passages(text, max_words)
    if len(passages) <= max_passages:
        return passages
    middle = np.linspace(3, len(passages) - 4, max_passages - 6).round().astype(int)
    return [*passages[:3], *(passages[i] for i in middle), *passages[-3:]]


def classify_documents(
    documents: Sequence[str | Sequence[str]],
    classifier: StanceClassifier,
    *,
    neutral_weight: float = NEUTRAL_WEIGHT,
    max_words: int = PASSAGE_MAX_WORDS,
    aggregator: DocumentAggregator | None = None,
) -> list[DocumentStance]:
    """The stance of each document (a cleaned text, or a list of its passages).

    The passages of all the documents go through the classifier together (one call,
    two with a learnt aggregation), so the model sees full batches. The passages are
    weighed by ``aggregator``, by default the classifier's own learnt aggregation
    (``classifier.aggregation_``, the lora backend) when it has one, else by the fixed
    rule (``neutral_weight``). A classifier with an ``aggregation_proba(texts)`` method
    gives, for the passages of documents of several passages, both its own
    probabilities and those the aggregation reads (the lora backend: its own averaged
    with the embedding head's, from one shared pass of the encoder's lower layers); the
    passages of one-passage documents go through ``predict_proba`` alone.

    >>> [d.label for d in classify_documents([text_a, text_b], EmbeddingStanceClassifier.load())]  # doctest: +SKIP
    ['bullish', 'neutral']
    """
    if isinstance(documents, str):
        raise InputError("expected a list of documents; use classify_document for a single one")
    if hasattr(documents, "predict_proba"):
        raise InputError("expected classify_documents(documents, classifier): the documents come first, got a "
                         f"{type(documents).__name__} in their place")
    refuse_keyed(documents, "a list of documents")
    if not callable(getattr(classifier, "predict_proba", None)):
        hint = f": load it first, load_classifier({classifier!r})" if isinstance(classifier, str) else ""
        raise InputError(f"expected a stance classifier (with predict_proba), got {type(classifier).__name__}{hint}")
    if aggregator is None:
        aggregator = getattr(classifier, "aggregation_", None)
    split = [document_passages(doc, max_words) if isinstance(doc, str) else _check_texts(doc, "passages")[0]
             for doc in documents]
    flat = [passage for passages in split for passage in passages]
    several = np.array([len(passages) > 1 for passages in split for _ in passages], dtype=bool)
    if aggregator is not None and hasattr(classifier, "aggregation_proba") and several.any():
        proba = np.zeros((len(flat), len(LABELS)))
        chosen, alone = np.flatnonzero(several), np.flatnonzero(~several)
        proba[chosen], read_chosen = classifier.aggregation_proba([flat[i] for i in chosen])
        if alone.size:
            proba[alone] = classifier.predict_proba([flat[i] for i in alone])
        read = proba.copy()
        read[chosen] = read_chosen
    else:
        proba = classifier.predict_proba(flat) if flat else np.zeros((0, len(LABELS)))
        proba = read = np.asarray(proba).reshape(len(flat), len(LABELS))
    results = []
    start = 0
    for passages in split:
        end = start + len(passages)
        results.append(aggregate(passages, proba[start:end], neutral_weight=neutral_weight,
                                 aggregator=aggregator, aggregation_proba=read[start:end]))
        start = end
    return results


def classify_document(
    text_or_passages: str | Sequence[str],
    classifier: StanceClassifier,
    *,
    neutral_weight: float = NEUTRAL_WEIGHT,
    max_words: int = PASSAGE_MAX_WORDS,
    aggregator: DocumentAggregator | None = None,
) -> DocumentStance:
    """The stance of one cleaned document (or of its passages, already cut).

    A short document (at most ``max_words`` words) is one passage; a longer one is
    cut into passages (:func:`document_passages`) and each is classified. With a
    learnt aggregation (``aggregator``, or the classifier's ``aggregation_``: the
    default lora backend has one, learnt from document labels) the document's
    scores come from a logistic regression over features of its passage
    probabilities (:func:`aggregation_features`), then a temperature
    (:class:`DocumentAggregator`).

    Without one, the fixed rule applies. A passage weighs by its length (full weight from
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
    if hasattr(text_or_passages, "predict_proba"):
        raise InputError("expected classify_document(text, classifier): the text comes first, got the classifier "
                         f"({type(text_or_passages).__name__}) in its place")
    return classify_documents([text_or_passages], classifier, neutral_weight=neutral_weight, max_words=max_words,
                              aggregator=aggregator)[0]
