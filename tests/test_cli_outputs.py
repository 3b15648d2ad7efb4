"""What the document commands do with their outputs: never destroy an input, never mix
two writers, never touch a file that is not theirs, and check paths before the work."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stance.cli import main

ROOT = Path(__file__).resolve().parents[1]

DOC = {"id": "a1", "text": "Le CAC 40 a gagné 2 % vendredi, porté par les banques et le luxe."}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# ------------------------------------------------------------------ 1. OUT is an input


@pytest.mark.parametrize("extra", [[], ["--overwrite"]])
def test_out_that_is_the_jsonl_input_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    data = write_jsonl(tmp_path / "x.jsonl", [DOC])
    before = data.read_bytes()
    assert main(["clean", str(data), "--out", str(data), *extra]) == 2
    assert data.read_bytes() == before
    assert "is one of the inputs" in capsys.readouterr().err


def test_out_that_is_a_file_of_the_input_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC["text"], encoding="utf-8")
    before = (folder / "a.txt").read_bytes()
    (tmp_path / "link.txt").symlink_to(folder / "a.txt")
    for out in (folder / "a.txt", folder / "sub" / ".." / "a.txt", tmp_path / "link.txt", folder / "new.TXT"):
        assert main(["clean", str(folder), "--out", str(out), "--overwrite"]) == 2
    assert (folder / "a.txt").read_bytes() == before
    assert not (folder / "new.TXT").exists()


def test_run_report_that_is_an_input_or_the_output_is_refused(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "x.jsonl", [DOC])
    before = data.read_bytes()
    assert main(["run", str(data), "--out", str(tmp_path / "o.jsonl"), "--report", str(data)]) == 2
    assert main(["run", str(data), "--out", str(tmp_path / "o.md")]) == 2  # the default report is OUT.md
    assert data.read_bytes() == before
    assert not (tmp_path / "o.jsonl").exists()


# ------------------------------------------------------------------ 2. two writers on one OUT

HOLD = """
import sys
from stance.io import JsonlWriter
writer = JsonlWriter(sys.argv[1], kind="clean")
print("holding", flush=True)
sys.stdin.readline()
writer.close()
"""


def eight_documents(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for index in range(8):
        (folder / f"d{index}.txt").write_text(f"Le CAC 40 a gagné {index} % vendredi.", encoding="utf-8")
    return folder


def check_complete(out: Path, count: int) -> None:
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == sorted(f"d{index}" for index in range(count))


def test_a_second_process_is_refused_while_another_writes_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs, out = eight_documents(tmp_path), tmp_path / "out.jsonl"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "holding\n"
        assert main(["clean", str(docs), "--out", str(out)]) == 2
        assert main(["clean", str(docs), "--out", str(out), "--overwrite"]) == 2
        err = capsys.readouterr().err
        assert f"is being written by another stance process (pid {holder.pid})" in err
        assert out.read_bytes() == b""
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    assert not (tmp_path / "out.jsonl.lock").exists()
    assert main(["clean", str(docs), "--out", str(out)]) == 0
    check_complete(out, 8)
    assert not (tmp_path / "out.jsonl.lock").exists()


def test_a_second_process_is_refused_while_this_one_writes_out(tmp_path: Path) -> None:
    from stance.io import JsonlWriter

    docs, out = eight_documents(tmp_path), tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "stance", "clean", str(docs), "--out", str(out)]
    with JsonlWriter(out, kind="clean") as writer:
        writer.write({"id": "d0", "text": "x", "dropped": [], "language": "fr", "flags": []})
        second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2
        assert f"is being written by another stance process (pid {os.getpid()})" in second.stderr
    assert subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120).returncode == 0
    check_complete(out, 8)


def test_two_shards_started_together_lose_and_repeat_nothing(tmp_path: Path) -> None:
    docs, out = eight_documents(tmp_path), tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "stance", "clean", str(docs), "--out", str(out)]
    runs = [subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = sorted(run.wait(timeout=120) for run in runs)
    assert codes in ([0, 0], [0, 2])  # one after the other, or the second refused
    check_complete(out, 8)


# ------------------------------------------------------------------ 3. OUT that is not this command's


@pytest.mark.parametrize("extra", [[], ["--overwrite"]])
def test_out_that_is_not_a_stance_output_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [DOC])
    for content in ("Mes notes\nà garder", '{"name": "x"}\n', "Mes notes sans fin de ligne"):
        out = tmp_path / "notes.txt"
        out.write_text(content, encoding="utf-8")
        assert main(["clean", str(data), "--out", str(out), *extra]) == 2
        assert out.read_text(encoding="utf-8") == content
        assert "refusing to touch it" in capsys.readouterr().err


def test_out_of_another_command_is_refused_unless_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [DOC])
    cleaned = tmp_path / "clean.jsonl"
    assert main(["clean", str(data), "--out", str(cleaned)]) == 0
    before = cleaned.read_bytes()
    for command in (["summarize", "--model", "lead"], ["run", "--summarizer", "lead"], ["classify"]):
        assert main([command[0], str(data), "--out", str(cleaned), *command[1:]]) == 2
        err = capsys.readouterr().err
        assert "line 1 is a record of `stance clean`" in err and "--overwrite" in err
        assert cleaned.read_bytes() == before
    assert main(["summarize", str(data), "--out", str(cleaned), "--model", "lead", "--overwrite"]) == 0
    assert set(json.loads(cleaned.read_text(encoding="utf-8"))) == {"id", "summary", "sentences", "flags"}


# ------------------------------------------------------------------ 5. lone surrogates


def test_a_record_with_a_lone_surrogate_is_reported_and_the_rest_processed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "bad\udfff", "text": "Le CAC 40 monte."}),  # valid JSON, no valid Unicode
        json.dumps({"id": "b2", "text": "Le CAC\ud800 40 monte de 2 %."}),
        json.dumps({"id": "ok", "text": "Le Dax baisse de 1 %."}),
    ]
    data.write_text("\n".join(lines) + "\n", encoding="ascii")
    out = tmp_path / "out.jsonl"
    for _ in range(2):  # and a rerun resumes the same way
        assert main(["clean", str(data), "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"{data}:1: the id 'bad\\udfff' holds a lone surrogate" in err
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in records] == ["b2", "ok"]
        assert records[0]["text"] == "Le CAC\ufffd 40 monte de 2 %."
        assert "lone surrogate" in records[0]["warnings"][0]


def test_a_file_name_that_is_not_utf8_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "ok.txt").write_text("Le CAC 40 monte.", encoding="utf-8")
    try:
        (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_text("Le Dax baisse.", encoding="utf-8")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    out = tmp_path / "out.jsonl"
    assert main(["run", str(folder), "--out", str(out), "--summarizer", "lead"]) == 1
    assert "caf\ufffd.txt: the file name is not valid UTF-8" in capsys.readouterr().err
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["ok"]
    assert "| ok |" in out.with_suffix(".md").read_text(encoding="utf-8")


def test_the_library_reports_bad_items_to_on_error_and_never_writes_half_a_record(tmp_path: Path) -> None:
    from stance.errors import InputError
    from stance.io import JsonlWriter, iter_documents

    problems: list[InputError] = []
    docs = list(iter_documents(["Un texte.", 5, {"id": "x\udc80", "text": "y"}, "Deux\udfff."], problems.append))
    assert [d.id for d in docs] == ["0", "3"] and docs[1].text == "Deux\ufffd."
    assert "at position 1, got int" in str(problems[0]) and "lone surrogate" in str(problems[1])
    out = tmp_path / "o.jsonl"
    with JsonlWriter(out) as writer:
        writer.write({"id": "a", "text": "Un"})
        with pytest.raises(InputError, match="lone surrogate"):
            writer.write({"id": "b", "text": "\udfff"})
        writer.write({"id": "c", "text": "Trois"})
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "c"]


# ------------------------------------------------------------------ 7. bad output paths, before the work


def test_output_paths_that_cannot_be_written_are_refused_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [DOC])
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    cases = {
        "/sys/x.jsonl": "cannot write in /sys",
        str(a_file / "x.jsonl"): "is a file, not a folder",
        str(tmp_path): "is a folder; expected a file path",
    }
    for out, message in cases.items():
        assert main(["clean", str(data), "--out", out]) == 2, out
        assert message in capsys.readouterr().err
    # the report is checked before any model loads or any record is written
    out = tmp_path / "o.jsonl"
    for report, message in (("/sys/r.md", "cannot write in /sys"), (str(a_file / "r.md"), "is a file, not a folder")):
        assert main(["run", str(data), "--out", str(out), "--report", report]) == 2
        assert message in capsys.readouterr().err
        assert not out.exists()
    assert main(["eval", str(data), "--out", str(a_file)]) == 2
    assert "is a file; expected a folder" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [DOC])
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert main(["clean", str(data), "--out", str(locked / "o.jsonl")]) == 2
        assert "Permission denied" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_a_report_in_a_missing_folder_is_written(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [DOC])
    report = tmp_path / "reports" / "today" / "r.md"
    args = ["run", str(data), "--out", str(tmp_path / "o.jsonl"), "--report", str(report), "--summarizer", "lead"]
    assert main(args) == 0
    assert "| a1 |" in report.read_text(encoding="utf-8")


def test_stance_home_that_is_a_file_is_a_clear_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("STANCE_HOME", str(home))
    assert main(["models", "prepare", "e5-small"]) == 2
    err = capsys.readouterr().err
    assert f"STANCE_HOME ({home}) must be a folder this user can write" in err
    data = write_jsonl(tmp_path / "in.jsonl", [DOC])
    assert main(["summarize", str(data), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "must be a folder this user can write" in capsys.readouterr().err


# ------------------------------------------------------------------ 8. cleaning flags everywhere

ENGLISH = (
    "Apple shares jumped five percent after record quarterly results beat analyst expectations. The company "
    "said that demand for the new iPhone was strong in every region, and it raised its guidance for the year."
)


def flagged_documents(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "vide.txt").write_bytes(b"")
    (folder / "zh.txt").write_text("中国股市今天大幅上涨，投资者信心增强。科技股领涨。", encoding="utf-8")
    (folder / "en.txt").write_text(ENGLISH, encoding="utf-8")
    return folder


EXPECTED_FLAGS = {"en": ["not French"], "vide": ["empty document"], "zh": ["no content left after cleaning"]}


@pytest.mark.parametrize(
    "command", [["summarize", "--model", "lead"], pytest.param(["classify"], marks=pytest.mark.slow)]
)
def test_summarize_and_classify_records_carry_the_cleaning_flags_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, command: list[str]
) -> None:
    out, docs = tmp_path / "o.jsonl", flagged_documents(tmp_path)
    assert main([command[0], str(docs), "--out", str(out), *command[1:]]) == 0
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert {doc_id: r["flags"] for doc_id, r in records.items()} == EXPECTED_FLAGS
    # one warning for the run, counting the flags; each document's own line only with --verbose (debug)
    assert ("documents flagged by cleaning (see each record's \"flags\"): not French 1, empty document 1, "
            "no content left after cleaning 1") in caplog.text
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="stance"):
        assert main([command[0], str(docs), "--out", str(tmp_path / "v.jsonl"), *command[1:]]) == 0
    for doc_id, flags in EXPECTED_FLAGS.items():
        assert f"{doc_id}: {flags[0]}" in caplog.text


def test_run_table_and_report_show_the_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["run", str(flagged_documents(tmp_path)), "--out", str(out), "--summarizer", "lead"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "stance", "confidence", "flags", "summary"]
    assert any(line.split()[:4] == ["vide", "neutral", "1.00", "empty"] for line in table), table
    report = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "| id | stance | confidence | flags | summary |" in report
    assert "| vide | neutral | 1.00 | empty document |" in report
    assert "| en | " in report and "| not French |" in report


def test_an_id_with_a_line_break_stays_on_one_table_row() -> None:
    from stance.cli.reporting import Run, format_table, render_run_report

    records = [{"id": "a\nb|c", "summary": "Le CAC\n40 monte.", "flags": [],
                "stance": {"label": "bullish", "scores": {"bullish": 0.9}}}]
    assert format_table(records).splitlines()[1].startswith("a\\nb|c  bullish")
    report = render_run_report(Run("o.jsonl", records, 1))
    assert "| a\\nb\\|c | bullish | 0.90 |  | Le CAC 40 monte. |" in report


def test_the_run_report_lists_the_input_problems() -> None:
    from stance.cli.reporting import Run, render_run_report
    from stance.errors import InputError

    problems = [InputError("malformed JSON (Expecting value at column 8)", f"in.jsonl:{n}") for n in range(2, 25)]
    report = render_run_report(Run("o.jsonl", [], 0), problems=problems)
    assert "**23 input problem(s)** in this invocation" in report
    assert "- in.jsonl:2: malformed JSON (Expecting value at column 8)" in report
    assert "- and 3 more (all of them were printed on stderr)" in report
    assert "input problem" not in render_run_report(Run("o.jsonl", [], 0))


# ------------------------------------------------------------------ 9. settings recorded, a mismatch refused


def test_resuming_with_other_settings_is_refused_unless_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs, out = eight_documents(tmp_path), tmp_path / "o.jsonl"
    lead = ["summarize", str(docs), "--out", str(out), "--model", "lead"]
    assert main(lead) == 0
    settings = json.loads((tmp_path / "o.settings.json").read_text(encoding="utf-8"))
    assert settings["command"] == "summarize" and settings["summarizer"].startswith("LeadSummarizer(max_sentences=3")
    assert main(lead) == 0  # same settings: resumes (nothing left to do)
    before = out.read_bytes()
    assert main([*lead, "--max-sentences", "1"]) == 2
    err = capsys.readouterr().err
    assert "was written with other settings (--max-sentences: 3 then, 1 now)" in err  # told before a model loads
    assert out.read_bytes() == before
    assert main([*lead, "--no-clean"]) == 2
    assert main([*lead, "--max-sentences", "1", "--overwrite"]) == 0
    assert "max_sentences=1" in json.loads((tmp_path / "o.settings.json").read_text(encoding="utf-8"))["summarizer"]
    (tmp_path / "o.settings.json").write_text("[1]", encoding="utf-8")  # not what stance writes: not trusted
    capsys.readouterr()
    assert main(lead) == 2
    err = capsys.readouterr().err
    assert "o.settings.json: expected the JSON object of settings that stance writes, got a list" in err


def test_a_given_dtype_is_recorded_and_resuming_in_another_is_refused(
    tmp_path: Path, tiny_head_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs, out = eight_documents(tmp_path), tmp_path / "o.jsonl"
    settings = tmp_path / "o.settings.json"
    classify = ["classify", str(docs), "--out", str(out), "--backend", "embedding", "--model", str(tiny_head_dir),
                "--device", "cpu"]
    assert main(classify) == 0
    assert "dtype" not in json.loads(settings.read_text(encoding="utf-8"))  # a default run records none
    assert main(classify) == 0  # and resumes as before
    assert main([*classify, "--dtype", "fp32"]) == 2  # the default was not asked for by name: not mixed
    assert "was written with other settings (dtype: None then, 'fp32' now)" in capsys.readouterr().err

    assert main([*classify, "--dtype", "bf16", "--overwrite"]) == 0
    assert json.loads(settings.read_text(encoding="utf-8"))["dtype"] == "bf16"
    check_complete(out, 8)
    before = out.read_bytes()
    assert main([*classify, "--dtype", "bfloat16"]) == 0  # the same precision by another name
    for other in (["--dtype", "fp32"], []):
        capsys.readouterr()
        assert main([*classify, *other]) == 2
        now = repr(other[1]) if other else "None"
        assert f"was written with other settings (dtype: 'bf16' then, {now} now)" in capsys.readouterr().err
    assert out.read_bytes() == before


def _bf16_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the default precision bf16, as on an Ampere or newer GPU (the models then load in bf16 on the CPU)."""
    import torch

    import stance.runtime

    resolve = stance.runtime.resolve_dtype

    def ampere(device: torch.device, dtype: object = None, **options: bool) -> torch.dtype:
        return torch.bfloat16 if dtype is None else resolve(device, dtype, **options)

    monkeypatch.setattr(stance.runtime, "resolve_dtype", ampere)


def test_a_default_that_resolves_to_bf16_is_recorded_and_never_mixed_with_a_cpu_default(
    tmp_path: Path, tiny_head_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs, out = eight_documents(tmp_path), tmp_path / "o.jsonl"
    settings = tmp_path / "o.settings.json"
    classify = ["classify", str(docs), "--out", str(out), "--backend", "embedding", "--model", str(tiny_head_dir)]
    assert main(classify) == 0  # on the CPU: fp32, recorded as before (not at all)
    assert "dtype" not in json.loads(settings.read_text(encoding="utf-8"))
    before = out.read_bytes()
    with monkeypatch.context() as gpu:  # the same output resumed where the default is bf16: refused
        _bf16_by_default(gpu)
        _no_model_loads(gpu)
        capsys.readouterr()
        assert main(classify) == 2
        assert "was written with other settings (dtype: None then, 'bf16' now)" in capsys.readouterr().err
    assert out.read_bytes() == before

    with monkeypatch.context() as gpu:  # begun where the default is bf16: recorded
        _bf16_by_default(gpu)
        assert main([*classify, "--overwrite"]) == 0
        assert json.loads(settings.read_text(encoding="utf-8"))["dtype"] == "bf16"
        assert main([*classify, "--dtype", "bf16"]) == 0  # the same precision asked for by name
    capsys.readouterr()
    assert main(classify) == 2  # resumed on the CPU, whose default is fp32: refused
    assert "was written with other settings (dtype: 'bf16' then, None now)" in capsys.readouterr().err
    lead = ["summarize", str(docs), "--out", str(tmp_path / "s.jsonl"), "--model", "lead"]
    with monkeypatch.context() as gpu:  # the lead summariser runs no model: no precision recorded
        _bf16_by_default(gpu)
        assert main(lead) == 0
    assert "dtype" not in json.loads((tmp_path / "s.settings.json").read_text(encoding="utf-8"))
    assert main(lead) == 0


def _no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every way a document command loads a model fail the test."""
    import stance.classify
    import stance.encode
    import stance.pipeline
    import stance.summarize

    def no_model(*args: object, **options: object) -> None:
        raise AssertionError("a model was loaded before the resume was refused")

    monkeypatch.setattr(stance.classify, "load_classifier", no_model)
    monkeypatch.setattr(stance.summarize, "load_summarizer", no_model)
    monkeypatch.setattr(stance.encode, "Encoder", no_model)
    monkeypatch.setattr(stance.pipeline.Pipeline, "__init__", no_model)


def test_a_resume_with_other_settings_is_refused_before_any_model_loads(
    tmp_path: Path, tiny_head_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    docs = eight_documents(tmp_path)
    head = tmp_path / "head"
    shutil.copytree(tiny_head_dir, head)
    models = ["--backend", "embedding", "--device", "cpu"]
    commands = {
        "classify": ["classify", str(docs), "--out", str(tmp_path / "c.jsonl"), *models, "--model", str(head)],
        "summarize": ["summarize", str(docs), "--out", str(tmp_path / "s.jsonl"), "--model", "lead"],
        "run": ["run", str(docs), "--out", str(tmp_path / "r.jsonl"), "--summarizer", "lead", *models,
                "--stance-model", str(head)],
    }
    for command in commands.values():
        assert main(command) == 0
    outputs = {name: Path(command[3]).read_bytes() for name, command in commands.items()}
    capsys.readouterr()
    _no_model_loads(monkeypatch)
    refusals = [
        ([*commands["classify"], "--dtype", "fp32"], "dtype: None then, 'fp32' now"),
        ([*commands["run"], "--dtype", "bf16"], "dtype: None then, 'bf16' now"),
        ([*commands["summarize"], "--dtype", "fp32"], "dtype: None then, 'fp32' now"),
        ([*commands["classify"], "--neutral-weight", "2"], "neutral_weight: None then, 2.0 now"),
        ([*commands["summarize"], "--no-clean"], "cleaner: 'Cleaner' then, 'none (--no-clean)' now"),
        # another stage, by the class the options ask for
        ([*commands["summarize"][:-1], "extractive"], "summarizer: 'LeadSummarizer(max_sentences=3, max_words=None)' "
                                                      "then, ExtractiveSummarizer (--model extractive) now"),
        ([*commands["run"][:-2], "--backend", "lora"], "LoraStanceClassifier (--backend lora) now"),
        ([*commands["classify"][:4], "--backend", "zero-shot"], "ZeroShotStanceClassifier (--backend zero-shot) now"),
    ]
    for command, said in refusals:
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert "was written with other settings (" in err and said in err, err
        assert "--overwrite to start afresh" in err
    # another model under the same path: its files changed
    (head / "README.md").write_text("another card\n", encoding="utf-8")
    for name in ("classify", "run"):
        assert main(commands[name]) == 2
        err = capsys.readouterr().err
        assert ("model sha256: " if name == "classify" else "stance_model sha256: ") in err
    for name, command in commands.items():
        assert Path(command[3]).read_bytes() == outputs[name]


def test_a_resume_with_the_same_settings_goes_on_and_the_late_check_stays(
    tmp_path: Path, tiny_head_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs, out = eight_documents(tmp_path), tmp_path / "o.jsonl"
    classify = ["classify", str(docs), "--out", str(out), "--backend", "embedding", "--model", str(tiny_head_dir),
                "--device", "cpu", "--dtype", "fp32"]
    assert main(classify) == 0
    assert main(classify) == 0  # the same options: resumed, nothing left to do
    check_complete(out, 8)
    settings = tmp_path / "o.settings.json"
    recorded = json.loads(settings.read_text(encoding="utf-8"))
    recorded["classifier"] = recorded["classifier"].replace("temperature=", "temperature=9")  # known once loaded
    settings.write_text(json.dumps(recorded), encoding="utf-8")
    assert main(classify) == 0  # nothing left to do: no model loads, so nothing is compared and nothing written
    check_complete(out, 8)
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:-1]), encoding="utf-8")  # one document left to do: the model loads
    assert main(classify) == 2
    assert "was written with other settings (classifier: " in capsys.readouterr().err


def test_a_rerun_with_nothing_left_to_do_loads_no_model(
    tmp_path: Path, tiny_head_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="stance")
    docs = eight_documents(tmp_path)
    models = ["--backend", "embedding", "--device", "cpu"]
    commands = {
        "clean": ["clean", str(docs), "--out", str(tmp_path / "k.jsonl")],
        "classify": ["classify", str(docs), "--out", str(tmp_path / "c.jsonl"), *models, "--model",
                     str(tiny_head_dir)],
        "summarize": ["summarize", str(docs), "--out", str(tmp_path / "s.jsonl"), "--model", "lead"],
        "run": ["run", str(docs), "--out", str(tmp_path / "r.jsonl"), "--summarizer", "lead", *models,
                "--stance-model", str(tiny_head_dir)],
    }
    shard = [*commands["run"], "--out", str(tmp_path / "r0.jsonl"), "--shard", "0/2"]  # the last --out counts
    for command in [*commands.values(), shard]:
        assert main(command) == 0
    recorded = json.loads((tmp_path / "r.settings.json").read_text(encoding="utf-8"))
    assert recorded["--summarizer"] == "lead" and recorded["--backend"] == "embedding"
    assert recorded["--stance-model"] is None and "stance_model sha256" in recorded  # a folder, by its content
    outputs = {name: Path(command[3]).read_bytes() for name, command in commands.items()}
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    capsys.readouterr()
    _no_model_loads(monkeypatch)
    for name, command in commands.items():
        caplog.clear()
        assert main(command) == 0, name
        assert "skipped 8 documents already in" in caplog.text, name
        assert "nothing left to do" in caplog.text
        assert ("no model loaded" in caplog.text) == (name != "clean")  # the cleaner's line model is loaded
        assert Path(command[3]).read_bytes() == outputs[name]
    # the report of the rerun names the stages as OUT's settings recorded them
    rerun = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert rerun.split("## Pipeline")[1].split("\n\n")[1] == "\n".join(
        line for line in report.split("## Pipeline")[1].split("\n\n")[1].splitlines()
        if not line.startswith("- encoder:"))
    assert rerun.split("## Records")[1] == report.split("## Records")[1]
    # another option is refused before any model loads, as before
    assert main([*commands["summarize"], "--max-words", "20"]) == 2
    assert "(--max-words: None then, 20 now)" in capsys.readouterr().err
    # a shard whose documents are all in its output: nothing left to do, though the other shard's are not
    shard_records = len((tmp_path / "r0.jsonl").read_text(encoding="utf-8").splitlines())
    assert 0 < shard_records < 8
    caplog.clear()
    assert main(shard) == 0
    assert f"skipped {shard_records} documents already in" in caplog.text


def test_a_rerun_with_nothing_left_reports_unreadable_documents_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="stance")
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"id": "ok", "text": "Le CAC 40 gagne 1 %."}, ensure_ascii=False) + "\n{oops\n",
                    encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(data), "--out", str(out)]) == 1
    capsys.readouterr()
    _no_model_loads(monkeypatch)
    assert main(["clean", str(data), "--out", str(out)]) == 1  # as a run that has work left says it
    err = capsys.readouterr().err
    assert err.count("malformed JSON") == 1 and "nothing left to do" in caplog.text
    assert "1 input problem(s)" in err


def test_an_output_begun_before_the_options_were_recorded_resumes_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="stance")
    docs, out = eight_documents(tmp_path), tmp_path / "o.jsonl"
    lead = ["summarize", str(docs), "--out", str(out), "--model", "lead"]
    assert main(lead) == 0
    settings = tmp_path / "o.settings.json"
    recorded = json.loads(settings.read_text(encoding="utf-8"))
    older = {key: value for key, value in recorded.items() if not key.startswith("--")}
    settings.write_text(json.dumps(older), encoding="utf-8")
    capsys.readouterr()
    assert main(lead) == 0  # resumed: its stages loaded and compared, as before
    assert "nothing left to do" not in caplog.text
    assert json.loads(settings.read_text(encoding="utf-8")) == older  # and its settings left as they were
    assert main([*lead, "--max-sentences", "1"]) == 2
    assert "(summarizer: 'LeadSummarizer(max_sentences=3" in capsys.readouterr().err  # the late check


def test_a_resumed_output_knows_its_line_model_as_a_run_folder_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both engines record a model folder by one function (stance.io.model_sha256: all its files):
    OUT.jsonl's cleaner and a run folder's line_model name the same digest, and a change to any file of
    the folder (not only model.json) is another model for both."""
    from stance.cleaning import TreeModel
    from stance.distributed import PipelineSpec
    from stance.io import model_sha256

    model = tmp_path / "lm"
    TreeModel.default().save(model)
    (model / "README.md").write_text("the card of a line model\n", encoding="utf-8")
    data, out = write_jsonl(tmp_path / "x.jsonl", [DOC]), tmp_path / "o.jsonl"
    clean = ["clean", str(data), "--out", str(out), "--line-model", str(model)]
    assert main(clean) == 0
    recorded = json.loads((tmp_path / "o.settings.json").read_text(encoding="utf-8"))["cleaner"]
    digest = model_sha256(model)
    assert recorded == f"Cleaner (line model sha256 {digest})"
    assert PipelineSpec(line_model=str(model)).settings()["line_model"] == f"sha256 {digest}"
    assert main(clean) == 0
    (model / "README.md").write_text("the card, rewritten\n", encoding="utf-8")
    capsys.readouterr()
    assert main(clean) == 2
    assert "was written with other settings (cleaner: 'Cleaner (line model sha256 " in capsys.readouterr().err
    assert PipelineSpec(line_model=str(model)).settings()["line_model"] != f"sha256 {digest}"


def test_an_output_that_recorded_its_line_model_by_model_json_still_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Outputs written before both engines recorded the whole folder name the SHA-256 of model.json:
    they resume while model.json is the same, and are refused once it changed."""
    from stance.cleaning import TreeModel
    from stance.io import file_sha256

    model = tmp_path / "lm"
    TreeModel.default().save(model)
    (model / "README.md").write_text("the card of a line model\n", encoding="utf-8")
    data, out = write_jsonl(tmp_path / "x.jsonl", [DOC, {**DOC, "id": "a2"}]), tmp_path / "o.jsonl"
    clean = ["clean", str(data), "--out", str(out), "--line-model", str(model)]
    assert main(clean) == 0
    settings = tmp_path / "o.settings.json"
    recorded = json.loads(settings.read_text(encoding="utf-8"))
    recorded["cleaner"] = f"Cleaner (line model sha256 {file_sha256(model / 'model.json')})"
    settings.write_text(json.dumps(recorded), encoding="utf-8")
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text(lines[0], encoding="utf-8")  # one record left to write
    assert main(clean) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert json.loads(settings.read_text(encoding="utf-8")) == recorded  # kept as it was recorded
    spec = json.loads((model / "model.json").read_text(encoding="utf-8"))
    spec["threshold"] = 0.25
    (model / "model.json").write_text(json.dumps(spec), encoding="utf-8")
    capsys.readouterr()
    assert main(clean) == 2
    assert "was written with other settings (cleaner: " in capsys.readouterr().err


def test_shards_of_one_run_share_an_output_one_after_the_other(tmp_path: Path) -> None:
    docs, out = eight_documents(tmp_path), tmp_path / "o.jsonl"
    for shard in ("0/2", "1/2"):
        assert main(["run", str(docs), "--out", str(out), "--summarizer", "lead", "--shard", shard]) == 0
    check_complete(out, 8)


def test_a_report_over_the_settings_of_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_jsonl(tmp_path / "x.jsonl", [DOC])
    out = tmp_path / "o.jsonl"
    assert main(["run", str(data), "--out", str(out), "--report", str(tmp_path / "o.settings.json")]) == 2
    assert "where --out records the settings its records were made with" in capsys.readouterr().err
    assert not out.exists()


def test_a_resumed_clean_knows_its_line_model_by_content_not_by_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from stance.cleaning import TreeModel

    model = tmp_path / "lm"
    TreeModel.default().save(model)
    data = write_jsonl(tmp_path / "x.jsonl", [DOC])
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(data), "--out", str(out), "--line-model", str(model)]) == 0
    monkeypatch.chdir(tmp_path)  # the same model, its path typed another way: resumed
    assert main(["clean", "x.jsonl", "--out", "o.jsonl", "--line-model", "lm/"]) == 0
    capsys.readouterr()
    spec = json.loads((model / "model.json").read_text(encoding="utf-8"))
    spec["threshold"] = 0.25  # the same folder, retrained: another model
    (model / "model.json").write_text(json.dumps(spec), encoding="utf-8")
    assert main(["clean", "x.jsonl", "--out", "o.jsonl", "--line-model", "lm"]) == 2
    assert "settings" in capsys.readouterr().err


def test_a_weight_that_is_not_a_finite_number_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("inf", "nan", "0", "-1", "abc"):
        with pytest.raises(SystemExit) as stop:
            main(["classify", "x.jsonl", "--out", "o.jsonl", "--neutral-weight", value])
        assert stop.value.code == 2
        assert f"expected a number > 0 (finite), got {value}" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["clean", "x.jsonl", "--out", "o.jsonl", "--batch-docs", "abc"])
    assert "expected a whole number >= 1, got abc" in capsys.readouterr().err


def test_the_line_model_options_that_exclude_each_other_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["train-cleaner", "--no-rescuer", "--second-stage"])
    assert stop.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_run_refuses_an_out_being_written_before_any_model_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import stance.pipeline
    from stance.io import OutputLock

    def no_models(*args: object, **kwargs: object) -> None:
        raise AssertionError("the models were loaded before OUT was checked")

    monkeypatch.setattr(stance.pipeline.Pipeline, "__init__", no_models)
    data, out = write_jsonl(tmp_path / "x.jsonl", [DOC]), tmp_path / "o.jsonl"
    lock = OutputLock(out)
    try:
        for command in ("run", "classify"):
            assert main([command, str(data), "--out", str(out)]) == 2
            assert f"is being written by another stance process (pid {os.getpid()})" in capsys.readouterr().err
    finally:
        lock.release()


def test_outputs_that_are_no_files_and_inputs_without_documents_are_refused_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_jsonl(tmp_path / "x.jsonl", [DOC])
    assert main(["clean", str(data), "--out", "-"]) == 2
    assert "not standard output" in capsys.readouterr().err
    assert main(["clean", str(data), "--out", "/dev/null"]) == 2
    assert "/dev/null is not a regular file" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["clean", str(empty), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "the folder holds no .txt or .html file" in capsys.readouterr().err
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
    assert main(["clean", str(pdf), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "is a PDF, not a text; extract its text first" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists() and not Path("-").exists()
