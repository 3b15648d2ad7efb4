"""Round AJ (nineteenth session): the rescuer learnt with our French pages weighing 4.

On the development pages never read (halves of blind2 and blind3) the cleaner's loss is recall (line
recall 0.67, snippet recall 0.87), and recall is what the rescuer gains: it judges only the lines the first
stage drops and can keep them, never drop one, so the seeds' golden lines stay kept whatever it learns.
The tenth session weighed French pages 4 in the one stage there was: it gained on French pages in
cross-validation but lost golden lines through the first stage (round H). AJ keeps the shipped first stage
and refits the rescuer by the shipped procedure (``training.fit_stages``' inner cross-validation grouped by
site, ``training.SECOND_STAGE``, under the threshold, kept at ``training.RESCUE_KEEP``) with each French
page's lines weighing ``WEIGHT`` in the rescuer's fit only. The rule, written before any result:
``docs/design.md``, round AJ. ``--dev`` first refits the rescuer with every page weighing 1, which must
give the shipped rescuer's trees exactly (the procedure is the library's).

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_aj_french_rescuer.py --dev  # development files, ~5 minutes
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_aj_french_rescuer.py  # cross-validation, AI too, ~25 min
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_ai_pruner import (  # noqa: E402
    compare,
    fit_on_judged,
    inner_first_stage,
    run,
    with_pruner,
)

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

WEIGHT = 4.0


def french_rescuer(base: TreeModel, pages: Sequence[dict], features: tuple, indices: Sequence[int],
                   p: dict[int, np.ndarray], weight: float = WEIGHT) -> TreeModel:
    """``base``'s first stage with a rescuer refitted on the pages ``indices``, French pages weighing ``weight``
    in it (``p``: the first stage out of fold, ``round_ai_pruner.inner_first_stage``)."""
    threshold = base.threshold
    weights = [weight if page.get("lang") == "fr" else 1.0 for page in pages]
    trees = fit_on_judged(pages, features, indices, p,
                          lambda q, X: (q < threshold) & (X[:, training._RULE] == 0), weights)
    return TreeModel({**base.spec, "second": {**base.spec["second"], "trees": trees}})


def development(paths: Sequence[str], out: Path) -> None:
    shipped = TreeModel.default()
    if (out / "model.json").is_file():
        candidate = TreeModel.load(out)
    else:
        pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
        features, indices = training.page_features(pages), range(len(pages))
        start = time.time()
        p = inner_first_stage(pages, features, indices)
        same = french_rescuer(shipped, pages, features, indices, p, 1.0).spec["second"] == shipped.spec["second"]
        print(f"rescuer refitted, every page weighing 1 ({time.time() - start:.0f} s): "
              f"{'the shipped rescuer exactly' if same else 'NOT the shipped rescuer'}", flush=True)
        candidate = french_rescuer(shipped, pages, features, indices, p)
        candidate.save(out)
    steps = {"shipped (first stage + rescuer)": LineModel(model=shipped),
             f"rescuer with French pages weighing {WEIGHT:g} (AJ)": LineModel(model=candidate)}
    compare(steps, paths)


def main(argv: list[str] | None = None) -> None:
    run(argv, __doc__, development, {"+ pruner (AI)": with_pruner,
                                     f"rescuer, French pages weighing {WEIGHT:g} (AJ)": french_rescuer}, "round-aj")

if __name__ == "__main__":
    main()
