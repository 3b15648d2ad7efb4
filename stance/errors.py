"""Errors raised by stance: each says what was expected, what was received and how to fix it."""

from __future__ import annotations


class StanceError(Exception):
    """Base class of every error stance raises on purpose."""


class InputError(StanceError):
    """An input file, folder or record that stance cannot read.

    ``source`` names the file (and line, for JSONL) so that a batch run can
    report the problem and go on with the other documents.
    """

    def __init__(self, message: str, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class ModelNotAvailableError(StanceError):
    """A model that is neither prepared locally nor reachable."""


class DeviceError(StanceError):
    """A device was asked for that this machine does not have."""


def missing_dependency(package: str, extra: str | None = None) -> ImportError:
    """The ImportError to raise when an optional heavy dependency is absent."""
    target = f'"stance[{extra}]"' if extra else package
    return ImportError(f"this feature needs the package {package!r}; install it with: pip install {target}")
