from __future__ import annotations

import itertools
import json
import logging
import re
from pathlib import Path

import numpy as np
import pytest

from stance.errors import InputError, ModelNotAvailableError, StanceError, UsageError
from stance.pipeline import Pipeline
from stance.runtime import native_bf16
from stance.segmentation import count_words, segment
from stance.summarize import (
    ExtractiveSummarizer,
    LeadSummarizer,
    Seq2SeqSummarizer,
    Summarizer,
    Summary,
    load_summarizer,
)
from stance.summarize.extractive import candidate_sentences, depends_on_context, nothing_to_summarize

ARTICLE = (
    "Le CAC 40 recule nettement\n\n"
    "La Bourse de Paris a terminé la séance de vendredi en baisse de 1,8 %, plombée par les valeurs du luxe. "
    "Les investisseurs s'inquiètent d'un ralentissement de la demande chinoise. "
    "Pourquoi une telle chute ?\n\n"
    "LVMH a perdu 4 % après des ventes décevantes en Asie. "
    "Kering et Hermès ont suivi le mouvement dans des volumes importants. "
    "Cela pèse sur tout le secteur.\n\n"
    "Les banques ont mieux résisté grâce à la hausse des taux. "
    "BNP Paribas a même gagné 0,5 % sur la semaine."
)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------ extractive


@pytest.fixture(scope="module")
def tiny_extractive(tiny_bert_dir: Path) -> ExtractiveSummarizer:
    """The extractive summariser on a random tiny BERT: the selection logic, not the quality."""
    return ExtractiveSummarizer(str(tiny_bert_dir), device="cpu")


def test_summary_is_a_budget_of_sentences_in_document_order(tiny_extractive: ExtractiveSummarizer) -> None:
    summary = tiny_extractive.summarize(ARTICLE)
    assert isinstance(summary, Summary) and summary.method == "extractive"
    assert len(summary.sentences) == 3
    starts = [s.start for s in summary.sentences]
    assert starts == sorted(starts)
    for sentence in summary.sentences:
        assert ARTICLE[sentence.start : sentence.end] == sentence.text
    assert summary.text == " ".join(s.text for s in summary.sentences)
    chosen = {s.text for s in summary.sentences}
    # headings, questions and context-bound fragments are never summary sentences here
    assert not chosen & {"Le CAC 40 recule nettement", "Pourquoi une telle chute ?"}


def test_word_budget(tiny_extractive: ExtractiveSummarizer, tiny_bert_dir: Path) -> None:
    by_words = ExtractiveSummarizer(tiny_extractive.encoder, max_sentences=None, max_words=30)
    summary = by_words.summarize(ARTICLE)
    assert 0 < count_words(summary.text) <= 30
    # the best sentence is always taken, even alone over the budget
    tight = ExtractiveSummarizer(tiny_extractive.encoder, max_sentences=None, max_words=2)
    assert len(tight.summarize(ARTICLE).sentences) == 1


def test_a_str_gives_one_summary_and_a_list_gives_a_list(tiny_extractive: ExtractiveSummarizer) -> None:
    single = tiny_extractive.summarize(ARTICLE)
    batch = tiny_extractive.summarize([ARTICLE, "", "Le CAC 40 a gagné 2 % vendredi."])
    assert isinstance(batch, list) and len(batch) == 3
    assert batch[0] == single
    assert batch[1] == Summary("", (), "extractive")
    assert batch[2].text == "Le CAC 40 a gagné 2 % vendredi."
    assert tiny_extractive.summarize([]) == []
    assert isinstance(tiny_extractive, Summarizer)


@pytest.mark.slow
def test_extractive_summaries_are_deterministic(tiny_bert_dir: Path, seed_texts: list[str]) -> None:
    texts = [seed_texts[0], ARTICLE, seed_texts[3]]
    first = ExtractiveSummarizer(str(tiny_bert_dir), device="cpu").summarize(texts)
    # a document's summary does not depend on the documents batched with it
    second = ExtractiveSummarizer(str(tiny_bert_dir), device="cpu").summarize(list(reversed(texts)))
    assert first == list(reversed(second))


def test_near_duplicates_are_taken_once(tiny_extractive: ExtractiveSummarizer) -> None:
    repeated = "Les banques ont mieux résisté grâce à la hausse des taux."
    text = ARTICLE + "\n\n" + repeated + "\n\n" + repeated.upper()
    summarizer = ExtractiveSummarizer(tiny_extractive.encoder, max_sentences=10)
    texts = [s.text.lower() for s in summarizer.summarize(text).sentences]
    assert texts.count(repeated.lower()) == 1


def test_ties_go_to_the_earlier_sentence() -> None:
    spans = candidate_sentences(ARTICLE)
    # orthogonal embeddings: every sentence is as central as every other
    vectors = np.eye(len(spans))
    summarizer = ExtractiveSummarizer("unused", max_sentences=2, position_weight=0.0, context_penalty=0.0)
    chosen = summarizer.select(spans, vectors).sentences
    assert [s.text for s in chosen] == [spans[0].text, spans[1].text]


def test_directed_centrality_favours_a_sentence_that_later_ones_develop() -> None:
    spans = candidate_sentences(ARTICLE)[:4]
    rng = np.random.default_rng(0)
    topic, other = rng.normal(size=16), rng.normal(size=16)
    raw = [topic + 0.1 * other, other, topic + 0.2 * rng.normal(size=16), topic + 0.2 * rng.normal(size=16)]
    vectors = np.array([v / np.linalg.norm(v) for v in raw])
    summarizer = ExtractiveSummarizer("unused", max_sentences=1, position_weight=0.0, context_penalty=0.0)
    scores = summarizer.score(spans, vectors)
    assert int(np.argmax(scores)) == 0
    # the last sentence only repeats what came before it
    assert int(np.argmin(scores)) == 3
    pagerank = ExtractiveSummarizer("unused", centrality="pagerank", position_weight=0.0, context_penalty=0.0)
    assert int(np.argmin(pagerank.score(spans, vectors))) == 1


def test_mmr_skips_a_redundant_sentence() -> None:
    spans = candidate_sentences(ARTICLE)[:4]
    rng = np.random.default_rng(1)
    base = rng.normal(size=32)
    raw = [base, base + 0.3 * rng.normal(size=32), rng.normal(size=32), rng.normal(size=32)]
    vectors = np.array([v / np.linalg.norm(v) for v in raw])
    greedy = ExtractiveSummarizer("unused", max_sentences=2, diversity=0.0, position_weight=1.0, context_penalty=0.0)
    assert [s.start for s in greedy.select(spans, vectors).sentences] == [spans[0].start, spans[1].start]
    diverse = ExtractiveSummarizer("unused", max_sentences=2, diversity=0.7, position_weight=1.0, context_penalty=0.0)
    assert [s.start for s in diverse.select(spans, vectors).sentences] == [spans[0].start, spans[2].start]


def test_candidate_sentences() -> None:
    texts = [s.text for s in candidate_sentences(ARTICLE)]
    assert "Le CAC 40 recule nettement" not in texts  # heading
    assert "Pourquoi une telle chute ?" not in texts  # question
    assert texts[0].startswith("La Bourse de Paris")
    assert [s.text for s in candidate_sentences("Titre seul\n\nUn autre titre")] == ["Titre seul", "Un autre titre"]
    assert [s.text for s in candidate_sentences("Vraiment ?")] == ["Vraiment ?"]
    assert candidate_sentences("") == []
    # the items of a list whose markers were lost, ending on a semicolon or a comma, are no sentences
    listed = ("Pour en bénéficier, le foyer doit remplir trois conditions.\n"
              "résider en France de manière stable ;\n"
              "disposer de revenus sous le plafond,\n"
              "Le dossier se dépose en ligne avant la fin du mois de juin.")
    assert [s.text[:20] for s in candidate_sentences(listed)] == ["Pour en bénéficier, ", "Le dossier se dépose"]


def test_a_list_article_s_items_are_candidates_and_a_speaker_s_greeting_is_not() -> None:
    text = ("Claire Mounier : Bonjour à toutes et à tous.\n"
            "Le salon a fermé ses portes dimanche soir après quatre jours.\n"
            "Ce qu'il fallait retenir :\n"
            "• Airbus a annoncé 120 commandes fermes pour son A321neo.\n"
            "• Le motoriste Safran relève sa prévision de livraisons.\n"
            "• Commandes\n"
            "Claire Mounier : Merci à vous et à demain.")
    assert [s.text for s in candidate_sentences(text)] == [
        "Le salon a fermé ses portes dimanche soir après quatre jours.",
        "Airbus a annoncé 120 commandes fermes pour son A321neo.",
        "Le motoriste Safran relève sa prévision de livraisons.",
    ]
    # a long sentence that opens on "Merci" says something: it stays
    assert candidate_sentences("Merci aux actionnaires qui ont suivi la hausse de capital de 2 milliards d'euros "
                               "lancée en mars pour financer le rachat du concurrent allemand.")[0].kind == "sentence"


def test_depends_on_context() -> None:
    assert depends_on_context("Cela pèse sur tout le secteur.")
    assert depends_on_context("Parmi eux, des fonds séduits par l’aura de Musk.")
    assert depends_on_context("« Il faut y aller », dit-il.")
    assert depends_on_context("C'est ce que j'ai fait.") and depends_on_context("C’était prévisible.")
    assert not depends_on_context("Celine Dion chante.")
    assert not depends_on_context("LVMH a perdu 4 %.")


def test_lead_baseline() -> None:
    summary = LeadSummarizer(max_sentences=2).summarize(ARTICLE)
    assert summary.method == "lead"
    assert [s.text for s in summary.sentences] == [
        "La Bourse de Paris a terminé la séance de vendredi en baisse de 1,8 %, plombée par les valeurs du luxe.",
        "Les investisseurs s'inquiètent d'un ralentissement de la demande chinoise.",
    ]
    assert count_words(LeadSummarizer(max_sentences=None, max_words=25).summarize(ARTICLE).text) <= 25


def test_a_sentence_wrapped_over_two_lines_reads_on_one_line_in_the_summary() -> None:
    text = ("Le groupe a publié un chiffre d'affaires en nette hausse, portés par\n\nla croissance de ses ventes "
            "en Asie.\n\nLes marges suivent.")
    summary = LeadSummarizer(max_sentences=2).summarize(text)
    assert summary.text == ("Le groupe a publié un chiffre d'affaires en nette hausse, portés par la croissance de ses "
                            "ventes en Asie. Les marges suivent.")
    first = summary.sentences[0]
    assert text[first.start:first.end] == first.text and "\n\n" in first.text  # the offsets still point into the text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_sentences": None, "max_words": None}, "expected a budget"),
        ({"max_sentences": 0}, "expected max_sentences to be a whole number >= 1"),
        ({"max_words": -3}, "expected max_words to be a whole number >= 1"),
        ({"diversity": 1.5}, "expected diversity between 0 and 1"),
        ({"centrality": "eigen"}, "expected centrality 'directed' or 'pagerank'"),
    ],
)
def test_bad_options_are_clear_errors(options: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):  # a bad argument: exit 2
        ExtractiveSummarizer("unused", **options)
    if "diversity" not in options and "centrality" not in options:
        with pytest.raises(UsageError, match=message):
            LeadSummarizer(**options)


def test_a_bad_min_words_is_refused_when_the_summariser_is_made() -> None:
    for summarizer in (LeadSummarizer, lambda **options: ExtractiveSummarizer("unused", **options)):
        with pytest.raises(UsageError, match="expected min_words to be a whole number >= 0, got 'x'"):
            summarizer(min_words="x")


def test_bad_inputs_are_clear_errors() -> None:
    lead = LeadSummarizer()
    with pytest.raises(InputError, match="expected a str or a list of str to summarise, got bytes"):
        lead.summarize(b"Le CAC 40")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="got int at index 1"):
        lead.summarize(["Le CAC 40 monte.", 3])  # type: ignore[list-item]


def test_summary_record() -> None:
    summary = LeadSummarizer(max_sentences=1).summarize(ARTICLE)
    record = summary.to_record("a1")
    assert record["id"] == "a1" and record["summary"] == summary.text
    assert record["sentences"] == [{"start": 28, "end": 131, "text": summary.text, "score": 1.0}]
    assert Summary("Un résumé.", method="seq2seq:x").to_record("b") == {"id": "b", "summary": "Un résumé."}


# A page of menus: cleaning keeps five lines, none of them a sentence, and flags it
MENU = "Accueil\n\nÉconomie\n\nBourse\n\nTech\n\nSe connecter\n\nMentions légales"
MENU_CLEANED = "Accueil\n\nÉconomie\n\nBourse\n\nTech\n\nMentions légales"


def test_a_page_without_an_article_sentence_gets_an_empty_summary() -> None:
    from stance.cleaning import Cleaner

    cleaned = Cleaner().clean(MENU)
    assert (cleaned.text, cleaned.flags) == (MENU_CLEANED, ("no article sentence",))
    # no heading or menu item as its summary (it was "Accueil Économie Bourse"), and nothing to encode
    encoder = CountingEncoder()
    assert ExtractiveSummarizer(encoder, progress=False).summarize(MENU_CLEANED) == Summary("", (), "extractive")
    assert encoder.encoded == 0
    assert LeadSummarizer().summarize(MENU_CLEANED) == Summary("", (), "lead")
    links = "• Accueil\n• Marchés\n• Lire l'article sur Orange\n• Nous contacter"  # menu items as a list
    assert candidate_sentences(links) == [] and LeadSummarizer().summarize(links).text == ""
    assert candidate_sentences("Accueil\n\nSe connecter.\n\nTous droits réservés.") == []
    assert nothing_to_summarize(MENU_CLEANED) and nothing_to_summarize(" \n") and nothing_to_summarize(links)
    # the record says why, as for an empty document: an empty summary and the cleaning flag
    records = list(Pipeline(summarizer=LeadSummarizer(), classifier=False, progress=False).run([MENU, ""]))
    assert [(r["summary"], r["flags"]) for r in records] == [("", ["no article sentence"]), ("", ["empty document"])]
    assert "sentences" not in records[0]


def test_a_headline_a_post_or_a_page_of_short_sentences_still_gets_its_summary() -> None:
    # one or two lines (a headline, a post) are no page: the best there is still stands in
    headline = "Le CAC 40 termine en hausse porté par les banques"
    assert LeadSummarizer().summarize(headline).text == headline and not nothing_to_summarize(headline)
    # a page of short lines whose sentences can stand alone is summarised from them
    brief = "Marchés\n\nLe CAC 40 gagne 2 %.\n\nLes banques mènent la hausse.\n\nLe luxe recule."
    assert LeadSummarizer(max_sentences=2).summarize(brief).text == "Le CAC 40 gagne 2 %. Les banques mènent la hausse."
    assert not nothing_to_summarize(brief)


@pytest.fixture(scope="module")
def e5_extractive(e5_small_dir: Path) -> ExtractiveSummarizer:
    return ExtractiveSummarizer("e5-small", device="cpu")


@pytest.mark.slow
def test_seed_summaries_read_as_summaries(e5_extractive: ExtractiveSummarizer, seed_texts: list[str]) -> None:
    from stance.cleaning import Cleaner
    from stance.document import Document

    cleaner = Cleaner()
    cleaned = [cleaner.clean(text) for text in seed_texts]
    documents = [Document(f"seed-{i}", text) for i, text in enumerate(seed_texts)]
    pipeline = Pipeline(summarizer=e5_extractive, classifier=False, progress=False)
    records = list(pipeline.run(documents))
    for record, result in zip(records, cleaned, strict=True):
        sentences = record["sentences"]
        assert len(sentences) == 3, record
        kinds = {(s.start, s.end): s.kind for s in segment(result.text)}
        # lines dropped as furniture or comments; a repeated copy's lines stay in the text once
        dropped = " ".join(d.line for d in result.dropped if d.line not in result.text)
        for sentence in sentences:
            assert result.text[sentence["start"] : sentence["end"]] == sentence["text"]
            assert kinds[(sentence["start"], sentence["end"])] == "sentence"  # no heading, no bullet
            assert sentence["text"][-1] in '.!…»”"', sentence  # whole sentences, no question
            assert sentence["text"] not in dropped  # nothing from comments or boilerplate
        vectors = e5_extractive.encoder.encode([s["text"] for s in sentences])
        similarity = vectors @ vectors.T
        assert similarity[~np.eye(3, dtype=bool)].max() < 0.97  # no near-duplicates
    # the lead of a news article is news: the opening sentence of seeds 000 and 003 leads their summaries
    assert records[0]["summary"].startswith("Lorsque la valorisation de SpaceX a grimpé")
    assert records[3]["summary"].startswith("Avant de se lancer dans une course effrénée")


# --------------------------------------------------------------------- seq2seq


@pytest.fixture(scope="module")
def tiny_t5_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    from tests.tiny_seq2seq import build_tiny_t5

    return build_tiny_t5(tmp_path_factory.mktemp("tiny-t5"), seed_texts)


@pytest.fixture(scope="module")
def tiny_mt5_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    from tests.tiny_seq2seq import build_tiny_t5

    return build_tiny_t5(tmp_path_factory.mktemp("tiny-mt5"), seed_texts, multilingual=True)


@pytest.fixture(scope="module")
def tiny_mbart_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    from tests.tiny_seq2seq import build_tiny_mbart

    return build_tiny_mbart(tmp_path_factory.mktemp("tiny-mbart"), seed_texts, max_positions=64)


@pytest.fixture(scope="module")
def mbart(tiny_mbart_dir: Path) -> Seq2SeqSummarizer:
    return Seq2SeqSummarizer(
        str(tiny_mbart_dir), device="cpu", max_new_tokens=6, min_new_tokens=3, num_beams=1, batch_size=32
    )


@pytest.fixture
def tiny_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_t5_dir: Path, tiny_mbart_dir: Path) -> Path:
    """A models folder with specs for the tiny T5 (a task prefix, generation settings) and
    for the tiny mBART made to write summaries as long as its inputs."""
    (tmp_path / "tiny-mbart-verbose.toml").write_text(
        f'name = "tiny-mbart-verbose"\ntask = "summarize"\nsource = "path:{tiny_mbart_dir}"\n'
        "[generation]\nnum_beams = 1\nmax_new_tokens = 40\nmin_new_tokens = 40\n",
        encoding="utf-8",
    )
    (tmp_path / "tiny-t5.toml").write_text(
        'name = "tiny-t5"\ntask = "summarize"\n'
        f'source = "path:{tiny_t5_dir}"\nmax_input_tokens = 40\ndtype = "bf16-or-fp32"\n'
        '[prefixes]\nsummarize = "summarize: "\n'
        "[generation]\nnum_beams = 3\nno_repeat_ngram_size = 2\nmax_new_tokens = 5\nlength_penalty = 0.8\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("STANCE_MODELS", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("fixture", "architecture"),
    [
        ("tiny_t5_dir", "T5ForConditionalGeneration"),
        ("tiny_mt5_dir", "MT5ForConditionalGeneration"),
        ("tiny_mbart_dir", "MBartForConditionalGeneration"),
    ],
)
def test_any_seq2seq_checkpoint_loads_by_path(fixture: str, architecture: str, request: pytest.FixtureRequest) -> None:
    import torch

    path = request.getfixturevalue(fixture)
    summarizer = Seq2SeqSummarizer(str(path), device="cpu", max_new_tokens=4, num_beams=1)
    assert type(summarizer.model).__name__ == architecture
    assert summarizer.dtype == torch.float32
    summary = summarizer.summarize("Le CAC 40 a gagné 2 % vendredi, porté par les banques.")
    assert isinstance(summary, Summary) and summary.method == f"seq2seq:{Path(path).resolve()}"
    assert isinstance(summary.text, str) and summary.sentences == ()


def test_a_seq2seq_output_resumes_on_another_device_and_records_its_precision(
    tmp_path: Path, tiny_t5_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.cli import main

    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": str(n), "text": f"Le CAC 40 a gagné {n} % vendredi, porté par les "
                                        "banques."}) + "\n" for n in range(4)), encoding="utf-8")
    out = tmp_path / "s.jsonl"
    command = ["summarize", str(docs), "--out", str(out), "--model", str(tiny_t5_dir)]
    assert main([*command, "--device", "cpu"]) == 0
    recorded = json.loads((tmp_path / "s.settings.json").read_text(encoding="utf-8"))["summarizer"]
    assert "dtype='torch.float32'" in recorded and "device" not in recorded
    out.write_bytes(b"".join(out.read_bytes().splitlines(keepends=True)[:2]))  # an interrupted run
    assert main([*command, "--device", "cpu:0"]) == 0  # the device is no setting of the records
    assert len(out.read_bytes().splitlines()) == 4


def test_registry_name_gives_prefix_limit_and_generation_settings(tiny_registry: Path) -> None:
    summarizer = Seq2SeqSummarizer("tiny-t5", device="cpu")
    assert summarizer.prefix == "summarize: "
    assert summarizer.max_input_tokens == 40
    # 40 positions less </s> and the prefix's tokens are left for text
    assert summarizer.chunk_tokens == 40 - 1 - summarizer.count_tokens("summarize: ")
    assert summarizer.generation == {
        "num_beams": 3,
        "no_repeat_ngram_size": 2,
        "max_new_tokens": 5,
        "length_penalty": 0.8,
        "early_stopping": True,
        "do_sample": False,
    }
    overridden = Seq2SeqSummarizer("tiny-t5", device="cpu", num_beams=1, max_new_tokens=7, max_input_tokens=30)
    assert overridden.generation == {"num_beams": 1, "no_repeat_ngram_size": 2, "max_new_tokens": 7, "do_sample": False}
    assert overridden.max_input_tokens == 30
    for chunk in overridden.chunk(ARTICLE):
        ids = overridden.tokenizer(overridden.prefix + chunk)["input_ids"]
        assert len(ids) <= 30


def test_real_model_specs_give_their_model_card_settings() -> None:
    from stance.registry import get_spec
    from stance.summarize.seq2seq import _generation_settings

    assert _generation_settings(get_spec("mt5-xlsum").generation) == {
        "num_beams": 4,
        "no_repeat_ngram_size": 2,
        "max_new_tokens": 84,
        "length_penalty": 1.0,
        "early_stopping": True,
        "do_sample": False,
    }
    assert get_spec("barthez-orangesum").max_input_tokens == 1024
    with pytest.raises(UsageError, match="expected num_beams to be a whole number >= 1, got 0"):
        _generation_settings({}, num_beams=0)


def test_chunks_fit_fall_on_sentence_boundaries_and_lose_nothing(
    mbart: Seq2SeqSummarizer, seed_texts: list[str]
) -> None:
    # the sentences of seed 000 that fit alone, in their paragraphs
    paragraphs = []
    for paragraph in seed_texts[0].split("\n\n"):
        kept = [s.text for s in segment(paragraph) if mbart.count_tokens(s.text) < mbart.chunk_tokens]
        paragraphs.append(" ".join(kept))
    text = "\n\n".join(p for p in paragraphs if p)
    spans = segment(text)
    chunks = mbart.chunk(text)
    assert len(chunks) > 3
    position = 0
    for chunk in chunks:
        assert len(mbart.tokenizer(chunk)["input_ids"]) <= 64
        start = text.index(chunk, position)
        assert start in {s.start for s in spans} and start + len(chunk) in {s.end for s in spans}
        position = start + len(chunk)
    assert squash(" ".join(chunks)) == squash(text)
    # greedy: no two neighbouring chunks would have fitted together
    for first, second in itertools.pairwise(chunks):
        assert len(mbart.tokenizer(first + " " + second)["input_ids"]) > 64


def test_a_sentence_longer_than_the_limit_is_cut_between_words(mbart: Seq2SeqSummarizer) -> None:
    words = [f"mot{i}" for i in range(300)]
    text = "Début. " + " ".join(words) + " fin. Une phrase courte."
    chunks = mbart.chunk(text)
    assert all(len(mbart.tokenizer(chunk)["input_ids"]) <= 64 for chunk in chunks)
    assert squash(" ".join(chunks)) == squash(text)
    assert all(re.fullmatch(r"\S+(?: \S+)*", chunk) for chunk in chunks)  # no word cut in two
    blob = "x" * 3000
    pieces = mbart.chunk(blob)
    assert "".join(pieces) == blob and all(len(mbart.tokenizer(p)["input_ids"]) <= 64 for p in pieces)


@pytest.mark.slow
def test_long_documents_are_map_reduced_without_index_errors(
    mbart: Seq2SeqSummarizer, seed_texts: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    # seed 002 raw: ~10 000 tokens for a model that takes 64 positions
    long_text = seed_texts[2]
    assert mbart.count_tokens(long_text) > 100 * mbart.max_input_tokens
    calls: list[int] = []
    generate = mbart.generate

    def counting(texts: list[str], desc: str = "") -> list[str]:
        calls.append(len(texts))
        return generate(texts, desc=desc)

    mbart.generate = counting  # type: ignore[method-assign]
    try:
        with caplog.at_level(logging.WARNING):
            summary = mbart.summarize(long_text)
    finally:
        del mbart.generate
    assert summary.text
    assert mbart.count_tokens(summary.text) <= 2 * mbart.generation["max_new_tokens"]
    assert len(calls) >= 3 and calls[0] > 100 and calls[-1] == 1  # map, reduce(s), final
    assert calls == sorted(calls, reverse=True)
    assert "do not fit" not in caplog.text


@pytest.mark.slow
def test_a_reduce_that_does_not_shrink_stops_with_the_joined_summaries(
    tiny_registry: Path, seed_texts: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    # its spec makes every summary 40 tokens: as long as the chunks, so reducing cannot converge
    verbose = Seq2SeqSummarizer("tiny-mbart-verbose", device="cpu", batch_size=16)
    assert verbose.generation["min_new_tokens"] == 40
    with caplog.at_level(logging.WARNING):
        summary = verbose.summarize(seed_texts[3])
    assert "does not shorten them; keeping them joined" in caplog.text
    assert summary.text.count("\n") >= 10


def test_empty_chunk_summaries_end_the_reduction(mbart: Seq2SeqSummarizer, seed_texts: list[str]) -> None:
    # a model that answers every chunk with nothing (EOS first) gives an empty summary, not a loop
    mbart.generate = lambda texts, desc="": [""] * len(texts)  # type: ignore[method-assign]
    try:
        assert mbart.summarize([seed_texts[3], "Court."]) == [Summary("", (), mbart.method)] * 2
    finally:
        del mbart.generate


def test_seq2seq_gives_a_page_without_an_article_sentence_an_empty_summary(mbart: Seq2SeqSummarizer) -> None:
    # as the extractive summarisers do: the model never sees the menu, so it makes nothing up from it
    asked: list[str] = []
    generate = mbart.generate
    mbart.generate = lambda texts, desc="": asked.extend(texts) or generate(texts, desc)  # type: ignore[method-assign]
    try:
        summaries = mbart.summarize([MENU_CLEANED, "Court."])
    finally:
        del mbart.generate
    assert summaries[0] == Summary("", (), mbart.method) and summaries[1].text
    assert asked == ["Court."]


def test_batching_across_documents_and_chunks_changes_nothing(tiny_mt5_dir: Path, seed_texts: list[str]) -> None:
    texts = [seed_texts[3][:600], "Court.", "", seed_texts[1][:300], "Le CAC 40 a gagné 2 %."]
    options = {"device": "cpu", "max_new_tokens": 4, "num_beams": 2, "max_input_tokens": 64}
    one = Seq2SeqSummarizer(str(tiny_mt5_dir), batch_size=1, **options)
    many = Seq2SeqSummarizer(str(tiny_mt5_dir), batch_size=16, **options)
    batched = many.summarize(texts)
    assert len(many.chunk(texts[0])) > 1  # chunks of several documents share batches
    assert batched == [one.summarize(text) for text in texts]
    assert batched[2] == Summary("", (), many.method)
    # same inputs, same model: same summaries
    assert Seq2SeqSummarizer(str(tiny_mt5_dir), batch_size=16, **options).summarize(texts) == batched


def test_t5_never_runs_in_float16(tiny_t5_dir: Path, tiny_mbart_dir: Path) -> None:
    import torch

    with pytest.raises(StanceError, match="overflows in float16"):
        Seq2SeqSummarizer(str(tiny_t5_dir), device="cpu", dtype="fp16")
    half = Seq2SeqSummarizer(str(tiny_mbart_dir), device="cpu", dtype="bf16", max_new_tokens=3)
    assert half.model.dtype == torch.bfloat16
    assert isinstance(half.summarize("Le CAC 40 a gagné 2 % vendredi.").text, str)


def test_wrong_or_missing_models_are_clear_errors(tiny_bert_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(StanceError, match="expected a seq2seq"):
        Seq2SeqSummarizer(str(tiny_bert_dir), device="cpu")
    with pytest.raises(ModelNotAvailableError, match="expected a checkpoint folder"):
        Seq2SeqSummarizer(str(tmp_path / "absent"), device="cpu")


def test_load_summarizer(tiny_bert_dir: Path, tiny_t5_dir: Path) -> None:
    assert isinstance(load_summarizer("lead", max_sentences=2), LeadSummarizer)
    default = load_summarizer(None, max_words=50)
    assert isinstance(default, ExtractiveSummarizer) and default.max_words == 50
    assert isinstance(load_summarizer(str(tiny_bert_dir), device="cpu"), ExtractiveSummarizer)
    assert isinstance(load_summarizer(str(tiny_t5_dir), device="cpu"), Seq2SeqSummarizer)
    with pytest.raises(InputError, match="whose task is 'nli'"):
        load_summarizer("mdeberta-xnli")


@pytest.mark.gpu
def test_seq2seq_on_cuda_runs_t5_in_bf16(tiny_mt5_dir: Path) -> None:
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    summarizer = Seq2SeqSummarizer(str(tiny_mt5_dir), device="cuda", max_new_tokens=5)
    assert summarizer.model.dtype == (torch.bfloat16 if native_bf16(torch.device("cuda")) else torch.float32)
    cpu = Seq2SeqSummarizer(str(tiny_mt5_dir), device="cpu", max_new_tokens=5)
    text = "Le CAC 40 a gagné 2 % vendredi."
    assert isinstance(summarizer.summarize(text).text, str)
    assert len(summarizer.summarize([text] * 20)) == len(cpu.summarize([text] * 20))


# ------------------------------------------------------------------------- CLI


@pytest.mark.slow
def test_cli_summarize(tmp_path: Path, seed_texts: list[str], tiny_registry: Path) -> None:
    from stance.cli import main

    folder = tmp_path / "docs"
    folder.mkdir()
    for i, text in enumerate(seed_texts[:3]):
        (folder / f"doc{i}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(folder), "--out", str(out), "--model", "lead", "--max-sentences", "2"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["doc0", "doc1", "doc2"]
    assert all(len(r["sentences"]) == 2 and r["summary"] for r in records)
    # resumable: a rerun (with the same settings) skips what is written
    assert main(["summarize", str(folder), "--out", str(out), "--model", "lead", "--max-sentences", "2"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    # without cleaning, reader comments of seed 004 are text like any other
    raw = tmp_path / "raw.jsonl"
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"id": "s4", "text": "Voir l'original\n" + seed_texts[4]}) + "\n", encoding="utf-8")
    assert main(["summarize", str(jsonl), "--out", str(raw), "--model", "lead", "--no-clean"]) == 0
    assert json.loads(raw.read_text(encoding="utf-8"))["id"] == "s4"
    abstractive = tmp_path / "abstractive.jsonl"
    assert main(["summarize", str(folder / "doc1.txt"), "--out", str(abstractive), "--model", "tiny-t5"]) == 0
    record = json.loads(abstractive.read_text(encoding="utf-8"))
    assert set(record) == {"id", "summary", "flags"} and record["id"] == "doc1"


def test_cli_summarize_bad_model_is_usage_error(tmp_path: Path, seed_texts: list[str], capsys) -> None:
    from stance.cli import main

    doc = tmp_path / "a.txt"
    doc.write_text(seed_texts[3], encoding="utf-8")
    status = main(["summarize", str(doc), "--out", str(tmp_path / "o.jsonl"), "--model", str(tmp_path / "nope")])
    assert status == 2
    assert "expected a checkpoint folder" in capsys.readouterr().err


# ------------------------------------------------------------------ long documents


class CountingEncoder:
    """Unit vectors from a hash of each sentence; counts what it is asked to encode."""

    def __init__(self) -> None:
        self.encoded = 0
        self.progress: list[bool | None] = []

    def encode(self, texts: list[str], kind: str = "passage", progress: bool | None = None) -> np.ndarray:
        import zlib

        self.encoded += len(texts)
        self.progress.append(progress)
        vectors = np.array([np.random.default_rng(zlib.crc32(t.encode())).normal(size=16) for t in texts])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def reference_order(summarizer: ExtractiveSummarizer, spans, vectors: np.ndarray, scores: np.ndarray) -> list[int]:
    """The maximal-marginal-relevance loop as it was first written (recomputing every
    penalty over all sentences taken): the lazy one must give the same order."""
    from stance.summarize.extractive import _centred_cosine, _normalised

    similarity = vectors @ vectors.T
    redundancy = np.clip(_centred_cosine(vectors), 0.0, None) if len(spans) >= 3 else similarity
    keys = [_normalised(span.text) for span in spans]
    order: list[int] = []
    remaining = list(range(len(spans)))
    while remaining:
        penalty = redundancy[np.ix_(remaining, order)].max(axis=1) if order else np.zeros(len(remaining))
        value = (1.0 - summarizer.diversity) * scores[remaining] - summarizer.diversity * penalty
        best = remaining[int(np.argmax(np.round(value, 9)))]
        remaining.remove(best)
        if any(similarity[best, j] >= summarizer.duplicate_threshold or keys[best] == keys[j] for j in order):
            continue
        order.append(best)
    return order


@pytest.mark.parametrize("count", [2, 5, 60, 300])
def test_lazy_selection_ranks_exactly_as_the_full_loop(count: int) -> None:
    rng = np.random.default_rng(count)
    spans = candidate_sentences(" ".join(f"La phrase numéro {i} parle du marché {i % 7}." for i in range(count)))
    assert len(spans) == count
    vectors = rng.normal(size=(count, 8)) + 2.0
    vectors[1::5] = vectors[::5][: len(vectors[1::5])]  # exact duplicates too
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for budget in ({"max_sentences": 3}, {"max_sentences": None, "max_words": 40}, {"max_sentences": count}):
        summarizer = ExtractiveSummarizer("unused", **budget)
        scores = summarizer.score(spans, vectors)
        order = reference_order(summarizer, spans, vectors, scores)
        from stance.summarize.extractive import _within_budget

        expected = _within_budget(order, spans, summarizer.max_sentences, summarizer.max_words)
        assert [s.start for s in summarizer.select(spans, vectors).sentences] == [spans[i].start for i in expected]


def test_a_long_document_ranks_a_bounded_sample() -> None:
    encoder = CountingEncoder()
    summarizer = ExtractiveSummarizer(encoder, max_candidates=200, progress=False)
    text = " ".join(f"Le marché numéro {i} progresse de {i} points ce jour." for i in range(5000))
    summary = summarizer.summarize(text)
    assert encoder.encoded == 200
    assert len(summary.sentences) == 3
    assert all(text[s.start : s.end] == s.text for s in summary.sentences)
    # a short document ranks every sentence
    encoder.encoded = 0
    summarizer.summarize(" ".join(f"Le marché numéro {i} progresse ce jour." for i in range(150)))
    assert encoder.encoded == 150


@pytest.mark.parametrize("summarizer", [ExtractiveSummarizer(CountingEncoder(), progress=False), LeadSummarizer()])
def test_a_text_without_sentence_punctuation_gives_a_bounded_summary(summarizer: Summarizer) -> None:
    text = " ".join(f"mot{i}" for i in range(30_000))
    summary = summarizer.summarize(text)
    assert count_words(summary.text) <= 300
    assert all(text[s.start : s.end] == s.text for s in summary.sentences)
    assert summary.sentences[0].text.startswith("mot0 mot1 ")


def test_overlong_sentences_are_cut_between_words() -> None:
    from stance.summarize.extractive import split_long

    text = "Le " + "très " * 250 + "long marché monte."
    pieces = candidate_sentences(text)
    assert [p.words for p in pieces] == [100, 100, 54]
    assert all(text[p.start : p.end] == p.text for p in pieces)
    assert "".join(p.text + " " for p in pieces).split() == text.split()
    short = candidate_sentences(ARTICLE)
    assert [q for s in short for q in split_long(s)] == short


def test_a_long_document_shows_its_own_progress_inside_a_batch() -> None:
    encoder = CountingEncoder()
    summarizer = ExtractiveSummarizer(encoder)
    short = "Le marché progresse de deux points ce jour."
    long = " ".join(f"Le marché numéro {i} progresse de {i} points ce jour." for i in range(300))
    summarizer.summarize([short] * 40 + [long])
    # a bar over the 41 documents; none inside a short one, one (on a terminal) inside the long one
    assert encoder.progress == [False] * 40 + [None]
    encoder.progress.clear()
    ExtractiveSummarizer(encoder, progress=False).summarize(long)
    assert encoder.progress == [False]
