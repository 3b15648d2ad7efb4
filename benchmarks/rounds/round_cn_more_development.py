"""Round CN (forty-third session): the line model retrained with the 840 French dirty documents judged on since CG.

Round CK retrained the line model with the four sets judged on from round CG to round CJ (``_s41`` to ``_s41d``) and
gained on both sides of its judge, by less than its rule asked (line F1 +0.0045 for 0.005). Since then three more sets
were written blind, judged on and then read (``_s42``, ``_s42b``, ``_s42c``: 360 documents, 24 writers, with live
blogs, petitions, radio and podcast pages, law and accounting firms' blogs, reader-question columns and interviews).
The candidate is round CB's command, unchanged::

    stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --threshold 0.3 --cross-validate \\
        --french-development --with-documents all --french-weight 0.5 --out /tmp/s43/cn/candidate

with the seven files ``_s41``, ``_s41b``, ``_s41c``, ``_s41d``, ``_s42``, ``_s42b`` and ``_s42c`` appended to
``training.FRENCH_DEVELOPMENT`` (trained in a worktree of this round's commit with that one change).

The judge: the 120 documents of ``cleaning_fr_documents_dev_s43.jsonl`` (``frdoc-4061`` to ``frdoc-4180``, eight
writers blind to the code, 40 new site families, among them genres no earlier set asked for: crowdfunding pages, a
union's and a town council's press releases, a chamber of commerce's newsletter, a tender notice, an op-ed, a legal
news brief, a company's product blog, a retail investors' stock forum), written and reviewed during this round, scored
by nothing before it.

The round's rule, written and committed before the candidate was trained or the judge finished, is round CK's
unchanged: round BL's six conditions against the shipped cleaner (round CM's), each text alone: on the judge line F1
gains at least 0.005 and neither precision nor recall loses more than 0.005; the seeds' golden tests as they stand,
alone and in one batch; ``stance eval``'s gate with cleaning precision 0.90 or more; the card's cross-validation on
DAniEL and Scrapinghub within 0.01 of round BL's anchor (0.8873, 0.8465); speed at least 0.95x (``clean_speed.py --mb
10 --against``, three runs) and at most 5 MB; the 384 French stance articles lose at most 5 lines. Reported, not
judged: the judge in batches of 32 (``benchmarks/cleaner_batch_scores.py``).

If it ships, the seven files join ``FRENCH_DEVELOPMENT``, the model and its card replace ``stance/models/line-model``,
and ``eval/baseline.json`` is regenerated in the same commit.

    python benchmarks/rounds/round_cn_more_development.py --candidate /tmp/s43/cn/candidate
    python benchmarks/rounds/round_cn_more_development.py --candidate /tmp/s43/cn/candidate --seeds

Not shipped (``docs/design.md``): on the judge line F1 gained 0.0006 (0.9628 -> 0.9634), under the 0.005 asked, and
recall lost 0.0021; the shipped model stays round CG's.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parents[1], HERE.parent, HERE):
    sys.path.insert(0, str(folder))

from round_by_retrained_today import retrain_cli  # noqa: E402

JUDGES = ("cleaning_fr_documents_dev_s43.jsonl",)
NAMES = ("shipped", "round CN")


if __name__ == "__main__":
    retrain_cli(__doc__ or "", JUDGES, NAMES)
