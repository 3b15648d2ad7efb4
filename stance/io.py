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

import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def html_to_text(html: str) -> str:
    """The main text of an HTML page, one block per line, its title first: trafilatura's
    extraction, reader comments excluded. Needs the extra ``stance[html]``.

    >>> text = html_to_text("<html><head><title>Titre</title></head><body><nav>Accueil</nav><article>"
    ...                     "<p>La Bourse de Paris a fini la séance en hausse de 1 %, portée par les banques "
    ...                     "et par les valeurs du luxe, dans des volumes étoffés.</p></article></body></html>")
    >>> text.split("\\n")[0], "Accueil" in text
    ('Titre', False)
    """
    try:
        import trafilatura
    except ImportError:
        raise UsageError(str(missing_dependency("trafilatura", "html")) + " to read HTML input") from None
    result = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, deduplicate=False, with_metadata=True
    )
    if result is None:
        return ""
    text = result.text or ""
    title = (result.title or "").strip()
    if title and not text.startswith(title):
        text = f"{title}\n{text}" if text else title
    return text


def _raise(error: InputError) -> None:
    raise error


def decode(data: bytes, source: str) -> tuple[str, tuple[str, ...]]:
    """Decode bytes as UTF-8, else cp1252, else latin-1, saying so in a warning.

    Raises :class:`InputError` for binary data (NUL bytes or many control characters).

    >>> decode("été".encode("cp1252"), "a.txt")
    ('été', ('a.txt: not valid UTF-8; decoded as cp1252',))
    """
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
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warning = f"{source}: not valid UTF-8; decoded as {encoding}"
        log.warning(warning)
        return text, (warning,)
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def read_documents(path: str | os.PathLike, on_error: ErrorHandler = _raise) -> Iterator[Document]:
    """Yield the documents of a .txt or .html file, a folder of such files or a JSONL file.

    The id of a file is its name without extension; a JSONL line must be an
    object with a string ``id`` and ``text`` (or ``html``, whose main text is
    extracted). Problems go to ``on_error`` and the remaining documents are still read.

    >>> docs = list(read_documents("seeds"))  # doctest: +SKIP
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _TEXT_SUFFIXES)
        if not files:
            on_error(InputError("the folder holds no .txt or .html file; expected one file per document", str(path)))
        for file in files:
            doc = _read_text_file(file, on_error)
            if doc is not None:
                yield doc
    elif path.is_file():
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from _read_jsonl(path, on_error)
        else:
            doc = _read_text_file(path, on_error)
            if doc is not None:
                yield doc
    else:
        raise InputError(
            "no such file or folder; expected a .txt or .html file, a folder of them or a .jsonl file",
            str(path),
        )


def _read_text_file(path: Path, on_error: ErrorHandler) -> Document | None:
    try:
        text, warnings = decode(path.read_bytes(), str(path))
    except InputError as error:
        on_error(error)
        return None
    if path.suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text)
    return Document(id=path.stem, text=text, source=str(path), warnings=warnings)


def _read_jsonl(path: Path, on_error: ErrorHandler) -> Iterator[Document]:
    seen: set[str] = set()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            source = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                line, warnings = decode(raw, source)
                doc = _parse_record(line, source, warnings)
            except InputError as error:
                on_error(error)
                continue
            if doc.id in seen:
                on_error(InputError(f"duplicate id {doc.id!r}; ids must be unique, this record was skipped", source))
                continue
            seen.add(doc.id)
            yield doc


def _parse_record(line: str, source: str, warnings: tuple[str, ...]) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(
            f"malformed JSON ({error.msg} at column {error.colno}); expected one JSON object per line", source
        ) from None
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object with 'id' and 'text', got {type(record).__name__}", source)
    if "text" not in record and isinstance(record.get("html"), str):
        record["text"] = html_to_text(record["html"])
    missing = [key for key in ("id", "text") if key not in record]
    if missing:
        raise InputError(
            f"missing field(s) {missing}; expected an object with 'id' and 'text' (or 'html')", source
        )
    doc_id, text = record["id"], record["text"]
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id:
        raise InputError(f"'id' must be a non-empty string, got {doc_id!r}", source)
    if not isinstance(text, str):
        raise InputError(f"'text' must be a string, got {type(text).__name__}", source)
    return Document(id=doc_id, text=text, source=source, warnings=warnings)


def iter_documents(source: Any, on_error: ErrorHandler | None = None) -> Iterator[Document]:
    """Documents from any input stance accepts.

    ``source`` may be a path (a .txt file, a folder of .txt files or a JSONL of
    ``{"id", "text"}``), a ``datasets.Dataset`` or any iterable of :class:`Document`,
    of mappings with ``"text"`` (and ``"id"``) or of plain strings (their ids are
    their positions, ``"0"``, ``"1"``...). A bare string is a path, never a text.

    >>> [doc.id for doc in iter_documents(["Le CAC 40 monte.", "Le Dax baisse."])]
    ['0', '1']
    """
    if isinstance(source, str | os.PathLike):
        if not os.path.exists(source):
            raise InputError(
                "no such file or folder; expected a .txt or .html file, a folder of them or a .jsonl file "
                "(to process a text, pass a list: run([text]))",
                str(source),
            )
        yield from read_documents(source, on_error=on_error or _raise)
        return
    if isinstance(source, bytes | Mapping) or not isinstance(source, Iterable):
        raise InputError(
            f"expected a path, a datasets.Dataset or an iterable of texts/Documents, got {type(source).__name__}"
        )
    if _is_dataset(source) and "text" not in source.column_names:
        raise InputError(f"expected a dataset with a 'text' column, got columns {source.column_names}")
    for index, item in enumerate(source):
        yield _as_document(item, index)


def _is_dataset(source: Any) -> bool:
    return hasattr(source, "column_names") and hasattr(source, "features")


def _as_document(item: Any, index: int) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(str(index), item)
    if isinstance(item, Mapping) and isinstance(item.get("text"), str):
        doc_id = item.get("id")
        return Document(str(index) if doc_id is None else str(doc_id), item["text"])
    raise InputError(
        f"expected a str, a Document or a mapping with a 'text' string at position {index}, got {type(item).__name__}"
    )


class JsonlWriter:
    """Appends one JSON record per line, so that an interrupted run can resume.

    On opening an existing file it drops a trailing half-written line (left by a
    killed run) and remembers the ids already written; ``done(id)`` tells the
    caller to skip them. Each record is written whole and flushed.

    >>> with JsonlWriter("out.jsonl") as out:  # doctest: +SKIP
    ...     if not out.done("a1"):
    ...         out.write({"id": "a1", "text": "..."})
    """

    def __init__(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.ids: set[str] = set()
        if overwrite or not self.path.exists():
            self._handle = self.path.open("w", encoding="utf-8")
        else:
            self._repair_and_collect_ids()
            self._handle = self.path.open("a", encoding="utf-8")

    def _repair_and_collect_ids(self) -> None:
        data = self.path.read_bytes()
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) != len(data):
            log.warning("%s: removed a half-written last line left by an interrupted run", self.path)
            with self.path.open("r+b") as handle:
                handle.truncate(len(complete))
        for line in complete.decode("utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "id" in record:
                self.ids.add(str(record["id"]))

    def done(self, doc_id: str) -> bool:
        return doc_id in self.ids

    def write(self, record: dict) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()
        self.ids.add(str(record["id"]))

    def write_all(self, records: Iterable[dict]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
