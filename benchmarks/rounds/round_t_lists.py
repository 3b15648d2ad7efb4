"""Round T (fourteenth session): do list-structure features steady the line model's retrain?

The French development lines that a retrain keeps on some draws and drops on others are short
lines, list items and their lead-ins, and subheadings (``benchmarks/cleaner_flips.py``). T adds
four features to each line, those the fourth session tried on cross-validation alone: the line ends
with ";", the previous line ends with ":", the previous line ends with ";", the next line ends with
";". Both procedures draw at random one draw per line (round S's P). The rule, written before any
result (``docs/design.md``, round T): T passes only if at least 4 of its 5 draws keep 203 golden
lines or more, the development content lines that flip over its 5 draws are at most 0.8 times P's,
its mean on each development file is within 0.002 of P's, and its mean cross-validation score
(seeds 0-2) within 0.001 of P's.

    python benchmarks/rounds/round_t_lists.py            # about 25 minutes on 2 cores (6 without --cv-seeds)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))
sys.path.insert(0, str(ROOT))

from cleaner_retrain_seeds import DEV_PAGES, dev_score, golden_kept  # noqa: E402
from round_s_views import views  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

_features = LineModel.features


def list_features(lines: list[str]) -> np.ndarray:
    """Four columns: the line ends with ";", the previous with ":", the previous with ";", the next with ";"."""
    ends = [line.rstrip()[-1:] for line in lines]
    semicolon = np.array([end == ";" for end in ends], dtype=np.float64)
    colon = np.array([end == ":" for end in ends], dtype=np.float64)
    previous_colon, previous_semicolon, next_semicolon = (np.zeros(len(lines)) for _ in range(3))
    previous_colon[1:], previous_semicolon[1:], next_semicolon[:-1] = colon[:-1], semicolon[:-1], semicolon[1:]
    return np.column_stack([semicolon, previous_colon, previous_semicolon, next_semicolon])


def draws(name: str, pages: list[dict], dev: list[list[dict]], seeds: list[int],
          retrain: Callable[[int], tuple[TreeModel, int]] | None = None) -> int:
    """Retrain procedure ``name`` (as the caller set it up) with each seed, one draw per line, or by
    ``retrain(seed)`` (the model and its number of training views); print each draw's golden lines kept
    and development scores; return how many development content lines some draws keep and others drop."""
    fit, threshold = training.shipped_fit(), TreeModel.default().threshold

    def shipped_procedure(seed: int) -> tuple[TreeModel, int]:
        features = views(pages, seed, both=False)
        return training.train(pages, threshold, features=features, seed=seed, **fit), len(features[0])

    keeps = []
    for seed in seeds:
        start = time.time()
        model, rows = (retrain or shipped_procedure)(seed)
        matched, _, golden = golden_kept(model)
        step = LineModel(model=model)
        keeps.append([training.rerun_to_fixed_point(step, page["lines"]) for file in dev for page in file])
        print(f"| {name} | {seed} | {matched} of {golden} | {dev_score(model, dev[0]):.4f} | "
              f"{dev_score(model, dev[1]):.4f} | {rows} | {time.time() - start:.0f} |", flush=True)
    flips = 0
    for index, page in enumerate(page for file in dev for page in file):
        kept = np.array([keep[index] for keep in keeps]).sum(axis=0)
        flips += int(np.sum((np.asarray(page["labels"]) == 1) & (kept > 0) & (kept < len(keeps))))
    return flips


def with_lists(self: LineModel, lines: list[str], reasons: dict[int, str], lang: str | None = None) -> np.ndarray:
    return np.hstack([_features(self, lines, reasons, lang), list_features(list(lines))])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", nargs="+", default=["T", "P"], choices=["P", "T"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--cv-seeds", type=int, nargs="*", default=[0, 1, 2])
    args = parser.parse_args(argv)
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    dev = [training.read_pages([path]) for path in DEV_PAGES]
    fit = training.shipped_fit()
    print("| procedure | seed | golden lines kept | dev | dev structured | training views | seconds |", flush=True)
    print("|---|---|---|---|---|---|---|", flush=True)
    for name in args.procedures:
        LineModel.features = with_lists if name == "T" else _features  # type: ignore[method-assign]
        flips = draws(name, pages, dev, args.seeds)
        print(f"{name}: development content lines kept by some draws only: {flips}", flush=True)
    print("\n| procedure | seed | grouped 5-fold single-pass score (all pages) | threshold | seconds |", flush=True)
    print("|---|---|---|---|---|", flush=True)
    for name in args.procedures:
        LineModel.features = with_lists if name == "T" else _features  # type: ignore[method-assign]
        for seed in args.cv_seeds:
            start = time.time()
            oof = training.out_of_fold(pages, views(pages, seed, both=False), folds=5, log=lambda _: None, seed=seed,
                                       **fit)
            chosen, value = training.best_single_pass(pages, oof["alone"])
            print(f"| {name} | {seed} | {value:.4f} | {chosen} | {time.time() - start:.0f} |", flush=True)
    LineModel.features = _features  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
