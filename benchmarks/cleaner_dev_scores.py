"""The line model on the French development pages: 140 sites it was never trained on.

Reads the French development files of ``models/training`` (``webpages_fr_dev_*.jsonl``, 420 pages of 140
sites, 3 pages a site): the halves of blind2 and blind3 that nobody read before the nineteenth session,
blind4, blind5, the 120 pages written as round AN's training pages and blind6, written by writers who read
neither the rules nor the model (``models/training/README.md``; the development pages that had been read
became training pages in round AM, nineteenth session), never eval/ or seeds/, scores each file apart, and
cleans each page alone as the cleaner does (the comment step and deduplication, then the line model rerun on
what it keeps until it drops nothing), with the shipped line model or ``--line-model DIR``.
Prints line precision/recall/F1 of the content lines and the snippet scores (up to 3 content
and 3 furniture lines of 15+ characters per page, as trafilatura's benchmark scores
extractors), as ``stance train-cleaner`` scores its cross-validation (docs/design.md, "Cleaning").

    python benchmarks/cleaner_dev_scores.py
    python benchmarks/cleaner_dev_scores.py --line-model out/line-model

A few seconds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402

# written in the seventeenth and eighteenth sessions in the genres of the real French pages: the
# halves nobody read (frpage-385-414, frpage-445-474); the other halves are training pages since round AM
BLIND2_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind2.jsonl"
BLIND3_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind3.jsonl"
# and in the nineteenth session, on 20 more sites (rounds AI' to AM)
BLIND4_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind4.jsonl"
# and in the twentieth, with one brief: 20 sites (they decided round AN), 40 sites (written as AN's training
# pages; development pages since AN was not adopted) and 40 more (written after AO's rule; they decided AO)
BLIND5_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind5.jsonl"
AN_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_an.jsonl"
BLIND6_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind6.jsonl"
DEVELOPMENT_FILES = (BLIND2_PAGES, BLIND3_PAGES, BLIND4_PAGES, BLIND5_PAGES, AN_PAGES, BLIND6_PAGES)  # the default


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--line-model", metavar="DIR", help="a model saved by `stance train-cleaner --out DIR`")
    parser.add_argument("--pages", nargs="+", default=[str(path) for path in DEVELOPMENT_FILES],
                        metavar="FILE", help="files of line-labelled pages, each scored apart (default: the six "
                        "development files)")
    args = parser.parse_args(argv)
    model = TreeModel.load(args.line_model) if args.line_model else TreeModel.default()
    step = LineModel(model=model)
    for path in args.pages:
        pages = training.read_pages([path])
        keeps = [training.rerun_to_fixed_point(step, page["lines"]) for page in pages]
        scores = training.score(pages, keeps)["all"]
        print(f"{Path(path).name}: {len(pages)} pages of {len({p['group'] for p in pages})} sites, "
              f"threshold {step.threshold}")
        for kind in ("lines", "snippets"):
            row = scores[kind]
            print(f"  {kind:8s}: P {row['precision']:.4f}  R {row['recall']:.4f}  F1 {row['f1']:.4f}")
        print(f"  mean of line F1 and snippet F1: {(scores['lines']['f1'] + scores['snippets']['f1']) / 2:.4f}")


if __name__ == "__main__":
    main()
