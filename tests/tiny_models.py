"""Tiny, randomly initialised transformer models for the tests.

Each builder trains a SentencePiece vocabulary on the texts it is given (the
seeds, in the fixtures), builds a small model from a config and saves both with
``save_pretrained``, so that the tests load them back through the same
``from_pretrained`` path a real hub model takes. Everything is deterministic:
the same texts give the same vocabulary and the same weights.

>>> from tests.tiny_models import build_tiny_bert
>>> path = build_tiny_bert(tmp_dir / "bert", seed_texts)        # doctest: +SKIP
>>> AutoModel.from_pretrained(path)                             # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

# XLM-R / fairseq order of the special pieces, which both tiny encoders use (as
# multilingual-e5 does): <s>=0, <pad>=1, </s>=2, <unk>=3.
XLMR_SPECIALS = {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3}


def _lines(texts: Iterable[str]) -> list[str]:
    lines: list[str] = []
    for text in texts:
        lines.extend(line.strip() for line in re.split(r"\n+", text) if line.strip())
    return lines


def train_sentencepiece(
    texts: list[str],
    out_dir: Path,
    vocab_size: int = 400,
    model_type: str = "unigram",
    user_defined_symbols: Sequence[str] = (),
    **trainer_options: Any,
) -> Path:
    """Train a SentencePiece model on ``texts``; return the path of ``spiece.model``.

    Deterministic (one thread, no sampling). ``vocab_size`` is an upper bound:
    on little text the trainer stops where the data runs out. ``trainer_options``
    go straight to ``SentencePieceTrainer.train`` and override the defaults here,
    e.g. ``pad_id=0, eos_id=1, unk_id=2, bos_id=-1`` for the T5 layout.

    >>> train_sentencepiece(seed_texts, tmp_dir, vocab_size=300)  # doctest: +SKIP
    PosixPath('.../spiece.model')
    """
    import sentencepiece as spm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "model_prefix": str(out_dir / "spiece"),
        "vocab_size": vocab_size,
        "model_type": model_type,
        "character_coverage": 1.0,
        "hard_vocab_limit": False,
        "num_threads": 1,
        "shuffle_input_sentence": False,
        "max_sentence_length": 1 << 16,
        "minloglevel": 2,
    }
    if user_defined_symbols:
        options["user_defined_symbols"] = list(user_defined_symbols)
    options.update(trainer_options)
    spm.SentencePieceTrainer.train(sentence_iterator=iter(_lines(texts)), **options)
    return out_dir / "spiece.model"


def sentencepiece_vocab(model_file: Path) -> list[tuple[str, float]]:
    """The (piece, score) list of a SentencePiece model, in id order."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    size = processor.get_piece_size()
    return [(processor.id_to_piece(i), processor.get_score(i)) for i in range(size)]


def xlmr_tokenizer(
    texts: list[str], work_dir: Path, *, vocab_size: int = 400, max_length: int = 64
):
    """An XLM-R style fast tokenizer (unigram, <s>/<pad>/</s>/<unk>, <mask> last)."""
    from transformers import XLMRobertaTokenizer

    model_file = train_sentencepiece(texts, work_dir, vocab_size=vocab_size, **XLMR_SPECIALS)
    vocab = sentencepiece_vocab(model_file)
    # sentencepiece names its specials <s>/</s>/<pad>/<unk> already; zero their scores
    # as the XLM-R conversion does, then append the mask token.
    vocab = [(piece, 0.0 if index < 4 else score) for index, (piece, score) in enumerate(vocab)]
    vocab.append(("<mask>", 0.0))
    return XLMRobertaTokenizer(vocab=vocab, model_max_length=max_length)


def build_tiny_bert(
    out_dir: Path,
    texts: list[str],
    *,
    max_length: int = 64,
    hidden_size: int = 32,
    num_layers: int = 2,
    num_heads: int = 4,
    seed: int = 0,
) -> Path:
    """A 2-layer random BERT with an XLM-R style SentencePiece tokenizer (the shape
    of multilingual-e5), saved with ``save_pretrained`` into ``out_dir``."""
    import torch
    from transformers import BertConfig, BertModel

    out_dir = Path(out_dir)
    tokenizer = xlmr_tokenizer(texts, out_dir / "_spm", max_length=max_length)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        intermediate_size=hidden_size * 4,
        max_position_embeddings=max_length,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    BertModel(config).eval().save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def build_tiny_xlmr(
    out_dir: Path,
    texts: list[str],
    *,
    max_length: int = 64,
    hidden_size: int = 32,
    num_layers: int = 2,
    num_heads: int = 4,
    seed: int = 0,
) -> Path:
    """A 2-layer random XLM-RoBERTa encoder with its SentencePiece tokenizer.

    Its positions start after the padding index, as in every RoBERTa model, so
    ``max_position_embeddings`` is ``max_length + 2``.
    """
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    out_dir = Path(out_dir)
    tokenizer = xlmr_tokenizer(texts, out_dir / "_spm", max_length=max_length)
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        intermediate_size=hidden_size * 4,
        max_position_embeddings=max_length + tokenizer.pad_token_id + 1,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    XLMRobertaModel(config).eval().save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
