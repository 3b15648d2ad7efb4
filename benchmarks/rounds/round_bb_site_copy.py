"""Round BB (twenty-fifth session): advertisers' copy and the site's tagline, in French documents.

Read with round BA's cleaner, the clutter still kept in the 252 read dirty documents (the 192 of round AQ and
the 60 written after round AX) is mostly unlabelled advertisers' copy between paragraphs ("Vos analyses méritent
les meilleurs outils. Avec Terminal Orbis, accédez en temps réel à…") and the site's name with its tagline above
the title ("Neo Ledger — l'actualité de la fintech et des cryptoactifs"). ``stance.cleaning.sitecopy`` finds a
paragraph that names a brand found nowhere else in the document while addressing the reader and selling, and a
tagline among the first three lines; ``LineModel(site_copy=True)`` drops them ("advertising", "site tagline") in
documents detected French or too short to tell.

The round's rule (``docs/design.md``, round BB), written before the judge ran: it ships if, against round BA's
cleaner (the full cleaner, each text alone):

1. on the 60 dirty documents written for round BA (``cleaning_fr_documents_dev_ba.jsonl``, lines unread; they
   judged round BA by their scores) line precision gains 0.005 or more and line recall loses at most 0.003;
2. on the 60 written after round AV (``cleaning_fr_documents_dev_av.jsonl``, lines unread) line F1 does not fall;
3. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
4. the seeds keep all 205 golden lines;
5. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
6. cleaning is at least 0.95 times as fast (``clean_speed.py``, runs taking turns);
7. no line of DAniEL's or Scrapinghub's training pages changes;
8. the French training and development documents of the stance stage (474 articles, every line article text:
   ``stance_fr_documents*.jsonl``) lose at most 5 lines more.

    python benchmarks/rounds/round_bb_site_copy.py
    python benchmarks/rounds/round_bb_site_copy.py --after   # the 60 documents written after round BB, scored
                                                              # once as a whole with rounds AZ's, BA's and BB's cleaners
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_av_document_rules import kept_lines, line_scores  # noqa: E402
from round_aw_tables import documents, documents_table  # noqa: E402
from round_ba_tables_contents import AV_DOCUMENTS, JUDGE_DOCUMENTS, judged_sets  # noqa: E402

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.comments import Comments  # noqa: E402
from stance.cleaning.dedup import Deduplicate  # noqa: E402
from stance.cleaning.language import ForeignScriptLines  # noqa: E402
from stance.cleaning.linemodel import LineModel  # noqa: E402

TRAINING = ROOT / "models" / "training"
ARTICLES = sorted(TRAINING.glob("stance_fr_documents*.jsonl"))  # whole articles: every line is article text
REPORTED = (
    ("the 60 written after round AX (read: in sample)", TRAINING / "cleaning_fr_documents_dev_ax.jsonl"),
    ("the 192 read documents (in sample)", TRAINING / "cleaning_fr_documents_dev_aq.jsonl"),
    ("the first 60 development documents", TRAINING / "cleaning_fr_documents_dev.jsonl"),
)
NAMES = ("round BA", "round BB")
AFTER_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bc.jsonl"  # written after round BB shipped


def cleaner(site_copy: bool) -> Cleaner:
    return Cleaner(steps=[ForeignScriptLines(), Comments(), Deduplicate(), LineModel(site_copy=site_copy)])


def articles_lost(base: Cleaner, new: Cleaner) -> tuple[int, int, list[str]]:
    """Lines of whole French articles one cleaner keeps and the other drops: (more dropped, fewer, examples)."""
    more = fewer = 0
    examples = []
    for path in ARTICLES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            doc = json.loads(line)
            lines = [text for text in doc["text"].split("\n") if text.strip()]
            before, after = kept_lines(base, lines), kept_lines(new, lines)
            more += len(before - after)
            fewer += len(after - before)
            examples += [f"{doc['id']}: {lines[i][:100]}" for i in sorted(before - after)]
    return more, fewer, examples


def after() -> None:
    """The documents written after round BB, each cleaner once: round AZ's (before this session), BA's, BB's."""
    az = Cleaner(steps=[ForeignScriptLines(), Comments(), Deduplicate(table_cells=False, contents=False),
                        LineModel(table_near=3, key_values=False, site_copy=False)])
    docs = documents(AFTER_DOCUMENTS)
    print("\n| the 60 written after round BB | line P | line R | line F1 | clutter kept | article lines dropped |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, c in (("round AZ", az), ("round BA", cleaner(False)), ("round BB", cleaner(True))):
        row = line_scores(c, docs)
        print(f"| {label} | {row['precision']:.4f} | {row['recall']:.4f} | {row['f1']:.4f} | {row['fp']} | "
              f"{row['fn']} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--after", action="store_true", help="the documents written after round BB")
    if parser.parse_args().after:
        after()
        return
    judge(cleaner(False), cleaner(True), "the 60 written for round BA (the judge; lines unread)", JUDGE_DOCUMENTS,
          REPORTED, NAMES)


def judge(base: Cleaner, new: Cleaner, name: str, judge_documents: Path,
          reported: tuple[tuple[str, Path], ...], names: tuple[str, str]) -> None:
    """The judge's tables of rounds BB and BC: the judge, the documents written after round AV, the development pages,
    seeds and training pages (``judged_sets``), the French stance articles, then the read documents."""
    judged_sets(base, new, ((name, judge_documents), ("the 60 written after round AV (lines unread)", AV_DOCUMENTS)),
                names)
    more, fewer, examples = articles_lost(base, new)
    print(f"\nthe French stance articles ({', '.join(path.name for path in ARTICLES)}): {more} lines more dropped, "
          f"{fewer} fewer")
    for example in examples:
        print(f"  {example}")
    for label, path in reported:
        documents_table(label, documents(path), base, new, names)


if __name__ == "__main__":
    main()
