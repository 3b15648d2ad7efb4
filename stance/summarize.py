"""Summaries of French articles: extractive by default, any seq2seq model on request.

Three summarisers share one interface (:class:`Summarizer`): ``summarize(text)``
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

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, overload, runtime_checkable

import numpy as np

from .errors import InputError, StanceError
from .segment import Span, segment

if TYPE_CHECKING:
    from .clean import Cleaner
    from .document import Document
    from .encode import Encoder

log = logging.getLogger(__name__)

__all__ = [
    "ExtractiveSummarizer",
    "LeadSummarizer",
    "Seq2SeqSummarizer",
    "Summarizer",
    "Summary",
    "SummarySentence",
    "load_summarizer",
    "summarize_documents",
]


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence chosen for an extractive summary, with its offsets in the summarised
    text (``text[start:end] == sentence.text``) and the score that chose it."""

    start: int
    end: int
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "score": round(self.score, 6)}


@dataclass(frozen=True)
class Summary:
    """The summary of one document.

    ``sentences`` holds the chosen sentences, in document order, for extractive
    summaries (empty for abstractive ones); ``method`` names what made it.

    >>> Summary("Le CAC 40 a progressé.", method="lead").to_record("a1")
    {'id': 'a1', 'summary': 'Le CAC 40 a progressé.'}
    """

    text: str
    sentences: tuple[SummarySentence, ...] = ()
    method: str = ""

    def to_record(self, doc_id: str | None) -> dict[str, Any]:
        """The JSON record of ``stance summarize`` (DESIGN.md), plus the chosen
        sentences with offsets and scores when there are any."""
        record: dict[str, Any] = {"id": doc_id, "summary": self.text}
        if self.sentences:
            record["sentences"] = [sentence.to_dict() for sentence in self.sentences]
        return record


@runtime_checkable
class Summarizer(Protocol):
    """Anything that turns texts into :class:`Summary` records.

    A ``str`` in gives one :class:`Summary` out; a sequence of texts gives a list.
    """

    def summarize(self, texts: str | Sequence[str]) -> Summary | list[Summary]: ...


class BaseSummarizer(ABC):
    """Checks the input and dispatches a single text or a batch; subclasses
    implement :meth:`summarize_batch` only."""

    method = "summarizer"

    @overload
    def summarize(self, texts: str) -> Summary: ...

    @overload
    def summarize(self, texts: Sequence[str]) -> list[Summary]: ...

    def summarize(self, texts: str | Sequence[str]) -> Summary | list[Summary]:
        """Summarise one text (gives a :class:`Summary`) or a sequence of texts (a list)."""
        if isinstance(texts, str):
            return self.summarize_batch([texts])[0]
        if isinstance(texts, bytes) or not isinstance(texts, Iterable):
            raise InputError(
                f"expected a str or a list of str to summarise, got {type(texts).__name__}; "
                "pass the (cleaned) article text"
            )
        batch = list(texts)
        for index, text in enumerate(batch):
            if not isinstance(text, str):
                raise InputError(
                    f"expected every text to summarise to be a str, got {type(text).__name__} "
                    f"at index {index}; pass the (cleaned) article texts"
                )
        return self.summarize_batch(batch) if batch else []

    @abstractmethod
    def summarize_batch(self, texts: list[str]) -> list[Summary]:
        """One :class:`Summary` per text, in order."""


# --------------------------------------------------------------------------------------
# Sentence choice shared by the extractive summarisers


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _is_lead_in(text: str) -> bool:
    """Questions and lines that announce what follows ("... est le suivant :") read
    badly out of context in a summary."""
    end = text.rstrip(" \u00a0\u202f»”\"')")
    return end.endswith(("?", ":"))


# Openings that lean on the sentence before ("Ce montant...", "Parmi eux...",
# "Il..."): out of context, in a summary, they point at nothing.
_DANGLING = re.compile(
    r"^(?:[«“\"(]\s*)?(?:ce|cet|cette|ces|cela|ça|ceci|celui|celle|ceux|celles|il|elle|ils|elles|"
    r"lui|leur|eux|parmi (?:eux|elles|ceux|celles)|et|or|mais|pourtant|cependant|toutefois|néanmoins|"
    r"ainsi|donc|alors|ensuite|enfin|puis|aussi|en effet|de plus|par ailleurs|d'ailleurs|"
    r"d’ailleurs|après tout|en revanche|au contraire|là|y)\b",
    re.IGNORECASE,
)


def depends_on_context(text: str) -> bool:
    """Whether a sentence opens on a pronoun or connective that needs the sentence before.

    >>> depends_on_context("Ce montant reste modeste."), depends_on_context("Le CAC 40 monte.")
    (True, False)
    """
    return _DANGLING.match(text) is not None


def candidate_sentences(text: str, min_words: int = 5) -> list[Span]:
    """The sentences of ``text`` that can stand in a summary, in document order.

    Headings, bullet items, questions, lead-ins ending with a colon and sentences
    under ``min_words`` words are left out; when that leaves nothing, the best
    that there is (any sentence or bullet item, then headings) is used instead.

    >>> [s.text for s in candidate_sentences("Titre\\n\\nPourquoi ? Le CAC 40 a gagné 2 % vendredi.")]
    ['Le CAC 40 a gagné 2 % vendredi.']
    """
    spans = segment(text)
    good = [s for s in spans if s.kind == "sentence" and s.words >= min_words and not _is_lead_in(s.text)]
    if good:
        return good
    fallback = [s for s in spans if s.kind != "heading" and s.words > 0]
    return fallback or [s for s in spans if s.words > 0]


def _within_budget(
    order: Sequence[int], spans: Sequence[Span], max_sentences: int | None, max_words: int | None
) -> list[int]:
    """Take sentences in ``order`` while they fit the budget; the first always fits."""
    chosen: list[int] = []
    words = 0
    for index in order:
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        length = spans[index].words
        if chosen and max_words is not None and words + length > max_words:
            continue
        chosen.append(index)
        words += length
    return sorted(chosen)


def _check_budget(max_sentences: int | None, max_words: int | None) -> None:
    if max_sentences is None and max_words is None:
        raise InputError("expected a budget: give max_sentences, max_words or both, got neither")
    for name, value in (("max_sentences", max_sentences), ("max_words", max_words)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise InputError(f"expected {name} to be a whole number >= 1 or None, got {value!r}")


def _position_prior(count: int, scale: float) -> np.ndarray:
    """News puts the gist first: a prior that halves after ``scale`` sentences."""
    return 1.0 / (1.0 + np.arange(count, dtype=np.float64) / scale)


def _summary(spans: Sequence[Span], chosen: Sequence[int], scores: Sequence[float], method: str) -> Summary:
    sentences = tuple(SummarySentence(spans[i].start, spans[i].end, spans[i].text, float(scores[i])) for i in chosen)
    return Summary(" ".join(s.text for s in sentences), sentences, method)


class LeadSummarizer(BaseSummarizer):
    """The first sentences of the article (headings, questions and fragments
    skipped): the Lead-k baseline extractive methods are measured against.

    >>> LeadSummarizer(max_sentences=2).summarize("Le CAC 40 a gagné 2 % vendredi. Les banques montent. Fin.").text
    'Le CAC 40 a gagné 2 % vendredi. Les banques montent.'
    """

    method = "lead"

    def __init__(self, max_sentences: int | None = 3, max_words: int | None = None, min_words: int = 3) -> None:
        _check_budget(max_sentences, max_words)
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.min_words = min_words

    def __repr__(self) -> str:
        return f"LeadSummarizer(max_sentences={self.max_sentences}, max_words={self.max_words})"

    def summarize_batch(self, texts: list[str]) -> list[Summary]:
        summaries = []
        for text in texts:
            spans = candidate_sentences(text, self.min_words)
            chosen = _within_budget(range(len(spans)), spans, self.max_sentences, self.max_words)
            prior = _position_prior(len(spans), scale=3.0)
            summaries.append(_summary(spans, chosen, prior, self.method))
        return summaries


# A batch of at least this many documents shows a progress bar (on a terminal).
_PROGRESS_MIN_DOCUMENTS = 32


class ExtractiveSummarizer(BaseSummarizer):
    """Picks the article's most central, least redundant sentences (the offline default).

    Each candidate sentence (see :func:`candidate_sentences`) is embedded with
    the encoder (``e5-small`` by default). Its centrality is measured on the
    graph of cosine similarities between sentences:

    - ``centrality="directed"`` (default, PacSum-style degree centrality, as in
      LexRank): edges above a threshold placed at ``edge_threshold`` of the
      document's similarity range; a sentence gains from the later sentences
      that resemble it and loses half as much from the earlier ones, because
      news states a point first and elaborates on it afterwards;
    - ``centrality="pagerank"`` (TextRank): PageRank on the positive-weight graph.

    The score mixes centrality (stretched to [0, 1]) with a lead prior
    (``position_weight``) and subtracts ``context_penalty`` from sentences that
    open on a pronoun or connective ("Cela...", "Parmi eux..."). Sentences are
    then taken by maximal marginal relevance (``diversity`` trades score for
    novelty), near-duplicates never twice, until ``max_sentences`` and/or
    ``max_words`` is reached, and returned in document order with their scores
    and offsets. Ties go to the earlier sentence, so results are deterministic.

    >>> summarizer = ExtractiveSummarizer(max_sentences=2)        # doctest: +SKIP
    >>> [s.start for s in summarizer.summarize(article).sentences]  # doctest: +SKIP
    [0, 412]
    """

    method = "extractive"

    def __init__(
        self,
        encoder: str | Encoder = "e5-small",
        *,
        max_sentences: int | None = 3,
        max_words: int | None = None,
        centrality: str = "directed",
        position_weight: float = 0.4,
        position_scale: float = 3.0,
        context_penalty: float = 0.15,
        diversity: float = 0.3,
        duplicate_threshold: float = 0.97,
        edge_threshold: float = 0.6,
        backward_weight: float = 0.5,
        min_words: int = 5,
        damping: float = 0.85,
        device: str = "auto",
        batch_size: int = 32,
        progress: bool | None = None,
    ) -> None:
        _check_budget(max_sentences, max_words)
        if centrality not in ("directed", "pagerank"):
            raise InputError(f"expected centrality 'directed' or 'pagerank', got {centrality!r}")
        for name, value in (
            ("position_weight", position_weight),
            ("diversity", diversity),
            ("damping", damping),
            ("edge_threshold", edge_threshold),
            ("duplicate_threshold", duplicate_threshold),
        ):
            if not 0.0 <= value <= 1.0:
                raise InputError(f"expected {name} between 0 and 1, got {value!r}")
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.centrality = centrality
        self.position_weight = position_weight
        self.position_scale = position_scale
        self.context_penalty = context_penalty
        self.diversity = diversity
        self.duplicate_threshold = duplicate_threshold
        self.edge_threshold = edge_threshold
        self.backward_weight = backward_weight
        self.min_words = min_words
        self.damping = damping
        self._encoder_name = encoder if isinstance(encoder, str) else None
        self._encoder: Encoder | None = None if isinstance(encoder, str) else encoder
        self._device = device
        self._batch_size = batch_size
        self.progress = progress

    def __repr__(self) -> str:
        encoder = self._encoder_name or getattr(getattr(self._encoder, "spec", None), "name", "custom")
        return (
            f"ExtractiveSummarizer(encoder={encoder!r}, max_sentences={self.max_sentences}, "
            f"max_words={self.max_words}, centrality={self.centrality!r}, "
            f"position_weight={self.position_weight}, diversity={self.diversity})"
        )

    @property
    def encoder(self) -> Encoder:
        """The sentence encoder, loaded on first use."""
        if self._encoder is None:
            from .encode import Encoder

            self._encoder = Encoder(self._encoder_name, device=self._device, batch_size=self._batch_size)
        return self._encoder

    def summarize_batch(self, texts: list[str]) -> list[Summary]:
        from tqdm.auto import tqdm

        # like batched_map: a bar on a terminal when the job is long, unless told otherwise
        disable = (len(texts) < _PROGRESS_MIN_DOCUMENTS or None) if self.progress is None else not self.progress
        # with a bar over documents, none per document inside it
        inner = False if disable is not True else self.progress
        summaries = []
        for text in tqdm(texts, desc="summarising", unit="doc", disable=disable):
            spans = candidate_sentences(text, self.min_words)
            # one encoder call per document: batching sentences across documents would
            # let a document's neighbours change its embeddings in the last float bits,
            # and so, on near ties, its summary
            vectors = (
                self.encoder.encode([span.text for span in spans], kind="passage", progress=inner) if spans else None
            )
            summaries.append(self.select(spans, np.asarray(vectors, dtype=np.float64)))
        return summaries

    def score(self, spans: Sequence[Span], vectors: np.ndarray) -> np.ndarray:
        """The score of each candidate sentence, given its L2-normalised embedding."""
        count = len(spans)
        if count == 0:
            return np.zeros(0)
        centrality = self._pagerank(vectors) if self.centrality == "pagerank" else self._directed(vectors)
        prior = _position_prior(count, self.position_scale)
        dangling = np.array([depends_on_context(span.text) for span in spans], dtype=np.float64)
        mixed = (1.0 - self.position_weight) * centrality + self.position_weight * prior
        return mixed - self.context_penalty * dangling

    def select(self, spans: Sequence[Span], vectors: np.ndarray) -> Summary:
        """The summary made of ``spans`` (candidate sentences) given their embeddings."""
        if not spans:
            return Summary("", (), self.method)
        scores = self.score(spans, vectors)
        similarity = vectors @ vectors.T
        # redundancy is judged on centred cosines, which tell apart what raw ones do not
        redundancy = np.clip(_centred_cosine(vectors), 0.0, None) if len(spans) >= 3 else similarity
        keys = [_normalised(span.text) for span in spans]
        order: list[int] = []
        remaining = list(range(len(spans)))
        while remaining:
            if order:
                penalty = redundancy[np.ix_(remaining, order)].max(axis=1)
            else:
                penalty = np.zeros(len(remaining))
            value = (1.0 - self.diversity) * scores[remaining] - self.diversity * penalty
            # argmax takes the first of equal values, i.e. the earlier sentence; rounding
            # keeps float noise from deciding ties
            best = remaining[int(np.argmax(np.round(value, 9)))]
            remaining.remove(best)
            if any(similarity[best, j] >= self.duplicate_threshold or keys[best] == keys[j] for j in order):
                continue
            order.append(best)
        chosen = _within_budget(order, spans, self.max_sentences, self.max_words)
        return _summary(spans, chosen, scores, self.method)

    def _directed(self, vectors: np.ndarray) -> np.ndarray:
        count = len(vectors)
        if count < 3:
            return np.ones(count)
        similarity = vectors @ vectors.T
        others = similarity[~np.eye(count, dtype=bool)]
        threshold = others.min() + self.edge_threshold * (others.max() - others.min())
        edges = np.clip(similarity - threshold, 0.0, None)
        np.fill_diagonal(edges, 0.0)
        forward = np.triu(edges, 1).sum(axis=1)
        backward = np.tril(edges, -1).sum(axis=1)
        return _stretch(forward - self.backward_weight * backward)

    def _pagerank(self, vectors: np.ndarray) -> np.ndarray:
        count = len(vectors)
        if count < 3:
            return np.ones(count)
        weights = np.clip(vectors @ vectors.T, 0.0, None)
        np.fill_diagonal(weights, 0.0)
        totals = weights.sum(axis=1, keepdims=True)
        # a sentence like no other links to every sentence alike rather than to none
        transition = np.where(totals > 0, weights / np.where(totals > 0, totals, 1.0), 1.0 / count)
        rank = np.full(count, 1.0 / count)
        for _ in range(200):
            updated = (1.0 - self.damping) / count + self.damping * transition.T @ rank
            converged = np.abs(updated - rank).sum() < 1e-10
            rank = updated
            if converged:
                break
        return _stretch(rank)


def _stretch(values: np.ndarray) -> np.ndarray:
    """Min-max scale to [0, 1]: embedding cosines, and so centralities, sit in a narrow
    band, and the position prior should weigh what its weight says."""
    spread = values.max() - values.min()
    return (values - values.min()) / spread if spread > 1e-12 else np.ones(len(values))


def _centred_cosine(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity after removing the mean vector: embedding models put every
    sentence in a narrow cone, where raw cosines barely differ."""
    centred = vectors - vectors.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    centred = centred / np.where(norms > 1e-12, norms, 1.0)
    return centred @ centred.T


# --------------------------------------------------------------------------------------
# Abstractive summaries with any seq2seq model

# T5-family weights overflow in float16; bfloat16 or float32 only.
_T5_FAMILY = frozenset({"t5", "mt5", "umt5", "longt5", "byt5", "switch_transformers"})
# tokenizers that do not know their limit say so with a huge model_max_length
_NO_LIMIT = 1_000_000
_DEFAULT_INPUT_LIMIT = 512


class Seq2SeqSummarizer(BaseSummarizer):
    """Abstractive summaries from any Hugging Face seq2seq checkpoint.

    ``model`` is a registry name (``mt5-xlsum``, ``barthez-orangesum``), a hub id
    or a local path; generation settings come from the model's spec and can be
    overridden here. Texts longer than the model's input limit are split on
    sentence boundaries into chunks that fit (special tokens and the task prefix
    included), the chunks are summarised in batches across documents, and the
    joined chunk summaries are summarised again until they fit in one input
    (map-reduce). Nothing is ever truncated: a reduce step that does not shrink
    stops there, keeps the joined chunk summaries and logs a warning.

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

        from .registry import get_spec, locate
        from .runtime import resolve_device, resolve_dtype

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
        self.max_input_tokens = self._input_limit(config, max_input_tokens)
        self._overhead = self.tokenizer.num_special_tokens_to_add(pair=False) + self.count_tokens(self.prefix)
        self.chunk_tokens = self.max_input_tokens - self._overhead
        if self.chunk_tokens < 8:
            raise StanceError(
                f"the input limit of {model!r} ({self.max_input_tokens} tokens) leaves "
                f"{self.chunk_tokens} tokens for text after the prefix and special tokens; "
                "expected at least 8: raise max_input_tokens or shorten the prefix"
            )

    def __repr__(self) -> str:
        return (
            f"Seq2SeqSummarizer({self.name!r}, device={str(self.device)!r}, dtype={str(self.dtype)!r}, "
            f"max_input_tokens={self.max_input_tokens}, generation={self.generation})"
        )

    def _input_limit(self, config: Any, override: int | None) -> int:
        limits = [int(value) for value in (self.spec.max_input_tokens, override) if value]
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        if tokenizer_limit and tokenizer_limit < _NO_LIMIT:
            limits.append(int(tokenizer_limit))
        positions = getattr(config, "max_position_embeddings", None)
        if positions:
            limits.append(int(positions))
        if override:
            # the user may lower the limit, never raise it past what the model can take
            limits = [limit for limit in limits if limit <= override] or [override]
        if not limits:
            log.warning(
                "%s: no input limit in its spec, tokenizer or config; using %d tokens",
                self.name,
                _DEFAULT_INPUT_LIMIT,
            )
            return _DEFAULT_INPUT_LIMIT
        return min(limits)

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` without special tokens."""
        if not text:
            return 0
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def _counts(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def _fits(self, text: str) -> bool:
        return (
            self.count_tokens(self.prefix + text) + self.tokenizer.num_special_tokens_to_add(pair=False)
            <= self.max_input_tokens
        )

    def chunk(self, text: str) -> list[str]:
        """Split ``text`` into pieces that each fit the model input, on sentence
        boundaries (on word boundaries inside a sentence too long on its own).

        >>> summarizer.chunk(long_article)[0][:40]                      # doctest: +SKIP
        """
        text = text.strip()
        if not text:
            return []
        if self._fits(text):
            return [text]
        pieces: list[tuple[int, int]] = []
        spans = segment(text)
        for span, tokens in zip(spans, self._counts([s.text for s in spans]), strict=True):
            if tokens < self.chunk_tokens:
                pieces.append((span.start, span.end))
            else:
                pieces.extend(self._split_long(text, span.start, span.end))
        counts = self._counts([text[a:b] for a, b in pieces])
        chunks: list[tuple[int, int]] = []
        start = 0
        while start < len(pieces):
            # greedy: add sentences while their token counts fit, then check the joined text
            end = start + 1
            total = counts[start]
            while end < len(pieces) and total + counts[end] + 1 <= self.chunk_tokens:
                total += counts[end] + 1
                end += 1
            while end - start > 1 and not self._fits(text[pieces[start][0] : pieces[end - 1][1]]):
                end -= 1
            if end - start == 1 and not self._fits(text[pieces[start][0] : pieces[start][1]]):
                # with the prefix before it, a sentence can take a token more than counted alone
                chunks.extend(self._split_long(text, *pieces[start]))
            else:
                chunks.append((pieces[start][0], pieces[end - 1][1]))
            start = end
        return [text[a:b] for a, b in chunks]

    def _split_long(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Cut ``text[start:end]`` at word (else character) boundaries into pieces that fit."""
        pieces = []
        while start < end:
            if self._fits(text[start:end]):
                pieces.append((start, end))
                break
            cuts = [m.end() for m in re.finditer(r"\S+", text[start:end])]
            cuts = [start + c for c in cuts]
            if len(cuts) < 2 or not self._fits(text[start : cuts[0]]):
                cuts = list(range(start + 1, end + 1))
            # binary search for the longest prefix that fits
            low, high = 0, len(cuts) - 1
            while low < high:
                middle = (low + high + 1) // 2
                if self._fits(text[start : cuts[middle]]):
                    low = middle
                else:
                    high = middle - 1
            cut = cuts[low]
            pieces.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        return pieces

    def summarize_batch(self, texts: list[str]) -> list[Summary]:
        results: list[str] = [""] * len(texts)
        # documents still being summarised: index -> current text and its size in tokens
        current = {i: text.strip() for i, text in enumerate(texts) if text.strip()}
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
        from .runtime import batched_map

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
        if not isinstance(settings[name], int) or settings[name] < 1:
            raise InputError(f"expected {name} to be a whole number >= 1, got {settings[name]!r}")
    # beam-only settings would only warn with greedy search
    if settings["num_beams"] == 1:
        settings.pop("length_penalty", None)
    else:
        settings.setdefault("early_stopping", True)
    settings["do_sample"] = False  # summaries must be reproducible
    return settings


# --------------------------------------------------------------------------------------
# Entry points for the CLI and pipelines

_EXTRACTIVE_NAMES = frozenset({"extractive", "default"})
_LEAD_NAMES = frozenset({"lead", "lead-k"})


def load_summarizer(
    model: str | None = None,
    *,
    device: str = "auto",
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

    >>> load_summarizer("lead", max_sentences=2).max_sentences
    2
    """
    name = (model or "extractive").strip()
    if name.lower() in _EXTRACTIVE_NAMES:
        return ExtractiveSummarizer(device=device, max_sentences=max_sentences, max_words=max_words, **options)
    if name.lower() in _LEAD_NAMES:
        return LeadSummarizer(max_sentences=max_sentences, max_words=max_words, **options)
    from .registry import get_spec, locate

    spec = get_spec(name)
    task = spec.task
    if task == "any":
        from transformers import AutoConfig

        seq2seq = getattr(AutoConfig.from_pretrained(locate(name)), "is_encoder_decoder", False)
        task = "summarize" if seq2seq else "embed"
    if task == "embed":
        return ExtractiveSummarizer(name, device=device, max_sentences=max_sentences, max_words=max_words, **options)
    if task == "summarize":
        return Seq2SeqSummarizer(name, device=device, **options)
    raise InputError(
        f"expected a summarisation or embedding model, got {name!r} whose task is {spec.task!r}; "
        "use extractive, lead, an encoder such as e5-small or a seq2seq model such as mt5-xlsum"
    )


@cache
def _cleaner() -> Cleaner:
    from .clean import Cleaner

    return Cleaner()


def summarize_documents(
    summarizer: Summarizer, documents: Sequence[Document], *, clean: bool = True
) -> list[dict[str, Any]]:
    """Output records ``{"id", "summary", ...}`` for a batch of raw documents,
    cleaned first unless ``clean`` is False.

    >>> from stance.document import Document
    >>> records = summarize_documents(LeadSummarizer(), [Document("a1", "Le CAC 40 a fini en hausse.")])
    >>> records[0]["id"], records[0]["summary"]
    ('a1', 'Le CAC 40 a fini en hausse.')
    """
    if clean:
        texts = [_cleaner().clean(doc.text, doc_id=doc.id).text for doc in documents]
    else:
        texts = [doc.text for doc in documents]
    summaries = summarizer.summarize(texts)
    return [summary.to_record(doc.id) for doc, summary in zip(documents, summaries, strict=True)]
