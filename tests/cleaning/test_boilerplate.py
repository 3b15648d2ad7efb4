from __future__ import annotations

import pytest

from stance.cleaning.boilerplate import Boilerplate, ExtraFurniture

STEP = Boilerplate()
EXTRA = ExtraFurniture()

DROPPED = [
    ("Lire aussi : Le CAC 40 termine la semaine en hausse", "read-also link"),
    ("Lire également :  De 7 à 170 lancements par an", "read-also link"),
    ("À lire aussi", "read-also link"),
    ("LIRE AUSSI >> Bitcoin : la fièvre retombe", "read-also link"),
    ("Voir aussi - Les banques européennes sous pression", "read-also link"),
    ("Sur le même sujet", "read-also link"),
    ("Publications similaires", "related-articles heading"),
    ("Articles similaires", "related-articles heading"),
    ("Vous aimerez aussi :", "related-articles heading"),
    ("Ces articles pourraient vous intéresser", "related-articles heading"),
    ("Voir l'original", "view-original link"),
    ("Voir l’article original", "view-original link"),
    ("8 J'aime", "share or reaction button"),
    ("Reposter", "share or reaction button"),
    ("Partager", "share or reaction button"),
    ("Récompense", "share or reaction button"),
    ("Partager sur Facebook Partager sur X", "share or reaction button"),
    ("12 commentaires", "share or reaction button"),
    ("Copier le lien", "share or reaction button"),
    ("8", "lone number"),
    ("0/400", "lone number"),
    ("1 250", "lone number"),
    ("Starship (Source : SpaceX)", "photo caption or credit"),
    ("Le siège de la BCE à Francfort (Crédit photo : Reuters)", "photo caption or credit"),
    ("Crédit photo : AFP", "photo caption or credit"),
    ("Photo : Getty Images", "photo caption or credit"),
    ("Source : Bloomberg", "photo caption or credit"),
    ("La Défense, à l'aube. © Jean Dupont / Hans Lucas", "photo caption or credit"),
    ("© 2025 Les Échos. Tous droits réservés.", "copyright notice"),  # © and the notice: the notice it is
    ("Copyright 2025 Le Journal", "copyright notice"),
    (
        "Cette page peut inclure du contenu de tiers fourni à des fins d'information uniquement.",
        "disclaimer",
    ),
    ("Avertissement : investir comporte des risques de perte en capital.", "disclaimer"),
    ("Ceci n'est pas un conseil en investissement. Faites vos propres recherches.", "disclaimer"),
    ("Les performances passées ne préjugent pas des performances futures.", "disclaimer"),
    ("Inscrivez-vous à notre newsletter pour recevoir l'essentiel de la Bourse", "newsletter or subscription notice"),
    ("Abonnez-vous", "newsletter or subscription notice"),
    ("Il vous reste 75 % de cet article à lire.", "newsletter or subscription notice"),
    ("Nous utilisons des cookies pour améliorer votre navigation.", "cookie notice"),
    ("Tout accepter", "cookie notice"),
    ("Continuer sans accepter", "cookie notice"),
    ("#SpaceX #马斯克概念 #Aİ", "hashtag line"),
    ("#Bourse, #CAC40", "hashtag line"),
    ("Tags : Bourse, Nvidia, semi-conducteurs", "tag list"),
    ("date 2025-07 Elon Musk (The New Yorker)", "date or byline stub"),
    ("Publié le 12 mars 2024 à 10h05", "date or byline stub"),
    ("Mis à jour le 3 janvier 2025", "date or byline stub"),
    ("14 novembre 2025", "date or byline stub"),
    ("Par Jean-Marc Vittori", "date or byline stub"),
    ("Par Claire Dupont, le 12 mars 2024", "date or byline stub"),
    ("Par Claire Dupont, journaliste à Paris", "date or byline stub"),
    ("Par Claire Dupont - à Francfort", "date or byline stub"),
    ("3 min de lecture", "date or byline stub"),
    ("Accueil > Marchés > Actions", "navigation"),
    ("Retour en haut de la page", "navigation"),
    ("Suivez-nous sur LinkedIn", "navigation"),
    ("Publicité", "advertising"),
    ("Temps de lecture : 3 min.", "date or byline stub"),
    ("Publié aujourd'hui à 14h05", "date or byline stub"),
    ("Par Marie Dubois et Paul Martin", "date or byline stub"),
    ("Par Marie Dubois (Francfort, envoyée spéciale)", "date or byline stub"),
    ("Article réservé aux abonnés", "newsletter or subscription notice"),
    ("Retrouvez cet article dans notre newsletter du matin", "newsletter or subscription notice"),
    ("Suivez toute l'actualité de l'économie sur Google Actualités", "navigation"),
    ("Sommaire", "navigation"),
    ("Lire plus tard", "article tool button"),
    ("Écouter cet article", "article tool button"),
    ("Ajouter à mes sélections", "article tool button"),
    ("Voir les 12 commentaires", "article tool button"),
    ("Vidéo", "media placeholder"),
    ("Photo d'illustration", "media placeholder"),
    ("(AFP)", "agency credit"),
    ("Avec Reuters et AFP", "agency credit"),
    ("Par Paul Vidal, analyste Luxe – 9 janvier 2027", "date or byline stub"),
]

KEPT = [
    "Source de revenus, la publicité reste le moteur du groupe.",
    "Les commentaires des analystes restent prudents sur le secteur.",
    "Lire aussi les notes des analystes permet de comprendre le repli.",
    "À lire entre les lignes, le rapport annonce une année difficile.",
    "Partager le risque avec les banques n'a pas suffi.",
    "14 novembre 2025, Lincoln Center, New York.",
    "Par ailleurs, le titre a gagné 3 % en séance.",
    "Starship : Le transporteur de la révolution spatiale du « Compute »",
    "« Hardware is the END GAME »Elon Musk",
    "La question choc :",
    "Le CAC 40 a gagné 1,2 % à 8 012 points, porté par LVMH (+3 %).",
    "Risques à ne pas ignorer",
    "Les cookies de Mondelez se vendent bien en Asie.",
    "Photo finish sur le Nasdaq, qui termine stable.",
    "Par Marie Dubois, la BCE serait trop prudente.",
    "Vidéo, jeux et cloud tirent les ventes de Microsoft.",
    "L'AFP a confirmé l'information lundi soir.",
    "Écouter les marchés plutôt que les prévisions a payé cette année.",
]


# ExtraFurniture: the kinds of furniture every French site has, worded more widely (after the line model)
EXTRA_DROPPED = [
    # lines of meta data: segments split by · | – —, one a date in words or a reading time
    ("Camille Roussel · 4 février 2027", "date or byline stub"),
    ("Épargne | 2 mars 2027 | 5 min de lecture", "date or byline stub"),
    ("11 juin 2026 – Service juridique", "date or byline stub"),
    ("Le 5 mai 2026 | Lecture 2 min", "date or byline stub"),
    ("Par l'équipe Marchés | Mis à jour le 14 avril 2026", "date or byline stub"),
    ("Fiscalité · Temps de lecture : 8 minutes", "date or byline stub"),
    ("Lecture : 4 min", "date or byline stub"),
    ("Nanterre, le 30 juin 2026 – 18 h 00", "date or byline stub"),
    ("Publié par Martin & Fils le 2 juillet 2026", "date or byline stub"),
    ("Propos recueillis par Léo Marchal", "date or byline stub"),
    ("Présenté par Anne Brissac", "date or byline stub"),
    ("Par la rédaction de Bourse Matin", "date or byline stub"),
    ("Par la rédaction, avec Me Hugo Lanier", "date or byline stub"),
    ("À propos de l'auteur", "date or byline stub"),
    ("Partager cette page", "share or reaction button"),
    ("Partager par e-mail", "share or reaction button"),
    ("Partager ce billet", "share or reaction button"),
    ("Le port du Havre, au petit matin. Photo : D.R.", "photo caption or credit"),
    ("Les salariés devant l'usine de Dunkerque, mardi. (Photo archives Le Nord Éco)", "photo caption or credit"),
    ("La ministre lors de sa visite à Rennes. Photo Julie Morel pour La Gazette", "photo caption or credit"),
    ("Ce document ne constitue ni une offre ni une sollicitation d'achat de titres.", "disclaimer"),
    ("Ces informations ne remplacent pas un conseil personnalisé.", "disclaimer"),
    ("Ce communiqué peut contenir des déclarations prospectives.", "disclaimer"),
    ("La suite de cet article est réservée aux abonnés.", "newsletter or subscription notice"),
    ("Vous lisez un article réservé aux abonnés.", "newsletter or subscription notice"),
    ("Abonnez-vous pour lire la suite de nos analyses", "newsletter or subscription notice"),
    ("Écouter (3 min)", "article tool button"),
    ("Écouter l'émission", "article tool button"),
    ("Activer le son", "article tool button"),
    # round AV: the clutter of dirty documents, inside the article
    ("Sponsorisé · Partenaire", "advertising"),
    ("PARTENAIRE — Vous préparez votre retraite ? Le PER Horizon combine gestion pilotée et frais réduits.",
     "advertising"),
    ("Contenu partenaire", "advertising"),
    ("Notre direct est sponsorisé par Marchés Alizé, votre courtier en ligne.", "advertising"),
    ("Les CFD sont des instruments complexes : 74 % des comptes d'investisseurs particuliers perdent de l'argent.",
     "disclaimer"),
    ("Les informations de cet article sont données à titre général et ne sauraient se substituer à un avocat.",
     "disclaimer"),
    ("Le 07/04/2025 à 08h12 - mis à jour à 17h48", "date or byline stub"),
    ("Mis en ligne le 28/02/2025 · Abonné", "date or byline stub"),
    ("Achevé de rédiger le 12 mars 2025", "date or byline stub"),
    ("Mis à jour il y a 2 min · Rafraîchir", "date or byline stub"),
    ("Publié par Antoine R. le 6 janvier 2025 — 14 commentaires", "date or byline stub"),
    ("Par Malik Ferhat avec agences", "date or byline stub"),
    ("Propos recueillis par Mathilde Carrère — Quai des Valeurs", "date or byline stub"),
    ("La chronique de Sofia Benali, cofondatrice et présidente de Klyma", "date or byline stub"),
    ("Texte: Sandrine Moser | 24.04.2025", "date or byline stub"),
    ("🔗 À lire aussi : Frais réels ou abattement de 10 %, comment choisir", "read-also link"),
    ("À voir aussi sur Horizon 24 : IA au travail, ces métiers qui vont évoluer", "read-also link"),
    ("VIDÉO - Krach boursier : faut-il s'inquiéter pour son assurance-vie ?", "read-also link"),
    ("Dans la même rubrique : Zéro artificialisation nette, les communes obtiennent un assouplissement",
     "read-also link"),
    ("→ Consulter l'enquête", "article tool button"),
    ("Obtenir mon devis gratuit en 2 minutes", "article tool button"),
    ("Ajouter à ma watchlist", "article tool button"),
    ("Actualiser le direct", "article tool button"),
    ("00:00 / 41:07", "media placeholder"),
    ("04:35 — La règle des 35 %", "media placeholder"),
    ("📩 Chaque lundi, toutes les levées de la semaine dans votre boîte mail.", "newsletter or subscription notice"),
    ("Cet article est réservé aux membres Amorçage+.", "newsletter or subscription notice"),
    ("Cet article vous est offert par Contrepoint.", "newsletter or subscription notice"),
    ("Neurones & Données Pro : analyses et lettre quotidienne pour les décideurs. Essai gratuit 14 jours.",
     "newsletter or subscription notice"),
    ("Cet article a été mis à jour avec la réaction de la fédération.", "note about the article"),
    ("Cet article est une traduction. Version originale publiée le 21 janvier 2025.", "note about the article"),
    ("Retrouvez l'invité éco du lundi au vendredi à 7h50, en podcast.", "note about the article"),
    ("Et vous, qu'en pensez-vous ? Votez et commentez ci-dessous.", "note about the article"),
    ("Hélène Cazaux est grand reporter au service Économie de Contrepoint.", "author box"),
    ("Romain Keller est analyste à L'Observatoire. Il a rejoint l'équipe en 2021.", "author box"),
    ("Sophie Langlade reçoit une centaine de foyers par an dans son cabinet bordelais, la plupart pour des "
     "questions de retraite. © Trésorerie Mag", "photo caption or credit"),
    ("Des logements neufs à Montpellier, le 2 mai 2025. ÉRIC SOUBIRAN / LE RÉPUBLICAIN", "photo caption or credit"),
    ("Veralis (VRL) 44,62 € ▲ +6,8 %", "quote widget"),
    ("Kaleo Énergie −9,6 % à 12,40 € · CAC Small −0,3 %", "quote widget"),
    ("Maçon85 — 11/03/2025", "share or reaction button"),
    ("87 réactions · 23 republications", "share or reaction button"),
    ("Partager : X · LinkedIn · Mail", "share or reaction button"),
]

EXTRA_KEPT = [
    # near the rules: sentences, table rows and titles with a date, photos in the text
    "Le CAC 40 a fini en hausse le 3 mars 2026.",
    "Résultats annuels : rendez-vous le 12 mars 2027",
    "En ligne | Départements 20 à 54 | 31 mai 2024 à 23h59",
    "Bitcoin et Ethereum – Analyse du jour – 15/12/19",
    "Il a publié une photo.",
    "Les images ont circulé en juin. Photos et vidéos ont été partagées.",
    "Le PDG (photo) a présenté les résultats.",
    "Cette offre est réservée aux abonnés Premium de la plateforme.",
    "Ces produits présentent un risque de perte en capital.",
    "Par ailleurs, la rédaction du rapport a pris six mois.",
    # near round AV's rules
    "Partenaires sociaux : la négociation reprend lundi.",
    "Ce projet est financé par la Banque européenne d'investissement.",
    "16h05 – Le CAC 40 termine sur un gain de 0,9 %",
    "Le retour des « superprofits »",
    "Brent +4 %",
    "Les box internet sont désormais sans engagement.",
    "Ce communiqué a été publié après la clôture de la Bourse.",
    "Nadia Rahmouni est courtière en crédit immobilier depuis 2014.",
    "Lettre d'information de notre service de sélection de valeurs, édition de novembre.",
    "Jean Dupont — 17/01/2025",
]


@pytest.mark.parametrize(("line", "reason"), EXTRA_DROPPED, ids=[line for line, _ in EXTRA_DROPPED])
def test_extra_furniture_line_is_dropped_with_its_reason(line: str, reason: str) -> None:
    assert EXTRA.check(line) == reason
    assert STEP.check(line) is None  # what Boilerplate, the line model's features, does not drop


@pytest.mark.parametrize("line", [*KEPT, *EXTRA_KEPT])
def test_content_line_is_kept_by_both_rule_sets(line: str) -> None:
    assert STEP.check(line) is None and EXTRA.check(line) is None


@pytest.mark.parametrize(("line", "reason"), DROPPED, ids=[line for line, _ in DROPPED])
def test_furniture_line_is_dropped_with_its_reason(line: str, reason: str) -> None:
    assert STEP.check(line) == reason


@pytest.mark.parametrize("line", KEPT)
def test_content_line_is_kept(line: str) -> None:
    assert STEP.check(line) is None


def test_find_returns_indices_of_dropped_lines() -> None:
    lines = ["Le titre", "Partager", "Le Nasdaq gagne 1 %.", "Publicité"]
    assert STEP.find(lines) == {1: "share or reaction button", 3: "advertising"}


def test_merged_rules_give_the_reason_of_the_first_matching_rule() -> None:
    """LineRules tries runs of rules as one alternation: it must agree with trying them one by one."""
    from pathlib import Path

    from stance.cleaning import normalise

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    seed_lines = [line for p in sorted(seeds.glob("*.txt")) for line in normalise(p.read_text("utf-8")).split("\n")]
    lines = [*(line for line, _ in DROPPED + EXTRA_DROPPED), *KEPT, *EXTRA_KEPT, *filter(None, seed_lines)]
    for step in (STEP, EXTRA):
        for line in lines:
            rules = (*step.rules, *step.french_rules)
            matches = (r.reason for r in rules if len(line) <= r.max_len and r.pattern.fullmatch(line))
            one_by_one = next(matches, None)
            assert step.check(line) == one_by_one, line


def test_french_rules_are_left_out_for_text_in_another_language() -> None:
    """Round AV's rules (``french_rules``) are French words: a line of another language's document skips them,
    the other rules still apply."""
    assert EXTRA.check("Sponsorisé · Partenaire") == "advertising"
    assert EXTRA.check("Sponsorisé · Partenaire", french=False) is None
    assert EXTRA.check("Camille Roussel · 4 février 2027", french=False) == "date or byline stub"
    english = ["Stocks rallied on Friday as investors cheered a strong set of quarterly results from the banks, "
               "while the central bank kept its key rate unchanged.", "Sponsorisé · Partenaire"]
    french = ["Les actions ont progressé vendredi, les investisseurs saluant de bons résultats des banques.",
              "Sponsorisé · Partenaire"]
    assert EXTRA.find(english) == {}
    assert EXTRA.find(french) == {1: "advertising"}


def test_an_article_pasted_as_one_line_is_no_disclaimer_for_the_clause_it_quotes() -> None:
    """A disclaimer is a line, not an article pasted as one line that quotes one."""
    clause = "Cette note ne constitue pas un conseil en investissement."
    assert STEP.check(clause) == "disclaimer"
    article = ("Le CAC 40 a gagné 2 % ce lundi, porté par les banques et le luxe, et les analystes restent confiants "
               "pour la fin de l'année. " * 12 + clause + " Les volumes sont restés élevés toute la séance. " * 12)
    assert len(article) > 2000 and STEP.check(article) is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Épargne › Livrets réglementés", "navigation"),
        ("Vendée › Économie › Les Herbiers", "navigation"),
        ("N° 112 — Vendredi 31 janvier 2025", "date or byline stub"),
        ("Numéro 1491 · Semaine du 6 au 12 mars 2025", "date or byline stub"),
        ("Note d’analyse n° 54 · Avril 2025", "date or byline stub"),
        ("Informations rapides · N° 2024-132 · 14 juin 2024", "date or byline stub"),
    ],
)
def test_round_bj_mastheads(line: str, reason: str) -> None:
    """Round BJ's rules (``MASTHEAD``): a breadcrumb trail and an issue's stamp, after the model in French text."""
    from stance.cleaning.boilerplate import MASTHEAD

    assert [rule.reason for rule in MASTHEAD if rule.pattern.fullmatch(line)] == [reason]
    assert EXTRA.check(line) == reason
    assert EXTRA.check(line, french=False) is None


@pytest.mark.parametrize(
    "line",
    [
        "Le décret n° 2024-132 du 14 juin 2024 fixe les nouvelles règles.",
        "N° 79 – Vacance locative : comment l'estimer avant d'acheter",  # a number without a date: no stamp
        "Il a répondu ‹ non › à la question.",
        "« Bourse » Actions",
    ],
)
def test_round_bj_mastheads_keep(line: str) -> None:
    from stance.cleaning.boilerplate import MASTHEAD

    assert not any(rule.pattern.fullmatch(line) for rule in MASTHEAD)
    assert EXTRA.check(line) is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Voir cette édition dans votre navigateur", "note about the article"),
        ("Version web", "note about the article"),
        ("Ce test vous a-t-il été utile ?", "note about the article"),
        ("Oui (214) · Non (12)", "note about the article"),
        ("Télécharger la note (PDF, 380 Ko)", "article tool button"),
        ("Temps de lecture estimé : 7 min", "date or byline stub"),
        ("★★★★★ 4,6/5 (1 284 avis)", "share or reaction button"),
    ],
)
def test_round_bk_page_tools(line: str, reason: str) -> None:
    """Round BK's rules (``PAGE_TOOLS``, shipped by round BS): a page's tools in words no other rule knew."""
    from stance.cleaning.boilerplate import PAGE_TOOLS

    assert [rule.reason for rule in PAGE_TOOLS if rule.pattern.fullmatch(line)] == [reason]


@pytest.mark.parametrize(
    "line",
    [
        "Le rapport est à télécharger sur le site (PDF).",
        "La version web du service a été lancée en mars.",
        "Oui ou non ?",
        "Note : 4/5",
        "La lecture de ce rapport prend 20 min au moins, mais elle vaut le détour.",
    ],
)
def test_round_bk_page_tools_keep(line: str) -> None:
    from stance.cleaning.boilerplate import PAGE_TOOLS

    assert not any(rule.pattern.fullmatch(line) for rule in PAGE_TOOLS)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Si cette lettre ne s'affiche pas correctement, consultez-la dans votre navigateur.",
         "newsletter or subscription notice"),
        ("Vous ne visualisez pas correctement ce message ? Consultez la version en ligne.",
         "newsletter or subscription notice"),
        ("Vous recevez cette lettre parce que vous êtes abonné(e) à La Lettre du Houblon.",
         "newsletter or subscription notice"),
        ("Se désinscrire | Gérer vos préférences | Transférer", "newsletter or subscription notice"),
        ("12 mars 2025 · Lecture de 4 minutes", "date or byline stub"),
        ("🔊 Écouter cet article (6 min)", "media placeholder"),
        ("Partenaire de cette édition", "advertising"),
        ("Publi-information – Votre encart auprès de 8 000 brasseurs : demandez nos tarifs.", "advertising"),
        ("Dans ce numéro : Le houblon se raréfie · Deux rachats en Alsace · Agenda", "navigation"),
        ("Nous recrutons ! La rédaction cherche un ou une journaliste en CDD à Lille.", "advertising"),
        ("— Paul R., Roubaix, le 4 mars 2025", "author box"),
        ("Inès Garnier — Journaliste au Fil du Houblon depuis 2017, elle suit les brasseries du Nord.", "author box"),
        ("Le magazine des brasseurs indépendants", "site tagline"),
    ],
)
def test_round_bt_document_clutter(line: str, reason: str) -> None:
    """Round BT's rules (``DOCUMENT_CLUTTER_BT``; round BU shipped all but BT8): clutter no other rule words."""
    from stance.cleaning.boilerplate import DOCUMENT_CLUTTER_BT

    assert [rule.reason for rule in DOCUMENT_CLUTTER_BT if rule.pattern.fullmatch(line)] == [reason]


@pytest.mark.parametrize(
    "line",
    [
        "La brasserie a relevé ses prévisions, portée par la hausse des ventes en grande surface.",
        "Isabelle Marchetti est nommée directrice commerciale. Elle était auparavant responsable grands comptes.",
        "TotalEnergies, ancien partenaire, couvre 40 % des besoins depuis 2020.",
        "Le site de Saint-Nazaire tourne à plein régime",
        "Écouter les clients reste la priorité de l'enseigne.",
        "Airbus recrute 7 000 personnes cette année.",
        "La lecture de 3 minutes des résultats suffit à comprendre la tendance.",
        "Sommaire",
    ],
)
def test_round_bt_document_clutter_keep(line: str) -> None:
    from stance.cleaning.boilerplate import DOCUMENT_CLUTTER_BT

    assert not any(rule.pattern.fullmatch(line) for rule in DOCUMENT_CLUTTER_BT)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Partager : Facebook · LinkedIn · Courriel", "share or reaction button"),
        ("J'aime Commenter Republier Envoyer", "share or reaction button"),
        ("15 réponses", "share or reaction button"),
        ("⏱ 4 min de lecture", "date or byline stub"),
        ("À lire aussi sur le blog", "related-articles heading"),
        ("Lire aussi › Tarifs 2025 : les cliniques privées dénoncent un traitement à deux vitesses", "read-also link"),
        ("Romain Tessier couvre l'immobilier logistique pour Entrepôts & Flux depuis 2019. Auparavant, il était "
         "consultant.", "author box"),
        ("Télécharger le MP3 · Ajouter à ma playlist", "article tool button"),
        ("Vous avez aimé cette analyse ? Suivez-nous sur LinkedIn.", "note about the article"),
        ("Communication publicitaire – Les performances passées ne préjugent pas des performances futures.",
         "disclaimer"),
        ("Cet entretien a été retranscrit et légèrement raccourci.", "note about the article"),
        ("Article proposé par Le_Rentier_Breton · Membre depuis 2011 · 4 920 messages", "author box"),
        ("BTC 61 240 $ ▲ 2,1 % ETH 3 385 $ ▲ 1,4 % SOL 142 $ ▼ 0,8 %", "quote widget"),
        ("Zorglub_42", "share or reaction button"),
        ("Simulez votre capacité d'emprunt en 2 minutes", "article tool button"),
    ],
)
def test_near_misses(line: str, reason: str) -> None:
    """Round BC's rules shipped by round BS (``NEAR_MISSES``): kinds the other rules know, in words they just miss.
    The first rule of the set that matches gives the reason, as in ``ExtraFurniture``."""
    from stance.cleaning.boilerplate import NEAR_MISSES

    assert next(rule.reason for rule in NEAR_MISSES if rule.pattern.fullmatch(line)) == reason
    assert EXTRA.check(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Le groupe partage ses bénéfices avec ses salariés depuis 2019.",
        "Graphique 1 – Inflation des biens et des services dans la zone euro (glissement annuel, en %)",
        "Il faut compter 4 min de trajet entre les deux sites.",
        "Télécharger une application reste le premier geste des clients.",
        "Les membres du conseil ont voté la hausse du dividende.",
        "PixelComptable",
    ],
)
def test_near_misses_keep(line: str) -> None:
    from stance.cleaning.boilerplate import NEAR_MISSES

    assert not any(rule.pattern.fullmatch(line) for rule in NEAR_MISSES)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Laisser un commentaire — Votre adresse e-mail ne sera pas publiée.", "comment form"),
        ("Les commentaires sont fermés pour cet article.", "comment form"),
        ("12 commentaires :", "comment form"),
        ("— Yasmine, le 6 mars 2025", "reader comment"),
        ("Le Fil du Houblon est édité par Éditions Brassin SAS, 3 rue des Malteurs, 59000 Lille.", "copyright notice"),
        ("À lire aussi → Bières sans alcool : le marché double en trois ans", "read-also link"),
        ("Publié par Marc D. à 21:14", "date or byline stub"),
        ("Libellés : brasseries, rachats, Nord", "date or byline stub"),
        ("Articles récents", "related-articles heading"),
        ("Investir dans des PME présente un risque de perte totale ou partielle du capital investi.", "disclaimer"),
        ("Vous avez reçu cette lettre d'un collègue ? Abonnez-vous ici, c'est gratuit.",
         "newsletter or subscription notice"),
    ],
)
def test_round_bu_document_clutter(line: str, reason: str) -> None:
    """Round BU's own rules (``DOCUMENT_CLUTTER_BU`` after round BT's; shipped: ``ExtraFurniture`` runs them)."""
    from stance.cleaning.boilerplate import DOCUMENT_CLUTTER_BT, DOCUMENT_CLUTTER_BU

    own = [rule for rule in DOCUMENT_CLUTTER_BU if rule not in DOCUMENT_CLUTTER_BT]
    assert [rule.reason for rule in own if rule.pattern.fullmatch(line)] == [reason]
    assert EXTRA.check(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Les commentaires des analystes restent prudents.",
        "Le groupe a publié 5 commentaires sur le projet de loi.",
        "Le magazine est édité par le groupe Prisma, qui a racheté le titre en 2019.",
        "— Lucie Perrotin",
        "Publié par l'Insee le 3 mars, le rapport montre une hausse de 2 % de l'emploi.",
        "Investir dans les crypto-actifs comporte un risque de perte totale, a rappelé l'AMF mardi.",
        "Catégorie : la plus touchée reste celle des PME, selon l'Insee.",
    ],
)
def test_round_bu_document_clutter_keep(line: str) -> None:
    from stance.cleaning.boilerplate import DOCUMENT_CLUTTER_BU

    assert not any(rule.pattern.fullmatch(line) for rule in DOCUMENT_CLUTTER_BU)


def test_round_bu_leaves_out_the_authors_boxes_of_round_bt() -> None:
    from stance.cleaning.boilerplate import DOCUMENT_CLUTTER_BT, DOCUMENT_CLUTTER_BU, NEWSROOM_AUTHOR_BOX

    assert DOCUMENT_CLUTTER_BT[7] is NEWSROOM_AUTHOR_BOX  # BT8
    assert DOCUMENT_CLUTTER_BT[7] not in DOCUMENT_CLUTTER_BU
    assert all(rule in DOCUMENT_CLUTTER_BU for index, rule in enumerate(DOCUMENT_CLUTTER_BT) if index != 7)


@pytest.mark.parametrize(
    "line", ["Messages : 2 417", "Messages : 96", "Inscription : janv. 2012", "Inscription : sept. 2018",
             "Inscrit le 14 mars 2016", "Membre depuis 2019", "Modératrice", "Administrateur du forum",
             "Re: Paiement à 75 jours imposé par un gros commissionnaire : vous faites comment ? — #2"],
)  # fmt: skip
def test_a_forum_s_member_details_and_reply_titles_go_after_the_model(line: str) -> None:
    """Round CE: what a French forum prints around each post."""
    assert ExtraFurniture().check(line, french=True) == "forum member details"


@pytest.mark.parametrize(
    "line", ["Inscription : 45 euros par participant, repas compris", "Messages clés du rapport annuel",
             "Le modérateur du débat a rappelé les règles.", "Renault : les ventes progressent de 4 %"],
)
def test_article_lines_that_look_like_forum_details_stay(line: str) -> None:
    assert ExtraFurniture().check(line, french=True) != "forum member details"


@pytest.mark.parametrize(
    "line", ["Membre confirmé", "Habitué", "Nouveau membre", "Répondre avec citation",
             "Citation Envoyé par Fred_Quimper",
             "__________________", "Date d'inscription : mars 2014 · Localisation : Quimper (29) · Messages : 1 284",
             "Si c'est votre première visite, n'oubliez pas de consulter la FAQ en cliquant sur le lien ci-dessus."],
)  # fmt: skip
def test_vbulletin_s_member_details_go_after_the_model(line: str) -> None:
    """Round CF: vBulletin's French words around each post."""
    assert ExtraFurniture().check(line, french=True) == "forum member details"


@pytest.mark.parametrize(
    "line", ["Membre du conseil d'administration depuis 2019", "Localisation : Créteil",
             "Le vétéran du CAC 40 a cédé 2 %.", "Citation du jour : « Le marché a toujours raison »."],
)
def test_article_lines_that_look_like_vbulletin_details_stay(line: str) -> None:
    assert ExtraFurniture().check(line, french=True) != "forum member details"


@pytest.mark.parametrize(
    ("line", "reason"),
    [("Pressoirs Lemonnier — pressoirs à bande et broyeurs. Service après-vente six jours sur sept dans l'Orne.",
      "advertising"),
     ("Avec le soutien de Nutriporc Conseil – nouvelle gamme d'aliments post-sevrage sans oxyde de zinc.",
      "advertising"),
     ("Les prix publiés sont des moyennes indicatives. Ils n'ont aucune valeur contractuelle.", "disclaimer"),
     ("Toute reproduction, même partielle, de cette lettre est interdite sans accord écrit de l'éditeur.",
      "copyright notice"),
     ("Reproduction et diffusion interdites en dehors de l'entité abonnée.", "copyright notice"),
     ("Vous recevez cette lettre au titre de l'abonnement de votre société.", "newsletter or subscription notice"),
     ("Édition réservée aux abonnés — merci de ne pas la transférer", "newsletter or subscription notice"),
     ("La suite de ce numéro, avec les cotations régionales, est réservée aux abonnés Pro.",
      "newsletter or subscription notice"),
     ("Vous lisez un extrait. Les abonnés reçoivent chaque mois nos cotations.", "newsletter or subscription notice"),
     ("Accueil du forum ‹ Gestion du fournil ‹ Énergie & charges", "navigation"),
     ("créé 2 avr.", "forum member details"), ("dernière réponse 9 avr.", "forum member details"),
     ("5 utilisateurs", "forum member details"), ("❤ 5", "forum member details"),
     ("Bienvenue ! Avant de poster, merci de lire la charte du forum.", "forum member details"),
     ("← Article précédent : Retard de remboursement, que se passe-t-il ?", "navigation"),
     ("Renégocier son prêt : à partir de quel écart de taux ? →", "navigation"),
     ("Partager cet article :", "share or reaction button")],
)  # fmt: skip
def test_round_ch_s_widgets_and_notices_go_after_the_model(line: str, reason: str) -> None:
    """Round CH: advertisers' blocks, letters' notices, forums' breadcrumbs, topic maps and welcomes, blogs' links."""
    assert ExtraFurniture().check(line, french=True) == reason


@pytest.mark.parametrize(
    "line", ["NICE — Il est 7 heures, et le quai résonne déjà du bruit des ponceuses.",
             "Nadia Ferrucci. – D'abord par nécessité : nos délais sont passés de huit à vingt semaines.",
             "Le site a été créé en 2019.", "Bienvenue dans le monde d'après : la Bourse a perdu 3 %.",
             "Vous recevez alors votre solde de tout compte et votre certificat de travail.",
             "Le calendrier est serré : toute reprise deviendrait beaucoup plus coûteuse.",
             "Le groupe publiera ses résultats annuels le 7 mars."],
)  # fmt: skip
def test_article_lines_that_look_like_round_ch_s_furniture_stay(line: str) -> None:
    assert ExtraFurniture().check(line, french=True) is None


@pytest.mark.parametrize(
    "line", ["Photo Léa Fontanel", "Photo DR", "Photo d'illustration DR", "Crédit photo : Amandine Pélissier",
             "Photo J.-P. Mounier", "Photo Corsalia Ferries – DR", "Illustration Atelier Nord-Ponant",
             "Crédit : G. Brisson", "Photo 2/4"],
)  # fmt: skip
def test_a_photo_s_credit_alone_on_its_line_goes_after_the_model(line: str) -> None:
    """Round CI: credits without a colon, and a slideshow's counter."""
    assert ExtraFurniture().check(line, french=True) == "photo caption or credit"


@pytest.mark.parametrize(
    "line", ["Crédit Hauterive", "Crédit d'impôt maximal", "Photo de groupe des lauréats lors de la remise des prix.",
             "Photo : correct de jour, moyen de nuit", "Photographie de famille du G7 à Biarritz."],
)  # fmt: skip
def test_lines_that_look_like_a_credit_stay(line: str) -> None:
    assert ExtraFurniture().check(line, french=True) is None  # a bank's name, a tax credit, a review's rating


def test_a_caption_right_above_its_credit_goes_with_it() -> None:
    """Round CI: a caption of a sentence over "Photo X"; not an article's paragraph quoting someone."""
    from stance.cleaning import LineModel
    from stance.cleaning.boilerplate import captions_over_credits

    lines = ["Orbelle double sa capacité de traitement des verres à Morez",
             "Le fabricant jurassien de verres ophtalmiques investit 12 millions d'euros dans une seconde ligne de "
             "traitement, qui entrera en service au printemps.",
             "Contrôle visuel des verres à la sortie de la ligne de traitement de l'usine, à Morez.",
             "Crédit : Orbelle",
             "L'entreprise, qui emploie 240 personnes, vise 14 millions de verres par an d'ici à 2027, contre 9 "
             "millions aujourd'hui, selon sa présidente.",
             "« Nous avons trois ans de commandes devant nous », explique Aurélie Bourgeois, sa présidente.",
             "Photo Léa Fontanel",
             "La nouvelle ligne sera la première de France à traiter les verres sans solvant chloré."]  # fmt: skip
    assert captions_over_credits(lines) == [2]
    drops = LineModel().find(lines)
    assert drops[2] == drops[3] == drops[6] == "photo caption or credit"
    assert 5 not in drops  # the quote above the second credit stays
    assert 2 not in LineModel(credit_captions=False).find(lines)


def test_a_source_note_right_under_the_article_s_text_stays() -> None:
    """Round CJ: "Source : …" under the article's table or last paragraph is the article's; a photo's source is not."""
    from stance.cleaning import LineModel
    from stance.cleaning.boilerplate import source_notes

    lines = ["Muguet : les prix de gros reculent avant le 1er mai",
             "Les grossistes de Rungis constatent une baisse de 12 % du prix du brin par rapport à l'an dernier, "
             "l'offre nantaise étant abondante après un printemps doux.",
             "Les fleuristes, eux, comptent maintenir leurs prix de vente au détail pour protéger leurs marges.",
             "Source : relevés de la rédaction auprès de six grossistes.",
             "Publicité",
             "Source photo : Marché de Rungis"]  # fmt: skip
    assert source_notes(lines, lambda index: index >= 3) == [3]
    assert Boilerplate().check(lines[3]) == "photo caption or credit"  # what the caption rule says alone
    drops = LineModel().find(lines)
    assert 3 not in drops and drops[5] == "photo caption or credit"
    assert LineModel(source_notes=False).find(lines)[3] == "photo caption or credit"


class _Drops:
    """A line model that drops the lines it is told to, so that a test decides what the model says."""

    threshold = 0.5

    def __init__(self, dropped: set[int]) -> None:
        self.dropped = dropped

    def predict_proba(self, X, rows=None, threshold=None):  # TreeModel.predict_proba's signature
        import numpy as np

        return np.array([0.1 if row in self.dropped else 0.9 for row in rows])


PRICE_LETTER = ["COPEAUX & BÛCHES", "La lettre hebdomadaire des prix du bois-énergie",
                "Plaquettes forestières : les chaufferies collectives se couvrent avant la fin de l'hiver",
                "Les acheteurs des réseaux de chaleur ont accéléré leurs commandes cette semaine, inquiets d'un redoux "
                "qui ralentirait les coupes au printemps.",
                "Source : relevés Copeaux & Bûches auprès de 18 plateformes et négociants, semaine du 3 au 7 février.",
                "Vous recevez cette lettre parce que votre entreprise est abonnée à Copeaux & Bûches.",
                "Copeaux & Bûches, 12, rue des Scieurs, 88000 Épinal"]  # fmt: skip


def test_a_source_note_the_model_dropped_right_under_the_article_stays() -> None:
    """Round CP: "Source : …" right under the article's last kept line is the article's, whatever the model said."""
    from stance.cleaning import LineModel

    model = _Drops({0, 1, 4, 6})  # the masthead, the tagline, the source note and the address
    drops = LineModel(model=model).find(PRICE_LETTER)
    assert 4 not in drops and 2 not in drops and 3 not in drops
    assert drops[6] == "boilerplate (p=0.90)"
    assert LineModel(model=model, model_source_notes=False).find(PRICE_LETTER)[4] == "boilerplate (p=0.90)"
    # under a line the model dropped too, the note is not the article's end: it stays dropped
    assert LineModel(model=_Drops({0, 1, 3, 4, 6})).find(PRICE_LETTER)[4] == "boilerplate (p=0.90)"
