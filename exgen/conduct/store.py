"""The conduct record's SQLite file: opening it safely, its schema and the migrations that build it.

One file per exercise (WAL journal, ``synchronous=FULL`` so a committed write survives ``kill -9``
and power loss). The schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` are applied in
order, each in one transaction. The ``meta`` table names the exercise the record belongs to, so a
record is never mixed with another exercise's.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import typing as t
from pathlib import Path

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "StoreError", "open_db", "transaction"]

APPEND_ONLY = "the conduct record is append-only"

_EVENTS = f"""
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    wall TEXT NOT NULL,
    ex_time REAL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    idem TEXT UNIQUE
);
CREATE INDEX events_kind ON events (kind, seq);
CREATE INDEX events_subject ON events (subject, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
-- INSERT OR REPLACE deletes the row it collides with without firing delete triggers: refuse it.
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq OR (NEW.idem IS NOT NULL AND idem = NEW.idem))
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;
"""

_PROJECTIONS = """
CREATE TABLE inject_state (
    id TEXT PRIMARY KEY, status TEXT, time REAL, version INTEGER, adhoc TEXT,
    notes TEXT, responses TEXT, updated_seq INTEGER
);
CREATE TABLE observations (
    id INTEGER PRIMARY KEY, author TEXT, objective TEXT, task TEXT, ex_time REAL, text TEXT,
    rating TEXT, version INTEGER, created_seq INTEGER, updated_seq INTEGER
);
CREATE INDEX observations_objective ON observations (objective, id);
CREATE TABLE clock (
    id INTEGER PRIMARY KEY CHECK (id = 1), running INTEGER, speed REAL, anchor_wall REAL, anchor_ex REAL
);
INSERT INTO clock VALUES (1, 0, 1.0, 0.0, 0.0);
CREATE TABLE evaluation (id INTEGER PRIMARY KEY CHECK (id = 1), closed INTEGER);
INSERT INTO evaluation VALUES (1, 0);
"""

_ACCESS = """
CREATE TABLE accounts (
    username TEXT PRIMARY KEY, role TEXT, scope TEXT, name TEXT, pw_hash TEXT, must_change INTEGER,
    issued_at TEXT
);
CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, username TEXT, csrf TEXT, created REAL, last_seen REAL);
CREATE TABLE login_failures (key TEXT, at REAL);
CREATE INDEX login_failures_key ON login_failures (key, at);
"""

#: The schema, one SQL script per version: script ``i`` takes a file from version ``i`` to ``i + 1``.
#: Append new migrations; never edit one that has shipped.
MIGRATIONS: list[str] = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + _EVENTS + _PROJECTIONS + _ACCESS,
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The record file cannot be used: unreadable, from a newer exgen, or for another exercise."""


def open_db(path: str | Path, exercise_id: str) -> sqlite3.Connection:
    """Open (creating or upgrading) the conduct record at ``path`` for exercise ``exercise_id``.

    The connection is in autocommit mode (``isolation_level=None``): group writes with
    :func:`transaction`. It may be handed to another thread (``check_same_thread=False``), but
    only one thread may use it at a time.
    """
    name = str(path)
    try:
        # The record holds password and session hashes: a new file is readable by its owner only
        # (SQLite gives its -wal and -shm files the same permissions).
        with contextlib.suppress(FileExistsError):
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise StoreError(f"cannot create the conduct record {name}: {exc.strerror or exc}") from exc
    try:
        conn = sqlite3.connect(name, isolation_level=None, check_same_thread=False, timeout=5.0)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the conduct record {name}: {exc}") from exc
    try:
        _configure(conn, name)
        _migrate(conn, name)
        _claim(conn, name, exercise_id)
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"cannot use the conduct record {name}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> t.Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` when the block raises.

    Inside a transaction the caller already holds, the block is a savepoint instead: undone alone
    when it raises, committed (or not) with the caller's transaction.
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT exgen_nested")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO exgen_nested")
            conn.execute("RELEASE exgen_nested")
            raise
        conn.execute("RELEASE exgen_nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (a full disk, say)
            conn.execute("ROLLBACK")
        raise


def _configure(conn: sqlite3.Connection, name: str) -> None:
    """Durability and locking settings; the first statement that reads the file, so it finds bad files."""
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        mode = _journal_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")  # REPLACE then fires delete triggers too
    except sqlite3.Error as exc:
        raise StoreError(f"{name} is not a conduct record exgen can open ({exc})") from exc
    if str(mode).lower() != "wal":
        raise StoreError(f"{name}: the conduct record needs a folder where SQLite can keep a write-ahead log")


def _journal_wal(conn: sqlite3.Connection) -> str:
    """Switch the file to write-ahead logging. Turning a new file to WAL needs it alone for a moment,
    and SQLite may answer "locked" at once, without waiting, while another connection opens the same
    new file (a server's writer and readers starting together): try again for up to five seconds."""
    deadline = time.monotonic() + 5.0
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _migrate(conn: sqlite3.Connection, name: str) -> None:
    """Bring the file up to :data:`SCHEMA_VERSION`, one transaction per migration."""
    version = _version(conn)
    if version > len(MIGRATIONS):
        raise StoreError(f"{name} was written by a newer exgen (record format {version}; this exgen reads up "
                         f"to format {len(MIGRATIONS)}); upgrade exgen to use it")
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        # Tables and the format number are committed together: tables seen now with format 0 read
        # before are another connection's migration of the same new file, finished in between.
        version = _version(conn)
        if version == 0:
            raise StoreError(f"{name} already holds another program's data; give exgen a new file for the record")
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if _version(conn) >= number:  # another connection opening the same new file got there first
                continue
            raise StoreError(f"cannot bring {name} up to record format {number}: {exc}") from exc


def _claim(conn: sqlite3.Connection, name: str, exercise_id: str) -> None:
    """Mark a new record as ``exercise_id``'s; refuse a record that belongs to another exercise."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'exercise_id'").fetchone()
        if row is None:
            with transaction(conn):
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('exercise_id', ?)", (exercise_id,))
            row = conn.execute("SELECT value FROM meta WHERE key = 'exercise_id'").fetchone()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read which exercise {name} belongs to: {exc}") from exc
    if row[0] != exercise_id:
        raise StoreError(f"{name} is the record of exercise {row[0]!r}, not of {exercise_id!r}; "
                         f"use another --db file for this exercise")
