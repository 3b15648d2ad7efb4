from __future__ import annotations

import pytest

from stance.cleaning import LineModel
from stance.cleaning.boxes import article_boxes, is_box_title

PARAGRAPHS = [
    "Vacance record : les bureaux vides s'accumulent en Île-de-France",
    "Le parc francilien compte désormais 5,9 millions de mètres carrés de bureaux vacants, un niveau jamais atteint.",
    "Dans le quartier central des affaires, le taux de vacance reste pourtant inférieur à 3 %, selon les courtiers.",
    "La périphérie concentre l'essentiel des surfaces vides, en particulier les immeubles construits avant 2000.",
    "Les propriétaires renégocient leurs dettes, et plusieurs foncières ont déjà cédé des immeubles à perte.",
    "Pour les investisseurs, la question n'est plus de savoir si les prix baisseront, mais de combien ils le feront.",
]
BOX = ["Ce qu'il faut retenir", "5,9 millions de mètres carrés sont vacants.", "La vacance dépasse 20 % en périphérie.",
       "Plus de 2 milliards d'euros de dettes sont renégociés."]  # fmt: skip
FOOTER = ["Partager", "Newsletter", "Mentions légales", "Contact"]


@pytest.mark.parametrize("title", ["Ce qu'il faut retenir", "Ce qu’il faut retenir :", "Repères", "L'essentiel",
                                   "En chiffres", "Maréville Fund Services en chiffres", "Bio express", "Notre verdict",
                                   "On aime", "On aime moins", "Les chiffres clés"])  # fmt: skip
def test_the_titles_of_an_article_s_box(title: str) -> None:
    assert is_box_title(title)


@pytest.mark.parametrize("line", ["En bref", "En savoir plus", "Pour aller plus loin", "Les plus lus", "Repères :"
                                  " les dates de la réforme des retraites depuis 1993, une à une"])  # fmt: skip
def test_what_is_no_box_title(line: str) -> None:
    assert not is_box_title(line)  # a site's sections, its lists of links, a line too long


def test_a_box_is_its_title_and_its_items_of_one_kind() -> None:
    lines = [*PARAGRAPHS, *BOX, *FOOTER]
    first = len(PARAGRAPHS)
    # the footer's phrases are not items of a box of sentences
    assert article_boxes(lines, lambda index: False, lambda index: False) == [(first, first + len(BOX))]
    # a box of phrases stops at a furniture rule's line
    facts = ["Repères", "Création : 1896", "Effectif : 142 salariés", "Part de l'export : 38 %"]
    lines = [*PARAGRAPHS, *facts, "Partager", "Contact"]
    assert article_boxes(lines, lambda index: False, lambda index: index == first + 4) == [(first, first + 4)]
    # another box's title starts items of their own kind
    verdict = ["Notre verdict", "Note : 8/10", "On aime", "La réparabilité exemplaire", "On aime moins",
               "L'autonomie juste correcte", "Un ordinateur qu'on garde longtemps, et c'est rare."]  # fmt: skip
    lines = [*PARAGRAPHS, *verdict, "Partager"]
    assert article_boxes(lines, lambda index: False, lambda index: index == first + 7) == [(first, first + 6)]


def test_a_box_needs_the_article_s_text_kept_next_to_it() -> None:
    lines = [*PARAGRAPHS, *BOX, *FOOTER]
    first = len(PARAGRAPHS)
    near = range(first - 5, first + 1 + 5)
    assert article_boxes(lines, lambda index: index in near, lambda index: False) == []


def test_the_line_model_keeps_the_lines_of_the_article_s_box_it_dropped() -> None:
    lines = [*PARAGRAPHS, *BOX, *FOOTER]
    first = len(PARAGRAPHS)
    # the shipped model keeps this box; at a threshold just above its last item's probability of being content the
    # model drops that item, and the step saves it
    threshold = float(LineModel().content_probability(lines)[first + 3]) + 0.01
    assert threshold < 0.99
    without = LineModel(boxes=False, threshold=threshold).find(lines)
    assert without[first + 3].startswith("boilerplate (p=")  # what the step saves: the box at the article's end
    found = LineModel(threshold=threshold).find(lines)
    assert not set(range(first, first + len(BOX))) & set(found)
    assert found[first + len(BOX)] == "share or reaction button"  # the furniture after it still goes


def test_boxes_are_kept_in_french_documents_only() -> None:
    english = ["Office vacancy hits a record high in the Paris region as landlords renegotiate their debts.",
               "The central business district still has a vacancy rate below three percent, brokers say.",
               "Most empty space is in older suburban buildings that were built before the year 2000 began.",
               "Landlords are renegotiating more than two billion euros of debt with their lending banks.",
               "For investors the question is no longer whether prices will fall but by how much they will.",
               "En chiffres", "5.9 million square metres are empty.", "Vacancy tops 20 percent in the suburbs.",
               "Two billion euros of debt are renegotiated.", "Share", "Contact"]  # fmt: skip
    # a box by its title and items, whose last item the model drops (at a threshold just above its probability of
    # being content): only the document's language keeps it dropped
    assert article_boxes(english, lambda index: False, lambda index: False) == [(5, 9)]
    threshold = float(LineModel().content_probability(english)[8]) + 0.01
    assert threshold < 0.99
    assert LineModel(boxes=False, threshold=threshold).find(english)[8].startswith("boilerplate (p=")
    assert LineModel(threshold=threshold).find(english) == LineModel(boxes=False, threshold=threshold).find(english)
