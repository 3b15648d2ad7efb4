"""What the cleaner's rule rounds BI to BK, BP and BQ share (``docs/design.md``): their tables, the judge's first
condition, the conditions every rule round asks (the development pages, the seeds, the stance articles), the read
documents reported, the judge's documents scored once with the cleaner as shipped, and their command line.

Each round's script gives its cleaners with and without the rule (``base``, ``new``), their names, and the file of
documents that judges it; the rules of each round are in its own docstring.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "rounds"))

from cleaner_reruns import documents as read_documents  # noqa: E402
from round_av_document_rules import changed, line_scores, table  # noqa: E402
from round_aw_tables import documents, pages_and_seeds  # noqa: E402
from round_bb_site_copy import articles_lost  # noqa: E402
from round_bg_table_cells import unread_bc  # noqa: E402

from stance.cleaning import Cleaner  # noqa: E402
from stance.cleaning.boilerplate import ExtraFurniture  # noqa: E402

TRAINING = ROOT / "models" / "training"


def judge_documents(path: Path, base: Cleaner, new: Cleaner, names: tuple[str, str], what: str, *,
                    recall_loss: float, precision_gain: bool = False) -> None:
    """Condition 1: on the judge's documents at least five lines change, line F1 gains (and precision, when
    asked), and line recall loses at most ``recall_loss``."""
    docs = documents(path)
    s = table(f"1. the {len(docs)} {what} (the judge)", docs, base, new, names)
    a, b = s[names[0]], s[names[1]]
    moved = sum(changed(base, new, docs).values())
    ok = (moved >= 5 and b["f1"] > a["f1"] and a["recall"] - b["recall"] <= recall_loss
          and (not precision_gain or b["precision"] > a["precision"]))
    print(f"condition 1: {moved} lines changed; F1 {a['f1']:.4f} -> {b['f1']:.4f}; P {a['precision']:.4f} -> "
          f"{b['precision']:.4f}; R {a['recall']:.4f} -> {b['recall']:.4f}: {'pass' if ok else 'FAIL'}")



def precision_gain(name: str, docs: list[dict], base: Cleaner, new: Cleaner, names: tuple[str, str], *,
                   lines: int) -> None:
    """Condition 1 of the rounds BS to BU: line F1 gains, precision gains 0.003 or more, recall loses at most 0.002,
    and at least ``lines`` lines change."""
    s = table(name, docs, base, new, names)
    a, b = s[names[0]], s[names[1]]
    moved = sum(changed(base, new, docs).values())
    ok = (moved >= lines and b["f1"] > a["f1"] and b["precision"] - a["precision"] >= 0.003
          and a["recall"] - b["recall"] <= 0.002)
    print(f"condition 1: {moved} lines changed; F1 {a['f1']:.4f} -> {b['f1']:.4f}; P {a['precision']:.4f} -> "
          f"{b['precision']:.4f}; R {a['recall']:.4f} -> {b['recall']:.4f}: {'pass' if ok else 'FAIL'}")


def other_sources_unchanged(base: Cleaner, new: Cleaner) -> None:
    """Condition 8 of the rounds BS to BU: no line of DAniEL's or Scrapinghub's training pages changes."""
    from round_ba_tables_contents import real_pages_changed

    count = dict(sorted(real_pages_changed(base, new).items()))
    foreign = sum(n for (source, _), n in count.items() if source != "stance-fr")
    print(f"condition 8, lines of the training pages changed, by source and label: {count}: "
          f"{'pass' if foreign == 0 else 'FAIL'}")

def earlier_documents(docs: list[dict], base: Cleaner, new: Cleaner, names: tuple[str, str]) -> None:
    """Condition 2: on the earlier unread documents pooled, line F1 loses at most 0.001."""
    s = table(f"2. the {len(docs)} earlier unread documents", docs, base, new, names)
    loss = s[names[0]]["f1"] - s[names[1]]["f1"]
    print(f"condition 2: F1 loss {loss:+.4f}: {'pass' if loss <= 0.001 else 'FAIL'}")


def judge_rules_after_model(path: Path, earlier: Sequence[str], base: Cleaner, new: Cleaner, names: tuple[str, str],
                            what: str) -> None:
    """Every condition of a round of rules after the line model (BJ, BK) that a script can measure: the judge's
    documents (``path``: line recall may lose 0.002), the earlier unread ones (the files ``earlier``, and the 40
    unread of ``_bc``), and those of every round."""
    judge_documents(path, base, new, names, what, recall_loss=0.002)
    docs = [doc for name in earlier for doc in documents(TRAINING / name)] + unread_bc()
    earlier_documents(docs, base, new, names)
    every_round(base, new, names)


def keeping_rule_round(path: Path, earlier: Sequence[tuple[str, list[dict]]], base: Cleaner, new: Cleaner,
                       names: tuple[str, str], what: str) -> None:
    """Every condition a script can measure of a rule that only keeps lines (rounds BP, BQ): on the judge's documents
    (``path``) at least five lines change, line F1 gains and precision loses at most 0.002; on each set of ``earlier``
    documents (``(name, documents)``, in sample) line F1 does not fall; the development pages and the seeds; the
    French stance articles; and the training pages' changed lines, right at least as often as wrong."""
    from round_ba_tables_contents import real_pages_changed

    docs = documents(path)
    s = table(f"1. the {len(docs)} documents {what} (the judge)", docs, base, new, names)
    a, b = s[names[0]], s[names[1]]
    moved = sum(changed(base, new, docs).values())
    ok = moved >= 5 and b["f1"] > a["f1"] and a["precision"] - b["precision"] <= 0.002
    print(f"condition 1: {moved} lines changed; F1 {a['f1']:.4f} -> {b['f1']:.4f}; P {a['precision']:.4f} -> "
          f"{b['precision']:.4f}; R {a['recall']:.4f} -> {b['recall']:.4f}: {'pass' if ok else 'FAIL'}")
    for name, docs in earlier:
        s = table(f"2. {name} (in sample)", docs, base, new, names)
        loss = s[names[0]]["f1"] - s[names[1]]["f1"]
        print(f"condition 2, {name}: F1 loss {loss:+.4f}: {'pass' if loss <= 0 else 'FAIL'}")
    print("\nconditions 3 and 4, the development pages and the seeds:")
    pages_and_seeds(base, new, names)
    articles_condition(base, new, "\ncondition 7, the French stance articles")
    count = dict(sorted(real_pages_changed(base, new).items()))
    right = sum(n for (_, label), n in count.items() if label == 1)  # the rule only keeps lines
    wrong = sum(n for (_, label), n in count.items() if label == 0)
    print(f"condition 8, lines of the training pages changed, by source and label: {count}: "
          f"{'pass' if right >= wrong else 'FAIL'}")


def every_round(base: Cleaner, new: Cleaner, names: tuple[str, str]) -> None:
    """The development pages and the seeds' golden lines, the French stance articles' lines, and the read
    documents (reported, not judged)."""
    print("\nthe development pages and the seeds:")
    pages_and_seeds(base, new, names)
    articles_condition(base, new, "\nthe French stance articles")
    print("\nreported, not judged:")
    read = read_documents()
    table(f"the {len(read)} read development documents (in sample)", read, base, new, names)


def articles_condition(base: Cleaner, new: Cleaner, label: str) -> None:
    """The condition every round asks of the French stance articles: at most 5 of their lines more dropped."""
    more, fewer, examples = articles_lost(base, new)
    print(f"{label}: {more} lines more dropped, {fewer} fewer: {'pass' if more <= 5 else 'FAIL'}")
    for example in examples:
        print(f"  {example}")


def before(path: Path, shipped: Cleaner, what: str) -> None:
    """The judge's documents, scored once as a whole with the cleaner as shipped."""
    docs = documents(path)
    s = line_scores(shipped, docs)
    print(f"the {len(docs)} {what}, the cleaner as shipped: P {s['precision']:.4f}, R {s['recall']:.4f}, "
          f"F1 {s['f1']:.4f}, clutter kept {s['fp']}, article lines dropped {s['fn']}")


def cli(doc: str, judge: Callable[[], None], shipped: Callable[[], None], argv: list[str] | None = None) -> None:
    """``python SCRIPT`` runs the round's conditions; ``--before`` scores the judge's documents as shipped."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="the new documents with the cleaner as shipped")
    args = parser.parse_args(argv)
    shipped() if args.before else judge()


def precision_condition(a: dict, b: dict) -> bool:
    """Condition 1 of the rule rounds CF, CH and CI on the judge's line scores without (``a``) and with (``b``) the
    change: line precision gains at least 0.002, recall loses at most 0.003 and F1 gains."""
    return (b["precision"] - a["precision"] >= 0.002 and a["recall"] - b["recall"] <= 0.003
            and b["f1"] > a["f1"])


def recall_condition(a: dict, b: dict) -> bool:
    """Condition 1 of round CA for a change that keeps lines (rounds CJ and CL) on the judge's line scores without
    (``a``) and with (``b``) the change: line recall gains at least 0.002 and precision loses at most 0.002."""
    return b["recall"] - a["recall"] >= 0.002 and a["precision"] - b["precision"] <= 0.002


def rules_without(*groups: Sequence[object]) -> ExtraFurniture:
    """``ExtraFurniture`` without the French rules of ``groups`` (``FORUM_DETAILS``, ``DOCUMENT_CLUTTER_CH``, ...):
    the rules after the line model as they were before the round that added them (rounds CE, CF, CH, CI)."""
    left = tuple(rule for rule in ExtraFurniture.french_rules if not any(rule in group for group in groups))
    return type("BeforeRules", (ExtraFurniture,), {"french_rules": left})()


_NEVER = re.compile(r"(?!)")  # a pattern that matches nothing


class PatternOff(Cleaner):
    """The default cleaner as it was before a rule round that added a pattern and rules after the line model (rounds
    CF, CH): the rules after the model without ``groups`` (:func:`rules_without`), and the pattern at ``target``
    (``"stance.cleaning.tables.WIDGET_CELL"``) matching nothing while it cleans."""

    def __init__(self, target: str, *groups: Sequence[object]) -> None:
        from stance.cleaning.linemodel import LineModel

        super().__init__()
        self.target = target
        extra = rules_without(*groups)
        self.steps = [LineModel(extra=extra) if isinstance(step, LineModel) else step for step in self.steps]

    def _keep(self, lines: list[str]) -> tuple[list[int], dict[int, str]]:  # where every cleaning runs the steps
        with mock.patch(self.target, _NEVER):
            return super()._keep(lines)


def with_line_model(**settings: object) -> Cleaner:
    """The default cleaner, its line model made with ``settings`` (``LineModel(table_words=False)``, ...)."""
    from stance.cleaning.linemodel import LineModel

    c = Cleaner()
    c.steps = [LineModel(**settings) if isinstance(step, LineModel) else step for step in c.steps]
    return c


def setting_cleaner(setting: str) -> Callable[[bool], Cleaner]:
    """The two cleaners of a round whose change is one setting of the line model (rounds CA, CD, CJ, CL, CM, CP, CQ):
    ``cleaner(on)`` is the default cleaner with ``LineModel(setting=on)``."""
    return lambda on: with_line_model(**{setting: on})


def french_files(judge: str) -> list[str]:
    """Every line-labelled French file of ``models/training/`` but the judge's (rounds CA and CC to CF)."""
    names = sorted(path.name for path in TRAINING.glob("*.jsonl")
                   if path.name.startswith(("cleaning_fr_documents_dev", "webpages_fr"))
                   and "label_changes" not in path.name)
    return [name for name in names if name != judge]


def seven_conditions(base: Cleaner, new: Cleaner, names: tuple[str, str], judge: str,
                     condition_1: Callable[[dict, dict], bool] | None, reported: Sequence[str] = ()) -> None:
    """Conditions 1, 2, 3, 6 and 7 of the rule rounds CA and CC to CF (``docs/design.md``), each text alone: on the
    judge's documents (``judge``, a file of ``models/training/``) at least five lines change and ``condition_1(a, b)``
    holds on the two cleaners' line scores (None: the judge is not scored); on every other line-labelled French file,
    pooled, line F1 loses at most 0.001; the seeds' golden tests as they stand, alone and in one batch, with the same
    counts per seed; the 384 French stance articles lose at most 5 lines; no line of DAniEL's or Scrapinghub's pages
    changes. ``reported``: files scored besides, judged by nothing."""
    from cleaner_retrain_seeds import golden_per_seed

    if condition_1 is not None:
        docs = documents(TRAINING / judge)
        s = table(f"1. the {len(docs)} documents of {judge} (the judge)", docs, base, new, names)
        a, b = s[names[0]], s[names[1]]
        moved = sum(changed(base, new, docs).values())
        ok = moved >= 5 and condition_1(a, b)
        print(f"condition 1: {moved} lines changed; P {a['precision']:.4f} -> {b['precision']:.4f}; R "
              f"{a['recall']:.4f} -> {b['recall']:.4f}; F1 {a['f1']:.4f} -> {b['f1']:.4f}: {'pass' if ok else 'FAIL'}")
    files = french_files(judge)
    other = [doc for name in files for doc in documents(TRAINING / name)]
    s = table(f"2. the {len(other)} documents and pages of the {len(files)} other files (read)", other, base, new,
              names)
    loss = s[names[0]]["f1"] - s[names[1]]["f1"]
    print(f"condition 2: F1 loss {loss:+.4f}: {'pass' if loss <= 0.001 else 'FAIL'}")
    for name in reported:
        read = documents(TRAINING / name)
        short = name.removeprefix("cleaning_fr_documents_dev").removesuffix(".jsonl")
        table(f"reported: the {len(read)} documents of {short} (read)", read, base, new, names)
    for batch in (False, True):
        counts = [golden_per_seed(c, batch) for c in (base, new)]
        for name, (per, kept, golden) in zip(names, counts, strict=True):
            ok = sum(per) >= 0.99 * golden and sum(per) >= 0.98 * kept
            print(f"condition 3 ({'one batch' if batch else 'each seed alone'}), {name}: {sum(per)} of {golden} "
                  f"golden lines kept, {kept} lines kept: {'pass' if ok else 'FAIL'}")
        print(f"condition 3, no seed line changes ({'one batch' if batch else 'alone'}): "
              f"{'pass' if counts[0] == counts[1] else 'FAIL'}")
    articles_condition(base, new, "condition 6, the French stance articles")
    other_sources_unchanged(base, new)  # prints "condition 8": these rounds' condition 7


def speed_condition(base: Cleaner, new: Cleaner, what: str, runs: int = 3) -> None:
    """Condition 5 of the rule rounds CA and CC to CF: both cleaners after a regex pass on each document of the seeds'
    variations (10 MB), the one that goes second alternating (it finds the first one's work in shared caches), as
    ``clean_speed.py --against`` times them; the new one at least 0.95 times as fast. ``what`` ends the line:
    "round CD at 0.998x {what}"."""
    import re

    from clean_speed import build_corpus, interleaved

    docs = build_corpus(10)
    base.clean(docs[0]), new.clean(docs[0])
    spaces = re.compile(r"\s+")
    for run in range(runs):
        _, first, second = interleaved([lambda d: spaces.sub(" ", d), base.clean, new.clean], docs, alternate=True)
        print(f"condition 5, run {run + 1}: {what.format(ratio=first / second)}: "
              f"{'pass' if first / second >= 0.95 else 'FAIL'}", flush=True)


def round_cli(doc: str, cleaner: Callable[[bool], Cleaner], names: tuple[str, str], judge: str,
              condition_1: Callable[[dict, dict], bool], speed_line: str, reported: Sequence[str] = ()) -> None:
    """The command line of the rule rounds CA and CC to CF: ``python SCRIPT`` (conditions 1, 2, 3, 6, 7), ``--read``
    (without the judge), ``--speed`` (condition 5)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--speed", action="store_true", help="condition 5 only")
    group.add_argument("--read", action="store_true", help="conditions 2, 3, 6 and 7 only, without the judge")
    args = parser.parse_args()
    if args.speed:
        speed_condition(cleaner(False), cleaner(True), speed_line)
    else:
        seven_conditions(cleaner(False), cleaner(True), names, judge, None if args.read else condition_1, reported)
