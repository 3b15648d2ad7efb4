"""Round BA (twenty-fifth session): tables that round AW missed, and tables of contents.

Read with the shipped cleaner's output, the 60 dirty documents written after round AX
(``models/training/cleaning_fr_documents_dev_ax.jsonl``) lose 96 article lines, about 80 of them cells of
tables and fact boxes that round AW's step found but did not keep, or never found:

- a table followed by its source note, an advertisement or a subheading before the next paragraph has no
  article text within three lines after it (``NEAR``): ``LineModel(table_near=5)`` looks five lines either side;
- a fact box of key-value pairs ("Siège", "Paris", "Création", "1921", "Effectif", "3 400 salariés") has a value
  column only mostly numeric: ``LineModel(key_values=True)`` and ``table_runs(key_values=True)`` take two
  columns whose keys hold no digit (all but one) and whose values hold one 60 % of the time;
- a cell repeated in a table ("Immédiate" twice) went as a duplicate before the table step could see the table:
  ``Deduplicate(table_cells=True)`` keeps it;
- a table of contents at the top ("Sommaire", then the subheadings) made the subheadings duplicates, so they went
  and the contents stayed: ``Deduplicate(contents=True)`` drops the contents and keeps the subheadings.

All four run only in documents detected French or too short to tell. The round's rule (``docs/design.md``,
round BA), written before the judge ran: it ships if, against the shipped cleaner (the full cleaner, each text
alone):

1. on the 60 dirty documents written after round BA was written down (``cleaning_fr_documents_dev_ba.jsonl``,
   the judge) line recall gains 0.005 or more and line precision loses at most 0.003;
2. on the 60 written after round AV (``cleaning_fr_documents_dev_av.jsonl``, lines unread) line F1 does not fall;
3. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
4. the seeds keep all 205 golden lines;
5. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
6. cleaning is at least 0.95 times as fast (``clean_speed.py``, runs taking turns);
7. on the 2,281 training pages, no line of DAniEL's or Scrapinghub's pages changes (printed here; if one does, the
   pages out of fold decide instead: no source loses more than 0.001).

    python benchmarks/rounds/round_ba_tables_contents.py             # conditions 1 to 4 and 7, and reported sets
    python benchmarks/rounds/round_ba_tables_contents.py --parts     # each of the four changes alone, every set
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_av_document_rules import kept_lines, line_scores  # noqa: E402
from round_aw_tables import documents, documents_table, pages_and_seeds  # noqa: E402

from stance.cleaning import Cleaner, training  # noqa: E402
from stance.cleaning.comments import Comments  # noqa: E402
from stance.cleaning.dedup import Deduplicate  # noqa: E402
from stance.cleaning.language import ForeignScriptLines  # noqa: E402
from stance.cleaning.linemodel import LineModel  # noqa: E402

TRAINING = ROOT / "models" / "training"
JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_ba.jsonl"  # written after the round was written down
AV_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_av.jsonl"  # unread
REPORTED = (
    ("the 60 written after round AX (read for this round: in sample)", TRAINING / "cleaning_fr_documents_dev_ax.jsonl"),
    ("the 192 read documents (in sample)", TRAINING / "cleaning_fr_documents_dev_aq.jsonl"),
    ("the first 60 development documents", TRAINING / "cleaning_fr_documents_dev.jsonl"),
)
NAMES = ("shipped", "round BA")


def cleaner(near: int = 3, key_values: bool = False, table_cells: bool = False, contents: bool = False) -> Cleaner:
    # site_copy=False: round BB's step came after this round
    return Cleaner(steps=[ForeignScriptLines(), Comments(), Deduplicate(table_cells=table_cells, contents=contents),
                          LineModel(table_near=near, key_values=key_values, site_copy=False)])


def candidate() -> Cleaner:
    return cleaner(near=5, key_values=True, table_cells=True, contents=True)


def real_pages_changed(base: Cleaner, new: Cleaner) -> Counter:
    """Lines of the training pages kept by one cleaner and not the other, by source and label (in sample)."""
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    count: Counter = Counter()
    for page in pages:
        for i in kept_lines(base, page["lines"]) ^ kept_lines(new, page["lines"]):
            count[(page["source"], page["labels"][i])] += 1
    return count


def judged_sets(base: Cleaner, new: Cleaner, judges: tuple[tuple[str, Path], ...], names: tuple[str, str]) -> None:
    """The judge's tables of rounds BA and BB: the documents that judge, the development pages and seeds, and the
    lines of the training pages that change."""
    for name, path in judges:
        documents_table(name, documents(path), base, new, names)
    pages_and_seeds(base, new, names)
    changed = dict(sorted(real_pages_changed(base, new).items()))
    print(f"\nlines of the training pages changed, by source and label: {changed}")


def judge() -> None:
    base, new = cleaner(), candidate()
    judged_sets(base, new, (("the 60 written after round BA was written down (the judge)", JUDGE_DOCUMENTS),
                            ("the 60 written after round AV (unread)", AV_DOCUMENTS)), NAMES)
    for name, path in REPORTED:
        documents_table(name, documents(path), base, new, NAMES)


def parts() -> None:
    variants = {"shipped": cleaner(), "near 5": cleaner(near=5), "key values": cleaner(key_values=True),
                "table cells": cleaner(table_cells=True), "contents": cleaner(contents=True), "round BA": candidate()}
    for name, path in (("judge", JUDGE_DOCUMENTS), ("after AV", AV_DOCUMENTS), *REPORTED):
        docs = documents(path)
        print(f"\n{name}")
        for label, c in variants.items():
            s = line_scores(c, docs)
            print(f"  {label:12s} P {s['precision']:.4f}  R {s['recall']:.4f}  F1 {s['f1']:.4f}  "
                  f"clutter kept {s['fp']}  article dropped {s['fn']}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", action="store_true", help="each change alone, on every set")
    args = parser.parse_args(argv)
    parts() if args.parts else judge()


if __name__ == "__main__":
    main()
