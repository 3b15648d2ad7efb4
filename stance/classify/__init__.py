"""Stance of French articles toward the prospects they discuss: bullish, skeptical or neutral.

Every backend subclasses one base class, :class:`StanceClassifier` (scikit-learn
style: ``fit``, ``predict``, ``predict_proba``, ``save``, ``load``), and
classifies passages. The package is split the way setfit splits model, trainer
and card:

- ``base.py``: the base class, the input checks and :class:`HeadStanceClassifier`,
  the calibrated linear head on encoder features that ``lora`` and ``embedding`` share;
- ``lora.py``: :class:`LoraStanceClassifier` (the default), ``e5-small`` fine-tuned
  for stance with LoRA adapters on its top layers and a calibrated linear head,
  shipped as a small artefact (``stance/models/stance-lora/``: adapter
  safetensors, head JSON, card) that attaches to the shared encoder;
- ``embedding.py``: :class:`EmbeddingStanceClassifier` (the fast baseline), ``e5-small``
  sentence embeddings and a logistic-regression head, shipped as a small JSON
  artefact (``stance/models/stance-head/``) with its card;
- ``transformer.py``: :class:`TransformerStanceClassifier`, fine-tunes any
  ``AutoModelForSequenceClassification``;
- ``zeroshot.py``: :class:`ZeroShotStanceClassifier`, any NLI model, one French
  hypothesis per label;
- ``selection.py``: cross-validation and temperature calibration; ``card.py``: the model card;
- ``documents.py``: :func:`classify_document` cuts a cleaned article into
  passages, classifies them and weighs them into a document label with evidence
  (a :class:`DocumentAggregator` learnt from document labels, or the fixed rule);
- ``training.py``: :func:`load_classifier` and :func:`train_classifier` by backend name;
  :func:`refit_aggregation` refits a saved lora classifier's document aggregation alone.

>>> from stance.classify import LoraStanceClassifier, classify_document
>>> classifier = LoraStanceClassifier.load()                     # the shipped default
>>> classifier.predict(["Nous relevons notre objectif de cours sur Airbus à 190 euros et restons à l'achat."])
['bullish']
"""

from __future__ import annotations

from ..document import LABELS, DocumentStance, PassageStance
from .base import StanceClassifier
from .documents import (
    NEUTRAL_WEIGHT,
    PASSAGE_MAX_WORDS,
    DocumentAggregator,
    aggregate,
    classify_document,
    classify_documents,
    document_passages,
    split_passages,
)
from .embedding import EmbeddingStanceClassifier, default_head_dir
from .lora import LoraStanceClassifier, default_lora_dir
from .training import (
    BACKENDS,
    DEFAULT_BACKEND,
    load_classifier,
    load_training_data,
    refit_aggregation,
    train_classifier,
)
from .transformer import TransformerStanceClassifier
from .zeroshot import ZeroShotStanceClassifier

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "LABELS",
    "NEUTRAL_WEIGHT",
    "PASSAGE_MAX_WORDS",
    "DocumentAggregator",
    "DocumentStance",
    "EmbeddingStanceClassifier",
    "LoraStanceClassifier",
    "PassageStance",
    "StanceClassifier",
    "TransformerStanceClassifier",
    "ZeroShotStanceClassifier",
    "aggregate",
    "classify_document",
    "classify_documents",
    "default_head_dir",
    "default_lora_dir",
    "document_passages",
    "load_classifier",
    "load_training_data",
    "refit_aggregation",
    "split_passages",
    "train_classifier",
]
