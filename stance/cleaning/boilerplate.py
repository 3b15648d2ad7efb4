"""Site furniture: a French lexicon of lines that are not part of the article.

Each rule matches a *whole line* (after normalisation), so a content sentence
that merely contains one of these words is kept: "Lire aussi" alone or followed
by a link title is dropped, "Lire aussi les notes des analystes permet..." is
not; "Source : Reuters" is dropped, "Source de revenus..." is not.

The rules are written for the many ways sites word the same furniture, not for
the seeds' exact lines; every one is tested on a short French snippet in
``tests/cleaning/test_boilerplate.py``.
"""

from __future__ import annotations

import re

from .base import FRENCH_MONTH, LineRules, Rule

_I = re.IGNORECASE
_APOS = "['’]"
_DATE = (
    rf"(?:\d{{1,2}}(?:er)?\s+{FRENCH_MONTH}\s+\d{{4}}|\d{{4}}-\d{{1,2}}(?:-\d{{1,2}})?|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
)
_TIME = r"(?:\d{1,2}\s*(?:h|:)\s*\d{0,2}(?:\s*min)?)"
_COUNT = r"\d[\d\s.,]*[kKM]?"
_READING_TIME = (
    r"(?i:(?:(?:temps\s+de\s+)?lecture\s*:?\s*)?\d+\s*min(?:utes?)?\.?(?:\s+de\s+lecture)?|"
    r"(?:temps\s+de\s+)?lecture\s*:?\s*\d+\s*min(?:utes?)?\.?)"
)
_SEP = r"[:.|»>\-–—…]"

READ_ALSO = "read-also link"
RELATED = "related-articles heading"
VIEW_ORIGINAL = "view-original link"
SHARE = "share or reaction button"
LONE_NUMBER = "lone number"
CAPTION = "photo caption or credit"
COPYRIGHT = "copyright notice"
DISCLAIMER = "disclaimer"
SUBSCRIPTION = "newsletter or subscription notice"
COOKIES = "cookie notice"
HASHTAGS = "hashtag line"
TAGS = "tag list"
DATE_STUB = "date or byline stub"
NAVIGATION = "navigation"
ADVERTISING = "advertising"
ARTICLE_TOOL = "article tool button"
MEDIA = "media placeholder"
AGENCY = "agency credit"

_SHARE_WORDS = (
    rf"(?:j{_APOS}aime|likes?|r[ée]compenses?|repost(?:er)?|partag(?:er|es?)|retweet(?:er)?|tweeter|"
    r"commentaires?|commenter|r[ée]agir|r[ée]actions?|applaudissements?|claps?|vues|lectures|"
    r"favoris|enregistrer|sauvegarder|imprimer|copier\s+le\s+lien|lien\s+copi[ée]|"
    r"envoyer(?:\s+par\s+(?:e-?mail|courriel))?|e-?mail|whatsapp|facebook|linkedin|telegram|"
    r"bluesky|threads|pinterest|messenger)"
)
_SHARE_TARGET = r"(?:\s+(?:sur|via)\s+(?:facebook|twitter|x|linkedin|whatsapp|telegram|bluesky|threads|pinterest))"
_SHARE_OBJECT = rf"\s+(?:cet|l{_APOS})\s*article"
# what else a button shares, or how (ExtraFurniture's wider rule)
_SHARE_OBJECT_WIDE = (
    rf"{_SHARE_OBJECT}|\s+(?:ce|cette|la)\s+(?:post|billet|page|publication|contenu|lien)|"
    r"\s+par\s+(?:e-?mail|courriel|mail|sms)"
)


def _share_line(objects: str) -> str:
    """A row of share and reaction buttons, each maybe with a count and one of ``objects``."""
    item = rf"(?:\(?{_COUNT}\)?\s*)?{_SHARE_WORDS}{_SHARE_TARGET}?(?:{objects})?(?:\s*:?\s*\(?{_COUNT}\)?)?"
    return rf"(?:{item}[\s|·•/,\-]*)+"


# A byline: who wrote it (capitals tell a name from "Par ailleurs"), then maybe a date, a role or a place,
# never a sentence. The verbs of Boilerplate's byline, and ExtraFurniture's wider set.
_BYLINE_VERB = r"(?:[Pp]ar|[ÉE]crit\s+par|[Rr][ée]dig[ée]\s+par)"
_BYLINE_VERB_WIDE = (
    r"(?:[Pp]ar|[ÉE]crit\s+par|[Rr][ée]dig[ée]\s+par|[Pp]ropos\s+recueillis\s+par|[Pp]r[ée]sent[ée]e?\s+par|"
    r"[Tt]est[ée]e?\s+par|[Rr][ée]sum[ée]\s+par)"
)
_BYLINE_NAME = (
    r"\s+[A-ZÀ-Ý][\w\-'’.]+"
    r"(?:\s+(?:[A-ZÀ-Ý][\w\-'’.]+|de|du|des|d[eu]\s+la|van|von|et|avec)){0,6}"
    r"(?:\s*[,|–—\-]\s*(?:(?i:publi|mis\s+[àa]\s+jour|modifi|le\s+\d|il\s+y\s+a|journaliste|"
    r"correspondant|envoy[ée]|r[ée]dact|sp[ée]cialiste|chef|analyste)|\d|[àa]\s+[A-ZÀ-Ý]).{0,80}|"
    r"\s*\([^()]{1,60}\))?"
)


class Boilerplate(LineRules):
    """Drops site furniture lines, each with the reason of its rule.

    >>> step = Boilerplate()
    >>> step.check("Lire aussi : Le CAC 40 termine en hausse")
    'read-also link'
    >>> step.check("Source de revenus, la publicité reste clé.") is None
    True
    """

    rules = (
        Rule(
            READ_ALSO,
            re.compile(
                rf"(?:[>»▶►→•\-–—]+\s*)?(?:(?:[àa]\s+)?lire\s+(?:aussi|[ée]galement|encore)|[àa]\s+lire|"
                rf"voir\s+aussi|sur\s+le\s+m[êe]me\s+sujet|lire\s+la\s+suite(?:\s+de\s+l{_APOS}article)?|"
                rf"lire\s+l{_APOS}article(?:\s+complet)?|pour\s+aller\s+plus\s+loin)"
                rf"\s*(?:{_SEP}+\s*.*)?",
                _I,
            ),
            max_len=300,
        ),
        Rule(
            RELATED,
            re.compile(
                r"(?:(?:publications?|articles?|billets?|posts?|contenus?|vid[ée]os?|actualit[ée]s?)\s+"
                r"(?:similaires|li[ée]e?s|associ[ée]e?s|recommand[ée]e?s|connexes|sugg[ée]r[ée]e?s)|"
                r"vous\s+aimerez\s+(?:aussi|[ée]galement|peut-[êe]tre)(?:\s+lire)?|"
                r"(?:ces|d['’]autres)\s+articles?\s+(?:pourraient|peuvent|devraient)\s+vous\s+int[ée]resser|"
                r"(?:nos\s+)?derniers\s+articles|les\s+plus\s+lus|dans\s+la\s+m[êe]me\s+rubrique|"
                r"[àa]\s+d[ée]couvrir(?:\s+aussi)?|recommand[ée]\s+pour\s+vous|les\s+articles\s+les\s+plus\s+\w+)"
                r"\s*:?",
                _I,
            ),
            max_len=80,
        ),
        Rule(
            VIEW_ORIGINAL,
            re.compile(rf"voir\s+(?:l{_APOS}(?:article\s+)?original|la\s+source|l{_APOS}article\s+source)", _I),
            max_len=60,
        ),
        Rule(SHARE, re.compile(_share_line(_SHARE_OBJECT), _I), max_len=200),
        Rule(LONE_NUMBER, re.compile(r"[+\-−]?\d[\d\s.,]*(?:[%kKM]|\s*/\s*\d+)?"), max_len=40),
        Rule(
            COPYRIGHT,
            re.compile(
                r"(?:copyright|tous\s+droits\s+r[ée]serv[ée]s).{0,120}|.{0,120}tous\s+droits\s+r[ée]serv[ée]s\.?", _I
            ),
            needs=("copyright", "droits"),
            max_len=300,
        ),
        Rule(
            CAPTION,
            re.compile(
                r"[^()]{1,90}\((?:source|cr[ée]dits?(?:\s+photos?)?|photos?|images?|illustrations?|"
                r"captures?(?:\s+d['’][ée]cran)?|vid[ée]os?)\s*:[^()]{1,60}\)\.?|"
                r"(?:cr[ée]dits?(?:\s+photos?)?|photos?|images?|illustrations?|visuels?|"
                r"l[ée]gende|sources?(?:\s+(?:photo|image))?)\s*:\s*[^:]{1,80}|"
                r".{0,120}(?:©|\(c\))\s*[\w .,&'’/\-]{1,50}",
                _I,
            ),
            max_len=300,
        ),
        Rule(
            DISCLAIMER,
            re.compile(
                r"(?:avertissement|disclaimer|clause\s+de\s+non-responsabilit[ée]|mentions?\s+l[ée]gales?)\s*:.*",
                _I,
            ),
            max_len=2000,
        ),
        Rule(
            DISCLAIMER,
            re.compile(
                r".*(?:contenus?\s+de\s+tiers|[àa]\s+des\s+fins\s+d['’]information\s+uniquement|"
                r"ne\s+(?:constitue(?:nt)?|saurait\s+constituer)\s+(?:pas\s+|en\s+aucun\s+cas\s+)?"
                r"(?:un|une)\s+(?:conseil|recommandation|incitation|sollicitation)|"
                r"(?:ne\s+fournit|n['’]offre)\s+aucun\s+conseil|ceci\s+n['’]est\s+pas\s+un\s+conseil|"
                r"voir\s+la\s+section\s+avertissement|n['’]engage(?:nt)?\s+que\s+(?:son|ses|leurs?)\s+auteurs?|"
                r"performances\s+pass[ée]es\s+ne\s+(?:pr[ée]jugent|pr[ée]sagent|garantissent)|"
                r"faites\s+vos\s+propres\s+recherches|\bdyor\b|"
                r"liens?\s+(?:d['’]affiliation|affili[ée]s)|(?:article|contenu)\s+sponsoris[ée]|"
                r"publi-?(?:r[ée]dactionnel|information)).*",
                _I,
            ),
            # Each alternative above holds one of these.
            needs=(
                "de tiers", "fins d", "ne constitu", "ne saurait constituer", "aucun conseil", "pas un conseil",
                "section avertissement", "engage que", "engagent que", "performances pass", "propres recherches",
                "dyor", "affili", "sponsoris", "publi-r", "publir", "publi-i", "publii",
            ),
        ),
        Rule(
            SUBSCRIPTION,
            re.compile(
                r".*(?:inscrivez-vous|abonnez-vous|recevez|retrouvez|s['’]inscrire|s['’]abonner)\b.*"
                r"(?:newsletters?|lettres?\s+d['’]information|infolettres?|alertes?|gratuitement|"
                r"par\s+e-?mail|dans\s+votre\s+bo[îi]te).*|"
                r"(?:cet\s+article\s+est\s+r[ée]serv[ée]\s+aux\s+abonn[ée]s|"
                r"il\s+vous\s+reste\s+\d+\s*%\s+de\s+cet\s+article\s+[àa]\s+lire).*|"
                r".*en\s+vous\s+inscrivant,?\s+vous\s+acceptez.*",
                _I,
            ),
            needs=("inscri", "abonn", "recevez", "retrouvez", "il vous reste"),
            max_len=400,
        ),
        Rule(
            SUBSCRIPTION,
            re.compile(
                r"(?:(?:article\s+)?r[ée]serv[ée]\s+aux\s+abonn[ée]s|"
                r"newsletters?|infolettres?|je\s+m['’]abonne|s['’]abonner|abonnez-vous|s['’]inscrire|"
                r"se\s+connecter|connexion|d[ée]j[àa]\s+abonn[ée]\s*\?.*|offre\s+d['’]abonnement.*)\s*[:!.]?",
                _I,
            ),
            max_len=80,
        ),
        Rule(
            COOKIES,
            re.compile(
                r".*\bcookies?\b.*(?:accept|consent|navigation|utilis|param[èé]tr|g[ée]r|traceurs|partenaires|"
                r"pr[ée]f[ée]rences).*|"
                r".*(?:accept|consent|navigation|utilis|param[èé]tr|g[ée]r|traceurs|partenaires).*\bcookies?\b.*",
                _I,
            ),
            needs=("cookie",),
            max_len=1000,
        ),
        Rule(
            COOKIES,
            re.compile(
                r"(?:tout\s+)?(?:accepter|refuser)(?:\s+(?:et\s+(?:fermer|continuer)|tout))?|"
                r"continuer\s+sans\s+accepter|g[ée]rer\s+(?:mes|les)\s+(?:pr[ée]f[ée]rences|choix)|"
                r"param[ée]trer(?:\s+(?:mes|les)\s+choix)?",
                _I,
            ),
            max_len=40,
        ),
        Rule(HASHTAGS, re.compile(r"(?:#[^\s#]+[\s,;]*)+"), max_len=500),
        Rule(
            TAGS,
            re.compile(r"(?:tags?|mots?-cl[ée]s|[ée]tiquettes|th[èe]mes?|sujets?)\s*:\s*[^.!?]{0,200}", _I),
            max_len=250,
        ),
        Rule(
            DATE_STUB,
            re.compile(
                # Case-insensitive but for the byline, whose capitals tell a name from "Par ailleurs".
                rf"(?i:date\s*:?\s*{_DATE}.{{0,80}}|"
                rf"(?:publi[ée]e?|post[ée]e?|mis\s+[àa]\s+jour|modifi[ée]e?|actualis[ée]e?|paru(?:e)?)"
                rf"\s*(?:le|:)?\s*(?:\w+\s+)?{_DATE}.{{0,80}}|"
                rf"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?{_DATE}"
                rf"(?:\s*(?:à|-|,|\|)?\s*{_TIME})?|"
                rf"(?:publi[ée]e?|mis\s+[àa]\s+jour|modifi[ée]e?)\s+(?:aujourd['’]hui|hier)\s*(?:à\s*{_TIME})?.{{0,60}}|"
                rf"(?:temps\s+de\s+lecture\s*:?\s*)?\d+\s*min(?:utes?)?\.?(?:\s+de\s+lecture)?\.?)|"
                rf"{_BYLINE_VERB}{_BYLINE_NAME}",
            ),
            max_len=200,
        ),
        Rule(
            NAVIGATION,
            re.compile(
                r"(?:accueil|home)\s*[>›»/|].*|"
                r"retour\s+(?:en\s+haut(?:\s+de\s+(?:la\s+)?page)?|[àa]\s+l['’]accueil|aux\s+articles|[àa]\s+la\s+liste)|"
                r"menu|rechercher|recherche|fermer|suivant|pr[ée]c[ée]dent|page\s+(?:suivante|pr[ée]c[ée]dente)|"
                r"(?:article|publication|billet)\s+(?:pr[ée]c[ée]dent|suivant)e?\s*:?.*|"
                r"suivez-nous(?:\s+sur.*)?|rejoignez-nous\s+sur.*|suivez\s+(?:toute\s+)?l['’]actualit[ée].{0,120}|"
                r"sommaire|table\s+des\s+mati[èe]res|"
                r"t[ée]l[ée]chargez\s+(?:notre|l['’])\s*app(?:li(?:cation)?)?.*|"
                r"(?:ajouter|ajout[ée])\s+[àa]\s+(?:mes|vos)\s+favoris",
                _I,
            ),
            max_len=200,
        ),
        Rule(
            ADVERTISING,
            re.compile(r"(?:publicit[ée]|annonce|sponsoris[ée]|contenu\s+sponsoris[ée]|advertisement|pub)\.?", _I),
            max_len=40,
        ),
        Rule(
            ARTICLE_TOOL,
            re.compile(
                r"(?:lire\s+plus\s+tard|[ée]couter(?:\s+cet\s+article)?|offrir(?:\s+cet\s+article)?|"
                r"ajouter\s+[àa]\s+(?:mes|vos)\s+(?:s[ée]lections|favoris|articles)|taille\s+du\s+texte|"
                r"(?:a\s*){2,3}|t[ée]l[ée]charger\s+(?:le|en)\s+pdf|imprimer\s+(?:l['’]article|cet\s+article)|"
                r"(?:voir|afficher|masquer)\s+(?:les\s+)?(?:\d+\s+)?commentaires?|"
                r"(?:voir|lire)\s+(?:la\s+)?(?:vid[ée]o|discussion))\s*[.:]?",
                _I,
            ),
            max_len=60,
        ),
        Rule(
            MEDIA,
            re.compile(
                r"(?:vid[ée]o|photos?|podcast|diaporama|infographie|audio|galerie(?:\s+photos?)?|en\s+images|"
                r"carte\s+interactive|(?:photo|image)\s+d['’]illustration|illustration)\s*\.?",
                _I,
            ),
            max_len=40,
        ),
        Rule(
            AGENCY,
            re.compile(
                r"[(\[—–\-]?\s*(?:avec\s+|source\s*:\s*)?(?:afp|reuters|ap|bloomberg|aof|belga|ats|dpa|ansa|efe)"
                r"(?:\s*(?:/|et|,)\s*(?:afp|reuters|ap|bloomberg|aof|belga|ats|dpa|ansa|efe))*\s*[)\]]?\.?",
                _I,
            ),
            max_len=40,
        ),
    )


# A byline's or a section label's piece of a line of meta data: short, no sentence in it. It neither starts
# nor ends with a space, so that where it ends is never in doubt (no backtracking), and holds no digit (a
# row of a table of dates has some: "En ligne | Départements 20 à 54 | 31 mai 2024").
_META_PIECE = r"[^\s\d.!?…|·•–—](?:[^\d.!?…|·•–—\n]{0,58}[^\s\d.!?…|·•–—])?"
_META_SEP = r"\s*[|·•–—]\s*"
_META_DATE = (
    r"(?i:(?:le|publi[ée]e?\s+le|mis\s+[àa]\s+jour\s+le|post[ée]e?\s+le)\s+)?"
    # a date with its month in words, as bylines write it ("15/12/19" may be a tweet's own date)
    rf"(?i:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(?i:\d{{1,2}}(?:er)?\s+{FRENCH_MONTH}\s+\d{{4}})"
    rf"(?:\s*(?:à|-|,)?\s*{_TIME})?"
)
_META = rf"(?:{_META_DATE}|{_READING_TIME})"


class ExtraFurniture(LineRules):
    """Furniture rules that run after the line model: a line they recognise goes with their reason.

    They are not features of the model, which was trained without them, so a
    rule added here takes effect without a retrain and leaves the model's
    decisions on every other line as they were. These are the kinds of
    furniture every French site has, worded more widely than
    :class:`Boilerplate` words them: lines of meta data (a byline or section
    label with a date in words, a reading time), captions that end in their
    credit, paywall notices, more share buttons and disclaimers.

    >>> step = ExtraFurniture()
    >>> step.check("Camille Roussel · 4 février 2027")
    'date or byline stub'
    >>> step.check("Le CAC 40 a fini en hausse le 3 mars 2026.") is None
    True
    """

    rules = (
        Rule(SHARE, re.compile(_share_line(_SHARE_OBJECT_WIDE), _I), max_len=200),
        Rule(
            CAPTION,
            re.compile(
                # a caption that ends in its credit: "... à Francfort. Photo : D.R.", "... en juin. (Photo
                # archives L'Info Austral)", "... à Thiers. Photo Sébastien Roux pour Perspectives"
                r".{10,250}?(?:\((?i:photos?|cr[ée]dits?(?:\s+photos?)?|illustration)\b[^()]{1,80}\)|"
                r"[.!?»)]\s+(?:Photos?|PHOTOS?|Cr[ée]dits?(?:\s+photos?)?|Illustration)"
                # the credit: after a colon, or a name, an agency, "archives" (not "Photos et vidéos ont...")
                r"(?:\s*:\s*|\s+(?=[A-ZÀ-Ý]|archives|d['’]illustration))[^!?]{1,60}?)\.?"
            ),
            needs=("photo", "crédit", "credit", "illustration"),
            max_len=320,
        ),
        Rule(
            DISCLAIMER,
            re.compile(
                r".*(?:ne\s+constitue(?:nt)?\s+ni\s+une?\s+(?:offre|conseil|recommandation|sollicitation)|"
                r"ne\s+rempla[cç]e(?:nt)?\s+pas\s+(?:un|les?)\s+(?:conseils?|avis)\s+(?:personnalis|professionnel|"
                r"d['’]un)|peu(?:t|vent)\s+contenir\s+des\s+d[ée]clarations\s+prospectives).*",
                _I,
            ),
            needs=("ne constitu", "ne remplace", "ne remplaç", "prospectives"),
        ),
        Rule(
            SUBSCRIPTION,
            re.compile(
                r"(?:(?:la\s+suite(?:\s+de\s+cet\s+article)?|cet\s+article|ce\s+contenu|"
                r"vous\s+lisez\s+un\s+article)\s+(?:est\s+)?r[ée]serv[ée]e?\s+aux\s+abonn[ée]s|"
                r"abonnez-vous\s+pour\s+(?:lire|acc[ée]der|d[ée]bloquer|continuer|profiter)).*",
                _I,
            ),
            needs=("abonn",),
            max_len=400,
        ),
        Rule(
            DATE_STUB,
            re.compile(
                rf"(?i:[àa]\s+propos\s+de\s+l['’]auteur(?:e|rice)?\s*:?)|"
                rf"{_BYLINE_VERB_WIDE}\s+la\s+r[ée]daction(?:\s+(?:de|d['’])\s*[^.!?]{{1,50}})?"
                rf"(?:,\s+avec\s+[^.!?]{{1,60}})?|"
                rf"{_BYLINE_VERB_WIDE}{_BYLINE_NAME}"
            ),
            needs=("par", "propos"),
            max_len=200,
        ),
        Rule(
            DATE_STUB,
            re.compile(
                # "Nadia Cholet · 10 novembre 2026", "Analyse | 24 octobre 2026 | 4 min de lecture",
                # "19 novembre 2026 – Pôle fiscal", "Budget · Temps de lecture : 6 minutes"; a dateline
                # "Courbevoie, le 22 octobre 2026 – 17 h 45"; "Publié par Ferrand & Associés le 8 mai 2026"
                rf"(?:{_META_PIECE}{_META_SEP})+{_META}(?:{_META_SEP}(?:{_META}|{_META_PIECE}))*(?:\s*[|·])?|"
                rf"{_META}(?:{_META_SEP}(?:{_META}|{_META_PIECE}))+(?:\s*[|·])?|"
                rf"[A-ZÀ-Ý][\w\-'’ ]{{1,40}},\s+le\s+(?i:{_DATE})(?:\s*(?:à|-|–|,)?\s*{_TIME})?"
                rf"(?:{_META_SEP}{_META_PIECE})*|"
                rf"(?i:publi[ée]e?\s+par)\s+{_META_PIECE}\s+le\s+(?i:{_DATE})(?:\s*(?:à|,)?\s*{_TIME})?\s*[|·]?|"
                rf"{_READING_TIME}"
            ),
            needs=tuple("0123456789"),  # every branch holds a date or a number of minutes
            max_len=160,
        ),
        Rule(
            ARTICLE_TOOL,
            re.compile(
                r"(?:[ée]couter(?:\s+(?:cet|l['’]|le|la)\s*[\w\-]+)?(?:\s*\(\d+\s*min\))?|activer\s+le\s+son)\s*[.:]?",
                _I,
            ),
            needs=("couter", "activer"),
            max_len=60,
        ),
    )
