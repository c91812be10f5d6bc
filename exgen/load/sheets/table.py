"""A spreadsheet as read: the cells of one sheet, each with the place it came from.

The readers (:mod:`.xlsx`, :mod:`.delimited`) produce a :class:`Table`; the import stage
(:mod:`exgen.ingest`) maps its columns to definition fields. Values stay what the file holds:
text, numbers, booleans and date-times (never a formula: a formula cell gives its cached value).
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from exgen.core.sources import Location

#: What a cell may hold once read.
Value = str | int | float | bool | dt.datetime | dt.date | dt.time | None


def column_letters(col: int) -> str:
    """Excel's letters for a 1-based column number.

    >>> column_letters(1), column_letters(26), column_letters(27), column_letters(703)
    ('A', 'Z', 'AA', 'AAA')
    """
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_ref(sheet: str | None, row: int, col: int) -> str:
    """``Injects!E14`` (``'My sheet'!E14`` when the name needs quotes), or ``E14`` without a sheet.

    >>> cell_ref("Injects", 14, 5), cell_ref("All injects", 2, 1), cell_ref(None, 3, 2)
    ('Injects!E14', "'All injects'!A2", 'B3')
    """
    ref = f"{column_letters(col)}{row}"
    if sheet is None:
        return ref
    plain = sheet.replace("_", "").replace(".", "").isalnum()
    name = sheet if plain else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{ref}"


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty cell: its 1-based row and column and its value."""

    row: int
    col: int
    value: Value


#: Makes the list a table's rows go to, given the file and the sheet: see :meth:`Table.new`.
RowsFactory = t.Callable[[str, "str | None"], "list[list[Cell]]"]


@dataclass
class Table:
    """The cells of one sheet, row by row (rows without any value are left out)."""

    file: str  #: the file as the user named it
    sheet: str | None  #: the sheet's name; None for a CSV file
    rows: list[list[Cell]] = field(default_factory=list)  #: each row's non-empty cells, in column order

    @classmethod
    def new(cls, file: str, sheet: str | None, rows: RowsFactory | None = None) -> Table:
        """An empty table; ``rows`` makes the list its rows are appended to (a caller streaming the rows
        elsewhere as they are read passes its own)."""
        return cls(file, sheet, rows(file, sheet) if rows is not None else [])

    def location(self, row: int, col: int) -> Location:
        """Where a cell is, for diagnostics: ``msel.xlsx:Injects!E14``."""
        return Location(self.file, row, col, cell_ref(self.sheet, row, col))

    def row_location(self, row: int) -> Location:
        """Where a row is (its first column)."""
        return self.location(row, 1)
