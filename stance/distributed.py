"""Scale-out on Ray Data: the same stages and records as :class:`~stance.pipeline.Pipeline`,
from a laptop to a GPU cluster, resumable.

``run_distributed(INPUT, OUT)`` (and ``stance run INPUT --engine ray --out OUT``)
reads the documents, cleans them in plain Ray tasks, runs the model stages in
actor pools (each actor loads its model once; the default stages share one e5
encoder, so they run in one combined actor) with a GPU share and a batch size
per stage, and writes:

- ``OUT/parts/part-<hash>.jsonl``: the records, one JSONL file per model batch,
  in the format of ``stance run`` (or of ``stance clean`` when there is no
  model stage). A part is written to a temporary name and renamed when whole,
  so a part that exists is complete: the parts are the completion markers
  (like datatrove's), and a rerun skips every id already in one;
- ``OUT/manifest.json``: settings, input fingerprint, counts and seconds per
  stage, status; ``OUT/_SUCCESS`` once every input document has its record.

A rerun with other settings or another input is refused unless
``overwrite=True``. ``merge_parts(OUT, FILE)`` (``stance merge``) joins the
parts in id order.

>>> spec = PipelineSpec(summarizer="lead", backend=None)
>>> spec.stages(), spec.shares_encoder()
(('summarize',), False)
>>> PipelineSpec().stages(), PipelineSpec().shares_encoder()
(('summarize', 'classify'), True)
>>> plan_resources(PipelineSpec(), workers=2, summarize_gpus=0.5, classify_gpus=0.5)
{'actors': 2, 'cpus': 3.0, 'gpus': 2.0}

Ray is an optional dependency: ``pip install 'stance[ray]'``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import math
import os
import re
import shutil
import socket
import sys
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .classify.training import DEFAULT_BACKEND
from .document import Cleaned, Document
from .errors import InputError, StanceError, UsageError, missing_dependency, whole_number
from .io import ErrorHandler, PendingHtml, check_writable, iter_documents, model_sha256
from .pipeline import STAGES, Pipeline, RunStats

log = logging.getLogger(__name__)

__all__ = [
    "MANIFEST",
    "SUCCESS",
    "DistributedResult",
    "PipelineSpec",
    "check_resources",
    "merge_parts",
    "plan_resources",
    "read_parts",
    "run_distributed",
    "run_local_into",
    "start_local_cluster",
]

MANIFEST = "manifest.json"
SUCCESS = "_SUCCESS"
PARTS = "parts"
LOCK = ".lock"
FORMAT_VERSION = 1
# Ray's default: read, clean and write tasks take one CPU each. Actors hold theirs for
# the whole run, so at least one more CPU must stay free for the tasks (a cluster
# whose CPUs all go to actors waits forever).
TASK_CPUS = 1.0
ACTOR_CPUS = 1.0

# The extensions stance.io reads on the driver (the same reading, warnings and errors
# as the local engine); the others go through ray.data's readers.
_STANCE_SUFFIXES = {".txt", ".jsonl", ".ndjson"}
_RAY_READERS = {".parquet": "read_parquet", ".json": "read_json", ".jsonl": "read_json", ".csv": "read_csv"}


# ----------------------------------------------------------------------------- what runs


@dataclass(frozen=True)
class PipelineSpec:
    """The stages of a run by name, picklable, so that every Ray worker builds the
    same :class:`~stance.pipeline.Pipeline` (the options of ``stance run``).

    ``summarizer``: ``"extractive"`` (default), ``"lead"``, an encoder or a seq2seq
    model name/path, or ``None`` (or ``False``, as for :class:`~stance.pipeline.Pipeline`)
    for no summaries. ``backend``: ``"lora"`` (default), ``"embedding"``, ``"transformer"``,
    ``"zero-shot"`` or ``None`` (``False``) for no stance; ``stance_model`` its model
    (default: the one shipped for the backend). ``clean=False`` takes texts as they are;
    ``line_model``: the cleaner's line model, a folder saved by ``stance
    train-cleaner`` (default: the shipped one). ``dtype``: the precision the models run in
    (``"fp32"``, ``"bf16"``, ``"fp16"``; default ``None``: bf16 on an Ampere or newer GPU, else fp32),
    as :class:`~stance.pipeline.Pipeline`'s. Bad values (an unknown backend, model
    name, device or dtype, a neutral_weight <= 0) are refused when the spec is made.
    """

    clean: bool = True
    summarizer: str | None = "extractive"
    backend: str | None = DEFAULT_BACKEND
    stance_model: str | None = None
    neutral_weight: float | None = None
    device: str = "auto"
    line_model: str | None = None
    dtype: str | None = None

    def __post_init__(self) -> None:
        # Checked here, on the driver, not in every worker once the cluster has started.
        for name in ("summarizer", "backend"):
            if getattr(self, name) is False:  # Pipeline's way of leaving a stage out: None here
                object.__setattr__(self, name, None)
        if self.line_model is not None and not self.clean:
            raise UsageError("line_model is the cleaner's model, and clean=False turns cleaning off: give one of them")
        from .classify.training import BACKENDS

        if self.backend is not None and self.backend not in BACKENDS:
            raise UsageError(f"expected backend to be one of {list(BACKENDS)} or None (no stance), got "
                             f"{self.backend!r}")
        if self.summarizer is not None and (not isinstance(self.summarizer, str) or not self.summarizer):
            raise UsageError(f"expected summarizer to be a name (extractive, lead, a model) or None, got "
                             f"{self.summarizer!r}")
        from .registry import get_spec

        # An unknown model name (UnknownModelError, exit 2) is refused here, not in every actor.
        if self.summarizer not in (None, "extractive", "lead"):
            get_spec(self.summarizer)
        if self.stance_model is not None:
            get_spec(self.stance_model)
        if self.neutral_weight is not None and not (isinstance(self.neutral_weight, int | float)
                                                    and 0 < self.neutral_weight < math.inf):
            raise UsageError(f"expected neutral_weight > 0 (finite) or None, got {self.neutral_weight!r}")
        if not isinstance(self.device, str) or not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", self.device):
            raise UsageError(f"expected device to be auto, cpu, cuda, cuda:N or mps, got {self.device!r}")
        from .runtime import dtype_name

        object.__setattr__(self, "dtype", dtype_name(self.dtype))  # one name per precision: "bf16", not "bfloat16"

    def stages(self) -> tuple[str, ...]:
        """The model stages, in order."""
        return tuple(
            stage for stage, on in (("summarize", self.summarizer), ("classify", self.backend)) if on is not None
        )

    def shares_encoder(self) -> bool:
        """True for the default stages, which share one e5 encoder (the stance adapter is on only while
        the classifier runs): one actor runs both."""
        return self.summarizer == "extractive" and self.backend == DEFAULT_BACKEND and self.stance_model is None

    def settings(self) -> dict[str, Any]:
        """What decides the records (a rerun with other settings is refused). The
        device is left out: the same models give the same records on any device (in fp32; in bf16 the scores
        move in the third decimal with the batch, so a run that must not mix them gives ``dtype``)."""
        settings = asdict(self)
        settings.pop("device")
        for name in ("line_model", "dtype"):  # the defaults: as runs recorded them before these options
            if settings[name] is None:
                settings.pop(name)
        for name in ("line_model", "stance_model"):  # a model folder by its content, however its path is typed
            digest = model_sha256(settings.get(name))
            if digest is not None:
                settings[name] = "sha256 " + digest
        return settings

    def build(self, stages: Iterable[str] | None = None) -> Any:
        """The pipeline of the given model stages (default: all of them), without cleaning
        (cleaning runs in its own tasks)."""
        from .pipeline import Pipeline

        stages = set(self.stages() if stages is None else stages)
        if not stages:
            raise UsageError("expected at least one model stage to build")
        return Pipeline(*self._stage_objects(stages), clean=False, device=self.device, progress=False,
                        neutral_weight=self.neutral_weight, dtype=self.dtype)

    def build_local(self, batch_size: int = 32, progress: bool | None = None) -> Any:
        """The whole pipeline, cleaning included, as the local engine runs it."""
        from .pipeline import Pipeline

        _, summarizer, classifier = self._stage_objects(set(self.stages()))
        return Pipeline(self.make_cleaner(), summarizer, classifier, clean=self.clean, device=self.device,
                        batch_size=batch_size, progress=progress, neutral_weight=self.neutral_weight,
                        dtype=self.dtype)

    def _stage_objects(self, stages: set[str]) -> tuple[Any, Any, Any]:
        """(cleaner, summarizer, classifier) arguments of Pipeline for ``stages``."""
        if stages == {"summarize", "classify"} and self.shares_encoder():
            return None, None, None  # the defaults: Pipeline loads one encoder for both
        summarizer: Any = False
        if "summarize" in stages:
            summarizer = None if self.summarizer == "extractive" else self.summarizer
        classifier: Any = False
        if "classify" in stages:
            classifier = None
            if self.backend != DEFAULT_BACKEND or self.stance_model:
                from .classify import load_classifier

                classifier = load_classifier(self.backend, self.stance_model, device=self.device, dtype=self.dtype)
        return None, summarizer, classifier

    def make_cleaner(self) -> Any:
        if not self.clean:
            return None
        from .cleaning import Cleaner

        return Cleaner(line_model=self.line_model)


def _pools(spec: PipelineSpec | Callable[[], Any]) -> list[tuple[str, ...]]:
    """The actor pools: one per model stage, or one for stages that share an encoder
    (and for a pipeline factory, whose stages cannot be split)."""
    if not isinstance(spec, PipelineSpec):
        return [("summarize", "classify")]
    stages = spec.stages()
    if len(stages) == 2 and not spec.shares_encoder():
        return [(stage,) for stage in stages]
    return [stages] if stages else []


def plan_resources(
    spec: PipelineSpec | Callable[[], Any], workers: int = 1, summarize_gpus: float = 0.0,
    classify_gpus: float = 0.0,
) -> dict[str, float]:
    """The actors, CPUs and GPUs a run asks Ray for: ``workers`` actors per pool, each
    with one CPU and its stages' GPU shares (a combined actor holds both shares), plus
    one CPU for the read/clean/write tasks."""
    gpus = {"summarize": summarize_gpus, "classify": classify_gpus}
    pools = _pools(spec)
    actors = workers * len(pools)
    return {
        "actors": actors,
        "cpus": actors * ACTOR_CPUS + TASK_CPUS,
        "gpus": float(sum(workers * sum(gpus[stage] for stage in pool) for pool in pools)),
    }


def check_resources(plan: Mapping[str, float], resources: Mapping[str, float], address: str | None = None) -> None:
    """Fail fast (exit 2) when a run asks for more than the cluster has: Ray would
    otherwise wait forever for a GPU or a CPU that never comes.

    >>> check_resources({"actors": 1, "cpus": 2, "gpus": 1.0}, {"CPU": 4.0})
    Traceback (most recent call last):
    ...
    stance.errors.UsageError: the run asks for 1 GPU(s) but the Ray cluster (local) has 0 ...
    """
    where = address or "local"
    have_gpus = float(resources.get("GPU", 0.0))
    if plan["gpus"] > have_gpus + 1e-9:
        raise UsageError(
            f"the run asks for {plan['gpus']:g} GPU(s) but the Ray cluster ({where}) has {have_gpus:g} "
            f"(ray.cluster_resources()); Ray would wait for them forever. Lower --summarize-gpus/--classify-gpus "
            "(0 runs the models on CPU) or --workers, or connect to a cluster with GPUs (--address)"
        )
    have_cpus = float(resources.get("CPU", 0.0))
    if plan["cpus"] > have_cpus + 1e-9:
        raise UsageError(
            f"the run asks for {plan['cpus']:g} CPUs ({plan['actors']:g} model actor(s) with {ACTOR_CPUS:g} each, "
            f"plus {TASK_CPUS:g} for reading, cleaning and writing) but the Ray cluster ({where}) has "
            f"{have_cpus:g}; it would wait forever. Use fewer --workers, or a larger --num-cpus for a local cluster"
        )


def _check_gpu_share(name: str, value: float) -> None:
    if not (value >= 0 and math.isfinite(value)):
        raise UsageError(f"expected --{name} to be a number >= 0 (a share of one GPU, e.g. 0.5), got {value}")
    if value > 1 and value != int(value):
        raise UsageError(f"expected --{name} to be at most 1 or a whole number of GPUs (Ray's rule), got {value}")


# ----------------------------------------------------------------------------- stages (run on Ray workers)


def _stats_columns(n: int, seconds: float, stage: str) -> dict[str, list]:
    return {f"seconds_{stage}": [seconds / n] * n}


class _CleanTask:
    """Cleaning as a plain task: the cleaner is picklable and cheap to build."""

    def __init__(self, cleaner: Any, parts_dir: str | None) -> None:
        self.cleaner = cleaner
        self.parts_dir = parts_dir  # set when cleaning is the last stage: the task writes the parts

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        started = time.perf_counter()
        ids = [str(x) for x in batch["id"]]
        texts = [str(x) for x in batch["text"]]
        warnings = [tuple(json.loads(w)) for w in batch["warnings"]]
        if self.cleaner is None:
            results = [Cleaned(id=i, text=t, warnings=w) for i, t, w in zip(ids, texts, warnings, strict=True)]
        else:
            results = [
                self.cleaner.clean(t, doc_id=i, warnings=w) for i, t, w in zip(ids, texts, warnings, strict=True)
            ]
        for result in results:
            for flag in result.flags:
                log.warning("%s: %s", result.id, flag)
        columns: dict[str, list] = {
            "id": ids,
            "clean": [r.text for r in results],
            "warnings": [json.dumps(list(r.warnings), ensure_ascii=False) for r in results],
            "flags": [json.dumps(list(r.flags), ensure_ascii=False) for r in results],
            "reasons": [json.dumps(dict(r.reasons()), ensure_ascii=False) for r in results],
            "bytes": [len(t.encode("utf-8")) for t in texts],
            **_stats_columns(len(ids), time.perf_counter() - started, "clean"),
        }
        if self.parts_dir is None:
            return columns
        lines = [json.dumps(r.to_record(), ensure_ascii=False) for r in results]
        return _write_part(self.parts_dir, ids, lines, columns)


class _ModelActor:
    """One actor of a model pool: builds its stages once, then processes batches.

    ``stages`` is what this pool runs; with ``parts_dir`` (the last pool) it writes
    each batch's records as a part and returns one summary row per part.
    """

    def __init__(self, spec: Any, stages: tuple[str, ...], all_stages: tuple[str, ...], parts_dir: str | None,
                 gpu_share: float = 0.0):
        started = time.perf_counter()
        if isinstance(spec, PipelineSpec):
            if gpu_share == 0 and spec.device == "auto":
                # Ray hides no GPU from an actor that asked for none: without this, "auto"
                # would put it on a GPU that other actors were given.
                spec = replace(spec, device="cpu")
            self.pipeline = spec.build(stages)
        else:
            self.pipeline = spec()  # a factory: the stages it builds, in one actor
        self.stages, self.all_stages, self.parts_dir = stages, all_stages, parts_dir
        log.info("model actor %s ready in %.1f s", "+".join(stages), time.perf_counter() - started)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        ids = [str(x) for x in batch["id"]]
        texts = [str(x) for x in batch["clean"]]
        warnings = [tuple(json.loads(w)) for w in batch["warnings"]]
        flags = [json.loads(f) for f in batch["flags"]]
        docs = [Document(i, t, warnings=w) for i, t, w in zip(ids, texts, warnings, strict=True)]
        self.pipeline.reset_stats()
        records = self.pipeline.process(docs)
        seconds = self.pipeline.stats().seconds
        columns = {key: list(value) for key, value in batch.items()}
        for stage in self.stages:
            columns.update(_stats_columns(len(ids), seconds[stage], stage))
        if records and "summary" in columns and "stance" in records[0]:
            # The second of two pools: the record of the whole pipeline, in its key order.
            records = [
                _full_record(doc, json.loads(summary), record)
                for doc, summary, record in zip(docs, columns["summary"], records, strict=True)
            ]
        for record, doc_flags in zip(records, flags, strict=True):
            record["flags"] = doc_flags  # cleaning ran in its own task: its flags, not the empty ones
        if self.parts_dir is None:
            columns["summary"] = [json.dumps(r, ensure_ascii=False) for r in records]
            return columns
        lines = [json.dumps(record, ensure_ascii=False) for record in records]
        return _write_part(self.parts_dir, ids, lines, columns)


def _full_record(doc: Document, summary: Mapping[str, Any], stance: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"id": doc.id, "clean": doc.text, "summary": summary["summary"],
                              "stance": stance["stance"], "flags": []}
    if doc.warnings:
        record["warnings"] = list(doc.warnings)
    return record


def _part_name(ids: list[str]) -> str:
    # Named by its ids: a retried task rewrites the same part instead of adding a second one.
    digest = hashlib.blake2b("\n".join(ids).encode("utf-8"), digest_size=10).hexdigest()
    return f"part-{digest}.jsonl"


def _write_lines(parts_dir: str | os.PathLike, ids: list[str], lines: list[str]) -> str:
    """Write one part whole: under a temporary name, then renamed; return its name."""
    name = _part_name(ids)
    temporary = os.path.join(parts_dir, f".tmp-{uuid.uuid4().hex}-{name}")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, os.path.join(parts_dir, name))
    return name


def _write_part(parts_dir: str, ids: list[str], lines: list[str], columns: Mapping[str, list]) -> dict[str, list]:
    """Write one part whole (temporary name, then rename) and return its one summary row."""
    name = _write_lines(parts_dir, ids, lines)
    reasons: Counter[str] = Counter()
    for value in columns["reasons"]:
        reasons.update(json.loads(value))
    flags: Counter[str] = Counter()
    for value in columns["flags"]:
        flags.update(json.loads(value))
    row: dict[str, list] = {
        "part": [name], "documents": [len(ids)], "bytes": [int(sum(columns["bytes"]))],
        "reasons": [json.dumps(dict(reasons), ensure_ascii=False)],
        "flags": [json.dumps(dict(flags), ensure_ascii=False)],
    }
    for stage in STAGES[1:]:
        key = f"seconds_{stage}"
        row[key] = [float(sum(columns[key]))] if key in columns else [0.0]
    return row


# ----------------------------------------------------------------------------- input


@dataclass
class _Input:
    dataset: Any  # ray.data.Dataset with id, text, warnings
    ids: list[str]
    fingerprint: str
    description: str
    problems: list[InputError] = field(default_factory=list)


def _is_ray_dataset(source: Any) -> bool:
    return type(source).__name__ == "Dataset" and hasattr(source, "map_batches") and hasattr(source, "schema")


def _ray_reader(source: str) -> str | None:
    """The ray.data reader for a path that stance.io does not read itself."""
    path = source.rstrip("/")
    local = "://" not in path
    if local and os.path.isdir(path):
        names = os.listdir(path)
        if any(name.lower().endswith(".txt") for name in names):
            return None
        for suffix in (".parquet", ".jsonl", ".json", ".csv"):
            if any(name.lower().endswith(suffix) for name in names):
                return _RAY_READERS[suffix]
        return None  # stance.io says what is wrong with the folder
    suffix = os.path.splitext(path)[1].lower()
    if local and suffix in _STANCE_SUFFIXES:
        return None
    if suffix in _RAY_READERS:
        return _RAY_READERS[suffix]
    if not local:
        return "read_binary_files"  # a folder of text files in an object store
    return None


def _fingerprint(pairs: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for doc_id, text_digest in sorted(pairs):
        digest.update(doc_id.encode("utf-8") + b"\0" + text_digest.encode("ascii") + b"\n")
    return digest.hexdigest()


def _text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=8).hexdigest()


def _check_unique(ids: list[str], duplicates: Iterable[str] = ()) -> None:
    counts = Counter(ids)
    repeated = sorted({*duplicates, *(doc_id for doc_id, count in counts.items() if count > 1)})
    if repeated:
        shown = ", ".join(repr(doc_id) for doc_id in repeated[:10])
        more = f" and {len(repeated) - 10} more" if len(repeated) > 10 else ""
        raise UsageError(
            f"document ids must be unique for a distributed run (its resume and merge go by id); repeated: "
            f"{shown}{more}. Give each document its own id (file name or 'id' field)"
        )


def _read_input(source: Any, on_error: ErrorHandler | None, blocks: int) -> _Input:
    import ray.data

    if _is_ray_dataset(source):
        return _from_ray_dataset(source, "a ray.data.Dataset")
    if isinstance(source, str | os.PathLike):
        reader = _ray_reader(os.fspath(source))
        if reader is not None:
            dataset = getattr(ray.data, reader)(os.fspath(source), **(
                {"include_paths": True} if reader == "read_binary_files" else {}))
            if reader == "read_binary_files":
                dataset = dataset.map_batches(_decode_files, batch_format="numpy")
            return _from_ray_dataset(dataset, f"{os.fspath(source)} ({reader})")
    problems: list[InputError] = []
    duplicates: list[str] = []

    def report(error: InputError) -> None:
        if "duplicate id" in str(error):
            duplicates.append(str(error))
            return
        problems.append(error)
        if on_error is not None:
            on_error(error)
        else:
            raise error

    rows, pages = [], 0
    for doc in iter_documents(source, report, defer_html=True):
        page = isinstance(doc, PendingHtml)
        rows.append({"id": doc.id, "text": doc.text, "html": page, "source": doc.source or "",
                     "warnings": json.dumps(list(doc.warnings), ensure_ascii=False)})
        pages += page
    if duplicates:
        raise UsageError(
            "document ids must be unique for a distributed run (its resume and merge go by id); "
            + "; ".join(duplicates[:5]) + (f" and {len(duplicates) - 5} more" if len(duplicates) > 5 else "")
        )
    ids = [row["id"] for row in rows]
    _check_unique(ids)
    description = os.fspath(source) if isinstance(source, str | os.PathLike) else type(source).__name__
    if not pages:
        pairs = [(row["id"], _text_digest(row["text"])) for row in rows]
        dataset = ray.data.from_items(rows, override_num_blocks=max(1, min(blocks, len(rows)))) if rows else None
        return _Input(dataset, ids, _fingerprint(pairs), description, problems)
    # HTML pages are reduced to their main text in Ray's tasks (it costs ten times what cleaning does),
    # once: the texts are kept, and the fingerprint is taken on them, as the local engine takes it.
    dataset = ray.data.from_items(rows, override_num_blocks=max(1, min(blocks, len(rows))))
    dataset = dataset.map_batches(_extract_pages, batch_format="numpy").materialize()
    pairs = []
    for batch in dataset.map_batches(_digests, batch_format="numpy").iter_batches(batch_format="numpy"):
        pairs.extend(zip((str(x) for x in batch["id"]), (str(x) for x in batch["digest"]), strict=True))
    return _Input(dataset, ids, _fingerprint(pairs), description, problems)


def _extract_pages(batch: dict[str, Any]) -> dict[str, list]:
    """Documents read by stance.io for the Ray engine: the main text of those that are HTML pages
    (``html`` true; read with ``defer_html``), extracted in Ray's task as reading would have."""
    from .io import html_to_text

    texts = [html_to_text(str(text), str(source)) if page else str(text)
             for text, page, source in zip(batch["text"], batch["html"], batch["source"], strict=True)]
    return {"id": [str(x) for x in batch["id"]], "text": texts, "warnings": list(batch["warnings"])}


def _decode_files(batch: dict[str, Any]) -> dict[str, list]:
    """Files read by ray.data (a folder in an object store): decoded as stance.io decodes them, and
    HTML pages (.html, .htm) reduced to their main text, here in the reading tasks."""
    from .io import HTML_SUFFIXES, decode, html_to_text

    ids, texts, warnings = [], [], []
    for path, data in zip(batch["path"], batch["bytes"], strict=True):
        base, suffix = os.path.splitext(os.path.basename(str(path)))
        html = suffix.lower() in HTML_SUFFIXES
        text, notes = decode(bytes(data), str(path), html=html)
        ids.append(base)
        texts.append(html_to_text(text, str(path)) if html else text)
        warnings.append(json.dumps(list(notes), ensure_ascii=False))
    return {"id": ids, "text": texts, "warnings": warnings}


def _extract_html_column(batch: dict[str, Any]) -> dict[str, list]:
    """A table of ``id`` and ``html`` (a Parquet or JSONL of pages read by ray.data): the pages' main text
    as ``text``, extracted in the reading tasks."""
    from .io import html_to_text

    pages = ["" if page is None else str(page) for page in batch["html"]]
    columns = {key: list(values) for key, values in batch.items() if key != "html"}
    texts = [html_to_text(page, str(doc_id)) for page, doc_id in zip(pages, batch["id"], strict=True)]
    return {**columns, "text": texts}


def _normalise_columns(batch: dict[str, Any]) -> dict[str, list]:
    n = len(batch["text"])
    warnings = list(batch["warnings"]) if "warnings" in batch else ["[]"] * n
    return {"id": [str(x) for x in batch["id"]], "text": ["" if x is None else str(x) for x in batch["text"]],
            "warnings": warnings}


def _digests(batch: dict[str, Any]) -> dict[str, list]:
    return {"id": [str(x) for x in batch["id"]], "digest": [_text_digest(str(x)) for x in batch["text"]]}


def _from_ray_dataset(dataset: Any, description: str) -> _Input:
    columns = dataset.schema().names
    if "html" in columns:
        if "text" in columns:
            raise InputError(f"has both 'text' and 'html' columns, got {columns}; give one of them", description)
        from .io import require_html_reader

        require_html_reader(f"{description} has an 'html' column")  # the reading tasks extract the pages with it
        dataset = dataset.map_batches(_extract_html_column, batch_format="numpy")
        columns = [*columns, "text"]
    missing = [column for column in ("id", "text") if column not in columns]
    if missing:
        raise InputError(
            f"expected 'id' and 'text' (or 'html') columns, got {columns}; missing {missing}. Rename the columns "
            "(e.g. dataset.rename_columns({...})) or write them out under those names", description
        )
    dataset = dataset.map_batches(_normalise_columns, batch_format="numpy")
    pairs = []
    for batch in dataset.map_batches(_digests, batch_format="numpy").iter_batches(batch_format="numpy"):
        pairs.extend(zip((str(x) for x in batch["id"]), (str(x) for x in batch["digest"]), strict=True))
    ids = [doc_id for doc_id, _ in pairs]
    _check_unique(ids)
    return _Input(dataset, ids, _fingerprint(pairs), description)


class _DropDone:
    def __init__(self, done: Any) -> None:
        self.done = done

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        import ray

        done = self.done if isinstance(self.done, set) else ray.get(self.done)
        keep = [i for i, doc_id in enumerate(batch["id"]) if str(doc_id) not in done]
        return {key: [values[i] for i in keep] for key, values in batch.items()}


# ----------------------------------------------------------------------------- output folder


def _part_record(line: str | bytes, source: str) -> dict:
    """A record line of a part, or the :class:`InputError` of a damaged part."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deeply
        record = None
    if not isinstance(record, dict) or "id" not in record:
        raise InputError("is no record of `stance run` (a JSON object with 'id'), so the run folder is damaged; "
                         "remove this part, then rerun the same `stance run --engine ray` command to redo its "
                         "documents", source)
    return record


def read_parts(out: str | os.PathLike) -> Iterator[tuple[str, int, dict]]:
    """Every record in the parts of OUT, as ``(part name, line number, record)``, parts in name order."""
    parts = Path(out) / PARTS
    if not parts.is_dir():
        return
    for path in sorted(parts.glob("part-*.jsonl")):
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield path.name, number, _part_record(line, f"{path}:{number}")


@dataclass
class _Scan:
    ids: set[str] = field(default_factory=set)
    labels: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    parts: int = 0
    repeated: list[str] = field(default_factory=list)


def _scan(out: Path) -> _Scan:
    scan = _Scan()
    seen_parts = set()
    for part, _, record in read_parts(out):
        seen_parts.add(part)
        doc_id = str(record["id"])
        if doc_id in scan.ids:
            scan.repeated.append(doc_id)
        scan.ids.add(doc_id)
        stance = record.get("stance")
        if isinstance(stance, dict):
            scan.labels[str(stance.get("label"))] += 1
        scan.flags.update(record.get("flags") or ())
    scan.parts = len(seen_parts)
    return scan


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_manifest(out: str | os.PathLike) -> dict[str, Any] | None:
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not valid JSON ({error.msg}); remove the folder or pass --overwrite") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path} is not UTF-8 text ({error.reason}), so no manifest of stance; remove the folder "
                         "or pass --overwrite") from None


@contextlib.contextmanager
def _lock(out: Path) -> Iterator[None]:
    """Hold ``OUT/.lock`` while a run writes OUT: two runs at once could give an id two parts.

    A lock left by a process of this machine that is gone is taken over with a warning."""
    if out.exists() and not out.is_dir():
        _prepare_out(out, {}, "", False)  # raises: a file is no output folder
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    me = {"host": socket.gethostname(), "pid": os.getpid()}
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        try:
            holder = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            holder = {}
        if holder.get("host") != me["host"] or _alive(holder.get("pid")):
            raise UsageError(
                f"another run (pid {holder.get('pid')} on {holder.get('host')}) is writing {out}; wait for it to "
                f"end, or, if it is gone (a machine that died), remove {path} and rerun"
            ) from None
        log.warning("%s: taking over the lock of a run that is gone (pid %s)", out, holder.get("pid"))
        path.unlink(missing_ok=True)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(me, handle)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prepare_out(out: Path, settings: Mapping[str, Any], fingerprint: str, overwrite: bool) -> dict[str, Any] | None:
    """Check OUT against this run (refuse other settings or input unless overwrite) and
    return the manifest of the earlier run to resume, if any."""
    if out.exists() and not out.is_dir():
        raise UsageError(
            f"{out} is a file; a distributed run writes a folder of record parts. Choose a new folder "
            "(stance merge joins the parts into one JSONL afterwards)"
        )
    manifest = read_manifest(out) if out.is_dir() else None
    if out.is_dir() and manifest is None and any(path.name != LOCK for path in out.iterdir()):
        raise UsageError(
            f"{out} holds files but no {MANIFEST}: it is not the output of a distributed run. "
            "Choose an empty or new folder (nothing is deleted)"
        )
    if manifest is not None and not overwrite:
        changed = []
        if manifest.get("settings") != dict(settings):
            changed.append(f"settings: {manifest.get('settings')} there, {dict(settings)} now")
        if manifest.get("input", {}).get("fingerprint") != fingerprint:
            changed.append("input: other ids or texts")
        if changed:
            raise UsageError(
                f"{out} holds another run (different " + "; different ".join(changed) + "). Rerun with the same "
                "settings and input to resume it, choose another --out, or pass --overwrite to start it afresh"
            )
        return manifest
    if manifest is not None:  # overwrite: remove only what a run writes
        shutil.rmtree(out / PARTS, ignore_errors=True)
        for name in (MANIFEST, SUCCESS):
            with contextlib.suppress(FileNotFoundError):
                (out / name).unlink()
    return None


# ----------------------------------------------------------------------------- running


@dataclass
class DistributedResult:
    """What a distributed run did: the output folder, its manifest, this invocation's
    :class:`~stance.pipeline.RunStats`, and the input problems (unreadable documents)."""

    out: Path
    manifest: dict[str, Any]
    stats: RunStats
    problems: list[InputError]
    description: dict[str, str]

    @property
    def complete(self) -> bool:
        return (self.out / SUCCESS).exists()

    # A Pipeline-like view for stance.cli.reporting.render_run_report.
    def describe(self) -> dict[str, str]:
        return dict(self.description)

    def pipeline_stats(self) -> RunStats:
        return self.stats


def _init_ray(address: str | None, num_cpus: int | None, object_store_memory: int | None,
              plan: Mapping[str, float]) -> bool:
    """Connect to ``address`` or to the running Ray; else start a local cluster. True when started here."""
    try:
        import ray
    except ImportError:
        raise missing_dependency("ray[data]", "ray") from None
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=True)
        return False
    cpus = num_cpus if num_cpus is not None else max(os.cpu_count() or 1, math.ceil(plan["cpus"]))
    start_local_cluster(cpus, object_store_memory)
    return True


def start_local_cluster(num_cpus: int, object_store_memory: int | None = None, num_gpus: int | None = None) -> None:
    """Start Ray on this machine with ``num_cpus`` logical CPUs, its workers importing
    the same stance as this process (a source checkout too).

    On a small machine give at least 4: each model actor holds one CPU for the
    whole run and the read/clean/write tasks need one more. ``num_gpus`` (default:
    the GPUs Ray finds) limits the GPUs it may hand out; 0 gives none.
    """
    import ray

    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    ray.init(num_cpus=num_cpus, num_gpus=num_gpus, object_store_memory=object_store_memory,
             include_dashboard=False, runtime_env={"env_vars": {"PYTHONPATH": path}})


def run_distributed(
    source: Any,
    out: str | os.PathLike,
    spec: PipelineSpec | Callable[[], Any] | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    workers: int = 1,
    summarize_gpus: float = 0.0,
    classify_gpus: float = 0.0,
    batch_size: int | Mapping[str, int] = 32,
    cleaner: Any = None,
    address: str | None = None,
    num_cpus: int | None = None,
    object_store_memory: int | None = None,
    overwrite: bool = False,
    on_error: ErrorHandler | None = None,
    progress: bool = True,
) -> DistributedResult:
    """Run the pipeline on Ray Data into the folder ``out`` (see the module docstring).

    ``source``: what ``stance run`` reads (a .txt, a folder of .txt, a JSONL, a list
    of texts...), a Parquet/JSON/CSV file or folder or an object-store URI that
    ray.data reads, or a ``ray.data.Dataset``; it needs ``id`` and ``text``.
    ``spec``: a :class:`PipelineSpec` (default: the default stages) or a factory
    ``() -> Pipeline`` for custom stage objects (its stages run in one actor; pass
    ``settings`` to tell runs apart, and ``cleaner`` for cleaning: ``None`` the
    default, ``False`` none). ``batch_size``: documents per model batch, or per
    stage ``{"clean": 256, "summarize": 32, "classify": 32}``. The cluster is
    ``address``, else the Ray already running in this process, else a local one
    with ``num_cpus``. Raises :class:`~stance.errors.UsageError` before any work
    when the run cannot work (resources, ids, OUT holding another run).

    >>> result = run_distributed("seeds", "out/", PipelineSpec(summarizer="lead"))  # doctest: +SKIP
    >>> result.complete, result.manifest["counts"]["records"]  # doctest: +SKIP
    (True, 5)
    """
    spec = PipelineSpec() if spec is None else spec
    if isinstance(spec, PipelineSpec):
        if settings is None:
            settings = spec.settings()
        if cleaner is not None:
            raise UsageError("cleaner= is for a pipeline factory; a PipelineSpec says clean=True/False")
        cleaner = spec.make_cleaner()
    else:
        if not callable(spec):
            raise UsageError(f"expected a PipelineSpec or a factory () -> Pipeline, got {type(spec).__name__}")
        if settings is None:
            raise UsageError("a pipeline factory needs settings={...}: what its stages are, to tell runs apart")
        if cleaner is None:
            from .cleaning import Cleaner

            cleaner = Cleaner()
        elif cleaner is False:
            cleaner = None
    whole_number(workers, "workers")
    _check_gpu_share("summarize-gpus", summarize_gpus)
    _check_gpu_share("classify-gpus", classify_gpus)
    sizes = _batch_sizes(batch_size)
    if isinstance(spec, PipelineSpec) and spec.device == "cpu" and (summarize_gpus or classify_gpus):
        raise UsageError("--device cpu with a GPU share (--summarize-gpus/--classify-gpus > 0): the GPUs would be "
                         "reserved and sit idle. Leave --device at auto (the actors use the GPU they are given)")
    if (isinstance(spec, PipelineSpec) and spec.device.startswith("cuda:") and spec.device != "cuda:0"
            and (summarize_gpus or classify_gpus)):
        raise UsageError(f"--device {spec.device} with a GPU share: Ray gives each actor the GPU it reserved, which "
                         "the actor sees as cuda:0, so no actor has a GPU by that number. Leave --device at auto "
                         "(or cuda); to choose the GPUs, start Ray with CUDA_VISIBLE_DEVICES set")
    pools = _pools(spec)
    if not pools and cleaner is None:
        raise UsageError("expected at least one stage: cleaning, a summarizer or a stance backend")
    plan = plan_resources(spec, workers, summarize_gpus, classify_gpus)
    out = Path(out)
    if out.exists() and not out.is_dir():
        _prepare_out(out, settings, "", overwrite)  # raises: a file is no output folder

    started_here = _init_ray(address, num_cpus, object_store_memory, plan)
    import ray
    import ray.data

    try:
        check_resources(plan, ray.cluster_resources(), address)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = progress
        blocks = max(1, 2 * math.ceil(plan["cpus"]))
        data = _read_input(source, on_error, blocks)
        with _lock(out):
            manifest = _prepare_out(out, settings, data.fingerprint, overwrite)
            result = _execute(data, out, spec, dict(settings), pools, sizes, workers,
                              {"summarize": summarize_gpus, "classify": classify_gpus}, cleaner, manifest,
                              {"address": address or "local", "workers": workers, "summarize_gpus": summarize_gpus,
                               "classify_gpus": classify_gpus, "batch_size": sizes})
    finally:
        if started_here:
            ray.shutdown()
    return result


def _batch_sizes(batch_size: int | Mapping[str, int]) -> dict[str, int]:
    sizes = {"clean": 256, "summarize": 32, "classify": 32}
    if isinstance(batch_size, Mapping):
        unknown = set(batch_size) - set(sizes)
        if unknown:
            raise UsageError(f"expected batch sizes for {sorted(sizes)}, got {sorted(unknown)}")
        sizes.update(batch_size)
    else:
        sizes["summarize"] = sizes["classify"] = batch_size
    for stage, size in sizes.items():
        whole_number(size, f"the {stage} batch size")
    return sizes


def _execute(data: _Input, out: Path, spec: Any, settings: dict, pools: list[tuple[str, ...]],
             sizes: dict[str, int], workers: int, gpus: dict[str, float], cleaner: Any,
             earlier: dict[str, Any] | None, run_settings: dict) -> DistributedResult:
    import ray
    import ray.data

    parts = out / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    for leftover in parts.glob(".tmp-*"):  # a part a killed run did not finish: never counted, redone
        leftover.unlink()
    scan = _scan(out)
    if scan.repeated:
        raise StanceError(f"{out}: ids written twice: {sorted(set(scan.repeated))[:10]}; remove the folder and rerun")
    stray = scan.ids - set(data.ids)
    if stray:
        raise StanceError(f"{out} holds records of ids not in the input ({sorted(stray)[:5]}...); use --overwrite")
    todo = [doc_id for doc_id in data.ids if doc_id not in scan.ids]
    stats = RunStats(skipped=len(data.ids) - len(todo))
    description = _describe(spec, pools, gpus, workers)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "engine": "ray",
        "settings": settings,
        "run": run_settings,
        "input": {"source": data.description, "fingerprint": data.fingerprint, "documents": len(data.ids)},
        "stages": description,
        "status": "running",
        "started": earlier.get("started") if earlier else _now(),
        "updated": _now(),
    }
    _write_json(out / MANIFEST, manifest)
    if stats.skipped:
        log.info("%d of %d documents already have their record in %s; %d to go",
                 stats.skipped, len(data.ids), out, len(todo))
    started = time.perf_counter()
    try:
        if todo and data.dataset is not None:
            dataset = data.dataset
            if scan.ids:
                dataset = dataset.map_batches(_DropDone(ray.put(scan.ids)), batch_format="numpy")
            # Cleaning: plain tasks (a callable object, not a class), as many as the CPUs allow.
            # ray_remote_args_fn keeps Ray from fusing the cleaning into the model actors (it fuses
            # maps whose resources match, e.g. on CPU): the actors stay on their model. Ray 2.60
            # warns that the argument goes in 2.64; the extra pins 2.60.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*ray_remote_args_fn.*deprecated")
                dataset = dataset.map_batches(
                    _CleanTask(cleaner, None if pools else str(parts)), batch_size=sizes["clean"],
                    batch_format="numpy", ray_remote_args_fn=_cleaning_task_args,
                )
            all_stages = tuple(stage for pool in pools for stage in pool)
            for index, pool in enumerate(pools):
                last = index == len(pools) - 1
                dataset = dataset.map_batches(
                    _ModelActor,
                    fn_constructor_args=(spec, pool, all_stages, str(parts) if last else None,
                                         sum(gpus[stage] for stage in pool)),
                    batch_size=min(sizes[stage] for stage in pool),
                    batch_format="numpy",
                    compute=ray.data.ActorPoolStrategy(size=workers),
                    num_cpus=ACTOR_CPUS,
                    num_gpus=sum(gpus[stage] for stage in pool),
                )
            for row in dataset.iter_rows():
                stats.documents += int(row["documents"])
                stats.bytes += int(row["bytes"])
                stats.reasons.update(json.loads(row["reasons"]))
                stats.flags.update(json.loads(row["flags"]))
                for stage in STAGES[1:]:
                    stats.seconds[stage] += float(row[f"seconds_{stage}"])
    except (StanceError, KeyboardInterrupt):
        _finish(out, manifest, stats, "failed", time.perf_counter() - started)
        raise
    except Exception as error:
        failed = _finish(out, manifest, stats, "failed", time.perf_counter() - started)
        raise StanceError(
            f"the Ray run failed ({_root_cause(error)}); the {failed['counts']['records']} records written so far "
            f"are kept in {out / PARTS}: rerun the same command to resume"
        ) from error
    wall = time.perf_counter() - started
    final = _finish(out, manifest, stats, None, wall, expected=set(data.ids))
    return DistributedResult(out, final, stats, data.problems, description)


def _cleaning_task_args() -> dict[str, float]:
    return {"num_cpus": TASK_CPUS}


def _root_cause(error: BaseException) -> str:
    """The user's exception inside Ray's wrappers (RayTaskError, UserCodeException), as 'Type: message':
    the driver gets it only as text, in the traceback Ray formats."""
    for line in str(error).splitlines():
        match = _EXCEPTION_LINE.match(line)
        if match and not match.group(1).startswith("ray.") and match.group(1) not in _RAY_WRAPPERS:
            return f"{match.group(1)}: {match.group(2).strip()}"
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[-1] if lines else ''}"


_EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)): (.*)$")
_RAY_WRAPPERS = {"UserCodeException", "RayTaskError", "RayActorError", "RaySystemError"}


def _finish(out: Path, manifest: dict[str, Any], stats: RunStats, status: str | None, wall: float,
            expected: set[str] | None = None) -> dict[str, Any]:
    scan = _scan(out)
    if status is None:
        missing = expected - scan.ids if expected is not None else set()
        status = "complete" if not missing and not scan.repeated else "incomplete"
    manifest = {
        **manifest,
        "status": status,
        "updated": _now(),
        "counts": {
            "records": len(scan.ids), "parts": scan.parts, "repeated_ids": len(scan.repeated),
            "labels": dict(scan.labels), "flags": dict(scan.flags),
        },
        "this_run": {**stats.to_dict(), "wall_seconds": wall,
                     "docs_per_second_wall": stats.documents / wall if wall else 0.0},
    }
    _write_json(out / MANIFEST, manifest)
    if status == "complete":
        (out / SUCCESS).write_text("", encoding="utf-8")
    return manifest


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _describe(spec: Any, pools: list[tuple[str, ...]], gpus: Mapping[str, float], workers: int) -> dict[str, str]:
    if isinstance(spec, PipelineSpec):
        cleaner = "Cleaner (tasks)" if spec.clean else "none (--no-clean)"
    else:
        cleaner = "Cleaner (tasks)"
    description = {"cleaner": cleaner}
    for pool in pools:
        share = sum(gpus[stage] for stage in pool)
        what = spec.summarizer if isinstance(spec, PipelineSpec) and pool == ("summarize",) else None
        what = what or (f"{spec.backend} {spec.stance_model or ''}".strip() if isinstance(spec, PipelineSpec)
                        and pool == ("classify",) else None)
        what = what or ("default e5-small extractive + lora stance adapter, one shared encoder"
                        if isinstance(spec, PipelineSpec) and spec.shares_encoder() else "pipeline factory")
        description["+".join(pool)] = f"{what}: {workers} actor(s), {share:g} GPU each"
    return description


# ----------------------------------------------------------------------------- the local engine into OUT/


def run_local_into(
    source: Any, out: str | os.PathLike, pipeline: Any, settings: Mapping[str, Any], *,
    on_error: ErrorHandler | None = None, overwrite: bool = False, part_size: int = 256,
) -> DistributedResult:
    """The local engine resuming (or writing) a distributed run's folder: the same
    checks of settings and input (``pipeline`` may be a factory, called after them),
    the ids already in the parts skipped, new records written as whole parts of
    ``part_size``, the manifest and ``_SUCCESS`` updated.
    No Ray needed: a run started on a cluster can be finished on one machine.

    >>> run_local_into("seeds", "out/", Pipeline(), PipelineSpec().settings())  # doctest: +SKIP
    """
    problems: list[InputError] = []

    def report(error: InputError) -> None:
        problems.append(error)
        if on_error is None:
            raise error
        on_error(error)

    duplicates: list[str] = []

    def first_pass(error: InputError) -> None:
        (duplicates.append(str(error)) if "duplicate id" in str(error) else report(error))

    pairs = [(doc.id, _text_digest(doc.text)) for doc in iter_documents(source, first_pass)]
    if duplicates:
        raise UsageError("document ids must be unique for a run folder (its resume and merge go by id); "
                         + "; ".join(duplicates[:5]))
    ids = [doc_id for doc_id, _ in pairs]
    _check_unique(ids)
    out = Path(out)
    fingerprint = _fingerprint(pairs)
    with _lock(out):
        return _run_local_locked(source, out, pipeline, settings, fingerprint, ids, problems, overwrite, part_size)


def _run_local_locked(source: Any, out: Path, pipeline: Any, settings: Mapping[str, Any], fingerprint: str,
                      ids: list[str], problems: list[InputError], overwrite: bool, part_size: int
                      ) -> DistributedResult:
    earlier = _prepare_out(out, settings, fingerprint, overwrite)
    parts = out / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    for leftover in parts.glob(".tmp-*"):
        leftover.unlink()
    done = _scan(out).ids
    if not isinstance(pipeline, Pipeline) and callable(pipeline):
        pipeline = pipeline()  # built once the checks passed: a refused run loads no model
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION, "engine": "local", "settings": dict(settings),
        "run": {"engine": "local", "batch_size": getattr(pipeline, "batch_size", None)},
        "input": {"source": os.fspath(source) if isinstance(source, str | os.PathLike) else type(source).__name__,
                  "fingerprint": fingerprint, "documents": len(ids)},
        "stages": pipeline.describe(), "status": "running",
        "started": earlier.get("started") if earlier else _now(), "updated": _now(),
    }
    _write_json(out / MANIFEST, manifest)
    pipeline.reset_stats()
    started = time.perf_counter()
    batch_ids: list[str] = []
    lines: list[str] = []
    try:
        # Problems were reported by the first pass; the second one does not repeat them.
        for record in pipeline.run(source, on_error=lambda error: None, skip=done.__contains__):
            batch_ids.append(str(record["id"]))
            lines.append(json.dumps(record, ensure_ascii=False))
            if len(lines) == part_size:
                _write_lines(parts, batch_ids, lines)
                batch_ids, lines = [], []
        if lines:
            _write_lines(parts, batch_ids, lines)
    except BaseException:
        if lines:  # the records made so far are whole: keep them
            _write_lines(parts, batch_ids, lines)
        _finish(out, manifest, pipeline.stats(), "failed", time.perf_counter() - started)
        raise
    final = _finish(out, manifest, pipeline.stats(), None, time.perf_counter() - started, expected=set(ids))
    return DistributedResult(out, final, pipeline.stats(), problems, pipeline.describe())


# ----------------------------------------------------------------------------- merge


def merge_parts(out: str | os.PathLike, destination: str | os.PathLike, *, allow_incomplete: bool = False) -> int:
    """Join the parts of a distributed run into one JSONL, in id order; return the record count.

    Refuses an incomplete run (no ``_SUCCESS``) unless ``allow_incomplete``, and
    any id that appears twice.
    """
    out = Path(out)
    if not out.is_dir():
        raise UsageError(f"{out}: {'not a folder' if out.exists() else 'no such folder'}; expected the OUT folder "
                         "of `stance run --engine ray`")
    if read_manifest(out) is None:
        raise UsageError(f"{out} holds no {MANIFEST}; expected the OUT folder of `stance run --engine ray`")
    if not (out / SUCCESS).exists() and not allow_incomplete:
        raise StanceError(
            f"{out} is not complete (no {SUCCESS}); rerun the same `stance run --engine ray` command to finish it, "
            "or pass --allow-incomplete to merge what is there"
        )
    destination = Path(destination)
    if destination.resolve().is_relative_to(out.resolve()):
        raise UsageError(f"--out {destination} is inside the run folder {out}: writing it there would replace or add "
                         "to the run's own files; write the merged JSONL outside the folder")
    check_writable(destination, "--out")
    index: list[tuple[str, str, int]] = []
    for path in sorted((out / PARTS).glob("part-*.jsonl")):
        with path.open("rb") as handle:
            offset = 0
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    index.append((str(_part_record(line, f"{path}:{number}")["id"]), path.name, offset))
                offset += len(line)
    index.sort()
    for previous, current in itertools.pairwise(index):
        if previous[0] == current[0]:
            raise StanceError(
                f"{out}: id {current[0]!r} is in {previous[1]} and {current[1]}; remove the folder and rerun"
            )
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".tmp-{uuid.uuid4().hex}-{destination.name}")
    handles: dict[str, Any] = {}
    try:
        with temporary.open("wb") as target:
            for _, part, offset in index:
                handle = handles.get(part)
                if handle is None:
                    if len(handles) >= 64:
                        handles.pop(next(iter(handles))).close()
                    handle = handles[part] = (out / PARTS / part).open("rb")
                handle.seek(offset)
                target.write(handle.readline())
    finally:
        for handle in handles.values():
            handle.close()
    os.replace(temporary, destination)
    return len(index)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `stance run --engine ray` or stance.distributed.run_distributed")
