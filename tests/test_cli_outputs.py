"""What the document commands do with their outputs: never destroy an input, never mix
two writers, never touch a file that is not theirs, and check paths before the work."""

from __future__ import annotations

import json
import os
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
