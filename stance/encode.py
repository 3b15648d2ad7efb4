"""Sentence embeddings from any Hugging Face encoder.

>>> from stance import Encoder
>>> encoder = Encoder()                       # e5-small, offline, prepared on first use
>>> vectors = encoder.encode(["Le Nasdaq a progressé.", "Les actions montent."])
>>> vectors.shape
(2, 384)
>>> float(vectors[0] @ vectors[1]) > 0.8
True
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, StanceError, UsageError, refuse_keyed, whole_number
from .registry import get_spec, locate
from .runtime import batched_map, input_limit, loading, resolve_device, resolve_dtype, token_windows

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("stance")

KINDS = ("passage", "query")


class Encoder:
    """Mean-pooled, L2-normalised embeddings from an encoder model.

    ``model`` is a registry name (``stance models list``), a hub id or a local
    checkpoint folder. The model's query/passage prefixes come from its spec.
    Inputs longer than the model's limit are split into overlapping windows whose
    embeddings are averaged (weighted by their token counts), never truncated.
    Encoders of the same checkpoint share one tokenizer (:func:`shared_tokenizer`).

    >>> Encoder("e5-small").encode("Bitcoin recule de 5 %.").shape
    (384,)
    """

    def __init__(
        self,
        model: str = "e5-small",
        device: str | Any = "auto",
        batch_size: int = 32,
        dtype: str | Any | None = None,
        *,
        max_tokens: int | None = None,
        progress: bool | None = None,
    ) -> None:
        from transformers import AutoConfig, AutoModel

        whole_number(batch_size, "batch_size")
        self.spec = get_spec(model)
        self.path = locate(model)
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(self.device, dtype, bf16_ok=self.spec.bf16_ok, fp16_ok=self.spec.fp16_ok)
        self.batch_size = batch_size
        self.progress = progress
        self.tokenizer = shared_tokenizer(self.path)
        config = AutoConfig.from_pretrained(self.path)
        options: dict[str, Any] = {"dtype": self.dtype}
        if _takes_pooling_flag(config):
            # stance mean-pools; the pooling head is unused (and absent from some checkpoints).
            options["add_pooling_layer"] = False
        with loading(progress):
            network = AutoModel.from_pretrained(self.path, **options)
        if getattr(network.config, "is_encoder_decoder", False):
            network = network.get_encoder()
        self.model = network.to(self.device).eval()
        self.dim = int(config.hidden_size)
        self.max_tokens = input_limit(self.spec, self.tokenizer, config, max_tokens)
        self._head, self._tail = self._special_tokens()
        self._pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        log.debug("encoder %s: %s on %s, %s tokens max", self.spec.name, self.dtype, self.device,
                  self.max_tokens)

    def __repr__(self) -> str:
        return (
            f"Encoder({self.spec.name!r}, device={str(self.device)!r}, dtype={str(self.dtype)!r}, "
            f"dim={self.dim}, max_tokens={self.max_tokens})"
        )

    def _special_tokens(self) -> tuple[list[int], list[int]]:
        """The ids the tokenizer puts before and after a single text (e.g. <s> ... </s>)."""
        plain = self.tokenizer("passage", add_special_tokens=False)["input_ids"]
        full = self.tokenizer("passage", add_special_tokens=True)["input_ids"]
        for start in range(len(full) - len(plain) + 1):
            if full[start : start + len(plain)] == plain:
                return full[:start], full[start + len(plain) :]
        raise StanceError(f"cannot find where {self.spec.name}'s tokenizer puts its special tokens")

    def encode(
        self,
        texts: str | Iterable[str],
        kind: str = "passage",
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> np.ndarray:
        """Embed ``texts``: a ``(len(texts), dim)`` float32 array, or ``(dim,)`` for a str.

        ``kind`` picks the model's prefix: "passage" for documents, "query" for
        search queries (E5 models were trained with both).

        >>> Encoder().encode(["Tesla chute.", "Tesla s'effondre."]).shape
        (2, 384)
        """
        import numpy as np

        items, single = check_texts(texts)
        _check_kind(kind)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        (result,) = self.encode_with(items, kind, self._last_hidden_state, batch_size=batch_size, progress=progress)
        return result[0] if single else result

    def encode_with(
        self,
        texts: list[str],
        kind: str,
        forward: Callable[[Any, Any], Sequence[Any]],
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> list[np.ndarray]:
        """Embeddings of ``texts`` (at least one) pooled from each hidden-state tensor that
        ``forward(input_ids, attention_mask)`` returns for a padded batch: one
        ``(len(texts), dim)`` float32 array per tensor, with the tokenisation, windows,
        batching, pooling and normalisation of :meth:`encode` (which is ``forward``
        returning the model's last hidden state). The lora stance backend gets the
        embeddings of the model with and without its adapter from one pass this way.

        >>> encoder = Encoder()
        >>> def last(ids, mask):
        ...     return [encoder.model(input_ids=ids, attention_mask=mask).last_hidden_state]
        >>> texts = ["Tesla chute.", "Tesla s'effondre."]
        >>> bool((encoder.encode_with(texts, "query", last)[0] == encoder.encode(texts, kind="query")).all())
        True
        """
        import numpy as np

        texts, _ = check_texts(texts)
        _check_kind(kind)
        if not texts:
            raise InputError("expected at least one text to encode_with; encode gives the empty array")
        units, owners = self._units(texts, self.spec.prefix(kind))

        def run(batch: list[list[int]]) -> list[np.ndarray]:
            import torch

            input_ids, mask = pad_ids(batch, self._pad_id, self.device)
            pooled = [mean_pool(states, mask) for states in forward(input_ids, mask)]
            return list(torch.stack(pooled, dim=1).cpu().numpy())  # one (tensors, dim) array per unit

        vectors = batched_map(
            run,
            units,
            batch_size=self.batch_size if batch_size is None else batch_size,
            desc=f"encoding with {self.spec.name}",
            progress=self.progress if progress is None else progress,
        )
        sums = np.zeros((len(vectors[0]), len(texts), self.dim), dtype=np.float64)
        for owner, unit, vector in zip(owners, units, vectors, strict=True):
            sums[:, owner] += len(unit) * vector  # windows weigh by their token counts
        norms = np.linalg.norm(sums, axis=2, keepdims=True)
        return list((sums / np.maximum(norms, 1e-12)).astype(np.float32))

    def _units(self, texts: list[str], prefix: str) -> tuple[list[list[int]], list[int]]:
        """Token id lists to run, special tokens included, and the text each belongs to."""
        encoded = self.tokenizer(
            [prefix + text for text in texts], add_special_tokens=False, verbose=False
        )["input_ids"]
        budget = self.max_tokens - len(self._head) - len(self._tail)
        prefix_ids = (
            self.tokenizer(prefix.rstrip(), add_special_tokens=False)["input_ids"] if prefix.strip() else []
        )
        units: list[list[int]] = []
        owners: list[int] = []
        for owner, ids in enumerate(encoded):
            if len(ids) <= budget:
                units.append(self._head + ids + self._tail)
                owners.append(owner)
                continue
            # Every window repeats the prefix, which the model expects at the start.
            lead = prefix_ids if prefix_ids and ids[: len(prefix_ids)] == prefix_ids else []
            window = budget - len(lead)
            if window < 1:
                raise UsageError(f"the prefix {prefix!r} leaves no room in {self.max_tokens} tokens; give max_tokens "
                                 "room for the text")
            for chunk in token_windows(ids[len(lead) :], window, stride=max(1, window * 3 // 4)):
                units.append(self._head + lead + chunk + self._tail)
                owners.append(owner)
        return units, owners

    def _last_hidden_state(self, input_ids: Any, mask: Any) -> list[Any]:
        return [self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InputError(f"expected kind to be 'passage' or 'query'; got {kind!r}")


def check_texts(texts: object, what: str = "texts") -> tuple[list[str], bool]:
    """The texts as a list, and whether a single ``str`` was given: what every model stage is given,
    refused when it is not text (a mapping or a table would be read as its keys, bytes as numbers).

    >>> check_texts("Le CAC 40 monte.")
    (['Le CAC 40 monte.'], True)
    """
    if isinstance(texts, str):
        return [texts], True
    refuse_keyed(texts, f"{what} to be a str or a list of str")
    if isinstance(texts, bytes) or not isinstance(texts, Iterable):
        raise InputError(f"expected {what} to be a str or a list of str, got {type(texts).__name__}")
    items = list(texts)
    for index, text in enumerate(items):
        if not isinstance(text, str):
            raise InputError(
                f"expected {what} to be str; item {index} is {type(text).__name__} ({text!r:.60}); "
                "decode bytes with .decode('utf-8') first"
            )
    return items, False


def pad_ids(rows: Sequence[list[int]], pad_id: int, device: Any) -> tuple[Any, Any]:
    """Token ids padded to the longest of ``rows``, and the attention mask, on ``device``.

    >>> ids, mask = pad_ids([[5, 6, 7], [8]], 0, "cpu")
    >>> ids.tolist(), mask.tolist()
    ([[5, 6, 7], [8, 0, 0]], [[1, 1, 1], [1, 0, 0]])
    """
    import torch

    width = max(len(ids) for ids in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for row, ids in enumerate(rows):
        input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        mask[row, : len(ids)] = 1
    return input_ids.to(device, non_blocking=True), mask.to(device, non_blocking=True)


def mean_pool(states: Any, mask: Any) -> Any:
    """The mean of the hidden states ``(batch, width, dim)`` over each row's real tokens (float32).

    >>> import torch
    >>> mean_pool(torch.tensor([[[1.0], [3.0], [9.0]]]), torch.tensor([[1, 1, 0]])).tolist()
    [[2.0]]
    """
    import torch

    weights = mask.unsqueeze(-1).to(torch.float32)
    return (states.to(torch.float32) * weights).sum(dim=1) / weights.sum(dim=1)


def shared_tokenizer(path: str | os.PathLike) -> Any:
    """The tokenizer of the checkpoint ``path``, read once per process and shared by every
    :class:`Encoder` of that checkpoint: reading e5-small's 250,000-piece vocabulary takes
    about 2 s, as long as loading its weights. Read again when a file of the checkpoint
    folder changes (e.g. ``stance models prepare --force``). Encoders only call it, so it
    must be treated as read-only.

    >>> from stance.registry import locate
    >>> shared_tokenizer(locate("e5-small")) is shared_tokenizer(locate("e5-small"))
    True
    """
    folder = Path(path)
    files: tuple[tuple[str, int, int], ...] = ()
    if folder.is_dir():
        # The files' sizes and modification times are part of the key: a rewritten checkpoint is read again.
        stats = ((file.name, file.stat()) for file in folder.iterdir() if file.is_file())
        files = tuple(sorted((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats))
    return _read_tokenizer(str(path), files)


@lru_cache(maxsize=4)
def _read_tokenizer(path: str, files: tuple) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)


def _takes_pooling_flag(config: Any) -> bool:
    import inspect

    from transformers import AutoModel

    try:
        model_class = AutoModel._model_mapping[type(config)]
    except (KeyError, AttributeError):
        return False
    return "add_pooling_layer" in inspect.signature(model_class.__init__).parameters
