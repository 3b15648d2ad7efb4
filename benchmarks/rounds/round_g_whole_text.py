"""Round G (sixteenth session): the document's text taken whole as three more aggregation features?

The shipped document aggregation (``stance.classify.documents``) reads 20 features of the passage
probabilities (the mean of the lora classifier's and the embedding head's). G adds the same mean
probabilities of the document's text taken whole (the encoder truncates it at the passage model's
128 tokens: the headline, the lead and what follows), as three log-probabilities: G1 with the 20
features, G2 with the length-weighted mean alone. Every candidate is fitted by the shipped procedure
(``DocumentAggregator.fit_features``) on the three training writers (``fd-a``..``fd-c``), leaving out
the writer it predicts; the six development writers (``fd-d``..``fd-i``) are predicted by the fit on all
three. The rule, written before any result (``docs/stance-lora.md``, round G): a G candidate ships only if
its pooled macro-F1 over the 384 documents is at least E5o's (the shipped 20 features) + 0.015 and its
macro-F1 on the 180 development documents at least E5o's + 0.01. Never eval/ or seeds/.

    OMP_NUM_THREADS=1 python benchmarks/rounds/round_g_whole_text.py     # a few minutes
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from document_aggregation_cv import _log, mean  # noqa: E402
from document_aggregation_writers import per_document  # noqa: E402

from stance.classify.documents import DocumentAggregator, _scores, aggregation_features, document_passages  # noqa: E402
from stance.classify.training import training_dir  # noqa: E402
from stance.document import LABELS  # noqa: E402

FILES = ("stance_fr_documents.jsonl", "stance_fr_documents_dev.jsonl", "stance_fr_documents_dev_short.jsonl")
TRAINING_WRITERS = ("fd-a", "fd-b", "fd-c")


def probabilities(texts: list[str]) -> np.ndarray:
    """What the shipped aggregation reads for each text: the mean of the lora and embedding-head probabilities."""
    from stance.classify.lora import LoraStanceClassifier

    _, read = LoraStanceClassifier.load(progress=False).aggregation_proba(texts)
    return read


def documents() -> tuple[list[dict], list[list[str]], list[np.ndarray], np.ndarray, np.ndarray]:
    """The documents of the nine writers: records, passages, passage probabilities, gold labels, writers."""
    records = [json.loads(line) for name in FILES for line in (training_dir() / name).read_text("utf-8").splitlines()]
    passages = [document_passages(record["text"]) for record in records]
    probas, y, g = per_document(probabilities([p for parts in passages for p in parts]), passages, records)
    return records, passages, probas, y, g


def fitted(X: np.ndarray, y: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Each writer's documents predicted by the shipped procedure fitted on the training writers but that one."""
    training = np.isin(g, TRAINING_WRITERS)
    proba = np.zeros((len(y), len(LABELS)))
    for writer in sorted(set(g)):
        fit = training & (g != writer)
        aggregator = DocumentAggregator().fit_features(X[fit], [LABELS[k] for k in y[fit]], groups=list(g[fit]))
        proba[g == writer] = aggregator.predict_proba_features(X[g == writer])
    return proba


def table(rows: dict[str, tuple[int, np.ndarray]], y: np.ndarray, g: np.ndarray) -> None:
    """One row per candidate (its number of features, its document probabilities)."""
    training = np.isin(g, TRAINING_WRITERS)
    print(f"{len(y)} documents, {len(set(g))} writers; {int(training.sum())} of the training writers")
    print("| candidate | features | macro-F1 (384) | accuracy | mean confidence | ECE | training writers F1 "
          "| development writers F1 (180) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (size, proba) in rows.items():
        s, old, dev = _scores(y, proba), _scores(y[training], proba[training]), _scores(y[~training], proba[~training])
        print(f"| {name} | {size} | {s['macro_f1']:.4f} | {s['accuracy']:.3f} | {s['mean_confidence']:.3f} | "
              f"{s['ece']:.3f} | {old['macro_f1']:.4f} | {dev['macro_f1']:.4f} |", flush=True)


def main() -> None:
    records, passages, probas, y, g = documents()
    whole = probabilities([record["text"] for record in records])
    features = {
        "E5o": np.stack([aggregation_features(p, pr) for p, pr in zip(passages, probas, strict=True)]),
    }
    features["G1"] = np.hstack([features["E5o"], _log(whole)])
    features["G2"] = np.hstack([np.stack([_log(mean(p, pr)) for p, pr in zip(passages, probas, strict=True)]),
                                _log(whole)])
    table({name: (X.shape[1], fitted(X, y, g)) for name, X in features.items()}, y, g)

if __name__ == "__main__":
    main()
