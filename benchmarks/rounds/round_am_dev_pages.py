"""Round AM (nineteenth session): the French development pages already read become training pages.

Since round G (tenth session) the development files have grown to 282 French pages that someone has read (the
first, structured and blind files, and the first halves of blind2 and blind3), in the genres and structures
the cleaner is weakest on. AM trains the shipped procedure unchanged (300 trees of depth 6 at 0.1, threshold
0.3, the rescuer) on the 1,999 training pages plus those 282, every page weighing 1, and scores it on the 120
pages nobody had read before the nineteenth session (the second halves of blind2 and blind3 and
``webpages_fr_dev_blind4.jsonl``), which stay out of training. The rule, written before any result:
``docs/design.md``, round AM.

AM's retrain chose another threshold (0.35) and AM′, the model it trains, shipped (``docs/design.md``). The
282 pages then moved into ``models/training/webpages_fr.jsonl`` (after its first 132, in the order this
script had read them) and out of the development files, so the script now trains on the training pages as
``stance train-cleaner`` reads them, at the shipped threshold (0.35: AM′), and compares with the shipped
model, AM′ itself: to see the comparison as it was made, run it at commit a12fa5d.

    OMP_NUM_THREADS=2 python benchmarks/rounds/round_am_dev_pages.py  # ~6 minutes (the model kept in out/round-am)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402
from round_ai_pruner import _header, _scores  # noqa: E402
from round_z_extra_rules import _row  # noqa: E402

from stance.cleaning import training  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402


def _number(page: dict) -> int:
    return int(page["id"].rsplit("-", 1)[1])


def unread() -> list[dict]:
    """The 120 pages nobody had read before the nineteenth session: the development files since round AM."""
    return [page for path in DEVELOPMENT_FILES for page in training.read_pages([path])]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "round-am", help="where the candidate is kept")
    args = parser.parse_args(argv)
    fresh = unread()
    shipped = TreeModel.default()
    if (args.out / "model.json").is_file():
        candidate = TreeModel.load(args.out)
    else:
        # since round AM, models/training/webpages_fr.jsonl holds the 282 pages after its first 132, in the
        # order this script first read them from the development files
        pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
        print(f"training on {len(pages)} pages", flush=True)
        start = time.time()
        candidate = training.train(pages, shipped.threshold, second=training.SECOND_STAGE, rescuer=True,
                                   **training.shipped_fit())
        print(f"trained in {time.time() - start:.0f} s", flush=True)
        candidate.save(args.out)
    steps = {"shipped": LineModel(model=shipped),
             "trained with the read development pages (AM)": LineModel(model=candidate)}
    _header()
    blind4 = [page for page in fresh if _number(page) >= 475]
    for name, pages in ((f"the pages nobody had read ({len(fresh)}, decides)", fresh), ("blind4 (60)", blind4)):
        for label, step in steps.items():
            _row(name, label, _scores(step, pages)["all"])


if __name__ == "__main__":
    main()
