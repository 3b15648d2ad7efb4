"""Abstractive summaries with any Hugging Face seq2seq model, map-reduce over chunks."""

from __future__ import annotations

import logging
from typing import Any

from ..document import Summary
from ..errors import StanceError, whole_number
from ..segmentation import chunk
from .base import Summarizer
from .extractive import nothing_to_summarize

log = logging.getLogger("stance")

__all__ = ["Seq2SeqSummarizer"]

# --------------------------------------------------------------------------------------
# Abstractive summaries with any seq2seq model

# T5-family weights overflow in float16; bfloat16 or float32 only.
_T5_FAMILY = frozenset({"t5", "mt5", "umt5", "longt5", "byt5", "switch_transformers"})


class Seq2SeqSummarizer(Summarizer):
    """Abstractive summaries from any Hugging Face seq2seq checkpoint.

    ``model`` is a registry name (``mt5-xlsum``, ``barthez-orangesum``), a hub id
    or a local path; generation settings come from the model's spec and can be
    overridden here. Texts longer than the model's input limit are split on
    sentence boundaries into chunks that fit (special tokens and the task prefix
    included), the chunks are summarised in batches across documents, and the
    joined chunk summaries are summarised again until they fit in one input
    (map-reduce). Nothing is ever truncated: a reduce step that does not shrink
    stops there, keeps the joined chunk summaries and logs a warning. A text with
    nothing to summarise (blank, or a page of menus or links without one article
    sentence: :func:`~stance.summarize.extractive.nothing_to_summarize`) gets an
    empty summary, as from the extractive summarisers, and never reaches the model,
    which would make a summary up from the menu.

    >>> summarizer = Seq2SeqSummarizer("mt5-xlsum", device="cuda")   # doctest: +SKIP
    >>> summarizer.summarize(article).text                           # doctest: +SKIP
    """

    method = "seq2seq"

    def __init__(
        self,
        model: str = "mt5-xlsum",
        *,
        device: str = "auto",
        dtype: str | None = None,
        batch_size: int = 8,
        num_beams: int | None = None,
        no_repeat_ngram_size: int | None = None,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        length_penalty: float | None = None,
        max_input_tokens: int | None = None,
        max_depth: int = 8,
        progress: bool | None = None,
    ) -> None:
        from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

        from ..registry import get_spec, locate
        from ..runtime import input_limit, loading, resolve_device, resolve_dtype

        self.spec = get_spec(model)
        path = locate(model)
        config = AutoConfig.from_pretrained(path)
        if not getattr(config, "is_encoder_decoder", False):
            raise StanceError(
                f"expected a seq2seq (encoder-decoder) model for summaries, got {model!r} "
                f"of type {config.model_type!r}; use a model such as mt5-xlsum or barthez-orangesum"
            )
        self.device = resolve_device(device)
        # float16 is allowed only when neither the spec nor the architecture rules it out
        fp16_ok = self.spec.fp16_ok and config.model_type not in _T5_FAMILY
        self.dtype = resolve_dtype(self.device, dtype, bf16_ok=self.spec.bf16_ok, fp16_ok=fp16_ok)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        with loading(progress):
            self.model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=self.dtype).to(self.device).eval()
        self.name = self.spec.name
        self.method = f"seq2seq:{self.spec.name}"
        self.batch_size = batch_size
        self.max_depth = max_depth
        self.progress = progress
        self.prefix = _summary_prefix(self.spec)
        self.generation = _generation_settings(
            self.spec.generation,
            num_beams=num_beams,
            no_repeat_ngram_size=no_repeat_ngram_size,
            max_new_tokens=max_new_tokens,
            min_new_tokens=min_new_tokens,
            length_penalty=length_penalty,
        )
        self.max_input_tokens = input_limit(self.spec, self.tokenizer, config, max_input_tokens)
        self._overhead = self.tokenizer.num_special_tokens_to_add(pair=False) + self.count_tokens(self.prefix)
        self.chunk_tokens = self.max_input_tokens - self._overhead
        if self.chunk_tokens < 8:
            raise StanceError(
                f"the input limit of {model!r} ({self.max_input_tokens} tokens) leaves "
                f"{self.chunk_tokens} tokens for text after the prefix and special tokens; "
                "expected at least 8: raise max_input_tokens or shorten the prefix"
            )

    def __repr__(self) -> str:
        """What makes its summaries, as an output's settings record them: its precision, not its device (an
        output may be resumed on another)."""
        return (
            f"Seq2SeqSummarizer({self.name!r}, dtype={str(self.dtype)!r}, "
            f"max_input_tokens={self.max_input_tokens}, generation={self.generation})"
        )

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` without special tokens."""
        if not text:
            return 0
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def _fits(self, text: str) -> bool:
        return (
            self.count_tokens(self.prefix + text) + self.tokenizer.num_special_tokens_to_add(pair=False)
            <= self.max_input_tokens
        )

    def chunk(self, text: str) -> list[str]:
        """Split ``text`` into pieces that each fit the model input with its prefix and
        special tokens (:func:`stance.segmentation.chunk`: sentence boundaries, else words).

        >>> summarizer.chunk(long_article)[0][:40]                      # doctest: +SKIP
        """
        return chunk(text, self._fits)

    def summarize_batch(self, texts: list[str]) -> list[Summary]:
        results: list[str] = [""] * len(texts)
        # documents still being summarised: index -> current text and its size in tokens
        current = {i: text.strip() for i, text in enumerate(texts) if not nothing_to_summarize(text)}
        sizes = {i: self.count_tokens(text) for i, text in current.items()}
        depth = 0
        while current:
            depth += 1
            chunked = {i: self.chunk(text) for i, text in current.items()}
            flat = [(i, piece) for i, pieces in chunked.items() for piece in pieces]
            outputs = self.generate([piece for _, piece in flat], desc=f"summarising (level {depth})")
            by_doc: dict[int, list[str]] = {i: [] for i in current}
            for (i, _), output in zip(flat, outputs, strict=True):
                by_doc[i].append(output)
            for i, summaries in by_doc.items():
                joined = "\n".join(summary for summary in summaries if summary)
                if len(summaries) <= 1 or not joined:
                    results[i] = joined
                    del current[i]
                    continue
                size = self.count_tokens(joined)
                if size >= sizes[i] or depth >= self.max_depth:
                    log.warning(
                        "document %d: the summaries of its %d chunks (%d tokens) do not fit in one input of "
                        "%d tokens and summarising them again %s; keeping them joined",
                        i,
                        len(summaries),
                        size,
                        self.max_input_tokens,
                        "does not shorten them" if size >= sizes[i] else f"would pass max_depth={self.max_depth}",
                    )
                    results[i] = joined
                    del current[i]
                else:
                    current[i] = joined
                    sizes[i] = size
        return [Summary(text, (), self.method) for text in results]

    def generate(self, texts: list[str], desc: str = "summarising") -> list[str]:
        """One generated summary per input text, each of which must fit the model input."""
        from ..runtime import batched_map

        inputs = [self.prefix + text for text in texts]

        def run(batch: list[str]) -> list[str]:
            encoded = self.tokenizer(batch, padding=True, truncation=False, return_tensors="pt")
            if encoded["input_ids"].shape[1] > self.max_input_tokens:
                raise StanceError(
                    f"an input of {encoded['input_ids'].shape[1]} tokens reached {self.name}, whose "
                    f"limit is {self.max_input_tokens}; expected chunk() to have split it"
                )
            encoded = {
                key: value.to(self.model.device)
                for key, value in encoded.items()
                if key in ("input_ids", "attention_mask")
            }
            output = self.model.generate(**encoded, **self.generation)
            return [text.strip() for text in self.tokenizer.batch_decode(output.cpu(), skip_special_tokens=True)]

        return batched_map(run, inputs, batch_size=self.batch_size, length=len, desc=desc, progress=self.progress)


def _summary_prefix(spec: Any) -> str:
    """The text put before every input, e.g. ``summarize = "summarize: "`` under
    ``[prefixes]`` in the spec of a T5 model trained with task prefixes."""
    return spec.prefix("summarize")


def _generation_settings(defaults: dict | None, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {"num_beams": 4, "no_repeat_ngram_size": 3, "max_new_tokens": 84}
    settings.update({k: v for k, v in (defaults or {}).items() if v is not None})
    settings.update({k: v for k, v in overrides.items() if v is not None})
    for name in ("num_beams", "max_new_tokens"):
        whole_number(settings[name], name)
    # beam-only settings would only warn with greedy search
    if settings["num_beams"] == 1:
        settings.pop("length_penalty", None)
    else:
        settings.setdefault("early_stopping", True)
    settings["do_sample"] = False  # summaries must be reproducible
    return settings
