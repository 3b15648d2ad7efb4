"""Round BE (twenty-ninth session): the document aggregation reads the lora passage probabilities before temperature.

Round BD showed the aggregation moving with the passage temperature, which the number of folds changes although the
passage model stays the same. The candidate aggregation reads the lora model's raw softmax (``"passage_temperature":
false`` among its inputs). The rule, written before any candidate was fitted (``docs/stance-lora.md``, round BE): the
candidate ships if its aggregation loses at most 0.005 of macro-F1 on the training documents (one writer left out),
at most 0.01 on the calibration documents (writer left out), and their ECE rises by at most 0.02, against the
reference (the shipped configuration retrained on the same machine). ``--three-folds`` also checks that the
aggregation refitted on round BD's candidate (``--folds 3``) has the same coefficients and temperature as the
candidate's. Nothing here reads ``eval/`` or the seeds.

    cp -r stance/models/stance-lora /tmp/round_be/candidate
    stance train --aggregation-only --out /tmp/round_be/candidate
    cp -r /tmp/round_bd/candidate /tmp/round_be/three_folds
    stance train --aggregation-only --out /tmp/round_be/three_folds
    python benchmarks/rounds/round_be_raw_passages.py --candidate /tmp/round_be/candidate \\
        --reference /tmp/round_i/reference --three-folds /tmp/round_be/three_folds
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from round_bd_three_folds import CALIBRATION_ECE_RISE, CALIBRATION_LOSS, TRAINING_LOSS, documents, head

FITTED = ("coef", "intercept", "C", "temperature", "temperature_exponent", "temperature_passages")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidate", type=Path, required=True, help="the shipped model, its aggregation refitted")
    parser.add_argument("--reference", type=Path, required=True,
                        help="the shipped configuration retrained on the same machine")
    parser.add_argument("--three-folds", type=Path, help="round BD's candidate, its aggregation refitted")
    args = parser.parse_args()
    candidate, reference = head(args.candidate), head(args.reference)
    reads = candidate["aggregation"]["inputs"].get("passage_temperature", True)
    print(f"the candidate's aggregation reads the passage probabilities {'after' if reads else 'before'} "
          "the temperature")

    new, old = documents(candidate), documents(reference)
    limits = {"training documents, macro-F1": -TRAINING_LOSS, "calibration documents, macro-F1": -CALIBRATION_LOSS,
              "calibration documents, ECE": CALIBRATION_ECE_RISE}
    print("\n| document aggregation | reference | candidate | change | allowed |")
    print("|---|---:|---:|---:|---:|")
    ships = not reads
    for name, limit in limits.items():
        change = new[name] - old[name]
        ships &= change >= limit if limit < 0 else change <= limit
        print(f"| {name} | {old[name]:.4f} | {new[name]:.4f} | {change:+.4f} | {limit:+.3f} |")
    print(f"\nround BE: {'the candidate ships' if ships else 'not adopted'}")

    if args.three_folds is not None:
        other = head(args.three_folds)
        same = {key: candidate["aggregation"].get(key) == other["aggregation"].get(key) for key in FITTED}
        verdicts = ", ".join(f"{key} {'same' if equal else 'DIFFERS'}" for key, equal in same.items())
        print(f"aggregation refitted on --folds 3 (passage temperature {other['temperature']:.4f} against "
              f"{candidate['temperature']:.4f}): {verdicts}")
        ships &= all(same.values())
    return 0 if ships else 1


if __name__ == "__main__":
    sys.exit(main())
