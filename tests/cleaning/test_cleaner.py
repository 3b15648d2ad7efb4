from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.cleaning import Cleaner, TreeModel, clean, normalise
from stance.cleaning.dedup import line_key
from stance.document import Document

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLDEN = Path(__file__).parent / "golden"


def test_the_five_seeds_are_present() -> None:
    assert [p.stem for p in SEEDS] == [p.stem for p in sorted(GOLDEN.glob("*.txt"))]
    assert len(SEEDS) == 5


def test_seeds_against_their_golden_outputs() -> None:
    """The expected outputs were reviewed by hand, line by line. The learned line model may
    lose a short line here and there (the shipped model, round AU's, keeps all 205; round AM's
    dropped seed 002's dateline "14 novembre 2025, Lincoln Center, New York."): over the five
    seeds, at least 98 % of the kept lines are golden lines and at least 99 % of the golden lines
    are kept, in order."""
    matched = kept_total = golden_total = 0
    for seed in SEEDS:
        golden = (GOLDEN / seed.name).read_text(encoding="utf-8").rstrip("\n").split("\n\n")
        kept = clean(seed.read_text(encoding="utf-8")).paragraphs
        assert [line for line in kept if line in golden] == [line for line in golden if line in kept]
        matched += sum(line in golden for line in kept)
        kept_total += len(kept)
        golden_total += len(golden)
    assert matched / kept_total >= 0.98
    assert matched / golden_total >= 0.99


def test_the_rescuer_only_adds_lines_to_what_its_first_stage_keeps() -> None:
    """The shipped line model with its rescuer against its first stage alone: on the five seeds the rescuer
    never drops a line and keeps no line that is not golden; on a French development page (in its training set)
    it keeps more lines, mostly article lines."""
    shipped = TreeModel.default()
    first_alone = TreeModel({key: value for key, value in shipped.spec.items() if key != "second"})
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        golden = (GOLDEN / seed.name).read_text(encoding="utf-8").rstrip("\n").split("\n\n")
        both, first = clean(text).paragraphs, Cleaner(line_model=first_alone).clean(text).paragraphs
        assert set(first) <= set(both)
        assert all(line in golden for line in both if line not in first)
    # (frpage-774 of webpages_fr_dev_blind6, a forum thread, served until round CE, whose forum rules change what
    # both stages keep there; frpage-496 until round CG, whose model keeps its lines without the rescuer)
    pages = (ROOT / "models" / "training" / "webpages_fr_dev_blind4.jsonl").read_text(encoding="utf-8").splitlines()
    (page,) = [json.loads(line) for line in pages if '"frpage-498"' in line]
    lines = [normalise(line) for line in page["lines"]]
    both, first = set(Cleaner()._keep(lines)[0]), set(Cleaner(line_model=first_alone)._keep(lines)[0])
    assert first < both
    rescued = Counter(page["labels"][i] for i in both - first)
    assert rescued[1] > rescued[0]  # 6 article lines as shipped


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_keeps_every_content_line_once(seed: Path) -> None:
    result = clean(seed.read_text(encoding="utf-8"))
    kept = result.paragraphs
    assert len({line_key(line) for line in kept}) == len(kept)
    dropped = {d.line for d in result.dropped}
    normalised = [line for line in normalise(seed.read_text(encoding="utf-8")).split("\n") if line]
    assert all(line in kept or line in dropped for line in normalised)
    assert result.language == "fr"
    assert result.flags == ()


def test_seed_002_line_only_in_the_second_copy_survives() -> None:
    text = (ROOT / "seeds" / "002_67b0d3295f2abce8.txt").read_text(encoding="utf-8")
    result = clean(text)
    # deduplication keeps it (the line model may judge this closing dateline furniture)
    reasons = {d.line: d.reason for d in result.dropped}
    line = "14 novembre 2025, Lincoln Center, New York."
    assert line in result.paragraphs or reasons[line].startswith("boilerplate (p=")
    assert result.reasons()["repeated article copy"] > 100


def test_seed_004_comments_are_dropped_and_article_kept_once() -> None:
    text = (ROOT / "seeds" / "004_c94e4324ae8c6c17.txt").read_text(encoding="utf-8")
    result = clean(text)
    assert result.reasons()["reader comment"] == 15
    assert not any("Il y a 11h" in line or "Tu me prends pour un idiot" in line for line in result.paragraphs)
    assert result.paragraphs[0].startswith("J'ai récemment vu une interview")
    assert result.paragraphs[-1].startswith("Les propos de Musk relèvent-ils")


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_cleaning_a_cleaned_seed_changes_nothing(seed: Path) -> None:
    once = clean(seed.read_text(encoding="utf-8"))
    twice = clean(once.text)
    assert twice.text == once.text
    assert twice.dropped == ()


@pytest.mark.parametrize("text", ["", "   \n\t\n  ", "\u200b\ufeff"])
def test_empty_document_gives_empty_result_with_reason(text: str) -> None:
    result = clean(text, doc_id="vide")
    assert (result.id, result.text, result.dropped, result.flags) == ("vide", "", (), ("empty document",))


def test_document_of_furniture_only_is_flagged() -> None:
    result = clean("Partager\n\nPublicité")
    assert result.text == ""
    assert result.flags == ("no content left after cleaning",)


def test_non_french_document_is_flagged_not_silently_cleaned_as_french() -> None:
    text = (
        "The central bank kept its rates on hold on Thursday, and it said that inflation was still "
        "too high for a cut. Markets were calm and the dollar was little changed in London trading."
    )
    result = clean(text)
    assert result.language == "en"
    assert result.flags == ("not French",)
    assert not result.is_french


def test_clean_many_keeps_ids_and_reading_warnings() -> None:
    cleaner = Cleaner()
    warning = "b.txt: not valid UTF-8; decoded as cp1252"
    docs = [Document("a", "Le titre\n\nPartager"),
            Document("b", "Un autre titre\n\nPartager\n\nPublicité", warnings=(warning,)), ""]
    results = list(cleaner.clean_many(docs, progress=False))
    assert [r.id for r in results] == ["a", "b", None]
    reasons = sum((r.reasons() for r in results), Counter())
    assert reasons == Counter({"share or reaction button": 2, "advertising": 1})
    assert results[2].flags == ("empty document",)
    assert results[1].warnings == (warning,) and results[1].to_record()["warnings"] == [warning]
    assert "warnings" not in results[0].to_record()


def test_record_follows_the_contract() -> None:
    record = clean("Le titre\n\nLire aussi : la suite", doc_id="x").to_record()
    assert record == {
        "id": "x",
        "text": "Le titre",
        "dropped": [{"line": "Lire aussi : la suite", "reason": "read-also link"}],
        "language": "und",
        "flags": [],
    }


# Property tests: documents assembled from real seed lines, furniture and noise.
_SEED_LINES = sorted({line for p in SEEDS for line in p.read_text(encoding="utf-8").split("\n") if line.strip()})
_FURNITURE = [
    "Partager",
    "Lire aussi : la suite",
    "8",
    "GameFiCritic",
    "· Il y a 11h",
    "Répondre",
    "#Bourse",
    "Laisser un commentaire",
    "Publicité",
    "Ã©tÃ©",
    "\u00a0\u202f",
    "",
]
_LINE = st.one_of(
    st.sampled_from(_SEED_LINES),
    st.sampled_from(_FURNITURE),
    st.text(alphabet=st.sampled_from(list("abcdeéèàç ’'«».,:;?!0123456789#·\u00a0\t")), max_size=40),
)
_DOCUMENT = st.lists(_LINE, max_size=30).map("\n".join)


@pytest.mark.slow  # 400 generated documents (2-3 s)
@settings(max_examples=400, deadline=None)
@given(_DOCUMENT)
def test_property_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once.text).text == once.text


@pytest.mark.slow  # 400 generated documents (2-3 s)
@settings(max_examples=400, deadline=None)
@given(_DOCUMENT)
def test_property_output_lines_are_normalised_input_lines_and_nothing_is_invented(text: str) -> None:
    result = clean(text)
    normalised_lines = [line for line in normalise(text).split("\n") if line]
    assert set(result.paragraphs) <= set(normalised_lines)
    assert Counter(result.paragraphs) + Counter(d.line for d in result.dropped) == Counter(normalised_lines)


def test_a_cleaner_with_another_line_model(tmp_path: Path) -> None:
    from stance.cleaning import LineModel, TreeModel
    from stance.errors import InputError, UsageError
    from stance.io import content_sha256

    folder = tmp_path / "line-model"
    TreeModel.default().save(folder)
    cleaner = Cleaner(line_model=folder)
    step = next(s for s in cleaner.steps if isinstance(s, LineModel))
    assert step.model is not TreeModel.default() and step.model.spec == TreeModel.default().spec
    text = "Accueil\n\nLe CAC 40 a gagné 1 % vendredi, porté par les banques et le luxe, dans des volumes étoffés."
    assert cleaner.clean(text).text == Cleaner().clean(text).text
    digest = content_sha256(folder)  # all its files, as both engines record a model (stance.io.model_sha256)
    assert repr(cleaner) == f"Cleaner (line model {folder}, sha256 {digest[:12]})" and repr(Cleaner()) == "Cleaner"
    assert cleaner.identity == f"Cleaner (line model sha256 {digest})" == Cleaner(line_model=folder / ".").identity
    (folder / "README.md").write_text("another card\n", encoding="utf-8")
    assert Cleaner(line_model=folder).identity != cleaner.identity  # any file changed: another model
    with pytest.raises(UsageError, match="with steps= of your own"):
        Cleaner(steps=[LineModel()], line_model=folder)
    for steps in ("Comments", [object()], 5):
        with pytest.raises(UsageError, match="expected steps to be a list of Step objects"):
            Cleaner(steps=steps)
    with pytest.raises(UsageError, match="expected opening_lines to be a whole number >= 0, got -1"):
        Cleaner(opening_lines=-1)
    assert len(Cleaner(steps=(step for step in [LineModel()])).steps) == 1  # any iterable of steps
    with pytest.raises(InputError, match=r"no line model at .*stance train-cleaner --out DIR"):
        Cleaner(line_model=tmp_path / "absent")


def test_a_page_of_menus_without_one_sentence_is_flagged() -> None:
    from stance.cleaning import Cleaner

    menus = "Accueil\n\nÉconomie\n\nBourse\n\nTech\n\nSe connecter\n\nMentions légales"
    assert Cleaner().clean(menus).flags == ("no article sentence",)
    article = ("Orange\n\nLe groupe a publié jeudi un chiffre d'affaires en hausse de 3 % au troisième trimestre.\n\n"
               "Fin de séance.")
    assert Cleaner().clean(article).flags == ()
    assert Cleaner().clean("Le CAC 40 monte.\n\nLes banques aussi.").flags == ()  # a headline and a line: no page


def test_a_step_is_not_asked_again_about_the_lines_it_was_last_given() -> None:
    from stance.cleaning.base import Step

    class Counting(Step):
        monotone = False

        def __init__(self, drop: str | None = None) -> None:
            self.drop, self.calls = drop, 0

        def find(self, lines: list[str]) -> dict[int, str]:
            self.calls += 1
            return {i: "dropped" for i, line in enumerate(lines) if line == self.drop}

    # nothing dropped: one pass only
    quiet = [Counting(), Counting()]
    assert Cleaner(steps=quiet).clean("Un.\n\nDeux.").text == "Un.\n\nDeux."
    assert [step.calls for step in quiet] == [1, 1]
    # the first step drops a line: it is asked again about what is left; the second, given that already, is not
    steps = [Counting(drop="Deux."), Counting()]
    assert Cleaner(steps=steps).clean("Un.\n\nDeux.").text == "Un."
    assert [step.calls for step in steps] == [2, 1]
