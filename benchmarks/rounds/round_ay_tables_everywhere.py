"""Round AY (twenty-fourth session): round AW's tables in documents of every language?

Round AW keeps the cells of a table inside the article in French documents only: written from French
documents, and on the training pages in other languages its first draft kept, in sample, more furniture
than content. In sample says little about a step that acts on what the model drops (the model keeps, in
sample, the content tables it was trained on). AY asks the real pages in other languages out of fold: the
2,281 training pages, 5 folds grouped by site, the same fold models with the step for French documents only
(round AW, shipped) and for every language. The rule (``docs/design.md``, round AY), written before the run:
the step runs in every language if over all pages the mean of line F1 and snippet F1 gains 0.001 or more, and
neither DAniEL nor Scrapinghub loses more than 0.001.

    python benchmarks/rounds/round_ay_tables_everywhere.py    # 9 minutes
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_z_extra_rules import compare  # noqa: E402

from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402


class EveryLanguage(LineModel):
    table_languages = None


def steps(model: TreeModel, threshold: float) -> dict[str, LineModel]:
    return {
        "tables in French documents (AW)": LineModel(model=model, threshold=threshold),
        "tables in every language": EveryLanguage(model=model, threshold=threshold),
    }


if __name__ == "__main__":
    compare(steps, [], cv=True)
