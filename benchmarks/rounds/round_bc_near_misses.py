"""Round BC (twenty-sixth session): the near misses of the furniture rules, in French documents.

Read with round BB's cleaner, most clutter still kept in the 372 read dirty documents is kinds of furniture the
rules know, worded in ways they just miss: share rows with other networks or separators, counts of replies,
reading times with "estimé", related headings naming the blog, authors' boxes in other shapes, download links,
the medium speaking to its reader, disclosures, a forum member's stamp, chart titles, a quote strip without
separators, a handle alone on its line, buttons that sell a tool. ``DOCUMENT_CLUTTER_BC`` (below; in
``stance/cleaning/boilerplate.py`` until the judge ran) words them; the candidate is the cleaner whose
``ExtraFurniture`` also runs them (French documents, or too short to tell).

The round's rule (``docs/design.md``, round BC), written before the judge ran. First (``--hits``), each rule's hits
on our 414 French training pages (``webpages_fr.jsonl``, labelled; not the documents the rules were written from):
a rule whose hits there are under 90 % furniture is removed. Then it ships if, against round BB's cleaner (the full
cleaner, each text alone):

1. on the 60 written after round BB (``cleaning_fr_documents_dev_bc.jsonl``, lines unread) line precision gains
   0.005 or more and line recall loses at most 0.002;
2. on the 60 written after round AV (lines unread) line F1 does not fall;
3. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
4. the seeds keep all 205 golden lines;
5. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
6. cleaning is at least 0.95 times as fast (``clean_speed.py``, runs taking turns);
7. no line of DAniEL's or Scrapinghub's training pages changes;
8. the 384 French articles of the stance stage (``stance_fr_documents*.jsonl``) lose at most 5 lines more.

    python benchmarks/rounds/round_bc_near_misses.py --hits   # each rule on the French training pages
    python benchmarks/rounds/round_bc_near_misses.py          # the judge and conditions 1-4, 7 and 8
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from round_aw_tables import documents  # noqa: E402
from round_bb_site_copy import judge  # noqa: E402

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.base import LineRules, Rule  # noqa: E402
from stance.cleaning.boilerplate import (  # noqa: E402
    _D_NAME,
    _I,
    ARTICLE_TOOL,
    AUTHOR,
    CAPTION,
    DATE_STUB,
    DISCLAIMER,
    DOCUMENT_CLUTTER,
    NOTE,
    QUOTE,
    READ_ALSO,
    RELATED,
    SHARE,
    ExtraFurniture,
)
from stance.cleaning.comments import Comments  # noqa: E402
from stance.cleaning.dedup import Deduplicate  # noqa: E402
from stance.cleaning.language import ForeignScriptLines  # noqa: E402
from stance.cleaning.linemodel import LineModel  # noqa: E402
from stance.cleaning.normalise import normalise  # noqa: E402

TRAINING = ROOT / "models" / "training"
JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_bc.jsonl"  # written after round BB; lines unread
TRAINING_PAGES = TRAINING / "webpages_fr.jsonl"
REPORTED = (
    ("the 60 written for round BA (read: in sample)", TRAINING / "cleaning_fr_documents_dev_ba.jsonl"),
    ("the 60 written after round AX (read: in sample)", TRAINING / "cleaning_fr_documents_dev_ax.jsonl"),
    ("the 192 read documents (in sample)", TRAINING / "cleaning_fr_documents_dev_aq.jsonl"),
    ("the first 60 development documents (read: in sample)", TRAINING / "cleaning_fr_documents_dev.jsonl"),
)
NAMES = ("round BB", "round BC")


# The round's rules, as judged (they lived in ``stance/cleaning/boilerplate.py`` until the judge said no): the near
# misses of the rules of ``DOCUMENT_CLUTTER``, kinds of furniture they know worded in ways they just miss, written
# from the 372 read development documents.
_BC_NETWORK_NAME = (r"(?:facebook|twitter|linkedin|whatsapp|telegram|bluesky|threads|reddit|discord|mastodon|"
                    r"pinterest|messenger|instagram)")
_BC_NETWORK = rf"(?:{_BC_NETWORK_NAME}|x|in|mail|e-?mail|courriel|sms|✉️?|copier\s+le\s+lien|imprimer)"
_BC_NETWORK_SEP = r"(?:\s*[·|,/•]\s*|\s+)"
# what a share button shares: the medium's own kinds of content
_BC_SHARED = (r"(?:article|test|page|post|billet|revue|[ée]dition|lettre|newsletter|analyse|vid[ée]o|[ée]pisode|"
              r"podcast|dossier|guide|contenu|publication|direct|chronique|comparatif|classement|fiche|tribune)")
_BC_REACTION = (r"(?:j['’]aime|commenter|republier|envoyer|partager|r[ée]agir|r[ée]pondre|signaler|citer|"
                r"enregistrer)")
_BC_EMOJI_COUNT = r"(?:👍|❤️?|💬|🔁|♻️?|👏|🔥|⭐)\s*\d[\d\s,.]*k?"
_BC_MEDIUM = (r"(?:article|analyse|billet|[ée]dition|lettre|newsletter|contenu|podcast|[ée]pisode|vid[ée]o|chronique|"
              r"s[ée]lection|revue|blog|cha[îi]ne|site|m[ée]dia|test|guide|comparatif|fil)s?")
_BC_EXPERT = (r"(?:[ée]conomiste|analyste|charg[ée]e?\s+d['’][ée]tudes|chercheu(?:r|se)|professeure?|"
              r"planifi(?:cateur|catrice)\s+financi[èe]re?|consultante?|conseill(?:er|[èe]re)\s+en|"
              r"strat[ée]giste|ma[îi]tre\s+de\s+conf[ée]rences|directeur\s+de\s+recherche|directrice\s+de\s+recherche)")
DOCUMENT_CLUTTER_BC = (
    # BC1, share rows and counts of replies and reactions: "Facebook Twitter WhatsApp E-mail", "Partager ⟶ LinkedIn
    # · X · Mail", "Partager la revue : LinkedIn · X · Copier le lien", "Partager ce test", "J'aime Commenter
    # Republier Envoyer", "15 réponses", "1,2 k · 48 réponses", "👍 58 💬 31 🔖 Ajouter à ma watchlist"
    Rule(SHARE, re.compile(
        rf"(?i:partager(?:\s+(?:ce|cet|cette|la|le|l['’])\s*{_BC_SHARED})?(?:\s+(?:sur|via))?\s*[:⟶→·|\-–—]?\s*"
        rf"(?:{_BC_NETWORK}{_BC_NETWORK_SEP})*{_BC_NETWORK}\s*|"
        rf"partager\s+(?:ce|cet|cette|la|le|l['’])\s*{_BC_SHARED}\s*|"
        rf"{_BC_NETWORK_NAME}(?:{_BC_NETWORK_SEP}{_BC_NETWORK})+\s*|"
        rf"{_BC_REACTION}(?:\s*[·|•]?\s*{_BC_REACTION}){{2,}}\s*|"
        r"(?:\d[\d\s,.]*\s*k?\s*[·|•]\s*)?\d[\d\s]*\s+(?:r[ée]ponses?|messages?|vues|lectures|partages?|republications?)|"
        rf"(?:{_BC_EMOJI_COUNT}\s*){{2,}}(?:🔖\s*[^.!?]{{0,40}})?)"),
        needs=("partager", "facebook", "twitter", "linkedin", "whatsapp", "telegram", "bluesky", "threads", "reddit",
               "discord", "mastodon", "pinterest", "messenger", "instagram", "aime", "commenter", "réponse", "reponse",
               "message", "vues", "lectures", "partages", "republi", "👍", "💬", "❤", "🔁", "♻", "👏", "🔥", "⭐"),
        max_len=120),
    # BC2, reading times with "estimé" or a symbol: "Temps de lecture estimé : 7 min", "⏱ 4 min de lecture"
    Rule(DATE_STUB, re.compile(
        r"(?:[^\w\s]{1,2}\s*)?(?i:(?:temps\s+de\s+)?lecture(?:\s+estim[ée]e?)?\s*:?\s*(?:environ\s+)?\d+\s*min(?:utes?)?|"
        r"(?:environ\s+)?\d+\s*min(?:utes?)?\s+de\s+lecture(?:\s+estim[ée]e?)?)\.?"),
        needs=("min",), max_len=60),
    # BC3, related-article headings that name the site or the blog: "À lire aussi sur le blog", "À lire aussi dans La
    # Pile", "Plus sur le sujet", "Sur le même sujet dans la communauté"; and teasers behind a "›": "À lire aussi ›
    # Enchères de fréquences : …"
    Rule(RELATED, re.compile(
        r"(?:[^\w\s«\"'’(]{1,3}\s*)?(?i:(?:[àa]\s+)?(?:lire|voir)\s+(?:aussi|[ée]galement|encore)\s+(?:sur|dans)\s+"
        r"[^:.!?›»>]{1,40}|plus\s+sur\s+(?:le|ce)\s+(?:sujet|th[èe]me)|sur\s+le\s+m[êe]me\s+(?:sujet|th[èe]me)\s+"
        r"(?:sur|dans)\s+[^:.!?›»>]{1,40})\s*:?"),
        needs=("lire", "voir", "sujet", "thème", "theme"), max_len=80),
    Rule(READ_ALSO, re.compile(
        r"(?:[^\w\s«\"'’(]{1,3}\s*)?(?i:(?:[àa]\s+)?(?:lire|voir)\s+(?:aussi|[ée]galement|encore)(?:\s+(?:sur|dans)\s+"
        r"[^:.!?›]{1,40})?)\s*›\s*.{3,}"),
        needs=("›",), max_len=300),
    # BC4, authors' boxes: "Romain Tessier couvre l'immobilier logistique pour Entrepôts & Flux depuis 2019. …",
    # "Samuel Ancelin est économiste du travail. Ancien chercheur associé …", "Sophie Tremblay-Roy est
    # planificatrice financière et collabore au Quai des affaires depuis 2019.", "Journaliste au service logistique
    # depuis 2019, Romain suit …"
    Rule(AUTHOR, re.compile(
        rf"{_D_NAME}\s+(?:couvre|suit|d[ée]crypte|chronique)\s[^.!?]{{3,200}}?\s+pour\s+[^.!?]{{2,60}}?\s+depuis\s+"
        r"(?:\d{4}|\w+\s+ans)\b.*|"
        rf"{_D_NAME}\s+(?:est|[ée]tait)\s+(?:\w+\s+)?{_BC_EXPERT}\b[^.!?]{{0,200}}\.\s+(?:Auparavant|Ancien(?:ne)?|"
        r"Dipl[ôo]m[ée]e?|Avant\s+de\s+rejoindre|Pass[ée]e?\s+par|Form[ée]e?\s+[àa])\b.*|"
        rf"{_D_NAME}\s+est\s+[^.!?]{{3,120}}\s+et\s+collabore\s+(?:au|[àa]|avec|aux)\b.*|"
        r"(?:Journaliste|R[ée]dact(?:eur|rice)|Dipl[ôo]m[ée]e?\s+d['’]|Ancien(?:ne)?\s+\w+)[^.!?]{3,150},\s+"
        r"[A-ZÀ-Ý][\w'’\-]+\s+(?:suit|couvre|d[ée]crypte|chronique)\b.*"),
        needs=("couvre", "suit", "décrypte", "decrypte", "chronique", "auparavant", "ancien", "diplôm", "diplom",
               "avant de rejoindre", "passé", "formé", "collabore"), max_len=600),
    # BC5, download links with their file: "Télécharger la note (PDF, 980 Ko)", "Télécharger le MP3 · Ajouter à ma
    # playlist"
    Rule(ARTICLE_TOOL, re.compile(
        r"(?:[⬇📥📄]\s*)?(?i:t[ée]l[ée]charger)\b(?=[^.!?]*\b(?i:pdf|ko|mo|mp3|epub|xlsx?|csv|docx?)\b)[^.!?]{0,90}"),
        needs=("télécharger", "telecharger"), max_len=100),
    # BC6, the medium speaking of itself to its reader: "Vous avez aimé cette analyse ? Suivez …", "Si ce billet vous
    # a plu, abonnez-vous …", "Ce test vous a-t-il été utile ?", "Voir cette édition dans votre navigateur", "Cette
    # édition vous est présentée par Comptafil", "Répondez simplement à cet e-mail : …", "Vous avez une information à
    # nous communiquer ? Écrivez à la rédaction …", "🔔 Suivez-moi pour plus de contenus …", "♻️ Republiez si …"
    Rule(NOTE, re.compile(
        r"(?:[^\w\s«\"'’(]{1,3}\s*)?(?i:"
        rf"(?:vous\s+avez\s+aim[ée]|vous\s+appr[ée]ciez|tu\s+as\s+aim[ée])\s+(?:cet|ce|cette|nos|notre|mes|mon|ma|les)\s+"
        rf"{_BC_MEDIUM}\b[^?]{{0,60}}\?.*|"
        rf"(?:vous\s+aimez|tu\s+aimes)\s+(?:ce|cette|cet|notre|nos|mon|ma|mes)\s+{_BC_MEDIUM}\s*\?.*|"
        r"si\s+(?:cet|ce|cette)\s+\w+\s+(?:vous|t['’])\s*(?:a|as)\s+(?:plu|aid[ée]|[ée]t[ée]\s+utile)\b.*|"
        rf"(?:cet|ce|cette)\s+{_BC_MEDIUM}\s+vous\s+a-t-(?:il|elle)\s+[ée]t[ée]\s+utile\s*\?.*|"
        r"voir\s+(?:cette|la|cet)\s+(?:[ée]dition|newsletter|lettre|e-?mail|message)\s+(?:dans|sur)\s+(?:votre|le|un)\s+"
        r"navigateur.*|"
        r"(?:cette|la|cet)\s+(?:[ée]dition|newsletter|lettre|[ée]pisode|num[ée]ro)\s+vous\s+est\s+"
        r"(?:pr[ée]sent[ée]e?|offerte?|propos[ée]e?)\s+par\b.*|"
        r"r[ée]pondez(?:\s+simplement)?\s+[àa]\s+(?:cet|ce)\s+(?:e-?mail|courriel|message)\b.*|"
        r"(?:vous\s+avez|tu\s+as)\s+une\s+(?:information|question|id[ée]e|remarque)\b[^?]{0,60}\?\s*"
        r"(?:[ée]crivez|contactez|envoyez|[ée]cris|contacte)\b.*|"
        r"suivez-moi\b.*|republiez\b.*)"),
        needs=("aimé", "aime", "apprécie", "apprecie", "plu", "aidé", "aide", "utile", "navigateur", "présenté",
               "presente", "offert", "proposé", "répondez", "repondez", "information", "question", "idée", "remarque",
               "suivez-moi", "republiez"), max_len=400),
    # BC7, disclosures and notes: affiliate links, the author's declared position, "Communication publicitaire – …",
    # the alcohol warning French law requires, "Initiative de journalisme local — …", "Cet entretien a été
    # retranscrit …", "Cette tribune a été publiée initialement dans …", "Cet article est paru dans le numéro …",
    # "D'après un article du …, traduit et adapté par la rédaction"
    Rule(DISCLAIMER, re.compile(
        r".*\b(?:liens?\b[^.!?]{0,60}\baffili[ée]s?|(?:partenariat|programme|lien|liens)\s+d['’]affiliation)\b.*|"
        r"(?:position\s+d[ée]clar[ée]e\s+de\s+l['’]aut(?:eur|rice)|l['’]aut(?:eur|rice)\s+(?:d[ée]tient|ne\s+d[ée]tient\s+"
        r"(?:pas|aucun))\b|communication\s+(?:publicitaire|[àa]\s+caract[èe]re\s+promotionnel)|"
        r"l['’]abus\s+d['’]alcool\s+est\s+dangereux|initiative\s+de\s+journalisme\s+local).*", _I),
        needs=("affili", "déclar", "declar", "auteur", "autrice", "communication", "alcool", "journalisme local"),
        max_len=600),
    Rule(NOTE, re.compile(
        r"(?:(?:cet|ce|cette)\s+(?:entretien|[ée]change|interview|tribune|article|texte|conversation|discussion|"
        r"chronique|billet)\s+(?:a\s+[ée]t[ée]\s+(?:retranscrite?|publi[ée]e?\s+initialement|reproduite?)|"
        r"est\s+paru(?:e)?\s+dans|est\s+reproduite?)|d['’]apr[èe]s\s+un\s+(?:article|texte|entretien)\b[^.!?]{0,80}"
        r"\btradui).*", _I),
        needs=("retranscri", "initialement", "reproduit", "paru", "tradui"), max_len=400),
    # BC8, a community member's stamp: "Article proposé par Le_Rentier_Breton · Membre depuis 2011 · 4 920 messages",
    # "Analyse de VieuxRenard64 · Membre Or · 412 analyses publiées"
    Rule(AUTHOR, re.compile(r"[^.!?·|•]{1,80}?[·|•]\s*(?i:membre)\b[^.!?]{0,100}"), needs=("membre",), max_len=200),
    # BC9, chart titles: "Graphique 1 – Inflation des biens et des services dans la zone euro (glissement annuel, en
    # %)", "… (graphique de l'auteur)"
    Rule(CAPTION, re.compile(
        r"(?i:graphique|figure|fig\.|infographie)\s*(?:n°\s*)?\d+\s*[–—:\-.]\s*[^!?]{3,200}|"
        r"[^()]{3,200}\((?i:graphique|tableau|carte|sch[ée]ma|infographie)\s+(?:de\s+l['’]aut(?:eur|rice)|"
        r"r[ée]alis[ée]e?\s+par\b[^()]{1,60}|:\s*[^()]{1,60})\)\.?"),
        needs=("graph", "figure", "fig.", "infograph", "tableau", "carte", "schéma", "schema"), max_len=260),
    # BC10, a quote strip without separators: "BTC 61 240 $ ▲ 2,1 % ETH 3 385 $ ▲ 1,4 % SOL 142 $ ▼ 0,8 %"
    Rule(QUOTE, re.compile(
        r"(?:[A-Z][A-Z0-9]{1,5}\s+\d[\d\s]*(?:[.,]\d+)?\s*[$€£]\s*[▲▼]\s*[+\-−]?\s?\d+(?:,\d+)?\s*%\s*){2,}"),
        needs=("▲", "▼"), max_len=200),
    # BC11, a user's handle alone on its line, over a reader's comment: "Zorglub_42", "Mimi_des_Landes",
    # "PixelComptable" does not go (a name of one word may be the article's)
    Rule(SHARE, re.compile(r"@?[A-Za-zÀ-ÿ][\wÀ-ÿ]*_[\wÀ-ÿ]+|@?(?=[^\d]*[a-zà-ÿ])[A-Za-zÀ-ÿ]{3,}\d{2,4}"),
         max_len=30),
    # BC12, buttons that sell a tool or an offer: "Simulez votre capacité d'emprunt en 2 minutes", "Voir l'offre chez
    # Darty — 449 €", "Kiro Band Max — 69 € chez Amazon", "Je lance mon estimation", "Calculer ma mensualité",
    # "Comparer toutes les offres"
    Rule(ARTICLE_TOOL, re.compile(
        r"(?:[^\w\s«\"'’(]{1,3}\s*)?(?i:(?:simulez|simuler|calculez|calculer|estimez|estimer|comparez|comparer|testez|"
        r"obtenez|trouvez|demandez)\b[^.!?]{2,80}?\s+en\s+(?:\d+|deux|trois|quelques)\s+(?:minutes?|clics?|secondes?|"
        r"questions?)\b[^.!?]{0,80}|voir\s+l['’]offre(?:\s+(?:chez|sur)\s+[^.!?]{1,40}?)?(?:\s*[—–\-:]\s*\d[\d\s,]*\s*€)?|"
        r"je\s+(?:lance|simule|compare|calcule|d[ée]couvre|teste|commande|profite|souscris|obtiens|r[ée]serve|"
        r"t[ée]l[ée]charge)\b[^.!?]{0,50}|(?:calculer|simuler|estimer|comparer)\s+(?:ma|mon|mes)\s+[^.!?]{1,40}|"
        r"(?:comparer|comparez)\s+(?:toutes\s+)?les\s+offres(?:\s+[^.!?]{1,40})?)\s*[→›]?|"
        r"[^.!?]{2,60}\s*[—–\-]\s*\d[\d\s,]*\s*€\s+(?i:chez)\s+[A-ZÀ-Ý][\w&'’\- ]{1,30}"),
        needs=("minute", "clic", "seconde", "question", "offre", "je ", "ma ", "mon ", "mes ", "€"), max_len=200),
)


class RoundBB(ExtraFurniture):
    """``ExtraFurniture`` as round BB shipped it."""

    french_rules = DOCUMENT_CLUTTER


class RoundBC(ExtraFurniture):
    """``ExtraFurniture`` with round BC's rules after round BB's."""

    french_rules = (*DOCUMENT_CLUTTER, *DOCUMENT_CLUTTER_BC)


def cleaner(extra: LineRules) -> Cleaner:
    return Cleaner(steps=[ForeignScriptLines(), Comments(), Deduplicate(), LineModel(extra=extra)])


class _One(LineRules):
    def __init__(self, rule) -> None:
        self.rules = (rule,)
        super().__init__()


def hits() -> None:
    """Each rule's hits on the French training pages, by label, and their first furniture and content lines."""
    pages = documents(TRAINING_PAGES)
    print(f"| rule | reason | hits on the {len(pages)} French training pages | furniture | content | unsure | "
          "furniture share |")
    print("|---|---|---:|---:|---:|---:|---:|")
    examples = {}
    for number, rule in enumerate(DOCUMENT_CLUTTER_BC, 1):
        one = _One(rule)
        count: Counter = Counter()
        seen = []
        for page in pages:
            for line, label in zip(page["lines"], page["labels"], strict=True):
                if one.check(normalise(line)) is not None:
                    count[label] += 1
                    if label == 1:
                        seen.append(line[:100])
        total = sum(count.values())
        share = f"{count[0] / (count[0] + count[1]):.2f}" if count[0] + count[1] else "–"
        print(f"| {number} | {rule.reason} | {total} | {count[0]} | {count[1]} | {count[-1]} | {share} |")
        examples[number] = seen
    for number, seen in examples.items():
        for line in seen:
            print(f"  rule {number}, content: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", action="store_true", help="each rule's hits on the French training pages")
    if parser.parse_args().hits:
        hits()
        return
    judge(cleaner(RoundBB()), cleaner(RoundBC()), "the 60 written after round BB (the judge; lines unread)",
          JUDGE_DOCUMENTS, REPORTED, NAMES)


if __name__ == "__main__":
    main()
