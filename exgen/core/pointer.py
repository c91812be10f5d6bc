"""JSON pointers (RFC 6901): how every finding names the element it is about.

>>> join(["units", 0, "a/b"])
'/units/0/a~1b'
>>> tokens("/units/0/a~1b")
['units', '0', 'a/b']
"""

from __future__ import annotations

import typing as t


def escape(token: object) -> str:
    """One reference token, escaped.

    >>> escape("a~b/c")
    'a~0b~1c'
    """
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """One reference token, unescaped (``~1`` before ``~0``, as RFC 6901 says).

    >>> unescape("a~01")
    'a~1'
    """
    return token.replace("~1", "/").replace("~0", "~")


def join(path: t.Iterable[str | int]) -> str:
    """The pointer of a path of keys and indices; the empty path is the whole document."""
    return "".join("/" + escape(p) for p in path)


def tokens(pointer: str) -> list[str]:
    """The unescaped reference tokens of a pointer; ``""`` (and a malformed pointer) has none."""
    if not pointer.startswith("/"):
        return []
    return [unescape(part) for part in pointer[1:].split("/")]
