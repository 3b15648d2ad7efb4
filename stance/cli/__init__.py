"""The ``stance`` command: ``commands.py`` parses arguments and runs pipelines,
``reporting.py`` renders the terminal table and the Markdown report of a run."""

from __future__ import annotations

from .commands import build_parser, main

__all__ = ["build_parser", "main"]
