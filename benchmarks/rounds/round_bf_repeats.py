"""Round BF (twenty-ninth session): the document aggregation's C chosen by 20 repeats of its cross-validation, not 4.

The rule, written before this ran (``docs/stance-lora.md``, round BF): 20 repeats ship as the default if

(a) over the seeds 0-9, on each of four fits (all 204 training documents; each pair of the three training writers'
    documents), 20 repeats choose no more distinct values of C than 4 repeats, and fewer in at least one fit;
(b) on the 384 documents, by ``benchmarks/document_noise.py``'s procedure at seed 0, the pooled, training-writer and
    development-writer macro-F1 each lose at most 0.03 against 4 repeats;
(c) fitting the aggregation on the 204 training documents takes at most 30 s more.

Reads the shipped passage models' probabilities of the training and development documents (cached by round I's
script), never ``eval/`` or the seeds.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_bf_repeats.py
"""

from __future__ import annotations

import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from document_noise import documents, features, macro_f1, predictions  # noqa: E402
from round_bd_three_folds import verdict  # noqa: E402
from round_h_merged_passages import TRAINING_WRITERS  # noqa: E402

from stance.classify.documents import DocumentAggregator  # noqa: E402
from stance.document import LABELS  # noqa: E402

OLD, NEW, SEEDS, LOSS, EXTRA_SECONDS = 4, 20, range(10), 0.03, 30.0


def main() -> int:
    written, own, other, y, g = documents()
    X = features(written, own, other)
    training = np.isin(g, TRAINING_WRITERS)
    fits = {"all 204 training documents": training}
    fits.update({f"writers {a} and {b}": np.isin(g, (a, b)) for a, b in combinations(TRAINING_WRITERS, 2)})

    print("(a) the C chosen over the seeds 0-9")
    print(f"| fit | documents | {OLD} repeats | {NEW} repeats |")
    print("|---|---:|---|---|")
    fewer, no_more, seconds = False, True, {OLD: 0.0, NEW: 0.0}
    for name, mask in fits.items():
        chosen = {}
        for repeats in (OLD, NEW):
            values = []
            for seed in SEEDS:
                started = time.process_time()
                aggregator = DocumentAggregator(seed=seed, repeats=repeats).fit_features(
                    X[mask], [LABELS[k] for k in y[mask]], groups=list(g[mask]))
                if name.startswith("all"):
                    seconds[repeats] += (time.process_time() - started) / len(SEEDS)
                values.append(aggregator.C_)
            chosen[repeats] = values
        distinct = {repeats: len(set(values)) for repeats, values in chosen.items()}
        no_more &= distinct[NEW] <= distinct[OLD]
        fewer |= distinct[NEW] < distinct[OLD]
        cells = [", ".join(f"{c:g}" for c in chosen[r]) + f" ({distinct[r]} distinct)" for r in (OLD, NEW)]
        print(f"| {name} | {int(mask.sum())} | {cells[0]} | {cells[1]} |", flush=True)
    steadier = no_more and fewer

    print("\n(b) the 384 documents, leaving one writer out (seed 0)")
    print(f"| set | {OLD} repeats | {NEW} repeats | change | allowed |")
    print("|---|---:|---:|---:|---:|")
    labels = {r: predictions(X, y, g, repeats=r).argmax(1) for r in (OLD, NEW)}
    held = True
    for name, mask in {"pooled (384)": np.ones(len(y), dtype=bool), "training writers (204)": training,
                       "development writers (180)": ~training}.items():
        old, new = (macro_f1(y[mask], labels[r][mask]) for r in (OLD, NEW))
        held &= new - old >= -LOSS
        print(f"| {name} | {old:.4f} | {new:.4f} | {new - old:+.4f} | -{LOSS} |")
    print(f"labels changed: {int(np.sum(labels[OLD] != labels[NEW]))} of {len(y)}")

    quick = seconds[NEW] - seconds[OLD] <= EXTRA_SECONDS
    print(f"\n(c) fitting on the 204 training documents: {seconds[OLD]:.1f} s ({OLD} repeats), "
          f"{seconds[NEW]:.1f} s ({NEW}), CPU time, mean of {len(SEEDS)} seeds")
    verdicts = {"(a) steadier": steadier, "(b) documents": held, "(c) time": quick}
    return verdict("round BF", verdicts, "20 repeats ship")


if __name__ == "__main__":
    sys.exit(main())
