"""Checks on every training set under models/training/ (the French passages, the English
tweets, the long documents) against each other, the seeds and everything in eval/ — the
tweets dev split included: the training data and the eval set never overlap."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from stance.cleaning.dedup import near_duplicate_pairs, shingles
from tests.test_training_data import MAX_PAIR_CONTAINMENT, MAX_REFERENCE_CONTAINMENT, _reference_texts

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "models" / "training"
EVAL = ROOT / "eval"
# The French development pages of the line model (models/training/README.md); those that had been read are training
# pages since round AM, in webpages_fr.jsonl, and those of cleaning.training.FRENCH_DEVELOPMENT are read by
# `stance train-cleaner --french-development` (rounds BY and CB); the others are never trained on. The files from
# cleaning_fr_documents_dev.jsonl on hold French documents (an article's copied text with its clutter) in the same
# format.
DEV_PAGES = ("webpages_fr_dev_blind2.jsonl", "webpages_fr_dev_blind3.jsonl", "webpages_fr_dev_blind4.jsonl",
             "webpages_fr_dev_blind5.jsonl", "webpages_fr_dev_an.jsonl", "webpages_fr_dev_blind6.jsonl",
             "cleaning_fr_documents_dev.jsonl", "cleaning_fr_documents_dev_aq.jsonl",
             "cleaning_fr_documents_dev_av.jsonl", "cleaning_fr_documents_dev_ax.jsonl",
             "cleaning_fr_documents_dev_ba.jsonl", "cleaning_fr_documents_dev_bc.jsonl",
             "cleaning_fr_documents_dev_bg.jsonl", "cleaning_fr_documents_dev_bh.jsonl",
             "cleaning_fr_documents_dev_bi.jsonl", "cleaning_fr_documents_dev_bj.jsonl",
             "cleaning_fr_documents_dev_bk.jsonl", "cleaning_fr_documents_dev_bl.jsonl",
             "cleaning_fr_documents_dev_bm.jsonl", "cleaning_fr_documents_dev_bn.jsonl",
             "cleaning_fr_documents_dev_bo.jsonl", "cleaning_fr_documents_dev_long.jsonl",
             "cleaning_fr_documents_dev_bq.jsonl", "cleaning_fr_documents_dev_bt.jsonl",
             "cleaning_fr_documents_dev_bu.jsonl", "cleaning_fr_documents_dev_bx.jsonl",
             "cleaning_fr_documents_dev_s38.jsonl", "cleaning_fr_documents_dev_s39.jsonl",
             "cleaning_fr_documents_dev_s39b.jsonl", "cleaning_fr_documents_dev_s39c.jsonl",
             "cleaning_fr_documents_dev_s40.jsonl", "cleaning_fr_documents_dev_s40b.jsonl",
             "cleaning_fr_documents_dev_s40c.jsonl", "cleaning_fr_documents_dev_s40d.jsonl",
             "cleaning_fr_documents_dev_s41.jsonl", "cleaning_fr_documents_dev_s41b.jsonl",
             "cleaning_fr_documents_dev_s41c.jsonl", "cleaning_fr_documents_dev_s41d.jsonl",
             "cleaning_fr_documents_dev_s42.jsonl", "cleaning_fr_documents_dev_s42b.jsonl",
             "cleaning_fr_documents_dev_s42c.jsonl", "cleaning_fr_documents_dev_s43.jsonl",
             "cleaning_fr_documents_dev_s43b.jsonl", "cleaning_fr_documents_dev_s43c.jsonl",
             "cleaning_fr_documents_dev_s43d.jsonl")
LINE_MODEL_FILES = ("webpages_fr.jsonl", *DEV_PAGES)
LABELS = {"bullish", "skeptical", "neutral"}
FRENCH_PASSAGES = ("stance_fr.jsonl", "stance_fr_news.jsonl", "stance_fr_genres.jsonl", "stance_fr_rhetoric.jsonl",
                   "stance_fr_rhetoric_dev.jsonl")
SETS = {
    "stance_fr_news.jsonl": ("fn-", {"id", "text", "label", "domain", "register", "genre", "source_style"}),
    "stance_fr_genres.jsonl": ("fg-", {"id", "text", "label", "domain", "register", "genre"}),
    "stance_fr_documents.jsonl": ("fd-", {"id", "text", "label", "domain", "genre", "hard"}),
    "stance_fr_documents_dev.jsonl": ("fd-", {"id", "text", "label", "domain", "genre", "hard"}),
    "stance_fr_documents_dev_short.jsonl": ("fd-", {"id", "text", "label", "domain", "genre", "hard"}),
    "tweets_en.jsonl": ("twtrain-", {"id", "text", "label", "group"}),
    "stance_fr_rhetoric.jsonl": ("fr-", {"id", "text", "label", "domain", "register", "kind"}),
    "stance_fr_rhetoric_dev.jsonl": ("fr-dev-", {"id", "text", "label", "domain", "register", "kind"}),
}
# Round I's passages: each kind fixes its label (models/training/README.md).
RHETORIC_KINDS = {"rival-negative": "bullish", "rival-positive": "skeptical", "sincere-hype": "bullish",
                  "mocked-hype": "skeptical", "dark-words-good": "bullish", "bright-words-bad": "skeptical",
                  "neutral-same-words": "neutral"}


def read(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            pytest.fail(f"{path.name}:{number}: blank line; remove it")
        rows.append(json.loads(line))
    return rows


@pytest.fixture(scope="module")
def sets() -> dict[str, list[dict]]:
    return {name: read(TRAINING / name) for name in (*SETS, *FRENCH_PASSAGES[:1])}


def test_every_set_has_its_documented_fields_unique_ids_and_valid_labels(sets: dict[str, list[dict]]) -> None:
    for name, (prefix, fields) in SETS.items():
        rows = sets[name]
        ids = [row["id"] for row in rows]
        assert len(set(ids)) == len(ids), name
        for row in rows:
            assert set(row) == fields, (name, row.get("id"))
            assert row["id"].startswith(prefix) and row["label"] in LABELS, (name, row["id"])
            assert isinstance(row["text"], str) and row["text"].strip(), (name, row["id"])
            if name != "tweets_en.jsonl":  # tweets stay verbatim, trailing spaces included
                assert row["text"] == row["text"].strip(), (name, row["id"])


def test_round_i_passages_take_the_label_their_kind_fixes_and_the_dev_writer_is_another(
    sets: dict[str, list[dict]],
) -> None:
    training, dev = sets["stance_fr_rhetoric.jsonl"], sets["stance_fr_rhetoric_dev.jsonl"]
    for row in (*training, *dev):
        assert RHETORIC_KINDS[row["kind"]] == row["label"], row["id"]
    assert {row["id"].split("-")[1] for row in training} == {"a", "b"}
    assert {row["id"].split("-")[1] for row in dev} == {"dev"}
    assert Counter(row["kind"] for row in dev).keys() == RHETORIC_KINDS.keys()


def test_the_issue_s_amounts_of_new_french_data(sets: dict[str, list[dict]]) -> None:
    assert len(sets["stance_fr_news.jsonl"]) + len(sets["stance_fr_genres.jsonl"]) >= 1500
    documents = sets["stance_fr_documents.jsonl"]
    assert len(documents) >= 150
    assert all(len(row["text"].split()) >= 250 for row in documents)
    assert Counter(row["label"] for row in documents).keys() == LABELS


def test_the_development_documents_are_by_other_writers_and_copy_no_training_document(
    sets: dict[str, list[dict]],
) -> None:
    """The dev documents score the aggregation on writers it was never fitted on."""
    from stance.classify.training import document_groups

    training, dev = sets["stance_fr_documents.jsonl"], sets["stance_fr_documents_dev.jsonl"]
    short = sets["stance_fr_documents_dev_short.jsonl"]
    writers = [set(document_groups([row["id"] for row in rows])) for rows in (training, dev, short)]
    assert not writers[0] & writers[1] and not writers[0] & writers[2] and not writers[1] & writers[2]
    assert all(len(row["text"].split()) >= 250 for row in dev)
    assert all(120 <= len(row["text"].split()) <= 330 for row in short)  # the short articles dev lacked
    for rows in (dev, short):
        assert Counter(row["label"] for row in rows).keys() == LABELS
    grams = [shingles(row["text"]) for row in (*training, *dev, *short)]
    assert near_duplicate_pairs(grams, MAX_REFERENCE_CONTAINMENT) == []


def test_no_two_french_passages_of_any_set_are_near_duplicates(sets: dict[str, list[dict]]) -> None:
    rows = [(name, row) for name in FRENCH_PASSAGES for row in sets.get(name) or read(TRAINING / name)]
    grams = [shingles(row["text"]) for _, row in rows]
    near = [(rows[a][1]["id"], rows[b][1]["id"]) for a, b in near_duplicate_pairs(grams, MAX_PAIR_CONTAINMENT)]
    assert near == []


def test_no_training_text_of_any_set_copies_a_seed_or_an_eval_text(
    sets: dict[str, list[dict]], seed_texts: list[str]
) -> None:
    references = _reference_texts(seed_texts)
    assert any(name.startswith("tweets_en_dev.jsonl") for name, _ in references)  # the dev split is watched
    owners: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, (_, text) in enumerate(references):
        for gram in shingles(text):
            owners[gram].add(index)
    copies = []
    for name in (*FRENCH_PASSAGES, *SETS):
        for row in sets.get(name) or read(TRAINING / name):
            grams = shingles(row["text"])
            hits: Counter[int] = Counter()
            for gram in grams:
                hits.update(owners.get(gram, ()))
            copies += [(name, row["id"], references[index][0]) for index, count in hits.items()
                       if count / len(grams) >= MAX_REFERENCE_CONTAINMENT]
    assert copies == []


def _page_contents() -> list[tuple[str, str]]:
    """(id, content lines joined) for each French web page of the cleaner's line model, training and
    development pages."""
    pages = [page for name in LINE_MODEL_FILES for page in read(TRAINING / name)]
    return [(page["id"], " ".join(line for line, label in zip(page["lines"], page["labels"], strict=True)
                                  if label == 1))
            for page in pages]


def test_no_french_web_page_s_content_near_duplicates_a_seed_or_an_eval_text(seed_texts: list[str]) -> None:
    pages = _page_contents()
    # Paragraph by paragraph, so that one paragraph copied from a long eval document is caught;
    # paragraphs of fewer than 8 words are left out, as the cleaner's Deduplicate leaves out
    # short lines: a few shingles are too few for a containment ratio to mean anything.
    references = [(name, paragraph) for name, text in _reference_texts(seed_texts)
                  for paragraph in re.split(r"\n\s*\n|\n", text) if len(paragraph.split()) >= 8]
    grams = [shingles(text) for _, text in pages] + [shingles(text) for _, text in references]
    near = [(pages[a][0], references[b - len(pages)][0])  # names the reference, never quotes it
            for a, b in near_duplicate_pairs(grams, MAX_PAIR_CONTAINMENT) if a < len(pages) <= b]
    assert len(read(TRAINING / "webpages_fr.jsonl")) >= 100  # the issue asks for at least 100 French pages
    assert near == []


def test_the_french_development_pages_are_of_sites_the_line_model_never_trained_on() -> None:
    training, *devs = [read(TRAINING / name) for name in LINE_MODEL_FILES]
    sets = [training, *devs]
    for a, b in itertools.combinations(sets, 2):  # no site, no id in two of the files
        assert not {page["site"] for page in a} & {page["site"] for page in b}
        assert not {page["id"] for page in a} & {page["id"] for page in b}
    for page in (page for dev in devs for page in dev):
        assert len(page["lines"]) == len(page["labels"]) and set(page["labels"]) <= {1, 0, -1}, page["id"]
        assert all(line.strip() for line in page["lines"]), page["id"]


def test_every_logged_development_page_label_change_is_applied() -> None:
    pages = {page["id"]: page for name in LINE_MODEL_FILES for page in read(TRAINING / name)}
    changes = read(TRAINING / "webpages_fr_dev_label_changes.jsonl")
    assert changes
    for change in changes:
        page = pages[change["id"]]
        assert page["lines"][change["index"]] == change["line"], change
        assert page["labels"][change["index"]] == change["new"] != change["old"], change
        assert change["reasons"], change


def test_the_tweets_dev_split_is_held_out_of_training(sets: dict[str, list[dict]]) -> None:
    dev = read(EVAL / "tweets_en_dev.jsonl")
    train = sets["tweets_en.jsonl"]
    assert {row["domain"] for row in dev} == {"tweets-en"}
    assert all(row["stance"] in LABELS for row in dev)
    assert not {row["id"] for row in dev} & {row["id"] for row in train}

    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", re.sub(r"https?://\S+", "", text.lower())))

    assert not {words(row["text"]) for row in dev} & {words(row["text"]) for row in train}
    assert 0.12 <= len(dev) / (len(dev) + len(train)) <= 0.17


def test_every_eval_record_names_its_domain() -> None:
    for path in sorted(EVAL.glob("*.jsonl")):
        assert all(isinstance(row.get("domain"), str) and row["domain"] for row in read(path)), path.name


def test_the_readme_documents_every_training_file() -> None:
    readme = (TRAINING / "README.md").read_text(encoding="utf-8")
    for path in TRAINING.glob("*.jsonl"):
        assert f"`{path.name}`" in readme, path.name
    assert "MIT" in readme and "Twitter Financial News" in readme
