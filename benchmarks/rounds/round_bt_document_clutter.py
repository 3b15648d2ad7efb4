"""Round BT (thirty-seventh session): kinds of clutter no rule words, after the line model.

Listed from the clutter the shipped cleaner keeps in rounds BO's and BQ's 240 documents (each alone): a newsletter's
technical lines ("Si cette lettre ne s'affiche pas correctement…", "Vous recevez cette lettre parce que…", "Se
désinscrire | Gérer vos préférences"), a date with a reading time in other words ("10 septembre 2024 · Lecture de 3
minutes"), an audio player ("🔊 Écouter cet édito (5 min)"), a sponsor's heading ("Partenaire de cette édition",
"Publi-information – …"), a contents or ticker strip ("Dans ce numéro : … · … · …"), the site's job offer ("Nous
recrutons ! …"), a reader comment's signature ("— Awa S., Thiès, le 3 juillet 2025"), an author's box naming the
newsroom and a career, a site's tagline naming the medium ("Le média des décideurs de …"). The candidate adds
``boilerplate.DOCUMENT_CLUTTER_BT``'s nine rules to the rules after the model (``ExtraFurniture``'s French rules). No
model is retrained.

The round's rule, written and committed before any of the documents that judge it was read or scored (eight blind
helpers were writing them meanwhile, from a brief that names no rule and read no code). First (``--hits``), each
rule's hits on our 414 French training pages (``webpages_fr.jsonl``, labelled, not the documents the rules were
written from): a rule whose hits there are under 90 % furniture is removed before the judge runs. Then it ships if,
against the cleaner on main when the judge is scored (round BS's rules in it if round BS was adopted; the full
cleaner, each text alone):

1. on the 120 French dirty documents written for this round (``cleaning_fr_documents_dev_bt.jsonl``, frdoc-1901 to
   frdoc-2020), line F1 gains, line precision gains 0.003 or more, line recall loses at most 0.002, and at least 10
   lines change;
2. on the 640 documents of round BS (``_bl``, ``_bm``, ``_bn``, ``_bo``, ``_bq``, ``_long``; in sample: the rules were
   written from ``_bo`` and ``_bq``) line F1 does not fall;
3. on the 420 development pages (pooled) the mean of line F1 and snippet F1 loses at most 0.001;
4. the seeds keep all 205 golden lines;
5. ``stance eval``'s gate holds, with cleaning precision 0.90 or more and recall not lower;
6. cleaning is at least 0.95 times as fast (``clean_speed.py --mb 10``, runs taking turns);
7. the 384 French articles of the stance stage lose at most 5 lines more;
8. no line of DAniEL's or Scrapinghub's training pages changes.

    python benchmarks/rounds/round_bt_document_clutter.py --hits   # each rule on the French training pages
    python benchmarks/rounds/round_bt_document_clutter.py          # conditions 1-4, 7 and 8
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from round_bb_site_copy import ARTICLES
from rule_round import TRAINING, documents, every_round, other_sources_unchanged, precision_gain, table

from stance.cleaning import Cleaner, training
from stance.cleaning.boilerplate import DOCUMENT_CLUTTER_BT, DOCUMENT_CLUTTER_BU, ExtraFurniture
from stance.cleaning.cleaner import default_steps
from stance.cleaning.linemodel import LineModel
from stance.cleaning.normalise import normalise

JUDGE = TRAINING / "cleaning_fr_documents_dev_bt.jsonl"
EARLIER = ("cleaning_fr_documents_dev_bl.jsonl", "cleaning_fr_documents_dev_bm.jsonl",
           "cleaning_fr_documents_dev_bn.jsonl", "cleaning_fr_documents_dev_bo.jsonl",
           "cleaning_fr_documents_dev_bq.jsonl", "cleaning_fr_documents_dev_long.jsonl")  # round BS's
NAMES = ("without round BT", "round BT")
# rules removed by the screening on the French training pages (filled in from --hits before the judge runs)
SCREENED_OUT: tuple[int, ...] = ()
BT_RULES = tuple(rule for number, rule in enumerate(DOCUMENT_CLUTTER_BT, 1) if number not in SCREENED_OUT)


def with_rules(rules: tuple, without: tuple = ()) -> Cleaner:
    """The cleaner on main, with ``rules`` after the rules that run after its line model, and without ``without``."""

    class Extra(ExtraFurniture):
        french_rules = tuple(rule for rule in ExtraFurniture.french_rules if rule not in without) + tuple(rules)

    steps = default_steps()
    steps[[type(step) for step in steps].index(LineModel)] = LineModel(extra=Extra())
    return Cleaner(steps=steps)


def switched(on: bool) -> Cleaner:
    """The cleaner as round BT was judged (round BS's rules, not round BU's), with or without round BT's rules."""
    return with_rules(BT_RULES if on else (), without=DOCUMENT_CLUTTER_BU)


def hits(rules: tuple = DOCUMENT_CLUTTER_BT, name: str = "BT") -> None:
    """Each rule's whole-line hits on the French training pages, by label, and on the French stance articles."""
    pages = training.read_pages([training.french_pages_file()])
    articles = [line for path in ARTICLES for row in path.read_text(encoding="utf-8").splitlines() if row.strip()
                for line in json.loads(row)["text"].split("\n") if line.strip()]
    print(f"{len(pages)} French training pages; {len(articles)} lines of the French stance articles")
    for number, rule in enumerate(rules, 1):
        count: Counter = Counter()
        for page in pages:
            for line, label in zip(page["lines"], page["labels"], strict=True):
                if rule.pattern.fullmatch(normalise(line).strip()):
                    count[label] += 1
        on_articles = sum(bool(rule.pattern.fullmatch(normalise(line).strip())) for line in articles)
        total = sum(count[label] for label in (0, 1))
        share = count[0] / total if total else 1.0
        print(f"{name} rule {number} ({rule.reason}): furniture {count[0]}, content {count[1]}, unsure {count[-1]}; "
              f"{share:.0%} furniture: {'keep' if share >= 0.9 else 'REMOVE'}; stance article lines {on_articles}")


def judge_round(judge: Path, base: Cleaner, new: Cleaner, names: tuple[str, str], earlier: tuple[str, ...],
                what: str) -> None:
    """Rounds BT's and BU's conditions 1-4, 7 and 8: the judge's documents (F1 gains, P +0.003, R -0.002 at most,
    ten lines changed), the ``earlier`` documents in sample (F1 does not fall), the development pages, the seeds,
    the French stance articles and the training pages of other sources."""
    docs = documents(judge)
    precision_gain(f"1. the {len(docs)} documents written for {what} (the judge)", docs, base, new, names, lines=10)
    pooled = [doc for name in earlier for doc in documents(TRAINING / name)]
    s = table(f"2. the {len(pooled)} earlier documents (in sample)", pooled, base, new, names)
    loss = s[names[0]]["f1"] - s[names[1]]["f1"]
    print(f"condition 2: F1 loss {loss:+.4f}: {'pass' if loss <= 0 else 'FAIL'}")
    every_round(base, new, names)  # conditions 3, 4 and 7, and the read documents (reported)
    other_sources_unchanged(base, new)


def main() -> None:
    judge_round(JUDGE, switched(False), switched(True), NAMES, EARLIER, "round BT")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--hits", action="store_true", help="each rule's hits on the French training pages")
    hits() if parser.parse_args().hits else main()
