"""Throughput of the default pipeline (clean, summarise, classify) on the seeds, in one run.

The corpus is the five seeds repeated (default 40 times: 200 documents, about
2.4 MB). The default ``Pipeline()`` runs over it in batches of ``--batch-docs``
documents, and the script prints documents/s, MB/s (UTF-8 bytes of the raw
input) and the share of each stage (read, clean, summarize, classify).

The reference, measured in the same run on one copy of the seeds, is a single
pass of the same encoder over every sentence of the cleaned seeds: the least
any embedding-based summariser has to do. The ratio says how many such passes
the whole pipeline costs, which stays meaningful on a shared, noisy machine
where absolute speeds vary.

    python benchmarks/pipeline_speed.py                  # 200 documents
    python benchmarks/pipeline_speed.py --copies 2       # 10 documents, quicker
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from stance.document import Document

ROOT = Path(__file__).resolve().parents[1]


def build_corpus(copies: int) -> list[Document]:
    seeds = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [Document(f"{stem}-{copy}", text) for copy in range(copies) for stem, text in seeds]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=40, help="times the five seeds are repeated (default 40)")
    parser.add_argument("--batch-docs", type=int, default=32, help="documents per batch (default 32)")
    parser.add_argument("--device", default="auto", help="auto (default), cpu, cuda")
    args = parser.parse_args()

    import torch

    from stance import Pipeline
    from stance.segmentation import split_sentences

    docs = build_corpus(args.copies)
    megabytes = sum(len(doc.text.encode("utf-8")) for doc in docs) / 1e6
    print(
        f"corpus: {len(docs)} documents ({args.copies} x the 5 seeds), {megabytes:.2f} MB, torch threads "
        f"{torch.get_num_threads()}"
    )

    pipeline = Pipeline(batch_size=args.batch_docs, device=args.device)
    print(f"pipeline: {pipeline.describe()}")

    # Reference: one encoder pass over the sentences of one copy of the cleaned seeds.
    seeds = docs[:5]
    sentences = [s for doc in seeds for s in split_sentences(pipeline.cleaner.clean(doc.text).text)]
    encoder = pipeline.summarizer.encoder
    encoder.encode(sentences[:8])  # warm-up: first-call allocations are not throughput
    start = time.perf_counter()
    encoder.encode(sentences)
    reference_seconds = time.perf_counter() - start
    reference_dps = len(seeds) / reference_seconds

    cpu = time.process_time()
    wall = time.perf_counter()
    for _ in pipeline.run(docs):
        pass
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    stats = pipeline.stats()

    print(
        f"reference (one encoder pass over {len(sentences)} sentences of the 5 cleaned seeds): "
        f"{reference_dps:.3f} documents/s ({reference_seconds:.1f} s)"
    )
    print(
        f"pipeline: {len(docs) / wall:.3f} documents/s, {megabytes / wall:.4f} MB/s "
        f"({wall:.1f} s wall, {cpu:.1f} s CPU)"
    )
    print(
        f"ratio pipeline/reference: {len(docs) / wall / reference_dps:.3f} "
        f"(the pipeline costs {reference_dps / (len(docs) / wall):.2f} encoder passes)"
    )
    print("time share by stage:")
    for stage, seconds in stats.seconds.items():
        print(f"  {stage:<10} {seconds:8.1f} s  {stats.share[stage]:6.1%}")


if __name__ == "__main__":
    main()
