"""The MEL/MIL workbook printed on A4 landscape: no text under 7 pt, header rows repeated, wrapped
text, and a read-me sheet that says what the workbook really holds."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from exgen.render.xlsx_print import print_scale

openpyxl = pytest.importorskip("openpyxl")

A4_LANDSCAPE_MM = 297.0
#: What openpyxl reads as a column's width is Excel's stored width; Excel draws it 7 px per unit
#: (Calibri 11), at 96 px to the inch.
MM_PER_WIDTH = 7 * 25.4 / 96


def _effective_scale(ws: t.Any) -> float:
    """The scale Excel prints the sheet at: its fixed scale, or the one fitting the page width."""
    setup = ws.page_setup
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
        used = [openpyxl.utils.get_column_letter(c) for c in range(1, ws.max_column + 1)]
        total = sum((ws.column_dimensions[c].width or 8.43) * MM_PER_WIDTH for c in used)
        printable = A4_LANDSCAPE_MM - (ws.page_margins.left + ws.page_margins.right) * 25.4
        return min(1.0, printable / total)
    return float(setup.scale or 100) / 100


def _smallest_font(ws: t.Any) -> float:
    return min(float(cell.font.sz or 11) for row in ws.iter_rows() for cell in row if cell.value is not None)


@pytest.fixture(scope="module")
def workbook(flagship_package: Path) -> t.Any:
    return openpyxl.load_workbook(flagship_package / "msel" / "msel.xlsx")


def test_no_sheet_prints_text_under_7pt_on_a4_landscape(workbook: t.Any) -> None:
    for ws in workbook.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape", ws.title
        printed = _smallest_font(ws) * _effective_scale(ws)
        assert printed >= 7.0, (ws.title, round(printed, 2))


def test_inject_sheets_repeat_the_header_and_wrap_long_text(workbook: t.Any) -> None:
    for ws in workbook.worksheets[1:]:
        assert ws.print_title_rows == "$1:$1", ws.title
        headers = [c.value for c in ws[1]]
        for name in ("Title", "Description", "Expected action"):
            column = openpyxl.utils.get_column_letter(headers.index(name) + 1)
            assert ws[f"{column}2"].alignment.wrap_text, (ws.title, name)
    every = workbook["All injects"]
    # Too wide to fit legibly: a fixed scale, pages across, Serial and Inject id on each of them.
    assert not every.sheet_properties.pageSetUpPr.fitToPage and every.print_title_cols == "$A:$B"
    # Each strip of columns between the page breaks fits the page at that scale (Serial and
    # Inject id printed again on the following ones), measured as Excel draws widths.
    breaks = [b.id for b in every.col_breaks.brk]
    assert breaks
    printable = A4_LANDSCAPE_MM - (every.page_margins.left + every.page_margins.right) * 25.4
    widths = [(every.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43) * MM_PER_WIDTH
              for c in range(1, every.max_column + 1)]
    scale = every.page_setup.scale / 100
    assert sum(widths[:breaks[0]]) * scale <= printable
    for start, end in zip(breaks, [*breaks[1:], len(widths)], strict=True):
        assert (sum(widths[:2]) + sum(widths[start:end])) * scale <= printable
    days = list(workbook.worksheets[2:])
    assert days and all(ws.sheet_properties.pageSetUpPr.fitToPage for ws in days)
    assert all(ws.max_column < every.max_column for ws in days)  # fewer columns on the print layout


def test_read_me_lists_the_sheets_and_columns_the_workbook_has(workbook: t.Any) -> None:
    rows = {r[0]: r[1] for r in workbook["Read me"].iter_rows(values_only=True) if r[0]}
    for ws in workbook.worksheets[1:]:
        assert ws.title in rows, ws.title
        headers = [c.value for c in ws[1]]
        assert rows[ws.title].rstrip(".").endswith(", ".join(headers)), ws.title
    printing = rows["Printing"]
    every = workbook["All injects"]
    assert "7 pt" in printing and "70 %" in printing and every.page_setup.scale == 70
    across = "two pages across" if len(every.col_breaks.brk) == 1 else "as many pages as its columns take"
    assert across in printing
    assert "fitted to the page width" in printing


def test_print_scale_refuses_to_fit_below_the_minimum() -> None:
    wide = print_scale([60.0] * 6, 10, True, 7)
    assert not wide.fit and wide.percent == 70
    narrow = print_scale([6.5, 10.5, 15, 17, 9, 24, 44, 32, 14, 10], 10, True, 7)  # a day sheet's
    assert narrow.fit and narrow.scale * 10 >= 7
