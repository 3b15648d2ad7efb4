"""Round AZ (twenty-fourth session): a count of the comments opens the thread under it.

Reader comments whose blocks close with neither a reply button nor a relative time ("Koffi_Cotonou",
"17/02/2025 à 10:23", the comment, the next pseudonym…) were kept: the comment step trusts such a block only
after a confirmed comment. Since this round, a block right under a count of the comments ("Commentaires (5)",
"23 réactions") is trusted when the next comment's header closes it (two comments in a row at least). Written
from the 192 read dirty documents and the training pages only.

The round's rule (``docs/design.md``, round AZ), written before the judge ran: it ships if, against the cleaner
before it (the full cleaner, each text alone): on the 60 dirty documents written after round AX line F1 does not
fall and line precision does not fall; on the 60 written after round AV line F1 does not fall; on the 420
development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001; the seeds keep all 205
golden lines; ``stance eval``'s gate holds with cleaning precision 0.90 or more and recall not lower; cleaning is
at least 0.95 times as fast.

    python benchmarks/rounds/round_az_comment_counts.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_aw_tables import (  # noqa: E402
    JUDGE_DOCUMENTS,
    READ_DOCUMENTS,
    TRAINING,
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

FRESH_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_ax.jsonl"  # written after round AX; the judge
NAMES = ("round AX", "round AZ")


class CommentsBefore(Comments):
    """The comment step before round AZ: a count of the comments trusts nothing."""

    @staticmethod
    def _under_count(lines, index, drops):  # type: ignore[no-untyped-def]
        return False


def cleaner(after: bool) -> Cleaner:
    return Cleaner(steps=[ForeignScriptLines(), Comments() if after else CommentsBefore(), Deduplicate(),
                          LineModel()])


def main() -> None:
    base, candidate = cleaner(False), cleaner(True)
    for name, path in (("the 60 dirty documents written after round AX (the judge)", FRESH_DOCUMENTS),
                       ("the 60 dirty documents written after round AV", JUDGE_DOCUMENTS)):
        documents_table(name, documents(path), base, candidate, NAMES)
        print(f"changed lines: {dict(changes(base, candidate, documents(path)))}")
    pages_and_seeds(base, candidate, NAMES)
    documents_table("the 192 read documents (in sample, judges nothing)", documents(READ_DOCUMENTS), base,
                    candidate, NAMES)


if __name__ == "__main__":
    main()
