"""What every value of a document must be, whatever its schema says: the checks JSON Schema cannot make.

- **Numbers are finite.** JSON Schema has no NaN or infinity, but Python's validators accept
  ``float('nan')`` as a number, and every bound compares false with it; YAML's ``.nan``/``.inf``
  and JSON's ``NaN``/``Infinity`` would reach GeoJSON, KML and the charts (``non-finite-number``).
- **Text has no control characters** but tab, line feed and carriage return, and none of the
  code points XML 1.0 cannot hold at all (surrogates, U+FFFE, U+FFFF) (``control-character``).
  They are refused rather than escaped: XML 1.0 has no escape for them (``&#x1b;`` is not
  well-formed), so C2SIM, KML, Cursor-on-Target and SVG could only drop them, silently
  changing what the planner wrote; and nothing a planner means to print needs them.
- **Text fits a spreadsheet cell** (``text-too-long``): the MSEL workbook would otherwise have
  to cut it.

Keys are checked like values. :func:`scan` walks the document once without building pointers,
and only when something is wrong walks it again to locate each problem.
"""

from __future__ import annotations

import math
import typing as t

from exgen.core import pointer as json_pointer
from exgen.core.diagnostics import Diagnostic, at
from exgen.core.limits import EXCEL_CELL
from exgen.core.text import REFUSED

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

#: The codes about text: errors, but the definition is still well-formed, so the semantic rules run.
TEXT_CODES = frozenset({"control-character", "text-too-long"})
#: Names of the control characters met most often ("short, long").
_NAMES = {"\x00": "NUL", "\x07": "BEL, bell", "\x08": "backspace", "\x0b": "vertical tab", "\x0c": "form feed",
          "\x1b": "ESC, escape", "\x7f": "DEL"}


def _text_ok(text: str) -> bool:
    return len(text) <= EXCEL_CELL and REFUSED.search(text) is None


def _clean(node: t.Any) -> bool:
    """True when nothing under ``node`` needs a diagnostic (the fast, common answer)."""
    kind = type(node)
    if kind is str:
        return _text_ok(node)
    if kind is dict:
        return all((type(k) is not str or _text_ok(k)) and _clean(v) for k, v in node.items())
    if kind is list:
        return all(_clean(v) for v in node)
    if kind is float:
        return math.isfinite(node)
    return True


def describe(char: str) -> str:
    """A refused character named for a message.

    >>> describe("\\x1b"), describe("\\x0b"), describe("\\x01"), describe("\\ufffe")
    ('ESC (escape, U+001B)', 'vertical tab (U+000B)', 'a control character (U+0001)', 'the non-character U+FFFE')
    """
    code = f"U+{ord(char):04X}"
    if char in "\ufffe\uffff":
        return f"the non-character {code}"
    if "\ud800" <= char <= "\udfff":
        return f"a surrogate code point ({code})"
    name = _NAMES.get(char)
    if name is None:
        return f"a control character ({code})"
    short, _, long = name.partition(", ")
    return f"{short} ({long}, {code})" if long else f"{short} ({code})"


def _text_problem(text: str, what: str) -> tuple[str, str] | None:
    """``(code, message)`` for text that fails, else None."""
    bad = REFUSED.search(text)
    if bad is not None:
        return ("control-character",
                f"{what} holds {describe(bad.group())} at character {bad.start() + 1}; text may hold tab and "
                "line breaks, but no other control character (the XML and SVG outputs cannot)")
    if len(text) > EXCEL_CELL:
        return ("text-too-long",
                f"{what} is {len(text):,} characters long; at most {EXCEL_CELL:,} fit a spreadsheet cell of the "
                "MEL/MIL workbook")
    return None


def scan(data: t.Any, sources: Locator, *, clean: bool = False) -> list[Diagnostic]:
    """Every non-finite number, refused character and overlong text in ``data``, located.

    ``clean``: the loader already knows there is none (:attr:`exgen.load.Document.clean`).
    """
    if clean or _clean(data):
        return []
    found: list[Diagnostic] = []
    stack: list[tuple[str, t.Any]] = [("", data)]
    while stack:
        where, node = stack.pop()
        kind = type(node)
        if kind is dict:
            for key, value in node.items():
                child = f"{where}/{json_pointer.escape(key)}"
                problem = _text_problem(key, f"a key in {where or '/'}") if type(key) is str else None
                if problem:
                    found.append(at(sources, child, *problem, key=True))
                stack.append((child, value))
        elif kind is list:
            stack.extend((f"{where}/{i}", value) for i, value in enumerate(node))
        elif kind is str:
            problem = _text_problem(node, where or "/")
            if problem:
                found.append(at(sources, where, *problem))
        elif kind is float and not math.isfinite(node):
            value = "NaN (not a number)" if math.isnan(node) else f"{'-' if node < 0 else ''}infinity"
            found.append(at(sources, where, "non-finite-number",
                            f"{where or '/'} is {value}; write a finite number"))
    return found
