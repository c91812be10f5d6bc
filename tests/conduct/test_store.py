"""The record's SQLite file: settings, schema, append-only events, migrations and refusals."""

from __future__ import annotations

import sqlite3
import threading
import typing as t
from pathlib import Path

import pytest

from exgen.conduct import store

EX = "TINY-HARBOUR"


@pytest.fixture
def conn(db_path: Path) -> t.Iterator[sqlite3.Connection]:
    c = store.open_db(db_path, EX)
    yield c
    c.close()


def _event(c: sqlite3.Connection, idem: str | None = None) -> int:
    cur = c.execute("INSERT INTO events (wall, ex_time, actor, role, kind, subject, payload, idem) "
                    "VALUES ('2027-05-10T06:00:00.000Z', 0, 'exdir', 'director', 'clock.start', 'clock', '{}', ?)",
                    (idem,))
    return t.cast(int, cur.lastrowid)


def _tables(c: sqlite3.Connection) -> set[str]:
    return {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_new_record_is_durable_and_names_its_exercise(conn: sqlite3.Connection, db_path: Path) -> None:
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == len(store.MIGRATIONS)
    assert conn.execute("SELECT value FROM meta WHERE key = 'exercise_id'").fetchone()[0] == EX
    assert {"events", "inject_state", "observations", "clock", "evaluation", "accounts", "sessions",
            "login_failures", "meta"} <= _tables(conn)
    assert conn.execute("SELECT * FROM clock").fetchall() == [(1, 0, 1.0, 0.0, 0.0)]
    assert conn.execute("SELECT * FROM evaluation").fetchall() == [(1, 0)]
    assert db_path.is_file()


def test_events_refuse_update_and_delete(conn: sqlite3.Connection) -> None:
    seq = _event(conn, "k1")
    with pytest.raises(sqlite3.DatabaseError, match="the conduct record is append-only"):
        conn.execute("UPDATE events SET actor = 'someone-else' WHERE seq = ?", (seq,))
    with pytest.raises(sqlite3.IntegrityError, match="the conduct record is append-only"):
        conn.execute("DELETE FROM events WHERE seq = ?", (seq,))
    with pytest.raises(sqlite3.DatabaseError, match="the conduct record is append-only"):
        conn.execute("DELETE FROM events")
    for statement, key in [("INSERT OR REPLACE INTO events (seq, wall, actor, role, kind, payload) "
                            "VALUES (?, 'x', 'x', 'x', 'x', '{}')", seq),
                           ("REPLACE INTO events (wall, actor, role, kind, payload, idem) "
                            "VALUES ('x', 'x', 'x', 'x', '{}', ?)", "k1"),
                           ("UPDATE OR REPLACE events SET seq = seq + 100 WHERE seq = ?", seq)]:
        for recursive in ("ON", "OFF"):  # another program's connection may not turn recursive triggers on
            conn.execute(f"PRAGMA recursive_triggers = {recursive}")
            with pytest.raises(sqlite3.DatabaseError, match="the conduct record is append-only"):
                conn.execute(statement, (key,))
    assert conn.execute("SELECT seq, actor, idem FROM events").fetchall() == [(seq, "exdir", "k1")]


def test_an_idempotency_key_is_unique(conn: sqlite3.Connection) -> None:
    _event(conn, "same")
    with pytest.raises(sqlite3.IntegrityError):
        _event(conn, "same")
    _event(conn, None)
    _event(conn, None)
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 3


def test_reopening_keeps_the_record(db_path: Path) -> None:
    first = store.open_db(db_path, EX)
    seq = _event(first)
    first.close()
    again = store.open_db(db_path, EX)
    assert again.execute("SELECT seq FROM events").fetchall() == [(seq,)]
    again.close()


def test_a_record_of_another_exercise_is_refused(db_path: Path) -> None:
    store.open_db(db_path, EX).close()
    with pytest.raises(store.StoreError, match="record of exercise 'TINY-HARBOUR', not of 'OTHER-EX'"):
        store.open_db(db_path, "OTHER-EX")


def test_a_record_from_a_newer_exgen_is_refused(db_path: Path) -> None:
    store.open_db(db_path, EX).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(store.StoreError, match="newer exgen"):
        store.open_db(db_path, EX)


@pytest.mark.parametrize("kind", ["empty file", "empty database"])
def test_a_version_0_file_is_migrated(db_path: Path, kind: str) -> None:
    if kind == "empty file":
        db_path.write_bytes(b"")
    else:
        raw = sqlite3.connect(db_path)
        raw.execute("CREATE TABLE scratch (x)")
        raw.execute("DROP TABLE scratch")
        raw.commit()
        raw.close()
        assert db_path.stat().st_size > 0
    conn = store.open_db(db_path, EX)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert "events" in _tables(conn)
    conn.close()


def test_a_version_0_file_holding_other_data_is_left_alone(db_path: Path) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE invoices (n)")
    raw.execute("INSERT INTO invoices VALUES (1)")
    raw.commit()
    raw.close()
    with pytest.raises(store.StoreError, match="another program's data"):
        store.open_db(db_path, EX)
    raw = sqlite3.connect(db_path)
    assert _tables(raw) == {"invoices"}
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
    raw.close()


def test_a_later_migration_upgrades_an_older_record_and_keeps_its_events(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = store.open_db(db_path, EX)
    seq = _event(old, "before-upgrade")
    old.close()
    extra = "CREATE TABLE extra (x); INSERT INTO extra VALUES (7);"
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, extra])
    new = store.open_db(db_path, EX)
    assert new.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
    assert new.execute("SELECT x FROM extra").fetchall() == [(7,)]
    assert new.execute("SELECT seq, idem FROM events").fetchall() == [(seq, "before-upgrade")]
    new.close()


def test_a_failing_migration_changes_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.open_db(db_path, EX).close()
    broken = "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, broken])
    with pytest.raises(store.StoreError, match=f"record format {store.SCHEMA_VERSION + 1}"):
        store.open_db(db_path, EX)
    monkeypatch.undo()
    conn = store.open_db(db_path, EX)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert "half_done" not in _tables(conn)
    conn.close()


def test_files_that_are_not_records_give_a_plain_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("this is not a database, " * 100, "utf-8")
    with pytest.raises(store.StoreError, match="notes.txt"):
        store.open_db(text, EX)
    assert text.read_text("utf-8").startswith("this is not a database")
    with pytest.raises(store.StoreError, match="cannot"):
        store.open_db(tmp_path / "no-such-folder" / "record.sqlite", EX)


def test_a_transaction_commits_or_rolls_back_and_nests_as_a_savepoint(conn: sqlite3.Connection) -> None:
    with store.transaction(conn):
        _event(conn, "kept")
    with pytest.raises(RuntimeError), store.transaction(conn):
        _event(conn, "dropped")
        raise RuntimeError("undo")
    with store.transaction(conn):
        _event(conn, "outer")
        with pytest.raises(RuntimeError), store.transaction(conn):
            _event(conn, "inner")
            raise RuntimeError("undo the inner block only")
    assert not conn.in_transaction
    assert [r[0] for r in conn.execute("SELECT idem FROM events ORDER BY seq")] == ["kept", "outer"]


def test_a_reader_sees_committed_data_while_a_writer_holds_its_transaction(db_path: Path) -> None:
    writer = store.open_db(db_path, EX)
    reader = store.open_db(db_path, EX)
    _event(writer, "first")
    writer.execute("BEGIN IMMEDIATE")
    _event(writer, "pending")
    assert [r[0] for r in reader.execute("SELECT idem FROM events")] == ["first"]
    writer.execute("COMMIT")
    assert [r[0] for r in reader.execute("SELECT idem FROM events ORDER BY seq")] == ["first", "pending"]
    writer.close()
    reader.close()


@pytest.mark.parametrize(("query", "uses"), [
    ("SELECT * FROM events WHERE seq > 5 ORDER BY seq LIMIT 10", "INTEGER PRIMARY KEY"),
    ("SELECT * FROM events WHERE kind = 'comms.event' ORDER BY seq", "events_kind"),
    ("SELECT * FROM events WHERE idem = 'k'", "sqlite_autoindex_events"),
    ("SELECT * FROM inject_state WHERE id = 'INJ-001'", "sqlite_autoindex_inject_state"),
    ("SELECT * FROM observations WHERE id = 3", "INTEGER PRIMARY KEY"),
    ("SELECT * FROM login_failures WHERE key = 'user:exdir' AND at > 0", "login_failures_key"),
])
def test_the_queries_the_server_runs_use_an_index(conn: sqlite3.Connection, query: str, uses: str) -> None:
    plan = " ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {query}"))
    assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", "") and uses in plan, plan


def test_connections_opening_a_new_file_at_once_all_get_a_record(db_path: Path) -> None:
    opened: list[sqlite3.Connection] = []
    failed: list[BaseException] = []
    gate = threading.Barrier(4)

    def open_one() -> None:
        gate.wait()
        try:
            opened.append(store.open_db(db_path, EX))
        except BaseException as exc:  # reported below
            failed.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == [] and len(opened) == 4
    assert {c.execute("PRAGMA user_version").fetchone()[0] for c in opened} == {store.SCHEMA_VERSION}
    for c in opened:
        c.close()


def test_a_new_record_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """The record holds password and session hashes."""
    import stat

    db = tmp_path / "new.sqlite"
    store.open_db(db, "EX-1").close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
