"""Round BN (thirty-fifth session): round BM with the 180 development articles of the document aggregation read as
content too.

Rounds BL and BM trained the shipped procedure on the 1,392 French development pages and dirty documents. Both gained
about 0.03 of line F1 on unread French dirty documents by new writers (BM: P 0.891 -> 0.939, R 0.959 -> 0.977), and
both failed one condition the same way: the seeds kept 202 of their 205 golden lines (203 asked). BM read the 204
French stance training articles as pages of content only (``--with-documents``), which brought the French stance
articles' lost lines from 4 (BL) to 1, but not the seeds'. Which seed lines were lost was not looked at, and is not
now: a round designed from them would be chosen on the seeds.

The candidate changes one thing, aimed at that failure, and nothing else: it reads as content the French articles of
the document aggregation's two development files as well (``stance_fr_documents_dev.jsonl``,
``stance_fr_documents_dev_short.jsonl``: 180 articles by six more writers, 124-809 words), so that 384 articles by
nine writers, rather than 204 by three, teach what a long article's own lines look like. The cleaner reads their text
only, never their stance labels; they stay what they are for the stance stage (the aggregation's temperature).

    stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --french-development --with-documents all \\
        --french-weight 0.5 --out /tmp/bn/candidate

The round's rule, written and committed before the candidate was trained and before the documents that judge it were
written: round BL's six conditions (``round_bl_french_training.py``), against the shipped cleaner, with 120 new French
dirty documents written after this commit by helpers blind to the code (``cleaning_fr_documents_dev_bn.jsonl``) as the
judge of condition 1. Condition 6 (the 384 French stance articles lose at most 5 lines more) is now in sample for the
candidate: it is kept as a guard, not as evidence. If it ships, the model and its card replace
``stance/models/line-model`` (its card names the command), and ``eval/baseline.json`` is regenerated in the same
commit. Reported, not judged: the judges of rounds BL and BM (``cleaning_fr_documents_dev_bl.jsonl``, ``_bm``: each
judged one round by its line scores; no line of them was read).

    python benchmarks/rounds/round_bn_more_articles.py --candidate /tmp/bn/candidate            # 1, 2 (alone), 4-6
    python benchmarks/rounds/round_bn_more_articles.py --candidate /tmp/bn/candidate --before   # the judge as shipped
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parents[1], HERE.parent, HERE):
    sys.path.insert(0, str(folder))

from round_bl_french_training import retrain_round  # noqa: E402
from rule_round import TRAINING  # noqa: E402

JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bn.jsonl"  # written after this round was committed
REPORTED = (("round BL's judge", TRAINING / "cleaning_fr_documents_dev_bl.jsonl"),
            ("round BM's judge", TRAINING / "cleaning_fr_documents_dev_bm.jsonl"))
NAMES = ("shipped", "round BN")
WHAT = "written after round BN was committed"


if __name__ == "__main__":
    retrain_round(JUDGE_DOCUMENTS, REPORTED, NAMES, WHAT, __doc__)
