"""Python values → YAML text as a planner writes it, read back (by PyYAML and by exgen) as exactly that value.

A string is written plain when nothing can misread it: neither YAML 1.1 (PyYAML: ``yes``,
``no``, ``0800``, dates, ``1:30``) nor the YAML 1.2 core schema exgen reads with
(``null``, ``1e3``) may take it for anything but text, and no indicator (``: ``, `` #``,
a leading ``-``, ``[``, ``'``...) may change its structure. Exercise times are always
double-quoted, as the scenarios write them (``"D+1 07:30"``). Text with line breaks is a
literal ``|-`` block, a long single line a folded ``>-`` block wrapped at :data:`WIDTH`
columns; anything else goes in double quotes, with escapes for what cannot be written raw.
Lists and mappings of short scalars are written in flow style (``[MNB-HQ]``,
``{kind: c2}``), others in block style. A *style* (the way an existing value is written)
is kept whenever it can hold the new value.

Multi-line results use LF; the patcher turns them into the file's own line breaks.
"""

from __future__ import annotations

import functools
import json
import math
import re
import typing as t

import yaml

from exgen.core.resources import data_dir
from exgen.load.scalars import resolve_plain

__all__ = ["WIDTH", "after_dash", "after_key", "block_list", "flow", "json_text", "key_text", "plain_ok"]

#: The column block text is wrapped at, as in the scenarios.
WIDTH = 100
_STR = "tag:yaml.org,2002:str"
_RESOLVER: t.Any = yaml.resolver.Resolver()
#: A character that cannot be written raw in a scalar: controls, line breaks, tab, BOM, surrogates.
_SPECIAL = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_FLOW_INDICATORS = frozenset(",[]{}:?")
_ESCAPES = {"\0": "\\0", "\x07": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\x0b": "\\v", "\x0c": "\\f",
            "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
#: A single space between two characters that are not blanks: where a folded block may break a line.
_BREAK = re.compile(r"(?<=[^ \t]) (?=[^ \t])")


@functools.cache
def _time() -> re.Pattern[str]:
    """The exercise-time pattern of schemas/common.schema.json."""
    schema = json.loads((data_dir("schemas") / "common.schema.json").read_text("utf-8"))
    return re.compile(schema["definitions"]["time"]["pattern"])


def is_time(text: str) -> bool:
    """``text`` is an exercise time (``D+1 07:30`` or an ISO date-time), which is always quoted."""
    return _time().search(text) is not None


def plain_ok(text: str, flow: bool = False) -> bool:
    """``text`` can be written unquoted (inside ``[...]``/``{...}`` when ``flow``) and read back as itself.

    >>> [plain_ok(s) for s in ("MNB-HQ", "yes", "0800", "a: b", "1e3", "D+1 07:30")]
    [True, False, False, False, False, True]
    """
    if not text or text[0] in _INDICATORS or text[-1] in " :" or _SPECIAL.search(text):
        return False
    if ": " in text or " #" in text or text.startswith("...") or (flow and not _FLOW_INDICATORS.isdisjoint(text)):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR and isinstance(resolve_plain(text), str)


def double_quoted(text: str) -> str:
    """``text`` in double quotes, escaping what cannot be written raw.

    >>> print(double_quoted('say "hi"\\n\\tbye'))
    "say \\"hi\\"\\n\\tbye"
    """
    if '"' not in text and "\\" not in text and not _SPECIAL.search(text):
        return f'"{text}"'
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _SPECIAL.match(char):
            code = ord(char)
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _single_ok(text: str) -> bool:
    """``text`` fits in single quotes (which have no escapes) on one line."""
    return not _SPECIAL.search(text)


def _float(number: float) -> str:
    """A float both YAML 1.1 and 1.2 read as a float (``1e+20`` needs a dot for 1.1)."""
    if math.isnan(number):
        return ".nan"
    if math.isinf(number):
        return ".inf" if number > 0 else "-.inf"
    text = repr(number)
    if "e" in text and "." not in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def scalar(value: t.Any, flow: bool = False, style: str | None = None) -> str:
    """A scalar on one line, in ``style`` when it can hold it; TypeError for what is not a scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} in a definition file")
    if style == '"':
        return double_quoted(value)
    if style == "'" and _single_ok(value):
        return "'" + value.replace("'", "''") + "'"
    if style == "plain" and plain_ok(value, flow):
        return value
    return value if plain_ok(value, flow) and not is_time(value) else double_quoted(value)


def key_text(key: str, flow: bool = False) -> str:
    """A mapping key: plain when safe, else double-quoted."""
    return key if plain_ok(key, flow) and len(key) < 1000 else double_quoted(key)


def _key(key: object) -> str:
    """A mapping key, which must be text (definitions are read with keys as written)."""
    if not isinstance(key, str):
        raise TypeError(f"a mapping key must be text, not {key!r}")
    return key


def flow(value: t.Any) -> str:
    """``value`` on one line in flow style (always possible: strings fall back to double quotes)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key_text(_key(k), True)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def _short_flow(value: dict[t.Any, t.Any] | list[t.Any] | tuple[t.Any, ...]) -> str | None:
    """Flow text of a collection of one-line scalars; None when it holds a collection or line breaks."""
    members = value.values() if isinstance(value, dict) else value
    if any(isinstance(v, (dict, list, tuple)) or (isinstance(v, str) and "\n" in v) for v in members):
        return None
    return flow(value)


# --- block scalars ---------------------------------------------------------------------------


def foldable(text: str) -> bool:
    """``text`` can be written as a folded ``>-`` block and read back unchanged."""
    paragraphs = text.split("\n")
    if not paragraphs[0] or not paragraphs[-1] or _SPECIAL.search(text.replace("\n", "").replace("\t", "")):
        return False
    return all(not p or (p[0] not in " \t" and p[-1] not in " \t") for p in paragraphs)


def _wrap(paragraph: str, width: int) -> list[str]:
    """A paragraph cut into lines of at most ``width`` characters at single spaces (long words stay whole)."""
    words = _BREAK.split(paragraph)
    lines, line = [], words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def folded(text: str, indent: int) -> str:
    """A ``>-`` block (header and lines indented by ``indent``); each line break is an empty line."""
    width = max(WIDTH - indent, 40)
    paragraphs = text.split("\n")
    lines = _wrap(paragraphs[0], width)
    for paragraph in paragraphs[1:]:
        lines.append("")
        if paragraph:
            lines.extend(_wrap(paragraph, width))
    pad = " " * indent
    return ">-\n" + "\n".join(pad + line if line else "" for line in lines)


def literal_ok(text: str) -> bool:
    """``text`` can be written as a literal ``|-`` (or ``|``, for one final line break) block."""
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n") or _SPECIAL.search(body.replace("\n", "").replace("\t", "")):
        return False
    first = next((line for line in body.split("\n") if line), "")
    return bool(first) and first[0] not in " \t"


def literal(text: str, indent: int) -> str:
    """A literal block (header and lines indented by ``indent``)."""
    chomp = "" if text.endswith("\n") else "-"
    body = text[:-1] if text.endswith("\n") else text
    pad = " " * indent
    return f"|{chomp}\n" + "\n".join(pad + line if line else "" for line in body.split("\n"))


def _string(text: str, indent: int, room: int, style: str | None, one_line: bool) -> str:
    """A string after ``key: `` or ``- ``: a scalar, or a block whose lines are indented by ``indent``."""
    if style in ('"', "'", "plain") and (style != "plain" or plain_ok(text)) and (style != "'" or _single_ok(text)):
        return scalar(text, style=style)
    if not one_line and not is_time(text):
        if style == ">" and foldable(text):
            return folded(text, indent)
        if (style == "|" or "\n" in text) and literal_ok(text):
            return literal(text, indent)
        if len(text) > room and foldable(text):
            return folded(text, indent)
    return scalar(text)


# --- whole values ------------------------------------------------------------------------------


def after_key(value: t.Any, col: int, room: int, style: str | None = None, one_line: bool = False) -> str:
    """What follows ``key:`` for a key at column ``col``: `` value`` or a block on the next lines.

    ``room`` is the width left on the key's line; ``style`` the way the value was written
    before (``plain``, ``"``, ``'``, ``|``, ``>``, ``flow``, ``block``); ``one_line`` keeps the
    value on the key's line (a comment follows it there, which a block would swallow).
    """
    if isinstance(value, (dict, list, tuple)):
        if not value:
            return " {}" if isinstance(value, dict) else " []"
        if style == "flow" or one_line:
            return " " + flow(value)
        short = _short_flow(value) if style != "block" else None
        if short is not None and len(short) <= room:
            return " " + short
        return "\n" + (_block_map(value, col + 2) if isinstance(value, dict) else _block_seq(value, col + 2))
    if isinstance(value, str):
        return " " + _string(value, col + 2, room, style, one_line)
    return " " + scalar(value, style=style)


def after_dash(value: t.Any, col: int, style: str | None = None) -> str:
    """What follows ``-`` for a list item whose dash is at column ``col`` (a mapping starts on the dash line)."""
    room = WIDTH - col - 2
    if isinstance(value, (dict, list, tuple)) and value:
        if style == "flow":
            return " " + flow(value)
        short = _short_flow(value) if style != "block" else None
        if short is not None and len(short) <= room:
            return " " + short
        block = _block_map(value, col + 2) if isinstance(value, dict) else _block_seq(value, col + 2)
        return " " + block[col + 2 :]
    return after_key(value, col, room, style)


def _block_map(mapping: dict[t.Any, t.Any], indent: int) -> str:
    """A block mapping, every line indented by ``indent``."""
    lines = []
    for key, value in mapping.items():
        name = key_text(_key(key))
        lines.append(" " * indent + name + ":" + after_key(value, indent, WIDTH - indent - len(name) - 2))
    return "\n".join(lines)


def _block_seq(items: list[t.Any] | tuple[t.Any, ...], indent: int) -> str:
    """A block list, every dash at column ``indent``."""
    return "\n".join(" " * indent + "-" + after_dash(item, indent) for item in items)


def block_list(items: list[t.Any], indent: int, gap: bool) -> str:
    """The items of a top-level list, dashes at ``indent``; mappings always in block style, ``gap`` puts
    an empty line between items (as the scenarios separate injects)."""
    return ("\n\n" if gap else "\n").join(
        " " * indent + "-" + after_dash(item, indent, "block" if isinstance(item, dict) else None) for item in items)


def json_text(value: t.Any, pad: str | None = None, unit: str = "  ") -> str:
    """``value`` as JSON: on one line, or pretty-printed by ``unit`` with lines after the first at ``pad``."""
    if pad is None:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    else:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=unit).replace("\n", "\n" + pad)
    # YAML readers take these for line breaks even inside a string; JSON allows the escapes.
    for char in ("\x85", "\u2028", "\u2029", "\ufeff"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text
