from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.io import JsonlWriter, decode, read_documents


def test_utf8_with_bom_decodes_silently() -> None:
    assert decode("\ufeffÉté".encode(), "a.txt") == ("Été", ())


def test_cp1252_is_decoded_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        text, warnings = decode("L’été".encode("cp1252"), "a.txt")
    assert text == "L’été"
    assert warnings == ("a.txt: not valid UTF-8; decoded as cp1252",)
    assert "decoded as cp1252" in caplog.text


def test_latin1_fallback_for_bytes_cp1252_cannot_decode() -> None:
    text, warnings = decode(b"caf\xe9 \x81", "b.txt")
    assert text == "café \x81"
    assert warnings == ("b.txt: not valid UTF-8; decoded as latin-1",)


@pytest.mark.parametrize("data", [b"PK\x03\x04\x00\x00binary", bytes(range(1, 9)) * 20])
def test_binary_data_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(InputError, match=r"bin\.dat: looks like a binary file"):
        decode(data, "bin.dat")


def test_folder_of_text_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Deux", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Un", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignoré", encoding="utf-8")
    assert [(d.id, d.text) for d in read_documents(tmp_path)] == [("a", "Un"), ("b", "Deux")]


def test_bad_files_are_reported_and_the_others_still_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Un", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "c.txt").write_bytes("Trois été".encode("cp1252"))
    errors: list[InputError] = []
    docs = list(read_documents(tmp_path, on_error=errors.append))
    assert [d.id for d in docs] == ["a", "c"]
    assert docs[1].text == "Trois été" and docs[1].warnings
    assert len(errors) == 1 and errors[0].source == str(tmp_path / "b.txt")


def test_jsonl_problems_name_the_line_and_lose_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Un"}),
        "{not json",
        json.dumps(["id", "text"]),
        json.dumps({"id": "b"}),
        "",
        json.dumps({"id": 7, "text": "Sept", "extra": 1}),
        json.dumps({"id": "a", "text": "Doublon"}),
        json.dumps({"id": "c", "text": 3}),
        json.dumps({"id": "d", "text": "Quatre"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors: list[InputError] = []
    docs = list(read_documents(path, on_error=errors.append))
    assert [(d.id, d.text) for d in docs] == [("a", "Un"), ("7", "Sept"), ("d", "Quatre")]
    messages = [str(e) for e in errors]
    assert messages[0].startswith(f"{path}:2: malformed JSON")
    assert messages[1] == f"{path}:3: expected a JSON object with 'id' and 'text', got list"
    assert messages[2] == f"{path}:4: missing field(s) ['text']; expected an object with 'id' and 'text'"
    assert messages[3] == f"{path}:7: duplicate id 'a'; ids must be unique, this record was skipped"
    assert messages[4] == f"{path}:8: 'text' must be a string, got int"


def test_missing_input_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_documents(tmp_path / "absent.txt"))


def test_writer_resumes_skips_done_ids_and_repairs_a_half_written_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "text": "Un"}\n{"id": "b", "te', encoding="utf-8")
    with JsonlWriter(out) as writer:
        assert writer.done("a") and not writer.done("b")
        writer.write({"id": "b", "text": "Deux"})
    assert out.read_text(encoding="utf-8").splitlines() == ['{"id": "a", "text": "Un"}', '{"id": "b", "text": "Deux"}']


def test_writer_overwrite_starts_afresh(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.jsonl"
    out.parent.mkdir()
    out.write_text('{"id": "a"}\n', encoding="utf-8")
    with JsonlWriter(out, overwrite=True) as writer:
        assert not writer.done("a")
        writer.write({"id": "é", "text": "Été"})
    assert out.read_text(encoding="utf-8") == '{"id": "é", "text": "Été"}\n'
