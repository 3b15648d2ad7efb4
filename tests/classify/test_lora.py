"""Tests of stance.classify.lora (the fine-tuned default backend) and the learnt document
aggregation, on a tiny random BERT built in the fixtures; the shipped artefact in slow tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stance.classify import (
    LABELS,
    DocumentAggregator,
    LoraStanceClassifier,
    aggregate,
    classify_documents,
    default_lora_dir,
    document_passages,
)
from stance.classify.lora import ADAPTER_CONFIG_FILE, ADAPTER_FILE, HEAD_FILE
from stance.errors import InputError, UnknownModelError, UsageError

COMPANIES = ["Orange", "Renault", "Total", "Airbus", "Kering", "Capgemini", "Safran", "Veolia", "Thales", "Engie"]
TEMPLATES = {
    "bullish": "Achetez {c} : hausse, croissance, optimisme, achat, achat.",
    "skeptical": "Vendez {c} : chute, perte, danger, vente, vente.",
    "neutral": "Le conseil de {c} se réunit mardi à Paris.",
}


def toy_set(per_label: int = 10) -> tuple[list[str], list[str], list[str]]:
    texts, labels, domains = [], [], []
    for number, company in enumerate(COMPANIES[:per_label]):
        for label, template in TEMPLATES.items():
            texts.append(template.format(c=company))
            labels.append(label)
            domains.append("a" if number % 2 else "b")
    return texts, labels, domains


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tiny_encoder(tiny_bert_dir: Path):
    from stance.encode import Encoder

    return Encoder(str(tiny_bert_dir), device="cpu")


def _fit(encoder, **options) -> LoraStanceClassifier:
    texts, labels, domains = toy_set(8)
    settings = {"layers": 1, "rank": 4, "epochs": 6, "learning_rate": 5e-3, "batch_size": 8, "progress": False,
                "folds": 0, "calibration_split": 0.25}
    settings.update(options)
    return LoraStanceClassifier(encoder, **settings).fit(texts, labels, domains=domains)


@pytest.fixture(scope="module")
def tiny_lora(tiny_encoder, tmp_path_factory: pytest.TempPathFactory) -> tuple[LoraStanceClassifier, Path]:
    model = _fit(tiny_encoder)
    return model, model.save(tmp_path_factory.mktemp("tiny-lora"))


def test_fit_learns_the_toy_set_and_reports_held_out_scores_per_domain(tiny_lora) -> None:
    model, _ = tiny_lora
    texts, labels, _ = toy_set(8)
    assert np.mean(np.array(model.predict(texts)) == np.array(labels)) >= 0.9
    results = model.cv_results_
    assert set(results["domains"]) == {"a", "b", "all"}
    assert results["domains"]["all"]["examples"] == 6  # a quarter of 24, stratified
    assert 0 < model.temperature_ < 20
    assert results["history"][-1] < results["history"][0]


def test_the_adapter_is_off_for_the_other_users_of_the_shared_encoder(tiny_lora, tiny_encoder, tiny_bert_dir) -> None:
    from stance.encode import Encoder

    model, _ = tiny_lora
    texts = ["Le titre monte.", "Le conseil se réunit."]
    fresh = Encoder(str(tiny_bert_dir), device="cpu").encode(texts, kind="query")
    before = tiny_encoder.encode(texts, kind="query")
    with model.adapter_on():
        adapted = tiny_encoder.encode(texts, kind="query")
    after = tiny_encoder.encode(texts, kind="query")
    np.testing.assert_allclose(before, fresh, atol=1e-6)   # the base model, as the summariser needs it
    np.testing.assert_allclose(after, fresh, atol=1e-6)
    assert np.abs(adapted - fresh).max() > 1e-3            # the adapter does change the encoder


def test_cached_training_path_equals_a_full_forward_pass(tiny_lora) -> None:
    import torch

    model, _ = tiny_lora
    texts = ["Achetez Orange : hausse.", "Le conseil de Total se réunit mardi à Paris, comme prévu."]
    ids = model._tokenize(texts)
    first = model.encoder.model.config.num_hidden_layers - model.layers
    states, _ = model._cache(ids, first)
    data = {"ids": ids, "states": states, "embeddings": None, "first": first}
    with model.adapter_on(), torch.inference_mode():
        cached = model._embed_rows(np.arange(2), data).numpy()
        full = model._embed_rows(np.arange(2), {**data, "states": None}).numpy()
    np.testing.assert_allclose(cached, full, atol=1e-5)
    direct = model.decision_function(texts) * model.temperature_
    np.testing.assert_allclose(cached.astype(np.float64) @ model.coef_.T + model.intercept_, direct, atol=1e-4)


def test_the_passes_through_the_frozen_layers_leave_no_hook_and_the_classifier_still_pickles(tiny_lora) -> None:
    """The hidden states entering the adapted layers are caught by a hook removed after each pass, not with
    ``output_hidden_states=True``, after which transformers leaves hooks on every layer that do not pickle
    (a pipeline could then no longer go to datasets' or Ray's worker processes)."""
    import pickle

    model, _ = tiny_lora
    texts = ["Achetez Orange : hausse.", "Le conseil de Total se réunit mardi à Paris, comme prévu."]
    first = model.encoder.model.config.num_hidden_layers - model.layers
    model._cache(model._tokenize(texts), first)
    model._embeddings(texts)
    hooked = [name for name, module in model.encoder.model.named_modules()
              if module._forward_hooks or module._forward_pre_hooks]
    assert hooked == []
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.predict_proba(texts), model.predict_proba(texts))


def test_an_encoder_that_is_not_bert_like_trains_by_full_forward_passes(tiny_bert_dir: Path, tmp_path: Path) -> None:
    """DeBERTa's layers need relative positions: the cached top-layer path would crash, so such an
    encoder (e.g. mDeBERTa from the hub) takes the full forward pass."""
    import torch
    from transformers import AutoTokenizer, DebertaV2Config, DebertaV2Model

    from stance.classify.lora import _layer_stack
    from stance.encode import Encoder

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert_dir)
    config = DebertaV2Config(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                             intermediate_size=64, max_position_embeddings=64, relative_attention=True,
                             pos_att_type=["p2c", "c2p"], position_buckets=32, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    DebertaV2Model(config).eval().save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    encoder = Encoder(str(tmp_path), device="cpu")
    assert _layer_stack(encoder.model) is None
    model = _fit(encoder, epochs=1)
    assert model.predict_proba(["Achetez Orange : hausse."]).shape == (1, 3)


def test_fp16_training_scales_its_loss(tiny_bert_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In fp16, gradients can underflow: the loss is scaled (torch.amp.GradScaler), as the transformer
    backend does; in fp32 and bf16 the scaler is off and training is what it was."""
    import torch

    from stance.encode import Encoder

    made = []
    real = torch.amp.GradScaler

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(kwargs.get("enabled"))
        return real(*args, **kwargs)

    monkeypatch.setattr(torch.amp, "GradScaler", spy)
    model = _fit(Encoder(str(tiny_bert_dir), device="cpu", dtype="fp16"), epochs=1)
    assert made == [True] and np.isfinite(model.predict_proba(["Achetez Orange : hausse."])).all()


def test_save_load_round_trip_is_exact_and_the_artefact_is_safe(tiny_lora, tiny_bert_dir) -> None:
    model, folder = tiny_lora
    assert {p.name for p in folder.iterdir()} == {ADAPTER_FILE, ADAPTER_CONFIG_FILE, HEAD_FILE, "README.md"}
    assert not any(p.suffix in (".pt", ".pkl", ".bin") for p in folder.iterdir())
    head = json.loads((folder / HEAD_FILE).read_text(encoding="utf-8"))
    assert head["backend"] == "lora" and head["labels"] == list(LABELS)
    texts, _, _ = toy_set(3)
    loaded = LoraStanceClassifier.load(folder, encoder=str(tiny_bert_dir), device="cpu", progress=False)
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "Held-out scores per domain" in card and "| all |" in card


def test_training_is_repeatable(tiny_bert_dir) -> None:
    from stance.encode import Encoder

    texts, _, _ = toy_set(3)
    first = _fit(Encoder(str(tiny_bert_dir), device="cpu"), epochs=2)
    second = _fit(Encoder(str(tiny_bert_dir), device="cpu"), epochs=2)
    np.testing.assert_array_equal(first.coef_, second.coef_)
    np.testing.assert_allclose(first.predict_proba(texts), second.predict_proba(texts), atol=1e-7)


def test_cross_validation_gives_out_of_fold_scores_for_every_text(tiny_encoder) -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = _fit(tiny_encoder, folds=2, epochs=2)
    # each training replaces the adapter of the one before: peft's warning of a second adapter is not shown
    assert not [w for w in caught if "peft_config" in str(w.message)]
    assert model.cv_results_["domains"]["all"]["examples"] == 24
    assert model.cv_results_["method"] == "2-fold cross-validation"


def test_the_adapter_and_head_do_not_depend_on_the_number_of_folds(tiny_bert_dir) -> None:
    """The folds only give the out-of-fold logits (temperature, scores): the final training uses every text
    from the same seed, so `stance train --folds 3` writes the adapter and head of `--folds 5` (round BD)."""
    import torch

    from stance.classify.lora import _adapter_weights
    from stance.encode import Encoder

    fitted = [_fit(Encoder(str(tiny_bert_dir), device="cpu"), folds=folds, epochs=2) for folds in (2, 3)]
    np.testing.assert_array_equal(fitted[0].coef_, fitted[1].coef_)
    np.testing.assert_array_equal(fitted[0].intercept_, fitted[1].intercept_)
    weights = [_adapter_weights(model.encoder.model) for model in fitted]
    assert weights[0].keys() == weights[1].keys() and weights[0]
    for name in weights[0]:
        assert torch.equal(weights[0][name], weights[1][name]), name
    assert [m.cv_results_["method"] for m in fitted] == ["2-fold cross-validation", "3-fold cross-validation"]


@pytest.mark.gpu
def test_lora_fine_tunes_every_layer_in_bf16_on_a_gpu(tiny_bert_dir: Path) -> None:
    import torch

    from stance.encode import Encoder

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    encoder = Encoder(str(tiny_bert_dir), device="cuda", dtype="bf16")
    model = _fit(encoder, layers=2, rank=4, epochs=8)
    # the training cache (hidden states entering the adapted layers) waits in host memory
    states, _ = model._cache(model._tokenize(["Le titre grimpe.", "Le titre chute de 5 %."]), first=0)
    assert all(state.device.type == "cpu" for state in states)
    adapter = [p for name, p in encoder.model.named_parameters() if "lora_" in name]
    assert adapter and all(p.dtype == torch.float32 for p in adapter)
    texts, labels, _ = toy_set(8)
    assert np.mean(np.array(model.predict(texts)) == np.array(labels)) >= 0.9


@pytest.mark.slow
def test_domain_balance_weighs_small_domains_up_and_round_trips(tiny_bert_dir, tmp_path: Path) -> None:
    from stance.classify.lora import domain_weights
    from stance.encode import Encoder

    weights = domain_weights(np.array(["tweets"] * 6 + ["fr"] * 2), 1.0)
    assert weights.mean() == pytest.approx(1.0)
    assert weights[:6].sum() == pytest.approx(weights[6:].sum())  # every domain counts alike
    assert np.array_equal(domain_weights(np.array(["tweets"] * 6 + ["fr"] * 2), 0.0), np.ones(8))
    texts, labels, _ = toy_set(8)
    lopsided = ["b" if number < 6 else "a" for number in range(len(texts))]  # 6 texts of b, 18 of a
    encoder = Encoder(str(tiny_bert_dir), device="cpu")
    plain = _fit(encoder, epochs=2, domain_balance=0.0)
    even = _fit(encoder, epochs=2, domain_balance=1.0)  # the toy set's two domains are the same size
    np.testing.assert_allclose(even.coef_, plain.coef_, atol=1e-6)
    settings = {"layers": 1, "rank": 4, "epochs": 2, "learning_rate": 5e-3, "batch_size": 8, "progress": False,
                "folds": 0, "calibration_split": 0.25}
    unweighted = LoraStanceClassifier(encoder, domain_balance=0.0, **settings).fit(texts, labels, domains=lopsided)
    balanced = LoraStanceClassifier(encoder, domain_balance=1.0, **settings).fit(texts, labels, domains=lopsided)
    assert np.abs(balanced.coef_ - unweighted.coef_).max() > 1e-4
    folder = balanced.save(tmp_path / "balanced")
    loaded = LoraStanceClassifier.load(folder, encoder=str(tiny_bert_dir), device="cpu", progress=False)
    assert loaded.domain_balance == 1.0
    assert "every domain counts alike" in (folder / "README.md").read_text(encoding="utf-8")


def test_bad_settings_and_missing_artefacts_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="folds"):
        LoraStanceClassifier(folds=1)
    with pytest.raises(UsageError, match="domain_balance"):
        LoraStanceClassifier(domain_balance=2.0)
    with pytest.raises(UsageError, match="layers"):
        LoraStanceClassifier(layers=0)
    with pytest.raises(UsageError, match="expected learning_rate to be a finite number > 0, got inf"):
        LoraStanceClassifier(learning_rate=float("inf"))
    with pytest.raises(UsageError, match="expected seed to be a whole number >= 0 and < 4294967296, got -1"):
        LoraStanceClassifier(seed=-1)
    with pytest.raises(UnknownModelError, match="stance train --backend lora"):
        LoraStanceClassifier.load(tmp_path)


def test_expected_calibration_error_is_the_weighted_gap() -> None:
    from stance.metrics import expected_calibration_error

    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
    assert expected_calibration_error([1.0, 1.0], [False, False]) == 1.0
    assert expected_calibration_error([0.7, 0.7, 0.2], [True, False, False]) == round((2 * 0.2 + 0.2) / 3, 6)


# ------------------------------------------------------------------ documents


def test_a_short_document_is_one_passage_and_a_long_one_is_cut() -> None:
    short = "Sanofi confirme ses objectifs annuels\nLe groupe a publié des ventes en hausse de 8 %."
    assert document_passages(short) == [short]
    long = "\n\n".join(["Le groupe a publié des ventes en hausse de huit pour cent au trimestre."] * 12)
    assert len(document_passages(long)) == 12


def _documents(count: int, rng: np.random.Generator) -> tuple[list[list[str]], list[np.ndarray], list[str]]:
    """Synthetic documents whose label is the side of their headline and conclusion,
    while the body is mostly neutral: the fixed rule calls them neutral."""
    documents, probas, labels = [], [], []
    for index in range(count):
        label = LABELS[index % 3]
        passages = [f"passage {k} du document {index} avec assez de mots pour peser" for k in range(8)]
        proba = np.tile([0.1, 0.1, 0.8], (8, 1)) + rng.uniform(0, 0.05, (8, 3))
        if label != "neutral":
            side = LABELS.index(label)
            for row in (0, 7):
                proba[row] = [0.1, 0.1, 0.1]
                proba[row, side] = 0.8
        documents.append(passages)
        probas.append(proba / proba.sum(axis=1, keepdims=True))
        labels.append(label)
    return documents, probas, labels


def test_the_learnt_aggregation_beats_the_fixed_rule_where_it_fails() -> None:
    rng = np.random.default_rng(0)
    documents, probas, labels = _documents(60, rng)
    aggregator = DocumentAggregator(folds=3, repeats=1).fit(documents, probas, labels)
    chosen = aggregator.cv_results_["chosen"]
    assert chosen["macro_f1"] > 0.9 > chosen["macro_f1_fixed_rule"]
    tests, test_probas, test_labels = _documents(9, rng)
    predicted = [aggregate(d, p, aggregator=aggregator).label for d, p in zip(tests, test_probas, strict=True)]
    assert predicted == test_labels
    restored = DocumentAggregator.from_dict(json.loads(json.dumps(aggregator.to_dict())))
    np.testing.assert_allclose(restored.predict_proba(tests[0], test_probas[0]),
                               aggregator.predict_proba(tests[0], test_probas[0]))


def test_evidence_stays_with_the_learnt_aggregation() -> None:
    rng = np.random.default_rng(1)
    documents, probas, labels = _documents(30, rng)
    aggregator = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(documents, probas, labels)
    result = aggregate(documents[0], probas[0], aggregator=aggregator)
    assert result.label == "bullish"
    assert result.evidence[0] in (documents[0][0], documents[0][7])
    assert abs(sum(result.scores.values()) - 1) < 1e-9


def test_classify_documents_uses_the_classifier_s_own_aggregation() -> None:
    class Fixed:
        aggregation_ = None

        def predict_proba(self, texts):
            return np.tile([0.2, 0.1, 0.7], (len(texts), 1))

    classifier = Fixed()
    rng = np.random.default_rng(2)
    documents, probas, labels = _documents(30, rng)
    classifier.aggregation_ = DocumentAggregator(C=1.0, folds=3, repeats=1).fit(documents, probas, labels)
    text = "\n\n".join(f"Le paragraphe {k} du compte rendu reprend les chiffres publiés hier soir." for k in range(10))
    learnt = classify_documents([text], classifier)[0]
    fixed = classify_documents([text], classifier, aggregator=None)[0]
    assert learnt.scores == fixed.scores  # aggregator=None means: the classifier's own
    assert learnt.scores != aggregate(document_passages(text), classifier.predict_proba(document_passages(text))).scores


# ------------------------------------------------------------------ the shipped artefact


@pytest.mark.slow
def test_the_shipped_artefact_is_small_safe_and_documented() -> None:
    folder = default_lora_dir()
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size <= 20 * 1024 * 1024
    head = json.loads((folder / HEAD_FILE).read_text(encoding="utf-8"))
    assert head["aggregation"] is not None
    card = (folder / "README.md").read_text(encoding="utf-8")
    for domain in ("tweets-en", "fr-news", "fr-genres", "fr-written"):
        assert domain in card


@pytest.mark.slow
def test_the_shipped_default_reads_facts_with_a_direction() -> None:
    classifier = LoraStanceClassifier.load(progress=False)
    # Written for this test, in the shape of real headlines; not in the training or eval sets.
    passages = {
        "Le fabricant de semi-conducteurs relève sa prévision annuelle après un trimestre record": "bullish",
        "Le distributeur supprime son dividende et annonce une perte nette plus lourde que prévu": "skeptical",
        "Le groupe tiendra son assemblée générale le 14 mai à Lyon": "neutral",
    }
    assert classifier.predict(list(passages)) == list(passages.values())


def test_cli_train_lora_writes_the_artefact_and_prints_scores_per_domain(
    tiny_bert_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.cli import main

    texts, labels, _ = toy_set(8)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path, rows in ((first, range(0, 24, 2)), (second, range(1, 24, 2))):
        path.write_text("".join(json.dumps({"text": texts[i], "label": labels[i]}, ensure_ascii=False) + "\n"
                                for i in rows), encoding="utf-8")
    out = tmp_path / "lora"
    assert main(["train", "--data", str(first), str(second), "--model", str(tiny_bert_dir), "--out", str(out),
                 "--device", "cpu", "--epochs", "2", "--layers", "1", "--rank", "2", "--batch-size", "8"]) == 0
    printed = capsys.readouterr().out
    assert "held-out calibration split" in printed and ", a: macro-F1" in printed and f"saved to {out}" in printed
    head = json.loads((out / HEAD_FILE).read_text(encoding="utf-8"))
    assert [f["domain"] for f in head["training_data"]["files"]] == ["a", "b"]
    assert main(["train", "--backend", "embedding", "--layers", "2", "--data", str(first)]) == 2


def test_the_shipped_artefact_matches_its_card_and_the_training_sets() -> None:
    """The card is generated from head.json, the adapter was trained on the current training sets,
    and with the default settings (`stance train --folds 5` reproduces it on the machine it was trained on),
    its aggregation's temperature also on the calibration documents."""
    import hashlib
    import inspect

    from stance.classify.card import lora_card

    root = Path(__file__).resolve().parents[2]
    folder = default_lora_dir()
    data = json.loads((folder / HEAD_FILE).read_text(encoding="utf-8"))
    card = lora_card(data, adapter_bytes=(folder / ADAPTER_FILE).stat().st_size)
    assert (folder / "README.md").read_text(encoding="utf-8") == card, (
        "stance/models/stance-lora/README.md differs from head.json; regenerate it with classify.card.lora_card"
    )
    for source in data["training_data"]["files"]:
        digest = hashlib.sha256((root / source["file"]).read_bytes()).hexdigest()
        assert source["sha256"] == digest, f"{source['file']} changed since training; rerun `stance train`"
    assert {source["domain"] for source in data["training_data"]["files"]} == {
        "fr-written", "fr-news", "fr-genres", "tweets-en", "documents", "calibration documents"}
    from stance.classify.training import CALIBRATION_SETS

    assert [Path(source["file"]).name for source in data["training_data"]["files"]
            if source["domain"] == "calibration documents"] == list(CALIBRATION_SETS)
    assert data["aggregation"]["temperature_passages"] and data["aggregation"]["temperature_exponent"] < 0
    defaults = {name: p.default for name, p in inspect.signature(LoraStanceClassifier).parameters.items()}
    assert data["encoder"] == "e5-small"
    shipped = {**{key: data["adapter"][key] for key in ("layers", "rank")}, **data["hyperparameters"]}
    expected = {**defaults, "folds": 5}  # the card's cross-validation: `stance train --folds 5`
    common = [key for key in shipped if key in expected]
    assert {key: shipped[key] for key in common} == {key: expected[key] for key in common}
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 20 * 1024 * 1024


# ------------------------------------------------------------------ what the document aggregation reads


class _Companion:
    def predict_proba(self, texts):
        return np.tile([0.0, 1.0, 0.0], (len(texts), 1))


def test_aggregation_proba_averages_with_the_embedding_head_when_fitted_so(tiny_lora) -> None:
    model, _ = tiny_lora
    saved = (model.aggregation_, model._companion)
    texts = ["Achetez Orange : hausse.", "Le conseil de Total se réunit."]
    own = model.predict_proba(texts)
    try:
        model.aggregation_ = DocumentAggregator(inputs={"passage_models": ["lora"]})
        proba, read = model.aggregation_proba(texts)
        np.testing.assert_allclose(proba, own)
        np.testing.assert_allclose(read, own)
        model.aggregation_ = DocumentAggregator(inputs={"passage_models": ["lora", "embedding"]})
        model._companion = _Companion()  # not a head on this encoder: each model runs on its own
        proba, read = model.aggregation_proba(texts)
        np.testing.assert_allclose(proba, own)
        np.testing.assert_allclose(read, (own + np.array([0.0, 1.0, 0.0])) / 2)
    finally:
        model.aggregation_, model._companion = saved


def _separate_passes(model: LoraStanceClassifier, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The lora and embedding-head probabilities as each model computes them on its own."""
    return model.predict_proba(texts), model.companion_head().predict_proba(texts)


def test_one_shared_pass_gives_both_heads_the_probabilities_of_separate_passes(
    tiny_lora, tiny_encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stance.classify import EmbeddingStanceClassifier, lora

    model, _ = tiny_lora
    texts, labels, _ = toy_set(8)
    head = EmbeddingStanceClassifier(tiny_encoder, C=1.0, last_sentence=True, calibration="none", folds=2,
                                     progress=False).fit(texts, labels)
    long = " ".join(f"Le conseil de {c} se réunit mardi, puis la hausse continue." for c in COMPANIES)
    passages = [*texts[:7], long, "Vendez Engie. Chute."]  # the long one: several windows of 64 tokens
    assert len(tiny_encoder._units([long], "")[0]) > 1
    saved = (model.aggregation_, model._companion, tiny_encoder.batch_size)
    try:
        model.aggregation_ = DocumentAggregator(inputs={"passage_models": ["lora", "embedding"]})
        model._companion = head
        tiny_encoder.batch_size = 3
        own, other = _separate_passes(model, passages)
        with model.adapter_on():
            adapted = tiny_encoder.encode(passages, kind="query")
        base, shared = model._embeddings(passages)
        np.testing.assert_allclose(base, tiny_encoder.encode(passages, kind="query"), atol=1e-6)
        np.testing.assert_allclose(shared, adapted, atol=1e-5)
        proba, read = model.aggregation_proba(passages)
        np.testing.assert_allclose(proba, own, atol=1e-5)
        np.testing.assert_allclose(2 * read - proba, other, atol=1e-5)
        monkeypatch.setattr(lora, "_layer_stack", lambda network: None)  # an encoder that is not BERT-like
        fallback, read_fallback = model.aggregation_proba(passages)
        np.testing.assert_array_equal(fallback, own)
        np.testing.assert_allclose(read_fallback, read, atol=1e-5)
    finally:
        model.aggregation_, model._companion, tiny_encoder.batch_size = saved


@pytest.mark.slow
def test_the_shipped_default_s_shared_pass_equals_separate_passes() -> None:
    classifier = LoraStanceClassifier.load(progress=False)
    passages = [
        "Le fabricant de semi-conducteurs relève sa prévision annuelle après un trimestre record.",
        "Le distributeur supprime son dividende. La perte nette est plus lourde que prévu.",
        "Le groupe tiendra son assemblée générale le 14 mai à Lyon.",
    ]
    own, other = _separate_passes(classifier, passages)
    proba, read = classifier.aggregation_proba(passages)
    np.testing.assert_allclose(proba, own, atol=1e-5)
    np.testing.assert_allclose(2 * read - proba, other, atol=1e-5)


@pytest.mark.slow
def test_refit_aggregation_fits_the_documents_alone_on_both_heads_grouped_by_writer(
    tiny_lora, tiny_encoder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from stance.classify import EmbeddingStanceClassifier, refit_aggregation
    from stance.classify.documents import DocumentAggregator as Aggregator
    from stance.cli import main

    _, saved = tiny_lora
    folder = tmp_path / "lora"
    shutil.copytree(saved, folder)
    adapter = (folder / ADAPTER_FILE).read_bytes()
    texts, labels, _ = toy_set(8)
    head = EmbeddingStanceClassifier(tiny_encoder, C=1.0, last_sentence=False, calibration="none",
                                     folds=2, progress=False).fit(texts, labels).save(tmp_path / "head")
    rows = []
    for number in range(24):
        label = LABELS[number % 3]
        body = [text for text, gold in zip(texts, labels, strict=True) if gold == label]
        paragraphs = [body[(number + k) % len(body)] + " Le texte continue encore un peu." for k in range(8)]
        rows.append({"id": f"fd-{'ab'[number % 2]}-{number:03d}", "text": "\n\n".join(paragraphs), "label": label})
    documents = tmp_path / "documents.jsonl"
    documents.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    classifier, out = refit_aggregation(folder, documents, device="cpu", embedding_head=head)
    assert out == folder and (folder / ADAPTER_FILE).read_bytes() == adapter  # the passage model is unchanged
    data = json.loads((folder / HEAD_FILE).read_text(encoding="utf-8"))
    aggregation = data["aggregation"]
    assert aggregation["inputs"]["passage_models"] == ["lora", "embedding"]
    assert set(aggregation["cross_validation"]["by_group"]["groups"]) == {"fd-a", "fd-b"}
    assert data["training_data"]["files"][-1]["domain"] == "documents"
    assert "one writer left out" in (folder / "README.md").read_text(encoding="utf-8")
    reloaded = LoraStanceClassifier.load(folder, encoder=tiny_encoder, progress=False)
    assert isinstance(reloaded.aggregation_, Aggregator)
    long = rows[0]["text"]
    assert len(document_passages(long)) > 1
    np.testing.assert_allclose(classify_documents([long], reloaded)[0].scores["bullish"],
                               classify_documents([long], classifier)[0].scores["bullish"], atol=1e-6)
    assert main(["train", "--aggregation-only", "--data", str(documents), "--out", str(folder)]) == 2
    capsys.readouterr()
    # documents by two more writers, shorter, fit the temperature by length and nothing else
    extra = []
    for number in range(12):
        label = LABELS[number % 3]
        body = [text for text, gold in zip(texts, labels, strict=True) if gold == label]
        paragraphs = [body[(number + k) % len(body)] + " Le texte continue encore un peu."
                      for k in range(4 + 2 * (number % 3))]
        extra.append({"id": f"fd-{'cd'[number % 2]}-{number:03d}", "text": "\n\n".join(paragraphs),
                      "label": label})
    calibration = tmp_path / "calibration.jsonl"
    calibration.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in extra), encoding="utf-8")
    calibrated, _ = refit_aggregation(folder, documents, device="cpu", embedding_head=head,
                                      calibration_documents=[calibration])
    np.testing.assert_allclose(calibrated.aggregation_.coef_, classifier.aggregation_.coef_)
    data = json.loads((folder / HEAD_FILE).read_text(encoding="utf-8"))
    low, high = data["aggregation"]["temperature_passages"]
    fitted = data["aggregation"]["cross_validation"]["calibration"]
    assert 1 < low and high == 8 and fitted["one_passage_left_out"] > 0  # one passage: never aggregated
    assert set(data["aggregation"]["cross_validation"]["calibration"]["groups"]) == {"fd-c", "fd-d"}
    assert [f["domain"] for f in data["training_data"]["files"][-2:]] == ["documents", "calibration documents"]
    assert "temperature that depends on the document's number of passages" in (
        folder / "README.md").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="no calibration documents at"):
        refit_aggregation(folder, documents, device="cpu", calibration_documents=[tmp_path / "missing.jsonl"])
    assert main(["train", "--aggregation-only", "--out", str(folder), "--documents", str(documents),
                 "--calibration-documents", str(tmp_path / "missing.jsonl")]) == 2
    capsys.readouterr()


def _never_trained(monkeypatch: pytest.MonkeyPatch) -> None:
    def fit(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("training started before the inputs and --out were checked")

    monkeypatch.setattr(LoraStanceClassifier, "fit", fit)


def test_out_and_documents_are_checked_before_any_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from stance.classify.training import train_classifier
    from stance.errors import UsageError

    _never_trained(monkeypatch)
    texts, labels, _ = toy_set(4)
    data = tmp_path / "passages.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in zip(texts, labels, strict=True)),
                    encoding="utf-8")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=r"a-file is a file; expected a folder"):
        train_classifier("lora", data=data, out=tmp_path / "a-file")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "README.md").write_text("mes notes", encoding="utf-8")
    with pytest.raises(UsageError, match=r"notes holds files that are no saved stance classifier"):
        train_classifier("lora", data=data, out=notes)
    with pytest.raises(UsageError, match=r"stance-head holds an embedding classifier, which saving a lora"):
        train_classifier("lora", data=data, out=Path(__file__).parents[2] / "stance" / "models" / "stance-head")
    with pytest.raises(InputError, match="cannot read the training set"):
        train_classifier("lora", data=data, documents=tmp_path / "absent.jsonl", out=tmp_path / "new")
    one_label = tmp_path / "documents.jsonl"
    one_label.write_text(json.dumps({"id": "fd-x-001", "text": "Un texte.", "label": "bullish"}) + "\n",
                         encoding="utf-8")
    with pytest.raises(InputError, match=r"documents of at least two labels, got only \['bullish'\]"):
        train_classifier("lora", data=data, documents=one_label, out=tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_copies_of_a_text_share_a_group_and_two_labels_are_named(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from stance.classify.training import load_training_records

    data = tmp_path / "passages.jsonl"
    rows = [("Le titre bondit.", "bullish"), ("Le  titre bondit.", "bullish"), ("LE TITRE BONDIT.", "skeptical"),
            ("Autre chose.", "neutral")]
    data.write_text("".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in rows), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        records = load_training_records([data])
    assert len({r["group"] for r in records[:3]}) == 1 and records[3]["group"] != records[0]["group"]
    assert "1 training text(s) appear with different labels (e.g. 'le titre bondit.')" in caplog.text
    data.write_text(json.dumps({"text": "  ", "label": "neutral"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"passages.jsonl:1: expected an object with a non-empty str 'text'"):
        load_training_records([data])


def test_a_save_cut_short_leaves_a_folder_that_does_not_load(tiny_lora, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    model, _ = tiny_lora
    folder = model.save(tmp_path / "model")
    import stance.classify.lora as lora

    def interrupted(path, data):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(lora, "_write_json", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.save(folder)  # cut short after the new adapter, before head.json
    with pytest.raises(UnknownModelError, match="no trained lora stance classifier"):
        LoraStanceClassifier.load(folder)
    from stance.classify.training import check_output_folder

    check_output_folder(folder, "lora")  # a rerun into it may finish the save: not refused


def test_only_the_default_training_calls_its_card_the_default(tiny_lora) -> None:
    _, folder = tiny_lora
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert card.startswith("# Stance classifier (`LoraStanceClassifier`)\n\nTrained by `stance train --backend lora`")
    assert "--out stance/models/stance-lora` (the shipped default" not in card
    shipped = (Path(__file__).parents[2] / "stance" / "models" / "stance-lora" / "README.md").read_text("utf-8")
    assert shipped.startswith("# Default stance classifier")
    from stance.classify.card import lora_card

    data = json.loads((folder / "head.json").read_text(encoding="utf-8"))
    assert "trained_on" not in data and "the same command on the same data and machine" in card  # a CPU run
    assert "trained on a cuda device, whose kernels" in lora_card({**data, "trained_on": "cuda"})


def test_more_layers_than_the_encoder_has_are_refused_before_any_text_is_encoded(tiny_encoder, monkeypatch) -> None:
    def no_encoding(*args, **kwargs):
        raise AssertionError("texts were encoded before the settings were checked")

    monkeypatch.setattr(LoraStanceClassifier, "_cache", no_encoding)
    layers = int(tiny_encoder.model.config.num_hidden_layers) + 1
    with pytest.raises(UsageError, match=f"expected layers <= {layers - 1} .* got {layers}"):
        _fit(tiny_encoder, layers=layers)


def test_training_texts_are_never_cut_beyond_the_encoder_s_positions(tiny_encoder, caplog) -> None:
    # a max_length over what the encoder takes would crash its forward pass (a device-side assert on a GPU)
    limit = tiny_encoder.max_tokens
    model = LoraStanceClassifier(tiny_encoder, max_length=limit + 100, progress=False)
    ids = model._tokenize(["mot " * (3 * limit)])
    assert len(ids[0]) == limit
    caplog.clear()
    _fit(tiny_encoder, max_length=limit + 100)
    assert f"max_length {limit + 100} is more than" in caplog.text
    assert f"training texts are cut at {limit}" in caplog.text


def test_the_adapter_goes_on_the_maps_each_family_names(tiny_encoder) -> None:
    from transformers import DebertaV2Config, DebertaV2Model, DistilBertConfig, DistilBertModel

    from stance.classify.lora import LORA_TARGETS, lora_targets

    assert lora_targets(tiny_encoder.model) == list(LORA_TARGETS) == ["query", "key", "value", "dense"]
    deberta = DebertaV2Model(DebertaV2Config(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                             intermediate_size=37, vocab_size=100))
    assert lora_targets(deberta) == ["query_proj", "key_proj", "value_proj", "dense"]  # not "dense" alone
    distil = DistilBertModel(DistilBertConfig(dim=32, n_layers=1, n_heads=2, hidden_dim=37, vocab_size=100))
    with pytest.raises(InputError, match=r"DistilBertModel has .*q_lin.*: use --backend transformer"):
        lora_targets(distil)
