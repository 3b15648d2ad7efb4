"""How far the document figures move under changes that should not matter: the noise floor for document rounds.

Rounds BD and BE (``docs/stance-lora.md``) changed only the passage probabilities the document aggregation reads (the
passage temperature by 4 %, or dropping it) and saw the document macro-F1 move by about 0.01 either way, more than
their rules allowed. This script measures that spread on the 384 training and development documents of nine writers
(never ``eval/`` or the seeds), with the shipped passage models and the procedure of rounds G, AG, H and I (the
aggregation fitted on the three training writers' documents, leaving out the writer it predicts):

- the lora passage temperature multiplied by 0.90, 0.95, 1.05 and 1.10 (the embedding head's probabilities as they
  are), and the seed of the aggregation's choice of C (repeated cross-validation) set to 1, 2 and 3;
- for each, the change of the pooled macro-F1 (384 documents), the training writers' (204) and the development
  writers' (180) against the shipped reading, with a paired bootstrap 95 % interval (documents resampled, 2,000
  times, both readings on the same resample);
- the bootstrap 95 % interval of the shipped reading's own figures.

A rule on these sets that allows a smaller loss than these neutral changes cause judges noise.

    OMP_NUM_THREADS=2 python benchmarks/document_noise.py --repeats 4   # 3.4 minutes, 7 more to cache the probabilities
    OMP_NUM_THREADS=2 python benchmarks/document_noise.py               # the shipped 20 repeats
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from document_aggregation_writers import per_document  # noqa: E402
from round_h_merged_passages import FILES, TRAINING_WRITERS, cut_after_every_sentence, fitted  # noqa: E402
from round_i_rhetoric import cached  # noqa: E402

from stance.classify.base import _softmax  # noqa: E402
from stance.classify.documents import DocumentAggregator, _scores, aggregation_features, document_passages  # noqa: E402
from stance.classify.lora import default_lora_dir  # noqa: E402
from stance.classify.training import training_dir  # noqa: E402
from stance.document import LABELS  # noqa: E402

FACTORS = (0.90, 0.95, 1.05, 1.10)
SEEDS = (1, 2, 3)
RESAMPLES = 2000


def predictions(X: np.ndarray, y: np.ndarray, g: np.ndarray, **options: int) -> np.ndarray:
    """Each writer's documents predicted by the shipped procedure fitted on the training writers' other documents
    (round H's :func:`fitted`; ``options``: other settings of :class:`DocumentAggregator`, such as ``repeats``)."""
    return fitted(X, [X], y, g, **options)[0]


def documents() -> tuple[list[list[str]], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 384 documents as written, cut into passages; the shipped lora model's passage probabilities and the
    embedding head's (one row per passage, in order); the documents' label indices and writers."""
    records = [json.loads(line) for name in FILES for line in (training_dir() / name).read_text("utf-8").splitlines()
               if line.strip()]
    # both versions, as round I read them, so that its cache of the shipped model's probabilities serves here
    versions = [[r["text"] for r in records], [cut_after_every_sentence(r["text"]) for r in records]]
    passages = [[document_passages(text) for text in texts] for texts in versions]
    flat = [p for docs in passages for doc in docs for p in doc]
    own, read = cached(default_lora_dir(), flat, "documents-shipped")
    other = 2 * read - own  # read is the mean of the lora probabilities (own) and the embedding head's
    written = passages[0]
    n = sum(len(doc) for doc in written)
    _, y, g = per_document(np.zeros((n, 3)), written, records)
    return written, own[:n], other[:n], y, g


def features(written: list[list[str]], lora: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The aggregation's features of each document, reading the mean of ``lora`` and ``other``."""
    mean, start, rows = (lora + other) / 2, 0, []
    for doc in written:
        rows.append(aggregation_features(doc, mean[start:start + len(doc)]))
        start += len(doc)
    return np.stack(rows)


def macro_f1(y: np.ndarray, predicted: np.ndarray) -> float:
    scores = []
    for label in range(len(LABELS)):
        tp = np.sum((predicted == label) & (y == label))
        denominator = np.sum(predicted == label) + np.sum(y == label)
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores))


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=DocumentAggregator().repeats,
                        help="repeats of the cross-validation that chooses C (default: the aggregation's, 20 since "
                        "round BF; the first table of docs/stance-lora.md was measured with 4)")
    repeats = parser.parse_args().repeats
    written, own, other, y, g = documents()
    groups = {"pooled (384)": np.ones(len(y), dtype=bool), "training writers (204)": np.isin(g, TRAINING_WRITERS),
              "development writers (180)": ~np.isin(g, TRAINING_WRITERS)}

    X = features(written, own, other)
    readings = {"shipped reading": predictions(X, y, g, repeats=repeats)}
    logits = np.log(np.clip(own, 1e-300, None))
    for factor in FACTORS:
        readings[f"lora temperature × {factor:.2f}"] = predictions(
            features(written, _softmax(logits / factor), other), y, g, repeats=repeats)
    for seed in SEEDS:
        readings[f"aggregation's CV seed {seed}"] = predictions(X, y, g, seed=seed, repeats=repeats)
    labels = {name: proba.argmax(1) for name, proba in readings.items()}

    rng = np.random.default_rng(0)
    samples = {name: [rng.choice(np.flatnonzero(mask), mask.sum()) for _ in range(RESAMPLES)]
               for name, mask in groups.items()}
    reference = labels["shipped reading"]
    print("| shipped reading | " + " | ".join(groups) + " |")
    print("|---|" + "---:|" * len(groups))
    cells = []
    for name, mask in groups.items():
        value = macro_f1(y[mask], reference[mask])
        spread = np.percentile([macro_f1(y[s], reference[s]) for s in samples[name]], [2.5, 97.5])
        cells.append(f"{value:.4f} [{spread[0]:.3f}, {spread[1]:.3f}]")
    print("| macro-F1 [bootstrap 95 %] | " + " | ".join(cells) + " |")

    header = " | ".join(f"{name}: change [paired 95 %]" for name in groups)
    print(f"\n| neutral change | {header} | labels changed |")
    print("|---|" + "---:|" * (len(groups) + 1))
    for reading, predicted in labels.items():
        if reading == "shipped reading":
            continue
        cells = []
        for name, mask in groups.items():
            change = macro_f1(y[mask], predicted[mask]) - macro_f1(y[mask], reference[mask])
            paired = [macro_f1(y[s], predicted[s]) - macro_f1(y[s], reference[s]) for s in samples[name]]
            low, high = np.percentile(paired, [2.5, 97.5])
            cells.append(f"{change:+.4f} [{low:+.3f}, {high:+.3f}]")
        print(f"| {reading} | " + " | ".join(cells) + f" | {int(np.sum(predicted != reference))} |", flush=True)
    print(f"\n{len(y)} documents of {len(set(g))} writers; scores (_scores) of the shipped reading, pooled: "
          f"{_scores(y, readings['shipped reading'])}")


if __name__ == "__main__":
    main()
