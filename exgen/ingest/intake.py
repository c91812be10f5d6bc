"""The sheet's rows as inject rows, converted as the reader sends them.

The header row is found among the first rows (:func:`~exgen.ingest.headers.plan_columns`); every
row after it is converted (:class:`~exgen.ingest.rows.RowReader`) as soon as it arrives, so the
conversion overlaps the reading, and only the first rows of the sheet are kept.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from exgen.core.diagnostics import Diagnostic, has_errors
from exgen.ingest.background import SheetReader
from exgen.ingest.headers import plan_columns
from exgen.ingest.rows import Imported, RowReader
from exgen.load.sheets import Cell, Table

if t.TYPE_CHECKING:
    from exgen.ingest.headers import ColumnPlan
    from exgen.ingest.mapping import Mapping

#: Rows kept to find the header row in (the header is looked for among the first 30).
HEADER_ROWS = 40


@dataclass
class Intake:
    """What reading the sheet gave: its rows as injects, and every finding."""

    rows: list[Imported] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    ok: bool = False


class _Consumer:
    def __init__(self, mapping: Mapping | None, startex: dt.datetime | None, known: t.Mapping[str, str],
                 custom_names: t.Sequence[str]) -> None:
        self.mapping, self.startex, self.known, self.custom = mapping, startex, known, custom_names
        self.reset()

    def reset(self) -> None:
        self.table: Table | None = None
        self.plan: ColumnPlan | None = None
        self.reader: RowReader | None = None
        self.rows: list[Imported] = []
        self.found: list[Diagnostic] = []
        self.failed = False

    def head(self, file: str, sheet: str | None) -> None:
        self.table = Table(file, sheet, [])

    def add(self, rows: list[list[Cell]], last: bool = False) -> None:
        if self.failed or self.table is None:
            return
        if self.reader is None:
            self.table.rows.extend(rows)
            if len(self.table.rows) < HEADER_ROWS and not last:
                return
            self.plan, found = plan_columns(self.table, self.mapping, custom_names=self.custom)
            self.found += found
            if self.plan is None or has_errors(found):
                self.failed = True
                return
            self.reader = RowReader(self.table, self.plan, self.mapping, self.startex, self.known)
            rows, self.table.rows = self.table.rows, self.table.rows[:HEADER_ROWS]
        assert self.plan is not None
        header = self.plan.header_row
        self.rows += [got for cells in rows if cells[0].row > header if (got := self.reader.row(cells)) is not None]


def read_sheet(reader: SheetReader, mapping: Mapping | None, *, startex: dt.datetime | None,
               known: t.Mapping[str, str], custom_names: t.Sequence[str]) -> Intake:
    """Consume the reader's messages into inject rows."""
    consumer = _Consumer(mapping, startex, known, custom_names)
    intake = Intake()
    for message in reader.messages():
        kind = message[0]
        if kind == "restart":
            consumer.reset()
        elif kind == "head":
            consumer.head(message[1], message[2])
        elif kind == "rows":
            consumer.add([[Cell(*c) for c in cells] for cells in message[1]])
        elif kind == "end":
            complete, found = message[1], message[2]
            intake.diagnostics += found
            if not complete or has_errors(found):
                intake.diagnostics += consumer.found
                return intake
            consumer.add([], last=True)
    reader_found = consumer.reader.found if consumer.reader is not None else []
    intake.diagnostics += consumer.found + reader_found
    intake.rows = consumer.rows
    intake.ok = not consumer.failed and consumer.table is not None
    return intake
