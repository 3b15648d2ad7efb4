from __future__ import annotations

import pytest

from stance.cleaning import Cleaner, LineModel
from stance.cleaning.tables import article_tables, content_words, is_caption, is_cell, table_runs

INTRO = "Le distributeur a publié mercredi ses comptes annuels, et voici les principaux chiffres :"
TABLE = ["Indicateur", "2023", "2024", "Chiffre d’affaires", "2,78 Md€", "2,84 Md€",
         "Résultat net", "96 M€", "61 M€", "Dette nette", "412 M€", "455 M€"]  # fmt: skip
AFTER = "La dette nette progresse donc encore, malgré la cession de deux entrepôts en fin d’année."
ARTICLE = [
    "Marvalis résiste à la déprime de la consommation mais ferme quatorze magasins",
    "Le distributeur spécialisé dans l’équipement de la maison a publié un chiffre d’affaires en hausse de 2,1 %.",
    "Dans un marché qui a reculé de près de 4 % l’an dernier, le groupe nantais fait figure d’exception.",
    INTRO, *TABLE, AFTER,
    "Le groupe confirme la fermeture de quatorze points de vente d’ici à la fin de l’année prochaine.",
]  # fmt: skip
FIRST = ARTICLE.index("Indicateur")


def test_a_cell_is_short_and_no_sentence() -> None:
    assert is_cell("2,84 Md€") and is_cell("Résultat opérationnel courant")
    assert not is_cell("Voici les taux :")  # it introduces the table
    assert not is_cell("Le titre recule.")  # a sentence
    assert not is_cell("Le groupe nantais a réalisé un chiffre d’affaires de 2,84 milliards")  # prose


def test_a_table_is_rows_whose_columns_agree_on_numbers() -> None:
    assert table_runs(TABLE) == [(0, 12)]
    # what is left after the last full row is not the table's
    assert table_runs([*TABLE, "Source"]) == [(0, 12)]
    # rows of numbers only, under a header of words (durations, rates)
    assert table_runs(["Durée", "Taux moyen", "Meilleurs dossiers", "15 ans", "3,05 %", "2,75 %",
                       "20 ans", "3,15 %", "2,85 %", "25 ans", "3,30 %", "3,00 %"]) == [(0, 12)]  # fmt: skip
    # one cell in four may differ: a model's name with or without a number
    watches = ["Modèle", "Prix", "Autonomie", "GPS", "Pulse 2", "179 €", "12 jours", "Oui",
               "Band Max", "69 €", "10 jours", "Non", "Trail S", "199 €", "16 jours", "Oui"]  # fmt: skip
    assert table_runs(watches) == [(0, 16)]


@pytest.mark.parametrize(
    "lines",
    [
        ["Accueil", "Économie", "Marchés", "Entreprises", "Bourse", "Immobilier"],  # a menu: no numbers
        ["1", "2", "3", "4", "5", "6", "7", "8"],  # pagination: numbers, and no column of words
        ["Indicateur", "2023", "2024", "Chiffre d’affaires", "2,78 Md€", "2,84 Md€"],  # two rows only
        ["CAC 40", "Euro Stoxx 50", "DAX", "Dow Jones", "Nasdaq", "Nikkei"],  # columns do not agree
    ],
)
def test_what_is_no_table(lines: list[str]) -> None:
    assert table_runs(lines) == []


def test_a_table_is_the_article_s_when_article_text_is_kept_on_both_sides() -> None:
    lines = [INTRO, *TABLE, AFTER]
    assert article_tables(lines, lambda index: False) == [(1, 13)]
    assert article_tables(lines, lambda index: index == 13) == []  # the text after it is dropped
    assert article_tables(TABLE, lambda index: False) == []  # nothing around it
    # a title is no article text
    assert article_tables(["Nos chiffres", *TABLE, AFTER], lambda index: False) == []


def test_the_cleaner_keeps_a_french_table_inside_the_article() -> None:
    step = LineModel()
    assert not set(step.find(ARTICLE)) & set(range(FIRST, FIRST + len(TABLE)))
    without = LineModel(tables=False).find(ARTICLE)
    assert without[ARTICLE.index("2023")] == "lone number"  # what the step saves
    cleaned = Cleaner().clean("\n\n".join(ARTICLE))
    assert "Chiffre d’affaires\n\n2,78 Md€\n\n2,84 Md€" in cleaned.text
    assert cleaned.dropped == ()


def test_a_table_keeps_no_line_another_rule_drops() -> None:
    lines = list(ARTICLE)
    lines[FIRST + 4] = "Partager"  # a share button where a cell was
    assert LineModel().find(lines)[FIRST + 4] == "share or reaction button"


def test_a_table_outside_the_article_still_goes() -> None:
    # a quotes widget after the article's last line: no article text after it
    lines = [*ARTICLE[:3], "Valeur", "Cours", "Variation", "Aquavia", "28,14", "+1,3 %", "Veralis", "45,02",
             "+0,9 %", "Silicor", "63,80", "−4,6 %"]  # fmt: skip
    drops = LineModel().find(lines)
    assert drops[lines.index("28,14")] == "lone number"


class _EveryLanguage(LineModel):
    table_languages = None


def test_a_table_in_a_document_in_another_language_is_left_to_the_model() -> None:
    # an English article whose table sits between kept sentences: the step would keep its cells, were it run
    english = [
        "Retailer Marvel Home held up well last year despite the slump in household spending across the country.",
        "The retailer published its annual accounts on Wednesday, and its revenue rose by two per cent to a record.",
        "Here are the main figures of the year as the group reported them:",
        "Indicator", "2023", "2024", "Revenue", "2.78bn", "2.84bn", "Net income", "96m", "61m",
        "Net debt", "412m", "455m",
        "Net debt therefore rose again despite the sale of two warehouses at the end of the year.",
        "The group confirmed that it would close fourteen stores by the end of next year as planned.",
    ]  # fmt: skip
    assert LineModel().find(english) == LineModel(tables=False).find(english)
    assert english.index("2023") in LineModel().find(english)
    assert english.index("2023") not in _EveryLanguage().find(english)  # the gate is what keeps them dropped


def test_a_step_pickled_before_the_tables_keeps_them_when_unpickled() -> None:
    step = LineModel()
    state = step.__getstate__()
    del state["tables"]  # as a step pickled before round AW
    old = LineModel.__new__(LineModel)
    old.__setstate__(state)
    assert old.tables and old.find(ARTICLE) == step.find(ARTICLE)


FACT_BOX = ["Siège", "Périgny (Charente-Maritime)", "Création", "1998", "Effectif", "340 salariés",
            "Chiffre d’affaires 2023", "58 millions d’euros"]  # fmt: skip


def test_a_fact_box_of_key_value_pairs_is_a_table() -> None:
    # keys without a digit but one, values with a digit three times in four: too loose for columns that agree
    assert table_runs(FACT_BOX) == []
    assert table_runs(FACT_BOX, key_values=True) == [(0, 8)]
    # with its title before it, the pairs start on the second line
    assert table_runs(["Ostralis Composites en bref", *FACT_BOX], key_values=True) == [(1, 9)]
    # values without digits, or keys with them, are no fact box: a list of names, a list of years
    assert table_runs(["Siège", "Paris", "Président", "Jean Aubry", "Marché", "Euronext", "Secteur", "Chimie"],
                      key_values=True) == []  # fmt: skip
    assert table_runs(["2019", "12 M€", "2020", "14 M€", "2021", "19 M€"], key_values=True) == []


def test_the_cleaner_keeps_a_fact_box_inside_a_french_article() -> None:
    lines = [*ARTICLE[:3], "Marvalis en bref", *FACT_BOX, AFTER, ARTICLE[-1]]
    cells = set(range(4, 4 + len(FACT_BOX)))
    assert not cells & set(LineModel().find(lines))
    # what the fact box rule saves (round CM's odd row would save this box too: one of its values holds no digit)
    assert cells & set(LineModel(key_values=False, table_odd_row=False).find(lines))


def test_article_text_up_to_five_lines_after_a_table_places_it_in_the_article() -> None:
    # a source note, an advertisement's label, a share button, then a subheading, before the next paragraph
    lines = [*ARTICLE[:FIRST + len(TABLE)], "Source : Marvalis.", "Publicité", "Partager", "Des fermetures à venir",
             AFTER, ARTICLE[-1]]
    table = set(range(FIRST, FIRST + len(TABLE)))
    assert not table & set(LineModel().find(lines))
    # round AW looked three lines away (and round CA's caption, the line introducing the table, would save it, and
    # round CD's words the cells share with the article's prose)
    assert LineModel(table_near=3, table_captions=False, table_words=False).find(lines)[FIRST + 1] == "lone number"


CAPTION = "Les comptes de Marvalis en 2023 et 2024 (en euros)"
# the table ends the article: its source note, an advertisement and the site's furniture follow
ENDING = [*ARTICLE[:3], CAPTION, *TABLE, "Source : Marvalis.", "Publicité", "Newsletter", "Mentions légales"]
CELLS = set(range(4, 4 + len(TABLE)))


def test_a_caption_is_a_title_of_prose_length_that_ends_no_sentence() -> None:
    assert is_caption(CAPTION) and is_caption("Voici les taux :")
    assert not is_caption("Cotations du jour")  # a widget's heading: too short
    assert not is_caption(ARTICLE[2])  # the article's last paragraph: it ends a sentence


def test_a_table_that_ends_the_article_under_its_caption_is_the_article_s() -> None:
    drops = LineModel().find(ENDING)
    assert not (CELLS | {3}) & set(drops)  # the cells and the caption stay
    without = LineModel(table_captions=False).find(ENDING)
    assert without[ENDING.index("2023")] == "lone number"  # what round CA saves
    assert article_tables(ENDING, lambda index: index >= 3) == [(3, 4 + len(TABLE))]  # the caption with it
    assert article_tables(ENDING, lambda index: index >= 3, captions=False) == []


def test_a_table_under_a_short_heading_after_the_article_still_goes() -> None:
    # a market widget under the article's last paragraph: its heading is no caption
    lines = [*ARTICLE[:3], "Cotations du jour", "Valeur", "Cours", "Variation", "Aquavia", "28,14", "+1,3 %",
             "Veralis", "45,02", "+0,9 %", "Silicor", "63,80", "−4,6 %", "Publicité"]  # fmt: skip
    assert LineModel().find(lines)[lines.index("28,14")] == "lone number"


def test_a_step_pickled_before_round_ca_keeps_the_captioned_tables() -> None:
    step = LineModel()
    state = step.__getstate__()
    del state["table_captions"]
    old = LineModel.__new__(LineModel)
    old.__setstate__(state)
    assert old.table_captions and old.find(ENDING) == step.find(ENDING)


# Round CC: a table under its own title, and a header that ends with an abbreviation.
TITLED = ["Les primes à l’origine", "Origine", "Qualité", "Prime FOB ($/t)", "Semaine précédente",
          "Vietnam", "Grade 2", "+180", "+240", "Ouganda", "Screen 15", "+320", "+350",
          "Brésil", "Conilon 7/8", "-150", "-110", "Indonésie", "Grade 4", "+260", "+300"]  # fmt: skip
ROBUSTA = [
    "Robusta : les primes du Vietnam se détendent avant la nouvelle récolte",
    "Les exportateurs écoulent leurs derniers stocks, et les primes reculent de 40 à 60 dollars en une semaine.",
    "« Les stocks dans les fermes sont plus importants qu’on ne le pensait », observe une négociante de la région.",
    *TITLED,
    "Le conilon brésilien reste l’option la moins chère pour les mélanges, avec une décote qui se creuse encore.",
    "Les torréfacteurs italiens en profitent pour reconstituer leurs stocks avant l’hiver, selon les courtiers.",
]  # fmt: skip
VAR_HEADER = ["Cours indicatifs de la semaine", "Catégorie", "Origine", "Prix (€/kg)", "Var. sem.",
              "Extra vierge", "Espagne", "4,42", "-0,35", "Vierge", "Espagne", "4,05", "-0,28",
              "Lampante", "Espagne", "3,61", "-0,22", "Extra vierge", "Italie", "8,90", "-0,10"]  # fmt: skip
OLIVE = [
    "L’huile d’olive espagnole poursuit sa baisse",
    "L’extra vierge s’est échangé en moyenne à 4,42 euros le kilo la semaine dernière, contre 4,77 euros en septembre.",
    "Côté conditionneurs, la prudence domine, et personne ne veut se couvrir au-delà de mars.",
    *VAR_HEADER,
    "Seule exception, l’huile italienne résiste, faute d’une récolte suffisante dans les Pouilles cette année.",
    "Notre scénario reste celui d’une stabilisation autour de quatre euros le kilo d’ici au printemps.",
]  # fmt: skip


def test_a_header_ending_with_an_abbreviation_is_a_cell() -> None:
    assert is_cell("Var.") and is_cell("Var. sem.") and is_cell("Var. sur 1 sem.") and is_cell("12 févr.")
    assert is_cell("Prix moy.") and is_cell("Évol.")
    assert not is_cell("Il a dit oui.") and not is_cell("Le titre recule.")  # sentences
    assert not is_cell(".")


def test_a_title_above_the_table_is_not_taken_for_its_first_cell() -> None:
    # laid out from the title, every row is shifted and the last cell left over; from the header, the rows fit
    assert table_runs(TITLED) == [(1, len(TITLED))]


def test_the_last_cell_of_a_table_under_its_title_stays() -> None:
    cleaned = Cleaner().clean("\n\n".join(ROBUSTA))
    assert cleaned.dropped == ()  # "+300" went as a "lone number" before round CC
    assert cleaned.text.endswith("+260\n\n+300\n\n" + ROBUSTA[-2] + "\n\n" + ROBUSTA[-1])


def test_a_table_whose_header_ends_with_an_abbreviation_stays_whole() -> None:
    assert table_runs(VAR_HEADER) == [(1, len(VAR_HEADER))]  # from its header "Catégorie", "Var. sem." included
    cleaned = Cleaner().clean("\n\n".join(OLIVE))
    # before round CC: the run broke at "Var. sem.", the numbers went as lone numbers and the repeated cells as a
    # repeated copy
    assert cleaned.dropped == ()


# Round CD: a table that ends the article, under a short title, naming what the article's prose names.
HERBS = [
    "Herbes sèches : le thym marocain se fait rare, la menthe égyptienne baisse",
    "Au Maroc, la sécheresse pèse lourdement sur la cueillette de thym sauvage dans le Moyen Atlas depuis six ans.",
    "En Égypte, une bonne récolte de menthe poivrée a fait reculer les prix ; l’origan de Turquie se maintient.",
    "Cours FOB des principales aromatiques séchées",
    "Plante", "Origine", "Prix (€/kg)", "Sur un mois",
    "Thym", "Maroc", "3,40", "+6 %",
    "Origan", "Turquie", "4,15", "+1 %",
    "Menthe poivrée", "Égypte", "2,20", "−4 %",
    "Romarin", "Tunisie", "1,90", "0 %",
    "Source : relevés de la rédaction auprès de cinq importateurs.",
    "Publicité",
    "Se désabonner",
    "Mentions légales",
]  # fmt: skip


def test_content_words_are_no_stopwords_and_no_numbers() -> None:
    assert content_words("Le thym du Maroc dépasse 3,40 euros") == {"thym", "maroc", "dépasse", "euros"}
    assert content_words("Sur un mois") == {"mois"}


def test_a_table_ending_the_article_whose_cells_name_what_its_prose_names_is_the_article_s() -> None:
    drops = LineModel().find(HERBS)
    assert set(drops) == {25, 26, 27}  # the advertisement's label and the furniture go
    assert drops[25] == "advertising"
    # the source note under the table stays since round CJ; before, it went as a photo's credit
    assert LineModel(source_notes=False).find(HERBS)[24] == "photo caption or credit"
    without = LineModel(table_words=False).find(HERBS)
    assert without[10] == "lone number" and without[3].startswith("boilerplate")  # what round CD saves
    assert article_tables(HERBS, lambda index: index >= 24) == [(3, 24)]  # with its title
    assert article_tables(HERBS, lambda index: index >= 24, shared_words=False) == []


def test_a_table_ending_the_article_must_follow_its_prose_right_away() -> None:
    # a dropped line between the article's last paragraph and the table's title: no longer the article's
    lines = [*HERBS[:3], "Partagez cet article avec vos collègues de la filière", *HERBS[3:]]
    assert article_tables(lines, lambda index: index == 3 or index >= 25) == []


def test_a_widget_naming_nothing_of_the_article_still_goes_under_it() -> None:
    widget = ["Cotations du jour", "Valeur", "Cours", "Variation", "Aquavia", "28,14", "+1,3 %",
              "Veralis", "45,02", "+0,9 %", "Silicor", "63,80", "−4,6 %", "Publicité"]  # fmt: skip
    lines = [*HERBS[:3], *widget]
    assert LineModel().find(lines)[lines.index("28,14")] == "lone number"


def test_a_share_widget_and_contacts_under_a_press_release_are_no_article_table() -> None:
    """Round CH: an investor-relations page's share widget shares the company's name with the release."""
    release = [
        "Chiffre d'affaires 2023 : 14,17 milliards d'euros, +6,1 % en comparable",
        "Créteil, le 1er février 2024 – Le groupe Maraval a réalisé en 2023 un chiffre d'affaires consolidé de 14,17 "
        "milliards d'euros.",
        "Fondé en 1962 à Créteil, le groupe Maraval est un acteur de la distribution alimentaire en France.",
    ]
    widget = ["Action Maraval", "Euronext Paris – Compartiment A", "ISIN FR0013451278", "22,14 €", "-0,37 %",
              "Volume : 298 615", "Cours différé de 15 minutes – 01/02/2024 17:35", "Voir le graphique détaillé",
              "Contacts", "Relations investisseurs", "Sophie Aubertin-Leroux", "+33 1 72 00 48 10",
              "investisseurs@maraval-distribution.com", "Relations presse", "Julien Marchetti",
              "+33 1 72 00 48 25"]  # fmt: skip
    lines = [*release, *widget]
    assert table_runs(lines) == [(3, 18)]
    assert article_tables(lines, lambda index: index >= 3) == []
    drops = LineModel().find(lines)
    assert drops[lines.index("-0,37 %")] == "lone number"
    assert lines.index("investisseurs@maraval-distribution.com") in drops


@pytest.mark.parametrize("cell", ["investisseurs@maraval-distribution.com", "+33 1 72 00 48 10", "01 72 00 48 10",
                                  "ISIN FR0013451278", "Cours différé de 15 minutes", "www.maraval-groupe.fr"])
def test_a_widget_s_cells(cell: str) -> None:
    from stance.cleaning.tables import WIDGET_CELL

    assert WIDGET_CELL.search(cell)


@pytest.mark.parametrize("cell", ["3,05 %", "12 450 tonnes", "2024", "Rose rouge", "1 240 magasins", "+6,8 %"])
def test_an_article_table_s_cells_are_no_widget_s(cell: str) -> None:
    from stance.cleaning.tables import WIDGET_CELL

    assert not WIDGET_CELL.search(cell)


def test_a_table_with_one_row_off_its_columns_pattern_stays_inside_the_article() -> None:
    """Round CM: a "stable" among the weekly changes puts one row of four off the table's pattern of digit columns;
    one such row no longer hides the table, however few its rows."""
    rows = ["Produit et place", "Prix", "Variation", "Maïs rendu Bordeaux", "188", "-6", "Maïs rendu Rhin", "191", "-5",
            "Blé tendre rendu Rouen", "214", "+2", "Orge de brasserie rendu Creil", "238", "stable"]  # fmt: skip
    # without it the best layout is shifted by a line, and leaves the last row out
    assert table_runs(rows) == [(1, 13)] and table_runs(rows, odd_row=True) == [(0, 15)]
    lines = ["Maïs : la récolte avance, les prix reculent",
             "Les chantiers tournent à plein dans le Sud-Ouest et les rendements surprennent en bien cette année.",
             "Les prix rendus de la semaine :", *rows,
             "À contre-courant, les orges de brasserie restent fermes, les malteurs manquant de bons lots.",
             "Les fabricants d'aliments du bétail, eux, se couvrent au jour le jour en attendant la fin de la récolte."]
    cells = set(range(3, 3 + len(rows)))
    assert not cells & set(LineModel().find(lines))
    assert LineModel(table_odd_row=False).find(lines) == {16: "lone number"}  # the last row's "238"
