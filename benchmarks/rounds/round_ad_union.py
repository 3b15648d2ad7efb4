"""Round AD (seventeenth session): a second stage that can only keep a line the first stage drops.

The second stage (``stance train-cleaner --second-stage``, ``training.fit_stages``) reads the first stage's
probabilities along the document and gained on the real pages in cross-validation (ninth session), but
each retrain dropped a few of the seeds' golden article lines at the article's edges. AD keeps the shipped
first stage (300 trees) and its drops, and lets the second stage, learnt on top of it, keep what it calls
content: p = max(p1, p2). This script scores, on the 1,999 training pages out of fold (5 folds by site,
the same fold models for all), the first stage alone, the usual second stage (p2), the union (AD) and the
union keeping only at p2 >= 0.5 (AD2, written after AD's development scores); with ``--dev``, the same
on the development files, the second stage fitted on all the training pages (kept in ``--out``). The
rule, written before any result: ``docs/design.md``, round AD (not adopted). The unions are the library's
rescuer semantics (``TreeModel``'s ``rescue`` at 0.3 and 0.5) on a second stage learnt on every line.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ad_union.py          # cross-validation, ~25 minutes
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ad_union.py --dev    # development files, ~8 minutes
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
from round_z_extra_rules import _row  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402


def rescuing(model: TreeModel, keep: float) -> TreeModel:
    """``model``'s two stages with the second as a rescuer keeping at ``keep`` (``TreeModel``'s ``rescue``):
    it judges only the lines the first stage drops and keeps those it gives ``keep`` or more, p = max(p1, p2).
    AD is the union at 0.3 (p1 or p2 >= 0.3), AD2 keeps at 0.5."""
    spec = {**model.spec, "second": {**model.spec["second"], "rescue": keep}}
    return TreeModel(spec)


def one_stage(model: TreeModel) -> TreeModel:
    return TreeModel({key: value for key, value in model.spec.items() if key != "second"})


CANDIDATES: dict[str, Callable[[TreeModel], TreeModel]] = {
    "second stage, p2 (reference)": lambda m: m,
    "union, max(p1, p2) (AD)": lambda m: rescuing(m, 0.3),
    "union, kept if p2 >= 0.5 (AD2)": lambda m: rescuing(m, 0.5),
}


def cross_validation(folds: int, candidates: dict[str, Callable[[TreeModel], TreeModel]] = CANDIDATES,
                     rescue_below: float | None = None) -> None:
    """Each candidate made of the fold models (two stages, the second learnt on the lines under
    ``rescue_below`` if given: ``training.fit_stages``) against their first stage alone, over the
    training pages out of fold."""
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    start = time.time()
    oof = training.out_of_fold(pages, training.page_features(pages), folds=folds, second=training.SECOND_STAGE,
                               rescue_below=rescue_below, **training.shipped_fit())
    threshold = TreeModel.default().threshold
    rows = {}
    for name, make in {"first stage alone (shipped procedure)": one_stage, **candidates}.items():
        steps = [LineModel(model=make(model), threshold=threshold) for model in oof["models"]]
        keeps = [training.rerun_to_fixed_point(steps[oof["fold_of"][i]], page["lines"]) for i, page in enumerate(pages)]
        rows[name] = training.score(pages, keeps)
    print(f"\n{len(pages)} pages, {folds} folds grouped by site, threshold {threshold}, {time.time() - start:.0f} s\n")
    _header()
    for group in next(iter(rows.values())):
        for name, scores in rows.items():
            _row(group, name, scores[group])


def development(paths: Sequence[str], out: Path, candidates: dict[str, Callable[[TreeModel], TreeModel]] = CANDIDATES,
                rescue_below: float | None = None) -> None:
    """The shipped model's first stage alone against each candidate made of two stages fitted on all the
    training pages (kept in ``out``; see :func:`cross_validation`), on the development files ``paths``."""
    shipped = TreeModel.default()
    if (out / "model.json").is_file():
        model = TreeModel.load(out)
    else:
        pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
        first, second = training.fit_stages(pages, training.page_features(pages), second=training.SECOND_STAGE,
                                            rescue_below=rescue_below, **training.shipped_fit())
        model = TreeModel.from_sklearn(first, shipped.threshold, second_stage=second)
        same = model.spec["trees"] == shipped.spec["trees"]
        print(f"first stage refitted on all pages: {'the shipped trees exactly' if same else 'NOT the shipped trees'}")
        model.save(out)
    steps = {"first stage alone (shipped until round AH)": LineModel(model=one_stage(model)),
             **{name: LineModel(model=make(model)) for name, make in candidates.items()}}
    _header()
    for path in paths:
        pages = training.read_pages([path])
        for name, step in steps.items():
            keeps = [training.rerun_to_fixed_point(step, page["lines"]) for page in pages]
            _row(Path(path).name, name, training.score(pages, keeps)["all"])


def _header() -> None:
    print("| pages | cleaner | mean of line F1 and snippet F1 | line P | line R | snippet P | snippet R |")
    print("|---|---|---:|---:|---:|---:|---:|")


def main(argv: list[str] | None = None, candidates: dict[str, Callable[[TreeModel], TreeModel]] = CANDIDATES,
         rescue_below: float | None = None, name: str = "round-ad", description: str = __doc__) -> None:
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dev", action="store_true", help="the development files instead of the cross-validation")
    parser.add_argument("--pages", nargs="+", metavar="FILE",
                        default=[str(p) for p in DEVELOPMENT_FILES])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / name, help="where the two-stage model is kept")
    args = parser.parse_args(argv)
    if args.dev:
        development(args.pages, args.out, candidates, rescue_below)
    else:
        cross_validation(args.folds, candidates, rescue_below)

if __name__ == "__main__":
    main()
