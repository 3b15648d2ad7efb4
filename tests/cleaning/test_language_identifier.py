"""The widened py3langid table gives py3langid's own answers."""

import py3langid
import pytest

from stance.cleaning.language import _identifier

TEXTS = [
    "Le CAC 40 a gagné 1 % vendredi, porté par les banques et par les valeurs du luxe.",
    "The Nasdaq closed higher on Friday as chipmakers rallied after strong earnings.",
    "Indeks WIG20 zakończył sesję wzrostem o 1,2 proc., a obroty były wysokie.",
    "Индекс Мосбиржи завершил торги ростом на фоне подорожания нефти.",
    "沪深300指数周五收涨，科技股领涨。",
    "Ο Γενικός Δείκτης έκλεισε με άνοδο, με τις τράπεζες να ξεχωρίζουν.",
    "Der DAX schloss am Freitag im Plus, gestützt von Autowerten.",
]


@pytest.mark.slow  # loads py3langid's model twice (1 s)
def test_the_widened_table_gives_py3langid_s_own_answers() -> None:
    identifier = _identifier()
    assert identifier is not py3langid, "py3langid's internals changed: the widened table is not in use"
    for text in TEXTS:
        language, score = identifier.classify(text)
        expected_language, expected_score = py3langid.classify(text)
        assert language == expected_language
        assert abs(score - expected_score) <= 1e-3 * max(1.0, abs(expected_score))


def test_the_walk_over_all_bytes_counts_as_py3langid_walks_byte_by_byte() -> None:
    """_Walk finds the automaton's states of every byte at once; its counts, in their order, and so the scores
    are py3langid's own, and a walk it cannot prove is left to py3langid."""
    from py3langid.langid import LanguageIdentifier, visit_counts

    from stance.cleaning.language import _Walk

    identifier = _identifier()
    assert identifier is not py3langid, "py3langid's internals changed: the walk is not in use"
    texts = [*TEXTS, " ".join(TEXTS) * 3, "ab", "€€", "Nvidia +3 %", "Répondre · 12 J'aime · 3 h", "é"]
    for text in texts:
        data = identifier._encode(text)
        expected = visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, data)
        found = identifier._walk.visits(data)
        if expected is None:  # no feature at all ("Nvidia +3 %"): py3langid's own fallback answers
            assert found is None
            continue
        assert found is not None and list(found.items()) == list(expected.items())
        assert identifier._raw_score(data).tobytes() == LanguageIdentifier._raw_score(identifier, data).tobytes()
    # A window too short for the automaton: the states are not proved, and py3langid walks the text itself.
    short = _Walk(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output)
    short._WINDOW = 1
    assert short.visits(identifier._encode(TEXTS[0])) is None
    assert identifier._walk.visits(b"a") is None
