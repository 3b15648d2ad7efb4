"""Round AE (seventeenth session): a second stage trained only on the lines the first stage drops.

Round AD's second stage, learnt on every line as ``stance train-cleaner --second-stage`` learns it, kept
too much furniture when it was only allowed to keep. AE learns a rescuer on the lines it will judge:
the training rows whose first-stage probability, out of fold (``training.fit_stages``' inner
cross-validation grouped by site), is under the shipped threshold, with the same features and context
features and ``training.SECOND_STAGE``'s settings. A line the shipped first stage drops is kept if the
rescuer gives it 0.5 or more. The rule, written before any result: ``docs/design.md``, round AE.

Since the eighteenth session the procedure is the library's (``training.fit_stages(rescue_below=...)``,
shipped after round AH), and this script runs it: its furniture subsampling draws the rows in another
order than round AE's own code did, so the figures it prints are those of round AH's draw (development
files and the model card), not the ones round AE recorded.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ae_rescuer.py --dev  # development files, ~8 minutes
    OMP_NUM_THREADS=2 python benchmarks/rounds/round_ae_rescuer.py        # cross-validation, ~25 minutes
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

import round_ad_union  # noqa: E402
from round_ad_union import rescuing  # noqa: E402

from stance.cleaning.linemodel import TreeModel  # noqa: E402

CANDIDATES = {"rescuer, kept if p >= 0.5 (AE)": lambda m: rescuing(m, 0.5)}


def main(argv: list[str] | None = None) -> None:
    round_ad_union.main(argv, CANDIDATES, TreeModel.default().threshold, "round-ae", __doc__)


if __name__ == "__main__":
    main()
