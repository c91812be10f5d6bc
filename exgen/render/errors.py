"""How a rendering fails: a :class:`RenderError` carrying a located diagnostic for the user.

A template failure is located at the template line it happened on (Jinja compiles templates
to Python whose traceback frames name the ``.j2`` file), never at exgen's own code.
"""

from __future__ import annotations

import os
import sys
import traceback

from exgen.core.diagnostics import Diagnostic, Location, error


class RenderError(Exception):
    """A template failed; carries a located diagnostic for the user."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def template_diagnostic(code: str, message: str, filename: str | None, lineno: int | None) -> Diagnostic:
    """A failure Jinja located itself (a syntax error): at that file and line."""
    return error(code, message, Location(display_path(filename), lineno or 0, 1 if lineno else 0))


def runtime_diagnostic(code: str, message: str, template: str) -> Diagnostic:
    """A failure while rendering ``template``, located at the template line Jinja's traceback
    points to; call it while handling the exception."""
    frames = traceback.extract_tb(sys.exc_info()[2])
    for frame in reversed(frames):
        if frame.filename.endswith(".j2"):
            return error(code, f"{message} (rendering {template})",
                         Location(display_path(frame.filename), frame.lineno or 0, 1))
    return error(code, f"{message} (rendering {template})", Location(template))


def display_path(filename: str | None) -> str:
    """A template file as the user should see it: relative to the working directory when it can be.

    >>> display_path(None)
    '<template>'
    """
    if not filename:
        return "<template>"
    try:
        return os.path.relpath(filename)
    except ValueError:
        return filename
