"""Lines a site adds that read like the article: advertisers' copy and the site's tagline.

Copied French articles carry paragraphs that no furniture word gives away:
an advertiser's pitch placed between two paragraphs ("Vos analyses méritent
les meilleurs outils. Avec Terminal Orbis, accédez en temps réel à…"), and the
site's name with its tagline above the title ("Neo Ledger — l'actualité de la
fintech et des cryptoactifs"). What tells them from the article is the
document around them:

- :func:`advertisers_copy`: a paragraph that names a brand found nowhere else in
  the document (whose other lines hold more text than it does), and that
  addresses the reader ("vous", "votre", an imperative in -ez) while selling
  (an offer, a free trial, "sans engagement", a price "dès 59 €",
  "accompagne", "conseiller dédié"), or sells twice over. An article
  names its companies more than once, and reports offers rather than makes them.
- :func:`taglines`: among the first three lines, a name and a phrase about the
  medium ("Rente & Garanties — le magazine de la protection sociale"), or that
  phrase alone right under a short first line (the site's name).

Round BB in ``docs/design.md`` wrote them from the dirty documents that had been
read; :class:`~stance.cleaning.linemodel.LineModel` runs them in French documents
(or those too short to tell) with ``site_copy``.

>>> lines = ["Le fonds Ardent relève ses objectifs après un trimestre record.",
...          "Ardent a collecté 2 milliards d'euros, le double de l'an dernier.",
...          "Épargnez sans frais d'entrée avec Vélia Vie : ouverture en ligne, conseiller dédié.",
...          "La société de gestion vise désormais 10 milliards d'encours en 2027."]
>>> sorted(advertisers_copy(lines))
[2]
>>> sorted(taglines(["Neo Ledger — l'actualité de la fintech", "Le bitcoin franchit 70 000 dollars"]))
[0]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .boilerplate import ADVERTISING, TAGLINE

__all__ = ["ADVERTISING", "TAGLINE", "advertisers_copy", "brands", "taglines"]

MIN_WORDS = 8  # advertisers' copy is a paragraph, not a button
FIRST_LINES = 3  # where a tagline sits

_CAPITALISED = re.compile(r"[A-ZÀ-Ý][\w\-]*(?:\s+(?:&\s+)?[A-ZÀ-Ý][\w\-]*)*")
# capitalised words that are no brand: sentence openers, determiners, pronouns, common nouns written with a capital
_NO_BRAND = frozenset(
    "Le La Les L Un Une Des Du De D Au Aux En Et Ou Mais Pour Par Avec Sans Sur Dans Ce Cette Ces Son Sa Ses Leur "
    "Leurs Nous Vous Il Elle Ils Elles On Depuis Chez Selon Après Avant Plus Moins Tout Tous Toute Toutes Si Quand "
    "Comme Alors Enfin Ainsi Votre Vos Notre Nos Offre Prêt Etat État Internet Plusieurs Commençons".split()
)
_IMPERATIVE = re.compile(r"(?:^|[.:;!?,]\s+|\s[—–-]\s+)[A-ZÀ-Ýa-zà-ÿ][a-zà-ÿ]+ez(?:-vous|-le|-la|-les)?\b")
_ADDRESS = re.compile(r"\b(?:vous|votre|vos|tu|ton|ta|tes|toi)\b", re.IGNORECASE)
_SELLING = re.compile(
    r"\boffert|\bgratuit|sans\s+frais|sans\s+engagement|\bremise|\bpromo|\bdevis\b|"
    r"\bdès\s+\d[\d\s,.]*\s*(?:€|euros?\b|francs?\b|\$)|conseiller\s+dédié|\baccompagne(?:nt)?\b|\bcontactez|"
    r"\bprenez\s+rendez|\bplus\s+de\s+\d[\d\s]*\s+(?:clients|entreprises|sites|promoteurs|opérations|formations|"
    r"supports|banques)",
    re.IGNORECASE,
)
# one of these substrings (of the lower-cased line) comes with every match of _SELLING: a cheap gate before it
_SELLING_NEEDS = ("offert", "gratuit", "sans frais", "sans engagement", "remise", "promo", "devis", "dès",
                  "conseiller", "accompagne", "contactez", "rendez", "plus de")
_END = (".", "?", "!", ":")
_MEDIUM = (
    r"(?:(?:l['’]|le\s+|la\s+|les\s+|votre\s+|ton\s+|ta\s+|un\s+|une\s+)?"
    r"(?:premi[eè]re?\s+|seule?\s+|nouvelle?\s+|petite?\s+|grande?\s+)?"
    r"(?:actualit[ée]s?|actu|info(?:rmation)?s?|magazine|mag|quotidien|hebdo(?:madaire)?|mensuel|revue|lettre|"
    r"newsletter|m[ée]dia|journal|site|blog|radio|cha[îi]ne|podcast|[ée]conomie|portail|communaut[ée]|club|"
    r"rendez-vous|argent|r[ée]f[ée]rence|guide|webzine|fil|veille)\b)"
)
_NAME = r"[A-ZÀ-Ý0-9][\w&'’.\-]*(?:\s+(?:&|[\w&'’.\-]+)){0,4}"
_NAMED_TAGLINE = re.compile(rf"{_NAME}\s+[—–·|\-]\s+(?i:{_MEDIUM}).{{0,90}}")
_BARE_TAGLINE = re.compile(rf"(?i:{_MEDIUM})\s+(?:de|des|du|d['’]|qui|pour|sur|en)\b.{{0,90}}")


def brands(line: str) -> list[str]:
    """The capitalised names of ``line`` that may be a brand: not a lone word opening a sentence, not a
    determiner or a pronoun, not an acronym of six letters or fewer.

    >>> brands("Avec le Pack IA de Kelvane Business, bénéficiez d’un audit gratuit.")
    ['Pack IA', 'Kelvane Business']
    """
    names = []
    for match in _CAPITALISED.finditer(line):
        words = match.group().split()
        before = match.start() - 1  # the last character before the name that is not a space (no copy of the
        while before >= 0 and line[before].isspace():  # text before it: a long line stays linear)
            before -= 1
        opens = match.start() == 0 or (line[before] if before >= 0 else "") in ".:!?—–-«\"("
        while len(words) > 1 and words[0] in _NO_BRAND:
            words, opens = words[1:], False
        name = " ".join(words)
        if (len(words) == 1 and (opens or name in _NO_BRAND)) or (name.isupper() and len(name) <= 6):
            continue
        names.append(name)
    return names


def advertisers_copy(lines: Sequence[str]) -> set[int]:
    """The indices of ``lines`` that read as an advertiser's copy (module docstring)."""
    found = set()
    text = None
    for index, line in enumerate(lines):
        names = _pitch(line)
        if names:
            if text is None:
                text = "\n".join(lines)
            rest = text.replace(line, "", 1)
            # an advertiser's copy is a small part of a page: where the rest is no longer than the paragraph
            # (a one-paragraph text, a title and its paragraph), nothing tells an advertisement from the article
            if len(rest) - len(lines) + 1 <= len(line):
                continue
            if any(name not in rest and name.split()[-1] not in rest for name in names):
                found.add(index)
    return found


@lru_cache(maxsize=1 << 14)
def _pitch(line: str) -> tuple[str, ...]:
    """The brands a paragraph names while it addresses the reader and sells (or sells twice over); () if it
    does not. Cached: the line model runs again on what it kept, and a site's advertisements recur."""
    if line.count(" ") + 1 < MIN_WORDS or line.lstrip().startswith(("«", '"', "“")):
        return ()
    lower = line.lower()
    if not any(need in lower for need in _SELLING_NEEDS):
        return ()
    selling = {match.group().lower() for match in _SELLING.finditer(line)}
    if not selling or not (len(selling) >= 2 or _IMPERATIVE.search(line) or _ADDRESS.search(line)):
        return ()
    return tuple(brands(line))


def taglines(lines: Sequence[str]) -> set[int]:
    """The indices of ``lines`` that are the site's tagline (module docstring)."""
    found = set()
    for index, line in enumerate(lines[:FIRST_LINES]):
        if len(line) > 120 or line.rstrip().endswith(_END):
            continue
        if _NAMED_TAGLINE.fullmatch(line) or (
            index == 1 and len(lines[0].split()) <= 5 and not lines[0].rstrip().endswith(_END)
            and _BARE_TAGLINE.fullmatch(line)
        ):  # fmt: skip
            found.add(index)
    return found
