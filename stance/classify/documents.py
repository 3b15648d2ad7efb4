"""Document stance: passages, their weighing into a document label, and the evidence."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..document import LABELS, DocumentStance, PassageStance
from ..errors import InputError
from ..segmentation import count_words, split_paragraphs, split_sentences
from .base import StanceClassifier, _check_texts

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")


# Passages are cut to the length range of the training passages (15 to 90 words),
# the inputs the default head has learnt from.
PASSAGE_MAX_WORDS = 90


# A passage of this many words or more carries full weight in a document; a
# shorter one (a heading, a one-line caption) proportionally less, because
# its probabilities rest on little text.
FULL_WEIGHT_WORDS = 15


# How much the neutral probability mass counts against the opinionated mass when
# passages are weighed into a document label (see classify_document). Set from the
# default head's out-of-fold probabilities on the training set (never the eval set):
# an opinionated passage gives its side 0.65 on average, a factual one gives neutral
# 0.76 and each side 0.12. With 0.5 a side wins once about one passage in three
# argues it (0.42 would make it one in four, 0.36 one in five), while the 14 % of
# factual passages that the head misreads as opinions do not turn a factual article.
NEUTRAL_WEIGHT = 0.5


def split_passages(text: str, max_words: int = PASSAGE_MAX_WORDS) -> list[str]:
    """The passages of a cleaned document: its paragraphs, with a paragraph longer
    than ``max_words`` cut on sentence boundaries into parts of at most that many
    words (a single longer sentence stays whole; the models chunk it).

    >>> split_passages("Titre\\n\\nLe CAC 40 gagne 1 %. Les banques montent.", max_words=5)
    ['Titre', 'Le CAC 40 gagne 1 %.', 'Les banques montent.']
    """
    if not isinstance(text, str):
        raise InputError(f"expected the document text to be a str, got {type(text).__name__}")
    if max_words < 1:
        raise InputError(f"expected max_words >= 1, got {max_words!r}")
    passages: list[str] = []
    for paragraph in split_paragraphs(text):
        body = paragraph.text.strip()
        if not body:
            continue
        if count_words(body) <= max_words:
            passages.append(body)
            continue
        current: list[str] = []
        words = 0
        for sentence in split_sentences(body):
            size = count_words(sentence)
            if current and words + size > max_words:
                passages.append(" ".join(current))
                current, words = [], 0
            current.append(sentence)
            words += size
        if current:
            passages.append(" ".join(current))
    return passages


def _passage_weight(text: str) -> float:
    return min(1.0, count_words(text) / FULL_WEIGHT_WORDS)


def aggregate(passages: Sequence[str], proba: np.ndarray, *, neutral_weight: float = NEUTRAL_WEIGHT) -> DocumentStance:
    """Weigh passage probabilities into a document stance (see :func:`classify_document`).

    >>> passages = ["Achetez ce titre, la croissance du groupe va durer des années.", "Vendez."]
    >>> aggregate(passages, np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1]])).label   # the one-word passage weighs little
    'bullish'
    """
    if not 0 < neutral_weight:
        raise InputError(f"expected neutral_weight > 0, got {neutral_weight!r}")
    if len(passages) == 0:
        return DocumentStance("neutral", {"bullish": 0.0, "skeptical": 0.0, "neutral": 1.0})
    proba = np.asarray(proba, dtype=np.float64).reshape(len(passages), len(LABELS))
    weights = np.array([_passage_weight(text) for text in passages])
    if weights.sum() <= 0:  # only word-less passages (symbols, numbers): weigh them equally
        weights = np.ones(len(passages))
    mass = weights @ proba
    mass[2] *= neutral_weight
    scores = mass / mass.sum()
    neutral = LABELS.index("neutral")
    best = int(scores.argmax())
    # a tie between the sides, or with the neutral mass, is no stance
    if scores[neutral] >= scores[best] - 1e-12 or abs(scores[0] - scores[1]) <= 1e-12:
        best = neutral
    label = LABELS[best]
    passage_labels = proba.argmax(axis=1)
    contribution = weights[:, None] * proba
    # Support: the passages that weigh most for the label, among those that vote for it.
    voters = [i for i in range(len(passages)) if passage_labels[i] == best] or list(range(len(passages)))
    support = sorted(voters, key=lambda i: (-contribution[i, best], i))[:3]
    # The other side: the opposite side of an opinion, or the strongest opinion of a neutral document.
    others = [1 - best] if best != neutral else [0, 1]
    rivals = [(contribution[i, side], i) for i in range(len(passages)) for side in others
              if passage_labels[i] == side and i not in support]
    counter = max(rivals, key=lambda item: (item[0], -item[1]))[1] if rivals else None
    evidence = [passages[i] for i in support] + ([passages[counter]] if counter is not None else [])
    details = tuple(
        PassageStance(text, LABELS[int(passage_labels[i])],
                      {name: float(proba[i, k]) for k, name in enumerate(LABELS)}, float(weights[i]))
        for i, text in enumerate(passages)
    )
    return DocumentStance(
        label,
        {name: float(scores[k]) for k, name in enumerate(LABELS)},
        tuple(evidence),
        passages[counter] if counter is not None else None,
        details,
    )


def classify_documents(
    documents: Sequence[str | Sequence[str]],
    classifier: StanceClassifier,
    *,
    neutral_weight: float = NEUTRAL_WEIGHT,
    max_words: int = PASSAGE_MAX_WORDS,
) -> list[DocumentStance]:
    """The stance of each document (a cleaned text, or a list of its passages).

    All passages of the batch go through the classifier in one call, so the
    model sees full batches.

    >>> [d.label for d in classify_documents([text_a, text_b], EmbeddingStanceClassifier.load())]  # doctest: +SKIP
    ['bullish', 'neutral']
    """
    if isinstance(documents, str):
        raise InputError("expected a list of documents; use classify_document for a single one")
    split = [split_passages(doc, max_words) if isinstance(doc, str) else _check_texts(doc, "passages")[0]
             for doc in documents]
    flat = [passage for passages in split for passage in passages]
    proba = classifier.predict_proba(flat) if flat else np.zeros((0, len(LABELS)))
    proba = np.asarray(proba).reshape(len(flat), len(LABELS))
    results = []
    start = 0
    for passages in split:
        results.append(aggregate(passages, proba[start : start + len(passages)], neutral_weight=neutral_weight))
        start += len(passages)
    return results


def classify_document(
    text_or_passages: str | Sequence[str],
    classifier: StanceClassifier,
    *,
    neutral_weight: float = NEUTRAL_WEIGHT,
    max_words: int = PASSAGE_MAX_WORDS,
) -> DocumentStance:
    """The stance of one cleaned document (or of its passages, already cut).

    The document is cut into passages (:func:`split_passages`) and each is
    classified. A passage weighs by its length (full weight from
    :data:`FULL_WEIGHT_WORDS` words). The document scores are the weighted sums
    of the passage probabilities, with the neutral sum multiplied by
    ``neutral_weight``, normalised; the label is the highest score. So a
    document takes a side when that side's weighted mass exceeds
    ``neutral_weight`` times the neutral mass and the other side's mass: a
    factual document stays neutral, opinionated passages that disagree are
    decided by their balance, and an even balance is neutral. With the default
    0.5, a document in which about one passage in three argues a side clearly
    (and none argues the other) takes that side; see :data:`NEUTRAL_WEIGHT`.

    >>> result = classify_document(cleaned_text, EmbeddingStanceClassifier.load())   # doctest: +SKIP
    >>> result.label, result.evidence[0][:30]                                         # doctest: +SKIP
    ('skeptical', 'Derrière les annonces, la dette')
    """
    return classify_documents([text_or_passages], classifier, neutral_weight=neutral_weight, max_words=max_words)[0]
