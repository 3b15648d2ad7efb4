"""Round BH (thirty-second session): at a tie, the table layout that fits best.

Round BG (``docs/design.md``) judged two changes to ``table_runs`` together and was not adopted: the number
stand-ins cost nine article lines of one unread document. Its other change, counted apart after the verdict, moved
the 100 unread documents the other way (two article lines kept, one dropped). It fixes a plain fault: a table under
a title short enough to be a cell can be laid out from the title, every row one cell off its pattern (one
mismatch in four is allowed), leaving the last row's last cell out, and then the article text after the table
loses its context. The candidate (``tables.CLOSEST_FIT``) takes, among the layouts covering the most lines, the
one whose rows differ from their pattern in the fewest cells. No model is retrained.

The documents round BG was judged on have shown this change's effect, so they judge nothing here. The rule,
written before the documents that judge it were written. It ships if, against the cleaner without the change (the
full cleaner, each text alone):

1. on the 60 French dirty documents written by helpers in this session after this rule was committed
   (``cleaning_fr_documents_dev_bh.jsonl``), at least one line changes, line F1 gains and line recall does not
   fall;
2. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
3. the seeds keep all 205 golden lines;
4. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
5. cleaning is at least 0.95 times as fast (``clean_speed.py --mb 10``, runs taking turns with the reference's
   checkout);
6. on DAniEL's and Scrapinghub's training pages the changed lines are right at least as often as wrong;
7. the 384 French articles of the stance stage (``stance_fr_documents*.jsonl``) lose at most 5 lines more.

Reported, not judged: round BG's 100 unread documents and the read development documents.

Not adopted (``docs/design.md``: no line of the judge changed): the package no longer holds the change; to rerun the
round, first ``git apply benchmarks/rounds/round_bh_closest_fit.patch`` (it puts it back, behind its switch, off,
with its test).

    python benchmarks/rounds/round_bh_closest_fit.py            # conditions 1-3, 6 and 7
    python benchmarks/rounds/round_bh_closest_fit.py --before   # the new documents with the cleaner as shipped
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

import rule_round  # noqa: E402
from round_av_document_rules import changed, line_scores  # noqa: E402
from round_aw_tables import documents, pages_and_seeds  # noqa: E402
from round_bb_site_copy import articles_lost  # noqa: E402
from round_bg_table_cells import real_pages_direction, unread_bc  # noqa: E402

from stance.cleaning import Cleaner, tables  # noqa: E402

TRAINING = ROOT / "models" / "training"
JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bh.jsonl"  # written after this rule was committed
BG_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bg.jsonl"
BC_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bc.jsonl"
READ = ("cleaning_fr_documents_dev.jsonl", "cleaning_fr_documents_dev_aq.jsonl", "cleaning_fr_documents_dev_ax.jsonl",
        "cleaning_fr_documents_dev_ba.jsonl")
NAMES = ("without round BH", "round BH")


class Switched(Cleaner):
    """The default cleaner with round BH's change on or off."""

    def __init__(self, on: bool) -> None:
        super().__init__()
        self.on = on

    def _keep(self, lines: list[str]) -> tuple[list[int], dict[int, str]]:
        saved = tables.CLOSEST_FIT
        tables.CLOSEST_FIT = self.on
        try:
            return super()._keep(lines)
        finally:
            tables.CLOSEST_FIT = saved


def table(name: str, docs: list[dict], base: Cleaner, new: Cleaner) -> dict[str, dict]:
    return rule_round.table(name, docs, base, new, NAMES)


def judge() -> None:
    base, new = Switched(False), Switched(True)
    docs = documents(JUDGE_DOCUMENTS)
    s = table(f"1. the {len(docs)} written after round BH was committed (the judge)", docs, base, new)
    a, b = s[NAMES[0]], s[NAMES[1]]
    moved = sum(changed(base, new, docs).values())
    print(f"condition 1: {moved} lines changed; F1 {a['f1']:.4f} -> {b['f1']:.4f}; R {a['recall']:.4f} -> "
          f"{b['recall']:.4f}: {'pass' if moved and b['f1'] > a['f1'] and b['recall'] >= a['recall'] else 'FAIL'}")
    print("\nconditions 2 and 3:")
    pages_and_seeds(base, new, NAMES)
    right, wrong = real_pages_direction(base, new)
    print(f"\ncondition 6: DAniEL's and Scrapinghub's lines changed: right {right}, wrong {wrong}: "
          f"{'pass' if right >= wrong else 'FAIL'}")
    more, fewer, examples = articles_lost(base, new)
    print(f"\ncondition 7: the French stance articles: {more} lines more dropped, {fewer} fewer: "
          f"{'pass' if more <= 5 else 'FAIL'}")
    for example in examples:
        print(f"  {example}")
    print("\nreported, not judged:")
    unread = unread_bc()
    table("round BG's 100 unread documents (they have seen this change)", documents(BG_DOCUMENTS) + unread, base, new)
    read = [doc for name in READ for doc in documents(TRAINING / name)]
    read += [doc for doc in documents(BC_DOCUMENTS) if doc["id"] not in {d["id"] for d in unread}]
    table(f"the {len(read)} read development documents (in sample)", read, base, new)


def before() -> None:
    """The new documents, scored once as a whole with the cleaner as shipped."""
    s = line_scores(Switched(False), documents(JUDGE_DOCUMENTS))
    print(f"the 60 written after round BH was committed, the cleaner as shipped: P {s['precision']:.4f}, "
          f"R {s['recall']:.4f}, F1 {s['f1']:.4f}, clutter kept {s['fp']}, article lines dropped {s['fn']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="the new documents with the cleaner as shipped")
    args = parser.parse_args(argv)
    before() if args.before else judge()


if __name__ == "__main__":
    main()
