"""stance: clean, summarise and classify the stance of French news articles.

Names are imported on first use, so ``import stance`` stays fast and does not
load torch until a model stage is used. No exported name is the name of a
submodule (``stance.clean`` is the function, ``stance.cleaning`` the package),
so importing a submodule never replaces an exported name.

>>> import stance
>>> stance.clean("Lire aussi : la suite\\n\\nLe Nasdaq a progressé de 2 %.").text
'Le Nasdaq a progressé de 2 %.'
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "LABELS": ".document",
    "Cleaned": ".document",
    "Document": ".document",
    "DocumentStance": ".document",
    "Dropped": ".document",
    "Summary": ".document",
    "Cleaner": ".cleaning",
    "clean": ".cleaning",
    "Encoder": ".encode",
    "InputError": ".errors",
    "ModelNotAvailableError": ".errors",
    "StanceError": ".errors",
    "UnknownModelError": ".errors",
    "UsageError": ".errors",
    "JsonlWriter": ".io",
    "iter_documents": ".io",
    "read_documents": ".io",
    "Pipeline": ".pipeline",
    "RunStats": ".pipeline",
    "evaluate": ".evaluation",
    "Span": ".segmentation",
    "chunk": ".segmentation",
    "segment": ".segmentation",
    "split_paragraphs": ".segmentation",
    "split_sentences": ".segmentation",
    "ExtractiveSummarizer": ".summarize",
    "LeadSummarizer": ".summarize",
    "Seq2SeqSummarizer": ".summarize",
    "Summarizer": ".summarize",
    "load_summarizer": ".summarize",
    "EmbeddingStanceClassifier": ".classify",
    "LoraStanceClassifier": ".classify",
    "StanceClassifier": ".classify",
    "TransformerStanceClassifier": ".classify",
    "ZeroShotStanceClassifier": ".classify",
    "classify_document": ".classify",
    "classify_documents": ".classify",
    "load_classifier": ".classify",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        # a submodule (stance.evaluation, stance.distributed...) is imported on first use too
        if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
            return importlib.import_module(f".{name}", __name__)
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
