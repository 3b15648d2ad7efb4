"""Which kinds of characters a text holds, told with numpy in one pass over its code points.

The cleaner scans every document for rare characters: encoding damage,
invisible characters, unusual spaces, letters beyond the Latin script. A
regular expression looks at each character in turn, at the cost of a regex
pass per question; here the text's code points go through one lookup table
and the answers come out together. Each answer is a necessary condition: the
exact regular expression still runs, but only on the texts (or lines) that
may need it, and its result is what counts.

>>> kinds = char_kinds("Le prix\\u00a0: 5 %")
>>> bool(kinds & SPECIAL_SPACE), bool(kinds & INVISIBLE)
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np

INVISIBLE = 1  # zero-width space, word joiner, BOM, soft hyphen, C0/C1 controls but tab and line breaks
SPECIAL_SPACE = 2  # tab, no-break and other spaces than the plain one
MOJIBAKE_LEAD = 4  # a UTF-8 lead byte read as cp1252/latin-1
MOJIBAKE_NEXT = 8  # a UTF-8 continuation byte read as cp1252/latin-1
FTFY_SIGN = 16  # ligatures, C1 controls, escapes, lone surrogates, fullwidth Latin
BEYOND_LATIN = 32  # Greek and every script above it, but the Latin extensions and punctuation blocks
JOINER = 64  # zero-width non-joiner and joiner (kept in emoji and joining scripts, removed between Latin letters)

# The characters of each kind, as the inside of a regex character class: the one place they
# are written down, for the regular expressions of the steps and for the table alike.
INVISIBLE_CHARS = "\u200b\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f"
SPECIAL_SPACE_CHARS = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
MOJIBAKE_LEAD_CHARS = "\u00c2-\u00f4"
MOJIBAKE_NEXT_CHARS = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
FTFY_SIGN_CHARS = "\ufb00-\ufb06\u0080-\u009f\x1b\ud800-\udfff\uff01-\uff5e"
BEYOND_LATIN_CHARS = (
    "\u0370-\u1dff\u2c00-\u2dff\u2e80-\ufb4f\ufe70-\uffdc\U00010000-\U0001efff\U00020000-\U0003ffff"
)
JOINER_CHARS = "\u200c\u200d"
# CJK and Hangul, where one character is one word (not a kind bit: the line features and the
# language step count words with it).
WIDE_CHARS = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CLASSES = {
    INVISIBLE: INVISIBLE_CHARS,
    SPECIAL_SPACE: SPECIAL_SPACE_CHARS,
    MOJIBAKE_LEAD: MOJIBAKE_LEAD_CHARS,
    MOJIBAKE_NEXT: MOJIBAKE_NEXT_CHARS,
    FTFY_SIGN: FTFY_SIGN_CHARS,
    BEYOND_LATIN: BEYOND_LATIN_CHARS,
    JOINER: JOINER_CHARS,
}
_BMP = 0x10000


@cache
def _table() -> np.ndarray:
    """The kind bits of every BMP code point, told by the classes' own regexes; the last entry
    stands for every astral code point (most are beyond Latin: CJK extensions, historic
    scripts; emoji are not, so astral characters are only a hint)."""
    table = np.zeros(_BMP + 1, dtype=np.uint8)
    every = "".join(map(chr, range(_BMP)))
    for bit, chars in _CLASSES.items():
        for run in re.finditer(f"[{chars}]+", every):
            table[run.start() : run.end()] |= bit
    table[_BMP] = BEYOND_LATIN
    return table


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included), as ``uint32``."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def kinds_of(codes: np.ndarray) -> np.ndarray:
    """The kind bits of each code point."""
    return _table()[np.minimum(codes, _BMP)]


def char_kinds(text: str) -> int:
    """The kind bits found anywhere in ``text``, or-ed together."""
    return int(np.bitwise_or.reduce(kinds_of(code_points(text)), initial=0))


def mojibake_starts(kinds: np.ndarray) -> np.ndarray:
    """Where a lead character is followed by a continuation character (one flag per code point)."""
    starts = np.zeros(len(kinds), dtype=bool)
    starts[:-1] = (kinds[:-1] & MOJIBAKE_LEAD & (kinds[1:] >> 1)) != 0
    return starts


def may_be_mojibake(kinds: np.ndarray) -> bool:
    """Whether a lead character is followed by a continuation character somewhere."""
    return bool(mojibake_starts(kinds).any())


def per_line(flags: np.ndarray, lines: Sequence[str]) -> np.ndarray:
    """How many of ``flags`` (one per code point of ``"\\n".join(lines)``) fall in each line.

    >>> per_line(np.array([1, 0, 0, 1, 1]), ["ab", "cd"]).tolist()
    [1, 2]
    """
    if not lines:
        return np.zeros(0, dtype=np.int64)
    starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]])
    return np.add.reduceat(np.append(flags, 0), starts)  # the 0 stands for an empty last line
