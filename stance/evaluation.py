"""Scoring a pipeline against a hand-labelled eval set, and the baseline gate.

:func:`evaluate` runs a pipeline (or takes stored predictions) over an eval set
in the format of docs/design.md and scores what the gold data holds: cleaning where a
document has ``clean``, stance where it has ``stance``, summaries (and the
Lead-3 baseline beside them) where it has ``summary``. Every headline metric
comes with a 95% bootstrap confidence interval over documents.

:func:`compare` pairs the documents with a baseline (a ``metrics.json`` written
earlier, e.g. ``eval/baseline.json``) and bootstraps the difference of every
metric on the same documents. A metric *regressed* when the whole interval of
``now - baseline`` lies below ``-tolerance``, *improved* when it lies above
zero, and *held* otherwise. Stance accuracy and macro-F1 are gated pooled and,
when the eval set has several domains, within each domain
(``stance.macro_f1[fr-documents]``), so that a regression on a small domain
cannot hide in the pool. A metric the baseline did not measure is *new*: named
in the verdict, not compared; one the baseline gated and this run does not measure
(a domain that left the eval set) fails the gate. :func:`write_report` writes ``metrics.json``,
``report.md`` and ``confusion_matrix.png``.

>>> evaluation = evaluate("eval/eval.jsonl")  # doctest: +SKIP
>>> comparison = compare(evaluation, load_baseline("eval/baseline.json"))  # doctest: +SKIP
>>> write_report(evaluation, "out/eval", comparison)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .document import Document
from .errors import InputError, UsageError
from .io import has_lone_surrogate, json_line
from .metrics import (
    METRICS_VERSION,
    ROUGE_KEYS,
    STANCE_LABELS,
    BatchStatistic,
    Interval,
    LineCounts,
    McNemar,
    Statistic,
    bootstrap_ci,
    classification_scores,
    confusion_rows,
    expected_calibration_error,
    line_counts,
    macro_f1_rows,
    mcnemar_exact,
    paired_bootstrap,
    prf_rows,
    rouge,
)

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_TOLERANCE",
    "PRIMARY_METRIC",
    "Baseline",
    "Comparison",
    "DocumentScores",
    "EvalExample",
    "Evaluation",
    "MetricComparison",
    "compare",
    "domain_metric",
    "evaluate",
    "load_baseline",
    "load_eval_set",
    "parse_metric",
    "write_report",
]

# The metrics of each group, in report order. "lead3" is the Lead-3 baseline
# summary: reported beside the model, never gated (it is not the model).
GROUPS: dict[str, tuple[str, ...]] = {
    "clean": ("precision", "recall", "f1"),
    "stance": ("accuracy", "macro_f1"),
    "summary": ROUGE_KEYS,
    "lead3": ROUGE_KEYS,
}
GATED_GROUPS = ("clean", "stance", "summary")
# Stance metrics also measured, and gated, within each domain of the eval set when it
# has more than one: the pooled figure is dominated by the largest domain.
DOMAIN_METRICS = ("accuracy", "macro_f1")
UNSPECIFIED_DOMAIN = "unspecified"  # the domain of documents that name none
PRIMARY_METRIC = "stance.macro_f1"
# Absolute slack on a metric in [0, 1]: a drop is a regression only when it is
# confidently larger than this.
DEFAULT_TOLERANCE = 0.02
LEAD_SENTENCES = 3
_EVAL_FIELDS = ("clean", "stance", "summary")


# --------------------------------------------------------------------------------------
# The eval set


@dataclass(frozen=True, slots=True)
class EvalExample:
    """One document of the eval set with whatever gold it has."""

    id: str
    text: str
    clean: str | None = None
    stance: str | None = None
    summary: str | None = None
    domain: str | None = None  # e.g. "tweets-en", "fr-documents": stance is also reported per domain

    @property
    def fingerprint(self) -> str:
        """Digest of the text and gold: a baseline is only compared on documents
        whose fingerprint has not changed."""
        payload = json.dumps([self.text, self.clean, self.stance, self.summary], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def load_eval_set(path: str | os.PathLike) -> list[EvalExample]:
    """Read an eval set: a JSONL file, or a folder whose ``*.jsonl`` files are read in name order.

    Each line is ``{"id", "text", "clean"?, "stance"?, "summary"?}``; unknown
    fields are ignored, ``null`` counts as absent. Any bad line is an error
    naming the file and line: an eval set must be read whole or not at all.

    >>> examples = load_eval_set("eval/")  # doctest: +SKIP
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".jsonl")
        if not files:
            raise InputError("the folder holds no .jsonl file; expected an eval set in JSONL", str(path))
        others = sorted(p.name for p in path.iterdir() if p.is_file() and p not in files and not p.name.startswith(".")
                        and p.suffix.lower() not in (".md", ".json"))  # a README and a baseline belong there
        if others:
            log.warning("%s: skipped %d file(s) that are not .jsonl (an eval set is read from its .jsonl files "
                        "only): %s", path, len(others), ", ".join(others[:5]))
    elif path.is_file():
        files = [path]
    else:
        raise InputError("no such file or folder; expected an eval set (.jsonl, or a folder of .jsonl)", str(path))
    examples: list[EvalExample] = []
    seen: set[str] = set()
    for file in files:
        for number, line in _utf8_lines(file, "an eval set"):
            example = _parse_example(line, f"{file}:{number}")
            if example.id in seen:
                raise InputError(f"duplicate id {example.id!r}; ids must be unique in an eval set", f"{file}:{number}")
            seen.add(example.id)
            examples.append(example)
    if not examples:
        raise InputError("the eval set is empty; expected one JSON object per line", str(path))
    return examples


def require_gold(examples: Sequence[EvalExample], source: str | None = None) -> None:
    """Refuse an eval set in which no document has gold: nothing could be scored (``stance eval`` checks this
    before any model runs).

    >>> require_gold([EvalExample("a", "Le titre monte.")])
    Traceback (most recent call last):
    stance.errors.InputError: none of its 1 documents has a gold 'clean', 'stance' or 'summary', so nothing ...
    """
    if not any(example.clean is not None or example.stance is not None or example.summary is not None
               for example in examples):
        raise InputError(f"none of its {len(examples)} documents has a gold 'clean', 'stance' or 'summary', so "
                         "nothing could be scored; expected hand-labelled documents (to process texts without "
                         "scoring them, use `stance run`)", source)


def _as_examples(items: Iterable[Any]) -> list[EvalExample]:
    """Eval examples given in memory: :class:`EvalExample` objects, or mappings in the eval
    set's format (checked as a file's lines are)."""
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise InputError(f"expected a path or a list of eval examples, got {type(items).__name__}")
    examples = []
    for index, item in enumerate(items):
        if isinstance(item, Mapping):
            item = _parse_example(json.dumps(dict(item)), f"item {index}")
        elif not isinstance(item, EvalExample):
            raise InputError(f"expected an EvalExample or a mapping in the eval format at position {index}, got "
                             f"{type(item).__name__}")
        elif item.stance is not None and item.stance not in STANCE_LABELS:
            raise InputError(f"expected 'stance' to be one of {list(STANCE_LABELS)}, got {item.stance!r}",
                             f"item {index}")
        examples.append(item)
    if not examples:
        raise InputError("expected a path or a list of eval examples, got an empty list")
    return examples


def _utf8_lines(path: Path, what: str) -> Iterator[tuple[int, str]]:
    """The non-blank lines of a UTF-8 file with their numbers; a line that is not UTF-8, or a
    file that cannot be read, is an :class:`InputError` naming the file (and line)."""
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    raise InputError(f"not valid UTF-8 ({error.reason} at byte {error.start}); expected {what} "
                                     "in UTF-8: re-save it as UTF-8", f"{path}:{number}") from None
                if line.strip():
                    yield number, line
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error}); expected {what}", str(path)) from None


def _parse_example(line: str, source: str) -> EvalExample:
    try:
        record = json_line(line, source)
    except json.JSONDecodeError as error:
        raise InputError(f"malformed JSON ({error.msg.removesuffix(' at')} at column {error.colno})", source) from None
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object with 'id' and 'text', got {type(record).__name__}", source)
    for key in ("id", "text"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise InputError(f"expected a non-empty string {key!r}, got {record.get(key)!r}", source)
    gold: dict[str, str] = {}
    for key in _EVAL_FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"expected {key!r} to be a string or absent, got {type(value).__name__}", source)
        if key == "summary" and not value.strip():  # an empty reference would score every summary 0
            raise InputError("expected 'summary' to be a reference summary or absent, got an empty string", source)
        gold[key] = value
    for key in ("id", "text", *gold):
        if has_lone_surrogate(record[key]):
            raise InputError(f"{key!r} holds a lone surrogate (no Unicode text, cannot be written as UTF-8); fix it",
                             source)
    if "stance" in gold and gold["stance"] not in STANCE_LABELS:
        raise InputError(f"expected 'stance' to be one of {list(STANCE_LABELS)}, got {gold['stance']!r}", source)
    domain = record.get("domain")
    if domain is not None and (not isinstance(domain, str) or not domain or domain == "all"):
        raise InputError(f"expected 'domain' to be a non-empty string other than 'all' (the name of the pooled "
                         f"scores) or absent, got {domain!r}", source)
    return EvalExample(id=record["id"], text=record["text"], domain=domain, **gold)


# --------------------------------------------------------------------------------------
# Per-document scores


@dataclass(frozen=True)
class DocumentScores:
    """What one document contributes to each metric group (``None``: no gold for it)."""

    id: str
    fingerprint: str
    clean: LineCounts | None = None
    stance: tuple[str, str] | None = None  # (gold, predicted)
    summary: dict[str, float] | None = None
    lead3: dict[str, float] | None = None
    domain: str | None = None
    confidence: float | None = None  # the predicted label's score, when the record gives scores

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"fingerprint": self.fingerprint}
        if self.clean is not None:
            scores = self.clean.scores
            data["clean"] = {
                "matched": self.clean.matched,
                "predicted": self.clean.predicted,
                "gold": self.clean.gold,
                **{key: round(value, 6) for key, value in scores.to_dict().items()},
            }
        if self.stance is not None:
            data["stance"] = {"gold": self.stance[0], "predicted": self.stance[1]}
            if self.confidence is not None:
                data["stance"]["confidence"] = round(self.confidence, 6)
        if self.domain is not None:
            data["domain"] = self.domain
        for group in ("summary", "lead3"):
            values = getattr(self, group)
            if values is not None:
                data[group] = {key: round(value, 6) for key, value in values.items()}
        return data

    @classmethod
    def from_dict(cls, doc_id: str, data: Mapping[str, Any]) -> DocumentScores:
        clean = data.get("clean")
        stance = data.get("stance")
        return cls(
            id=doc_id,
            fingerprint=str(data.get("fingerprint", "")),
            clean=LineCounts(clean["matched"], clean["predicted"], clean["gold"]) if clean else None,
            stance=(stance["gold"], stance["predicted"]) if stance else None,
            summary=dict(data["summary"]) if data.get("summary") else None,
            lead3=dict(data["lead3"]) if data.get("lead3") else None,
            domain=data.get("domain"),
            confidence=stance.get("confidence") if stance else None,
        )


def score_document(example: EvalExample, record: Mapping[str, Any], lead_summary: str | None = None) -> DocumentScores:
    """Score one prediction record (the ``stance run`` format) against its gold.

    >>> example = EvalExample("a1", "Titre\\n\\nTexte.", clean="Titre\\n\\nTexte.", stance="neutral")
    >>> score_document(example, {"id": "a1", "clean": "Texte.", "stance": {"label": "neutral"}}).clean
    LineCounts(matched=1, predicted=1, gold=2)
    """
    source = f"prediction for {example.id!r}"
    clean = summary = lead3 = stance = confidence = None
    if example.clean is not None:
        clean = line_counts(_field(record, "clean", source), example.clean)
    if example.stance is not None:
        prediction = record.get("stance")
        label = prediction.get("label") if isinstance(prediction, Mapping) else None
        if label not in STANCE_LABELS:
            raise InputError(
                f"expected 'stance' to be an object whose 'label' is one of {list(STANCE_LABELS)}, got {prediction!r}",
                source,
            )
        stance = (example.stance, label)
        scores = prediction.get("scores")
        if isinstance(scores, Mapping) and isinstance(scores.get(label), int | float):
            confidence = float(scores[label])
            if not 0.0 <= confidence <= 1.0:  # NaN included: calibration would be scored on nonsense
                raise InputError(f"expected the score of {label!r} to be a probability in [0, 1], got "
                                 f"{scores[label]!r}", source)
    if example.summary is not None:
        summary = rouge(_field(record, "summary", source), example.summary)
        if lead_summary is not None:
            lead3 = rouge(lead_summary, example.summary)
    return DocumentScores(example.id, example.fingerprint, clean, stance, summary, lead3, example.domain, confidence)


def _field(record: Mapping[str, Any], key: str, source: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise InputError(
            f"expected a string {key!r} (the eval set has gold for it), got {value!r}; "
            "predictions must come from a full pipeline run (stance run, without --no-clean)",
            source,
        )
    return value


# --------------------------------------------------------------------------------------
# Statistics over documents


def _has(doc: DocumentScores, group: str) -> bool:
    return getattr(doc, group) is not None


def domain_metric(name: str, domain: str) -> str:
    """The name of a stance metric measured within one domain of the eval set.

    >>> domain_metric("macro_f1", "fr-documents")
    'stance.macro_f1[fr-documents]'
    """
    return f"stance.{name}[{domain}]"


def parse_metric(metric: str) -> tuple[str, str, str | None]:
    """Split a metric name into its group, its name and its domain (``None`` when pooled).

    >>> parse_metric("stance.macro_f1[fr-documents]")
    ('stance', 'macro_f1', 'fr-documents')
    >>> parse_metric("clean.f1")
    ('clean', 'f1', None)
    """
    group, _, rest = metric.partition(".")
    name, bracket, domain = rest.partition("[")
    if not name or (bracket and not domain.endswith("]")):
        raise ValueError(f"expected a metric name like 'stance.macro_f1' or 'stance.macro_f1[DOMAIN]', got {metric!r}")
    return group, name, domain[:-1] if bracket else None


def _domain(doc: DocumentScores) -> str:
    return doc.domain or UNSPECIFIED_DOMAIN


def _scored_for(doc: DocumentScores, metric: str) -> bool:
    """Whether the document counts in the metric: it has gold for the group and is in the metric's domain."""
    group, _, domain = parse_metric(metric)
    return _has(doc, group) and (domain is None or _domain(doc) == domain)


def _metric_names(documents: Sequence[DocumentScores]) -> list[str]:
    """The metrics the documents can be scored on, in report order: each group's metrics
    for which some document has gold, then stance within each domain (in order of
    appearance) when the stance documents come from more than one domain."""
    names: list[str] = []
    for group, metrics in GROUPS.items():
        if any(_has(d, group) for d in documents):
            names += [f"{group}.{name}" for name in metrics]
        if group == "stance":
            domains = list(dict.fromkeys(_domain(d) for d in documents if d.stance is not None))
            if len(domains) > 1:
                names += [domain_metric(name, domain) for domain in domains for name in DOMAIN_METRICS]
    return names


def _statistic(metric: str, docs: Sequence[DocumentScores]) -> Statistic:
    """The metric as a function of resampled document indices into ``docs`` (already
    restricted to the metric's domain, if it has one)."""
    group, name, _ = parse_metric(metric)
    if group == "clean":
        counts = np.array([[d.clean.matched, d.clean.predicted, d.clean.gold] for d in docs if d.clean], dtype=float)

        def pooled(rows: np.ndarray) -> np.ndarray:
            matched, predicted, gold = np.moveaxis(counts[rows].sum(axis=1), -1, 0)
            return getattr(prf_rows(matched, predicted, gold), name)

        return BatchStatistic(pooled)
    if group == "stance":
        index = {label: i for i, label in enumerate(STANCE_LABELS)}
        gold = np.array([index[d.stance[0]] for d in docs if d.stance], dtype=np.int64)
        predicted = np.array([index[d.stance[1]] for d in docs if d.stance], dtype=np.int64)
        if name == "accuracy":
            return BatchStatistic(lambda rows: (gold[rows] == predicted[rows]).mean(axis=1))
        return BatchStatistic(lambda rows: macro_f1_rows(confusion_rows(gold[rows], predicted[rows], len(index))))
    values = np.array([getattr(d, group)[name] for d in docs], dtype=float)
    return BatchStatistic(lambda rows: values[rows].mean(axis=1))


@dataclass(frozen=True, slots=True)
class BootstrapSettings:
    """How intervals are computed: the same settings give the same intervals."""

    n_resamples: int = 1000
    confidence: float = 0.95
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"n_resamples": self.n_resamples, "confidence": self.confidence, "seed": self.seed}


class Evaluation:
    """The scores of one pipeline on one eval set: headline metrics with
    confidence intervals, stance details and per-document scores.

    ``scores`` is the plain ``dict[str, float]`` of headline values;
    ``primary_metric`` names the one to look at first.
    """

    primary_metric = PRIMARY_METRIC

    def __init__(
        self,
        documents: Sequence[DocumentScores],
        *,
        bootstrap: BootstrapSettings | None = None,
        source: str | None = None,
        pipeline: Mapping[str, Any] | None = None,
        predictions: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.documents = list(documents)
        # The records that were scored, kept so that a report can be re-scored
        # (``stance eval --predictions``) or inspected without running the models again.
        self.predictions = list(predictions)
        self.bootstrap = bootstrap or BootstrapSettings()
        self.source = source
        self.pipeline = dict(pipeline or {})
        self.counts = {group: sum(_has(d, group) for d in self.documents) for group in GROUPS}
        self.metrics: dict[str, Interval] = {}
        self._metric_documents: dict[str, int] = {}
        for metric in _metric_names(self.documents):
            scored = [d for d in self.documents if _scored_for(d, metric)]
            self.metrics[metric] = self._interval(_statistic(metric, scored), len(scored))
            self._metric_documents[metric] = len(scored)
        stance_docs = [d.stance for d in self.documents if d.stance]
        self.stance = (
            classification_scores([gold for gold, _ in stance_docs], [pred for _, pred in stance_docs])
            if stance_docs
            else None
        )
        self.stance_by_domain = stance_by_domain(self.documents)
        # Model minus Lead-3 on the documents where both are scored.
        both = [d for d in self.documents if d.summary is not None and d.lead3 is not None]
        self.summary_vs_lead3: dict[str, Interval] = {}
        for name in ROUGE_KEYS if both else ():
            self.summary_vs_lead3[name] = paired_bootstrap(
                _statistic(f"lead3.{name}", both),
                _statistic(f"summary.{name}", both),
                len(both),
                **self._settings(),
            )

    def _settings(self) -> dict[str, Any]:
        return self.bootstrap.to_dict()

    def _interval(self, statistic: Statistic, n: int) -> Interval:
        return bootstrap_ci(statistic, n, **self._settings())

    @property
    def scores(self) -> dict[str, float]:
        """Headline metric values, e.g. ``{"stance.macro_f1": 0.8, "summary.rouge1": 0.41, ...}``."""
        return {metric: interval.value for metric, interval in self.metrics.items()}

    def metric_documents(self, metric: str) -> int:
        """How many documents the metric is measured on."""
        return self._metric_documents[metric]

    def to_dict(self) -> dict[str, Any]:
        """The content of ``metrics.json``, which is also the baseline format."""
        return {
            "scorer": {"stance_version": __version__, "metrics_version": METRICS_VERSION, **self._settings()},
            "eval_set": {
                "source": self.source,
                "documents": len(self.documents),
                "with_gold": {group: self.counts[group] for group in GATED_GROUPS},
            },
            "pipeline": self.pipeline,
            "primary_metric": self.primary_metric,
            "metrics": {
                metric: {**_rounded(interval), "documents": self.metric_documents(metric)}
                for metric, interval in self.metrics.items()
            },
            "summary_vs_lead3": {name: _rounded(interval) for name, interval in self.summary_vs_lead3.items()},
            "stance": self.stance,
            "stance_by_domain": self.stance_by_domain,
            "tolerances": {metric: DEFAULT_TOLERANCE for metric in self.metrics if _gated(metric)},
            "documents": {d.id: d.to_dict() for d in self.documents},
        }


def stance_by_domain(documents: Sequence[DocumentScores]) -> dict[str, dict[str, Any]]:
    """Stance accuracy, macro-F1 and calibration (mean confidence, expected
    calibration error) of each domain of the eval set, and of all documents
    ("all"); documents without a domain count as "unspecified". Accuracy and macro-F1
    per domain are also gated metrics (:func:`domain_metric`) when there are several domains.

    >>> docs = [DocumentScores("a", "", stance=("bullish", "bullish"), domain="x", confidence=0.8)]
    >>> stance_by_domain(docs)["x"]["accuracy"]
    1.0
    """
    scored = [d for d in documents if d.stance is not None]
    groups: dict[str, list[DocumentScores]] = {}
    for doc in scored:
        groups.setdefault(_domain(doc), []).append(doc)
    if scored and len(groups) > 1:
        groups["all"] = scored
    result: dict[str, dict[str, Any]] = {}
    for name, docs in groups.items():
        gold = [d.stance[0] for d in docs]
        predicted = [d.stance[1] for d in docs]
        scores = classification_scores(gold, predicted)
        row: dict[str, Any] = {"documents": len(docs), "accuracy": round(scores["accuracy"], 6),
                               "macro_f1": round(scores["macro_f1"], 6)}
        confident = [d for d in docs if d.confidence is not None]
        if len(confident) == len(docs):
            confidence = [d.confidence for d in docs]
            correct = [g == p for g, p in zip(gold, predicted, strict=True)]
            row["mean_confidence"] = round(float(np.mean(confidence)), 6)
            row["ece"] = expected_calibration_error(confidence, correct)
        result[name] = row
    return result


def _gated(metric: str) -> bool:
    return parse_metric(metric)[0] in GATED_GROUPS


def _rounded(interval: Interval) -> dict[str, float]:
    return {key: round(value, 6) for key, value in interval.to_dict().items()}


def evaluate(
    eval_set: str | os.PathLike | Sequence[EvalExample],
    pipeline: Any = None,
    *,
    predictions: str | os.PathLike | Iterable[Mapping[str, Any]] | None = None,
    lead: Any = None,
    bootstrap: BootstrapSettings | None = None,
    source: str | None = None,
) -> Evaluation:
    """Score a pipeline (default: the default :class:`~stance.Pipeline`) on an eval set.

    ``pipeline`` is anything with ``run(documents)`` yielding ``stance run``
    records. Pass ``predictions`` (records, or the JSONL written by
    ``stance run``) instead to score a run made elsewhere, e.g. on a GPU
    machine. ``lead`` is the summariser of the reference baseline (Lead-3 by
    default), applied to the same cleaned text the model summarised. ``source`` names
    the eval set in the report when ``eval_set`` is given as examples (e.g. read
    by :func:`load_eval_set`); a path names itself.

    >>> evaluation = stance.evaluate("eval/eval.jsonl")  # doctest: +SKIP
    >>> evaluation.scores["stance.macro_f1"]  # doctest: +SKIP
    0.71
    """
    source = str(eval_set) if isinstance(eval_set, str | os.PathLike) else source
    examples = load_eval_set(eval_set) if isinstance(eval_set, str | os.PathLike) else _as_examples(eval_set)
    description: dict[str, Any] = {}
    if predictions is not None:
        if pipeline is not None:
            raise UsageError("give either a pipeline to run or stored predictions, not both")
        records = _index_predictions(_read_predictions(predictions), examples)
        description = {"predictions": str(predictions)} if isinstance(predictions, str | os.PathLike) else {}
    else:
        if pipeline is None:
            from .pipeline import Pipeline

            pipeline = Pipeline()
        documents = [Document(example.id, example.text) for example in examples]
        records = _index_predictions(pipeline.run(documents), examples)
        describe = getattr(pipeline, "describe", None)
        description = describe() if callable(describe) else {"pipeline": type(pipeline).__name__}
    lead_summaries = _lead_summaries(examples, records, lead)
    scored = [score_document(ex, records[ex.id], lead_summaries.get(ex.id)) for ex in examples]
    return Evaluation(
        scored,
        bootstrap=bootstrap,
        source=source,
        pipeline=description,
        predictions=[records[ex.id] for ex in examples],
    )


def _read_predictions(predictions: str | os.PathLike | Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    if not isinstance(predictions, str | os.PathLike):
        return predictions
    path = Path(predictions)
    if not path.is_file():
        raise InputError("no such file; expected the JSONL written by `stance run`", str(path))
    records = []
    for number, line in _utf8_lines(path, "the JSONL written by `stance run`"):
        try:
            records.append(json_line(line, f"{path}:{number}"))
        except json.JSONDecodeError as error:
            raise InputError(f"malformed JSON ({error.msg})", f"{path}:{number}") from None
    return records


def _index_predictions(
    records: Iterable[Mapping[str, Any]], examples: Sequence[EvalExample]
) -> dict[str, Mapping[str, Any]]:
    indexed: dict[str, Mapping[str, Any]] = {}
    for record in records:
        if not isinstance(record, Mapping) or "id" not in record:
            raise InputError(f"expected prediction records with an 'id', got {record!r:.80}")
        if str(record["id"]) in indexed:
            raise InputError(f"two predictions for {str(record['id'])!r}; expected one record per document")
        indexed[str(record["id"])] = record
    missing = [ex.id for ex in examples if ex.id not in indexed]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(
            f"no prediction for {len(missing)} of {len(examples)} eval documents ({shown}); "
            "predictions must cover the whole eval set"
        )
    return indexed


def _lead_summaries(
    examples: Sequence[EvalExample], records: Mapping[str, Mapping[str, Any]], lead: Any
) -> dict[str, str]:
    wanted = [ex for ex in examples if ex.summary is not None]
    if not wanted:
        return {}
    if lead is None:
        from .summarize import LeadSummarizer

        lead = LeadSummarizer(max_sentences=LEAD_SENTENCES)
    # The baseline summarises the text the model summarised: the cleaned text when there is one.
    texts = [str(records[ex.id].get("clean") or ex.text) for ex in wanted]
    return {ex.id: summary.text for ex, summary in zip(wanted, lead.summarize(texts), strict=True)}


# --------------------------------------------------------------------------------------
# Baseline comparison


@dataclass(frozen=True)
class Baseline:
    """Per-document scores and tolerances of an earlier evaluation (its ``metrics.json``)."""

    documents: dict[str, DocumentScores]
    tolerances: dict[str, float]
    source: str | None = None
    # The metrics the baseline measured; a metric outside it is new, not compared.
    # None (a baseline that does not list them): every metric is compared.
    metrics: frozenset[str] | None = None


def load_baseline(path: str | os.PathLike, eval_path: str | os.PathLike = "eval/") -> Baseline:
    """Read a baseline written by ``stance eval`` (its ``metrics.json``); a bad one is refused with the
    commands that regenerate it from ``eval_path``, the eval set it is to be compared on.

    Refuses a baseline scored by another scorer version: its numbers would not
    mean the same thing.

    >>> baseline = load_baseline("eval/baseline.json")  # doctest: +SKIP
    """
    path = Path(path)
    regenerate = (f"regenerate it with: stance eval {shlex.quote(str(eval_path))} --out out/eval && "
                  f"cp out/eval/metrics.json {shlex.quote(str(path))}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no such baseline file; {regenerate}", str(path)) from None
    except OSError as error:  # a folder, an unreadable file
        raise InputError(f"cannot be read as a baseline file ({error.strerror or error}); {regenerate}",
                         str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"not a JSON baseline ({error}); {regenerate}", str(path)) from None
    if (not isinstance(data, dict) or not isinstance(data.get("documents"), dict)
            or not all(isinstance(doc, dict) for doc in data["documents"].values())
            or not isinstance(data.get("scorer") or {}, dict) or not isinstance(data.get("tolerances") or {}, dict)):
        raise InputError(
            f"expected the metrics.json of `stance eval` with per-document scores; {regenerate}", str(path)
        )
    version = (data.get("scorer") or {}).get("metrics_version")
    if version != METRICS_VERSION:
        raise UsageError(
            f"{path}: the baseline was scored with metrics version {version!r} but this scorer is version "
            f"{METRICS_VERSION!r}, so the numbers are not comparable; {regenerate}"
        )
    tolerances = data.get("tolerances") or {}
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in tolerances.values()):
        raise InputError(f"expected 'tolerances' to map metric names to numbers >= 0, got {tolerances!r}", str(path))
    try:
        documents = {doc_id: DocumentScores.from_dict(doc_id, doc) for doc_id, doc in data["documents"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"malformed per-document scores ({error!r}); {regenerate}", str(path)) from None
    metrics = data.get("metrics")
    measured = frozenset(metrics) if isinstance(metrics, dict) else None
    for metric in measured or ():
        try:
            parse_metric(metric)
        except ValueError as error:
            raise InputError(f"malformed 'metrics' ({error}); {regenerate}", str(path)) from None
    return Baseline(documents, {k: float(v) for k, v in tolerances.items()}, str(path), measured)


@dataclass(frozen=True)
class MetricComparison:
    """One metric, now against the baseline, on the documents both scored."""

    metric: str
    baseline: float
    current: float
    difference: Interval
    tolerance: float
    documents: int
    test: McNemar | None = None

    @property
    def status(self) -> str:
        if self.difference.high < -self.tolerance:
            return "regressed"
        if self.difference.low > 0:
            return "improved"
        return "held"

    def to_dict(self) -> dict[str, Any]:
        data = {
            "baseline": round(self.baseline, 6),
            "current": round(self.current, 6),
            "difference": _rounded(self.difference),
            "tolerance": self.tolerance,
            "documents": self.documents,
            "status": self.status,
        }
        if self.test is not None:
            data["mcnemar"] = self.test.to_dict()
        return data


@dataclass(frozen=True)
class Comparison:
    """The verdict of the baseline gate: which metrics improved, held or regressed."""

    metrics: list[MetricComparison]
    notes: list[str] = field(default_factory=list)
    baseline: str | None = None
    new: list[str] = field(default_factory=list)  # gated now, not measured in the baseline: not compared
    unmeasured: list[str] = field(default_factory=list)  # gated in the baseline, not measured now: the gate fails

    def with_status(self, status: str) -> list[str]:
        return [m.metric for m in self.metrics if m.status == status]

    @property
    def regressed(self) -> list[str]:
        return self.with_status("regressed")

    @property
    def empty(self) -> str | None:
        """Why the gate compared nothing (None when it compared at least one metric)."""
        if self.metrics:
            return None
        why = "; ".join(self.notes) or "the evaluation has no gated metric"
        return f"no metric could be compared with the baseline ({why})"

    @property
    def lost(self) -> str | None:
        """Why the gate fails for metrics the baseline gated and this run does not measure (None when
        it measures them all): a whole domain cannot drop out of the gate unnoticed."""
        if not self.unmeasured:
            return None
        return (f"{len(self.unmeasured)} metric(s) gated by the baseline are not measured now "
                f"({', '.join(self.unmeasured[:6])}{', ...' if len(self.unmeasured) > 6 else ''}): the eval set "
                "lost those documents or their domain; if that is meant, regenerate the baseline")

    @property
    def passed(self) -> bool:
        """No metric regressed, at least one was compared (a gate that compared nothing has
        checked nothing), and every metric the baseline gated is measured now."""
        return bool(self.metrics) and not self.regressed and not self.unmeasured

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "passed": self.passed,
            "empty": self.empty,
            "regressed": self.regressed,
            "improved": self.with_status("improved"),
            "held": self.with_status("held"),
            "new": self.new,
            "unmeasured": self.unmeasured,
            "metrics": {m.metric: m.to_dict() for m in self.metrics},
            "notes": self.notes,
        }


def compare(evaluation: Evaluation, baseline: Baseline) -> Comparison:
    """Paired comparison of an evaluation with a baseline, document by document.

    Only documents present in both, with an unchanged fingerprint (same text and
    gold), are paired; the others are listed in ``notes``. Every gated metric
    gets a paired bootstrap interval of ``now - baseline`` (a metric within a
    domain on the documents of that domain now); stance accuracy, pooled and per
    domain, also gets an exact McNemar test. A gated metric the baseline did not
    measure (it predates the metric) is listed in ``new`` and not compared; the
    others still are.
    """
    notes: list[str] = []
    current_ids = {d.id for d in evaluation.documents}
    changed = sorted(
        d.id
        for d in evaluation.documents
        if d.id in baseline.documents and baseline.documents[d.id].fingerprint != d.fingerprint
    )
    new = sorted(current_ids - set(baseline.documents))
    gone = sorted(set(baseline.documents) - current_ids)
    for ids, what in (
        (changed, "changed (text or gold) since the baseline"),
        (new, "not in the baseline"),
        (gone, "in the baseline but not in this eval set"),
    ):
        if ids:
            notes.append(f"{len(ids)} document(s) {what}, left out of the comparison: {', '.join(ids[:10])}")
    if not any(d.id in baseline.documents for d in evaluation.documents):
        notes.append("no document of this eval set is in the baseline")
    gated = [metric for metric in evaluation.metrics if _gated(metric)]
    new = [metric for metric in gated if baseline.metrics is not None and metric not in baseline.metrics]
    if new:
        notes.append(
            f"{len(new)} metric(s) new since the baseline (it did not measure them), not compared: "
            f"{', '.join(new)}; regenerate the baseline to gate them"
        )
    unmeasured: list[str] = []
    if baseline.metrics is not None:
        unmeasured = [metric for metric in sorted(baseline.metrics) if _gated(metric) and metric not in gated]
        if unmeasured:
            notes.append(f"{len(unmeasured)} metric(s) of the baseline not measured now: {', '.join(unmeasured)}")
    comparisons: list[MetricComparison] = []
    for metric in gated:
        if metric in new:
            continue
        group, name, _ = parse_metric(metric)
        pairs = [
            (baseline.documents[d.id], d)
            for d in evaluation.documents
            if d.id in baseline.documents
            and d.id not in changed
            and _scored_for(d, metric)
            and _has(baseline.documents[d.id], group)
        ]
        if not pairs:
            notes.append(f"{metric}: no document scored in both runs; not compared")
            continue
        # the current scores as a baseline stores them (rounded), so that unchanged documents compare equal
        before, after = [b for b, _ in pairs], [DocumentScores.from_dict(a.id, a.to_dict()) for _, a in pairs]
        everything = np.arange(len(pairs))
        test = None
        if (group, name) == ("stance", "accuracy"):
            test = mcnemar_exact(
                [b.stance[0] == b.stance[1] for b in before], [a.stance[0] == a.stance[1] for a in after]
            )
        comparisons.append(
            MetricComparison(
                metric=metric,
                baseline=_statistic(metric, before)(everything),
                current=_statistic(metric, after)(everything),
                difference=paired_bootstrap(
                    _statistic(metric, before), _statistic(metric, after), len(pairs), **evaluation.bootstrap.to_dict()
                ),
                tolerance=baseline.tolerances.get(metric, DEFAULT_TOLERANCE),
                documents=len(pairs),
                test=test,
            )
        )
    return Comparison(comparisons, notes, baseline.source, new, unmeasured)


# --------------------------------------------------------------------------------------
# Report


def write_report(
    evaluation: Evaluation, out_dir: str | os.PathLike, comparison: Comparison | None = None
) -> dict[str, Path]:
    """Write ``metrics.json``, ``report.md``, ``predictions.jsonl`` (the scored records) and,
    when stance is scored and matplotlib is installed (``pip install "stance[plot]"``),
    ``confusion_matrix.png``; without matplotlib the PNG is left out with a message
    (the report holds the confusion matrix as a table either way).

    >>> paths = write_report(evaluation, "out/eval", comparison)  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['confusion_matrix', 'metrics', 'predictions', 'report']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out / "metrics.json", "report": out / "report.md"}
    data = evaluation.to_dict()
    if comparison is not None:
        data["comparison"] = comparison.to_dict()
    paths["metrics"].write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if evaluation.predictions:
        paths["predictions"] = out / "predictions.jsonl"
        lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in evaluation.predictions)
        paths["predictions"].write_text("".join(lines), encoding="utf-8")
    if evaluation.stance is not None:
        png = out / "confusion_matrix.png"
        if _plot_confusion(evaluation.stance, png):
            paths["confusion_matrix"] = png
    figure = "confusion_matrix" in paths
    paths["report"].write_text(render_report(evaluation, comparison, figure=figure), encoding="utf-8")
    return paths


def _plot_confusion(stance: Mapping[str, Any], path: Path) -> bool:
    """Draw the confusion matrix into ``path``; False (with a message) without matplotlib."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        log.warning('%s not written: drawing it needs matplotlib; install it with: pip install "stance[plot]" '
                    "(the report holds the confusion matrix as a table)", path.name)
        return False
    labels, matrix = stance["labels"], np.array(stance["confusion_matrix"])
    # A bare Figure on the Agg canvas: no pyplot, so the caller's backend is left alone.
    figure = Figure(figsize=(4.2, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.imshow(matrix, cmap="Blues", vmin=0)
    axes.set_xticks(range(len(labels)), labels)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    threshold = matrix.max() / 2 if matrix.size else 0
    for (row, column), count in np.ndenumerate(matrix):
        axes.text(column, row, str(count), ha="center", va="center", color="white" if count > threshold else "black")
    axes.set_title("Stance confusion matrix")
    figure.tight_layout()
    figure.savefig(path, format="png", metadata={"Software": None})
    return True


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def _signed(value: float) -> str:
    return f"{value:+.3f}"


def render_report(evaluation: Evaluation, comparison: Comparison | None = None, *, figure: bool = True) -> str:
    """The Markdown report: headline metrics with intervals, the baseline verdict,
    summaries against Lead-3, stance details and the worst-cleaned documents."""
    settings = evaluation.bootstrap
    level = f"{settings.confidence:.0%}"
    lines = ["# Evaluation report", ""]
    counts = evaluation.counts
    lines.append(
        f"Eval set: `{evaluation.source or 'in memory'}`, {len(evaluation.documents)} documents "
        f"({counts['clean']} with gold cleaning, {counts['stance']} with a stance label, "
        f"{counts['summary']} with a reference summary)."
    )
    lines.append(
        f"Scorer: stance {__version__}, metrics version {METRICS_VERSION}. Intervals: {level} percentile "
        f"bootstrap over documents ({settings.n_resamples} resamples, seed {settings.seed})."
    )
    if evaluation.pipeline:
        described = ", ".join(f"{key}: `{value}`" for key, value in evaluation.pipeline.items())
        lines.append(f"Pipeline: {described}.")
    lines += ["", "## Headline metrics", "", f"| metric | value | {level} CI | documents |", "|---|---|---|---|"]
    for metric, interval in evaluation.metrics.items():
        if _gated(metric):
            primary = " (primary)" if metric == evaluation.primary_metric else ""
            lines.append(
                f"| {metric}{primary} | {_fmt(interval.value)} | [{_fmt(interval.low)}, {_fmt(interval.high)}] "
                f"| {evaluation.metric_documents(metric)} |"
            )
    if comparison is not None:
        lines += ["", *_comparison_section(comparison, level)]
    if evaluation.summary_vs_lead3:
        lines += ["", "## Summaries: model and the Lead-3 baseline", ""]
        lines += [f"| metric | model | Lead-3 | model − Lead-3 ({level} CI) |", "|---|---|---|---|"]
        for name, difference in evaluation.summary_vs_lead3.items():
            model, lead = evaluation.metrics[f"summary.{name}"], evaluation.metrics[f"lead3.{name}"]
            lines.append(
                f"| {name} F1 | {_fmt(model.value)} [{_fmt(model.low)}, {_fmt(model.high)}] "
                f"| {_fmt(lead.value)} [{_fmt(lead.low)}, {_fmt(lead.high)}] "
                f"| {_signed(difference.value)} [{_signed(difference.low)}, {_signed(difference.high)}] |"
            )
        lines += ["", "ROUGE F1 on a Unicode-aware French tokenisation (NFC, lower case, `\\w+` with accents)."]
    if evaluation.stance is not None:
        lines += ["", *_stance_section(evaluation.stance, figure)]
    if evaluation.stance_by_domain:
        lines += ["", *_domain_section(evaluation.stance_by_domain)]
    if counts["clean"]:
        lines += ["", *_cleaning_section(evaluation)]
    return "\n".join(lines) + "\n"


def _comparison_section(comparison: Comparison, level: str) -> list[str]:
    lines = ["## Comparison with the baseline", ""]
    if comparison.empty:
        verdict = f"**FAILED**: {comparison.empty}."
    elif comparison.passed:
        verdict = "**PASSED**: no metric regressed."
    elif comparison.regressed:
        verdict = f"**FAILED**: regressed: {', '.join(comparison.regressed)}."
    else:
        verdict = f"**FAILED**: {comparison.lost}."
    improved, held = comparison.with_status("improved"), comparison.with_status("held")
    new = f" New, not compared: {', '.join(comparison.new)}." if comparison.new else ""
    lines.append(
        f"{verdict} Improved: {', '.join(improved) or 'none'}. Held: {', '.join(held) or 'none'}.{new} "
        f"Baseline: `{comparison.baseline}`."
    )
    lines += [
        "",
        f"| metric | baseline | now | difference | {level} CI of difference | tolerance | documents | status |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in comparison.metrics:
        lines.append(
            f"| {m.metric} | {_fmt(m.baseline)} | {_fmt(m.current)} | {_signed(m.difference.value)} "
            f"| [{_signed(m.difference.low)}, {_signed(m.difference.high)}] | {m.tolerance:g} | {m.documents} "
            f"| {m.status} |"
        )
    for m in comparison.metrics:
        if m.test is not None:
            lines += [
                "",
                f"Exact McNemar test on {m.metric}: {m.test.only_a} document(s) right only in the baseline, "
                f"{m.test.only_b} right only now, p = {m.test.p_value:.3g}.",
            ]
    lines += [
        "",
        "A metric regressed when the whole interval of (now − baseline) lies below −tolerance, improved when it "
        "lies above 0, and held otherwise. Differences are paired bootstraps over the same documents.",
    ]
    lines += [f"- {note}" for note in comparison.notes]
    return lines


def _domain_section(domains: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = [
        "## Stance by domain",
        "",
        "Mean confidence is the mean score of the predicted label; ECE the expected calibration error "
        "(10 equal-width confidence bins): a calibrated model has confidence close to accuracy.",
        "",
        "| domain | documents | accuracy | macro-F1 | mean confidence | ECE |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in domains.items():
        confidence = _fmt(row["mean_confidence"]) if "mean_confidence" in row else "-"
        ece = _fmt(row["ece"]) if "ece" in row else "-"
        lines.append(f"| {name} | {row['documents']} | {_fmt(row['accuracy'])} | {_fmt(row['macro_f1'])} | "
                     f"{confidence} | {ece} |")
    return lines


def _stance_section(stance: Mapping[str, Any], figure: bool = True) -> list[str]:
    labels = stance["labels"]
    lines = ["## Stance", "", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in labels:
        c = stance["per_class"][label]
        lines.append(f"| {label} | {_fmt(c['precision'])} | {_fmt(c['recall'])} | {_fmt(c['f1'])} | {c['support']} |")
    lines += ["", "Confusion matrix (rows: gold, columns: predicted):", ""]
    lines += ["| gold \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for label, row in zip(labels, stance["confusion_matrix"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(count) for count in row) + " |")
    if figure:
        lines += ["", "![Stance confusion matrix](confusion_matrix.png)"]
    return lines


def _cleaning_section(evaluation: Evaluation, worst: int = 10) -> list[str]:
    scored = sorted((d for d in evaluation.documents if d.clean), key=lambda d: (d.clean.scores.f1, d.id))
    lines = [
        "## Cleaning",
        "",
        "Line-level precision, recall and F1 of the kept lines against the gold lines, as multisets, after the same "
        "`stance.cleaning.normalise` on both sides. Headline figures pool the line counts of all documents.",
        "",
        f"Documents with the lowest F1 (up to {worst}):",
        "",
        "| document | precision | recall | F1 | kept | gold | matched |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in scored[:worst]:
        s = d.clean.scores
        lines.append(
            f"| {d.id} | {_fmt(s.precision)} | {_fmt(s.recall)} | {_fmt(s.f1)} "
            f"| {d.clean.predicted} | {d.clean.gold} | {d.clean.matched} |"
        )
    return lines
