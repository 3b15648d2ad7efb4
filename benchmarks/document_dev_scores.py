"""Document stance of the shipped default and of the embedding head on the development documents.

Reads the development document files of ``models/training/`` (``models/training/README.md``),
never eval/ or seeds/, classifies every document with ``classify_documents`` as the pipeline
does after cleaning, and prints macro-F1, accuracy, mean confidence and ECE for all the
documents, per writer and for the documents marked hard or not (docs/stance-lora.md, "Short
documents"). Since the tenth session these documents fit the aggregation's temperature (never its
coefficients): the default's labels here are still out of sample, its confidences are not (the
card scores the temperature leaving each writer out of its fit).

    python benchmarks/document_dev_scores.py                          # both development files
    python benchmarks/document_dev_scores.py --files stance_fr_documents_dev_short.jsonl

About 4 minutes per 90 documents on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stance.classify import load_classifier  # noqa: E402
from stance.classify.documents import classify_documents  # noqa: E402
from stance.classify.training import document_groups  # noqa: E402
from stance.metrics import classification_scores, expected_calibration_error  # noqa: E402

TRAINING = ROOT / "models" / "training"
DEV_FILES = ("stance_fr_documents_dev.jsonl", "stance_fr_documents_dev_short.jsonl")
BACKENDS = ("lora", "embedding")  # the shipped default, then the fast baseline it must beat


def score_rows(gold: Sequence[str], predicted: Sequence[str], confidence: Sequence[float]) -> dict[str, float]:
    """Macro-F1, accuracy, mean confidence and ECE of one group of documents.

    >>> score_rows(["bullish", "neutral"], ["bullish", "skeptical"], [0.9, 0.6])["accuracy"]
    0.5
    """
    correct = [g == p for g, p in zip(gold, predicted, strict=True)]
    return {
        "macro_f1": classification_scores(list(gold), list(predicted))["macro_f1"],
        "accuracy": float(np.mean(correct)),
        "mean_confidence": float(np.mean(confidence)),
        "ece": expected_calibration_error(list(confidence), correct),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", nargs="+", default=list(DEV_FILES), help="files of models/training/ to score")
    args = parser.parse_args(argv)
    rows = [
        json.loads(line) for name in args.files for line in (TRAINING / name).read_text(encoding="utf-8").splitlines()
    ]
    groups: dict[str, list[int]] = defaultdict(list)
    for index, (row, writer) in enumerate(zip(rows, document_groups([row["id"] for row in rows]), strict=True)):
        for group in ("all", writer, "hard" if row["hard"] else "not hard"):
            groups[group].append(index)
    print("| model | documents | n | macro-F1 | accuracy | mean confidence | ECE |\n|---|---|---:|---:|---:|---:|---:|")
    for backend in BACKENDS:
        stances = classify_documents([row["text"] for row in rows], load_classifier(backend))
        for group, indices in groups.items():
            s = score_rows(
                [rows[i]["label"] for i in indices],
                [stances[i].label for i in indices],
                [max(stances[i].scores.values()) for i in indices],
            )
            print(f"| {backend} | {group} | {len(indices)} | {s['macro_f1']:.3f} | {s['accuracy']:.3f} | "
                  f"{s['mean_confidence']:.3f} | {s['ece']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
