"""What the ``stance`` commands show: a table on the terminal and a Markdown report of a run."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..cleaning.cleaner import EMPTY, NO_SENTENCE, NOTHING_LEFT
from ..errors import EXIT_FAILED, InputError
from ..pipeline import STAGES

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["InputProblems", "Run", "format_table", "read_run", "render_run_report"]


class InputProblems:
    """The documents a command could not read: each is reported on stderr as it comes
    (:meth:`report`, the pipelines' ``on_error``), the others are processed, and the
    command's exit status says whether any failed (:meth:`exit_status`).

    >>> problems = InputProblems()
    >>> problems.exit_status(0)
    0
    """

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def report(self, error: InputError) -> None:
        self.errors.append(error)
        print(f"stance: error: {error}", file=sys.stderr)

    def exit_status(self, otherwise: int, processed: int | None = None) -> int:
        """``EXIT_FAILED`` (with a closing line on stderr) when any document failed, else ``otherwise``;
        ``processed``, when known, says how many documents were processed all the same."""
        if not self.errors:
            return otherwise
        rest = ("no document was processed" if processed == 0
                else "the other documents were processed")
        print(f"stance: {len(self.errors)} input problem(s); {rest}", file=sys.stderr)
        return EXIT_FAILED



# Flags of a document that kept no article text to read (nothing, or menus and links without one sentence of
# prose): its stance is no reading of an article.
UNREAD_FLAGS = frozenset({EMPTY, NOTHING_LEFT, NO_SENTENCE})


@dataclass
class Run:
    """The records of a ``stance run`` output (the first ``limit`` of them), how many
    there are, how many of each cleaning flag, and how many of each stance label among
    the documents that kept text to read (``unread``: those that kept none, flagged
    ``"empty document"``, ``"no content left after cleaning"`` or ``"no article sentence"``).

    >>> run = Run("out.jsonl")
    >>> run.add({"id": "a", "stance": {"label": "bullish"}})
    >>> run.add({"id": "b", "stance": {"label": "neutral"}, "flags": ["empty document"]})
    >>> run.total, dict(run.labels), run.unread
    (2, {'bullish': 1}, 1)
    """

    path: str
    records: list[dict] = field(default_factory=list)
    total: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    unread: int = 0

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one record (without keeping it)."""
        flags = record.get("flags") or ()
        self.total += 1
        self.flags.update(flags)
        if UNREAD_FLAGS.intersection(flags):
            self.unread += 1
        else:
            self.labels[str((record.get("stance") or {}).get("label"))] += 1


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
            run.add(record)
            if len(run.records) < limit:
                run.records.append(record)
    return run


def _oneline(text: str) -> str:
    """A cell on one line: line breaks and other control characters shown escaped, so
    that an id or a summary holding them cannot break a table."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text)


def _row(record: Mapping[str, Any], words: int) -> tuple[str, str, str, str, str]:
    stance = record.get("stance") or {}
    label = str(stance.get("label", "?"))
    confidence = (stance.get("scores") or {}).get(label)
    summary = " ".join(str(record.get("summary", "")).split())
    first = " ".join(summary.split(" ")[:words])
    if len(first) < len(summary):
        first += " …"
    flags = ", ".join(str(flag) for flag in record.get("flags") or ())
    return (
        _oneline(str(record.get("id", ""))), label, "" if confidence is None else f"{confidence:.2f}",
        _oneline(flags), _oneline(first),
    )


def format_table(records: Sequence[Mapping[str, Any]], limit: int = 50, words: int = 12) -> str:
    """A plain-text table of run records: id, stance, confidence, the cleaning flags (when
    any record has some: the stance of an empty document is no reading of it; a document
    not in French is classified all the same) and the first words of the summary.

    >>> print(format_table([{"id": "a1", "summary": "Le CAC 40 monte.",
    ...                      "stance": {"label": "bullish", "scores": {"bullish": 0.81}}}]))
    id  stance   confidence  summary
    a1  bullish  0.81        Le CAC 40 monte.
    >>> print(format_table([{"id": "vide", "summary": "", "flags": ["empty document"],
    ...                      "stance": {"label": "neutral", "scores": {"neutral": 1.0}}}]))
    id    stance   confidence  flags           summary
    vide  neutral  1.00        empty document
    """
    shown = records[:limit]
    flagged = any(record.get("flags") for record in shown)
    header = ("id", "stance", "confidence", "flags", "summary")
    rows = [header] + [_row(record, words) for record in shown]
    if not flagged:
        rows = [(*row[:3], row[4]) for row in rows]
    fixed = len(rows[0]) - 1
    widths = [max(len(row[i]) for row in rows) for i in range(fixed)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row[:fixed], widths, strict=True)), row[fixed]]).rstrip()
        for row in rows
    ]
    if len(records) > limit:
        lines.append(f"... and {len(records) - limit} more")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return _oneline(text).replace("|", "\\|")


def render_run_report(run: Run, pipeline: Pipeline | None = None, shard: tuple[int, int] | None = None,
                      problems: Sequence[InputError] = (), stages: Mapping[str, Any] | None = None) -> str:
    """The Markdown report of a run: stance counts, the input problems of this invocation, pipeline
    stages and timings, and a table of records. Without a ``pipeline`` (a rerun with nothing left to
    do loads none), ``stages`` names the stages as OUT's settings recorded them (``OUT.settings.json``).

    >>> run = Run("out.jsonl")
    >>> run.add({"id": "a", "stance": {"label": "bullish"}})
    >>> print(render_run_report(run, stages={"cleaner": "Cleaner", "command": "run"}).split("## Records")[0])
    ... # doctest: +NORMALIZE_WHITESPACE
    # stance run
    <BLANKLINE>
    Output: `out.jsonl`, 1 records.
    <BLANKLINE>
    Stance: bullish 1 (100%).
    <BLANKLINE>
    ## Pipeline
    <BLANKLINE>
    - cleaner: `Cleaner`
    <BLANKLINE>
    """
    lines = ["# stance run", "", f"Output: `{run.path}`, {run.total} records."]
    if problems:
        lines += ["", f"**{len(problems)} input problem(s)** in this invocation (those documents have no record; "
                  "the others were processed):", ""]
        lines += [f"- {_cell(str(error))}" for error in problems[:20]]
        if len(problems) > 20:
            lines.append(f"- and {len(problems) - 20} more (all of them were printed on stderr)")
    if shard is not None:
        lines += ["", f"Shard {shard[0]} of {shard[1]} (documents whose id hashes to it; see `stance run --help`)."]
    read = sum(run.labels.values())
    if read:
        counts = ", ".join(
            f"{label} {run.labels[label]} ({run.labels[label] / read:.0%})"
            for label in ("bullish", "skeptical", "neutral")
            if run.labels[label]
        )
        over = f" of the {read} documents that kept text to read" if run.unread else ""
        lines += ["", f"Stance: {counts}{over}."]
    if run.unread:
        lines += ["", f"{run.unread} document(s) kept no article text to read (flagged \"{EMPTY}\", "
                  f"\"{NOTHING_LEFT}\" or \"{NO_SENTENCE}\"): their stance is no reading of an article, "
                  "and is not counted above."]
    if run.flags:
        flagged = ", ".join(f"{flag} {count}" for flag, count in run.flags.most_common())
        lines += ["", f"Flagged by cleaning (see each record's \"flags\"): {flagged}."]
    if pipeline is None and stages:
        described = [(stage, stages[stage]) for stage in ("cleaner", "summarizer", "classifier")
                     if isinstance(stages.get(stage), str)]
        if described:
            lines += ["", "## Pipeline", ""]
            lines += [f"- {stage}: `{description}`" for stage, description in described]
    if pipeline is not None:
        lines += ["", "## Pipeline", ""]
        lines += [f"- {stage}: `{description}`" for stage, description in pipeline.describe().items()]
        stats = pipeline.stats()
        if stats.documents:
            lines += [
                "",
                f"This invocation processed {stats.documents} documents ({stats.bytes / 1e6:.2f} MB) at "
                f"{stats.docs_per_second:.2f} documents/s, {stats.mb_per_second:.3f} MB/s "
                "(records already in the output from an earlier run are not counted).",
                "",
                "| stage | seconds | share |",
                "|---|---|---|",
            ]
            lines += [f"| {stage} | {stats.seconds[stage]:.2f} | {stats.share[stage]:.1%} |" for stage in STAGES]
    lines += ["", "## Records", "", "| id | stance | confidence | flags | summary |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in _row(record, 25)) + " |" for record in run.records]
    if run.total > len(run.records):
        lines += ["", f"The first {len(run.records)} of {run.total} records are shown."]
    return "\n".join(lines) + "\n"
