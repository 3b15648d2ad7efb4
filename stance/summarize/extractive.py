"""Extractive summaries: the lead baseline and sentence centrality with an encoder."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..document import Summary, SummarySentence
from ..errors import InputError
from ..segmentation import Span, segment
from .base import Summarizer

if TYPE_CHECKING:
    from ..encode import Encoder

log = logging.getLogger("stance")

__all__ = ["ExtractiveSummarizer", "LeadSummarizer", "candidate_sentences", "depends_on_context"]

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


class LeadSummarizer(Summarizer):
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


class ExtractiveSummarizer(Summarizer):
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
            from ..encode import Encoder

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
