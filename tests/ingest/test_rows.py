"""Rows → imported injects: values with their cells, section titles skipped, maps and defaults, time problems."""

from __future__ import annotations

import datetime as dt
import typing as t
from pathlib import Path

import pytest

from exgen.core.diagnostics import Diagnostic
from exgen.ingest.headers import plan_columns
from exgen.ingest.mapping import Mapping, load_mapping
from exgen.ingest.rows import Imported, first_sentence, read_rows
from exgen.load.sheets.table import Cell, Table

UTC = dt.timezone.utc
STARTEX = dt.datetime(2027, 5, 10, 6, tzinfo=UTC)
KNOWN = {"mnb headquarters": "MNB-HQ", "mnb-hq": "MNB-HQ", "me-1bn": "ME-1BN", "mayor of dolmira": "RP-MAYOR"}
HSEEP = ["Event No.", "Time", "Date", "From", "To", "Mode", "Synopsis", "Expected Player Action", "Planner"]


def sheet(rows: dict[int, list[t.Any]], name: str | None = "MSEL") -> Table:
    table = Table("msel.xlsx", name)
    for number in sorted(rows):
        cells = [Cell(number, col, value) for col, value in enumerate(rows[number], 1) if value not in (None, "")]
        if cells:
            table.rows.append(cells)
    return table


def read(table: Table, mapping: Mapping | None = None, startex: dt.datetime | None = STARTEX,
         **kw: t.Any) -> tuple[list[Imported], list[Diagnostic]]:
    plan, found = plan_columns(table, mapping, **kw)
    assert plan is not None, [d.as_text() for d in found]
    return read_rows(table, plan, mapping, startex=startex, known=KNOWN)


def mapping_file(tmp_path: Path, text: str) -> tuple[Mapping, str]:
    path = tmp_path / "map.yaml"
    path.write_text("exgen-import: 1\n" + text, "utf-8")
    mapping, found = load_mapping(str(path))
    assert mapping is not None, [d.as_text() for d in found]
    return mapping, str(path)


def plain(row: Imported) -> dict[str, list[tuple[t.Any, str]]]:
    """A row's values with each cell as users see it."""
    return {name: [(value, str(where)) for value, where in got] for name, got in row.values.items()}


def texts(found: list[Diagnostic]) -> list[str]:
    return [d.as_text() for d in found]


def test_an_hseep_row_with_every_value_located() -> None:
    table = sheet({1: ["EXERCISE ADRIATIC SHIELD — MSEL"], 3: HSEEP,
                   4: [1, "07:30", "2027-05-11", "MNB headquarters (MNB-HQ)", "ME-1BN; Mayor of Dolmira",
                       "Phone call", "Power cut", None, "Bob"]})
    rows, found = read(table)
    assert found == [] and len(rows) == 1
    row = rows[0]
    assert (row.row, str(row.location)) == (4, "msel.xlsx:MSEL!A4")
    assert plain(row) == {
        "id": [("1", "msel.xlsx:MSEL!A4")],
        "from": [("MNB-HQ", "msel.xlsx:MSEL!D4")],
        "to": [(["ME-1BN", "RP-MAYOR"], "msel.xlsx:MSEL!E4")],
        "method": [("phone", "msel.xlsx:MSEL!F4")],
        "title": [("Power cut", "msel.xlsx:MSEL!G4")],
        "x-planner": [("Bob", "msel.xlsx:MSEL!I4")],
        "time": [(dt.datetime(2027, 5, 11, 7, 30, tzinfo=UTC), "msel.xlsx:MSEL!B4")],
    }
    assert {name: str(where) for name, where in row.empty.items()} == {"expected_action": "msel.xlsx:MSEL!H4"}


def test_section_titles_and_blank_rows_are_skipped() -> None:
    table = sheet({1: HSEEP,
                   2: ["DAY 1 — 10 MAY"],                        # only the first column
                   3: [None, None, None, "PHASE II: RESPONSE"],  # one cell, neither time nor title
                   4: [None, "   "],                            # blank text
                   5: [None] * 8 + ["Bob"],                     # one cell, in a custom column
                   6: [None, None, None, None, None, None, "A row with only a title"],
                   7: [2, "0800", 1, "MNB-HQ", "ME-1BN", "radio", "Next"]})
    rows, found = read(table)
    assert [r.row for r in rows] == [6, 7]  # a lone title is a row
    assert found == []


def test_rows_holding_only_ignored_cells_are_skipped(tmp_path: Path) -> None:
    mapping, _ = mapping_file(tmp_path, "columns: {Planner: ignore}\n")
    rows, _ = read(sheet({1: HSEEP, 2: [None] * 8 + ["Bob"], 3: [None] * 8 + ["Ann"]}), mapping)
    assert rows == []


def test_rows_above_the_header_are_not_read() -> None:
    rows, _ = read(sheet({1: ["Prepared by", "J7", "Version", "3"], 2: HSEEP, 3: [1, "07:30", 0]}))
    assert [r.row for r in rows] == [3]


def test_value_maps_then_defaults(tmp_path: Path) -> None:
    mapping, path = mapping_file(tmp_path, (
        'columns:\n'
        '  "Mode": {field: method, values: {"Call": radio}}\n'
        'values:\n'
        '  method: {"Call": phone, "Walk": in-person}\n'
        '  from: {"Brigade G3": MNB-HQ}\n'
        'defaults:\n'
        '  method: document\n'
        '  net: BDE-CMD-HF\n'
        '  to: [ME-1BN, MNB headquarters]\n'))
    table = sheet({1: ["No", "Time", "Date", "From", "Mode", "Title"],
                   2: ["A", "07:30", 0, "Brigade G3", "Call", "t"],
                   3: ["B", "07:30", 0, "x", "walk", "t"],
                   4: ["C", "07:30", 0, "x", None, "t"]})
    rows, found = read(table, mapping)
    assert found == []
    assert [r.values["method"][0][0] for r in rows] == ["radio", "in-person", "document"]
    assert rows[0].values["from"][0][0] == "MNB-HQ"
    assert str(rows[2].values["method"][0][1]) == f"{path}:8:11"  # a default is located in the mapping file
    assert "method" not in rows[2].empty
    assert rows[0].values["to"][0][0] == ["ME-1BN", "MNB-HQ"]
    assert rows[0].values["net"][0][0] == "BDE-CMD-HF"


def test_a_value_map_for_time(tmp_path: Path) -> None:
    mapping, _ = mapping_file(tmp_path, 'values:\n  time: {"H-hour": "D+0 06:00"}\n')
    rows, found = read(sheet({1: ["No", "Time", "Title"], 2: ["A", "H-Hour", "t"]}), mapping)
    assert found == [] and rows[0].values["time"][0][0] == STARTEX


def test_mapping_zone_and_startex(tmp_path: Path) -> None:
    mapping, _ = mapping_file(tmp_path, 'timezone: Europe/Belgrade\nstartex: "2027-05-10T06:00:00Z"\n')
    rows, found = read(sheet({1: ["No", "Time", "Day", "Title"], 2: ["A", "08:30", 1, "t"]}), mapping, startex=None)
    assert found == [] and rows[0].values["time"][0][0] == dt.datetime(2027, 5, 11, 6, 30, tzinfo=UTC)


def xlsx_row(serial: t.Any, ident: str, dtg: str, dtime: str) -> list[t.Any]:
    return [serial, ident, dtg, dtime, "D+0", "PH-1 Assumption", "ME-3 Command and control", "MI-3.1 Assumption of "
            "responsibility", "Multinational Division Headquarters (played by HICON) (MND-HICON)",
            "MNB headquarters (MNB-HQ); 1st Battalion (ME-1BN)", "Document", "", "FRAGO 03", "Text.", "Act.",
            "TO-1; TO-2", "C2 event", "DISARM:T0023 Distort Facts\nATTACK:T1486 Data Encrypted", "MND G3",
            "HICON G3 controller (CTRL-HICON)", "Delivered"]


EXGEN = ["Serial", "Inject id", "DTG", "D-time", "Day", "Phase", "Main event", "Main incident", "From", "To", "Method",
         "Net", "Title", "Description", "Expected action", "Objectives", "Threat kind", "Catalogue ids", "Source",
         "Responsible controller", "Status"]


def test_exgens_own_workbook_row(tmp_path: Path) -> None:
    mapping, _ = mapping_file(tmp_path, "timezone: Europe/Belgrade\n")  # exgen writes UTC: the zone does not apply
    rows, found = read(sheet({1: EXGEN, 2: xlsx_row(1, "INJ-001", "100630ZMAY27", "D+0 06:31")}, "All injects"),
                       mapping, custom_names=["x-source"])
    assert found == []
    values = plain(rows[0])
    assert values["time"] == [(dt.datetime(2027, 5, 10, 6, 30, tzinfo=UTC), "msel.xlsx:'All injects'!C2"),
                              (dt.datetime(2027, 5, 10, 6, 31, tzinfo=UTC), "msel.xlsx:'All injects'!D2")]
    assert values["incident"] == [("MI-3.1", "msel.xlsx:'All injects'!H2")]
    assert values["from"][0][0] == "MND-HICON" and values["to"][0][0] == ["MNB-HQ", "ME-1BN"]
    assert values["method"][0][0] == "document" and values["threat.kind"][0][0] == "c2"
    assert values["objectives"][0][0] == ["TO-1", "TO-2"]
    assert values["threat.ids"][0][0] == ["DISARM:T0023", "ATTACK:T1486"]
    assert values["controller"][0][0] == "CTRL-HICON" and values["x-source"][0][0] == "MND G3"
    assert not {"serial", "ignore", "Phase", "Day"} & set(values)
    assert set(rows[0].empty) == {"net"}


def test_exgens_heading_rows_are_skipped() -> None:
    heading = ["ME-1", None, None, None, None, "PH-1", None, None, None, None, None, None, "Main event: Hostile info"]
    rows, _ = read(sheet({1: EXGEN, 2: heading, 3: xlsx_row(1, "INJ-001", "100630ZMAY27", "D+0 06:30")}))
    assert [r.row for r in rows] == [3]


def test_a_new_row_without_a_serial_is_read() -> None:
    rows, _ = read(sheet({1: EXGEN, 2: xlsx_row(None, "INJ-NEW", "", "D+1 07:00")}))
    assert rows[0].values["id"][0][0] == "INJ-NEW" and len(rows[0].values["time"]) == 1


def test_bad_time_at_its_cell() -> None:
    rows, found = read(sheet({1: HSEEP, 2: [1, "soon", "2027-05-10", "A", "B", "radio", "t"]}))
    assert texts(found)[0].startswith("msel.xlsx:MSEL!B2: error[import-bad-time]: 'soon' is not a time exgen can "
                                      "read; write it as 2027-05-10T06:30Z")
    assert "time" not in rows[0].values and "time" not in rows[0].empty


def test_bad_date_at_the_date_cell() -> None:
    _, found = read(sheet({1: HSEEP, 2: [1, "07:30", "31 April 2027", "A", "B", "radio", "t"]}))
    assert texts(found) == ["msel.xlsx:MSEL!C2: error[import-bad-time]: '31 April 2027' is not a time exgen can "
                            "read: there is no such day"]


def test_ambiguous_date_at_its_cell(tmp_path: Path) -> None:
    table = sheet({1: HSEEP, 2: [1, "07:30", "05/10/2027", "A", "B", "radio", "t"]})
    _, found = read(table)
    assert texts(found)[0].startswith("msel.xlsx:MSEL!C2: error[import-ambiguous-date]: '05/10/2027' could be day 5 "
                                      "of month 10 or day 10 of month 5")
    mapping, _ = mapping_file(tmp_path, "date_order: mdy\n")
    rows, found = read(table, mapping)
    assert found == [] and rows[0].values["time"][0][0] == dt.datetime(2027, 5, 10, 7, 30, tzinfo=UTC)


def test_needs_startex_is_said_once_at_the_first_cell() -> None:
    table = sheet({1: HSEEP, 2: [1, "D+1 07:30", None, "A"], 3: [2, "08:00", "D+2", "A"], 4: [3, "09:00", 2, "A"]})
    _, found = read(table, startex=None)
    assert texts(found) == ["msel.xlsx:MSEL!B2: error[import-needs-startex]: a day written as D+N (here D+1) counts "
                            "from the STARTEX day, and STARTEX is not known: import into a definition with --into, "
                            "or give startex: in the mapping file"]
    _, found = read(sheet({1: HSEEP, 2: [1, "07:30", 3, "A"]}), startex=None)
    assert [str(d.location) for d in found] == ["msel.xlsx:MSEL!C2"]


def test_an_empty_time_is_empty() -> None:
    rows, found = read(sheet({1: HSEEP, 2: [1, None, None, "A", "B"]}))
    assert found == [] and str(rows[0].empty["time"]) == "msel.xlsx:MSEL!B2"


def test_title_from_the_description() -> None:
    long = "The " + "very " * 30 + "long sentence. Second."
    table = sheet({1: ["No", "Time", "Description"], 2: ["A", "D+0 07:00", "Power cut at the port. Crews on site."],
                   3: ["B", "D+0 08:00", long], 4: ["C", "D+0 09:00"]})
    rows, _ = read(table)
    assert plain(rows[0])["title"] == [("Power cut at the port", "msel.xlsx:MSEL!C2")]
    title = rows[1].values["title"][0][0]
    assert len(title) <= 120 and title.endswith("very…") and long.startswith(title[:-1])
    assert "title" not in rows[2].values


@pytest.mark.parametrize(("text", "expected"), [
    ("Short one", "Short one"),
    ("Ends here. Then more.", "Ends here"),
    ("Question? Yes.", "Question?"),
    ("First line\nsecond line", "First line"),
    ("x" * 130, "x" * 119 + "…"),
    ("word " * 30, ("word " * 24).strip() + "…"),
])
def test_first_sentence(text: str, expected: str) -> None:
    assert first_sentence(text) == expected
    assert len(first_sentence(text)) <= 120


@pytest.mark.parametrize("name", ["MSEL", "All injects", "It's", None])
def test_cells_are_located_as_the_table_says(name: str | None) -> None:
    table = sheet({1: HSEEP, 30: [7] + [None] * 26 + ["x"]}, name)
    table.rows[0].append(Cell(1, 28, "Remarks"))
    rows, _ = read(table)
    for got in rows[0].values.values():
        for _, where in got:
            assert where == table.location(where.line, where.col)
    assert rows[0].location == table.row_location(30)
    assert str(rows[0].values["notes"][0][1]).endswith("AB30")
