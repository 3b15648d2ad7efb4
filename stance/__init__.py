"""stance: clean, summarise and classify the stance of French news articles.

Names are imported on first use, so ``import stance`` stays fast and does not
load torch until a model stage is used.

>>> import stance
>>> stance.clean("Lire aussi : la suite\\n\\nLe Nasdaq a progressé de 2 %.").text
'Le Nasdaq a progressé de 2 %.'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "Cleaned": ".document",
    "Document": ".document",
    "Dropped": ".document",
    "Cleaner": ".clean",
    "Encoder": ".encode",
    "clean": ".clean",
    "InputError": ".errors",
    "ModelNotAvailableError": ".errors",
    "StanceError": ".errors",
    "JsonlWriter": ".files",
    "read_documents": ".files",
    "Pipeline": ".pipeline",
    "evaluate": ".evaluation",
    "Span": ".segment",
    "segment": ".segment",
    "split_paragraphs": ".segment",
    "split_sentences": ".segment",
    "ExtractiveSummarizer": ".summarize",
    "LeadSummarizer": ".summarize",
    "Seq2SeqSummarizer": ".summarize",
    "Summarizer": ".summarize",
    "Summary": ".summarize",
    "load_summarizer": ".summarize",
    "DocumentStance": ".classify",
    "EmbeddingStanceClassifier": ".classify",
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
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
