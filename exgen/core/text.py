"""Printing user text safely: control characters shown as escapes, never sent to a terminal or CI log.

A definition, a file name or a template name is user text. Printed raw, an ``ESC [`` (CSI) or
``ESC ]`` (OSC) sequence in it would recolour, retitle or rewrite the user's terminal, a newline
would forge another diagnostic line, and a bidirectional override would make a line read
differently from what it holds. Every CLI print and every report format goes through
:func:`printable` (text) or :func:`json_text` (JSON documents).
"""

from __future__ import annotations

import json
import re
import typing as t

#: C0 controls, DEL, C1 controls (U+0080–U+009F, U+009B is a one-byte CSI), the Unicode line and
#: paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
_UNSAFE = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
#: What :func:`json.dumps` leaves raw with ``ensure_ascii=False`` (it escapes U+0000–U+001F itself).
_JSON_RAW_RE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: What a definition's text may not hold (:mod:`exgen.check.scalars`): C0 controls but tab, LF and CR;
#: DEL and the C1 controls; surrogates; the non-characters U+FFFE/U+FFFF.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The ASCII characters text may hold (printable ASCII, tab, LF and CR): what is left is refused.
_ALLOWED_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def printable(text: str) -> str:
    r"""``text`` on one line, every control character written as a visible escape.

    >>> print(printable("a\x1b[31mb\nc\u202ed"))
    a\x1b[31mb\nc\u202ed
    """
    return _UNSAFE_RE.sub(_escape, text)


def printable_lines(text: str) -> str:
    r"""A multi-line text with its line breaks kept and every other control character escaped.

    >>> print(printable_lines("one\x07\ntwo"))
    one\x07
    two
    """
    return "\n".join(printable(line) for line in text.split("\n"))


def json_text(doc: t.Any, indent: int | None = 2) -> str:
    """``doc`` as JSON text (UTF-8 kept readable) in which no control character appears raw.

    :func:`json.dumps` escapes U+0000–U+001F even with ``ensure_ascii=False`` but leaves DEL, the C1
    controls and the bidirectional controls raw; they are written as ``\\uXXXX`` escapes here, which
    is the same JSON value.
    """
    dumped = json.dumps(doc, indent=indent, ensure_ascii=False)
    return _JSON_RAW_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def holds_refused(text: str) -> bool:
    r"""Whether ``text`` holds a character of :data:`REFUSED` (ASCII text is checked byte-wise, at once).

    >>> holds_refused("a\tb\nc"), holds_refused("a\x1bb"), holds_refused("café\u0085")
    (False, True, True)
    """
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ALLOWED_ASCII))
    return REFUSED.search(text) is not None
