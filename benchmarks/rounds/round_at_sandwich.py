"""Study AT (twenty-second session): does a line sit between two parts of the article?

What the shipped line model drops of an article is mostly runs of short lines inside it: a fact box, a
table, a specification sheet, a pros-and-cons list, one short cell or label a line (336 of the 385 content
lines it drops on the 192 read dirty documents; on Scrapinghub's real pages the same on deals posts, where
the reference keeps the product blocks between the paragraphs). Its features count the article
sentences (12+ words ending a sentence) within 6 lines either side and the distance to the nearest one,
so the middle of a run longer than 6 lines looks like a menu. AT adds four columns for each line: the log of
the number of lines back to the previous article sentence and on to the next (log(1 + n) where there is
none), and the share of the article sentences' characters before and after the line. A run with article
sentences on both sides, however long, then differs from furniture after the article's end.

Written down before it ran (``docs/design.md``, study AT), with AR's protocol and reading: 5 folds grouped
by site over the shipped training pages, first stage only, shipped boosting settings, no augmentation,
both configurations on the same folds and rows, then both fitted on all pages and scored on the
development files (one pass, each page alone). Worth building into the cleaner if the cross-validation's
mean of line F1 and snippet F1 over all pages gains 0.003 or more at the shipped threshold 0.35, no source
loses more than 0.002, and the 60 dirty documents and blind6 both gain.

Round AU built these columns into the line features (they ship since then), so run this script at commit
``4a6b169`` to reproduce the study; on later commits both configurations already hold them.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_at_sandwich.py  # about 10 minutes on 2 cores
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_at_sandwich.py --no-dev --save oof.npz  # for a bootstrap
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402
from round_ar_lexical import study_features, study_pages  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.features import FEATURES  # noqa: E402

THRESHOLD = 0.35
DEV = (ROOT / "models" / "training" / "cleaning_fr_documents_dev.jsonl", *DEVELOPMENT_FILES)
READ = ROOT / "models" / "training" / "cleaning_fr_documents_dev_aq.jsonl"  # read: reported, never a judge
_CHARS, _WORDS, _END = (FEATURES.index(name) for name in ("log_chars", "log_words", "end_sentence"))


def sandwich(X: np.ndarray) -> np.ndarray:
    """The four columns of a document's lines (rows of its feature matrix ``X``, in order)."""
    n = len(X)
    chars = np.rint(np.expm1(X[:, _CHARS]))
    is_long = (np.rint(np.expm1(X[:, _WORDS])) >= 12) & (X[:, _END] > 0)
    index = np.arange(n)
    none = np.log1p(n)
    long_at = np.flatnonzero(is_long)
    if not len(long_at):
        return np.column_stack([np.full(n, none), np.full(n, none), np.zeros(n), np.zeros(n)])
    j = np.searchsorted(long_at, index)  # the first article sentence at or after each line
    prev_at = long_at[np.maximum(j - 1, 0)]
    has_prev = j > 0
    at_or_after = long_at[np.minimum(j, len(long_at) - 1)]
    own = is_long
    next_at = np.where(own, long_at[np.minimum(j + 1, len(long_at) - 1)], at_or_after)
    has_next = np.where(own, j + 1 < len(long_at), j < len(long_at))
    before = np.where(has_prev, np.log1p(np.maximum(index - prev_at, 0)), none)
    after = np.where(has_next, np.log1p(np.maximum(next_at - index, 0)), none)
    mass = np.where(is_long, chars, 0.0)
    total = mass.sum()
    cum = np.cumsum(mass)
    return np.column_stack([before, after, (cum - mass) / total, (total - cum) / total])


def fit_both(pages, X, y, indices, fit):
    weights = [float(pages[i].get("weight", 1.0)) for i in indices]
    base = training.fit_trees([X[i] for i in indices], [y[i] for i in indices], weights=weights, **fit)
    more = training.fit_trees([np.hstack((X[i], sandwich(X[i]))) for i in indices], [y[i] for i in indices],
                              weights=weights, **fit)
    return base, more


def predict_both(models, pages, step):
    base, more = models
    a, b = [], []
    for page in pages:
        lines = page["lines"]
        x = step.features(lines, step.rules(lines))
        a.append(base.predict_proba(x)[:, 1])
        b.append(more.predict_proba(np.hstack((x, sandwich(x))))[:, 1])
    return a, b


def _mean(s: dict) -> float:
    return (s["lines"]["f1"] + s["snippets"]["f1"]) / 2


def report(name: str, pages, probs_a, probs_b) -> None:
    sa = training.score(pages, [p >= THRESHOLD for p in probs_a])
    sb = training.score(pages, [p >= THRESHOLD for p in probs_b])
    for group in sorted(sa):
        if group.count("/") == 0:
            cells = [f"{_mean(s[group]):.4f} ({s[group]['lines']['precision']:.3f}, {s[group]['lines']['recall']:.3f})"
                     for s in (sa, sb)]
            print(f"| {name} | {group} | {cells[0]} | {cells[1]} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-dev", action="store_true", help="the cross-validation only")
    parser.add_argument("--save", type=Path, help="write each page's out-of-fold probabilities, both ways (.npz)")
    args = parser.parse_args(argv)
    pages = study_pages()
    fit, X, y, step, groups = study_features(pages)
    probs_a: list = [None] * len(pages)
    probs_b: list = [None] * len(pages)
    for k, (train, test) in enumerate(GroupKFold(args.folds).split(np.zeros(len(pages)), groups=groups)):
        start = time.time()
        a, b = predict_both(fit_both(pages, X, y, train, fit), [pages[i] for i in test], step)
        for i, pa, pb in zip(test, a, b, strict=True):
            probs_a[i], probs_b[i] = pa, pb
        print(f"fold {k + 1}/{args.folds}: {time.time() - start:.0f} s", flush=True)
    print("| pages | group | without (line P, R) | with the four columns (line P, R) |")
    print("|---|---|---:|---:|")
    report("cross-validation", pages, probs_a, probs_b)
    if args.save:
        np.savez_compressed(args.save, without=np.concatenate(probs_a), with_=np.concatenate(probs_b),
                            lines=np.array([len(p) for p in probs_a]))  # a page's values: split at cumsum(lines)
    if args.no_dev:
        return
    models = fit_both(pages, X, y, np.arange(len(pages)), fit)
    for path in (*DEV, READ):
        dev = training.read_pages([path])
        report(path.stem + (" (read; not a judge)" if path == READ else ""), dev, *predict_both(models, dev, step))


if __name__ == "__main__":
    main()
