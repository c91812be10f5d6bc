"""Export of a conduct record: ``events.jsonl`` (one event per line) and ``events.csv``.

The record is opened read-only (a ``mode=ro`` URI), so an export while the server runs never
writes to it; one read transaction gives a consistent snapshot. Both files are written into a
temporary folder beside the target, which is renamed into place only when complete: on any
failure nothing appears at the target (and an earlier export there stays as it was).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import shutil
import sqlite3
import typing as t
from dataclasses import dataclass
from pathlib import Path

from exgen.conduct import store
from exgen.core import staging

__all__ = ["COLUMNS", "FILES", "ExportError", "Exported", "export", "formula_safe", "open_readonly", "read_events"]

#: The keys of every exported event, in this order (schemas/conduct-events.schema.json).
COLUMNS = ("seq", "wall", "ex_time", "actor", "role", "kind", "subject", "payload", "idem")
#: What an export folder holds; ``--force`` replaces only a folder holding nothing else.
FILES = ("events.jsonl", "events.csv")
#: A spreadsheet reads a cell starting with one of these as a formula (ASCII and full-width forms).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class ExportError(Exception):
    """The export cannot be made; the message says why in plain English."""


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    folder: Path
    exercise_id: str
    events: int


def open_readonly(db: Path) -> sqlite3.Connection:
    """The record at ``db``, opened read-only; ExportError when it is missing or not an exgen record."""
    if not db.exists():
        raise ExportError(f"{db}: no such file")
    if not db.is_file():
        raise ExportError(f"{db} is not a file")
    try:
        conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise ExportError(f"cannot open {db}: {exc}") from exc
    try:
        _check_record(conn, db)
    except BaseException:
        conn.close()
        raise
    return conn


def _check_record(conn: sqlite3.Connection, db: Path) -> None:
    """Refuse a file that is not an exgen conduct record, or one written by a newer exgen."""
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(events)")} if "events" in tables else set()
    except sqlite3.Error as exc:
        raise ExportError(f"{db} is not an exgen conduct record ({exc})") from exc
    if not {"meta", "events"} <= tables or not set(COLUMNS) <= columns or version < 1:
        raise ExportError(f"{db} is not an exgen conduct record")
    if version > store.SCHEMA_VERSION:
        raise ExportError(f"{db} was written by a newer exgen (record format {version}; this exgen reads up to "
                          f"format {store.SCHEMA_VERSION}); upgrade exgen to export it")


def _exercise_id(conn: sqlite3.Connection, db: Path) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'exercise_id'").fetchone()
    if row is None:
        raise ExportError(f"{db} is not an exgen conduct record (it names no exercise)")
    return str(row[0])


def read_events(conn: sqlite3.Connection, db: Path) -> t.Iterator[dict[str, t.Any]]:
    """Every event in sequence order, as a dict with :data:`COLUMNS` as keys and the payload parsed."""
    cursor = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY seq")
    for row in cursor:
        event = dict(zip(COLUMNS, row, strict=True))
        try:
            payload = json.loads(event["payload"])
        except (TypeError, ValueError):
            payload = None
        if not isinstance(payload, dict):
            raise ExportError(f"{db}: event {event['seq']} is damaged (its payload is not a JSON object)")
        event["payload"] = payload
        yield event


def formula_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it, never runs it: a leading ``'`` before a formula start.

    >>> formula_safe("=HYPERLINK(\\"x\\")"), formula_safe("D+1 06:00")
    ('\\'=HYPERLINK("x")', 'D+1 06:00')
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_row(event: dict[str, t.Any]) -> list[str]:
    cells = []
    for key in COLUMNS:
        value = event[key]
        if value is None:
            cells.append("")
        elif isinstance(value, (int, float)):  # numbers are never formulas; a negative time stays a number
            cells.append(repr(value))
        elif isinstance(value, dict):
            cells.append(json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
        else:
            cells.append(formula_safe(str(value)))
    return cells


def _write(conn: sqlite3.Connection, db: Path, folder: Path) -> tuple[str, int]:
    """Write both files into ``folder`` from one snapshot of the record; (exercise id, events)."""
    count = 0
    conn.execute("BEGIN")  # one read transaction: a consistent snapshot while a server writes
    try:
        exercise_id = _exercise_id(conn, db)
        with (folder / FILES[0]).open("w", encoding="utf-8", newline="\n") as lines, \
                (folder / FILES[1]).open("w", encoding="utf-8-sig", newline="") as table:
            writer = csv.writer(table, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for event in read_events(conn, db):
                lines.write(json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n")
                writer.writerow(_csv_row(event))
                count += 1
            for handle in (lines, table):
                handle.flush()
                os.fsync(handle.fileno())
    except sqlite3.Error as exc:
        raise ExportError(f"cannot read {db}: {exc}") from exc
    except ValueError as exc:  # a number that is not finite cannot be written as JSON
        raise ExportError(f"{db}: an event holds a value JSON cannot carry ({exc})") from exc
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
    return exercise_id, count


def _check_target(db: Path, out: Path, force: bool) -> None:
    """Refuse a target that is a file, holds the record, or holds anything but an earlier export."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    if db.resolve().is_relative_to(out.resolve()):
        raise ExportError(f"{out} holds the record {db}; export into another folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise ExportError(f"{out} is not empty; choose a new folder, or add --force to replace an earlier export")
        others = sorted(p.name for p in out.iterdir() if p.name not in FILES or not p.is_file())
        if others:
            raise ExportError(f"{out} holds more than an earlier export ({', '.join(others[:3])}); "
                              f"--force replaces only a folder holding {' and '.join(FILES)}")


def export(db: Path, out: Path, *, force: bool = False) -> Exported:
    """Write ``out/events.jsonl`` and ``out/events.csv`` from the record at ``db``, atomically."""
    _check_target(db, out, force)
    conn = open_readonly(db)
    try:
        out.absolute().parent.mkdir(parents=True, exist_ok=True)
        scratch = _beside(out, "tmp")
        scratch.mkdir()  # as mkdir would make the folder (the umask applies), unlike mkdtemp's 0700
    except OSError as exc:
        conn.close()
        raise ExportError(f"cannot write beside {out}: {exc.strerror or exc}") from exc
    try:
        with contextlib.closing(conn):
            exercise_id, count = _write(conn, db, scratch)
        staging.swap(scratch, out)  # an earlier export goes only once the new one is in place
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Exported(out, exercise_id, count)


def _beside(out: Path, what: str) -> Path:
    """A fresh hidden name in ``out``'s folder (same file system, so a rename moves it)."""
    return out.absolute().parent / f".{out.name}.{secrets.token_hex(6)}.{what}"
