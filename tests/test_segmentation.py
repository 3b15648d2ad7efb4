from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.errors import InputError
from stance.segmentation import count_words, segment, split_paragraphs, split_sentences


def texts(text: str) -> list[str]:
    return split_sentences(text)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(span.kind, span.text) for span in segment(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "M. Dupont est arrivé. Mme Durand aussi.",
            ["M. Dupont est arrivé.", "Mme Durand aussi."],
        ),
        (
            "Le Dr. Martin et le Pr. Legrand sont là. Ils parlent.",
            ["Le Dr. Martin et le Pr. Legrand sont là.", "Ils parlent."],
        ),
        (
            "Jules César meurt en 44 av. J.-C. à Rome. Le Sénat tremble.",
            ["Jules César meurt en 44 av. J.-C. à Rome.", "Le Sénat tremble."],
        ),
        (
            "Ce sont des produits comme ChatGPT, Claude, etc., que l'on ouvre. Voilà.",
            ["Ce sont des produits comme ChatGPT, Claude, etc., que l'on ouvre.", "Voilà."],
        ),
        (
            "Il vend des puces, des robots, etc. Le reste suit.",
            ["Il vend des puces, des robots, etc.", "Le reste suit."],
        ),
        (
            "Voir p. 12 et cf. Annexe B pour le détail. Fin.",
            ["Voir p. 12 et cf. Annexe B pour le détail.", "Fin."],
        ),
    ],
)
def test_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La valorisation passe de 400 milliards à 1,5 billion de dollars. Elle double.",
            ["La valorisation passe de 400 milliards à 1,5 billion de dollars.", "Elle double."],
        ),
        (
            "Tesla vendait 30 000 unités en 2012. 8 milliards proviennent de Tesla.",
            ["Tesla vendait 30 000 unités en 2012.", "8 milliards proviennent de Tesla."],
        ),
        (
            "Un soleil capté 24h/24 sans atmosphère. Rien d'autre.",
            ["Un soleil capté 24h/24 sans atmosphère.", "Rien d'autre."],
        ),
        (
            "Le taux passe à 3.5 % cette année. Il baisse.",
            ["Le taux passe à 3.5 % cette année.", "Il baisse."],
        ),
        (
            "Le prix est passé de 10-15 dollars à 220 dollars.",
            ["Le prix est passé de 10-15 dollars à 220 dollars."],
        ),
    ],
)
def test_numbers_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le vol. Les passagers attendent.", ["Le vol.", "Les passagers attendent."]),
        ("En 45 min. La SNCF s'excuse.", ["En 45 min.", "La SNCF s'excuse."]),
        ("Ils étaient sept. Les autres ont fui.", ["Ils étaient sept.", "Les autres ont fui."]),
        ("Il aime l’art. Le marché aussi.", ["Il aime l’art.", "Le marché aussi."]),
        ("Voir vol. 3 de la revue. Fin.", ["Voir vol. 3 de la revue.", "Fin."]),
        ("Le 12 sept. 2025 il part. Fin.", ["Le 12 sept. 2025 il part.", "Fin."]),
        ("Selon l’art. L. 1237-11 du code, non. Fin.", ["Selon l’art. L. 1237-11 du code, non.", "Fin."]),
    ],
)
def test_a_word_that_is_also_an_abbreviation_ends_a_sentence_before_a_capital(text: str,
                                                                              expected: list[str]) -> None:
    assert texts(text) == expected


def test_a_capital_letter_before_a_word_that_opens_sentences_is_no_initial() -> None:
    assert texts("La start-up a bouclé sa série A. Elle recrute. Le plan B. Les marchés suivent.") == [
        "La start-up a bouclé sa série A.",
        "Elle recrute.",
        "Le plan B.",
        "Les marchés suivent.",
    ]
    # a name's particle is no opener, and M. is always Monsieur
    assert texts("J. Le Pen parle. M. Il Divo chante.") == ["J. Le Pen parle.", "M. Il Divo chante."]


def test_initials_stay_with_the_name() -> None:
    assert texts("J. K. Rowling écrit. Elon R. Musk lit.") == [
        "J. K. Rowling écrit.",
        "Elon R. Musk lit.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ce discours de Musk... Ça sonne bien.", ["Ce discours de Musk...", "Ça sonne bien."]),
        (
            "Il observe le courant… Maintenant, il sait.",
            ["Il observe le courant…", "Maintenant, il sait."],
        ),
        ("Il hésite… puis repart.", ["Il hésite… puis repart."]),
        (
            "« Je cite (…) Les autres suivent », dit-il.",
            ["« Je cite (…) Les autres suivent », dit-il."],
        ),
        ("Il cite [...] Les autres suivent.", ["Il cite [...] Les autres suivent."]),
    ],
)
def test_ellipses(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Il a dit : « Bonjour. » Puis il est parti.",
            ["Il a dit : « Bonjour. »", "Puis il est parti."],
        ),
        (
            "« Je pars. Tu restes », dit-il. Ensuite il part.",
            ["« Je pars. Tu restes », dit-il.", "Ensuite il part."],
        ),
        (
            "« Vas-tu continuer ? » demanda-t-il. Oui.",
            ["« Vas-tu continuer ? » demanda-t-il.", "Oui."],
        ),
        (
            "“Vas-tu continuer ?” La réponse est simple : oui.",
            ["“Vas-tu continuer ?”", "La réponse est simple : oui."],
        ),
        (
            'Son objectif de "3 000 milliards. Au moins", est-il fou ? Non.',
            ['Son objectif de "3 000 milliards. Au moins", est-il fou ?', "Non."],
        ),
        (
            'Il dit "non." Ensuite il part.',
            ['Il dit "non."', "Ensuite il part."],
        ),
    ],
)
def test_quotes(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_a_long_quotation_is_split_into_its_sentences() -> None:
    sentence = "Nous construisons des fusées réutilisables pour aller sur Mars. "
    text = "Il a déclaré : « " + sentence * 8 + "»"
    assert len(texts(text)) == 8


def test_question_and_exclamation_marks_with_french_spacing() -> None:
    assert texts("Vraiment ?! Non. De quel côté êtes-vous ? Je reste.") == [
        "Vraiment ?!",
        "Non.",
        "De quel côté êtes-vous ?",
        "Je reste.",
    ]


def test_a_lower_case_word_after_a_question_mark_continues_the_sentence() -> None:
    assert texts("Pourquoi ? parce que.") == ["Pourquoi ? parce que."]


def test_a_paragraph_written_in_lower_case_is_split_into_sentences() -> None:
    assert texts("le cac 40 monte de 1,5 %. les banques suivent ! et m. dupont ? il vend.") == [
        "le cac 40 monte de 1,5 %.",
        "les banques suivent !",
        "et m. dupont ?",
        "il vend.",
    ]


def test_lower_case_writing_keeps_ellipses_addresses_and_abbreviations_inside_the_sentence() -> None:
    assert texts("je garde... enfin je crois. voir https://t.co/x i.e. demain.") == [
        "je garde... enfin je crois.",
        "voir https://t.co/x i.e. demain.",
    ]
    assert texts("je garde. www.exemple.fr en parle") == ["je garde. www.exemple.fr en parle"]


def test_one_capital_after_a_full_stop_means_the_writer_capitalises() -> None:
    assert texts("le titre monte. Les banques suivent. puis le luxe.") == [
        "le titre monte.",
        "Les banques suivent. puis le luxe.",
    ]
    assert texts("eDreams S.A. publie. les ventes montent.") == ["eDreams S.A. publie. les ventes montent."]


def test_camel_case_names_start_sentences() -> None:
    assert texts("Musk a fondé OpenAI. xAI a levé 17 milliards. iPhone suit.") == [
        "Musk a fondé OpenAI.",
        "xAI a levé 17 milliards.",
        "iPhone suit.",
    ]


def test_emoji() -> None:
    assert texts("C'est génial 🚀 Le lancement est prévu demain.") == [
        "C'est génial 🚀",
        "Le lancement est prévu demain.",
    ]
    assert kinds("💬 Débattons en commentaires :") == [
        ("heading", "💬 Débattons en commentaires :")
    ]
    assert texts("Le vol est réussi 👍🏽. Bravo.") == ["Le vol est réussi 👍🏽.", "Bravo."]


def test_bullets_lose_their_marker() -> None:
    text = "Trois points :\n• le prix\n- le volume ;\n1. la marge.\n2) le reste\n· Il y a 1h"
    assert kinds(text) == [
        ("heading", "Trois points :"),
        ("bullet", "le prix"),
        ("bullet", "le volume ;"),
        ("bullet", "la marge."),
        ("bullet", "le reste"),
        ("bullet", "Il y a 1h"),
    ]


def test_a_bullet_item_can_hold_several_sentences() -> None:
    assert kinds("• Le prix monte. La marge baisse.") == [
        ("bullet", "Le prix monte."),
        ("bullet", "La marge baisse."),
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("La confiance dans la valorisation exponentielle", "heading"),
        ("Première section | Qu'est-ce que Baron parie vraiment ?", "heading"),
        ("Starship (Source : SpaceX)", "heading"),
        ("La question choc :", "heading"),
        ("Elon Musk a admis lors de la conférence devant les investisseurs :", "sentence"),
        (
            "Ron Baron a investi dans Tesla en attendant qu'une voiture devienne une opportunité ;",
            "sentence",
        ),
        ("Le marché a progressé.", "sentence"),
        ("Pourquoi Musk veut-il aller sur Mars ?", "sentence"),
        (" ".join(["mot"] * 25), "sentence"),
        ("💬", "heading"),
    ],
)
def test_headings_are_short_lines_without_final_punctuation(line: str, kind: str) -> None:
    assert [span.kind for span in segment(line)] == [kind]


def test_paragraphs_are_lines_and_wrapped_lines_are_joined() -> None:
    text = (
        "Titre de l'article\n\n"
        "Le CAC 40 finit la semaine en hausse de 2 %, porté\npar les valeurs bancaires.\n"
        "Il faut compresser rapidement.\nne doit pas être alimenté par un serveur.\r\n"
        "Les puces doivent être efficaces\nIl faut aller vite."
    )
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == [
        "Titre de l'article",
        "Le CAC 40 finit la semaine en hausse de 2 %, porté\npar les valeurs bancaires.",
        "Il faut compresser rapidement.",
        "ne doit pas être alimenté par un serveur.",
        "Les puces doivent être efficaces",
        "Il faut aller vite.",
    ]
    assert [p.kind for p in paragraphs] == ["heading", "text", "text", "text", "heading", "text"]
    assert [p.paragraph for p in paragraphs] == list(range(6))
    assert [s.paragraph for s in segment(text)] == list(range(6))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a comment's header, its stamp, then the comment, in lower case as forums write
        (
            "Réponse n°3 — posté par Marc_D le 12/03/2025 à 22h14\n\n"
            "moi je pense que le titre va remonter d'ici la fin du mois.",
            [("heading", "Réponse n°3 — posté par Marc_D le 12/03/2025 à 22h14"),
             ("text", "moi je pense que le titre va remonter d'ici la fin du mois.")],
        ),
        (
            "posté par Marc_Dupont75 le 12/03/2025 a 22h14\nmoi aussi, je renforce ma ligne demain matin.",
            [("heading", "posté par Marc_Dupont75 le 12/03/2025 a 22h14"),
             ("text", "moi aussi, je renforce ma ligne demain matin.")],
        ),
        (
            "Par la rédaction de Zonebourse, 12 mars 2025 - 09:41\n"
            "les marchés européens ont ouvert en baisse ce matin.",
            [("heading", "Par la rédaction de Zonebourse, 12 mars 2025 - 09:41"),
             ("text", "les marchés européens ont ouvert en baisse ce matin.")],
        ),
        (
            "Discussion démarrée par marco_56 le 26 novembre 2026\nmarco_56",
            [("heading", "Discussion démarrée par marco_56 le 26 novembre 2026"), ("heading", "marco_56")],
        ),
    ],
)
def test_a_line_that_ends_on_a_date_stamp_is_not_wrapped_into_the_next(text: str, expected: list) -> None:
    assert [(p.kind, p.text) for p in split_paragraphs(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le conseil d'administration a approuvé jeudi les comptes annuels et\nproposera un dividende en hausse.",
        # a date without its year, or a time alone, ends a line of prose as well as a stamp
        "L'assemblée générale des actionnaires du groupe se tiendra le 12 mars\nprochain au palais des Congrès.",
        "La séance a ouvert en nette baisse ce vendredi matin à 9h00\npuis l'indice s'est repris.",
    ],
)
def test_a_wrapped_sentence_still_joins(text: str) -> None:
    assert [(p.kind, p.text) for p in split_paragraphs(text)] == [("text", text)]
    assert split_sentences(text) == [text]


def test_offsets_point_into_the_text() -> None:
    text = "  Titre\n\n\u00a0M. Dupont arrive.  Il parle.\n• un point  \n"
    spans = segment(text)
    assert [(s.start, s.end) for s in spans] == [(2, 7), (10, 27), (29, 38), (41, 49)]
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_empty_and_blank_texts_have_no_spans() -> None:
    assert segment("") == []
    assert segment(" \n\n\t \n") == []


def test_non_text_input_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="expected the text to segment as a str, got bytes"):
        segment(b"Le CAC 40")  # type: ignore[arg-type]


def test_count_words() -> None:
    assert count_words("Le CAC 40 a gagné 1,5 % aujourd'hui, av. J.-C.") == 9
    assert count_words("  ") == 0


def test_every_seed_is_segmented_with_exact_offsets(seed_texts: list[str]) -> None:
    for text in seed_texts:
        spans = segment(text)
        assert spans, "a seed gave no span"
        previous_end = 0
        for span in spans:
            assert text[span.start : span.end] == span.text
            assert span.text == span.text.strip()
            assert span.start >= previous_end
            previous_end = span.end
            # cuts fall on white space, never inside a word
            assert span.end == len(text) or text[span.end].isspace()


def test_seed_structure(seed_texts: list[str]) -> None:
    first = segment(seed_texts[0])
    assert [s.text for s in first if s.kind == "heading"] == [
        "La confiance dans la valorisation exponentielle",
        "L'avantage mortel de la boucle fermée de l'IA",
        "La faisabilité de l'objectif de 30 trillions",
        "Risques à ne pas ignorer",
        "#SpaceX #马斯克概念 #Aİ",
    ]
    assert first[1].text.startswith(
        'Son objectif de "3 000 milliards de dollars de valorisation", est-il'
    )
    second = segment(seed_texts[1])
    assert second[0].kind == "heading" and second[0].text.startswith("Le Coup de Maître d’Elon")
    assert len([s for s in second if s.kind == "bullet"]) == 4
    assert any("24h/24" in s.text and s.text.startswith("Imaginez") for s in second)
    third = [s.text for s in segment(seed_texts[2])]
    assert (
        "« De quel côté de l'ordinateur êtes-vous ? Je dois rejoindre l'équipe humaine. »" in third
    )
    assert "La réponse d'Elon Musk est simple : oui." in third
    fourth = segment(seed_texts[3])
    assert (
        fourth[0].kind == "heading" and fourth[0].text == "date 2025-07 Elon Musk (The New Yorker)"
    )
    assert fourth[1].text.endswith("avait participé à la fondation d’OpenAI en 2015.")
    fifth = segment(seed_texts[4])
    assert ("heading", "Voir l'original") in [(s.kind, s.text) for s in fifth]
    assert "Résultat ?" in [s.text for s in fifth]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "M.",
                    "Dr.",
                    "av.",
                    "J.-C.",
                    "etc.",
                    "1,5",
                    "30 000",
                    "…",
                    "...",
                    "?",
                    "!",
                    "«",
                    "»",
                    "“",
                    "”",
                    '"',
                    "•",
                    "-",
                    "1.",
                    "🚀",
                    "xAI",
                    "\n",
                    "\n\n",
                    " ",
                    "\u00a0",
                    "Le",
                    "la",
                    "Bourse.",
                    "(…)",
                    " | ",
                    ":",
                    ";",
                ]
            ),
            st.text(alphabet="abcDEFé .,!?\n«»", max_size=12),
        ),
        max_size=40,
    ).map("".join)
)
def test_offsets_hold_for_any_text(text: str) -> None:
    spans = segment(text)
    previous_end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text.strip() == span.text and span.text
        assert span.start >= previous_end
        assert span.kind in ("sentence", "heading", "bullet")
        previous_end = span.end


# ------------------------------------------------------------------- the one chunker


def test_chunk_never_returns_a_piece_over_its_budget() -> None:
    from stance.segmentation import chunk

    def tokens(text: str) -> int:  # a tokenizer that splits long words into many pieces
        return sum(max(1, len(word) // 3) for word in text.split())

    text = ("Le conseil d'administration a approuvé " + "anticonstitutionnellement " * 40 + "la fusion. ") * 3
    budget = 60
    pieces = chunk(text, lambda part: tokens(part) <= budget)
    assert pieces and all(tokens(piece) <= budget for piece in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())  # nothing lost


def test_chunk_keeps_sentences_whole_when_they_fit() -> None:
    from stance.segmentation import chunk

    text = "Le CAC 40 monte. Les banques suivent. Le luxe recule."
    assert chunk(text, lambda part: len(part) <= 40) == ["Le CAC 40 monte. Les banques suivent.", "Le luxe recule."]
    assert chunk("", lambda part: True) == []
    with pytest.raises(InputError, match="fits nothing"):
        chunk("abc", lambda part: False)
