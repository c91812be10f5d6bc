"""JSON definition files: strict JSON values, with positions from the same text read as YAML.

``json.loads`` gives the values (and refuses what is not JSON), but no positions. JSON is
nearly YAML, so the text is also read by the YAML event-stream builder, after
:func:`json_as_yaml` has swapped the few characters YAML reads differently for others of
the same length; that read gives the position of every value, and finds duplicate keys
and nesting too deep. Its values are never used.
"""

from __future__ import annotations

import json
import re
import sys
import typing as t

from exgen.core.diagnostics import Diagnostic, Location, error, shorten
from exgen.load import yaml_events
from exgen.load.yaml_errors import line_col
from exgen.load.yaml_events import Built

#: Characters JSON strings may hold raw that YAML refuses or counts as line breaks.
_JSON_ONLY = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_JSON_ONLY_SWAP = {c: 0xE000 + (c & 0xFF) for c in (*range(0x7F, 0xA0), 0x2028, 0x2029, 0xFFFE, 0xFFFF)}
#: A ``\uD800``-``\uDFFF`` escape, itself not escaped: libyaml refuses surrogate escapes.
SURROGATE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD][89a-fA-F][0-9a-fA-F]{2})")
#: A JSON string, or a number token outside strings (its text in group 1).
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?(?:Infinity|NaN|[0-9][0-9.eE+-]*))')
#: Most digits Python converts to an int (the limit came in 3.10.7 and 3.11; 0 means none).
_LIMIT: int = getattr(sys, "get_int_max_str_digits", lambda: 0)()
#: A JSON string, or an integer outside strings longer than Python converts (group 1).
_LONG_INTEGER = re.compile(r'"(?:[^"\\]|\\.)*"|(-?[0-9]{' + str(_LIMIT + 1) + r',})(?![0-9.eE])')


def json_as_yaml(text: str) -> str:
    """JSON text that libyaml reads with the same structure, lines and columns.

    Tabs become spaces (JSON strings hold no raw tab); characters YAML refuses, and
    surrogate escapes, become distinct private-use ones of the same length. Only
    positions are taken from this text, never values.
    """
    text = text.replace("\t", " ")
    if _JSON_ONLY.search(text):
        text = text.translate(_JSON_ONLY_SWAP)
    if "\\u" in text and SURROGATE_ESCAPE.search(text):
        text = SURROGATE_ESCAPE.sub(lambda m: f"{m.group(1)}\\uE{m.group(2)[1:]}", text)
    return text


def lone_surrogate(text: str) -> int | None:
    """Index of a ``\\uD800``-``\\uDFFF`` escape that is not half of a pair (it cannot be written out)."""
    if "\\u" not in text:
        return None
    high: re.Match[str] | None = None
    for escape in SURROGATE_ESCAPE.finditer(text):
        is_high = escape.group(2)[1] in "89abAB"
        if high is not None:
            if is_high or escape.start() != high.end() or escape.group(1):
                return high.start(2) - 2
            high = None
        elif is_high:
            high = escape
        else:
            return escape.start(2) - 2
    return None if high is None else high.start(2) - 2


def parse_json(text: str, display: str) -> Built:
    """Strict JSON data; positions (and duplicate keys, depth) from the same text read as YAML."""
    if not text.strip(" \t\r\n"):
        return Built(diagnostics=[error("empty-file", "the file holds no data", Location(display))])
    shadow = yaml_events.build(json_as_yaml(text), display)
    found = {d.code: d for d in shadow.diagnostics if d.code in ("duplicate-key", "nesting-too-deep")}
    duplicates: list[str] = []
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: _json_object(pairs, duplicates),
                          parse_constant=_constant)
    except _Refused as problem:
        where = _token_location(text, problem.token, display)
        return Built(diagnostics=[error("json-syntax", problem.message, where)])
    except json.JSONDecodeError as problem:
        where = Location(display, problem.lineno, problem.colno)
        return Built(diagnostics=[error("json-syntax", problem.msg, where)])
    except RecursionError:
        deep = found.get("nesting-too-deep") or _too_deep(display)
        return Built(diagnostics=[deep])
    except ValueError as problem:  # an integer with more digits than Python converts
        return Built(diagnostics=[_long_integer(text, display, str(problem))])
    lone = lone_surrogate(text)
    if lone is not None:
        message = f"{text[lone:lone + 6]} is half of a surrogate pair, not a character"
        where = Location(display, *line_col(text, lone))
        return Built(diagnostics=[error("json-syntax", message, where)])
    problems = [d for d in shadow.diagnostics if d.code in found]
    if duplicates and "duplicate-key" not in found:
        problems.append(error("duplicate-key", f"duplicate key {shorten(duplicates[0])}", Location(display)))
    if "nesting-too-deep" not in found and not shadow.complete and _depth(data) > yaml_events.MAX_DEPTH:
        problems.append(_too_deep(display))
    return Built(data, shadow.entry, problems, complete=True)


class _Refused(ValueError):
    """A number token JSON readers may accept but a definition may not hold."""

    def __init__(self, token: str, message: str) -> None:
        super().__init__(message)
        self.token, self.message = token, message


def _constant(token: str) -> t.NoReturn:
    """``NaN``, ``Infinity``, ``-Infinity``: Python's reader accepts them; JSON has none of them."""
    raise _Refused(token, f"{token} is not a JSON number (JSON has no NaN or Infinity)")


def _long_integer(text: str, display: str, problem: str) -> Diagnostic:
    """``json-syntax`` at the first integer longer than Python converts."""
    for match in _LONG_INTEGER.finditer(text):
        if match.group(1):
            digits = len(match.group(1).lstrip("-"))
            message = f"this integer has {digits} digits; exgen reads at most {_LIMIT}"
            return error("json-syntax", message, Location(display, *line_col(text, match.start(1))))
    return error("json-syntax", problem, Location(display, 1, 1))


def _token_location(text: str, token: str, display: str) -> Location:
    """Where the first number token ``token`` outside strings is (the reader refused the first one)."""
    for match in _TOKENS.finditer(text):
        if match.group(1) == token:
            return Location(display, *line_col(text, match.start(1)))
    return Location(display, 1, 1)


def _json_object(pairs: list[tuple[str, t.Any]], duplicates: list[str]) -> dict[str, t.Any]:
    """A JSON object keeping the first of duplicate keys and noting the others."""
    result = dict(pairs)
    if len(result) != len(pairs):
        result = {}
        for key, value in pairs:
            if key in result:
                duplicates.append(key)
            else:
                result[key] = value
    return result


def _too_deep(display: str) -> Diagnostic:
    """``nesting-too-deep`` where no position is known."""
    return error("nesting-too-deep", f"nesting deeper than {yaml_events.MAX_DEPTH} levels", Location(display))


def _depth(data: t.Any) -> int:
    """Container nesting depth of plain data, without recursion."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        node, depth = todo.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            todo.extend((child, depth + 1) for child in children)
    return deepest
