"""Header rows: exgen's own MEL recognised exactly, common MSEL headers recognised, the rest custom fields."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

import pytest

from exgen.ingest.headers import ALIASES, ColumnPlan, plan_columns
from exgen.ingest.mapping import Mapping, load_mapping
from exgen.load.sheets.table import Cell, Table
from tests.conftest import FLAGSHIP, ROOT

TEMPLATES = ROOT / "templates"


def sheet(rows: dict[int, list[t.Any]], name: str | None = "MSEL", file: str = "msel.xlsx") -> Table:
    """A table with the given rows (None and "" are empty cells)."""
    table = Table(file, name)
    for number in sorted(rows):
        cells = [Cell(number, col, value) for col, value in enumerate(rows[number], 1) if value not in (None, "")]
        if cells:
            table.rows.append(cells)
    return table


def plan(table: Table, mapping: Mapping | None = None, **kw: t.Any) -> tuple[ColumnPlan, list[str]]:
    got, found = plan_columns(table, mapping, **kw)
    assert got is not None, [d.as_text() for d in found]
    return got, [d.as_text() for d in found]


def fields(got: ColumnPlan) -> dict[str, str]:
    return {c.header: c.field for c in got.columns.values()}


def mapping_file(tmp_path: Path, text: str) -> Mapping:
    path = tmp_path / "map.yaml"
    path.write_text("exgen-import: 1\n" + text, "utf-8")
    mapping, found = load_mapping(str(path))
    assert mapping is not None, [d.as_text() for d in found]
    return mapping


# --- exgen's own MEL: header rows built from the templates' column lists -------------------


def _strings(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


def xlsx_header(hierarchy: t.Sequence[str] = (), custom: t.Sequence[str] = ()) -> list[str]:
    """"All injects" header row, from templates/msel.xlsx.j2's `columns` list."""
    source = (TEMPLATES / "msel.xlsx.j2").read_text("utf-8")
    block = source[source.index("{% set columns = ["):]
    block = block[: block.index("] %}")]
    head, rest = block.split("+ hierarchy +")
    middle, tail = rest.split("+ ns.custom +")
    names = [re.findall(r'\["([^"]+)", [0-9.]+, "[a-z]+"\]', part) for part in (head, middle, tail)]
    return [*names[0], *hierarchy, *names[1], *custom, *names[2]]


def csv_header(hierarchy: t.Sequence[str] = (), custom: t.Sequence[str] = ()) -> list[str]:
    """msel.csv's header line, from templates/msel.csv.j2."""
    source = (TEMPLATES / "msel.csv.j2").read_text("utf-8")
    expr = source[source.index('{{ (["Serial"'):]
    expr = expr[: expr.index("| csv_row")]
    head, rest = expr.split("+ extra_head +")
    middle, tail = rest.split("+ ns.labels +")
    return [*_strings(head), *hierarchy, *_strings(middle), *custom, *_strings(tail)]


def test_the_template_lists_are_read() -> None:
    assert xlsx_header()[:5] == ["Serial", "Inject id", "DTG", "D-time", "Day"]
    assert xlsx_header()[-2:] == ["Responsible controller", "Status"]
    assert csv_header()[:4] == ["Serial", "Inject", "DTG", "D-time"] and csv_header()[-2:] == ["Controller", "Status"]


EXGEN_FIELDS = {"Serial": "ignore", "Inject id": "id", "Inject": "id", "DTG": "time", "D-time": "time",
                "Day": "ignore", "Phase": "ignore", "Main event": "ignore", "Main incident": "incident",
                "From": "from", "To": "to", "Method": "method", "Net": "net", "Title": "title",
                "Description": "description", "Expected action": "expected_action", "Objectives": "objectives",
                "Threat kind": "threat.kind", "Catalogue ids": "threat.ids", "Responsible controller": "controller",
                "Controller": "controller", "Status": "ignore", "Source": "x-source",
                "Media channel": "x-media-channel"}


@pytest.mark.parametrize("hierarchy", [(), ("Phase",), ("Main event", "Main incident"),
                                       ("Phase", "Main event", "Main incident")])
@pytest.mark.parametrize("custom", [(), ("Source", "Media channel")])
@pytest.mark.parametrize("header", [xlsx_header, csv_header])
def test_exgens_own_layout_is_recognised_exactly(header: t.Any, hierarchy: tuple[str, ...],
                                                  custom: tuple[str, ...]) -> None:
    row = header(hierarchy, custom)
    got, found = plan(sheet({1: row, 2: [1, "INJ-001", "100630ZMAY27", "D+0 06:30"]}))
    assert got.layout == "exgen" and got.header_row == 1 and found == []
    assert fields(got) == {h: EXGEN_FIELDS[h] for h in row}
    assert [c.field for c in got.columns.values()].count("time") == 2  # DTG and D-time: no duplicate error


def test_exgens_day_sheet_layout() -> None:
    row = ["Serial", "D-time", "Phase", "From", "To", "Method", "Title", "Description", "Expected action", "Source",
           "Responsible controller", "Status"]
    got, found = plan(sheet({1: row}))
    assert got.layout == "exgen" and found == [] and fields(got)["D-time"] == "time"


def test_custom_names_turn_labels_back_exactly() -> None:
    row = xlsx_header(custom=("Media channel", "Ref no"))
    got, _ = plan(sheet({1: row}), custom_names=["x-media_channel", "x-Ref-no"])
    assert fields(got)["Media channel"] == "x-media_channel" and fields(got)["Ref no"] == "x-Ref-no"
    got, _ = plan(sheet({1: row}))
    assert fields(got)["Media channel"] == "x-media-channel" and fields(got)["Ref no"] == "x-ref-no"


def test_a_near_copy_of_exgens_layout_is_not_it() -> None:
    row = [h.upper() for h in xlsx_header()]
    got, found = plan_columns(sheet({1: row}), None)
    assert got is not None and got.layout == "recognised"
    assert any("import-duplicate-column" in d.code for d in found)  # DTG and D-TIME both read as the time


def test_a_mapping_with_columns_wins_over_exgens_layout(tmp_path: Path) -> None:
    got, _ = plan(sheet({1: xlsx_header()}), mapping_file(tmp_path, "columns: {D-time: ignore}\n"))
    assert got.layout == "mapping" and fields(got)["D-time"] == "ignore" and fields(got)["DTG"] == "time"


def test_the_flagship_workbook_is_exgens_layout(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from exgen import pipeline

    built = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), seed=0, only=["msel"])
    assert built.written is not None
    book = openpyxl.load_workbook(tmp_path / "pkg" / "msel" / "msel.xlsx", read_only=True)
    table = Table("msel.xlsx", "All injects")
    for number, values in enumerate(book["All injects"].iter_rows(min_row=1, max_row=3, values_only=True), 1):
        table.rows.append([Cell(number, col, v) for col, v in enumerate(values, 1) if v not in (None, "")])
    book.close()
    got, found = plan(table, custom_names=["x-source", "x-media-channel"])
    assert got.layout == "exgen" and got.header_row == 1 and found == []
    assert fields(got)["Source"] == "x-source" and fields(got)["Inject id"] == "id"


# --- recognised headers --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "alias"), [(name, alias) for name, aliases in ALIASES.items() for alias in aliases])
def test_every_alias_is_recognised(name: str, alias: str) -> None:
    other = "Notes" if name != "notes" else "Title"
    got, _ = plan(sheet({1: [alias.upper() + ":", other], 2: ["x", "y"]}))
    assert got.layout == "recognised" and got.columns[1].field == name


def test_hseep_headers() -> None:
    row = ["Event No.", "Scenario Time", "Date", "Simulated Source", "Player(s)", "Mode", "Event Synopsis",
           "Inject Description", "Expected Player Action", "Objective/Capability", "POC", "Remarks"]
    got, found = plan(sheet({1: ["EXERCISE X — MSEL"], 2: ["Version 3"], 4: row, 5: ["1", "07:30"]}))
    assert got.header_row == 4 and found == []
    assert list(fields(got).values()) == ["id", "time", "date", "from", "to", "method", "title", "description",
                                          "expected_action", "objectives", "controller", "notes"]
    assert str(got.columns[2].location) == "msel.xlsx:MSEL!B4"


def test_the_row_with_most_known_headers_wins_ties_to_the_upper() -> None:
    table = sheet({1: ["Time", "To"], 2: ["From", "To", "Title"], 3: ["Notes", "Method", "Title"]})
    assert plan(table)[0].header_row == 2


def test_header_row_search_stops_after_30_rows() -> None:
    rows = {n: [f"note {n}"] for n in range(1, 31)}
    rows[31] = ["Time", "Title"]
    got, found = plan_columns(sheet(rows), None)
    assert got is None and [d.code for d in found] == ["import-no-header"]


def test_no_header_is_an_error_at_the_file_that_suggests_map() -> None:
    got, found = plan_columns(sheet({1: ["Time"], 2: ["a", "b"]}, file="plan.xlsx"), None)
    assert got is None
    assert found[0].as_text().startswith("plan.xlsx: error[import-no-header]: no header row in the first 30 rows "
                                         "of sheet 'MSEL'")
    assert "--map" in found[0].message and "Inject No." in found[0].message


def test_explicit_header_row_wins(tmp_path: Path) -> None:
    table = sheet({1: ["Time", "Title"], 2: ["Zeit", "Titel"]})
    mapping = mapping_file(tmp_path, "header_row: 2\ncolumns: {Zeit: time, Titel: title}\n")
    assert plan(table, mapping)[0].header_row == 2
    assert plan(table, mapping, header_row=1)[0].header_row == 1
    got, found = plan_columns(table, mapping, header_row=5)
    assert got is None and found[0].as_text().startswith("msel.xlsx:MSEL!A5: error[import-no-header]")


# --- custom columns, duplicates, missing columns -------------------------------------------


def test_unknown_headers_become_custom_fields_with_an_info() -> None:
    long = "Very " * 20 + "long header"
    row = ["Inject No.", "Time", "Planner", "Media Channel (press/TV)", "planner", None, "Примечание", long]
    got, found = plan(sheet({3: row, 4: [1, "07:30", "Bob", "TV", "x", "orphan", "y", "z"]}))
    assert fields(got) == {"Inject No.": "id", "Time": "time", "Planner": "x-planner",
                           "Media Channel (press/TV)": "x-media-channel-press-tv", "planner": "x-planner-2",
                           "": "x-column-f", "Примечание": "x-column-g", long: "x-" + ("very-" * 12)[:59]}
    assert found[0] == ("msel.xlsx:MSEL!C3: info[import-custom-column]: the column headed 'Planner' is not an inject "
                        "field exgen knows: it is imported as the custom field x-planner; map it to a field (or to "
                        "ignore) in a mapping file to change that")
    assert [f.split(": ")[0] for f in found] == ["msel.xlsx:MSEL!C3", "msel.xlsx:MSEL!D3", "msel.xlsx:MSEL!E3",
                                                 "msel.xlsx:MSEL!F3", "msel.xlsx:MSEL!G3", "msel.xlsx:MSEL!H3"]
    assert "column F, which has no header," in found[3]


def test_an_empty_header_over_empty_cells_is_no_column() -> None:
    got, _ = plan(sheet({1: ["Time", "Title", None, "Notes"], 2: ["07:30", "t", None, "n"]}))
    assert sorted(got.columns) == [1, 2, 4]


def test_two_columns_for_one_field() -> None:
    got, found = plan_columns(sheet({2: ["Time", "Title", "DTG", "Synopsis"]}), None)
    assert got is not None
    assert [d.as_text().split(": ")[0] for d in found] == ["msel.xlsx:MSEL!C2", "msel.xlsx:MSEL!D2"]
    assert found[0].as_text() == ("msel.xlsx:MSEL!C2: error[import-duplicate-column]: the columns 'Time' and 'DTG' "
                                  "both fill the field time; map one of them to another field or to ignore in a "
                                  "mapping file (--map)")


def test_mapping_overrides_aliases_and_leaves_the_rest_recognised(tmp_path: Path) -> None:
    mapping = mapping_file(tmp_path, 'columns:\n  "Source": from\n  "Inject Mode": {field: method, values: '
                                     '{"Phone call": phone}}\n  "Planner": ignore\n  "Sheet No": serial\n')
    got, found = plan(sheet({1: ["No.", "Time", "Source", "Inject Mode", "Planner", "To"]}), mapping)
    assert got.layout == "mapping"
    assert fields(got) == {"No.": "id", "Time": "time", "Source": "from", "Inject Mode": "method",
                           "Planner": "ignore", "To": "to"}
    assert got.columns[4].values == {"phone call": "phone"}
    assert found == [f"{tmp_path / 'map.yaml'}:6:3: warning[import-missing-column]: the mapping names the column "
                     "'Sheet No', but sheet 'MSEL' has no such header in row 1; check its spelling, or remove it "
                     "from the mapping"]


def test_a_mapping_mapping_two_headers_to_one_field(tmp_path: Path) -> None:
    mapping = mapping_file(tmp_path, 'columns: {"A": x-ref, "B": x-ref}\n')
    _, found = plan_columns(sheet({1: ["A", "B", "Time"]}), mapping)
    assert [d.as_text().split(": ")[0:2] for d in found] == [["msel.xlsx:MSEL!B1", "error[import-duplicate-column]"]]


def test_title_from_description_is_said_once() -> None:
    got, found = plan(sheet({1: ["Time", "Details", "To"], 2: ["x"], 3: ["y"]}))
    assert found == ["msel.xlsx:MSEL!B1: info[import-title-from-description]: no column holds the inject titles: "
                     "each title is the first sentence of the description (column 'Details'), cut to 120 characters"]


def test_a_date_column_needs_a_time_column() -> None:
    _, found = plan_columns(sheet({1: ["Date", "Title", "To"]}), None)
    assert [d.as_text().split(": ")[0:2] for d in found] == [["msel.xlsx:MSEL!A1", "error[import-date-without-time]"]]


def test_csv_cells_have_no_sheet_name() -> None:
    got, _ = plan(sheet({1: ["Time", "Title", "Planner"]}, name=None, file="msel.csv"))
    assert str(got.columns[3].location) == "msel.csv:C1"
