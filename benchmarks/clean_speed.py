"""Cleaning throughput against a plain regex pass over the same bytes, in one run.

Times are CPU times of this process, so that other load on a shared machine
disturbs them less, and the reference and the cleaner take turns on each
document, so that a machine whose speed drifts during the run slows both alike.

The corpus (default 50 MB) is built from the seeds and variations of them:
paragraphs shuffled, numbers changed, furniture and reader comments inserted,
some documents pasted twice, some with CRLF line ends and some with mojibake.
The reference is one regex substitution per document (collapsing white space),
the least any cleaner has to do; the ratio says how many such passes one
cleaning costs, which stays meaningful on a shared, noisy machine.

    python benchmarks/clean_speed.py            # 50 MB
    python benchmarks/clean_speed.py --mb 10    # quicker
    python benchmarks/clean_speed.py --pages ../shared/data/webpages/scrapinghub.jsonl.gz
    python benchmarks/clean_speed.py --against out/line-model   # the shipped line model against another

``--against DIR`` also times a cleaner with the line model saved in ``DIR`` (``stance train-cleaner
--out DIR``) and prints its speed as a ratio to the shipped cleaner's. The two cleaners take turns
on each document, the one that goes first alternating from one document to the next: the second
finds the first one's work in shared caches (language detection, line checks), which alone makes a
cleaner look 15-20 % faster.

``--pages`` measures real pages instead (JSONL, gzipped or not, one page a record with its
text in ``"text"`` or its lines in ``"lines"``): web pages dumped to text hold many more short
lines a megabyte than articles do, and cost more a megabyte.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import time
from collections import Counter
from pathlib import Path

from stance.cleaning import Cleaner

ROOT = Path(__file__).resolve().parents[1]
FURNITURE = [
    "Partager",
    "Lire aussi : Les marchés européens terminent en ordre dispersé",
    "Publicité",
    "12 J'aime",
    "Crédit photo : AFP",
    "Inscrivez-vous à notre newsletter pour ne rien manquer",
    "#Bourse #IA",
    "Nous utilisons des cookies pour améliorer votre navigation.",
]
COMMENT = [
    "Investisseur_{n}",
    "· Il y a {n}h",
    "Je reste sceptique sur ces chiffres, {n} % c'est beaucoup.",
    "Répondre",
]


def build_corpus(megabytes: float, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    docs, size = [], 0
    while size < megabytes * 1e6:
        lines = [line for line in rng.choice(seeds).split("\n") if line.strip()]
        head, body = lines[:3], lines[3:]
        rng.shuffle(body)
        body = [re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 9)), line) for line in body]
        for _ in range(rng.randint(0, 6)):
            body.insert(rng.randrange(len(body) + 1), rng.choice(FURNITURE))
        if rng.random() < 0.3:
            n = rng.randint(1, 99)
            body += [line.format(n=n) for line in COMMENT]
        if rng.random() < 0.2:
            body += head + body[: len(body) // 2]
        text = "\n\n".join(head + body)
        if rng.random() < 0.1:
            text = text.replace("\n", "\r\n")
        if rng.random() < 0.05:
            text = text.encode("utf-8").decode("cp1252", errors="replace")
        docs.append(text)
        size += len(text.encode("utf-8"))
    return docs


def read_pages(path: Path) -> list[str]:
    """The texts of a JSONL of pages: ``"text"``, or ``"lines"`` joined by line breaks."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return [r["text"] if "text" in r else "\n".join(r["lines"]) for r in records]


def interleaved(fns: list, docs: list[str], alternate: bool = False) -> list[float]:
    """CPU seconds of each function over all documents, the functions taking turns on each
    document, so that a machine whose speed drifts during the run slows them alike; with
    ``alternate``, the functions after the first take their turns in reverse order on every other
    document."""
    totals = [0.0] * len(fns)
    clock = time.process_time
    for number, doc in enumerate(docs):
        order = list(range(len(fns)))
        if alternate and number % 2:
            order = order[:1] + order[:0:-1]
        for index in order:
            start = clock()
            fns[index](doc)
            totals[index] += clock() - start
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    parser.add_argument("--pages", type=Path, help="measure on these pages (JSONL) instead of the seeds' variations")
    parser.add_argument("--against", type=Path, metavar="DIR",
                        help="also time a cleaner with the line model saved in DIR, against the shipped one")
    args = parser.parse_args()
    docs = read_pages(args.pages) if args.pages else build_corpus(args.mb)
    megabytes = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {megabytes:.1f} MB (UTF-8), single process")

    spaces = re.compile(r"\s+")
    cleaner = Cleaner()
    cleaner.clean(docs[0])  # loads the language detector: set-up, not throughput
    fns = [lambda d: spaces.sub(" ", d), cleaner.clean]
    if args.against:
        other = Cleaner(line_model=args.against)
        other.clean(docs[0])
        fns.append(other.clean)
    ref_time, seconds, *rest = interleaved(fns, docs, alternate=bool(args.against))
    ref_speed, speed = megabytes / ref_time, megabytes / seconds
    print(f"reference (one regex pass): {ref_speed:8.1f} MB/s  ({ref_time:.1f} s)")
    print(f"stance Cleaner            : {speed:8.1f} MB/s  ({seconds:.1f} s)")
    print(f"ratio cleaner/reference   : {speed / ref_speed:.3f}  (cleaning costs {ref_speed / speed:.1f} regex passes)")
    if rest:
        print(f"line model of {args.against}: {megabytes / rest[0]:8.1f} MB/s  ({rest[0]:.1f} s), "
              f"{seconds / rest[0]:.3f}x the shipped cleaner's speed")
    reasons = Counter(reason for doc in docs[:500] for reason in cleaner.clean(doc).reasons().elements())
    top = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common(6))
    print(f"most frequent reasons (first 500 documents): {top}")


if __name__ == "__main__":
    main()
