"""Reading a conduct record for the AAR: events.jsonl from exgen record export, or the console's status CSV."""

from __future__ import annotations

import collections
import json
import typing as t
from pathlib import Path

import pytest

from exgen.aar.codes import AAR_CODES
from exgen.aar.record import Record, read_record
from exgen.aar.record_console import HEADER
from exgen.core.diagnostics import Severity
from tests.conftest import ROOT

SAMPLE = ROOT / "scenarios" / "adriatic-shield" / "aar" / "events.jsonl"


@pytest.fixture(scope="module")
def exercise(flagship_package: Path) -> dict:
    return json.loads((flagship_package / "data" / "exercise.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def lines() -> list[dict[str, t.Any]]:
    return [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()]


def _read(path: Path, exercise: dict) -> tuple[Record | None, list[str]]:
    record, found = read_record(str(path), exercise)
    return record, [f"{d.location} {d.code}" for d in found]


def test_the_sample_record_reads_without_a_diagnostic_and_holds_every_event(exercise: dict, lines: list) -> None:
    record, found = _read(SAMPLE, exercise)
    assert found == [] and record is not None
    kinds = collections.Counter(e["kind"] for e in lines)
    # every kind a conduct writes, except the console import, appears in the sample
    assert set(kinds) == {"clock.start", "clock.pause", "inject.release", "inject.deliver", "inject.acknowledge",
                          "inject.complete", "inject.hold", "inject.cancel", "inject.retime", "inject.annotate",
                          "inject.response", "inject.add", "comms.event", "observation.add", "observation.edit",
                          "evaluation.close"}
    assert record.source == "events.jsonl" and record.events == len(lines)
    assert len(record.observations) == kinds["observation.add"]
    assert len(record.comms) == kinds["comms.event"]
    assert [c.kind for c in record.clock] == ["start", "pause"]
    assert record.evaluation_closed
    assert len(record.injects) == len(exercise["injects"]) + kinds["inject.add"]
    delivered = {e["subject"]: e["ex_time"] for e in lines if e["kind"] == "inject.deliver"}
    assert {i for i, r in record.injects.items() if r.times.get("deliver") is not None} == set(delivered)
    assert all(record.injects[i].times["deliver"] == when for i, when in delivered.items())
    assert record.first_time() == min(e["ex_time"] for e in lines)
    assert record.last_time() == max(e["ex_time"] for e in lines)


def test_held_cancelled_retimed_and_ad_hoc_injects_keep_their_story(exercise: dict, lines: list) -> None:
    record, _ = _read(SAMPLE, exercise)
    assert record is not None
    statuses = collections.Counter(r.status for r in record.injects.values())
    assert statuses["held"] == 1 and statuses["cancelled"] == 1
    held = next(r for r in record.injects.values() if r.status == "held")
    assert held.times.get("hold") is not None and held.times.get("deliver") is None and held.annotations
    retime = next(e for e in lines if e["kind"] == "inject.retime")
    assert record.injects[retime["subject"]].retimes == [(retime["ex_time"], retime["payload"]["time"])]
    added = next(e for e in lines if e["kind"] == "inject.add")
    run = record.injects[added["subject"]]
    assert run.adhoc and run.planned == added["payload"]["time"] and run.content is not None
    assert run.title == added["payload"]["inject"]["title"] and run.serial == added["payload"]["inject"]["serial"]
    responses = [e for e in lines if e["kind"] == "inject.response"]
    assert sum(len(r.responses) for r in record.injects.values()) == len(responses)


def test_an_observations_last_edit_wins(exercise: dict, lines: list) -> None:
    record, _ = _read(SAMPLE, exercise)
    assert record is not None
    edit = [e for e in lines if e["kind"] == "observation.edit"][-1]
    seen = next(o for o in record.observations if o.number == edit["subject"])
    assert (seen.text, seen.rating, seen.edits) == (edit["payload"]["text"], edit["payload"]["rating"], 1)
    added = next(e for e in lines if e["kind"] == "observation.add" and e["subject"] == edit["subject"])
    assert seen.rating != added["payload"]["rating"] and seen.author == added["actor"]


def _console(rows: list[list[object]], *, bom: bool = True, header: t.Sequence[str] = HEADER) -> bytes:
    """A status export written the way templates/console/app.js.j2 writes it: BOM, quoted cells, CRLF,
    a cell starting like a formula prefixed with '."""
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
            text = "'" + text
        return '"' + text.replace('"', '""') + '"'

    lines = [",".join(map(cell, header))] + [",".join(map(cell, r)) for r in rows]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _row(exercise: dict, inject_id: str, status: str, at: str = "") -> list[object]:
    inject = next(i for i in exercise["injects"] if i["id"] == inject_id)
    labels = {"pending": "Pending", "delivered": "Delivered", "observed": "Action observed",
              "contingency": "Contingency"}
    return [inject["serial"], inject_id, inject["dtg"], inject["dtime"], inject["title"], " ".join(inject["to"]),
            status, labels.get(status, status), at, "2027-05-10T06:41:07.000Z" if at else ""]


def test_a_console_export_reads_as_a_record(exercise: dict, tmp_path: Path) -> None:
    rows = [_row(exercise, "INJ-001", "delivered", "D+0 06:41"), _row(exercise, "INJ-002", "observed", "D+0 08:20"),
            _row(exercise, "INJ-006", "contingency", "D+0 13:40"), _row(exercise, "INJ-003", "pending")]
    rows[0][4] = "=HYPERLINK(\"x\") title"  # escaped by the console, read back as it was
    path = tmp_path / "ADRIATIC-SHIELD-27-inject-status.csv"
    path.write_bytes(_console(rows))
    record, found = _read(path, exercise)
    assert found == [] and record is not None
    assert record.source == "console" and record.events == 3
    first, second = record.injects["INJ-001"], record.injects["INJ-002"]
    assert first.status == "delivered" and first.times == {"release": 41.0, "deliver": 41.0}
    assert second.status == "completed" and second.times["deliver"] == second.times["complete"] == 140.0
    assert record.injects["INJ-006"].status == "planned" and record.injects["INJ-006"].annotations[0].ex_time == 460
    assert record.injects["INJ-003"].status == "planned"
    assert (record.first_time(), record.last_time()) == (41.0, 460.0)


def test_a_semicolon_console_export_saved_by_a_spreadsheet_still_reads(exercise: dict, tmp_path: Path) -> None:
    path = tmp_path / "status.csv"
    path.write_bytes(_console([_row(exercise, "INJ-001", "delivered", "D+0 06:41")]).replace(b'","', b'";"'))
    record, found = _read(path, exercise)
    assert found == [] and record is not None and record.injects["INJ-001"].status == "delivered"


# -- bad input: every problem located at its line --------------------------------------------------------


def _jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_truncated_line_is_reported_at_its_line_and_column(exercise: dict, lines: list, tmp_path: Path) -> None:
    good = [json.dumps(e) for e in lines[:3]]
    cut = good[2][: good[2].index('"kind": ') + len('"kind": ')]  # cut short after a key: a value is expected
    record, found = _read(_jsonl(tmp_path, [good[0], good[1], cut]), exercise)
    assert record is not None and record.events == 2
    assert found == [f"{tmp_path / 'events.jsonl'}:3:{len(cut) + 1} aar-record-bad-json"]


@pytest.mark.parametrize(("change", "code"), [
    ({"kind": "inject.explode"}, "aar-record-bad-event"),
    ({"payload": {"text": 5}}, "aar-record-bad-event"),
    ({"extra": 1}, "aar-record-bad-event"),
    ({"subject": "INJ-999"}, "aar-record-unknown-inject"),
    ({"seq": 1}, "aar-record-order"),
])
def test_a_line_that_is_no_usable_event_is_reported_and_left_out(exercise: dict, lines: list, tmp_path: Path,
                                                               change: dict, code: str) -> None:
    release = next(e for e in lines if e["kind"] == "inject.release")
    bad = {**release, "seq": 3, **change}
    text = [json.dumps(lines[0]), json.dumps({**lines[0], "seq": 2, "kind": "clock.pause"}), json.dumps(bad)]
    record, found = _read(_jsonl(tmp_path, text), exercise)
    assert found == [f"{tmp_path / 'events.jsonl'}:3:1 {code}"]
    assert record is not None and record.events == 2 and record.injects[release["subject"]].status == "planned"


def test_an_observation_of_an_unknown_objective_or_an_edit_of_no_observation_is_located(
        exercise: dict, lines: list, tmp_path: Path) -> None:
    add = next(e for e in lines if e["kind"] == "observation.add")
    edit = next(e for e in lines if e["kind"] == "observation.edit")
    text = [json.dumps({**add, "seq": 1, "payload": {**add["payload"], "objective": "TO-99"}}),
            json.dumps({**edit, "seq": 2}),
            json.dumps({**add, "seq": 3, "payload": {**add["payload"], "task": "Not a task of it"}})]
    _, found = _read(_jsonl(tmp_path, text), exercise)
    assert found == [f"{tmp_path / 'events.jsonl'}:{n}:1 aar-record-unknown-subject" for n in (1, 2, 3)]


def test_a_comms_event_on_an_unknown_pace_plan_is_located(exercise: dict, lines: list, tmp_path: Path) -> None:
    comms = next(e for e in lines if e["kind"] == "comms.event" and "pace" in e["payload"])
    text = [json.dumps({**comms, "seq": 1, "payload": {**comms["payload"], "pace": "PACE-NONE"}})]
    _, found = _read(_jsonl(tmp_path, text), exercise)
    assert found == [f"{tmp_path / 'events.jsonl'}:1:1 aar-record-unknown-subject"]


def test_a_file_that_is_not_utf8_or_is_missing_is_refused(exercise: dict, lines: list, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(json.dumps(lines[0]).encode() + b"\n" + b'{"seq": 2, "subject": "\xff"}\n')
    assert _read(path, exercise) == (None, [f"{path}:2:1 aar-record-file"])
    assert _read(tmp_path / "none.jsonl", exercise) == (None, [f"{tmp_path / 'none.jsonl'} aar-record-file"])


def test_an_empty_record_is_a_warning(exercise: dict, tmp_path: Path) -> None:
    record, found = _read(_jsonl(tmp_path, []), exercise)
    assert record is not None and found == [f"{tmp_path / 'events.jsonl'} aar-record-empty"]


def test_a_csv_with_a_wrong_header_is_refused_at_line_one(exercise: dict, tmp_path: Path) -> None:
    path = tmp_path / "status.csv"
    path.write_bytes(_console([_row(exercise, "INJ-001", "delivered", "D+0 06:41")],
                              header=[h for h in HEADER if h != "status_set_at_dtime"] + ["set_at"]))
    assert _read(path, exercise) == (None, [f"{path}:1:1 aar-record-csv-header"])


def test_a_csv_without_the_consoles_bom_is_read_with_a_warning(exercise: dict, tmp_path: Path) -> None:
    path = tmp_path / "status.csv"
    path.write_bytes(_console([_row(exercise, "INJ-001", "delivered", "D+0 06:41")], bom=False))
    record, found = _read(path, exercise)
    assert found == [f"{path}:1:1 aar-record-csv-no-bom"]
    assert record is not None and record.injects["INJ-001"].status == "delivered"


def test_bad_console_rows_are_located_at_their_lines(exercise: dict, tmp_path: Path) -> None:
    rows = [_row(exercise, "INJ-001", "delivered", "D+0 06:41"), _row(exercise, "INJ-001", "observed", "D+0 07:00"),
            _row(exercise, "INJ-002", "sent", "D+0 08:00"), _row(exercise, "INJ-003", "delivered", "half past"),
            _row(exercise, "INJ-004", "delivered")[:5], [*_row(exercise, "INJ-005", "pending")[:1], "INJ-999",
                                                          *_row(exercise, "INJ-005", "pending")[2:]]]
    path = tmp_path / "status.csv"
    path.write_bytes(_console(rows))
    record, found = _read(path, exercise)
    assert found == [f"{path}:{n}:1 {c}" for n, c in [(3, "aar-record-csv-row"), (4, "aar-record-csv-row"),
                                                       (5, "aar-record-csv-row"), (6, "aar-record-csv-row"),
                                                       (7, "aar-record-unknown-inject")]]
    assert record is not None and record.events == 1


def test_every_record_code_is_documented_with_its_severity() -> None:
    docs = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    after = docs[docs.index("## After-action"):]
    for code, (severity, _) in AAR_CODES.items():
        if code.startswith("aar-record-"):
            section = after[after.index(f"### {code}\n"):]
            assert section.split("\n\n")[1] == f"Severity: **{severity.value}**", code
    assert AAR_CODES["aar-record-csv-no-bom"][0] is Severity.WARNING
