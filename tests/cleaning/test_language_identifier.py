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
