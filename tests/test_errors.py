"""Each error class carries its exit code, and the command returns it."""

from __future__ import annotations

import numpy as np
import pytest

from stance.cli import main
from stance.errors import (
    DeviceError,
    InputError,
    ModelNotAvailableError,
    StanceError,
    UnknownModelError,
    UsageError,
    exit_code,
    whole_number,
)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UsageError("bad option"), 2),
        (InputError("not valid JSON", "a.jsonl:3"), 2),
        (UnknownModelError("unknown model 'x'"), 2),
        (DeviceError("no CUDA device"), 2),
        (ModelNotAvailableError("mt5-xlsum is not prepared"), 1),
        (StanceError("the run failed"), 1),
        (MemoryError(), 1),
        (RuntimeError("CUDA out of memory"), 1),
        (KeyboardInterrupt(), 130),
    ],
)
def test_one_mapping_from_error_to_exit_code(error: BaseException, code: int) -> None:
    assert exit_code(error) == code


def test_an_unknown_model_is_bad_usage_but_a_missing_one_is_a_failed_run(monkeypatch, capsys) -> None:
    assert main(["summarize", "seeds/", "--out", "/tmp/never.jsonl", "--model", "nonsense"]) == 2
    assert "unknown model 'nonsense'" in capsys.readouterr().err

    def missing(*args, **kwargs):
        raise ModelNotAvailableError("model 'mt5-xlsum' is not available locally")

    monkeypatch.setattr("stance.summarize.load_summarizer", missing)
    assert main(["summarize", "seeds/", "--out", "/tmp/never.jsonl", "--model", "mt5-xlsum"]) == 1


def _clean_failing_with(error: BaseException, monkeypatch, capsys, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """stderr of `stance clean` whose batch raises ``error``, after checking that it exits 1."""

    def failing(self, batch):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr("stance.pipeline.Pipeline._process", failing)
    (tmp_path / "a.txt").write_text("Le CAC 40 monte.", encoding="utf-8")
    assert main(["clean", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out.jsonl")]) == 1
    return capsys.readouterr().err


def test_out_of_memory_mid_run_exits_one_with_advice(monkeypatch, capsys, tmp_path) -> None:
    err = _clean_failing_with(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), monkeypatch, capsys,
                              tmp_path)
    assert "ran out of memory (CUDA out of memory. Tried to allocate 2.00 GiB); use a smaller --batch-docs" in err
    assert "rerun the same command to resume" in err


def test_a_hub_model_that_needs_its_own_code_is_a_clear_error(monkeypatch, capsys, tmp_path) -> None:
    def remote_code(*args, **kwargs):
        raise ValueError("The repository for acme/odd-model contains custom code which must be executed to correctly "
                         "load the model. Please pass the argument `trust_remote_code=True` to allow custom code.")

    monkeypatch.setattr("stance.summarize.load_summarizer", remote_code)
    assert main(["summarize", "seeds/", "--out", str(tmp_path / "o.jsonl"), "--model", "acme/odd-model"]) == 1
    err = capsys.readouterr().err
    assert "stance: error: this model needs its own code from its hub repository" in err and "Traceback" not in err
    monkeypatch.setattr("stance.summarize.load_summarizer", lambda *a, **k: int("x"))  # any other ValueError
    with pytest.raises(ValueError, match="invalid literal"):
        main(["summarize", "seeds/", "--out", str(tmp_path / "p.jsonl")])


def test_out_of_memory_in_training_names_the_training_options(monkeypatch, capsys, tmp_path) -> None:
    def out_of_memory(*args, **kwargs):
        raise RuntimeError("CUBLAS_STATUS_ALLOC_FAILED when calling cublasCreate(handle)")

    monkeypatch.setattr("stance.classify.train_classifier", out_of_memory)
    assert main(["train", "--backend", "embedding", "--out", str(tmp_path / "head")]) == 1
    err = capsys.readouterr().err
    assert ("use a smaller --batch-size, --device cpu or a machine with more memory, then rerun (training starts "
            "afresh)") in err


def test_out_of_memory_on_one_item_gets_the_command_s_advice(monkeypatch, capsys, tmp_path) -> None:
    from stance.errors import OutOfMemory

    err = _clean_failing_with(OutOfMemory("out of memory on a batch of a single item (length 9000)"), monkeypatch,
                              capsys, tmp_path)
    assert "single item (length 9000); use a smaller --batch-docs or a machine with more memory, then rerun" in err


@pytest.mark.parametrize(
    ("value", "minimum", "kwargs", "expected"),
    [(3, 1, {}, 3), (0, 0, {}, 0), (None, 1, {"none": True}, None), (7, 0, {"below": 8}, 7)],
)
def test_a_whole_number_is_given_back_as_an_int(value, minimum, kwargs, expected) -> None:  # type: ignore[no-untyped-def]
    result = whole_number(value, "n", minimum, **kwargs)
    assert result == expected and (result is None or type(result) is int)


@pytest.mark.parametrize(
    ("value", "minimum", "kwargs", "message"),
    [
        (True, 1, {}, "expected n to be a whole number >= 1, got True"),  # a bool is no count
        (0, 1, {}, "expected n to be a whole number >= 1, got 0"),
        (2.0, 1, {}, "expected n to be a whole number >= 1, got 2.0"),
        ("3", 1, {}, "expected n to be a whole number >= 1, got '3'"),
        (None, 1, {}, "expected n to be a whole number >= 1, got None"),
        (0, 1, {"none": True}, "expected n to be a whole number >= 1 or None, got 0"),
        (8, 0, {"below": 8}, "expected n to be a whole number >= 0 and < 8, got 8"),
        (np.int64(4), 1, {}, f"expected n to be a whole number >= 1, got {np.int64(4)!r}; pass int(value)"),
    ],
)
def test_anything_else_is_bad_usage_saying_what_was_expected(value, minimum, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as raised:
        whole_number(value, "n", minimum, **kwargs)
    assert str(raised.value) == message and exit_code(raised.value) == 2


def _bad_settings() -> list:  # type: ignore[type-arg]
    from stance.classify import DocumentAggregator, aggregate, split_passages
    from stance.classify.training import _check_backend
    from stance.metrics import bootstrap_ci

    return [
        lambda: split_passages("Le CAC 40 monte.", max_words=0),
        lambda: aggregate(["Le CAC 40 monte."], np.array([[0.8, 0.1, 0.1]]), neutral_weight=-1),
        lambda: DocumentAggregator(C=0),
        lambda: _check_backend("bert"),
        lambda: bootstrap_ci(lambda sample: 0.0, 2, confidence=1.5),
        lambda: bootstrap_ci(lambda sample: 0.0, 2, n_resamples=0),
    ]


@pytest.mark.parametrize("call", range(6))
def test_a_bad_setting_is_usage_not_an_input_a_batch_would_skip(call: int) -> None:
    # A batch run reports an InputError against its document and goes on with the others; a bad setting would
    # fail every document alike, so it is a UsageError, which stops the run.
    with pytest.raises(UsageError) as raised:
        _bad_settings()[call]()
    assert type(raised.value) is UsageError
