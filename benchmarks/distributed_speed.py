"""Documents/s of ``--engine ray`` with 1 and 2 model workers against the local engine, in one run.

The corpus is the five seeds repeated (``--copies``, default 2: 10 documents of
about 1 600 words each) written as one JSONL. Three runs go over it, each from
a cold start of its models, so that the ratios hold what a user pays:

- local: ``Pipeline(...).run()`` in this process, torch limited to one thread
  (``--threads``, default 1), like each Ray actor; run before and after the Ray
  runs, the faster of the two kept;
- ray, 1 worker and ray, 2 workers: ``run_distributed`` on a local Ray
  cluster started once beforehand (its start-up, about 10 s, is printed but not
  counted), writing its parts into a fresh folder each time.

Every figure is end-to-end wall time including model loading; the steady rate
(documents / the seconds the model stages spent, summed over workers) is printed
beside it. The script checks that the three runs give the same records.

    python benchmarks/distributed_speed.py                      # default models (e5-small), 10 documents
    python benchmarks/distributed_speed.py --summarizer lead --copies 4

Recorded on the project's 2-core CPU machine (shared, load average 9-12), ray
2.60, torch 2.13 CPU, default models, ``--copies 2`` (docs/scale-out.md says more):

    engine                   wall s   docs/s  vs local   model s  steady docs/s
    local (1 process)          64.5    0.155     1.00x      60.5          0.165
    ray, 1 worker(s)           60.4    0.166     1.07x      32.7          0.306
    ray, 2 worker(s)           49.1    0.204     1.31x      32.1          0.623
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_corpus(folder: Path, copies: int) -> Path:
    seeds = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            for stem, text in seeds:
                handle.write(json.dumps({"id": f"{stem}-{copy}", "text": text}, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=2, help="times the five seeds are repeated (default 2)")
    parser.add_argument("--summarizer", default="extractive", help="as `stance run --summarizer` (default extractive)")
    parser.add_argument("--batch-docs", type=int, default=8, help="documents per model batch (default 8)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of the local engine (default 1)")
    parser.add_argument("--num-cpus", type=int, default=4, help="logical CPUs of the local Ray cluster (default 4)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="Ray workers to try (default 1 2)")
    args = parser.parse_args()

    import torch

    from stance.distributed import PipelineSpec, merge_parts, run_distributed, start_local_cluster

    torch.set_num_threads(args.threads)
    work = Path(tempfile.mkdtemp(prefix="stance-distributed-speed-"))
    try:
        corpus = write_corpus(work, args.copies)
        documents = 5 * args.copies
        megabytes = corpus.stat().st_size / 1e6
        spec = PipelineSpec(summarizer=args.summarizer, device="cpu")
        print(f"corpus: {documents} documents ({args.copies} x the 5 seeds), {megabytes:.2f} MB; stages {spec}")
        print(f"machine: {os.cpu_count()} logical CPUs, load average {os.getloadavg()[0]:.1f}")

        from stance.pipeline import Pipeline

        def run_local() -> tuple[float, float, list[dict]]:
            started = time.perf_counter()
            summarizer = None if args.summarizer == "extractive" else args.summarizer
            pipeline = Pipeline(summarizer=summarizer, device="cpu", batch_size=args.batch_docs, progress=False)
            records = list(pipeline.run(corpus))
            wall = time.perf_counter() - started
            return wall, sum(pipeline.stats().seconds[stage] for stage in ("summarize", "classify")), records

        local_wall, local_model, local_records = run_local()
        expected = sorted(local_records, key=lambda r: r["id"])
        rows: list[tuple[str, float, float]] = []
        import ray

        cluster = time.perf_counter()
        start_local_cluster(args.num_cpus, object_store_memory=200 * 1024**2)
        print(f"ray: local cluster with {args.num_cpus} logical CPUs started in {time.perf_counter() - cluster:.1f} s")
        try:
            for workers in args.workers:
                out = work / f"ray-{workers}"
                started = time.perf_counter()
                result = run_distributed(corpus, out, spec, workers=workers,
                                         batch_size={"clean": args.batch_docs, "summarize": args.batch_docs,
                                                     "classify": args.batch_docs}, progress=False)
                wall = time.perf_counter() - started
                model = sum(result.stats.seconds[stage] for stage in ("summarize", "classify"))
                rows.append((f"ray, {workers} worker(s)", wall, model))
                merged = work / f"ray-{workers}.jsonl"
                merge_parts(out, merged)
                got = [json.loads(line) for line in merged.read_text(encoding="utf-8").splitlines()]
                same = got == expected
                if not same:
                    print(f"  ray, {workers} worker(s): records differ from the local engine's")
                shutil.rmtree(out)
        finally:
            ray.shutdown()
        # The local engine again, after the Ray runs: the best of the two, so that a burst of
        # other load on a shared machine during one of them weighs less.
        again_wall, again_model, _ = run_local()
        print(f"local engine: {local_wall:.1f} s before the Ray runs, {again_wall:.1f} s after")
        if again_wall < local_wall:
            local_wall, local_model = again_wall, again_model
        rows.insert(0, ("local (1 process)", local_wall, local_model))

        print(f"\n{'engine':<22}{'wall s':>9}{'docs/s':>9}{'vs local':>10}{'model s':>10}{'steady docs/s':>15}")
        print("(model s: seconds in the model stages, summed over workers; steady: documents / model s x workers)")
        for name, wall, model in rows:
            print(f"{name:<22}{wall:9.1f}{documents / wall:9.3f}{local_wall / wall:9.2f}x{model:10.1f}"
                  f"{documents / model * (1 if name.startswith('local') else _workers(name)):15.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _workers(name: str) -> int:
    return int(name.split(", ")[1].split(" ")[0])


if __name__ == "__main__":
    main()
