"""Study AR (twenty-first session): would a learned lexical score help the line model?

The shipped model's features see a line's shape, its position and its neighbours', but no words beyond
stoplist counts and the lexicon rules. On the 192 dirty documents of round AQ it keeps bylines, dates,
sponsored and newsletter blurbs inside the article (``docs/design.md``, round AQ). This study asks, before
anyone builds it into the cleaner, whether a lexical score learnt from the training pages' lines helps:
a logistic regression on hashed word unigrams and bigrams of each line (content or furniture), whose logit
for a line and for its two neighbours become three more columns of the trees.

Written down before it ran (``docs/design.md``, study AR). On the shipped training pages (the real pages and
``webpages_fr.jsonl``), 5 folds grouped by site, first stage only with the shipped boosting settings and no
augmentation, both configurations on the same folds and rows: in each fold the regression is fitted on the
training part; the trees' training rows get its scores out of fold (3 inner folds grouped by site), the
held-out pages the score of the regression fitted on the whole training part. Then both configurations
are fitted on all the pages the same way and scored on the development files, one pass, each page alone.
Nothing ships from it; the next session builds the score into the cleaner only if the cross-validation's
mean of line F1 and snippet F1 over all pages gains 0.003 or more, no source loses more than 0.002, and
the 60 dirty documents and blind6 gain.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ar_lexical.py  # about 20 minutes on 2 cores

Study AR2 (the same session, written down after AR's result and before its own run): the same, with the
regression's C chosen inside each training part among 0.03, 0.1, 0.3 and 1 by the log loss of its scores
out of fold (3 inner folds grouped by site), as the project chooses hyper-parameters, instead of fixed at 1:

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ar_lexical.py --choose-c
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

from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel  # noqa: E402

C = 1.0  # the regression's inverse regularisation, fixed before the study (not tuned)
THRESHOLD = 0.35  # the shipped model's
# the 60 dirty documents, then the six files of French development pages
DEV = (ROOT / "models" / "training" / "cleaning_fr_documents_dev.jsonl", *DEVELOPMENT_FILES)


def _vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=2**20, alternate_sign=False)


CHOICES = (0.03, 0.1, 0.3, 1.0)  # AR2: C chosen among these inside each training part (--choose-c)


def fit_lexical(pages: list[dict], indices, c: float = C) -> object:
    from sklearn.linear_model import LogisticRegression

    lines, labels = [], []
    for i in indices:
        for line, label in zip(pages[i]["lines"], pages[i]["labels"], strict=True):
            if label in (0, 1):
                lines.append(line)
                labels.append(label)
    return LogisticRegression(C=c, max_iter=2000, solver="liblinear").fit(_vectorizer().transform(lines), labels)


def columns(model, lines: list[str]) -> np.ndarray:
    z = model.decision_function(_vectorizer().transform(lines))
    return np.column_stack([z, np.r_[0.0, z[:-1]], np.r_[z[1:], 0.0]])


def out_of_fold_columns(pages: list[dict], indices, c: float = C) -> dict[int, np.ndarray]:
    from sklearn.model_selection import GroupKFold

    indices = np.asarray(indices)
    groups = np.array([pages[i]["group"] for i in indices])
    out = {}
    for inner_train, inner_test in GroupKFold(3).split(np.zeros(len(indices)), groups=groups):
        model = fit_lexical(pages, indices[inner_train], c)
        for i in indices[inner_test]:
            out[int(i)] = columns(model, pages[i]["lines"])
    return out


def _log_loss(pages: list[dict], scores: dict[int, np.ndarray]) -> float:
    """The mean log loss of the out-of-fold logits on the labelled lines."""
    labels = {i: np.asarray(pages[i]["labels"]) for i in scores}
    z = np.concatenate([scores[i][:, 0][labels[i] >= 0] for i in scores])
    y = np.concatenate([labels[i][labels[i] >= 0] for i in scores])
    return float(np.mean(np.logaddexp(0, -z) * y + np.logaddexp(0, z) * (1 - y)))


def choose_c(pages: list[dict], indices) -> tuple[float, dict[int, np.ndarray]]:
    """AR2: the C of :data:`CHOICES` whose out-of-fold scores (3 inner folds by site) have the lowest log
    loss, and those scores."""
    tried = {c: out_of_fold_columns(pages, indices, c) for c in CHOICES}
    losses = {c: _log_loss(pages, scores) for c, scores in tried.items()}
    best = min(losses, key=losses.__getitem__)
    print("  C chosen " + str(best) + " (log loss " + ", ".join(f"{c}: {v:.4f}" for c, v in losses.items()) + ")",
          flush=True)
    return best, tried[best]


def fit_both(pages, X, y, indices, fit, choose: bool = False):
    weights = [float(pages[i].get("weight", 1.0)) for i in indices]
    base = training.fit_trees([X[i] for i in indices], [y[i] for i in indices], weights=weights, **fit)
    if choose:
        c, lex_train = choose_c(pages, indices)
    else:
        c, lex_train = C, out_of_fold_columns(pages, indices)
    lexical = fit_lexical(pages, indices, c)
    trees = training.fit_trees([np.hstack((X[i], lex_train[int(i)])) for i in indices], [y[i] for i in indices],
                               weights=weights, **fit)
    return base, (lexical, trees)


def predict_both(models, pages, step) -> tuple[list[np.ndarray], list[np.ndarray]]:
    base, (lexical, trees) = models
    a, b = [], []
    for page in pages:
        lines = page["lines"]
        x = step.features(lines, step.rules(lines))
        a.append(base.predict_proba(x)[:, 1])
        b.append(trees.predict_proba(np.hstack((x, columns(lexical, lines))))[:, 1])
    return a, b


def _mean(s: dict) -> float:
    return (s["lines"]["f1"] + s["snippets"]["f1"]) / 2


def report(name: str, pages, probs_a, probs_b) -> None:
    for label, t in (("0.35", THRESHOLD), ("best", None)):
        ta = t if t is not None else training.best_single_pass(pages, probs_a)[0]
        tb = t if t is not None else training.best_single_pass(pages, probs_b)[0]
        sa = training.score(pages, [p >= ta for p in probs_a])
        sb = training.score(pages, [p >= tb for p in probs_b])
        for group in sorted(sa):
            if group.count("/") == 0:
                print(f"| {name} | {label} ({ta} / {tb}) | {group} | {_mean(sa[group]):.4f} | {_mean(sb[group]):.4f} | "
                      f"{sb[group]['lines']['precision']:.3f} vs {sa[group]['lines']['precision']:.3f} | "
                      f"{sb[group]['lines']['recall']:.3f} vs {sa[group]['lines']['recall']:.3f} |", flush=True)


def study_pages() -> list[dict]:
    """The shipped training pages (the real pages and ``webpages_fr.jsonl``), weighed as training weighs them."""
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    training.weigh_pages(pages, training.FRENCH_WEIGHT)
    return pages


def study_features(pages: list[dict], note: str = "") -> tuple:
    """What a study of the first stage needs: the shipped boosting settings, one feature matrix and label
    vector a page (alone or in batch, no rerun views), a step that computes features, the pages' sites."""
    fit = training.shipped_fit()
    start = time.time()
    X, y, origin, _ = training.page_features(pages, augment=False)
    assert origin == list(range(len(pages)))
    print(f"{len(pages)} pages, features in {time.time() - start:.0f} s; fit {fit}{note}", flush=True)
    return fit, X, y, LineModel(model=training._NO_MODEL), np.array([page["group"] for page in pages])


def main(argv: list[str] | None = None) -> None:
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-dev", action="store_true", help="the cross-validation only")
    parser.add_argument("--choose-c", action="store_true",
                        help="study AR2: choose C among 0.03, 0.1, 0.3 and 1 inside each training part")
    args = parser.parse_args(argv)
    pages = study_pages()
    fit, X, y, step, groups = study_features(pages, f", C {C}")
    probs_a: list = [None] * len(pages)
    probs_b: list = [None] * len(pages)
    for k, (train, test) in enumerate(GroupKFold(args.folds).split(np.zeros(len(pages)), groups=groups)):
        start = time.time()
        models = fit_both(pages, X, y, train, fit, args.choose_c)
        a, b = predict_both(models, [pages[i] for i in test], step)
        for i, pa, pb in zip(test, a, b, strict=True):
            probs_a[i], probs_b[i] = pa, pb
        print(f"fold {k + 1}/{args.folds}: {time.time() - start:.0f} s", flush=True)
    print("| pages | threshold (without / with) | group | without | with the lexical score | line P with vs without "
          "| line R with vs without |")
    print("|---|---|---|---:|---:|---:|---:|")
    report("cross-validation", pages, probs_a, probs_b)
    if args.no_dev:
        return
    models = fit_both(pages, X, y, np.arange(len(pages)), fit, args.choose_c)
    for path in DEV:
        dev = training.read_pages([path])
        a, b = predict_both(models, dev, step)
        report(path.stem, dev, a, b)


if __name__ == "__main__":
    main()
