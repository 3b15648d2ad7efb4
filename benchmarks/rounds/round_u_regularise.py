"""Round U (fourteenth session): do more strongly regularised trees steady the line model's retrain?

Same number of trees, same cost to run; U1 asks each leaf for 200 lines (shipped 40), U2 an L2
penalty of 10 on the leaf values (shipped 1). Both against P (the shipped procedure with one random
draw per line, ``round_s_views.py``), under round T's rule written before any result
(``docs/design.md``): at least 4 of 5 draws keep 203 golden lines or more, the development content
lines that flip over 5 draws are at most 0.8 times P's (183), the development means within 0.002 of P's,
and cross-validation (run only for a candidate that passes the first two) within 0.001 of P's.

    python benchmarks/rounds/round_u_regularise.py       # about 7 minutes on 2 cores, without cross-validation
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import sklearn.ensemble

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))
sys.path.insert(0, str(ROOT))

from cleaner_retrain_seeds import DEV_PAGES, dev_score, golden_kept  # noqa: E402
from round_s_views import views  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

BOOSTING = sklearn.ensemble.HistGradientBoostingClassifier
CANDIDATES = {"U1": {"min_samples_leaf": 200}, "U2": {"l2_regularization": 10.0}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=list(CANDIDATES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    dev = [training.read_pages([path]) for path in DEV_PAGES]
    fit, threshold = training.shipped_fit(), TreeModel.default().threshold
    print("| candidate | seed | golden lines kept | dev | dev structured | seconds |\n|---|---|---|---|---|---|",
          flush=True)
    for name in args.candidates:
        # training.fit_trees builds the booster from sklearn.ensemble at each call: these settings replace its own
        settings = CANDIDATES[name]
        sklearn.ensemble.HistGradientBoostingClassifier = lambda settings=settings, **kw: BOOSTING(**{**kw, **settings})
        keeps = []
        for seed in args.seeds:
            start = time.time()
            model = training.train(pages, threshold, features=views(pages, seed, both=False), seed=seed, **fit)
            matched, _, golden = golden_kept(model)
            step = LineModel(model=model)
            keeps.append([training.rerun_to_fixed_point(step, page["lines"]) for file in dev for page in file])
            print(f"| {name} | {seed} | {matched} of {golden} | {dev_score(model, dev[0]):.4f} | "
                  f"{dev_score(model, dev[1]):.4f} | {time.time() - start:.0f} |", flush=True)
        flips = 0
        for index, page in enumerate(page for file in dev for page in file):
            kept = np.array([keep[index] for keep in keeps]).sum(axis=0)
            flips += int(np.sum((np.asarray(page["labels"]) == 1) & (kept > 0) & (kept < len(keeps))))
        print(f"{name}: development content lines kept by some draws only: {flips}", flush=True)
    sklearn.ensemble.HistGradientBoostingClassifier = BOOSTING


if __name__ == "__main__":
    main()
