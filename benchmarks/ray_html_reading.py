"""Wall time of ``--engine ray`` (cleaning only) over a local folder of HTML pages: their main text
extracted in Ray's tasks (what stance does since the fifteenth session) against extracted on the
driver before the cluster sees them (what it did before, the reference), in one run, in turns.

The pages are the seeds' variations of ``clean_speed.py`` written as HTML by ``clean_workers_speed.py``.
Each run starts from a fresh output folder on one local Ray cluster started beforehand (not counted);
the script checks that both ways write the same records.

    python benchmarks/ray_html_reading.py               # 6 MB of pages, 2 rounds
    python benchmarks/ray_html_reading.py --mb 20 --cpus 8
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from clean_speed import build_corpus  # noqa: E402
from clean_workers_speed import as_html  # noqa: E402

from stance import distributed  # noqa: E402
from stance.io import iter_documents  # noqa: E402


def on_the_driver(source: Any, on_error: Any, blocks: int) -> Any:
    """The reference: every page extracted here, then the texts handed to Ray."""
    import ray.data

    rows, pairs = [], []
    for doc in iter_documents(source, on_error):
        rows.append({"id": doc.id, "text": doc.text, "warnings": json.dumps(list(doc.warnings), ensure_ascii=False)})
        pairs.append((doc.id, distributed._text_digest(doc.text)))
    dataset = ray.data.from_items(rows, override_num_blocks=max(1, min(blocks, len(rows))))
    return distributed._Input(dataset, [row["id"] for row in rows], distributed._fingerprint(pairs), str(source))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=6.0, help="text to write as pages, in MB (default 6)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 1, help="the local cluster's CPUs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stance-ray-html-"))
    folder = work / "pages"
    folder.mkdir()
    for index, text in enumerate(build_corpus(args.mb)):
        (folder / f"p{index:05d}.html").write_text(as_html(text), encoding="utf-8")
    pages = list(folder.iterdir())
    size = sum(page.stat().st_size for page in pages) / 1e6
    print(f"{len(pages)} pages, {size:.1f} MB of HTML; {args.cpus} CPUs", flush=True)
    distributed.start_local_cluster(num_cpus=args.cpus)
    spec = distributed.PipelineSpec(summarizer=None, backend=None, device="cpu")
    in_tasks = distributed._read_input
    seconds: dict[str, list[float]] = {"on the driver (reference)": [], "in Ray's tasks": []}
    written: dict[str, str] = {}
    for round_ in range(args.rounds):
        for name, reader in zip(seconds, (on_the_driver, in_tasks), strict=True):
            distributed._read_input = reader
            out = work / f"out-{round_}-{len(written)}"
            start = time.perf_counter()
            distributed.run_distributed(folder, out, spec)
            seconds[name].append(time.perf_counter() - start)
            distributed.merge_parts(out, out / "all.jsonl")
            written.setdefault(name, (out / "all.jsonl").read_text(encoding="utf-8"))
    distributed._read_input = in_tasks
    if len(set(written.values())) != 1:
        raise SystemExit("the two ways wrote different records")
    reference = min(seconds["on the driver (reference)"])
    print("\nextraction                  best wall s   runs            vs reference")
    for name, runs in seconds.items():
        shown = ", ".join(f"{s:.1f}" for s in runs)
        print(f"{name:<27} {min(runs):>11.1f}   {shown:<15} {reference / min(runs):.2f}x")


if __name__ == "__main__":
    main()
