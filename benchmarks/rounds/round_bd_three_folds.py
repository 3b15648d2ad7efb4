"""Round BD (twenty-ninth session): ``stance train --folds 3`` instead of ``--folds 5``.

The final training of ``stance train`` (every passage, seed 0) makes the shipped adapter and head whatever the number
of folds; the folds give only the out-of-fold logits (the passage temperature, the card's scores). Three folds cost
about 3 training passes over the data instead of 5. The rule, written before the candidate was trained
(``docs/stance-lora.md``, round BD): the candidate ships if

(a) its adapter and its head's coefficients and intercept are byte-identical to the shipped ones;
(b) the command took at most 1,800 s of wall time (``--wall-seconds``, measured with ``/usr/bin/time``);
(c) its passage temperature is within 0.1 of the shipped one, and its out-of-fold ECE after that temperature is at
    most 0.02 over all texts and at most 0.08 in each domain;
(d) the document aggregation it refitted loses at most 0.005 of macro-F1 on the training documents (one writer left
    out), at most 0.01 on the calibration documents (writer left out), and their ECE rises by at most 0.02, each
    against the reference (the shipped configuration retrained on the same machine).

The out-of-fold macro-F1 per domain is reported, not judged. Nothing here reads ``eval/`` or the seeds.

    /usr/bin/time -v stance train --folds 3 --out /tmp/round_bd/candidate      # about 27 minutes on the 2-core machine
    python benchmarks/rounds/round_bd_three_folds.py --candidate /tmp/round_bd/candidate \\
        --reference /tmp/round_i/reference --wall-seconds S
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "stance" / "models" / "stance-lora"
BUDGET_S, TEMPERATURE_GAP, ECE_ALL, ECE_DOMAIN = 1800.0, 0.1, 0.02, 0.08
TRAINING_LOSS, CALIBRATION_LOSS, CALIBRATION_ECE_RISE = 0.005, 0.01, 0.02


def head(folder: Path) -> dict:
    return json.loads((folder / "head.json").read_text(encoding="utf-8"))


def documents(model: dict) -> dict[str, float]:
    """The aggregation's scores the rule reads, from the card data of ``head.json``."""
    cv = model["aggregation"]["cross_validation"]
    return {"training documents, macro-F1": cv["by_group"]["after_temperature"]["macro_f1"],
            "calibration documents, macro-F1": cv["calibration"]["writer_left_out"]["macro_f1"],
            "calibration documents, ECE": cv["calibration"]["writer_left_out"]["ece"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidate", type=Path, required=True, help="what stance train --folds 3 wrote")
    parser.add_argument("--reference", type=Path, required=True,
                        help="the shipped configuration (--folds 5) retrained on the same machine")
    parser.add_argument("--wall-seconds", type=float, required=True, help="the candidate command's wall time")
    args = parser.parse_args()
    candidate, reference, shipped = head(args.candidate), head(args.reference), head(SHIPPED)
    verdicts: dict[str, bool] = {}

    same_adapter = ((args.candidate / "adapter_model.safetensors").read_bytes()
                    == (SHIPPED / "adapter_model.safetensors").read_bytes())
    same_head = candidate["coef"] == shipped["coef"] and candidate["intercept"] == shipped["intercept"]
    verdicts["(a) adapter and head byte-identical"] = same_adapter and same_head
    print(f"(a) adapter identical: {same_adapter}; head identical: {same_head}")

    verdicts["(b) wall time"] = args.wall_seconds <= BUDGET_S
    print(f"(b) wall time {args.wall_seconds:.0f} s (budget {BUDGET_S:.0f} s); fit {candidate['training_time_s']} s, "
          f"reference fit {reference['training_time_s']} s")

    gap = abs(candidate["temperature"] - shipped["temperature"])
    domains = candidate["cross_validation"]["domains"]
    worst = max((scores["ece"], name) for name, scores in domains.items() if name != "all")
    verdicts["(c) calibration"] = gap <= TEMPERATURE_GAP and domains["all"]["ece"] <= ECE_ALL and worst[0] <= ECE_DOMAIN
    print(f"(c) temperature {candidate['temperature']:.4f} against {shipped['temperature']:.4f} "
          f"(gap {gap:.4f}, at most {TEMPERATURE_GAP}); ECE all {domains['all']['ece']:.4f} (at most {ECE_ALL}), "
          f"largest domain {worst[1]} {worst[0]:.4f} (at most {ECE_DOMAIN})")
    print("\n| domain | texts | reference (5-fold) macro-F1 | candidate (3-fold) macro-F1 "
          "| reference ECE | candidate ECE |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, scores in domains.items():
        old = reference["cross_validation"]["domains"][name]
        print(f"| {name} | {scores['examples']:,} | {old['macro_f1']:.4f} | {scores['macro_f1']:.4f} | "
              f"{old['ece']:.4f} | {scores['ece']:.4f} |")

    new, old = documents(candidate), documents(reference)
    limits = {"training documents, macro-F1": -TRAINING_LOSS, "calibration documents, macro-F1": -CALIBRATION_LOSS,
              "calibration documents, ECE": CALIBRATION_ECE_RISE}
    print("\n| (d) document aggregation | reference | candidate | change | allowed |")
    print("|---|---:|---:|---:|---:|")
    passed = True
    for name, limit in limits.items():
        change = new[name] - old[name]
        passed &= change >= limit if limit < 0 else change <= limit
        print(f"| {name} | {old[name]:.4f} | {new[name]:.4f} | {change:+.4f} | {limit:+.3f} |")
    verdicts["(d) document aggregation"] = passed

    print()
    return verdict("round BD", verdicts, "the candidate ships")


def verdict(round_name: str, verdicts: dict[str, bool], adopted: str) -> int:
    """Print each condition's outcome and the round's; the exit status: 0 if every condition passed."""
    for name, ok in verdicts.items():
        print(f"{name}: {'pass' if ok else 'FAIL'}")
    ships = all(verdicts.values())
    print(f"{round_name}: {adopted if ships else 'not adopted'}")
    return 0 if ships else 1


if __name__ == "__main__":
    sys.exit(main())
