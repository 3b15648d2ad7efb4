from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stance.cleaning.features import FEATURES, PATTERNS, WITHIN_A_LINE, line_features, line_keys, stopwords

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


PIECES = ["\n", " ", ".", "!", "?", "…", "...", "»", ")", "©", "(c)", "www.", ".fr", "@x", "http://", "Copyright",
          "a", "1", "(", "|", ":", "h", "-", "y a", "ago"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_patterns_said_within_a_line_never_hold_a_line_break_before_their_end(parts: list[str]) -> None:
    text = "".join(parts) + "\n"
    for name in WITHIN_A_LINE:
        pattern, _ = PATTERNS[name]
        assert all("\n" not in match.group()[:-1] for match in pattern.finditer(text)), name
