"""Which lines of the French development pages a retrain of the line model keeps on some draws and
drops on others.

Retrains the shipped settings with one random draw per line (``rounds/round_s_views.py``'s P) for
several seeds, cleans both development files (pages we wrote, never trained on) with each model as
the cleaner does (rerun to the fixed point), and counts, for content and for furniture lines, how
many of the draws keep each line. Lines kept by some draws and not others are the retrain's
instability; it prints how they differ from the lines every draw keeps, and the first of them.

    python benchmarks/cleaner_flips.py                 # seeds 0-4, about 15 minutes (the rescuer refitted too)
    python benchmarks/cleaner_flips.py --seeds 0 1 2 --show 60
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))
sys.path.insert(0, str(ROOT))

from cleaner_retrain_seeds import DEV_PAGES  # noqa: E402
from round_s_views import views  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

BULLET = re.compile(r"^\s*([-•*–]|\d+[.)])\s")


def describe(lines: list[str]) -> str:
    words = [len(line.split()) for line in lines]
    return (f"{len(lines)} lines, median {np.median(words):.0f} words, "
            f"under 8 words {np.mean([w < 8 for w in words]):.2f}, "
            f"ending with a colon {np.mean([line.rstrip().endswith(':') for line in lines]):.2f}, "
            f"with ';' {np.mean([line.rstrip().endswith(';') for line in lines]):.2f}, "
            f"bulleted {np.mean([bool(BULLET.match(line)) for line in lines]):.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--show", type=int, default=30, help="unstable content lines to print (default 30)")
    args = parser.parse_args(argv)
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    dev = [page for path in DEV_PAGES for page in training.read_pages([path])]
    fit, threshold = training.shipped_fit(), TreeModel.default().threshold
    keeps = []
    for seed in args.seeds:
        model = training.train(pages, threshold, features=views(pages, seed, both=False), seed=seed,
                               second=training.shipped_second(), rescuer=TreeModel.default().rescue is not None, **fit)
        step = LineModel(model=model)
        keeps.append([training.rerun_to_fixed_point(step, page["lines"]) for page in dev])
        print(f"seed {seed} retrained", flush=True)
    draws = len(args.seeds)
    kept_by: dict[int, list[tuple[int, str]]] = {0: [], 1: []}
    for index, page in enumerate(dev):
        kept = np.array([keep[index] for keep in keeps]).sum(axis=0)
        for line, label, count in zip(page["lines"], page["labels"], kept, strict=True):
            if label >= 0:
                kept_by[int(label)].append((int(count), line))
    for label, name in ((1, "content"), (0, "furniture")):
        counts = np.bincount([count for count, _ in kept_by[label]], minlength=draws + 1)
        print(f"{name} lines kept by 0..{draws} of {draws} draws: {counts.tolist()}")
    unstable = [line for count, line in kept_by[1] if 0 < count < draws]
    print(f"content kept by some draws only: {describe(unstable)}")
    print(f"content kept by every draw:      {describe([line for count, line in kept_by[1] if count == draws])}")
    for count, line in [(c, x) for c, x in kept_by[1] if 0 < c < draws][: args.show]:
        print(f"  kept {count}/{draws} | {line[:110]}")


if __name__ == "__main__":
    main()
