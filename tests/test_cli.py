from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stance.cli import main

ROOT = Path(__file__).resolve().parents[1]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_help_exits_zero() -> None:
    result = subprocess.run([sys.executable, "-m", "stance", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "clean" in result.stdout


def test_train_help_names_the_passage_sets_lora_reads(capsys: pytest.CaptureFixture[str]) -> None:
    from stance.classify.training import PASSAGE_SETS

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "models/training/ (" + ", ".join(name for name, _ in PASSAGE_SETS) + "; or --data FILE...)" in text
    assert "stance_fr_rhetoric" not in text  # round I's passages are not trained on


def _commands_taking(option: str) -> list[str]:
    import argparse

    from stance.cli import build_parser

    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return [name for name, sub in commands.choices.items()
            if any(option in action.option_strings for action in sub._actions)]


def test_a_negative_shard_gets_the_message_of_a_shard_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse reads "-1/2" as an option ("argument --shard: expected one argument"); every command
    that takes --shard gives it to the shard's own check instead, as it gives "3/2"."""
    commands = _commands_taking("--shard")
    assert "run" in commands
    out = str(tmp_path / "o.jsonl")
    for command in commands:
        for value, shown in [("3/2", "'3/2'"), ("-1/2", "'-1/2'"), ("-1/-2", "'-1/-2'"), ("0/-2", "'0/-2'")]:
            for given in (["--shard", value], [f"--shard={value}"]):
                with pytest.raises(SystemExit) as stop:
                    main([command, str(ROOT / "seeds"), "--out", out, *given])
                assert stop.value.code == 2
                err = capsys.readouterr().err
                assert f"argument --shard: expected I/N with 0 <= I < N (e.g. 0/4), got {shown}" in err, (given, err)
        # everything else as argparse has it: an option after --shard is still no value
        with pytest.raises(SystemExit) as stop:
            main([command, str(ROOT / "seeds"), "--out", out, "--shard", "--overwrite"])
        assert stop.value.code == 2 and "argument --shard: expected one argument" in capsys.readouterr().err
    assert not Path(out).exists()


def test_only_the_value_of_shard_is_attached() -> None:
    from stance.cli import build_parser
    from stance.cli.commands import attach_dashed_values

    argv = ["run", "in", "--out", "o", "--shard", "-1/2", "--", "--shard", "-1/2"]
    assert attach_dashed_values(argv) == ["run", "in", "--out", "o", "--shard=-1/2", "--", "--shard", "-1/2"]
    assert attach_dashed_values(["run", "in", "--shard", "-2"]) == ["run", "in", "--shard", "-2"]
    args = build_parser().parse_args(["run", "in", "--out", "o", "--shard", "1/2"])
    assert args.shard == (1, 2)


@pytest.mark.parametrize("command", ["run", "summarize", "eval", "classify", "train"])
def test_every_model_command_takes_dtype(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--dtype DTYPE fp32, bf16 or fp16 (default: bf16 on an Ampere or newer GPU, else fp32)" in text


@pytest.mark.parametrize("command", [["run"], ["summarize"], ["classify"], ["summarize", "--model", "lead"]])
def test_a_bad_dtype_is_bad_usage_before_any_model_loads(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import stance.encode

    def no_model(*args: object, **options: object) -> None:
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(stance.encode, "Encoder", no_model)
    out = tmp_path / "o.jsonl"
    assert main([*command, str(ROOT / "seeds"), "--out", str(out), "--dtype", "fp8"]) == 2
    assert "stance: error: expected a dtype of fp32, bf16 or fp16 (or a torch.dtype); got 'fp8'" in (
        capsys.readouterr().err)
    assert not out.exists()


def test_clean_help_and_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", "--help"])
    assert exit_info.value.code == 0
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", "seeds"])  # --out is required
    assert exit_info.value.code == 2


def test_clean_seeds_follows_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(ROOT / "seeds"), "--out", str(out)]) == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    matched = kept = gold = 0
    for record in records:
        assert {"id", "text", "dropped"} <= set(record)
        assert all(set(d) == {"line", "reason"} for d in record["dropped"])
        golden = ROOT / "tests" / "cleaning" / "golden" / f"{record['id']}.txt"
        golden_lines = golden.read_text(encoding="utf-8").rstrip("\n").split("\n\n")
        lines = record["text"].split("\n\n")
        matched += sum(line in golden_lines for line in lines)
        kept += len(lines)
        gold += len(golden_lines)
    # the seeds are cleaned as one batch; as alone, the golden outputs' thresholds hold
    assert matched / kept >= 0.98 and matched / gold >= 0.99


def test_rerun_skips_written_ids_and_resumes_after_interruption(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(seeds), "--out", str(out)]) == 0
    complete = out.read_text(encoding="utf-8")
    lines = complete.splitlines(keepends=True)
    # Simulate a run killed while writing the third record.
    out.write_text("".join(lines[:2]) + lines[2][:25], encoding="utf-8")
    assert main(["clean", str(seeds), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == complete
    assert main(["clean", str(seeds), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == complete


def test_bad_documents_are_reported_others_processed_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        json.dumps({"id": "ok", "text": "Le CAC 40 gagne 1 %.\n\nPartager"}, ensure_ascii=False) + "\n{oops\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(data), "--out", str(out)]) == 1
    dropped = [{"line": "Partager", "reason": "share or reaction button"}]
    expected = {"id": "ok", "text": "Le CAC 40 gagne 1 %.", "dropped": dropped, "language": "und", "flags": []}
    assert read_jsonl(out) == [expected]
    assert f"{data}:2: malformed JSON" in capsys.readouterr().err


def test_missing_input_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(tmp_path / "absent"), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_single_text_file_and_empty_file(tmp_path: Path) -> None:
    (tmp_path / "vide.txt").write_bytes(b"")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(tmp_path / "vide.txt"), "--out", str(out)]) == 0
    expected = {"id": "vide", "text": "", "dropped": [], "language": "und", "flags": ["empty document"]}
    assert read_jsonl(out) == [expected]


def test_clean_with_a_line_model_of_ones_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from stance.cleaning import TreeModel

    model = tmp_path / "line-model"
    TreeModel.default().save(model)  # as `stance train-cleaner --out` leaves it
    mine, shipped = tmp_path / "mine.jsonl", tmp_path / "shipped.jsonl"
    assert main(["clean", str(ROOT / "seeds"), "--line-model", str(model), "--out", str(mine)]) == 0
    assert main(["clean", str(ROOT / "seeds"), "--out", str(shipped)]) == 0
    assert mine.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    # a folder without a model, or one with cleaning turned off, is bad usage and says what to do
    assert main(["clean", str(ROOT / "seeds"), "--line-model", str(tmp_path), "--out", str(tmp_path / "a.jsonl")]) == 2
    assert "no line model at" in capsys.readouterr().err
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "model.json").write_text('{"format": "other"}', encoding="utf-8")
    assert main(["clean", str(ROOT / "seeds"), "--line-model", str(tmp_path / "bad"),
                 "--out", str(tmp_path / "b.jsonl")]) == 2
    assert "retrain it with `stance train-cleaner`" in capsys.readouterr().err
    assert main(["summarize", str(ROOT / "seeds"), "--no-clean", "--line-model", str(model), "--model", "lead",
                 "--out", str(tmp_path / "c.jsonl")]) == 2
    assert "--no-clean turns cleaning off" in capsys.readouterr().err


def test_clean_workers_write_the_same_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["clean", str(ROOT / "seeds"), "--out", str(one), "--batch-docs", "2"]) == 0
    assert main(["clean", str(ROOT / "seeds"), "--out", str(two), "--batch-docs", "2", "--clean-workers", "2"]) == 0
    assert two.read_bytes() == one.read_bytes()
    capsys.readouterr()
    # with cleaning off, or where another engine cleans, the option is bad usage and says why
    assert main(["summarize", str(ROOT / "seeds"), "--no-clean", "--clean-workers", "2", "--model", "lead",
                 "--out", str(tmp_path / "c.jsonl")]) == 2
    assert "--no-clean turns cleaning off" in capsys.readouterr().err
    assert main(["run", str(ROOT / "seeds"), "--engine", "ray", "--clean-workers", "2",
                 "--out", str(tmp_path / "folder")]) == 2
    assert "--engine ray cleans in Ray tasks" in capsys.readouterr().err
    for bad in ("0", "two", "-1"):
        with pytest.raises(SystemExit) as exit_:
            main(["clean", str(ROOT / "seeds"), "--clean-workers", bad, "--out", str(tmp_path / "d.jsonl")])
        assert exit_.value.code == 2 and f"expected a whole number >= 1 or auto, got {bad}" in capsys.readouterr().err
    # auto: one worker per CPU this process may use
    from stance.cli.commands import _workers

    assert _workers("auto") == len(os.sched_getaffinity(0)) and _workers("3") == 3
