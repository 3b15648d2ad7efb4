"""Inputs that used to be misread silently: UTF-16, .json arrays, case-only duplicate
file names, what a folder holds besides .txt files, items of the wrong type."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.io import decode, iter_documents, read_documents


def read(path: Path) -> tuple[list, list[str]]:
    problems: list[str] = []
    docs = list(read_documents(path, on_error=lambda error: problems.append(str(error))))
    return docs, problems


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_decoded_by_their_byte_order_mark(encoding: str) -> None:
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[encoding]
    assert decode(bom + "L’été à Paris.".encode(encoding), "a.txt") == ("L’été à Paris.", ())


def test_a_utf16_file_and_a_utf16_jsonl_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Le CAC 40 monte.", encoding="utf-16")
    assert [d.text for d in read(tmp_path / "a.txt")[0]] == ["Le CAC 40 monte."]
    data = tmp_path / "b.jsonl"
    data.write_text(json.dumps({"id": "b", "text": "Été"}) + "\n" + json.dumps({"id": "c", "text": "x"}) + "\n",
                    encoding="utf-16")
    docs, problems = read(data)
    assert [(d.id, d.text) for d in docs] == [("b", "Été"), ("c", "x")] and problems == []


def test_a_json_array_asks_whether_jsonl_was_meant(tmp_path: Path) -> None:
    data = tmp_path / "docs.json"
    data.write_text(json.dumps([{"id": "a", "text": "Un"}]), encoding="utf-8")
    docs, problems = read(data)
    assert docs == [] and "a JSON array, not JSONL: did you mean JSONL?" in problems[0]
    data.write_text(json.dumps({"id": "a", "text": "Un"}) + "\n", encoding="utf-8")  # JSONL named .json
    assert [d.id for d in read(data)[0]] == ["a"]


def test_case_only_duplicate_file_names_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a01.txt").write_text("Un", encoding="utf-8")
    (tmp_path / "a01.TXT").write_text("Deux", encoding="utf-8")
    docs, problems = read(tmp_path)
    assert len(docs) == 1
    assert len(problems) == 1 and "duplicate id 'a01'" in problems[0]


def test_what_a_folder_holds_besides_its_documents_is_counted(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "a.txt").write_text("Un", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / "data.csv").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    with caplog.at_level(logging.WARNING):
        assert [d.id for d in read(tmp_path)[0]] == ["a"]
    assert "skipped 2 file(s) that are not .txt or .html and 1 subfolder(s)" in caplog.text


def test_unreadable_files_are_reported_and_the_others_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Un", encoding="utf-8")
    (tmp_path / "z.txt").write_text("Deux", encoding="utf-8")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "mem.txt").symlink_to("/proc/self/mem")  # exists, but reading it fails (EIO)
    (tmp_path / ".hidden.txt").write_text("caché", encoding="utf-8")
    docs, problems = read(tmp_path)
    assert [d.id for d in docs] == ["a", "z"]
    assert problems == [
        f"{tmp_path / 'broken.txt'}: is not a regular file (a broken link, a pipe or a device?); expected a text file",
        f"{tmp_path / 'mem.txt'}: cannot be read (Input/output error); check that it exists and that you may read "
        "it, or leave it out of the input",
    ]


def test_malformed_json_message_reads_well(tmp_path: Path) -> None:
    data = tmp_path / "a.jsonl"
    data.write_text('{"id": "a", "text": "unterminated\n', encoding="utf-8")
    problems = read(data)[1]
    assert problems == [f"{data}:1: malformed JSON (Unterminated string starting at column 21); expected one JSON "
                        "object per line"]


def test_items_of_the_wrong_type_go_to_on_error(tmp_path: Path) -> None:
    from stance import Pipeline
    from stance.summarize import LeadSummarizer

    problems: list[InputError] = []
    pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=False, progress=False)
    records = list(pipeline.run(["Le CAC 40 a gagné 2 % vendredi.", 5], on_error=problems.append))
    assert [r["id"] for r in records] == ["0"]
    assert "at position 1, got int" in str(problems[0])
    with pytest.raises(InputError, match="at position 1, got int"):
        list(iter_documents(["texte", 5]))


def test_clean_says_what_it_expected() -> None:
    import stance

    with pytest.raises(InputError, match="expected the text to clean as a str, got NoneType"):
        stance.clean(None)
    with pytest.raises(InputError, match=r"got bytes; decode bytes first: data.decode\('utf-8'\)"):
        stance.clean(b"Le CAC 40")
    with pytest.raises(InputError, match=r"expected a list of documents; use clean\(text\) for a single one"):
        stance.Cleaner().clean_batch("Le CAC 40")


def test_map_batch_without_batched_is_a_clear_error() -> None:
    from stance import Pipeline
    from stance.errors import UsageError
    from stance.summarize import LeadSummarizer

    pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=False, progress=False)
    with pytest.raises(UsageError, match=r"batched=True"):
        pipeline.map_batch({"id": "a", "text": "Le CAC 40 monte."})


def test_the_progress_bar_knows_its_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stance.pipeline
    from stance import Pipeline

    totals: list[int | None] = []
    real = stance.pipeline.tqdm

    def spy(*args, **kwargs):
        totals.append(kwargs.get("total"))
        return real(*args, **kwargs)

    monkeypatch.setattr(stance.pipeline, "tqdm", spy)
    (tmp_path / "a.txt").write_text("Un.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Deux.", encoding="utf-8")
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": "x"}) + "\n" for i in range(7)), encoding="utf-8")
    pipeline = Pipeline(summarizer=False, classifier=False, progress=False)
    for source in (tmp_path, data, tmp_path / "a.txt", ["Un.", "Deux.", "Trois."], (t for t in ["Un."])):
        list(pipeline.run(source))
    assert totals == [2, 7, 1, 3, None]


@pytest.mark.parametrize("tail", ['{"i', '{"id": "b", "te'])
def test_any_prefix_of_a_record_left_by_a_killed_writer_is_repaired(tmp_path: Path, tail: str) -> None:
    from stance.io import JsonlWriter

    out = tmp_path / "o.jsonl"
    out.write_text('{"id": "a", "text": "Un"}\n' + tail, encoding="utf-8")
    with JsonlWriter(out) as writer:
        assert writer.ids == {"a"}
    assert out.read_text(encoding="utf-8") == '{"id": "a", "text": "Un"}\n'


def test_an_empty_jsonl_is_named_and_a_table_is_sent_to_the_ray_engine(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    from stance.errors import UsageError

    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert read(tmp_path / "empty.jsonl") == ([], [])
    assert "empty.jsonl: holds no record (an empty file)" in caplog.text
    (tmp_path / "docs.csv").write_text("id,text\na,Un\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"docs.csv: a .csv table, not a text; .*--engine ray. reads .csv"):
        read(tmp_path / "docs.csv")


def test_pandas_frames_and_series_are_read_by_rows_and_a_text_is_no_path() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": ["x", "y"], "text": ["Le CAC 40 monte.", "Le Dax baisse."]})
    assert [(d.id, d.text) for d in iter_documents(frame)] == [("x", "Le CAC 40 monte."), ("y", "Le Dax baisse.")]
    series = pd.Series(["Le CAC 40 monte."], index=["p"])
    assert [(d.id, d.text) for d in iter_documents(series)] == [("p", "Le CAC 40 monte.")]
    with pytest.raises(InputError, match=r"expected a DataFrame with a 'text' column .*got columns \['body'\]"):
        list(iter_documents(pd.DataFrame({"body": ["x"]})))
    with pytest.raises(InputError, match=r"expected a path, got a text of 35 characters; .* run\(\[text\]\)"):
        list(iter_documents("Le CAC 40 monte.\nLes banques aussi."))
    from stance import Cleaner

    with pytest.raises(InputError, match="got a DataFrame, which would be read as its keys or column names"):
        Cleaner().clean_batch(frame)
    with pytest.raises(InputError, match="got a dict, which would be read as its keys"):
        Cleaner().clean_batch({"a": "Le CAC 40 monte."})


def test_a_float_id_column_gives_the_ids_its_whole_numbers_are() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    # an id column that held a missing value is float64: once those rows are dropped, 7.0 is still the id 7
    frame = pd.DataFrame({"id": [7, None, 8], "text": ["Le CAC 40 monte.", "Vide.", "Le Dax baisse."]}).dropna()
    assert frame["id"].dtype == "float64"
    assert [d.id for d in iter_documents(frame)] == ["7", "8"]
    odd = [{"id": np.float32(2.0), "text": "Un."}, {"id": 2.5, "text": "Deux."}, {"id": np.float32("nan"), "text": "."}]
    problems: list[str] = []
    assert [d.id for d in iter_documents(odd, on_error=lambda error: problems.append(str(error)))] == ["2", "2.5"]
    assert problems == ["expected an id at position 2, got NaN (a DataFrame's missing id): fill the id column, or "
                        "leave it out for ids by position"]


def test_a_table_is_refused_before_any_output_is_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from stance.cli import main

    (tmp_path / "docs.csv").write_text("id,text\na,Un\n", encoding="utf-8")
    assert main(["clean", str(tmp_path / "docs.csv"), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "a .csv table, not a text" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "o.settings.json").exists()


def test_a_repeated_id_in_memory_is_reported_and_skipped() -> None:
    problems: list[str] = []
    items = [{"id": "a", "text": "Un."}, {"id": "b", "text": "Deux."}, {"id": "a", "text": "Trois."}]
    docs = list(iter_documents(items, on_error=lambda error: problems.append(str(error))))
    assert [d.text for d in docs] == ["Un.", "Deux."]
    assert problems == ["item 2: duplicate id 'a'; ids must be unique, this item was skipped"]


def test_a_line_nested_too_deeply_is_reported_and_the_other_records_read(tmp_path: Path) -> None:
    data = tmp_path / "deep.jsonl"
    deep = '{"id": "b", "text": "ok", "meta": ' + "[" * 5000 + "]" * 5000 + "}"
    data.write_text('{"id": "a", "text": "Le groupe annonce une hausse."}\n' + deep + "\n", encoding="utf-8")
    docs, problems = read(data)
    assert [doc.id for doc in docs] == ["a"]
    assert problems == [f"{data}:2: JSON nested too deeply to be read (a thousand levels or more); expected one "
                        "JSON object per line with 'id' and 'text'"]


def test_a_pipe_given_as_the_input_is_refused_not_read_as_nothing(tmp_path: Path) -> None:
    import os

    from stance.io import check_input

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe.txt: is not a regular file \(a pipe, a device or a socket\?\)"):
        check_input(fifo)
    with pytest.raises(InputError, match="is not a regular file"):
        list(read_documents(fifo))


def test_a_mapping_without_a_text_string_says_what_it_holds() -> None:
    with pytest.raises(InputError, match=r"got one with 'text' float \(nan\) \(a DataFrame's missing text is NaN"):
        list(iter_documents([{"id": "a", "text": float("nan")}]))
    with pytest.raises(InputError, match="got one with no 'text'"):
        list(iter_documents([{"id": "a", "titre": "Le CAC 40 monte."}]))
    with pytest.raises(InputError, match=r"expected a path .* got list; for texts, Documents or records in memory, "
                                         r"use iter_documents"):
        list(read_documents(["Le CAC 40 monte."]))


def test_an_html_fragment_without_a_body_keeps_its_text() -> None:
    pytest.importorskip("trafilatura")
    from stance.io import html_to_text

    text = "Le groupe annonce une baisse de 4 % de ses ventes au troisième trimestre, en Europe surtout."
    assert html_to_text(f"<p>{text}</p>") == text
    assert html_to_text(f"<html><body><p>{text}</p></body></html>") == text
