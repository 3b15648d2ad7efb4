"""Backend ``transformer``: fine-tunes any ``AutoModelForSequenceClassification`` checkpoint."""

from __future__ import annotations

import datetime
import json
import logging
import math
import os
from abc import abstractmethod
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from ..document import LABELS
from ..errors import InputError, ModelNotAvailableError, StanceError, UsageError
from ..segmentation import chunk
from .base import StanceClassifier, _check_labels, _check_settings, _check_texts, _softmax
from .card import _write_json

if TYPE_CHECKING:
    pass

log = logging.getLogger("stance")


META_FILE = "stance-classifier.json"


def _label_order(config: Any, path: str) -> list[int]:
    """For each of LABELS, the index of the model output that gives it."""
    names = {str(name).strip().lower(): int(index) for index, name in (config.id2label or {}).items()}
    missing = [label for label in LABELS if label not in names]
    if missing:
        raise ModelNotAvailableError(
            f"{path}: expected a stance model whose labels are {list(LABELS)}, got "
            f"{sorted(names)}; fine-tune it first with `stance train --backend transformer --model {path}`"
        )
    return [names[label] for label in LABELS]


class _SequenceModel:
    """A Hugging Face sequence-classification model on a device, with a batched
    forward pass over (first, second) text pairs that never truncates silently:
    a first text too long for the model is cut into chunks whose logits are
    averaged, weighted by their token counts."""

    def __init__(self, path: str, spec: Any, device: str, dtype: str | None, max_length: int | None,
                 prefix: str = "", **load_options: Any) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from ..runtime import input_limit, loading, resolve_device, resolve_dtype

        self.path = path
        self.spec = spec
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(self.device, dtype, bf16_ok=spec.bf16_ok, fp16_ok=spec.fp16_ok)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        # fp32 weights and autocast for bf16/fp16: one path for training and inference. transformers 5
        # loads a checkpoint in the dtype it was saved in unless told: a bf16 or fp16 hub checkpoint would
        # then train in half precision (AdamW steps rounded away, or fp16 gradients that cannot be unscaled).
        with loading():
            self.network = AutoModelForSequenceClassification.from_pretrained(
                path, **{"dtype": torch.float32, **load_options}).to(self.device)
        self.network.eval()
        if self.tokenizer.pad_token is None and self.tokenizer.eos_token is not None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
            self.network.config.pad_token_id = self.tokenizer.eos_token_id
        self.prefix = prefix
        self.max_length = input_limit(spec, self.tokenizer, self.network.config, max_length)

    def autocast(self) -> Any:
        import torch

        if self.dtype == torch.float32:
            return nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.dtype)

    def count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def encode(self, first: list[str], second: list[str] | None = None) -> list[dict]:
        args = ([self.prefix + text for text in first],) if second is None else (
            [self.prefix + text for text in first], second)
        encoded = self.tokenizer(*args, truncation="only_first" if second is not None else True,
                                 max_length=self.max_length, verbose=False)
        keys = [key for key in ("input_ids", "attention_mask", "token_type_ids") if key in encoded]
        return [{key: encoded[key][row] for key in keys} for row in range(len(first))]

    def batch(self, features: list[dict]) -> dict[str, Any]:
        padded = self.tokenizer.pad(features, return_tensors="pt")
        return {key: value.to(self.device) for key, value in padded.items()}

    def logits(self, first: list[str], seconds: Sequence[str] | None, batch_size: int, progress: bool | None,
               desc: str) -> np.ndarray:
        """``(len(first), len(seconds) or 1, num_labels)`` logits: every first text
        paired with every second text (or alone when ``seconds`` is None)."""
        from ..runtime import batched_map

        reserve = self.tokenizer.num_special_tokens_to_add(pair=seconds is not None)
        reserve += max((self.count(text) for text in seconds), default=0) if seconds else 0
        reserve += self.count(self.prefix) if self.prefix else 0
        budget = self.max_length - reserve
        if budget < 8:
            raise StanceError(
                f"{self.spec.name} takes {self.max_length} tokens, which leaves {budget} for the text after the "
                "special tokens, prefix and hypothesis; use shorter hypotheses or a model with a longer input"
            )
        units: list[tuple[int, int, str, str | None]] = []  # (owner, column, chunk, second)
        for owner, text in enumerate(first):
            for piece in chunk(text, lambda part: self.count(part) <= budget):
                for column, second in enumerate(seconds if seconds is not None else [None]):
                    units.append((owner, column, piece, second))
        firsts = [unit[2] for unit in units]
        encoded = self.encode(firsts, None if seconds is None else [str(unit[3]) for unit in units])

        def run(batch: list[dict]) -> list[np.ndarray]:
            with self.autocast():
                output = self.network(**self.batch(batch)).logits
            return list(output.float().cpu().numpy())

        rows = batched_map(run, encoded, batch_size=batch_size, length=lambda item: len(item["input_ids"]),
                           desc=desc, progress=progress)
        columns = len(seconds) if seconds is not None else 1
        sums = np.zeros((len(first), columns, self.network.config.num_labels))
        weights = np.zeros((len(first), columns, 1))
        for (owner, column, _, _), item, row in zip(units, encoded, rows, strict=True):
            size = len(item["input_ids"])
            sums[owner, column] += size * row
            weights[owner, column] += size
        return sums / np.maximum(weights, 1)


class _CheckpointStanceClassifier(StanceClassifier):
    """The backends that run a Hugging Face checkpoint (:class:`_SequenceModel`) and keep
    stance's settings beside it in ``META_FILE``: one way to save and load them."""

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        *,
        device: str = "auto",
        dtype: str | None = None,
        batch_size: int = 16,
        progress: bool | None = None,
    ) -> Self:
        """A classifier saved by its ``save`` (for ``transformer``, also any sequence
        classifier whose labels are bullish, skeptical and neutral).

        >>> TransformerStanceClassifier.load("runs/xlmr-stance", device="cuda")  # doctest: +SKIP
        >>> ZeroShotStanceClassifier.load("runs/zero-shot")                       # doctest: +SKIP
        """
        meta_path = Path(path) / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else None
        return cls._from_meta(str(path), meta, device=device, dtype=dtype, batch_size=batch_size, progress=progress)

    @classmethod
    @abstractmethod
    def _from_meta(cls, reference: str, meta: dict[str, Any] | None, **runtime: Any) -> Self:
        """The classifier at ``reference`` from its saved settings (``None``: no ``META_FILE`` there)."""

    @staticmethod
    def _save_meta(path: str | os.PathLike, meta: dict[str, Any]) -> Path:
        """Write stance's settings into the folder ``path`` (created if needed); returns the folder."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(folder / META_FILE, meta)
        return folder


class TransformerStanceClassifier(_CheckpointStanceClassifier):
    """Fine-tunes any ``AutoModelForSequenceClassification`` checkpoint (a registry
    name such as ``e5-small``, a hub id such as ``xlm-roberta-base`` or
    ``camembert-base``, or a local folder) into a three-label stance classifier.

    A plain PyTorch loop: AdamW, linear warm-up and decay, gradient clipping,
    ``gradient_accumulation_steps``, and on a GPU bf16 autocast (fp16 with loss
    scaling if asked) over fp32 weights; seeded, so a run is repeatable on the
    same device. Training texts longer than the model's input are truncated;
    prediction never truncates (long texts are chunked).

    >>> model = TransformerStanceClassifier("xlm-roberta-base", epochs=3).fit(texts, labels)  # doctest: +SKIP
    >>> model.save("runs/xlmr-stance")                                                        # doctest: +SKIP
    """

    backend = "transformer"

    def __init__(
        self,
        model: str = "e5-small",
        *,
        epochs: float = 3,
        learning_rate: float = 3e-5,
        batch_size: int = 16,
        gradient_accumulation_steps: int = 1,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.1,
        max_length: int | None = None,
        seed: int = 0,
        device: str = "auto",
        dtype: str | None = None,
        progress: bool | None = None,
    ) -> None:
        _check_settings({"batch_size": batch_size, "gradient_accumulation_steps": gradient_accumulation_steps},
                        {"epochs": epochs, "learning_rate": learning_rate})
        if not 0 <= warmup_ratio < 1:
            raise UsageError(f"expected warmup_ratio in [0, 1), got {warmup_ratio!r}")
        self.model = str(model)
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.max_length = max_length
        self.seed = seed
        self.device = device
        self.dtype = dtype
        self.progress = progress
        self._runner: _SequenceModel | None = None
        self._order: list[int] | None = None
        self.history_: list[float] = []
        self.trained_: str | None = None

    def __repr__(self) -> str:
        return f"TransformerStanceClassifier({self.model!r}, {'fitted' if self._runner else 'not fitted'})"

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TransformerStanceClassifier:
        """Fine-tune the checkpoint on ``texts``/``labels``; ``history_`` holds the mean loss of each epoch.

        >>> TransformerStanceClassifier("camembert-base", device="cuda").fit(texts, labels)  # doctest: +SKIP
        """
        import torch
        from tqdm.auto import tqdm
        from transformers import get_linear_schedule_with_warmup, set_seed

        from ..registry import get_spec, locate

        items, _ = _check_texts(texts)
        y = _check_labels(labels, len(items))
        if not items:
            raise InputError("expected at least one training text, got none")
        counts = np.bincount(y, minlength=len(LABELS))
        if (counts == 0).any():
            found = dict(zip(LABELS, counts.tolist(), strict=True))
            raise InputError(f"expected training texts of every label, got {found}; add examples of the missing labels")
        set_seed(self.seed)
        spec = get_spec(self.model)
        runner = _SequenceModel(
            locate(self.model), spec, self.device, self.dtype, self.max_length, prefix=spec.prefix("query"),
            num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
            label2id={label: index for index, label in enumerate(LABELS)},
            # a checkpoint with another classification head gets a fresh three-label one
            ignore_mismatched_sizes=True,
        )
        network = runner.network
        features = runner.encode(items)
        per_epoch = math.ceil(len(items) / self.batch_size)
        total = max(1, math.ceil(per_epoch * self.epochs / self.gradient_accumulation_steps))
        decay = [p for n, p in network.named_parameters() if p.ndim > 1 and "norm" not in n.lower()]
        no_decay = [p for n, p in network.named_parameters() if not (p.ndim > 1 and "norm" not in n.lower())]
        optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": self.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=self.learning_rate,
        )
        schedule = get_linear_schedule_with_warmup(optimizer, round(self.warmup_ratio * total), total)
        scaler = torch.amp.GradScaler(runner.device.type, enabled=runner.dtype == torch.float16)
        generator = torch.Generator().manual_seed(self.seed)
        targets = torch.as_tensor(y)
        network.train()
        self.history_ = []
        batches_left = math.ceil(per_epoch * self.epochs)
        micro = 0
        with tqdm(total=batches_left, desc=f"fine-tuning {spec.name}", unit="batch",
                  disable=(not self.progress) if self.progress is not None else None) as bar:
            while batches_left > 0:
                order = torch.randperm(len(items), generator=generator).tolist()
                losses = []
                for start in range(0, len(order), self.batch_size):
                    if batches_left == 0:
                        break
                    rows = order[start : start + self.batch_size]
                    inputs = runner.batch([features[row] for row in rows])
                    with runner.autocast():
                        loss = network(**inputs, labels=targets[rows].to(runner.device)).loss
                    scaler.scale(loss / self.gradient_accumulation_steps).backward()
                    micro += 1
                    batches_left -= 1
                    if micro % self.gradient_accumulation_steps == 0 or batches_left == 0:
                        scaler.unscale_(optimizer)
                        torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                        scaler.step(optimizer)
                        scaler.update()
                        schedule.step()
                        optimizer.zero_grad(set_to_none=True)
                    losses.append(float(loss.detach().float().cpu()))
                    bar.update(1)
                self.history_.append(float(np.mean(losses)))
        network.eval()
        self._runner = runner
        self._order = list(range(len(LABELS)))
        self.trained_ = datetime.date.today().isoformat()
        return self

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Probabilities ``(n, 3)`` in :data:`LABELS` order (``(3,)`` for a str).

        >>> TransformerStanceClassifier.load("runs/xlmr-stance").predict_proba(["Vendez."]).shape  # doctest: +SKIP
        (1, 3)
        """
        if self._runner is None or self._order is None:
            raise self._not_fitted()
        items, single = _check_texts(texts)
        if not items:
            return np.zeros((0, len(LABELS)))
        logits = self._runner.logits(items, None, self.batch_size, self.progress, "classifying stance")[:, 0, :]
        proba = _softmax(logits[:, self._order])
        return proba[0] if single else proba

    def save(self, path: str | os.PathLike) -> Path:
        """``save_pretrained`` of the model and tokenizer into ``path``, plus stance's settings."""
        if self._runner is None:
            raise self._not_fitted()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self._runner.network.save_pretrained(folder)
        self._runner.tokenizer.save_pretrained(folder)
        meta = {
            "backend": self.backend, "labels": list(LABELS), "base_model": self.model,
            "prefix": self._runner.prefix, "max_length": self._runner.max_length, "trained": self.trained_,
            "training": {key: getattr(self, key) for key in (
                "epochs", "learning_rate", "batch_size", "gradient_accumulation_steps", "weight_decay",
                "warmup_ratio", "seed")},
            "history": self.history_,
        }
        return self._save_meta(folder, meta)

    @classmethod
    def _from_meta(
        cls,
        reference: str,
        meta: dict[str, Any] | None,
        *,
        device: str,
        dtype: str | None,
        batch_size: int,
        progress: bool | None,
    ) -> TransformerStanceClassifier:
        """A fine-tuned stance checkpoint: one saved by :meth:`save` (``meta``), or any
        sequence classifier whose labels are bullish, skeptical and neutral (``meta`` None)."""
        from ..registry import get_spec, locate

        meta = meta or {}
        spec = get_spec(reference)
        prefix = meta.get("prefix", spec.prefix("query"))
        model = cls(meta.get("base_model", reference), device=device, dtype=dtype, batch_size=batch_size,
                    progress=progress)
        runner = _SequenceModel(locate(reference), spec, device, dtype, meta.get("max_length"), prefix=prefix)
        model._order = _label_order(runner.network.config, reference)
        model._runner = runner
        model.history_ = list(meta.get("history", []))
        model.trained_ = meta.get("trained")
        return model
