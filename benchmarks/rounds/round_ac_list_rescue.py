"""Round AC (seventeenth session): lists after a lead-in kept when the line model drops them.

On the French development pages with structured articles, the content the cleaner drops comes in blocks:
a lead-in sentence ending with a colon and the list items after it. AC undoes the line model's drops
(never a rule's) on such a block: a lead-in of 4+ words ending with ":", kept or following a kept
sentence (8+ words ending a sentence, among the two lines before it), and at least two items after it
(lines starting with a list marker, or ending with ";", or closing a list whose item ended with ";").
The rule, written before any result (``docs/design.md``, round AC), asked among other things that at
least 90 % of the lines it keeps over every labelled page be content (``--hits``): on the real pages they
are mostly furniture (comment guidelines, lists of links after a lead-in), so AC was not adopted.

    python benchmarks/rounds/round_ac_list_rescue.py             # about 4 minutes on 2 cores
    python benchmarks/rounds/round_ac_list_rescue.py --dev-only  # seconds
    python benchmarks/rounds/round_ac_list_rescue.py --hits      # the labels of the lines it keeps, 2 minutes
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402
from round_z_extra_rules import compare  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import MODEL_REASON, LineModel, TreeModel  # noqa: E402

_LIST_MARKER = re.compile(r"^\s*(?:[-–—•·*+▪►]|\d{1,2}[.)]|[a-z]\))\s")
_SENTENCE = re.compile(r"[.!?…][\"'»”’)]*\s*$")


def rescue_lists(lines: Sequence[str], reasons: dict[int, str]) -> dict[int, str]:
    """Undo the line model's drops on a list the article introduces: a lead-in of 4+ words ending with
    ":", kept or following a kept sentence, and the 2+ items after it (lines starting with a list marker,
    ending with ";", or closing a list whose last item ended with ";"). A rule's drop stays.

    >>> lines = ["Le conseil a voté trois mesures pour soutenir les commerces du centre.",
    ...          "Les mesures retenues sont les suivantes :", "– une baisse de la taxe ;",
    ...          "– un parking gratuit le samedi ;", "– un marché de nuit en été.", "Accueil"]
    >>> rescue_lists(lines, {1: "boilerplate (p=0.80)", 3: "boilerplate (p=0.70)", 5: "boilerplate (p=0.99)"})
    {5: 'boilerplate (p=0.99)'}
    """
    model = MODEL_REASON + " (p="
    rescued: set[int] = set()
    for start, line in enumerate(lines):
        text = line.rstrip()
        if not text.endswith(":") or len(text.split()) < 4 or not _anchored(lines, reasons, start):
            continue
        items, after_semicolon = [], False
        for index in range(start + 1, len(lines)):
            item = lines[index].rstrip()
            if index in reasons and not reasons[index].startswith(model):
                break
            if not (_LIST_MARKER.match(item) or item.endswith(";") or after_semicolon):
                break
            items.append(index)
            after_semicolon = item.endswith(";")
            if not after_semicolon and not _LIST_MARKER.match(item) and items[:-1]:
                break  # a list closed by a line without a marker
        if len(items) >= 2 and (start not in reasons or reasons[start].startswith(model)):
            rescued.update([start, *items])
    return {index: reason for index, reason in reasons.items() if index not in rescued}


def _anchored(lines: Sequence[str], reasons: dict[int, str], start: int) -> bool:
    if start not in reasons:
        return True
    for index in range(start - 1, max(start - 3, -1), -1):
        if index not in reasons:
            text = lines[index].rstrip()
            return len(text.split()) >= 8 and bool(_SENTENCE.search(text))
    return False


class _Rescue(LineModel):
    def find(self, lines):
        return rescue_lists(lines, super().find(lines))


def _steps(model: TreeModel, threshold: float) -> dict[str, LineModel]:
    return {"shipped (Z)": LineModel(model=model, threshold=threshold),
            "with the list rescue (AC)": _Rescue(model=model, threshold=threshold)}


def hits(sources: Sequence[str | Path]) -> None:
    """The labels of the lines the rescue changes, each page cleaned alone to the fixed point by the shipped model."""
    shipped, rescue = _steps(TreeModel.default(), TreeModel.default().threshold).values()
    print("| pages | kept by AC only: content | furniture | unsure | dropped by AC only: content | furniture |")
    print("|---|---:|---:|---:|---:|---:|")
    for source in sources:
        groups: dict[str, Counter] = {}
        for page in training.read_pages([source]):
            count = groups.setdefault(page["source"], Counter())
            a = training.rerun_to_fixed_point(shipped, page["lines"])
            b = training.rerun_to_fixed_point(rescue, page["lines"])
            count.update((bool(kept), label) for x, kept, label in zip(a, b, page["labels"], strict=True) if x != kept)
        for name, c in groups.items():
            row = (c[True, 1], c[True, 0], c[True, -1], c[False, 1], c[False, 0])
            print(f"| {name} | " + " | ".join(map(str, row)) + " |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--pages", nargs="+", default=[str(p) for p in DEVELOPMENT_FILES],
                        metavar="FILE")
    parser.add_argument("--dev-only", action="store_true", help="score those pages only, not the cross-validation")
    parser.add_argument("--hits", action="store_true",
                        help="the labels of the lines AC keeps and the shipped cleaner drops, on every labelled page")
    args = parser.parse_args(argv)
    if args.hits:
        hits([training.default_pages_folder(), training.french_pages_file(), *args.pages])
        return
    compare(_steps, args.pages, cv=not args.dev_only, folds=args.folds)


if __name__ == "__main__":
    main()
