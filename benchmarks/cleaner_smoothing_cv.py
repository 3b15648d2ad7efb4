"""Does a smoothing pass over neighbours help the line model? (docs/design.md, "Cleaning").

Out-of-fold content probabilities of the shipped boosting settings (5-fold cross-validation
grouped by site over the training pages, each page alone, as ``stance train-cleaner`` computes
them), then, on the logits z along each page's lines:

- ``none``: the probabilities as they are (the shipped cleaner);
- ``average``: z' = (z + a (z[i-1] + z[i+1])) / (1 + 2a), a missing neighbour counting as the
  line itself, with a chosen among 0.1, 0.2, 0.3 and 0.5 on the other folds' pages;
- ``stacked``: a logistic regression (C = 1) on z and the logits of the three lines on each
  side (0 where there is none, with an indicator), fitted on the other folds' pages.

Both smoothers are nested: fitted for each fold on the other four folds' out-of-fold logits,
applied to the fold's pages. Each is scored as ``stance train-cleaner`` chooses its settings:
the mean of the line F1 and the snippet F1 at the best single-pass threshold, over all pages.
The rule written down before the first run: a smoother ships only if it beats ``none`` by more
than 0.001. (Seventh session: none 0.8751, average 0.8720, stacked 0.8726; not adopted.)

    OMP_NUM_THREADS=1 python benchmarks/cleaner_smoothing_cv.py [--data PATH ...]

About 8 minutes on one core (features, five fits of the shipped settings, the scoring).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402

from stance.cleaning import training  # noqa: E402

AVERAGE_WEIGHTS = (0.1, 0.2, 0.3, 0.5)
REACH = 3  # lines on each side the stacked smoother reads


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def average(z: np.ndarray, a: float) -> np.ndarray:
    """The moving average of a page's logits.

    >>> average(np.array([0.0, 3.0, 0.0]), 0.5).tolist()
    [0.75, 1.5, 0.75]
    """
    before = np.concatenate((z[:1], z[:-1]))
    after = np.concatenate((z[1:], z[-1:]))
    return (z + a * (before + after)) / (1 + 2 * a)


def neighbours(z: np.ndarray) -> np.ndarray:
    """A page's logits with those of the ``REACH`` lines on each side and an indicator each."""
    n = len(z)
    columns = [z]
    for k in range(1, REACH + 1):
        for side in (-1, 1):
            value, present = np.zeros(n), np.zeros(n)
            if n > k:
                if side < 0:
                    value[k:], present[k:] = z[:-k], 1
                else:
                    value[:-k], present[:-k] = z[k:], 1
            columns += [value, present]
    return np.stack(columns, axis=1)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", help="labelled pages (default: as stance train-cleaner)")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.data] if args.data else [training.default_pages_folder()]
    pages = training.read_pages([*paths, training.french_pages_file()])
    fit = training.shipped_fit()
    print(f"{len(pages)} pages; shipped settings {fit}", flush=True)
    features = training.page_features(pages)
    oof = training.out_of_fold(pages, features, folds=args.folds, **fit)
    probabilities, fold_of = oof["alone"], oof["fold_of"]
    logits = [logit(p) for p in probabilities]
    # Each page's smoothings and stacked inputs, computed once for all folds.
    candidates = {a: [sigmoid(average(z, a)) for z in logits] for a in AVERAGE_WEIGHTS}
    stacks = [neighbours(z) for z in logits]
    labels = [np.asarray(page["labels"]) for page in pages]

    averaged: list[np.ndarray] = [np.zeros(0)] * len(pages)
    stacked: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for k in range(args.folds):
        inside = np.flatnonzero(fold_of != k)
        part = [pages[i] for i in inside]
        best = max(
            AVERAGE_WEIGHTS, key=lambda a: training.best_single_pass(part, [candidates[a][i] for i in inside])[1]
        )
        X = np.vstack([stacks[i][labels[i] >= 0] for i in inside])
        y = np.concatenate([labels[i][labels[i] >= 0] for i in inside])
        model = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
        for i in np.flatnonzero(fold_of == k):
            averaged[i] = candidates[best][i]
            stacked[i] = model.predict_proba(stacks[i])[:, 1]
        weights = np.round(model.coef_[0][[0, *range(1, 4 * REACH, 2)]], 3).tolist()  # z, then z[i-1], z[i+1], ...
        print(f"fold {k + 1}: a = {best}; stacked weights of z, z[i-1], z[i+1], ...: {weights}", flush=True)

    print("| smoothing | threshold | mean of line and snippet F1 |\n|---|---:|---:|")
    for name, values in (("none", probabilities), ("average", averaged), ("stacked", stacked)):
        threshold, value = training.best_single_pass(pages, values)
        print(f"| {name} | {threshold} | {value:.4f} |")


if __name__ == "__main__":
    main()
