"""Round H (twenty-sixth session): short passages merged, for documents whose author breaks after every sentence?

A document is classified by its paragraphs (long ones cut at 90 words). The same text cut after every sentence
gives passages far shorter than the passage models learnt from. ``merge_passages`` joins passages under
``merge_below`` words (after the headline) to the next ones within 90 words. The 384 documents of nine writers
(never eval/ or seeds/) are read as written and cut after every sentence (every paragraph after the first split into
its sentences, one paragraph each: the same text, the same label). For each candidate (H0 shipped, H1
``merge_below=30``, H2 ``merge_below=90``) the shipped passage models' probabilities of its passages (the mean of
lora and the embedding head) feed the shipped aggregation procedure, fitted on the three training writers' documents
as written, leaving out the writer it predicts; every document is predicted in both versions.

The rule, written before any result (``docs/stance-lora.md``, round H): a candidate ships if, against H0, on the
documents cut after every sentence its pooled macro-F1 gains 0.02 or more and its macro-F1 on the 180 development
documents 0.02 or more, while on the documents as written its pooled macro-F1 loses at most 0.005 and on the 180 at
most 0.01; if both pass, the higher pooled macro-F1 on the cut documents (within 0.005: H1).

Round H′ (written after reading round H): the aggregation of each fold fitted on the training writers' documents
in both versions (each twice, with its label), leaving out both versions of the writer predicted; H3 with the
shipped passages, H4 with H1's merging; the same rule against H0.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_h_merged_passages.py   # 15-20 minutes the first time (cached)
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_h_merged_passages.py --both-versions   # round H′
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_h_merged_passages.py --words           # round H″
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_h_merged_passages.py --windows         # round H‴

Round H″ (written after reading rounds H and H′): the lead, the conclusion and the vote shares measured in words
(``word_features``) instead of passages; H5 fitted as written, H6 on both versions.

Round H‴ (written after reading rounds H, H′ and H″): the passages as shipped, but a passage after the headline under
30 words read with the passages after it (``windows``: H1's merging, from that passage on), H7 fitted as written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from document_aggregation_writers import per_document  # noqa: E402

from stance.classify.documents import (  # noqa: E402
    NEUTRAL_WEIGHT,
    PASSAGE_MAX_WORDS,
    DocumentAggregator,
    _scores,
    _weighted_scores,
    _weights,
    aggregation_features,
    document_passages,
)
from stance.classify.training import training_dir  # noqa: E402
from stance.document import LABELS  # noqa: E402
from stance.segmentation import count_words, split_paragraphs, split_sentences  # noqa: E402

FILES = ("stance_fr_documents.jsonl", "stance_fr_documents_dev.jsonl", "stance_fr_documents_dev_short.jsonl")
TRAINING_WRITERS = ("fd-a", "fd-b", "fd-c")
CANDIDATES = {"H0 (shipped)": None, "H1 (merge under 30 words)": 30, "H2 (merge up to 90 words)": 90}
WORDS = {"H0 (shipped)": (None, False, False), "H5 (lead, conclusion and votes in words)": (None, False, True),
         "H6 (H5 fitted on both versions)": (None, True, True)}
EDGE = 0.2  # the lead: passages starting within the body's first 20 % of words; the conclusion: ending in the last 20 %
BOTH_VERSIONS = {"H0 (shipped)": (None, False), "H3 (fitted on both versions)": (None, True),
                 "H4 (H1's merging, fitted on both versions)": (30, True)}


def merge_passages(passages: list[str], min_words: int, max_words: int = PASSAGE_MAX_WORDS) -> list[str]:
    """The passages with consecutive short ones joined (by a line break), the first (the headline)
    left alone: a passage under ``min_words`` words takes the next ones in while it stays within
    ``max_words`` words (round H's candidates, in the package until the rounds failed: an author who breaks
    the text after every sentence gives passages far shorter than those the models learnt from).

    >>> merge_passages(["Titre", "Le CAC 40 recule.", "Les banques pèsent.", "Un long paragraphe de six mots."], 5)
    ['Titre', 'Le CAC 40 recule.\\nLes banques pèsent.', 'Un long paragraphe de six mots.']
    """
    if min_words < 1 or max_words < min_words:
        raise ValueError(f"expected 1 <= min_words <= max_words, got min_words={min_words!r}, max_words={max_words!r}")
    merged = list(passages[:1])
    current: list[str] = []
    words = 0
    for passage in passages[1:]:
        size = count_words(passage)
        if current and (words >= min_words or words + size > max_words):
            merged.append("\n".join(current))
            current, words = [], 0
        current.append(passage)
        words += size
    if current:
        merged.append("\n".join(current))
    return merged


def cut(text: str, merge_below: int | None = None) -> list[str]:
    """``document_passages``, with passages under ``merge_below`` words after the first merged (H1, H2, H4)."""
    passages = document_passages(text)
    return passages if merge_below is None or len(passages) < 2 else merge_passages(passages, merge_below)


def cut_after_every_sentence(text: str) -> str:
    """The same text with every paragraph after the first split into its sentences, one paragraph each.

    >>> cut_after_every_sentence("Titre\\n\\nLe CAC 40 recule. Les banques pèsent.")
    'Titre\\n\\nLe CAC 40 recule.\\n\\nLes banques pèsent.'
    """
    paragraphs = [span.text.strip() for span in split_paragraphs(text)]
    out = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        out += [sentence.strip() for sentence in split_sentences(paragraph) if sentence.strip()]
    return "\n\n".join(out)


def probabilities(texts: list[str]) -> dict[str, np.ndarray]:
    """What the shipped aggregation reads for each distinct text (the mean of the lora and embedding-head
    probabilities), cached in ``benchmarks/_data``."""
    from stance.classify.embedding import default_head_dir
    from stance.classify.lora import LoraStanceClassifier, default_lora_dir

    distinct = sorted(set(texts))
    digest = hashlib.sha256("\x00".join(distinct).encode() + b"".join(
        p.read_bytes() for p in (default_lora_dir() / "adapter_model.safetensors", default_head_dir() / "head.json")
    )).hexdigest()
    cache = ROOT / "benchmarks" / "_data" / f"round-h-probabilities-{digest[:16]}.npz"
    if cache.is_file():
        read = np.load(cache)["read"]
    else:
        _, read = LoraStanceClassifier.load(progress=True).aggregation_proba(distinct)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, read=read)
    return dict(zip(distinct, read, strict=True))


def windows(passages: list[str], below: int = 30) -> list[str]:
    """What each passage is read as in round H‴: itself, or, after the headline and under ``below`` words, the window
    of it and the passages after it that ``merge_passages`` would join to it.

    >>> windows(["Titre", "Le CAC 40 recule.", "Les banques pèsent.", "Fin."], below=5)
    ['Titre', 'Le CAC 40 recule.\\nLes banques pèsent.', 'Les banques pèsent.\\nFin.', 'Fin.']
    """
    out = passages[:1]
    for index in range(1, len(passages)):
        out.append(merge_passages(["", *passages[index:]], below)[1])
    return out


def word_features(passages: list[str], proba: np.ndarray) -> np.ndarray:
    """``aggregation_features`` with the lead, the conclusion and the vote shares measured in words (round H″)."""
    proba = np.asarray(proba, dtype=np.float64).reshape(len(passages), len(LABELS))
    weights = _weights(passages)
    if len(passages) > 1:
        body, words = proba[1:], np.array([max(count_words(p), 1) for p in passages[1:]], dtype=np.float64)
    else:
        body, words = proba, np.ones(1)
    ends = np.cumsum(words) / words.sum()
    starts = ends - words / words.sum()
    lead = starts < EDGE
    lead[0] = True
    conclusion = ends > 1 - EDGE - 1e-12
    conclusion[-1] = True
    votes = body.argmax(axis=1)
    values = np.concatenate([
        proba[0], (words[lead] / words[lead].sum()) @ body[lead], (weights / weights.sum()) @ proba,
        (words[conclusion] / words[conclusion].sum()) @ body[conclusion], proba[:, :2].max(axis=0),
        [words[votes == k].sum() / words.sum() for k in range(len(LABELS))],
        _weighted_scores(proba, weights, NEUTRAL_WEIGHT),
    ])
    return np.log(np.clip(values, 1e-4, 1.0))


def fitted(X_fit: np.ndarray | list[np.ndarray], X_predict: list[np.ndarray], y: np.ndarray,
           g: np.ndarray, **options: int) -> list[np.ndarray]:
    """Each writer's documents (in every version of ``X_predict``) predicted by the shipped procedure fitted on the
    training writers' documents as written (``X_fit``, or every version in a list of them) but that writer's
    (``options``: other settings of :class:`DocumentAggregator`, such as ``seed`` or ``repeats``)."""
    training = np.isin(g, TRAINING_WRITERS)
    out = [np.zeros((len(y), len(LABELS))) for _ in X_predict]
    versions = X_fit if isinstance(X_fit, list) else [X_fit]
    for writer in sorted(set(g)):
        fit = training & (g != writer)
        aggregator = DocumentAggregator(**options).fit_features(
            np.vstack([X[fit] for X in versions]), [LABELS[k] for k in y[fit]] * len(versions),
            groups=list(g[fit]) * len(versions))
        for proba, X in zip(out, X_predict, strict=True):
            proba[g == writer] = aggregator.predict_proba_features(X[g == writer])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--both-versions", action="store_true", help="round H′: fitted on both versions")
    parser.add_argument("--words", action="store_true", help="round H″: lead, conclusion and votes in words")
    parser.add_argument("--windows", action="store_true", help="round H‴: short passages read with what follows")
    args = parser.parse_args()
    candidates = {name: (merge, False, False) for name, merge in CANDIDATES.items()}
    if args.both_versions:
        candidates = {name: (merge, both, False) for name, (merge, both) in BOTH_VERSIONS.items()}
    if args.words:
        candidates = WORDS
    if args.windows:
        candidates = {"H0 (shipped)": (None, False, False), "H7 (short passages read with what follows)":
                      (None, False, False)}
    records = [json.loads(line) for name in FILES for line in (training_dir() / name).read_text("utf-8").splitlines()
               if line.strip()]
    versions = {"as written": [r["text"] for r in records],
                "cut after every sentence": [cut_after_every_sentence(r["text"]) for r in records]}
    passages = {(name, version): [cut(text, merge) for text in texts]
                for name, (merge, _, _) in candidates.items() for version, texts in versions.items()}
    # every passage of rounds H and H′ (H0's, H1's and H2's cuts of both versions) in one cached table
    read = probabilities([p for merge in CANDIDATES.values() for texts in versions.values() for text in texts
                          for p in cut(text, merge)])
    _, y, g = per_document(np.zeros((sum(len(d) for d in passages["H0 (shipped)", "as written"]), 3)),
                           passages["H0 (shipped)", "as written"], records)
    training = np.isin(g, TRAINING_WRITERS)
    print(f"{len(records)} documents, {len(set(g))} writers; {int(training.sum())} of the training writers")
    print("| candidate | version | passages a document (median) | macro-F1 (384) | accuracy | training writers F1 | "
          "development writers F1 (180) | same label in both versions |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    if args.windows:
        read.update(probabilities([w for texts in versions.values() for text in texts
                                   for w in windows(document_passages(text))]))
    for name, (_, on_both, in_words) in candidates.items():
        features = word_features if in_words else aggregation_features
        read_as = windows if name.startswith("H7") else list
        X = {version: np.stack([features(doc, np.stack([read[p] for p in read_as(doc)]))
                                for doc in passages[name, version]]) for version in versions}
        fit_on = list(X.values()) if on_both else X["as written"]
        probas = dict(zip(versions, fitted(fit_on, list(X.values()), y, g), strict=True))
        same = np.mean(probas["as written"].argmax(1) == probas["cut after every sentence"].argmax(1))
        for version, proba in probas.items():
            s, old = _scores(y, proba), _scores(y[training], proba[training])
            dev = _scores(y[~training], proba[~training])
            count = np.median([len(doc) for doc in passages[name, version]])
            print(f"| {name} | {version} | {count:g} | {s['macro_f1']:.4f} | {s['accuracy']:.3f} | "
                  f"{old['macro_f1']:.4f} | {dev['macro_f1']:.4f} | {same:.3f} |", flush=True)


if __name__ == "__main__":
    main()
