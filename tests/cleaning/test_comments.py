from __future__ import annotations

import pytest

from stance.cleaning import Cleaner, LineModel
from stance.cleaning.comments import CommentForm, Comments, forum_replies

OPENING = ["Le Nasdaq recule de 2 %.", "Les valeurs technologiques pèsent.", "Nvidia cède 4 %.", "Fin de séance."]


def drops(lines: list[str]) -> dict[int, str]:
    return Comments().find(OPENING + lines)


def test_comment_block_with_pseudonym_time_text_and_reply() -> None:
    block = ["GameFiCritic", "· Il y a 11h", "La logique est-elle cohérente ?", "Voir l'originalRépondre0"]
    assert drops(block) == {4: "reader comment", 5: "reader comment", 6: "reader comment", 7: "reader comment"}


def test_one_line_header_and_multi_paragraph_comment() -> None:
    block = ["marc_75 · il y a 3 h", "Je n'y crois pas.", "Trop cher payé.", "Répondre", "Signaler"]
    assert set(drops(block).values()) == {"reader comment"}
    assert len(drops(block)) == 5


def test_dated_comment_closed_by_reply() -> None:
    block = ["Jean D.", "12 mars 2024 à 14h05", "Bonne analyse, merci.", "Répondre"]
    assert len(drops(block)) == 4


def test_wordpress_said_header() -> None:
    block = ["Sophie a dit :", "Et les marges ?", "Répondre"]
    assert drops(block) == {4: "reader comment", 5: "reader comment", 6: "reader comment"}



def test_a_header_form_inside_a_table_is_no_comment_header() -> None:
    """A price table, one cell a line, whose header row has a date and "il y a…" columns: the date and its first
    relative time have a comment header's form, but they sit inside the table (``tables.table_runs``)."""
    table = ["Prix (€/t)", "Origine", "Fin mars 2025", "Il y a 3 mois", "Il y a 1 an", "Union européenne",
             "11 400", "10 350", "8 900", "États-Unis", "11 050", "10 100", "8 600", "Océanie", "11 800", "10 900",
             "9 250", "Trois facteurs expliquent la tension actuelle."]
    assert drops(table) == {}


def test_a_comment_after_a_table_is_still_a_comment() -> None:
    lines = ["Région", "2024", "2025", "Nord", "11 400", "10 350", "Sud", "11 050", "10 100", "Est", "11 800",
             "10 900", "Les prix restent élevés.", "marc_75", "Il y a 3 h", "Ces chiffres sont faux.", "Répondre"]
    assert set(drops(lines)) == {17, 18, 19, 20}

def test_last_comment_without_reply_ends_where_the_article_copy_starts() -> None:
    lines = [
        "Alice",
        "· Il y a 2h",
        "Bravo.",
        "Voir l'originalRépondre0",
        "Bob",
        "· Il y a 1h",
        "Je reste sceptique.",
        OPENING[0],
        OPENING[1],
    ]
    assert sorted(drops(lines)) == list(range(4, 11))


def test_article_dateline_after_a_heading_is_not_a_comment() -> None:
    lines = ["Résultats", "12 mars 2024", "Le chiffre d'affaires progresse de 8 %.", "La marge recule."]
    assert drops(lines) == {}


def test_dated_sections_of_an_article_are_not_comments() -> None:
    lines = [
        "Résultats",
        "12 mars 2024",
        "Le chiffre d'affaires progresse de 8 %.",
        "Perspectives",
        "13 mars 2024",
        "La direction relève ses objectifs.",
    ]
    assert drops(lines) == {}


def test_thread_of_relative_time_comments_without_reply_buttons() -> None:
    lines = ["Alice", "il y a 2 h", "Trop cher.", "Bob", "il y a 1 h", "Pas d'accord."]
    assert sorted(drops(lines)) == list(range(4, 10))


def test_never_fires_inside_the_opening() -> None:
    lines = ["Marc", "· Il y a 3 h", "Un texte.", "Répondre"]
    assert Comments().find(lines) == {}


@pytest.mark.parametrize(
    "line",
    [
        "Laisser un commentaire",
        "Laisser une réponse Annuler la réponse",
        "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
        "Nom *",
        "Commentaire *",
        "Site web",
        "Enregistrer mon nom, mon e-mail et mon site dans le navigateur pour mon prochain commentaire.",
        "Ce site utilise Akismet pour réduire les indésirables.",
        "Les commentaires sont fermés.",
        "3 réponses à « Le pari de l'IA »",
        "Commentaires (12)",
    ],
)
def test_comment_form_lines(line: str) -> None:
    assert CommentForm().check(line) == "comment form"
    assert drops([line]) == {4: "comment form"}


def test_call_to_comment_and_its_questions() -> None:
    lines = [
        "💬 Débattons en commentaires :",
        "• IPO vs Vision : la pression des actionnaires va-t-elle freiner le rêve ?",
        "• Le Pari Énergétique : croyez-vous vraiment à l'espace ?",
        "La question choc :",
    ]
    assert drops(lines) == {4: "call to comment", 5: "call to comment", 6: "call to comment"}


@pytest.mark.parametrize(
    "line",
    [
        "Les commentaires des analystes restent prudents.",
        "Répondre à la demande chinoise reste la priorité du groupe.",
        "Le titre a bondi il y a 3 jours après les résultats.",
        "Dites-nous ce que vous en pensez lors de notre conférence annuelle à Paris.",
    ],
)
def test_content_that_mentions_comments_is_kept(line: str) -> None:
    assert drops([line]) == {}


def test_a_comment_on_one_line_after_its_author_closed_by_reply() -> None:
    block = ["12 commentaires", "Jean-Pierre : encore une fois la direction nous ment !", "Répondre",
             "Marie_75 : bravo aux équipes.", "Répondre"]
    assert drops(block) == {4: "comment form", 5: "reader comment", 6: "reader comment", 7: "reader comment",
                            8: "reader comment"}


def test_a_forum_title_over_its_reply_button_is_no_comment() -> None:
    # the title opens no comment section (no comment, form or action line before it): it stays
    assert drops(["Forum Épargne", "Assurance-vie : faut-il arbitrer le fonds euros vers des ETF ?", "Répondre"]) == {}


BYLINE_AND_TABLE = [
    "Julien Marquet | 18 mars 2025",  # a byline with its date: the form of a comment's one-line header
    "Le groupe lyonnais a franchi la barre des 3,7 milliards d'euros de chiffre d'affaires l'an dernier.",
    "Le chiffre d'affaires progresse de 8,5 %, porté pour moitié par les acquisitions en Auvergne :",
    "Indicateur", "2023", "2024",  # "2023": the form of a comment's counter
    "Chiffre d'affaires (Md€)", "3,42", "3,71",
    "Résultat net (M€)", "61", "48",
]  # fmt: skip


def test_a_number_in_a_table_closes_no_comment() -> None:
    assert drops(BYLINE_AND_TABLE) == {}


def test_a_bare_counter_outside_a_table_still_closes_a_comment() -> None:
    block = ["Jean D. | 18 mars 2025", "Bonne analyse, merci.", "3"]
    assert drops(block) == {4: "reader comment", 5: "reader comment", 6: "reader comment"}
    # and a worded action line closes a comment even inside a run that looks like a table
    assert drops(["Jean D. | 18 mars 2025", "Trop cher.", "Répondre"]) == {4: "reader comment", 5: "reader comment",
                                                                          6: "reader comment"}


def test_a_count_of_the_comments_opens_the_thread_under_it() -> None:
    # no reply button, no relative time: the count and the next comment's header confirm the first comment
    thread = ["Commentaires (3)", "Koffi_Cotonou", "17/02/2025 à 10:23",
              "Il faut arrêter de présenter ça comme de l'inclusion.",
              "Mireille A.", "17/02/2025 à 11:05", "C'est rapide et on ne me demande pas de garant."]  # fmt: skip
    found = drops(thread)
    assert found[4] == "comment form"  # the count
    assert all(found[i] == "reader comment" for i in range(5, 11))
    # without the count, the same thread is not trusted
    assert set(drops(thread[1:])) == set()


def test_one_byline_under_a_comment_counter_is_no_thread() -> None:
    # a counter linking to the comments at the top, then the byline and the date: one header only
    article = ["12 commentaires", "Jean Dupont", "12 mars 2024 à 14h05",
               "La Bourse de Paris a fini en hausse de 1,2 % vendredi, portée par les banques et le luxe.",
               "Les investisseurs ont salué des chiffres d'inflation plus faibles que prévu."]  # fmt: skip
    assert drops(article) == {4: "comment form"}


# Round CE: a forum thread's replies.
THREAD = [
    "Routiers à leur compte",
    "Index du forum ‹ Gestion, compta et factures ‹ Clients et paiements",
    "Paiement à 75 jours imposé par un gros commissionnaire : vous faites comment ?",
    "Fredo_42",
    "Messages : 612",
    "Message par Fredo_42 » mar. 4 mars 2025 22:14",
    "Je roule à mon compte depuis six ans avec deux tracteurs, un que je conduis et un avec un salarié.",
    "En janvier, mon plus gros client m'a envoyé un avenant : paiement à 75 jours, ou un escompte de 2,5 %.",
    "À 75 jours, il me manque en gros deux mois et demi de gazole en trésorerie. Vous feriez quoi à ma place ?",
    "Mimi_TRM",
    "Modératrice",
    "Messages : 2 417",
    "Re: Paiement à 75 jours imposé par un gros commissionnaire : vous faites comment ? — #2",
    "Message par Mimi_TRM » mar. 4 mars 2025 22:51",
    "Salut Fred. Déjà, ton avenant ne tient pas sur le papier : le délai de trente jours est d'ordre public.",
    "Regarde aussi du côté de l'affacturage, ça coûte moins cher que leur escompte et ça te laisse le client.",
    "Page suivante ›",
]


def test_a_forum_thread_s_replies_are_every_line_after_its_second_post_header() -> None:
    dropped = {0, 1, 3, 4, 5, 9, 10, 11, 12, 13}  # what the model and the rules drop around the posts
    assert forum_replies(THREAD, dropped.__contains__) == [14, 15, 16]


def test_two_post_headers_without_the_opening_post_s_text_between_them_are_no_thread() -> None:
    lines = ["Posté le 3 mars 2025 à 09:12", "Posté le 3 mars 2025 à 18:40", *THREAD[6:9]]
    assert forum_replies(lines, lambda index: index < 2) == []
    assert forum_replies(THREAD[:9], lambda index: False) == []  # one post: nothing to drop


def test_the_cleaner_drops_a_french_forum_thread_s_replies_and_keeps_its_opening_post() -> None:
    cleaned = Cleaner().clean("\n\n".join(THREAD))
    reasons = {drop.line: drop.reason for drop in cleaned.dropped}
    assert reasons[THREAD[14]] == reasons[THREAD[15]] == "reader comment"
    assert reasons["Messages : 2 417"] == reasons["Modératrice"] == "forum member details"
    assert all(line in cleaned.text for line in THREAD[6:9])
    without = Cleaner(line_model=None)
    without.steps = [LineModel(forum=False) if isinstance(step, LineModel) else step for step in without.steps]
    assert THREAD[14] in without.clean("\n\n".join(THREAD)).text  # what round CE drops


# Round CF: a thread in vBulletin's style, a number over each post.
NUMBERED = [
    "Siphons & Brûleurs",
    "12/02/2024, 21h47",
    "#1",
    "Fred_Quimper",
    "Membre confirmé",
    "Hausse du cuivre : comment vous répercutez ça dans vos devis ?",
    "Mon négoce habituel a augmenté ses tarifs cuivre trois fois depuis l'automne, et mes devis ne suivent plus.",
    "Sur une rénovation de salle de bains, ça me fait entre 250 et 400 euros de matériel en plus par chantier.",
    "Répondre avec citation",
    "12/02/2024, 22h15",
    "#2",
    "Nono56",
    "Modérateur",
    "Salut Fred. Avec un particulier, une clause de révision doit être claire : indice utilisé et date de référence.",
    "Répondre avec citation",
]


def test_a_post_s_number_is_a_post_header() -> None:
    dropped = {0, 1, 2, 3, 4, 8, 9, 10, 11, 12}
    assert forum_replies(NUMBERED, dropped.__contains__) == [11, 12, 13, 14]


def test_the_cleaner_drops_a_numbered_thread_s_replies() -> None:
    cleaned = Cleaner().clean("\n\n".join(NUMBERED))
    reasons: dict[str, str] = {}
    for drop in cleaned.dropped:
        reasons.setdefault(drop.line, drop.reason)  # the first occurrence's (the second reply button is a repeat)
    assert reasons[NUMBERED[13]] == "reader comment"
    assert reasons["Répondre avec citation"] == reasons["Membre confirmé"] == "forum member details"
    assert NUMBERED[6] in cleaned.text and NUMBERED[7] in cleaned.text


def test_the_hier_of_a_name_is_no_relative_time() -> None:
    """A byline by Thierry with its date is no comment of "hier": the article under it stays (forty-second session)."""
    lines = ["Imphy : les salariés de la chaudronnerie Perrinet deviennent leurs propres patrons",
             "Faute d'un repreneur qui lui convienne, le fondateur a cédé son entreprise à quatorze de ses salariés.",
             "Accueil › Ateliers",
             "Par Thierry Ragon, le 4 avril à 06h50",
             "Le 1er avril, Gérard Perrinet a rendu les clés à ceux qui travaillent avec lui depuis trente ans.",
             "Le rachat a été financé par les apports des salariés, par un prêt bancaire et par des outils des Scop.",
             "L'entreprise fabrique des cuves et des structures en inox pour l'agroalimentaire et la chimie."]
    assert not set(Comments().find(lines)) & {4, 5, 6}
    # a relative time of its own still makes a header trusted without an action line
    assert Comments().find([*lines[:3], "Thierry_58 · hier à 21h12", "Bravo aux salariés, belle aventure.",
                            "Lulu_Imphy · hier à 22h40", "Qui décide quand il faut serrer les boulons ?"]) == {
        3: "reader comment", 4: "reader comment", 5: "reader comment", 6: "reader comment"}
