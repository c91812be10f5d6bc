"""Rules on ids that become file names (``injects/{id}.html``, ``symbols/{id}.svg``...): names
every file system a package is copied to can hold.

Windows reserves the device names CON, PRN, AUX, NUL, COM0-COM9 and LPT0-LPT9, in any case and
with any extension (``con.html`` opens the console), so a package holding one cannot be
unpacked or opened there. Ids that differ only in case (``INJ-1``, ``inj-1``) name the same file
on Windows and macOS; :func:`file_name_key` is what ``duplicate-id`` compares for these kinds.
"""

from __future__ import annotations

import re
import typing as t

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx

#: The kinds whose ids outputs.yaml can put in a file name (its ``per:`` kinds), named for messages.
FILE_NAME_KINDS = {"injects": "inject", "units": "unit", "role_players": "role player", "objectives": "objective",
                   "pace": "PACE plan", "nets": "net", "evaluators": "evaluator"}
#: Windows device names: the part of a file name before its first dot, in any case.
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?", re.IGNORECASE)


def file_name_key(kind: str, ident: str) -> str:
    """What two ids of ``kind`` must differ in: their case-folded form when they name files.

    >>> file_name_key("injects", "Inj-1"), file_name_key("systems", "Sys-1")
    ('inj-1', 'Sys-1')
    """
    return ident.lower() if kind in FILE_NAME_KINDS else ident


def reserved(ident: str) -> bool:
    """True when ``ident`` is a Windows device name, with or without an extension.

    >>> [reserved(x) for x in ("CON", "nul.txt", "Com1", "LPT9.a.b", "CONSOLE", "COM10", "ICON")]
    [True, True, True, True, False, False, False]
    """
    return _RESERVED.fullmatch(ident) is not None


def check_reserved_names(ctx: Ctx) -> None:
    """reserved-id: ids that become file names are not Windows device names."""
    for kind, noun in FILE_NAME_KINDS.items():
        for item in getattr(ctx.model, kind):
            if reserved(item.id):
                base = item.id.split(".", 1)[0].upper()
                msg = (f"{noun} id '{item.id}' is the Windows device name {base}: a package file named after it "
                       "cannot be written or opened on Windows; choose another id")
                ctx.add("reserved-id", f"{item.pointer}/id", msg)


CHECKS = (check_reserved_names,)
