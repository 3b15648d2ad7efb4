"""What the cleaner's reruns cost and give, on the read French dirty documents.

The cleaner reruns its steps on what it kept until nothing changes, so that cleaning a cleaned text changes
nothing. The reruns drop clutter that the first pass's context hid, and erode articles: once a footer goes, the
article's last lines are the document's last, and the line model gives them less (``docs/design.md``, round BC).
This scores the shipped cleaner against the same steps run once each (not idempotent: no candidate, a bound on
what a fix of the erosion could give), on the read development documents (``cleaning_fr_documents_dev.jsonl``,
``_aq``, ``_ax``, ``_ba``, and the 20 of ``_bc`` read in the thirty-first session), never on unread ones.

    python benchmarks/cleaner_reruns.py     # under a minute
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.normalise import normalise  # noqa: E402

TRAINING = ROOT / "models" / "training"
READ = ("cleaning_fr_documents_dev.jsonl", "cleaning_fr_documents_dev_aq.jsonl", "cleaning_fr_documents_dev_ax.jsonl",
        "cleaning_fr_documents_dev_ba.jsonl")
BC_READ = {f"frdoc-{n}" for n in (603, 604, 607, 608, 609, 610, 612, 615, 619, 620, 626, 627, 635, 636, 637, 638,
                                  652, 658, 659, 660)}


class OnePass(Cleaner):
    """The cleaner's steps, each run once on what the ones before it kept: no rerun."""

    def _keep(self, lines: list[str]) -> tuple[list[int], dict[int, str]]:
        kept, reasons = list(range(len(lines))), {}
        for step in self.steps:
            kept = self._apply(step, lines, kept, reasons)
        return kept, reasons


def documents() -> list[dict]:
    docs = [json.loads(line) for name in READ for line in (TRAINING / name).read_text("utf-8").splitlines() if line]
    bc = (TRAINING / "cleaning_fr_documents_dev_bc.jsonl").read_text("utf-8").splitlines()
    return docs + [doc for doc in map(json.loads, filter(None, bc)) if doc["id"] in BC_READ]


def main() -> None:
    docs = documents()
    print(f"| {len(docs)} read dirty documents | line P | line R | line F1 | clutter kept | article lines dropped |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, cleaner in (("the cleaner (reruns to a fixed point)", Cleaner()), ("each step once", OnePass())):
        tp = fp = fn = 0
        for doc in docs:
            kept = set(cleaner._keep([normalise(line) for line in doc["lines"]])[0])
            for i, label in enumerate(doc["labels"]):
                if label >= 0:
                    tp += i in kept and label == 1
                    fp += i in kept and label == 0
                    fn += i not in kept and label == 1
        p, r = tp / (tp + fp), tp / (tp + fn)
        print(f"| {name} | {p:.4f} | {r:.4f} | {2 * p * r / (p + r):.4f} | {fp} | {fn} |")


if __name__ == "__main__":
    main()
