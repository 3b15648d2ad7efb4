"""Round AE (seventeenth session): a second stage trained only on the lines the first stage drops.

Round AD's second stage, learnt on every line as ``stance train-cleaner --second-stage`` learns it, kept
too much furniture when it was only allowed to keep. AE learns a rescuer on the lines it will judge:
the training rows whose first-stage probability, out of fold (``training.fit_stages``' inner
cross-validation grouped by site), is under the shipped threshold, with the same features and context
features and ``training.SECOND_STAGE``'s settings. A line the shipped first stage drops is kept if the
rescuer gives it 0.5 or more. The rule, written before any result: ``docs/design.md``, round AE.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ae_rescuer.py --dev  # development files, ~8 minutes
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ae_rescuer.py        # cross-validation, ~25 minutes
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

import round_ad_union  # noqa: E402
from round_ad_union import StrictUnion  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.features import FEATURES, context_features  # noqa: E402
from stance.cleaning.linemodel import TreeModel  # noqa: E402

_RULE = FEATURES.index("rule")


def fit_rescuer(pages: Sequence[dict], features: tuple, page_indices: Sequence[int] | None = None,
                folds: int = 5, second: dict[str, Any] | None = None, rescue_below: float | None = None,
                **fit: Any) -> tuple[Any, Any]:
    """``training.fit_stages`` with the second stage fitted on the rows the first stage drops (out of fold),
    as round AE ran it (``rescue_below`` aside: the shipped threshold is used; the eighteenth session put
    the same procedure in ``training.fit_stages``, round AH)."""
    from sklearn.model_selection import GroupKFold

    X, y, origin, _ = features
    indices = list(range(len(pages))) if page_indices is None else [int(i) for i in page_indices]
    rows_of = training._rows_of(origin, len(pages))
    threshold = TreeModel.default().threshold
    first = training.fit_trees([X[r] for i in indices for r in rows_of[i]], [y[r] for i in indices for r in rows_of[i]],
                               **fit)
    if second is None:
        return first, None
    groups = np.array([pages[i]["group"] for i in indices])
    inputs, labels = [], []
    for inner_train, inner_test in GroupKFold(min(folds, len(set(groups.tolist())))).split(
            np.zeros(len(indices)), groups=groups):
        rows = [r for i in inner_train for r in rows_of[indices[i]]]
        inner = TreeModel.from_sklearn(training.fit_trees([X[r] for r in rows], [y[r] for r in rows], **fit), 0.5)
        for i in inner_test:
            for r in rows_of[indices[i]]:
                p = inner.first_stage(X[r])
                low = (p < threshold) & (X[r][:, _RULE] == 0)
                inputs.append(np.hstack((X[r], context_features(p, X[r])))[low])
                labels.append(np.asarray(y[r])[low])
    return first, training.fit_trees(inputs, labels, **second)


CANDIDATES = {"rescuer, kept if p >= 0.5 (AE)": lambda m: StrictUnion(m.spec)}


def main(argv: list[str] | None = None) -> None:
    round_ad_union.main(argv, CANDIDATES, fit_rescuer, "round-ae", __doc__)

if __name__ == "__main__":
    main()
