"""Round AG (seventeenth session): document stance without a fitted aggregation?

The shipped aggregation (E5o) fits 20 features on three writers' documents. AG asks whether a rule with
nothing fitted does better on writers it never saw: AG1, the fixed rule's scores of the passage
probabilities (length-weighted, neutral mass halved: the ``rule_*`` features); AG2, their length-weighted
mean (``mean_*``); each document's label their argmax. Measured as round G (``round_g_whole_text.py``):
the 384 documents of nine writers, E5o fitted without the writer it predicts. The rule, written before any
result (``docs/stance-lora.md``): an AG candidate replaces E5o only if its pooled macro-F1 gains 0.015 and
its macro-F1 on the 180 development documents 0.01. Never eval/ or seeds/.

    OMP_NUM_THREADS=1 python benchmarks/rounds/round_ag_fixed_rule.py     # seconds with round G's cache
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_g_whole_text import documents, fitted, table  # noqa: E402

from stance.classify.documents import AGGREGATION_FEATURES, aggregation_features  # noqa: E402
from stance.document import LABELS  # noqa: E402


def main() -> None:
    _, passages, probas, y, g = documents()
    X = np.stack([aggregation_features(p, pr) for p, pr in zip(passages, probas, strict=True)])

    def scores(part: str) -> tuple[int, np.ndarray]:
        values = np.exp(X[:, [AGGREGATION_FEATURES.index(f"{part}_{label}") for label in LABELS]])
        return len(LABELS), values / values.sum(axis=1, keepdims=True)

    table({"E5o (shipped)": (X.shape[1], fitted(X, y, g)), "AG1 fixed rule": scores("rule"),
           "AG2 length-weighted mean": scores("mean")}, y, g)


if __name__ == "__main__":
    main()
