"""Round BC (twenty-sixth session): the near misses of the furniture rules, in French documents.

Read with round BB's cleaner, most clutter still kept in the 372 read dirty documents is kinds of furniture the
rules know, worded in ways they just miss: share rows with other networks or separators, counts of replies,
reading times with "estimé", related headings naming the blog, authors' boxes in other shapes, download links,
the medium speaking to its reader, disclosures, a forum member's stamp, chart titles, a quote strip without
separators, a handle alone on its line, buttons that sell a tool. ``DOCUMENT_CLUTTER_BC`` (below; in
``stance/cleaning/boilerplate.py`` until the judge ran) words them; the candidate is the cleaner whose
``ExtraFurniture`` also runs them (French documents, or too short to tell).

The round's rule (``docs/design.md``, round BC), written before the judge ran. First (``--hits``), each rule's hits
on our 414 French training pages (``webpages_fr.jsonl``, labelled; not the documents the rules were written from):
a rule whose hits there are under 90 % furniture is removed. Then it ships if, against round BB's cleaner (the full
cleaner, each text alone):

1. on the 60 written after round BB (``cleaning_fr_documents_dev_bc.jsonl``, lines unread) line precision gains
   0.005 or more and line recall loses at most 0.002;
2. on the 60 written after round AV (lines unread) line F1 does not fall;
3. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
4. the seeds keep all 205 golden lines;
5. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
6. cleaning is at least 0.95 times as fast (``clean_speed.py``, runs taking turns);
7. no line of DAniEL's or Scrapinghub's training pages changes;
8. the 384 French articles of the stance stage (``stance_fr_documents*.jsonl``) lose at most 5 lines more.

    python benchmarks/rounds/round_bc_near_misses.py --hits   # each rule on the French training pages
    python benchmarks/rounds/round_bc_near_misses.py          # the judge and conditions 1-4, 7 and 8
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_aw_tables import documents  # noqa: E402
from round_bb_site_copy import judge  # noqa: E402

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.base import LineRules, Rule  # noqa: E402
from stance.cleaning.boilerplate import (  # noqa: E402
    CAPTION,
    DOCUMENT_CLUTTER,
    NEAR_MISSES,
    ExtraFurniture,
)
from stance.cleaning.comments import Comments  # noqa: E402
from stance.cleaning.dedup import Deduplicate  # noqa: E402
from stance.cleaning.language import ForeignScriptLines  # noqa: E402
from stance.cleaning.linemodel import LineModel  # noqa: E402
from stance.cleaning.normalise import normalise  # noqa: E402

TRAINING = ROOT / "models" / "training"
JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bc.jsonl"  # written after round BB; lines unread
TRAINING_PAGES = TRAINING / "webpages_fr.jsonl"
REPORTED = (
    ("the 60 written for round BA (read: in sample)", TRAINING / "cleaning_fr_documents_dev_ba.jsonl"),
    ("the 60 written after round AX (read: in sample)", TRAINING / "cleaning_fr_documents_dev_ax.jsonl"),
    ("the 192 read documents (in sample)", TRAINING / "cleaning_fr_documents_dev_aq.jsonl"),
    ("the first 60 development documents (read: in sample)", TRAINING / "cleaning_fr_documents_dev.jsonl"),
)
NAMES = ("round BB", "round BC")


# BC9, chart titles, not shipped (round BS left it out); the others are ``boilerplate.NEAR_MISSES``.
CHART_TITLES = Rule(CAPTION, re.compile(
    r"(?i:graphique|figure|fig\.|infographie)\s*(?:n°\s*)?\d+\s*[–—:\-.]\s*[^!?]{3,200}|"
    r"[^()]{3,200}\((?i:graphique|tableau|carte|sch[ée]ma|infographie)\s+(?:de\s+l['’]aut(?:eur|rice)|"
    r"r[ée]alis[ée]e?\s+par\b[^()]{1,60}|:\s*[^()]{1,60})\)\.?"),
    needs=("graph", "figure", "fig.", "infograph", "tableau", "carte", "schéma", "schema"), max_len=260)
DOCUMENT_CLUTTER_BC = (*NEAR_MISSES[:10], CHART_TITLES, *NEAR_MISSES[10:])  # the round's rules in their order


class RoundBB(ExtraFurniture):
    """``ExtraFurniture`` as round BB shipped it."""

    french_rules = DOCUMENT_CLUTTER


class RoundBC(ExtraFurniture):
    """``ExtraFurniture`` with round BC's rules after round BB's."""

    french_rules = (*DOCUMENT_CLUTTER, *DOCUMENT_CLUTTER_BC)


def cleaner(extra: LineRules) -> Cleaner:
    return Cleaner(steps=[ForeignScriptLines(), Comments(), Deduplicate(), LineModel(extra=extra)])


class _One(LineRules):
    def __init__(self, rule) -> None:
        self.rules = (rule,)
        super().__init__()


def hits() -> None:
    """Each rule's hits on the French training pages, by label, and their first furniture and content lines."""
    pages = documents(TRAINING_PAGES)
    print(f"| rule | reason | hits on the {len(pages)} French training pages | furniture | content | unsure | "
          "furniture share |")
    print("|---|---|---:|---:|---:|---:|---:|")
    examples = {}
    for number, rule in enumerate(DOCUMENT_CLUTTER_BC, 1):
        one = _One(rule)
        count: Counter = Counter()
        seen = []
        for page in pages:
            for line, label in zip(page["lines"], page["labels"], strict=True):
                if one.check(normalise(line)) is not None:
                    count[label] += 1
                    if label == 1:
                        seen.append(line[:100])
        total = sum(count.values())
        share = f"{count[0] / (count[0] + count[1]):.2f}" if count[0] + count[1] else "–"
        print(f"| {number} | {rule.reason} | {total} | {count[0]} | {count[1]} | {count[-1]} | {share} |")
        examples[number] = seen
    for number, seen in examples.items():
        for line in seen:
            print(f"  rule {number}, content: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", action="store_true", help="each rule's hits on the French training pages")
    if parser.parse_args().hits:
        hits()
        return
    judge(cleaner(RoundBB()), cleaner(RoundBC()), "the 60 written after round BB (the judge; lines unread)",
          JUDGE_DOCUMENTS, REPORTED, NAMES)


if __name__ == "__main__":
    main()
