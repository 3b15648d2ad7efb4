"""Metrics for cleaning, stance and summaries, and the statistics that make them honest.

Everything here is plain Python and numpy: no model, no download, and the same
numbers on every machine.

- Cleaning: line-level precision, recall and F1 of the kept lines against the
  gold lines, counted as multisets (:func:`line_counts`, :func:`prf`).
- Stance: accuracy, macro-F1, per-class precision/recall/F1 and the confusion
  matrix (:func:`classification_scores`).
- Summaries: ROUGE-1, ROUGE-2 and ROUGE-L F1 on a Unicode-aware French
  tokenisation (:func:`tokenize`, :func:`rouge`). The ASCII-only default
  tokeniser of ``rouge_score`` deletes accented letters (``"été"`` becomes
  ``"t"``), which is wrong for French, so ROUGE is computed here.
- Statistics: percentile bootstrap confidence intervals (:func:`bootstrap_ci`),
  paired bootstrap of a difference (:func:`paired_bootstrap`) and the exact
  McNemar test (:func:`mcnemar_exact`), all with a fixed seed.

>>> round(rouge("Les marchés ont progressé.", "Les marchés ont fortement progressé.")["rouge1"], 4)
0.8889
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .document import LABELS as STANCE_LABELS
from .errors import InputError, UsageError, whole_number

# Bump whenever a change here can change a score: baselines record it, and a
# comparison between scores from different scorer versions is refused.
METRICS_VERSION = "1"


_WORD = re.compile(r"\w+")


# --------------------------------------------------------------------------------------
# Precision, recall, F1


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1."""

    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def prf(matched: float, predicted: float, gold: float) -> PRF:
    """Precision, recall and F1 from counts of matched, predicted and gold items.

    When there is nothing to find and nothing was found, all three are 1.0 (a
    perfect answer); when only one side is empty, all three are 0.0.

    >>> prf(3, 4, 6)
    PRF(precision=0.75, recall=0.5, f1=0.6)
    """
    if predicted == 0 and gold == 0:
        return PRF(1.0, 1.0, 1.0)
    if predicted == 0 or gold == 0:
        return PRF(0.0, 0.0, 0.0)
    precision, recall = matched / predicted, matched / gold
    f1 = 2 * precision * recall / (precision + recall) if matched else 0.0
    return PRF(precision, recall, f1)


def prf_rows(matched: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> PRF:
    """:func:`prf` of each element of count arrays at once: a :class:`PRF` of arrays,
    element for element the same numbers.

    >>> prf_rows(np.array([3.0, 0.0]), np.array([4.0, 0.0]), np.array([6.0, 0.0])).f1.tolist()
    [0.6, 1.0]
    """
    matched, predicted, gold = (np.asarray(a, dtype=float) for a in (matched, predicted, gold))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision, recall = matched / predicted, matched / gold
        f1 = np.where(matched != 0, 2 * precision * recall / (precision + recall), 0.0)
    both_empty = (predicted == 0) & (gold == 0)
    one_empty = (predicted == 0) != (gold == 0)

    def settle(values: np.ndarray) -> np.ndarray:
        return np.where(both_empty, 1.0, np.where(one_empty, 0.0, values))

    return PRF(settle(precision), settle(recall), settle(f1))


# --------------------------------------------------------------------------------------
# Cleaning


@dataclass(frozen=True, slots=True)
class LineCounts:
    """Lines of one document: kept lines that match gold lines, kept lines, gold lines."""

    matched: int
    predicted: int
    gold: int

    @property
    def scores(self) -> PRF:
        return prf(self.matched, self.predicted, self.gold)


def content_lines(text: str) -> list[str]:
    """The non-empty lines of ``text`` after :func:`stance.cleaning.normalise`.

    >>> content_lines("Le prix\\u00a0: 5 %\\r\\n\\r\\nFin ")
    ['Le prix : 5 %', 'Fin']
    """
    from .cleaning import normalise

    return [line.strip() for line in normalise(text).split("\n") if line.strip()]


def line_counts(predicted: str, gold: str) -> LineCounts:
    """Compare cleaned text with gold cleaned text line by line, as multisets.

    Both sides first go through the same :func:`stance.cleaning.normalise`: the
    gold keeps the raw lines verbatim (no-break spaces, CRLF), while the cleaner
    outputs normalised lines, and a metric must not count that difference.
    Blank lines are ignored. A line kept twice but present once in the gold
    matches once: the duplicate counts against precision.

    >>> line_counts("Titre\\n\\nTexte\\n\\nTexte", "Titre\\n\\nTexte\\n\\nFin")
    LineCounts(matched=2, predicted=3, gold=3)
    """
    kept, wanted = Counter(content_lines(predicted)), Counter(content_lines(gold))
    return LineCounts(sum((kept & wanted).values()), sum(kept.values()), sum(wanted.values()))


def pooled_prf(counts: Sequence[LineCounts]) -> PRF:
    """Overall (micro) precision, recall and F1: the counts of all documents summed.

    >>> pooled_prf([LineCounts(1, 2, 1), LineCounts(3, 3, 5)]).recall
    0.6666666666666666
    """
    return prf(sum(c.matched for c in counts), sum(c.predicted for c in counts), sum(c.gold for c in counts))


# --------------------------------------------------------------------------------------
# ROUGE


def tokenize(text: str) -> list[str]:
    """French-aware ROUGE tokens: lower case, Unicode NFC, runs of word characters.

    Accented letters are kept (``\\w`` is Unicode-aware); apostrophes, hyphens and
    punctuation separate tokens. No stemming and no stop words.

    >>> tokenize("L'Élysée a dépensé 3,5 Md€ — 12 % de plus.")
    ['l', 'élysée', 'a', 'dépensé', '3', '5', 'md', '12', 'de', 'plus']
    """
    return _WORD.findall(unicodedata.normalize("NFC", text.lower()))


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(prediction: Sequence[str], reference: Sequence[str], n: int) -> PRF:
    """ROUGE-N of two token sequences: overlapping n-grams, each counted at most as
    often as it appears on both sides.

    >>> rouge_n(["le", "cac", "monte"], ["le", "cac", "baisse"], 2)
    PRF(precision=0.5, recall=0.5, f1=0.5)
    """
    predicted, wanted = _ngrams(prediction, n), _ngrams(reference, n)
    if not predicted or not wanted:
        return PRF(0.0, 0.0, 0.0)
    return prf(sum((predicted & wanted).values()), sum(predicted.values()), sum(wanted.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token sequences.

    >>> lcs_length(["a", "b", "c", "d"], ["a", "c", "b", "d"])
    3
    """
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(prediction: Sequence[str], reference: Sequence[str]) -> PRF:
    """ROUGE-L: precision and recall of the longest common subsequence (the whole
    summary as one sequence, like ``rougeL`` of ``rouge_score``).

    >>> round(rouge_l(["a", "b", "c", "d"], ["a", "c", "b", "d", "e"]).f1, 4)
    0.6667
    """
    if not prediction or not reference:
        return PRF(0.0, 0.0, 0.0)
    return prf(lcs_length(prediction, reference), len(prediction), len(reference))


ROUGE_KEYS: tuple[str, ...] = ("rouge1", "rouge2", "rougeL")


def rouge(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of a summary against a reference summary.

    >>> {k: round(v, 3) for k, v in rouge("Le CAC 40 a progressé.", "Le CAC 40 progresse.").items()}
    {'rouge1': 0.667, 'rouge2': 0.571, 'rougeL': 0.667}
    """
    predicted, wanted = tokenize(prediction), tokenize(reference)
    return {
        "rouge1": rouge_n(predicted, wanted, 1).f1,
        "rouge2": rouge_n(predicted, wanted, 2).f1,
        "rougeL": rouge_l(predicted, wanted).f1,
    }


# --------------------------------------------------------------------------------------
# Stance classification


def _check_labels(values: Sequence[str], labels: Sequence[str], what: str) -> None:
    unknown = sorted({value for value in values if value not in labels}, key=str)
    if unknown:
        raise InputError(f"{what} labels must be one of {list(labels)}, got {unknown}; fix or drop those records")


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = STANCE_LABELS
) -> np.ndarray:
    """Counts of (gold, predicted) pairs: rows are gold labels, columns predictions,
    both in the order of ``labels``.

    >>> confusion_matrix(["bullish", "neutral"], ["bullish", "bullish"]).tolist()
    [[1, 0, 0], [0, 0, 0], [1, 0, 0]]
    """
    if len(gold) != len(predicted):
        raise InputError(f"expected as many predictions as gold labels, got {len(predicted)} and {len(gold)}")
    _check_labels(gold, labels, "gold")
    _check_labels(predicted, labels, "predicted")
    index = {label: i for i, label in enumerate(labels)}
    return confusion_from_indices(
        np.fromiter((index[g] for g in gold), dtype=np.int64, count=len(gold)),
        np.fromiter((index[p] for p in predicted), dtype=np.int64, count=len(predicted)),
        len(labels),
    )


def confusion_from_indices(gold: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """The k x k confusion matrix of label indices (0 .. k-1); fast enough to call
    in a bootstrap loop.

    >>> confusion_from_indices(np.array([0, 1, 1]), np.array([0, 0, 1]), 2).tolist()
    [[1, 0], [1, 1]]
    """
    return np.bincount(gold * k + predicted, minlength=k * k).reshape(k, k)


def _per_class(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-class precision, recall, F1 and a mask of the classes that occur (in
    gold or predictions); 0.0 where a ratio is undefined. ``matrix`` may be a stack
    of confusion matrices (``(..., k, k)``): then one row of each per matrix."""
    matched = np.diagonal(matrix, axis1=-2, axis2=-1).astype(float)
    predicted, gold = matrix.sum(axis=-2).astype(float), matrix.sum(axis=-1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, matched / predicted, 0.0)
        recall = np.where(gold > 0, matched / gold, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return precision, recall, f1, (predicted + gold) > 0


def macro_f1_from_confusion(matrix: np.ndarray) -> float:
    """Mean F1 over the classes that occur in the gold labels or the predictions
    (like scikit-learn without ``labels=``): a class absent from both says nothing."""
    _, _, f1, present = _per_class(matrix)
    return float(f1[present].mean()) if present.any() else 0.0


def macro_f1_rows(matrices: np.ndarray) -> np.ndarray:
    """:func:`macro_f1_from_confusion` of each of a stack of confusion matrices ``(r, k, k)``.

    >>> macro_f1_rows(np.array([[[1, 0], [0, 1]], [[1, 1], [0, 0]]])).tolist()
    [1.0, 0.3333333333333333]
    """
    _, _, f1, present = _per_class(matrices)
    # A sum with zeros in the place of the absent classes: the same additions as f1[present].mean().
    count = present.sum(axis=-1)
    return np.where(count > 0, np.where(present, f1, 0.0).sum(axis=-1) / np.maximum(count, 1), 0.0)


def confusion_rows(gold: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """The ``k x k`` confusion matrix of each row of 2-D arrays of label indices: ``(r, k, k)``.

    >>> confusion_rows(np.array([[0, 1], [1, 1]]), np.array([[0, 0], [1, 1]]), 2).tolist()
    [[[1, 0], [1, 0]], [[0, 0], [0, 2]]]
    """
    rows = gold.shape[0]
    codes = gold * k + predicted + (np.arange(rows) * k * k)[:, None]
    return np.bincount(codes.ravel(), minlength=rows * k * k).reshape(rows, k, k)


def accuracy_from_confusion(matrix: np.ndarray) -> float:
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total else 0.0


def classification_scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = STANCE_LABELS) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix.

    >>> scores = classification_scores(["bullish", "neutral", "neutral"], ["bullish", "neutral", "bullish"])
    >>> round(scores["accuracy"], 3), round(scores["macro_f1"], 3), scores["per_class"]["neutral"]["recall"]
    (0.667, 0.667, 0.5)
    """
    matrix = confusion_matrix(gold, predicted, labels)
    precision, recall, f1, _ = _per_class(matrix)
    support = matrix.sum(axis=1)
    return {
        "accuracy": accuracy_from_confusion(matrix),
        "macro_f1": macro_f1_from_confusion(matrix),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "labels": list(labels),
        "confusion_matrix": matrix.tolist(),
    }


# --------------------------------------------------------------------------------------
# Statistics

# A statistic of a sample of documents, given the indices (with repeats) of the sample.
Statistic = Callable[[np.ndarray], float]
# Resampled indices a BatchStatistic is given at once (rows x documents), to bound memory.
_BATCH_CELLS = 1 << 20


class BatchStatistic:
    """A statistic that also scores many resamples at once: ``rows`` takes a 2-D array
    of document indices (one resample a row) and returns one value a row. The bootstraps
    then make a few numpy calls instead of one Python call per resample (the same values);
    called with 1-D indices it is the plain statistic.

    >>> values = np.array([0.2, 0.4, 0.6, 0.8])
    >>> mean = BatchStatistic(lambda rows: values[rows].mean(axis=1))
    >>> mean(np.array([0, 3])), mean.rows(np.array([[0, 3], [1, 1]])).tolist()
    (0.5, [0.5, 0.4])
    """

    __slots__ = ("rows",)

    def __init__(self, rows: Callable[[np.ndarray], np.ndarray]) -> None:
        self.rows = rows

    def __call__(self, idx: np.ndarray) -> float:
        return float(self.rows(np.asarray(idx)[None, :])[0])


def _estimates(statistic: Statistic, samples: np.ndarray) -> np.ndarray:
    """The statistic on each resample (a row of ``samples``)."""
    if isinstance(statistic, BatchStatistic):
        step = max(1, _BATCH_CELLS // max(1, samples.shape[1]))
        parts = [np.asarray(statistic.rows(samples[i : i + step]), dtype=float) for i in range(0, len(samples), step)]
        return np.concatenate(parts)
    return np.fromiter((statistic(row) for row in samples), dtype=float, count=len(samples))


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with its percentile bootstrap confidence interval."""

    value: float
    low: float
    high: float
    confidence: float = 0.95

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


def _resamples(n: int, n_resamples: int, seed: int) -> np.ndarray:
    if n < 1:
        raise InputError("a bootstrap needs at least one document, got none")
    whole_number(n_resamples, "n_resamples")
    return np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))


def _percentiles(values: np.ndarray, confidence: float) -> tuple[float, float]:
    if not 0 < confidence < 1:
        raise UsageError(f"expected confidence between 0 and 1 (e.g. 0.95), got {confidence}")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_ci(
    statistic: Statistic, n: int, *, n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0
) -> Interval:
    """Percentile bootstrap interval of ``statistic`` over ``n`` documents.

    ``statistic`` receives an array of document indices (drawn with replacement)
    and returns the metric on that sample; it is called once on ``arange(n)``
    for the point estimate. The same seed gives the same interval.

    >>> values = np.array([0.2, 0.4, 0.6, 0.8])
    >>> ci = bootstrap_ci(lambda idx: float(values[idx].mean()), len(values))
    >>> round(ci.value, 2), ci.low < ci.value < ci.high
    (0.5, True)
    """
    samples = _resamples(n, n_resamples, seed)
    estimates = _estimates(statistic, samples)
    low, high = _percentiles(estimates, confidence)
    return Interval(statistic(np.arange(n)), low, high, confidence)


def paired_bootstrap(
    statistic_a: Statistic,
    statistic_b: Statistic,
    n: int,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Bootstrap interval of the difference ``b - a`` on paired documents.

    Both statistics see the same resampled documents each time, so the
    interval reflects the difference between the systems, not the spread of
    document difficulty.

    >>> a, b = np.array([0.5, 0.6, 0.7]), np.array([0.6, 0.7, 0.8])
    >>> ci = paired_bootstrap(lambda i: float(a[i].mean()), lambda i: float(b[i].mean()), 3)
    >>> round(ci.value, 6), round(ci.low, 6), round(ci.high, 6)
    (0.1, 0.1, 0.1)
    """
    samples = _resamples(n, n_resamples, seed)
    differences = _estimates(statistic_b, samples) - _estimates(statistic_a, samples)
    low, high = _percentiles(differences, confidence)
    everything = np.arange(n)
    return Interval(statistic_b(everything) - statistic_a(everything), low, high, confidence)


@dataclass(frozen=True, slots=True)
class McNemar:
    """Exact McNemar test on paired right/wrong outcomes.

    ``only_a``: documents system A got right and B wrong; ``only_b``: the reverse.
    """

    only_a: int
    only_b: int
    p_value: float

    def to_dict(self) -> dict[str, float]:
        return {"only_a": self.only_a, "only_b": self.only_b, "p_value": self.p_value}


def mcnemar_exact(correct_a: Sequence[bool], correct_b: Sequence[bool]) -> McNemar:
    """Two-sided exact McNemar test: a binomial test with p = 1/2 on the documents
    where exactly one of the two systems is right.

    >>> test = mcnemar_exact([True] * 10 + [False] * 2, [False] * 10 + [True] * 2)
    >>> test.only_a, test.only_b, round(test.p_value, 4)
    (10, 2, 0.0386)
    """
    if len(correct_a) != len(correct_b):
        raise InputError(f"expected paired outcomes of the same length, got {len(correct_a)} and {len(correct_b)}")
    only_a = sum(1 for a, b in zip(correct_a, correct_b, strict=True) if a and not b)
    only_b = sum(1 for a, b in zip(correct_a, correct_b, strict=True) if b and not a)
    discordant = only_a + only_b
    if discordant == 0:
        return McNemar(0, 0, 1.0)
    tail = sum(math.comb(discordant, k) for k in range(min(only_a, only_b) + 1)) / 2**discordant
    return McNemar(only_a, only_b, min(1.0, 2 * tail))


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """The mean gap between confidence and accuracy over equal-width confidence bins,
    weighted by the share of predictions in each bin.

    >>> expected_calibration_error([0.9, 0.6], [True, False])
    0.35
    """
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return round(float(total), 6)
