"""Cleaning scraped articles: rules plus a learned line model; each removal carries a reason.

>>> from stance.cleaning import clean
>>> clean("Le titre\\n\\nLire aussi : autre chose").dropped[0].reason
'read-also link'
"""

from __future__ import annotations

from .base import LineRules, Step
from .boilerplate import Boilerplate, ExtraFurniture
from .cleaner import Cleaner, clean, default_steps
from .comments import CommentForm, Comments
from .dedup import Deduplicate
from .language import ForeignScriptLines, detect_language, document_language
from .linemodel import LineModel, TreeModel
from .normalise import normalise

__all__ = [
    "Boilerplate",
    "Cleaner",
    "CommentForm",
    "Comments",
    "Deduplicate",
    "ExtraFurniture",
    "ForeignScriptLines",
    "LineModel",
    "LineRules",
    "Step",
    "TreeModel",
    "clean",
    "default_steps",
    "detect_language",
    "document_language",
    "normalise",
]
