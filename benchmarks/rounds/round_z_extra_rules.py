"""Round Z (sixteenth session): round Q's French furniture rules after the line model, not as its features.

Round Q's rules (``round_q_rules.patch``) gained on both French development files with the shipped
trees, but a model retrained with them as features kept fewer of the seeds' golden lines (round R; five
draws 200, 191, 192, 200, 203 of 205). ``ExtraFurniture`` holds the same rules, worded alike, and
``LineModel`` applies them after its trees: the trees never see them, so training and the
shipped trees are unchanged. This script scores that on the 1,999 training pages out of fold: five folds
grouped by site, the shipped settings and seed, each page cleaned by the model of the fold that left its
site out at the shipped threshold, rerun to the fixed point as the cleaner does, with and without the
rules (the same fold models both ways). The rule, written before any result (``docs/design.md``, round Z):
with the rules, the score over all pages at least the score without them - 0.001.

It first scores the shipped model with and without the rules on the French development pages
(``benchmarks/cleaner_dev_scores.py``'s files, or ``--pages``), each page cleaned alone to the fixed point.

    python benchmarks/rounds/round_z_extra_rules.py             # about 4 minutes on 2 cores
    python benchmarks/rounds/round_z_extra_rules.py --dev-only  # seconds
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.base import LineRules  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402


class _NoRules(LineRules):
    rules = ()


def main(argv: list[str] | None = None, steps: Callable[[TreeModel, float], dict[str, LineModel]] | None = None,
         description: str = __doc__, pages: Sequence[str | Path] = DEVELOPMENT_FILES) -> None:
    """The command line of a round that compares cleaners with :func:`compare` (round Z's by default)."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--pages", nargs="+", default=[str(path) for path in pages], metavar="FILE",
                        help="line-labelled pages scored with the shipped model (default: the development files "
                        "of the round)")
    parser.add_argument("--dev-only", action="store_true", help="score those pages only, not the cross-validation")
    args = parser.parse_args(argv)
    compare(steps or _steps, args.pages, cv=not args.dev_only, folds=args.folds)


def compare(steps: Callable[[TreeModel, float], dict[str, LineModel]], dev: Sequence[str | Path],
            cv: bool = True, folds: int = 5) -> None:
    """Print the scores of each cleaner ``steps(model, threshold)`` names: on the pages of each file of ``dev``
    with the shipped model, then (``cv``) over all training pages out of fold, the same fold models for all."""
    print("| pages | cleaner | mean of line F1 and snippet F1 | line P | line R | snippet P | snippet R |")
    print("|---|---|---:|---:|---:|---:|---:|")
    shipped = TreeModel.default()
    for path in dev:
        pages = training.read_pages([path])
        for name, step in steps(shipped, shipped.threshold).items():
            keeps = [training.rerun_to_fixed_point(step, page["lines"]) for page in pages]
            _row(Path(path).name, name, training.score(pages, keeps)["all"])
    if not cv:
        return
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    start = time.time()
    oof = training.out_of_fold(pages, training.page_features(pages), folds=folds, **training.shipped_fit())
    rows: dict[str, dict] = {}
    fold_steps = [steps(model, shipped.threshold) for model in oof["models"]]
    for name in fold_steps[0]:
        keeps = [training.rerun_to_fixed_point(fold_steps[oof["fold_of"][i]][name], page["lines"])
                 for i, page in enumerate(pages)]
        rows[name] = training.score(pages, keeps)
    print(f"\n{len(pages)} pages, {folds} folds grouped by site, threshold {shipped.threshold}, "
          f"{time.time() - start:.0f} s\n")
    print("| pages | cleaner | mean of line F1 and snippet F1 | line P | line R | snippet P | snippet R |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for group in next(iter(rows.values())):
        for name, scores in rows.items():
            _row(group, name, scores[group])


def _steps(model: TreeModel, threshold: float) -> dict[str, LineModel]:
    """The line model's step without and with the extra rules (the same trees)."""
    return {"without the rules": LineModel(model=model, threshold=threshold, extra=_NoRules()),
            "with the rules (Z)": LineModel(model=model, threshold=threshold)}


def _row(group: str, name: str, s: dict) -> None:
    mean = (s["lines"]["f1"] + s["snippets"]["f1"]) / 2
    print(f"| {group} | {name} | {mean:.4f} | {s['lines']['precision']:.4f} | {s['lines']['recall']:.4f} | "
          f"{s['snippets']['precision']:.4f} | {s['snippets']['recall']:.4f} |", flush=True)


if __name__ == "__main__":
    main()
