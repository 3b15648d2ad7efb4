"""Argument types the ``stance`` commands share: they refuse a bad value with a message that says
what was expected (argparse then exits 2 before any work)."""

from __future__ import annotations

import argparse
import math


def positive_int(value: str) -> int:
    """A whole number of at least 1.

    >>> positive_int("3")
    3
    >>> positive_int("abc")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: expected a whole number >= 1, got abc
    """
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return number


def natural_int(value: str) -> int:
    """A whole number of at least 0 (a seed).

    >>> natural_int("0")
    0
    >>> natural_int("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: expected a whole number >= 0, got -1
    """
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value}")
    return number


def positive_float(value: str) -> float:
    """A finite number above 0.

    >>> positive_float("0.5")
    0.5
    >>> positive_float("inf")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: expected a number > 0 (finite), got inf
    """
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 < number < math.inf:
        raise argparse.ArgumentTypeError(f"expected a number > 0 (finite), got {value}")
    return number
