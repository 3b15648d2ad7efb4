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


def test_a_text_of_one_paragraph_or_a_title_and_its_paragraph_is_no_advertisement() -> None:
    """With nothing around it longer than itself, nothing tells a pitch from the article it is."""
    news = ("Si vous roulez au diesel, Bercy versera dès janvier une prime de 2 000 euros avec le concours de "
            "Mobilis Auto, qui accompagne les ménages dans leur demande, sans frais ni engagement.")
    assert advertisers_copy([news]) == set()
    assert advertisers_copy(["Une prime pour les conducteurs de diesel", news]) == set()
    assert advertisers_copy([*ARTICLE[:3], news, *ARTICLE[3:]]) == {3}  # inside an article, it is one


def test_brands_of_a_very_long_line_take_linear_time() -> None:
    import time

    line = "Le groupe Ardent Gestion a relevé ses objectifs. Avec Vélia Vie, épargnez sans frais. " * 20_000  # 1.7 MB
    start = time.process_time()
    assert len(brands(line)) == 40_000
    assert time.process_time() - start < 10  # 0.1 s here; a copy of the text before each name took minutes
