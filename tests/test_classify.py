"""Tests of stance.classify: passages and weighing, the three backends on tiny
random models, the CLI commands, and (slow) the committed default head on
clear-cut French passages written here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.classify import (
    LABELS,
    DocumentStance,
    EmbeddingStanceClassifier,
    StanceClassifier,
    TransformerStanceClassifier,
    ZeroShotStanceClassifier,
    aggregate,
    classify_document,
    classify_documents,
    default_head_dir,
    load_classifier,
    load_training_data,
    split_passages,
)
from stance.classify.card import head_card
from stance.classify.training import default_training_file
from stance.cli import main
from stance.document import Document
from stance.errors import InputError, ModelNotAvailableError, StanceError, UnknownModelError, UsageError
from stance.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]

# A toy set that any working backend separates: one keyword family per label.
COMPANIES = ["Orange", "Renault", "Total", "Airbus", "Kering", "Capgemini", "Safran", "Veolia", "Thales", "Engie"]
TEMPLATES = {
    "bullish": "Achetez {c} : hausse, croissance, optimisme, achat, achat.",
    "skeptical": "Vendez {c} : chute, perte, danger, vente, vente.",
    "neutral": "Le conseil de {c} se réunit mardi à Paris.",
}


def toy_set(per_label: int = 10) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for company in COMPANIES[:per_label]:
        for label, template in TEMPLATES.items():
            texts.append(template.format(c=company))
            labels.append(label)
    return texts, labels


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class KeywordStance:
    """A rule-based classifier with known outputs, to test the document logic exactly."""

    def fit(self, texts: list[str], labels: list[str]) -> KeywordStance:
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            lower = text.lower()
            if "achetez" in lower:
                rows.append([0.8, 0.1, 0.1])
            elif "vendez" in lower:
                rows.append([0.1, 0.8, 0.1])
            else:
                rows.append([0.05, 0.05, 0.9])
        return np.array(rows)

    def predict(self, texts: list[str]) -> list[str]:
        return [LABELS[i] for i in self.predict_proba(texts).argmax(axis=1)]


# ------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def tiny_encoder(tiny_bert_dir: Path):
    from stance.encode import Encoder

    return Encoder(str(tiny_bert_dir), device="cpu")


@pytest.fixture(scope="session")
def tiny_head(tiny_encoder, tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddingStanceClassifier, Path]:
    """An embedding head on the tiny random encoder, fitted on the toy set and saved."""
    texts, labels = toy_set(6)
    with one_thread():
        head = EmbeddingStanceClassifier(tiny_encoder, folds=2).fit(texts, labels)
    return head, head.save(tmp_path_factory.mktemp("tiny-head"))


def _nli_model(base: Path, out: Path, id2label: dict[int, str], kind: str) -> Path:
    import shutil

    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    config = AutoConfig.from_pretrained(base, id2label=id2label, label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(1)
    AutoModelForSequenceClassification.from_config(config).eval().save_pretrained(out)
    for name in Path(base).iterdir():
        if name.is_file() and ("token" in name.name or name.suffix == ".model" or "special" in name.name):
            shutil.copy(name, out / name.name)
    assert AutoConfig.from_pretrained(out).model_type == kind
    return out


@pytest.fixture(scope="session")
def tiny_nli_dir(tiny_bert_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer BERT NLI model (BERT pair format, token types), labelled as mDeBERTa-XNLI is."""
    return _nli_model(tiny_bert_dir, tmp_path_factory.mktemp("tiny-nli-bert"),
                      {0: "entailment", 1: "neutral", 2: "contradiction"}, "bert")


@pytest.fixture(scope="session")
def tiny_nli_xlmr_dir(tiny_xlmr_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random XLM-R NLI model (RoBERTa pair format), entailment last and upper-case."""
    return _nli_model(tiny_xlmr_dir, tmp_path_factory.mktemp("tiny-nli-xlmr"),
                      {0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"}, "xlm-roberta")


@contextmanager
def one_thread() -> Iterator[None]:
    """Tiny models train faster on one thread, and far faster on a machine busy with other jobs."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@pytest.fixture(scope="module", autouse=True)
def _tiny_models_on_one_thread() -> Iterator[None]:
    with one_thread():
        yield


@pytest.fixture(scope="session")
def tiny_bert64_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    """A random 2-layer BERT of width 64: the width-32 one fits the toy set from some seeds only."""
    from tests.tiny_models import build_tiny_bert

    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert64"), seed_texts, hidden_size=64)


@pytest.fixture(scope="session")
def tiny_transformer(tiny_bert64_dir: Path) -> TransformerStanceClassifier:
    texts, labels = toy_set(4)
    model = TransformerStanceClassifier(
        str(tiny_bert64_dir), epochs=30, learning_rate=3e-3, batch_size=4, device="cpu", progress=False
    )
    with one_thread():
        return model.fit(texts, labels)


# ------------------------------------------------------------------------- passages


def test_split_passages_keeps_paragraphs_and_cuts_long_ones_on_sentences() -> None:
    text = "Titre court\n\nLe CAC 40 gagne 1 %. Les banques montent. Le luxe recule.\n\nFin."
    assert split_passages(text) == ["Titre court", "Le CAC 40 gagne 1 %. Les banques montent. Le luxe recule.", "Fin."]
    assert split_passages(text, max_words=8) == [
        "Titre court", "Le CAC 40 gagne 1 %. Les banques montent.", "Le luxe recule.", "Fin.",
    ]
    one_long_sentence = " ".join(["mot"] * 30) + "."
    assert split_passages(one_long_sentence, max_words=10) == [one_long_sentence]
    assert split_passages("") == []
    assert split_passages("\n\n  \n") == []


def test_split_passages_rejects_bad_input() -> None:
    with pytest.raises(InputError, match="expected the document text to be a str"):
        split_passages(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="expected max_words to be a whole number >= 1"):
        split_passages("Texte.", max_words=0)


# ------------------------------------------------------------------------- weighing


FACT = "Le conseil d'administration se réunira le 14 mars au siège du groupe à Paris pour les comptes."
BUY = "Achetez ce titre sans attendre : la croissance du groupe va se poursuivre pendant des années."
SELL = "Vendez ce titre sans attendre : la dette du groupe devient insoutenable et la chute a commencé."


def test_a_factual_document_is_neutral_with_factual_evidence() -> None:
    result = classify_document([FACT, FACT.replace("14", "21"), FACT.replace("Paris", "Lyon")], KeywordStance())
    assert result.label == "neutral"
    assert result.scores["neutral"] == pytest.approx(0.45 / 0.55)  # 0.9 halved against 0.05 + 0.05
    assert len(result.evidence) == 3 and result.counter_evidence is None


def test_opinions_that_disagree_are_decided_by_their_weighted_balance() -> None:
    result = classify_document([SELL, BUY, SELL.replace("dette", "marge"), FACT], KeywordStance())
    assert result.label == "skeptical"
    assert result.scores["skeptical"] > result.scores["bullish"]
    # supporting passages first, then the strongest passage for the other side
    assert result.evidence[:2] == (SELL, SELL.replace("dette", "marge"))
    assert result.evidence[-1] == BUY == result.counter_evidence


def test_an_even_balance_of_opinions_is_neutral_and_shows_an_opinion_as_counter_evidence() -> None:
    result = classify_document([BUY, SELL, FACT], KeywordStance())
    assert result.scores["bullish"] == pytest.approx(result.scores["skeptical"])
    assert result.label == "neutral"
    assert result.evidence[0] == FACT and result.counter_evidence in (BUY, SELL)


def test_one_opinion_in_five_passages_does_not_make_a_side_but_two_do() -> None:
    assert classify_document([BUY] + [FACT] * 4, KeywordStance()).label == "neutral"
    assert classify_document([BUY, BUY] + [FACT] * 3, KeywordStance()).label == "bullish"
    # a lower neutral weight lets fewer opinionated passages decide
    assert classify_document([BUY] + [FACT] * 4, KeywordStance(), neutral_weight=0.2).label == "bullish"


def test_short_passages_weigh_less() -> None:
    # a four-word heading that shouts "achetez" does not outweigh one long factual paragraph
    assert classify_document(["Achetez, achetez, achetez maintenant", FACT], KeywordStance()).label == "neutral"
    assert classify_document([BUY, FACT], KeywordStance()).label == "bullish"


def test_an_empty_document_is_neutral() -> None:
    result = classify_document("", KeywordStance())
    assert result.label == "neutral" and result.evidence == ()
    assert result.scores == {"bullish": 0.0, "skeptical": 0.0, "neutral": 1.0}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.001, 1.0), st.floats(0.001, 1.0), st.floats(0.001, 1.0), st.integers(1, 40)),
        min_size=1, max_size=12,
    ),
    st.floats(0.05, 2.0),
)
def test_aggregate_gives_a_distribution_whose_argmax_is_the_label(rows: list, neutral_weight: float) -> None:
    proba = np.array([row[:3] for row in rows])
    proba /= proba.sum(axis=1, keepdims=True)
    passages = [" ".join(["mot"] * row[3]) + f" {i}." for i, row in enumerate(rows)]
    result = aggregate(passages, proba, neutral_weight=neutral_weight)
    assert set(result.scores) == set(LABELS)
    assert sum(result.scores.values()) == pytest.approx(1.0)
    assert all(value >= 0 for value in result.scores.values())
    top = max(result.scores.values())
    assert result.scores[result.label] == pytest.approx(top) or result.label == "neutral"
    assert 1 <= len(result.evidence) <= 4
    assert set(result.evidence) <= set(passages) and len(set(result.evidence)) == len(result.evidence)


def test_to_record_follows_the_contract() -> None:
    record = classify_document([BUY, FACT, SELL, BUY], KeywordStance()).to_record()
    assert set(record) == {"label", "scores", "evidence"}
    assert record["label"] in LABELS and list(record["scores"]) == list(LABELS)
    assert all(isinstance(passage, str) for passage in record["evidence"])
    json.dumps(record)


def test_classify_documents_batches_all_passages_in_one_call() -> None:
    calls = []

    class Counting(KeywordStance):
        def predict_proba(self, texts: list[str]) -> np.ndarray:
            calls.append(len(texts))
            return super().predict_proba(texts)

    results = classify_documents([[BUY, FACT], [SELL], ""], Counting())
    assert calls == [3]
    assert [r.label for r in results] == ["bullish", "skeptical", "neutral"]
    # A document of at most 90 words is one passage, as the models learnt such items whole.
    short = classify_documents([f"{BUY}\n\n{FACT}"], Counting())[0]
    assert calls[-1] == 1 and short.evidence == (f"{BUY}\n\n{FACT}",)
    with pytest.raises(InputError, match="classify_document"):
        classify_documents("un seul texte", KeywordStance())  # type: ignore[arg-type]
    with pytest.raises(InputError, match="documents come first"):
        classify_documents(KeywordStance(), ["Le titre bondit de 10 %."])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="the text comes first"):
        classify_document(KeywordStance(), "Le titre bondit de 10 %.")  # type: ignore[arg-type]


def test_reader_comments_never_count() -> None:
    article = "\n".join([
        "Le conseil d'administration de Veolia se réunira le 14 mars pour arrêter les comptes.",
        "Les résultats annuels seront publiés le lendemain avant l'ouverture de la Bourse.",
        "Le groupe tiendra ensuite une conférence avec les analystes à 10 heures.",
        "GameFiCritic",
        "· Il y a 11h",
        "Vendez tout, vendez vite, cette boîte va couler !",
        "Voir l'originalRépondre0",
        "trader_75",
        "· Il y a 9h",
        "Vendez avant la chute, le titre est une bulle.",
        "Voir l'originalRépondre0",
    ])
    doc = Document("c1", article)
    cleaned = Pipeline(summarizer=False, classifier=KeywordStance(), progress=False).process([doc])[0]
    raw = Pipeline(summarizer=False, classifier=KeywordStance(), clean=False, progress=False).process([doc])[0]
    assert cleaned["id"] == "c1" and cleaned["stance"]["label"] == "neutral"
    assert not any("Vendez" in passage for passage in cleaned["stance"]["evidence"])
    assert any("Vendez" in passage for passage in raw["stance"]["evidence"])


# ------------------------------------------------------------------------- training data


def test_load_training_data_reads_text_and_label_only() -> None:
    texts, labels = load_training_data()
    assert len(texts) == len(labels) >= 450
    assert set(labels) == set(LABELS)
    assert all(isinstance(text, str) and text for text in texts)


def test_load_training_data_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Bon.", "label": "bullish"}\n{"text": "Mauvais.", "label": "positive"}\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: expected 'label' among"):
        load_training_data(path)
    path.write_text('{"text": "Bon.", "label": "bullish"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: not valid JSON"):
        load_training_data(path)
    for line, message in [
        ('{"text": "Bon.", "label": "bullish", "x": ' + "[" * 3000 + "]" * 3000 + "}", "JSON nested too deeply"),
        ('{"text": "Bon \\ud800.", "label": "bullish"}', "'text' holds a lone surrogate"),
        ('{"text": "Bon.", "stance": "bullish"}',
         r"expected a 'label' among .*, got none \(keys \['stance', 'text'\]\)"),
    ]:
        path.write_text(line + "\n", encoding="utf-8")
        with pytest.raises(InputError, match=f"bad.jsonl:1: {message}"):
            load_training_data(path)


def test_copies_of_a_training_text_are_kept_once_so_that_cv_does_not_see_them_twice(tmp_path: Path, caplog) -> None:
    path = tmp_path / "copies.jsonl"
    records = [{"text": "Le titre bondit de 8 %.", "label": "bullish"},
               {"text": "Le titre chute.", "label": "skeptical"},
               {"text": "le titre  bondit de 8 %.", "label": "bullish"},
               {"text": "Le titre chute.", "label": "neutral"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert load_training_data(path) == (["Le titre bondit de 8 %.", "Le titre chute."], ["bullish", "skeptical"])
    assert ("2 training text(s) repeat an earlier one (case and spaces aside), 1 of them with another label"
            in caplog.text)


# ------------------------------------------------------------------------- embedding backend


def test_embedding_head_chooses_hyper_parameters_by_nested_cv(tiny_head) -> None:
    head, _ = tiny_head
    assert isinstance(head, StanceClassifier)
    results = head.cv_results_
    assert len(results["grid"]) == 12  # six C values, with and without the last sentence
    assert {"macro_f1", "accuracy", "log_loss", "per_class_f1", "fold_choices"} <= set(results["nested"])
    assert head.C_ in {row["C"] for row in results["grid"]}
    assert head.calibration_ in ("none", "temperature")
    proba = head.predict_proba(toy_set(6)[0])
    assert proba.shape == (18, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # a str in gives one row and one label out
    assert head.predict_proba("Achetez Orange.").shape == (3,)
    assert head.predict("Achetez Orange.") in LABELS


def test_embedding_head_save_load_round_trip_is_exact_and_portable(tiny_head, tiny_encoder) -> None:
    head, folder = tiny_head
    data = json.loads((folder / "head.json").read_text(encoding="utf-8"))
    assert data["labels"] == list(LABELS) and data["encoder"] == head.encoder_name
    assert len(data["coef"]) == 3 and len(data["coef"][0]) == (2 if head.last_sentence_ else 1) * tiny_encoder.dim
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "never used" in card and "macro-F1" in card
    loaded = EmbeddingStanceClassifier.load(folder, encoder=tiny_encoder)
    texts = ["Vendez Renault : chute.", "Le conseil de Total se réunit.", "Un texte sans rapport, assez long. Fin."]
    assert np.array_equal(loaded.predict_proba(texts), head.predict_proba(texts))
    # the encoder named in the head is found again without being passed
    assert np.array_equal(EmbeddingStanceClassifier.load(folder, device="cpu").predict_proba(texts),
                          head.predict_proba(texts))


def test_embedding_head_errors_say_what_to_do(tmp_path: Path, tiny_encoder) -> None:
    with pytest.raises(ModelNotAvailableError, match="stance train --backend embedding"):
        EmbeddingStanceClassifier.load(tmp_path / "nothing-here")
    lora = Path(__file__).parents[1] / "stance" / "models" / "stance-lora"
    with pytest.raises(UnknownModelError, match=r"expected a 'embedding' head .* got format 1, backend 'lora'"):
        EmbeddingStanceClassifier.load(lora)  # a folder the user named, of another backend: bad usage
    (tmp_path / "notes.txt").write_text("pas une tête", encoding="utf-8")
    with pytest.raises(UnknownModelError, match=r"expected the head\.json that `stance train --backend embedding"):
        EmbeddingStanceClassifier.load(tmp_path / "notes.txt")  # a file the user named: bad usage, exit 2
    with pytest.raises(StanceError, match="not trained yet"):
        EmbeddingStanceClassifier(tiny_encoder).predict(["Texte."])
    with pytest.raises(InputError, match="at least 4 examples of each label"):
        EmbeddingStanceClassifier(tiny_encoder, folds=2).fit(["a", "b", "c"], ["bullish", "skeptical", "neutral"])
    with pytest.raises(InputError, match="expected labels among"):
        EmbeddingStanceClassifier(tiny_encoder).fit(["a"], ["positive"])
    with pytest.raises(InputError, match="one label per text"):
        EmbeddingStanceClassifier(tiny_encoder).fit(["a", "b"], ["bullish"])
    with pytest.raises(UsageError, match="calibration"):
        EmbeddingStanceClassifier(tiny_encoder, calibration="isotonic")


def _long_text(seed_texts: list[str], characters: int) -> str:
    text = " ".join(" ".join(seed_texts).split())
    return (text * (characters // len(text) + 1))[:characters]


def test_embedding_progress_advances_inside_one_long_text_and_changes_no_embedding(
    tiny_bert_dir: Path, seed_texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`stance train --backend embedding` on a huge text: the bar counts the text's windows, so it moves
    while that one text is embedded, and the embeddings are those of an encoder without a bar, bit for bit."""
    import tqdm.auto

    from stance.encode import Encoder

    updates: list[tuple[str, int, int]] = []

    class Recording(tqdm.auto.tqdm):
        def update(self, n: float | None = 1) -> bool | None:
            updates.append((str(getattr(self, "desc", "")), int(n), int(getattr(self, "total", 0) or 0)))
            return super().update(n)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recording)
    long = _long_text(seed_texts, 20_000)
    texts = [long, "Achetez Orange : hausse.", "Vendez Renault. La chute continue."]
    head = EmbeddingStanceClassifier(str(tiny_bert_dir), device="cpu", batch_size=8, progress=True)
    full, last = head._embed(texts, True)
    windows = len(head.encoder._units([long], head.encoder.spec.prefix("query"))[0])
    passes = [(n, total) for desc, n, total in updates if desc.startswith("encoding with")]
    assert windows > 16 and passes[0][1] == windows + 2  # one item a window: the long text is most of them
    steps = [n for n, total in passes if total == windows + 2]
    assert len(steps) >= windows // 8 and sum(steps) == windows + 2  # it moves while the long text is embedded
    plain = Encoder(str(tiny_bert_dir), device="cpu", batch_size=8, progress=False)
    assert np.array_equal(full, np.asarray(plain.encode(texts, kind="query"), dtype=np.float64))
    quiet, quiet_last = EmbeddingStanceClassifier(str(tiny_bert_dir), device="cpu", batch_size=8,
                                                  progress=False)._embed(texts, True)
    assert np.array_equal(full, quiet) and np.array_equal(last, quiet_last)


def test_the_embedding_heads_progress_switch_governs_a_shared_encoder(
    tiny_bert_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.encode import Encoder

    texts = toy_set(4)[0]
    for encoder_progress, head_progress, shown in [(True, False, False), (False, True, True), (True, None, True),
                                                   (False, None, False)]:
        encoder = Encoder(str(tiny_bert_dir), device="cpu", progress=encoder_progress)
        capsys.readouterr()
        EmbeddingStanceClassifier(encoder, progress=head_progress)._embed(texts, True)
        assert ("encoding with" in capsys.readouterr().err) is shown, (encoder_progress, head_progress)


def test_embedding_head_refuses_features_of_another_size(tiny_head, tiny_encoder) -> None:
    _, folder = tiny_head
    head = EmbeddingStanceClassifier.load(folder, encoder=tiny_encoder)
    head.coef_ = np.hstack([head.coef_, head.coef_])  # as if trained with an encoder twice as wide
    with pytest.raises(StanceError, match="load the head with the encoder it was trained with"):
        head.predict(["Texte."])


def test_committed_head_matches_its_card_and_the_training_set() -> None:
    """The card is generated from head.json, and the head was trained on the current training set."""
    import hashlib

    folder = default_head_dir()
    data = json.loads((folder / "head.json").read_text(encoding="utf-8"))
    assert (folder / "README.md").read_text(encoding="utf-8") == head_card(data), (
        "stance/models/stance-head/README.md differs from head.json; regenerate it with classify.card.head_card"
    )
    digest = hashlib.sha256(default_training_file().read_bytes()).hexdigest()
    assert data["training_data"]["sha256"] == digest, (
        "the training set changed since the head was trained; rerun `stance train --backend embedding`"
    )
    assert data["training_data"]["file"] == "models/training/stance_fr.jsonl"
    assert data["encoder"] == "e5-small" and data["encoder_kind"] == "query"
    assert data["cross_validation"]["nested"]["macro_f1"] > 0.6
    assert sum((folder / name).stat().st_size for name in ("head.json", "README.md")) < 1_000_000


# ------------------------------------------------------------------------- transformer backend


def test_transformer_fits_a_separable_toy_set(tiny_transformer: TransformerStanceClassifier) -> None:
    texts, labels = toy_set(4)
    assert tiny_transformer.predict(texts) == labels
    assert tiny_transformer.history_[-1] < tiny_transformer.history_[0]
    proba = tiny_transformer.predict_proba([*texts, "Un texte qui n'a rien à voir."])
    assert proba.shape == (13, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_transformer_save_load_round_trip_gives_identical_probabilities(
    tiny_transformer: TransformerStanceClassifier, tmp_path: Path
) -> None:
    folder = tiny_transformer.save(tmp_path / "model")
    loaded = TransformerStanceClassifier.load(folder, device="cpu")
    texts = [*toy_set(2)[0], "Achetez Safran."]
    assert np.array_equal(loaded.predict_proba(texts), TransformerStanceClassifier.load(folder).predict_proba(texts))
    # Same weights bit for bit; CPU kernels may still round the last bit differently
    # for tensors at other memory addresses, so the trained object is compared to 1e-7.
    np.testing.assert_allclose(loaded.predict_proba(texts), tiny_transformer.predict_proba(texts), rtol=0, atol=1e-7)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert {config["id2label"][str(i)] for i in range(3)} == set(LABELS)


def test_transformer_chunks_texts_longer_than_the_model(tiny_transformer: TransformerStanceClassifier) -> None:
    long_text = " ".join(["Achetez Orange : hausse, croissance, optimisme."] * 40)
    assert tiny_transformer._runner.count(long_text) > tiny_transformer._runner.max_length
    assert tiny_transformer.predict(long_text) == "bullish"


def test_transformer_training_is_repeatable(tiny_bert_dir: Path) -> None:
    texts, labels = toy_set(2)
    options = {"epochs": 2, "learning_rate": 1e-3, "batch_size": 2, "gradient_accumulation_steps": 2,
               "device": "cpu", "progress": False}
    with one_thread():
        first = TransformerStanceClassifier(str(tiny_bert_dir), **options).fit(texts, labels)
        second = TransformerStanceClassifier(str(tiny_bert_dir), **options).fit(texts, labels)
    assert np.array_equal(first.predict_proba(texts), second.predict_proba(texts))


def test_a_half_precision_checkpoint_is_fine_tuned_in_fp32(tiny_bert_dir: Path, tmp_path: Path) -> None:
    """transformers 5 loads a checkpoint in its saved dtype; the backend trains fp32 weights (autocast for bf16)."""
    import torch
    from transformers import AutoModel

    half = tmp_path / "bf16-bert"
    AutoModel.from_pretrained(tiny_bert_dir).to(torch.bfloat16).save_pretrained(half)
    for file in tiny_bert_dir.iterdir():  # the tokenizer's files
        if file.is_file() and not (half / file.name).exists():
            (half / file.name).write_bytes(file.read_bytes())
    texts, labels = toy_set(1)
    model = TransformerStanceClassifier(str(half), epochs=1, batch_size=2, device="cpu", progress=False)
    model.fit(texts, labels)
    assert {p.dtype for p in model._runner.network.parameters()} == {torch.float32}


def test_transformer_refuses_training_texts_of_one_label(tiny_bert_dir: Path) -> None:
    with pytest.raises(InputError, match=r"every label, got \{'bullish': 2, 'skeptical': 0, 'neutral': 0\}"):
        TransformerStanceClassifier(str(tiny_bert_dir), device="cpu").fit(["Hausse.", "Bond."], ["bullish"] * 2)


def test_transformer_refuses_a_model_without_stance_labels(tiny_nli_dir: Path) -> None:
    with pytest.raises(ModelNotAvailableError, match="stance train --backend transformer"):
        TransformerStanceClassifier.load(tiny_nli_dir, device="cpu")
    with pytest.raises(StanceError, match="not trained yet"):
        TransformerStanceClassifier("e5-small").predict_proba(["Texte."])
    with pytest.raises(UsageError, match="batch_size"):
        TransformerStanceClassifier("e5-small", batch_size=0)


@pytest.mark.gpu
def test_transformer_fine_tunes_in_bf16_on_a_gpu(tiny_bert64_dir: Path) -> None:
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    texts, labels = toy_set(4)
    model = TransformerStanceClassifier(str(tiny_bert64_dir), epochs=30, learning_rate=3e-3, batch_size=4,
                                        device="cuda", dtype="bf16", progress=False)
    assert model.fit(texts, labels).predict(texts) == labels


# ------------------------------------------------------------------------- zero-shot backend


def _by_hand(model_dir: Path, text: str, hypotheses: list[str], entailment: int) -> np.ndarray:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    with torch.inference_mode():
        logits = [float(model(**tokenizer(text, hypothesis, return_tensors="pt")).logits[0, entailment])
                  for hypothesis in hypotheses]
    exp = np.exp(np.array(logits) - max(logits))
    return exp / exp.sum()


@pytest.mark.parametrize(("fixture", "entailment"), [("tiny_nli_dir", 0), ("tiny_nli_xlmr_dir", 2)])
def test_zero_shot_is_the_softmax_of_the_entailment_logits(
    fixture: str, entailment: int, request: pytest.FixtureRequest
) -> None:
    model_dir = request.getfixturevalue(fixture)
    # short hypotheses: each pair fits the tiny model's 64 positions, so nothing is chunked
    hypotheses = {"bullish": "Optimiste.", "skeptical": "Sceptique.", "neutral": "Factuel."}
    classifier = ZeroShotStanceClassifier(str(model_dir), hypotheses=hypotheses, device="cpu", batch_size=4)
    texts = ["Achetez Orange.", "Le conseil se réunit mardi.", "Vendez Renault, la chute arrive."]
    proba = classifier.predict_proba(texts)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    expected = _by_hand(model_dir, texts[2], list(classifier.hypotheses.values()), entailment)
    np.testing.assert_allclose(proba[2], expected, atol=1e-5)
    assert isinstance(classifier, StanceClassifier)


def test_zero_shot_calibration_round_trip(tiny_nli_dir: Path, tmp_path: Path) -> None:
    texts, labels = toy_set(4)
    hypotheses = {"bullish": "C'est positif.", "skeptical": "C'est négatif.", "neutral": "C'est factuel."}
    classifier = ZeroShotStanceClassifier(str(tiny_nli_dir), hypotheses=hypotheses, device="cpu")
    raw = classifier.predict_proba(texts)
    classifier.fit(texts, labels)
    calibrated = classifier.predict_proba(texts)
    assert not np.allclose(raw, calibrated)
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0)
    loaded = ZeroShotStanceClassifier.load(classifier.save(tmp_path / "zs"), device="cpu")
    assert loaded.hypotheses == hypotheses
    assert np.array_equal(loaded.predict_proba(texts), calibrated)


def test_zero_shot_chunks_long_premises(tiny_nli_dir: Path) -> None:
    classifier = ZeroShotStanceClassifier(str(tiny_nli_dir), device="cpu")
    long_text = " ".join(["Le conseil de Veolia se réunit mardi à Paris pour les comptes."] * 30)
    assert classifier.predict_proba(long_text).shape == (3,)


def test_zero_shot_needs_an_entailment_label_and_one_hypothesis_per_label(tiny_bert_dir: Path,
                                                                          tmp_path: Path) -> None:
    plain = _nli_model(tiny_bert_dir, tmp_path / "plain", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, "bert")
    with pytest.raises(ModelNotAvailableError, match="entailment"):
        ZeroShotStanceClassifier(str(plain), device="cpu").predict_proba(["Texte."])
    with pytest.raises(UsageError, match="one non-empty French hypothesis"):
        ZeroShotStanceClassifier(hypotheses={"bullish": "Positif."})


# ------------------------------------------------------------------------- CLI


def test_cli_classify_follows_the_contract_and_resumes(tiny_head, tmp_path: Path) -> None:
    _, folder = tiny_head
    out = tmp_path / "stance.jsonl"
    assert main(["classify", str(ROOT / "seeds"), "--out", str(out), "--backend", "embedding", "--model", str(folder),
                 "--device", "cpu"]) == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    for record in records:
        assert set(record) == {"id", "stance", "flags"}
        stance = record["stance"]
        assert set(stance) == {"label", "scores", "evidence"} and stance["label"] in LABELS
        assert list(stance["scores"]) == list(LABELS)
        assert sum(stance["scores"].values()) == pytest.approx(1.0, abs=1e-5)
        text = (ROOT / "seeds" / f"{record['id']}.txt").read_text(encoding="utf-8")
        squeeze = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
        assert 1 <= len(stance["evidence"]) <= 4
        assert all(squeeze(passage) in squeeze(text) for passage in stance["evidence"])
    before = out.read_text(encoding="utf-8")
    assert main(["classify", str(ROOT / "seeds"), "--out", str(out), "--backend", "embedding",
                 "--model", str(folder)]) == 0
    assert out.read_text(encoding="utf-8") == before


def test_cli_classify_without_a_trained_head_says_how_to_train(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["classify", str(ROOT / "seeds"), "--out", str(tmp_path / "o.jsonl"),
                 "--model", str(tmp_path / "missing")])
    assert code == 2
    assert "stance train --backend lora" in capsys.readouterr().err
    code = main(["classify", str(ROOT / "seeds"), "--out", str(tmp_path / "o.jsonl"), "--backend", "embedding",
                 "--model", str(tmp_path / "missing")])
    assert code == 2
    assert "stance train --backend embedding" in capsys.readouterr().err
    code = main(["classify", str(ROOT / "seeds"), "--out", str(tmp_path / "o.jsonl"), "--backend", "transformer"])
    assert code == 2
    assert "needs --model" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_train_embedding_writes_head_and_card(tiny_bert_dir: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    texts, labels = toy_set(10)
    data = tmp_path / "toy.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": y}, ensure_ascii=False) + "\n"
                            for t, y in zip(texts, labels, strict=True)), encoding="utf-8")
    out = tmp_path / "head"
    assert main(["train", "--backend", "embedding", "--data", str(data), "--model", str(tiny_bert_dir),
                 "--out", str(out), "--device", "cpu"]) == 0
    printed = capsys.readouterr().out
    assert "cross-validated (5-fold nested) macro-F1" in printed and f"saved to {out}" in printed
    card = (out / "README.md").read_text(encoding="utf-8")
    import hashlib

    assert hashlib.sha256(data.read_bytes()).hexdigest() in card
    assert main(["train", "--backend", "embedding", "--data", str(data), "--epochs", "2"]) == 2


def test_cli_train_and_classify_with_the_transformer_and_zero_shot_backends(
    tiny_bert_dir: Path, tiny_nli_dir: Path, tmp_path: Path
) -> None:
    texts, labels = toy_set(2)
    data = tmp_path / "toy.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in zip(texts, labels, strict=True)),
                    encoding="utf-8")
    model = tmp_path / "ft"
    assert main(["train", "--backend", "transformer", "--model", str(tiny_bert_dir), "--data", str(data),
                 "--out", str(model), "--epochs", "1", "--batch-size", "2", "--device", "cpu"]) == 0
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "d1", "text": "Achetez Orange.\n\nLe conseil se réunit."}) + "\n",
                    encoding="utf-8")
    for backend, reference in (("transformer", model), ("zero-shot", tiny_nli_dir)):
        out = tmp_path / f"{backend}.jsonl"
        assert main(["classify", str(docs), "--out", str(out), "--backend", backend, "--model", str(reference),
                     "--device", "cpu", "--no-clean"]) == 0
        [record] = read_jsonl(out)
        assert record["id"] == "d1" and record["stance"]["label"] in LABELS


def test_load_classifier_rejects_an_unknown_backend() -> None:
    with pytest.raises(UsageError, match="expected a backend among"):
        load_classifier("svm")


# ------------------------------------------------------------------------- the real default (slow)

# Clear-cut passages written for this test: not from the training set or the eval set.
CLEAR_CUT = {
    "bullish": [
        "Nous recommandons l'achat de Schneider Electric : la demande d'équipements électriques explose, les "
        "marges battent record sur record et nous relevons notre objectif de cours.",
        "Je suis très optimiste pour Airbus : les carnets de commandes sont pleins pour dix ans et chaque "
        "trimestre confirme la solidité du groupe. J'achète à chaque repli.",
        "Excellente nouvelle pour les actionnaires de L'Oréal : la croissance repart sur tous les continents, "
        "la rentabilité progresse et le titre garde un beau potentiel de hausse.",
    ],
    "skeptical": [
        "Je ne crois pas une seconde aux promesses de cette start-up : aucun revenu, des pertes qui se creusent "
        "et une valorisation délirante. Fuyez ce titre avant qu'il ne s'effondre.",
        "Nous abaissons notre recommandation à la vente : la dette devient insoutenable, les ventes reculent "
        "et la direction multiplie les annonces sans lendemain.",
        "Cette bulle finira mal. Les investisseurs paient des prix absurdes pour des entreprises qui ne gagnent "
        "pas d'argent, et la chute sera brutale.",
    ],
    "neutral": [
        "Le conseil d'administration se réunira le 14 mars pour arrêter les comptes annuels, qui seront publiés "
        "le lendemain avant l'ouverture de la Bourse de Paris.",
        "Le groupe publiera son chiffre d'affaires du premier semestre le 24 juillet, suivi d'une conférence "
        "téléphonique avec les analystes à 18 heures.",
        "L'assemblée générale des actionnaires se tiendra à Lyon le 22 mai ; l'ordre du jour comprend le "
        "renouvellement du mandat de trois administrateurs.",
    ],
}


def _shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def test_clear_cut_passages_are_not_from_the_training_set() -> None:
    training = [_shingles(text) for text in load_training_data()[0]]
    for passages in CLEAR_CUT.values():
        for passage in passages:
            own = _shingles(passage)
            assert max(len(own & other) / len(own) for other in training) < 0.3, passage


@pytest.fixture(scope="module")
def default_head() -> EmbeddingStanceClassifier:
    return EmbeddingStanceClassifier.load(device="cpu")


@pytest.mark.slow
def test_the_default_head_classifies_clear_cut_french_passages(default_head: EmbeddingStanceClassifier) -> None:
    texts = [text for passages in CLEAR_CUT.values() for text in passages]
    expected = [label for label, passages in CLEAR_CUT.items() for _ in passages]
    assert default_head.predict(texts) == expected
    proba = default_head.predict_proba(texts)
    assert proba[np.arange(len(texts)), [LABELS.index(label) for label in expected]].min() > 0.5


@pytest.mark.slow
def test_the_default_head_weighs_a_document(default_head: EmbeddingStanceClassifier) -> None:
    # The passages of a document, already cut (as one text of at most 90 words it would be one passage).
    document = [
        "Résultats annuels",
        CLEAR_CUT["neutral"][1],
        CLEAR_CUT["skeptical"][1],
        CLEAR_CUT["skeptical"][2],
    ]
    result = classify_document(document, default_head)
    assert result.label == "skeptical"
    assert set(result.evidence[:2]) == {CLEAR_CUT["skeptical"][1], CLEAR_CUT["skeptical"][2]}
    assert isinstance(result, DocumentStance)
    assert result.scores["skeptical"] == max(result.scores.values())
