"""Session fixtures shared by the whole suite: the seed texts and tiny models built once."""

from __future__ import annotations

from pathlib import Path

import pytest

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
def tiny_xlmr_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    """A random 2-layer XLM-RoBERTa (64 usable positions) with a SentencePiece tokenizer."""
    from tests.tiny_models import build_tiny_xlmr

    return build_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"), seed_texts)
