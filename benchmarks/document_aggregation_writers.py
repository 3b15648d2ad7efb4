"""Cross-validation of the document aggregation across writers (rounds D and E of
docs/stance-lora.md, "Documents by three more writers").

Reads the training documents (``models/training/stance_fr_documents.jsonl``: writers
``fd-a``, ``fd-b``, ``fd-c``) and the development documents
(``models/training/stance_fr_documents_dev.jsonl``: writers ``fd-d``, ``fd-e``, ``fd-f``,
written in the shapes of real articles), never eval/ or seeds/. Every passage is classified
once by the shipped lora classifier and the shipped embedding head, and the aggregation reads
the mean of the two (as the shipped one does; cached in ``benchmarks/_data/``).

Each candidate is a whole fitting procedure (C, coefficients, temperature), scored by nested
leave-one-writer-out over all six writers: for each writer, the procedure runs on the
documents of the other writers that the candidate may use (``old``: the three training
writers only; ``all``: all five others), and predicts the writer left out. Predictions are
pooled; the rule written down before each round: the best pooled macro-F1; every candidate
within 0.01 of it is eligible; among those the lowest pooled ECE (ties within 0.005: the
earlier candidate in the list).

    OMP_NUM_THREADS=1 python benchmarks/document_aggregation_writers.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from document_aggregation_cv import _log, compact, mean  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from stance.classify.base import _softmax  # noqa: E402
from stance.classify.documents import (  # noqa: E402
    AGGREGATION_C_GRID,
    DocumentAggregator,
    _scores,
    aggregation_features,
    document_passages,
)
from stance.classify.selection import _fit_temperature  # noqa: E402
from stance.classify.training import DOCUMENT_SET, document_groups, training_dir  # noqa: E402
from stance.document import LABELS  # noqa: E402

DEV_SET = "stance_fr_documents_dev.jsonl"
TRAINING_WRITERS = ("fd-a", "fd-b", "fd-c")


def passage_probabilities(passages: list[list[str]], files: list[Path]) -> np.ndarray:
    """The mean of the shipped lora and embedding-head probabilities of every passage, in order."""
    from stance.classify.embedding import EmbeddingStanceClassifier, default_head_dir
    from stance.classify.lora import LoraStanceClassifier, default_lora_dir
    from stance.encode import Encoder

    digest = hashlib.sha256(b"".join(p.read_bytes() for p in (
        *files, default_lora_dir() / "adapter_model.safetensors", default_head_dir() / "head.json"))).hexdigest()
    cache = ROOT / "benchmarks" / "_data" / f"document-writers-probabilities-{digest[:16]}.npz"
    if cache.is_file():
        return np.load(cache)["mean"]
    flat = [passage for parts in passages for passage in parts]
    encoder = Encoder("e5-small")
    lora = LoraStanceClassifier.load(encoder=encoder, progress=False, aggregation=False).predict_proba(flat)
    embedding = EmbeddingStanceClassifier.load(encoder=encoder, progress=False).predict_proba(flat)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, mean=(lora + embedding) / 2)
    return (lora + embedding) / 2


def per_document(flat: np.ndarray, passages: list[list[str]],
                 records: list[dict]) -> tuple[list, np.ndarray, np.ndarray]:
    """The rows of ``flat`` (one per passage, in order) cut per document, the documents' label indices and
    their writers."""
    probas, start = [], 0
    for parts in passages:
        probas.append(flat[start:start + len(parts)])
        start += len(parts)
    y = np.array([LABELS.index(record["label"]) for record in records])
    return probas, y, np.array(document_groups([record["id"] for record in records]))


def _nll(proba: np.ndarray, y: np.ndarray) -> float:
    return float(-np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, None)).mean())


def _held_logits(C: float, X: np.ndarray, y: np.ndarray, splits: list) -> np.ndarray:
    logits = np.zeros((len(y), len(LABELS)))
    for train, test in splits:
        logits[test] = LogisticRegression(C=C, max_iter=5000).fit(X[train], y[train]).decision_function(X[test])
    return logits


def _leave_one_writer_out(g: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.flatnonzero(g != name), np.flatnonzero(g == name)) for name in sorted(set(g))]


def _aggregator(X: np.ndarray, y: np.ndarray, g: np.ndarray, C: float | None = None) -> DocumentAggregator:
    return DocumentAggregator(C=C).fit_features(X, [LABELS[k] for k in y], groups=list(g))


def shipped(X: np.ndarray, y: np.ndarray, g: np.ndarray, usable: np.ndarray) -> Callable:
    """The shipped procedure, :class:`DocumentAggregator` itself: C by repeated stratified
    log-loss, then a temperature on leave-one-writer-out predictions at that C."""
    return _aggregator(X[usable], y[usable], g[usable]).predict_proba_features


def c_across_writers(X: np.ndarray, y: np.ndarray, g: np.ndarray, usable: np.ndarray) -> Callable:
    """D1, D3: C by log-loss leaving one writer out (with 3 writers or more), then as shipped."""
    Xu, yu, gu = X[usable], y[usable], g[usable]
    if len(set(gu)) < 3:
        return shipped(X, y, g, usable)
    C = min(AGGREGATION_C_GRID,
            key=lambda C: (round(_nll(_softmax(_held_logits(C, Xu, yu, _leave_one_writer_out(gu))), yu), 4), C))
    return _aggregator(Xu, yu, gu, C).predict_proba_features


def calibrated_on_all_writers(X: np.ndarray, y: np.ndarray, g: np.ndarray, usable: np.ndarray) -> Callable:
    """E1: fitted as shipped on the training writers only; the temperature on every usable
    writer, each predicted by the model fitted (at the same C) on the training writers other than itself."""
    training = usable & np.isin(g, TRAINING_WRITERS)
    aggregator = _aggregator(X[training], y[training], g[training])
    held = np.zeros((len(y), len(LABELS)))
    for name in sorted(set(g[usable])):
        inside = training & (g != name)
        held[g == name] = LogisticRegression(C=aggregator.C_, max_iter=5000).fit(
            X[inside], y[inside]).decision_function(X[g == name])
    aggregator.temperature_ = _fit_temperature(held[usable], y[usable])
    return aggregator.predict_proba_features


def thirds(passages: list[str], proba: np.ndarray) -> np.ndarray:
    k = max(1, round(len(passages) / 3))
    return np.concatenate([_log(mean(passages, proba)), _log(mean(passages[:k], proba[:k])),
                           _log(mean(passages[-k:], proba[-k:]))])


FEATURES: dict[str, Callable] = {
    "mean (3)": lambda p, pr: _log(mean(p, pr)),
    "headline, mean, last, votes (9)": compact,
    "mean, headline (6)": lambda p, pr: np.concatenate([_log(mean(p, pr)), _log(pr[0])]),
    "mean, first and last thirds (9)": thirds,
    "20 features (shipped since the eighth session)": aggregation_features,
}

# (name, features, writers usable, procedure: fits on the usable documents, returns its
# predict_proba), in the order of the rule's tie-break.
CANDIDATES = [
    ("D0", "mean (3)", "old", shipped),
    ("D1", "mean (3)", "old", c_across_writers),
    ("D2", "mean (3)", "all", shipped),
    ("D3", "mean (3)", "all", c_across_writers),
    ("E1", "mean (3)", "all", calibrated_on_all_writers),
    *[(f"E{k}", name, "all", shipped) for k, name in zip(range(2, 6), list(FEATURES)[1:], strict=True)],
    *[(f"E{k}o", name, "old", shipped) for k, name in zip(range(2, 6), list(FEATURES)[1:], strict=True)],
]


def main() -> None:
    files = [training_dir() / DOCUMENT_SET, training_dir() / DEV_SET]
    records = [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    passages = [document_passages(record["text"]) for record in records]
    probas, y, g = per_document(passage_probabilities(passages, files), passages, records)
    writers = sorted(set(g))
    training = np.isin(g, TRAINING_WRITERS)
    print(f"{len(y)} documents; writers: " + ", ".join(f"{w} {int((g == w).sum())}" for w in writers))
    features = {name: np.stack([f(p, pr) for p, pr in zip(passages, probas, strict=True)])
                for name, f in FEATURES.items()}
    print("| candidate | features | writers fitted | macro-F1 | accuracy | mean confidence | ECE | log-loss "
          "| training writers F1 | dev writers F1 (acc. / conf.) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    pooled = {}
    for name, feature, usable_writers, run in CANDIDATES:
        X = features[feature]
        usable = np.ones(len(y), bool) if usable_writers == "all" else training
        proba = np.zeros((len(y), len(LABELS)))
        for writer in writers:
            proba[g == writer] = run(X, y, g, usable & (g != writer))(X[g == writer])
        scores, old = _scores(y, proba), _scores(y[training], proba[training])
        new = _scores(y[~training], proba[~training])
        pooled[name] = scores
        print(f"| {name} | {feature} | {usable_writers} | {scores['macro_f1']:.4f} | {scores['accuracy']:.3f} | "
              f"{scores['mean_confidence']:.3f} | {scores['ece']:.3f} | {_nll(proba, y):.4f} | {old['macro_f1']:.3f} | "
              f"{new['macro_f1']:.3f} ({new['accuracy']:.3f} / {new['mean_confidence']:.3f}) |", flush=True)
    for label, names in (("round D", ["D0", "D1", "D2", "D3"]), ("round E", [c[0] for c in CANDIDATES
                                                                            if c[0] == "D0" or c[0][0] == "E"])):
        best = max(pooled[n]["macro_f1"] for n in names)
        eligible = [n for n in names if pooled[n]["macro_f1"] >= best - 0.01]
        lowest = min(pooled[n]["ece"] for n in eligible)
        print(f"{label}: eligible {', '.join(eligible)}; chosen "
              f"{next(n for n in eligible if pooled[n]['ece'] <= lowest + 0.005)}")


if __name__ == "__main__":
    main()
