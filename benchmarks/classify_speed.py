"""Stance classification throughput of the four backends at batch 1 and 32, in one run.

Every backend classifies the same passages (the cleaned seeds cut by
``split_passages``); the reference is the embedding backend (the shipped
``stance/models/stance-head`` on ``e5-small``, the fast baseline) at batch 32, and
each line prints passages/s and its ratio to that reference. ``lora`` is the
default classifier (the shipped ``stance/models/stance-lora``: e5-small with its
stance adapter on, one pass per passage; the embedding head makes a second pass
for the last sentence of each passage of several sentences). Runs are interleaved and repeated;
the best time of each is kept, so other load on a shared machine disturbs the
ratios less.

Documents are measured in the same interleaved runs: the cleaned seeds, each classified
whole by ``classify_documents`` at batch 32, by the default (lora and its learnt
aggregation, which also reads the embedding head's passage probabilities: one shared
pass of the lower layers, see ``LoraStanceClassifier.aggregation_proba``) and by the
embedding head (the fixed rule); the line prints documents/s and the ratio to the
embedding head's.

Speed does not depend on the values of the weights, so when no trained model
is given the transformer and zero-shot backends run randomly initialised heads
on the ``e5-small`` architecture (12 layers, 384 wide); the output says so.
A real zero-shot model such as mdeberta-xnli (768 wide, 3 pairs per passage)
is slower than that; pass it with --nli-model on a machine that has it.

    python benchmarks/classify_speed.py                      # 64 passages, batch 32 and 1
    python benchmarks/classify_speed.py --passages 200 --repeats 3
    python benchmarks/classify_speed.py --batch-sizes 32 --repeats 3   # passages at 32, documents
    python benchmarks/classify_speed.py --tiny               # tiny random models (seconds)
    python benchmarks/classify_speed.py --transformer-model runs/ft --nli-model mdeberta-xnli --device cuda
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def seed_documents(limit: int | None = None) -> list[str]:
    """The cleaned seeds (each once by default), repeated when more are asked for than there are."""
    from stance.cleaning import Cleaner

    cleaner = Cleaner()
    paths = sorted((ROOT / "seeds").glob("*.txt"))
    documents = [cleaner.clean(path.read_text(encoding="utf-8")).text for path in paths]
    return [documents[i % len(documents)] for i in range(len(documents) if limit is None else limit)]


def seed_passages(limit: int) -> list[str]:
    from stance.classify import split_passages

    passages = [passage for document in seed_documents() for passage in split_passages(document)]
    # Repeat the seeds when more passages are asked for than they hold.
    return [passages[i % len(passages)] for i in range(limit)]


def random_head_checkpoint(base: str, folder: Path, labels: dict[int, str]) -> Path:
    """``base`` with a randomly initialised classification head, saved for ``from_pretrained``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from stance.registry import locate

    path = locate(base)
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(labels), id2label=labels, label2id={v: k for k, v in labels.items()}
    )
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(path).save_pretrained(folder)
    return folder


def tiny_checkpoint(folder: Path, labels: dict[int, str]) -> Path:
    import sys

    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    sys.path.insert(0, str(ROOT))
    from tests.tiny_models import build_tiny_bert

    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    base = build_tiny_bert(folder / "base", texts)
    config = AutoConfig.from_pretrained(base, id2label=labels, label2id={v: k for k, v in labels.items()})
    torch.manual_seed(0)
    AutoModelForSequenceClassification.from_config(config).save_pretrained(folder)
    for name in base.iterdir():
        if name.is_file() and name.name not in ("config.json", "model.safetensors"):
            (folder / name.name).write_bytes(name.read_bytes())
    return folder


def best_time(run: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=64, help="passages per run (default 64)")
    parser.add_argument("--repeats", type=int, default=2, help="interleaved runs; the best is kept")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 1])
    parser.add_argument("--documents", type=int, default=5,
                        help="cleaned seed documents per run (default 5: each seed once; 0 skips documents)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--lora-model",
                        help="a folder saved by `stance train --backend lora` (default: the shipped one)")
    parser.add_argument("--transformer-model", help="a fine-tuned stance model folder (default: random head)")
    parser.add_argument("--nli-model", help="an NLI model for zero-shot (default: random head on e5-small)")
    parser.add_argument("--tiny", action="store_true", help="tiny random models for transformer and zero-shot")
    args = parser.parse_args()

    import torch

    from stance.classify import (
        EmbeddingStanceClassifier,
        LoraStanceClassifier,
        TransformerStanceClassifier,
        ZeroShotStanceClassifier,
        classify_documents,
        document_passages,
    )

    passages = seed_passages(args.passages)
    documents = seed_documents(args.documents)
    work = Path(tempfile.mkdtemp(prefix="stance-bench-"))
    stance_labels = {0: "bullish", 1: "skeptical", 2: "neutral"}
    nli_labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    notes = []
    embedding = EmbeddingStanceClassifier.load(device=args.device, progress=False)
    lora = LoraStanceClassifier.load(args.lora_model, device=args.device, progress=False)
    notes.append(f"lora: {args.lora_model or 'the shipped default'} (adapters on the top {lora.layers} layers)")
    if args.transformer_model:
        transformer_path = Path(args.transformer_model)
        notes.append(f"transformer: {args.transformer_model}")
    elif args.tiny:
        transformer_path = tiny_checkpoint(work / "tiny-stance", stance_labels)
        notes.append("transformer: tiny random BERT (2 layers, 32 wide), NOT a trained model")
    else:
        transformer_path = random_head_checkpoint("e5-small", work / "e5-stance", stance_labels)
        notes.append("transformer: e5-small with a random 3-label head (speed of a fine-tuned e5-small)")
    transformer = TransformerStanceClassifier.load(transformer_path, device=args.device, progress=False)
    if args.nli_model:
        nli_reference = args.nli_model
        notes.append(f"zero-shot: {args.nli_model}")
    elif args.tiny:
        nli_reference = str(tiny_checkpoint(work / "tiny-nli", nli_labels))
        notes.append("zero-shot: tiny random BERT NLI, NOT a trained model")
    else:
        nli_reference = str(random_head_checkpoint("e5-small", work / "e5-nli", nli_labels))
        notes.append("zero-shot: e5-small with a random NLI head (mdeberta-xnli is larger and slower)")
    zero_shot = ZeroShotStanceClassifier(nli_reference, device=args.device, progress=False)

    def runner(name: str, batch: int) -> Callable[[], object]:
        if name == "embedding documents":
            def run() -> object:
                embedding.encoder.batch_size = batch
                return classify_documents(documents, embedding)
        elif name == "lora documents":
            def run() -> object:
                lora.encoder.batch_size = batch
                return classify_documents(documents, lora)
        elif name == "embedding":
            def run() -> object:
                embedding.encoder.batch_size = batch
                return embedding.predict_proba(passages)
        elif name == "lora":
            def run() -> object:
                lora.encoder.batch_size = batch
                return lora.predict_proba(passages)
        elif name == "transformer":
            def run() -> object:
                transformer.batch_size = batch
                return transformer.predict_proba(passages)
        else:
            def run() -> object:
                zero_shot.batch_size = batch
                return zero_shot.predict_proba(passages)
        return run

    names = ("embedding", "lora", "transformer", "zero-shot")
    runs = [(name, batch) for batch in args.batch_sizes for name in names]
    document_runs = [("embedding documents", 32), ("lora documents", 32)] if documents else []
    for model in (embedding, lora, transformer, zero_shot):  # warm-up: first calls load weights and fill caches
        model.predict_proba(passages[:4])
    if documents:
        classify_documents(documents[:1], lora)  # loads the embedding head the aggregation reads
    timings: dict[tuple[str, int], tuple[float, float]] = {}
    for _ in range(args.repeats):
        for key in runs + document_runs:
            wall, cpu = best_time(runner(*key))
            old = timings.get(key, (float("inf"), float("inf")))
            timings[key] = (min(old[0], wall), min(old[1], cpu))

    words = sum(len(passage.split()) for passage in passages)
    print(f"{len(passages)} seed passages ({words / len(passages):.0f} words on average), device {args.device}, "
          f"{torch.get_num_threads()} torch threads, torch {torch.__version__}")
    for note in notes:
        print(f"  {note}")
    reference_key = ("embedding", 32) if ("embedding", 32) in timings else runs[0]
    reference = len(passages) / timings[reference_key][0]
    print(f"\nreference: embedding at batch {reference_key[1]} = {reference:.1f} passages/s\n")
    print(f"{'backend':<12} {'batch':>5} {'passages/s':>11} {'ratio':>7} {'cpu s':>7}")
    for name, batch in runs:
        wall, cpu = timings[(name, batch)]
        speed = len(passages) / wall
        print(f"{name:<12} {batch:>5} {speed:11.1f} {speed / reference:6.2f}x {cpu:7.1f}")
    if documents:
        count = sum(len(document_passages(document)) for document in documents)
        print(f"\n{len(documents)} cleaned seed documents ({count} passages), batch 32, ratio to the embedding head's")
        print(f"{'backend':<12} {'documents/s':>11} {'ratio':>7} {'cpu s':>7}")
        reference = len(documents) / timings[("embedding documents", 32)][0]
        for (name, _), label in zip(document_runs, ("embedding", "lora"), strict=True):
            wall, cpu = timings[(name, 32)]
            speed = len(documents) / wall
            print(f"{label:<12} {speed:11.3f} {speed / reference:6.2f}x {cpu:7.1f}")


if __name__ == "__main__":
    main()
