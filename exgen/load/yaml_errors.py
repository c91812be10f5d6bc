"""libyaml's complaints as located diagnostics, and positions in YAML text.

libyaml reports a syntax error at a mark (0-based line and column) with a terse problem text;
here it becomes ``yaml-syntax`` at 1-based file:line:col, ``yaml-tab`` when a tab in the
indentation is the real cause, or ``nesting-too-deep`` when libyaml's own depth limit stopped it.
"""

from __future__ import annotations

import re

import yaml

from exgen.core.diagnostics import Diagnostic, Location, error

_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, col) of character ``index``, counting YAML's line breaks."""
    head = text[:index]
    breaks = list(_BREAKS.finditer(head))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - start + 1


def _line_text(text: str, line0: int) -> str:
    """The text of 0-based line ``line0`` (YAML's line breaks)."""
    lines = _BREAKS.split(text, maxsplit=line0 + 1)
    return lines[line0] if line0 < len(lines) else ""


def syntax(problem: yaml.YAMLError, text: str, display: str, too_deep: str,
           pure_python: bool) -> tuple[Diagnostic, int | None]:
    """libyaml's complaint as ``yaml-syntax`` (or ``yaml-tab``, ``nesting-too-deep``), at its mark.

    The second value is the character index where libyaml's own nesting limit hit, if it did.
    ``pure_python`` tells whether PyYAML's reader (character offsets) or libyaml (byte offsets) ran.
    """
    if isinstance(problem, yaml.reader.ReaderError):
        index = problem.position if pure_python else _char_index(text, problem.position)
        line, col = line_col(text, index)
        message = f"character U+{problem.character:04X} is not allowed in YAML ({problem.reason})"
        return error("yaml-syntax", message, Location(display, line, col)), None
    mark = problem.problem_mark or problem.context_mark if isinstance(problem, yaml.MarkedYAMLError) else None
    if mark is None or not isinstance(problem, yaml.MarkedYAMLError):  # only a MarkedYAMLError has a mark
        return error("yaml-syntax", str(problem), Location(display, 1, 1)), None
    where = Location(display, mark.line + 1, mark.column + 1)
    if problem.problem == "exceeded maximum nesting depth":
        return error("nesting-too-deep", too_deep, where), mark.index
    tab = _tab_column(text, mark.line, mark.column, str(problem.problem or ""))
    if tab is not None:
        message = "tab character in indentation; YAML indents with spaces only"
        return error("yaml-tab", message, Location(display, mark.line + 1, tab + 1)), None
    message = str(problem.problem or "invalid YAML")
    context, context_mark = problem.context, problem.context_mark
    if context and context_mark is not None and context_mark.line != mark.line:
        message += f" ({context} that started on line {context_mark.line + 1})"
    elif context:
        message += f" ({context})"
    return error("yaml-syntax", message, where), None


def _tab_column(text: str, line0: int, col0: int, problem: str) -> int | None:
    """0-based column of the tab a syntax error is really about, if any."""
    line = _line_text(text, line0)
    indent = len(line) - len(line.lstrip(" \t"))
    if "\t" in line[:indent]:
        return line.index("\t")
    if col0 < len(line) and line[col0] == "\t" or "tab character" in problem:
        return col0
    return None


def _char_index(text: str, position: int) -> int:
    """libyaml reports reader errors at a UTF-8 byte offset; this is the character index."""
    return len(text.encode("utf-8")[:position].decode("utf-8", "replace"))
