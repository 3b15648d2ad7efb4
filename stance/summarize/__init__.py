"""Summaries of French articles: extractive by default, any seq2seq model on request.

Three summarisers share one base class (:class:`Summarizer`): ``summarize(text)``
gives a :class:`Summary`, ``summarize([texts])`` a list of them.

- :class:`ExtractiveSummarizer` (the offline default) picks the most central
  sentences of the article with sentence embeddings (an :class:`~stance.encode.Encoder`,
  ``e5-small`` by default), a lead prior and MMR against redundancy.
- :class:`LeadSummarizer` takes the first sentences: the baseline to beat.
- :class:`Seq2SeqSummarizer` runs any Hugging Face ``AutoModelForSeq2SeqLM``
  (mT5, T5, BART, mBART, BARThez), chunking long articles on sentence
  boundaries and summarising the chunk summaries again until one summary fits.

>>> from stance.summarize import LeadSummarizer
>>> LeadSummarizer(max_sentences=1).summarize("Titre\\n\\nLe CAC 40 a fini en hausse vendredi. Il a gagné 2 %.").text
'Le CAC 40 a fini en hausse vendredi.'
"""

from __future__ import annotations

from typing import Any

from ..document import Summary, SummarySentence
from ..errors import InputError
from .base import Summarizer
from .extractive import ExtractiveSummarizer, LeadSummarizer
from .seq2seq import Seq2SeqSummarizer

__all__ = [
    "ExtractiveSummarizer",
    "LeadSummarizer",
    "Seq2SeqSummarizer",
    "Summarizer",
    "Summary",
    "SummarySentence",
    "load_summarizer",
]

# --------------------------------------------------------------------------------------
# Entry points for the CLI and pipelines

_EXTRACTIVE_NAMES = frozenset({"extractive", "default"})
_LEAD_NAMES = frozenset({"lead", "lead-k"})


def load_summarizer(
    model: str | None = None,
    *,
    device: str = "auto",
    dtype: str | None = None,
    max_sentences: int | None = 3,
    max_words: int | None = None,
    **options: Any,
) -> Summarizer:
    """The summariser for a name: ``None`` or ``"extractive"`` (sentence centrality
    with ``e5-small``), ``"lead"``, an encoder (extractive with that encoder) or a
    seq2seq model; models are registry names, hub ids or local paths, and a model
    whose spec does not say its task is recognised by its config.

    ``max_sentences`` and ``max_words`` are the extractive budgets; a seq2seq
    summary's length follows its ``max_new_tokens`` (pass it in ``options``).
    ``dtype`` (``"fp32"``, ``"bf16"``, ``"fp16"``; default bf16 on an Ampere or newer
    GPU, else fp32) is the precision of the model; the lead summariser has none.

    >>> load_summarizer("lead", max_sentences=2).max_sentences
    2
    """
    name = (model or "extractive").strip()
    if name.lower() in _EXTRACTIVE_NAMES:
        return ExtractiveSummarizer(device=device, dtype=dtype, max_sentences=max_sentences, max_words=max_words,
                                    **options)
    if name.lower() in _LEAD_NAMES:
        return LeadSummarizer(max_sentences=max_sentences, max_words=max_words, **options)
    from ..registry import get_spec, locate

    spec = get_spec(name)
    task = spec.task
    if task == "any":
        from transformers import AutoConfig

        seq2seq = getattr(AutoConfig.from_pretrained(locate(name)), "is_encoder_decoder", False)
        task = "summarize" if seq2seq else "embed"
    if task == "embed":
        return ExtractiveSummarizer(name, device=device, dtype=dtype, max_sentences=max_sentences,
                                    max_words=max_words, **options)
    if task == "summarize":
        return Seq2SeqSummarizer(name, device=device, dtype=dtype, **options)
    raise InputError(
        f"expected a summarisation or embedding model, got {name!r} whose task is {spec.task!r}; "
        "use extractive, lead, an encoder such as e5-small or a seq2seq model such as mt5-xlsum"
    )
