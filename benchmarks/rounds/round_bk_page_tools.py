"""Round BK (thirty-third session): a page's tools that no rule knew in these words, after the line model.

Among the clutter the cleaner keeps in the 392 read dirty documents (after round BJ) are page tools of kinds other rules
already drop in other words: a newsletter's link to its web version ("Voir cette édition dans votre navigateur"), a
download link with its file's type ("Télécharger la note (PDF, 380 Ko)"), a reading time in other words ("Temps de
lecture estimé : 7 min"), a feedback widget ("Ce test vous a-t-il été utile ?", "Oui (214) · Non (12)"), a rating
("★★★★★ 4,6/5 (1 284 avis)"). The candidate adds ``boilerplate.PAGE_TOOLS``'s five rules to the rules after the
model (``ExtraFurniture``'s French rules): they match 64 furniture lines and no content line of the read documents,
184 furniture lines and no content line of the 834 French pages, and no line of the 384 French stance articles or
of the 2,629 French stance passages. No model is retrained.

Measured while it was written, in sample (the 392 read documents): line P 0.9561 -> 0.9573, R 0.9472 -> 0.9471
(9 clutter lines dropped; 1 article line dropped by a rerun, in a document one of whose tools went); the 420
development pages: 2 clutter lines dropped.

The round's rule, written and committed before the documents that judge it were written. It ships if, against the
cleaner without the five rules (the full cleaner, each text alone):

1. on 120 French dirty documents written after this commit by helpers blind to the code
   (``cleaning_fr_documents_dev_bk.jsonl``), at least five lines change, line F1 gains, and line recall loses at
   most 0.002;
2. on the 460 earlier unread documents pooled (``_av``, the 40 unread of ``_bc``, ``_bg``, ``_bh``, ``_bi``, ``_bj``)
   line F1 loses at most 0.001;
3. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
4. the seeds keep all 205 golden lines;
5. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
6. cleaning is at least 0.95 times as fast (``clean_speed.py --mb 10``, runs taking turns with the reference's
   checkout);
7. the 384 French articles of the stance stage (``stance_fr_documents*.jsonl``) lose at most 5 lines more.

Reported, not judged: the 392 read documents.

Not adopted then (``docs/design.md``: two lines of the judge changed, five asked). Round BS (thirty-seventh session)
judged the five rules again on the 640 documents written since and shipped them: they are in ``ExtraFurniture``'s
French rules now, and this script compares the cleaner without and with them.

    python benchmarks/rounds/round_bk_page_tools.py            # conditions 1-4 and 7
    python benchmarks/rounds/round_bk_page_tools.py --before   # the new documents with the cleaner as shipped
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rule_round import TRAINING, before, cli, judge_rules_after_model

from stance.cleaning import Cleaner
from stance.cleaning.boilerplate import PAGE_TOOLS, ExtraFurniture
from stance.cleaning.cleaner import default_steps
from stance.cleaning.linemodel import LineModel

JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bk.jsonl"  # written after this rule was committed
EARLIER = ("cleaning_fr_documents_dev_av.jsonl", "cleaning_fr_documents_dev_bg.jsonl",
           "cleaning_fr_documents_dev_bh.jsonl", "cleaning_fr_documents_dev_bi.jsonl",
           "cleaning_fr_documents_dev_bj.jsonl")
NAMES = ("without round BK", "round BK")
WHAT = "written after round BK was committed"


class WithoutPageTools(ExtraFurniture):
    """The rules after the model, without round BK's (in the default since round BS)."""

    french_rules = tuple(rule for rule in ExtraFurniture.french_rules if rule not in PAGE_TOOLS)


class WithPageTools(ExtraFurniture):
    """The rules after the model, with round BK's."""

    french_rules = WithoutPageTools.french_rules + PAGE_TOOLS


def switched(on: bool) -> Cleaner:
    """The default cleaner, with or without round BK's rules after its line model."""
    steps = default_steps()
    steps[[type(step) for step in steps].index(LineModel)] = LineModel(extra=WithPageTools() if on else
                                                                       WithoutPageTools())
    return Cleaner(steps=steps)


if __name__ == "__main__":
    cli(__doc__,
        lambda: judge_rules_after_model(JUDGE_DOCUMENTS, EARLIER, switched(False), switched(True), NAMES, WHAT),
        lambda: before(JUDGE_DOCUMENTS, switched(False), WHAT))
