"""Backend ``lora``: the encoder fine-tuned for stance with LoRA adapters on its top layers (the default).

The adapters (``peft``) sit on the top ``layers`` transformer layers of the same
:class:`~stance.encode.Encoder` the other stages use, and are switched on only
while this classifier runs: the extractive summariser and the embedding head
keep seeing the base model, so one encoder stays in memory. A linear head reads
the E5 embedding (mean-pooled, unit length) of the adapted encoder; one
temperature calibrates its logits.

Training runs the frozen lower layers once and caches the hidden states that
enter the first adapted layer (in host memory: a batch goes to the device when a
step uses it, so a large training set does not fill a GPU); each step then runs only the top layers. That
is what makes a CPU fine-tune of ``e5-small`` fit in minutes; on a GPU the same
code fine-tunes a hub model (``layers`` up to all of them, bf16 autocast).

Documents use the same fact: their learnt aggregation reads this classifier's passage
probabilities and the embedding head's, and one pass of the base model gives the head's
passage embeddings and, through the adapted top layers, this classifier's
(:meth:`LoraStanceClassifier.aggregation_proba`). A passage alone is one adapted pass.

>>> from stance.classify import LoraStanceClassifier
>>> classifier = LoraStanceClassifier.load()                       # the shipped adapter
>>> classifier.predict(["Sanofi confirme ses objectifs annuels après un premier trimestre solide."])
['bullish']
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..document import LABELS
from ..encode import mean_pool, pad_ids
from ..errors import InputError, ModelNotAvailableError, StanceError, UnknownModelError, UsageError, whole_number
from ..io import file_sha256
from .base import (
    CARD_FILE,
    HEAD_FILE,
    WEIGHT_DECIMALS,
    HeadStanceClassifier,
    _check_labels,
    _check_settings,
    _check_texts,
    _log_loss,
    _softmax,
)
from .card import _write_atomic, _write_json
from .selection import _fit_temperature

if TYPE_CHECKING:
    from ..encode import Encoder

log = logging.getLogger("stance")

ADAPTER_FILE = "adapter_model.safetensors"
ADAPTER_CONFIG_FILE = "adapter_config.json"
HEAD_FORMAT = 1
ADAPTER_NAME = "stance"
# Every linear map of a BERT layer: attention query/key/value and output, feed-forward in and out.
LORA_TARGETS = ("query", "key", "value", "dense")
# The same maps in the encoders that name them otherwise (DeBERTa-v2/v3, mDeBERTa); lora_targets picks
# the names a model has.
TARGET_FAMILIES = (LORA_TARGETS, ("query_proj", "key_proj", "value_proj", "dense"))
# Sequences per pool that are sorted by length before being cut into batches (little padding).
POOL_BATCHES = 20


def default_lora_dir() -> Path:
    """The shipped default: ``stance/models/stance-lora`` inside the package.

    >>> (default_lora_dir() / "head.json").is_file()
    True
    """
    from ..registry import shipped

    return shipped("stance-lora")


def _require_peft() -> Any:
    try:
        import peft
    except ImportError as error:  # pragma: no cover - peft is a dependency; the message is for broken installs
        raise ModelNotAvailableError(
            "the lora stance backend needs the peft package; install it with `pip install peft`"
        ) from error
    return peft


# Keys of the adapter file, as peft's PeftModel.save_pretrained writes them.
PEFT_PREFIX = "base_model.model."


def _tuner_layers(model: Any) -> list[Any]:
    from peft.tuners.tuners_utils import BaseTunerLayer

    return [module for module in model.modules() if isinstance(module, BaseTunerLayer)]


def _has_adapter(model: Any) -> bool:
    return any(ADAPTER_NAME in getattr(module, "lora_A", {}) for module in _tuner_layers(model))


def _switch_adapter(model: Any, on: bool) -> None:
    """Turn the stance adapter of ``model`` on or off (peft's per-layer switches)."""
    for module in _tuner_layers(model):
        if on:
            module.set_adapter(ADAPTER_NAME)
        module.enable_adapters(on)


def _attach_adapter(model: Any, config: Any, seed: int) -> None:
    """A freshly initialised stance adapter on ``model`` (replacing an earlier one), left off."""
    import torch
    from peft import inject_adapter_in_model
    from peft.tuners.tuners_utils import delete_adapter

    if _has_adapter(model):
        delete_adapter(model, ADAPTER_NAME, prefix="lora_")
    if isinstance(getattr(model, "peft_config", None), dict):
        model.peft_config.pop(ADAPTER_NAME, None)  # peft keeps the config on the model; this one is replaced
        if not model.peft_config:  # none left: peft would take the empty attribute for other adapters, and warn
            del model.peft_config
    torch.manual_seed(seed)
    inject_adapter_in_model(config, model, adapter_name=ADAPTER_NAME)
    for name, parameter in model.named_parameters():
        if "lora_" in name and parameter.dtype != torch.float32:
            parameter.data = parameter.data.float()  # a bf16 encoder on a GPU: the adapter trains in fp32
    _switch_adapter(model, False)


def _adapter_weights(model: Any) -> dict[str, Any]:
    """The stance adapter's weights under peft's file keys (``...lora_A.weight``)."""
    marker = f".{ADAPTER_NAME}."
    return {
        PEFT_PREFIX + name.replace(marker, "."): tensor.detach().float().cpu().contiguous()
        for name, tensor in model.state_dict().items()
        if ("lora_A" in name or "lora_B" in name) and marker in name
    }


def _load_adapter_weights(model: Any, weights: dict[str, Any], source: str) -> None:
    own = {}
    for key, tensor in weights.items():
        name = key.removeprefix(PEFT_PREFIX)
        for part in ("lora_A", "lora_B"):
            name = name.replace(f".{part}.weight", f".{part}.{ADAPTER_NAME}.weight")
        own[name] = tensor
    expected = {name for name in model.state_dict() if f".{ADAPTER_NAME}." in name and "lora_" in name}
    if set(own) != expected:
        raise StanceError(
            f"{source}: the adapter weights do not fit the encoder ({len(set(own) - expected)} unknown, "
            f"{len(expected - set(own))} missing); load it with the encoder it was trained on"
        )
    model.load_state_dict(own, strict=False)


# Encoders whose layers take (hidden states, attention mask) alone, so that the top layers can rerun
# over cached states. Others (DeBERTa's relative positions, ...) take the full forward pass.
BERT_LIKE = frozenset({"bert", "roberta", "xlm-roberta", "camembert", "electra"})


def lora_targets(model: Any) -> list[str]:
    """The names of the linear maps the adapter goes on: a layer's attention query, key and value and its
    dense maps, as the model's family names them (:data:`TARGET_FAMILIES`). A model that has none of
    those names is refused, rather than given an adapter on part of its maps."""
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}  # with an adapter on too
    for family in TARGET_FAMILIES:
        if set(family) <= names:
            return list(family)
    raise InputError(
        f"expected an encoder whose layers have linear maps named {' / '.join(', '.join(f) for f in TARGET_FAMILIES)} "
        f"(BERT, XLM-R, E5, CamemBERT, DeBERTa); {type(model).__name__} has {', '.join(sorted(names)) or 'none'}: "
        "use --backend transformer to fine-tune it whole"
    )


def _layer_stack(model: Any) -> Any | None:
    """The transformer layers of a BERT-like encoder (:data:`BERT_LIKE`: BERT, XLM-R, CamemBERT,
    E5), or None."""
    if getattr(getattr(model, "config", None), "model_type", None) not in BERT_LIKE:
        return None
    layers = getattr(getattr(model, "encoder", None), "layer", None)
    return layers if layers is not None and hasattr(layers, "__getitem__") else None


@contextmanager
def _entering(layer: Any) -> Iterator[list[Any]]:
    """The hidden states entering ``layer`` on each forward pass run inside, caught by a hook removed on exit.

    ``output_hidden_states=True`` gives them too, but transformers then leaves hooks on every layer for good,
    closures that do not pickle: a pipeline that had classified a long document could no longer be copied to
    ``datasets``' or Ray's worker processes."""
    caught: list[Any] = []

    def catch(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        caught.append(args[0] if args else kwargs["hidden_states"])

    handle = layer.register_forward_pre_hook(catch, with_kwargs=True)
    try:
        yield caught
    finally:
        handle.remove()


def _pool(states: Any, mask: Any) -> Any:
    """E5 pooling: the unit-length mean of the hidden states over real tokens."""
    import torch

    return torch.nn.functional.normalize(mean_pool(states, mask), dim=-1)


def _pad(rows: Sequence[Any], device: Any) -> tuple[Any, Any]:
    """Cached hidden states (host memory) padded into one batch, with its attention mask, on ``device``."""
    import torch

    width = max(row.shape[0] for row in rows)
    states = rows[0].new_zeros((len(rows), width, rows[0].shape[1]))
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for index, row in enumerate(rows):
        states[index, : row.shape[0]] = row
        mask[index, : row.shape[0]] = 1
    return states.to(device), mask.to(device)


def _epoch_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch: shuffled, sorted by length within pools of batches, batches in shuffled order."""
    order = rng.permutation(len(lengths))
    batches: list[np.ndarray] = []
    pool = batch_size * POOL_BATCHES
    for start in range(0, len(order), pool):
        chunk = order[start : start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def domain_weights(domains: np.ndarray, balance: float) -> np.ndarray:
    """Per-text loss weights, mean 1: ``n_d ** -balance`` for a text of a domain with ``n_d``
    texts (0: every text counts alike; 1: every domain counts alike, however many texts it has).

    >>> domain_weights(np.array(["tweets", "tweets", "tweets", "fr"]), 1.0).round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    _, inverse, counts = np.unique(np.asarray(domains, dtype=str), return_inverse=True, return_counts=True)
    weight = counts[inverse].astype(np.float64) ** -float(balance)
    return weight / weight.mean()


def domain_scores(gold: np.ndarray, proba: np.ndarray, domains: np.ndarray) -> dict[str, dict[str, float]]:
    """Macro-F1, accuracy, mean confidence and ECE of each domain, and of all together."""
    from ..metrics import classification_scores, expected_calibration_error

    result: dict[str, dict[str, float]] = {}
    for name in [*sorted(set(domains.tolist())), "all"]:
        inside = np.ones(len(gold), dtype=bool) if name == "all" else domains == name
        predicted = proba[inside].argmax(axis=1)
        scores = classification_scores([LABELS[i] for i in gold[inside]], [LABELS[i] for i in predicted])
        confidence = proba[inside].max(axis=1)
        correct = predicted == gold[inside]
        result[name] = {
            "examples": int(inside.sum()),
            "macro_f1": round(scores["macro_f1"], 4),
            "accuracy": round(scores["accuracy"], 4),
            "mean_confidence": round(float(proba[inside].max(axis=1).mean()), 4),
            "ece": round(expected_calibration_error(confidence, correct), 4),
        }
    return result


class LoraStanceClassifier(HeadStanceClassifier):
    """The encoder fine-tuned for stance: LoRA adapters on its top ``layers``
    layers and a linear head on its E5 embedding, calibrated by one temperature.

    :meth:`fit` trains in three steps, all seeded (same data, same machine, same
    model): the frozen lower layers run once over the training texts; the head
    starts from a logistic regression on the frozen embeddings (C = ``head_C``);
    adapters and head are then trained together (AdamW, warm-up and linear
    decay, ``epochs`` passes). Calibration: with ``folds`` >= 2 the temperature is
    fitted on out-of-fold logits of a grouped, stratified cross-validation whose
    per-domain scores land in :attr:`cv_results_` (``folds`` extra trainings);
    with ``folds=0`` a stratified ``calibration_split`` of the texts is held out,
    scored (:attr:`cv_results_`) and used for the temperature, and the model is
    trained on the rest.

    >>> model = LoraStanceClassifier(layers=2, epochs=2).fit(texts, labels, domains=domains)  # doctest: +SKIP
    >>> model.save("runs/stance-lora")                                                       # doctest: +SKIP
    """

    backend = "lora"
    head_format = HEAD_FORMAT

    def __init__(
        self,
        encoder: str | Encoder = "e5-small",
        *,
        layers: int = 3,
        rank: int = 16,
        alpha: float | None = None,
        learning_rate: float = 3e-3,
        epochs: float = 3.0,
        batch_size: int = 32,
        max_length: int = 128,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.06,
        head_C: float = 10.0,
        domain_balance: float = 0.5,
        folds: int = 0,
        calibration_split: float = 0.1,
        seed: int = 0,
        device: str = "auto",
        dtype: str | None = None,
        progress: bool | None = None,
    ) -> None:
        _check_settings({"layers": layers, "rank": rank, "batch_size": batch_size, "max_length": max_length},
                        {"learning_rate": learning_rate, "epochs": epochs, "head_C": head_C})
        if isinstance(folds, bool) or not isinstance(folds, int) or folds == 1 or folds < 0:
            raise UsageError(f"expected folds = 0 (a calibration split) or a whole number >= 2, got {folds!r}")
        if folds == 0 and not 0 < calibration_split < 0.5:
            raise UsageError(f"expected calibration_split in (0, 0.5), got {calibration_split!r}")
        whole_number(seed, "seed", 0, below=2**32)
        if not 0 <= warmup_ratio < 1:
            raise UsageError(f"expected warmup_ratio in [0, 1), got {warmup_ratio!r}")
        if not 0 <= domain_balance <= 1:
            raise UsageError(f"expected domain_balance in [0, 1] (0: every text counts alike, 1: every domain "
                             f"counts alike), got {domain_balance!r}")
        super().__init__(encoder, device=device, batch_size=batch_size, dtype=dtype, progress=progress)
        self.layers = layers
        self.rank = rank
        self.alpha = float(alpha) if alpha is not None else float(2 * rank)
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.max_length = max_length
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.head_C = head_C
        self.domain_balance = float(domain_balance)
        self.folds = folds
        self.calibration_split = calibration_split
        self.seed = seed
        self.training_time_: float | None = None
        self.aggregation_: Any = None  # a DocumentAggregator, learnt from document labels by `stance train`
        self._adapter_ready = False
        self._companion: Any = None  # the embedding head the document aggregation also reads

    def __repr__(self) -> str:
        state = f"temperature={self.temperature_:.3f}" if self.coef_ is not None else "not fitted"
        return f"LoraStanceClassifier({self.encoder_name!r}, layers={self.layers}, rank={self.rank}, {state})"

    # the shared encoder and its adapter ------------------------------------------

    def _lora_config(self) -> Any:
        peft = _require_peft()
        total = int(self.encoder.model.config.num_hidden_layers)
        if self.layers > total:
            raise UsageError(f"expected layers <= {total} ({self.encoder_name} has {total} layers), got {self.layers}")
        return peft.LoraConfig(
            r=self.rank, lora_alpha=self.alpha, lora_dropout=0.0, target_modules=lora_targets(self.encoder.model),
            layers_to_transform=list(range(total - self.layers, total)), layers_pattern="layer", bias="none",
        )

    def _fresh_adapter(self, seed: int) -> None:
        """A newly initialised adapter named ``stance`` on the encoder (replacing an earlier one), left off."""
        _attach_adapter(self.encoder.model, self._lora_config(), seed)
        self._adapter_ready = True

    @contextmanager
    def adapter_on(self) -> Iterator[Any]:
        """The encoder's model with the stance adapter switched on; off again afterwards,
        so the other users of a shared encoder see the base model.

        >>> with LoraStanceClassifier.load().adapter_on() as model:     # doctest: +SKIP
        ...     model(**inputs)
        """
        if not self._adapter_ready:
            raise self._not_fitted()
        model = self.encoder.model
        _switch_adapter(model, True)
        try:
            yield model
        finally:
            _switch_adapter(model, False)

    def _autocast(self) -> Any:
        import torch

        encoder = self.encoder
        if encoder.dtype == torch.float32:
            return nullcontext()
        return torch.autocast(device_type=encoder.device.type, dtype=encoder.dtype)

    # training ------------------------------------------------------------------

    def _tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        prefix = self.encoder.spec.prefix("query")
        # never beyond the encoder's input limit (its positions): a longer text would crash the forward pass,
        # on a GPU with a device-side assert
        encoded = self.encoder.tokenizer([prefix + text for text in texts], truncation=True,
                                         max_length=min(self.max_length, self.encoder.max_tokens), verbose=False)
        return [list(ids) for ids in encoded["input_ids"]]

    def _cache(self, ids: list[list[int]], first: int) -> tuple[list[Any], np.ndarray]:
        """Hidden states entering layer ``first`` (one ``(length, hidden)`` tensor per text; None each for an
        encoder that is not BERT-like, which trains by full forward passes) and the frozen model's embeddings,
        from one pass of the base model."""
        import torch
        from tqdm.auto import tqdm

        model = self.encoder.model
        stack = _layer_stack(model)
        pad_id = self.encoder.tokenizer.pad_token_id or 0
        states: list[Any] = [None] * len(ids)
        embeddings = np.zeros((len(ids), int(model.config.hidden_size)), dtype=np.float64)
        order = np.argsort([len(row) for row in ids], kind="stable")
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        with torch.inference_mode(), self._autocast():
            for batch in tqdm(batches, desc="running the frozen layers", unit="batch",
                              disable=(not self.progress) if self.progress is not None else None):
                input_ids, mask = pad_ids([ids[i] for i in batch], pad_id, self.encoder.device)
                with _entering(stack[first]) if stack is not None else nullcontext([]) as caught:
                    output = model(input_ids=input_ids, attention_mask=mask)
                embeddings[batch] = _pool(output.last_hidden_state, mask).cpu().numpy()
                if not caught:
                    continue
                hidden = caught[0]
                for row, index in enumerate(batch):  # a copy in host memory (on the CPU, a copy that
                    # does not keep the whole batch's tensor alive)
                    state = hidden[row, : len(ids[index])].detach()
                    states[index] = state.clone() if state.device.type == "cpu" else state.to("cpu")
        return states, embeddings

    def _top(self, states: Any, mask: Any, first: int) -> Any:
        """The hidden states out of the layers from ``first`` on, run over ``states`` (those
        entering layer ``first``); adapted when the adapter is on."""
        from transformers.masking_utils import create_bidirectional_mask

        model = self.encoder.model
        attention = create_bidirectional_mask(config=model.config, inputs_embeds=states, attention_mask=mask)
        for layer in _layer_stack(model)[first:]:
            states = layer(states, attention)
        return states

    def _embed_rows(self, rows: np.ndarray, data: dict[str, Any]) -> Any:
        """Pooled adapted embeddings of training rows: from the cache, or (for encoders
        that are not BERT-like) a full forward pass."""
        if data["states"] is not None:
            states, mask = _pad([data["states"][i] for i in rows], self.encoder.device)
            return _pool(self._top(states, mask, data["first"]), mask)
        input_ids, mask = pad_ids([data["ids"][i] for i in rows], self.encoder.tokenizer.pad_token_id or 0,
                                   self.encoder.device)
        return _pool(self.encoder.model(input_ids=input_ids, attention_mask=mask).last_hidden_state, mask)

    def _train(self, rows: np.ndarray, y: np.ndarray, data: dict[str, Any], seed: int,
               desc: str) -> tuple[np.ndarray, np.ndarray, list[float]]:
        """Fresh adapter + head trained on ``rows``; returns the head and the loss per epoch
        (the adapter stays on the encoder)."""
        import torch
        from sklearn.linear_model import LogisticRegression
        from tqdm.auto import tqdm

        self._fresh_adapter(seed)
        model = self.encoder.model
        weight = domain_weights(data["domains"][rows], self.domain_balance)
        start = LogisticRegression(C=self.head_C, max_iter=5000).fit(
            data["embeddings"][rows], y[rows], sample_weight=weight
        )
        device = self.encoder.device
        head = torch.nn.Linear(start.coef_.shape[1], len(LABELS)).to(device)
        with torch.no_grad():
            head.weight.copy_(torch.as_tensor(start.coef_, dtype=torch.float32))
            head.bias.copy_(torch.as_tensor(start.intercept_, dtype=torch.float32))
        marker = f".{ADAPTER_NAME}."
        adapter = [p for name, p in model.named_parameters() if "lora_" in name and marker in name]
        for parameter in adapter:
            parameter.requires_grad_(True)
        optimizer = torch.optim.AdamW(
            [{"params": adapter, "weight_decay": self.weight_decay},
             {"params": list(head.parameters()), "weight_decay": 0.0}],
            lr=self.learning_rate,
        )
        per_epoch = math.ceil(len(rows) / self.batch_size)
        total = max(1, math.ceil(per_epoch * self.epochs))
        warmup = max(1, round(self.warmup_ratio * total))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
        )
        # fp16 gradients can underflow: scale the loss (a no-op in fp32 and bf16)
        scaler = torch.amp.GradScaler(device.type, enabled=self.encoder.dtype == torch.float16)
        rng = np.random.default_rng(seed)
        lengths = np.array([len(data["ids"][i]) for i in rows])
        targets = torch.as_tensor(y, device=device)
        weights = torch.zeros(len(y), dtype=torch.float32, device=device)
        weights[torch.as_tensor(rows, device=device)] = torch.as_tensor(weight, dtype=torch.float32, device=device)
        history: list[float] = []
        step = 0
        _switch_adapter(model, True)
        for parameter in adapter:  # peft's switch also sets requires_grad; make sure of it
            parameter.requires_grad_(True)
        model.train()
        try:
            with tqdm(total=total, desc=desc, unit="batch",
                      disable=(not self.progress) if self.progress is not None else None) as bar:
                while step < total:
                    losses = []
                    for batch in _epoch_batches(lengths, self.batch_size, rng):
                        if step >= total:
                            break
                        chosen = rows[batch]
                        with self._autocast():
                            logits = head(self._embed_rows(chosen, data).float())
                        loss = (torch.nn.functional.cross_entropy(logits.float(), targets[chosen], reduction="none")
                                * weights[chosen]).mean()
                        scaler.scale(loss).backward()
                        scaler.unscale_(optimizer)
                        torch.nn.utils.clip_grad_norm_([*adapter, *head.parameters()], 1.0)
                        scaler.step(optimizer)
                        scaler.update()
                        schedule.step()
                        optimizer.zero_grad(set_to_none=True)
                        losses.append(float(loss.detach()))
                        step += 1
                        bar.update(1)
                    history.append(round(float(np.mean(losses)), 6))
        finally:
            model.eval()
            _switch_adapter(model, False)
        for parameter in adapter:
            parameter.requires_grad_(False)
        coef = head.weight.detach().cpu().double().numpy()
        intercept = head.bias.detach().cpu().double().numpy()
        return coef, intercept, history

    def _logits_rows(self, rows: np.ndarray, data: dict[str, Any], coef: np.ndarray,
                     intercept: np.ndarray) -> np.ndarray:
        import torch

        out = np.zeros((len(rows), len(LABELS)))
        order = np.argsort([len(data["ids"][i]) for i in rows], kind="stable")
        with self.adapter_on(), torch.inference_mode(), self._autocast():
            for start in range(0, len(order), self.batch_size):
                chosen = order[start : start + self.batch_size]
                pooled = self._embed_rows(rows[chosen], data).float().cpu().numpy().astype(np.float64)
                out[chosen] = pooled @ coef.T + intercept
        return out

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        domains: Sequence[str] | None = None,
        groups: Sequence[Any] | None = None,
    ) -> LoraStanceClassifier:
        """Fine-tune on ``texts``/``labels``. ``domains`` (e.g. "tweets-en",
        "fr-news") stratify the splits and give the per-domain scores; ``groups``
        (near-duplicate clusters) keep related texts on one side of every split.
        Neither is ever a feature.

        >>> LoraStanceClassifier(epochs=1).fit(texts, labels, domains=domains).cv_results_["all"]  # doctest: +SKIP
        """
        import time

        import torch
        from sklearn.model_selection import StratifiedGroupKFold

        started = time.perf_counter()
        items, _ = _check_texts(texts)
        y = _check_labels(labels, len(items))
        domain = np.array(list(domains) if domains is not None else ["all"] * len(items), dtype=object)
        group = np.array(list(groups) if groups is not None else range(len(items)), dtype=object)
        if len(domain) != len(items) or len(group) != len(items):
            raise InputError(f"expected one domain and one group per text: {len(items)} texts, "
                             f"{len(domain)} domains, {len(group)} groups")
        counts = np.bincount(y, minlength=len(LABELS))
        needed = max(self.folds, 2)
        if counts.min() < needed:
            raise InputError(f"expected at least {needed} examples of each label, got "
                             f"{dict(zip(LABELS, counts.tolist(), strict=True))}; add examples")
        self._lora_config()  # layers the encoder does not have: refused before any text is encoded
        if self.max_length > self.encoder.max_tokens:
            log.warning("max_length %d is more than %s takes (%d tokens): training texts are cut at %d",
                        self.max_length, self.encoder_name, self.encoder.max_tokens, self.encoder.max_tokens)
        torch.manual_seed(self.seed)
        model = self.encoder.model
        for parameter in model.parameters():
            parameter.requires_grad_(False)
        ids = self._tokenize(items)
        stack = _layer_stack(model)
        first = int(model.config.num_hidden_layers) - self.layers
        states, embeddings = self._cache(ids, first)
        data = {"ids": ids, "states": states if stack is not None else None, "embeddings": embeddings, "first": first,
                "domains": domain}
        strata = np.array([f"{d}/{label}" for d, label in zip(domain, y, strict=True)])
        # Group ids must be comparable: map them to integers in order of appearance.
        group_ids = np.unique(np.array([str(g) for g in group]), return_inverse=True)[1]
        everything = np.arange(len(items))
        if self.folds >= 2:
            smallest = int(np.unique(strata, return_counts=True)[1].min())
            if smallest < self.folds:
                raise InputError(f"expected at least {self.folds} examples of each label in each domain for "
                                 f"{self.folds}-fold cross-validation, the smallest has {smallest}; add examples, or "
                                 "lower --folds (folds= in Python)")
            splits = list(StratifiedGroupKFold(self.folds, shuffle=True, random_state=self.seed)
                          .split(everything, strata, group_ids))
            held_out = np.zeros((len(items), len(LABELS)))
            for number, (train, test) in enumerate(splits):
                coef, intercept, _ = self._train(train, y, data, self.seed + 1 + number,
                                                 f"cross-validation {number + 1}/{self.folds}")
                held_out[test] = self._logits_rows(test, data, coef, intercept)
            scored = everything
            final_rows = everything
        else:
            # A tenth by default; fewer parts when a domain has fewer examples of a label than that.
            smallest = int(np.unique(strata, return_counts=True)[1].min())
            parts = max(2, min(round(1 / self.calibration_split), smallest))
            final_rows, scored = next(StratifiedGroupKFold(parts, shuffle=True, random_state=self.seed)
                                      .split(everything, strata, group_ids))
        coef, intercept, history = self._train(final_rows, y, data, self.seed, f"fine-tuning {self.encoder_name}")
        if self.folds < 2:
            held_out = np.zeros((len(items), len(LABELS)))
            held_out[scored] = self._logits_rows(scored, data, coef, intercept)
        temperature = _fit_temperature(held_out[scored], y[scored])
        proba = _softmax(held_out[scored] / temperature)
        self.coef_ = np.round(coef, WEIGHT_DECIMALS)
        self.intercept_ = np.round(intercept, WEIGHT_DECIMALS)
        self.temperature_ = round(temperature, WEIGHT_DECIMALS)
        self.cv_results_ = {
            "method": f"{self.folds}-fold cross-validation" if self.folds >= 2
            else f"held-out calibration split ({len(scored)} texts, 1/{parts})",
            "grouped_by": "near-duplicate groups" if groups is not None else "none",
            "stratified_by": "domain and label",
            "seed": self.seed,
            "temperature": round(temperature, 4),
            "log_loss": round(_log_loss(held_out[scored] / temperature, y[scored]), 4),
            "log_loss_uncalibrated": round(_log_loss(held_out[scored], y[scored]), 4),
            "domains": domain_scores(y[scored], proba, domain[scored]),
            "history": history,
        }
        self.training_time_ = round(time.perf_counter() - started, 1)
        self.trained_ = datetime.date.today().isoformat()
        self.trained_on_ = self.encoder.device.type
        return self

    # prediction ----------------------------------------------------------------

    def _features(self, texts: list[str]) -> np.ndarray:
        """The adapted encoder's embeddings (float64), the adapter switched on only meanwhile."""
        with self.adapter_on():
            return np.asarray(self.encoder.encode(texts, kind="query"), dtype=np.float64)

    def companion_head(self) -> Any:
        """The embedding head whose passage probabilities the document aggregation reads
        next to this classifier's (the shipped ``stance-head`` unless the aggregation names
        another folder), on the same encoder in memory: it sees the base model, the adapter
        being on only while this classifier runs."""
        if self._companion is None:
            from .embedding import EmbeddingStanceClassifier, default_head_dir

            inputs = getattr(self.aggregation_, "inputs", None) or {}
            folder = inputs.get("embedding_head")
            path = default_head_dir() if folder in (None, "stance-head") else Path(folder)
            head = EmbeddingStanceClassifier.load(path, encoder=self.encoder, batch_size=self.batch_size,
                                                  progress=self.progress)
            expected = inputs.get("embedding_head_sha256")
            if expected and file_sha256(path / HEAD_FILE) != expected:
                log.warning("the embedding head at %s is not the one the document aggregation was fitted with; "
                            "document stances may drift: retrain with `stance train --aggregation-only --out DIR`",
                            path)
            self._companion = head
        return self._companion

    def _embeddings(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The base model's embeddings of ``texts`` and the adapted model's (float64), from one
        pass of the frozen lower layers: the base model runs with the adapter off, then the
        adapted top layers run again over the hidden states entering the first of them. Both
        are exactly ``encoder.encode(texts, kind="query")`` with the adapter off and on (same
        prefix, windows, batches, pooling; :meth:`Encoder.encode_with`), for a BERT-like encoder."""
        model = self.encoder.model
        first = int(model.config.num_hidden_layers) - self.layers

        def both(input_ids: Any, mask: Any) -> list[Any]:
            with _entering(_layer_stack(model)[first]) as caught:
                output = model(input_ids=input_ids, attention_mask=mask)
            with self.adapter_on():
                adapted = self._top(caught[0], mask, first)
            return [output.last_hidden_state, adapted]

        base, adapted = self.encoder.encode_with(texts, "query", both)
        return np.asarray(base, dtype=np.float64), np.asarray(adapted, dtype=np.float64)

    def aggregation_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """This classifier's probabilities of ``texts`` (the passages of a document) and what
        the document aggregation reads for them: the mean of these and the embedding head's
        when the aggregation was fitted so (``aggregation_.inputs["passage_models"]``), else
        the same probabilities.

        When the embedding head runs on this classifier's encoder (the shipped case), one pass
        of the frozen lower layers serves both (:meth:`_embeddings`): the adapter touches only
        the top layers. Otherwise (an encoder that is not BERT-like, a head on another
        encoder) each model runs on its own; the probabilities are the same either way.

        >>> passages = ["Le titre s'envole après les résultats.", "Le conseil se réunira le 12 mars."]
        >>> proba, read = LoraStanceClassifier.load().aggregation_proba(passages)
        >>> proba.shape, read.shape
        ((2, 3), (2, 3))
        """
        from .embedding import EmbeddingStanceClassifier

        items, _ = _check_texts(texts)
        inputs = getattr(self.aggregation_, "inputs", None) or {}
        if "embedding" not in inputs.get("passage_models", ()) or not items:
            proba = self.predict_proba(items)
            return proba, proba
        head = self.companion_head()
        if (isinstance(head, EmbeddingStanceClassifier) and head.encoder is self.encoder
                and _layer_stack(self.encoder.model) is not None):
            if self.coef_ is None:
                raise self._not_fitted()
            base, adapted = self._embeddings(items)
            proba = _softmax(self._logits(adapted))
            other = _softmax(head._logits(head._features(items, passage=base)))
        else:
            proba = self.predict_proba(items)
            other = np.asarray(head.predict_proba(items), dtype=np.float64)
        return proba, (proba + other) / 2

    # persistence ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """``head.json``: the head, temperature, settings, scores and provenance (plain JSON)."""
        header = self._head_fields()
        import peft
        import sklearn
        import torch
        import transformers

        from .. import __version__

        return {
            **header,
            "pooling": "mean, L2-normalised",
            "adapter": {"file": ADAPTER_FILE, "config": ADAPTER_CONFIG_FILE, "layers": self.layers,
                        "rank": self.rank, "alpha": self.alpha, "targets": lora_targets(self.encoder.model)},
            "hyperparameters": {
                "learning_rate": self.learning_rate, "epochs": self.epochs, "batch_size": self.batch_size,
                "max_length": self.max_length, "weight_decay": self.weight_decay,
                "warmup_ratio": self.warmup_ratio, "head_C": self.head_C, "domain_balance": self.domain_balance,
                "folds": self.folds,
                "calibration_split": self.calibration_split, "seed": self.seed,
            },
            **self._weight_fields(),
            "aggregation": self.aggregation_.to_dict() if self.aggregation_ is not None else None,
            "trained": self.trained_,
            # a GPU's kernels are not deterministic: the card says so (CPU artefacts keep their layout)
            **({"trained_on": self.trained_on_} if getattr(self, "trained_on_", "cpu") != "cpu" else {}),
            "training_time_s": self.training_time_,
            "training_data": self.training_data_,
            "cross_validation": self.cv_results_,
            "versions": {"stance": __version__, "torch": torch.__version__, "transformers": transformers.__version__,
                         "peft": peft.__version__, "scikit-learn": sklearn.__version__},
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write the adapter (``adapter_model.safetensors`` + ``adapter_config.json``, the
        peft layout), ``head.json`` and the card ``README.md`` into the folder ``path``.

        >>> classifier.save("/tmp/stance-lora")                             # doctest: +SKIP
        PosixPath('/tmp/stance-lora')
        """
        from safetensors.torch import save

        from .card import lora_card

        data = self.to_dict()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        # safetensors' save_file creates the file private (0600); a shipped artefact must be readable.
        payload = save(_adapter_weights(self.encoder.model), metadata={"format": "pt"})
        config = self._lora_config().to_dict()
        config["base_model_name_or_path"] = self.encoder_name
        config = {key: sorted(value) if isinstance(value, set) else value for key, value in config.items()}
        # head.json goes before the other files change and comes back last: a save cut short (Ctrl-C, a
        # full disk) leaves a folder that does not load, never a new adapter beside the old head.
        (folder / HEAD_FILE).unlink(missing_ok=True)
        temporary = folder / f".{ADAPTER_FILE}.tmp"
        temporary.write_bytes(payload)
        os.replace(temporary, folder / ADAPTER_FILE)
        _write_json(folder / ADAPTER_CONFIG_FILE, config)
        _write_atomic(folder / CARD_FILE, lora_card(data, adapter_bytes=len(payload)))
        _write_json(folder / HEAD_FILE, data)
        return folder

    @classmethod
    def load(
        cls,
        path: str | os.PathLike | None = None,
        *,
        encoder: str | Encoder | None = None,
        device: str = "auto",
        batch_size: int = 32,
        dtype: str | None = None,
        progress: bool | None = None,
        aggregation: bool = True,
    ) -> LoraStanceClassifier:
        """A classifier saved by :meth:`save` (default: the shipped one, :func:`default_lora_dir`).

        ``encoder`` is the encoder to attach the adapter to (an :class:`Encoder`
        instance shared with other stages, which keep seeing the base model).
        ``aggregation=False`` leaves the saved document aggregation out (to refit it).

        >>> LoraStanceClassifier.load().encoder_name
        'e5-small'
        """
        from safetensors.torch import load_file

        folder = Path(path) if path is not None else default_lora_dir()
        head_path = folder / HEAD_FILE
        if not head_path.is_file() or not (folder / ADAPTER_FILE).is_file():
            error = ModelNotAvailableError if path is None else UnknownModelError
            raise error(
                f"no trained lora stance classifier at {folder} (expected {HEAD_FILE} and {ADAPTER_FILE}); train one "
                "with `stance train --backend lora --out DIR`, or pass the folder of a saved one"
            )
        try:
            data = json.loads(head_path.read_text(encoding="utf-8"))
            config = json.loads((folder / ADAPTER_CONFIG_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise (UnknownModelError if path is not None else StanceError)(
                f"{folder}: cannot read the classifier ({error}); retrain it with `stance train`"
            ) from error
        cls._check_head(data, head_path, named=path is not None)
        hyper = data["hyperparameters"]
        adapter = data["adapter"]
        model = cls(
            encoder if encoder is not None else data["encoder"],
            layers=adapter["layers"], rank=adapter["rank"], alpha=adapter["alpha"],
            **{key: hyper[key] for key in ("learning_rate", "epochs", "max_length", "weight_decay", "warmup_ratio",
                                           "head_C", "folds", "calibration_split", "seed")},
            domain_balance=float(hyper.get("domain_balance", 0.0)),
            batch_size=batch_size, device=device, dtype=dtype, progress=progress,
        )
        peft = _require_peft()
        network = model.encoder.model
        settings = {key: value for key, value in config.items()
                    if key in peft.LoraConfig.__dataclass_fields__ and key not in ("peft_type", "task_type")}
        _attach_adapter(network, peft.LoraConfig(**settings), model.seed)
        _load_adapter_weights(network, load_file(str(folder / ADAPTER_FILE)), str(folder / ADAPTER_FILE))
        for parameter in network.parameters():
            parameter.requires_grad_(False)
        _switch_adapter(network, False)
        model._adapter_ready = True
        model._set_head(data)
        model.training_time_ = data.get("training_time_s")
        model.trained_on_ = data.get("trained_on", "cpu")
        if aggregation and data.get("aggregation"):
            from .documents import DocumentAggregator

            model.aggregation_ = DocumentAggregator.from_dict(data["aggregation"])
        return model
