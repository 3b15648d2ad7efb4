"""Model selection for the embedding head: cross-validated hyper-parameters and temperature calibration."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..document import LABELS
from ..errors import StanceError
from ..metrics import classification_scores
from .base import _log_loss, _softmax

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")


# Hyper-parameter grid of the default head, searched by stratified cross-validation.
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


CALIBRATIONS = ("none", "temperature")


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


def _fit_length_temperature(logits: np.ndarray, y: np.ndarray, passages: np.ndarray) -> tuple[float, float]:
    """``(a, b)`` minimising the log-loss of softmax(logits / T) with a temperature that depends on
    each row's number of passages n: log T = a + b log n (a document aggregation's; see
    :meth:`~stance.classify.documents.DocumentAggregator.temperature_for`)."""
    from scipy.optimize import minimize

    log_n = np.log(np.asarray(passages, dtype=np.float64))
    result = minimize(
        lambda ab: _log_loss(logits / np.exp(ab[0] + ab[1] * log_n)[:, None], y),
        np.zeros(2), method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 4000},
    )
    return float(result.x[0]), float(result.x[1])


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
