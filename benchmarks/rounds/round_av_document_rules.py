"""Round AV (twenty-third session): rules for the clutter of French dirty documents, after the line model.

The clutter the shipped cleaner keeps inside the articles of the 192 read dirty documents
(``models/training/cleaning_fr_documents_dev_aq.jsonl``) is of kinds every French site of a genre has:
sponsored labels and the advertisers' copy under them, bylines and publication stamps with numeric dates,
teasers with a prefix, live-blog and podcast-player controls, newsletter, paywall and offer prompts, notes
about the article itself, authors' bios, captions ending in a credit. AV words rules for them, of
``ExtraFurniture``'s kind (whole-line patterns run after the trees: no retrain, every other line decided
as before). They were written from the 192 documents and the training pages only.

The round's rule (``docs/design.md``, round AV), written before any rule:

- two filters, automatic: a rule is left out if fewer than 90 % of its hits on the labelled lines of the
  2,281 training pages are furniture, or if it hits any line of the stance training texts;
- the rules kept ship if, against the shipped cleaner (the full cleaner, each text alone): on the 60
  development dirty documents line precision gains 0.010 or more and line recall loses at most 0.002; on
  the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001; the seeds keep
  all 205 golden lines; ``stance eval``'s gate holds with cleaning precision 0.90 or more and recall not
  lower; cleaning is at least 0.95 times as fast.

    python benchmarks/rounds/round_av_document_rules.py --develop   # the 192 read documents and the filters
    python benchmarks/rounds/round_av_document_rules.py             # the filters, then the judge
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from cleaner_dev_scores import DEVELOPMENT_FILES  # noqa: E402

from stance.cleaning import Cleaner, training  # noqa: E402
from stance.cleaning.base import FRENCH_MONTH, LineRules, Rule  # noqa: E402
from stance.cleaning.boilerplate import (  # noqa: E402
    ADVERTISING,
    ARTICLE_TOOL,
    CAPTION,
    DATE_STUB,
    DISCLAIMER,
    MEDIA,
    READ_ALSO,
    SHARE,
    SUBSCRIPTION,
    ExtraFurniture,
)
from stance.cleaning.comments import Comments  # noqa: E402
from stance.cleaning.dedup import Deduplicate  # noqa: E402
from stance.cleaning.language import ForeignScriptLines  # noqa: E402
from stance.cleaning.linemodel import LineModel, TreeModel  # noqa: E402
from stance.cleaning.normalise import normalise  # noqa: E402

TRAINING = ROOT / "models" / "training"
READ_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev_aq.jsonl"  # what the rules were written from
JUDGE_DOCUMENTS = TRAINING / "cleaning_fr_documents_dev.jsonl"  # the 60 nobody has read
STANCE_TEXTS = [*sorted(TRAINING.glob("stance_fr*.jsonl")), TRAINING / "tweets_en.jsonl"]
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "tests" / "cleaning" / "golden"

AUTHOR = "author box"
NOTE = "note about the article"
QUOTE = "quote widget"

_I = re.IGNORECASE
_AP = "['’]"
_NUM_DATE = r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
_WORD_DATE = rf"\d{{1,2}}(?:er)?\s+{FRENCH_MONTH}(?:\s+\d{{4}})?"
_DAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_ANY_DATE = rf"(?:(?:{_DAY}\s+)?(?:{_NUM_DATE}|{_WORD_DATE})|{FRENCH_MONTH}\s+\d{{4}})"
_TIME = r"\d{1,2}\s*(?:h|:)\s*\d{2}"
_AGO = r"il\s+y\s+a\s+\d+\s*(?:min(?:utes?)?|h(?:eures?)?|jours?|semaines?)"
# a person's name: two to four capitalised words (hyphens, initials), maybe with a particle
_NAME = (r"[A-ZÀ-Ý][\w'’\-]*\.?(?:\s+(?:[A-ZÀ-Ý][\w'’\-]*\.?|de|du|des|d['’]|van|von|le|la|ben|el)){1,4}")
# a segment of a meta line between separators: no sentence in it (a full stop only after an initial), read
# once (possessive), so that where it ends is never in doubt
_SEGMENT = r"(?:[^.!?|·•—–\n]|(?<=\b[A-ZÀ-Ý])\.|(?<=\d)\.(?=\d)){1,70}+"
_SEP = r"\s*+[|·•—–]\s*+"
_STAMP_LEAD = (
    r"(?:(?:article\s+|communiqu[ée]\s+|billet\s+)?(?:publi[ée]e?|mis\s+en\s+ligne|mis\s+[àa]\s+jour|actualis[ée]e?|"
    r"modifi[ée]e?|paru(?:e)?(?:\s+dans\s+[^.!?|·•—–]{1,60}?)?|diffus[ée]e?|post[ée]e?|achev[ée]\s+de\s+r[ée]diger|"
    r"derni[èe]re\s+(?:mise\s+[àa]\s+jour|v[ée]rification(?:\s+des\s+prix)?|actualisation)|"
    r"(?:publi[ée]e?|r[ée]dig[ée]e?|post[ée]e?|[ée]crite?|mise?\s+en\s+ligne)\s+par\s+[^.!?|·•—–\d]{1,60}?|"
    r"billet|[ée]mission|semaine)"
    r"(?:\s+(?:le|du|en|au|à|:)|\s*:)?\s*)"
)
# one stamp, a whole segment: "Le 07/04/2025 à 08h12 - mis à jour à 17h48", "Mis en ligne le 28/02/2025",
# "Achevé de rédiger le 12 mars 2025", "Mis à jour il y a 2 min", "Lecture : 4 min", "23 commentaires"
_ONE_STAMP = (
    # a lead word, or "le" before the date, or "à" between the date and the time: never a date or a time alone
    # (a table's cell, a live blog's entry "16h05 – Le CAC 40 termine...")
    rf"(?:{_STAMP_LEAD}(?:le\s+)?(?:{_ANY_DATE}(?:\s*(?:à|,|-)?\s*{_TIME})?|{_TIME}|{_AGO})|"
    rf"le\s+{_ANY_DATE}(?:\s*(?:à|,|-)?\s*{_TIME})?|{_ANY_DATE}\s+à\s+{_TIME}|{_AGO}|"
    rf"(?:temps\s+de\s+)?lecture\s*:?\s*\d+\s*min(?:utes?)?|\d+\s*min(?:utes?)?(?:\s+de\s+lecture)?|"
    r"(?:mis\s+[àa]\s+jour|actualis[ée]e?)\s+(?:[àa]\s+\d{1,2}\s*(?:h|:)\s*\d{0,2}|en\s+continu)|"
    r"\d+\s+commentaires?|abonn[ée]|actualiser|rafra[îi]chir)"
)
_STAMP = rf"(?i:{_ONE_STAMP}(?:\s+-\s+{_ONE_STAMP})?)"
_BYLINE_LEAD = (
    r"(?:(?:[Aa]rticle\s+)?(?:[Pp]ar|[Rr][ée]dig[ée]e?\s+par|[ÉéEe]crit\s+par|[Pp]ropos\s+recueillis\s+par|"
    r"[Dd]irect\s+anim[ée]\s+par|[Aa]nim[ée]e?\s+par|[Ss]uivi\s+assur[ée]\s+par|[Pp]r[ée]sent[ée]e?\s+par|"
    r"[Vv][ée]rifi[ée]\s+par|[Rr]elu\s+par)|"
    r"(?:[Tt]exte|[Aa]nalyse|[Ee]ntretien|[Rr]eportage|[Rr][ée]daction|[Pp]hotos?|[Ii]nterview|[Cc]hronique)\s*:|"
    r"(?:[Uu]ne|[Ll]a)\s+chronique\s+de|[Ll]e\s+billet\s+de|[Ll]['’][ée]dito(?:rial)?\s+de)"
)
_BYLINE_WHO = (
    r"(?:M[ea]\s+|Dr\s+|l['’][ée]quipe\b|le\s+service\b|la\s+r[ée]daction\b|le\s+p[ôo]le\b|un\s+collectif\b|"
    r"notre\s+(?:r[ée]daction|comit[ée]|[ée]quipe|correspondant)|nos\s+(?:experts|journalistes)|[A-ZÀ-Ý])"
)
_BYLINE = rf"{_BYLINE_LEAD}\s*{_BYLINE_WHO}(?:[^.!?;]|(?<=\b[A-ZÀ-Ý])\.|(?<=\d)\.(?=\d)|\.(?=\s*[,|·—–]))*"
_UPPER = r"[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+"
_QUOTE_NAME = r"[A-ZÀ-Ý][\w&'’.\-]*(?:\s+[\w&'’.\-]+){0,4}?(?:\s*\([A-Z0-9.]{2,8}\))?\s+"
_CHANGE = r"[▲▼]?\s*[+\-−–]\s?\d+(?:,\d+)?\s*%"
_PRICE = r"\d[\d\s]*,\d+\s*€"
# the first quote of a widget has its price or an arrow ("Brent +4 %" alone is a headline's way of speaking)
_QUOTE_FIRST = rf"{_QUOTE_NAME}(?:{_PRICE}\s*{_CHANGE}|[▲▼]\s*[+\-−–]\s?\d+(?:,\d+)?\s*%|{_CHANGE}\s+[àa]\s+{_PRICE})"
_QUOTE_ITEM = rf"{_QUOTE_NAME}(?:{_PRICE}\s*)?{_CHANGE}(?:\s+[àa]\s+{_PRICE})?"

RULES = (
    # AV1, sponsored labels alone ("Sponsorisé · Partenaire", "Contenu partenaire", "Publireportage", "Offre
    # partenaire", "DEAL SPONSORISÉ") or leading the advertiser's copy ("Sponsorisé · Vos pipelines CI...",
    # "PARTENAIRE — Vous préparez votre retraite ?", "Contenu proposé par Fintalys — Financer sa croissance...")
    Rule(ADVERTISING, re.compile(
        r"(?:(?i:(?:(?:contenus?|offres?|deals?|espaces?|articles?|messages?|annonces?|liens?|"
        r"s[ée]lections?)\s+)?(?:sponsoris[ée]e?s?|partenaires?|publicitaires?)|publi-?reportage|"
        r"publicit[ée]|en\s+partenariat\s+avec\s+[^.!?·|—–]{1,60}|contenu\s+propos[ée]\s+par\s+[^.!?·|—–]{1,60}))"
        r"(?:\s*[·|]\s*(?i:sponsoris[ée]e?|partenaires?|publicit[ée]|annonce))?\s*|"
        r"(?:(?i:(?:deal\s+|contenu\s+|article\s+)?sponsoris[ée]e?|publi-?reportage|contenu\s+partenaire|"
        r"offre\s+partenaire|contenu\s+propos[ée]\s+par\s+[^.!?·|—–]{1,60})|PARTENAIRE|PUBLICIT[ÉE]|ANNONCE)"
        r"(?:\s*[·|—–:]\s*|\s+-\s+).{3,}"),
        needs=("sponsor", "partenai", "publi", "annonce"), max_len=600),
    # AV2, a sponsor's credit in a sentence: "Notre direct est sponsorisé par Marchés Alizé, ...", "Cet épisode
    # est proposé avec le soutien de Néostock, ..."
    Rule(ADVERTISING, re.compile(
        r"(?:notre|nos|ce|cet|cette)\s+(?:direct|[ée]pisode|podcast|newsletter|lettre|[ée]mission|webinaire|"
        r"rubrique|suppl[ée]ment|guide|contenu|dossier|s[ée]rie|chronique)s?\s+(?:est|sont)\s+"
        r"(?:sponsoris[ée]e?s?\s+par|propos[ée]e?s?\s+avec\s+le\s+soutien\s+de|r[ée]alis[ée]e?s?\s+en\s+partenariat\s+avec|"
        r"offerte?s?\s+par|soutenue?s?\s+par)\b.*", _I),
        needs=("sponsor", "soutien", "partenariat", "offert", "soutenu"), max_len=600),
    # AV3, the legal warnings advertisers must print, and notes on an article's own status as advice
    Rule(DISCLAIMER, re.compile(
        r".*(?:cfd\s+sont\s+des\s+instruments\s+complexes|\d+\s*%\s+des\s+comptes\s+d['’]investisseurs\s+"
        r"particuliers\s+perdent|investir\s+comporte\s+des\s+risques|un\s+cr[ée]dit\s+vous\s+engage\s+et\s+doit|"
        r"peu(?:t|vent)\s+percevoir\s+une\s+r[ée]mun[ée]ration|certains\s+liens\s+(?:sont|peuvent\s+[êe]tre)\s+"
        r"(?:r[ée]mun[ée]r[ée]s|affili[ée]s|sponsoris[ée]s)|ne\s+sauraient?\s+se\s+substituer\s+[àa]|"
        r"(?:le\s+contenu\s+de\s+ce\s+communiqu[ée]|ce\s+communiqu[ée]).{0,80}n['’]engage\s+pas|"
        r"(?:informations?|contenus?)\s+(?:de|contenue?s?\s+dans)\s+(?:cet|ce|cette)\s+"
        r"(?:article|guide|page|site|billet|fiche|contenu|vid[ée]o)\s+(?:sont|est)\s+(?:donn[ée]e?s|fournie?s)\s+"
        r"[àa]\s+titre\s+(?:g[ée]n[ée]ral|indicatif|informatif|d['’]information)).*", _I),
        needs=("cfd", "comptes d", "comporte des risques", "vous engage", "percevoir", "certains liens",
               "substituer", "communiqu", "titre"), max_len=1000),
    # AV4, publication stamps: "Le 07/04/2025 à 08h12 - mis à jour à 17h48", "Mis en ligne le 28/02/2025 ·
    # Abonné", "Achevé de rédiger le 12 mars 2025", "Paru dans Le Pendule n° 11 du 13 mars 2025", "Épisode 112 ·
    # 41 min · 12 février 2025", "Mis à jour il y a 2 min · Rafraîchir", "Numéro 1487 · Semaine du 6 au 12 février
    # 2025", and bylines with them: "Par Léa Cartier · Le 31/01/2025 à 07h15", "Texte : Julien Marchetti —
    # 03/06/2025", "M.D. – mis en ligne le 08/01/2025 à 07:30"
    Rule(DATE_STUB, re.compile(
        rf"(?:{_SEGMENT}{_SEP})*?{_STAMP}(?>(?:{_SEP}{_SEGMENT})*)\s*[|·]?"),
        needs=(*"0123456789", "il y a", "abonn", "actualis", "rafra", "continu"), max_len=170),
    # AV5, bylines without a date: "Par Malik Ferhat avec agences", "Propos recueillis par Mathilde Carrère —
    # Quai des Valeurs", "Par Pierre-Yves L., membre rédacteur", "Direct animé par Lucas Ferrier et Inès Taleb",
    # "La chronique de Sofia Benali, cofondatrice et présidente de Klyma", "La rédaction Kilowatt & Facture"
    Rule(DATE_STUB, re.compile(
        rf"{_BYLINE}|(?i:la\s+r[ée]daction)(?:\s+(?:de|d['’]|du))?\s+[A-ZÀ-Ý][^.!?:;]{{0,60}}|"
        rf"{_NAME}\s*[|]\s*[A-ZÀ-Ý][^\d.!?|:;]{{1,40}}"),
        needs=("par", "texte", "analyse", "entretien", "reportage", "daction", "photo", "interview", "chronique",
               "billet", "dito", "|"), max_len=200),
    # AV6, teasers: "🔗 À lire aussi : ...", "À voir aussi sur Horizon 24 : ...", "📡 Sur le radar aussi : ...",
    # "Dans la même rubrique : ...", "À réécouter aussi : ...", "VIDÉO - Krach boursier : ...", "👉 Vous aimerez
    # aussi : ...", "Lire l'article original (en anglais)"
    Rule(READ_ALSO, re.compile(
        r"(?:[^\w\s«\"'’(]{1,3}\s*)?(?:(?i:(?:[àa]\s+)?(?:lire|voir|(?:r[ée])?[ée]couter|revoir|regarder|d[ée]couvrir)"
        r"\s+(?:aussi|[ée]galement|encore)(?:\s+(?:sur|dans)\s+[^:]{1,50})?|sur\s+le\s+(?:m[êe]me\s+sujet|radar)"
        r"(?:\s+aussi)?|dans\s+la\s+m[êe]me\s+rubrique|vous\s+aimerez\s+(?:aussi|[ée]galement)|"
        r"[àa]\s+ne\s+pas\s+manquer|notre\s+s[ée]lection|nos\s+(?:articles|guides)\s+(?:li[ée]s|associ[ée]s))"
        r"\s*[:|—–-]\s*.{3,}|"
        r"(?:VID[ÉE]O|PODCAST|DIAPORAMA|INFOGRAPHIE|REPLAY|EN\s+IMAGES|AUDIO)\s*[-–—|]\s*.{5,}|"
        r"(?i:lire\s+l['’]article\s+(?:original|complet|en\s+entier)(?:\s*\([^()]{1,30}\))?))"),
        max_len=300),
    # AV7, buttons: "→ Consulter l'enquête", "Simulez votre capacité d'emprunt →", "▶ Regarder le direct",
    # "🎧 Écouter cet article (5 min)", "Obtenir mon devis gratuit en 2 minutes", "Ajouter à ma watchlist",
    # "Actualiser le direct", "Partager ce direct", "Voir le graphique", "Ajouter l'alerte"
    Rule(ARTICLE_TOOL, re.compile(
        r"(?:[→▶►👉🎧🔗📩]\s*)[^.!?]{2,70}|[^.!?]{2,70}\s*[→▶►]|"
        r"(?i:(?:obtenir|recevoir|t[ée]l[ée]charger|cr[ée]er|ouvrir|demander|acc[ée]der\s+[àa])\s+(?:mon|ma|mes)\b"
        r"[^.!?]{1,50}|ajouter\s+(?:[àa]\s+(?:ma|mes|mon)\s+[^.!?]{1,30}|l['’]alerte|une\s+alerte)|"
        r"offrir\s+l['’]article|actualiser(?:\s+le\s+direct)?|rafra[îi]chir|partager\s+ce\s+direct|voir\s+le\s+graphique|"
        r"(?:[ée]couter|regarder)\s+(?:le\s+direct|l['’][ée]pisode|l['’]entretien|l['’][ée]mission|le\s+podcast)"
        r"(?:\s*\([^()]{1,20}\))?|[ée]couter\s+sur\s*:?[^.!?]{1,120}|chapitres)\s*[.:]?"),
        max_len=90),
    # AV8, a player's clock and chapters: "▶ 00:00 / 41:07", "04:35 — La règle des 35 %"
    Rule(MEDIA, re.compile(
        r"[▶►]?\s*\d{1,2}:\d{2}(?::\d{2})?\s*/\s*\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}:\d{2}(?::\d{2})?\s*[—–]\s*[^:.!?]{1,60}\??"),
        needs=(":",), max_len=80),
    # AV9, newsletter, paywall and offer prompts: "📩 Chaque lundi, toutes les levées de la semaine dans votre
    # boîte mail. ...", "... Je m'inscris", "Cet article est réservé aux membres Amorçage+.", "Cet article vous est
    # offert ...", "Abonnez-vous à X pour 1 € le premier mois ...", "Essai gratuit 14 jours"
    Rule(SUBSCRIPTION, re.compile(
        r"(?:.*(?:chaque|tous\s+les)\s+(?:jours?|matins?|soirs?|semaines?|mois|lundis?|mardis?|mercredis?|jeudis?|"
        r"vendredis?|samedis?|dimanches?)\b.*dans\s+votre\s+bo[îi]te.*|"
        r".*\b(?:je\s+m['’](?:inscris|abonne)|s['’]abonner|s['’]inscrire)\s*[.!→]?|"
        r"(?:🔒\s*)?(?:(?:cet|ce|cette|la\s+suite\s+de\s+cet)\s+(?:article|contenu|analyse|entretien|dossier|direct)\s+"
        r"(?:est\s+)?)?r[ée]serv[ée]e?\s+(?:aux|[àa]\s+nos)\s+(?:membres|abonn[ée]s)\b.*|"
        r"la\s+suite\s+(?:de\s+cet\s+article\s+)?est\s+r[ée]serv[ée]e.*|pour\s+lire\s+la\s+suite\b.*|"
        r".*\ben\s+vous\s+inscrivant\s+[àa]\s+(?:notre|la|nos)\s+(?:lettre|newsletter|liste).*|"
        r".*(?:vous\s+est\s+offert|articles?\s+[àa]\s+offrir|vous\s+avez\s+lu\s+\d+|"
        r"\d+\s+articles?\s+gratuits?|\d+(?:,\d+)?\s*(?:€|euros?|francs?|chf)\s+(?:le|pour\s+le)\s+premier\s+mois|"
        r"premier\s+mois\s+offert|essai\s+gratuit|\d+\s+jours\s+gratuits|gratuitement\s+pendant\s+\d+\s+jours|"
        r"offre\s+(?:soumise\s+[àa]\s+conditions|de\s+lancement|d[ée]couverte|r[ée]serv[ée]e\s+aux\s+nouveaux)|"
        r"devis\s+(?:gratuit|en\s+(?:deux|\d+)\s+minutes)|inscription\s+(?:gratuite|obligatoire)|places\s+limit[ée]es|"
        r"sans\s+frais\s+de\s+courtage\s+pendant).*|"
        r"(?:📩\s*)?(?:recevez|inscrivez-vous|abonnez-vous)\b.*(?:chaque|tous\s+les|gratuit|d[ée]sinscription|"
        r"lettre|newsletter|abonn[ée]s).*|"
        r"(?:newsletters?|lettre\s+d['’]information|infolettre)\b[^.!?]{0,60}?\s*[:—–]\s*.*(?:chaque|inscri|abonn|"
        r"gratuit|bo[îi]te|recevez).*|"
        r"(?:rejoignez|suivez)\s+(?:notre|nos|[^.!?]{1,40}?\s+sur)\s+.{0,40}?(?:telegram|whatsapp|canal|cha[îi]ne|"
        r"groupe|instagram|youtube|discord).*|"
        r"soutenez\b.{0,200}(?:tipeee|ulule|\bdon\b|abonn|information|journalisme|m[ée]dia).*)", _I),
        needs=("boîte", "boite", "inscri", "abonn", "réserv", "reserv", "offert", "offrir", "vous avez lu", "gratuit",
               "premier mois", "essai", "offre", "devis", "places limit", "courtage", "recevez", "newsletter",
               "lettre", "rejoignez", "suivez", "soutenez", "pour lire"), max_len=500),
    # AV10, notes about the article itself: "Cet article a été mis à jour avec ...", "Cet article est une
    # traduction. ...", "Ce direct est désormais terminé. ...", "Cet article fait partie de notre dossier « ... ».",
    # "Retrouvez l'invité éco du lundi au vendredi à 7h50, en podcast ...", "Citer ce billet : ...",
    # "Si ce message ne s'affiche pas correctement, ...", "Et vous, qu'en pensez-vous ? Votez et commentez
    # ci-dessous.", "Cet article vous a-t-il été utile ?"
    Rule(NOTE, re.compile(
        r"(?:(?:cet|ce|cette)\s+(?:article|entretien|reportage|billet|[ée]pisode|direct|podcast|chronique|tribune|"
        r"interview|texte|contenu|[ée]mission|transcription|vid[ée]o|page|guide|dossier)\s+"
        r"(?:a\s+[ée]t[ée]\s+(?:mise?\s+[àa]\s+jour|modifi[ée]e?|actualis[ée]e?|corrig[ée]e?|r[ée]alis[ée]e?|"
        r"diffus[ée]e?|initialement\s+publi[ée]e?|traduite?|enregistr[ée]e?|relue?|[ée]dit[ée]e?|condens[ée]e?|"
        r"raccourcie?)|est\s+(?:une\s+traduction|extraite?|tir[ée]e?|issue?|d[ée]sormais\s+termin[ée]e?|"
        r"termin[ée]e?|en\s+acc[èe]s\s+libre)|fait\s+partie\s+d|vous\s+(?:a|est)\b|vous\s+a-t-(?:il|elle))|"
        r"retrouvez\b.{0,200}(?:replay|podcast|application|plateformes|kiosque|chaque|tous\s+les|du\s+lundi\s+au)|"
        r"citer\s+(?:ce|cet|cette)\s+\w+\s*:|si\s+ce\s+(?:message|courriel|e-?mail)\s+ne\s+s['’]affiche\s+pas|"
        r"merci\s+de\s+l['’]avoir\s+suivi|au\s+sommaire\s*:|"
        r".*(?:commentez|votez|r[ée]agissez|donnez\s+votre\s+avis)\s+(?:ci-dessous|en\s+bas|dans\s+les\s+commentaires)|"
        r"transcription\s+(?:revue|relue|r[ée]alis[ée]e|automatique|[ée]dit[ée]e)).*", _I),
        needs=("cet ", "ce ", "cette ", "retrouvez", "citer", "si ce", "merci de", "ci-dessous", "en bas", "sommaire",
               "commentaires", "transcription"), max_len=500),
    # AV11, authors' boxes: "Thibault Ferrand est rédacteur en chef adjoint de Neurones & Données. ...",
    # "Hélène Cazaux est grand reporter au service Économie de Contrepoint. ..."
    Rule(AUTHOR, re.compile(
        rf"{_NAME}\s+(?:est|était)\s+(?:(?:grand|grande)\s+reporter|journaliste|r[ée]dact(?:eur|rice)|"
        r"chroniqueu(?:r|se)|[ée]ditorialiste|correspondante?|pigiste|reporter)\b.*|"
        rf"{_NAME}\s+(?:collabore\s+(?:au|à|avec)|tient\s+cette\s+chronique|signe\s+cette\s+chronique)\b.*|"
        rf"{_NAME}\s+(?:est|suit|couvre)\s[^.!?]{{5,200}}\.\s+(?:Il|Elle)\s+(?:a\s+(?:auparavant|rejoint|publi[ée]|fond[ée]|"
        r"cofond[ée]|couvert|travaill[ée]|longtemps|dirig[ée])|est\s+l['’]aut(?:eur|rice)|est\s+[ée]galement|"
        r"anime|dirige|tient|publie|collabore|enseigne|pr[ée]side)\b.*"),
        needs=("journaliste", "rédact", "redact", "reporter", "chroniqu", "ditorialiste", "correspondant", "pigiste",
               "collabore", "tient cette", "signe cette", " il ", " elle "), max_len=600),
    # AV12 and AV13, captions ending in their credit: "... dans son cabinet bordelais, ... © Trésorerie / Photo",
    # "... le 2 mai 2025. ÉRIC SOUBIRAN / LE RÉPUBLICAIN"
    Rule(CAPTION, re.compile(r"[^©]{10,400}©\s*[^.!?©]{1,70}"), needs=("©",), max_len=500),
    Rule(CAPTION, re.compile(rf"(?=[^.!?]*[a-zà-ÿ]{{3}}).{{10,250}}?[.!?»)]\s+{_UPPER}"
                             rf"(?:\s+(?:{_UPPER}|/|POUR|DE|DU|DES|LA|LE)){{1,6}}"),
         max_len=320),
    # AV14, quote widgets: "Veralis (VRL) 44,62 € ▲ +6,8 %", "Typhis Diagnostics +38,2 % à 14,36 € · Altamer −2,1 %
    # à 52,80 €"
    Rule(QUOTE, re.compile(rf"{_QUOTE_FIRST}(?:\s*[·|]\s*{_QUOTE_ITEM})*"), needs=("%",), max_len=160),
    # AV15, reader comments' headers and counts, share rows: "Maçon85 — 11/03/2025", "Il y a 2 jours", "87 commentaires
    # · 23 republications", "Partager : X · LinkedIn · Mail"
    Rule(SHARE, re.compile(
        rf"(?i:{_AGO})|[\w.\-]*[\d_][\w.\-]*\s*[—–·-]\s*(?i:{_NUM_DATE}|{_WORD_DATE})(?:\s*(?:à)?\s*{_TIME})?|"
        r"(?i:partager(?:\s+(?:sur|via))?\s*[:·|]?\s*)(?i:(?:x|facebook|linkedin|twitter|mail|e-?mail|whatsapp|telegram|"
        r"bluesky|threads|copier\s+le\s+lien|imprimer|offrir\s+l['’]article)\s*[·|,/•]?\s*)+|"
        r"\d+\s+(?:commentaires?|r[ée]actions?|republications?|partages?|j['’]aime)"
        r"(?:\s*[·|•]\s*\d+\s+(?:commentaires?|r[ée]actions?|republications?|partages?|j['’]aime))*", _I),
        max_len=70),
)


def extra_with(rules: tuple[Rule, ...]) -> LineRules:
    return type("ExtraWithAV", (LineRules,), {"rules": (*ExtraFurniture.rules, *rules)})()


def cleaner(rules: tuple[Rule, ...] = ()) -> Cleaner:
    model = TreeModel.default()
    step = LineModel(model=model, extra=extra_with(rules)) if rules else LineModel(model=model)
    return Cleaner(steps=[ForeignScriptLines(), Comments(), Deduplicate(), step])


def kept_lines(c: Cleaner, lines: list[str]) -> set[int]:
    """The indices of ``lines`` the cleaner keeps, the text cleaned alone."""
    lines = [normalise(line) for line in lines]
    kept = list(range(len(lines)))
    reasons: dict[int, str] = {}
    for step in c.steps:
        kept = c._apply(step, lines, kept, reasons)
    unstable = [step for step in c.steps if not step.monotone]
    while unstable:
        before = len(kept)
        for step in unstable:
            kept = c._apply(step, lines, kept, reasons)
        if len(kept) == before:
            break
    return set(kept)


def line_scores(c: Cleaner, docs: list[dict]) -> dict[str, float]:
    tp = fp = fn = 0
    for doc in docs:
        kept = kept_lines(c, doc["lines"])
        for i, label in enumerate(doc["labels"]):
            if label < 0:
                continue
            tp += i in kept and label == 1
            fp += i in kept and label == 0
            fn += i not in kept and label == 1
    p, r = tp / (tp + fp), tp / (tp + fn)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r), "fp": fp, "fn": fn}


def page_scores(c: Cleaner, pages: list[dict]) -> dict:
    keeps = []
    for page in pages:
        kept = kept_lines(c, page["lines"])
        keeps.append(__import__("numpy").array([i in kept for i in range(len(page["lines"]))]))
    s = training.score(pages, keeps)["all"]
    return {"mean": (s["lines"]["f1"] + s["snippets"]["f1"]) / 2, "line": s["lines"], "snippet": s["snippets"]}


def single(rule: Rule) -> LineRules:
    return type("One", (LineRules,), {"rules": (rule,)})()


def rule_filter(verbose: bool) -> tuple[Rule, ...]:
    """The two filters: at least 90 % furniture among each rule's hits on the training pages, none on the
    stance training texts."""
    pages = training.read_pages([training.default_pages_folder(), training.french_pages_file()])
    texts = []
    for path in STANCE_TEXTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts += [normalise(t) for t in record.get("text", "").split("\n") if t.strip()]
    kept = []
    print("| rule | reason | furniture hits | content hits | furniture share | stance-text hits | kept |")
    print("|---|---|---:|---:|---:|---:|---|")
    for k, rule in enumerate(RULES):
        step, counts, examples = single(rule), Counter(), []
        for page in pages:
            for line, label in zip(page["lines"], page["labels"], strict=True):
                if label >= 0 and step.check(line) is not None:
                    counts[label] += 1
                    if label == 1:
                        examples.append(line)
        stance_hits = [t for t in texts if step.check(t) is not None]
        hits = counts[0] + counts[1]
        share = counts[0] / hits if hits else float("nan")
        ok = (hits == 0 or share >= 0.9) and not stance_hits
        if ok:
            kept.append(rule)
        print(f"| AV{k + 1} | {rule.reason} | {counts[0]} | {counts[1]} | {share:.3f} | {len(stance_hits)} | "
              f"{'yes' if ok else 'no'} |", flush=True)
        if verbose:
            for line in examples[:12]:
                print("    content:", line[:140])
            for line in stance_hits[:5]:
                print("    stance text:", line[:140])
    return tuple(kept)


def develop(rules: tuple[Rule, ...]) -> None:
    """The 192 read documents: what each rule takes, clutter and article lines."""
    docs = [json.loads(line) for line in READ_DOCUMENTS.read_text(encoding="utf-8").splitlines()]
    base, candidate = cleaner(), cleaner(rules)
    for name, c in (("shipped", base), ("with the rules", candidate)):
        s = line_scores(c, docs)
        print(f"192 read documents, {name}: line P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f} "
              f"(clutter kept {s['fp']}, article lines dropped {s['fn']})")
    steps = [single(rule) for rule in RULES]
    for doc in docs:
        kept = kept_lines(base, doc["lines"])
        for i, (line, label) in enumerate(zip(doc["lines"], doc["labels"], strict=True)):
            hits = [f"AV{k + 1}" for k, step in enumerate(steps) if step.check(normalise(line)) is not None]
            if hits and label == 1:
                print(f"  CONTENT hit {hits} {doc['id']}:{i}{' (kept by the model)' if i in kept else ''}: "
                      f"{line[:120]}")
    for doc in docs:
        kept, kept_now = kept_lines(base, doc["lines"]), kept_lines(candidate, doc["lines"])
        for i, (line, label) in enumerate(zip(doc["lines"], doc["labels"], strict=True)):
            if label == 1 and i in kept and i not in kept_now:
                print(f"  ARTICLE LINE LOST {doc['id']}:{i}: {line[:120]}")
    left = []
    for doc in docs:
        kept = kept_lines(candidate, doc["lines"])
        pairs = enumerate(zip(doc["lines"], doc["labels"], strict=True))
        left += [f"{doc['id']}:{i} {line[:110]}" for i, (line, label) in pairs if i in kept and label == 0]
    print(f"clutter still kept with the rules: {len(left)}")
    for line in left:
        print("   ", line)


def seeds_golden(c: Cleaner) -> tuple[int, int, int]:
    kept_golden = golden_total = kept_total = 0
    for seed in sorted(SEEDS.glob("*.txt")):
        golden = (GOLDEN / seed.name).read_text(encoding="utf-8").rstrip("\n").split("\n\n")
        kept = c.clean(seed.read_text(encoding="utf-8")).paragraphs
        kept_golden += sum(line in kept for line in golden)
        golden_total += len(golden)
        kept_total += len(kept)
    return kept_golden, golden_total, kept_total


def judge(rules: tuple[Rule, ...]) -> None:
    base, candidate = cleaner(), cleaner(rules)
    docs = [json.loads(line) for line in JUDGE_DOCUMENTS.read_text(encoding="utf-8").splitlines()]
    print("\n| the 60 development dirty documents | line P | line R | line F1 | clutter kept | article lines dropped |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, c in (("shipped", base), (f"+ the {len(rules)} rules", candidate)):
        s = line_scores(c, docs)
        print(f"| {name} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['fp']} | {s['fn']} |",
              flush=True)
    pages = training.read_pages([str(path) for path in DEVELOPMENT_FILES])
    print(f"\n| the {len(pages)} development pages, pooled | mean of line F1 and snippet F1 | line P | line R | "
          "snippet P | snippet R |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, c in (("shipped", base), (f"+ the {len(rules)} rules", candidate)):
        s = page_scores(c, pages)
        print(f"| {name} | {s['mean']:.4f} | {s['line']['precision']:.4f} | {s['line']['recall']:.4f} | "
              f"{s['snippet']['precision']:.4f} | {s['snippet']['recall']:.4f} |", flush=True)
    for name, c in (("shipped", base), (f"+ the {len(rules)} rules", candidate)):
        kept_golden, golden_total, kept_total = seeds_golden(c)
        print(f"seeds, {name}: {kept_golden} of {golden_total} golden lines kept, {kept_total} lines kept")
    docs_read = [json.loads(line) for line in READ_DOCUMENTS.read_text(encoding="utf-8").splitlines()]
    for name, c in (("shipped", base), (f"+ the {len(rules)} rules", candidate)):
        s = line_scores(c, docs_read)
        print(f"192 read documents (in sample, judges nothing), {name}: line P {s['precision']:.4f} "
              f"R {s['recall']:.4f} F1 {s['f1']:.4f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--develop", action="store_true", help="the 192 read documents instead of the judge")
    args = parser.parse_args(argv)
    rules = rule_filter(verbose=args.develop)
    if args.develop:
        develop(rules)
    else:
        judge(rules)


if __name__ == "__main__":
    main()
