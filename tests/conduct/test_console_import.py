"""exgen record import-console: an offline console's CSV export becomes events in the record, once."""

from __future__ import annotations

import json
import re
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.check import schema
from exgen.cli import cli
from exgen.conduct import console_import, export, store
from exgen.conduct.record import Actor, Record

HEADER = ["serial", "id", "dtg", "dtime", "title", "to", "status", "status_label", "status_set_at_dtime",
          "status_set_at_utc"]
LABELS = {"pending": "Pending", "delivered": "Delivered", "observed": "Action observed",
          "contingency": "Contingency"}


def console_cell(value: t.Any) -> str:
    """One cell as templates/console/app.js.j2 writes it: formula-safe, always quoted, quotes doubled."""
    text = "" if value is None else str(value)
    if re.match(r"^[=+\-@\t\r]", text):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'


def console_csv(exercise: dict[str, t.Any], status: dict[str, tuple[str, str, str]],
                titles: dict[str, str] | None = None) -> bytes:
    """The console's "Export CSV" file: BOM, CRLF, every inject, ``status`` = id → (status, dtime, utc)."""
    lines = [",".join(console_cell(c) for c in HEADER)]
    for inj in exercise["injects"]:
        s, at, utc = status.get(inj["id"], ("pending", "", ""))
        title = (titles or {}).get(inj["id"], inj["title"])
        lines.append(",".join(console_cell(c) for c in [inj["serial"], inj["id"], inj["dtg"], inj["dtime"], title,
                                                         " ".join(inj["to"]), s, LABELS.get(s, s), at, utc]))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture
def record(db_path: Path, tiny_exercise: dict[str, t.Any]) -> t.Iterator[Record]:
    rec = Record(store.open_db(db_path, "TINY-HARBOUR"), tiny_exercise)
    yield rec
    rec.conn.close()


STATUS = {"INJ-001": ("delivered", "D+0 08:05", "2027-05-10T08:05:12.345Z"),
          "INJ-002": ("observed", "D+0 10:30", "2027-05-10T10:31:00.000Z"),
          "INJ-003": ("contingency", "D+0 10:40", "2027-05-10T10:41:00.000Z")}


def _write(tmp_path: Path, data: bytes, name: str = "TINY-HARBOUR-inject-status.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_statuses_become_events(record: Record, tiny_exercise: dict[str, t.Any], tmp_path: Path) -> None:
    titles = {"INJ-001": '=HYPERLINK("x"), "quoted", comma', "INJ-004": "-minus\r\nand a second line"}
    path = _write(tmp_path, console_csv(tiny_exercise, STATUS, titles))
    done, found = console_import.import_console(path, record)
    assert found == [] and done is not None and not done.replay
    assert (done.rows, done.events) == (3, 2 + 4 + 1 + 1)
    status = {i["id"]: i["status"] for i in record.injects()}
    assert status == {"INJ-001": "delivered", "INJ-002": "completed", "INJ-003": "planned", "INJ-004": "planned",
                      "INJ-005": "planned", "INJ-006": "planned"}
    note = record.inject_view("INJ-003")["notes"][-1]
    assert note["actor"] == "console-import" and note["text"] == "contingency issued (EXCON console, D+0 10:40)"
    events = record.events_after(0)
    assert [(e.kind, e.subject) for e in events] == [
        ("inject.release", "INJ-001"), ("inject.deliver", "INJ-001"), ("inject.release", "INJ-002"),
        ("inject.deliver", "INJ-002"), ("inject.acknowledge", "INJ-002"), ("inject.complete", "INJ-002"),
        ("inject.annotate", "INJ-003"), ("record.import", done.sha256)]
    assert {(e.actor, e.role) for e in events} == {("console-import", "import")}
    rows = events[-1].payload["rows"]
    assert events[-1].payload["source"] == path.name
    assert rows[0] == {"row": 2, "inject": "INJ-001", "status": "delivered", "at": 125,
                       "at_utc": "2027-05-10T08:05:12.345Z", "actions": ["release", "deliver"]}
    assert [r["at"] for r in rows] == [125, 270, 280]


def test_importing_the_same_file_again_adds_nothing(record: Record, tiny_exercise: dict[str, t.Any],
                                                    tmp_path: Path) -> None:
    path = _write(tmp_path, console_csv(tiny_exercise, STATUS))
    first, _ = console_import.import_console(path, record)
    last = record.last_seq()
    again, found = console_import.import_console(path, record)
    assert found == [] and again is not None and again.replay and first is not None and again.seq == first.seq
    assert record.last_seq() == last


def test_a_later_export_adds_only_what_changed(record: Record, tiny_exercise: dict[str, t.Any],
                                               tmp_path: Path) -> None:
    console_import.import_console(_write(tmp_path, console_csv(tiny_exercise, STATUS), "a.csv"), record)
    later = dict(STATUS, **{"INJ-001": ("observed", "D+0 09:00", ""), "INJ-005": ("delivered", "", "")})
    done, found = console_import.import_console(_write(tmp_path, console_csv(tiny_exercise, later), "b.csv"), record)
    assert found == [] and done is not None
    kinds = [(e.kind, e.subject) for e in record.events_after(8)]
    # INJ-001 goes on from delivered; INJ-002 is already completed; INJ-003's note is there already
    assert kinds == [("inject.acknowledge", "INJ-001"), ("inject.complete", "INJ-001"),
                     ("inject.release", "INJ-005"), ("inject.deliver", "INJ-005"), ("record.import", done.sha256)]


def test_state_set_on_the_server_is_taken_into_account(record: Record, tiny_exercise: dict[str, t.Any],
                                                      tmp_path: Path) -> None:
    controller = Actor("ctl-w", "controller")
    record.append(controller, "inject.hold", "INJ-001", {}, "h")
    record.append(controller, "inject.release", "INJ-002", {}, "r")
    done, found = console_import.import_console(_write(tmp_path, console_csv(tiny_exercise, STATUS)), record)
    assert found == [] and done is not None
    assert [(e.kind, e.subject) for e in record.events_after(2)][:5] == [
        ("inject.release", "INJ-001"), ("inject.deliver", "INJ-001"), ("inject.deliver", "INJ-002"),
        ("inject.acknowledge", "INJ-002"), ("inject.complete", "INJ-002")]


def _refused(record: Record, path: Path) -> list[str]:
    before = record.last_seq()
    done, found = console_import.import_console(path, record)
    assert done is None and found and record.last_seq() == before
    return [d.as_text() for d in found]


def test_unknown_inject_is_located_and_nothing_is_written(record: Record, tiny_exercise: dict[str, t.Any],
                                                          tmp_path: Path) -> None:
    other = json.loads(json.dumps(tiny_exercise))
    other["injects"][3]["id"] = "INJ-999"  # the fourth data row, line 5
    path = _write(tmp_path, console_csv(other, STATUS))
    assert _refused(record, path) == [
        f"{path}:5:1: error[console-unknown-inject]: inject 'INJ-999' is not in this exercise: is the export from "
        "another exercise's console?"]


def test_line_numbers_count_lines_inside_quoted_cells(record: Record, tiny_exercise: dict[str, t.Any],
                                                      tmp_path: Path) -> None:
    titles = {"INJ-002": "two\r\nlines", "INJ-003": "three\nmore\nlines"}
    bad = dict(STATUS, **{"INJ-005": ("lost", "", "")})
    path = _write(tmp_path, console_csv(tiny_exercise, bad, titles))
    assert _refused(record, path) == [f"{path}:9:1: error[console-status]: status 'lost' is not one the console "
                                      "writes (pending, delivered, observed, contingency)"]


def test_every_problem_is_reported_at_once(record: Record, tiny_exercise: dict[str, t.Any], tmp_path: Path) -> None:
    text = console_csv(tiny_exercise, dict(STATUS, **{"INJ-004": ("delivered", "tomorrow", "noon")})).decode("utf-8")
    text = text.replace('"INJ-006"', '"INJ-001"') + '"7","INJ-002"\r\n'
    found = _refused(record, _write(tmp_path, text.encode("utf-8")))
    codes = [re.search(r"\[(.*?)\]", f).group(1) for f in found]  # type: ignore[union-attr]
    assert codes == ["console-time", "console-time", "console-duplicate-inject", "console-row"]
    assert ":5:1:" in found[0] and ":7:1:" in found[2] and "also on line 2" in found[2] and ":8:1:" in found[3]


def test_a_cancelled_inject_the_console_delivered_is_a_conflict(record: Record, tiny_exercise: dict[str, t.Any],
                                                               tmp_path: Path) -> None:
    record.append(Actor("exdir", "director"), "inject.cancel", "INJ-002", {}, "c")
    found = _refused(record, _write(tmp_path, console_csv(tiny_exercise, STATUS)))
    assert len(found) == 1 and ":3:1: error[console-conflict]: inject INJ-002 is cancelled in the record" in found[0]


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe" + "serial,id".encode("utf-16-le"), "not UTF-8"),
    (b"name,when\r\nx,y\r\n", "no column id or status"),
    (b"", "no column id or status"),
    (b'"id","status"\r\n"INJ-001,"delivered\r\n', "not well-formed CSV"),
])
def test_files_that_are_not_console_exports(record: Record, tmp_path: Path, data: bytes, message: str) -> None:
    found = _refused(record, _write(tmp_path, data))
    assert len(found) == 1 and message in found[0]


def test_a_spreadsheet_that_saved_with_semicolons_is_read(record: Record, tiny_exercise: dict[str, t.Any],
                                                          tmp_path: Path) -> None:
    text = "id;status;status_set_at_dtime\r\nINJ-001;delivered;D+0 08:05\r\nINJ-002;pending;\r\n"
    done, found = console_import.import_console(_write(tmp_path, text.encode("utf-8")), record)
    assert found == [] and done is not None and done.rows == 1
    assert record.inject_view("INJ-001")["status"] == "delivered"


def test_imported_events_export_valid(record: Record, tiny_exercise: dict[str, t.Any], tmp_path: Path,
                                      db_path: Path) -> None:
    console_import.import_console(_write(tmp_path, console_csv(tiny_exercise, STATUS)), record)
    export.export(db_path, tmp_path / "out")
    validator = schema.validator("conduct-events.schema.json")
    lines = (tmp_path / "out" / "events.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 8
    assert [e.message for line in lines for e in validator.iter_errors(json.loads(line))] == []


def _package(tmp_path: Path, exercise: dict[str, t.Any]) -> Path:
    pkg = tmp_path / "pkg"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "exercise.json").write_text(json.dumps(exercise), "utf-8")
    return pkg


def test_cli_imports_and_reports(tiny_exercise: dict[str, t.Any], tmp_path: Path) -> None:
    pkg, db = _package(tmp_path, tiny_exercise), tmp_path / "tiny.conduct.sqlite"
    path = _write(tmp_path, console_csv(tiny_exercise, STATUS))
    runner = CliRunner()
    result = runner.invoke(cli, ["record", "import-console", str(path), "--db", str(db), "--package", str(pkg)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 console statuses" in result.output and "a new record" in result.output
    again = runner.invoke(cli, ["record", "import-console", str(path), "--db", str(db), "--package", str(pkg)])
    assert again.exit_code == 0 and "imported before" in again.output


def test_cli_error_writes_nothing(tiny_exercise: dict[str, t.Any], tmp_path: Path) -> None:
    pkg, db = _package(tmp_path, tiny_exercise), tmp_path / "tiny.conduct.sqlite"
    path = _write(tmp_path, console_csv(tiny_exercise, dict(STATUS, **{"INJ-004": ("lost", "", "")})))
    result = CliRunner().invoke(cli, ["record", "import-console", str(path), "--db", str(db), "--package", str(pkg)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:5:1: error[console-status]: status 'lost' is not one the console writes (pending, delivered, "
        "observed, contingency)", f"exgen: nothing imported: 1 problem in {path}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["pkg", path.name])
    nopkg = CliRunner().invoke(cli, ["record", "import-console", str(path), "--db", str(db), "--package",
                                     str(tmp_path / "missing")])
    assert nopkg.exit_code == 1 and "is not a package directory" in nopkg.output
