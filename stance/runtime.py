"""What every model stage shares: device and dtype choice, length-sorted batching
with out-of-memory back-off, the input limit of a model, and overlapping token
windows for long inputs.

>>> from stance.runtime import batched_map, resolve_device
>>> resolve_device("cpu")
device(type='cpu')
>>> batched_map(lambda batch: [len(s) for s in batch], ["a", "ccc", "bb"], batch_size=2)
[1, 3, 2]
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import DeviceError, OutOfMemory, StanceError, UsageError, whole_number

if TYPE_CHECKING:
    import torch

log = logging.getLogger("stance")

T = TypeVar("T")
R = TypeVar("R")

# Progress bars appear (on a terminal) once a job has at least this many batches.
PROGRESS_MIN_BATCHES = 8

_auto_device: torch.device | None = None


def _one_thread_after_fork() -> None:
    """In a process forked from one that imported stance (``datasets``' ``num_proc`` workers, a fork
    ``multiprocessing`` pool), torch runs on one thread, as PyTorch's own DataLoader workers do: the OpenMP thread
    pool of a parent that already computed does not survive the fork, and the child's first multithreaded
    operation would hang for ever. ``torch.set_num_threads(n)`` in the child gives it more, at that risk."""
    import sys

    torch_module = sys.modules.get("torch")
    if torch_module is not None:
        torch_module.set_num_threads(1)


if hasattr(os, "register_at_fork"):  # POSIX; a spawned process starts afresh and needs none
    os.register_at_fork(after_in_child=_one_thread_after_fork)

_DTYPES = {
    "fp32": "float32", "float32": "float32", "float": "float32",
    "bf16": "bfloat16", "bfloat16": "bfloat16",
    "fp16": "float16", "float16": "float16", "half": "float16",
}


def _mps_available(torch_module: Any) -> bool:
    backend = getattr(torch_module.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """The torch device to run on. ``"auto"`` picks cuda, then mps, then cpu, once
    per process, and logs the choice; asking for a device that is absent is an error.

    >>> resolve_device("auto").type in ("cuda", "mps", "cpu")
    True
    >>> resolve_device("cuda:99")     # a GPU this machine does not have
    Traceback (most recent call last):
    stance.errors.DeviceError: device 'cuda:99' was asked for, but ...
    """
    import torch

    global _auto_device
    if isinstance(device, str) and device.strip().lower() == "auto":
        if _auto_device is None:
            if torch.cuda.is_available():
                _auto_device = torch.device("cuda")
                detail = torch.cuda.get_device_name(0)
            elif _mps_available(torch):
                _auto_device = torch.device("mps")
                detail = "Apple GPU"
            else:
                _auto_device = torch.device("cpu")
                detail = f"{torch.get_num_threads()} threads; no CUDA or MPS device found"
            log.info("device: %s (%s); pass device=... (--device on the command line) to choose another",
                     _auto_device, detail)
        return _auto_device
    try:
        chosen = device if isinstance(device, torch.device) else torch.device(str(device).strip().lower())
    except (RuntimeError, TypeError) as error:
        raise DeviceError(
            f"expected a device like 'auto', 'cpu', 'cuda', 'cuda:1' or 'mps'; got {device!r}"
        ) from error
    if chosen.type == "cuda":
        if not torch.cuda.is_available():
            build = f"built for CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
            raise DeviceError(
                f"device {str(device)!r} was asked for, but no CUDA GPU is usable here "
                f"(torch {torch.__version__} is {build}); use device='auto' or 'cpu', or install "
                "a CUDA build of torch on a machine with an NVIDIA GPU"
            )
        if chosen.index is not None and chosen.index >= torch.cuda.device_count():
            raise DeviceError(
                f"device {str(device)!r} was asked for, but this machine has "
                f"{torch.cuda.device_count()} CUDA device(s) (cuda:0 to "
                f"cuda:{torch.cuda.device_count() - 1}); pick one of those"
            )
    elif chosen.type == "mps":
        if not _mps_available(torch):
            raise DeviceError(
                f"device {str(device)!r} was asked for, but Apple MPS is not available here; "
                "use device='auto' or 'cpu'"
            )
    elif chosen.type != "cpu":
        raise DeviceError(f"expected a cpu, cuda or mps device; got {str(device)!r}")
    return chosen


def dtype_name(dtype: str | torch.dtype | None) -> str | None:
    """The precision ``dtype`` names, as ``"fp32"``, ``"bf16"`` or ``"fp16"`` (``None`` stays ``None``:
    the default, bf16 on an Ampere or newer GPU, else fp32): how a run records the precision it was
    asked for. Anything else is refused as :func:`resolve_dtype` refuses it.

    >>> dtype_name("bfloat16"), dtype_name("FP32"), dtype_name(None)
    ('bf16', 'fp32', None)
    >>> dtype_name("fp8")
    Traceback (most recent call last):
    stance.errors.UsageError: expected a dtype of fp32, bf16 or fp16 (or a torch.dtype); got 'fp8'
    """
    if dtype is None:
        return None
    import torch

    # On the CPU, resolve_dtype checks the name alone; what a model or a GPU allows is checked where it loads.
    chosen = resolve_dtype(torch.device("cpu"), dtype)
    return {torch.float32: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}[chosen]


def resolve_dtype(
    device: torch.device,
    dtype: str | torch.dtype | None = None,
    *,
    bf16_ok: bool = True,
    fp16_ok: bool = True,
) -> torch.dtype:
    """The dtype to load a model in. ``None`` means bf16 on a CUDA GPU that supports
    it (when the model allows bf16), float32 everywhere else.

    ``fp16_ok=False`` is for models whose activations overflow float16 (the T5
    family): asking for fp16 then is an error rather than a run full of NaNs.

    >>> import torch
    >>> resolve_dtype(torch.device("cpu"))
    torch.float32
    >>> resolve_dtype(torch.device("cpu"), "bf16")
    torch.bfloat16
    """
    import torch

    if dtype is None:
        if device.type == "cuda" and bf16_ok and native_bf16(device):
            return torch.bfloat16
        return torch.float32
    if isinstance(dtype, torch.dtype):
        chosen = dtype
    else:
        name = _DTYPES.get(str(dtype).strip().lower().removeprefix("torch."))
        if name is None:
            raise UsageError(f"expected a dtype of fp32, bf16 or fp16 (or a torch.dtype); got {dtype!r}")
        chosen = getattr(torch, name)
    if chosen not in (torch.float32, torch.bfloat16, torch.float16):
        raise StanceError(f"expected a floating dtype of fp32, bf16 or fp16; got {chosen}")
    if chosen == torch.float16 and not fp16_ok:
        raise UsageError(
            "fp16 was asked for, but this model's spec says it overflows in float16 (its activations "
            "exceed 65504 and become inf/NaN, as in the T5/mT5 family); use dtype='bf16' on an Ampere or "
            "newer GPU, or 'fp32'"
        )
    if chosen == torch.bfloat16 and not bf16_ok:
        raise UsageError("bf16 was asked for, but this model's spec says to run it in fp32; use dtype='fp32'")
    if chosen == torch.bfloat16 and device.type == "cuda" and not native_bf16(device):
        raise DeviceError(
            f"bf16 was asked for, but {torch.cuda.get_device_name(device)} does not support "
            "bfloat16 (it needs an Ampere or newer GPU); use dtype='fp32'"
        )
    return chosen


@contextmanager
def loading(progress: bool | None = None) -> Iterator[None]:
    """Load models without transformers' "Loading weights" bar unless ``progress`` is True: a
    library call, a batch job or a CI log should not print a bar for every model it loads."""
    from transformers.utils import logging as hf_logging

    if progress is True or not hf_logging.is_progress_bar_enabled():
        yield
        return
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.enable_progress_bar()


def native_bf16(device: torch.device) -> bool:
    """Whether the CUDA GPU ``device`` computes in bfloat16 natively (compute capability 8.0 or newer:
    Ampere, Hopper...). ``torch.cuda.is_bf16_supported()`` also says yes where bf16 is only emulated
    (a T4, a V100: slower than fp32), and asks about the current GPU rather than ``device``."""
    import torch

    return torch.cuda.get_device_capability(device)[0] >= 8


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is a device running out of memory (torch's OutOfMemoryError, or the
    RuntimeError that MPS, some CUDA paths and cuBLAS raise instead): the one rule, for the batch
    back-off here and the command line's message.

    >>> is_out_of_memory(RuntimeError("CUDA error: CUBLAS_STATUS_ALLOC_FAILED")), is_out_of_memory(ValueError())
    (True, False)
    """
    import torch

    oom_types = tuple(
        kind
        for kind in (getattr(torch, "OutOfMemoryError", None), getattr(torch.cuda, "OutOfMemoryError", None))
        if isinstance(kind, type)
    )
    if oom_types and isinstance(error, oom_types):
        return True
    # MPS and some CUDA paths raise a plain RuntimeError with this wording; cuBLAS, failing to allocate
    # its workspace, says CUBLAS_STATUS_ALLOC_FAILED.
    text = str(error).lower()
    return isinstance(error, RuntimeError) and ("out of memory" in text or "alloc_failed" in text)


def _release_memory() -> None:
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    if _mps_available(torch) and hasattr(torch, "mps"):
        torch.mps.empty_cache()


def batched_map(
    fn: Callable[[list[T]], Sequence[R]],
    items: Sequence[T],
    *,
    batch_size: int,
    length: Callable[[T], int] = len,
    desc: str | None = None,
    progress: bool | None = None,
) -> list[R]:
    """``fn`` applied to ``items`` in length-sorted batches; results in input order.

    Batches are formed longest first (so padding is small and the largest batch
    runs first, where an out-of-memory error is cheapest) and run under
    ``torch.inference_mode()``. On out-of-memory the batch is halved and retried,
    down to one item; no item is lost or repeated. ``progress=None`` shows a tqdm
    bar on a terminal when there are many batches.

    >>> batched_map(lambda batch: [s.upper() for s in batch], ["b", "aaa"], batch_size=8)
    ['B', 'AAA']
    """
    import torch
    from tqdm.auto import tqdm

    whole_number(batch_size, "batch_size")
    items = list(items)
    total = len(items)
    if total == 0:
        return []
    # sorted() is stable: items of equal length keep their input order.
    order = sorted(range(total), key=lambda index: -length(items[index]))
    results: list[Any] = [None] * total
    size = batch_size
    if progress is None:
        # None lets tqdm hide the bar when the output is not a terminal.
        disable = None if math.ceil(total / batch_size) >= PROGRESS_MIN_BATCHES else True
    else:
        disable = not progress
    with tqdm(total=total, desc=desc, unit="item", disable=disable) as bar:
        start = 0
        while start < total:
            indices = order[start : start + size]
            batch = [items[index] for index in indices]
            out_of_memory = False
            try:
                with torch.inference_mode():
                    outputs = list(fn(batch))
            except Exception as error:
                if not is_out_of_memory(error):
                    raise
                if size == 1:
                    raise OutOfMemory(
                        f"out of memory on a batch of a single item (length {length(batch[0])}); use a smaller "
                        "maximum input length, a lower precision (bf16 on a GPU, where the run is in fp32) or the CPU"
                    ) from error
                out_of_memory = True
            if out_of_memory:
                # Outside the except block, so the failed batch's tensors are freed first.
                _release_memory()
                size = max(1, size // 2)
                log.warning("out of memory; retrying with batches of %d", size)
                continue
            if len(outputs) != len(batch):
                raise StanceError(
                    f"the batch function returned {len(outputs)} results for a batch of {len(batch)}; "
                    "it must return exactly one result per item"
                )
            for index, output in zip(indices, outputs, strict=True):
                results[index] = output
            start += len(indices)
            bar.update(len(indices))
    return results


def token_windows(ids: Sequence[int], max_len: int, stride: int) -> list[list[int]]:
    """Overlapping windows of at most ``max_len`` tokens covering every token.

    ``stride`` is the step between window starts (``max_len - stride`` tokens of
    overlap); the last window ends at the last token, so none is short.

    >>> token_windows([1, 2, 3, 4, 5], max_len=3, stride=2)
    [[1, 2, 3], [3, 4, 5]]
    >>> token_windows([1, 2], max_len=3, stride=2)
    [[1, 2]]
    """
    if max_len < 1:
        raise StanceError(f"expected max_len >= 1; got {max_len}")
    if not 1 <= stride <= max_len:
        raise StanceError(
            f"expected 1 <= stride <= max_len ({max_len}) so that windows leave no gap; got {stride}"
        )
    ids = list(ids)
    if len(ids) <= max_len:
        return [ids]
    last = len(ids) - max_len
    starts = [*range(0, last, stride), last]
    return [ids[start : start + max_len] for start in starts]


# Tokenizers that do not know their limit say so with a huge model_max_length.
_UNKNOWN_TOKENIZER_LIMIT = 100_000
# The limit used when neither the spec, the tokenizer nor the config gives one.
DEFAULT_INPUT_TOKENS = 512
_ROBERTA_LIKE = ("roberta", "xlm-roberta", "xlm-roberta-xl", "camembert")


def input_limit(spec: Any, tokenizer: Any, config: Any, requested: int | None = None) -> int:
    """The most tokens (special tokens included) one forward pass of a model may take.

    This is the one rule every model stage uses: the smallest of the spec's
    ``max_input_tokens``, the tokenizer's ``model_max_length`` (when it knows it)
    and the position embeddings of the config (RoBERTa-like models lose
    ``padding_idx + 1`` of them), else :data:`DEFAULT_INPUT_TOKENS`. A
    ``requested`` limit replaces it, but never beyond the positions the model has.

    >>> from types import SimpleNamespace as NS
    >>> input_limit(NS(max_input_tokens=None), NS(model_max_length=10**30),
    ...             NS(model_type="xlm-roberta", max_position_embeddings=514, pad_token_id=1))
    512
    >>> input_limit(NS(max_input_tokens=None), NS(model_max_length=512), NS(model_type="t5"), requested=256)
    256
    """
    capacity = getattr(config, "max_position_embeddings", None)
    if capacity is not None and getattr(config, "model_type", None) in _ROBERTA_LIKE:
        capacity -= (getattr(config, "pad_token_id", None) or 0) + 1
    if requested is not None:
        if requested < 1:
            raise UsageError(f"expected an input limit >= 1 token, got {requested}")
        if capacity is not None and requested > capacity:
            raise UsageError(
                f"an input limit of {requested} tokens is more than the model takes ({capacity} positions); "
                f"use at most {capacity}"
            )
        return int(requested)
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if tokenizer_limit is not None and tokenizer_limit >= _UNKNOWN_TOKENIZER_LIMIT:
        tokenizer_limit = None
    known = [int(value) for value in (getattr(spec, "max_input_tokens", None), tokenizer_limit, capacity) if value]
    if not known:
        log.warning("no input limit in the model's spec, tokenizer or config; using %d tokens",
                    DEFAULT_INPUT_TOKENS)
        return DEFAULT_INPUT_TOKENS
    return min(known)
