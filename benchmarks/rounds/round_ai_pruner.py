"""Round AI (nineteenth session): a pruner, the rescuer's mirror image.

The rescuer (round AH, shipped) judges only the lines the first stage drops and can keep them; the
cleaner's gap on #11 is precision. AI adds a third set of trees, the *pruner*, that judges only the lines
the first stage keeps with a content probability p1 in [threshold, ``BAND``) and no rule hit, reading the
rescuer's inputs (line features plus ``features.context_features`` of the first stage's probabilities),
learnt only from such lines as the first stage gives them out of fold (the same inner cross-validation
grouped by site as the rescuer's, ``training.fit_stages``). A judged line's probability becomes
min(p, p3): the pruner drops it when it gives it less than the threshold, the cut the first stage uses. It
can drop a line, never keep one. ``BAND`` (0.9) was chosen before any development or eval score, on the
training pages only: the smallest of 0.7, 0.8, 0.9, 0.95, 1.01 whose band holds at least 80 % of the
furniture the first stage keeps out of fold (0.834 at 0.9; 24 % of the content it keeps). The rule, written
before any result: ``docs/design.md``, round AI.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ai_pruner.py --dev  # development files, ~5 minutes
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ai_pruner.py        # cross-validation, ~20 minutes
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from cleaner_dev_scores import BLIND2_PAGES, BLIND3_PAGES, BLIND4_PAGES, DEVELOPMENT_FILES  # noqa: E402
from round_z_extra_rules import _row  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.features import context_features  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel, _sigmoid, _Trees  # noqa: E402

BAND = 0.9
# the development pages never read by anyone (halves of blind2 and blind3): they decide
UNREAD = {BLIND2_PAGES: range(385, 415), BLIND3_PAGES: range(445, 475)}


class Pruned(TreeModel):
    """``base`` (first stage and rescuer) with a pruner: lines whose first-stage probability lies in
    [threshold, ``below``) get min(p, p3)."""

    def __init__(self, base: TreeModel, pruner: dict, below: float = BAND) -> None:
        super().__init__(base.spec)
        self.pruner, self.pruner_spec, self.below = _Trees(pruner), pruner, below

    def predict_proba(self, X: np.ndarray, rows: Sequence[int] | None = None,
                      threshold: float | None = None) -> np.ndarray:
        out = super().predict_proba(X, rows, threshold)
        first = self.first_stage(X)
        own = first if rows is None else first[np.asarray(rows, dtype=np.intp)]
        cut = self.threshold if threshold is None else threshold
        band = np.flatnonzero((own >= cut) & (own < self.below))
        if len(band):
            picked = band if rows is None else np.asarray(rows, dtype=np.intp)[band]
            third = _sigmoid(self.pruner.raw(np.hstack((X[picked], context_features(first, X)[picked]))))
            out = out.copy()
            out[band] = np.minimum(out[band], third)
        return out


def inner_first_stage(pages: Sequence[dict], features: tuple, indices: Sequence[int],
                      folds: int = 5) -> dict[int, np.ndarray]:
    """The shipped first stage's probabilities of the rows of the pages ``indices`` out of fold, as
    ``training.fit_stages`` gives them to a second stage (``training.inner_first_stage``)."""
    groups = len({pages[i]["group"] for i in indices})
    return training.inner_first_stage(pages, features, indices, min(folds, groups), **training.shipped_fit())


def fit_on_judged(pages: Sequence[dict], features: tuple, indices: Sequence[int], p: dict[int, np.ndarray],
                  judge, weights: Sequence[float] | None = None, more=None) -> dict:
    """Trees with ``training.SECOND_STAGE``'s settings on the rows' line and context features (and the
    columns ``more(p, X)`` if given), learnt only from the lines ``judge(p, X)`` selects (``p`` the first
    stage's out-of-fold probabilities), each page's lines weighing ``weights[page]`` (default its
    ``weight``), exported as ``_Trees`` reads them."""
    X, y, origin, _ = features
    weights = [float(page.get("weight", 1.0)) for page in pages] if weights is None else weights
    rows_of = training._rows_of(origin, len(pages))
    rows = [r for i in indices for r in rows_of[i]]  # in fit_stages' order
    inputs = {r: np.hstack((X[r], context_features(p[r], X[r]), *(() if more is None else (more(p[r], X[r]),))))
              for r in rows}
    judged = {r: judge(p[r], X[r]) for r in rows}
    trees = training.fit_trees([inputs[r][judged[r]] for r in rows], [np.asarray(y[r])[judged[r]] for r in rows],
                               weights=[weights[origin[r]] for r in rows], **training.SECOND_STAGE)
    return _Trees.export(trees)


def fit_base(pages: Sequence[dict], features: tuple, indices: Sequence[int], threshold: float,
             folds: int = 5) -> TreeModel:
    """The shipped procedure on the pages ``indices``: the first stage and its rescuer (``training.fit_stages``)."""
    first, rescuer = training.fit_stages(pages, features, indices, folds=folds, second=training.SECOND_STAGE,
                                         rescue_below=threshold, **training.shipped_fit())
    return TreeModel.from_sklearn(first, threshold, second_stage=rescuer, rescue=training.RESCUE_KEEP)


def with_pruner(base: TreeModel, pages: Sequence[dict], features: tuple, indices: Sequence[int],
                p: dict[int, np.ndarray]) -> TreeModel:
    """AI's candidate: ``base`` with a pruner fitted on the pages ``indices`` (``p``: :func:`inner_first_stage`)."""
    threshold = base.threshold
    return Pruned(base, fit_on_judged(pages, features, indices, p,
                                      lambda q, X: (q >= threshold) & (q < BAND) & (X[:, training._RULE] == 0)))


def _scores(step: LineModel, pages: Sequence[dict]) -> dict:
    return training.score(pages, [training.rerun_to_fixed_point(step, page["lines"]) for page in pages])


def development(paths: Sequence[str], out: Path) -> None:
    shipped = TreeModel.default()
    if (out / "pruner.json").is_file():
        pruner = json.loads((out / "pruner.json").read_text())
    else:
        pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
        start = time.time()
        features, indices = training.page_features(pages), range(len(pages))
        base = fit_base(pages, features, indices, shipped.threshold)
        pruner = with_pruner(base, pages, features, indices, inner_first_stage(pages, features, indices)).pruner_spec
        same = base.spec["trees"] == shipped.spec["trees"] and base.spec["second"] == shipped.spec["second"]
        print(f"first stage and rescuer refitted on all pages ({time.time() - start:.0f} s): "
              f"{'the shipped trees exactly' if same else 'NOT the shipped trees'}")
        out.mkdir(parents=True, exist_ok=True)
        (out / "pruner.json").write_text(json.dumps(pruner))
    steps = {"shipped (first stage + rescuer)": LineModel(model=shipped),
             f"+ pruner, band [{shipped.threshold}, {BAND}) (AI)": LineModel(model=Pruned(shipped, pruner))}
    compare(steps, paths)


def compare(steps: dict[str, LineModel], paths: Sequence[str]) -> None:
    """Each step on each file of ``paths``, then on the halves of blind2 and blind3 nobody had read before
    round AI (of the files given), then on those and blind4 if it is given (round AI')."""
    _header()
    unread = []
    for path in paths:
        pages = training.read_pages([path])
        span = UNREAD.get(Path(path).resolve())
        if span is not None:
            unread += [page for page in pages if int(page["id"].rsplit("-", 1)[1]) in span]
        for name, step in steps.items():
            _row(Path(path).name, name, _scores(step, pages)["all"])
    for name, step in steps.items() if unread else ():
        _row(f"never-read halves ({len(unread)} pages, decides)", name, _scores(step, unread)["all"])
    if unread and BLIND4_PAGES in [Path(path).resolve() for path in paths]:  # round AI': with the sixth file
        fresh = unread + training.read_pages([BLIND4_PAGES])
        for name, step in steps.items():
            _row(f"the halves and blind4 ({len(fresh)} pages)", name, _scores(step, fresh)["all"])

Candidate = Callable[[TreeModel, Sequence[dict], tuple, Sequence[int], dict], TreeModel]


def cross_validation(folds: int, candidates: dict[str, Candidate]) -> None:
    """The shipped procedure (first stage and rescuer) and each candidate, ``make(base, pages, features,
    train, p)`` (``p``: :func:`inner_first_stage` of the fold's training pages), over the training pages
    out of fold: five folds grouped by site, each page cleaned by its fold's model to the fixed point."""
    from sklearn.model_selection import GroupKFold

    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    features = training.page_features(pages)
    threshold = TreeModel.default().threshold
    groups = np.array([page["group"] for page in pages])
    steps: dict[str, list[LineModel]] = {name: [] for name in ("shipped procedure (first stage + rescuer)",
                                                               *candidates)}
    fold_of = np.zeros(len(pages), dtype=int)
    start = time.time()
    for k, (train, test) in enumerate(GroupKFold(folds).split(np.zeros(len(pages)), groups=groups)):
        base = fit_base(pages, features, train, threshold, folds)
        p = inner_first_stage(pages, features, train, folds)
        steps["shipped procedure (first stage + rescuer)"].append(LineModel(model=base))
        for name, make in candidates.items():
            steps[name].append(LineModel(model=make(base, pages, features, train, p)))
        fold_of[test] = k
        print(f"fold {k + 1}/{folds}: {time.time() - start:.0f} s", flush=True)
    rows = {name: training.score(pages, [training.rerun_to_fixed_point(fold_steps[fold_of[i]], page["lines"])
                                         for i, page in enumerate(pages)])
            for name, fold_steps in steps.items()}
    print(f"\n{len(pages)} pages, {folds} folds grouped by site, threshold {threshold}, {time.time() - start:.0f} s\n")
    _header()
    for group in next(iter(rows.values())):
        for name, scores in rows.items():
            _row(group, name, scores[group])


def _header() -> None:
    print("| pages | cleaner | mean of line F1 and snippet F1 | line P | line R | snippet P | snippet R |")
    print("|---|---|---:|---:|---:|---:|---:|", flush=True)


def run(argv: list[str] | None, description: str, development: Callable[[Sequence[str], Path], None],
        candidates: dict[str, Candidate], out: str) -> None:
    """The command line of rounds AI, AJ and AL: ``--dev`` runs ``development(pages, out)`` on the
    development files, else :func:`cross_validation` of ``candidates``."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dev", action="store_true", help="the development files instead of the cross-validation")
    parser.add_argument("--pages", nargs="+", metavar="FILE", default=[str(p) for p in DEVELOPMENT_FILES])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / out, help="where the candidate is kept")
    args = parser.parse_args(argv)
    if args.dev:
        development(args.pages, args.out)
    else:
        cross_validation(args.folds, candidates)


def main(argv: list[str] | None = None) -> None:
    run(argv, __doc__, development, {"+ pruner (AI)": with_pruner}, "round-ai")

if __name__ == "__main__":
    main()
