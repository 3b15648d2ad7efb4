"""The baseline gate fails when it compared nothing: no metric, no document in common."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.cli import main
from tests.test_evaluation import good_record, synthetic_examples, write_eval_set, write_predictions


@pytest.fixture()
def baseline(tmp_path: Path) -> Path:
    examples = synthetic_examples()
    data = write_eval_set(tmp_path / "eval.jsonl", examples)
    predictions = write_predictions(tmp_path / "p.jsonl", (good_record(ex, i) for i, ex in enumerate(examples)))
    assert main(["eval", str(data), "--out", str(tmp_path / "base"), "--predictions", str(predictions)]) == 0
    return tmp_path / "base" / "metrics.json"


def test_a_gate_without_labels_compares_nothing_and_fails(
    tmp_path: Path, baseline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = synthetic_examples()
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text("".join(json.dumps({"id": ex.id, "text": ex.text}) + "\n" for ex in examples),
                          encoding="utf-8")
    predictions = write_predictions(tmp_path / "p2.jsonl", (good_record(ex, i) for i, ex in enumerate(examples)))
    args = ["--predictions", str(predictions), "--baseline", str(baseline)]
    assert main(["eval", str(unlabelled), "--out", str(tmp_path / "x"), *args]) == 1
    assert "the gate failed: no metric could be compared with the baseline" in capsys.readouterr().err
    report = (tmp_path / "x" / "report.md").read_text(encoding="utf-8")
    assert "**FAILED**: no metric could be compared" in report and "**PASSED**" not in report
    assert json.loads((tmp_path / "x" / "metrics.json").read_text(encoding="utf-8"))["comparison"]["passed"] is False


def test_a_gate_with_no_document_in_common_fails(
    tmp_path: Path, baseline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = synthetic_examples()
    renamed = [ex.__class__(f"other-{ex.id}", ex.text, ex.clean, ex.stance, ex.summary) for ex in examples]
    data = write_eval_set(tmp_path / "renamed.jsonl", renamed)
    predictions = write_predictions(tmp_path / "p3.jsonl", (good_record(ex, i) for i, ex in enumerate(renamed)))
    args = ["--predictions", str(predictions), "--baseline", str(baseline)]
    assert main(["eval", str(data), "--out", str(tmp_path / "y"), *args]) == 1
    assert "no document of this eval set is in the baseline" in capsys.readouterr().err


def test_a_domain_that_drops_out_of_the_eval_set_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dataclasses import replace

    examples = [replace(ex, domain="fr-documents" if i % 2 else "tweets-en")
                for i, ex in enumerate(synthetic_examples())]
    predictions = write_predictions(tmp_path / "p.jsonl", (good_record(ex, i) for i, ex in enumerate(examples)))
    full = write_eval_set(tmp_path / "full.jsonl", examples)
    assert main(["eval", str(full), "--out", str(tmp_path / "base"), "--predictions", str(predictions)]) == 0
    tweets = write_eval_set(tmp_path / "tweets.jsonl", [ex for ex in examples if ex.domain == "tweets-en"])
    args = ["--predictions", str(predictions), "--baseline", str(tmp_path / "base" / "metrics.json")]
    capsys.readouterr()
    assert main(["eval", str(tweets), "--out", str(tmp_path / "now"), *args]) == 1
    err = capsys.readouterr().err
    assert "stance: note: " in err and "in the baseline but not in this eval set" in err
    assert "the gate failed: 4 metric(s) gated by the baseline are not measured now (stance.accuracy[fr-" in err
    assert "**FAILED**: 4 metric(s) gated by the baseline" in (tmp_path / "now" / "report.md").read_text("utf-8")
    # the same run against its own baseline: every difference 0, summaries too (stored rounded, compared rounded)
    def partial(ex, i):  # type: ignore[no-untyped-def]  # summaries that score ROUGE 0.7777...: not 6 decimals
        record = good_record(ex, i)
        words = (ex.summary or ex.text).split()
        return {**record, "summary": " ".join([*words[: 2 * len(words) // 3], "autre", "chose"])}

    from stance.evaluation import compare, evaluate, load_baseline, write_report

    evaluation = evaluate(examples, predictions=[partial(ex, i) for i, ex in enumerate(examples)])
    assert any(d.summary and round(d.summary["rouge1"], 6) != d.summary["rouge1"] for d in evaluation.documents)
    comparison = compare(evaluation, load_baseline(write_report(evaluation, tmp_path / "again")["metrics"]))
    assert comparison.passed and comparison.unmeasured == []
    assert all(m.difference.low == m.difference.high == 0 for m in comparison.metrics)
