"""Round CB (thirty-ninth session): round BZ's training pages, at the shipped threshold 0.3, in today's cleaner.

Round BZ retrained the line model with the nine files of French dirty documents judged on since round BL appended to
``training.FRENCH_DEVELOPMENT``; its cross-validation chose the threshold 0.35 (cleaner 0.9416, and 0.9405 at 0.3, the
shipped model's), and on its judge (``_s38``) it gained precision (+0.033) but lost recall (-0.0063, 0.005 allowed).
Round CA then shipped the captioned tables. Read since, ``_s38`` and ``_s39`` both say the same of round BZ's trees
with today's cleaner (each text alone, line P / R against the shipped cleaner's): at 0.35, ``_s38`` 0.961 / 0.953
(0.927 / 0.952) and ``_s39`` 0.946 / 0.926 (0.910 / 0.938); with the threshold set to 0.3 in its ``model.json``,
``_s38`` 0.949 / 0.954 and ``_s39`` 0.940 / 0.936. That edited model is no candidate (its rescuer learnt from the lines
under 0.35, and no command makes it); the candidate is the command that trains at 0.3 and still cross-validates::

    stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --french-development --with-documents all \\
        --french-weight 0.5 --threshold 0.3 --cross-validate --out /tmp/s39/cb/candidate

with the nine files appended to ``FRENCH_DEVELOPMENT`` as in round BZ (trained in a worktree of this commit with that
one change). Its rescuer learns from the lines its first stage drops under 0.3, as the shipped model's did.

The judge: the 120 documents of ``cleaning_fr_documents_dev_s39b.jsonl`` (``frdoc-2501`` to ``frdoc-2620``, eight
writers blind to the code, 40 new site families), written and reviewed during this round, scored by nothing before it.

The round's rule, written and committed before the candidate was trained or the judge finished: round BL's six
conditions against the shipped cleaner (round CA's), each text alone, as rounds BY and BZ asked them: on the judge line
F1 gains at least 0.005 and neither precision nor recall loses more than 0.005; the seeds' golden tests as they stand,
alone and in one batch; ``stance eval``'s gate with cleaning precision 0.90 or more; the card's cross-validation on
DAniEL and Scrapinghub within 0.01 of round BL's anchor (0.8873, 0.8465); speed at least 0.95x (``clean_speed.py --mb
10 --against``, three runs) and at most 5 MB; the 384 French stance articles lose at most 5 lines. Reported, not
judged: ``_s38`` and ``_s39`` (read), and the judge in batches of 32.

If it ships, the nine files join ``FRENCH_DEVELOPMENT``, the model and its card replace ``stance/models/line-model``
(its card names the command, ``--threshold 0.3 --cross-validate`` included), and ``eval/baseline.json`` is regenerated
in the same commit.

    python benchmarks/rounds/round_cb_more_development_at_03.py --candidate /tmp/s39/cb/candidate
    python benchmarks/rounds/round_cb_more_development_at_03.py --candidate /tmp/s39/cb/candidate --seeds

Shipped (``docs/design.md``): every condition held, and the candidate is the shipped line model since. Its "shipped"
column is the package's own model, so to rerun the round as it ran, check out commit ``85645ab`` (the model before it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parents[1], HERE.parent, HERE):
    sys.path.insert(0, str(folder))

from round_by_retrained_today import judge, seed_counts  # noqa: E402
from rule_round import TRAINING, documents, table  # noqa: E402

from stance.cleaning import Cleaner  # noqa: E402

JUDGES = ("cleaning_fr_documents_dev_s39b.jsonl",)
NAMES = ("shipped", "round CB")
READ = ("cleaning_fr_documents_dev_s38.jsonl", "cleaning_fr_documents_dev_s39.jsonl")

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--candidate", type=Path, required=True, help="the folder the candidate was saved in")
    parser.add_argument("--seeds", action="store_true", help="count the seeds' golden lines kept, read none")
    args = parser.parse_args()
    if args.seeds:
        seed_counts(args.candidate)
    else:
        judge(args.candidate, JUDGES, NAMES)
        print("\nreported, not judged:")
        for name in READ:
            table(f"{name} (read)", documents(TRAINING / name), Cleaner(), Cleaner(line_model=args.candidate), NAMES)
