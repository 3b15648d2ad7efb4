"""Cross-validation of the candidate document aggregations of the third session (its table in
docs/stance-lora.md; the eighth session's choice across six writers: document_aggregation_writers.py).

Reads the training documents (``models/training/stance_fr_documents.jsonl``, never eval/
or seeds/), cuts them into passages as at prediction time, and classifies every passage
with the shipped lora classifier and the shipped embedding head (one encoder in memory;
cached in ``benchmarks/_data/`` keyed by the files' digests). Each candidate is a
multinomial logistic regression over features of a document's passage probabilities, its
C chosen inside each training part by 5-fold log-loss (nested); it is scored

- by 2x repeated stratified 5-fold cross-validation over all documents, and
- leaving one writer out at a time (``fd-a``, ``fd-b``, ``fd-c``: documents written by
  different sessions; ``fd-c`` are the short articles), the closest the training data
  come to articles by writers the model never saw.

The criterion (fixed before any eval score of a candidate was seen): the mean of the two
macro-F1; candidates within 0.01 of the best: the fewest features. Calibration is
reported leaving one writer out, before and after a temperature fitted on those predictions.

    OMP_NUM_THREADS=1 python benchmarks/document_aggregation_cv.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold  # noqa: E402

from stance.classify.base import _softmax  # noqa: E402
from stance.classify.documents import (  # noqa: E402
    _scores,
    _weighted_scores,
    _weights,
    aggregation_features,
    document_passages,
)
from stance.classify.selection import _fit_temperature  # noqa: E402
from stance.classify.training import DOCUMENT_SET, document_groups, training_dir  # noqa: E402
from stance.document import LABELS  # noqa: E402

GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


def _log(values: np.ndarray) -> np.ndarray:
    return np.log(np.clip(values, 1e-4, 1.0))


def mean(passages: list[str], proba: np.ndarray) -> np.ndarray:
    weights = _weights(passages)
    return (weights / weights.sum()) @ proba


def previous(passages: list[str], proba: np.ndarray) -> np.ndarray:
    """The 20 features of the aggregation before the third session, shipped again since the
    eighth: headline, lead, mean, conclusion, strongest bullish and skeptical passage, vote
    shares, the fixed rule's scores (:func:`stance.classify.documents.aggregation_features`)."""
    return aggregation_features(passages, proba)


def compact(passages: list[str], proba: np.ndarray) -> np.ndarray:
    votes = proba.argmax(axis=1)
    return _log(np.concatenate([proba[0], mean(passages, proba), proba[-1], [(votes == k).mean() for k in range(3)]]))


def rule(passages: list[str], proba: np.ndarray) -> np.ndarray:
    return _log(_weighted_scores(proba, _weights(passages), 0.5))


def candidates() -> dict:
    avg = lambda lo, em: (lo + em) / 2  # noqa: E731
    return {
        "20 features, lora (previous default)": lambda p, lo, em: previous(p, lo),
        "20 features, lora + 20 embedding head": lambda p, lo, em: np.concatenate([previous(p, lo), previous(p, em)]),
        "20 features, mean of lora and embedding head": lambda p, lo, em: previous(p, avg(lo, em)),
        "9 features (headline, mean, last, votes), lora": lambda p, lo, em: compact(p, lo),
        "9 features, lora + 9 embedding head": lambda p, lo, em: np.concatenate([compact(p, lo), compact(p, em)]),
        "9 features, mean of both": lambda p, lo, em: compact(p, avg(lo, em)),
        "weighted mean, lora (3)": lambda p, lo, em: _log(mean(p, lo)),
        "weighted mean, lora + weighted mean, embedding head (6)": lambda p, lo, em: np.concatenate(
            [_log(mean(p, lo)), _log(mean(p, em))]),
        "weighted mean of both (3, chosen in the third session)": lambda p, lo, em: _log(mean(p, avg(lo, em))),
        "fixed rule's scores, lora (3)": lambda p, lo, em: rule(p, lo),
        "fixed rule's scores, mean of both (3)": lambda p, lo, em: rule(p, avg(lo, em)),
        "fixed rule's scores + headline, mean of both (6)": lambda p, lo, em: np.concatenate(
            [rule(p, avg(lo, em)), _log(avg(lo, em)[0])]),
        "fixed rule's scores + last passage, mean of both (6)": lambda p, lo, em: np.concatenate(
            [rule(p, avg(lo, em)), _log(avg(lo, em)[-1])]),
    }


def passage_probabilities(passages: list[list[str]], documents: Path) -> tuple[np.ndarray, np.ndarray]:
    from stance.classify.embedding import EmbeddingStanceClassifier, default_head_dir
    from stance.classify.lora import LoraStanceClassifier, default_lora_dir
    from stance.encode import Encoder

    digest = hashlib.sha256(b"".join(p.read_bytes() for p in (
        documents, default_lora_dir() / "adapter_model.safetensors", default_head_dir() / "head.json"))).hexdigest()
    cache = ROOT / "benchmarks" / "_data" / f"document-probabilities-{digest[:16]}.npz"
    if cache.is_file():
        stored = np.load(cache)
        return stored["lora"], stored["embedding"]
    flat = [passage for parts in passages for passage in parts]
    encoder = Encoder("e5-small")
    lora = LoraStanceClassifier.load(encoder=encoder, progress=False, aggregation=False).predict_proba(flat)
    embedding = EmbeddingStanceClassifier.load(encoder=encoder, progress=False).predict_proba(flat)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, lora=lora, embedding=embedding)
    return lora, embedding


def fit_predict(X: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Held-out logits, C chosen by 5-fold log-loss inside the training part."""
    inner = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X[train], y[train]))
    losses = []
    for C in GRID:
        loss = 0.0
        for a, b in inner:
            p = LogisticRegression(C=C, max_iter=5000).fit(X[train][a], y[train][a]).predict_proba(X[train][b])
            loss += -np.log(np.clip(p[np.arange(len(b)), y[train][b]], 1e-12, None)).sum()
        losses.append(loss)
    C = GRID[int(np.argmin(losses))]
    return LogisticRegression(C=C, max_iter=5000).fit(X[train], y[train]).decision_function(X[test])


def main() -> None:
    documents = training_dir() / DOCUMENT_SET
    rows = [json.loads(line) for line in documents.read_text(encoding="utf-8").splitlines() if line.strip()]
    passages = [document_passages(row["text"]) for row in rows]
    y = np.array([LABELS.index(row["label"]) for row in rows])
    writer = np.array(document_groups([row["id"] for row in rows]))
    lora, embedding = passage_probabilities(passages, documents)
    bounds = np.cumsum([0, *map(len, passages)])
    repeated = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0).split(y, y))
    writers = sorted(set(writer))
    by_writer = [(np.flatnonzero(writer != w), np.flatnonzero(writer == w)) for w in writers]
    print(f"{len(rows)} documents ({', '.join(f'{w} {int((writer == w).sum())}' for w in writers)}), "
          f"{bounds[-1]} passages")
    print("| candidate | 5-fold macro-F1 | writer left out macro-F1 | criterion | left out: accuracy | "
          "mean confidence | ECE | temperature | ECE after | short (fd-c) macro-F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, features in candidates().items():
        X = np.stack([features(passages[i], lora[bounds[i]:bounds[i + 1]], embedding[bounds[i]:bounds[i + 1]])
                      for i in range(len(rows))])
        f1 = []
        for repeat in range(2):
            logits = np.zeros((len(y), 3))
            for train, test in repeated[repeat * 5:(repeat + 1) * 5]:
                logits[test] = fit_predict(X, y, train, test)
            f1.append(_scores(y, _softmax(logits))["macro_f1"])
        held = np.zeros((len(y), 3))
        for train, test in by_writer:
            held[test] = fit_predict(X, y, train, test)
        before = _scores(y, _softmax(held))
        temperature = _fit_temperature(held, y)
        after = _scores(y, _softmax(held / temperature))
        short = _scores(y[writer == "fd-c"], _softmax(held[writer == "fd-c"])) if "fd-c" in writers else None
        print(f"| {name} | {np.mean(f1):.3f} | {before['macro_f1']:.3f} | {(np.mean(f1) + before['macro_f1']) / 2:.3f} "
              f"| {before['accuracy']:.3f} | {before['mean_confidence']:.3f} | {before['ece']:.3f} | "
              f"{temperature:.2f} | {after['ece']:.3f} | {short['macro_f1'] if short else float('nan'):.3f} |")
    for name, proba in (("lora", lora), ("embedding head", embedding), ("mean of both", (lora + embedding) / 2)):
        scores = np.stack([_weighted_scores(proba[bounds[i]:bounds[i + 1]], _weights(passages[i]), 0.5)
                           for i in range(len(rows))])
        fixed = _scores(y, scores)
        print(f"| fixed rule, {name} (no fitting) | {fixed['macro_f1']:.3f} | {fixed['macro_f1']:.3f} | "
              f"{fixed['macro_f1']:.3f} | {fixed['accuracy']:.3f} | {fixed['mean_confidence']:.3f} | "
              f"{fixed['ece']:.3f} | | | |")


if __name__ == "__main__":
    main()
