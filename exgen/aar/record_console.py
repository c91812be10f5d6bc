"""The offline EXCON console's status export (console.html "Export CSV") read as a conduct record.

The console (templates/console/app.js.j2) writes UTF-8 with a byte-order mark, CRLF lines, every
cell quoted, a cell starting like a formula prefixed with ``'``, and one row per inject: its
status (pending, delivered, observed, contingency) and when the controller last set it. It keeps
one time per inject, so that time stands for the delivery (and, for "observed", the completion);
"contingency" is a note on the inject, as ``exgen record import-console`` records it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import typing as t

from exgen.aar.record_types import Note, Record, decode, planned_runs
from exgen.core.diagnostics import Diagnostic, Location, error, warning
from exgen.model.time import TimeError, parse_datetime, resolve_time

__all__ = ["HEADER", "STATUSES", "read_console", "unescape"]

HEADER = ("serial", "id", "dtg", "dtime", "title", "to", "status", "status_label", "status_set_at_dtime",
          "status_set_at_utc")
STATUSES = ("pending", "delivered", "observed", "contingency")
ACTOR = "console"
#: The console's status → the inject actions it stands for, all at the status's time.
_ACTIONS = {"delivered": ("release", "deliver"), "observed": ("release", "deliver", "acknowledge", "complete")}
_STATUS = {"delivered": "delivered", "observed": "completed"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def unescape(cell: str) -> str:
    """A cell as the console had it before making it formula-safe.

    >>> unescape("'=SUM(A1)"), unescape("'quoted"), unescape("D+0 06:30")
    ('=SUM(A1)', "'quoted", 'D+0 06:30')
    """
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in _FORMULA else cell


def read_console(path: str, data: bytes, exercise: t.Mapping[str, t.Any]) -> tuple[Record | None, list[Diagnostic]]:
    """The console export in ``data`` as a Record (``source`` "console"), with a diagnostic per bad row."""
    text, found = decode(path, data)
    if text is None:
        return None, found
    if not data.startswith(b"\xef\xbb\xbf"):
        found.append(warning("aar-record-csv-no-bom", "the file has no UTF-8 byte-order mark, which the console "
                             "always writes: another program saved it again; it is read as UTF-8",
                             Location(path, 1, 1)))
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","  # a spreadsheet saved it in its locale
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    record = Record("console", path, injects=planned_runs(exercise))
    startex = _startex(exercise)
    try:
        header = tuple(unescape(c).strip().lower() for c in next(reader, []))
        if header != HEADER:
            found.append(error("aar-record-csv-header", "the first row is not the console's header "
                               f"({','.join(HEADER)}): give the file exactly as the console's Export CSV saved it",
                               Location(path, 1, 1)))
            return None, found
        seen: dict[str, int] = {}
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if any(c.strip() for c in cells):
                problem = _row(path, start, cells, record, startex, seen)
                if problem is not None:
                    found.append(problem)
    except csv.Error as problem:
        found.append(error("aar-record-csv-row", f"the file is not well-formed CSV ({problem})",
                           Location(path, reader.line_num or 1, 1)))
    return record, found


def _startex(exercise: t.Mapping[str, t.Any]) -> dt.datetime | None:
    head = exercise.get("exercise")
    try:
        return parse_datetime(str(head.get("startex"))) if isinstance(head, dict) else None
    except TimeError:
        return None


def _row(path: str, line: int, cells: list[str], record: Record, startex: dt.datetime | None,
         seen: dict[str, int]) -> Diagnostic | None:
    """One row applied to the record, or why it cannot be."""
    where = Location(path, line, 1)
    if len(cells) != len(HEADER):
        return error("aar-record-csv-row", f"the row has {len(cells)} cells, the console's header {len(HEADER)}",
                     where)
    row = dict(zip(HEADER, (unescape(c).strip() for c in cells), strict=True))
    inject, status = row["id"], row["status"].lower() or "pending"
    run = record.injects.get(inject)
    if run is None:
        return error("aar-record-unknown-inject", f"the console lists inject {inject[:40]!r}, which this exercise "
                     "does not have: is the export from another exercise's console?", where)
    if status not in STATUSES:
        return error("aar-record-csv-row", f"status {status[:40]!r} is not one the console writes "
                     f"({', '.join(STATUSES)})", where)
    if inject in seen:
        return error("aar-record-csv-row", f"inject {inject} is also on line {seen[inject]}", where)
    seen[inject] = line
    when = row["status_set_at_dtime"]
    minutes: float | None = None
    if when:
        try:
            if startex is None or not when.upper().startswith("D"):
                raise TimeError(when)
            minutes = float(resolve_time(when, startex))
        except TimeError:
            return error("aar-record-csv-row", f"status_set_at_dtime {when[:40]!r} is not a time as D+1 07:30",
                         where)
    if status == "pending":
        return None
    record.events += 1
    if minutes is not None:
        record.times.append(minutes)
    if status == "contingency":
        run.annotations.append(Note(minutes, ACTOR, "contingency issued (EXCON console)"))
        return None
    run.status = _STATUS[status]
    for action in _ACTIONS[status]:
        run.times[action] = minutes
    return None
