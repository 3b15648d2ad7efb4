from __future__ import annotations

import pytest

from stance.cleaning import LineModel
from stance.cleaning.sitecopy import advertisers_copy, brands, taglines

ARTICLE = [
    "Ardent Gestion relève ses objectifs après un trimestre record",
    "La société de gestion lyonnaise a collecté 2 milliards d'euros au premier trimestre, le double de l'an dernier.",
    "Ardent Gestion profite de l'engouement des épargnants pour les fonds obligataires datés, dont elle est l'un "
    "des spécialistes en France.",
    "« Nous n'avions jamais vu un tel afflux de capitaux », a reconnu son président, Paul Ferrand, lors d'une "
    "conférence téléphonique.",
    "La société vise désormais 10 milliards d'euros d'encours en 2027, contre 6,5 milliards aujourd'hui.",
]  # fmt: skip
AD = "Épargnez sans frais d'entrée avec Vélia Vie : ouverture en ligne en dix minutes, conseiller dédié."


def test_an_advertisers_paragraph_names_a_brand_found_nowhere_else_and_sells_to_the_reader() -> None:
    lines = [*ARTICLE[:3], AD, *ARTICLE[3:]]
    assert advertisers_copy(lines) == {3}


@pytest.mark.parametrize(
    "line",
    [
        # the article's own company, named elsewhere in the text
        "Avec Ardent Gestion, les épargnants profitent de frais réduits, sans engagement de durée.",
        # an offer reported, not made: no reader addressed, one selling word
        "Le concurrent Vélia Vie propose désormais des versements sans frais d'entrée sur ses contrats.",
        # a quote
        "« Avec Vélia Vie, épargnez sans frais, conseiller dédié compris », promet la publicité de l'assureur.",
        # too short for a paragraph
        "Vélia Vie : sans frais, sans engagement.",
    ],
)
def test_what_is_no_advertisers_copy(line: str) -> None:
    lines = [*ARTICLE[:3], line, *ARTICLE[3:]]
    assert advertisers_copy(lines) == set()


def test_brands_are_capitalised_names_but_not_sentence_openers_pronouns_or_acronyms() -> None:
    assert brands("Avec Terminal Orbis, accédez aux notes de la BCE.") == ["Terminal Orbis"]
    assert brands("Vous investissez dans les PME ? Ouvrez un PEA.") == []


def test_a_tagline_sits_at_the_top_with_the_sites_name_or_under_it() -> None:
    assert taglines(["Neo Ledger — l'actualité de la fintech et des cryptoactifs", *ARTICLE]) == {0}
    assert taglines(["Griffes & Bilans", "L'économie du luxe et de la mode", *ARTICLE]) == {1}
    # a title about the medium is no tagline: it is the first line, and it ends no name
    assert taglines(["Le quotidien des agriculteurs bouleversé par la sécheresse", *ARTICLE]) == set()
    # lower down, the same phrase is the article's
    assert taglines([*ARTICLE[:3], "Rente & Garanties — le magazine de la retraite"]) == set()


def test_the_line_model_drops_them_in_french_documents_with_their_reasons() -> None:
    lines = ["Neo Ledger — l'actualité de la fintech et des cryptoactifs", *ARTICLE[:3], AD, *ARTICLE[3:]]
    drops = LineModel(site_copy=True).find(lines)
    assert drops[0] == "site tagline" and drops[4] == "advertising"
    assert 0 not in LineModel(site_copy=False).find(lines)  # what the step saves
