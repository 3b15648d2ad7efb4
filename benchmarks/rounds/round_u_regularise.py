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
from pathlib import Path

import sklearn.ensemble

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))
sys.path.insert(0, str(ROOT))

from cleaner_retrain_seeds import DEV_PAGES  # noqa: E402
from round_t_lists import draws  # noqa: E402

from stance.cleaning import training  # noqa: E402

BOOSTING = sklearn.ensemble.HistGradientBoostingClassifier
CANDIDATES = {"U1": {"min_samples_leaf": 200}, "U2": {"l2_regularization": 10.0}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=list(CANDIDATES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    dev = [training.read_pages([path]) for path in DEV_PAGES]
    print("| candidate | seed | golden lines kept | dev | dev structured | training views | seconds |\n"
          "|---|---|---|---|---|---|---|",
          flush=True)
    for name in args.candidates:
        # training.fit_trees builds the booster from sklearn.ensemble at each call: these settings replace its own
        settings = CANDIDATES[name]
        sklearn.ensemble.HistGradientBoostingClassifier = lambda settings=settings, **kw: BOOSTING(**{**kw, **settings})
        flips = draws(name, pages, dev, args.seeds)
        print(f"{name}: development content lines kept by some draws only: {flips}", flush=True)
    sklearn.ensemble.HistGradientBoostingClassifier = BOOSTING


if __name__ == "__main__":
    main()
