"""A sheet's rows → imported injects: each row's cells read as the fields its columns fill, every value located.

Rows below the header row are read; a section title (a row with one cell, such as "DAY 2 — 11 MAY")
is skipped. Each value keeps the cell it came from, so a later validation error about it is
reported at that cell. Which inject a row updates, and which of exgen's two time columns changed,
the caller decides.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
from dataclasses import dataclass

from exgen.core.diagnostics import Diagnostic, Location, error
from exgen.ingest.headers import Column, ColumnPlan
from exgen.ingest.mapping import IGNORE, Mapping
from exgen.ingest.times import UTC, Clock, Part, Unreadable, combine, read_date, read_time
from exgen.ingest.values import LIST_FIELDS, REFERENCE_FIELDS, convert, mapped, text_of
from exgen.load.sheets.table import Cell, Table, cell_ref

#: A title made from a description is at most this long.
MAX_TITLE = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
#: Fields whose cells are read once per distinct text of a column (their values repeat), at most
#: :data:`MAX_REMEMBERED` texts in all.
_REMEMBERED = REFERENCE_FIELDS | LIST_FIELDS | {"method", "threat.kind"}
MAX_REMEMBERED = 20_000
_UNSEEN = object()


@dataclass(frozen=True)
class Imported:
    """One row of the sheet as inject field values, each with the cell it came from."""

    row: int
    location: Location  #: the row (its first cell)
    #: field → candidates (value, cell); exgen's own MEL gives two for time (DTG and D-time).
    values: dict[str, list[tuple[t.Any, Location]]]
    #: fields with a column whose cell is empty in this row (and no default)
    empty: dict[str, Location]


def read_rows(table: Table, plan: ColumnPlan, mapping: Mapping | None, *, startex: dt.datetime | None,
              known: t.Mapping[str, str]) -> tuple[list[Imported], list[Diagnostic]]:
    """Every inject row below the header row, and the problems found reading its times.

    ``startex`` reads D+N times (else the mapping's ``startex``); ``known`` turns names and ids,
    casefolded, into ids (units, role players, cells, controllers, objectives of the definition).
    """
    reader = RowReader(table, plan, mapping, startex, known)
    rows = [imported for cells in table.rows if cells[0].row > plan.header_row
            if (imported := reader.row(cells)) is not None]
    return rows, reader.found


class RowReader:
    """Reads the rows of one plan, one at a time (:meth:`row`); what it finds collects in ``found``.

    ``table`` names the file and the sheet (its rows are not read: a caller streaming the rows
    hands them to :meth:`row` as they come)."""

    def __init__(self, table: Table, plan: ColumnPlan, mapping: Mapping | None, startex: dt.datetime | None,
                 known: t.Mapping[str, str]) -> None:
        self.table, self.plan, self.mapping, self.known = table, plan, mapping, known
        zone = UTC if plan.layout == "exgen" or mapping is None else mapping.timezone
        self.clock = Clock(zone, startex or (mapping.startex if mapping else None),
                           mapping.date_order if mapping else None)
        self.first_col = min(plan.columns, default=1)
        self.times = [c for c in plan.columns.values() if c.field == "time"]
        self.date = next((c for c in plan.columns.values() if c.field == "date"), None)
        fields = {c.field for c in plan.columns.values()}
        self.title_from_description = "title" not in fields and "description" in fields
        self.found: list[Diagnostic] = []
        self.startex_reported = False
        self.prefix = cell_ref(table.sheet, 1, 1)[:-2]  # "'All injects'!" ("" for a CSV file)
        self.letters: dict[int, str] = {}
        self.maps: dict[int, tuple[t.Mapping[str, str], ...]] = {}
        self.read: dict[tuple[int, str], t.Any] = {}  #: (column, cell text) → value, see :meth:`_value`
        # exgen's "By main event" sheet has heading rows with a main event's or incident's id as Serial
        self.serial = next((c.col for c in plan.columns.values() if c.header == "Serial"), None) \
            if plan.layout == "exgen" else None

    def row(self, cells: list[Cell]) -> Imported | None:
        """One row, or None for a row that holds no inject (a section title, only ignored cells)."""
        filled = {c.col: c.value for c in cells if not _blank(c.value)}
        used = [col for col in filled if col in self.plan.columns and self.plan.columns[col].field != IGNORE]
        if not used or self._section_title(filled) or self._heading(filled):
            return None
        number = cells[0].row
        values: dict[str, list[tuple[t.Any, Location]]] = {}
        empty: dict[str, Location] = {}
        for column in self.plan.columns.values():
            if column.field in (IGNORE, "time", "date"):
                continue
            where = self._at(number, column.col)
            value = self._value(column, filled.get(column.col))
            if value is None:
                empty.setdefault(column.field, where)
            else:
                values.setdefault(column.field, []).append((value, where))
        self._time(number, filled, values, empty)
        self._defaults(values, empty)
        if self.title_from_description and "title" not in values and "description" in values:
            text, where = values["description"][0]
            values["title"] = [(first_sentence(str(text)), where)]
            empty.pop("title", None)
        return Imported(number, self._at(number, 1), values, empty)

    def _at(self, row: int, col: int) -> Location:
        """Where a cell is: as :meth:`Table.location` says, with the sheet and column parts made once."""
        letters = self.letters.get(col)
        if letters is None:
            letters = self.letters[col] = cell_ref(None, 1, col)[:-1]
        return Location(self.table.file, row, col, f"{self.prefix}{letters}{row}")

    def _section_title(self, filled: dict[int, t.Any]) -> bool:
        """A row with one cell that is in the first column, or that is neither a time nor a title."""
        if len(filled) != 1:
            return False
        (col,) = filled
        column = self.plan.columns.get(col)
        return col <= self.first_col or column is None or column.field not in ("time", "title")

    def _heading(self, filled: dict[int, t.Any]) -> bool:
        """A heading row of exgen's own MEL (its Serial cell holds an id, not a serial number)."""
        serial = filled.get(self.serial) if self.serial is not None else None
        return isinstance(serial, str) and not serial.strip().isdigit()

    def _maps(self, column: Column) -> tuple[t.Mapping[str, str], ...]:
        """The value maps a column's cells go through: its own, then its field's (the empty ones left out)."""
        maps = self.maps.get(column.col)
        if maps is None:
            field_map = self.mapping.values.get(column.field, {}) if self.mapping else {}
            maps = self.maps[column.col] = tuple(m for m in (column.values, field_map) if m)
        return maps

    def _value(self, column: Column, raw: t.Any) -> t.Any:
        """A cell's field value, or None when it gives none (a text already read in this column is
        looked up: references and lists repeat from row to row and take the most reading)."""
        if raw is None:
            return None
        remember = type(raw) is str and column.field in _REMEMBERED
        if remember:
            known = self.read.get((column.col, raw), _UNSEEN)
            if known is not _UNSEEN:
                return list(known) if type(known) is list else known
        value = raw
        if self.plan.layout == "exgen" and column.field == "incident":
            value = text_of(raw).split()[0]  # exgen writes "ID Title"
        value = convert(column.field, value, known=self.known, split=column.split, maps=self._maps(column))
        value = None if value == "" or value == [] else value
        if remember and len(self.read) < MAX_REMEMBERED:
            self.read[(column.col, raw)] = list(value) if type(value) is list else value
        return value

    def _mapped(self, column: Column, raw: t.Any) -> t.Any:
        """A time or date cell after the value maps."""
        hit = mapped(text_of(raw), self._maps(column))
        return raw if hit is None else hit

    def _time(self, number: int, filled: dict[int, t.Any], values: dict[str, list[tuple[t.Any, Location]]],
              empty: dict[str, Location]) -> None:
        """The time candidates of a row: each time cell, completed by the date cell when it needs one."""
        date_raw = filled.get(self.date.col) if self.date else None
        for column in self.times:
            raw = filled.get(column.col)
            where = self._at(number, column.col)
            if raw is None:
                continue
            date_where = self._at(number, self.date.col) if self.date else where
            time_part: Part | None = None
            date_part: Part | None = None
            try:
                time_part = read_time(self._mapped(column, raw), self.clock)
                if time_part.moment is None and date_raw is not None and self.date is not None:
                    try:
                        date_part = read_date(self._mapped(self.date, date_raw), self.clock)
                    except Unreadable as problem:
                        self._problem(problem, date_where)
                        continue
                moment = combine(time_part, date_part, self.clock, shown=raw)
            except Unreadable as problem:
                in_date = date_part is not None and date_part.offset is not None and (
                    time_part is None or time_part.offset is None)
                self._problem(problem, date_where if in_date else where)
                continue
            values.setdefault("time", []).append((moment, where))
        if self.times and "time" not in values and not any(filled.get(c.col) is not None for c in self.times):
            empty["time"] = self._at(number, self.times[0].col)

    def _problem(self, problem: Unreadable, where: Location) -> None:
        """A time problem as a located error; a missing STARTEX is said once."""
        if problem.code == "import-needs-startex":
            if self.startex_reported:
                return
            self.startex_reported = True
        self.found.append(error(problem.code, problem.message, where))

    def _defaults(self, values: dict[str, list[tuple[t.Any, Location]]], empty: dict[str, Location]) -> None:
        """The mapping's defaults for the fields this row leaves empty or has no column for."""
        if self.mapping is None:
            return
        for name, (default, where) in self.mapping.defaults.items():
            if name in values:
                continue
            value: t.Any
            if isinstance(default, list):
                items = [convert(name, item, known=self.known) for item in default]
                value = [v for item in items for v in (item if isinstance(item, list) else [item])] \
                    if name in LIST_FIELDS else items
            else:
                value = convert(name, default, known=self.known)
            if value != "" and value != []:
                values[name] = [(value, where)]
                empty.pop(name, None)


def first_sentence(text: str, limit: int = MAX_TITLE) -> str:
    """A title from a description: its first sentence (first line), cut at a word to ``limit`` characters with "…".

    >>> first_sentence("Power cut at the port. Crews are on site.")
    'Power cut at the port'
    >>> first_sentence("word " * 40, 20)
    'word word word word…'
    """
    line = text.strip().split("\n", 1)[0].strip()
    sentence = _SENTENCE_END.split(line, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence[:-1] if sentence.endswith(".") and not sentence.endswith("..") else sentence
    cut = sentence[: limit - 1]
    if " " in cut.strip():
        cut = cut.rstrip().rsplit(" ", 1)[0] if sentence[limit - 1] != " " else cut
    return cut.rstrip(" ,;:-") + "…"


def _blank(value: t.Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())
