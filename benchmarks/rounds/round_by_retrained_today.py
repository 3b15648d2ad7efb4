"""Round BY (thirty-eighth session): round BN's retrained line model in today's cleaner, on documents it never saw.

Round BN's model (``stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --french-development
--with-documents all --french-weight 0.5``) gained line F1 on every set of French dirty documents by new writers it was
scored on (five sets, 600 documents, +0.019 to +0.031; precision +0.035 to +0.045), and failed one condition each
time: the seeds kept 202 of their 205 golden lines (203 asked). Since then the cleaner changed around the model (rounds
BQ, BS, BU, BX: boxes kept, rules after the model, comment headers in tables), and three more sets of documents were
written (``cleaning_fr_documents_dev_bt.jsonl``, ``_bu``, ``_bx``: 360 documents by 24 writers) that no retrained
model has been scored on.

The candidate: the same command, run at this round's commit (its training files are the same; the rules that are
features of its trees are today's), saved in ``/tmp/s38/bn/candidate``.

The round's rule, written and committed before the candidate was scored on the judge's documents: round BL's six
conditions (``round_bl_french_training.py``) against the shipped cleaner, each text alone, with the 360 documents of
``_bt``, ``_bu`` and ``_bx`` pooled as the judge of condition 1 (line F1 gains at least 0.005; neither precision nor
recall loses more than 0.005), each file reported. Condition 2 is the seeds' golden tests as they stand (at least 99 %
of the golden lines kept and 98 % of the kept lines golden, each seed alone and the five as one batch); condition 3
``stance eval``'s gate with cleaning precision 0.90 or more; condition 4 the card's cross-validation on DAniEL and
Scrapinghub within 0.01 of the shipped card; condition 5 speed at least 0.95x (``clean_speed.py --mb 10 --against``)
and at most 5 MB; condition 6 the 384 French stance articles lose at most 5 lines more (in sample for the candidate).
Before the rule was written, the seeds were cleaned with the candidate and only counted (golden lines kept per seed,
alone, in one pass, without tables and boxes, in batch; no line read): see ``docs/design.md``.

    python benchmarks/rounds/round_by_retrained_today.py --candidate /tmp/s38/bn/candidate      # 1, 2, 4, 5 (size), 6
    python benchmarks/rounds/round_by_retrained_today.py --candidate /tmp/s38/bn/candidate --seeds  # the counts

Shipped (``docs/design.md``): every condition held, and the candidate is the shipped line model since. Its "shipped"
column is the package's own model, so to rerun the round as it ran, check out commit ``77433e6`` (the model before
it) and give it the model of any later commit as the candidate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parents[1], HERE.parent, HERE):
    sys.path.insert(0, str(folder))

from cleaner_reruns import OnePass  # noqa: E402
from cleaner_retrain_seeds import golden_per_seed  # noqa: E402
from round_bl_french_training import card_size_and_articles, first_condition  # noqa: E402
from rule_round import TRAINING, documents, table  # noqa: E402

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

JUDGES = ("cleaning_fr_documents_dev_bt.jsonl", "cleaning_fr_documents_dev_bu.jsonl",
          "cleaning_fr_documents_dev_bx.jsonl")
NAMES = ("shipped", "round BY")


def seed_counts(candidate: Path) -> None:
    """The seeds cleaned with the candidate, counted only: no line is printed."""
    model = TreeModel.load(candidate / "model.json")

    def variant(cls: type[Cleaner] = Cleaner, **options: bool) -> Cleaner:
        c = cls(line_model=model)
        if options:
            c.steps = [LineModel(model=model, **options) if isinstance(s, LineModel) else s for s in c.steps]
        return c

    for name, c in (("shipped cleaner", Cleaner()), ("candidate", variant()), ("candidate, one pass", variant(OnePass)),
                    ("candidate, no tables or boxes", variant(tables=False, boxes=False))):
        per, kept, golden = golden_per_seed(c)
        print(f"{name}: golden lines kept per seed {per}, {sum(per)} of {golden}; {kept} lines kept")
    per, kept, golden = golden_per_seed(variant(), batch=True)
    print(f"candidate, the five as one batch: {sum(per)} of {golden}; {kept} lines kept")


def judge(candidate: Path, judges: tuple[str, ...] = JUDGES, names: tuple[str, str] = NAMES) -> None:
    """Round BL's conditions 1, 2 (each seed alone and the five as one batch), 4, 5 (size) and 6, the documents of
    ``judges`` (files of ``models/training/``) pooled as condition 1's judge (round BZ asks the same of its own)."""
    base, new = Cleaner(), Cleaner(line_model=candidate)
    pooled = []
    for name in judges:
        docs = documents(TRAINING / name)
        pooled += docs
        if len(judges) > 1:
            table(f"{name} (reported)", docs, base, new, names)
    what = "of the three files pooled" if len(judges) == 3 else f"of {', '.join(judges)}"
    first_condition(f"1. the {len(pooled)} documents {what} (the judge)", pooled, base, new, names)
    for batch in (False, True):
        for name, c in zip(names, (base, new), strict=True):
            per, kept, golden = golden_per_seed(c, batch)
            ok = sum(per) >= 0.99 * golden and sum(per) >= 0.98 * kept
            print(f"condition 2 ({'one batch' if batch else 'each seed alone'}), {name}: {sum(per)} of {golden} "
                  f"golden lines kept, {kept} lines kept: {'pass' if ok else 'FAIL'}")
    card_size_and_articles(candidate, base, new)


def retrain_cli(doc: str, judges: tuple[str, ...] = JUDGES, names: tuple[str, str] = NAMES) -> None:
    """The command line of the retrain rounds (BY, BZ, CG, CK): ``--candidate DIR`` scores the candidate saved in
    ``DIR`` (:func:`judge`), ``--seeds`` only counts the seeds' golden lines it keeps (:func:`seed_counts`)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--candidate", type=Path, required=True, help="the folder the candidate was saved in")
    parser.add_argument("--seeds", action="store_true", help="count the seeds' golden lines kept, read none")
    args = parser.parse_args()
    seed_counts(args.candidate) if args.seeds else judge(args.candidate, judges, names)


if __name__ == "__main__":
    retrain_cli(__doc__ or "")
