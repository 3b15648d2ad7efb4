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
