"""exgen record export: events.jsonl valid against its schema, a formula-safe CSV, atomic, read-only."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.check import schema
from exgen.cli import cli
from exgen.conduct import export, store
from exgen.conduct.record import Actor, Record

EVENTS_SCHEMA = "conduct-events.schema.json"
DIRECTOR = Actor("exdir", "director")
CONTROLLER = Actor("ctl-w", "controller", {"cell": "WHITE-CELL", "controller": "CTL-W"})
EVALUATOR = Actor("ev-1", "evaluator", {"evaluator": "EV-1", "objectives": ["TO-1"]})
FORMULA = "=HYPERLINK(\"http://example.invalid\",\"click\")"
#: A client's idempotency key is free text: in a spreadsheet cell of its own it must not run.
KEY = "=cmd|' /C calc'!A0"


def make_record(db: Path, exercise: dict[str, t.Any]) -> Record:
    """A record holding one event of nearly every kind, text that a spreadsheet would run, and a negative time."""
    record = Record(store.open_db(db, exercise["exercise"]["id"]), exercise)
    record.append(DIRECTOR, "clock.jump", "", {"ex_time": -30}, "k1")
    record.append(DIRECTOR, "clock.speed", "", {"speed": 2}, "k2")
    record.append(DIRECTOR, "clock.start", "", {}, "k3")
    record.append(CONTROLLER, "inject.release", "INJ-002", {}, "k4")
    record.append(CONTROLLER, "inject.deliver", "INJ-002", {}, None)
    record.append(CONTROLLER, "inject.annotate", "INJ-002", {"text": FORMULA}, "k6")
    record.append(CONTROLLER, "inject.response", "INJ-002", {"text": "@SUM(1+1) — ответ, \"quoted\"\nline 2"}, KEY)
    record.append(CONTROLLER, "inject.retime", "INJ-004", {"time": 660}, "k8")
    record.append(CONTROLLER, "inject.hold", "INJ-005", {}, "k9")
    record.append(CONTROLLER, "comms.event", "BDE-CMD-HF", {"net": "BDE-CMD-HF", "state": "down",
                                                           "units": ["ME-1BN"], "text": "-jammed"}, "k10")
    record.append(EVALUATOR, "observation.add", "", {"objective": "TO-1", "task": "", "text": "Good report",
                                                     "rating": "S"}, "k11")
    record.append(EVALUATOR, "observation.edit", "1", {"text": "Good report, late", "rating": "M", "version": 1},
                  "k12")
    record.append(DIRECTOR, "clock.pause", "", {}, "k13")
    record.append(DIRECTOR, "evaluation.close", "", {}, "k14")
    return record


@pytest.fixture
def record_db(tmp_path: Path, tiny_exercise: dict[str, t.Any]) -> Path:
    db = tmp_path / "rec" / "tiny.conduct.sqlite"
    db.parent.mkdir()
    make_record(db, tiny_exercise).conn.close()
    return db


def _lines(folder: Path) -> list[dict[str, t.Any]]:
    return [json.loads(line) for line in (folder / "events.jsonl").read_text("utf-8").splitlines()]


def test_every_line_validates_and_matches_the_record(record_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    done = export.export(record_db, out)
    events = _lines(out)
    assert done.events == len(events) == 14 and done.exercise_id == "TINY-HARBOUR"
    validator = schema.validator(EVENTS_SCHEMA)
    for event in events:
        assert list(event) == list(export.COLUMNS)
        assert [e.message for e in validator.iter_errors(event)] == [], event
    with sqlite3.connect(record_db) as conn:
        rows = conn.execute("SELECT seq, kind, subject, payload, idem FROM events ORDER BY seq").fetchall()
    assert [(e["seq"], e["kind"], e["subject"], e["payload"], e["idem"]) for e in events] == \
        [(s, k, sub, json.loads(p), i) for s, k, sub, p, i in rows]
    assert events[1]["ex_time"] == -30 and events[4]["idem"] is None and events[6]["idem"] == KEY


def test_the_schema_refuses_what_the_record_never_holds(record_db: Path, tmp_path: Path) -> None:
    export.export(record_db, tmp_path / "x")
    event = _lines(tmp_path / "x")[3]  # inject.release
    validator = schema.validator(EVENTS_SCHEMA)
    for key, value in [("kind", "inject.explode"), ("role", "admin"), ("wall", "2027-05-10 06:00"),
                       ("seq", 0), ("payload", {"text": "not for a release"}), ("extra", 1)]:
        assert list(validator.iter_errors({**event, key: value})), key
    assert list(validator.iter_errors({k: v for k, v in event.items() if k != "idem"}))


def test_csv_has_bom_crlf_and_formula_safe_cells(record_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    export.export(record_db, out)
    raw = (out / "events.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(export.COLUMNS)
    assert len(rows) == 15
    by_seq = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_seq["2"]["ex_time"] == "-30.0"  # a number, not escaped
    cells = [c for r in rows[1:] for c in r]
    # no text cell starts like a formula; the payload JSON keeps the text intact
    assert not [c for c in cells if (c and c[0] in "=+@\t\r") or (c.startswith("-") and not _number(c))]
    assert json.loads(by_seq["6"]["payload"]) == {"text": FORMULA}
    assert by_seq["7"]["idem"] == "'" + KEY and by_seq["7"]["kind"] == "inject.response"
    assert export.formula_safe(FORMULA) == "'" + FORMULA
    assert export.formula_safe("-jammed") == "'-jammed" and export.formula_safe("ok") == "ok"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_record_is_opened_read_only(record_db: Path) -> None:
    before = record_db.read_bytes()
    conn = export.open_readonly(record_db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO meta VALUES ('x', 'y')")
    conn.close()
    assert record_db.read_bytes() == before


def test_export_while_a_writer_holds_the_record(record_db: Path, tmp_path: Path,
                                                tiny_exercise: dict[str, t.Any]) -> None:
    record = Record(store.open_db(record_db, "TINY-HARBOUR"), tiny_exercise)
    record.conn.execute("BEGIN IMMEDIATE")  # the server is in the middle of a write
    record.conn.execute("INSERT INTO meta VALUES ('pending', 'write')")
    try:
        done = export.export(record_db, tmp_path / "live")
    finally:
        record.conn.execute("ROLLBACK")
        record.conn.close()
    assert done.events == 14


@pytest.mark.parametrize("content", [b"", b"hello, not a database", b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_file_that_is_not_a_record_is_one_plain_error(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_bytes(content)
    with pytest.raises(export.ExportError, match="not an exgen conduct record") as caught:
        export.export(db, tmp_path / "out")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE events (id INTEGER)")
        conn.execute("PRAGMA user_version = 1")
    with pytest.raises(export.ExportError, match="not an exgen conduct record"):
        export.export(db, tmp_path / "out")


def test_a_record_from_a_newer_exgen_is_refused(record_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(record_db) as conn:
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(export.ExportError, match="newer exgen"):
        export.export(record_db, tmp_path / "out")


def test_failure_half_way_leaves_nothing(record_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(record_db) as conn:  # appending is allowed; this row is damaged
        conn.execute("INSERT INTO events (wall, ex_time, actor, role, kind, subject, payload) "
                     "VALUES ('2027-05-10T06:00:00.000Z', 0, 'x', 'director', 'clock.start', '', 'not json')")
    with pytest.raises(export.ExportError, match="event 15 is damaged"):
        export.export(record_db, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rec"]


def test_an_earlier_export_is_replaced_only_with_force(record_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    export.export(record_db, out)
    (out / "events.csv").write_text("old", "utf-8")
    with pytest.raises(export.ExportError, match="not empty"):
        export.export(record_db, out)
    assert (out / "events.csv").read_text("utf-8") == "old"
    export.export(record_db, out, force=True)
    assert (out / "events.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export", "rec"]  # no temporary folder left


def test_force_never_replaces_a_folder_of_other_files(record_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "orders.docx").write_text("keep me", "utf-8")
    with pytest.raises(export.ExportError, match="more than an earlier export"):
        export.export(record_db, out, force=True)
    assert (out / "orders.docx").read_text("utf-8") == "keep me"
    with pytest.raises(export.ExportError, match="holds the record"):
        export.export(record_db, record_db.parent.parent, force=True)
    with pytest.raises(export.ExportError, match="holds the record"):
        export.export(record_db, record_db.parent, force=True)
    assert record_db.is_file()


def test_an_empty_folder_is_used(record_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert export.export(record_db, out).events == 14
    assert sorted(p.name for p in out.iterdir()) == sorted(export.FILES)


def test_cli_export_and_its_errors(record_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["record", "export", str(record_db), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Exported 14 events of exercise TINY-HARBOUR" in result.output
    again = runner.invoke(cli, ["record", "export", str(record_db), "-o", str(tmp_path / "out")])
    assert again.exit_code == 1 and "--force" in again.output
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("nothing", "utf-8")
    bad = runner.invoke(cli, ["record", "export", str(bogus), "-o", str(tmp_path / "out2")])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == [f"exgen: {bogus} is not an exgen conduct record "
                                               f"(file is not a database)"]
    missing = runner.invoke(cli, ["record", "export", str(tmp_path / "nope.sqlite"), "-o", str(tmp_path / "o3")])
    assert missing.exit_code == 1 and "no such file" in missing.output
