from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stance.cleaning.features import (
    CONTEXT,
    FEATURES,
    PATTERNS,
    WITHIN_A_LINE,
    context_features,
    line_features,
    line_keys,
    stopwords,
)

ARTICLE = "Le CAC 40 a gagné 1,2 % vendredi, porté par les banques et par les valeurs du luxe."


def column(X: np.ndarray, name: str) -> list[float]:
    return X[:, FEATURES.index(name)].tolist()


def test_layout_features_of_a_french_line() -> None:
    X = line_features(["Accueil", ARTICLE], lang="fr")
    assert X.shape == (2, len(FEATURES))
    assert column(X, "end_sentence") == [0.0, 1.0]
    assert column(X, "start_upper") == [1.0, 1.0]
    assert column(X, "title_ratio")[0] == 1.0
    # "le", "a", "par", "les", "et", "du"... are French stopwords; "Accueil" is not
    assert column(X, "stop_ratio")[0] == 0.0
    assert column(X, "stop_ratio")[1] > 0.3


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Publié le 12 mars 2024 à 14h05", "date"),
        ("Mis à jour à 14:05", "time"),
        ("Commentaires (12)", "count"),
        ("Retrouvez-nous sur www.exemple.fr", "url"),
        ("© Le Quotidien 2026", "copyright"),
        ("Marc · il y a 3 h", "relative_time"),
        ("Économie | Marchés | Entreprises", "separator"),
        ("Les banques centrales vont-elles baisser leurs taux ?", "question"),
        ("Le gouvernement prépare un nouveau plan de relance…", "ellipsis"),
    ],
)
def test_pattern_features(line: str, name: str) -> None:
    X = line_features([line, "Un autre texte sans rien de tel"], lang="fr")
    assert column(X, name)[0] > 0
    assert column(X, name)[1] == 0


def test_neighbour_features_see_two_lines_either_side() -> None:
    X = line_features(["Menu", "Accueil", ARTICLE, "Partager"], lang="fr")
    assert column(X, "end_sentence@+1")[1] == 1.0  # the line after "Accueil" is a sentence
    assert column(X, "end_sentence@-2")[3] == 0.0
    assert column(X, "log_chars@-1")[0] == -1.0  # no line before the first


def test_rule_hits_are_features_of_the_line_and_its_neighbours() -> None:
    rule = np.array([0.0, 1.0, 0.0])
    X = line_features(["Titre", "Partager", ARTICLE], lang="fr", rule=rule)
    assert column(X, "rule") == [0.0, 1.0, 0.0]
    assert column(X, "rule@-1") == [-1.0, 0.0, 1.0]


def test_a_table_between_article_sentences_knows_them_on_both_sides() -> None:
    second = "Le titre a ensuite reculé de 3 % après l'annonce des résultats trimestriels du groupe."
    lines = [ARTICLE, "Écran", "6,7 pouces", "Batterie", "5 000 mAh", second, "Mentions légales"]
    X = line_features(lines, lang="fr")
    log = np.log1p
    assert column(X, "log_prev_long") == pytest.approx([log(7), log(1), log(2), log(3), log(4), log(5), log(1)])
    assert column(X, "log_next_long") == pytest.approx([log(5), log(4), log(3), log(2), log(1), log(7), log(7)])
    share = len(ARTICLE) / (len(ARTICLE) + len(second))
    assert column(X, "long_share_before") == pytest.approx([0.0, share, share, share, share, share, 1.0])
    assert column(X, "long_share_after") == pytest.approx([1 - share, 1 - share, 1 - share, 1 - share, 1 - share,
                                                           0.0, 0.0])


def test_without_an_article_sentence_every_line_is_far_from_one() -> None:
    X = line_features(["Accueil", "Contact"], lang="fr")
    assert column(X, "log_prev_long") == column(X, "log_next_long") == [float(np.log1p(2))] * 2
    assert column(X, "long_share_before") == column(X, "long_share_after") == [0.0, 0.0]


def test_repetition_and_corpus_frequency() -> None:
    lines = ["Newsletter", ARTICLE, "Newsletter"]
    alone = line_features(lines, lang="fr")
    assert column(alone, "log_repeat")[0] > 0 and column(alone, "log_repeat")[1] == 0
    assert column(alone, "log_corpus") == [0.0, 0.0, 0.0]
    corpus = Counter({line_keys(["Newsletter"])[0]: 4, line_keys([ARTICLE])[0]: 1})
    batch = line_features(lines, lang="fr", corpus=corpus, batch=5)
    assert column(batch, "corpus_share") == [0.75, 0.0, 0.75]


def test_line_keys_ignore_case_spacing_and_numbers() -> None:
    assert line_keys(["Vos réactions (11)"]) == line_keys(["vos  réactions (3)"])


def test_any_language_and_script() -> None:
    X = line_features(["首页", "中国人民银行周五宣布下调存款准备金率，以支持实体经济。"], lang="zh")
    assert column(X, "wide_ratio") == [1.0, 1.0]
    assert column(X, "log_words")[1] > column(X, "log_words")[0]
    assert column(X, "end_sentence") == [0.0, 1.0]
    assert "的" in stopwords("zh")
    assert stopwords("und") == frozenset()


def test_cjk_stopwords_are_counted_one_character_a_word() -> None:
    # 我, 的 three times, 在: five stopwords; 。、「」 and the ideographic space are no words
    X = line_features(["我的的。在、「的」abc_1\u3000公司"], lang="zh")
    assert column(X, "log_stops") == [pytest.approx(np.log1p(5))]
    assert column(X, "stop_ratio") == [pytest.approx(5 / 9)]  # 7 ideographs, "abc" and "1"


PIECES = ["\n", " ", ".", "!", "?", "…", "...", "»", ")", "©", "(c)", "www.", ".fr", "@x", "http://", "Copyright",
          "a", "1", "(", "|", ":", "h", "-", "y a", "ago"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_patterns_said_within_a_line_never_hold_a_line_break_before_their_end(parts: list[str]) -> None:
    text = "".join(parts) + "\n"
    for name in WITHIN_A_LINE:
        pattern, _ = PATTERNS[name]
        assert all("\n" not in match.group()[:-1] for match in pattern.finditer(text)), name


def test_context_features_find_the_main_block_and_the_article_around_a_line() -> None:
    lines = [
        "Accueil",
        "Marchés",
        "La Bourse de Paris a terminé la séance de vendredi en hausse de 1,2 %, portée par les banques.",
        "Les investisseurs ont salué des chiffres d'inflation plus faibles que prévu aux États-Unis.",
        "Le rendement de l'emprunt d'État à dix ans a reculé à 3,1 %, son plus bas niveau depuis juin.",
        "Mentions légales",
    ]
    X = line_features(lines, "fr")
    c = context_features(np.array([0.1, 0.2, 0.9, 0.3, 0.95, 0.1]), X)
    column = {name: c[:, i] for i, name in enumerate(CONTEXT)}
    # the weak middle sentence lies inside the main block, between two sure ones
    assert column["in_block"].tolist() == [0, 0, 1, 1, 1, 0]
    assert column["before_block"].tolist() == pytest.approx(np.log1p([2, 1, 0, 0, 0, 0]).tolist())
    assert column["after_block"].tolist() == pytest.approx(np.log1p([0, 0, 0, 0, 0, 1]).tolist())
    assert column["p_near_max"][3] == pytest.approx(0.95)
    assert column["p_mass_before"][0] == 0 and column["p_mass_after"][-1] == 0
    assert np.all(column["p_mass_before"] + column["p_mass_after"] <= 1 + 1e-12)
    assert column["p_doc_max"].tolist() == [0.95] * 6


def test_context_features_count_rule_hits_as_furniture() -> None:
    lines = ["Partager", "La Bourse de Paris a terminé la séance de vendredi en hausse de 1,2 %, portée par les "
             "banques."]
    rule = np.array([1.0, 0.0])
    X = line_features(lines, "fr", rule=rule)
    c = context_features(np.array([0.99, 0.9]), X)
    assert c[0, CONTEXT.index("p_logit")] < -10  # p = 0 for the rule's drop, whatever the trees said
    assert c[1, CONTEXT.index("p_near_mean")] == 0.0
    assert context_features(np.zeros(0), X[:0]).shape == (0, len(CONTEXT))
