"""Import of an offline EXCON console's status export (console.html's CSV) into a conduct record.

When conduct ran on paper and console.html, its "Export CSV" file still feeds the after-action
report: each row's status becomes the inject events that bring the record to it (delivered →
release and deliver as needed; observed → on to completed; contingency → an annotation), by the
actor ``console-import``, followed by one ``record.import`` event naming the file (its SHA-256 is
the subject) and the rows. Every row is checked first and any problem is a located diagnostic
(``file:line``) with nothing written. Each event's idempotency key is derived from the file's hash
and the row, so importing the same file again adds nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import typing as t
from pathlib import Path

from exgen.conduct import lifecycle
from exgen.conduct.record import Actor, Record, RecordError
from exgen.core.diagnostics import Diagnostic, error
from exgen.core.sources import Location
from exgen.model.time import TimeError, parse_datetime, resolve_time

__all__ = ["ACTOR", "MAX_BYTES", "ConsoleRow", "Imported", "Step", "import_console", "plan_steps", "read_rows",
           "unescape"]

#: Who the imported events are by (role ``import``: no account has it, so no one signs in as it).
ACTOR = Actor("console-import", "import")
#: Largest console file read (a 10,000-inject console export is about 2 MB).
MAX_BYTES = 32 * 1024 * 1024
STATUSES = ("pending", "delivered", "observed", "contingency")
#: The console's status → how far along planned → released → delivered → acknowledged → completed.
_TARGET = {"delivered": 2, "observed": 4}
_PROGRESS = {"planned": 0, "held": 0, "released": 1, "delivered": 2, "acknowledged": 3, "completed": 4}
_ACTIONS = ("release", "deliver", "acknowledge", "complete")
CONTINGENCY_NOTE = "contingency issued"
#: What the console prefixes with ``'`` so a spreadsheet never runs a cell as a formula.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass(frozen=True)
class ConsoleRow:
    """One row of the console's export: which inject, its status and when the console set it."""

    line: int
    inject: str
    status: str
    at: int | None
    at_utc: str | None


@dataclasses.dataclass(frozen=True)
class Step:
    """One event the import will append."""

    row: ConsoleRow
    action: str
    idem: str


@dataclasses.dataclass(frozen=True)
class Imported:
    """What an import did: the rows with a status, the events it added, and whether the file was in already."""

    source: str
    sha256: str
    rows: int
    events: int
    replay: bool
    seq: int


def unescape(cell: str) -> str:
    """A cell as the console had it before making it formula-safe.

    >>> unescape("'=SUM(A1)"), unescape("'quoted"), unescape("D+0 06:30")
    ('=SUM(A1)', "'quoted", 'D+0 06:30')
    """
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in _FORMULA else cell


def _decode(path: str, data: bytes) -> tuple[str, list[Diagnostic]]:
    if len(data) > MAX_BYTES:
        return "", [error("console-file", f"the file is larger than {MAX_BYTES // 2**20} MiB; it is not a console "
                                          "export", Location(path))]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return "", [error("console-file", f"the file is not UTF-8 text (byte {exc.start + 1}); export it again "
                                          "from console.html, or save it from a spreadsheet as 'CSV UTF-8'",
                          Location(path))]


def _when(path: str, line: int, dtime: str, utc: str,
          startex: dt.datetime | None) -> tuple[int | None, str | None, list[Diagnostic]]:
    """The minutes and UTC time a row says its status was set at (None when blank)."""
    found: list[Diagnostic] = []
    minutes = stamp = None
    if dtime and startex is not None:
        try:
            minutes = resolve_time(dtime, startex) if dtime.startswith("D") else None
        except TimeError:
            minutes = None
        if minutes is None:
            found.append(error("console-time", f"status_set_at_dtime {dtime!r} is not a time as D+N HH:MM",
                               Location(path, line, 1)))
    if utc:
        try:
            parse_datetime(utc)
            stamp = utc
        except TimeError:
            found.append(error("console-time", f"status_set_at_utc {utc!r} is not an ISO 8601 date and time",
                               Location(path, line, 1)))
    return minutes, stamp, found


def read_rows(path: str, data: bytes, known: t.Container[str],
              startex: dt.datetime | None) -> tuple[list[ConsoleRow], list[Diagnostic]]:
    """The rows of a console export, or located diagnostics for every problem found."""
    text, found = _decode(path, data)
    if found:
        return [], found
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","  # a spreadsheet saved it in its locale
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[ConsoleRow] = []
    seen: dict[str, int] = {}
    try:
        header = [unescape(c).strip().lower() for c in next(reader, [])]
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        missing = [c for c in ("id", "status") if c not in index]
        if missing:
            return [], [error("console-columns", f"no column {' or '.join(missing)} in the first row: this is not "
                                                 "an EXCON console status export", Location(path, 1, 1))]
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < len(header):
                found.append(error("console-row", f"the row has {len(cells)} cells, the header {len(header)}",
                                   Location(path, start, 1)))
                continue
            row, problems = _row(path, start, cells, index, known, startex)
            found += problems
            if row is None:
                continue
            if row.inject in seen:
                found.append(error("console-duplicate-inject", f"inject {row.inject} is also on line "
                                   f"{seen[row.inject]}", Location(path, start, 1)))
            seen.setdefault(row.inject, start)
            rows.append(row)
    except csv.Error as exc:
        found.append(error("console-file", f"the file is not well-formed CSV ({exc})", Location(path, reader.line_num)))
    return ([] if found else rows), found


def _row(path: str, line: int, cells: list[str], index: dict[str, int], known: t.Container[str],
         startex: dt.datetime | None) -> tuple[ConsoleRow | None, list[Diagnostic]]:
    def get(name: str) -> str:
        return unescape(cells[index[name]]).strip() if name in index else ""

    inject, status = get("id"), get("status").lower() or "pending"
    found: list[Diagnostic] = []
    if inject not in known:
        found.append(error("console-unknown-inject", f"inject {inject!r} is not in this exercise: is the export "
                           "from another exercise's console?", Location(path, line, 1)))
    if status not in STATUSES:
        found.append(error("console-status", f"status {status!r} is not one the console writes "
                           f"({', '.join(STATUSES)})", Location(path, line, 1)))
    minutes, stamp, problems = _when(path, line, get("status_set_at_dtime"), get("status_set_at_utc"), startex)
    found += problems
    return (None if found else ConsoleRow(line, inject, status, minutes, stamp)), found


def plan_steps(path: str, rows: list[ConsoleRow], record: Record, sha: str) -> tuple[list[Step], list[Diagnostic]]:
    """The events that bring the record to the console's statuses, or why a row cannot be applied."""
    steps: list[Step] = []
    found: list[Diagnostic] = []
    for row in rows:
        if row.status == "pending":
            continue
        view = record.inject_view(row.inject)
        idem = f"console:{sha[:40]}:{row.line}:"
        if row.status == "contingency":
            noted = any(n.get("actor") == ACTOR.username and str(n.get("text", "")).startswith(CONTINGENCY_NOTE)
                        for n in view.get("notes") or ())
            if not noted:
                steps.append(Step(row, "annotate", idem + "annotate"))
            continue
        status = str(view.get("status"))
        if status not in _PROGRESS:
            found.append(error("console-conflict", f"inject {row.inject} is {status} in the record; the console "
                               f"marks it {row.status}: set the row to pending to leave it out",
                               Location(path, row.line, 1)))
            continue
        for action in _ACTIONS[_PROGRESS[status]:_TARGET[row.status]]:
            status = lifecycle.after(status, action) or status
            steps.append(Step(row, action, idem + action))
    return steps, found


def _note(row: ConsoleRow, record: Record) -> str:
    when = record.plan.dtime(row.at) if row.at is not None else ""
    return f"{CONTINGENCY_NOTE} (EXCON console{', ' + when if when else ''})"


def import_console(path: Path, record: Record) -> tuple[Imported | None, list[Diagnostic]]:
    """Import the console export at ``path`` into ``record``; (what was done, diagnostics).

    With any error nothing is written and the result is None. A file imported before adds nothing.
    """
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error("console-file", f"cannot read the file: {exc.strerror or exc}", Location(name))]
    sha = hashlib.sha256(data).hexdigest()
    earlier = record.conn.execute("SELECT seq FROM events WHERE idem = ?", (f"console:{sha}",)).fetchone()
    if earlier is not None:
        return Imported(path.name, sha, 0, 0, True, int(earlier[0])), []
    known = {i["id"] for i in record.injects()}
    rows, found = read_rows(name, data, known, record.plan.startex)
    if found:
        return None, found
    steps, found = plan_steps(name, rows, record, sha)
    if found:
        return None, found
    done: dict[int, list[str]] = {}
    for step in steps:
        payload = {"text": _note(step.row, record)} if step.action == "annotate" else {}
        try:
            record.append(ACTOR, f"inject.{step.action}", step.row.inject, payload, step.idem)
        except RecordError as exc:  # only when someone changed the record while this import ran
            return None, [error("console-conflict", f"the record refused to {step.action} {step.row.inject} "
                                f"({exc}); {sum(map(len, done.values()))} events were added before it: run "
                                "the import again to finish", Location(name, step.row.line, 1))]
        done.setdefault(step.row.line, []).append(step.action)
    listed = [{"row": r.line, "inject": r.inject, "status": r.status, "at": r.at, "at_utc": r.at_utc,
               "actions": done.get(r.line, [])} for r in rows if r.status != "pending"]
    try:
        applied = record.append(ACTOR, "record.import", sha, {"source": path.name, "rows": listed}, f"console:{sha}")
    except RecordError as exc:
        return None, [error("console-conflict", f"the record refused the import summary ({exc}); run the import "
                            "again to finish", Location(name))]
    return Imported(path.name, sha, len(listed), len(steps) + 1, applied.replay, applied.seq), []
