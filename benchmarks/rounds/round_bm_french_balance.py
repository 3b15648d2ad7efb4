"""Round BM (thirty-fourth session): round BL's French pages, with the French articles as content and French pages
weighing half.

Round BL (``round_bl_french_training.py``) trained the shipped procedure on 1,392 more French pages (the development
documents and pages): on its 120 unread judge documents line F1 rose from 0.9325 to 0.9612 (P 0.894 -> 0.944, R 0.974
-> 0.980), but it failed two conditions: the seeds kept 202 of their 205 golden lines (203 asked), and its
cross-validation lost 0.014 on Scrapinghub's real pages (0.01 allowed). Its report named the article lines it lost in
the French stance articles: short subheadings inside long articles ("Lexique", "Conclusion", "Notre conviction",
"Le calendrier").

The candidate changes two things, one for each failure, and nothing else:

- ``--with-documents``: the 204 French stance training articles (``stance_fr_documents.jsonl``) are read as pages whose
  every paragraph is content, which teaches that a long article's short subheadings are article (round AP, with 714
  French pages, kept the seeds' golden lines where round AO without them did not);
- ``--french-weight 0.5``: every French page weighs half a page in another language, so that the 1,806 French pages
  (49 % of the pages in round BL) weigh about a third of the training, as against a fifth in the shipped model: the
  real pages in other languages keep more of their say.

    stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --french-development --with-documents \\
        --french-weight 0.5 --out /tmp/bm/candidate

The round's rule, written and committed before the candidate was trained and before the documents that judge it were
written: round BL's six conditions, against the shipped cleaner, with 120 new French dirty documents written after
this commit by helpers blind to the code (``cleaning_fr_documents_dev_bm.jsonl``) as the judge of condition 1. If it
ships, the model and its card replace ``stance/models/line-model`` (its card names the command), and
``eval/baseline.json`` is regenerated in the same commit. Reported, not judged: round BL's judge
(``cleaning_fr_documents_dev_bl.jsonl``, which judged one round by its line scores).

    python benchmarks/rounds/round_bm_french_balance.py --candidate /tmp/bm/candidate            # 1, 2 (alone), 4-6
    python benchmarks/rounds/round_bm_french_balance.py --candidate /tmp/bm/candidate --before   # the judge as shipped
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parents[1], HERE.parent, HERE):
    sys.path.insert(0, str(folder))

from round_bl_french_training import JUDGE_DOCUMENTS as BL_DOCUMENTS  # noqa: E402
from round_bl_french_training import retrain_round  # noqa: E402
from rule_round import TRAINING  # noqa: E402

JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bm.jsonl"  # written after this round was committed
NAMES = ("shipped", "round BM")
WHAT = "written after round BM was committed"
REPORTED = (("round BL's judge", BL_DOCUMENTS),)


if __name__ == "__main__":
    retrain_round(JUDGE_DOCUMENTS, REPORTED, NAMES, WHAT, __doc__)
