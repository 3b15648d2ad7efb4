"""Round AN (twentieth session): 120 more French training pages, written for it.

Round AM showed that French pages in the held-out genres move the French development pages more than any
model change did (+0.040). AN asks whether more of them still help: 120 new pages (``frpage-535``-``654``,
40 new sites, written blind by four helper sessions in the genres of the issue's real French pages and
reviewed blind) are appended to ``models/training/webpages_fr.jsonl``, and the shipped procedure is retrained
unchanged by

    stance train-cleaner --iterations 300 --depth 6 --learning-rate 0.1 --out out/round-an

(threshold chosen by its cross-validation: the candidate is the model that command trains). This script
scores that candidate against the shipped model on the development files, each apart and all together:
blind2 and blind3 (second halves), blind4 and blind5 (``frpage-655``-``714``, 20 more new sites written
with the same brief at the same time, never trained on). The rule, written before the pages existed:
``docs/design.md``, round AN.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_an_new_pages.py --candidate out/round-an  # a minute

Round AO (the same session) is scored by the same comparison on its own development file:

    python benchmarks/rounds/round_an_new_pages.py --candidate out/round-ao \
        --pages models/training/webpages_fr_dev_blind6.jsonl

and rounds AQ and AQ' (twenty-first session) on the dirty documents and blind6 (AQ) or the 420 development pages (AQ'):

    python benchmarks/rounds/round_an_new_pages.py --candidate out/round-aq \
        --pages models/training/cleaning_fr_documents_dev.jsonl models/training/webpages_fr_dev_blind6.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from cleaner_dev_scores import BLIND2_PAGES, BLIND3_PAGES, BLIND4_PAGES, BLIND5_PAGES  # noqa: E402
from round_ai_pruner import _header, _scores  # noqa: E402
from round_z_extra_rules import _row  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidate", type=Path, default=ROOT / "out" / "round-an",
                        help="the model `stance train-cleaner --out DIR` trained with the new pages")
    parser.add_argument("--shipped", type=Path, default=None,
                        help="the model to compare with (default: the shipped one)")
    parser.add_argument("--pages", nargs="+", metavar="FILE",
                        default=[str(path) for path in (BLIND2_PAGES, BLIND3_PAGES, BLIND4_PAGES, BLIND5_PAGES)],
                        help="development files, each scored apart and all together (default: AN's four)")
    args = parser.parse_args(argv)
    steps = {"shipped": LineModel(model=TreeModel.load(args.shipped) if args.shipped else TreeModel.default()),
             f"candidate ({args.candidate.name})": LineModel(model=TreeModel.load(args.candidate))}
    files = {Path(path).stem.replace("webpages_fr_dev_", ""): training.read_pages([path]) for path in args.pages}
    every = [page for pages in files.values() for page in pages]
    _header()
    for name, pages in ((f"all development pages ({len(every)}, decides)", every),
                        *((f"{stem} ({len(pages)})", pages) for stem, pages in files.items())):
        for label, step in steps.items():
            _row(name, label, _scores(step, pages)["all"])


if __name__ == "__main__":
    main()
