"""The shell: click commands and report formats. The only place that prints or exits.

In: arguments. Out: text on stdout/stderr and an exit code (0 valid, 1 invalid input, 2 usage).
The commands (``commands``, ``generate``) call the pipeline (:mod:`exgen.pipeline`) and the
stages; the report formatters (``report``) turn diagnostics into text, JSON, GitHub annotations
or SARIF. Entry points run as ``python -m`` (``reference``, ``convert``) live here too.

May import any stage; nothing imports it. ``cli`` and ``main`` are imported on first use, so
``python -m exgen.cli.convert`` does not load click.
"""

from __future__ import annotations

import typing as t

__all__ = ["cli", "main"]


def __getattr__(name: str) -> t.Any:
    if name in __all__:
        from exgen.cli import commands

        return getattr(commands, name)
    raise AttributeError(f"module 'exgen.cli' has no attribute '{name}'")
