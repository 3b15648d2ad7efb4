"""Round AF (seventeenth session): the line model's threshold chosen by snippet F1 alone?

The issue scores the held-out pages by snippets alone, as trafilatura's benchmark scores extractors; the
shipped threshold (0.3) was chosen on the mean of line F1 and snippet F1. This script scores the shipped
cleaner at thresholds 0.2, 0.25, 0.3 and 0.35 on the French development files (shipped trees), then over
the 1,999 training pages out of fold (the same fold models for all). Snippet F1 is 2PR / (P + R) of the
snippet columns. The rule, written before any result: ``docs/design.md``, round AF (not adopted).

    python benchmarks/rounds/round_af_threshold.py             # about 5 minutes on 2 cores
    python benchmarks/rounds/round_af_threshold.py --dev-only  # seconds
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import round_z_extra_rules  # noqa: E402
from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402

from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

THRESHOLDS = (0.2, 0.25, 0.3, 0.35)


def _steps(model: TreeModel, threshold: float) -> dict[str, LineModel]:
    return {f"threshold {t}": LineModel(model=model, threshold=t) for t in THRESHOLDS}


def main(argv: list[str] | None = None) -> None:
    round_z_extra_rules.main(argv, _steps, __doc__, DEVELOPMENT_FILES)

if __name__ == "__main__":
    main()
