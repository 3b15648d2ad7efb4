"""Round CG (forty-first session): the line model retrained with the 960 French dirty documents judged on since CB.

Every retrain with more French development files but one (round BZ, at the threshold 0.35) gained line F1 on French
dirty documents by new writers (rounds BL to BN, BY, CB). Since round CB, eight more sets were written blind, judged
on and then read (``_s38``, ``_s39``, ``_s39b``, ``_s39c``, ``_s40``, ``_s40b``, ``_s40c``, ``_s40d``: 960 documents,
64 writers). The candidate is round CB's command, unchanged::

    stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --threshold 0.3 --cross-validate \\
        --french-development --with-documents all --french-weight 0.5 --out /tmp/s41/cg/candidate

with the eight files appended to ``training.FRENCH_DEVELOPMENT`` (trained in a worktree of this round's commit with
that one change).

The judge: the 120 documents of ``cleaning_fr_documents_dev_s41.jsonl`` (``frdoc-3221`` to ``frdoc-3340``, eight
writers blind to the code, 40 new site families), written and reviewed during this round, scored by nothing before it.

The round's rule, written and committed before the candidate was trained or the judge finished: round BL's six
conditions against the shipped cleaner (round CF's), each text alone, as rounds BY to CB asked them: on the judge line
F1 gains at least 0.005 and neither precision nor recall loses more than 0.005; the seeds' golden tests as they stand,
alone and in one batch; ``stance eval``'s gate with cleaning precision 0.90 or more; the card's cross-validation on
DAniEL and Scrapinghub within 0.01 of round BL's anchor (0.8873, 0.8465); speed at least 0.95x (``clean_speed.py --mb
10 --against``, three runs) and at most 5 MB; the 384 French stance articles lose at most 5 lines. Reported, not
judged: the judge in batches of 32 (``benchmarks/cleaner_batch_scores.py``).

If it ships, the eight files join ``FRENCH_DEVELOPMENT``, the model and its card replace ``stance/models/line-model``,
and ``eval/baseline.json`` is regenerated in the same commit.

    python benchmarks/rounds/round_cg_more_development.py --candidate /tmp/s41/cg/candidate
    python benchmarks/rounds/round_cg_more_development.py --candidate /tmp/s41/cg/candidate --seeds

Shipped (``docs/design.md``): every condition held, and the candidate is the shipped line model since. Its "shipped"
column is the package's own model, so to rerun the round as it ran, check out this round's first commit (the model
before it) and give it the model of any later commit as the candidate.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parents[1], HERE.parent, HERE):
    sys.path.insert(0, str(folder))

from round_by_retrained_today import retrain_cli  # noqa: E402

JUDGES = ("cleaning_fr_documents_dev_s41.jsonl",)
NAMES = ("shipped", "round CG")


if __name__ == "__main__":
    retrain_cli(__doc__ or "", JUDGES, NAMES)
