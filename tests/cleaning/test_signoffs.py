"""Round CL: the author's sign-off right under the article's last line is the article's (stance.cleaning.signoffs)."""

from __future__ import annotations

import pytest

from stance.cleaning import LineModel
from stance.cleaning.signoffs import is_sign_off, sign_offs

LETTER = ["La Lettre du Colza",
          "Le colza reprend 4 euros sur la semaine, porté par la fermeté du soja américain et la demande chinoise.",
          "Les triturateurs européens ont relevé leurs offres pour la récolte à venir : le marché reste tendu.",
          "Bonne semaine à tous,",
          "Yannick Le Goff",
          "Se désinscrire",
          "Mentions légales"]  # fmt: skip


@pytest.mark.parametrize("line", ["Bonne semaine à tous,", "À jeudi prochain. — Gilles Marchal", "— Clémence",
                                  "Merci d'avance pour vos retours, Thierry", "Amicalement,",
                                  "À bientôt pour la suite, Fabrice", "Bonne lecture, Hélène Marquet"])
def test_closing_words_and_a_name_after_a_dash_are_sign_offs(line: str) -> None:
    assert is_sign_off(line)


@pytest.mark.parametrize("line", ["Julien", "Michel Aubertin, président", "Claire – librairie La Marge, Angers"])
def test_a_bare_name_is_a_sign_off_only_under_closing_words(line: str) -> None:
    assert not is_sign_off(line) and is_sign_off(line, after_greeting=True)


@pytest.mark.parametrize("line", ["— Manu, le 19/03 à 12h02", "Merci à tous les exposants du salon de Rennes.",
                                  "Bonne nouvelle pour les éleveurs : la collecte de lait repart à la hausse cet été."])
def test_dates_and_sentences_are_no_sign_off(line: str) -> None:
    assert not is_sign_off(line) and not is_sign_off(line, after_greeting=True)


def test_a_tag_under_the_article_is_no_sign_off() -> None:
    assert not is_sign_off("Emploi") and not is_sign_off("Industrie agroalimentaire")


def test_a_letter_s_sign_off_stays_with_the_line_model() -> None:
    drops = LineModel().find(LETTER)
    assert 3 not in drops and 4 not in drops
    assert drops[5] == "newsletter or subscription notice"
    assert LineModel(sign_offs=False).find(LETTER)[4].startswith("boilerplate (p=")  # the model alone drops the name


def test_only_what_ends_the_article_under_a_kept_line_is_a_sign_off() -> None:
    lines = ["Je cherche un fournisseur de cire pour mes pots de miel, des idées ?", "Merci d'avance,", "Julien",
             "Réponses (3)", "Julien", "Essaie la coopérative de Mende, ils livrent en 48 heures."]
    model = {1, 2, 3, 4}
    assert sign_offs(lines, model.__contains__, model.__contains__) == [1, 2]  # not the reply's author (4)
    # a greeting followed by a line the model kept is inside the article, not its end: left to the model
    assert sign_offs([*lines[:2], "Je précise : des pots de 250 g."], {1}.__contains__, {1}.__contains__) == []
    # a line a rule dropped stays dropped
    assert sign_offs(lines, model.__contains__, {2, 3, 4}.__contains__) == []
