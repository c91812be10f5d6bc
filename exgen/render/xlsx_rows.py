"""A sheet's data rows: every cell checked and written, every row's height estimated.

:func:`write_cell` is the one way a cell of a spec is written (text always literal, never a
formula; numbers finite). :func:`write_rows` writes a sheet's ``rows`` with it, and takes a short
cut for the cells that need no check beyond their type (plain text, finite numbers, null) when the
sheet is a :class:`~exgen.render.xlsx_fast.FastWorksheet`; :class:`RowHeights` estimates row
heights with each column's share worked out once. Both give the workbook of the long way, byte
for byte (tests/render/test_xlsx_fast.py).
"""

from __future__ import annotations

import math
import typing as t

from exgen.render.xlsx_spec import Spec, kind

MAX_CELL = 32767
Lookup = t.Callable[[t.Any, str], t.Any]


def write_rows(ws: t.Any, rows: list[t.Any], where: str, first: int, pick: list[int] | None,
               heights: RowHeights | None, levels: list[int], fmt: Lookup) -> int:
    """Write ``rows`` from sheet row ``first`` on (only the ``pick`` cells of each, when given),
    with their estimated heights and outline ``levels``: the widest row's number of cells."""
    put = getattr(ws, "put_plain", None)
    width = 0
    for r, row in enumerate(rows):
        if not isinstance(row, list):
            Spec.arr(row, f"{where}.rows[{r}]")
        if pick is not None:
            row = [row[i] if i < len(row) else None for i in pick]
        at = first + r
        c = put(at, row, 0) if put is not None else 0
        while c < len(row):  # the cells the short cut left, one by one
            write_cell(ws, at, c, row[c], f"{where}.rows[{r}][{c}]", fmt)
            c = put(at, row, c + 1) if put is not None else c + 1
        width = max(width, len(row))
        height = heights.of(row, fmt) if heights is not None else None
        level = levels[r] if r < len(levels) else 0
        if height or level:
            ws.set_row(at, height, None, {"level": level} if level else None)
    return width


def write_cell(ws: t.Any, row: int, col: int, cell: t.Any, where: str, fmt: Lookup, default: t.Any = None) -> None:
    """One cell: a string (always literal text), a finite number, null, or {value, format, span}.

    ``span`` merges the cell with the next span-1 cells of its row (a banner or title line).
    """
    cell_format = default
    if isinstance(cell, dict):
        cell = Spec.obj(cell, where, ("value", "format", "span"))
        cell_format = fmt(cell.get("format"), f"{where}.format")
        span = Spec.integer(cell.get("span", 1), f"{where}.span", 1, 16384 - col)
        cell = cell.get("value")
        if span > 1:
            Spec.merge(ws, (row, col, row, col + span - 1), cell_format, f"{where}.span")
    if col > 16383:
        Spec.fail(where, "beyond Excel's 16,384 columns")
    if cell is None:
        if cell_format is not None:
            ws.write_blank(row, col, None, cell_format)
    elif isinstance(cell, str):
        if len(cell) > MAX_CELL:
            cell = cell[: MAX_CELL - 14] + " … (truncated)"
        ws.write_string(row, col, cell, cell_format)
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if not math.isfinite(cell):
            Spec.fail(where, "numbers must be finite")
        ws.write_number(row, col, cell, cell_format)
    else:
        Spec.fail(where, f"a cell is a string, a number, null or {{value, format}}; got {kind(cell)}")


def fit_row(cells: list[t.Any], widths: list[float], col_formats: list[t.Any], fmt: Lookup) -> float | None:
    """A row's height from its wrapped text (an estimate, the same on every machine); None when
    the default height holds it.

    Excel sizes such rows when it draws them, but LibreOffice keeps the default height of an
    XLSX row, which clips wrapped text; an explicit height shows the whole cell in both.
    """
    lines = 1
    size = 11.0
    for c, cell in enumerate(cells):
        cell_format = col_formats[c] if c < len(col_formats) else None
        span = 1
        if isinstance(cell, dict):
            cell_format = fmt(cell.get("format"), "") if cell.get("format") is not None else cell_format
            span = cell.get("span", 1) if isinstance(cell.get("span", 1), int) else 1
            cell = cell.get("value")
        if not isinstance(cell, str) or not cell:
            continue
        if cell_format is not None:
            size = max(size, float(getattr(cell_format, "font_size", 11) or 11))
        if cell_format is not None and getattr(cell_format, "text_wrap", False) and c < len(widths):
            # A column width counts '0' digits; running text averages ~1.15 characters per digit.
            per_line = max(1, int(sum(widths[c:c + max(1, span)]) * 1.15))  # a merged cell: its columns
            count = sum(max(1, math.ceil(len(part) / per_line)) for part in cell.split("\n"))
        else:
            count = cell.count("\n") + 1
        lines = max(lines, count)
    return _height(lines, size)


def _height(lines: int, size: float) -> float | None:
    needed = lines * size * 1.3 + 3
    return min(409.0, round(needed, 1)) if needed > 16 else None


class RowHeights:
    """:func:`fit_row` for the rows of one sheet, each column's font size and characters per line
    worked out once; a row with a ``{value, format}`` cell is measured by :func:`fit_row` itself."""

    def __init__(self, widths: list[float], col_formats: list[t.Any]) -> None:
        self.widths, self.col_formats = widths, col_formats
        #: per column: (font size or None without a format, characters per wrapped line or 0)
        self.columns: list[tuple[float | None, int]] = []
        for c, cell_format in enumerate(col_formats):
            if cell_format is None:
                self.columns.append((None, 0))
                continue
            wraps = getattr(cell_format, "text_wrap", False) and c < len(widths)
            self.columns.append((float(getattr(cell_format, "font_size", 11) or 11),
                                 max(1, int(sum(widths[c:c + 1]) * 1.15)) if wraps else 0))

    def of(self, cells: list[t.Any], fmt: Lookup) -> float | None:
        """The height of a row (as :func:`fit_row`)."""
        lines = 1
        size = 11.0
        columns = self.columns
        known = len(columns)
        for c, cell in enumerate(cells):
            if cell.__class__ is not str:
                if isinstance(cell, dict):
                    return fit_row(cells, self.widths, self.col_formats, fmt)
                continue
            if not cell:
                continue
            font, per_line = columns[c] if c < known else (None, 0)
            if font is not None and font > size:
                size = font
            if per_line:
                if "\n" in cell:
                    count = sum(max(1, math.ceil(len(part) / per_line)) for part in cell.split("\n"))
                else:
                    count = max(1, math.ceil(len(cell) / per_line))
            else:
                count = cell.count("\n") + 1
            if count > lines:
                lines = count
        return _height(lines, size)
