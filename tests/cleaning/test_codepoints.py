"""The code-point prefilter: every character a cleaning regex looks for is flagged."""

import re

import pytest

from stance.cleaning.codepoints import (
    BEYOND_LATIN,
    FTFY_SIGN,
    INVISIBLE,
    SPECIAL_SPACE,
    char_kinds,
    code_points,
    kinds_of,
    may_be_mojibake,
)
from stance.cleaning.language import _BEYOND_LATIN
from stance.cleaning.normalise import _INVISIBLE, _SPECIAL_SPACES

EVERY_BMP_CHARACTER = "".join(map(chr, range(0x10000)))


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [(_INVISIBLE, INVISIBLE), (_SPECIAL_SPACES, SPECIAL_SPACE), (_BEYOND_LATIN, BEYOND_LATIN)],
)
def test_every_character_a_regex_finds_is_flagged(pattern: re.Pattern[str], kind: int) -> None:
    found = {match.start() for match in pattern.finditer(EVERY_BMP_CHARACTER)}
    flagged = kinds_of(code_points(EVERY_BMP_CHARACTER)) & kind
    assert all(flagged[point] for point in found)


def test_a_plain_french_sentence_holds_none_of_the_rare_kinds() -> None:
    rare = INVISIBLE | SPECIAL_SPACE | FTFY_SIGN | BEYOND_LATIN
    text = "Le CAC 40 a gagné 1 % vendredi, porté par les banques."
    assert not char_kinds(text) & rare
    assert not may_be_mojibake(kinds_of(code_points(text)))


def test_french_typography_spaces_are_special_spaces() -> None:
    assert char_kinds("Le prix\u00a0: 5\u202f%") & (SPECIAL_SPACE | INVISIBLE) == SPECIAL_SPACE


def test_a_zero_width_space_is_invisible() -> None:
    assert char_kinds("Bourse\u200bde Paris") == INVISIBLE


def test_mojibake_needs_a_lead_then_a_continuation() -> None:
    assert may_be_mojibake(kinds_of(code_points("augmentÃ©")))
    assert not may_be_mojibake(kinds_of(code_points("Ã la une, « é »")))


def test_ligatures_and_lone_surrogates_are_ftfy_signs() -> None:
    assert char_kinds("\ufb01nance") & FTFY_SIGN
    assert char_kinds("a\ud800b") & FTFY_SIGN


def test_chinese_letters_are_beyond_latin_and_accents_are_not() -> None:
    assert char_kinds("#马斯克概念") & BEYOND_LATIN
    assert not char_kinds("Élysée, Ärger, ĳ, ǅ") & BEYOND_LATIN


def test_every_sign_ftfy_is_run_for_passes_the_prefilter() -> None:
    from stance.cleaning.codepoints import MOJIBAKE_NEXT_CHARS
    from stance.cleaning.normalise import _NEEDS_FTFY

    singles = [c for c in EVERY_BMP_CHARACTER if _NEEDS_FTFY.search(c)]
    assert singles and all(char_kinds(c) & FTFY_SIGN for c in singles)
    continuations = [c for c in EVERY_BMP_CHARACTER if re.fullmatch(f"[{MOJIBAKE_NEXT_CHARS}]", c)]
    pairs = [lead + c for lead in map(chr, range(0xC2, 0xF5)) for c in continuations]
    assert all(_NEEDS_FTFY.search(pair) for pair in pairs)
    assert all(may_be_mojibake(kinds_of(code_points(pair))) for pair in pairs)
