from __future__ import annotations

import pytest

from stance.cleaning.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("La hausse atteint 5 %\r\nen mars.", "La hausse atteint 5 %\nen mars."),
        ("Le titre\rsuit.", "Le titre\nsuit."),
        ("Le prix a augmentÃ© de 5 %â€¦", "Le prix a augmenté de 5 %…"),
        ("Nvidia\u200b progresse\u00ad.", "Nvidia progresse."),
        ("Le\u00a0CAC\u202f40\tgagne   1\u2009%.", "Le CAC 40 gagne 1 %."),
        ("  Les marchés  \n  respirent  ", "Les marchés\nrespirent"),
        ("Cafe\u0301 et cre\u0300me", "Café et crème"),
        ("Profits &amp; pertes", "Profits & pertes"),
        ("Un bénéﬁce record", "Un bénéfice record"),
    ],
    ids=["crlf", "cr", "mojibake", "zero-width", "spaces", "strip", "nfc", "entity", "ligature"],
)
def test_normalise_repairs(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_french_typography_and_quotes_are_kept() -> None:
    text = "« Pourquoi ? » demande-t-il : l’IA, c’est “l’avenir” ; vraiment !"
    assert normalise(text) == text


def test_no_break_space_before_punctuation_never_splits_or_joins_words() -> None:
    assert normalise("Question\u202f? Réponse\u00a0: oui\u202f!") == "Question ? Réponse : oui !"


def test_paragraph_breaks_are_kept() -> None:
    assert normalise("Premier.\n\nSecond.") == "Premier.\n\nSecond."


def test_emoji_joiners_are_kept() -> None:
    family = "👨\u200d👩\u200d👧"
    assert normalise(f"Les familles {family} investissent.") == f"Les familles {family} investissent."


def test_joiners_inside_a_latin_word_are_removed() -> None:
    assert normalise("Le titre est en bai\u200dsse\u200c, la ba\u200c\u200disse continue.") == (
        "Le titre est en baisse, la baisse continue."
    )


def test_joiners_of_joining_scripts_are_kept() -> None:
    persian = "می\u200cخواهم"  # ZWNJ between two Arabic-script letters: part of the spelling
    devanagari = "क्\u200dष"
    assert normalise(f"Il cite {persian} et {devanagari}.") == f"Il cite {persian} et {devanagari}."


def test_idempotent_on_mojibake() -> None:
    once = normalise("Ã‰lan : l’Ã©tÃ© sera chaud")
    assert once == "Élan : l’été sera chaud"
    assert normalise(once) == once
