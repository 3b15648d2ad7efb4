from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stance.cli import main
from stance.cli.reporting import format_table, read_run, render_run_report
from stance.document import LABELS as STANCE_LABELS
from stance.document import Document
from stance.errors import InputError, StanceError, UsageError
from stance.io import iter_documents
from stance.pipeline import STAGES, Pipeline, shard_of
from stance.summarize import LeadSummarizer

ROOT = Path(__file__).resolve().parents[1]

# Short scraped pages written for these tests: an article with site furniture around it.
DOCS = {
    "d1": "Accueil > Marchés\n\nLe Nasdaq grimpe de 3 % après des résultats records.\n\n"
    "Les investisseurs saluent une croissance solide des ventes de puces.\n\nPartager sur Facebook",
    "d2": "Lire aussi : le pétrole recule\n\nCette valorisation paraît déconnectée de la réalité.\n\n"
    "Les marges se contractent et la dette du groupe inquiète les analystes.",
    "d3": "Le conseil d’administration se réunira le 12 mars à Paris.\n\n"
    "L’ordre du jour porte sur la nomination de deux administrateurs.",
    "d4": "La fusée a décollé de Kourou à 22 h 10.\n\nLe lanceur emporte deux satellites de télécommunications.",
    "d5": "Bitcoin : une bulle prête à éclater selon plusieurs gérants.\n\n"
    "Ils recommandent de prendre ses bénéfices avant l’été.",
}

TRAINING = {
    "bullish": [
        "Le titre va encore monter, c'est le moment d'acheter.",
        "Des résultats excellents et une croissance qui accélère : nous restons acheteurs.",
        "La demande explose, les perspectives n'ont jamais été aussi bonnes.",
        "Nous relevons notre objectif de cours, le potentiel de hausse reste important.",
    ],
    "skeptical": [
        "Cette valorisation est une bulle qui finira par éclater.",
        "Les promesses ne sont pas tenues et la dette s'accumule dangereusement.",
        "Méfiance : les marges fondent et la concurrence s'intensifie.",
        "Nous doutons que ce plan tienne ses objectifs, prudence sur le titre.",
    ],
    "neutral": [
        "L'assemblée générale se tiendra le 4 juin au siège du groupe.",
        "Le groupe publiera ses comptes annuels la semaine prochaine.",
        "La société emploie 12 000 personnes dans vingt pays.",
        "Le lancement est prévu depuis la base de Kourou en Guyane.",
    ],
}


@pytest.fixture(scope="module")
def tiny_encoder(tiny_bert_dir: Path) -> Any:
    from stance.encode import Encoder

    return Encoder(str(tiny_bert_dir), device="cpu", progress=False)


@pytest.fixture(scope="module")
def tiny_classifier(tiny_encoder: Any) -> Any:
    """An embedding stance head on the tiny random encoder (fixed hyper-parameters: no search)."""
    from stance.classify import EmbeddingStanceClassifier

    texts = [text for label in STANCE_LABELS for text in TRAINING[label]]
    labels = [label for label in STANCE_LABELS for _ in TRAINING[label]]
    classifier = EmbeddingStanceClassifier(tiny_encoder, C=1.0, last_sentence=False, calibration="none", folds=2)
    return classifier.fit(texts, labels)


@pytest.fixture(scope="module")
def tiny_head_dir(tmp_path_factory: pytest.TempPathFactory, tiny_classifier: Any) -> Path:
    return tiny_classifier.save(tmp_path_factory.mktemp("head"))


class Spy:
    """Wraps a stage and records the size of every batch it is given."""

    def __init__(self, stage: Any, method: str) -> None:
        self.stage, self.method, self.batches = stage, method, []
        setattr(self, method, self._call)

    def _call(self, texts: Sequence[str]) -> Any:
        self.batches.append(len(texts))
        return getattr(self.stage, self.method)(texts)


@pytest.fixture()
def pipeline(tiny_classifier: Any) -> Pipeline:
    return Pipeline(summarizer=LeadSummarizer(), classifier=tiny_classifier, batch_size=2, progress=False)


def _documents() -> list[Document]:
    return [Document(doc_id, text) for doc_id, text in DOCS.items()]


# ----------------------------------------------------------------------------- records


def test_records_follow_the_run_contract(pipeline: Pipeline) -> None:
    records = list(pipeline.run(_documents()))
    assert [r["id"] for r in records] == list(DOCS)
    for record in records:
        assert set(record) == {"id", "clean", "summary", "stance", "flags"}
        assert record["flags"] == []
        assert set(record["stance"]) == {"label", "scores", "evidence"}
        assert record["stance"]["label"] in STANCE_LABELS
        assert set(record["stance"]["scores"]) == set(STANCE_LABELS)
        assert sum(record["stance"]["scores"].values()) == pytest.approx(1.0, abs=1e-5)
        assert all(isinstance(passage, str) for passage in record["stance"]["evidence"])
    # Cleaning came first: the furniture is gone from the text the models saw.
    assert records[0]["clean"] == (
        "Le Nasdaq grimpe de 3 % après des résultats records.\n\n"
        "Les investisseurs saluent une croissance solide des ventes de puces."
    )
    assert records[0]["summary"].startswith("Le Nasdaq grimpe de 3 %")
    assert all(passage in records[0]["clean"] for passage in records[0]["stance"]["evidence"])


def test_each_model_stage_sees_whole_batches(tiny_classifier: Any) -> None:
    summarizer = Spy(LeadSummarizer(), "summarize")
    classifier = Spy(tiny_classifier, "predict_proba")
    pipeline = Pipeline(summarizer=summarizer, classifier=classifier, batch_size=2, progress=False)
    assert len(list(pipeline.run(_documents()))) == 5
    assert summarizer.batches == [2, 2, 1]
    # The classifier gets every passage of a batch of documents in one call.
    assert len(classifier.batches) == 3 and sum(classifier.batches) >= 5


def test_stats_count_documents_bytes_and_the_share_of_each_stage(pipeline: Pipeline) -> None:
    list(pipeline.run(_documents()))
    stats = pipeline.stats()
    assert stats.documents == 5
    assert stats.bytes == sum(len(text.encode("utf-8")) for text in DOCS.values())
    assert set(stats.seconds) == set(STAGES)
    assert sum(stats.share.values()) == pytest.approx(1.0)
    assert stats.seconds["classify"] > 0 and stats.docs_per_second > 0
    assert stats.to_dict()["documents"] == 5
    pipeline.reset_stats()
    assert pipeline.stats().documents == 0


def test_results_are_deterministic(pipeline: Pipeline, tiny_classifier: Any) -> None:
    first = list(pipeline.run(_documents()))
    again = Pipeline(summarizer=LeadSummarizer(), classifier=tiny_classifier, batch_size=5, progress=False)
    assert list(again.run(_documents())) == first


def test_no_clean_takes_the_text_as_given(tiny_classifier: Any) -> None:
    pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=tiny_classifier, clean=False, progress=False)
    record = next(pipeline.run([DOCS["d1"]]))
    assert record["clean"] == DOCS["d1"]
    description = pipeline.describe()
    assert description["cleaner"].startswith("none")
    assert description["summarizer"].startswith("LeadSummarizer")
    assert description["classifier"].startswith("EmbeddingStanceClassifier(") and "encoder" not in description


ENGLISH = (
    "The board of directors will meet on Tuesday in London to discuss the annual results and the dividend "
    "policy for next year."
)


def test_empty_and_foreign_documents_are_flagged_not_misread(pipeline: Pipeline, tmp_path: Path) -> None:
    records = list(pipeline.run(["", "Partager sur Facebook", ENGLISH, DOCS["d3"]]))
    assert [r["flags"] for r in records] == [["empty document"], ["no content left after cleaning"], ["not French"], []]
    for record in records[:2]:
        assert (record["clean"], record["summary"], record["stance"]["label"]) == ("", "", "neutral")
    out = tmp_path / "run.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = render_run_report(read_run(out))
    assert "Flagged by cleaning" in report and "not French 1" in report and "empty document 1" in report


def test_dataset_map_survives_a_first_batch_of_empty_documents(pipeline: Pipeline) -> None:
    import datasets

    dataset = datasets.Dataset.from_dict({"text": ["", "", DOCS["d1"], ENGLISH]})
    mapped = dataset.map(pipeline.map_batch, batched=True, batch_size=2, load_from_cache_file=False)
    assert mapped["stance_evidence"][:2] == ["", ""] and mapped["stance_evidence"][2]
    assert mapped["flags"] == ["empty document", "empty document", "", "not French"]


# ----------------------------------------------------------------------------- inputs


def test_every_input_kind_gives_the_same_records(pipeline: Pipeline, tmp_path: Path) -> None:
    import datasets

    expected = list(pipeline.run(_documents()))
    folder = tmp_path / "docs"
    folder.mkdir()
    for doc_id, text in DOCS.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text(
        "".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in DOCS.items()), encoding="utf-8"
    )
    dataset = datasets.Dataset.from_dict({"id": list(DOCS), "text": list(DOCS.values())})
    for source in (folder, str(jsonl), dataset, [{"id": k, "text": v} for k, v in DOCS.items()]):
        assert list(pipeline.run(source)) == expected
    as_strings = list(pipeline.run(list(DOCS.values())))
    assert [r["id"] for r in as_strings] == ["0", "1", "2", "3", "4"]
    assert [r["stance"] for r in as_strings] == [r["stance"] for r in expected]


def test_dataset_map_batched_adds_the_output_columns(pipeline: Pipeline) -> None:
    import datasets

    expected = list(pipeline.run(_documents()))
    dataset = datasets.Dataset.from_dict({"id": list(DOCS), "text": list(DOCS.values())})
    mapped = dataset.map(pipeline.map_batch, batched=True, batch_size=2, load_from_cache_file=False)
    assert mapped.column_names == [
        "id", "text", "clean", "summary", "stance_label", "stance_scores", "stance_evidence", "flags",
    ]  # fmt: skip
    assert mapped["clean"] == [r["clean"] for r in expected]
    assert mapped["stance_label"] == [r["stance"]["label"] for r in expected]
    assert mapped["stance_evidence"] == ["\n\n".join(r["stance"]["evidence"]) for r in expected]
    for row, record in zip(mapped["stance_scores"], expected, strict=True):
        assert row == pytest.approx(record["stance"]["scores"])


def test_input_errors_say_what_was_expected(pipeline: Pipeline, tmp_path: Path) -> None:
    import datasets

    with pytest.raises(InputError, match=r"no such file or folder.*pass a list: run\(\[text\]\)"):
        list(iter_documents("Le CAC 40 monte."))
    with pytest.raises(InputError, match="got int"):
        list(iter_documents(42))
    with pytest.raises(InputError, match=r"at position 1, got int"):
        list(iter_documents(["un texte", 3]))
    with pytest.raises(InputError, match="'text' column"):
        list(iter_documents(datasets.Dataset.from_dict({"body": ["x"]})))
    with pytest.raises(InputError, match="'text' column"):
        pipeline.map_batch({"body": ["x"]})
    with pytest.raises(StanceError, match="predict_proba"):
        Pipeline(summarizer=LeadSummarizer(), classifier=object())
    with pytest.raises(StanceError, match="batch_size"):
        Pipeline(summarizer=LeadSummarizer(), classifier=pipeline.classifier, batch_size=0)


def test_unreadable_documents_go_to_on_error_and_the_rest_is_processed(pipeline: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(DOCS["d3"], encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    problems: list[InputError] = []
    records = list(pipeline.run(tmp_path, on_error=problems.append))
    assert [r["id"] for r in records] == ["ok"]
    assert len(problems) == 1 and "binary" in str(problems[0])


# ----------------------------------------------------------------------------- shards


def test_shards_partition_ids_deterministically_and_evenly() -> None:
    ids = [f"doc-{i}" for i in range(2000)]
    shards = [shard_of(doc_id, 4) for doc_id in ids]
    assert shards == [shard_of(doc_id, 4) for doc_id in ids]
    counts = np.bincount(shards, minlength=4)
    assert counts.sum() == 2000 and counts.min() > 420  # 500 expected per shard
    assert shard_of("000_31c08dbb09af1a8b", 1) == 0
    # Pinned, so that a change of hash (which would reshuffle running jobs) is noticed.
    assert [shard_of(f"doc-{i}", 7) for i in range(8)] == PINNED_SHARDS
    with pytest.raises(UsageError, match="shard count"):
        shard_of("a", 0)


PINNED_SHARDS = [2, 3, 6, 1, 4, 5, 1, 2]


# ----------------------------------------------------------------------------- report


def test_table_and_report_are_readable(pipeline: Pipeline, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pipeline.run(_documents())), encoding="utf-8"
    )
    run = read_run(out, limit=3)
    assert (run.total, len(run.records), sum(run.labels.values())) == (5, 3, 5)
    table = format_table(run.records, limit=2).splitlines()
    assert table[0].split() == ["id", "stance", "confidence", "summary"]
    assert table[1].startswith("d1  ") and table[-1] == "... and 1 more"
    report = render_run_report(run, pipeline)
    assert "| stage | seconds | share |" in report and "| classify |" in report
    assert "The first 3 of 5 records are shown." in report
    assert "| d1 | " in report


# ----------------------------------------------------------------------------- stance run


def _run(args: list[str]) -> int:
    return main(["run", *args])


@pytest.mark.slow
def test_stance_run_on_the_seeds(
    tmp_path: Path, tiny_head_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    out = tmp_path / "run.jsonl"
    models = ["--summarizer", "lead", "--backend", "embedding", "--stance-model", str(tiny_head_dir), "--device", "cpu"]
    assert _run([str(seeds), "--out", str(out), *models]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    ids = sorted(path.stem for path in seeds.glob("*.txt"))
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ids
    assert all(set(r) == {"id", "clean", "summary", "stance", "flags"} for r in records)
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].split() == ["id", "stance", "confidence", "summary"]
    assert all(doc_id in printed for doc_id in ids)
    report = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "# stance run" in report and "5 records" in report and "| lead" not in report

    # A rerun skips what is done; a run killed mid-line is repaired and completed.
    complete = out.read_text(encoding="utf-8")
    assert _run([str(seeds), "--out", str(out), *models]) == 0
    assert out.read_text(encoding="utf-8") == complete
    out.write_text("".join(line + "\n" for line in lines[:2]) + lines[2][:40], encoding="utf-8")
    assert _run([str(seeds), "--out", str(out), *models]) == 0
    assert out.read_text(encoding="utf-8") == complete

    # Two shards share the corpus: together they hold each document once.
    shard_ids = []
    for index in (0, 1):
        shard_out = tmp_path / f"shard{index}.jsonl"
        assert _run([str(seeds), "--out", str(shard_out), "--shard", f"{index}/2", *models]) == 0
        got = [json.loads(line)["id"] for line in shard_out.read_text(encoding="utf-8").splitlines()]
        assert got == [doc_id for doc_id in ids if shard_of(doc_id, 2) == index]
        shard_ids += got
    assert sorted(shard_ids) == ids


@pytest.mark.parametrize("shard", ["2/2", "1", "a/b", "-1/2"])
def test_stance_run_rejects_a_bad_shard(tmp_path: Path, shard: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run([str(ROOT / "seeds"), "--out", str(tmp_path / "x.jsonl"), "--shard", shard])
    assert exit_info.value.code == 2


# ----------------------------------------------------------------------------- real models


@pytest.mark.slow
def test_default_pipeline_shares_one_encoder_and_runs_offline() -> None:
    pipeline = Pipeline(progress=False)
    assert pipeline.summarizer.encoder is pipeline.classifier.encoder
    assert type(pipeline.classifier).__name__ == "LoraStanceClassifier"
    sentences = ["Le CAC 40 a fini la séance en hausse.", "Le conseil se réunira mardi."]
    base = pipeline.summarizer.encoder.encode(sentences)
    record = next(pipeline.run([DOCS["d1"]]))
    assert record["stance"]["label"] in STANCE_LABELS and record["summary"]
    # After classifying, the summariser's encoder is the base model again (the adapter is off).
    assert (pipeline.summarizer.encoder.encode(sentences) == base).all()


@pytest.mark.gpu
def test_pipeline_on_cuda_matches_cpu(tiny_bert_dir: Path, tiny_classifier: Any) -> None:
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device on this machine")
    from stance.classify import EmbeddingStanceClassifier
    from stance.encode import Encoder
    from stance.summarize import ExtractiveSummarizer

    cuda = Encoder(str(tiny_bert_dir), device="cuda", dtype="fp32", progress=False)
    classifier = EmbeddingStanceClassifier(cuda, C=1.0, last_sentence=False, calibration="none")
    classifier.coef_, classifier.intercept_ = tiny_classifier.coef_, tiny_classifier.intercept_
    classifier.C_, classifier.last_sentence_, classifier.calibration_ = 1.0, False, "none"
    on_gpu = Pipeline(summarizer=ExtractiveSummarizer(cuda), classifier=classifier, progress=False)
    cpu_encoder = tiny_classifier.encoder
    on_cpu = Pipeline(summarizer=ExtractiveSummarizer(cpu_encoder), classifier=tiny_classifier, progress=False)
    for gpu_record, cpu_record in zip(on_gpu.run(_documents()), on_cpu.run(_documents()), strict=True):
        assert gpu_record["summary"] == cpu_record["summary"]
        assert gpu_record["stance"]["label"] == cpu_record["stance"]["label"]
        gpu_scores, cpu_scores = gpu_record["stance"]["scores"], cpu_record["stance"]["scores"]
        assert gpu_scores == pytest.approx(cpu_scores, abs=1e-3)


def test_a_reading_warning_reaches_the_record(tmp_path: Path) -> None:
    (tmp_path / "a1.txt").write_bytes("Le CAC 40 a gagné 2 % à l'ouverture.".encode("cp1252"))
    pipeline = Pipeline(summarizer=False, classifier=False, progress=False)
    (record,) = pipeline.run(tmp_path)
    assert record["text"] == "Le CAC 40 a gagné 2 % à l'ouverture."
    assert record["warnings"] == [f"{tmp_path / 'a1.txt'}: not valid UTF-8; decoded as cp1252"]


def test_a_pipeline_needs_a_stage_and_stages_can_be_left_out(tiny_classifier: Any) -> None:
    with pytest.raises(UsageError, match="at least one stage"):
        Pipeline(clean=False, summarizer=False, classifier=False)
    only_stance = Pipeline(summarizer=False, classifier=tiny_classifier, progress=False)
    (record,) = only_stance.run(["Le CAC 40 a gagné 2 %."])
    assert set(record) == {"id", "stance", "flags"}
    only_summary = Pipeline(summarizer=LeadSummarizer(max_sentences=1), classifier=False, progress=False)
    (record,) = only_summary.run(["Le CAC 40 a gagné 2 %. Les banques ont mené."])
    assert record["summary"] == "Le CAC 40 a gagné 2 %." and "stance" not in record


def test_a_pipeline_shared_by_threads_gives_the_records_of_a_sequential_run() -> None:
    """Its batches run one at a time: the stages keep state while they run (here the cleaner's batch
    counts, which another thread's batch would otherwise change mid-batch)."""
    from concurrent.futures import ThreadPoolExecutor

    from stance.summarize import LeadSummarizer

    pipeline = Pipeline(summarizer=LeadSummarizer(max_sentences=1), classifier=False, progress=False, batch_size=3)
    pages = [[f"Article {n}.{k} : la Bourse de Paris a fini en hausse de {k} %, portée par les banques.\n\n"
              "Les plus lus\n\nMentions légales\n\nPartager" for k in range(3)] for n in range(12)]
    sequential = [list(pipeline.run(batch)) for batch in pages]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda batch: list(pipeline.run(batch)), pages * 3))
    assert threaded == sequential * 3
    assert repr(pipeline).startswith("Pipeline(cleaner=Cleaner, summarizer=") and "batch_size=3" in repr(pipeline)
    import pickle
    import threading

    copy = pickle.loads(pickle.dumps(pipeline))  # the lock is not pickled: the copy gets its own, and runs
    assert isinstance(copy._lock, type(threading.RLock())) and copy._lock is not pipeline._lock
    assert list(copy.run(pages[0])) == sequential[0]


def test_pipeline_options_are_checked_when_it_is_made() -> None:
    with pytest.raises(UsageError, match=r"expected neutral_weight > 0"):
        Pipeline(classifier=False, summarizer=False, neutral_weight=-1)
    cleaning_off = Pipeline(cleaner=False, summarizer=LeadSummarizer(), classifier=False, progress=False)
    assert cleaning_off.cleaner is None


@pytest.fixture()
def tiny_default_stages(monkeypatch: pytest.MonkeyPatch, tiny_bert_dir: Path, tiny_classifier: Any) -> dict:
    """The default stages without the real models: the e5-small encoder Pipeline builds is the tiny one
    (in the device and dtype asked for), and the lora classifier's load records what it was given."""
    import stance.classify
    import stance.encode

    real = stance.encode.Encoder
    calls: dict[str, list] = {"encoder": [], "lora": [], "named": []}

    def encoder(model: str, device: str = "auto", batch_size: int = 32, dtype: Any = None, **options: Any) -> Any:
        calls["encoder"].append((model, device, dtype))
        return real(str(tiny_bert_dir), device=device, dtype=dtype, **options)

    def load(**options: Any) -> Any:
        calls["lora"].append(options)
        return tiny_classifier

    monkeypatch.setattr(stance.encode, "Encoder", encoder)
    monkeypatch.setattr(stance.classify.LoraStanceClassifier, "load", load)
    monkeypatch.setattr(stance.classify, "load_classifier",
                        lambda name, **options: calls["named"].append((name, options)) or tiny_classifier)
    return calls


def test_dtype_reaches_the_stages_the_pipeline_builds(tiny_default_stages: dict, tiny_classifier: Any) -> None:
    import torch

    calls = tiny_default_stages
    pipeline = Pipeline(device="cpu", dtype="bf16", progress=False)  # bf16 runs on the CPU too
    assert pipeline.dtype == "bf16" and calls["encoder"] == [("e5-small", "cpu", "bf16")]
    assert pipeline.summarizer.encoder.dtype == torch.bfloat16  # the shared encoder
    (options,) = calls["lora"]
    assert options["dtype"] == "bf16" and options["encoder"] is pipeline.summarizer.encoder
    assert next(pipeline.run([DOCS["d1"]]))["summary"]

    # The default summariser alone gets an encoder in that precision; a classifier by name the dtype.
    calls["encoder"].clear()
    alone = Pipeline(classifier="embedding", device="cpu", dtype="bfloat16", progress=False)
    assert alone.dtype == "bf16" and alone.summarizer.encoder.dtype == torch.bfloat16
    assert calls["encoder"] == [("e5-small", "cpu", "bf16")]
    assert calls["named"] == [("embedding", {"device": "cpu", "dtype": "bf16"})]

    # Without a dtype: the precision is the device's default, and the lone summariser loads its encoder lazily.
    calls["encoder"].clear()
    default = Pipeline(classifier=False, device="cpu", progress=False)
    assert default.dtype is None and calls["encoder"] == []
    assert default.summarizer.encoder.dtype == torch.float32

    # Stage objects keep their own precision.
    given = Pipeline(summarizer=LeadSummarizer(), classifier=tiny_classifier, dtype="bf16", progress=False)
    assert given.dtype == "bf16" and tiny_classifier.encoder.dtype == torch.float32


def test_a_bad_dtype_is_refused_before_any_model_loads(tiny_default_stages: dict) -> None:
    for bad in ("fp8", "int8", ""):
        with pytest.raises(UsageError, match=r"expected a dtype of fp32, bf16 or fp16 .*got "):
            Pipeline(dtype=bad)
    assert tiny_default_stages == {"encoder": [], "lora": [], "named": []}
    # The lead summariser runs no model: a dtype has nothing to set there.
    assert type(Pipeline(summarizer="lead", classifier=False, dtype="fp32").summarizer).__name__ == "LeadSummarizer"


@pytest.mark.slow
def test_the_default_pipeline_runs_in_the_dtype_asked_for() -> None:
    import torch

    pipeline = Pipeline(device="cpu", dtype="bf16", progress=False)
    encoder = pipeline.summarizer.encoder
    assert encoder is pipeline.classifier.encoder and encoder.dtype == torch.bfloat16
    assert "dtype='torch.bfloat16'" in pipeline.describe()["encoder"]
    record = next(pipeline.run([DOCS["d1"]]))
    assert record["stance"]["label"] in STANCE_LABELS and record["summary"]


def test_a_pipeline_pickles_alike_however_much_it_ran() -> None:
    """datasets keys its cache of dataset.map(pipeline.map_batch) on the pickle of the pipeline: the
    statistics and the line model's caches stay out of it, so the same pipeline reuses the cache."""
    import pickle

    from datasets.fingerprint import Hasher

    pipeline = Pipeline(summarizer=LeadSummarizer(max_sentences=1), classifier=False, progress=False)
    before, key = pickle.dumps(pipeline), Hasher.hash(pipeline.map_batch)
    list(pipeline.run(["Le CAC 40 monte.\n\nPartager", "Le Dax recule de 2 % à la clôture, plombé par l'automobile."]))
    assert pipeline.stats().documents == 2
    assert pickle.dumps(pipeline) == before and Hasher.hash(pipeline.map_batch) == key
    assert pickle.loads(before).stats().documents == 0  # a copy starts afresh


# ----------------------------------------------------------------------------- cleaning workers


class FailingCleaner:
    """A cleaner that fails on the document that says so (importable by worker processes)."""

    def clean(self, text: str, doc_id: str | None = None, warnings: Sequence[str] = ()) -> Any:
        from stance.cleaning import Cleaner

        if "ÉCHEC" in text:
            raise ValueError(f"cannot clean {doc_id}")
        if "ARRÊT" in text:
            import os

            os._exit(3)  # a worker killed mid-batch (out of memory, kill -9)
        return Cleaner().clean(text, doc_id=doc_id, warnings=warnings)


def test_clean_workers_give_the_records_and_statistics_of_one_process(tiny_classifier: Any) -> None:
    """Batches cleaned in two worker processes, ahead of the models: the same records in the same order,
    the same counts of reasons and flags, and ids the output already holds are still skipped."""
    docs = [Document(f"{doc_id}-{n}", text) for n in range(4) for doc_id, text in DOCS.items()]
    docs.append(Document("en", "The Nasdaq climbed 3 % on Tuesday after record quarterly results, as investors "
                               "cheered strong chip sales and raised their hopes for the rest of the year."))
    runs = {}
    for workers in (1, 2):
        pipeline = Pipeline(summarizer=LeadSummarizer(), classifier=tiny_classifier, batch_size=3, progress=False,
                            clean_workers=workers)
        records = list(pipeline.run(docs, skip=lambda doc_id: doc_id.startswith("d3")))
        runs[workers] = records, pipeline.stats()
    (records, one), (parallel, two) = runs[1], runs[2]
    assert parallel == records and len(records) == len(docs) - 4
    assert [r["id"] for r in parallel] == [d.id for d in docs if not d.id.startswith("d3")]
    assert (two.documents, two.bytes, two.skipped) == (one.documents, one.bytes, one.skipped) == (17, one.bytes, 4)
    assert two.reasons == one.reasons and two.flags == one.flags and one.flags["not French"] == 1
    assert two.seconds["clean"] > 0


def test_clean_workers_extract_html_themselves_with_the_same_records(tmp_path: Path) -> None:
    """HTML is extracted in the workers (it costs ten times what cleaning does): the records, and the
    bytes counted (of the extracted text), are those of one process."""
    pytest.importorskip("trafilatura")
    from test_io import PAGE

    pages = tmp_path / "pages.jsonl"
    with pages.open("w", encoding="utf-8") as out:
        for n in range(5):
            out.write(json.dumps({"id": f"p{n}", "html": PAGE.replace("1,2 %", f"{n},2 %")}) + "\n")
            out.write(json.dumps({"id": f"t{n}", "text": DOCS["d1"]}) + "\n")
    runs = []
    for workers in (1, 2):
        pipeline = Pipeline(summarizer=False, classifier=False, batch_size=3, progress=False, clean_workers=workers)
        runs.append((list(pipeline.run(pages)), pipeline.stats()))
    (records, one), (parallel, two) = runs
    assert parallel == records and records[0]["text"].startswith("Le CAC 40 finit en hausse")
    assert "<" not in "".join(r["text"] for r in records) and two.bytes == one.bytes
    # pages read unextracted and given to a pipeline of one process, with or without cleaning, are extracted
    from stance.io import iter_documents

    alone = Pipeline(summarizer=False, classifier=False, batch_size=3, progress=False)
    assert list(alone.run(list(iter_documents(pages, defer_html=True)))) == records
    as_given = Pipeline(clean=False, summarizer=LeadSummarizer(max_sentences=1), classifier=False, progress=False)
    (first, *_) = as_given.run(list(iter_documents(pages, defer_html=True)))
    assert first["summary"].startswith("La Bourse de Paris a terminé la séance") and "<" not in first["summary"]


def test_clean_workers_are_checked_before_any_work() -> None:
    import threading

    for bad in (0, -1, True, 2.0, "2"):
        with pytest.raises(UsageError, match=r"expected clean_workers to be a whole number >= 1"):
            Pipeline(summarizer=False, classifier=False, clean_workers=bad)

    class Unsendable(FailingCleaner):
        def __init__(self) -> None:
            self.lock = threading.Lock()

    with pytest.raises(UsageError, match=r"clean_workers > 1 sends the cleaner to each worker process, and "
                                         r"Unsendable cannot be pickled"):
        Pipeline(cleaner=Unsendable(), summarizer=False, classifier=False, clean_workers=2)
    # one process needs no pickling, and no cleaning needs no workers
    Pipeline(cleaner=Unsendable(), summarizer=False, classifier=False)
    assert Pipeline(cleaner=False, summarizer=LeadSummarizer(), classifier=False, clean_workers=2).cleaner is None


def test_a_failure_in_a_cleaning_worker_reaches_the_caller() -> None:
    """A cleaner's error is raised by run() as it would be in one process; a worker that dies is
    reported, with what to do, instead of hanging the run."""
    docs = [Document(f"a{n}", "Le CAC 40 a gagné 2 %.") for n in range(6)]
    pipeline = Pipeline(cleaner=FailingCleaner(), summarizer=False, classifier=False, batch_size=2, progress=False,
                        clean_workers=2)
    with pytest.raises(ValueError, match="cannot clean bad"):
        list(pipeline.run([*docs[:3], Document("bad", "ÉCHEC"), *docs[3:]]))
    done = []
    with pytest.raises(StanceError, match=r"a cleaning worker process stopped: it ran out of memory or was killed"):
        for record in pipeline.run([*docs[:2], Document("x", "ARRÊT"), *docs[2:]]):
            done.append(record["id"])
    assert done in ([], ["a0", "a1"])  # the batches before the dead worker's, at most


def test_clean_workers_refuse_a_script_they_could_not_start(tmp_path: Path) -> None:
    """Worker processes import the main script: one read from standard input cannot be, and one that
    runs a pipeline outside ``if __name__ == "__main__":`` would start workers of its own. Both fail
    at once with what to do (multiprocessing alone hangs on the second)."""
    import subprocess
    import sys

    script = ("from stance import Pipeline\n"
              "pipeline = Pipeline(summarizer=False, classifier=False, progress=False, clean_workers=2)\n"
              "print(len(list(pipeline.run(['Le CAC 40 a gagné 2 %.'] * 3))))\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    piped = subprocess.run([sys.executable, "-"], input=script, text=True, capture_output=True, timeout=120,
                           cwd=tmp_path, env=env)
    assert piped.returncode == 1 and "'<stdin>' is not a file" in piped.stderr
    (tmp_path / "unguarded.py").write_text(script, encoding="utf-8")
    unguarded = subprocess.run([sys.executable, "unguarded.py"], text=True, capture_output=True, timeout=120,
                               cwd=tmp_path, env=env)
    assert unguarded.returncode == 1
    assert 'run the pipeline under `if __name__ == "__main__":`' in unguarded.stderr
    (tmp_path / "guarded.py").write_text("if __name__ == '__main__':\n" + "".join(
        "    " + line + "\n" for line in script.splitlines()), encoding="utf-8")
    guarded = subprocess.run([sys.executable, "guarded.py"], text=True, capture_output=True, timeout=120,
                             cwd=tmp_path, env=env)
    assert guarded.returncode == 0 and guarded.stdout.strip() == "3", guarded.stderr
    # a cleaner whose class a worker cannot import (defined under the guard): said, not a dead worker
    (tmp_path / "local_class.py").write_text(
        "from stance import Pipeline\n"
        "from stance.cleaning import Cleaner\n"
        "if __name__ == '__main__':\n"
        "    class MyCleaner(Cleaner):\n"
        "        pass\n"
        "    pipeline = Pipeline(MyCleaner(), summarizer=False, classifier=False, progress=False, clean_workers=2)\n"
        "    list(pipeline.run(['Le CAC 40 a gagné 2 %.']))\n", encoding="utf-8")
    local = subprocess.run([sys.executable, "local_class.py"], text=True, capture_output=True, timeout=120,
                           cwd=tmp_path, env=env)
    assert local.returncode == 1
    assert "a cleaning worker process could not load the cleaner (AttributeError: " in local.stderr
    assert "MyCleaner" in local.stderr


def test_neutral_weight_with_a_learnt_aggregation_is_said_to_change_nothing(
    tiny_classifier: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import copy

    from stance.pipeline import Pipeline

    with caplog.at_level("WARNING", logger="stance"):
        Pipeline(cleaner=False, summarizer=False, classifier=tiny_classifier, neutral_weight=2.0)
    assert not caplog.records  # the fixed rule reads it: nothing to say
    learnt = copy.copy(tiny_classifier)
    learnt.aggregation_ = object()  # as the lora backend's learnt document aggregation
    with caplog.at_level("WARNING", logger="stance"):
        Pipeline(cleaner=False, summarizer=False, classifier=learnt, neutral_weight=2.0)
    assert [r.getMessage() for r in caplog.records] == [
        "neutral_weight=2.0 changes nothing: EmbeddingStanceClassifier weighs a document's passages with its "
        "learnt aggregation, not the fixed rule; leave it out, or use a classifier without one (e.g. the "
        "embedding backend)"]


def test_a_run_without_a_terminal_logs_its_progress(monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A batch job's stderr is a log file, where the bar does not show: how far the run has got is logged."""
    from stance import pipeline
    from stance.pipeline import Pipeline

    monkeypatch.setattr(pipeline, "PROGRESS_LOG_SECONDS", 0.0)  # a line at every batch
    texts = [f"Le CAC 40 gagne {n} % vendredi, porté par les banques et le luxe." for n in range(1, 6)]
    with caplog.at_level("INFO", logger="stance"):
        records = list(Pipeline(summarizer=False, classifier=False, batch_size=2).run(texts))
    assert len(records) == 5
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("documents:")]
    assert [line.split(",")[0] for line in lines] == ["documents: 2 of 5 (40%)", "documents: 4 of 5 (80%)",
                                                      "documents: 5 of 5 (100%)"]
    caplog.clear()
    with caplog.at_level("INFO", logger="stance"):  # a bar asked for, or none at all: no lines
        list(Pipeline(summarizer=False, classifier=False, batch_size=2, progress=False).run(texts))
    assert not [r for r in caplog.records if r.getMessage().startswith("documents:")]


# ----------------------------------------------------------------------------- stages and documents given wrong


def test_a_stage_given_as_its_class_or_a_cleaner_without_clean_batch_is_refused_when_the_pipeline_is_made() -> None:
    from stance.cleaning import Cleaner

    with pytest.raises(UsageError, match=r"got the class Cleaner: pass an instance, e\.g\. cleaner=Cleaner\(\)"):
        Pipeline(cleaner=Cleaner, summarizer=False, classifier=False)
    with pytest.raises(UsageError, match=r"got the class LeadSummarizer: pass an instance"):
        Pipeline(summarizer=LeadSummarizer, classifier=False)
    with pytest.raises(UsageError, match=r"a cleaner with a clean\(text\) or clean_batch\(documents\) .* got str"):
        Pipeline(cleaner="x", summarizer=False, classifier=False)


def test_a_device_this_machine_lacks_is_refused_when_the_pipeline_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    from stance.errors import DeviceError

    with pytest.raises(DeviceError, match="got 'tpu'"):
        Pipeline(summarizer=LeadSummarizer(), classifier=False, device="tpu")


def test_documents_with_another_id_or_no_text_and_process_of_texts() -> None:
    pipeline = Pipeline(summarizer=False, classifier=False, progress=False)
    assert [record["id"] for record in pipeline.run([Document(5, "Le CAC 40 monte.")])] == ["5"]  # type: ignore[arg-type]
    with pytest.raises(InputError, match="expected a Document whose text is a str at position 0, got NoneType"):
        list(pipeline.run([Document("d1", None)]))  # type: ignore[arg-type]
    assert [record["id"] for record in pipeline.process(["Le CAC 40 monte.", {"id": "b", "text": "Le Dax."}])] == [
        "0", "b"]
    with pytest.raises(InputError, match=r"use process\(\[text\]\)"):
        pipeline.process("Le CAC 40 monte.")  # type: ignore[arg-type]


def test_a_dataframe_s_missing_id_is_reported_not_written_as_nan() -> None:
    import pandas as pd

    problems: list[InputError] = []
    pipeline = Pipeline(summarizer=False, classifier=False, progress=False)
    frame = pd.DataFrame({"id": ["a", None], "text": ["Le CAC 40 monte.", "Le Dax recule."]})
    frame.loc[1, "id"] = float("nan")
    assert [record["id"] for record in pipeline.run(frame, on_error=problems.append)] == ["a"]
    assert "got NaN (a DataFrame's missing id)" in str(problems[0])


def test_map_batch_reads_its_rows_as_run_reads_documents() -> None:
    pipeline = Pipeline(summarizer=False, classifier=False, progress=False)
    assert pipeline.map_batch({"id": [1, "b"], "text": ["Le CAC 40 monte.", "Le Dax recule."]})["clean"] == [
        "Le CAC 40 monte.", "Le Dax recule."]
    with pytest.raises(InputError, match="expected a mapping with a 'text' string at position 1, got one with 'text' "
                                         "NoneType"):
        pipeline.map_batch({"text": ["Le CAC 40 monte.", None]})
    with pytest.raises(InputError, match="got NaN"):
        pipeline.map_batch({"id": ["a", float("nan")], "text": ["Le CAC 40 monte.", "Le Dax recule."]})
