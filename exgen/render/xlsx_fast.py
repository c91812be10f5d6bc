"""A faster XlsxWriter workbook for large sheets of plain cells: the same bytes, less Python per cell.

XlsxWriter spends most of a 10,000-row MEL/MIL in its per-cell code: the public ``write_string``
(A1-notation decorator, bounds check, then the table), and at ``close()`` one XML element built
from a list of attributes, each searched for characters to escape. The classes here do the same
work in fewer steps:

* :meth:`FastWorksheet.put_plain` stores a row's plain cells (text of at most 16,383 characters,
  finite numbers, null) in one pass, exactly as ``write_string``/``write_number`` without a format
  would, and stops at the first other cell for the caller to write the long way;
* ``_write_rows``/``_calculate_spans`` write the ``<sheetData>`` of string, number and blank cells
  with one string per cell, asking each format for its index at the point XlsxWriter would (the
  index of a format is given when it is first written), and leave any other cell to XlsxWriter;
* ``sharedStrings.xml`` is written a string at a time, each string XlsxWriter would change
  (escapes, spaces kept) left to XlsxWriter.

It mirrors XlsxWriter's internals of version :data:`MIRRORED` (pinned in pyproject.toml); with any
other version, or with :data:`ENABLED` off, :func:`fast_workbook` leaves the workbook class as it
is and the workbook is written the long way. tests/render/test_xlsx_fast.py holds the two to the
same bytes.
"""

from __future__ import annotations

import math
import re
import typing as t

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple, Worksheet

#: The XlsxWriter version whose internals this module mirrors.
MIRRORED = "3.3.1"
#: Whether :func:`fast_workbook` makes a workbook fast (tests switch it off to compare).
ENABLED = xlsxwriter.__version__ == MIRRORED
#: Longest text :meth:`FastWorksheet.put_plain` stores itself: XlsxWriter measures longer text in
#: UTF-16 units (and may cut it), so that is left to ``write_string``.
PLAIN_TEXT = 32767 // 2


#: What makes XlsxWriter change a shared string on its way into the XML: a control character, a
#: literal ``_xHHHH_``, a non-character, ``&<>`` (and so a rich string), leading or trailing space.
_REWRITTEN = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")


def fast_workbook(book_class: type) -> type:
    """``book_class`` (XlsxWriter's Workbook or a subclass) with fast sheets and shared strings;
    ``book_class`` itself when this XlsxWriter is not the one mirrored."""
    if not ENABLED:
        return book_class

    class FastBook(book_class):  # type: ignore[misc]
        worksheet_class = FastWorksheet

        def _get_packager(self) -> Packager:
            return _FastPackager()

    return FastBook


class _FastPackager(Packager):  # type: ignore[misc]
    """XlsxWriter's packager writing ``sharedStrings.xml`` with :class:`_FastSharedStrings`."""

    def _write_shared_strings_file(self) -> None:
        sst = _FastSharedStrings()
        sst.string_table = self.workbook.str_table
        if not self.workbook.str_table.count:
            return
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class _FastSharedStrings(SharedStrings):  # type: ignore[misc]
    """The shared strings, each string that XlsxWriter would write as it is written in one step."""

    def _write_sst_strings(self) -> None:
        write, rewritten, long_way = self.fh.write, _REWRITTEN.search, self._write_si
        for string in self.string_table.string_array:
            if rewritten(string):
                long_way(string)
            else:
                write(f"<si><t>{string}</t></si>")


class FastWorksheet(Worksheet):  # type: ignore[misc]
    """XlsxWriter's worksheet with a one-pass row store and ``<sheetData>`` writer (same bytes)."""

    #: XlsxWriter's bounds of the cells written so far (None before the first).
    dim_rowmin: t.Any
    dim_rowmax: t.Any
    dim_colmin: t.Any
    dim_colmax: t.Any

    def put_plain(self, row: int, cells: list[t.Any], start: int) -> int:
        """Store ``cells[start:]`` in ``row`` up to the first cell that is not plain text, a finite
        number or null (or lies beyond column 16,384): that cell's index (``len(cells)`` when all were)."""
        end: int = min(len(cells), self.xls_colmax)
        if self.constant_memory or not 0 <= row < self.xls_rowmax or start >= end:
            return start
        line: dict[int, t.Any] | None = self.table.get(row)
        stored: dict[int, t.Any] = {} if line is None else line
        shared = self.str_table  # its _get_shared_string_index, inline
        strings = shared.string_table
        unique = shared.unique_count
        make = tuple.__new__  # what the cell tuples' own constructors do
        lo = hi = -1
        texts = 0
        c = end
        for at in range(start, end):
            cell = cells[at]
            kind = cell.__class__
            if kind is str and len(cell) <= PLAIN_TEXT:
                index = strings.get(cell)
                if index is None:
                    index = strings[cell] = unique
                    unique += 1
                texts += 1
                stored[at] = make(CellStringTuple, (index, None))
            elif (kind is int or kind is float) and math.isfinite(cell):  # raises as the long way does
                stored[at] = make(CellNumberTuple, (cell, None))
            elif cell is None:
                continue
            else:
                c = at
                break
            if lo < 0:
                lo = at
            hi = at
        shared.unique_count = unique
        shared.count += texts
        if lo >= 0:  # what _check_dimensions records, once for the row
            if line is None:
                self.table[row] = stored
            if self.dim_rowmin is None or row < self.dim_rowmin:
                self.dim_rowmin = row
            if self.dim_rowmax is None or row > self.dim_rowmax:
                self.dim_rowmax = row
            if self.dim_colmin is None or lo < self.dim_colmin:
                self.dim_colmin = lo
            if self.dim_colmax is None or hi > self.dim_colmax:
                self.dim_colmax = hi
        return c

    def _calculate_spans(self) -> None:
        """XlsxWriter's row spans (first:last column of each block of 16 rows), in one pass."""
        if self.comments or self.dim_rowmin is None:
            super()._calculate_spans()
            return
        spans: dict[int, str] = {}
        lo, hi, last = self.dim_colmin, self.dim_colmax, self.dim_rowmax
        first: int | None = None
        end = 0
        for row_num in range(self.dim_rowmin, last + 1):
            line = self.table.get(row_num)
            if line:
                cols = [c for c in line if lo <= c <= hi]
                if cols:
                    least, most = min(cols), max(cols)
                    if first is None:
                        first, end = least, most
                    else:
                        first, end = min(first, least), max(end, most)
            if ((row_num + 1) % 16 == 0 or row_num == last) and first is not None:
                spans[row_num // 16] = f"{first + 1}:{end + 1}"
                first = None
        self.row_spans = spans

    def _write_rows(self) -> None:
        """The cells of ``<sheetData>``: string, number and blank cells written here, others by XlsxWriter."""
        if self.comments or self.constant_memory:
            super()._write_rows()
            return
        self._calculate_spans()
        write = self.fh.write
        table, row_info, col_info = self.table, self.row_info, self.col_info
        lo, hi = self.dim_colmin, self.dim_colmax
        names: dict[int, str] = {}
        styles: dict[int, str] = {}  # id of a Format → ' s="N"', once it has been asked for its index
        kept: list[t.Any] = []  # the formats of ``styles``, so their ids stay theirs
        plain: dict[int, str] = {}  # column → the style of its cells without a format of their own

        def style(cell_format: t.Any) -> str:
            found = styles.get(id(cell_format))
            if found is None:
                found = styles[id(cell_format)] = f' s="{cell_format._get_xf_index()}"'
                kept.append(cell_format)
            return found

        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            info = row_info.get(row_num)
            line = table[row_num]  # XlsxWriter's own lookup, which adds the empty row
            if not line and info is None:
                continue
            span = self.row_spans.get(row_num // 16)
            if not line:
                self._write_empty_row(row_num, span, info)
                continue
            self._write_row(row_num, span, info)
            number = str(row_num + 1)
            row_format = info.row_format if info is not None else None
            for col in sorted(line):
                if col < lo or col > hi:
                    continue
                cell = line[col]
                kind = cell.__class__
                if kind is not CellStringTuple and kind is not CellNumberTuple and kind is not CellBlankTuple:
                    self._write_cell(row_num, col, cell)
                    continue
                name = names.get(col)
                if name is None:
                    name = names[col] = xl_col_to_name(col)
                if cell.format:
                    s = style(cell.format)
                elif row_format:
                    s = style(row_format)
                elif col in plain:
                    s = plain[col]
                else:
                    own = col_info[col].column_format if col in col_info else None
                    s = plain[col] = "" if own is None else style(own)
                if kind is CellStringTuple:
                    write(f'<c r="{name}{number}"{s} t="s"><v>{cell.string}</v></c>')
                elif kind is CellNumberTuple:
                    write(f'<c r="{name}{number}"{s}><v>{cell.number:.16G}</v></c>')
                else:
                    write(f'<c r="{name}{number}"{s}/>')
            write("</row>")
