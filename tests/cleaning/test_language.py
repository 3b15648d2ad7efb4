from __future__ import annotations

import pytest

from stance.cleaning.language import ForeignScriptLines, detect_language, document_language, foreign_script_share

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


ZH = [
    "中国人民银行周五宣布下调存款准备金率零点五个百分点，以支持实体经济发展。",
    "分析人士认为，此举将释放约一万亿元长期流动性，有助于降低企业融资成本。",
    "此前公布的数据显示，上月工业增加值同比增长百分之四点五，略低于市场预期。",
]


def test_a_document_in_another_script_keeps_its_own_lines() -> None:
    assert ForeignScriptLines().find(ZH) == {}
    assert document_language(ZH) == "zh"


def test_a_chinese_line_in_a_french_document_is_foreign() -> None:
    assert ForeignScriptLines().find([FR, "#马斯克概念", FR.replace("jeudi", "vendredi")]) == {1: "foreign-script line"}


def test_a_step_asked_again_about_some_of_its_lines_answers_as_a_new_one() -> None:
    """The step remembers which of the last call's lines hold a letter beyond Latin: a call on some of them, or
    on them and others, answers as a step that never saw them."""
    lines = [FR, "#马斯克概念", "Ron Baron (罗恩·巴伦) investit.", *ZH, FR.replace("jeudi", "vendredi"), "Новости"]
    step = ForeignScriptLines()
    for sub in (lines, lines[:3], [lines[0], lines[2], lines[-2]], lines[3:6], [lines[0], "#概念", lines[1]], []):
        assert step.find(sub) == ForeignScriptLines().find(sub)


def test_document_language_reads_the_article_lines_not_the_menus() -> None:
    assert document_language(["Home", "News", "Sport", FR, FR.replace("jeudi", "mardi")]) == "fr"


def test_chinese_article_is_not_dropped_as_foreign_and_is_flagged() -> None:
    from stance.cleaning import clean, normalise

    result = clean("\n\n".join(ZH))
    assert result.paragraphs == [normalise(line) for line in ZH]
    assert result.language == "zh"
    assert result.flags == ("not French",)
