from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from stance.cli import main
from stance.document import Document
from stance.errors import InputError, StanceError, UsageError
from stance.evaluation import (
    DEFAULT_TOLERANCE,
    Baseline,
    EvalExample,
    Evaluation,
    compare,
    evaluate,
    load_baseline,
    load_eval_set,
    write_report,
)
from stance.metrics import METRICS_VERSION, STANCE_LABELS

COMPANIES = ["Alpha", "Boréal", "Cétacé", "Dôme", "Éole", "Fjord", "Génie", "Hélio", "Îlot", "Jade", "Kéros", "Lémo"]
N_DOCS = 36


def synthetic_examples() -> list[EvalExample]:
    """A tiny eval set written for these tests: a scraped page with furniture, its
    gold lines (raw, with no-break spaces and CRLF), a label and a reference summary."""
    examples = []
    for i in range(N_DOCS):
        company = COMPANIES[i % len(COMPANIES)]
        title = f"{company}\u00a0: résultats du trimestre {i}"
        first = f"La société {company} a annoncé un chiffre d’affaires de {100 + i} millions d’euros en été."
        second = f"Les analystes jugent que la rentrée sera décisive pour le groupe numéro {i}."
        third = f"Le titre a terminé la séance à {20 + i} euros à la Bourse de Paris."
        text = f"{title}\r\nAccueil > Économie\r\n\r\n{first}\r\n\r\nPartager sur Facebook\r\n\r\n{second} {third}\r\n"
        examples.append(
            EvalExample(
                id=f"t-{i:03d}",
                text=text,
                clean="\r\n\r\n".join([title, first, f"{second} {third}"]),
                stance=STANCE_LABELS[i % 3],
                summary=first if i % 2 == 0 else None,  # half the documents have a reference summary
            )
        )
    return examples


def write_eval_set(path: Path, examples: Iterable[EvalExample]) -> Path:
    lines = []
    for ex in examples:
        record = {"id": ex.id, "text": ex.text, "clean": ex.clean, "stance": ex.stance, "summary": ex.summary,
                  "domain": ex.domain}
        lines.append(json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def paragraphs(example: EvalExample) -> list[str]:
    return example.clean.replace("\u00a0", " ").split("\r\n\r\n")


def good_record(example: EvalExample, index: int) -> dict:
    """What a decent pipeline outputs: the gold lines, the first sentence, mostly the right label."""
    label = example.stance if index % 12 else STANCE_LABELS[(index + 1) % 3]  # 3 of 36 wrong
    first = paragraphs(example)[1]
    return {
        "id": example.id,
        "clean": "\n\n".join(paragraphs(example)),
        "summary": first,
        "stance": {"label": label, "scores": dict.fromkeys(STANCE_LABELS, 1 / 3), "evidence": []},
    }


def degraded_record(example: EvalExample, index: int) -> dict:
    """A worse model: keeps furniture, summarises with an unrelated sentence, labels most documents wrong."""
    record = good_record(example, index)
    record["clean"] = record["clean"] + "\n\nPartager sur Facebook\n\nAccueil > Économie"
    record["summary"] = "Aucune information disponible pour ce document."
    if index % 4:
        record["stance"] = {**record["stance"], "label": STANCE_LABELS[(STANCE_LABELS.index(example.stance) + 1) % 3]}
    return record


def write_predictions(path: Path, records: Iterable[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


class ScriptedPipeline:
    """Stands in for the model stages: returns prepared records for the documents it is given."""

    def __init__(self, records: Iterable[dict]) -> None:
        self.records = {r["id"]: r for r in records}
        self.seen: list[str] = []

    def run(self, documents: list[Document]) -> Iterator[dict]:
        for doc in documents:
            self.seen.append(doc.id)
            yield self.records[doc.id]

    def describe(self) -> dict:
        return {"summarizer": "scripted", "classifier": "scripted"}


@pytest.fixture(scope="module")
def examples() -> list[EvalExample]:
    return synthetic_examples()


@pytest.fixture(scope="module")
def good(examples: list[EvalExample]) -> Evaluation:
    return evaluate(examples, predictions=[good_record(ex, i) for i, ex in enumerate(examples)])


@pytest.fixture()
def files(tmp_path: Path, examples: list[EvalExample]) -> dict[str, Path]:
    return {
        "eval": write_eval_set(tmp_path / "eval.jsonl", examples),
        "good": write_predictions(tmp_path / "good.jsonl", (good_record(ex, i) for i, ex in enumerate(examples))),
        "bad": write_predictions(tmp_path / "bad.jsonl", (degraded_record(ex, i) for i, ex in enumerate(examples))),
    }


# ----------------------------------------------------------------------------- the eval set


def test_load_eval_set_reads_optional_fields_and_ignores_unknown_ones(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"id": "a", "text": "Texte.", "stance": "bullish", "source": "ignored"}\n'
        "\n"
        '{"id": "b", "text": "Autre.", "summary": null, "clean": "Autre."}\n',
        encoding="utf-8",
    )
    assert load_eval_set(path) == [
        EvalExample("a", "Texte.", stance="bullish"),
        EvalExample("b", "Autre.", clean="Autre."),
    ]


def test_load_eval_set_from_a_folder_reads_every_jsonl_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"id": "2", "text": "Deux."}\n', encoding="utf-8")
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "Un."}\n', encoding="utf-8")
    (tmp_path / "README.md").write_text("not data", encoding="utf-8")
    assert [ex.id for ex in load_eval_set(tmp_path)] == ["1", "2"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "x"}\n{"id": "b", "text": }\n', r"set.jsonl:2: malformed JSON"),
        ('{"id": "a", "text": "x", "stance": "positive"}\n', r"one of \['bullish', 'skeptical', 'neutral'\]"),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', r"set.jsonl:2: duplicate id 'a'"),
        ('{"id": "a"}\n', r"non-empty string 'text'"),
        ('{"id": "a", "text": "x", "summary": 3}\n', r"'summary' to be a string or absent, got int"),
        ('{"id": "a", "text": "x", "summary": " "}\n', r"set.jsonl:1: expected 'summary' to be a reference summary"),
        ('{"id": "a", "text": "   "}\n', r"set.jsonl:1: expected a non-empty string 'text', got '   '"),
        ('{"id": "a", "text": "x", "domain": "all"}\n', r"other than 'all' \(the name of the pooled scores\)"),
        ("\n", "the eval set is empty"),
    ],
)
def test_load_eval_set_errors_name_the_line_and_the_fix(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_eval_set(path)


def test_fingerprint_changes_with_text_or_gold() -> None:
    base = EvalExample("a", "Texte.", stance="bullish")
    assert base.fingerprint == EvalExample("a", "Texte.", stance="bullish").fingerprint
    assert base.fingerprint != EvalExample("a", "Texte.", stance="neutral").fingerprint
    assert base.fingerprint != EvalExample("a", "Texte !", stance="bullish").fingerprint


# ----------------------------------------------------------------------------- scoring


def test_metrics_are_computed_for_what_the_gold_holds(good: Evaluation) -> None:
    assert good.counts == {"clean": N_DOCS, "stance": N_DOCS, "summary": N_DOCS // 2, "lead3": N_DOCS // 2}
    assert set(good.metrics) == {
        "clean.precision", "clean.recall", "clean.f1",
        "stance.accuracy", "stance.macro_f1",
        "summary.rouge1", "summary.rouge2", "summary.rougeL",
        "lead3.rouge1", "lead3.rouge2", "lead3.rougeL",
    }  # fmt: skip
    # The predicted lines are the gold lines without no-break spaces: normalisation makes them equal.
    assert good.scores["clean.f1"] == 1.0
    assert good.scores["stance.accuracy"] == pytest.approx(33 / 36)
    assert good.scores["summary.rouge1"] == 1.0
    assert good.primary_metric == "stance.macro_f1"
    for interval in good.metrics.values():
        assert interval.low <= interval.value <= interval.high


def test_stance_details_and_lead3_beside_the_model(good: Evaluation) -> None:
    assert good.stance is not None
    assert sum(map(sum, good.stance["confusion_matrix"])) == N_DOCS
    assert good.stance["per_class"]["bullish"]["support"] == 12
    # Lead-3 on the cleaned text takes the title-free first sentences: more words than the reference.
    assert 0 < good.scores["lead3.rouge1"] < 1.0
    difference = good.summary_vs_lead3["rouge1"]
    assert difference.value == pytest.approx(good.scores["summary.rouge1"] - good.scores["lead3.rouge1"])
    assert difference.low > 0


def test_an_empty_summary_and_duplicated_lines_are_penalised(examples: list[EvalExample]) -> None:
    records = [good_record(ex, i) for i, ex in enumerate(examples)]
    for record in records:
        record["summary"] = ""
        record["clean"] = record["clean"] + "\n\n" + record["clean"]
    evaluation = evaluate(examples, predictions=records)
    assert evaluation.scores["summary.rouge1"] == 0.0
    assert evaluation.scores["clean.precision"] == 0.5
    assert evaluation.scores["clean.recall"] == 1.0


def test_evaluate_runs_a_pipeline_on_the_eval_texts(examples: list[EvalExample], good: Evaluation) -> None:
    pipeline = ScriptedPipeline(good_record(ex, i) for i, ex in enumerate(examples))
    evaluation = evaluate(examples, pipeline)
    assert pipeline.seen == [ex.id for ex in examples]
    assert evaluation.scores == good.scores
    assert evaluation.pipeline == {"summarizer": "scripted", "classifier": "scripted"}


def test_missing_or_malformed_predictions_are_clear_errors(examples: list[EvalExample]) -> None:
    records = [good_record(ex, i) for i, ex in enumerate(examples)]
    with pytest.raises(InputError, match=r"no prediction for 1 of 36 eval documents \(t-005\)"):
        evaluate(examples, predictions=records[:5] + records[6:])
    records[0] = {**records[0], "stance": "bullish"}
    with pytest.raises(InputError, match=r"prediction for 't-000'.*'label' is one of"):
        evaluate(examples, predictions=records)
    with pytest.raises(UsageError, match="not both"):
        evaluate(examples, ScriptedPipeline(records), predictions=records)
    records = [good_record(ex, i) for i, ex in enumerate(examples)]
    with pytest.raises(InputError, match=r"two predictions for 't-000'"):
        evaluate(examples, predictions=[*records, records[0]])
    label = records[1]["stance"]["label"]
    records[1] = {**records[1], "stance": {**records[1]["stance"], "scores": {label: float("nan")}}}
    with pytest.raises(InputError, match=rf"prediction for 't-001': expected the score of '{label}' to be a probab"):
        evaluate(examples, predictions=records)


def test_outputs_are_deterministic(tmp_path: Path, examples: list[EvalExample]) -> None:
    records = [degraded_record(ex, i) for i, ex in enumerate(examples)]
    first = write_report(evaluate(examples, predictions=records), tmp_path / "one")
    second = write_report(evaluate(examples, predictions=records), tmp_path / "two")
    for name in ("metrics", "report", "confusion_matrix"):
        assert first[name].read_bytes() == second[name].read_bytes()
    assert first["confusion_matrix"].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_scored_predictions_are_written_and_can_be_scored_again(tmp_path: Path, examples: list[EvalExample]) -> None:
    pipeline = ScriptedPipeline(degraded_record(ex, i) for i, ex in enumerate(examples))
    evaluation = evaluate(examples, pipeline)
    paths = write_report(evaluation, tmp_path)
    stored = [json.loads(line) for line in paths["predictions"].read_text(encoding="utf-8").splitlines()]
    assert stored == [pipeline.records[ex.id] for ex in examples]
    again = evaluate(examples, predictions=paths["predictions"])
    assert again.scores == evaluation.scores
    assert again.pipeline == {"predictions": str(paths["predictions"])}


def test_metrics_json_is_a_baseline_with_versions_tolerances_and_documents(tmp_path: Path, good: Evaluation) -> None:
    paths = write_report(good, tmp_path)
    data = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    assert data["scorer"]["metrics_version"] == METRICS_VERSION
    assert data["scorer"]["n_resamples"] == 1000
    assert data["primary_metric"] == "stance.macro_f1"
    assert set(data["metrics"]["stance.macro_f1"]) == {"value", "low", "high", "documents"}
    assert data["tolerances"]["summary.rouge1"] == DEFAULT_TOLERANCE
    assert "lead3.rouge1" not in data["tolerances"]  # the baseline summariser is reported, not gated
    assert data["documents"]["t-001"]["stance"] == {"gold": "skeptical", "predicted": "skeptical",
                                                    "confidence": pytest.approx(1 / 3, abs=1e-6)}
    assert "summary" not in data["documents"]["t-001"]
    report = paths["report"].read_text(encoding="utf-8")
    for heading in ("## Headline metrics", "## Summaries: model and the Lead-3 baseline", "## Stance", "## Cleaning"):
        assert heading in report
    assert "![Stance confusion matrix](confusion_matrix.png)" in report


# ----------------------------------------------------------------------------- the baseline gate


def test_an_eval_set_or_predictions_not_in_utf8_name_the_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b'{"id": "a", "text": "Un"}\n{"id": "b", "text": "\xe9t\xe9"}\n')
    with pytest.raises(InputError, match=r"gold.jsonl:2: not valid UTF-8 \(invalid continuation byte at byte 21\); "
                                         r"expected an eval set in UTF-8: re-save it as UTF-8"):
        load_eval_set(gold)
    gold.write_bytes(b'{"id": "a", "text": "Un", "stance": "neutral"}\n')
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_bytes(b'{"id": "a", "clean": "\xe9"}\n')
    with pytest.raises(InputError, match=r"predictions.jsonl:1: not valid UTF-8"):
        evaluate(load_eval_set(gold), predictions=predictions)


@pytest.mark.parametrize(
    "change",
    [{"tolerances": [0.02]}, {"tolerances": {"stance.accuracy": True}}, {"scorer": "v1"}, {"documents": {"e1": [1]}}],
    ids=["tolerances-list", "tolerance-bool", "scorer-str", "document-list"],
)
def test_a_malformed_baseline_is_a_clear_error(tmp_path: Path, good: Evaluation, change: dict) -> None:
    data = json.loads(write_report(good, tmp_path)["metrics"].read_text(encoding="utf-8"))
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({**data, **change}), encoding="utf-8")
    with pytest.raises(InputError, match=r"baseline.json: .*regenerate it with|expected 'tolerances'"):
        load_baseline(path)
    with pytest.raises(InputError, match=r"cannot be read as a baseline file"):
        load_baseline(tmp_path)


def test_same_as_baseline_holds_everything(tmp_path: Path, good: Evaluation) -> None:
    baseline = load_baseline(write_report(good, tmp_path)["metrics"])
    comparison = compare(good, baseline)
    assert comparison.passed
    assert {m.status for m in comparison.metrics} == {"held"}
    assert all(m.difference.low == m.difference.high == 0 for m in comparison.metrics)
    assert len(comparison.metrics) == 8 and comparison.notes == []


def test_gate_fails_a_degraded_model_and_names_the_regressed_metrics(tmp_path: Path, files: dict[str, Path]) -> None:
    out = tmp_path / "baseline-run"
    assert main(["eval", str(files["eval"]), "--out", str(out), "--predictions", str(files["good"])]) == 0
    baseline = tmp_path / "baseline.json"
    baseline.write_bytes((out / "metrics.json").read_bytes())

    same = tmp_path / "same"
    args = ["--baseline", str(baseline)]
    assert main(["eval", str(files["eval"]), "--out", str(same), "--predictions", str(files["good"]), *args]) == 0
    assert "**PASSED**" in (same / "report.md").read_text(encoding="utf-8")

    worse = tmp_path / "worse"
    assert main(["eval", str(files["eval"]), "--out", str(worse), "--predictions", str(files["bad"]), *args]) == 1
    report = (worse / "report.md").read_text(encoding="utf-8")
    verdict = next(line for line in report.splitlines() if line.startswith("**FAILED**"))
    for metric in ("clean.precision", "clean.f1", "stance.accuracy", "stance.macro_f1", "summary.rouge1"):
        assert metric in verdict
    assert "| stance.macro_f1 |" in report and "| regressed |" in report
    assert "clean.recall" in verdict.split("Held:")[1]  # every gold line is still kept
    comparison = json.loads((worse / "metrics.json").read_text(encoding="utf-8"))["comparison"]
    assert comparison["passed"] is False
    assert "stance.accuracy" in comparison["regressed"]
    assert comparison["metrics"]["stance.accuracy"]["mcnemar"]["only_a"] > 0


def test_a_drop_within_tolerance_holds_and_a_gain_improves(
    tmp_path: Path, examples: list[EvalExample], good: Evaluation
) -> None:
    baseline_records = [good_record(ex, i) for i, ex in enumerate(examples)]
    slightly_worse = [dict(r) for r in baseline_records]
    slightly_worse[1] = {**slightly_worse[1], "stance": {"label": "neutral"}}  # one more wrong of 36
    fixed = [{**r, "stance": {"label": ex.stance}} for r, ex in zip(baseline_records, examples, strict=True)]
    baseline = _as_baseline(good, tmp_path)
    worse = compare(evaluate(examples, predictions=slightly_worse), baseline)
    accuracy = next(m for m in worse.metrics if m.metric == "stance.accuracy")
    assert accuracy.difference.value == pytest.approx(-1 / 36)
    assert accuracy.status == "held" and worse.passed
    # Three more right of 36 is not a sure gain (McNemar p = 0.25): it holds.
    better = compare(evaluate(examples, predictions=fixed), baseline)
    assert better.with_status("improved") == [] and better.passed
    # Against a clearly worse baseline, the same predictions improve.
    degraded = evaluate(examples, predictions=[degraded_record(ex, i) for i, ex in enumerate(examples)])
    gain = compare(good, _as_baseline(degraded, tmp_path / "degraded"))
    assert {"clean.precision", "stance.accuracy", "stance.macro_f1", "summary.rouge1"} <= set(
        gain.with_status("improved")
    )
    assert gain.passed and gain.with_status("regressed") == []


def test_tolerances_come_from_the_baseline_file(tmp_path: Path, files: dict[str, Path]) -> None:
    out = tmp_path / "run"
    assert main(["eval", str(files["eval"]), "--out", str(out), "--predictions", str(files["good"])]) == 0
    data = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    data["tolerances"] = dict.fromkeys(data["tolerances"], 1.0)  # anything goes
    baseline = tmp_path / "lenient.json"
    baseline.write_text(json.dumps(data), encoding="utf-8")
    args = ["--predictions", str(files["bad"]), "--baseline", str(baseline)]
    assert main(["eval", str(files["eval"]), "--out", str(tmp_path / "bad"), *args]) == 0


def test_changed_documents_are_left_out_of_the_comparison(
    tmp_path: Path, examples: list[EvalExample], good: Evaluation
) -> None:
    relabelled = list(examples)
    first = examples[0]
    relabelled[0] = EvalExample(first.id, first.text, first.clean, "neutral", first.summary)
    records = [good_record(ex, i) for i, ex in enumerate(examples)]
    comparison = compare(evaluate(relabelled[:-1], predictions=records), _as_baseline(good, tmp_path))
    assert any("1 document(s) changed" in note and "t-000" in note for note in comparison.notes)
    assert any("in the baseline but not in this eval set" in note and "t-035" in note for note in comparison.notes)
    assert all(m.documents <= N_DOCS - 2 for m in comparison.metrics)


def test_a_baseline_from_another_scorer_version_is_refused(tmp_path: Path, good: Evaluation, files: dict) -> None:
    path = write_report(good, tmp_path)["metrics"]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["scorer"]["metrics_version"] = "0"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StanceError, match=r"metrics version '0'.*regenerate it with: stance eval"):
        load_baseline(path)
    args = ["--predictions", str(files["good"]), "--baseline", str(path)]
    assert main(["eval", str(files["eval"]), "--out", str(tmp_path / "x"), *args]) == 2
    with pytest.raises(InputError, match="no such baseline file"):
        load_baseline(tmp_path / "missing.json")


def _as_baseline(evaluation: Evaluation, folder: Path) -> Baseline:
    return load_baseline(write_report(evaluation, folder)["metrics"])


def test_without_matplotlib_the_figure_is_left_out_with_a_message(tmp_path: Path, good: Evaluation, monkeypatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    import sys

    for name in [name for name in sys.modules if name == "matplotlib" or name.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with caplog.at_level("WARNING"):
        paths = write_report(good, tmp_path)
    assert "confusion_matrix" not in paths and not (tmp_path / "confusion_matrix.png").exists()
    assert 'pip install "stance[plot]"' in caplog.text
    report = paths["report"].read_text(encoding="utf-8")
    assert "confusion_matrix.png" not in report and "## Stance" in report


# ----------------------------------------------------------------------------- stance per domain


def test_stance_is_reported_per_domain_with_calibration(tmp_path: Path) -> None:
    from dataclasses import replace

    examples = [replace(ex, domain="tweets-en" if i % 2 else "fr-documents")
                for i, ex in enumerate(synthetic_examples())]
    records = []
    for i, ex in enumerate(examples):
        right = ex.domain == "fr-documents" or i % 4 == 1  # every French label right, half the tweets
        label = ex.stance if right else STANCE_LABELS[(STANCE_LABELS.index(ex.stance) + 1) % 3]
        scores = {name: 0.1 for name in STANCE_LABELS}
        scores[label] = 0.8
        records.append({"id": ex.id, "clean": ex.clean, "summary": "x",
                        "stance": {"label": label, "scores": scores, "evidence": []}})
    evaluation = evaluate(examples, predictions=records)
    domains = evaluation.stance_by_domain
    assert set(domains) == {"fr-documents", "tweets-en", "all"}
    assert domains["fr-documents"]["accuracy"] == 1.0 and domains["tweets-en"]["accuracy"] == 0.5
    assert domains["all"]["documents"] == len(examples)
    assert domains["fr-documents"]["mean_confidence"] == pytest.approx(0.8)
    assert domains["fr-documents"]["ece"] == pytest.approx(0.2)    # 0.8 confident, always right
    assert domains["tweets-en"]["ece"] == pytest.approx(0.3)       # 0.8 confident, right half the time
    write_report(evaluation, tmp_path / "out")
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "## Stance by domain" in report and "| tweets-en | 18 | 0.500 |" in report
    data = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert data["stance_by_domain"]["tweets-en"]["ece"] == pytest.approx(0.3)
    assert data["documents"][examples[1].id]["domain"] == "tweets-en"
    assert data["documents"][examples[1].id]["stance"]["confidence"] == pytest.approx(0.8)


def test_domain_is_read_from_the_eval_set_and_is_not_part_of_the_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "eval.jsonl"
    path.write_text('{"id": "a", "text": "Texte.", "stance": "neutral", "domain": "tweets-en"}\n'
                    '{"id": "b", "text": "Texte.", "stance": "neutral"}\n', encoding="utf-8")
    first, second = load_eval_set(path)
    assert first.domain == "tweets-en" and second.domain is None
    assert first.fingerprint == second.fingerprint  # adding a domain does not void a baseline
    path.write_text('{"id": "a", "text": "Texte.", "domain": 3}\n', encoding="utf-8")
    with pytest.raises(InputError, match="domain"):
        load_eval_set(path)


# ----------------------------------------------------------------------------- the gate per domain


def _two_domains() -> tuple[list[EvalExample], list[dict]]:
    """Eight French documents beside 120 tweets, every label predicted right."""
    from dataclasses import replace

    french = [
        replace(ex, id=f"fr-{i}", domain="fr-documents", summary=None) for i, ex in enumerate(synthetic_examples()[:8])
    ]
    tweets = [
        EvalExample(f"tw-{i:03d}", f"Tweet {i}", stance=STANCE_LABELS[i % 3], domain="tweets-en") for i in range(120)
    ]
    examples = french + tweets
    return examples, [{"id": ex.id, "clean": ex.clean or "", "stance": {"label": ex.stance}} for ex in examples]


def _wrong(record: dict, example: EvalExample) -> dict:
    return {**record, "stance": {"label": STANCE_LABELS[(STANCE_LABELS.index(example.stance) + 1) % 3]}}


def test_stance_is_gated_per_domain_so_a_regression_cannot_hide_in_the_pool(tmp_path: Path) -> None:
    examples, records = _two_domains()
    before = evaluate(examples, predictions=records)
    assert list(before.metrics)[3:9] == [
        "stance.accuracy", "stance.macro_f1",
        "stance.accuracy[fr-documents]", "stance.macro_f1[fr-documents]",
        "stance.accuracy[tweets-en]", "stance.macro_f1[tweets-en]",
    ]  # fmt: skip
    assert before.metric_documents("stance.macro_f1[fr-documents]") == 8
    assert before.metric_documents("stance.accuracy") == 128
    # Half the French documents now wrong: 4 of 128 overall, within the pooled tolerance.
    after = evaluate(
        examples,
        predictions=[
            _wrong(r, ex) if ex.domain == "fr-documents" and i % 2 else r
            for i, (r, ex) in enumerate(zip(records, examples, strict=True))
        ],
    )
    assert after.scores["stance.accuracy[fr-documents]"] == 0.5
    comparison = compare(after, _as_baseline(before, tmp_path / "base"))
    status = {m.metric: m.status for m in comparison.metrics}
    assert status["stance.accuracy"] == status["stance.macro_f1"] == "held"  # the pool alone would pass
    assert status["stance.accuracy[fr-documents]"] == status["stance.macro_f1[fr-documents]"] == "regressed"
    assert status["stance.accuracy[tweets-en]"] == "held"
    assert not comparison.passed and comparison.new == []
    french = next(m for m in comparison.metrics if m.metric == "stance.accuracy[fr-documents]")
    assert french.documents == 8 and french.test is not None and french.test.only_a == 4
    paths = write_report(after, tmp_path / "now", comparison)
    data = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    assert data["metrics"]["stance.macro_f1[fr-documents]"]["documents"] == 8
    assert data["tolerances"]["stance.macro_f1[fr-documents]"] == DEFAULT_TOLERANCE
    assert data["comparison"]["regressed"] == ["stance.accuracy[fr-documents]", "stance.macro_f1[fr-documents]"]
    report = paths["report"].read_text(encoding="utf-8")
    assert "**FAILED**: regressed: stance.accuracy[fr-documents], stance.macro_f1[fr-documents]." in report
    assert "| stance.accuracy[fr-documents] | 0.500 |" in report  # a headline metric


def test_a_baseline_without_per_domain_metrics_compares_the_others_and_names_the_new_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples, records = _two_domains()
    path = write_report(evaluate(examples, predictions=records), tmp_path / "base")["metrics"]
    data = json.loads(path.read_text(encoding="utf-8"))
    for section in ("metrics", "tolerances"):  # as written before stance was gated per domain
        data[section] = {metric: value for metric, value in data[section].items() if "[" not in metric}
    path.write_text(json.dumps(data), encoding="utf-8")
    new = [
        "stance.accuracy[fr-documents]",
        "stance.macro_f1[fr-documents]",
        "stance.accuracy[tweets-en]",
        "stance.macro_f1[tweets-en]",
    ]

    same = compare(evaluate(examples, predictions=records), load_baseline(path))
    assert same.new == new and same.passed
    assert {m.metric for m in same.metrics} == {
        "clean.precision",
        "clean.recall",
        "clean.f1",
        "stance.accuracy",
        "stance.macro_f1",
    }
    assert any("4 metric(s) new since the baseline" in note for note in same.notes)

    # A pooled regression is still caught against the old baseline.
    worse = [_wrong(r, ex) if i % 2 else r for i, (r, ex) in enumerate(zip(records, examples, strict=True))]
    eval_path = tmp_path / "eval.jsonl"
    eval_path.write_text(
        "".join(
            json.dumps({"id": ex.id, "text": ex.text, "stance": ex.stance, "clean": ex.clean, "domain": ex.domain})
            + "\n"
            for ex in examples
        ),
        encoding="utf-8",
    )
    predictions = write_predictions(tmp_path / "worse.jsonl", worse)
    args = ["--predictions", str(predictions), "--baseline", str(path)]
    assert main(["eval", str(eval_path), "--out", str(tmp_path / "now"), *args]) == 1
    assert f"new, not compared (not in the baseline): {', '.join(new)}" in capsys.readouterr().out
    report = (tmp_path / "now" / "report.md").read_text(encoding="utf-8")
    verdict = next(line for line in report.splitlines() if line.startswith("**FAILED**"))
    assert "regressed: stance.accuracy, stance.macro_f1" in verdict and "[" not in verdict.split("New,")[0]
    assert f"New, not compared: {', '.join(new)}." in verdict
    comparison = json.loads((tmp_path / "now" / "metrics.json").read_text(encoding="utf-8"))["comparison"]
    assert comparison["new"] == new and comparison["passed"] is False


def test_a_baseline_with_only_new_metrics_in_common_compared_nothing_and_fails(tmp_path: Path) -> None:
    examples, records = _two_domains()
    path = write_report(evaluate(examples, predictions=records), tmp_path / "base")["metrics"]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["metrics"] = {"stance.accuracy": data["metrics"]["stance.accuracy"]}
    path.write_text(json.dumps(data), encoding="utf-8")
    unlabelled = [EvalExample(ex.id, ex.text, domain=ex.domain) for ex in examples]
    comparison = compare(evaluate(examples, predictions=records), load_baseline(path))
    assert [m.metric for m in comparison.metrics] == ["stance.accuracy"]
    nothing = compare(evaluate(unlabelled, predictions=records), load_baseline(path))
    assert not nothing.passed and nothing.empty is not None
    assert "of the baseline not measured now: stance.accuracy" in nothing.empty


def test_one_domain_is_gated_pooled_only(good: Evaluation) -> None:
    assert not any("[" in metric for metric in good.metrics)


@pytest.mark.parametrize("metric", ["stance", "stance.", "stance.macro_f1[fr"])
def test_a_malformed_metric_name_is_a_clear_error(metric: str) -> None:
    from stance.evaluation import parse_metric

    with pytest.raises(ValueError, match=r"expected a metric name like 'stance.macro_f1'"):
        parse_metric(metric)


def test_a_baseline_with_a_malformed_metric_name_is_refused(tmp_path: Path, good: Evaluation) -> None:
    path = write_report(good, tmp_path)["metrics"]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["metrics"]["stance.macro_f1[fr"] = data["metrics"]["stance.macro_f1"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"malformed 'metrics'.*'stance.macro_f1\[fr'.*regenerate it with"):
        load_baseline(path)


def test_eval_examples_in_memory_may_be_mappings_and_are_checked() -> None:
    records = [{"id": "x", "stance": {"label": "bullish", "scores": {"bullish": 0.9}}}]
    evaluation = evaluate([{"id": "x", "text": "Le titre monte.", "stance": "bullish"}], predictions=records)
    assert evaluation.metrics["stance.accuracy"].value == 1.0
    with pytest.raises(InputError, match=r"item 0: expected 'stance' to be one of \['bullish'"):
        evaluate([EvalExample("x", "Le titre monte.", stance="positive")], predictions=records)
    with pytest.raises(InputError, match=r"item 0: expected a non-empty string 'text'"):
        evaluate([{"id": "x", "stance": "bullish"}], predictions=records)


def test_an_eval_set_without_gold_is_refused_before_any_model_runs(tmp_path: Path, caplog,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "Le titre monte."}\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("pas des données", encoding="utf-8")
    assert main(["eval", str(tmp_path), "--out", str(tmp_path / "out")]) == 2  # the models would take seconds
    assert "none of its 1 documents has a gold 'clean', 'stance' or 'summary'" in capsys.readouterr().err
    assert "skipped 1 file(s) that are not .jsonl" in caplog.text and "notes.txt" in caplog.text
    with pytest.raises(InputError, match="expected a path or a list of eval examples, got NoneType"):
        evaluate(None)


def test_eval_runs_its_pipeline_in_the_dtype_asked_for(
    tmp_path: Path, files: dict[str, Path], examples: list[EvalExample], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[dict] = []

    def pipeline(**options: object) -> ScriptedPipeline:
        made.append(options)
        return ScriptedPipeline(good_record(ex, i) for i, ex in enumerate(examples))

    monkeypatch.setattr("stance.pipeline.Pipeline", pipeline)
    assert main(["eval", str(files["eval"]), "--out", str(tmp_path / "out"), "--dtype", "float32"]) == 0
    assert made == [{"dtype": "fp32"}]
    assert main(["eval", str(files["eval"]), "--out", str(tmp_path / "out"), "--dtype", "fp8"]) == 2
    assert "expected a dtype of fp32, bf16 or fp16 (or a torch.dtype); got 'fp8'" in capsys.readouterr().err
    # Predictions made elsewhere are not run here: a precision for them is a mistake, said before any work.
    assert main(["eval", str(files["eval"]), "--out", str(tmp_path / "out"), "--predictions", str(files["good"]),
                 "--dtype", "fp32"]) == 2
    assert "--dtype sets the precision the pipeline runs in, and --predictions" in capsys.readouterr().err
    assert len(made) == 1


def test_eval_out_that_is_the_eval_set_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "Le titre monte.", "stance": "bullish"}\n',
                                      encoding="utf-8")
    assert main(["eval", str(tmp_path), "--out", str(tmp_path / "." )]) == 2
    assert "is the eval set's folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_a_bad_baseline_says_how_to_regenerate_it_from_the_eval_set_given(tmp_path: Path) -> None:
    from stance.evaluation import load_baseline

    garbled = tmp_path / "my baselines" / "base.json"
    garbled.parent.mkdir()
    garbled.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_baseline(garbled, "data/my eval/")
    assert (f"regenerate it with: stance eval 'data/my eval/' --out out/eval && cp out/eval/metrics.json "
            f"'{garbled}'") in str(caught.value)
