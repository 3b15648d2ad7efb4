from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from stance.errors import InputError, UsageError
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
    assert messages[2] == f"{path}:4: missing field(s) ['text']; expected an object with 'id' and 'text' (or 'html')"
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


PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Le CAC 40 finit en hausse</title></head>
<body><nav><ul><li><a href="/">Accueil</a></li><li><a href="/eco">Économie</a></li></ul></nav>
<article><h1>Le CAC 40 finit en hausse</h1>
<p>La Bourse de Paris a terminé la séance de vendredi en hausse de 1,2 %, portée par les valeurs bancaires
et par le luxe, dans des volumes étoffés.</p>
<p>Les investisseurs ont salué la publication de chiffres d’inflation plus faibles que prévu aux États-Unis,
qui relancent les espoirs d’une baisse des taux directeurs dès le printemps.</p></article>
<section id="comments" class="comments"><h2>Commentaires</h2>
<div class="comment"><p>Marc_75 : je n’y crois pas du tout, ça va rechuter lundi, vous verrez bien.</p></div></section>
<footer><p>Mentions légales · Contact · © Le Quotidien 2026</p></footer></body></html>"""


def test_html_file_gives_its_main_text_without_comments(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (doc,) = read_documents(tmp_path / "page.html")
    assert doc.id == "page"
    lines = doc.text.split("\n")
    assert lines[0] == "Le CAC 40 finit en hausse"
    assert any(line.startswith("La Bourse de Paris a terminé") for line in lines)
    assert "Marc_75" not in doc.text and "Accueil" not in doc.text


def test_folder_reads_html_next_to_text(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    (tmp_path / "a.txt").write_text("Un", encoding="utf-8")
    (tmp_path / "b.htm").write_text(PAGE, encoding="utf-8")
    assert [d.id for d in read_documents(tmp_path)] == ["a", "b"]


def test_jsonl_record_with_html(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"id": "p1", "html": PAGE}, ensure_ascii=False) + "\n", encoding="utf-8")
    (doc,) = read_documents(path)
    assert doc.id == "p1" and doc.text.startswith("Le CAC 40 finit en hausse\n")


def test_deferred_html_is_extracted_later_into_the_same_document(tmp_path: Path) -> None:
    """``defer_html`` (for cleaning workers) leaves HTML files and records unextracted; extracting them
    gives what reading would have given, and plain text is read as ever."""
    pytest.importorskip("trafilatura")
    from stance.io import PendingHtml

    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "note.txt").write_text("Le Dax recule.", encoding="utf-8")
    records = tmp_path / "pages.jsonl"
    records.write_text(json.dumps({"id": "p1", "html": PAGE}) + "\n" + json.dumps({"id": "t1", "text": "Un."}) + "\n",
                       encoding="utf-8")
    for path in (tmp_path / "page.html", tmp_path, records):
        now, later = list(read_documents(path)), list(read_documents(path, defer_html=True))
        assert [type(doc).__name__ for doc in later] == [
            "PendingHtml" if doc.id in ("page", "p1") else "Document" for doc in now]
        assert [doc.extracted() if isinstance(doc, PendingHtml) else doc for doc in later] == now
        assert all(doc.text.startswith("<!DOCTYPE html>") for doc in later if isinstance(doc, PendingHtml))


def _without_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_trafilatura(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "trafilatura":
            raise ImportError("No module named 'trafilatura'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)


def test_html_files_without_the_extra_are_refused_before_any_document(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _without_trafilatura(monkeypatch)
    (tmp_path / "a.txt").write_text("Un", encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    for path in (tmp_path / "page.html", tmp_path):
        documents = read_documents(path)
        with pytest.raises(UsageError, match=r'page.html and 0 other\(s\) are HTML: .*pip install "stance\[html\]"'):
            next(documents)


def test_html_records_without_the_extra_are_reported_and_the_others_read(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _without_trafilatura(monkeypatch)
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"id": "p1", "html": PAGE}) + "\n" + json.dumps({"id": "t", "text": "Un"}) + "\n",
                    encoding="utf-8")
    for defer_html in (False, True):  # deferred (for cleaning workers), the record is reported all the same
        problems: list[str] = []
        docs = list(read_documents(path, on_error=lambda error, seen=problems: seen.append(str(error)),
                                   defer_html=defer_html))
        assert [d.id for d in docs] == ["t"]
        assert problems == [f"{path}:1: is HTML, and reading HTML needs the package 'trafilatura': "
                            'pip install "stance[html]"']


def test_html_record_fields_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"id": "a", "html": 123}) + "\n" + json.dumps({"id": "b", "text": "x", "html": PAGE})
                    + "\n", encoding="utf-8")
    problems: list[str] = []
    assert list(read_documents(path, on_error=lambda error: problems.append(str(error)))) == []
    assert problems == [f"{path}:1: 'html' must be a string, got int",
                        f"{path}:2: has both 'text' and 'html'; give one of them"]


def test_an_html_page_is_decoded_by_the_charset_it_declares(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    text = ("<html><head><meta charset='iso-8859-15'><title>Bourse</title></head><body><article><p>L'œuvre coûte "
            "5 € de plus, a indiqué la maison de ventes lundi, et les enchères reprendront mardi matin à Paris.</p>"
            "</article></body></html>")
    (tmp_path / "p.html").write_bytes(text.encode("iso-8859-15"))
    (doc,) = read_documents(tmp_path / "p.html")
    assert "L'œuvre coûte 5 €" in doc.text
    assert doc.warnings == (
        f"{tmp_path / 'p.html'}: not valid UTF-8; decoded as iso-8859-15, the charset the page declares",)
