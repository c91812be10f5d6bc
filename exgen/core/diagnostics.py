"""Diagnostics: what exgen says about a user's definition.

A problem in user data is never an exception: it is a :class:`Diagnostic` with a
stable code, a severity, a message, the JSON pointer of the element and the
file:line:col the source map gives for it.
"""

from __future__ import annotations

import enum
import typing as t
from dataclasses import dataclass, field

from exgen.core.sources import Location

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

__all__ = ["Diagnostic", "Location", "Severity", "at", "error", "has_errors", "shorten", "sort_diagnostics",
           "warning"]


class Severity(str, enum.Enum):
    """How bad a diagnostic is; ``--strict`` promotes warnings to errors."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a definition, located in its source."""

    severity: Severity
    code: str
    message: str
    location: Location
    pointer: str = ""
    related: tuple[str, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        """Order by file, position, then severity and code, so output is stable."""
        loc = self.location
        return (loc.file, loc.line, loc.col, _SEVERITY_RANK[self.severity], self.code, self.message)

    def as_text(self) -> str:
        """``path:line:col: severity[code]: message`` — the form editors and CI parse."""
        return f"{self.location}: {self.severity}[{self.code}]: {self.message}"

    def promoted(self) -> Diagnostic:
        """The same diagnostic as an error (for ``--strict``)."""
        if self.severity is Severity.WARNING:
            return Diagnostic(Severity.ERROR, self.code, self.message, self.location, self.pointer, self.related)
        return self


def error(code: str, message: str, location: Location, pointer: str = "") -> Diagnostic:
    """A located error."""
    return Diagnostic(Severity.ERROR, code, message, location, pointer)


def warning(code: str, message: str, location: Location, pointer: str = "") -> Diagnostic:
    """A located warning."""
    return Diagnostic(Severity.WARNING, code, message, location, pointer)


def at(
    sources: Locator,
    pointer: str,
    code: str,
    message: str,
    severity: Severity = Severity.ERROR,
    *,
    key: bool = False,
) -> Diagnostic:
    """A diagnostic located through the source map at ``pointer`` (its key with ``key=True``)."""
    location = sources.locate_key(pointer) if key else sources.locate(pointer)
    return Diagnostic(severity, code, message, location, pointer)


def sort_diagnostics(diagnostics: t.Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file and position order, duplicates removed."""
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def has_errors(diagnostics: t.Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.is_error for d in diagnostics)


def shorten(value: object, limit: int = 60) -> str:
    """A short printable form of a user value for messages.

    >>> shorten("x" * 100, 10)
    "'xxxxxxx…'"
    """
    text = repr(value)
    if len(text) > limit:
        return text[: limit - 2] + "…" + text[0] if text[0] in "'\"" else text[: limit - 1] + "…"
    return text
