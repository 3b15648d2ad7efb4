"""Tiny, randomly initialised seq2seq models (T5, mT5, mBART) for the summariser tests.

Each builder trains a SentencePiece vocabulary on the given texts with
``tests.tiny_models.train_sentencepiece``, builds a 1–2 layer model from a config
and saves model and tokenizer with ``save_pretrained``, so that the tests load
them back by path through the same ``from_pretrained`` calls a hub checkpoint
takes. Same texts and seed, same vocabulary and weights.

>>> path = build_tiny_t5(tmp_dir / "t5", seed_texts)            # doctest: +SKIP
>>> Seq2SeqSummarizer(str(path)).summarize(seed_texts[0])       # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from tests.tiny_models import XLMR_SPECIALS, sentencepiece_vocab, train_sentencepiece

# T5 / mT5 layout of the special pieces: <pad>=0, </s>=1, <unk>=2, no <s>.
T5_SPECIALS = {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1}


def _t5_tokenizer(texts: list[str], work_dir: Path, vocab_size: int, max_length: int | None):
    from transformers import T5Tokenizer

    model_file = train_sentencepiece(texts, work_dir, vocab_size=vocab_size, **T5_SPECIALS)
    vocab = [
        (piece, 0.0 if index < 3 else score) for index, (piece, score) in enumerate(sentencepiece_vocab(model_file))
    ]
    options = {} if max_length is None else {"model_max_length": max_length}
    # a few sentinel tokens, as every T5 vocabulary has (the hub ones have 100)
    return T5Tokenizer(vocab=vocab, extra_ids=4, **options)


def build_tiny_t5(
    out_dir: Path,
    texts: list[str],
    *,
    multilingual: bool = False,
    vocab_size: int = 400,
    d_model: int = 32,
    num_layers: int = 1,
    num_heads: int = 2,
    max_length: int | None = None,
    seed: int = 0,
) -> Path:
    """A random T5 (or mT5 with ``multilingual=True``) with relative positions: like
    the real ones, it has no position limit of its own; ``max_length`` sets the
    tokenizer's ``model_max_length`` (None: no limit, as for mT5 XLSum's tokenizer)."""
    import torch
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Config, T5ForConditionalGeneration

    out_dir = Path(out_dir)
    tokenizer = _t5_tokenizer(texts, out_dir / "_spm", vocab_size, max_length)
    config_class, model_class = (
        (MT5Config, MT5ForConditionalGeneration) if multilingual else (T5Config, T5ForConditionalGeneration)
    )
    config = config_class(
        vocab_size=len(tokenizer),
        d_model=d_model,
        d_kv=d_model // num_heads,
        d_ff=d_model * 2,
        num_layers=num_layers,
        num_decoder_layers=num_layers,
        num_heads=num_heads,
        relative_attention_num_buckets=8,
        relative_attention_max_distance=32,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=not multilingual,
    )
    torch.manual_seed(seed)
    model_class(config).eval().save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def build_tiny_mbart(
    out_dir: Path,
    texts: list[str],
    *,
    vocab_size: int = 400,
    d_model: int = 32,
    num_layers: int = 1,
    num_heads: int = 2,
    max_positions: int = 64,
    seed: int = 0,
) -> Path:
    """A random mBART (the architecture of BARThez) with learned positions:
    ``max_positions`` is a hard input limit, as 1024 is for the real ones. Its
    tokenizer appends ``</s>`` and a language code to every input, as mBART's does."""
    import torch
    from transformers import MBartConfig, MBartForConditionalGeneration, MBartTokenizer

    out_dir = Path(out_dir)
    model_file = train_sentencepiece(texts, out_dir / "_spm", vocab_size=vocab_size, **XLMR_SPECIALS)
    vocab = [
        (piece, 0.0 if index < 4 else score) for index, (piece, score) in enumerate(sentencepiece_vocab(model_file))
    ]
    vocab += [("fr_XX", 0.0), ("en_XX", 0.0), ("<mask>", 0.0)]
    tokenizer = MBartTokenizer(vocab=vocab, src_lang="fr_XX", tgt_lang="fr_XX", model_max_length=max_positions)
    config = MBartConfig(
        vocab_size=len(tokenizer),
        d_model=d_model,
        encoder_layers=num_layers,
        decoder_layers=num_layers,
        encoder_attention_heads=num_heads,
        decoder_attention_heads=num_heads,
        encoder_ffn_dim=d_model * 2,
        decoder_ffn_dim=d_model * 2,
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    MBartForConditionalGeneration(config).eval().save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
