"""The spreadsheet of ``exgen import``, read faster where it can be: :func:`read_table` answers what
:func:`exgen.load.sheets.read_table` answers.

It is that reader, given :func:`fast_rows` for the chosen worksheet of a workbook without
formulas: the file, the zip container (its parts' sizes and DTDs, other formats, macros), the
workbook, its styles and shared strings and the choice of sheet stay openpyxl's, only the rows are
parsed by :mod:`exgen.ingest.sheet_cells`. When the worksheet turns out not to be in the shape read
there, :class:`Unsupported` is raised, maybe after some rows were given to ``rows``: the caller
starts again with the plain reader.
"""

from __future__ import annotations

import typing as t

from exgen.core.diagnostics import Diagnostic
from exgen.ingest.sheet_cells import Unsupported, worksheet_rows
from exgen.load.sheets import read_table as plain_read_table
from exgen.load.sheets.table import RowsFactory, Table

__all__ = ["Unsupported", "fast_rows", "read_table"]

#: What openpyxl's read-only worksheet must have for its rows to be read here.
_NEEDED = ("_get_source", "_shared_strings")


def read_table(path: str, *, sheet: str | None = None, allow_macros: bool = False, max_rows: int = 200_000,
               encoding: str | None = None, rows: RowsFactory | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """What :func:`exgen.load.sheets.read_table` gives for these arguments (see the module)."""
    return plain_read_table(path, sheet=sheet, allow_macros=allow_macros, max_rows=max_rows, encoding=encoding,
                            rows=rows, fast=fast_rows)


def fast_rows(book: t.Any, worksheet: t.Any) -> t.Iterator[t.Sequence[t.Any]]:
    """The worksheet's rows parsed with expat (a :data:`~exgen.load.sheets.xlsx.FastRows`);
    :class:`Unsupported` for one this does not read, or when openpyxl lacks what it needs."""
    if not all(hasattr(worksheet, name) for name in _NEEDED) or not hasattr(book, "_date_formats"):
        raise Unsupported("this openpyxl's read-only worksheet")
    try:
        with worksheet._get_source() as source:
            yield from worksheet_rows(source, worksheet._shared_strings, epoch=book.epoch,
                                      dates=book._date_formats, durations=book._timedelta_formats)
    except Unsupported:
        raise
    except Exception as problem:  # a value or a part openpyxl's reader would take otherwise, or refuse
        raise Unsupported(str(problem)) from problem


