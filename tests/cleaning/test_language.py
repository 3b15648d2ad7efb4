from __future__ import annotations

import pytest

from stance.cleaning.language import ForeignScriptLines, detect_language, foreign_script_share

FR = (
    "La Banque centrale européenne a laissé ses taux inchangés jeudi, mais elle se dit prête à agir "
    "si l'inflation ne ralentit pas dans les prochains mois, selon sa présidente."
)
EN = (
    "The European Central Bank left its rates unchanged on Thursday, but it said it was ready to act "
    "if inflation does not slow in the coming months, according to its president."
)
ES = (
    "El Banco Central Europeo dejó sus tipos sin cambios el jueves, pero se declaró dispuesto a actuar "
    "si la inflación no se modera en los próximos meses, según su presidenta."
)
DE = (
    "Die Europäische Zentralbank hat ihre Zinsen am Donnerstag nicht verändert, ist aber bereit zu handeln, "
    "wenn die Inflation in den nächsten Monaten nicht sinkt, sagte die Präsidentin."
)


@pytest.mark.parametrize(("text", "code"), [(FR, "fr"), (EN, "en"), (ES, "es"), (DE, "de")])
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_too_little_text_is_undetermined() -> None:
    assert detect_language("Nvidia +3 %") == "und"


def test_foreign_script_line_is_dropped_with_reason() -> None:
    assert ForeignScriptLines().find(["Le titre", "#马斯克概念", "Новости рынка"]) == {
        1: "foreign-script line",
        2: "foreign-script line",
    }


def test_french_line_quoting_a_foreign_name_is_kept() -> None:
    line = "D'un côté, il y a le légendaire investisseur de 82 ans Ron Baron( 罗恩·巴伦)."
    assert foreign_script_share(line) < 0.5
    assert ForeignScriptLines().find([line]) == {}
