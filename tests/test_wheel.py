"""A wheel built from the repository works outside the checkout: specs and the
trained head ship as package data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import stance
from stance.registry import get_spec
assert "site" in stance.__file__, stance.__file__
assert get_spec("e5-small").source.startswith("package:")
pipeline = stance.Pipeline(progress=False)
record = next(pipeline.run(["Le groupe relève ses objectifs annuels après un trimestre record : "
                            "les ventes bondissent de 18 % et la marge progresse nettement."]))
print(stance.__file__)
print(record["stance"]["label"], sorted(record))
"""


@pytest.mark.slow
def test_an_installed_wheel_runs_the_default_pipeline(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "stance", source / "stance", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(source)],
        check=True, capture_output=True, text=True,
    )
    (wheel,) = wheels.glob("stance-*.whl")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, text=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("STANCE_MODELS", None)
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    installed, outcome = result.stdout.strip().splitlines()[-2:]
    assert installed.startswith(str(site))
    assert outcome.split()[0] in {"bullish", "skeptical", "neutral"}
    assert "stance" in outcome and "summary" in outcome
