"""The whole job in one object: clean, summarise and classify documents, in batches.

:class:`Pipeline` chains the three stages. Each model stage gets a whole batch
of documents at once (so a GPU sees full batches), records stream out in input
order, and the time spent in each stage is counted.

>>> from stance import Pipeline
>>> pipeline = Pipeline()                                   # doctest: +SKIP
>>> for record in pipeline.run("seeds/"):                   # doctest: +SKIP
...     print(record["id"], record["stance"]["label"])
>>> pipeline.stats()["share"]                               # doctest: +SKIP
{'read': 0.0, 'clean': 0.02, 'summarize': 0.47, 'classify': 0.51}

It also runs inside ``datasets``: ``dataset.map(pipeline.map_batch, batched=True)``
adds the columns ``clean``, ``summary`` and ``stance``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from tqdm.auto import tqdm

from .document import Document
from .errors import InputError, StanceError
from .files import read_documents

log = logging.getLogger(__name__)

__all__ = ["STAGES", "Pipeline", "Run", "format_table", "iter_documents", "read_run", "render_run_report", "shard_of"]

STAGES = ("read", "clean", "summarize", "classify")


def shard_of(doc_id: str, count: int) -> int:
    """The shard (0 .. count-1) a document id belongs to: a hash of the id, so the
    split is the same on every machine, in every run and whatever the input order.

    >>> shard_of("000_31c08dbb09af1a8b", 4) == shard_of("000_31c08dbb09af1a8b", 4)
    True
    """
    if count < 1:
        raise InputError(f"expected a shard count >= 1, got {count}")
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def iter_documents(source: Any, on_error: Callable[[InputError], None] | None = None) -> Iterator[Document]:
    """Documents from any input the pipeline accepts.

    ``source`` may be a path (a .txt file, a folder of .txt files or a JSONL of
    ``{"id", "text"}``), a ``datasets.Dataset`` or any iterable of :class:`Document`,
    of mappings with ``"text"`` (and ``"id"``) or of plain strings (their ids are
    their positions, ``"0"``, ``"1"``...). A bare string is a path, never a text.

    >>> [doc.id for doc in iter_documents(["Le CAC 40 monte.", "Le Dax baisse."])]
    ['0', '1']
    """
    if isinstance(source, str | os.PathLike):
        if not os.path.exists(source):
            raise InputError(
                "no such file or folder; expected a .txt file, a folder of .txt files or a .jsonl file "
                "(to process a text, pass a list: run([text]))",
                str(source),
            )
        yield from read_documents(source, on_error=on_error or _raise)
        return
    if isinstance(source, bytes | Mapping) or not isinstance(source, Iterable):
        raise InputError(
            f"expected a path, a datasets.Dataset or an iterable of texts/Documents, got {type(source).__name__}"
        )
    if _is_dataset(source) and "text" not in source.column_names:
        raise InputError(f"expected a dataset with a 'text' column, got columns {source.column_names}")
    for index, item in enumerate(source):
        yield _as_document(item, index)


def _raise(error: InputError) -> None:
    raise error


def _is_dataset(source: Any) -> bool:
    return hasattr(source, "column_names") and hasattr(source, "features")


def _as_document(item: Any, index: int) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(str(index), item)
    if isinstance(item, Mapping) and isinstance(item.get("text"), str):
        doc_id = item.get("id")
        return Document(str(index) if doc_id is None else str(doc_id), item["text"])
    raise InputError(
        f"expected a str, a Document or a mapping with a 'text' string at position {index}, got {type(item).__name__}"
    )


class Pipeline:
    """Clean, summarise and classify French articles.

    ``cleaner`` defaults to :class:`~stance.clean.Cleaner`; pass ``clean=False``
    to take texts as they are. ``summarizer`` and ``classifier`` are objects
    (any :class:`~stance.summarize.Summarizer` / stance classifier) or names;
    by default both are the offline e5-small models, sharing one encoder.
    ``batch_size`` documents go through each stage together. ``device`` applies
    to the stages built here (the defaults and those given by name); stage
    objects keep their own.

    Each record follows the ``stance run`` format:
    ``{"id", "clean", "summary", "stance": {"label", "scores", "evidence"}}``,
    plus ``"flags"``: what cleaning found about the document (``"not French"``,
    ``"empty document"``...), so that the neutral stance of an empty or foreign
    document is not mistaken for a reading of it.

    >>> pipeline = Pipeline(summarizer="lead")  # doctest: +SKIP
    >>> next(pipeline.run(["Le CAC 40 a gagné 2 % vendredi, porté par les banques."]))["summary"]  # doctest: +SKIP
    'Le CAC 40 a gagné 2 % vendredi, porté par les banques.'
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
    ) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise StanceError(f"expected batch_size to be a whole number >= 1, got {batch_size!r}")
        self.batch_size = batch_size
        self.progress = progress
        if clean and cleaner is None:
            from .clean import Cleaner

            cleaner = Cleaner()
        self.cleaner = cleaner if clean else None
        encoder = None
        if summarizer is None and classifier is None:
            from .encode import Encoder

            encoder = Encoder("e5-small", device=device)  # loaded once, used by both stages
        self._shared_encoder = encoder
        self.summarizer = _summarizer(summarizer, encoder, device)
        self.classifier = _classifier(classifier, encoder, device)
        self.reset_stats()

    # ---------------------------------------------------------------- running

    def run(self, documents: Any, *, on_error: Callable[[InputError], None] | None = None) -> Iterator[dict]:
        """Stream one record per document, in input order.

        ``documents``: see :func:`iter_documents`. A document that cannot be
        read is passed to ``on_error`` (by default: raise) and the others go on.
        """
        docs = iter_documents(documents, on_error)
        with tqdm(desc="documents", unit="doc", disable=None if self.progress is None else not self.progress) as bar:
            while True:
                started = time.perf_counter()
                batch = list(islice(docs, self.batch_size))
                self._timings["read"] += time.perf_counter() - started
                if not batch:
                    return
                yield from self.process(batch)
                bar.update(len(batch))

    def process(self, batch: Sequence[Document]) -> list[dict]:
        """The records of one batch of documents (each model stage sees the whole batch)."""
        if not batch:
            return []
        cleaned = self._timed("clean", self._clean, batch)
        texts = [text for text, _ in cleaned]
        summaries = self._timed("summarize", self.summarizer.summarize, texts)
        stances = self._timed("classify", self._classify, texts)
        self._documents += len(batch)
        self._bytes += sum(len(doc.text.encode("utf-8")) for doc in batch)
        return [
            {"id": doc.id, "clean": text, "summary": summary.text, "stance": stance, "flags": list(flags)}
            for doc, (text, flags), summary, stance in zip(batch, cleaned, summaries, stances, strict=True)
        ]

    def map_batch(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list]:
        """``datasets`` batch function: a ``"text"`` column in; ``clean``, ``summary``,
        ``stance_label``, ``stance_scores``, ``stance_evidence`` (the passages, separated
        by a blank line) and ``flags`` (separated by "; ") columns out.

        >>> dataset = dataset.map(pipeline.map_batch, batched=True, batch_size=32)  # doctest: +SKIP
        """
        if "text" not in batch:
            raise InputError(f"expected a batch with a 'text' column, got columns {sorted(batch)}")
        texts = list(batch["text"])
        ids = [str(doc_id) for doc_id in batch["id"]] if "id" in batch else [str(i) for i in range(len(texts))]
        records = self.process([Document(doc_id, text) for doc_id, text in zip(ids, texts, strict=True)])
        # Strings and flat columns: Arrow needs the same type in every batch, and a
        # batch whose lists are all empty would fix their type to null.
        return {
            "clean": [r["clean"] for r in records],
            "summary": [r["summary"] for r in records],
            "stance_label": [r["stance"]["label"] for r in records],
            "stance_scores": [dict(r["stance"]["scores"]) for r in records],
            "stance_evidence": ["\n\n".join(r["stance"]["evidence"]) for r in records],
            "flags": ["; ".join(r["flags"]) for r in records],
        }

    def _clean(self, batch: Sequence[Document]) -> list[tuple[str, tuple[str, ...]]]:
        if self.cleaner is None:
            return [(doc.text, ()) for doc in batch]
        results = [self.cleaner.clean(doc.text, doc_id=doc.id) for doc in batch]
        for result in results:
            for flag in result.flags:
                log.warning("%s: %s", result.id, flag)
        return [(result.text, tuple(result.flags)) for result in results]

    def _classify(self, texts: list[str]) -> list[dict]:
        from .classify import classify_documents

        # All passages of the batch go through the model together.
        return [result.to_record() for result in classify_documents(texts, self.classifier)]

    def _timed(self, stage: str, function: Callable[[Any], Any], argument: Any) -> Any:
        started = time.perf_counter()
        result = function(argument)
        self._timings[stage] += time.perf_counter() - started
        return result

    # ---------------------------------------------------------------- statistics

    def reset_stats(self) -> None:
        self._timings = dict.fromkeys(STAGES, 0.0)
        self._documents = 0
        self._bytes = 0

    def stats(self) -> dict[str, Any]:
        """Documents and bytes processed, seconds per stage and each stage's share of the total.

        >>> Pipeline(summarizer="lead", classifier=...).stats()["documents"]  # doctest: +SKIP
        0
        """
        total = sum(self._timings.values())
        return {
            "documents": self._documents,
            "bytes": self._bytes,
            "seconds": dict(self._timings),
            "share": {stage: (seconds / total if total else 0.0) for stage, seconds in self._timings.items()},
            "docs_per_second": self._documents / total if total else 0.0,
            "mb_per_second": self._bytes / 1e6 / total if total else 0.0,
        }

    def describe(self) -> dict[str, str]:
        """What each stage is, for reports: ``{"cleaner", "summarizer", "classifier"}``, and
        ``"encoder"`` when the default stages share one."""
        description = {
            "cleaner": _describe(self.cleaner) if self.cleaner is not None else "none (--no-clean)",
            "summarizer": _describe(self.summarizer),
            "classifier": _describe(self.classifier),
        }
        if self._shared_encoder is not None:
            description["encoder"] = repr(self._shared_encoder)
        return description


def _describe(stage: Any) -> str:
    if type(stage).__repr__ is not object.__repr__:
        return repr(stage)
    method = getattr(stage, "method", None)
    return f"{type(stage).__name__} ({method})" if isinstance(method, str) else type(stage).__name__


def _summarizer(summarizer: Any, encoder: Any, device: str) -> Any:
    if summarizer is None:
        from .summarize import ExtractiveSummarizer

        return ExtractiveSummarizer(encoder if encoder is not None else "e5-small", device=device)
    if isinstance(summarizer, str):
        from .summarize import load_summarizer

        return load_summarizer(summarizer, device=device)
    if not callable(getattr(summarizer, "summarize", None)):
        raise StanceError(f"expected a summarizer with a summarize(texts) method, got {type(summarizer).__name__}")
    return summarizer


def _classifier(classifier: Any, encoder: Any, device: str) -> Any:
    if classifier is None:
        from .classify import EmbeddingStanceClassifier

        return EmbeddingStanceClassifier.load(encoder=encoder, device=device)
    if isinstance(classifier, str):
        from .classify import load_classifier

        return load_classifier(classifier, device=device)
    if not callable(getattr(classifier, "predict_proba", None)):
        raise StanceError(
            f"expected a stance classifier with predict_proba(texts) (see stance.classify), "
            f"got {type(classifier).__name__}"
        )
    return classifier


# --------------------------------------------------------------------------------------
# What `stance run` shows: a table on the terminal and a Markdown report


@dataclass
class Run:
    """The records of a ``stance run`` output (the first ``limit`` of them), how many
    there are, how many of each stance label and of each cleaning flag."""

    path: str
    records: list[dict] = field(default_factory=list)
    total: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)


def read_run(path: str | os.PathLike, limit: int = 1000) -> Run:
    """Read back a ``stance run`` output, keeping the first ``limit`` records.

    >>> run = read_run("out.jsonl")  # doctest: +SKIP
    >>> run.total, run.labels.most_common(1)  # doctest: +SKIP
    (5, [('bullish', 4)])
    """
    run = Run(str(path))
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # only a run still being written can end on a partial line
            run.total += 1
            run.labels[str((record.get("stance") or {}).get("label"))] += 1
            run.flags.update(record.get("flags") or ())
            if len(run.records) < limit:
                run.records.append(record)
    return run


def _row(record: Mapping[str, Any], words: int) -> tuple[str, str, str, str]:
    stance = record.get("stance") or {}
    label = str(stance.get("label", "?"))
    confidence = (stance.get("scores") or {}).get(label)
    summary = " ".join(str(record.get("summary", "")).split())
    first = " ".join(summary.split(" ")[:words])
    if len(first) < len(summary):
        first += " …"
    return str(record.get("id", "")), label, "" if confidence is None else f"{confidence:.2f}", first


def format_table(records: Sequence[Mapping[str, Any]], limit: int = 50, words: int = 12) -> str:
    """A plain-text table of run records: id, stance, confidence and the first words of the summary.

    >>> print(format_table([{"id": "a1", "summary": "Le CAC 40 monte.",
    ...                      "stance": {"label": "bullish", "scores": {"bullish": 0.81}}}]))
    id  stance   confidence  summary
    a1  bullish  0.81        Le CAC 40 monte.
    """
    rows = [("id", "stance", "confidence", "summary")]
    rows += [_row(record, words) for record in records[:limit]]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)), row[3]]).rstrip()
        for row in rows
    ]
    if len(records) > limit:
        lines.append(f"... and {len(records) - limit} more")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_run_report(run: Run, pipeline: Pipeline | None = None, shard: tuple[int, int] | None = None) -> str:
    """The Markdown report of a run: stance counts, pipeline stages and timings, and a table of records."""
    lines = ["# stance run", "", f"Output: `{run.path}`, {run.total} records."]
    if shard is not None:
        lines.append(f"Shard {shard[0]} of {shard[1]} (documents whose id hashes to it; see `stance run --help`).")
    if run.total:
        counts = ", ".join(
            f"{label} {run.labels[label]} ({run.labels[label] / run.total:.0%})"
            for label in ("bullish", "skeptical", "neutral")
            if run.labels[label]
        )
        lines += ["", f"Stance: {counts}."]
    if run.flags:
        flagged = ", ".join(f"{flag} {count}" for flag, count in run.flags.most_common())
        lines += ["", f"Flagged by cleaning (their stance is no reading of an article): {flagged}."]
    if pipeline is not None:
        lines += ["", "## Pipeline", ""]
        lines += [f"- {stage}: `{description}`" for stage, description in pipeline.describe().items()]
        stats = pipeline.stats()
        if stats["documents"]:
            lines += [
                "",
                f"This invocation processed {stats['documents']} documents ({stats['bytes'] / 1e6:.2f} MB) at "
                f"{stats['docs_per_second']:.2f} documents/s, {stats['mb_per_second']:.3f} MB/s "
                "(records already in the output from an earlier run are not counted).",
                "",
                "| stage | seconds | share |",
                "|---|---|---|",
            ]
            lines += [f"| {stage} | {stats['seconds'][stage]:.2f} | {stats['share'][stage]:.1%} |" for stage in STAGES]
    lines += ["", "## Records", "", "| id | stance | confidence | summary |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in _row(record, 25)) + " |" for record in run.records]
    if run.total > len(run.records):
        lines += ["", f"The first {len(run.records)} of {run.total} records are shown."]
    return "\n".join(lines) + "\n"
