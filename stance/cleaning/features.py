"""Layout and language features of a document's lines, for the line model.

In the spirit of boilerpipe's shallow text features (Kohlschütter et al.,
WSDM 2010) and jusText's context-sensitive classification (Pomikálek, 2011),
for text without markup: each line is described by its length, words, end
punctuation, capitals, digits, stopword density in the document's language
(stopwords-iso lists), date/time/count patterns, bullets, URL-like tokens,
whether a furniture or comment rule fires on it, its position, how far it is
from the article sentences (12+ words ending a sentence) before and after it
and how much of their text lies on each side (a table between two paragraphs
is inside the article, a menu after the last one is not), how often it
repeats in the document and, in a batch, how many other documents hold it
(CCNet-style corpus frequency: a site's furniture repeats across its pages);
then the same for the two lines either side.

Counting is vectorised over the whole document: the lines are joined, turned
into code points, classed through one lookup table and summed per line with
``np.add.reduceat``; patterns run once over the whole text and their matches
are mapped back to lines with ``np.searchsorted``.

>>> X = line_features(["Accueil", "Le CAC 40 a gagné 1 % vendredi, porté par les banques."], lang="fr")
>>> X.shape == (2, len(FEATURES))
True
>>> float(X[1, FEATURES.index("end_sentence")])
1.0
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np

from .codepoints import WIDE_CHARS

UPPER, LOWER, OTHER_LETTER, DIGIT, PUNCT, SPACE, LATIN, WIDE = 1, 2, 4, 8, 16, 32, 64, 128
_ASTRAL = 0x10000


@lru_cache(maxsize=1)
def char_classes() -> np.ndarray:
    """Class bits of every BMP code point (index ``0x10000`` stands for all astral ones)."""
    table = np.zeros(_ASTRAL + 1, dtype=np.uint8)
    wide = np.zeros(_ASTRAL, dtype=bool)
    for run in re.finditer(f"[{WIDE_CHARS}]+", "".join(map(chr, range(_ASTRAL)))):
        wide[run.start() : run.end()] = True
    for cp in range(_ASTRAL):
        cat = unicodedata.category(chr(cp))
        bits = 0
        if cat in ("Lu", "Lt"):
            bits = UPPER
        elif cat == "Ll":
            bits = LOWER
        elif cat in ("Lo", "Lm"):
            bits = OTHER_LETTER
        elif cat == "Nd":
            bits = DIGIT
        elif cat[0] in "PS":
            bits = PUNCT
        elif cat[0] == "Z":
            bits = SPACE
        if cat[0] == "L":
            if cp < 0x250 or 0x1E00 <= cp < 0x1F00:
                bits |= LATIN
            if wide[cp]:
                bits |= WIDE  # CJK and Hangul: one character is one word
        table[cp] = bits
    table[_ASTRAL] = OTHER_LETTER | WIDE  # CJK extensions, emoji: rare
    table[ord("\t")] = SPACE
    return table


_TOKEN = re.compile(f"[{WIDE_CHARS}]|[^\\W{WIDE_CHARS}]+")
_DIGITS = re.compile(r"\d+")
_MONTHS = (
    r"janv|f[ée]vr|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov|d[ée]c|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
)
# Each pattern starts with one character class, which keeps a scan over the whole text fast
# (re looks for that class at C speed); lookbehinds then tell which branch the class began.
PATTERNS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "date": (
        re.compile(
            rf"[\dJFMASOND](?:(?<=\d)(?:[/.\-年]\d{{1,2}}[/.\-月]\d|(?:er|st|nd|rd|th)?\.?\s(?i:{_MONTHS}))|"
            r"(?<=[JFMASOND])(?<=\b.)(?i:an|eb|ar|pr|ay|un|ul|ug|ep|ct|ov|ec|[ée]v|vr|ao|ai)\w*\.?\s\d{1,2}\b)"
        ),
        (),
    ),
    "time": (re.compile(r"\d\s?(?:[:h]\s?\d\d(?!\d)|(?i:am|pm)\b)"), ()),
    "count": (re.compile(r"\(\s*\d+\s*\)|\[\s*\d+\s*\]"), ("(", "[")),
    "url": (
        re.compile(r"https?://|www\.|\.(?:com|fr|org|net|de|pl|ru|gr|cn|uk|io|info|eu|be|ch|ca)\b|@\w"),
        ("http", "www.", ".", "@"),
    ),
    "separator": (re.compile(r"\s[|·•/»›>\-]\s"), ()),
    "sentences": (re.compile(r"[.!?。！？]+[\"'»”’)]*(?:\s|$)"), ()),
    "copyright": (
        re.compile(r"[©(cC](?:(?<=©)|(?<=\()[cC]\)|(?<=[cC])opyright|(?<=C)OPYRIGHT)"),
        ("©", "(c)", "(C)", "opyright", "OPYRIGHT"),
    ),
    "relative_time": (re.compile(r"[y\d](?:(?<=y)\sa\s\d|(?<=\d)\s?\w+\sago\b)"), ("y a ", " ago")),
    "ellipsis": (re.compile(r"(?:\.\.\.|…) ?$", re.M), ("...", "…")),
    "question": (re.compile(r"\? ?$", re.M), ("?",)),
}
# The patterns whose matches can hold a line break only as their last character: no need
# to look inside their matches for one.
WITHIN_A_LINE = frozenset({"url", "sentences", "copyright", "ellipsis", "question"})
_SENTENCE_END = frozenset(".!?。！？…")
_QUOTE_END = frozenset("\"'»”’)]")
_BULLETS = frozenset("•·-–—»>▶►→*|◦▪■□●○+#←")

BASE = (
    "log_chars", "log_words", "word_len", "end_sentence", "end_colon", "start_upper", "start_digit",
    "start_bullet", "start_lower", "upper_ratio", "digit_ratio", "punct_ratio", "title_ratio",
    "stop_ratio", "log_stops", "has_stoplist", "date", "time", "count", "url", "separator", "log_sentences",
    "copyright", "relative_time", "ellipsis", "question", "rule", "comment", "script_mismatch",
    "log_repeat", "log_corpus", "corpus_share", "log_batch", "rel_pos", "log_from_start", "log_from_end",
    "log_lines", "chars_to_max", "mass_before", "dist_long", "wide_ratio", "latin_ratio",
    "long_before", "long_after", "doc_long_share", "log_prev_long", "log_next_long", "long_share_before",
    "long_share_after",
)  # fmt: skip
NEIGHBOUR = (
    "log_chars", "log_words", "end_sentence", "stop_ratio", "rule", "title_ratio", "date", "log_repeat",
    "log_corpus", "punct_ratio", "start_bullet", "url", "digit_ratio",
)  # fmt: skip
OFFSETS = (-2, -1, 1, 2)
_WINDOW = 6  # lines either side for the long-sentence counts
FEATURES = (*BASE, *(f"{name}@{off:+d}" for off in OFFSETS for name in NEIGHBOUR))
_NEIGHBOUR_COLUMNS = np.array([BASE.index(name) for name in NEIGHBOUR])
_BASE_INDEX = {name: i for i, name in enumerate(BASE)}


@cache
def stopwords(lang: str) -> frozenset[str]:
    """The stopwords-iso list of ``lang`` (ISO 639-1), case-folded; empty when there is none.

    >>> "les" in stopwords("fr"), len(stopwords("xx"))
    (True, 0)
    """
    import stopwordsiso

    if not stopwordsiso.has_lang(lang):
        return frozenset()
    return frozenset(word.casefold() for word in stopwordsiso.stopwords(lang))


def line_keys(lines: Sequence[str]) -> list[str]:
    """The form under which lines count as the same across documents (case, spaces and numbers aside).

    >>> line_keys(["Commentaires (12)", "commentaires  (3)"])
    ['commentaires (0)', 'commentaires (0)']
    """
    return list(map(_line_key, lines))


@lru_cache(maxsize=1 << 16)
def _line_key(line: str) -> str:
    # Cached: the cleaner reruns the line model on what it keeps, and furniture repeats across pages.
    return _DIGITS.sub("0", " ".join(line.casefold().split()))


_INTRINSIC = (
    "log_chars", "log_words", "word_len", "end_sentence", "end_colon", "start_upper", "start_digit",
    "start_bullet", "start_lower", "upper_ratio", "digit_ratio", "punct_ratio", "title_ratio",
    "stop_ratio", "log_stops", "has_stoplist", "date", "time", "count", "url", "separator", "log_sentences",
    "copyright", "relative_time", "ellipsis", "question", "wide_ratio", "latin_ratio",
)  # fmt: skip
# Columns of the intrinsic rows that only serve the document-level features.
_EXTRA = ("chars", "words", "letters", "latin")
_COLUMNS = {name: i for i, name in enumerate(_INTRINSIC + _EXTRA)}


def _runs(pairs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """``(source, target)`` column pairs as runs ``(first source, first target, length)``."""
    runs: list[tuple[int, int, int]] = []
    for source, target in pairs:
        if runs and runs[-1][0] + runs[-1][2] == source and runs[-1][1] + runs[-1][2] == target:
            runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((source, target, 1))
    return runs


# Where the intrinsic columns go in the feature matrix, as runs of consecutive columns
# (slices copy faster than fancy indexing).
_OWN_RUNS = _runs([(_COLUMNS[name], target) for target, name in enumerate(BASE) if name in _INTRINSIC])
_WORD_RUN = re.compile(r"\w+")
# The words of text with CJK in it: each wide word character alone, runs of the other word characters.
_WIDE_OR_RUN = re.compile(f"(?=\\w)[{WIDE_CHARS}]|[^\\W{WIDE_CHARS}]+")


def intrinsic_features(lines: Sequence[str], lang: str = "und") -> np.ndarray:
    """The features of each line on its own (one row per line): they do not change when other
    lines are dropped, so the line model computes them once per line and document language."""
    n = len(lines)
    text = "\n".join(lines)
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    cls = char_classes()[np.minimum(codes, _ASTRAL)]

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.int32), starts).astype(np.float64)

    upper = per_line(cls & UPPER != 0)
    lower = per_line(cls & LOWER != 0)
    other = per_line(cls & OTHER_LETTER != 0)
    digit = per_line(cls & DIGIT != 0)
    punct = per_line(cls & PUNCT != 0)
    latin = per_line(cls & LATIN != 0)
    wide_mask = cls & WIDE != 0
    wide = per_line(wide_mask)
    word_char = (cls & (UPPER | LOWER | OTHER_LETTER | DIGIT)) != 0
    word_start = word_char & ~np.concatenate(([False], word_char[:-1]))
    words = per_line(word_start | wide_mask)
    title = per_line(word_start & (cls & UPPER != 0))
    letters = upper + lower + other
    first = cls[starts]

    ends = [line[-2:] for line in lines]
    end_sentence = np.fromiter(
        (e[-1] in _SENTENCE_END or (e[-1] in _QUOTE_END and e[:1] in _SENTENCE_END and len(e) == 2) for e in ends),
        dtype=np.float64,
        count=n,
    )
    end_colon = np.fromiter((e[-1] == ":" for e in ends), dtype=np.float64, count=n)
    start_bullet = np.fromiter((line[0] in _BULLETS for line in lines), dtype=np.float64, count=n)

    stoplist = stopwords(lang) if lang != "und" else frozenset()
    if stoplist:
        is_stop = stoplist.__contains__
        folded = text.casefold()
        if wide.any():  # CJK: one character is one word
            words_of = [_WIDE_OR_RUN.findall(line) for line in folded.split("\n")]
        else:  # the words are the runs of word characters
            words_of = [_WORD_RUN.findall(line) for line in folded.split("\n")]
        stops = np.fromiter((sum(map(is_stop, words)) for words in words_of), dtype=np.float64, count=n)
    else:
        stops = np.zeros(n)

    # Every line is followed by a newline, and a match counts for its line only when it
    # stays inside it (a newline may only end it): a line's features never depend on
    # its neighbours, so they can be cached while other lines are dropped.
    lined = text + "\n"

    def hits(name: str) -> np.ndarray:
        pattern, needles = PATTERNS[name]
        if needles and not any(needle in text for needle in needles):
            return np.zeros(n)
        if name in WITHIN_A_LINE:
            positions = [match.start() for match in pattern.finditer(lined)]
        else:
            positions = [match.start() for match in pattern.finditer(lined) if "\n" not in match.group()[:-1]]
        if not positions:
            return np.zeros(n)
        return np.bincount(np.searchsorted(starts, positions, side="right") - 1, minlength=n).astype(np.float64)

    safe_words = np.maximum(1, words)
    safe_letters = np.maximum(1, letters)
    return np.column_stack(
        [
            np.log1p(lengths),
            np.log1p(words),
            np.minimum(letters / safe_words, 20.0),
            end_sentence,
            end_colon,
            (first & UPPER) != 0,
            (first & DIGIT) != 0,
            start_bullet,
            (first & LOWER) != 0,
            upper / safe_letters,
            digit / lengths,
            punct / lengths,
            title / safe_words,
            stops / safe_words,
            np.log1p(stops),
            np.full(n, float(bool(stoplist))),
            hits("date") > 0,
            hits("time") > 0,
            hits("count") > 0,
            hits("url") > 0,
            np.log1p(hits("separator")),
            np.log1p(hits("sentences")),
            hits("copyright") > 0,
            hits("relative_time") > 0,
            hits("ellipsis") > 0,
            hits("question") > 0,
            wide / safe_letters,
            latin / safe_letters,
            lengths,
            words,
            letters,
            latin,
        ]
    ).astype(np.float64)


def line_features(
    lines: Sequence[str],
    lang: str = "und",
    rule: np.ndarray | None = None,
    comment: np.ndarray | None = None,
    corpus: Counter[str] | None = None,
    batch: int = 1,
    intrinsic: np.ndarray | None = None,
) -> np.ndarray:
    """The feature matrix, shape ``(len(lines), len(FEATURES))``, of a document's non-empty lines.

    ``rule`` and ``comment`` mark the lines that a furniture rule or the
    comment step drops; ``corpus`` counts, for each :func:`line_keys` key, the
    documents of a batch of ``batch`` documents that hold it (this one
    included). Without them the features are those of a lone document.
    ``intrinsic`` may give :func:`intrinsic_features` computed before.
    """
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    own = intrinsic_features(lines, lang) if intrinsic is None else intrinsic
    column = _COLUMNS
    lengths, words, letters, latin = (own[:, column[name]] for name in _EXTRA)
    doc_latin = latin.sum() / max(1.0, letters.sum())
    script_mismatch = np.where(letters > 0, np.abs(latin / np.maximum(1, letters) - doc_latin), 0.0)
    keys = line_keys(lines)
    repeats = Counter(keys)
    repeat = np.fromiter((repeats[k] - 1 for k in keys), dtype=np.float64, count=n)
    if corpus is not None and batch > 1:
        shared = np.fromiter((max(0, corpus[k] - 1) for k in keys), dtype=np.float64, count=n)
    else:
        shared = np.zeros(n)
    position = np.arange(n, dtype=np.float64)
    is_long = (words >= 12) & (own[:, column["end_sentence"]] > 0)
    long_lines = np.flatnonzero(is_long)
    # Article sentences on both sides (jusText's context): a short line inside the article
    # (a list item, a subheading) has some within a few lines before and after it.
    running = np.concatenate(([0], np.cumsum(is_long)))
    index = np.arange(n)
    long_before = running[index] - running[np.maximum(0, index - _WINDOW)]
    long_after = running[np.minimum(n, index + 1 + _WINDOW)] - running[index + 1]
    # Where the article sentences are on each side, however far: a run of short lines between two
    # of them (a table, a fact box, a pros-and-cons list) is inside the article, one after the last
    # of them is not. The log of the lines back to the previous one and on to the next (log(1 + n)
    # where there is none), and the share of their characters before and after the line.
    none = np.log1p(n)
    if len(long_lines):
        j = np.searchsorted(long_lines, position)
        last = len(long_lines) - 1
        before = np.abs(position - long_lines[np.maximum(j - 1, 0)])
        after = np.abs(long_lines[np.minimum(j, last)] - position)
        dist_long = np.log1p(np.minimum(before, after))
        next_at = np.where(is_long, long_lines[np.minimum(j + 1, last)], long_lines[np.minimum(j, last)])
        has_next = np.where(is_long, j + 1 <= last, j <= last)
        prev_long = np.where(j > 0, np.log1p(before), none)  # where j > 0, before is the previous one's distance
        next_long = np.where(has_next, np.log1p(np.maximum(next_at - index, 0)), none)
        long_mass = np.where(is_long, lengths, 0)
        long_total = long_mass.sum()
        long_cum = np.cumsum(long_mass)
        share_before = (long_cum - long_mass) / long_total
        share_after = (long_total - long_cum) / long_total
    else:
        dist_long = np.full(n, none)
        prev_long = next_long = np.full(n, none)
        share_before = share_after = np.zeros(n)
    out = np.empty((n, len(FEATURES)))
    for source, target, length in _OWN_RUNS:
        out[:, target : target + length] = own[:, source : source + length]
    documentwise = {
        "rule": 0.0 if rule is None else rule,
        "comment": 0.0 if comment is None else comment,
        "script_mismatch": script_mismatch,
        "log_repeat": np.log1p(repeat),
        "log_corpus": np.log1p(shared),
        "corpus_share": shared / max(1, batch - 1),
        "log_batch": np.log1p(batch - 1),
        "rel_pos": position / max(1, n - 1),
        "log_from_start": np.log1p(position),
        "log_from_end": np.log1p(n - 1 - position),
        "log_lines": np.log1p(n),
        "chars_to_max": lengths / lengths.max(),
        "mass_before": (np.cumsum(lengths) - lengths) / lengths.sum(),
        "dist_long": dist_long,
        "long_before": np.log1p(long_before),
        "long_after": np.log1p(long_after),
        "doc_long_share": float(lengths[is_long].sum() / lengths.sum()),
        "log_prev_long": prev_long,
        "log_next_long": next_long,
        "long_share_before": share_before,
        "long_share_after": share_after,
    }
    for name, values in documentwise.items():
        out[:, _BASE_INDEX[name]] = values
    # The neighbours' features, -1 where there is no line at that offset.
    context = out[:, _NEIGHBOUR_COLUMNS]
    for k, offset in enumerate(OFFSETS):
        block = out[:, len(BASE) + k * len(NEIGHBOUR) : len(BASE) + (k + 1) * len(NEIGHBOUR)]
        block.fill(-1.0)
        if offset < 0 and n > -offset:
            block[-offset:] = context[:offset]
        elif offset > 0 and n > offset:
            block[:-offset] = context[offset:]
    return out


# What the line model's second stage reads of the first stage's content probabilities along the
# document, besides the features above (see :func:`context_features`).
CONTEXT = (
    "p_logit", "p_near_mean", "p_near_max", "p_far_mean", "in_block", "before_block", "after_block",
    "p_mass_before", "p_mass_after", "p_doc_max", "p_doc_mean",
)  # fmt: skip
_RULE = _BASE_INDEX["rule"]
_LOG_CHARS = _BASE_INDEX["log_chars"]
_NEAR = (-3, -2, -1, 1, 2, 3)


def context_features(p: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The second stage's features of a document's lines, shape ``(len(p), len(CONTEXT))``: what the
    first stage's content probabilities ``p`` of the lines (feature rows ``X``) say around each line.

    Lines a rule drops count as ``p = 0``. The columns: the logit of the line's own ``p``; the mean
    and the largest ``p`` of the three lines either side and the mean of the ten either side (the
    line itself left out); the main block, the run of lines with the largest sum of
    ``(p - 0.5)(1 + log(1 + chars))`` (in it or not, log(1 + lines) before its start, after its
    end); the share of the document's expected content text (``p`` x chars) before and after the
    line; the document's largest and mean ``p``.

    >>> X = np.zeros((4, len(FEATURES))); X[:, _LOG_CHARS] = np.log1p(100)
    >>> c = context_features(np.array([0.1, 0.9, 0.8, 0.2]), X)
    >>> c.shape == (4, len(CONTEXT)), c[:, CONTEXT.index("in_block")].tolist()
    (True, [0.0, 1.0, 1.0, 0.0])
    """
    p = np.where(X[:, _RULE] > 0, 0.0, np.asarray(p, dtype=np.float64))
    n = len(p)
    if n == 0:
        return np.zeros((0, len(CONTEXT)))
    index = np.arange(n)
    clipped = np.clip(p, 1e-6, 1 - 1e-6)
    running = np.concatenate(([0.0], np.cumsum(p)))

    def mean_around(k: int) -> np.ndarray:
        lo, hi = np.maximum(index - k, 0), np.minimum(index + k + 1, n)
        return (running[hi] - running[lo] - p) / np.maximum(hi - lo - 1, 1)

    near = np.full((len(_NEAR), n), -np.inf)
    for row, k in enumerate(_NEAR):
        if k < 0 and n > -k:
            near[row, -k:] = p[:k]
        elif k > 0 and n > k:
            near[row, :-k] = p[k:]
    near_max = near.max(axis=0)
    near_max[np.isinf(near_max)] = 0.0
    chars = np.maximum(np.expm1(X[:, _LOG_CHARS]), 0.0)
    # The main block: the largest sum over a run of lines (Kadane, on prefix sums).
    gain = np.concatenate(([0.0], np.cumsum((p - 0.5) * (1.0 + np.log1p(chars)))))
    end = int(np.argmax(gain[1:] - np.minimum.accumulate(gain[:-1])))
    start = int(np.argmin(gain[: end + 1]))
    mass = p * chars
    cumulative = np.cumsum(mass)
    whole = max(float(cumulative[-1]), 1e-9)
    return np.stack(
        [
            np.log(clipped / (1 - clipped)), mean_around(3), near_max, mean_around(10),
            ((index >= start) & (index <= end)).astype(np.float64),
            np.log1p(np.maximum(start - index, 0)), np.log1p(np.maximum(index - end, 0)),
            (cumulative - mass) / whole, (whole - cumulative) / whole,
            np.full(n, p.max()), np.full(n, p.mean()),
        ],
        axis=1,
    )  # fmt: skip
