"""Checks on the hand-labelled eval set, eval/eval.jsonl (format in docs/design.md, rules in eval/README.md).

CI accepts or rejects model changes on this file, so these tests guard what makes
it trustworthy: it parses, the seeds are there verbatim, every label is well represented, and
every gold ``clean`` line really is a line of the raw ``text``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import ftfy
import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval" / "eval.jsonl"
SEEDS = ROOT / "seeds"
TRAINING = ROOT / "models" / "training"

LABELS = ("bullish", "skeptical", "neutral")
FIELDS = {"id", "text", "clean", "stance", "summary", "domain"}
# Documents whose raw text carries mojibake ("Ã©" for "é") that the gold repairs
# (documented in eval/README.md); only their gold lines may match through ftfy.
MOJIBAKE_IDS = frozenset({"ev-009", "ev-039", "ev-044"})


def _load() -> list[dict]:
    records = []
    with EVAL.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                pytest.fail(f"{EVAL.name}:{number} is not valid JSON: {exc}")
            if not isinstance(record, dict):
                pytest.fail(f"{EVAL.name}:{number}: expected a JSON object, got {type(record)}")
            records.append(record)
    return records


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return _load()


@pytest.fixture(scope="module")
def seed_ids() -> set[str]:
    return {p.stem for p in SEEDS.glob("*.txt")}


def _raw_lines(text: str) -> list[str]:
    # The same repair the gold applies: CRLF (or a lone CR) is a line break.
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _gold_lines(clean: str) -> list[str]:
    return clean.split("\n\n")


def _is_clean_document(record: dict) -> bool:
    """A clean document's non-blank raw lines are exactly its gold lines."""
    return [ln for ln in _raw_lines(record["text"]) if ln] == _gold_lines(record["clean"])


def test_file_is_utf8_jsonl_with_readable_french() -> None:
    data = EVAL.read_bytes()
    text = data.decode("utf-8")
    assert text.endswith("\n")
    assert "\r" not in text  # CRLF inside documents is escaped as \r\n in the JSON
    # ensure_ascii=False: accents are stored as themselves, not \u00e9.
    assert "é" in text and "\\u00e9" not in text


def test_records_have_only_known_fields_of_the_right_type(records: list[dict]) -> None:
    for record in records:
        assert set(record) <= FIELDS, f"{record.get('id')}: unknown fields {set(record) - FIELDS}"
        assert isinstance(record["id"], str) and record["id"].strip() == record["id"] != ""
        assert isinstance(record["text"], str) and record["text"].strip(), record["id"]
        if "stance" in record:
            assert record["stance"] in LABELS, f"{record['id']}: stance {record['stance']!r}"
        for key in ("clean", "summary"):
            if key in record:
                assert isinstance(record[key], str) and record[key].strip(), (record["id"], key)
        assert record.get("domain") == "fr-documents", record["id"]


def test_ids_are_unique(records: list[dict]) -> None:
    counts = Counter(r["id"] for r in records)
    assert [i for i, n in counts.items() if n > 1] == []


def test_seeds_are_present_with_their_exact_text(
    records: list[dict], seed_ids: set[str]
) -> None:
    by_id = {r["id"]: r for r in records}
    assert len(seed_ids) == 5
    for path in sorted(SEEDS.glob("*.txt")):
        assert path.stem in by_id, f"seed {path.stem} missing from the eval set"
        assert by_id[path.stem]["text"] == path.read_bytes().decode("utf-8"), path.stem
        assert "stance" in by_id[path.stem] and "summary" in by_id[path.stem], path.stem


def test_at_least_sixty_written_documents_dirty_and_clean(
    records: list[dict], seed_ids: set[str]
) -> None:
    others = [r for r in records if r["id"] not in seed_ids]
    assert len(others) >= 60
    assert all("clean" in r for r in others)
    clean = [r["id"] for r in others if _is_clean_document(r)]
    assert len(clean) >= 20
    assert len(others) - len(clean) >= 40


def test_every_document_has_a_stance_and_every_label_is_well_represented(records: list[dict]) -> None:
    # Shares follow the stance convention, not a quota (real news is mostly
    # directional); each label keeps enough documents for a per-class F1, and
    # none dominates so much that a constant would score well.
    assert all("stance" in r for r in records)
    counts = Counter(r["stance"] for r in records)
    for label in LABELS:
        share = counts[label] / len(records)
        assert counts[label] >= 10 and share <= 0.55, f"{label}: {counts[label]}/{len(records)} = {share:.0%}"


def test_enough_reference_summaries(records: list[dict], seed_ids: set[str]) -> None:
    written = [r for r in records if r["id"] not in seed_ids and "summary" in r]
    assert len(written) >= 20
    for record in (r for r in records if "summary" in r):
        words = len(record["summary"].split())
        assert 15 <= words <= 90, f"{record['id']}: summary of {words} words"
        assert "\n" not in record["summary"], record["id"]


def test_gold_lines_are_real_lines_of_the_text_in_order(records: list[dict]) -> None:
    for record in (r for r in records if "clean" in r):
        rid = record["id"]
        gold = _gold_lines(record["clean"])
        assert all(g and g == g.strip() and "\n" not in g for g in gold), rid
        assert len(gold) == len(set(gold)), f"{rid}: a gold line is kept twice"
        raw = _raw_lines(record["text"])
        position = 0
        for line in gold:
            while position < len(raw):
                candidate = raw[position]
                position += 1
                if candidate == line:
                    break
                if rid in MOJIBAKE_IDS and ftfy.fix_text(candidate).strip() == line:
                    break
            else:
                pytest.fail(f"{rid}: gold line not found (in order) in text: {line[:80]!r}")


def test_only_documented_documents_need_mojibake_repair(records: list[dict]) -> None:
    repaired = set()
    for record in (r for r in records if "clean" in r):
        raw = set(_raw_lines(record["text"]))
        if any(line not in raw for line in _gold_lines(record["clean"])):
            repaired.add(record["id"])
    assert repaired == MOJIBAKE_IDS


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _training_text() -> str:
    """Every string under models/training/, whatever the file format."""
    parts: list[str] = []
    for path in sorted(TRAINING.rglob("*")) if TRAINING.is_dir() else []:
        if not path.is_file() or path.stat().st_size > 50_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".jsonl":
            for line in text.splitlines():
                try:
                    parts.extend(_strings(json.loads(line)))
                except json.JSONDecodeError:
                    parts.append(line)
        elif path.suffix == ".json":
            try:
                parts.extend(_strings(json.loads(text)))
            except json.JSONDecodeError:
                parts.append(text)
        else:
            parts.append(text)
    return "\n".join(parts)


def test_written_documents_are_not_in_the_training_data(
    records: list[dict], seed_ids: set[str]
) -> None:
    training = _training_text()
    leaked = []
    for record in (r for r in records if r["id"] not in seed_ids):
        for line in _gold_lines(record["clean"]):
            if len(line) >= 60 and line in training:
                leaked.append((record["id"], line[:60]))
    assert leaked == [], "eval text found under models/training/ (the eval set is never trained on)"
