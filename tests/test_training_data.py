"""Checks on the hand-labelled French stance training set, models/training/stance_fr.jsonl.

The set trains the default classifier head, so a malformed line, a lopsided label
distribution or a passage copied from the seeds or the eval set would silently
bias every model built on it. These checks are plain Python and run in well
under a second.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from stance.cleaning.dedup import near_duplicate_pairs, shingles

ROOT = Path(__file__).resolve().parent.parent
TRAINING_FILE = ROOT / "models" / "training" / "stance_fr.jsonl"
EVAL_DIR = ROOT / "eval"

FIELDS = {"id", "text", "label", "domain", "register", "difficulty"}
LABELS = {"bullish", "skeptical", "neutral"}
REGISTERS = {"press", "analyst", "blog", "forum"}
DIFFICULTIES = {
    "explicit",
    "hedged",
    "negation",
    "irony",
    "admits-risks",
    "upbeat-words",
    "numbers",
    "balanced",
    "reported-speech",
    "question",
}
CORE_DOMAINS = {"tech-stocks", "ai", "space", "ev", "crypto", "energy", "banks", "luxury", "macro"}
# Containment of the smaller passage's 5-gram shingles in the other one.
MAX_PAIR_CONTAINMENT = 0.8
# Share of a training passage's shingles found in one seed or eval text.
MAX_REFERENCE_CONTAINMENT = 0.5


@pytest.fixture(scope="module")
def records() -> list[dict]:
    rows = []
    with TRAINING_FILE.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                pytest.fail(f"{TRAINING_FILE.name}:{number}: blank line; remove it")
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                pytest.fail(f"{TRAINING_FILE.name}:{number}: not valid JSON ({error})")
    return rows


def test_every_record_has_exactly_the_documented_fields(records: list[dict]) -> None:
    assert len(records) >= 450
    for record in records:
        assert set(record) == FIELDS, record.get("id")
        assert all(isinstance(record[field], str) for field in FIELDS), record["id"]


def test_ids_are_unique_and_numbered(records: list[dict]) -> None:
    ids = [record["id"] for record in records]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"tr-\d{4}", record_id) for record_id in ids)


def test_categorical_fields_use_the_documented_values(records: list[dict]) -> None:
    for record in records:
        assert record["label"] in LABELS, record["id"]
        assert record["register"] in REGISTERS, record["id"]
        assert record["difficulty"] in DIFFICULTIES, record["id"]
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", record["domain"]), record["id"]


def test_passages_are_short_and_clean(records: list[dict]) -> None:
    for record in records:
        text = record["text"]
        assert 15 <= len(text.split()) <= 90, record["id"]
        assert text == text.strip() and "\n" not in text, record["id"]


def test_labels_are_balanced(records: list[dict]) -> None:
    counts = Counter(record["label"] for record in records)
    assert set(counts) == LABELS
    for label, count in counts.items():
        assert count >= 150, (label, count)
        assert count / len(records) <= 0.40, (label, count)


def test_every_domain_has_all_three_labels_and_none_dominates(records: list[dict]) -> None:
    labels_by_domain: dict[str, set[str]] = defaultdict(set)
    for record in records:
        labels_by_domain[record["domain"]].add(record["label"])
    assert CORE_DOMAINS <= set(labels_by_domain)
    for domain, labels in labels_by_domain.items():
        assert labels == LABELS, domain
    sizes = Counter(record["domain"] for record in records)
    assert max(sizes.values()) / len(records) <= 0.20, sizes.most_common(1)


def test_every_register_is_at_least_a_tenth(records: list[dict]) -> None:
    counts = Counter(record["register"] for record in records)
    assert set(counts) == REGISTERS
    for register, count in counts.items():
        assert count / len(records) >= 0.10, (register, count)


def test_no_exact_duplicate_texts(records: list[dict]) -> None:
    normalised = Counter(" ".join(record["text"].lower().split()) for record in records)
    assert [text for text, count in normalised.items() if count > 1] == []


def test_no_two_passages_are_near_duplicates(records: list[dict]) -> None:
    sets = [shingles(record["text"]) for record in records]
    near = [(records[a]["id"], records[b]["id"]) for a, b in near_duplicate_pairs(sets, MAX_PAIR_CONTAINMENT)]
    assert near == []


def _reference_texts(seed_texts: list[str]) -> list[tuple[str, str]]:
    """(name, text) for each seed paragraph and each text field of every eval record."""
    references = [
        (f"seed {number}", paragraph)
        for number, seed in enumerate(seed_texts)
        for paragraph in re.split(r"\n\s*\n|\n", seed)
        if paragraph.strip()
    ]
    for path in sorted(EVAL_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                record = json.loads(line)
                if not isinstance(record, dict):
                    continue
                for field in ("text", "clean", "summary"):
                    if isinstance(record.get(field), str):
                        references.append((f"{path.name}:{number} {field}", record[field]))
    return references


def test_no_passage_copies_a_seed_or_an_eval_text(records: list[dict], seed_texts: list[str]) -> None:
    references = _reference_texts(seed_texts)
    assert len(references) > 5  # the seeds alone give dozens of paragraphs
    owners: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, (_, text) in enumerate(references):
        for gram in shingles(text):
            owners[gram].add(index)
    copies = []
    for record in records:
        grams = shingles(record["text"])
        hits: Counter[int] = Counter()
        for gram in grams:
            hits.update(owners.get(gram, ()))
        for index, count in hits.items():
            if count / len(grams) >= MAX_REFERENCE_CONTAINMENT:
                # Name the reference, never quote it: eval texts stay out of logs.
                copies.append((record["id"], references[index][0]))
    assert copies == []
