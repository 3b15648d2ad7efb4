"""Reading inputs (.txt or .html file, folder of them, JSONL, in-memory texts and datasets) and
writing resumable JSONL outputs.

HTML (``.html``/``.htm`` files, JSONL records with an ``"html"`` field) goes
through trafilatura first (the optional extra ``stance[html]``): its main text,
reader comments excluded, one block per line, which the cleaner then cleans as
any text.

Reading never stops at the first bad document: every problem is reported to an
``on_error`` callback (by default: raise) with the file and line it came from,
and the other documents are still read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import numbers
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Document
from .errors import InputError, UsageError, missing_dependency

log = logging.getLogger(__name__)

ErrorHandler = Callable[[InputError], None]

# Share of control characters (other than tab/newline) above which bytes are binary.
_BINARY_CONTROL_SHARE = 0.10


HTML_SUFFIXES = (".html", ".htm")
_TEXT_SUFFIXES = (".txt", *HTML_SUFFIXES)
_TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")  # tables: not one text each


def html_to_text(html: str, source: str | None = None) -> str:
    """The main text of an HTML page, one block per line, its title first: trafilatura's
    extraction, reader comments excluded; ``""`` when trafilatura finds no main text (the page is
    then flagged empty, not reduced to its title). Needs the extra ``stance[html]``: without it,
    an :class:`InputError` for that document (``source``), so that the other documents are read.

    >>> text = html_to_text("<html><head><title>Titre</title></head><body><nav>Accueil</nav><article>"
    ...                     "<p>La Bourse de Paris a fini la séance en hausse de 1 %, portée par les banques "
    ...                     "et par les valeurs du luxe, dans des volumes étoffés.</p></article></body></html>")
    >>> text.split("\\n")[0], "Accueil" in text
    ('Titre', False)
    >>> html_to_text("<p>Le groupe annonce une baisse de 4 % de ses ventes au troisième trimestre.</p>")
    'Le groupe annonce une baisse de 4 % de ses ventes au troisième trimestre.'
    """
    trafilatura = _trafilatura(source)

    def extract(page: str) -> tuple[Any, str]:
        result = trafilatura.bare_extraction(
            page, include_comments=False, include_tables=True, deduplicate=False, with_metadata=True
        )
        return result, "" if result is None else (result.text or "")

    result, text = extract(html)
    if not text.strip() and "<body" not in html[:100_000].lower():
        # a fragment (a few <p> of a JSONL "html" field): trafilatura finds a main text only inside a body
        result, text = extract(f"<html><body>{html}</body></html>")
    if not text.strip():
        return ""
    title = (result.title or "").strip()
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    return text


@dataclass(frozen=True, slots=True)
class PendingHtml(Document):
    """A document whose ``text`` is still the page's HTML: what :func:`iter_documents` yields with
    ``defer_html=True``, so that the main text is extracted where the document is then processed
    (a cleaning worker: extraction costs ten times what cleaning does). :meth:`extracted` gives
    the :class:`Document` that reading would have given.

    >>> page = PendingHtml("a1", "<html><body><article><p>La Bourse de Paris a fini en hausse de 1 %, portée "
    ...                    "par les banques et le luxe, dans des volumes étoffés.</p></article></body></html>")
    >>> page.extracted().text[:27]
    'La Bourse de Paris a fini e'
    """

    def extracted(self) -> Document:
        return Document(self.id, html_to_text(self.text, self.source), self.source, self.warnings)


def _trafilatura(source: str | None = None) -> Any:
    """trafilatura, or the :class:`InputError` of the HTML document ``source``, which cannot be read without it."""
    try:
        import trafilatura
    except ImportError:
        raise InputError("is HTML, and reading HTML needs the package 'trafilatura': "
                         "pip install \"stance[html]\"", source) from None
    return trafilatura


def require_html_reader(what: str) -> None:
    """Refuse up front, before any document is read, HTML (``what`` says which) when the extra that reads
    it is missing."""
    try:
        _trafilatura()
    except InputError:
        raise UsageError(f"{what}: " + str(missing_dependency("trafilatura", "html"))) from None


def _require_html(files: Iterable[Path]) -> None:
    """Refuse HTML files up front, before any document is read, when the extra that reads them is missing."""
    html = [file for file in files if file.suffix.lower() in HTML_SUFFIXES]
    if html:
        require_html_reader(f"{shown(html[0])} and {len(html) - 1} other(s) are HTML")


def _raise(error: InputError) -> None:
    raise error


# A lone surrogate (valid in JSON as "\udfff", and in a file name that is not UTF-8)
# is no Unicode character: UTF-8 cannot encode it, so no output could hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    r"""Whether ``text`` holds a lone surrogate (no Unicode text; UTF-8 cannot encode it).

    >>> has_lone_surrogate("ok"), has_lone_surrogate("bad\udfff")
    (False, True)
    """
    return _SURROGATE.search(text) is not None


def shown(path: str | os.PathLike) -> str:
    r"""A path as messages and records show it: bytes of a name that is not UTF-8
    (which Python keeps as lone surrogates) become U+FFFD.

    >>> shown("caf\udce9.txt") == "caf\ufffd.txt"
    True
    """
    return os.fsencode(path).decode("utf-8", "replace")


def check_id(doc_id: str, source: str | None = None) -> None:
    r"""Refuse an id that holds a lone surrogate: it could never be written out.

    >>> check_id("bad\udfff", "in.jsonl:3")
    Traceback (most recent call last):
    stance.errors.InputError: in.jsonl:3: the id 'bad\udfff' holds a lone surrogate (U+DFFF), which ...
    """
    match = _SURROGATE.search(doc_id)
    if match:
        raise InputError(
            f"the id {doc_id!r} holds a lone surrogate (U+{ord(match.group()):04X}), which is not Unicode text and "
            "cannot be written as UTF-8; fix the id (this record was skipped)",
            source,
        )


def repair_text(text: str, source: str | None, warnings: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    r"""``text`` with each lone surrogate replaced by U+FFFD, and a warning saying so.

    >>> text, warnings = repair_text("Le CAC\udfff monte.", "in.jsonl:3")
    >>> text == "Le CAC\ufffd monte.", warnings
    (True, ('in.jsonl:3: the text held 1 lone surrogate(s), not Unicode text; replaced with U+FFFD',))
    """
    repaired, count = _SURROGATE.subn("\ufffd", text)
    if not count:
        return text, warnings
    warning = f"{source or 'text'}: the text held {count} lone surrogate(s), not Unicode text; replaced with U+FFFD"
    log.warning(warning)
    return repaired, (*warnings, warning)


def _bom_encoding(data: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte order mark announces (None without one)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares in a ``<meta>`` tag of its first 4 KB, if Python knows it.

    >>> declared_charset(b'<html><head><meta charset="koi8-r"></head>')
    'koi8-r'
    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15">')
    'iso-8859-15'
    >>> declared_charset(b"<p>no meta</p>") is None
    True
    """
    import codecs

    match = _CHARSET.search(data[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def decode(data: bytes, source: str, html: bool = False) -> tuple[str, tuple[str, ...]]:
    """Decode bytes as UTF-8, else (``html``) the charset the page declares, else cp1252, else
    latin-1, saying so in a warning; a UTF-16 or UTF-32 byte order mark decodes as what it announces.

    Raises :class:`InputError` for binary data (NUL bytes or many control characters).

    >>> decode("été".encode("cp1252"), "a.txt")
    ('été', ('a.txt: not valid UTF-8; decoded as cp1252',))
    >>> decode('<meta charset="iso-8859-15"><p>5 €</p>'.encode("iso-8859-15"), "a.html", html=True)[0][-7:]
    '5 €</p>'
    """
    bom = _bom_encoding(data)
    if bom is not None:
        try:
            return data.decode(bom), ()
        except UnicodeDecodeError as error:
            raise InputError(f"starts with a {bom.upper()} byte order mark but is not valid {bom.upper()} "
                             f"({error.reason} at byte {error.start}); re-save it as UTF-8", source) from None
    sample = data[:65536]
    if b"\x00" in sample:
        raise InputError(
            "looks like a binary file (it holds NUL bytes); expected UTF-8 text. "
            "Convert it to text or leave it out of the input.",
            source,
        )
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if sample and controls / len(sample) > _BINARY_CONTROL_SHARE:
        raise InputError(
            f"looks like a binary file ({controls} control bytes in the first {len(sample)}); "
            "expected UTF-8 text. Convert it to text or leave it out of the input.",
            source,
        )
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data) if html else None
    for encoding in (*([declared] if declared else []), "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        said = ", the charset the page declares" if encoding == declared else ""
        warning = f"{source}: not valid UTF-8; decoded as {encoding}{said}"
        log.warning(warning)
        return text, (warning,)
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _is_text_file(path: Path) -> bool:
    return path.suffix.lower() in _TEXT_SUFFIXES


def input_files(path: str | os.PathLike) -> list[Path]:
    """The files :func:`read_documents` reads for ``path``: the file itself, or a folder's .txt and .html
    files (hidden ones left out; one that is not a regular file is listed, and reading it reports why).

    >>> [p.name for p in input_files("seeds")][:1]  # doctest: +SKIP
    ['000_31c08dbb09af1a8b.txt']
    """
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir()
                      if _is_text_file(p) and not p.name.startswith(".") and not p.is_dir())
    return [path] if path.exists() else []


def check_artefact_folder(folder: str | os.PathLike, foreign: Callable[[Path, set[str]], str | None],
                          artefact: str, option: str = "--out") -> None:
    """Refuse, before any training, an output folder that cannot be written, or that holds something
    saving ``artefact`` would overwrite or mix with its own files: ``foreign(folder, names)`` (names: the
    folder's visible entries, never empty) says what it holds, or None when saving may replace it.

    >>> check_artefact_folder("stance", lambda folder, names: "a package", "a model")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    stance.errors.UsageError: --out stance holds a package, which saving a model would overwrite or mix ...
    """
    folder = Path(folder)
    check_writable(folder, option, folder=True)
    names = {path.name for path in folder.iterdir() if not path.name.startswith(".")} if folder.is_dir() else set()
    held = foreign(folder, names) if names else None
    if held is not None:
        raise UsageError(f"{option} {folder} holds {held}, which saving {artefact} would overwrite or mix with its "
                         "own files; choose an empty or new folder, or remove it first")


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)  # hard links
    except OSError:
        return False


def check_not_input(path: str | os.PathLike, inputs: str | os.PathLike, option: str = "--out") -> None:
    """Refuse an output path that is one of the inputs (or, inside an input folder, would
    be read as one on the next run): writing it would destroy the input.

    >>> check_not_input("seeds/a.txt", "seeds")  # doctest: +SKIP
    Traceback (most recent call last):
    stance.errors.UsageError: --out seeds/a.txt is one of the inputs ...
    """
    path, source = Path(path), Path(inputs)
    if any(_same_file(path, file) for file in input_files(source)):
        raise UsageError(
            f"{option} {path} is one of the inputs ({source}); writing it would destroy the input. "
            f"Choose another {option} path."
        )
    if source.is_dir() and _is_text_file(path) and path.resolve().parent == source.resolve():
        raise UsageError(
            f"{option} {path} is a .txt or .html file inside the input folder {source}, so a later run would read "
            f"it as a document. Choose another {option} path."
        )


def check_writable(path: str | os.PathLike, option: str = "--out", *, folder: bool = False) -> None:
    """Refuse, before any work, an output path that cannot be written: a folder where
    a file is expected (or a file where a folder is), a path inside a file, a place
    where this process may not create files. Missing parent folders are fine (they
    are created) when they can be.

    >>> check_writable("/sys/x.jsonl")  # doctest: +SKIP
    Traceback (most recent call last):
    stance.errors.UsageError: --out /sys/x.jsonl: cannot create a file in /sys (Permission denied) ...
    """
    import tempfile

    path = Path(path)
    fix = f"choose another {option}"
    if str(path) == "-":
        raise UsageError(f"{option} -: stance writes a file it can resume and check, not standard output; give a "
                         "path (e.g. out/run.jsonl), then read it")
    if path.exists() and not path.is_dir() and not path.is_file():
        raise UsageError(f"{option} {path} is not a regular file (a device, a pipe or a socket); an output is a "
                         f"file that a later run resumes; {fix}")
    if path.is_dir() and not folder:
        example = path / ("report.md" if option == "--report" else "out.jsonl")
        raise UsageError(f"{option} {path} is a folder; expected a file path, e.g. {example}")
    if path.exists() and not path.is_dir() and folder:
        raise UsageError(f"{option} {path} is a file; expected a folder (it is created if missing); {fix}")
    ancestor = path if folder else path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UsageError(f"{option} {path}: {ancestor} is a file, not a folder, so nothing can be written under it; "
                         f"{fix}")
    try:
        if path.is_file():
            with path.open("ab"):  # opening to append changes nothing
                pass
        else:
            with tempfile.TemporaryFile(dir=ancestor):
                pass
    except OSError as error:
        where = path if path.is_file() else ancestor
        raise UsageError(
            f"{option} {path}: cannot write {'it' if where == path else 'in ' + str(where)} ({error.strerror}); {fix}"
        ) from None


def read_documents(
    path: str | os.PathLike, on_error: ErrorHandler = _raise, defer_html: bool = False
) -> Iterator[Document]:
    """Yield the documents of a .txt or .html file, a folder of such files or a JSONL file.

    The id of a text file is its name without extension; a JSONL line must be an
    object with string ``id`` and ``text``. Problems go to ``on_error`` and the
    remaining documents are still read: unreadable files and lines, duplicate ids
    (also ``a01.txt`` beside ``a01.TXT``), a ``.json`` array (JSONL was meant).
    What a folder holds besides .txt and .html files is skipped with a warning that counts it.
    HTML (a file, or a JSONL record with ``"html"`` instead of ``"text"``) goes
    through :func:`html_to_text` first; with ``defer_html``, it comes as a :class:`PendingHtml`
    to be extracted later.

    >>> docs = list(read_documents("seeds"))  # doctest: +SKIP
    """
    if not isinstance(path, str | os.PathLike):
        raise InputError(f"expected a path (a file or a folder), got {type(path).__name__}; for texts, Documents "
                         "or records in memory, use iter_documents (or Pipeline.run, which takes them too)")
    path = Path(path)
    if path.is_dir():
        files = input_files(path)
        others = [p for p in path.iterdir() if p not in files and not p.name.startswith(".")]
        if others:
            folders = sum(1 for p in others if p.is_dir())
            parts = [f"{len(others) - folders} file(s) that are not .txt or .html"] * (len(others) > folders)
            parts += [f"{folders} subfolder(s)"] * (folders > 0)
            log.warning("%s: skipped %s (only the .txt and .html files of a folder are read: %s)", shown(path),
                        " and ".join(parts), ", ".join(sorted(shown(p.name) for p in others)[:5]))
        if not files:
            on_error(InputError("the folder holds no .txt or .html file; expected one file per document", str(path)))
        _require_html(files)
        seen: dict[str, Path] = {}
        for file in files:
            doc = _read_text_file(file, on_error, defer_html)
            if doc is None:
                continue
            if doc.id in seen:  # a01.txt and a01.TXT
                on_error(InputError(f"duplicate id {doc.id!r} (also the id of {shown(seen[doc.id].name)}); ids must "
                                    "be unique, this file was skipped", doc.source))
                continue
            seen[doc.id] = file
            yield doc
    elif path.is_file():
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from _read_jsonl(path, on_error, defer_html)
        elif path.suffix.lower() == ".json" and _starts_with(path, b"["):
            on_error(InputError(
                "a JSON array, not JSONL: did you mean JSONL? Write one {\"id\", \"text\"} object per line in a "
                ".jsonl file, e.g. jq -c '.[]' FILE.json > FILE.jsonl", shown(path)))
        elif path.suffix.lower() == ".json":
            yield from _read_jsonl(path, on_error, defer_html)
        elif path.suffix.lower() in _TABLE_SUFFIXES:
            check_input_kind(path)
        else:
            _require_html([path])
            doc = _read_text_file(path, on_error, defer_html)
            if doc is not None:
                yield doc
    else:
        check_input(path)


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, in hex: what a card or an artefact records of a file it was built from.

    >>> len(file_sha256(__file__))
    64
    """
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, or of a folder's files (their relative names and contents, hidden
    files left out): what a resumed run compares to tell whether a model folder is the same model, however
    its path is typed and wherever it was moved.

    >>> content_sha256("stance/models/line-model") == content_sha256("stance/models/../models/line-model/")
    True
    """
    path = Path(path)
    if not path.is_dir():
        return file_sha256(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        name = file.relative_to(path)
        if not any(part.startswith(".") for part in name.parts):
            digest.update(f"{name.as_posix()}\0{file_sha256(file)}\n".encode())
    return digest.hexdigest()


def model_sha256(model: str | os.PathLike | None) -> str | None:
    """How a run records a model given by path (a line model, a stance model, a summariser's
    folder), whichever engine runs it (``stance run`` into OUT.jsonl or a run folder, locally or
    on Ray): the SHA-256 of all its files (:func:`content_sha256`: their names and
    bytes), so the same model resumes however its path is typed and wherever it was moved, and a
    model one of whose files changed (retrained in place, its card rewritten) is another model.
    ``None`` for no model and for a name that is no path here (a registry name or hub id stands
    for itself).

    >>> model_sha256("stance/models/line-model") == model_sha256("stance/models/../models/line-model/")
    True
    >>> model_sha256("e5-small") is None and model_sha256(None) is None
    True
    """
    if model is None or not os.path.exists(model):
        return None
    return content_sha256(model)


def check_input(path: str | os.PathLike, hint: str = "") -> None:
    """Refuse an input path that does not exist, or that is neither a folder nor a regular file (a pipe, a
    device), saying what an input may be.

    >>> check_input("no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    stance.errors.InputError: no/such/folder: no such file or folder; expected a .txt or .html file, ...
    """
    if not os.path.exists(path):
        raise InputError(
            "no such file or folder; expected a .txt or .html file, a folder of them or a .jsonl file" + hint, str(path)
        )
    if not os.path.isdir(path) and not os.path.isfile(path):
        raise InputError(
            "is not a regular file (a pipe, a device or a socket?): it can be read only once, and a run reads its "
            "input more than once (to check it, then to resume); save it to a .jsonl or .txt file first" + hint,
            str(path),
        )


def check_input_kind(path: str | os.PathLike) -> None:
    """Refuse, before any work, an input stance cannot read as documents: a folder without a document, a
    PDF, a table (.csv, .tsv, .parquet: not one text), or HTML files without the extra that reads them."""
    path = Path(path)
    if path.is_dir() and not input_files(path):
        raise InputError("the folder holds no .txt or .html file; expected one file per document (or give a "
                         ".jsonl file)", str(path))
    if path.is_file() and _starts_with(path, b"%PDF-"):
        raise InputError("is a PDF, not a text; extract its text first (e.g. pdftotext FILE.pdf FILE.txt)", shown(path))
    if path.is_file() and path.suffix.lower() in _TABLE_SUFFIXES:
        ray = "" if path.suffix.lower() == ".tsv" else " (`stance run --engine ray` reads .csv and .parquet)"
        raise UsageError(f"{shown(path)}: a {path.suffix} table, not a text; write one {{\"id\", \"text\"}} "
                         f"object per line in a .jsonl file{ray}")
    _require_html(input_files(path))


def _starts_with(path: Path, prefix: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # reading it again reports why
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(prefix)


def _unreadable(error: OSError, source: str) -> InputError:
    return InputError(f"cannot be read ({error.strerror or error}); check that it exists and that you may read it, "
                      "or leave it out of the input", source)


def _read_text_file(path: Path, on_error: ErrorHandler, defer_html: bool = False) -> Document | None:
    source = shown(path)
    html = path.suffix.lower() in HTML_SUFFIXES
    try:
        if _SURROGATE.search(path.name):
            raise InputError("the file name is not valid UTF-8, so it cannot be an id; rename the file", source)
        if not path.is_file():  # a broken link, a FIFO, a device: no text to read
            raise InputError("is not a regular file (a broken link, a pipe or a device?); expected a text file", source)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise _unreadable(error, source) from None
        text, warnings = decode(data, source, html=html)
        if html and not defer_html:
            text = html_to_text(text, source)
    except InputError as error:
        on_error(error)
        return None
    kind = PendingHtml if html and defer_html else Document
    return kind(id=path.stem, text=text, source=source, warnings=warnings)


def _read_jsonl(path: Path, on_error: ErrorHandler, defer_html: bool = False) -> Iterator[Document]:
    try:
        yield from _read_jsonl_lines(path, on_error, defer_html)
    except OSError as error:  # unreadable, or gone or failing while read: the records before stay read
        on_error(_unreadable(error, shown(path)))


def _read_jsonl_lines(path: Path, on_error: ErrorHandler, defer_html: bool = False) -> Iterator[Document]:
    seen: set[str] = set()
    lines_read = 0
    with path.open("rb") as handle:
        bom = _bom_encoding(handle.read(4))
        handle.seek(0)
        lines: Iterable[bytes] = handle
        if bom is not None:  # UTF-16 lines cannot be split on b"\n": decode the whole file
            try:
                lines = [line.encode("utf-8") for line in handle.read().decode(bom).splitlines()]
            except UnicodeDecodeError as error:
                on_error(InputError(f"starts with a {bom.upper()} byte order mark but is not valid {bom.upper()} "
                                    f"({error.reason}); re-save it as UTF-8", shown(path)))
                return
        for number, raw in enumerate(lines, start=1):
            source = f"{path}:{number}"
            if not raw.strip():
                continue
            lines_read += 1
            try:
                line, warnings = decode(raw, source)
                doc = _parse_record(line.rstrip("\r\n"), source, warnings, defer_html)
            except InputError as error:
                on_error(error)
                continue
            if doc.id in seen:
                on_error(InputError(f"duplicate id {doc.id!r}; ids must be unique, this record was skipped", source))
                continue
            seen.add(doc.id)
            yield doc
    if not lines_read:
        log.warning("%s: holds no record (an empty file); expected one {\"id\", \"text\"} object per line", shown(path))


def json_line(line: str | bytes, source: str, expected: str = "") -> Any:
    """``json.loads(line)``, where a value nested too deeply for Python's JSON reader (about a thousand
    arrays or objects) is the :class:`InputError` of ``source`` (``expected``: what the line should be)
    rather than a ``RecursionError`` that would stop a whole run; malformed JSON still raises
    ``json.JSONDecodeError``, which each reader words for its format.

    >>> json_line("[" * 5000 + "]" * 5000, "a.jsonl:2", "expected a record")
    Traceback (most recent call last):
    stance.errors.InputError: a.jsonl:2: JSON nested too deeply to be read (a thousand levels or more); expected ...
    """
    try:
        return json.loads(line)
    except RecursionError:
        raise InputError("JSON nested too deeply to be read (a thousand levels or more)"
                         + (f"; {expected}" if expected else ""), source) from None


def _parse_record(line: str, source: str, warnings: tuple[str, ...], defer_html: bool = False) -> Document:
    try:
        record = json_line(line, source, "expected one JSON object per line with 'id' and 'text'")
    except json.JSONDecodeError as error:
        raise InputError(
            f"malformed JSON ({error.msg.removesuffix(' at')} at column {error.colno}); expected one JSON object "
            "per line", source
        ) from None
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object with 'id' and 'text', got {type(record).__name__}", source)
    if "text" in record and "html" in record:
        raise InputError("has both 'text' and 'html'; give one of them", source)
    if "html" in record:
        if not isinstance(record["html"], str):
            raise InputError(f"'html' must be a string, got {type(record['html']).__name__}", source)
        if defer_html:  # the page is extracted later; without trafilatura, it is reported now all the same
            _trafilatura(source)
            record["text"] = record["html"]
        else:
            record["text"] = html_to_text(record["html"], source)
    missing = [key for key in ("id", "text") if key not in record]
    if missing:
        raise InputError(f"missing field(s) {missing}; expected an object with 'id' and 'text' (or 'html')", source)
    doc_id, text = record["id"], record["text"]
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id:
        raise InputError(f"'id' must be a non-empty string, got {doc_id!r}", source)
    if not isinstance(text, str):
        raise InputError(f"'text' must be a string, got {type(text).__name__}", source)
    check_id(doc_id, source)
    text, warnings = repair_text(text, source, warnings)
    kind = PendingHtml if defer_html and "html" in record else Document
    return kind(id=doc_id, text=text, source=source, warnings=warnings)


def iter_documents(source: Any, on_error: ErrorHandler | None = None, defer_html: bool = False) -> Iterator[Document]:
    """Documents from any input stance accepts.

    ``source`` may be a path (a .txt or .html file, a folder of them or a JSONL of
    ``{"id", "text"}``), a ``datasets.Dataset``, a pandas ``DataFrame`` with a ``"text"``
    column (and ``"id"``), a pandas ``Series`` of texts (its index gives the ids) or any
    iterable of :class:`Document`, of mappings with ``"text"`` (and ``"id"``) or of plain
    strings (their ids are their positions, ``"0"``, ``"1"``...). A bare string is a
    path, never a text. An id seen before is reported to ``on_error`` and its item skipped.
    An item that is none of these, or whose id holds a lone surrogate, goes to
    ``on_error`` (by default: raise) and the others are still read; lone
    surrogates in a text become U+FFFD, with a warning. With ``defer_html``, HTML read
    from a path comes as :class:`PendingHtml`, its main text not yet extracted.

    >>> [doc.id for doc in iter_documents(["Le CAC 40 monte.", "Le Dax baisse."])]
    ['0', '1']
    """
    if isinstance(source, str | os.PathLike):
        if isinstance(source, str) and ("\n" in source or len(source) > 4096):
            raise InputError(f"expected a path, got a text of {len(source)} characters; to process a text, pass a "
                             "list: run([text])")
        check_input(source, " (to process a text, pass a list: run([text]))")
        yield from read_documents(source, on_error=on_error or _raise, defer_html=defer_html)
        return
    if hasattr(source, "columns") and hasattr(source, "to_dict"):  # a pandas DataFrame: its rows
        if "text" not in source.columns:
            columns = list(source.columns)
            raise InputError(f"expected a DataFrame with a 'text' column (and 'id'), got columns {columns}")
        source = source.to_dict("records")
    elif hasattr(source, "index") and hasattr(source, "to_dict") and hasattr(source, "items"):  # a pandas Series
        source = [{"id": index, "text": text} for index, text in source.items()]
    if isinstance(source, bytes | Mapping) or not isinstance(source, Iterable):
        raise InputError(
            f"expected a path, a datasets.Dataset or an iterable of texts/Documents, got {type(source).__name__}"
        )
    if _is_dataset(source) and "text" not in source.column_names:
        raise InputError(f"expected a dataset with a 'text' column, got columns {source.column_names}")
    seen: set[str] = set()
    for index, item in enumerate(source):
        try:
            doc = as_document(item, index)
            if doc.id in seen:  # as for files: the records of one id would be indistinguishable
                raise InputError(f"duplicate id {doc.id!r}; ids must be unique, this item was skipped",
                                 f"item {index}")
        except InputError as error:
            (on_error or _raise)(error)
            continue
        seen.add(doc.id)
        yield doc


def _is_dataset(source: Any) -> bool:
    return hasattr(source, "column_names") and hasattr(source, "features")


def as_document(item: Any, index: int) -> Document:
    """``item``, the ``index``-th of an iterable of documents (a :class:`Document`, a text, or a mapping with
    ``"text"`` and ``"id"``), as a Document with a string id (a text's, or a mapping's without one, is its
    position) and repaired text. Anything else is refused (:class:`~stance.errors.InputError`). A whole
    number held as a float (a DataFrame's id column once it held a missing value) is written as the whole
    number it is: ``7.0`` is ``"7"``, as the same row's id ``7`` would be.

    >>> as_document({"id": 7, "text": "Le CAC 40 monte."}, 0).id, as_document("Le Dax baisse.", 3).id
    ('7', '3')
    >>> as_document({"id": 7.0, "text": "Le CAC 40 monte."}, 0).id, as_document({"id": 7.5, "text": "Le Dax."}, 0).id
    ('7', '7.5')
    """
    source = f"item {index}"
    if isinstance(item, Document):
        doc_id, text, warnings = item.id, item.text, item.warnings
        if not isinstance(text, str):
            raise InputError(f"expected a Document whose text is a str at position {index}, got "
                             f"{type(text).__name__} ({text!r:.40})")
        doc_id = str(index) if doc_id is None else doc_id
    elif isinstance(item, str):
        doc_id, text, warnings = str(index), item, ()
    elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
        doc_id = str(index) if item.get("id") is None else item["id"]
        text, warnings = item["text"], ()
    elif isinstance(item, Mapping):
        text = item.get("text")
        got = "no 'text'" if "text" not in item else f"'text' {type(text).__name__} ({text!r:.40})"
        raise InputError(f"expected a mapping with a 'text' string at position {index}, got one with {got} "
                         "(a DataFrame's missing text is NaN: drop or fill those rows first)")
    else:
        raise InputError(
            f"expected a str, a Document or a mapping with a 'text' string at position {index}, "
            f"got {type(item).__name__}"
        )
    if isinstance(doc_id, numbers.Real) and not isinstance(doc_id, numbers.Integral):  # float, numpy's too
        number = float(doc_id)
        if number != number:  # NaN: a DataFrame's missing id
            raise InputError(f"expected an id at position {index}, got NaN (a DataFrame's missing id): fill the id "
                             "column, or leave it out for ids by position")
        if number.is_integer():
            doc_id = int(number)
    doc_id = doc_id if isinstance(doc_id, str) else str(doc_id)
    check_id(doc_id, source)
    repaired, warnings = repair_text(text, source, warnings)
    if isinstance(item, Document):
        if repaired is text and doc_id == item.id:
            return item
        return Document(doc_id, repaired, source=item.source, warnings=warnings)
    return Document(doc_id, repaired, warnings=warnings)


def settings_path(path: str | os.PathLike) -> Path:
    """Where the settings an output was made with are recorded: ``OUT.settings.json``
    beside ``OUT.jsonl`` (as the report is ``OUT.md``).

    >>> settings_path("out/run.jsonl").as_posix()
    'out/run.settings.json'
    """
    path = Path(path)
    return path.with_name(path.stem + ".settings.json") if path.suffix else path.with_name(path.name + ".settings.json")


# The keys that tell which command wrote a record (see docs/design.md, "Contracts").
KINDS = ("clean", "summarize", "classify", "run")


def record_kind(record: Any) -> str | None:
    """The command whose output line ``record`` is (``"clean"``, ``"summarize"``,
    ``"classify"`` or ``"run"``), or None for anything else.

    >>> record_kind({"id": "a1", "summary": "...", "flags": []}), record_kind({"id": "a1", "label": "x"})
    ('summarize', None)
    """
    if not isinstance(record, dict) or "id" not in record:
        return None
    keys = set(record)
    if {"text", "dropped"} <= keys:
        return "clean"
    if {"clean", "summary", "stance"} <= keys:
        return "run"
    if "summary" in keys and "stance" not in keys:
        return "summarize"
    if "stance" in keys and "summary" not in keys:
        return "classify"
    return None


class OutputLock:
    """An exclusive, non-blocking lock on an output file, held through a lock file next
    to it (``OUT.lock``, holding the pid; removed on release), so that two processes
    never append to the same output. Where ``fcntl`` is missing (Windows) it locks nothing.

    >>> lock = OutputLock("out.jsonl")  # doctest: +SKIP
    >>> lock.release()  # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.target = Path(path)
        self.path = self.target.with_name(self.target.name + ".lock")
        self._fd: int | None = None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            log.debug("no fcntl: %s is not locked against other writers", self.target)
            return
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
                os.close(fd)
                raise UsageError(
                    f"{self.target} is being written by another stance process"
                    + (f" (pid {holder})" if holder else "")
                    + f"; two writers would lose records. Wait for it to finish (then rerun to resume), or give "
                    f"each run its own --out (e.g. one per --shard) and concatenate them. If no such process "
                    f"runs, delete {self.path}."
                ) from None
            # a writer that finishes removes the lock file: ours must still be the one at the path
            try:
                current = os.stat(self.path)
            except FileNotFoundError:
                current = None
            mine = os.fstat(fd)
            if current is not None and (current.st_ino, current.st_dev) == (mine.st_ino, mine.st_dev):
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink()  # while still locked, so no other process holds a removed file
        except FileNotFoundError:
            pass
        os.close(self._fd)  # closing releases the flock
        self._fd = None


def _describe_line(line: bytes, kind: str | None) -> str | None:
    """What is wrong with an output line for an output of ``kind`` (None: nothing)."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        shown = line[:60].decode("utf-8", "replace").strip()
        return f"text that is not JSON ({shown!r})"
    if not isinstance(record, dict) or "id" not in record:
        what = f"keys {sorted(record)[:8]}" if isinstance(record, dict) else type(record).__name__
        return f"a JSON {'object with ' + what if isinstance(record, dict) else what} without 'id', not a record"
    found = record_kind(record)
    if kind is not None and found != kind:
        if found is None:
            return f"a record with keys {sorted(record)[:8]}, not one of `stance {kind}`"
        return f"a record of `stance {found}`, not of `stance {kind}`"
    return None


def _refuse(path: Path, problem: str, hint: str) -> UsageError:
    return UsageError(f"{path}: {problem}; refusing to touch it. {hint}")


def check_output(
    path: str | os.PathLike,
    kind: str | None = None,
    *,
    overwrite: bool = False,
    inputs: str | os.PathLike | None = None,
) -> tuple[set[str], int]:
    """Check, without changing anything, that ``path`` can take records of ``kind``;
    return the ids already in it and the length of its complete lines (what follows is
    a record a killed run left half-written).

    Refused (:class:`~stance.errors.UsageError`): one of the ``inputs``; a file whose
    lines are not records of ``kind`` (any stance records when None), or, with
    ``overwrite``, a file that holds no stance records at all.

    >>> check_output("never-written.jsonl", "clean")
    (set(), 0)
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"expected kind to be one of {KINDS} or None, got {kind!r}")
    path = Path(path)
    if inputs is not None:
        check_not_input(path, inputs)
    data = path.read_bytes() if path.is_file() else b""
    if overwrite:
        first = data.split(b"\n", 1)[0]
        if first.strip() and (problem := _describe_line(first, None)) is not None:
            raise _refuse(path, f"line 1 is {problem}, so this is no stance output",
                          "Choose another --out (or delete the file yourself).")
        return set(), 0
    cut = data.rfind(b"\n") + 1
    complete, partial = data[:cut], data[cut:]
    wanted = f"an output of `stance {kind}`" if kind else "a stance output"
    ids: set[str] = set()
    for number, line in enumerate(complete.splitlines(), start=1):
        if not line.strip():
            continue
        problem = _describe_line(line, kind)
        if problem is not None:
            hint = "Choose another --out" + (", or add --overwrite to replace it." if problem.startswith("a record")
                                             else ".")
            raise _refuse(path, f"line {number} is {problem}, so this is not {wanted}", hint)
        ids.add(str(json.loads(line)["id"]))
    # what a killed writer leaves is the start of a record, as JsonlWriter writes them
    if partial and not (partial.startswith(b'{"id": ') or b'{"id": '.startswith(partial)):
        shown = partial[:60].decode("utf-8", "replace")
        number = complete.count(b"\n") + 1
        raise _refuse(path, f"its last line ({number}) is {shown!r}, not part of a record",
                      "Choose another --out.")
    return ids, len(complete)


class JsonlWriter:
    """Appends one JSON record per line, so that an interrupted run can resume.

    The output is locked against other writers (:class:`OutputLock`) while the
    writer is open, and checked first (:func:`check_output`): a file whose lines
    are not records of ``kind`` (``"clean"``, ``"summarize"``, ``"classify"`` or
    ``"run"``; any records when None) is refused untouched, and ``overwrite=True``
    replaces an output of a stance command, never another file; ``inputs`` (a
    path) makes it refuse an output that is one of the inputs. It drops a
    trailing half-written record (left by a killed run) and remembers the ids
    already written; ``done(id)`` tells the caller to skip them. Each record is
    written whole and flushed. ``settings`` (what made the records: models and
    options) are recorded in ``OUT.settings.json`` (:func:`settings_path`), and
    resuming an output made with other settings is refused.

    >>> with JsonlWriter("out.jsonl", kind="clean") as out:  # doctest: +SKIP
    ...     if not out.done("a1"):
    ...         out.write({"id": "a1", "text": "...", "dropped": []})
    """

    def __init__(
        self,
        path: str | os.PathLike,
        overwrite: bool = False,
        *,
        kind: str | None = None,
        inputs: str | os.PathLike | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.kind = kind
        self.settings_path = settings_path(self.path)
        check_output(self.path, kind, overwrite=overwrite, inputs=inputs)  # fail before creating anything
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = OutputLock(self.path)
        try:
            # checked again under the lock: another writer may have been busy until now
            self.ids, complete = check_output(self.path, kind, overwrite=overwrite)
            if settings is not None:
                self._check_settings(settings, fresh=overwrite or not self.ids)
            if overwrite or not self.path.exists():
                self._handle = self.path.open("wb")
            else:
                if complete < self.path.stat().st_size:
                    log.warning("%s: removed a half-written last line left by an interrupted run", self.path)
                    with self.path.open("r+b") as handle:
                        handle.truncate(complete)
                self._handle = self.path.open("ab")
        except BaseException:
            self._lock.release()
            raise

    def _check_settings(self, settings: Mapping[str, Any], fresh: bool) -> None:
        """Refuse to resume an output written with other settings; record them otherwise."""
        current = json.loads(json.dumps(dict(settings), ensure_ascii=False, default=str))
        if not fresh:
            try:
                recorded = json.loads(self.settings_path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                recorded = None
                log.warning("%s: no record of the settings its records were made with (%s); recording this run's",
                            self.path, self.settings_path.name)
            except (OSError, ValueError) as error:
                raise UsageError(f"{self.settings_path}: unreadable ({error}); delete it to resume {self.path} "
                                 "anyway, or use --overwrite to start afresh") from None
            if recorded is not None and not isinstance(recorded, dict):
                raise UsageError(f"{self.settings_path}: expected the JSON object of settings that stance writes, got "
                                 f"a {type(recorded).__name__}; delete it to resume {self.path} anyway, or use "
                                 "--overwrite to start afresh")
            if recorded != current and recorded is not None:
                changed = sorted(key for key in {*recorded, *current} if recorded.get(key) != current.get(key))
                lines = "; ".join(f"{key}: {recorded.get(key)!r} then, {current.get(key)!r} now" for key in changed)
                raise UsageError(
                    f"{self.path} was written with other settings ({lines}); resuming would mix records made "
                    "differently. Rerun with the same options, use another --out, or --overwrite to start afresh."
                )
            if recorded is not None:
                return
        temporary = self.settings_path.with_name(self.settings_path.name + ".tmp")
        temporary.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, self.settings_path)

    def done(self, doc_id: str) -> bool:
        return doc_id in self.ids

    def write(self, record: dict) -> None:
        """Append ``record`` whole, or raise :class:`InputError` and write nothing (a
        record that holds a lone surrogate cannot be UTF-8)."""
        try:
            line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        except UnicodeEncodeError as error:
            bad = error.object[error.start : error.end]
            raise InputError(
                f"the record of id {record.get('id')!r} holds a lone surrogate ({bad!r}), which is not Unicode text; "
                "it was not written"
            ) from None
        self._handle.write(line)
        self._handle.flush()
        self.ids.add(str(record["id"]))

    def write_all(self, records: Iterable[dict]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        try:
            self._handle.close()
        finally:
            self._lock.release()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
