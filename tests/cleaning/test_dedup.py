from __future__ import annotations

from stance.cleaning.dedup import Deduplicate, containment, line_key, shingles

PARAGRAPH = "Le groupe a relevé ses prévisions annuelles grâce à la demande en puces pour l'intelligence artificielle."


def test_exact_repeat_is_dropped_first_kept() -> None:
    assert Deduplicate().find(["Titre", PARAGRAPH, PARAGRAPH]) == {2: "duplicate line"}


def test_repeat_differing_in_case_spaces_apostrophes_and_final_point() -> None:
    other = PARAGRAPH.replace("l'", "l’").upper().rstrip(".").replace(" ", "  ")
    assert Deduplicate().find([PARAGRAPH, other]) == {1: "duplicate line"}


def test_truncated_fragment_of_an_earlier_paragraph_is_a_near_duplicate() -> None:
    fragment = "annuelles grâce à la demande en puces pour l'intelligence artificielle."
    assert Deduplicate().find([PARAGRAPH, fragment]) == {1: "near-duplicate paragraph"}


def test_lightly_edited_copy_is_a_near_duplicate() -> None:
    long = PARAGRAPH + " Le titre gagne 6 % à Wall Street dans la foulée de cette annonce très attendue."
    edited = long.replace("6 %", "6,2 %")
    assert Deduplicate().find([long, edited]) == {1: "near-duplicate paragraph"}


def test_different_paragraph_on_the_same_topic_is_kept() -> None:
    other = "Les analystes jugent toutefois la valorisation tendue après un an de hausse ininterrompue du titre."
    assert Deduplicate().find([PARAGRAPH, other]) == {}


def test_short_lines_are_only_dropped_when_exactly_repeated() -> None:
    assert Deduplicate().find(["Il parie sur sa capacité combinée", "Il parie sur sa capacité de résistance"]) == {}


def test_second_copy_is_reported_as_a_copy_and_its_own_line_survives() -> None:
    article = ["Titre de l'article", "Premier paragraphe.", "Deuxième paragraphe.", "Troisième paragraphe."]
    lines = [*article, "Titre de l'article", "Paris, 14 novembre 2025.", *article[1:]]
    drops = Deduplicate().find(lines)
    assert drops == dict.fromkeys([4, 6, 7, 8], "repeated article copy")
    assert 5 not in drops


def test_helpers() -> None:
    assert line_key(" L’IA  avance. ") == "l'ia avance"
    grams = shingles("a b c d e f", size=5)
    assert grams == {("a", "b", "c", "d", "e"), ("b", "c", "d", "e", "f")}
    assert containment({("a",)}, set()) == 0.0
    assert containment(set(), {("a",)}) == 0.0
