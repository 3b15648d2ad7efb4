"""The line model on the French development pages: 134 sites it was never trained on.

Reads ``models/training/webpages_fr_dev.jsonl`` (90 pages, 3 per site, in site styles the
training pages lack), ``webpages_fr_dev_structured.jsonl`` (72 pages, 3 per site, whose
articles have the structure real pages have: subheadings, lists, colon lead-ins, interviews),
``webpages_fr_dev_blind.jsonl``, ``webpages_fr_dev_blind2.jsonl``, ``webpages_fr_dev_blind3.jsonl``
and ``webpages_fr_dev_blind4.jsonl`` (60 pages each, 3 per site, written by writers who read neither
the rules nor the model; ``models/training/README.md``), never eval/ or
seeds/, scores each file apart, and cleans each page alone as the cleaner does (the comment step and
deduplication, then the line model rerun on what it keeps until it drops nothing), with the shipped
line model or ``--line-model DIR``.
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

DEV_PAGES = tuple(ROOT / "models" / "training" / name
                  for name in ("webpages_fr_dev.jsonl", "webpages_fr_dev_structured.jsonl"))
# written after round Z's rules, by writers who read neither them nor the model (models/training/README.md)
BLIND_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind.jsonl"
# written in the seventeenth session the same way, in the genres of the real French pages
BLIND2_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind2.jsonl"
# and in the eighteenth session, in the same genres, on 20 more sites (round AH's confirmation)
BLIND3_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind3.jsonl"
# and in the nineteenth session, on 20 more sites (round AL's decision)
BLIND4_PAGES = ROOT / "models" / "training" / "webpages_fr_dev_blind4.jsonl"
DEVELOPMENT_FILES = (*DEV_PAGES, BLIND_PAGES, BLIND2_PAGES, BLIND3_PAGES, BLIND4_PAGES)  # all six, the default here


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
