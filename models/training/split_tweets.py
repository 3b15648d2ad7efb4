"""Split Twitter Financial News Sentiment (train split, MIT) into the training file and the dev split.

Near-duplicate tweets (5-gram containment >= 0.5, the measure of the repository's overlap
tests, or the same words once URLs are dropped) form one group; groups are split by
StratifiedGroupKFold(7, shuffle=True, random_state=0), fold 0 being the dev split (about
14 %). So no training tweet is a near-duplicate of a dev tweet, and the dev split is never
trained or tuned on: it lives in eval/ as real text the gate watches.

    python3 models/training/split_tweets.py ../shared/data/stance/twitter_financial_news_train.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # this checkout's stance, whichever one is installed

from stance.cleaning.dedup import near_duplicate_pairs, shingles  # noqa: E402


def dumps(record: dict) -> str:
    """One JSONL line; the Unicode line breaks some tweets hold (U+0085, U+2028, U+2029) are
    escaped, so that every reader's notion of a line (str.splitlines too) is the file's."""
    line = json.dumps(record, ensure_ascii=False)
    return line.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def groups_of(texts: list[str]) -> np.ndarray:
    parent = list(range(len(texts)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in near_duplicate_pairs([shingles(text) for text in texts], 0.5):
        parent[find(a)] = find(b)
    first: dict[str, int] = {}
    for index, text in enumerate(texts):
        key = " ".join(re.findall(r"\w+", re.sub(r"https?://\S+", "", text.lower())))
        if key in first:
            parent[find(index)] = find(first[key])
        else:
            first[key] = index
    return np.array([find(i) for i in range(len(texts))])


def main(source: str) -> None:
    with open(source, encoding="utf-8", newline="\n") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    texts = [row["text"] for row in rows]
    labels = np.array([row["stance"] for row in rows])
    groups = groups_of(texts)
    train, dev = next(StratifiedGroupKFold(7, shuffle=True, random_state=0).split(texts, labels, groups))
    with (ROOT / "models" / "training" / "tweets_en.jsonl").open("w", encoding="utf-8") as handle:
        for i in train:
            record = {"id": rows[i]["id"], "text": texts[i], "label": rows[i]["stance"], "group": f"g{groups[i]:05d}"}
            handle.write(dumps(record) + "\n")
    with (ROOT / "eval" / "tweets_en_dev.jsonl").open("w", encoding="utf-8") as handle:
        for i in dev:
            record = {"id": rows[i]["id"], "text": texts[i], "stance": rows[i]["stance"], "domain": "tweets-en"}
            handle.write(dumps(record) + "\n")
    print(f"{len(train)} training tweets, {len(dev)} dev tweets")


if __name__ == "__main__":
    main(sys.argv[1])
