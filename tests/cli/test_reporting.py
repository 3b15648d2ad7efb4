"""The run report's counts: what a stance share is taken over, and where each line goes."""

from __future__ import annotations

from stance.cli.reporting import Run, render_run_report
from stance.errors import InputError


def _run(*records: dict) -> Run:
    run = Run("out.jsonl")
    for record in records:
        run.add(record)
        run.records.append(record)
    return run


def _record(doc_id: str, label: str, *flags: str) -> dict:
    return {"id": doc_id, "summary": "", "flags": list(flags), "stance": {"label": label, "scores": {label: 0.9}}}


def test_documents_that_kept_no_text_are_not_counted_in_the_stance_shares() -> None:
    run = _run(_record("a", "bullish"), _record("b", "bullish"), _record("c", "skeptical", "not French"),
               _record("d", "neutral", "empty document"), _record("e", "neutral", "no content left after cleaning"),
               _record("f", "neutral", "no article sentence"))  # a menu page: no article to read either
    assert (run.total, dict(run.labels), run.unread) == (6, {"bullish": 2, "skeptical": 1}, 3)
    report = render_run_report(run)
    assert "Stance: bullish 2 (67%), skeptical 1 (33%) of the 3 documents that kept text to read." in report
    assert ('3 document(s) kept no article text to read (flagged "empty document", "no content left after '
            'cleaning" or "no article sentence"): their stance is no reading of an article, and is not counted '
            "above.") in report
    assert ('Flagged by cleaning (see each record\'s "flags"): not French 1, empty document 1, '
            "no content left after cleaning 1, no article sentence 1.") in report


def test_without_such_documents_the_shares_are_over_every_record() -> None:
    report = render_run_report(_run(_record("a", "bullish"), _record("b", "neutral", "not French")))
    assert "Stance: bullish 1 (50%), neutral 1 (50%).\n" in report and "kept no text" not in report


def test_the_shard_line_is_a_paragraph_of_its_own_after_the_input_problems() -> None:
    problems = [InputError("malformed JSON (Expecting value at column 8)", "in.jsonl:2")]
    lines = render_run_report(_run(_record("a", "bullish")), shard=(0, 2), problems=problems).splitlines()
    shard = next(i for i, line in enumerate(lines) if line.startswith("Shard 0 of 2"))
    assert lines[shard - 1] == "" and lines[shard - 2] == "- in.jsonl:2: malformed JSON (Expecting value at column 8)"
