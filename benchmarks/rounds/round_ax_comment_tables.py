"""Round AX (twenty-fourth session): a number in a table closes no comment.

A byline with its date ("Julien Marquet | 18 mars 2025") has the form of a comment's one-line header, and a
table's first number ("2023") the form of a comment's counter: the comment step took the article's first
paragraphs and the table's head for a reader's comment. Since this round, a bare number that lies in a table
(``stance.cleaning.tables.table_runs``) closes no comment block. Written from the 192 read dirty documents and
the training pages only.

The round's rule (``docs/design.md``, round AX), written before the judge ran: it ships if, against round AW's
cleaner (the full cleaner, each text alone): on the 60 dirty documents written after round AV line F1 does not
fall and line precision loses at most 0.002; on the 420 development pages (pooled) the mean of line F1 and
snippet F1 loses at most 0.001; the seeds keep all 205 golden lines; ``stance eval``'s gate holds with cleaning
precision 0.90 or more and recall not lower; cleaning is at least 0.95 times as fast.

    python benchmarks/rounds/round_ax_comment_tables.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_aw_tables import (  # noqa: E402
    FIRST_DOCUMENTS,
    JUDGE_DOCUMENTS,
    READ_DOCUMENTS,
    changes,
    documents,
    documents_table,
    pages_and_seeds,
)

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.comments import Comments  # noqa: E402
from stance.cleaning.dedup import Deduplicate  # noqa: E402
from stance.cleaning.language import ForeignScriptLines  # noqa: E402
from stance.cleaning.linemodel import LineModel  # noqa: E402


class CommentsBefore(Comments):
    """The comment step before round AX: any action line closes a block, a table's number too."""

    def _closed_block_end(self, lines, body, tables=None):  # type: ignore[no-untyped-def]
        return super()._closed_block_end(lines, body, None)


def cleaner(after: bool) -> Cleaner:
    comments = Comments() if after else CommentsBefore()
    return Cleaner(steps=[ForeignScriptLines(), comments, Deduplicate(), LineModel()])


def main() -> None:
    base, candidate = cleaner(False), cleaner(True)
    names = ("round AW", "round AX")
    documents_table("the 60 dirty documents written after round AV (the judge)", documents(JUDGE_DOCUMENTS), base,
                    candidate, names)
    print(f"changed lines: {dict(changes(base, candidate, documents(JUDGE_DOCUMENTS)))}")
    pages_and_seeds(base, candidate, names)
    documents_table("the first 60 development documents (reported)", documents(FIRST_DOCUMENTS), base, candidate,
                    names)
    documents_table("the 192 read documents (in sample, judges nothing)", documents(READ_DOCUMENTS), base,
                    candidate, names)


if __name__ == "__main__":
    main()
