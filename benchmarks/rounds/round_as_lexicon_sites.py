"""Study AS (twenty-second session): a lexical score whose words are shared by many sites.

Study AR (``round_ar_lexical.py``) gave the trees a logistic regression's logit on a line's hashed word
unigrams and bigrams: it gained on every French development file and on DAniEL out of fold, but lost 0.004
on Scrapinghub's real pages, and choosing C did not help (AR2). A word seen on one or two sites (a site's
name, its section labels) can only teach that site's furniture, and the trees may over-trust it on sites
they never saw. AS keeps only the words and word pairs found on at least ``S`` sites of the training part,
so the score can only learn what sites share ("newsletter", "abonnez", "share", "comments"). It is also
the form the cleaner could afford: the words are the ones the line features already split (each line
case-folded, runs of word characters, CJK characters one by one), and a line's score is its intercept
plus the sum of its distinct features' weights over the square root of their number, a dictionary
look-up per word (``speed`` below), where AR's hashing vectoriser alone ran at about 4.6 MB/s.

Three candidates, written down before the study ran (``docs/design.md``, study AS): unigrams and bigrams
with S = 5 (``ub5``), unigrams alone with S = 5 (``u5``), unigrams and bigrams with S = 20 (``ub20``);
C = 1 (AR2's choice). The protocol is AR's: 5 folds grouped by site over the shipped training pages,
first stage only, shipped boosting settings, no augmentation, every configuration on the same folds and
rows; the trees' training rows get the score out of fold (3 inner folds grouped by site, the vocabulary
counted inside each inner training part), the held-out pages the score fitted on the whole training
part. The candidate with the best cross-validated mean of line F1 and snippet F1 over all pages at the
shipped threshold 0.35 is the study's; it is worth building into the cleaner if that mean gains 0.003 or
more over the configuration without it, no source loses more than 0.002, and the 60 dirty documents and
blind6 both gain (one pass, each page alone, every configuration fitted on all the pages).

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_as_lexicon_sites.py            # about 30 minutes
    OMP_NUM_THREADS=1 python benchmarks/rounds/round_as_lexicon_sites.py --speed    # the score's cost only
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402
from round_ar_lexical import study_features, study_pages  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.codepoints import WIDE_CHARS  # noqa: E402

C = 1.0
THRESHOLD = 0.35
CANDIDATES = {"ub5": (True, 5), "u5": (False, 5), "ub20": (True, 20)}  # bigrams?, fewest sites
DEV = (ROOT / "models" / "training" / "cleaning_fr_documents_dev.jsonl", *DEVELOPMENT_FILES)
_WIDE = re.compile(f"[{WIDE_CHARS}]")
_WORD_RUN = re.compile(r"\w+")
_WIDE_OR_RUN = re.compile(f"(?=\\w)[{WIDE_CHARS}]|[^\\W{WIDE_CHARS}]+")


def words(lines: list[str]) -> list[list[str]]:
    """Each line's words as the line features split them (``features.intrinsic_features``)."""
    folded = "\n".join(lines).casefold()
    pattern = _WIDE_OR_RUN if _WIDE.search(folded) else _WORD_RUN
    return [pattern.findall(line) for line in folded.split("\n")]


def terms(line_words: list[str], bigrams: bool) -> set[str]:
    out = set(line_words)
    if bigrams:
        out.update(map(" ".join, pairwise(line_words)))
    return out


class Lexicon:
    """A logistic regression on the line's distinct words (and word pairs) found on ``sites`` or more
    training sites: ``score`` is the intercept plus the sum of the line's weights over the square
    root of its number of distinct terms."""

    def __init__(self, bigrams: bool, sites: int) -> None:
        self.bigrams, self.sites = bigrams, sites

    def fit(self, pages: list[dict], indices) -> Lexicon:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        seen: dict[str, set] = defaultdict(set)
        for i in indices:
            group = pages[i]["group"]
            for t in pages[i]["_terms"][self.bigrams]:
                for term in t:
                    seen[term].add(group)
        vocabulary = {term: k for k, term in enumerate(sorted(t for t, g in seen.items() if len(g) >= self.sites))}
        rows, cols, vals, labels = [0], [], [], []
        for i in indices:
            for t, label in zip(pages[i]["_terms"][self.bigrams], pages[i]["labels"], strict=True):
                if label not in (0, 1):
                    continue
                ks = [vocabulary[term] for term in t if term in vocabulary]
                cols.extend(ks)
                vals.extend([1.0 / math.sqrt(max(1, len(t)))] * len(ks))
                rows.append(len(cols))
                labels.append(label)
        X = csr_matrix((vals, cols, rows), shape=(len(labels), len(vocabulary)))
        model = LogisticRegression(C=C, max_iter=2000, solver="liblinear").fit(X, labels)
        names = sorted(vocabulary, key=vocabulary.__getitem__)
        self.weights = {name: float(w) for name, w in zip(names, model.coef_[0], strict=True) if w != 0.0}
        self.intercept = float(model.intercept_[0])
        return self

    def score(self, line_terms: list[set[str]]) -> np.ndarray:
        get = self.weights.get
        return np.fromiter(
            (self.intercept + (sum(map(get, t, [0.0] * len(t))) / math.sqrt(len(t)) if t else 0.0) for t in line_terms),
            dtype=np.float64, count=len(line_terms))

    def columns(self, page: dict) -> np.ndarray:
        z = self.score(page["_terms"][self.bigrams])
        return np.column_stack([z, np.r_[0.0, z[:-1]], np.r_[z[1:], 0.0]])


def prepare(pages: list[dict]) -> None:
    for page in pages:
        w = words(page["lines"])
        page["_terms"] = {b: [terms(x, b) for x in w] for b in (False, True)}


def out_of_fold(pages, indices, bigrams, sites) -> dict[int, np.ndarray]:
    from sklearn.model_selection import GroupKFold

    indices = np.asarray(indices)
    groups = np.array([pages[i]["group"] for i in indices])
    out = {}
    for inner_train, inner_test in GroupKFold(3).split(np.zeros(len(indices)), groups=groups):
        lexicon = Lexicon(bigrams, sites).fit(pages, indices[inner_train])
        for i in indices[inner_test]:
            out[int(i)] = lexicon.columns(pages[i])
    return out


def fit_all(pages, X, y, indices, fit):
    weights = [float(pages[i].get("weight", 1.0)) for i in indices]
    models = {"without": (None, training.fit_trees([X[i] for i in indices], [y[i] for i in indices],
                                                   weights=weights, **fit))}
    for name, (bigrams, sites) in CANDIDATES.items():
        oof = out_of_fold(pages, indices, bigrams, sites)
        lexicon = Lexicon(bigrams, sites).fit(pages, indices)
        trees = training.fit_trees([np.hstack((X[i], oof[int(i)])) for i in indices], [y[i] for i in indices],
                                   weights=weights, **fit)
        models[name] = (lexicon, trees)
        print(f"  {name}: {len(lexicon.weights)} weighted terms", flush=True)
    return models


def predict_all(models, pages, step) -> dict[str, list[np.ndarray]]:
    out: dict[str, list] = {name: [] for name in models}
    for page in pages:
        lines = page["lines"]
        x = step.features(lines, step.rules(lines))
        for name, (lexicon, trees) in models.items():
            inputs = x if lexicon is None else np.hstack((x, lexicon.columns(page)))
            out[name].append(trees.predict_proba(inputs)[:, 1])
    return out


def _mean(s: dict) -> float:
    return (s["lines"]["f1"] + s["snippets"]["f1"]) / 2


def report(name: str, pages, probs: dict[str, list]) -> None:
    scores = {k: training.score(pages, [p >= THRESHOLD for p in v]) for k, v in probs.items()}
    for group in sorted(scores["without"]):
        if group.count("/") == 0:
            cells = " | ".join(f"{_mean(s[group]):.4f} ({s[group]['lines']['precision']:.3f}, "
                               f"{s[group]['lines']['recall']:.3f})" for s in scores.values())
            print(f"| {name} | {group} | {cells} |", flush=True)


def speed(pages: list[dict]) -> None:
    """The score's cost on the training pages' lines, as MB/s of text (one core)."""
    size = sum(len(line.encode()) for page in pages for line in page["lines"]) / 1e6
    for name, (bigrams, sites) in CANDIDATES.items():
        lexicon = Lexicon(bigrams, sites).fit(pages, range(len(pages)))
        start = time.process_time()
        for page in pages:
            w = words(page["lines"])
            lexicon.score([terms(x, bigrams) for x in w])
        print(f"{name}: words split and scored at {size / (time.process_time() - start):.1f} MB/s "
              f"({len(lexicon.weights)} terms)", flush=True)


def main(argv: list[str] | None = None) -> None:
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-dev", action="store_true", help="the cross-validation only")
    parser.add_argument("--speed", action="store_true", help="the score's cost only")
    args = parser.parse_args(argv)
    pages = study_pages()
    prepare(pages)
    if args.speed:
        speed(pages)
        return
    fit, X, y, step, groups = study_features(pages, f", C {C}")
    probs: dict[str, list] = {name: [None] * len(pages) for name in ("without", *CANDIDATES)}
    for k, (train, test) in enumerate(GroupKFold(args.folds).split(np.zeros(len(pages)), groups=groups)):
        start = time.time()
        models = fit_all(pages, X, y, train, fit)
        predicted = predict_all(models, [pages[i] for i in test], step)
        for name, values in predicted.items():
            for i, p in zip(test, values, strict=True):
                probs[name][i] = p
        print(f"fold {k + 1}/{args.folds}: {time.time() - start:.0f} s", flush=True)
    print("| pages | group | " + " | ".join(f"{name} (line P, R)" for name in probs) + " |")
    print("|---|---|" + "---:|" * len(probs))
    report("cross-validation", pages, probs)
    if args.no_dev:
        return
    models = fit_all(pages, X, y, np.arange(len(pages)), fit)
    for path in DEV:
        dev = training.read_pages([path])
        prepare(dev)
        report(path.stem, dev, predict_all(models, dev, step))


if __name__ == "__main__":
    main()
