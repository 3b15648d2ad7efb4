"""Round BX (thirty-seventh session): round BW's change, judged on documents written for it.

Round BW's change (``benchmarks/rounds/round_bw_table_headers.patch``: a comment header's form inside a table, one
cell a line, is no header) kept 25 article lines and 1 clutter line on the 1,732 documents of the development files
other than ``_bu``, where its rule allowed none. Round BX judges the same change, unaltered, on 120 French dirty
documents written after this commit by helpers blind to the code, from round BT's brief with one paragraph more, which
asks both ways of what the change touches: data tables that compare periods in their header row ("Cours", "Il y a un
mois", "Il y a 1 an"), and comment sections with the metadata real ones carry (pseudonyms, relative times, edits,
replies). No rule or model changes otherwise.

The round's rule, written and committed before the judge's documents were written. It ships if, against the cleaner
without the change (the full cleaner, each text alone):

1. on the 120 new documents (``cleaning_fr_documents_dev_bx.jsonl``, frdoc-2141 to frdoc-2260) line F1 does not
   fall and article lines kept are at least as many as clutter lines kept (round BV's condition);
2. on the documents of every other development file, pooled, line F1 does not fall (known from round BW: 0.9493 ->
   0.9496);
3. the 420 development pages' mean of line F1 and snippet F1 does not fall;
4. the seeds keep all 205 golden lines, and no other seed line changes;
5. ``stance eval``'s gate holds;
6. cleaning is at least 0.95 times as fast (``clean_speed.py --mb 10``, runs taking turns);
7. the 384 French stance articles lose no line.

    python benchmarks/rounds/round_bx_table_headers_judged.py

Shipped (``docs/design.md``): every condition held; the package holds the change (``Comments._header_at``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from round_av_document_rules import changed
from round_bv_time_headers import compare
from round_bw_table_headers import Before, cleaner
from rule_round import TRAINING, documents, table

JUDGE = TRAINING / "cleaning_fr_documents_dev_bx.jsonl"
NAMES = ("without round BX", "round BX")


def main() -> None:
    base, new = cleaner(False), cleaner(True)
    assert any(isinstance(step, Before) for step in base.steps), "the base cleaner must hold the old comment step"
    docs = documents(JUDGE)
    s = table(f"1. the {len(docs)} documents written for round BX (the judge)", docs, base, new, NAMES)
    moved = changed(base, new, docs)
    kept_article, kept_clutter = moved.get(("kept now", 1), 0), moved.get(("kept now", 0), 0)
    ok = s[NAMES[1]]["f1"] >= s[NAMES[0]]["f1"] and kept_article >= kept_clutter
    print(f"condition 1: F1 {s[NAMES[0]]['f1']:.4f} -> {s[NAMES[1]]['f1']:.4f}; article lines kept {kept_article}, "
          f"clutter lines kept {kept_clutter}: {'pass' if ok else 'FAIL'}")
    # conditions 2-4 and 7 as round BV measures them (condition 2 here asks only that F1 does not fall)
    compare(base, new, NAMES, JUDGE.name, clutter_allowed=True, report=False)  # the judge is scored above


if __name__ == "__main__":
    main()
