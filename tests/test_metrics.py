from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance import metrics
from stance.errors import InputError, UsageError
from stance.metrics import (
    PRF,
    BatchStatistic,
    LineCounts,
    bootstrap_ci,
    classification_scores,
    confusion_from_indices,
    confusion_matrix,
    confusion_rows,
    content_lines,
    lcs_length,
    line_counts,
    macro_f1_from_confusion,
    macro_f1_rows,
    mcnemar_exact,
    paired_bootstrap,
    pooled_prf,
    prf,
    prf_rows,
    rouge,
    rouge_l,
    rouge_n,
    tokenize,
)


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(metrics)
    assert result.attempted > 10
    assert result.failed == 0


# ----------------------------------------------------------------------------- tokenizer


def test_tokenize_keeps_french_accents_and_lowercases() -> None:
    assert tokenize("Élan, déçu ; où ça ? Noël à l'ÉTÉ") == "élan déçu où ça noël à l été".split()


def test_tokenize_composes_decomposed_accents() -> None:
    decomposed = "E\u0301te\u0301 re\u0301ussi"  # "Été réussi" with combining acute accents
    assert tokenize(decomposed) == ["été", "réussi"]
    assert tokenize(decomposed) == tokenize("été réussi")


def test_tokenize_splits_on_apostrophes_hyphens_and_nbsp() -> None:
    assert tokenize("aujourd’hui\u00a0: l’IA peut-être 4,5\u202f%") == "aujourd hui l ia peut être 4 5".split()


# ----------------------------------------------------------------------------- ROUGE


def test_rouge_hand_computed_with_accents() -> None:
    # prediction: [la, fusée, a, décollé, hier, à, kourou]  (7 tokens)
    # reference:  [la, fusée, a, décollé, à, kourou, mardi] (7 tokens)
    scores = rouge("La fusée a décollé hier à Kourou.", "La fusée a décollé à Kourou mardi.")
    # ROUGE-1: 6 shared unigrams -> P = R = 6/7.
    assert scores["rouge1"] == pytest.approx(6 / 7)
    # ROUGE-2: shared bigrams (la fusée)(fusée a)(a décollé)(à kourou) = 4 of 6 on each side.
    assert scores["rouge2"] == pytest.approx(4 / 6)
    # ROUGE-L: LCS la fusée a décollé à kourou = 6.
    assert scores["rougeL"] == pytest.approx(6 / 7)


def test_rouge_does_not_drop_accented_letters() -> None:
    # An ASCII-only tokenizer reads both as [t, l, v] and scores 1.0; they share no word.
    assert rouge("été élevé", "ôté lové")["rouge1"] == 0.0
    assert rouge("Été élevé", "été ÉLEVÉ")["rouge1"] == 1.0


def test_rouge_clips_repeated_ngrams() -> None:
    # prediction "hausse hausse hausse" vs reference "hausse nette": one match only.
    result = rouge_n(["hausse"] * 3, ["hausse", "nette"], 1)
    assert result == PRF(precision=1 / 3, recall=1 / 2, f1=pytest.approx(0.4))


def test_rouge_empty_sides_score_zero() -> None:
    assert rouge("", "Le CAC 40 monte.") == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    assert rouge("Le CAC 40 monte.", "...") == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    assert rouge_n(["un"], ["un"], 2) == PRF(0.0, 0.0, 0.0)  # no bigram on either side


def test_rouge_l_rewards_order_rouge_1_does_not() -> None:
    reference = tokenize("le marché a fortement rebondi")
    shuffled = tokenize("rebondi fortement a marché le")
    assert rouge_n(shuffled, reference, 1).f1 == 1.0
    assert rouge_l(shuffled, reference).f1 == pytest.approx(1 / 5)


def _brute_force_lcs(a: list[str], b: list[str]) -> int:
    for size in range(min(len(a), len(b)), 0, -1):
        subsequences = {tuple(c) for c in itertools.combinations(b, size)}
        if any(tuple(c) in subsequences for c in itertools.combinations(a, size)):
            return size
    return 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from("abcé"), max_size=7),
    st.lists(st.sampled_from("abcé"), max_size=7),
)
def test_lcs_matches_brute_force(a: list[str], b: list[str]) -> None:
    assert lcs_length(a, b) == _brute_force_lcs(a, b) == lcs_length(b, a)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abé ÉB.,'", max_size=40), st.text(alphabet="abé ÉB.,'", max_size=40))
def test_rouge_f1_is_symmetric_bounded_and_one_on_itself(a: str, b: str) -> None:
    forward, backward = rouge(a, b), rouge(b, a)
    for key in ("rouge1", "rouge2", "rougeL"):
        assert forward[key] == pytest.approx(backward[key])
        assert 0.0 <= forward[key] <= 1.0
    if tokenize(a):
        assert rouge(a, a)["rouge1"] == 1.0
        assert rouge(a, a)["rougeL"] == 1.0


# ----------------------------------------------------------------------------- cleaning


def test_prf_edge_cases() -> None:
    assert prf(0, 0, 0) == PRF(1.0, 1.0, 1.0)
    assert prf(0, 0, 4) == PRF(0.0, 0.0, 0.0)
    assert prf(0, 3, 0) == PRF(0.0, 0.0, 0.0)
    assert prf(0, 3, 4) == PRF(0.0, 0.0, 0.0)
    assert prf(2, 4, 2) == PRF(0.5, 1.0, pytest.approx(2 / 3))


def test_line_counts_are_multisets_duplicates_cost_precision() -> None:
    gold = "Le titre\n\nPremier paragraphe.\n\nSecond paragraphe."
    cleaned = "Le titre\n\nPremier paragraphe.\n\nPremier paragraphe.\n\nSecond paragraphe."
    counts = line_counts(cleaned, gold)
    assert counts == LineCounts(matched=3, predicted=4, gold=3)
    assert counts.scores == PRF(0.75, 1.0, pytest.approx(6 / 7))


def test_line_counts_missing_and_extra_lines() -> None:
    gold = "A un.\n\nB deux.\n\nC trois."
    cleaned = "A un.\n\nPartager sur Facebook\n\nC trois."
    assert line_counts(cleaned, gold) == LineCounts(matched=2, predicted=3, gold=3)


def test_line_counts_normalise_both_sides() -> None:
    # The gold keeps raw lines (CRLF, no-break spaces); the cleaner outputs normalised lines.
    gold = "Le prix\u00a0: en hausse de 5\u202f%\r\n\r\n«\u00a0Oui\u00a0», dit-il."
    cleaned = "Le prix : en hausse de 5 %\n\n« Oui », dit-il."
    assert line_counts(cleaned, gold) == LineCounts(matched=2, predicted=2, gold=2)
    assert content_lines(gold) == ["Le prix : en hausse de 5 %", "« Oui », dit-il."]


def test_line_counts_order_does_not_matter_and_blank_lines_are_ignored() -> None:
    assert line_counts("B\n\n\n\nA\n", "A\nB") == LineCounts(2, 2, 2)


def test_pooled_prf_sums_counts_across_documents() -> None:
    counts = [LineCounts(1, 2, 1), LineCounts(3, 3, 5)]
    assert pooled_prf(counts) == PRF(4 / 5, 4 / 6, pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6)))


# ----------------------------------------------------------------------------- stance


def test_classification_scores_match_scikit_learn() -> None:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
    from sklearn.metrics import confusion_matrix as sk_confusion

    rng = np.random.default_rng(3)
    labels = list(metrics.STANCE_LABELS)
    gold = [labels[i] for i in rng.integers(0, 3, 50)]
    predicted = [labels[i] for i in rng.integers(0, 3, 50)]
    scores = classification_scores(gold, predicted)
    assert scores["accuracy"] == pytest.approx(accuracy_score(gold, predicted))
    assert scores["macro_f1"] == pytest.approx(f1_score(gold, predicted, average="macro"))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels)
    for i, label in enumerate(labels):
        assert scores["per_class"][label] == {
            "precision": pytest.approx(precision[i]),
            "recall": pytest.approx(recall[i]),
            "f1": pytest.approx(f1[i]),
            "support": support[i],
        }
    assert scores["confusion_matrix"] == sk_confusion(gold, predicted, labels=labels).tolist()


def test_classification_hand_computed() -> None:
    gold = ["bullish", "bullish", "skeptical", "neutral"]
    predicted = ["bullish", "neutral", "skeptical", "skeptical"]
    scores = classification_scores(gold, predicted)
    assert scores["confusion_matrix"] == [[1, 0, 1], [0, 1, 0], [0, 1, 0]]
    assert scores["accuracy"] == 0.5
    # F1: bullish P 1 R 1/2 -> 2/3; skeptical P 1/2 R 1 -> 2/3; neutral 0.
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_macro_f1_ignores_a_class_absent_from_gold_and_predictions() -> None:
    scores = classification_scores(["bullish", "skeptical"], ["bullish", "skeptical"])
    assert scores["macro_f1"] == 1.0
    assert scores["per_class"]["neutral"]["support"] == 0


def test_unknown_labels_are_a_clear_error() -> None:
    with pytest.raises(InputError, match=r"one of \['bullish', 'skeptical', 'neutral'\], got \['positive'\]"):
        confusion_matrix(["bullish"], ["positive"])
    with pytest.raises(InputError, match="as many predictions as gold labels"):
        confusion_matrix(["bullish", "neutral"], ["bullish"])


# ----------------------------------------------------------------------------- statistics


def test_bootstrap_is_deterministic_and_brackets_the_mean() -> None:
    values = np.random.default_rng(0).uniform(0, 1, 60)

    def mean(idx: np.ndarray) -> float:
        return float(values[idx].mean())

    first = bootstrap_ci(mean, len(values), seed=7)
    again = bootstrap_ci(mean, len(values), seed=7)
    assert first == again
    assert first.low < first.value < first.high
    assert first.value == pytest.approx(values.mean())
    # The standard error of a mean of 60 uniforms is about 0.037, so a 95% interval spans about 0.15.
    assert 0.09 < first.high - first.low < 0.21
    other_seed = bootstrap_ci(mean, len(values), seed=8)
    assert other_seed.value == first.value and other_seed.low != first.low


def test_bootstrap_of_a_constant_is_a_point() -> None:
    ci = bootstrap_ci(lambda idx: 0.5, 10)
    assert (ci.value, ci.low, ci.high) == (0.5, 0.5, 0.5)


def test_paired_bootstrap_sees_a_consistent_small_gain_that_unpaired_intervals_miss() -> None:
    rng = np.random.default_rng(1)
    a = rng.uniform(0.1, 0.9, 40)  # documents vary a lot in difficulty
    b = a + 0.02  # system B is better by 0.02 on every document

    def mean_a(idx: np.ndarray) -> float:
        return float(a[idx].mean())

    def mean_b(idx: np.ndarray) -> float:
        return float(b[idx].mean())

    difference = paired_bootstrap(mean_a, mean_b, 40)
    assert difference.value == pytest.approx(0.02)
    assert difference.low == pytest.approx(0.02) and difference.high == pytest.approx(0.02)
    # Unpaired, the two systems' intervals overlap widely.
    ci_a, ci_b = bootstrap_ci(mean_a, 40), bootstrap_ci(mean_b, 40)
    assert ci_b.low < ci_a.high


def test_paired_bootstrap_of_noise_straddles_zero() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.uniform(0, 1, 50), rng.uniform(0, 1, 50)
    order = np.argsort(a)
    b = b[order]  # unrelated systems
    difference = paired_bootstrap(lambda i: float(a[i].mean()), lambda i: float(b[i].mean()), 50)
    assert difference.low < difference.value < difference.high


@pytest.mark.parametrize("n", [1, 3, 9, 40, 300])
def test_batched_statistics_give_the_same_intervals_to_the_last_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    values = rng.uniform(0, 1, n)
    gold, predicted = rng.integers(0, 3, n), np.where(rng.random(n) < 0.6, rng.integers(0, 3, n), 0)
    counts = rng.integers(0, 4, (n, 3)).astype(float)
    pairs = [
        (lambda i: float(values[i].mean()), lambda rows: values[rows].mean(axis=1)),
        (
            lambda i: macro_f1_from_confusion(confusion_from_indices(gold[i], predicted[i], 3)),
            lambda rows: macro_f1_rows(confusion_rows(gold[rows], predicted[rows], 3)),
        ),
        (
            lambda i: prf(*counts[i].sum(axis=0)).f1,
            lambda rows: prf_rows(*np.moveaxis(counts[rows].sum(axis=1), -1, 0)).f1,
        ),
    ]
    for plain, rows in pairs:
        batched = BatchStatistic(rows)
        assert bootstrap_ci(batched, n, seed=n) == bootstrap_ci(plain, n, seed=n)
        squared_rows, squared = BatchStatistic(lambda r, f=rows: f(r) ** 2), lambda i, f=plain: f(i) ** 2
        assert paired_bootstrap(batched, squared_rows, n) == paired_bootstrap(plain, squared, n)


def test_prf_rows_is_prf_element_for_element() -> None:
    cases = list(itertools.product(range(3), range(4), range(4)))
    matched, predicted, gold = (np.array(column, dtype=float) for column in zip(*cases, strict=True))
    rows = prf_rows(matched, predicted, gold)
    for i, case in enumerate(cases):
        assert (rows.precision[i], rows.recall[i], rows.f1[i]) == tuple(prf(*map(float, case)).to_dict().values())


def test_bootstrap_rejects_bad_arguments() -> None:
    with pytest.raises(InputError, match="at least one document"):
        bootstrap_ci(lambda idx: 0.0, 0)
    with pytest.raises(UsageError, match="expected confidence between 0 and 1"):
        bootstrap_ci(lambda idx: 0.0, 3, confidence=95)


def test_mcnemar_matches_an_exact_binomial_test() -> None:
    from scipy.stats import binomtest

    correct_a = [True] * 9 + [False] * 3 + [True] * 20 + [False] * 5
    correct_b = [False] * 9 + [True] * 3 + [True] * 20 + [False] * 5
    result = mcnemar_exact(correct_a, correct_b)
    assert (result.only_a, result.only_b) == (9, 3)
    assert result.p_value == pytest.approx(binomtest(3, 12, 0.5).pvalue)


def test_mcnemar_without_discordant_pairs_is_one() -> None:
    assert mcnemar_exact([True, False], [True, False]).p_value == 1.0
    assert mcnemar_exact([True] * 5, [False] * 5).p_value == pytest.approx(2 / 32)
