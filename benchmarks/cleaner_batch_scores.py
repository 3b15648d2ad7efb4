"""The whole cleaner on line-labelled French dirty documents, each alone and in batches as ``stance clean`` runs it.

The rounds of ``docs/design.md`` score the cleaner on each document alone. ``stance clean|run`` (``Pipeline``)
cleans batches of ``--batch-docs`` documents (32) together, and then the line model also sees how many documents of
the batch hold each line (``Cleaner.clean_batch``): a site's furniture that recurs on its pages (its masthead, its
newsletter box, its author bios) is recognised more often. This prints line precision, recall and F1 of the content
lines both ways, the documents taken in file order, with the shipped line model or ``--line-model DIR``.

A kept line is matched to the first of the document's lines with its text that is not matched yet (deduplication
keeps a line's first occurrence), so both ways are scored alike.

    python benchmarks/cleaner_batch_scores.py models/training/cleaning_fr_documents_dev_bq.jsonl
    python benchmarks/cleaner_batch_scores.py FILE --batch 32 --line-model /tmp/bn/candidate

A minute or so for 120 documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.normalise import normalise  # noqa: E402


def scores(docs: list[dict], cleaned: list) -> dict[str, float]:
    """Line precision, recall and F1 of the content lines (labels 1 and 0; -1 not scored)."""
    tp = fp = fn = 0
    for doc, result in zip(docs, cleaned, strict=True):
        left = Counter(result.text.split("\n\n")) if result.text else Counter()
        for line, label in zip(doc["lines"], doc["labels"], strict=True):
            key = normalise(line).strip()
            kept = left[key] > 0
            if kept:
                left[key] -= 1
            if label >= 0:
                tp += kept and label == 1
                fp += kept and label == 0
                fn += not kept and label == 1
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="line-labelled documents (JSONL: lines, labels)")
    parser.add_argument("--batch", type=int, default=32, help="documents cleaned together (default 32, as the CLI)")
    parser.add_argument("--line-model", metavar="DIR", help="a model saved by `stance train-cleaner --out DIR`")
    args = parser.parse_args(argv)
    cleaner = Cleaner(line_model=args.line_model)
    print(f"| file | documents | alone: P | R | F1 | batches of {args.batch}: P | R | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in args.files:
        docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts = ["\n\n".join(doc["lines"]) for doc in docs]
        alone = scores(docs, [cleaner.clean(text) for text in texts])
        together = scores(docs, [result for start in range(0, len(texts), args.batch)
                                 for result in cleaner.clean_batch(texts[start:start + args.batch])])
        print(f"| {path.name} | {len(docs)} | " + " | ".join(f"{s[key]:.4f}" for s in (alone, together)
                                                             for key in ("precision", "recall", "f1")) + " |",
              flush=True)


if __name__ == "__main__":
    main()
