"""Text normalisation: the first cleaning step, applied to the whole document.

What it does, in order:

1. Mojibake and other encoding damage are repaired with ftfy (``"augmentÃ©"``
   becomes ``"augmenté"``), HTML entities unescaped, ligatures split. ftfy only
   runs on documents that show a sign of such damage: it costs more than the
   rest of cleaning together, and the signs below are necessary for every
   fix it makes with the settings used here.
2. Line breaks (CRLF, CR, U+2028/2029, vertical tab, form feed) become ``\\n``. NEL
   (U+0085) is a C1 control, which in scraped text is a cp1252 byte decoded as
   Latin-1: step 1 makes it the ``"…"`` it was (one that step 1 left would
   become ``\\n``).
3. Invisible characters that break word matching are removed: zero-width
   space, word joiner, BOM, soft hyphen, and control characters. Zero-width
   (non-)joiners are kept where they may mean something, between two emoji or
   two letters of a joining script (Arabic, Persian, Indic); between two Latin,
   Greek or Cyrillic characters they mean nothing and split the word
   (``"hau\u200dsse"``): they are removed there.
4. Every horizontal space (tab, no-break space U+00A0, narrow no-break space
   U+202F, thin spaces...) becomes one plain space, runs are collapsed and
   lines are stripped. French typography survives as words and punctuation:
   ``"prix :\\u202fhausse"`` becomes ``"prix : hausse"``; spaces are never
   inserted into or removed from inside a word.
5. Unicode NFC (also first, so the checks above see composed text).

Curly quotes, guillemets and apostrophes are kept as written.

>>> normalise("Le prix\\u00a0: en hausse\\r\\nde 5\\u202f%\\u200b")
'Le prix : en hausse\\nde 5 %'
>>> normalise("Le titre monte\\u0085 puis recule")
'Le titre monte… puis recule'
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
import ftfy.bad_codecs
import numpy as np

from .codepoints import (
    FTFY_SIGN,
    FTFY_SIGN_CHARS,
    INVISIBLE,
    INVISIBLE_CHARS,
    JOINER,
    JOINER_CHARS,
    MOJIBAKE_LEAD_CHARS,
    MOJIBAKE_NEXT_CHARS,
    SPECIAL_SPACE,
    SPECIAL_SPACE_CHARS,
    char_kinds,
    code_points,
    kinds_of,
    may_be_mojibake,
    mojibake_starts,
    per_line,
)

_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)

# Signs that ftfy has something to fix: a UTF-8 lead byte read as cp1252/latin-1
# followed by a continuation byte read the same way (mojibake), HTML entities,
# Latin ligatures, C1 controls, terminal escapes, lone surrogates, fullwidth Latin.
# The pattern starts with one character class (the first character of every sign), so
# that re scans for it at C speed; the lookbehinds then tell which sign it starts.
_NEEDS_FTFY = re.compile(
    f"[{MOJIBAKE_LEAD_CHARS}&{FTFY_SIGN_CHARS}]"
    f"(?:(?<=[{MOJIBAKE_LEAD_CHARS}])[{MOJIBAKE_NEXT_CHARS}]"
    r"|(?<=&)(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+\d*);"
    f"|(?<=[{FTFY_SIGN_CHARS}]))"
)
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085\x0b\x0c]")
# Zero-width space, word joiner, BOM, soft hyphen, and C0/C1 controls but tab and newline.
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
_SPACE_CLASS = f"[ {SPECIAL_SPACE_CHARS}]"
# Runs that are not already one plain space, in two passes that each start with what re
# scans for at C speed: runs led by a space other than a plain one, then runs of plain ones.
_SPECIAL_SPACES = re.compile(f"[{SPECIAL_SPACE_CHARS}]{_SPACE_CLASS}*")
_PLAIN_SPACES = re.compile("  +")
_OTHER_LINE_BREAKS = "\u2028\u2029\u0085\x0b\x0c"
# Zero-width (non-)joiners between two characters of the scripts that have no use for them (Latin,
# Greek, Cyrillic: printable U+0021-U+052F, so not beside a space): an emoji sequence joins emoji,
# and Arabic or Indic text joins letters of its own script, never those.
_STRAY_JOINERS = re.compile(f"(?<=[\\x21-\\x7e\\xa1-\\u052f])[{JOINER_CHARS}]+(?=[\\x21-\\x7e\\xa1-\\u052f])")


def _repair(text: str, codes: np.ndarray, kinds: np.ndarray) -> str:
    """Fix encoding damage, line by line (``codes`` and ``kinds``: the text's code points and
    their kinds). A line that ftfy judges bad and that is UTF-8 read as cp1252 (the usual
    case) is decoded back in one step, at C speed; anything else, or anything left over, goes
    through ftfy's careful analysis."""
    lines = text.split("\n")
    # Where a sign may start (the first character of every match of _NEEDS_FTFY), by line.
    suspect = per_line((kinds & FTFY_SIGN != 0) | (codes == ord("&")) | mojibake_starts(kinds), lines)
    for index, line in enumerate(lines):
        if not suspect[index] or not _NEEDS_FTFY.search(line):
            continue
        if ftfy.badness.is_bad(line):  # ftfy's own test, so that legit text like "à««" is never "decoded"
            try:
                line = line.encode("sloppy-windows-1252").decode("utf-8")
            except UnicodeError:
                pass
        lines[index] = ftfy.fix_text(line, _FTFY_CONFIG) if _NEEDS_FTFY.search(line) else line
    return "\n".join(lines)


def normalise(text: str) -> str:
    """Normalise encoding damage, line breaks, invisible characters and spaces.

    Idempotent: ``normalise(normalise(t)) == normalise(t)``.

    >>> normalise("Lire  également :\\u00a0 la suite ")
    'Lire également : la suite'
    """
    text = unicodedata.normalize("NFC", text)
    # Which rare characters the text holds, in one pass: each regex below only runs if it may
    # find something (most texts need none of them).
    codes = code_points(text)
    kinds = kinds_of(codes)
    found = int(np.bitwise_or.reduce(kinds, initial=0))
    if (found & FTFY_SIGN or "&" in text or may_be_mojibake(kinds)) and _NEEDS_FTFY.search(text):
        text = _repair(text, codes, kinds)
        found = char_kinds(text)
    if "\r" in text or any(map(text.__contains__, _OTHER_LINE_BREAKS)):
        text = _LINE_BREAKS.sub("\n", text)
    if found & INVISIBLE:
        text = _INVISIBLE.sub("", text)
    if found & JOINER:
        text = _STRAY_JOINERS.sub("", text)
    if found & SPECIAL_SPACE:
        text = _SPECIAL_SPACES.sub(" ", text)
    if "  " in text:
        text = _PLAIN_SPACES.sub(" ", text)
    text = "\n".join([line.strip(" ") for line in text.split("\n")])
    return unicodedata.normalize("NFC", text)
