from __future__ import annotations

import itertools
import logging
import os

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from stance import runtime
from stance.errors import DeviceError, StanceError, UsageError
from stance.runtime import batched_map, resolve_device, resolve_dtype, token_windows

# ------------------------------------------------------------------- devices


def test_cpu_is_always_available():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    assert resolve_device(" CPU ") == torch.device("cpu")


def test_auto_is_chosen_once_and_logged(monkeypatch, caplog):
    monkeypatch.setattr(runtime, "_auto_device", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda module: False)
    with caplog.at_level(logging.INFO, logger="stance"):
        first = resolve_device("auto")
        second = resolve_device("auto")
    assert first == second == torch.device("cpu")
    device_logs = [record for record in caplog.records if record.getMessage().startswith("device:")]
    assert len(device_logs) == 1
    assert "cpu" in device_logs[0].getMessage()


def test_auto_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(runtime, "_auto_device", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda module: True)
    assert resolve_device("auto") == torch.device("mps")
    monkeypatch.setattr(runtime, "_auto_device", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "Fake GPU")
    assert resolve_device("auto") == torch.device("cuda")


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps"])
def test_missing_accelerator_is_a_clear_error(monkeypatch, name):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda module: False)
    with pytest.raises(DeviceError) as caught:
        resolve_device(name)
    message = str(caught.value)
    assert repr(name) in message and "'cpu'" in message


def test_cuda_index_beyond_the_devices(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    with pytest.raises(DeviceError, match=r"2 CUDA device\(s\)"):
        resolve_device("cuda:5")


@pytest.mark.parametrize("name", ["tpu", "gpu please", "xla"])
def test_unknown_device(name):
    with pytest.raises(DeviceError, match="expected"):
        resolve_device(name)


# -------------------------------------------------------------------- dtypes


def test_default_dtype_is_fp32_on_cpu():
    assert resolve_dtype(torch.device("cpu")) == torch.float32


def test_default_dtype_is_bf16_on_a_bf16_gpu(monkeypatch):
    asked = []
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: asked.append(device) or (9, 0))
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: True)  # says yes even when emulated
    cuda = torch.device("cuda:1")
    assert resolve_dtype(cuda) == torch.bfloat16 and asked == [cuda]  # the GPU asked for, not the current one
    assert resolve_dtype(cuda, bf16_ok=False) == torch.float32
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (7, 5))  # a T4: emulated bf16
    assert resolve_dtype(cuda) == torch.float32


@pytest.mark.parametrize(
    ("given_dtype", "expected"),
    [("fp32", torch.float32), ("bf16", torch.bfloat16), ("float16", torch.float16),
     ("torch.bfloat16", torch.bfloat16), (torch.float16, torch.float16)],
)
def test_named_dtypes(given_dtype, expected):
    assert resolve_dtype(torch.device("cpu"), given_dtype) == expected


def test_fp16_refused_for_models_that_overflow():
    with pytest.raises(StanceError, match="bf16"):
        resolve_dtype(torch.device("cpu"), "fp16", fp16_ok=False)
    assert resolve_dtype(torch.device("cpu"), "bf16", fp16_ok=False) == torch.bfloat16


def test_bf16_refused_when_the_spec_says_fp32():
    with pytest.raises(StanceError, match="fp32"):
        resolve_dtype(torch.device("cpu"), "bf16", bf16_ok=False)


def test_bf16_on_an_old_gpu_is_a_device_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (7, 5))
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Tesla T4")
    with pytest.raises(DeviceError, match="Tesla T4"):
        resolve_dtype(torch.device("cuda"), "bf16")


@pytest.mark.parametrize("bad", ["int8", "fp8", torch.int64])
def test_unknown_dtype(bad):
    with pytest.raises(StanceError, match="expected"):
        resolve_dtype(torch.device("cpu"), bad)


# -------------------------------------------------------------- batched_map


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(st.text(max_size=12), max_size=40),
    batch_size=st.integers(min_value=1, max_value=9),
)
def test_batched_map_keeps_input_order(items, batch_size):
    batches: list[list[str]] = []

    def tag(batch):
        batches.append(batch)
        return [f"<{text}>" for text in batch]

    assert batched_map(tag, items, batch_size=batch_size) == [f"<{text}>" for text in items]
    assert sorted(text for batch in batches for text in batch) == sorted(items)
    assert all(len(batch) <= batch_size for batch in batches)
    lengths = [len(text) for batch in batches for text in batch]
    assert lengths == sorted(lengths, reverse=True)  # longest first, so padding stays small


def test_batched_map_runs_in_inference_mode():
    seen = []

    def probe(batch):
        seen.append(torch.is_inference_mode_enabled())
        return batch

    batched_map(probe, ["a", "b", "c"], batch_size=2)
    assert seen == [True, True]


def test_out_of_memory_halves_the_batch_and_loses_nothing(caplog):
    sizes = []
    done = []

    def fragile(batch):
        sizes.append(len(batch))
        if len(batch) > 3:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        done.extend(batch)
        return [number * 10 for number in batch]

    numbers = list(range(20))
    with caplog.at_level(logging.WARNING, logger="stance"):
        result = batched_map(fragile, numbers, batch_size=16, length=lambda number: number)
    assert result == [number * 10 for number in numbers]
    assert sorted(done) == numbers  # each item processed exactly once
    assert sizes[:3] == [16, 8, 4] and set(sizes[3:]) <= {2, 3}
    assert "retrying with batches of 8" in caplog.text


@pytest.mark.parametrize("message", [
    "MPS backend out of memory (MPS allocated: 8 GB)",
    "CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",  # cuBLAS's workspace
])
def test_out_of_memory_said_in_a_runtime_error_is_recognised(message: str):
    calls = []

    def fragile(batch):
        calls.append(len(batch))
        if len(batch) > 1:
            raise RuntimeError(message)
        return batch

    assert batched_map(fragile, ["a", "b", "c"], batch_size=4) == ["a", "b", "c"]
    assert calls == [3, 2, 1, 1, 1]


def test_out_of_memory_on_a_single_item_is_reraised_clearly():
    def hopeless(batch):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    from stance.errors import OutOfMemory, exit_code

    with pytest.raises(OutOfMemory, match=r"single item.*a lower precision .* or the CPU") as caught:
        batched_map(hopeless, ["abc", "de"], batch_size=2)
    assert isinstance(caught.value.__cause__, torch.cuda.OutOfMemoryError)
    assert exit_code(caught.value) == 1  # a failed run, not bad usage


def test_other_errors_propagate_untouched():
    def broken(batch):
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        batched_map(broken, ["a"], batch_size=4)


def test_a_wrong_number_of_results_is_an_error():
    with pytest.raises(StanceError, match="exactly one result per item"):
        batched_map(lambda batch: batch[:1], ["a", "b"], batch_size=2)


def test_empty_input_and_bad_batch_size():
    assert batched_map(lambda batch: batch, [], batch_size=4) == []
    with pytest.raises(UsageError, match="batch_size"):  # a bad argument: exit 2
        batched_map(lambda batch: batch, ["a"], batch_size=0)


def test_progress_bar_on_request_only(capsys):
    batched_map(lambda batch: batch, list("abcdef"), batch_size=2, desc="encoding", progress=True)
    assert "encoding" in capsys.readouterr().err
    batched_map(lambda batch: batch, list("abcdef"), batch_size=2, desc="encoding", progress=False)
    assert "encoding" not in capsys.readouterr().err


# ------------------------------------------------------------ token_windows


@settings(max_examples=200, deadline=None)
@given(
    length=st.integers(min_value=0, max_value=300),
    max_len=st.integers(min_value=1, max_value=64),
    data=st.data(),
)
def test_windows_cover_every_token_in_order(length, max_len, data):
    stride = data.draw(st.integers(min_value=1, max_value=max_len))
    ids = list(range(length))
    windows = token_windows(ids, max_len, stride)
    assert all(len(window) <= max_len for window in windows)
    assert all(window == list(range(window[0], window[0] + len(window))) for window in windows if window)
    covered = {token for window in windows for token in window}
    assert covered == set(ids)
    if length <= max_len:
        assert windows == [ids]
    else:
        assert all(len(window) == max_len for window in windows)  # no short last window
        starts = [window[0] for window in windows]
        assert all(0 < b - a <= stride for a, b in itertools.pairwise(starts))


def test_windows_overlap():
    assert token_windows(list(range(10)), 4, 3) == [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]
    assert token_windows(list(range(9)), 4, 4) == [[0, 1, 2, 3], [4, 5, 6, 7], [5, 6, 7, 8]]


@pytest.mark.parametrize(("max_len", "stride"), [(0, 1), (4, 0), (4, 5)])
def test_windows_reject_gaps(max_len, stride):
    with pytest.raises(StanceError, match="expected"):
        token_windows([1, 2, 3], max_len, stride)


@pytest.mark.gpu
def test_batched_map_on_cuda():
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    device = resolve_device("cuda")
    dtype = resolve_dtype(device)
    assert dtype in (torch.bfloat16, torch.float32)

    def square(batch):
        values = torch.tensor(batch, device=device, dtype=dtype)
        return (values * values).float().cpu().tolist()

    assert batched_map(square, [1.0, 2.0, 3.0], batch_size=2, length=lambda value: 1) == [1.0, 4.0, 9.0]


def test_an_unknown_dtype_name_is_bad_usage() -> None:
    from stance.errors import UsageError, exit_code

    with pytest.raises(UsageError, match=r"expected a dtype of fp32, bf16 or fp16 .*got 'fp8'") as caught:
        resolve_dtype(torch.device("cpu"), "fp8")
    assert exit_code(caught.value) == 2


def _threads_and_a_product() -> tuple[int, float]:
    import torch

    return torch.get_num_threads(), float(torch.ones(256, 256).matmul(torch.ones(256, 256)).sum())


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork on this platform")
def test_a_process_forked_after_torch_computed_runs_torch_on_one_thread_and_does_not_hang() -> None:
    """datasets' num_proc workers are forked: the parent's OpenMP pool does not survive the fork, and a
    multithreaded operation in the child would hang (a pipeline that had run once then never finished a map)."""
    import multiprocessing

    import torch

    import stance.runtime  # noqa: F401  (registers the hook)

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        torch.ones(256, 256).matmul(torch.ones(256, 256))  # the parent's thread pool is started
        with multiprocessing.get_context("fork").Pool(1) as pool:  # without the hook: the child hangs
            threads, total = pool.apply_async(_threads_and_a_product).get(timeout=120)
    finally:
        torch.set_num_threads(before)
    assert threads == 1 and total == 256.0**3
