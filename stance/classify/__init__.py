"""Stance of French articles toward the prospects they discuss: bullish, skeptical or neutral.

Every backend subclasses one base class, :class:`StanceClassifier` (scikit-learn
style: ``fit``, ``predict``, ``predict_proba``, ``save``, ``load``), and
classifies passages. The package is split the way setfit splits model, trainer
and card:

- ``base.py``: the base class and the input checks;
- ``embedding.py``: :class:`EmbeddingStanceClassifier`, ``e5-small`` sentence
  embeddings and a logistic-regression head, shipped as a small JSON artefact
  (``stance/models/stance-head/``) with its card;
- ``transformer.py``: :class:`TransformerStanceClassifier`, fine-tunes any
  ``AutoModelForSequenceClassification``;
- ``zeroshot.py``: :class:`ZeroShotStanceClassifier`, any NLI model, one French
  hypothesis per label;
- ``selection.py``: cross-validation and temperature calibration; ``card.py``: the model card;
- ``documents.py``: :func:`classify_document` cuts a cleaned article into
  passages, classifies them and weighs them into a document label with evidence;
- ``training.py``: :func:`load_classifier` and :func:`train_classifier` by backend name.

>>> from stance.classify import EmbeddingStanceClassifier, classify_document
>>> classifier = EmbeddingStanceClassifier.load()                # the shipped head
>>> classifier.predict(["Nous relevons notre objectif de cours : le titre reste à l'achat."])
['bullish']
"""

from __future__ import annotations

from ..document import LABELS, DocumentStance, PassageStance
from .base import StanceClassifier
from .documents import (
    NEUTRAL_WEIGHT,
    PASSAGE_MAX_WORDS,
    aggregate,
    classify_document,
    classify_documents,
    split_passages,
)
from .embedding import EmbeddingStanceClassifier, default_head_dir
from .training import BACKENDS, load_classifier, load_training_data, train_classifier
from .transformer import TransformerStanceClassifier
from .zeroshot import ZeroShotStanceClassifier

__all__ = [
    "BACKENDS",
    "LABELS",
    "NEUTRAL_WEIGHT",
    "PASSAGE_MAX_WORDS",
    "DocumentStance",
    "EmbeddingStanceClassifier",
    "PassageStance",
    "StanceClassifier",
    "TransformerStanceClassifier",
    "ZeroShotStanceClassifier",
    "aggregate",
    "classify_document",
    "classify_documents",
    "default_head_dir",
    "load_classifier",
    "load_training_data",
    "split_passages",
    "train_classifier",
]
