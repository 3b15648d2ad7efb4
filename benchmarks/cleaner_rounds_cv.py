"""The eleventh session's line-model rounds J, K and L (docs/design.md, "Cleaning"), reproduced.

Every round uses the same 5 folds grouped by site over the 1,999 training pages (the real pages
of ``../shared/data/webpages`` plus ``models/training/webpages_fr.jsonl``) and scores the French
development pages (``models/training/webpages_fr_dev.jsonl``, never trained on) with a model fitted
on every training page of the candidate. Never eval/ or seeds/. (Round AM, nineteenth session, moved those
development files into ``webpages_fr.jsonl``: to rerun J, K and L as they ran, check out commit a12fa5d.)

- ``J``: the 72 structured French pages (``webpages_fr_dev_structured.jsonl``) added to every
  fold's training part, every page weight 1 (J1) or every French page 4 (J4), against the shipped
  procedure (A); one stage, shipped settings, threshold 0.3; cleaner setting (the model rerun on
  what it keeps). Tenth-session rule of round H.
- ``K``: the shipped one stage (A), the two stages of ``stance train-cleaner --second-stage`` (S),
  and the same trained with the 72 pages too (K), each at the threshold ``cross_validate``'s rule
  chooses on its out-of-fold models; cleaner setting.
- ``L``: a prototype, scored in one pass without the rerun (so not comparable with J and K): four
  more features per line from words' furniture log-odds counted by site (how many sites use the
  word in furniture lines, how many in content lines; words on at least 3 sites; the line's mean,
  maximum and minimum log-odds and share of known words), out of fold at every level, against
  the same model without them; each at its best single-pass threshold.

Scores: the mean of line F1 and snippet F1 (``training._mean_f1``), over all pages, our French
pages, Scrapinghub's and the development pages.

    OMP_NUM_THREADS=2 python benchmarks/cleaner_rounds_cv.py --round J   # about 7 minutes
    OMP_NUM_THREADS=2 python benchmarks/cleaner_rounds_cv.py --round K   # about 25 minutes
    OMP_NUM_THREADS=2 python benchmarks/cleaner_rounds_cv.py --round L   # about 5 minutes
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.model_selection import GroupKFold  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.features import _TOKEN  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

TRAINING = ROOT / "models" / "training"
STRUCTURED = TRAINING / "webpages_fr_dev_structured.jsonl"
DEV = TRAINING / "webpages_fr_dev.jsonl"


def row(scores: dict) -> str:
    lines, snippets = scores["lines"], scores["snippets"]
    return (f"{training._mean_f1(scores):.4f} (line F1 {lines['f1']:.4f}; snippets P {snippets['precision']:.4f} "
            f"R {snippets['recall']:.4f} F1 {snippets['f1']:.4f})")


def report(name: str, pages: list[dict], keeps: list[np.ndarray], dev: list[dict], dev_keeps: list[np.ndarray]) -> None:
    subsets = {"all": lambda p: True, "our French": lambda p: p.get("source") == "stance-fr",
               "scrapinghub": lambda p: p.get("source") == "scrapinghub"}
    for subset, inside in subsets.items():
        index = [i for i, page in enumerate(pages) if inside(page)]
        scores = training.score([pages[i] for i in index], [keeps[i] for i in index])["all"]
        print(f"{name:3s} {subset:12s} {row(scores)}")
    print(f"{name:3s} {'development':12s} {row(training.score(dev, dev_keeps)['all'])}", flush=True)


def cleaner_keeps(model: TreeModel, threshold: float, pages: list[dict]) -> list[np.ndarray]:
    step = LineModel(model=model, threshold=threshold)
    return [training.rerun_to_fixed_point(step, page["lines"]) for page in pages]


def rounds_j_and_k(which: str, pages: list[dict], extra: list[dict], dev: list[dict]) -> None:
    everything = pages + extra
    count, extra_rows = len(pages), list(range(len(pages), len(everything)))
    features = training.page_features(everything)
    splits = list(GroupKFold(5).split(np.zeros(count), groups=[p["group"] for p in pages]))
    shipped = training.shipped_fit()
    if which == "J":  # name: (with the extra pages, French weight, second stage, first-stage settings)
        candidates = {"A": (False, 1.0, None, shipped), "J1": (True, 1.0, None, shipped),
                      "J4": (True, 4.0, None, shipped)}
    else:
        two = (training.SECOND_STAGE, training.FIRST_STAGE)
        candidates = {"A": (False, 1.0, None, shipped), "S": (False, 1.0, *two), "K": (True, 1.0, *two)}
    for name, (with_extra, french, second, fit) in candidates.items():
        training.weigh_pages(everything, french)
        models, fold_of = [], np.zeros(count, dtype=int)
        for k, (train, test) in enumerate(splits):
            first, second_trees = training.fit_stages(
                everything, features, [*train, *(extra_rows if with_extra else [])], second=second, **fit)
            models.append(TreeModel.from_sklearn(first, 0.5, second_stage=second_trees))
            fold_of[test] = k
        if which == "J":
            threshold = 0.3
        else:  # the threshold by `stance train-cleaner`'s own rule, on these out-of-fold models
            step = LineModel(model=training._NO_MODEL)
            oof = {
                "alone": [models[fold_of[i]].predict_proba(step.features(p["lines"], step.rules(p["lines"])))
                          for i, p in enumerate(pages)],
                "batch": [models[fold_of[i]].predict_proba(features[3][i]) for i in range(count)],
                "models": models, "fold_of": fold_of, "folds": len(splits), "second": second,
            }  # fmt: skip
            threshold, _ = training.cross_validate(pages, features=features, oof=oof, second=second, **fit)
        keeps = [training.rerun_to_fixed_point(LineModel(model=models[fold_of[i]], threshold=threshold), p["lines"])
                 for i, p in enumerate(pages)]
        first, second_trees = training.fit_stages(
            everything, features, [*range(count), *(extra_rows if with_extra else [])], second=second, **fit)
        full = TreeModel.from_sklearn(first, threshold, second_stage=second_trees)
        print(f"{name}: threshold {threshold}")
        report(name, pages, keeps, dev, cleaner_keeps(full, threshold, dev))


def _words(line: str) -> set[str]:
    return {re.sub(r"\d+", "0", token.lower()) for token in _TOKEN.findall(line)}


def round_l(pages: list[dict], dev: list[dict]) -> None:
    X, y, _, _ = training.page_features(pages, augment=False)
    step = LineModel(model=training._NO_MODEL)
    X_dev = [step.features(p["lines"], step.rules(p["lines"])) for p in dev]
    words = [[_words(line) for line in p["lines"]] for p in pages]
    dev_words = [[_words(line) for line in p["lines"]] for p in dev]
    sites = [p["group"] for p in pages]
    furniture: dict[str, set[str]] = {}
    content: dict[str, set[str]] = {}
    for i, page in enumerate(pages):
        for tokens, label in zip(words[i], page["labels"], strict=True):
            if label == 0:
                furniture.setdefault(sites[i], set()).update(tokens)
            elif label == 1:
                content.setdefault(sites[i], set()).update(tokens)

    def table(of_sites: set[str]) -> dict[str, float]:
        f, c = Counter(), Counter()
        for site in of_sites:
            f.update(furniture.get(site, ()))
            c.update(content.get(site, ()))
        return {w: math.log((f[w] + 0.5) / (c[w] + 0.5)) for w in set(f) | set(c) if f[w] + c[w] >= 3}

    def lexical(lines_words: list[set[str]], odds: dict[str, float]) -> np.ndarray:
        out = np.zeros((len(lines_words), 4))
        for r, tokens in enumerate(lines_words):
            values = [odds[w] for w in tokens if w in odds]
            if values:
                out[r] = (sum(values) / len(values), max(values), min(values), len(values) / len(tokens))
        return out

    def inner(indices: list[int]) -> dict[int, np.ndarray]:
        result = {}
        for train, test in GroupKFold(5).split(np.zeros(len(indices)), groups=[sites[i] for i in indices]):
            odds = table({sites[indices[j]] for j in train})
            for j in test:
                result[indices[j]] = lexical(words[indices[j]], odds)
        return result

    fit = training.shipped_fit()
    probabilities: dict[str, list] = {"A": [None] * len(pages), "L": [None] * len(pages)}
    for train, test in GroupKFold(5).split(np.zeros(len(pages)), groups=sites):
        train = list(train)
        own, odds = inner(train), table({sites[i] for i in train})
        for name in probabilities:
            model = training.fit_trees([X[i] if name == "A" else np.hstack([X[i], own[i]]) for i in train],
                                       [y[i] for i in train], **fit)
            for i in test:
                x = X[i] if name == "A" else np.hstack([X[i], lexical(words[i], odds)])
                probabilities[name][i] = model.predict_proba(x)[:, 1]
    own, odds = inner(list(range(len(pages)))), table(set(sites))
    for name, probs in probabilities.items():
        threshold, _ = training.best_single_pass(pages, probs)
        model = training.fit_trees([X[i] if name == "A" else np.hstack([X[i], own[i]]) for i in range(len(pages))],
                                   y, **fit)
        dev_x = [x if name == "A" else np.hstack([x, lexical(w, odds)]) for x, w in zip(X_dev, dev_words, strict=True)]
        dev_probs = [model.predict_proba(x)[:, 1] for x in dev_x]
        print(f"{name}: threshold {threshold}")
        report(name, pages, [p >= threshold for p in probs], dev, [p >= threshold for p in dev_probs])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", choices=("J", "K", "L"), required=True)
    parser.add_argument("--data", nargs="+", metavar="PATH",
                        help="labelled real pages (default: ../shared/data/webpages)")
    args = parser.parse_args(argv)
    pages = training.read_pages([*(args.data or [training.default_pages_folder()]), training.french_pages_file()])
    dev = training.read_pages([DEV])
    print(f"{len(pages)} training pages, {len(dev)} development pages", flush=True)
    if args.round == "L":
        round_l(pages, dev)
    else:
        rounds_j_and_k(args.round, pages, training.read_pages([STRUCTURED]), dev)


if __name__ == "__main__":
    main()
