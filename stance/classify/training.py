"""Loading and training stance classifiers by backend name (what ``stance classify|train`` call)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import LABELS
from ..errors import InputError, UsageError
from ..io import file_sha256, has_lone_surrogate, json_line
from .base import StanceClassifier
from .embedding import EmbeddingStanceClassifier
from .lora import LoraStanceClassifier
from .transformer import META_FILE, TransformerStanceClassifier
from .zeroshot import ZeroShotStanceClassifier

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")


BACKENDS = ("lora", "embedding", "transformer", "zero-shot")
DEFAULT_BACKEND = "lora"

# The passage-level training sets of a source checkout (models/training/) and the
# domain each stands for: domains stratify the cross-validation and name the scores.
PASSAGE_SETS = (
    ("stance_fr.jsonl", "fr-written"),
    ("stance_fr_news.jsonl", "fr-news"),
    ("stance_fr_genres.jsonl", "fr-genres"),
    ("tweets_en.jsonl", "tweets-en"),
)
# Long documents with document-level labels: they train the learnt aggregation.
DOCUMENT_SET = "stance_fr_documents.jsonl"
# Documents by six more writers, in the shapes of real articles (long, then short): they fit only
# the aggregation's temperature, which depends on a document's number of passages (tenth
# session; docs/stance-lora.md, "Calibration by document length").
CALIBRATION_SETS = ("stance_fr_documents_dev.jsonl", "stance_fr_documents_dev_short.jsonl")


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


def training_dir() -> Path:
    """``models/training`` of the source checkout."""
    return repository_root() / "models" / "training"


def default_training_sets() -> list[Path]:
    """The passage-level training files of the checkout (:data:`PASSAGE_SETS`) that exist."""
    files = [training_dir() / name for name, _ in PASSAGE_SETS if (training_dir() / name).is_file()]
    if not files:
        default_training_file()  # raises the message that says where training data lives
    return files


def load_training_records(paths: Sequence[str | os.PathLike]) -> list[dict[str, str]]:
    """``{"text", "label", "domain", "group"}`` of every example of the JSONL files
    ``paths``. ``domain`` is the file's domain (:data:`PASSAGE_SETS`, else the file
    name without .jsonl); ``group`` is the record's near-duplicate ``group`` when it
    has one (the tweets), else its own file and line: related examples stay on one
    side of every split; the groups of examples of the same text (case and spaces aside)
    are merged, so that copies never sit on both sides of a split. Neither is a feature.
    A text found with two labels is named in a warning.

    >>> {r["domain"] for r in load_training_records(default_training_sets())} >= {"fr-written"}
    True
    """
    domains = dict(PASSAGE_SETS)
    records: list[dict[str, str]] = []
    for path in paths:
        source = Path(path)
        domain = domains.get(source.name, source.name.removesuffix(".jsonl"))
        for number, record in enumerate(_read_records(source)):
            group = record.get("group")
            records.append({"text": record["text"], "label": record["label"], "domain": domain,
                            "group": f"{domain}/{group}" if group is not None else f"{source.name}:{number}"})
    _merge_copies(records)
    return records


def _copy_key(text: str) -> str:
    """The form under which two training texts are copies of one text: case and spaces aside."""
    return " ".join(text.casefold().split())


def _merge_copies(records: list[dict[str, str]]) -> None:
    """Give the examples of one text (case and spaces aside) one group: the union of their groups."""
    parent: dict[str, str] = {}

    def root(group: str) -> str:
        while parent.get(group, group) != group:
            group = parent[group]
        return group

    first: dict[str, dict[str, str]] = {}
    labels: dict[str, set[str]] = {}
    for record in records:
        key = _copy_key(record["text"])
        labels.setdefault(key, set()).add(record["label"])
        if key in first:
            a, b = root(first[key]["group"]), root(record["group"])
            if a != b:
                parent[b] = a
        else:
            first[key] = record
    for record in records:
        record["group"] = root(record["group"])
    conflicts = [key for key, found in labels.items() if len(found) > 1]
    if conflicts:
        log.warning("%d training text(s) appear with different labels (e.g. %r): review them against the "
                    "convention (models/training/README.md)", len(conflicts), conflicts[0][:80])


def load_training_data(path: str | os.PathLike | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels of a JSONL training set (``{"text", "label", ...}`` per line).

    Only ``text`` and ``label`` are read: the other fields describe the examples
    and must never become features. Of copies of one text (case and spaces aside),
    the first is kept, with a warning.

    >>> texts, labels = load_training_data()          # models/training/stance_fr.jsonl
    >>> len(texts), sorted(set(labels))
    (540, ['bullish', 'neutral', 'skeptical'])
    """
    records = _read_records(Path(path) if path is not None else default_training_file())
    # Copies of one text (case and spaces aside) would sit on both sides of a cross-validation split and
    # inflate its scores: the first is kept (the lora backend groups them instead, load_training_records).
    kept: dict[str, dict[str, Any]] = {}
    conflicts = 0
    for record in records:
        key = _copy_key(record["text"])
        if key in kept:
            conflicts += kept[key]["label"] != record["label"]
        else:
            kept[key] = record
    if len(kept) < len(records):
        log.warning("%d training text(s) repeat an earlier one (case and spaces aside), %d of them with another "
                    "label: the first of each is kept, so that no copy sits on both sides of a cross-validation "
                    "split; review them against the convention (models/training/README.md)",
                    len(records) - len(kept), conflicts)
    return [record["text"] for record in kept.values()], [record["label"] for record in kept.values()]


def _read_records(source: Path) -> list[dict[str, Any]]:
    """The records of a JSONL training set, checked: each an object with a str ``text`` and a
    ``label`` among :data:`LABELS` (their other fields describe them)."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the training set ({error}); expected a UTF-8 JSONL file", str(source)) from error
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json_line(line, where, 'expected {"text", "label"}')
        except json.JSONDecodeError as error:
            raise InputError(f"not valid JSON ({error.msg}); expected {{\"text\", \"label\"}}", where) from error
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            raise InputError("expected an object with a non-empty str 'text'", where)
        if has_lone_surrogate(record["text"]):
            raise InputError("'text' holds a lone surrogate (an escape such as \\ud800 that is no Unicode "
                             "character); repair or drop this record", where)
        if "label" not in record:
            raise InputError(f"expected a 'label' among {list(LABELS)}, got none (keys {sorted(record)[:6]})", where)
        if record.get("label") not in LABELS:
            raise InputError(f"expected 'label' among {list(LABELS)}, got {record.get('label')!r}", where)
        records.append(record)
    if not records:
        raise InputError("the training set holds no example", str(source))
    return records


def _training_sets_info(paths: Sequence[Path], documents: Path | None,
                        calibration: Sequence[Path] = ()) -> dict[str, Any]:
    domains = dict(PASSAGE_SETS)
    files = []
    for path in [*paths, *([documents] if documents is not None else [])]:
        _, labels = load_training_data(path)
        info = _training_data_info(path, labels)
        info["domain"] = "documents" if path == documents else domains.get(path.name, path.name.removesuffix(".jsonl"))
        files.append(info)
    files += _document_files_info(calibration, "calibration documents")
    return {"files": files, "examples": sum(f["examples"] for f in files if "documents" not in f["domain"])}


def _document_files_info(paths: Sequence[Path], domain: str) -> list[dict[str, Any]]:
    files = []
    for path in paths:
        info = _training_data_info(path, [record["label"] for record in _read_records(path)])
        info["domain"] = domain
        files.append(info)
    return files


def _read_all(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The records of every file of ``paths``, in order (the calibration documents)."""
    return [record for path in paths for record in _read_records(path)]


def _calibration_files(given: Sequence[str | os.PathLike] | None, default: bool) -> list[Path]:
    """The calibration document files: those ``given``, else (when ``default``) those of
    :data:`CALIBRATION_SETS` present in the checkout, else none."""
    if given is not None:
        paths = [Path(path) for path in given]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise InputError(f"no calibration documents at {', '.join(missing)}: expected JSONL files of "
                             "documents with id, text and label")
        return paths
    if not default:
        return []
    return [path for path in (training_dir() / name for name in CALIBRATION_SETS) if path.is_file()]


# What the learnt document aggregation reads: the mean of the lora passage probabilities
# and those of the embedding head shipped in the package (chosen by cross-validation on the
# training documents: docs/stance-lora.md).
DOCUMENT_PASSAGE_MODELS = ("lora", "embedding")


def document_groups(ids: Sequence[str]) -> list[str]:
    """Who wrote each training document, from its id: ``fd-a-001`` -> ``fd-a`` (each writer
    numbers its documents under its own prefix; models/training/README.md). The aggregation
    is scored and calibrated leaving one writer out at a time.

    >>> document_groups(["fd-a-001", "fd-b-012", "fd-c-003"])
    ['fd-a', 'fd-b', 'fd-c']
    """
    return [str(name).rsplit("-", 1)[0] for name in ids]


def _fit_aggregation(classifier: LoraStanceClassifier, documents: Sequence[dict[str, Any]],
                     embedding_head: str | os.PathLike | None = None,
                     calibration: Sequence[dict[str, Any]] = ()) -> Any:
    """The learnt document aggregation, fitted on the passage probabilities of the
    training documents (their records; passages cut as at prediction time): the classifier's
    averaged with the embedding head's (:data:`DOCUMENT_PASSAGE_MODELS`; the shipped
    head unless ``embedding_head`` names a saved one), grouped by writer. The records of
    ``calibration`` (documents by other writers) fit its temperature only."""
    import time

    from .documents import DocumentAggregator, document_passages
    from .embedding import default_head_dir

    started = time.perf_counter()
    _check_documents(documents, calibration)
    records = [*documents, *calibration]
    labels = [record["label"] for record in records]
    ids = [record.get("id") for record in documents]
    groups = document_groups(ids) if all(isinstance(name, str) for name in ids) else None
    calibration_ids = [record.get("id") for record in calibration]
    passages = [document_passages(record["text"]) for record in records]
    flat = [passage for parts in passages for passage in parts]
    head = Path(embedding_head) if embedding_head is not None else default_head_dir()
    classifier.aggregation_ = DocumentAggregator(inputs={
        "passage_models": list(DOCUMENT_PASSAGE_MODELS), "combination": "mean",
        "embedding_head": "stance-head" if embedding_head is None else str(head.resolve()),
        "embedding_head_sha256": file_sha256(head / "head.json")})
    classifier._companion = None
    _, proba = classifier.aggregation_proba(flat)
    probas, start = [], 0
    for parts in passages:
        probas.append(proba[start : start + len(parts)])
        start += len(parts)
    n = len(documents)
    calibration_set = (passages[n:], probas[n:], labels[n:], document_groups(calibration_ids)) if calibration else None
    aggregator = classifier.aggregation_.fit(passages[:n], probas[:n], labels[:n], groups=groups,
                                             calibration=calibration_set)
    aggregator.cv_results_["fit_time_s"] = round(time.perf_counter() - started, 1)
    return aggregator


def refit_aggregation(folder: str | os.PathLike, documents: str | os.PathLike | None = None,
                      *, device: str = "auto", embedding_head: str | os.PathLike | None = None,
                      calibration_documents: Sequence[str | os.PathLike] | None = None,
                      ) -> tuple[LoraStanceClassifier, Path]:
    """Refit only the document aggregation of the lora classifier saved in ``folder`` (its
    passage model unchanged) on ``documents`` (default ``models/training/stance_fr_documents.jsonl``),
    its temperature also on ``calibration_documents`` (default, with the default documents:
    :data:`CALIBRATION_SETS`), and save it back: the last step of ``stance train --backend
    lora``, run alone (``stance train --aggregation-only --out FOLDER``). The same passage
    model gives the same aggregation as the full command.

    >>> refit_aggregation("stance/models/stance-lora")                  # doctest: +SKIP
    """
    source = Path(folder)
    classifier = LoraStanceClassifier.load(source, device=device, aggregation=False)
    document_file = Path(documents) if documents is not None else training_dir() / DOCUMENT_SET
    calibration_files = _calibration_files(calibration_documents, default=documents is None)
    records = _read_records(document_file)
    classifier.aggregation_ = _fit_aggregation(
        classifier, records, embedding_head, _read_all(calibration_files))
    info = _training_data_info(document_file, [record["label"] for record in records])
    info["domain"] = "documents"
    training = dict(classifier.training_data_ or {"files": []})
    training["files"] = [f for f in training.get("files", []) if "documents" not in f.get("domain", "")] + [
        info, *_document_files_info(calibration_files, "calibration documents")]
    classifier.training_data_ = training
    return classifier, classifier.save(source)


def _training_data_info(path: Path, labels: Sequence[str]) -> dict[str, Any]:
    root = repository_root()
    try:
        shown = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        shown = str(path.resolve())
    return {
        "file": shown,
        "sha256": file_sha256(path),
        "examples": len(labels),
        "counts": {label: sum(1 for value in labels if value == label) for label in LABELS},
    }


def _check_backend(backend: str) -> str:
    name = str(backend).strip().lower().replace("_", "-")
    if name == "zeroshot":
        name = "zero-shot"
    if name not in BACKENDS:
        raise UsageError(f"expected a backend among {list(BACKENDS)}, got {backend!r}")
    return name


def load_classifier(
    backend: str = DEFAULT_BACKEND,
    model: str | None = None,
    *,
    device: str = "auto",
    batch_size: int | None = None,
    dtype: str | None = None,
) -> StanceClassifier:
    """A ready stance classifier by backend name.

    - ``lora`` (the default): ``model`` is a folder saved by :meth:`LoraStanceClassifier.save`
      (default: the one shipped in the package, ``stance/models/stance-lora``);
    - ``embedding``: ``model`` is a head folder (default: the shipped ``stance/models/stance-head``);
    - ``transformer``: ``model`` is a fine-tuned checkpoint (required);
    - ``zero-shot``: ``model`` is an NLI model (default ``mdeberta-xnli``) or a
      folder saved by :meth:`ZeroShotStanceClassifier.save`.

    >>> load_classifier().predict("Le titre chute de 20 % après un avertissement sur ses résultats.")
    'skeptical'
    """
    name = _check_backend(backend)
    options: dict[str, Any] = {"device": device, "dtype": dtype}
    if batch_size is not None:
        options["batch_size"] = batch_size
    if name == "lora":
        return LoraStanceClassifier.load(model, **options)
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


# The file that names what a saved classifier folder holds, by backend.
_MARKERS = {"lora": "head.json", "embedding": "head.json", "transformer": META_FILE, "zero-shot": META_FILE}
# The files a lora save writes: a folder of these alone, without head.json, is a lora save cut short.
_LORA_FILES = frozenset({"adapter_model.safetensors", "adapter_config.json", "head.json", "README.md"})


def check_output_folder(folder: str | os.PathLike, backend: str, option: str = "--out") -> None:
    """Refuse, before any training, an output folder that cannot be written, or that holds
    something else than a classifier of ``backend`` (another backend's artefact, files of
    the user's), which saving would overwrite or leave mixed with the new files.

    >>> check_output_folder("stance/models/stance-head", "lora")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    stance.errors.UsageError: --out stance/models/stance-head holds an embedding classifier, ...
    """
    from ..io import check_artefact_folder

    def foreign(folder: Path, names: set[str]) -> str | None:
        try:
            held = json.loads((folder / _MARKERS[backend]).read_text(encoding="utf-8")).get("backend")
        except (OSError, ValueError, AttributeError):
            held = None
        if held == backend:
            return None
        if held is None and backend == "lora" and names <= _LORA_FILES and "adapter_model.safetensors" in names:
            return None  # a lora save cut short (it removes head.json first): the rerun may finish it
        if isinstance(held, str) and held:
            return f"{'an' if held[:1] in 'aeiou' else 'a'} {held} classifier"
        return "files that are no saved stance classifier"

    check_artefact_folder(folder, foreign, f"{'an' if backend[:1] in 'aeiou' else 'a'} {backend} classifier", option)


def _check_documents(documents: Sequence[dict[str, Any]], calibration: Sequence[dict[str, Any]] = ()) -> None:
    """What the document aggregation needs, checked before any model runs: two labels or more
    among the training documents, an id naming its writer on every calibration document."""
    labels = {record["label"] for record in documents}
    if len(labels) < 2:
        raise InputError(f"expected training documents of at least two labels, got only {sorted(labels)}: the "
                         "aggregation learns to tell them apart; add documents of the other labels")
    if not all(isinstance(record.get("id"), str) for record in calibration):
        raise InputError("expected every calibration document to have an id naming its writer (e.g. fd-d-001): "
                         "the temperature is scored leaving one writer out")


def train_classifier(
    backend: str = DEFAULT_BACKEND,
    *,
    model: str | None = None,
    data: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
    documents: str | os.PathLike | None = None,
    calibration_documents: Sequence[str | os.PathLike] | None = None,
    out: str | os.PathLike | None = None,
    device: str = "auto",
    **options: Any,
) -> tuple[StanceClassifier, Path]:
    """Train a backend on labelled JSONL sets and save it; returns the classifier
    and the folder it was saved in.

    - ``lora`` (the default): ``model`` is the encoder to fine-tune (default
      ``e5-small``; a hub id such as ``intfloat/multilingual-e5-base`` on a GPU);
      ``data`` one or more files (default: the passage-level sets of the
      checkout listed in :data:`PASSAGE_SETS`); ``documents`` the long documents with
      document labels that train the learnt aggregation (default
      ``models/training/stance_fr_documents.jsonl``); ``calibration_documents``
      documents by other writers that fit only its temperature (default, when
      neither ``data`` nor ``documents`` is given: :data:`CALIBRATION_SETS`);
    - ``embedding``: ``model`` is the encoder (default ``e5-small``); saved with its card;
    - ``transformer``: ``model`` is the checkpoint to fine-tune (default ``e5-small``);
    - ``zero-shot``: ``model`` is the NLI model to calibrate (default ``mdeberta-xnli``).

    The last three read one file (default ``models/training/stance_fr.jsonl``).
    Results go to ``out``, by default under ``$STANCE_HOME/classifiers``
    (:func:`default_output`), never over an artefact shipped in the package: to
    replace one, pass ``out="stance/models/stance-lora"`` on purpose.
    ``options`` go to the backend's constructor.

    >>> classifier, folder = train_classifier("lora")                  # doctest: +SKIP
    >>> classifier.cv_results_["domains"]["fr-news"]["macro_f1"]         # doctest: +SKIP
    0.93
    """
    name = _check_backend(backend)
    reference = model or ("mdeberta-xnli" if name == "zero-shot" else "e5-small")
    target = Path(out) if out is not None else default_output(name, reference)
    check_output_folder(target, name)  # before any training: a bad --out must not cost a training run
    classifier: Any
    if name == "lora":
        if data is None:
            paths = default_training_sets()
        elif isinstance(data, str | os.PathLike):
            paths = [Path(data)]
        else:
            paths = [Path(item) for item in data]
        document_file = Path(documents) if documents is not None else training_dir() / DOCUMENT_SET
        if documents is None and (data is not None or not document_file.is_file()):
            document_file = None
        records = load_training_records(paths)
        # The documents are read and checked before the passage model trains, not after.
        calibration_files = _calibration_files(calibration_documents,
                                               default=documents is None and document_file is not None)
        if calibration_files and document_file is None:
            raise InputError("calibration documents fit the temperature of a document aggregation: give "
                             "--documents too")
        document_records = _read_records(document_file) if document_file is not None else []
        calibration_records = _read_all(calibration_files)
        if document_file is not None:
            _check_documents(document_records, calibration_records)
        classifier = LoraStanceClassifier(reference, device=device, **options)
        classifier.fit([r["text"] for r in records], [r["label"] for r in records],
                       domains=[r["domain"] for r in records], groups=[r["group"] for r in records])
        if document_file is not None:
            classifier.aggregation_ = _fit_aggregation(classifier, document_records, calibration=calibration_records)
        classifier.training_data_ = _training_sets_info(paths, document_file, calibration_files)
        folder = classifier.save(target)
        return classifier, folder
    if data is not None and not isinstance(data, str | os.PathLike):
        items = list(data)
        if len(items) != 1:
            raise InputError(f"the {name} backend trains on one file; got {len(items)} (merge them, or use lora)")
        data = items[0]
    if documents is not None or calibration_documents is not None:
        raise InputError(f"documents (a learnt document aggregation) only apply to the lora backend, not {name}")
    source = Path(data) if data is not None else default_training_file()
    texts, labels = load_training_data(source)
    if name == "embedding":
        classifier = EmbeddingStanceClassifier(reference, device=device, **options)
        classifier.fit(texts, labels)
        classifier.training_data_ = _training_data_info(source, labels)
        folder = classifier.save(target)
    elif name == "transformer":
        classifier = TransformerStanceClassifier(reference, device=device, **options).fit(texts, labels)
        folder = classifier.save(target)
    else:
        classifier = ZeroShotStanceClassifier(reference, device=device, **options).fit(texts, labels)
        folder = classifier.save(target)
    return classifier, folder
