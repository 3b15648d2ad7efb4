"""Errors raised by stance: each says what was expected, what was received and how to fix it.

Every error class carries the exit code the ``stance`` command returns for it,
and :func:`exit_code` is the one mapping from an exception to that code:

- 2, bad usage: arguments, paths, names or input that are wrong before any work
  starts (:class:`UsageError`, :class:`InputError`, :class:`UnknownModelError`,
  :class:`DeviceError`);
- 1, a failed run or check: a model that is not available, running out of
  memory (:class:`OutOfMemory`), an evaluation gate that fails (:class:`StanceError`
  and the rest).

>>> exit_code(UnknownModelError("unknown model 'x'"))
2
>>> exit_code(ModelNotAvailableError("mt5-xlsum is not prepared"))
1
>>> exit_code(MemoryError())
1
"""

from __future__ import annotations

import numbers
from typing import ClassVar

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class StanceError(Exception):
    """Base class of every error stance raises on purpose: a failed run (exit 1)."""

    exit_code: ClassVar[int] = EXIT_FAILED


class UsageError(StanceError):
    """Bad usage: an argument, option value or path that cannot work (exit 2)."""

    exit_code: ClassVar[int] = EXIT_USAGE


class InputError(UsageError):
    """An input file, folder or record that stance cannot read (exit 2).

    ``source`` names the file (and line, for JSONL) so that a batch run can
    report the problem and go on with the other documents.

    >>> str(InputError("not valid JSON", "docs.jsonl:3"))
    'docs.jsonl:3: not valid JSON'
    """

    def __init__(self, message: str, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class ModelNotAvailableError(StanceError):
    """A known model that is neither prepared locally nor reachable (exit 1)."""


class UnknownModelError(UsageError, ModelNotAvailableError):
    """A model name that is neither registered nor a hub id, or a local path that
    holds no usable model (exit 2: the argument is wrong, not the run)."""


class DeviceError(UsageError):
    """A device was asked for that this machine does not have (exit 2)."""


class OutOfMemory(StanceError):
    """The device ran out of memory even on a batch of one item (exit 1: the run failed, the
    arguments were not wrong)."""


def refuse_keyed(value: object, expected: str) -> None:
    """Refuse a mapping or a table (a pandas DataFrame) where a list is ``expected``: iterating one
    gives its keys or column names, which would run as if they were the texts.

    >>> refuse_keyed({"a": "Le CAC 40 monte."}, "a list of texts")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    stance.errors.InputError: expected a list of texts, got a dict, which would be read as its keys or ...
    """
    from collections.abc import Mapping

    if isinstance(value, Mapping) or hasattr(value, "columns"):
        raise InputError(f"expected {expected}, got a {type(value).__name__}, which would be read as its keys or "
                         "column names; pass list(d.values()) or df['text'].tolist()")


def whole_number(value: object, name: str, minimum: int = 1, *, none: bool = False,
                 below: int | None = None) -> int | None:
    """``value``, when it is an int of at least ``minimum`` (and under ``below``, when given; None too, with
    ``none``); else :class:`UsageError`, saying what was expected. Never a bool: ``True`` as a batch size is a
    mistake, not 1. A numpy integer is refused with the fix (``int(value)``): the settings are written to
    JSON, which has no numpy types.

    >>> whole_number(8, "batch_size"), whole_number(None, "max_words", none=True)
    (8, None)
    >>> whole_number(True, "batch_size")
    Traceback (most recent call last):
    stance.errors.UsageError: expected batch_size to be a whole number >= 1, got True
    >>> whole_number(-1, "seed", 0)
    Traceback (most recent call last):
    stance.errors.UsageError: expected seed to be a whole number >= 0, got -1
    """
    if value is None and none:
        return None
    if (isinstance(value, bool) or not isinstance(value, int) or value < minimum
            or (below is not None and value >= below)):
        bound = f" and < {below}" if below is not None else ""
        fix = "; pass int(value)" if isinstance(value, numbers.Integral) and not isinstance(value, int) else ""
        raise UsageError(f"expected {name} to be a whole number >= {minimum}{bound}{' or None' if none else ''}, "
                         f"got {value!r}{fix}")
    return value


def exit_code(error: BaseException) -> int:
    """The exit code of the ``stance`` command for ``error`` (see the module docstring)."""
    if isinstance(error, StanceError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return EXIT_FAILED  # out of memory and any other failure while running


def missing_dependency(package: str, extra: str | None = None) -> ImportError:
    """The ImportError to raise when an optional heavy dependency is absent.

    >>> str(missing_dependency("matplotlib", "plot"))
    'this feature needs the package \\'matplotlib\\'; install it with: pip install "stance[plot]"'
    """
    target = f'"stance[{extra}]"' if extra else package
    return ImportError(f"this feature needs the package {package!r}; install it with: pip install {target}")
