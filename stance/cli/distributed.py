"""``stance run --engine ray`` and ``stance merge``: the command side of :mod:`stance.distributed`."""

from __future__ import annotations

import argparse
import heapq
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EXIT_FAILED, EXIT_OK, UsageError
from .options import positive_int

if TYPE_CHECKING:
    from .reporting import InputProblems

log = logging.getLogger("stance")


def add_engine_arguments(run: argparse.ArgumentParser) -> None:
    """The options of `stance run` that choose and size the engine."""
    group = run.add_argument_group(
        "scale-out (--engine ray)",
        "Run on Ray Data (pip install 'stance[ray]'): OUT is then a folder of JSONL parts plus manifest.json and "
        "_SUCCESS when complete (`stance merge OUT --out FILE.jsonl` joins them). INPUT may also be Parquet, "
        "JSON or CSV with id and text columns, or an object-store URI. Rerunning the same command resumes.",
    )
    group.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local (default): this process; ray: a Ray cluster (see --address)")
    group.add_argument("--address", metavar="ADDR",
                       help="the Ray cluster to use, e.g. ray://head:10001 or auto (default: start one here)")
    group.add_argument("--workers", type=positive_int, default=1, metavar="N",
                       help="model actors per stage (default 1)")
    group.add_argument("--summarize-gpus", type=float, default=0.0, metavar="F",
                       help="GPU share of each summarising actor, e.g. 0.5 (default 0: CPU)")
    group.add_argument("--classify-gpus", type=float, default=0.0, metavar="F",
                       help="GPU share of each stance actor (default 0: CPU); the default stages share one "
                       "encoder and run in one actor holding both shares")
    group.add_argument("--clean-batch", type=positive_int, default=256, metavar="N",
                       help="documents per cleaning task (default 256)")
    group.add_argument("--num-cpus", type=positive_int, metavar="N",
                       help="logical CPUs of a local cluster (default: this machine's, at least what the run needs)")


def add_merge_command(commands: argparse._SubParsersAction) -> None:
    """`stance merge OUT --out FILE.jsonl`."""
    merge = commands.add_parser(
        "merge",
        help="join the parts of a `stance run --engine ray` output folder into one JSONL, in id order",
        description="Join OUT/parts/*.jsonl into one JSONL sorted by id. Refuses a run that is not complete "
        "(no _SUCCESS) unless --allow-incomplete, and any id found twice.",
    )
    merge.add_argument("folder", metavar="OUT", help="the output folder of `stance run --engine ray`")
    merge.add_argument("--out", required=True, metavar="FILE.jsonl", help="the merged JSONL (replaced)")
    merge.add_argument("--allow-incomplete", action="store_true", help="merge the parts of an unfinished run")
    merge.set_defaults(func=run_merge)


def run_merge(args: argparse.Namespace) -> int:
    from ..distributed import merge_parts

    count = merge_parts(args.folder, args.out, allow_incomplete=args.allow_incomplete)
    log.info("merged %d records into %s", count, args.out)
    return EXIT_OK


def check_folder_outputs(args: argparse.Namespace) -> None:
    """The local engine's output checks for a run folder, before Ray starts or any model loads:
    the input exists, OUT is not the input (nor inside an input folder, where its parts would mix
    with the documents), OUT can be created as a folder, and the report is not one of the inputs
    and can be written."""
    from ..io import check_input, check_not_input, check_writable

    check_input(args.input)
    source, out = Path(args.input), Path(args.out)
    if out.resolve() == source.resolve() or (source.is_dir() and source.resolve() in out.resolve().parents):
        raise UsageError(f"--out {out} is the input folder {source} or inside it; the run folder must live apart "
                         "from the documents. Choose another --out folder.")
    check_not_input(out, source, "--out")
    check_writable(out, "--out", folder=True)
    if args.report:
        check_not_input(args.report, source, "--report")
        check_writable(args.report, "--report")


def run_ray(args: argparse.Namespace) -> int:
    """`stance run --engine ray`: the same stages as the local engine, on Ray Data."""
    if args.shard:
        raise UsageError("--shard splits the input by hand for the local engine; --engine ray splits it itself. "
                         "Leave out --shard (or use --engine local)")
    _refuse_clean_workers(args, "--engine ray cleans in Ray tasks spread over the cluster's CPUs (--clean-batch "
                          "documents each)")
    check_folder_outputs(args)
    if not _ray_installed():
        from ..errors import missing_dependency

        raise UsageError(f"--engine ray: {missing_dependency('ray[data]', 'ray')} (or use --engine local)")
    from ..distributed import run_distributed

    spec = _spec(args)
    from .reporting import InputProblems

    problems = InputProblems()

    result = run_distributed(
        args.input, args.out, spec, workers=args.workers, summarize_gpus=args.summarize_gpus,
        classify_gpus=args.classify_gpus,
        batch_size={"clean": args.clean_batch, "summarize": args.batch_docs, "classify": args.batch_docs},
        address=args.address, num_cpus=args.num_cpus, overwrite=args.overwrite, on_error=problems.report,
    )
    return _finish(args, result, problems)


def _ray_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("ray") is not None


def _spec(args: argparse.Namespace) -> object:
    from ..distributed import PipelineSpec

    return PipelineSpec(clean=not args.no_clean, summarizer=args.summarizer, backend=args.backend,
                        stance_model=args.stance_model, device=args.device, dtype=args.dtype,
                        line_model=None if args.line_model is None else str(Path(args.line_model).resolve()))


def run_into_folder(args: argparse.Namespace) -> int:
    """`stance run --out FOLDER/` with the local engine: resume (or finish) a run folder of
    `--engine ray` in this process, with the same checks and the same parts."""
    if args.shard:
        raise UsageError("--shard cannot write into a run folder (its _SUCCESS means every id is there); "
                         "use --engine ray, or an OUT.jsonl per shard")
    from ..distributed import run_local_into

    _refuse_clean_workers(args, "a run folder is resumed in this process alone")
    check_folder_outputs(args)
    spec = _spec(args)
    from .reporting import InputProblems

    problems = InputProblems()

    result = run_local_into(args.input, args.out, lambda: spec.build_local(batch_size=args.batch_docs),
                            spec.settings(), on_error=problems.report, overwrite=args.overwrite)
    return _finish(args, result, problems)


def _refuse_clean_workers(args: argparse.Namespace, why: str) -> None:
    if getattr(args, "clean_workers", 1) > 1:
        raise UsageError(f"--clean-workers is for the local engine writing OUT.jsonl: {why}. Leave it out")


def _finish(args: argparse.Namespace, result: object, problems: InputProblems) -> int:
    from .reporting import format_table, render_run_report

    run = _read_folder(result.out)
    print(format_table(run.records))
    stats = result.stats
    print(f"\n{stats.documents} documents processed, {stats.skipped} already done; "
          f"{result.manifest['counts']['records']} records in {result.out} ({result.manifest['status']})")
    if stats.documents:
        print("stage      seconds (summed over workers)  share")
        for stage, seconds in stats.seconds.items():
            print(f"{stage:<10} {seconds:10.2f}  {stats.share[stage]:6.1%}")
    report_path = Path(args.report) if args.report else result.out / "report.md"
    report_path.write_text(render_run_report(run, _PipelineView(result)), encoding="utf-8")
    log.info("report: %s; join the parts with: stance merge %s --out FILE.jsonl", report_path, result.out)
    return problems.exit_status(EXIT_OK if result.complete else EXIT_FAILED)


class _PipelineView:
    """What render_run_report reads from a pipeline (describe, stats), for a distributed run."""

    def __init__(self, result: object) -> None:
        self.result = result

    def describe(self) -> dict[str, str]:
        return self.result.describe()

    def stats(self) -> object:
        return self.result.stats


def _read_folder(out: Path, limit: int = 1000) -> object:
    """The records of a run folder in id order (the first ``limit``), as reporting.Run."""
    from ..distributed import read_parts
    from .reporting import Run

    run = Run(str(out))

    def records() -> Iterator[dict]:
        for _, _, record in read_parts(out):
            run.add(record)
            yield record

    run.records = heapq.nsmallest(limit, records(), key=lambda record: str(record["id"]))
    return run
