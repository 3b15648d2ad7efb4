"""Round BJ (thirty-third session): a site's masthead lines, after the line model, in French documents.

The 240 unread dirty documents of rounds BG to BI keep 125 clutter lines above the article's first line (counted by
position and length, not read), against 43 in the 392 read ones. Among those 43, two kinds the rules do not know: a
breadcrumb trail whose first piece is not "Accueil" ("Épargne › Livrets réglementés", "Vendée › Économie › Les
Herbiers"), and an issue's stamp, its number with a date ("N° 112 — Vendredi 31 janvier 2025", "Numéro 1491 · Semaine
du 6 au 12 mars 2025", "Note d'analyse n° 54 · Avril 2025"). The candidate adds ``boilerplate.MASTHEAD``'s two rules
to the rules after the model (``ExtraFurniture``'s French rules): they match 192 furniture lines and no content line
of the read documents, 140 furniture lines and no content line of the 834 French pages, and no line of the 384
French stance articles. No model is retrained.

Measured while it was written, in sample (the 392 read documents): line P 0.9545 -> 0.9561, R 0.9440 -> 0.9472
(12 clutter lines dropped, each in its own document; 25 article lines of one document's table kept, a cascade of its
reruns); the 420 development pages: no line changed.

The round's rule, written and committed before the documents that judge it were written. It ships if, against the
cleaner without the two rules (the full cleaner, each text alone):

1. on 120 French dirty documents written after this commit by helpers blind to the code
   (``cleaning_fr_documents_dev_bj.jsonl``), at least five lines change, line F1 gains, and line recall loses at
   most 0.002;
2. on the 340 earlier unread documents pooled (``_av``, the 40 unread of ``_bc``, ``_bg``, ``_bh``, ``_bi``) line F1
   loses at most 0.001;
3. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
4. the seeds keep all 205 golden lines;
5. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
6. cleaning is at least 0.95 times as fast (``clean_speed.py --mb 10``, runs taking turns with the reference's
   checkout);
7. the 384 French articles of the stance stage (``stance_fr_documents*.jsonl``) lose at most 5 lines more.

Reported, not judged: the 392 read documents.

Adopted (``docs/design.md``): the two rules are among ``ExtraFurniture``'s French rules; the script compares the
cleaner with and without them.

    python benchmarks/rounds/round_bj_mastheads.py            # conditions 1-4 and 7
    python benchmarks/rounds/round_bj_mastheads.py --before   # the new documents with the cleaner as shipped
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rule_round import TRAINING, before, cli, judge_rules_after_model

from stance.cleaning import Cleaner
from stance.cleaning.boilerplate import MASTHEAD, ExtraFurniture
from stance.cleaning.cleaner import default_steps
from stance.cleaning.linemodel import LineModel

JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bj.jsonl"  # written after this rule was committed
EARLIER = ("cleaning_fr_documents_dev_av.jsonl", "cleaning_fr_documents_dev_bg.jsonl",
           "cleaning_fr_documents_dev_bh.jsonl", "cleaning_fr_documents_dev_bi.jsonl")
NAMES = ("without round BJ", "round BJ")
WHAT = "written after round BJ was committed"


class WithoutMastheads(ExtraFurniture):
    """The rules after the model, without round BJ's (as they were before it was adopted)."""

    french_rules = tuple(rule for rule in ExtraFurniture.french_rules if rule not in MASTHEAD)


def switched(on: bool) -> Cleaner:
    """The default cleaner, with or without round BJ's rules after its line model."""
    steps = default_steps()
    steps[[type(step) for step in steps].index(LineModel)] = LineModel(extra=None if on else WithoutMastheads())
    return Cleaner(steps=steps)


if __name__ == "__main__":
    cli(__doc__,
        lambda: judge_rules_after_model(JUDGE_DOCUMENTS, EARLIER, switched(False), switched(True), NAMES, WHAT),
        lambda: before(JUDGE_DOCUMENTS, switched(False), WHAT))
