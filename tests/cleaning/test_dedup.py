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


FRENCH_PARAGRAPHS = [
    "Le plan d’épargne retraite a séduit plusieurs millions d’épargnants grâce à son avantage fiscal.",
    "Un contrat supporte plusieurs couches de frais, prélevées chaque année sur l’épargne accumulée.",
    "Notre comparatif de vingt contrats montre que les écarts entre assureurs restent considérables.",
    "Pour réduire la facture, mieux vaut comparer les frais sur versements et les frais de gestion.",
]


def test_a_table_of_contents_goes_and_the_subheadings_stay() -> None:
    lines = ["Sommaire", "Des frais qui se cumulent", "Le comparatif", "Comment réduire la facture",
             FRENCH_PARAGRAPHS[0], "Des frais qui se cumulent", FRENCH_PARAGRAPHS[1], "Le comparatif",
             FRENCH_PARAGRAPHS[2], "Comment réduire la facture", FRENCH_PARAGRAPHS[3]]  # fmt: skip
    assert Deduplicate().find(lines) == {1: "table of contents", 2: "table of contents", 3: "table of contents"}
    # without the rule, the subheadings went as repeats (three of them, a line apart: "a copy") and the contents stayed
    assert set(Deduplicate(contents=False).find(lines)) == {5, 7, 9}


def test_a_menu_repeated_in_the_footer_is_no_table_of_contents() -> None:
    # the copies follow each other: a second copy, not subheadings spread through the article
    lines = ["Marchés", "Entreprises", FRENCH_PARAGRAPHS[0], FRENCH_PARAGRAPHS[1], "Marchés", "Entreprises"]
    assert Deduplicate().find(lines) == {4: "duplicate line", 5: "duplicate line"}


def test_a_cell_repeated_in_a_french_table_is_no_repeat() -> None:
    lines = [FRENCH_PARAGRAPHS[0], "Support", "Rendement", "Disponibilité", "Livret A", "3 %", "Immédiate",
             "LEP", "5 %", "Immédiate", "Compte à terme", "3,2 %", "Bloqué", FRENCH_PARAGRAPHS[1]]  # fmt: skip
    assert Deduplicate().find(lines) == {}
    assert Deduplicate(table_cells=False).find(lines) == {9: "duplicate line"}


def test_the_two_rules_of_round_ba_are_for_french_documents() -> None:
    english = [
        "Contents", "Fees that add up", "The comparison",
        "The retirement savings plan has attracted several million savers thanks to its tax advantage in France.",
        "Fees that add up",
        "A contract carries several layers of fees, taken every year from the savings built up over decades.",
        "The comparison",
        "Our comparison of twenty contracts shows that the gaps between insurers remain very large indeed.",
    ]  # fmt: skip
    assert Deduplicate().find(english) == {4: "duplicate line", 6: "duplicate line"}


def test_a_step_that_ran_pickles_as_one_that_did_not() -> None:
    import pickle

    step = Deduplicate()
    fresh = pickle.dumps(step)
    step.find(["Titre", PARAGRAPH, PARAGRAPH])
    assert pickle.dumps(step) == fresh  # what the last call kept is a cache, not the step


def test_a_text_made_of_lines_the_last_call_kept_is_still_checked_for_near_duplicates() -> None:
    step = Deduplicate()
    fragment = PARAGRAPH[: PARAGRAPH.index(" pour")]
    first = ["Titre", PARAGRAPH, "Autre ligne", fragment]
    assert step.find(first) == {3: "near-duplicate paragraph"}
    # lines of the last text in its order, but one of them it dropped: a full check, which finds it again
    assert step.find([PARAGRAPH, fragment]) == {1: "near-duplicate paragraph"}
    assert step.find([PARAGRAPH]) == {}  # a rerun on what it kept


def test_many_repeated_short_lines_take_linear_time() -> None:
    """A table dumped one cell per line: the contents rule looks up each line's next copy by bisection."""
    import random
    import time

    rng = random.Random(0)
    values = [f"{rng.randint(0, 99)} %" for _ in range(40)] + ["Total", "Variation", "Prix"]
    lines = [rng.choice(values) for _ in range(60_000)]
    start = time.process_time()
    drops = Deduplicate().find(lines)
    assert time.process_time() - start < 20  # 1.5 s here; scanning each line's copies from the start took a minute
    assert len(drops) == 60_000 - len(set(lines))
