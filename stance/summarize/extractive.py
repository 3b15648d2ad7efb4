"""Extractive summaries: the lead baseline and sentence centrality with an encoder."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..document import Summary, SummarySentence
from ..errors import UsageError, whole_number
from ..segmentation import Span, segment
from .base import Summarizer

if TYPE_CHECKING:
    from ..encode import Encoder

log = logging.getLogger("stance")

__all__ = [
    "ExtractiveSummarizer",
    "LeadSummarizer",
    "candidate_sentences",
    "depends_on_context",
    "nothing_to_summarize",
]

# --------------------------------------------------------------------------------------
# Sentence choice shared by the extractive summarisers


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _is_lead_in(text: str) -> bool:
    """Questions and lines that announce what follows ("... est le suivant :") read
    badly out of context in a summary, as do the items of a list whose markers were
    lost ("résider en France de manière stable ;"), which end on a semicolon or a comma.

    >>> _is_lead_in("Les conditions sont les suivantes :"), _is_lead_in("avoir plus de 18 ans ;")
    (True, True)
    """
    end = text.rstrip(" \u00a0\u202f»”\"')")
    return end.endswith(("?", ":", ";", ","))


# Openings that lean on the sentence before ("Ce montant...", "Parmi eux...",
# "Il..."): out of context, in a summary, they point at nothing.
_DANGLING = re.compile(
    r"^(?:[«“\"(]\s*)?(?:ce|cet|cette|ces|c['’]est|c['’]était|cela|ça|ceci|celui|celle|ceux|celles|il|elle|ils|elles|"
    r"lui|leur|eux|parmi (?:eux|elles|ceux|celles)|et|or|mais|pourtant|cependant|toutefois|néanmoins|"
    r"ainsi|donc|alors|ensuite|enfin|puis|aussi|en effet|de plus|par ailleurs|d'ailleurs|"
    r"d’ailleurs|après tout|en revanche|au contraire|là|y)\b",
    re.IGNORECASE,
)


def depends_on_context(text: str) -> bool:
    """Whether a sentence opens on a pronoun or connective that needs the sentence before.

    >>> depends_on_context("Ce montant reste modeste."), depends_on_context("Le CAC 40 monte.")
    (True, False)
    >>> depends_on_context("C’est ce que j’ai fait.")
    True
    """
    return _DANGLING.match(text) is not None


# The longest sentence a summary may quote whole. Longer "sentences" (a text without
# sentence punctuation, a table flattened to one line) are cut into pieces of this many
# words, so that a summary stays a summary whatever the input.
MAX_SENTENCE_WORDS = 100

_WORD = re.compile(r"\w+(?:[-’',./]{1,2}\w+)*")  # as segmentation.count_words counts them


def split_long(span: Span, max_words: int = MAX_SENTENCE_WORDS) -> list[Span]:
    """``span`` cut between words into pieces of at most ``max_words`` words (itself
    when it is short enough); offsets stay offsets into the same text.

    >>> [(s.start, s.text) for s in split_long(Span(0, 20, "un deux trois quatre"), 2)]
    [(0, 'un deux'), (8, 'trois quatre')]
    """
    if span.words <= max_words:
        return [span]
    starts = [match.start() for match in _WORD.finditer(span.text)][::max_words]
    pieces = []
    for begin, end in zip(starts, [*starts[1:], len(span.text)], strict=True):
        piece = span.text[begin:end].rstrip()
        pieces.append(Span(span.start + begin, span.start + begin + len(piece), piece, span.kind, span.paragraph))
    return pieces


# A greeting or a thank-you, after a speaker's name in a transcript ("Claire Mounier : Bonjour à tous."):
# no summary sentence, when it is short (GREETING_MAX_WORDS).
_GREETING = re.compile(r"^(?:[^:\n]{1,40}:\s*)?(?:bonjour|bonsoir|salut|merci|au revoir)\b", re.IGNORECASE)
GREETING_MAX_WORDS = 10


def _stands_alone(span: Span, min_words: int) -> bool:
    """Whether a span can be a summary sentence: a sentence of ``min_words`` or more, or a bullet item
    that is one (it ends a sentence: a list of announcements, of key figures), but no lead-in,
    question, list fragment or greeting."""
    if span.words < min_words or _is_lead_in(span.text):
        return False
    if span.words <= GREETING_MAX_WORDS and _GREETING.match(span.text):
        return False
    if span.kind == "bullet":
        return span.text.rstrip(" \u00a0\u202f»”\"')").endswith((".", "!", "…"))
    return span.kind == "sentence"


def _page_without_prose(text: str) -> bool:
    """The cleaner's ``"no article sentence"`` rule on ``text``: three lines or more and not one of
    prose (8 words or more, :func:`stance.cleaning.language.is_prose`): menus, a list of links."""
    from ..cleaning.language import is_prose  # the one definition of a line of prose

    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 3 and not any(is_prose(line) for line in lines)


def candidate_sentences(text: str, min_words: int = 5, max_words: int = MAX_SENTENCE_WORDS) -> list[Span]:
    """The sentences of ``text`` that can stand in a summary, in document order.

    Headings, questions, lead-ins ending with a colon, list fragments (ending on
    ";" or ","), short greetings ("Bonjour à tous.") and sentences under
    ``min_words`` words are left out, and so are bullet items that do not end a
    sentence; when that leaves nothing, the best that there is (any sentence or
    bullet item, then headings: a headline, a post) is used instead, except in a
    page of three lines or more without one line of prose (what cleaning flags
    ``"no article sentence"``: menus, a list of links), which gives none: see
    :func:`nothing_to_summarize`. A sentence over ``max_words`` words is cut into
    pieces of that many words.

    >>> [s.text for s in candidate_sentences("Titre\\n\\nPourquoi ? Le CAC 40 a gagné 2 % vendredi.")]
    ['Le CAC 40 a gagné 2 % vendredi.']
    >>> [s.text for s in candidate_sentences("À retenir :\\n• Le groupe relève ses objectifs annuels.\\n• Dividende")]
    ['Le groupe relève ses objectifs annuels.']
    >>> candidate_sentences("Accueil\\n\\nBourse\\n\\nNous contacter")
    []
    """
    spans = [piece for span in segment(text) for piece in split_long(span, max_words)]
    good = [s for s in spans if _stands_alone(s, min_words)]
    if good:
        return good
    if _page_without_prose(text):
        return []  # a heading or a menu item is no summary
    fallback = [s for s in spans if s.kind != "heading" and s.words > 0]
    return fallback or [s for s in spans if s.words > 0]


def nothing_to_summarize(text: str, min_words: int = 5) -> bool:
    """Whether ``text`` gives no summary: it is blank, or it is a page of three lines or more
    without one line of prose (the cleaner's ``"no article sentence"``: menus, a list of links)
    and without one sentence of ``min_words`` words that can stand in a summary. Every
    summariser gives such a text an empty summary, whose reason the record's cleaning flags
    say, rather than a heading or a menu item (extractive) or a text made up from them
    (seq2seq).

    >>> nothing_to_summarize("Accueil\\n\\nBourse\\n\\nNous contacter"), nothing_to_summarize("Titre seul")
    (True, False)
    """
    if not text.strip():
        return True
    # the cheap test first: an article's first line of prose ends it
    return _page_without_prose(text) and not candidate_sentences(text, min_words)


def sample_candidates(count: int, limit: int) -> np.ndarray:
    """Which of ``count`` candidate sentences (in document order) a summariser that
    ranks at most ``limit`` of them considers: all when they are few enough, else
    the first half of ``limit`` and the rest spread evenly over the remainder of the
    document (the lead prior favours the start; the sample keeps the whole topic).

    >>> sample_candidates(5, 8).tolist(), sample_candidates(10, 4).tolist()
    ([0, 1, 2, 3, 4], [0, 1, 2, 9])
    """
    if count <= limit:
        return np.arange(count)
    head = limit // 2
    tail = np.linspace(head, count - 1, limit - head).round().astype(int)
    return np.concatenate([np.arange(head), tail])


def _within_budget(
    order: Iterable[int], spans: Sequence[Span], max_sentences: int | None, max_words: int | None
) -> list[int]:
    """Take sentences in ``order`` while they fit the budget; the first always fits.
    ``order`` may be lazy: it is read only until the budget is full."""
    chosen: list[int] = []
    words = 0
    lengths = [span.words for span in spans]
    shortest = min(lengths, default=0)
    for index in order:
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        if chosen and max_words is not None and words + shortest > max_words:
            break  # no sentence fits any more
        length = lengths[index]
        if chosen and max_words is not None and words + length > max_words:
            continue
        chosen.append(index)
        words += length
    return sorted(chosen)


def _check_budget(max_sentences: int | None, max_words: int | None, min_words: int = 3) -> None:
    """Refuse (bad usage) a summary budget that cannot work, and a sentence's least number of words."""
    whole_number(min_words, "min_words", 0)
    if max_sentences is None and max_words is None:
        raise UsageError("expected a budget: give max_sentences, max_words or both, got neither")
    for name, value in (("max_sentences", max_sentences), ("max_words", max_words)):
        whole_number(value, name, none=True)


def _position_prior(count: int, scale: float) -> np.ndarray:
    """News puts the gist first: a prior that halves after ``scale`` sentences."""
    return 1.0 / (1.0 + np.arange(count, dtype=np.float64) / scale)


def _summary(spans: Sequence[Span], chosen: Sequence[int], scores: Sequence[float], method: str) -> Summary:
    """The summary of the ``chosen`` spans: its text on one line (a sentence that a hard wrap cut over
    two lines of the article reads as one), each sentence with its exact offsets and text."""
    sentences = tuple(SummarySentence(spans[i].start, spans[i].end, spans[i].text, float(scores[i])) for i in chosen)
    return Summary(" ".join(" ".join(s.text.split()) for s in sentences), sentences, method)


class LeadSummarizer(Summarizer):
    """The first sentences of the article (headings, questions and fragments
    skipped): the Lead-k baseline extractive methods are measured against.

    >>> LeadSummarizer(max_sentences=2).summarize("Le CAC 40 a gagné 2 % vendredi. Les banques montent. Fin.").text
    'Le CAC 40 a gagné 2 % vendredi. Les banques montent.'
    """

    method = "lead"

    def __init__(self, max_sentences: int | None = 3, max_words: int | None = None, min_words: int = 3) -> None:
        _check_budget(max_sentences, max_words, min_words)
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


# A batch of at least this many documents shows a progress bar (on a terminal), and
# so does a document with at least this many candidate sentences.
_PROGRESS_MIN_DOCUMENTS = 32
_PROGRESS_MIN_SENTENCES = 256


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

    Cost stays bounded on long documents: a sentence over 100 words (a text
    without sentence punctuation) is cut into 100-word pieces, and a document
    with more than ``max_candidates`` candidate sentences ranks a sample of them
    (:func:`sample_candidates`: its first ``max_candidates / 2`` and the rest
    spread evenly over the document, each keeping its position for the lead
    prior); documents under that (about 15 000 words) rank every sentence.

    An encoder given by name is loaded on first use, on ``device`` in ``dtype`` (``"fp32"``,
    ``"bf16"``, ``"fp16"``; default bf16 on an Ampere or newer GPU, else fp32); an
    :class:`~stance.encode.Encoder` object keeps its own.

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
        max_candidates: int = 1024,
        damping: float = 0.85,
        device: str = "auto",
        batch_size: int = 32,
        progress: bool | None = None,
        dtype: str | None = None,
    ) -> None:
        _check_budget(max_sentences, max_words, min_words)
        if centrality not in ("directed", "pagerank"):
            raise UsageError(f"expected centrality 'directed' or 'pagerank', got {centrality!r}")
        for name, value in (
            ("position_weight", position_weight),
            ("diversity", diversity),
            ("damping", damping),
            ("edge_threshold", edge_threshold),
            ("duplicate_threshold", duplicate_threshold),
        ):
            if not 0.0 <= value <= 1.0:
                raise UsageError(f"expected {name} between 0 and 1, got {value!r}")
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
        whole_number(max_candidates, "max_candidates", 2)
        self.max_candidates = max_candidates
        self.damping = damping
        self._encoder_name = encoder if isinstance(encoder, str) else None
        self._encoder: Encoder | None = None if isinstance(encoder, str) else encoder
        self._device = device
        self._dtype = dtype
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

            self._encoder = Encoder(self._encoder_name, device=self._device, dtype=self._dtype,
                                    batch_size=self._batch_size)
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
            # a long document ranks a sample of its sentences, so its cost is bounded
            positions = sample_candidates(len(spans), self.max_candidates)
            spans = [spans[i] for i in positions]
            # a long document shows its own bar (encoding is where its time goes)
            progress = None if len(spans) >= _PROGRESS_MIN_SENTENCES and self.progress is not False else inner
            # one encoder call per document: batching sentences across documents would
            # let a document's neighbours change its embeddings in the last float bits,
            # and so, on near ties, its summary
            vectors = (
                self.encoder.encode([span.text for span in spans], kind="passage", progress=progress)
                if spans else None
            )
            summaries.append(self.select(spans, np.asarray(vectors, dtype=np.float64), positions=positions))
        return summaries

    def score(self, spans: Sequence[Span], vectors: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """The score of each candidate sentence, given its L2-normalised embedding and its
        position among the document's candidates (default: 0, 1, 2...)."""
        count = len(spans)
        if count == 0:
            return np.zeros(0)
        centrality = self._pagerank(vectors) if self.centrality == "pagerank" else self._directed(vectors)
        if positions is None:
            prior = _position_prior(count, self.position_scale)
        else:
            prior = 1.0 / (1.0 + np.asarray(positions, dtype=np.float64) / self.position_scale)
        dangling = np.array([depends_on_context(span.text) for span in spans], dtype=np.float64)
        mixed = (1.0 - self.position_weight) * centrality + self.position_weight * prior
        return mixed - self.context_penalty * dangling

    def select(self, spans: Sequence[Span], vectors: np.ndarray, positions: np.ndarray | None = None) -> Summary:
        """The summary made of ``spans`` (candidate sentences, in document order) given
        their embeddings (and their positions among all candidates, when a sample)."""
        if not spans:
            return Summary("", (), self.method)
        scores = self.score(spans, vectors, positions)
        order = self._mmr_order(spans, vectors, scores)
        chosen = _within_budget(order, spans, self.max_sentences, self.max_words)
        return _summary(spans, chosen, scores, self.method)

    def _mmr_order(self, spans: Sequence[Span], vectors: np.ndarray, scores: np.ndarray) -> Iterator[int]:
        """Sentences by maximal marginal relevance, lazily: each step costs one pass over
        the sentences (the redundancy penalty is kept up to date, not recomputed)."""
        count = len(spans)
        similarity = vectors @ vectors.T
        # redundancy is judged on centred cosines, which tell apart what raw ones do not
        redundancy = np.clip(_centred_cosine(vectors), 0.0, None) if count >= 3 else similarity
        keys = [_normalised(span.text) for span in spans]
        order: list[int] = []
        left = np.ones(count, dtype=bool)
        penalty = np.zeros(count)
        for _ in range(count):
            value = (1.0 - self.diversity) * scores - self.diversity * penalty
            # argmax takes the first of equal values, i.e. the earlier sentence; rounding
            # keeps float noise from deciding ties
            best = int(np.argmax(np.where(left, np.round(value, 9), -np.inf)))
            left[best] = False
            if any(similarity[best, j] >= self.duplicate_threshold or keys[best] == keys[j] for j in order):
                continue
            penalty = redundancy[:, best].copy() if not order else np.maximum(penalty, redundancy[:, best])
            order.append(best)
            yield best

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
