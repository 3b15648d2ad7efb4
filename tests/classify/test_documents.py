"""Tests of stance.classify.documents: the learnt document aggregation (features, the
writer-grouped calibration, what it reads) on synthetic passage probabilities."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stance.classify import LABELS, DocumentAggregator, aggregate, classify_documents, document_passages
from stance.classify.documents import AGGREGATION_FEATURES, aggregation_features
from stance.errors import InputError, UsageError


def _document(label: str, rng: np.random.Generator, passages: int, noise: float) -> tuple[list[str], np.ndarray]:
    """A document whose passages lean to its label (a neutral one: to neutral), with some
    passages of another side drawn with probability ``noise``."""
    texts = [f"passage {k} d'un document assez long pour peser de tout son poids ici" for k in range(passages)]
    proba = np.empty((passages, 3))
    for row in range(passages):
        side = LABELS.index(label) if rng.random() > noise else int(rng.integers(3))
        proba[row] = rng.dirichlet(np.ones(3))
        proba[row, side] += 1.5
    return texts, proba / proba.sum(axis=1, keepdims=True)


def _set(count: int, rng: np.random.Generator, noise: float, passages: int = 8):
    documents, probas, labels = [], [], []
    for index in range(count):
        label = LABELS[index % 3]
        texts, proba = _document(label, rng, passages, noise)
        documents.append(texts)
        probas.append(proba)
        labels.append(label)
    return documents, probas, labels


def test_the_features_read_headline_lead_mean_conclusion_extremes_votes_and_the_rule() -> None:
    passages = ["Un titre",
                "Le groupe relève nettement ses objectifs annuels après un trimestre solide, rassurant et meilleur "
                "que prévu.",
                "Les ventes progressent de 6 % à taux de change constants sur le trimestre écoulé, portées par l'Asie.",
                "Le directeur financier quittera ses fonctions à la fin de l'année, selon le communiqué du groupe."]
    proba = np.array([[0.2, 0.2, 0.6], [0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    features = dict(zip(AGGREGATION_FEATURES, np.exp(aggregation_features(passages, proba)), strict=True))
    assert len(AGGREGATION_FEATURES) == 20
    assert features["first_neutral"] == pytest.approx(0.6)                  # the headline
    assert features["lead_bullish"] == pytest.approx(0.7)                   # passages 2 and 3
    weights = np.array([2 / 15, 1.0, 1.0, 1.0])                             # a 2-word headline weighs 2/15
    assert features["mean_bullish"] == pytest.approx((weights / weights.sum() @ proba)[0])
    assert features["conclusion_neutral"] == pytest.approx(1.0 / 3)         # the last three
    assert features["max_skeptical"] == pytest.approx(0.3)
    assert features["share_bullish"] == pytest.approx(0.5) and features["share_neutral"] == pytest.approx(0.5)
    assert features["share_skeptical"] == pytest.approx(1e-4)               # no vote: clipped before the log
    mass = weights @ proba * np.array([1, 1, 0.5])                          # the fixed rule halves neutral
    assert features["rule_bullish"] == pytest.approx(mass[0] / mass.sum())
    # a document of one passage is its own headline, lead, mean and conclusion
    one = dict(zip(AGGREGATION_FEATURES, np.exp(aggregation_features(passages[1:2], proba[1:2])), strict=True))
    assert one["first_bullish"] == one["lead_bullish"] == one["mean_bullish"] == one["conclusion_bullish"] == 0.8


@pytest.mark.slow
def test_fit_scores_out_of_fold_and_calibrates_on_the_writer_left_out() -> None:
    rng = np.random.default_rng(0)
    documents, probas, labels = _set(90, rng, noise=0.05)
    # a third writer whose documents often end where their passages do not lead (a label
    # the passages do not show): the others' model is too sure of itself on them
    for index in range(60, 90, 2):
        labels[index] = LABELS[(LABELS.index(labels[index]) + 1) % 3]
    groups = ["a"] * 30 + ["b"] * 30 + ["c"] * 30
    aggregator = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(documents, probas, labels, groups=groups)
    cv = aggregator.cv_results_
    assert cv["temperature_fitted_on"] == "leave-one-group-out predictions"
    assert set(cv["by_group"]["per_group"]) == {"a", "b", "c"}
    assert cv["by_group"]["per_group"]["a"]["accuracy"] > cv["by_group"]["per_group"]["c"]["accuracy"]
    # a writer left out is harder than the ones fitted on: the temperature softens
    assert aggregator.temperature_ > 1
    before, after = cv["by_group"]["before_temperature"], cv["by_group"]["after_temperature"]
    assert after["mean_confidence"] < before["mean_confidence"] and after["accuracy"] == before["accuracy"]
    assert cv["chosen"]["macro_f1"] > 0.6


@pytest.mark.slow  # repeated cross-validation of the aggregator (2 s)
def test_without_groups_the_temperature_comes_from_the_out_of_fold_predictions() -> None:
    rng = np.random.default_rng(1)
    documents, probas, labels = _set(30, rng, noise=0.1)
    aggregator = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(documents, probas, labels)
    assert aggregator.cv_results_["temperature_fitted_on"] == "out-of-fold predictions"
    assert "by_group" not in aggregator.cv_results_
    with pytest.raises(InputError):
        DocumentAggregator(C=1.0).fit(documents, probas, labels, groups=["a"])


def test_the_temperature_changes_confidence_not_the_label_and_survives_json() -> None:
    rng = np.random.default_rng(2)
    documents, probas, labels = _set(30, rng, noise=0.1)
    aggregator = DocumentAggregator(C=1.0, folds=3, repeats=1, inputs={"passage_models": ["lora"]}).fit(
        documents, probas, labels)
    restored = DocumentAggregator.from_dict(json.loads(json.dumps(aggregator.to_dict())))
    assert restored.inputs == {"passage_models": ["lora"]} and restored.temperature_ == aggregator.temperature_
    texts, proba = _document("bullish", rng, 6, 0.1)
    np.testing.assert_allclose(restored.predict_proba(texts, proba), aggregator.predict_proba(texts, proba))
    sharp = aggregator.predict_proba(texts, proba)
    aggregator.temperature_ = 3.0
    soft = aggregator.predict_proba(texts, proba)
    assert sharp.argmax() == soft.argmax() and soft.max() < sharp.max()
    with pytest.raises(InputError):
        DocumentAggregator.from_dict({**aggregator.to_dict(), "features": ["first_bullish"]})


def test_calibration_documents_fit_a_temperature_by_length_scored_with_each_writer_left_out() -> None:
    rng = np.random.default_rng(4)
    documents, probas, labels = _set(60, rng, noise=0.05, passages=12)  # long, clear: writers a and b
    groups = ["a", "b"] * 30
    # short, harder documents by two more writers: their passages often point elsewhere
    short, short_probas, short_labels = _set(60, rng, noise=0.45, passages=4)
    middle, middle_probas, middle_labels = _set(30, rng, noise=0.25, passages=8)
    calibration = (short + middle, short_probas + middle_probas, short_labels + middle_labels,
                   ["c", "d"] * 30 + ["e"] * 30)
    plain = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(documents, probas, labels, groups=groups)
    aggregator = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(documents, probas, labels, groups=groups,
                                                                   calibration=calibration)
    np.testing.assert_allclose(aggregator.coef_, plain.coef_)  # the calibration documents fit nothing else
    assert plain.temperature_exponent_ == 0 and plain.temperature_passages_ is None
    assert aggregator.temperature_passages_ == (4, 12)
    # shorter documents are the less certain here: the temperature rises as passages get fewer
    assert aggregator.temperature_exponent_ < 0
    assert aggregator.temperature_for(4) > aggregator.temperature_for(8) > aggregator.temperature_for(12)
    assert aggregator.temperature_for(2) == aggregator.temperature_for(4)  # no extrapolation
    fitted = aggregator.cv_results_["calibration"]
    assert fitted["documents"] == 90 and fitted["groups"] == {"c": 30, "d": 30, "e": 30}
    assert set(fitted["per_group"]) == {"c", "d", "e"}
    left_out, constant = fitted["writer_left_out"], fitted["constant_temperature"]
    assert left_out["accuracy"] == constant["accuracy"]  # a temperature never changes a label
    assert left_out["log_loss"] < constant["log_loss"] and left_out["ece"] < constant["ece"]
    # the label is the plain model's; the confidence is lower on a short document
    texts, proba = short[0], short_probas[0]
    assert aggregator.predict_proba(texts, proba).argmax() == plain.predict_proba(texts, proba).argmax()
    assert aggregator.predict_proba(texts, proba).max() < plain.predict_proba(texts, proba).max()
    X = np.stack([aggregation_features(d, p) for d, p in zip(short[:3], short_probas[:3], strict=True)])
    np.testing.assert_allclose(aggregator.predict_proba_features(X, passages=[4, 4, 4]),
                               np.stack([aggregator.predict_proba(d, p) for d, p in
                                         zip(short[:3], short_probas[:3], strict=True)]))
    with pytest.raises(InputError, match="pass passages="):
        aggregator.predict_proba_features(X)
    restored = DocumentAggregator.from_dict(json.loads(json.dumps(aggregator.to_dict())))
    np.testing.assert_allclose(restored.predict_proba(texts, proba), aggregator.predict_proba(texts, proba))
    with pytest.raises(InputError, match="one label, one group and one passage count"):
        DocumentAggregator(C=1.0, folds=3, repeats=1).fit_features(
            X, labels[:3], passages=[4, 4, 4], calibration=(X, labels[:3], ["c"], [4, 4, 4]))


def test_fit_features_is_fit_on_features_already_computed_whatever_they_are() -> None:
    rng = np.random.default_rng(5)
    documents, probas, labels = _set(30, rng, noise=0.1)
    X = np.stack([aggregation_features(d, p) for d, p in zip(documents, probas, strict=True)])
    by_documents = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(documents, probas, labels)
    by_features = DocumentAggregator(C=1.0, folds=3, repeats=1).fit_features(X, labels)
    np.testing.assert_allclose(by_features.coef_, by_documents.coef_)
    expected = [by_documents.predict_proba(d, p) for d, p in zip(documents[:4], probas[:4], strict=True)]
    np.testing.assert_allclose(by_features.predict_proba_features(X[:4]), np.stack(expected))
    assert "fixed_rule" in by_documents.cv_results_ and "fixed_rule" not in by_features.cv_results_
    other = DocumentAggregator(C=1.0, folds=3, repeats=1).fit_features(X[:, :3], labels)  # any feature set
    assert other.predict_proba_features(X[:2, :3]).shape == (2, 3)
    with pytest.raises(InputError):
        DocumentAggregator(C=1.0).fit_features(X, labels[:-1])


def test_the_aggregation_reads_its_own_probabilities_and_the_evidence_the_classifier_s() -> None:
    rng = np.random.default_rng(3)
    aggregator = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(*_set(30, rng, noise=0.1))
    passages = [f"Le paragraphe {k} reprend les chiffres publiés hier soir par le groupe." for k in range(4)]
    neutral = np.tile([0.1, 0.1, 0.8], (4, 1))
    bullish = np.tile([0.8, 0.1, 0.1], (4, 1))
    result = aggregate(passages, neutral, aggregator=aggregator, aggregation_proba=bullish)
    assert result.label == "bullish"
    assert [p.label for p in result.passages] == ["neutral"] * 4  # the passage details stay the classifier's
    assert aggregate(passages, neutral, aggregator=aggregator).label == "neutral"


class _TwoModels:
    """A classifier whose aggregation reads other probabilities than its own, like the lora backend."""

    def __init__(self, aggregator: DocumentAggregator) -> None:
        self.aggregation_ = aggregator
        self.asked: list[str] = []

    def predict_proba(self, texts):
        return np.tile([0.1, 0.1, 0.8], (len(texts), 1))

    def aggregation_proba(self, texts):
        self.asked += list(texts)
        return self.predict_proba(texts), np.tile([0.1, 0.8, 0.1], (len(texts), 1))


def test_classify_documents_asks_for_the_aggregation_s_probabilities_of_long_documents_only() -> None:
    rng = np.random.default_rng(4)
    classifier = _TwoModels(DocumentAggregator(C=1.0, folds=3, repeats=1).fit(*_set(30, rng, noise=0.1)))
    long = "\n\n".join(f"Le paragraphe {k} du compte rendu reprend les chiffres publiés hier soir." for k in range(10))
    short = "Le groupe tiendra son assemblée générale le 14 mai à Lyon."
    long_result, short_result = classify_documents([long, short], classifier)
    assert classifier.asked == document_passages(long)
    assert long_result.label == "skeptical"  # read from aggregation_proba
    assert short_result.label == "neutral" and short_result.scores["neutral"] == pytest.approx(0.8)


def test_a_huge_document_is_classified_by_a_bounded_sample_of_its_passages() -> None:
    from stance.classify.documents import MAX_PASSAGES

    class Counting:
        seen = 0

        def predict_proba(self, texts):  # type: ignore[no-untyped-def]
            Counting.seen += len(texts)
            return np.tile([0.6, 0.2, 0.2], (len(texts), 1))

    line = "Le paragraphe {} du rapport annuel reprend les chiffres publiés hier soir."
    huge = "\n\n".join(line.format(k) for k in range(3000))
    (result,) = classify_documents([huge], Counting())
    assert Counting.seen == MAX_PASSAGES and result.label == "bullish"
    passages = document_passages(huge)
    assert len(passages) == MAX_PASSAGES and passages[0].startswith("Le paragraphe 0 ")
    assert passages[-1].startswith("Le paragraphe 2999 ") and len(set(passages)) == MAX_PASSAGES
    with pytest.raises(UsageError, match="max_passages >= 7"):
        document_passages(huge, max_passages=6)


def test_documents_of_the_wrong_shape_and_a_classifier_by_name_are_refused() -> None:
    from stance.classify import classify_document

    with pytest.raises(InputError, match=r"got a dict, which would be read as its keys"):
        classify_documents({"a": "Le titre bondit."}, _TwoModels(None))  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"stance classifier .*got str: load it first, load_classifier\('lora'\)"):
        classify_document("Le titre bondit.", "lora")  # type: ignore[arg-type]


def test_evidence_is_statements_not_lead_ins_questions_footnotes_or_table_rows() -> None:
    from stance.classify.documents import is_evidence

    passages = [
        "Trois raisons de garder le titre en portefeuille :",  # a lead-in, the strongest bullish passage
        "Le groupe relève ses objectifs annuels après un trimestre record en Asie.",
        "| Résultat net | 402,0 | 351,7 | +14,3 % |",
        "¹ Le consensus retenu est celui des douze analystes qui suivent la valeur.",
        "La dette reste lourde et pèse sur la marge, prévient un gérant prudent.",
        "Faut-il vendre maintenant que le titre a doublé en un an ?",
    ]
    bullish, skeptical = [0.9, 0.05, 0.05], [0.05, 0.9, 0.05]
    proba = np.array([bullish, bullish, bullish, bullish, skeptical, skeptical])
    result = aggregate(passages, proba)
    assert result.label == "bullish"
    assert result.evidence == (passages[1], passages[4]) and result.counter_evidence == passages[4]
    assert [is_evidence(text) for text in passages] == [False, True, False, False, True, False]
    # a side with nothing else still shows what it has
    alone = aggregate(passages[:1] + passages[5:], np.array([bullish, skeptical]))
    assert alone.label == "skeptical" and alone.evidence == (passages[5], passages[0])
