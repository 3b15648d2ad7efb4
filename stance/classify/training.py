"""Loading and training stance classifiers by backend name (what ``stance classify|train`` call)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import LABELS
from ..errors import InputError
from .base import StanceClassifier
from .embedding import EmbeddingStanceClassifier
from .transformer import META_FILE, TransformerStanceClassifier
from .zeroshot import ZeroShotStanceClassifier

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")


BACKENDS = ("embedding", "transformer", "zero-shot")


def repository_root() -> Path:
    """The root of the stance source checkout this package runs from (training data
    lives there, in ``models/training/``; it is not part of an installed wheel)."""
    return Path(__file__).resolve().parents[2]


def default_training_file() -> Path:
    """The hand-labelled training set of a source checkout: ``models/training/stance_fr.jsonl``."""
    path = repository_root() / "models" / "training" / "stance_fr.jsonl"
    if not path.is_file():
        raise InputError(
            "the training sets ship with the stance source repository, not with the installed package; "
            "run from a checkout, or pass --data FILE.jsonl (one {\"text\", \"label\"} per line)",
            str(path),
        )
    return path


def load_training_data(path: str | os.PathLike | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels of a JSONL training set (``{"text", "label", ...}`` per line).

    Only ``text`` and ``label`` are read: the other fields describe the examples
    and must never become features.

    >>> texts, labels = load_training_data()          # models/training/stance_fr.jsonl
    >>> len(texts), sorted(set(labels))
    (540, ['bullish', 'neutral', 'skeptical'])
    """
    source = Path(path) if path is not None else default_training_file()
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the training set ({error}); expected a UTF-8 JSONL file", str(source)) from error
    texts: list[str] = []
    labels: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"not valid JSON ({error.msg}); expected {{\"text\", \"label\"}}", where) from error
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError("expected an object with a str 'text'", where)
        if record.get("label") not in LABELS:
            raise InputError(f"expected 'label' among {list(LABELS)}, got {record.get('label')!r}", where)
        texts.append(record["text"])
        labels.append(record["label"])
    if not texts:
        raise InputError("the training set holds no example", str(source))
    return texts, labels


def _training_data_info(path: Path, labels: Sequence[str]) -> dict[str, Any]:
    root = repository_root()
    try:
        shown = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        shown = str(path.resolve())
    return {
        "file": shown,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "examples": len(labels),
        "counts": {label: sum(1 for value in labels if value == label) for label in LABELS},
    }


def _check_backend(backend: str) -> str:
    name = str(backend).strip().lower().replace("_", "-")
    if name == "zeroshot":
        name = "zero-shot"
    if name not in BACKENDS:
        raise InputError(f"expected a backend among {list(BACKENDS)}, got {backend!r}")
    return name


def load_classifier(
    backend: str = "embedding",
    model: str | None = None,
    *,
    device: str = "auto",
    batch_size: int | None = None,
    dtype: str | None = None,
) -> StanceClassifier:
    """A ready stance classifier by backend name.

    - ``embedding``: ``model`` is a head folder (default ``models/stance-head``);
    - ``transformer``: ``model`` is a fine-tuned checkpoint (required);
    - ``zero-shot``: ``model`` is an NLI model (default ``mdeberta-xnli``) or a
      folder saved by :meth:`ZeroShotStanceClassifier.save`.

    >>> load_classifier().predict("Le titre est une bulle, fuyez.")
    'skeptical'
    """
    name = _check_backend(backend)
    options: dict[str, Any] = {"device": device, "dtype": dtype}
    if batch_size is not None:
        options["batch_size"] = batch_size
    if name == "embedding":
        return EmbeddingStanceClassifier.load(model, **options)
    if name == "transformer":
        if not model:
            raise InputError(
                "the transformer backend needs --model: the folder of a fine-tuned stance model "
                "(make one with `stance train --backend transformer --model NAME --out DIR`)"
            )
        return TransformerStanceClassifier.load(model, **options)
    if model and (Path(model) / META_FILE).is_file():
        zero_shot = ZeroShotStanceClassifier.load(model, **options)
    else:
        zero_shot = ZeroShotStanceClassifier(model or "mdeberta-xnli", **options)
    zero_shot._load()  # a missing model is reported now, not after the first batch
    return zero_shot


def default_output(backend: str, model: str) -> Path:
    """Where ``stance train`` saves by default: ``$STANCE_HOME/classifiers/BACKEND-MODEL``,
    never over the head shipped in the package.

    >>> default_output("embedding", "e5-small").parts[-2:]
    ('classifiers', 'embedding-e5-small')
    """
    from ..registry import stance_home

    return stance_home() / "classifiers" / f"{backend}-{Path(model).name or 'model'}"


def train_classifier(
    backend: str = "embedding",
    *,
    model: str | None = None,
    data: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    device: str = "auto",
    **options: Any,
) -> tuple[StanceClassifier, Path]:
    """Train a backend on a labelled JSONL set (default: the training set of the
    source checkout) and save it; returns the classifier and the folder it was saved in.

    - ``embedding``: ``model`` is the encoder (default ``e5-small``); saved with its card;
    - ``transformer``: ``model`` is the checkpoint to fine-tune (default ``e5-small``);
    - ``zero-shot``: ``model`` is the NLI model to calibrate (default ``mdeberta-xnli``).

    Results go to ``out``, by default under ``$STANCE_HOME/classifiers``
    (:func:`default_output`), never over the head shipped in the package: to
    replace that one, pass ``out="stance/models/stance-head"`` on purpose.
    ``options`` go to the backend's constructor.

    >>> classifier, folder = train_classifier("embedding")     # doctest: +SKIP
    >>> round(classifier.cv_results_["nested"]["macro_f1"], 2)   # doctest: +SKIP
    0.78
    """
    name = _check_backend(backend)
    source = Path(data) if data is not None else default_training_file()
    texts, labels = load_training_data(source)
    classifier: Any
    if name == "embedding":
        classifier = EmbeddingStanceClassifier(model or "e5-small", device=device, **options)
        classifier.fit(texts, labels)
        classifier.training_data_ = _training_data_info(source, labels)
        folder = classifier.save(out if out is not None else default_output(name, model or "e5-small"))
    elif name == "transformer":
        reference = model or "e5-small"
        classifier = TransformerStanceClassifier(reference, device=device, **options).fit(texts, labels)
        folder = classifier.save(out if out is not None else default_output(name, reference))
    else:
        reference = model or "mdeberta-xnli"
        classifier = ZeroShotStanceClassifier(reference, device=device, **options).fit(texts, labels)
        folder = classifier.save(out if out is not None else default_output(name, reference))
    return classifier, folder
