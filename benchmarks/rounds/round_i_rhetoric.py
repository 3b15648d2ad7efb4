"""Round I (twenty-seventh session): passages whose words point one way and whose stance the other.

The passage training data teaches that enthusiastic buzzwords quoted to be debunked are skeptical (``upbeat-words``,
29 passages, all skeptical) and holds almost no passage where the emotional words aim at someone other than the
subject (a rival run down to praise the subject) or where the author sincerely means dramatic enthusiasm. Round I
adds ``stance_fr_rhetoric.jsonl`` (two writers, seven kinds: ``rival-negative``, ``rival-positive``,
``sincere-hype``, ``mocked-hype``, ``dark-words-good``, ``bright-words-bad``, ``neutral-same-words``) as a fifth
passage-level domain, ``fr-rhetoric``; the candidate is what the default ``stance train --folds 5`` writes with it.

The rule, written before any result (``docs/stance-lora.md``, round I): the candidate ships if, against the shipped
model,

(a) on ``stance_fr_rhetoric_dev.jsonl`` (a third writer, never trained on) its passage macro-F1 gains 0.05 or more;
(b) its out-of-fold macro-F1 (the command's 5-fold cross-validation, in ``head.json``) loses at most 0.005 on
    ``tweets-en`` and at most 0.01 on each of ``fr-news``, ``fr-genres`` and ``fr-written``;
(c) on the 384 documents of nine writers, as written (rounds G, AG and H: the aggregation fitted by the shipped
    procedure on the three training writers' documents, leaving out the writer it predicts, reading each model's
    own passage probabilities), its pooled macro-F1 loses at most 0.005 and its macro-F1 on the 180 development
    documents at most 0.01;
(d) the command took at most 30 minutes of wall time on the 2-core machine (``--wall-seconds``, measured with
    ``/usr/bin/time``).

The same documents cut after every sentence (round H) are reported, not judged.

    # in a worktree where PASSAGE_SETS (stance/classify/training.py) holds ("stance_fr_rhetoric.jsonl", "fr-rhetoric"):
    /usr/bin/time -v stance train --folds 5 --out /tmp/round_i/candidate    # 44 minutes on the 2-core machine
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_i_rhetoric.py --candidate /tmp/round_i/candidate --wall-seconds S
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
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from document_aggregation_writers import per_document  # noqa: E402
from round_h_merged_passages import FILES, TRAINING_WRITERS, cut_after_every_sentence, fitted  # noqa: E402

from stance.classify.documents import _scores, aggregation_features, document_passages  # noqa: E402
from stance.classify.embedding import default_head_dir  # noqa: E402
from stance.classify.lora import LoraStanceClassifier, default_lora_dir  # noqa: E402
from stance.classify.training import training_dir  # noqa: E402
from stance.document import LABELS  # noqa: E402

DEV = "stance_fr_rhetoric_dev.jsonl"
OLD_DOMAINS = {"tweets-en": 0.005, "fr-news": 0.01, "fr-genres": 0.01, "fr-written": 0.01}
DEV_GAIN, POOLED_LOSS, DEV_WRITERS_LOSS, BUDGET_S = 0.05, 0.005, 0.01, 1800.0


def cached(folder: Path, texts: list[str], tag: str) -> tuple[np.ndarray, np.ndarray]:
    """The classifier's probabilities of ``texts`` and what its aggregation reads, cached in ``benchmarks/_data``
    under the texts and the model's files."""
    distinct = sorted(set(texts))
    digest = hashlib.sha256("\x00".join(distinct).encode() + b"".join(
        p.read_bytes() for p in (folder / "adapter_model.safetensors", folder / "head.json",
                                 default_head_dir() / "head.json"))).hexdigest()
    path = ROOT / "benchmarks" / "_data" / f"round-i-{tag}-{digest[:16]}.npz"
    if path.is_file():
        data = np.load(path)
        own, read = data["own"], data["read"]
    else:
        own, read = LoraStanceClassifier.load(folder, progress=True).aggregation_proba(distinct)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, own=own, read=read)
    index = {text: k for k, text in enumerate(distinct)}
    rows = [index[t] for t in texts]
    return own[rows], read[rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidate", type=Path, required=True, help="the folder `stance train --out` wrote")
    parser.add_argument("--wall-seconds", type=float, required=True,
                        help="the training command's wall time (/usr/bin/time)")
    args = parser.parse_args()
    models = {"shipped": default_lora_dir(), "candidate": args.candidate}
    heads = {name: json.loads((folder / "head.json").read_text("utf-8")) for name, folder in models.items()}
    verdict = {}

    # (a) the development passages of a third writer
    dev = [json.loads(line) for line in (training_dir() / DEV).read_text("utf-8").splitlines() if line.strip()]
    y_dev = np.array([LABELS.index(r["label"]) for r in dev])
    kinds = sorted({r["kind"] for r in dev})
    print(f"(a) {len(dev)} development passages of {DEV}")
    print("| model | macro-F1 | accuracy | " + " | ".join(kinds) + " |")
    print("|---|---:|---:|" + "---:|" * len(kinds))
    dev_f1 = {}
    for name, folder in models.items():
        own, _ = cached(folder, [r["text"] for r in dev], f"dev-{name}")
        s = _scores(y_dev, own)
        dev_f1[name] = s["macro_f1"]
        right = own.argmax(1) == y_dev
        per_kind = [np.mean([right[i] for i, r in enumerate(dev) if r["kind"] == k]) for k in kinds]
        print(f"| {name} | {s['macro_f1']:.4f} | {s['accuracy']:.3f} | "
              + " | ".join(f"{v:.2f}" for v in per_kind) + " |", flush=True)
    verdict["(a) development passages +0.05"] = dev_f1["candidate"] - dev_f1["shipped"] >= DEV_GAIN

    # (b) out-of-fold scores per domain, from the two commands' cross-validation
    print("\n(b) out-of-fold macro-F1 (5-fold cross-validation of `stance train`)")
    print("| domain | shipped | candidate | change | allowed |")
    print("|---|---:|---:|---:|---:|")
    ok = True
    domains = {name: head["cross_validation"]["domains"] for name, head in heads.items()}
    for domain in [*OLD_DOMAINS, *sorted(set(domains["candidate"]) - set(OLD_DOMAINS))]:
        old = domains["shipped"].get(domain, {}).get("macro_f1")
        new = domains["candidate"].get(domain, {}).get("macro_f1")
        change = None if old is None or new is None else new - old
        allowed = OLD_DOMAINS.get(domain)
        if allowed is not None:
            ok &= change is not None and change >= -allowed - 1e-12
        print(f"| {domain} | {old if old is not None else '—'} | {new if new is not None else '—'} | "
              f"{'—' if change is None else f'{change:+.4f}'} | {'—' if allowed is None else f'-{allowed}'} |")
    verdict["(b) out-of-fold per domain"] = ok

    # (c) documents, as written (judged) and cut after every sentence (reported)
    records = [json.loads(line) for name in FILES for line in (training_dir() / name).read_text("utf-8").splitlines()
               if line.strip()]
    versions = {"as written": [r["text"] for r in records],
                "cut after every sentence": [cut_after_every_sentence(r["text"]) for r in records]}
    passages = {version: [document_passages(t) for t in texts] for version, texts in versions.items()}
    flat = [p for docs in passages.values() for doc in docs for p in doc]
    _, y, g = per_document(np.zeros((sum(len(d) for d in passages["as written"]), 3)), passages["as written"],
                           records)
    training = np.isin(g, TRAINING_WRITERS)
    print(f"\n(c) {len(records)} documents, {len(set(g))} writers (leave one writer out)")
    print("| model | version | macro-F1 (384) | training writers | development writers (180) |")
    print("|---|---|---:|---:|---:|")
    doc_f1 = {}
    for name, folder in models.items():
        _, read = cached(folder, flat, f"documents-{name}")
        table = dict(zip(flat, read, strict=True))
        X = {version: np.stack([aggregation_features(doc, np.stack([table[p] for p in doc])) for doc in docs])
             for version, docs in passages.items()}
        probas = dict(zip(X, fitted(X["as written"], list(X.values()), y, g), strict=True))
        for version, proba in probas.items():
            pooled, dev_w = _scores(y, proba)["macro_f1"], _scores(y[~training], proba[~training])["macro_f1"]
            doc_f1[name, version] = (pooled, dev_w)
            print(f"| {name} | {version} | {pooled:.4f} | {_scores(y[training], proba[training])['macro_f1']:.4f} | "
                  f"{dev_w:.4f} |", flush=True)
    (p0, d0), (p1, d1) = doc_f1["shipped", "as written"], doc_f1["candidate", "as written"]
    verdict["(c) documents as written"] = p1 - p0 >= -POOLED_LOSS - 1e-12 and d1 - d0 >= -DEV_WRITERS_LOSS - 1e-12

    # (d) the command's time
    print(f"\n(d) the command took {args.wall_seconds:.0f} s wall (budget {BUDGET_S:.0f} s)")
    verdict["(d) within 30 minutes"] = args.wall_seconds <= BUDGET_S

    print()
    for condition, passed in verdict.items():
        print(f"{condition}: {'pass' if passed else 'FAIL'}")
    print("round I:", "the candidate ships" if all(verdict.values()) else "not adopted")


if __name__ == "__main__":
    main()
