"""The one place where stages are chained: clean, summarise and classify documents, in batches.

:class:`Pipeline` runs any of the three stages (cleaning, summaries, stance),
in that order. Each model stage gets a whole batch of documents at once (so a
GPU sees full batches), records stream out in input order, and one
:class:`RunStats` counts documents, bytes, seconds per stage, cleaning reasons
and flags. ``stance run`` is the full pipeline; ``stance clean``, ``stance
summarize`` and ``stance classify`` are one-stage pipelines (after cleaning).

>>> from stance import Pipeline
>>> from stance.summarize import LeadSummarizer
>>> pipeline = Pipeline(summarizer=LeadSummarizer(max_sentences=1), classifier=False, progress=False)
>>> [record["summary"] for record in pipeline.run(["Le CAC 40 a gagné 2 %. Les banques ont mené."])]
['Le CAC 40 a gagné 2 %.']
>>> pipeline.stats().documents
1

It also runs inside ``datasets``: ``dataset.map(pipeline.map_batch, batched=True)``
adds the columns ``clean``, ``summary`` and ``stance_*``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm.auto import tqdm

from .document import Cleaned, Document
from .errors import InputError, StanceError, UsageError, whole_number
from .io import ErrorHandler, PendingHtml, as_document, iter_documents
from .runtime import dtype_name, resolve_device

log = logging.getLogger(__name__)

__all__ = ["STAGES", "Pipeline", "RunStats", "shard_of"]

STAGES = ("read", "clean", "summarize", "classify")


def shard_of(doc_id: str, count: int) -> int:
    """The shard (0 .. count-1) a document id belongs to: a hash of the id, so the
    split is the same on every machine, in every run and whatever the input order.

    >>> shard_of("000_31c08dbb09af1a8b", 4) == shard_of("000_31c08dbb09af1a8b", 4)
    True
    """
    if count < 1:
        raise UsageError(f"expected a shard count >= 1, got {count}")
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


@dataclass
class RunStats:
    """What a pipeline did: documents and bytes processed, seconds per stage,
    lines dropped by reason, documents per cleaning flag, and documents skipped
    because the output already held them. With cleaning workers, the cleaning
    seconds are those the pipeline waited for them.

    >>> stats = RunStats(documents=4, seconds={"read": 0.0, "clean": 1.0, "summarize": 3.0, "classify": 0.0})
    >>> stats.share["summarize"], stats.docs_per_second
    (0.75, 1.0)
    """

    documents: int = 0
    bytes: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    reasons: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    skipped: int = 0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    @property
    def share(self) -> dict[str, float]:
        """Each stage's share of the time spent."""
        total = self.total_seconds
        return {stage: (seconds / total if total else 0.0) for stage, seconds in self.seconds.items()}

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.total_seconds if self.total_seconds else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.bytes / 1e6 / self.total_seconds if self.total_seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents, "bytes": self.bytes, "seconds": dict(self.seconds),
            "share": self.share, "docs_per_second": self.docs_per_second, "mb_per_second": self.mb_per_second,
            "reasons": dict(self.reasons), "flags": dict(self.flags), "skipped": self.skipped,
        }


class Pipeline:
    """Clean, summarise and classify French articles; any stage may be left out.

    ``cleaner`` defaults to :class:`~stance.cleaning.Cleaner`; ``clean=False`` (or
    ``cleaner=False``) takes texts as they are. ``summarizer`` and ``classifier`` are objects (a
    :class:`~stance.summarize.Summarizer`, a
    :class:`~stance.classify.StanceClassifier`), names, ``None`` for the default
    or ``False`` to leave the stage out. By default both are the offline
    e5-small models, sharing one encoder in memory: the extractive summariser
    reads the base model, the classifier (:class:`~stance.classify.LoraStanceClassifier`)
    the same model with its stance adapter switched on. ``batch_size`` documents go through
    each stage together. ``clean_workers`` > 1 cleans batches (and extracts HTML read from a
    path) in that many spawned worker processes ahead of the model stages (:meth:`run` only; the
    records are the same as with one, in the same order; a script must then run the pipeline under
    ``if __name__ == "__main__":``, as workers import it). ``device`` and ``dtype`` apply to the stages built
    here (the defaults and those given by name); stage objects keep their own. ``dtype`` is the precision
    the models run in: ``"fp32"``, ``"bf16"`` or ``"fp16"`` (or a ``torch.dtype``); ``None`` (the default)
    is bf16 on an Ampere or newer GPU and fp32 elsewhere. Pass ``dtype="fp32"`` on a GPU to get the
    records of a CPU run (and the eval baseline's precision): in bf16, a document's scores move in the
    third decimal with the batch it lands in. A bad name is a :class:`~stance.errors.UsageError`.
    ``neutral_weight`` overrides how documents weigh neutral passages under the fixed rule
    (:func:`stance.classify.classify_documents`); a classifier with a learnt aggregation (the
    default, lora) does not read it, and a warning says so.

    A record holds ``"id"`` and what the stages made:

    - all stages (``stance run``): ``{"id", "clean", "summary", "stance": {"label", "scores", "evidence"}, "flags"}``;
    - cleaning only (``stance clean``): ``{"id", "text", "dropped", "language", "flags"}``;
    - summaries only (``stance summarize``): ``{"id", "summary", "sentences"?, "flags"}``;
    - stance only (``stance classify``): ``{"id", "stance", "flags"}``.

    ``flags`` are what cleaning found about the document (``"not French"``,
    ``"empty document"``...), so that the neutral stance of an empty or foreign
    document is not mistaken for a reading of it; ``warnings`` (what reading
    noticed, e.g. a cp1252 file) are added when there are any.

    A Pipeline shared by threads runs one batch at a time (its stages keep state while
    they run: the stance adapter switched on over the shared encoder, the cleaner's batch
    counts); for parallel work, give each thread or process its own Pipeline.
    """

    def __init__(
        self,
        cleaner: Any = None,
        summarizer: Any = None,
        classifier: Any = None,
        *,
        clean: bool = True,
        batch_size: int = 32,
        device: str = "auto",
        progress: bool | None = None,
        neutral_weight: float | None = None,
        clean_workers: int = 1,
        dtype: Any = None,
    ) -> None:
        whole_number(batch_size, "batch_size")
        whole_number(clean_workers, "clean_workers")
        if neutral_weight is not None and not (isinstance(neutral_weight, int | float)
                                               and 0 < neutral_weight < math.inf):
            raise UsageError(f"expected neutral_weight > 0 and finite (or None for the classifier's own), got "
                             f"{neutral_weight!r}")
        self.dtype = dtype_name(dtype)  # refused before any model loads
        if cleaner is False:  # as summarizer=False and classifier=False leave their stage out
            cleaner, clean = None, False
        self.batch_size = batch_size
        self.progress = progress
        self.neutral_weight = neutral_weight
        if clean and cleaner is None:
            from .cleaning import Cleaner

            cleaner = Cleaner()
        self.cleaner = cleaner if clean else None
        if self.cleaner is not None:
            _refuse_class(self.cleaner, "cleaner")
            if not any(callable(getattr(self.cleaner, name, None)) for name in ("clean_batch", "clean")):
                raise UsageError(f"expected a cleaner with a clean(text) or clean_batch(documents) method (a "
                                 f"stance.Cleaner), None (the default) or False (no cleaning), got "
                                 f"{type(self.cleaner).__name__}")
        if device != "auto":  # a device this machine lacks is refused now, not at the first batch
            resolve_device(device)
        if clean_workers > 1:
            _check_sendable(self.cleaner)
        self.clean_workers = clean_workers
        encoder = None
        if summarizer is None and classifier is None:
            from .encode import Encoder

            # loaded once, used by both stages
            encoder = Encoder("e5-small", device=device, dtype=self.dtype, progress=progress)
        self._shared_encoder = encoder
        self.summarizer = _summarizer(summarizer, encoder, device, self.dtype)
        self.classifier = _classifier(classifier, encoder, device, self.dtype)
        if self.cleaner is None and self.summarizer is None and self.classifier is None:
            raise UsageError("expected at least one stage: cleaning, a summarizer or a classifier")
        if neutral_weight is not None and getattr(self.classifier, "aggregation_", None) is not None:
            # the fixed rule's weight: a classifier with a learnt aggregation weighs documents of several
            # passages with it, and neutral_weight then changes nothing
            log.warning("neutral_weight=%s changes nothing: %s weighs a document's passages with its learnt "
                        "aggregation, not the fixed rule; leave it out, or use a classifier without one (e.g. "
                        "the embedding backend)", neutral_weight, type(self.classifier).__name__)
        self._lock = threading.RLock()
        self.reset_stats()

    def __getstate__(self) -> dict[str, Any]:
        # A lock does not pickle (datasets' num_proc, Ray): each copy gets its own. The statistics stay
        # behind too, so that a copy starts afresh and datasets' hash of map_batch (its cache key) does
        # not change with every run of the same pipeline.
        state = self.__dict__.copy()
        state.pop("_lock")
        state.pop("_stats", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self.reset_stats()

    # ---------------------------------------------------------------- running

    def run(
        self,
        documents: Any,
        *,
        on_error: ErrorHandler | None = None,
        skip: Callable[[str], bool] | None = None,
        keep: Callable[[Document], bool] | None = None,
    ) -> Iterator[dict]:
        """Stream one record per document, in input order.

        ``documents``: see :func:`stance.io.iter_documents`. A document that
        cannot be read is passed to ``on_error`` (by default: raise) and the
        others go on. Documents that ``keep`` refuses (e.g. another shard's) are
        left out; those whose id ``skip`` accepts (e.g. already in the output)
        are counted in ``stats().skipped`` and left out.
        """
        workers = self.clean_workers if self.cleaner is not None else 1
        # With cleaning workers, HTML is extracted by the workers: it costs ten times what cleaning does.
        docs = iter_documents(documents, on_error, defer_html=workers > 1)
        # the bar counts every document read, skipped ones included, against a total when it is known
        total = None if keep is not None else _count(documents)
        disable = None if self.progress is None else not self.progress
        batches = self._batches(docs, keep, skip)
        with tqdm(desc="documents", unit="doc", total=total, disable=disable) as bar:
            # no terminal to draw the bar on (a batch job's log file): a line every PROGRESS_LOG_SECONDS instead
            lines = _ProgressLines(total) if disable is None and bar.disable else None
            stream: Iterator[tuple[list[Document], list[Cleaned] | None]] = (
                _cleaned_in_workers(self.cleaner, batches, workers) if workers > 1
                else ((batch, None) for batch in batches)
            )
            skipped = self._stats.skipped
            seconds = self._stats.seconds
            waited, read = time.perf_counter(), seconds["read"]
            for batch, cleaned in stream:
                if cleaned is not None:  # the time spent waiting for a worker's batch (not reading) is cleaning time
                    seconds["clean"] += time.perf_counter() - waited - (seconds["read"] - read)
                yield from self.process(batch) if cleaned is None else self._process(batch, cleaned)[1]
                # read ahead by the workers: the skipped count may run ahead of the records
                bar.update(len(batch) + self._stats.skipped - skipped)
                if lines is not None:
                    lines.update(len(batch) + self._stats.skipped - skipped)
                skipped = self._stats.skipped
                waited, read = time.perf_counter(), seconds["read"]
            bar.update(self._stats.skipped - skipped)

    def _batches(
        self, docs: Iterator[Document], keep: Callable[[Document], bool] | None, skip: Callable[[str], bool] | None
    ) -> Iterator[list[Document]]:
        """The documents to process, ``batch_size`` at a time."""
        while True:
            started = time.perf_counter()
            batch = []
            for doc in docs:
                if keep is not None and not keep(doc):
                    continue
                if skip is not None and skip(doc.id):
                    self._stats.skipped += 1
                    continue
                batch.append(doc)
                if len(batch) == self.batch_size:
                    break
            self._stats.seconds["read"] += time.perf_counter() - started
            if not batch:
                return
            yield batch

    def process(self, batch: Sequence[Document | str]) -> list[dict]:
        """The records of one batch of documents (each model stage sees the whole batch): Documents, or texts
        and mappings as :meth:`run` takes them (a text's id is its position).

        >>> Pipeline(summarizer=False, classifier=False).process(["Le CAC 40 monte."])[0]["text"]
        'Le CAC 40 monte.'
        """
        if isinstance(batch, str | bytes):
            raise InputError("expected a list of documents; for one text, use process([text])")
        return self._process([as_document(item, index) for index, item in enumerate(batch)])[1]

    def _process(
        self, batch: Sequence[Document], cleaned: list[Cleaned] | None = None
    ) -> tuple[list[Cleaned], list[dict]]:
        if not batch:
            return [], []
        # One batch at a time: the stages keep state while they run (the stance adapter switched on
        # over the encoder the summariser shares, the cleaner's batch counts), so a Pipeline shared by
        # threads serialises its batches rather than mixing them.
        with self._lock:
            return self._process_batch(batch, cleaned)

    def _process_batch(
        self, batch: Sequence[Document], cleaned: list[Cleaned] | None
    ) -> tuple[list[Cleaned], list[dict]]:
        """The records of ``batch``; ``cleaned``: its cleaning, when a worker did it already."""
        if cleaned is None:
            if any(isinstance(doc, PendingHtml) for doc in batch):  # pages read with defer_html: extracted here
                batch = self._timed("read", _extracted, batch)
            cleaned = self._timed("clean", self._clean, batch)
        self._count_cleaning(cleaned)
        texts = [result.text for result in cleaned]
        summaries = self._timed("summarize", self.summarizer.summarize, texts) if self.summarizer else None
        stances = self._timed("classify", self._classify, texts) if self.classifier else None
        self._stats.documents += len(batch)
        self._stats.bytes += sum(len(doc.text.encode("utf-8")) for doc in batch)
        records = []
        for index, (doc, result) in enumerate(zip(batch, cleaned, strict=True)):
            if summaries is None and stances is None:
                records.append(result.to_record())
                continue
            record: dict[str, Any] = {"id": doc.id}
            if summaries is not None and stances is not None:
                record["clean"] = result.text
            if summaries is not None:
                record["summary"] = summaries[index].text
                if stances is None and summaries[index].sentences:
                    record["sentences"] = [sentence.to_dict() for sentence in summaries[index].sentences]
            if stances is not None:
                record["stance"] = stances[index]
            record["flags"] = list(result.flags)
            if result.warnings:
                record["warnings"] = list(result.warnings)
            records.append(record)
        return cleaned, records

    def map_batch(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list]:
        """``datasets`` batch function: a ``"text"`` column in; ``clean``, ``summary``,
        ``stance_label``, ``stance_scores``, ``stance_evidence`` (the passages, separated
        by a blank line) and ``flags`` (separated by "; ") columns out, for the stages
        this pipeline has.

        >>> dataset = dataset.map(pipeline.map_batch, batched=True, batch_size=32)  # doctest: +SKIP
        """
        if "text" not in batch:
            raise InputError(f"expected a batch with a 'text' column, got columns {sorted(batch)}")
        if isinstance(batch["text"], str):
            raise UsageError(
                "map_batch got one example, not a batch: call dataset.map(pipeline.map_batch, batched=True)"
            )
        texts = list(batch["text"])
        ids = list(batch["id"]) if "id" in batch else [None] * len(texts)
        # as run reads documents: string ids (a missing one by position), the text checked and repaired
        documents = [as_document({"id": doc_id, "text": text}, index)
                     for index, (doc_id, text) in enumerate(zip(ids, texts, strict=True))]
        cleaned, records = self._process(documents)
        # Strings and flat columns: Arrow needs the same type in every batch, and a
        # batch whose lists are all empty would fix their type to null.
        columns: dict[str, list] = {"clean": [result.text for result in cleaned]}
        if self.summarizer:
            columns["summary"] = [r["summary"] for r in records]
        if self.classifier:
            columns["stance_label"] = [r["stance"]["label"] for r in records]
            columns["stance_scores"] = [dict(r["stance"]["scores"]) for r in records]
            columns["stance_evidence"] = ["\n\n".join(r["stance"]["evidence"]) for r in records]
        columns["flags"] = ["; ".join(result.flags) for result in cleaned]
        return columns

    def _clean(self, batch: Sequence[Document]) -> list[Cleaned]:
        if self.cleaner is None:
            return [Cleaned(id=doc.id, text=doc.text, warnings=doc.warnings) for doc in batch]
        return _clean_documents(self.cleaner, batch)

    def _count_cleaning(self, results: Sequence[Cleaned]) -> None:
        if self.cleaner is None:
            return
        for result in results:
            self._stats.reasons.update(result.reasons())
            self._stats.flags.update(result.flags)
            for flag in result.flags:  # in the record and counted in stats(); one line each only when asked
                log.debug("%s: %s", result.id, flag)

    def _classify(self, texts: list[str]) -> list[dict]:
        from .classify import classify_documents

        options = {} if self.neutral_weight is None else {"neutral_weight": self.neutral_weight}
        # All passages of the batch go through the model together.
        return [result.to_record() for result in classify_documents(texts, self.classifier, **options)]

    def _timed(self, stage: str, function: Callable[[Any], Any], argument: Any) -> Any:
        started = time.perf_counter()
        result = function(argument)
        self._stats.seconds[stage] += time.perf_counter() - started
        return result

    # ---------------------------------------------------------------- statistics

    def reset_stats(self) -> None:
        self._stats = RunStats()

    def stats(self) -> RunStats:
        """What this pipeline did since it was made (or since :meth:`reset_stats`)."""
        return self._stats

    def __repr__(self) -> str:
        stages = ", ".join(f"{stage}={text}" for stage, text in self.describe().items())
        return f"Pipeline({stages}, batch_size={self.batch_size})"

    def describe(self) -> dict[str, str]:
        """What each stage is, for reports: ``{"cleaner", "summarizer", "classifier"}``, and
        ``"encoder"`` when the default stages share one."""
        description = {
            "cleaner": _describe(self.cleaner) if self.cleaner is not None else "none (--no-clean)",
            "summarizer": _describe(self.summarizer) if self.summarizer is not None else "none",
            "classifier": _describe(self.classifier) if self.classifier is not None else "none",
        }
        if self._shared_encoder is not None:
            description["encoder"] = repr(self._shared_encoder)
        return description


def _count(documents: Any) -> int | None:
    """How many documents ``documents`` holds, when that is cheap to know (a sized
    collection, a folder, a text file, a JSONL file's lines); else None."""
    import os

    if isinstance(documents, str | os.PathLike):
        from .io import input_files

        path = os.fspath(documents)
        if os.path.isdir(path):
            return len(input_files(path))
        if not os.path.isfile(path):
            return None
        if not path.lower().endswith((".jsonl", ".ndjson", ".json")):
            return 1
        lines, last = 0, b"\n"
        with open(path, "rb") as handle:  # a fast pass over lines, not JSON (blank lines count too)
            while chunk := handle.read(1 << 24):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return lines + (last != b"\n")
    try:
        return len(documents)
    except TypeError:
        return None


def _clean_documents(cleaner: Any, batch: Sequence[Document]) -> list[Cleaned]:
    """``batch`` cleaned by ``cleaner``: together when it can (the line model then sees which lines
    the batch's documents share), else one by one."""
    if hasattr(cleaner, "clean_batch"):
        return cleaner.clean_batch(batch)
    return [cleaner.clean(doc.text, doc_id=doc.id, warnings=doc.warnings) for doc in batch]


def _check_sendable(cleaner: Any) -> None:
    """Refuse, before any work, a cleaner that cannot be sent to worker processes."""
    import pickle

    try:
        pickle.dumps(cleaner)
    except Exception as error:  # pickle raises TypeError, AttributeError, PicklingError...
        raise UsageError(
            f"clean_workers > 1 sends the cleaner to each worker process, and {type(cleaner).__name__} "
            f"cannot be pickled ({error}); use clean_workers=1, or a cleaner that pickles"
        ) from error


_worker_cleaner: Any = None  # the cleaner of a cleaning worker process (set by _start_cleaning_worker)
_worker_error: str | None = None  # why it could not be loaded, reported with the first batch


def _start_cleaning_worker(path: str) -> None:
    import pickle
    import signal

    global _worker_cleaner, _worker_error
    # Ctrl-C reaches the whole process group: the main process stops the run and its workers, which
    # would otherwise each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with open(path, "rb") as handle:  # written by _cleaned_in_workers, this run, for its workers
            _worker_cleaner = pickle.load(handle)
    except Exception as error:  # e.g. a class the new process cannot import: said with the first batch,
        _worker_error = f"{type(error).__name__}: {error}"  # rather than a worker that died for no reason


def _check_can_spawn() -> None:
    """Refuse to start worker processes where they could not start: a worker re-imports the main
    script, which fails for a script read from standard input, and starts a pipeline of its own
    (and more workers, which would hang) when the script runs one outside ``__main__``."""
    import multiprocessing
    import os
    import sys

    if getattr(multiprocessing.current_process(), "_inheriting", False):  # multiprocessing's own test
        raise UsageError(
            "this script runs a pipeline with clean_workers > 1 when it is imported, as each worker "
            "process imports it: run the pipeline under `if __name__ == \"__main__\":`"
        )
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is not None and getattr(main, "__spec__", None) is None and not os.path.isfile(path):
        raise UsageError(
            f"clean_workers > 1 starts worker processes, which import the main script, and {path!r} is not a "
            "file (a script read from standard input?): save the script to a file, or use clean_workers=1"
        )


def _extracted(batch: Sequence[Document]) -> list[Document]:
    """``batch`` with the main text of its :class:`~stance.io.PendingHtml` pages extracted."""
    return [doc.extracted() if isinstance(doc, PendingHtml) else doc for doc in batch]


def _clean_in_worker(batch: list[Document]) -> tuple[list[Document] | None, list[Cleaned]]:
    """The batch's cleaning, and its documents when HTML among them had to be extracted first."""
    if _worker_error is not None:
        raise UsageError(
            f"a cleaning worker process could not load the cleaner ({_worker_error}): its classes must be "
            "importable by a new Python process (defined in a module, or at the top level of the script, not "
            "in a notebook or under `if __name__ == \"__main__\":`); or use clean_workers=1"
        )
    extracted = _extracted(batch) if any(isinstance(doc, PendingHtml) for doc in batch) else None
    return extracted, _clean_documents(_worker_cleaner, extracted or batch)


def _cleaned_in_workers(
    cleaner: Any, batches: Iterator[list[Document]], workers: int
) -> Iterator[tuple[list[Document], list[Cleaned]]]:
    """Each batch with its cleaning, in order, cleaned by ``workers`` processes that keep up to two
    batches each in hand ahead of the caller; a batch that held :class:`~stance.io.PendingHtml`
    comes back with their main text extracted.

    The workers are spawned (not forked, which is unsafe once torch or CUDA threads run), so a script
    that runs a pipeline with workers must do so under ``if __name__ == "__main__":``.
    """
    import multiprocessing
    import os
    import pickle
    import tempfile
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _check_can_spawn()
    # The cleaner (its line model weighs about a megabyte) goes to the workers through a file: passed
    # with the process, it would fill the pipe that starts it, and a worker that fails to start would
    # leave this process blocked on that pipe instead of reporting it.
    with tempfile.NamedTemporaryFile(prefix="stance-cleaner-", suffix=".pickle", delete=False) as handle:
        pickle.dump(cleaner, handle)
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_cleaning_worker, initargs=(handle.name,),
    )  # fmt: skip
    pending: deque = deque()

    def oldest() -> tuple[list[Document], list[Cleaned]]:
        batch, future = pending.popleft()
        extracted, cleaned = future.result()
        return extracted or batch, cleaned

    try:
        for batch in batches:
            pending.append((batch, pool.submit(_clean_in_worker, batch)))
            if len(pending) >= 2 * workers:
                yield oldest()
        while pending:
            yield oldest()
    except BrokenProcessPool as error:
        raise StanceError(
            "a cleaning worker process stopped: it ran out of memory or was killed (rerun with fewer clean "
            "workers, or one; a rerun of the same command resumes its output), or, in a script, it could not "
            "start (run a pipeline with clean_workers > 1 under `if __name__ == \"__main__\":`)"
        ) from error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        os.unlink(handle.name)


def _describe(stage: Any) -> str:
    if type(stage).__repr__ is not object.__repr__:
        return repr(stage)
    method = getattr(stage, "method", None)
    return f"{type(stage).__name__} ({method})" if isinstance(method, str) else type(stage).__name__


def _refuse_class(stage: Any, name: str) -> None:
    """A stage given as its class (``Cleaner`` for ``Cleaner()``) is refused: its methods would run unbound."""
    if isinstance(stage, type):
        raise UsageError(f"expected a {name} object, got the class {stage.__name__}: pass an instance, "
                         f"e.g. {name}={stage.__name__}()")


def _summarizer(summarizer: Any, encoder: Any, device: str, dtype: str | None) -> Any:
    if summarizer is False:
        return None
    if summarizer is None:
        from .summarize import ExtractiveSummarizer

        return ExtractiveSummarizer(encoder if encoder is not None else "e5-small", device=device, dtype=dtype)
    if isinstance(summarizer, str):
        from .summarize import load_summarizer

        return load_summarizer(summarizer, device=device, dtype=dtype)
    _refuse_class(summarizer, "summarizer")
    if not callable(getattr(summarizer, "summarize", None)):
        raise UsageError(
            f"expected a summarizer with a summarize(texts) method (a stance.summarize.Summarizer), "
            f"a name, None (the default) or False (no summaries), got {type(summarizer).__name__}"
        )
    return summarizer


def _classifier(classifier: Any, encoder: Any, device: str, dtype: str | None) -> Any:
    if classifier is False:
        return None
    if classifier is None:
        from .classify import LoraStanceClassifier

        # The adapter attaches to the shared encoder and is on only while the classifier
        # runs: the extractive summariser keeps seeing the base model.
        # (With the shared encoder, the dtype is the one it was loaded in.)
        return LoraStanceClassifier.load(encoder=encoder, device=device, dtype=dtype)
    if isinstance(classifier, str):
        from .classify import load_classifier

        return load_classifier(classifier, device=device, dtype=dtype)
    _refuse_class(classifier, "classifier")
    if not callable(getattr(classifier, "predict_proba", None)):
        raise UsageError(
            f"expected a stance classifier with predict_proba(texts) (a stance.classify.StanceClassifier), "
            f"a backend name, None (the default) or False (no stance), got {type(classifier).__name__}"
        )
    return classifier


PROGRESS_LOG_SECONDS = 60.0  # how often a run without a terminal for its bar logs how far it has got


class _ProgressLines:
    """The progress bar's count as log lines (``stance: INFO: documents: 1200 of 5000 (24%), 9.8/s``), at most
    one every :data:`PROGRESS_LOG_SECONDS`, for runs whose stderr is no terminal (a batch job's log file),
    where the bar does not show."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.done = 0
        self.start = self.last = time.perf_counter()

    def update(self, count: int) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self.last < PROGRESS_LOG_SECONDS:
            return
        self.last = now
        rate = self.done / max(now - self.start, 1e-9)
        share = f" of {self.total} ({self.done / self.total:.0%})" if self.total else ""
        log.info("documents: %d%s, %.1f/s", self.done, share, rate)
