"""Cleaning in worker processes (``Pipeline(clean_workers=N)``, ``--clean-workers N``) against one
process, in one run: the speed-up and whether the records are the same.

Each setting cleans the same documents through ``Pipeline.run`` (cleaning only, batches of
``--batch-docs`` documents, as ``stance clean`` does), the settings taking turns ``--rounds``
times so that a machine whose load drifts slows them alike. Times are wall-clock times of the
whole run, worker start-up included (what a user waits for); the figure that holds on a shared
machine is the ratio of each setting's throughput to one process's, measured in the same run.
A speed-up near N needs N idle cores: on a busy machine the workers share them.

    python benchmarks/clean_workers_speed.py                      # 10 MB of the seeds' variations, 1 and 2
    python benchmarks/clean_workers_speed.py --workers 1 2 4 --mb 20
    python benchmarks/clean_workers_speed.py --pages ../shared/data/webpages/daniel.jsonl.gz
    python benchmarks/clean_workers_speed.py --mb 5 --html      # the same documents as HTML pages

``--html`` writes each document as an HTML page (short lines as a list of links, the others as
paragraphs, with a menu and a footer) to a temporary JSONL of ``{"id", "html"}`` and runs on that:
the main text is extracted by trafilatura first (``stance[html]``), in the workers when there are
any. MB/s are then of HTML.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clean_speed import build_corpus, read_pages

from stance import Pipeline
from stance.document import Document


def as_html(text: str) -> str:
    """A web page holding ``text``: short lines as a list of links, the others as paragraphs."""
    lines = [line for line in text.split("\n") if line.strip()]
    blocks = "".join(f"<li><a href='/{n}'>{html.escape(line)}</a></li>" if len(line) < 40
                     else f"<p>{html.escape(line)}</p>" for n, line in enumerate(lines))
    return (f"<html><head><title>Page</title><script>var x = 1;</script></head><body><nav><ul><li>Accueil</li>"
            f"</ul></nav><main>{blocks}</main><footer>Mentions légales</footer></body></html>")


def timed_run(docs: Any, workers: int, batch_docs: int) -> tuple[float, list[dict]]:
    pipeline = Pipeline(summarizer=False, classifier=False, batch_size=batch_docs, progress=False,
                        clean_workers=workers)
    started = time.perf_counter()
    records = list(pipeline.run(docs))
    return time.perf_counter() - started, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="settings to compare (default 1 2)")
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    parser.add_argument("--pages", type=Path, help="measure on these pages (JSONL) instead of the seeds' variations")
    parser.add_argument("--batch-docs", type=int, default=32, help="documents per batch (default 32, as the CLI)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each setting, taking turns (default 3)")
    parser.add_argument("--html", action="store_true", help="run on the documents written as HTML pages")
    args = parser.parse_args()
    texts = read_pages(args.pages) if args.pages else build_corpus(args.mb)
    docs: Any = [Document(f"doc{index}", text) for index, text in enumerate(texts)]
    if args.html:
        texts = [as_html(text) for text in texts]
        docs = Path(tempfile.mkdtemp()) / "pages.jsonl"
        docs.write_text("".join(json.dumps({"id": f"doc{index}", "html": page}) + "\n"
                                for index, page in enumerate(texts)), encoding="utf-8")
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    settings = sorted(set([1, *args.workers]))
    print(f"corpus: {len(texts)} documents{' as HTML' if args.html else ''}, {megabytes:.1f} MB (UTF-8); "
          f"{os.cpu_count()} CPUs; "
          f"batches of {args.batch_docs}; rounds: {args.rounds}")
    seconds: dict[int, list[float]] = {workers: [] for workers in settings}
    reference: list[dict] | None = None
    same = True
    for _ in range(args.rounds):
        for workers in settings:
            elapsed, records = timed_run(docs, workers, args.batch_docs)
            seconds[workers].append(elapsed)
            if reference is None:
                reference = records
            same = same and records == reference
    base = statistics.median(seconds[1])
    print("| clean workers | median seconds | MB/s | speed-up against 1 (median of the rounds' ratios) |")
    print("|---:|---:|---:|---:|")
    for workers in settings:
        ratios = [one / other for one, other in zip(seconds[1], seconds[workers], strict=True)]
        median = statistics.median(seconds[workers])
        print(f"| {workers} | {median:.2f} | {megabytes / median:.2f} | {statistics.median(ratios):.2f} "
              f"({min(ratios):.2f}-{max(ratios):.2f}) |")
    print(f"records identical in every run: {'yes' if same else 'NO'}  (one process: {base:.2f} s)")


if __name__ == "__main__":
    main()
