"""Round BW (thirty-seventh session): a comment header's form inside a table is the table's headers.

Round BV (not adopted) found, in ``cleaning_fr_documents_dev_bu.jsonl``, a price table whose header row, one cell a
line ("Origine", "Fin mars 2025", "Il y a 3 mois", "Il y a 1 an"), the comment step took for a comment's header, then
dropped 23 article lines as a "reader comment". Its change (a header's time followed by another time line is no
header) also reached real comment threads, which stack two time lines: it kept 8 clutter lines for 6 article lines
on the other files, read only as those counts. Round BW asks instead where the header sits: the comment step already
finds a document's tables, one cell a line (``tables.table_runs``: runs of short lines whose rows agree on which
columns hold a number), to tell a table's number from a comment's counter; a header's form inside such a run is no
header (``Comments._header_at``). It only keeps lines.

The round's rule, written and committed before it was measured anywhere but on the document it was found in. It
ships if, against the cleaner without the change (the full cleaner, each text alone):

1. on the French dirty documents of every other development file, pooled, line F1 does not fall and no clutter line
   is kept that was dropped (stricter than round BV, whose counts on these files are known);
2. on the 420 development pages (pooled) the mean of line F1 and snippet F1 does not fall;
3. the seeds keep all 205 golden lines, and no other seed line changes;
4. ``stance eval``'s gate holds;
5. cleaning is at least 0.95 times as fast (``clean_speed.py --mb 10``, runs taking turns);
6. the 384 French stance articles lose no line.

Reported: ``_bu`` (in sample) and the training pages' changed lines.

Not adopted (``docs/design.md``: on the other documents it kept 25 article lines and 1 clutter line; none asked).
Round BX then judged the same change on documents written for it and shipped it: the package holds it
(``Comments._header_at``), and this script compares the cleaner without and with it.

    python benchmarks/rounds/round_bw_table_headers.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

from round_bv_time_headers import FOUND_IN, compare

from stance.cleaning import Cleaner
from stance.cleaning.comments import Comments

NAMES = ("without round BW", "round BW")


class Before(Comments):
    """The comment step as it was before round BW: a header's form opens a comment inside a table too."""

    def _header_at(self, lines: list[str], index: int, tables: object) -> int:
        return self._header_length(lines, index)


def cleaner(on: bool) -> Cleaner:
    """The default cleaner, with or without round BW's change."""
    if on:
        return Cleaner()
    with mock.patch("stance.cleaning.cleaner.Comments", Before):
        return Cleaner()


if __name__ == "__main__":
    base, new = cleaner(False), cleaner(True)
    assert any(isinstance(step, Before) for step in base.steps), "the base cleaner must hold the old comment step"
    compare(base, new, NAMES, FOUND_IN, clutter_allowed=False)
