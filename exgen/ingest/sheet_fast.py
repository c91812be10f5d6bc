"""The spreadsheet of ``exgen import``, read faster where it can be: :func:`read_table` answers what
:func:`exgen.load.sheets.read_table` answers.

An XLSX workbook is checked exactly as there (the file, the zip container, its parts' sizes and
DTDs, other formats, macros) and opened with openpyxl (workbook, styles, shared strings), but the
chosen worksheet's rows are parsed by :mod:`exgen.ingest.sheet_cells` and handed to the same cell
reader. A workbook with formulas (read twice, in lockstep, by openpyxl), one openpyxl cannot open
and any other file go to :func:`exgen.load.sheets.read_table` itself. When the worksheet turns out
not to be in the shape read fast, :class:`~exgen.ingest.sheet_cells.Unsupported` is raised, maybe
after some rows were given to ``rows``: the caller starts again with the plain reader.
"""

from __future__ import annotations

import contextlib
import io
import warnings
import zipfile

from exgen.core.diagnostics import Diagnostic
from exgen.ingest.sheet_cells import Unsupported, worksheet_rows
from exgen.load.sheets import guard
from exgen.load.sheets import read_table as plain_read_table
from exgen.load.sheets.cells import CellReader
from exgen.load.sheets.read import read_raw
from exgen.load.sheets.table import RowsFactory, Table
from exgen.load.sheets.xlsx import choose_sheet, container_findings

__all__ = ["Unsupported", "read_table"]

_ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")
_NEEDED = ("_get_source", "_shared_strings")


def read_table(path: str, *, sheet: str | None = None, allow_macros: bool = False, max_rows: int = 200_000,
               encoding: str | None = None, rows: RowsFactory | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """What :func:`exgen.load.sheets.read_table` gives for these arguments (see the module)."""
    raw = read_raw(path)
    if isinstance(raw, Diagnostic) or not raw.startswith(_ZIP_HEADS):
        return plain_read_table(path, sheet=sheet, allow_macros=allow_macros, max_rows=max_rows,
                                encoding=encoding, rows=rows)
    answer = _read_xlsx(raw, path, sheet, allow_macros, max_rows, rows)
    if answer is None:
        return plain_read_table(path, sheet=sheet, allow_macros=allow_macros, max_rows=max_rows,
                                encoding=encoding, rows=rows)
    return answer


def _read_xlsx(raw: bytes, display: str, wanted: str | None, allow_macros: bool, max_rows: int,
               rows: RowsFactory | None) -> tuple[Table | None, list[Diagnostic]] | None:
    """The workbook's chosen sheet, or None when the plain reader is to read it (before any row)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except Exception:
        return None
    with archive:
        refused, has_formulas = guard.check_zip(archive, display)
        if refused is not None or has_formulas:
            return None
        found = container_findings(archive.namelist(), display, allow_macros)
    if any(d.is_error for d in found):
        return None
    with warnings.catch_warnings(), contextlib.ExitStack() as books:
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops
        try:
            import openpyxl  # type: ignore[import-untyped]
            from openpyxl.utils.datetime import WINDOWS_EPOCH  # type: ignore[import-untyped]

            book = books.enter_context(contextlib.closing(openpyxl.load_workbook(
                io.BytesIO(raw), read_only=True, keep_vba=False, data_only=True, keep_links=False,
                rich_text=False)))
            sheets = [(ws.title, ws.sheet_state) for ws in book.worksheets]
        except Exception:  # openpyxl's own answer comes from the plain reader
            return None
        index, chosen = choose_sheet(sheets, wanted, display)
        found = found + chosen
        if index is None:
            return None, found
        worksheet = book.worksheets[index]
        if not all(hasattr(worksheet, name) for name in _NEEDED) or not hasattr(book, "_date_formats"):
            return None
        table = Table.new(display, worksheet.title, rows)
        reader = CellReader(table, max_rows, mac_epoch=book.epoch != WINDOWS_EPOCH)
        try:
            with worksheet._get_source() as source:
                cells = worksheet_rows(source, worksheet._shared_strings, epoch=book.epoch,
                                       dates=book._date_formats, durations=book._timedelta_formats)
                complete = reader.read(cells, None)
        except Unsupported:
            raise
        except Exception as problem:
            raise Unsupported(str(problem)) from problem
    if not complete:  # a limit stopped the reading before the whole sheet was checked: the plain reader says
        raise Unsupported("stopped by a limit")
    return table, found + reader.diagnostics()
