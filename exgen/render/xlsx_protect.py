"""Workbook specs for forms people fill in: drop-down validations, protected sheets, hidden sheets.

Used by :mod:`exgen.render.xlsx` for a spec's ``validations``, ``protect`` and ``hidden`` keys and
its top-level ``protect_structure``. A sheet that is protected keeps every cell locked but those
whose format says ``"locked": false`` (the input cells); the workbook's structure lock keeps
sheets from being added, removed, renamed, moved or shown, so a filled form can be read back by
the places it was made with.
"""

from __future__ import annotations

import typing as t

from exgen.render.convert import ConvertError

#: What a protected sheet still lets its user do (XlsxWriter's names); the rest is refused.
PROTECT_OPTIONS = ("format_cells", "format_columns", "format_rows", "select_locked_cells",
                   "select_unlocked_cells", "sort", "autofilter")
VALIDATION_KEYS = ("column", "range", "list", "title", "message")


def _fail(where: str, message: str) -> t.NoReturn:
    raise ConvertError(f"xlsx spec {where}: {message}")


def _integer(value: t.Any, where: str, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= hi:
        _fail(where, f"expected an integer 0–{hi}, got {value!r}")
    return value


def _text(value: t.Any, where: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        _fail(where, f"expected a string of at most {limit} characters")
    return value


def add_validations(ws: t.Any, raw: t.Any, where: str, first: int, last_row: int) -> None:
    """Drop-down lists: ``{"column": 3, "list": [...]}`` over the data rows of a column, or
    ``{"range": [first_row, first_col, last_row, last_col], "list": [...]}`` over a block (0-based);
    ``title`` and ``message`` are what Excel says when a value off the list is typed.
    """
    if not isinstance(raw, list):
        _fail(where, "expected an array")
    for v, val in enumerate(raw):
        vw = f"{where}[{v}]"
        if not isinstance(val, dict) or set(val) - set(VALIDATION_KEYS) or ("column" in val) == ("range" in val):
            _fail(vw, f"expected an object with column or range, and list (keys: {', '.join(VALIDATION_KEYS)})")
        choices = val.get("list")
        if (not isinstance(choices, list) or not choices or not all(isinstance(x, str) and x for x in choices)
                or sum(len(x) + 1 for x in choices) > 255 or any("," in x for x in choices)):
            _fail(f"{vw}.list", "1+ choices without commas, 255 characters in all")
        if "range" in val:
            box = val["range"]
            if not isinstance(box, list) or len(box) != 4:
                _fail(f"{vw}.range", "expected [first_row, first_col, last_row, last_col]")
            r1, c1, r2, c2 = (_integer(x, f"{vw}.range[{i}]", 16383 if i % 2 else 1_048_575) for i, x in enumerate(box))
            if r1 > r2 or c1 > c2:
                _fail(f"{vw}.range", "the first cell must be above and left of the last")
        else:
            c1 = c2 = _integer(val["column"], f"{vw}.column", 16383)
            if last_row < first:
                continue
            r1, r2 = first, last_row
        options: dict[str, t.Any] = {"validate": "list", "source": list(choices), "error_type": "stop"}
        if "title" in val:
            options["error_title"] = _text(val["title"], f"{vw}.title", 32)
        if "message" in val:
            options["error_message"] = _text(val["message"], f"{vw}.message", 255)
        ws.data_validation(r1, c1, r2, c2, options)


def protect_sheet(ws: t.Any, sheet: dict[str, t.Any], where: str) -> None:
    """``"protect": true`` or ``{option: bool}`` (see :data:`PROTECT_OPTIONS`) locks the sheet without a
    password; ``"hidden": "hidden" | "very_hidden"`` hides it (very hidden: only code can show it)."""
    protect = sheet.get("protect", False)
    if protect is not False:
        if protect is True:
            protect = {}
        if not isinstance(protect, dict) or any(k not in PROTECT_OPTIONS or not isinstance(v, bool)
                                                for k, v in protect.items()):
            _fail(f"{where}.protect", f"expected true or an object of booleans ({', '.join(PROTECT_OPTIONS)})")
        ws.protect("", dict(protect))
    hidden = sheet.get("hidden")
    if hidden == "hidden":
        ws.hide()
    elif hidden == "very_hidden":
        ws.very_hidden()
    elif hidden is not None:
        _fail(f"{where}.hidden", 'expected "hidden" or "very_hidden"')


def structure_locked(workbook_class: type) -> type:
    """A subclass of XlsxWriter's Workbook whose structure is locked (no password): sheets cannot be
    added, deleted, renamed, moved, hidden or shown."""

    class Locked(workbook_class):  # type: ignore[misc]
        def _write_book_views(self) -> None:  # workbookProtection comes right before bookViews
            self._xml_empty_tag("workbookProtection", [("lockStructure", 1)])
            super()._write_book_views()

    return Locked
