"""The Ray Data engine: adapters and pre-flight checks without Ray, then (slow) runs on a
small local cluster with the tiny test models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stance.classify import load_classifier
from stance.document import Document
from stance.errors import InputError, StanceError, UsageError
from stance.pipeline import Pipeline
from stance.summarize import LeadSummarizer
from tests.test_pipeline import DOCS, ENGLISH

distributed = pytest.importorskip("stance.distributed")
ROOT = Path(__file__).resolve().parents[1]

# Extra documents beside the test pipeline's: an empty one, a foreign one, a cp1252 file.
MORE = {"e1": "", "e2": ENGLISH}


def _docs() -> dict[str, str]:
    return {**DOCS, **MORE}


@pytest.fixture(scope="module")
def head_dir(tiny_head_dir: Path) -> Path:
    """The tiny embedding stance head of test_pipeline (fixed hyper-parameters), saved to a folder."""
    return tiny_head_dir


def _spec(head: Path, **options: Any) -> Any:
    return distributed.PipelineSpec(**{"summarizer": "lead", "backend": "embedding", "stance_model": str(head),
                                       "device": "cpu", **options})


def _expected(head: Path) -> list[dict]:
    """What Pipeline.run gives on the same documents, in id order."""
    classifier = load_classifier("embedding", str(head), device="cpu")
    pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=classifier, progress=False)
    return sorted(pipeline.run([Document(k, v) for k, v in _docs().items()]), key=lambda r: r["id"])


def _batch(docs: dict[str, str]) -> dict[str, list]:
    return {"id": list(docs), "text": list(docs.values()), "warnings": ["[]"] * len(docs)}


# ----------------------------------------------------------------------------- adapters, without Ray


def test_the_stage_adapters_give_the_records_of_pipeline_run(head_dir: Path, tmp_path: Path) -> None:
    """Clean task, then the summarise pool and the classify pool (the spec splits them:
    no shared encoder), called as Ray would call them."""
    spec = _spec(head_dir)
    assert distributed._pools(spec) == [("summarize",), ("classify",)]
    cleaned = distributed._CleanTask(spec.make_cleaner(), None)(_batch(_docs()))
    summarised = distributed._ModelActor(spec, ("summarize",), spec.stages(), None)(cleaned)
    parts = tmp_path / "parts"
    parts.mkdir()
    row = distributed._ModelActor(spec, ("classify",), spec.stages(), str(parts))(summarised)
    assert row["documents"] == [len(_docs())] and row["part"][0].startswith("part-")
    assert json.loads(row["flags"][0]) == {"empty document": 1, "not French": 1}
    assert json.loads(row["reasons"][0])  # the furniture lines dropped, counted by reason
    assert all(row[f"seconds_{stage}"][0] > 0 for stage in ("clean", "summarize", "classify"))
    lines = (parts / row["part"][0]).read_text(encoding="utf-8").splitlines()
    records = sorted((json.loads(line) for line in lines), key=lambda r: r["id"])
    assert records == _expected(head_dir)
    assert not list(parts.glob(".tmp-*"))


def test_a_cleaning_only_run_writes_clean_records(tmp_path: Path) -> None:
    spec = distributed.PipelineSpec(summarizer=None, backend=None)
    assert distributed._pools(spec) == []
    row = distributed._CleanTask(spec.make_cleaner(), str(tmp_path))(_batch(DOCS))
    records = [json.loads(line) for line in (tmp_path / row["part"][0]).read_text(encoding="utf-8").splitlines()]
    expected = list(Pipeline(summarizer=False, classifier=False, progress=False).run(
        [Document(k, v) for k, v in DOCS.items()]))
    assert records == expected


def test_a_spec_carries_the_cleaners_line_model(tmp_path: Path) -> None:
    from stance.cleaning import LineModel, TreeModel
    from stance.io import content_sha256

    assert "line_model" not in distributed.PipelineSpec().settings()  # as runs recorded it before the option
    TreeModel.default().save(tmp_path / "line-model")
    spec = distributed.PipelineSpec(line_model=str(tmp_path / "line-model"))
    digest = "sha256 " + content_sha256(tmp_path / "line-model")
    assert spec.settings()["line_model"] == digest  # the model by its content, however its path is typed
    assert distributed.PipelineSpec(line_model=str(tmp_path / "line-model") + "/../line-model").settings() == {
        **spec.settings(), "line_model": digest}
    step = next(s for s in spec.make_cleaner().steps if isinstance(s, LineModel))
    assert step.model is not TreeModel.default()
    with pytest.raises(UsageError, match="clean=False turns cleaning off"):
        distributed.PipelineSpec(clean=False, line_model=str(tmp_path / "line-model"))


def test_a_spec_is_checked_when_it_is_made_and_reads_false_as_pipeline_does() -> None:
    assert distributed.PipelineSpec(summarizer=False).stages() == ("classify",)
    assert distributed.PipelineSpec(summarizer=False, backend=False).stages() == ()
    for options, message in [({"backend": "foo"}, "expected backend to be one of"),
                             ({"device": "gpu"}, "expected device to be auto, cpu, cuda, cuda:N or mps"),
                             ({"neutral_weight": -1}, "expected neutral_weight > 0"),
                             ({"summarizer": 3}, "expected summarizer to be a name"),
                             ({"summarizer": "nonsense-xyz"}, "unknown model 'nonsense-xyz'"),
                             ({"stance_model": "nonsense-xyz"}, "unknown model 'nonsense-xyz'")]:
        with pytest.raises(UsageError, match=message):
            distributed.PipelineSpec(**options)


def test_the_spec_builds_the_classifier_of_its_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default stages (extractive summaries, the lora classifier) share one encoder, as
    Pipeline's defaults do; any other backend is loaded by name, as the local engine loads it."""
    from stance.classify.training import DEFAULT_BACKEND

    calls: list[tuple] = []
    monkeypatch.setattr("stance.classify.load_classifier",
                        lambda backend, model, device, dtype: calls.append((backend, model, device, dtype)) or "loaded")
    spec = distributed.PipelineSpec()
    assert spec.backend == DEFAULT_BACKEND and spec.shares_encoder()
    assert spec._stage_objects({"summarize", "classify"}) == (None, None, None)  # Pipeline's defaults
    assert spec._stage_objects({"classify"}) == (None, False, None) and not calls
    embedding = distributed.PipelineSpec(backend="embedding", device="cpu")
    assert not embedding.shares_encoder()
    assert embedding._stage_objects({"summarize", "classify"}) == (None, None, "loaded")
    assert calls == [("embedding", None, "cpu", None)]
    calls.clear()
    assert distributed.PipelineSpec(backend="embedding", dtype="fp32")._stage_objects({"classify"}) == (
        None, False, "loaded")
    assert calls == [("embedding", None, "auto", "fp32")]


def test_a_spec_carries_the_dtype_and_records_it_only_when_given(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "dtype" not in distributed.PipelineSpec().settings()  # as runs recorded it before the option
    spec = distributed.PipelineSpec(summarizer=None, backend=None, dtype="bfloat16")
    assert spec.dtype == "bf16" and spec.settings() == {**distributed.PipelineSpec(summarizer=None, backend=None)
                                                        .settings(), "dtype": "bf16"}
    assert spec.build_local().dtype == "bf16"
    with pytest.raises(UsageError, match=r"expected a dtype of fp32, bf16 or fp16 .*got 'fp8'"):
        distributed.PipelineSpec(dtype="fp8")
    built: list[dict] = []
    monkeypatch.setattr("stance.pipeline.Pipeline", lambda *stages, **options: built.append(options))
    distributed.PipelineSpec(summarizer="lead", backend=None, dtype="fp32").build()
    assert built[0]["dtype"] == "fp32"


def test_resources_are_planned_per_pool_and_checked_before_any_work() -> None:
    spec = distributed.PipelineSpec()
    assert distributed.plan_resources(spec, 1, 0.5, 0.5) == {"actors": 1, "cpus": 2.0, "gpus": 1.0}
    split = distributed.PipelineSpec(summarizer="lead", stance_model="./head")
    assert distributed.plan_resources(split, 2, 0.0, 0.25) == {"actors": 4, "cpus": 5.0, "gpus": 0.5}
    with pytest.raises(UsageError, match=r"asks for 1 GPU\(s\) but the Ray cluster \(local\) has 0.*forever"):
        distributed.check_resources(distributed.plan_resources(spec, 1, 0.5, 0.5), {"CPU": 4.0})
    with pytest.raises(UsageError, match=r"asks for 5 CPUs \(4 model actor\(s\).*has 4"):
        distributed.check_resources(distributed.plan_resources(split, 2), {"CPU": 4.0})
    distributed.check_resources(distributed.plan_resources(split, 1, 0.5, 0.5), {"CPU": 3.0, "GPU": 1.0})
    with pytest.raises(UsageError, match="whole number of GPUs"):
        distributed._check_gpu_share("classify-gpus", 1.5)
    with pytest.raises(UsageError, match=">= 0"):
        distributed._check_gpu_share("summarize-gpus", -0.5)


def test_a_gpu_share_with_device_cpu_is_refused_before_ray_starts(tmp_path: Path) -> None:
    spec = distributed.PipelineSpec(device="cpu")
    with pytest.raises(UsageError, match="--device cpu with a GPU share"):
        distributed.run_distributed(ROOT / "seeds", tmp_path / "out", spec, classify_gpus=0.5)
    with pytest.raises(UsageError, match=r"--device cuda:1 with a GPU share: .*the actor sees as cuda:0"):
        distributed.run_distributed(ROOT / "seeds", tmp_path / "out", distributed.PipelineSpec(device="cuda:1"),
                                    classify_gpus=0.5)
    with pytest.raises(UsageError, match="workers"):
        distributed.run_distributed(ROOT / "seeds", tmp_path / "out", spec, workers=0)
    with pytest.raises(UsageError, match="summarize batch size"):
        distributed.run_distributed(ROOT / "seeds", tmp_path / "out", spec, batch_size={"summarize": 0})
    assert not (tmp_path / "out").exists()


def test_ids_must_be_unique() -> None:
    with pytest.raises(UsageError, match=r"ids must be unique.*repeated: 'a'"):
        distributed._check_unique(["a", "b", "a"])
    distributed._check_unique(["a", "b"])


def _fake_run(out: Path, settings: dict, fingerprint: str, records: dict[str, list[str]], done: bool) -> None:
    (out / "parts").mkdir(parents=True)
    for part, ids in records.items():
        (out / "parts" / part).write_text("".join(json.dumps({"id": i, "x": 1}) + "\n" for i in ids), encoding="utf-8")
    manifest = {"settings": settings, "input": {"fingerprint": fingerprint}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if done:
        (out / "_SUCCESS").write_text("", encoding="utf-8")


def test_a_rerun_with_other_settings_or_input_is_refused_unless_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out"
    settings = distributed.PipelineSpec().settings()
    _fake_run(out, settings, "f1", {"part-a.jsonl": ["1", "2"]}, done=False)
    assert distributed._prepare_out(out, settings, "f1", overwrite=False)["input"]["fingerprint"] == "f1"
    other = {**settings, "summarizer": "lead"}
    with pytest.raises(UsageError, match=r"different settings: .* there, .*'summarizer': 'lead'.* now.*--overwrite"):
        distributed._prepare_out(out, other, "f1", overwrite=False)
    with pytest.raises(UsageError, match=r"different input: other ids or texts"):
        distributed._prepare_out(out, settings, "f2", overwrite=False)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert distributed._prepare_out(out, other, "f2", overwrite=True) is None
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]  # only what a run writes is removed
    with pytest.raises(UsageError, match="not the output of a distributed run"):
        distributed._prepare_out(out, settings, "f1", overwrite=True)
    (tmp_path / "file.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file"):
        distributed._prepare_out(tmp_path / "file.jsonl", settings, "f1", overwrite=False)


def test_merge_joins_parts_in_id_order_and_refuses_incomplete_or_repeated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _fake_run(out, {}, "f", {"part-b.jsonl": ["3", "1"], "part-a.jsonl": ["2", "10"]}, done=True)
    merged = tmp_path / "all.jsonl"
    assert distributed.merge_parts(out, merged) == 4
    assert [json.loads(line)["id"] for line in merged.read_text(encoding="utf-8").splitlines()] == ["1", "10", "2", "3"]
    (out / "_SUCCESS").unlink()
    with pytest.raises(StanceError, match=r"not complete.*--allow-incomplete"):
        distributed.merge_parts(out, merged)
    assert distributed.merge_parts(out, merged, allow_incomplete=True) == 4
    (out / "parts" / "part-c.jsonl").write_text(json.dumps({"id": "2"}) + "\n", encoding="utf-8")
    with pytest.raises(StanceError, match=r"id '2' is in part-a.jsonl and part-c.jsonl"):
        distributed.merge_parts(out, merged, allow_incomplete=True)
    with pytest.raises(UsageError, match=r"no manifest.json"):
        distributed.merge_parts(tmp_path, merged)
    with pytest.raises(UsageError, match=r"absent: no such folder; expected the OUT folder"):
        distributed.merge_parts(tmp_path / "absent", merged)


def test_merge_refuses_a_damaged_part_and_an_out_inside_the_run(tmp_path: Path) -> None:
    from stance.errors import InputError

    out = tmp_path / "out"
    _fake_run(out, {}, "f", {"part-a.jsonl": ["1", "2"]}, done=True)
    part = out / "parts" / "part-a.jsonl"
    before = part.read_bytes()
    for inside in (part, out / "manifest.json", out / "all.jsonl"):
        with pytest.raises(UsageError, match="is inside the run folder"):
            distributed.merge_parts(out, inside)
    assert part.read_bytes() == before
    with pytest.raises(UsageError, match="is a folder; expected a file path"):
        distributed.merge_parts(out, tmp_path)
    for damage in (b"not json\n", b'{"text": "no id"}\n', b"\xff\xfe\n"):
        part.write_bytes(before + damage)
        with pytest.raises(InputError, match=r"part-a.jsonl:3: is no record of `stance run`"):
            distributed.merge_parts(out, tmp_path / "all.jsonl")
    assert not (tmp_path / "all.jsonl").exists()


def test_the_local_engine_resumes_a_run_folder_after_a_failure(head_dir: Path, tmp_path: Path) -> None:
    """run_local_into: the same folder format without Ray; a crash keeps the whole parts,
    a rerun does only what is missing; `stance run --out FOLDER/` takes that path."""
    from stance.cli import main

    folder = _write_folder(tmp_path / "docs")
    spec = _spec(head_dir)
    expected = sorted(spec.build_local(progress=False).run(folder), key=lambda r: r["id"])
    out = tmp_path / "out"
    failing = spec.build_local(batch_size=2, progress=False)
    process = failing.process

    def crash_on_d4(batch: list[Document]) -> list[dict]:
        if any(doc.id == "d4" for doc in batch):
            raise RuntimeError("injected failure on d4")
        return process(batch)

    failing.process = crash_on_d4
    with pytest.raises(RuntimeError, match="injected failure"):
        distributed.run_local_into(folder, out, failing, spec.settings(), part_size=2)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and not (out / "_SUCCESS").exists()
    before = [record["id"] for _, _, record in distributed.read_parts(out)]
    assert before and "d4" not in before

    models = ["--summarizer", "lead", "--backend", "embedding", "--stance-model", str(head_dir), "--device", "cpu"]
    assert main(["run", str(folder), "--out", str(out), *models]) == 0
    ids = [record["id"] for _, _, record in distributed.read_parts(out)]
    assert sorted(ids) == [r["id"] for r in expected]  # every id once
    assert (out / "_SUCCESS").exists()
    distributed.merge_parts(out, tmp_path / "all.jsonl")
    merged = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert merged == expected
    assert main(["run", str(folder), "--out", str(out), "--summarizer", "extractive"]) == 2  # other settings


def test_a_run_folder_is_locked_while_a_run_writes_it(tmp_path: Path) -> None:
    import os
    import socket

    out = tmp_path / "out"
    out.mkdir()
    lock = out / ".lock"
    pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=False, progress=False)
    lock.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid()}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"another run \(pid \d+ on .*\) is writing .*remove .*\.lock"):
        distributed.run_local_into(list(DOCS.values()), out, pipeline, {"lead": 1})
    assert not (out / "manifest.json").exists()
    lock.write_text(json.dumps({"host": socket.gethostname(), "pid": 2**22 + 12345}), encoding="utf-8")  # gone
    result = distributed.run_local_into(list(DOCS.values()), out, pipeline, {"lead": 1})
    assert result.complete and not lock.exists()


def test_stance_run_says_how_to_install_ray_when_it_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import stance.cli.distributed as command
    from stance.cli import main

    monkeypatch.setattr(command, "_ray_installed", lambda: False)
    assert main(["run", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--engine", "ray"]) == 2
    assert "pip install \"stance[ray]\"" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_stance_run_refuses_shard_with_the_ray_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from stance.cli import main

    code = main(["run", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--engine", "ray", "--shard", "0/2"])
    assert code == 2
    assert "--shard" in capsys.readouterr().err


def test_ray_outputs_are_checked_like_the_local_engine_s_before_ray_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import stance.cli.distributed as command
    from stance.cli import main

    started = []
    monkeypatch.setattr(command, "_ray_installed", lambda: started.append(True) or True)
    inputs = tmp_path / "docs"
    inputs.mkdir()
    (inputs / "a.txt").write_text("Le CAC 40 gagne 1 %.", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    cases = [
        (["--out", str(inputs)], "input folder"),  # OUT is the input folder
        (["--out", str(inputs / "run")], "input folder"),  # OUT inside it
        (["--out", str(blocker)], "is a file; expected a folder"),
        (["--out", str(tmp_path / "run"), "--report", str(inputs / "a.txt")], "one of the inputs"),
        (["--out", str(tmp_path / "run"), "--report", str(blocker / "r.md")], "is a file, not a folder"),
    ]
    for options, message in cases:
        assert main(["run", str(inputs), "--engine", "ray", *options]) == 2, options
        assert message in capsys.readouterr().err, options
    assert main(["run", str(tmp_path / "missing"), "--engine", "ray", "--out", str(tmp_path / "run")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert not started and not (tmp_path / "run").exists()
    assert (inputs / "a.txt").read_text(encoding="utf-8") == "Le CAC 40 gagne 1 %." and blocker.read_text() == "x"


def _models_with_cards(head: Path, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A line model folder with its card and a copy of the tiny head: model folders of several files,
    and the `stance run` options that use them."""
    import shutil

    from stance.cleaning import TreeModel

    line_model, stance_model = tmp_path / "line-model", tmp_path / "head"
    TreeModel.default().save(line_model)
    (line_model / "README.md").write_text("the card of a line model\n", encoding="utf-8")
    shutil.copytree(head, stance_model)
    options = ["--summarizer", "lead", "--backend", "embedding", "--stance-model", str(stance_model), "--device", "cpu",
               "--line-model", str(line_model)]
    return line_model, stance_model, options


def test_both_engines_record_the_models_of_a_run_alike(head_dir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """One function (model_sha256: all the files of a model folder) names the models of a run for the local
    engine (OUT.jsonl, a run folder) and the Ray engine: a run folder the local engine wrote passes the Ray
    engine's check of its settings when nothing changed, and a file of a model folder that changed (here a
    card) is refused by both."""
    from stance.cli import build_parser, main
    from stance.cli.distributed import _spec

    folder = _write_folder(tmp_path / "docs")
    line_model, stance_model, options = _models_with_cards(head_dir, tmp_path)
    out = tmp_path / "out"
    out.mkdir()  # an existing folder: the local engine writes a run folder
    assert main(["run", str(folder), "--out", str(out), *options]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ray = _spec(build_parser().parse_args(["run", str(folder), "--out", str(out), "--engine", "ray", *options]))
    assert manifest["settings"] == ray.settings()  # what run_distributed compares before any work
    assert distributed._prepare_out(out, ray.settings(), manifest["input"]["fingerprint"], False) is not None
    from stance.io import model_sha256

    line, head = model_sha256(line_model), model_sha256(stance_model)
    assert manifest["settings"]["line_model"] == f"sha256 {line}" and manifest["settings"]["stance_model"] == (
        f"sha256 {head}")

    jsonl = tmp_path / "o.jsonl"  # the local engine into OUT.jsonl names the same digests
    assert main(["run", str(folder), "--out", str(jsonl), *options]) == 0
    recorded = json.loads((tmp_path / "o.settings.json").read_text(encoding="utf-8"))
    assert recorded["cleaner"] == f"Cleaner (line model sha256 {line})" and recorded["stance_model sha256"] == head

    for model in (line_model, stance_model):
        card = model / "README.md"
        before = card.read_text(encoding="utf-8")
        card.write_text(before + "rewritten\n", encoding="utf-8")
        assert main(["run", str(folder), "--out", str(out), *options]) == 2
        assert "different settings" in capsys.readouterr().err
        with pytest.raises(UsageError, match="different settings"):
            distributed._prepare_out(out, _spec(build_parser().parse_args(
                ["run", str(folder), "--out", str(out), "--engine", "ray", *options])).settings(),
                manifest["input"]["fingerprint"], False)
        assert main(["run", str(folder), "--out", str(jsonl), *options]) == 2
        assert "was written with other settings" in capsys.readouterr().err
        card.write_text(before, encoding="utf-8")
    assert main(["run", str(folder), "--out", str(out), *options]) == 0  # as it was: resumed
    assert main(["run", str(folder), "--out", str(jsonl), *options]) == 0


# ----------------------------------------------------------------------------- on a local Ray cluster


class FailOn:
    """A pipeline factory whose pipeline fails on one document id: an injected crash."""

    def __init__(self, head: str, fail_id: str | None) -> None:
        self.head, self.fail_id = head, fail_id

    def __call__(self) -> Any:
        pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=load_classifier("embedding", self.head,
                            device="cpu"), clean=False, progress=False)
        if self.fail_id is None:
            return pipeline
        process, fail_id = pipeline.process, self.fail_id

        def failing(batch: list[Document]) -> list[dict]:
            if any(doc.id == fail_id for doc in batch):
                raise RuntimeError(f"injected failure on {fail_id}")
            return process(batch)

        pipeline.process = failing
        return pipeline


@pytest.fixture(scope="module")
def ray_cluster() -> Any:
    import sys

    ray = pytest.importorskip("ray")
    # The workers cannot import this test module by name: ship FailOn by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    # 4 logical CPUs even on a 2-core machine: each actor holds one for the whole run; no GPU, even on a
    # machine that has some, so that the tests ask the same of every machine
    distributed.start_local_cluster(num_cpus=4, object_store_memory=100 * 1024**2, num_gpus=0)
    yield ray
    ray.shutdown()


def _write_folder(folder: Path) -> Path:
    folder.mkdir()
    for doc_id, text in _docs().items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / "w1.txt").write_bytes("Le résultat du trimestre progresse de 5 %.".encode("cp1252"))
    return folder


@pytest.mark.slow
def test_ray_run_gives_the_records_of_pipeline_run_and_resumes_after_a_failure(
    ray_cluster: Any, head_dir: Path, tmp_path: Path
) -> None:
    folder = _write_folder(tmp_path / "docs")
    pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=load_classifier("embedding", str(head_dir),
                        device="cpu"), progress=False)
    expected = sorted(pipeline.run(folder), key=lambda r: r["id"])
    assert any("warnings" in r for r in expected)

    # Two pools (lead summaries, then the tiny head), small batches.
    out = tmp_path / "split"
    result = distributed.run_distributed(folder, out, _spec(head_dir), batch_size=2, progress=False)
    assert result.complete and result.manifest["status"] == "complete"
    assert result.manifest["counts"]["records"] == len(expected) and result.stats.documents == len(expected)
    assert result.manifest["counts"]["flags"] == {"empty document": 1, "not French": 1}
    merged = tmp_path / "split.jsonl"
    assert distributed.merge_parts(out, merged) == len(expected)
    assert [json.loads(line) for line in merged.read_text(encoding="utf-8").splitlines()] == expected

    # A pipeline factory (one combined actor; two of them) that crashes on d4: the finished parts stay,
    # no _SUCCESS; the rerun does only what is missing, and every id is there once.
    out = tmp_path / "resumed"
    settings = {"pipeline": "lead + tiny head"}
    with pytest.raises(StanceError, match=r"injected failure on d4.*rerun the same command to resume"):
        distributed.run_distributed(folder, out, FailOn(str(head_dir), "d4"), settings=settings,
                                    workers=2, batch_size=2, progress=False)
    assert not (out / "_SUCCESS").exists()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["status"] == "failed"
    before = {record["id"] for _, _, record in distributed.read_parts(out)}
    assert "d4" not in before
    result = distributed.run_distributed(folder, out, FailOn(str(head_dir), None), settings=settings,
                                         workers=2, batch_size=2, progress=False)
    assert result.complete and result.stats.skipped == len(before)
    assert result.stats.documents == len(expected) - len(before)
    ids = [record["id"] for _, _, record in distributed.read_parts(out)]
    assert sorted(ids) == sorted(r["id"] for r in expected)  # every id, once
    distributed.merge_parts(out, merged)
    assert [json.loads(line) for line in merged.read_text(encoding="utf-8").splitlines()] == expected

    # Done is done: a third run writes nothing; other settings are refused.
    again = distributed.run_distributed(folder, out, FailOn(str(head_dir), None), settings=settings,
                                        progress=False)
    assert again.stats.documents == 0 and again.stats.skipped == len(expected)
    with pytest.raises(UsageError, match="different settings"):
        distributed.run_distributed(folder, out, FailOn(str(head_dir), None), settings={"other": 1},
                                    progress=False)


@pytest.mark.slow
def test_a_run_folder_of_one_engine_resumes_with_the_other_until_a_model_file_changes(
    ray_cluster: Any, head_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.cli import main

    folder = _write_folder(tmp_path / "docs")
    line_model, _, options = _models_with_cards(head_dir, tmp_path)
    out = tmp_path / "run"
    assert main(["run", str(folder), "--engine", "ray", "--out", str(out), *options]) == 0
    records = sorted(record["id"] for _, _, record in distributed.read_parts(out))
    assert main(["run", str(folder), "--out", str(out), *options]) == 0  # the local engine: nothing left to do
    assert sorted(record["id"] for _, _, record in distributed.read_parts(out)) == records
    local = tmp_path / "local"
    local.mkdir()
    assert main(["run", str(folder), "--out", str(local), *options]) == 0
    assert main(["run", str(folder), "--engine", "ray", "--out", str(local), *options]) == 0
    assert json.loads((local / "manifest.json").read_text(encoding="utf-8"))["this_run"]["skipped"] == len(records)
    capsys.readouterr()
    (line_model / "README.md").write_text("the card, rewritten\n", encoding="utf-8")
    for run_folder in (out, local):
        for engine in (["--engine", "ray"], []):
            assert main(["run", str(folder), *engine, "--out", str(run_folder), *options]) == 2
            assert "different settings" in capsys.readouterr().err


@pytest.mark.slow
def test_ray_preflight_errors(ray_cluster: Any, head_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"asks for 1 GPU\(s\).*has 0"):
        distributed.run_distributed(ROOT / "seeds", tmp_path / "gpu", _spec(head_dir, device="auto"), summarize_gpus=1)
    assert not (tmp_path / "gpu").exists()
    with pytest.raises(UsageError, match="asks for 9 CPUs"):
        distributed.run_distributed(ROOT / "seeds", tmp_path / "cpu", _spec(head_dir), workers=4)
    duplicated = tmp_path / "dup.jsonl"
    duplicated.write_text(
        "".join(json.dumps({"id": i, "text": "Le CAC 40 monte."}) + "\n" for i in ("a", "b", "a")), encoding="utf-8"
    )
    with pytest.raises(UsageError, match=r"ids must be unique.*duplicate id 'a'"):
        distributed.run_distributed(duplicated, tmp_path / "dup", _spec(head_dir))


@pytest.mark.slow
def test_ray_reads_parquet_and_the_cli_runs_and_merges(
    ray_cluster: Any, head_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stance.cli import main

    table = pa.table({"id": list(_docs()), "text": list(_docs().values()), "source": ["x"] * len(_docs())})
    pq.write_table(table, tmp_path / "docs.parquet")
    out = tmp_path / "out"
    models = ["--summarizer", "lead", "--backend", "embedding", "--stance-model", str(head_dir), "--device", "cpu"]
    assert main(["run", str(tmp_path / "docs.parquet"), "--engine", "ray", "--out", str(out), *models]) == 0
    printed = capsys.readouterr().out
    # the table's header (Ray's own processes may print a warning line on stdout before it, "(raylet)
    # WARNING: 8 PYTHON worker processes have been started..."); the flags column shows when a record
    # is flagged (some of these documents are)
    header = next(line.split() for line in printed.splitlines() if line.split()[:1] == ["id"])
    assert header in (["id", "stance", "confidence", "summary"], ["id", "stance", "confidence", "flags", "summary"])
    assert (out / "_SUCCESS").exists() and (out / "report.md").is_file()
    assert main(["merge", str(out), "--out", str(tmp_path / "all.jsonl")]) == 0
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = _expected(head_dir)
    assert records == expected


def test_pages_read_by_ray_are_reduced_to_their_main_text_in_the_reading_tasks() -> None:
    """HTML files of an object-store folder, and an 'html' column, reach cleaning as their main text
    (they reached it as raw HTML before the fourteenth session)."""
    pytest.importorskip("trafilatura")
    from test_io import PAGE

    files = distributed._decode_files({"path": ["s3://b/pages/p1.html", "s3://b/pages/n1.txt"],
                                       "bytes": [PAGE.encode("utf-8"), b"Le Dax recule."]})
    assert files["id"] == ["p1", "n1"] and files["text"][1] == "Le Dax recule."
    assert files["text"][0].startswith("Le CAC 40 finit en hausse\n") and "<" not in files["text"][0]
    table = distributed._extract_html_column({"id": ["p1"], "html": [PAGE], "source": ["x"]})
    assert table["text"] == files["text"][:1] and set(table) == {"id", "source", "text"}
    read = distributed._extract_pages({"id": ["p1", "n1"], "text": [PAGE, "Le Dax recule."], "html": [True, False],
                                       "source": ["pages/p1.html", "n1.txt"], "warnings": ["[]", "[]"]})
    assert read == {"id": ["p1", "n1"], "text": files["text"], "warnings": ["[]", "[]"]}  # local files, for Ray


@pytest.mark.slow
def test_ray_reads_a_table_of_html_pages(ray_cluster: Any, tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    import pyarrow as pa
    import pyarrow.parquet as pq
    from test_io import PAGE

    pq.write_table(pa.table({"id": ["p1", "p2"], "html": [PAGE, PAGE.replace("1,2 %", "2,5 %")]}),
                   tmp_path / "pages.parquet")
    spec = distributed.PipelineSpec(summarizer=None, backend=None, device="cpu")
    distributed.run_distributed(tmp_path / "pages.parquet", tmp_path / "out", spec)
    distributed.merge_parts(tmp_path / "out", tmp_path / "all.jsonl")
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["p1", "p2"]
    assert records[1]["text"].startswith("Le CAC 40 finit en hausse") and "2,5 %" in records[1]["text"]
    pq.write_table(pa.table({"id": ["p1"], "html": [PAGE], "text": ["Le CAC 40."]}), tmp_path / "both.parquet")
    with pytest.raises(InputError, match="has both 'text' and 'html' columns"):
        distributed.run_distributed(tmp_path / "both.parquet", tmp_path / "out2", spec)


@pytest.mark.slow
def test_ray_extracts_local_html_pages_in_its_tasks(ray_cluster: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A local folder of pages read for the Ray engine: the driver reads the files, Ray's tasks extract
    the main text (it costs ten times what cleaning does; the driver did it before the fifteenth
    session), the records are the local engine's, and the local engine resumes the run folder."""
    pytest.importorskip("trafilatura")
    from test_io import PAGE

    import stance.io

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "p1.html").write_text(PAGE, encoding="utf-8")
    (folder / "p2.html").write_text(PAGE.replace("1,2 %", "2,5 %"), encoding="utf-8")
    (folder / "t1.txt").write_text("Le Dax recule de 1 % à Francfort.\n", encoding="utf-8")
    spec = distributed.PipelineSpec(summarizer=None, backend=None, device="cpu")
    expected = sorted(spec.build_local(progress=False).run(folder), key=lambda r: r["id"])
    assert expected[0]["text"].startswith("Le CAC 40 finit en hausse") and "<" not in expected[0]["text"]

    def not_here(html: str, source: str | None = None) -> str:
        raise AssertionError(f"{source} was extracted on the driver")

    monkeypatch.setattr(stance.io, "html_to_text", not_here)  # the driver's own; Ray's workers keep theirs
    out = tmp_path / "out"
    result = distributed.run_distributed(folder, out, spec)
    assert result.complete
    distributed.merge_parts(out, tmp_path / "all.jsonl")
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(records, key=lambda r: r["id"]) == expected
    monkeypatch.undo()
    # the fingerprint is that of the main texts, as the local engine takes it: it resumes, with nothing to do
    again = distributed.run_local_into(folder, out, spec.build_local(progress=False), spec.settings())
    assert again.complete and again.pipeline_stats().skipped == 3
