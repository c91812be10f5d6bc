"""Workbook cells → table cells: cached values for formulas, error cells, Excel's 1900 date trap.

Fed the rows of one sheet twice, as openpyxl streams them with the values Excel last computed and
with the formulas, in lockstep. A cell with a problem is left out of the table and reported at its
place; a row past the row limit (or a column or cell count past its limit) stops the reading.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import typing as t

from exgen.core.diagnostics import Diagnostic, error, warning
from exgen.load.sheets import guard
from exgen.load.sheets.table import Cell, Table, Value

#: First day the 1900 date system names unambiguously: serial 60 is Excel's 29 February 1900,
#: a day that never was (kept from Lotus 1-2-3), so serials below 61 shift by one.
FIRST_1900_DATE = dt.date(1900, 3, 1)
#: Day 0 of the 1904 date system (old Mac workbooks): earlier dates are negative serials.
FIRST_1904_DATE = dt.date(1904, 1, 1)
#: Excel's last row: a sheet naming a later one (``<row r="99999999999">``) would make openpyxl
#: yield empty rows up to it for hours.
EXCEL_ROWS = 1_048_576
#: OOXML writes characters XML cannot hold as ``_xHHHH_`` (``_x000D_`` a carriage return; a literal
#: ``_x`` sequence is written with its underscore escaped, ``_x005F_x000D_``); openpyxl leaves them.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


class CellReader:
    """Reads one sheet's rows into a :class:`Table`, collecting the cells' problems."""

    def __init__(self, table: Table, max_rows: int, *, mac_epoch: bool = False) -> None:
        self.table = table
        self.budget = guard.Budget(table, max_rows)
        self.findings = guard.Findings()
        self.first_date = FIRST_1904_DATE if mac_epoch else FIRST_1900_DATE
        self.mac_epoch = mac_epoch
        self.formulas = 0
        self.first_formula: tuple[int, int] | None = None

    def read(self, value_rows: t.Iterable[t.Sequence[t.Any]],
             formula_rows: t.Iterable[t.Sequence[t.Any]] | None) -> bool:
        """Read the rows (openpyxl read-only cells: cached values, and formulas unless the sheets have
        none); False when a limit stopped the reading (the table is then incomplete, not to be used)."""
        pairs: t.Iterable[tuple[t.Sequence[t.Any], t.Sequence[t.Any]]] = (
            zip(value_rows, formula_rows, strict=True) if formula_rows is not None
            else ((values, values) for values in value_rows))  # no formulas: the cached cells say it all
        for position, (values, formulas) in enumerate(pairs, 1):  # openpyxl yields every row, empty ones too
            if position > EXCEL_ROWS:
                self.findings.add(error("sheet-too-large", f"the sheet names rows past Excel's last row "
                                        f"({EXCEL_ROWS:,}); it was not used", self.table.row_location(position)))
                return False
            if values and not self._row(values, formulas):
                return False
        if self.first_formula is not None:
            self.findings.add(warning(
                "sheet-formula", f"{self.formulas:,} formula cell(s) were taken as the values last computed "
                "by the spreadsheet program (formulas are never evaluated); this is the first",
                self.table.location(*self.first_formula)))
        return True

    def diagnostics(self) -> list[Diagnostic]:
        """What was found in the cells read."""
        return self.findings.all()

    def _row(self, values: t.Sequence[t.Any], formulas: t.Sequence[t.Any]) -> bool:
        """Read one row's cells; False when a limit was passed."""
        cells: list[Cell] = []
        for held, formula in zip(values, formulas, strict=True):
            is_formula = formula.data_type == "f"
            if held.value is None and not is_formula:
                continue
            if is_formula and held.value is None and held.data_type == "str":
                continue  # a formula whose last computed value is the empty text
            row, col = held.row, held.column
            stop = self.budget.row(row) or self.budget.cell(row, col)
            if stop is not None:
                self.findings.add(stop)
                return False
            value = self._value(held, is_formula, row, col)
            if value is not None:
                cells.append(Cell(row, col, value))
        if cells:
            self.table.rows.append(cells)
        return True

    def _value(self, held: t.Any, is_formula: bool, row: int, col: int) -> Value:
        """The value the cell gives the table, or None (and a diagnostic) when it gives none."""
        value = held.value
        if is_formula and value is None:
            self.findings.cell("sheet-formula-no-value", "this formula cell has no stored value (formulas are "
                               "never evaluated); open and save the workbook in Excel or LibreOffice so the "
                               "value is stored, or type the value", self.table.location(row, col))
            return None
        if held.data_type == "e":
            self.findings.cell("sheet-error-value", f"the cell shows the error {str(value)[:20]}; correct the cell "
                               "(or its formula) so it holds a value", self.table.location(row, col))
            return None
        if is_formula:
            self.formulas += 1
            if self.first_formula is None:
                self.first_formula = (row, col)
        return self._plain(value, row, col)

    def _plain(self, value: t.Any, row: int, col: int) -> Value:
        """A cached or typed value as the table holds it, or None (and a diagnostic)."""
        if isinstance(value, str):
            text = (_ESCAPED.sub(_unescape, value) if "_x" in value else value).rstrip("\r")
            too_long = self.budget.text(text, row, col)
            if too_long is not None:
                self.findings.add(too_long)
                return None
            return text or None
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                self.findings.cell("sheet-error-value", f"the cell holds {value}, not a number; type the value",
                                   self.table.location(row, col))
                return None
            return value
        if isinstance(value, dt.timedelta):  # a duration format ([h]:mm): the number of days it holds
            return value.total_seconds() / 86400
        if isinstance(value, (dt.datetime, dt.date)):
            return self._date(value, row, col)
        if isinstance(value, dt.time):
            return value
        return str(value)[: guard.MAX_CELL_CHARS]

    def _date(self, value: dt.date, row: int, col: int) -> Value:
        """A date-time, or None (and ``sheet-date-1900``) for a date Excel cannot hold unambiguously."""
        day = value.date() if isinstance(value, dt.datetime) else value
        if day >= self.first_date:
            return value
        if self.mac_epoch:
            why = "before 1 January 1904, which this workbook's 1904 date system cannot hold"
        elif day < dt.date(1900, 1, 1):
            why = "before 1900, which Excel cannot hold as a date"
        else:
            why = ("before 1 March 1900: Excel counts a 29 February 1900 that never was, so dates before it are "
                   "off by one day")
        self.findings.cell("sheet-date-1900", f"the date {day.isoformat()} is {why}; type the date as text "
                           "(for example 2027-05-10 07:30) or correct it", self.table.location(row, col))
        return None
