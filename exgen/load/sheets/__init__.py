"""Spreadsheet readers for ``exgen import``: an XLSX workbook or a CSV file → a :class:`Table`.

Every cell keeps its place (``Injects!E14``). Hostile files are refused before they are parsed:
zip bombs, macros (unless allowed; never run), oversized sheets; formulas are never evaluated.
:func:`read_table` is the entry point: it chooses the reader by the file's content.
"""

from exgen.load.sheets.read import read_table
from exgen.load.sheets.table import Cell, RowsFactory, Table, cell_ref, column_letters

__all__ = ["Cell", "RowsFactory", "Table", "cell_ref", "column_letters", "read_table"]
