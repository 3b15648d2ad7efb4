"""Stance training in worker processes: do trainings at once, one thread each, beat one after the other?

``stance train --folds 5`` runs six trainings of the lora adapter (one a fold, then the final one),
one after the other in one process whose torch uses every core. Each training starts from its own
seed, so they could as well run at once, in worker processes of one thread each. This script times
both on the same trainings, in one run:

- reference: ``--trainings`` trainings one after the other in this process (torch's default threads);
- candidate: the same trainings spread over ``--processes`` spawned processes of one thread each
  (default: one a CPU this process may use, at most one a training), each worker loading the encoder
  and the cached states of the frozen layers once, from a file.

Each training is :meth:`LoraStanceClassifier._train` on a random four fifths of the first ``--texts``
training tweets (``models/training/tweets_en.jsonl``), as a fold of ``stance train`` is; the frozen
layers run once, before both (their time is printed apart, and counts in neither). The workers' start
(imports, the encoder, the states) counts in the candidate's time. Wall-clock times: run it on an idle
machine. The ratio printed is the reference's time over the candidate's (above 1: the processes win).

    python benchmarks/train_processes_speed.py                      # 2,400 tweets, 4 trainings (4 min)
    python benchmarks/train_processes_speed.py --texts 4000 --trainings 6 --epochs 1

Twenty-eighth session, the 2-core development machine: the processes do not win there (``docs/stance-lora.md``,
"Training time on a slower machine").
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_worker: dict = {}


def _settings(epochs: float) -> dict:
    return {"epochs": epochs, "progress": False, "device": "cpu"}


def _start(epochs: float, path: str) -> None:
    import torch

    from stance.classify.lora import LoraStanceClassifier

    torch.set_num_threads(1)
    classifier = LoraStanceClassifier(**_settings(epochs))
    classifier.encoder.model.requires_grad_(False)
    shared = torch.load(path, weights_only=True)
    bounds = np.concatenate([[0], np.cumsum(shared["lengths"])]).tolist()
    states = [shared["states"][a:b] for a, b in itertools.pairwise(bounds)]
    _worker.update(classifier=classifier, y=shared["y"].numpy(), data={
        "ids": shared["ids"], "states": states, "embeddings": shared["embeddings"].numpy(),
        "first": shared["first"], "domains": np.array(shared["domains"], dtype=object)})


def _train(rows: np.ndarray, seed: int) -> float:
    started = time.perf_counter()
    _worker["classifier"]._train(rows, _worker["y"], _worker["data"], seed, "")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=2400, help="training tweets read (default 2400)")
    parser.add_argument("--trainings", type=int, default=4, help="trainings timed each way (default 4)")
    parser.add_argument("--epochs", type=float, default=1.0, help="epochs a training (default 1)")
    parser.add_argument("--processes", type=int, help="worker processes (default: the CPUs, at most --trainings)")
    args = parser.parse_args()

    import torch

    from stance.classify.lora import LoraStanceClassifier
    from stance.document import LABELS

    rows = [json.loads(line) for line in (ROOT / "models/training/tweets_en.jsonl").open(encoding="utf-8")]
    rows = rows[: args.texts]
    y = np.array([LABELS.index(row["label"]) for row in rows])
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    processes = args.processes or max(1, min(cpus, args.trainings))
    rng = np.random.default_rng(0)
    plans = [(np.sort(rng.permutation(len(rows))[: len(rows) * 4 // 5]), 1 + k) for k in range(args.trainings)]

    classifier = LoraStanceClassifier(**_settings(args.epochs))
    model = classifier.encoder.model
    model.requires_grad_(False)
    started = time.perf_counter()
    ids = classifier._tokenize([row["text"] for row in rows])
    first = int(model.config.num_hidden_layers) - classifier.layers
    states, embeddings = classifier._cache(ids, first)
    print(f"{len(rows)} tweets, {args.trainings} trainings of {len(plans[0][0])} texts, {args.epochs:g} epoch(s); "
          f"frozen layers once: {time.perf_counter() - started:.1f} s (in neither time)", flush=True)
    data = {"ids": ids, "states": states, "embeddings": embeddings, "first": first,
            "domains": np.array(["tweets-en"] * len(rows), dtype=object)}

    started = time.perf_counter()
    for train, seed in plans:
        classifier._train(train, y, data, seed, "")
    reference = time.perf_counter() - started
    print(f"reference, one after the other, {torch.get_num_threads()} threads: {reference:.1f} s", flush=True)

    with tempfile.TemporaryDirectory(prefix="stance-train-speed-") as folder:
        path = os.path.join(folder, "data.pt")
        started = time.perf_counter()
        torch.save({"ids": ids, "first": first, "domains": ["tweets-en"] * len(rows), "y": torch.from_numpy(y),
                    "embeddings": torch.from_numpy(embeddings), "states": torch.cat(states),
                    "lengths": [int(row.shape[0]) for row in states]}, path)
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_start, initargs=(args.epochs, path)) as pool:
            each = list(pool.map(_train, *zip(*plans, strict=True)))
        candidate = time.perf_counter() - started
    print(f"candidate, {processes} processes of 1 thread: {candidate:.1f} s (trainings {min(each):.1f}-"
          f"{max(each):.1f} s each, against {reference / len(plans):.1f} s on average one after the other)")
    print(f"ratio reference/candidate: {reference / candidate:.2f} (above 1: the processes win)")


if __name__ == "__main__":
    main()
