"""The public API: every exported name stays what it is, whatever has been imported."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import stance

ROOT = Path(__file__).resolve().parents[1]


def test_no_exported_name_is_a_submodule_name() -> None:
    submodules = {module.name.rsplit(".", 1)[-1] for module in pkgutil.iter_modules(stance.__path__)}
    assert not (set(stance.__all__) & submodules)


def test_exports_survive_importing_every_submodule() -> None:
    for module in pkgutil.walk_packages(stance.__path__, "stance."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    cleaned = stance.clean("Lire aussi : la suite\n\nLe Nasdaq a progressé de 2 %.")
    assert cleaned.text == "Le Nasdaq a progressé de 2 %."
    assert [span.text for span in stance.segment("Le CAC 40 monte. Il finit.")] == ["Le CAC 40 monte.", "Il finit."]
    for name in stance.__all__:
        value = getattr(stance, name)
        assert not hasattr(value, "__path__") and type(value).__name__ != "module", name


@pytest.mark.slow
def test_readme_python_snippets_run(monkeypatch) -> None:
    """Every ```python block of the README runs, in order, from the repository root."""
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README has Python examples"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


def test_readme_links_stay_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme):
        if target.startswith(("http://", "https://")):
            continue
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), target


def test_submodules_are_reached_from_the_package_on_first_use() -> None:
    import subprocess
    import sys

    code = "import stance; print(stance.evaluation.evaluate.__name__, stance.distributed.PipelineSpec.__name__)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == [
        "evaluate", "PipelineSpec"]
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        stance.nothing  # noqa: B018
