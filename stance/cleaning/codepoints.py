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

import numpy as np

INVISIBLE = 1  # zero-width space, word joiner, BOM, soft hyphen, C0/C1 controls but tab and line breaks
SPECIAL_SPACE = 2  # tab, no-break and other spaces than the plain one
MOJIBAKE_LEAD = 4  # a UTF-8 lead byte read as cp1252/latin-1 (U+00C2-U+00F4)
MOJIBAKE_NEXT = 8  # a UTF-8 continuation byte read as cp1252/latin-1
FTFY_SIGN = 16  # ligatures, C1 controls, escapes, lone surrogates, fullwidth Latin
BEYOND_LATIN = 32  # Greek and every script above it, but the Latin extensions and punctuation blocks
_BMP = 0x10000


def _table() -> np.ndarray:
    table = np.zeros(_BMP + 1, dtype=np.uint8)  # the last entry stands for every astral code point
    invisible = ((0x00, 0x08), (0x0E, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x200B, 0x200B), (0x2060, 0x2060),
                 (0xFEFF, 0xFEFF))  # fmt: skip
    for low, high in invisible:
        table[low : high + 1] |= INVISIBLE
    spaces = ((0x09, 0x09), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x202F, 0x202F), (0x205F, 0x205F),
              (0x3000, 0x3000))  # fmt: skip
    for low, high in spaces:
        table[low : high + 1] |= SPECIAL_SPACE
    table[0xC2 : 0xF4 + 1] |= MOJIBAKE_LEAD
    table[0x80 : 0xBF + 1] |= MOJIBAKE_NEXT
    cp1252 = (0x152, 0x153, 0x160, 0x161, 0x178, 0x17D, 0x17E, 0x192, 0x2C6, 0x2DC, 0x2013, 0x2014, 0x2026, 0x2030,
              0x2039, 0x203A, 0x20AC, 0x2122)  # fmt: skip
    table[list(cp1252)] |= MOJIBAKE_NEXT
    table[0x2018 : 0x201E + 1] |= MOJIBAKE_NEXT
    table[0x2020 : 0x2022 + 1] |= MOJIBAKE_NEXT
    for low, high in ((0xFB00, 0xFB06), (0x80, 0x9F), (0x1B, 0x1B), (0xD800, 0xDFFF), (0xFF01, 0xFF5E)):
        table[low : high + 1] |= FTFY_SIGN
    for low, high in ((0x370, 0x1DFF), (0x2C00, 0x2DFF), (0x2E80, 0xFB4F), (0xFE70, 0xFFDC)):
        table[low : high + 1] |= BEYOND_LATIN
    table[_BMP] = BEYOND_LATIN  # astral: most are (CJK extensions, historic scripts); emoji are not
    return table


_TABLE = _table()


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included), as ``uint32``."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def kinds_of(codes: np.ndarray) -> np.ndarray:
    """The kind bits of each code point."""
    return _TABLE[np.minimum(codes, _BMP)]


def char_kinds(text: str) -> int:
    """The kind bits found anywhere in ``text``, or-ed together."""
    return int(np.bitwise_or.reduce(kinds_of(code_points(text)), initial=0))


def may_be_mojibake(kinds: np.ndarray) -> bool:
    """Whether a lead character is followed by a continuation character somewhere."""
    return bool(np.any((kinds[:-1] & MOJIBAKE_LEAD) & (kinds[1:] >> 1)))
