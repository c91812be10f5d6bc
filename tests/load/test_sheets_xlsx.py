"""Reading an XLSX workbook: the sheet chosen, values and their cells, formulas, dates, macros, links."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
import typing as t
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from exgen.core.diagnostics import Diagnostic, Severity
from exgen.load.sheets import Table, read_table


def _workbook(path: Path, build: t.Callable[[t.Any], None], **options: t.Any) -> str:
    """Write a workbook with XlsxWriter; ``build`` fills it."""
    book = xlsxwriter.Workbook(str(path), options)
    build(book)
    book.close()
    return str(path)


def _with_parts(path: Path, parts: dict[str, bytes], name: str | None = None) -> str:
    """A copy of the workbook at ``path`` with ``parts`` added (written as ``name`` if given)."""
    target = path.with_name(name) if name else path.with_name("copy-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        for part, data in parts.items():
            out.writestr(part, data)
    return str(target)


def _values(table: Table) -> dict[str, t.Any]:
    """Every cell as ``{"Injects!B4": value}``."""
    return {table.location(c.row, c.col).cell: c.value for row in table.rows for c in row}


def _codes(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.code, str(d.location)) for d in diagnostics]


def _msel(book: t.Any) -> None:
    """A notes sheet first, then the MSEL on a sheet called Injects."""
    book.add_worksheet("Notes").write("A1", "Read me first")
    sheet = book.add_worksheet("Injects")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    clock = book.add_format({"num_format": "hh:mm"})
    sheet.write_row(0, 0, ["No", "Time", "Title", "Priority", "Weight", "Sent", "At"])
    sheet.write_number(1, 0, 1)
    sheet.write_datetime(1, 1, dt.datetime(2027, 5, 10, 7, 30), when)
    sheet.write_string(1, 2, "Bridge closed at Velmora\r")
    sheet.write_number(1, 3, 2.0)
    sheet.write_number(1, 4, 0.25)
    sheet.write_boolean(1, 5, True)
    sheet.write_datetime(1, 6, dt.time(7, 30), clock)
    sheet.write_string(3, 2, "after a blank row")


def test_the_msel_sheet_is_chosen_and_every_value_keeps_its_type_and_cell(tmp_path: Path) -> None:
    table, found = read_table(_workbook(tmp_path / "msel.xlsx", _msel))
    assert found == []
    assert table is not None and table.file.endswith("msel.xlsx") and table.sheet == "Injects"
    values = _values(table)
    assert values["Injects!A2"] == 1 and isinstance(values["Injects!A2"], int)
    assert values["Injects!B2"] == dt.datetime(2027, 5, 10, 7, 30)
    assert values["Injects!C2"] == "Bridge closed at Velmora"  # the trailing carriage return is dropped
    assert values["Injects!D2"] == 2  # stored as "2": a float stored as "2.0" stays float (test_sheets_hostile)
    assert values["Injects!E2"] == 0.25 and values["Injects!F2"] is True
    assert values["Injects!G2"] == dt.time(7, 30)
    assert [[c.row for c in row][0] for row in table.rows] == [1, 2, 4]  # the blank row 3 is left out
    assert str(table.location(4, 3)) == f"{table.file}:Injects!C4"


def test_a_sheet_name_with_a_space_is_quoted_in_cell_references(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        book.add_worksheet("Cover").write("A1", "x")
        book.add_worksheet("All injects").write("B2", "INJ-0001")

    table, found = read_table(_workbook(tmp_path / "msel.xlsx", build))
    assert table is not None and found == []
    assert _values(table) == {"'All injects'!B2": "INJ-0001"}
    assert str(table.location(2, 2)).endswith("msel.xlsx:'All injects'!B2")


def test_without_a_known_sheet_name_the_first_visible_sheet_is_read(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        book.add_worksheet("Planning").write("A1", "first")
        book.add_worksheet("Other").write("A1", "second")

    table, _ = read_table(_workbook(tmp_path / "msel.xlsx", build))
    assert table is not None and table.sheet == "Planning"


def test_a_named_sheet_is_read_whatever_its_case_and_an_unknown_one_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "msel.xlsx", _msel)
    table, found = read_table(path, sheet="notes")
    assert table is not None and table.sheet == "Notes" and found == []
    table, found = read_table(path, sheet="Injetcs")
    assert table is None and _codes(found) == [("sheet-not-found", path)]
    assert "did you mean 'Injects'" in found[0].message and "'Notes', 'Injects'" in found[0].message


def test_hidden_sheets_are_named_in_a_warning_and_read_only_when_named(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        book.add_worksheet("Injects").write("A1", "visible")
        book.add_worksheet("Secret").write("A1", "hidden")
        book.worksheets()[1].hide()
        very = book.add_worksheet("Deep")
        very.write("A1", "very hidden")
        very.very_hidden()

    path = _workbook(tmp_path / "msel.xlsx", build)
    table, found = read_table(path)
    assert table is not None and _values(table) == {"Injects!A1": "visible"}
    assert _codes(found) == [("sheet-hidden", path)] and found[0].severity is Severity.WARNING
    assert "'Secret', 'Deep'" in found[0].message
    table, found = read_table(path, sheet="Deep")
    assert table is not None and _values(table) == {"Deep!A1": "very hidden"}
    assert "'Secret'" in found[0].message and "'Deep'" not in found[0].message


def test_a_merged_title_row_and_blank_rows_read_without_error(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        sheet = book.add_worksheet("MSEL")
        sheet.merge_range("A1:H1", "EXERCISE ADRIATIC SHIELD 27 - MSEL", book.add_format({"bold": True}))
        sheet.write_row(3, 0, ["Event No.", "Inject No.", "Time", "From", "To", "Method", "Synopsis", "Notes"])
        sheet.write_row(4, 0, [1, "1.1", "D+1 07:30", "EXCON", "MNB HQ", "Phone call", "Bridge closed", ""])

    table, found = read_table(_workbook(tmp_path / "hseep.xlsx", build))
    assert found == [] and table is not None
    assert [c.value for c in table.rows[0]] == ["EXERCISE ADRIATIC SHIELD 27 - MSEL"]  # only the top-left cell
    assert [(c.row, c.col) for c in table.rows[0]] == [(1, 1)]
    assert table.rows[1][0].row == 4 and len(table.rows[2]) == 7  # the empty Notes cell is not a cell


def test_a_formula_gives_its_cached_value_with_one_warning_per_sheet(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        sheet = book.add_worksheet("Injects")
        sheet.write("A1", "plain")
        sheet.write_formula("B2", "=1+1", None, 2)
        sheet.write_formula("C3", '="INJ-"&"0001"', None, "INJ-0001")
        sheet.write_string("D3", "=not a formula")  # text that starts with '=' stays text

    path = _workbook(tmp_path / "msel.xlsx", build)
    table, found = read_table(path)
    assert table is not None
    assert _values(table) == {"Injects!A1": "plain", "Injects!B2": 2, "Injects!C3": "INJ-0001",
                              "Injects!D3": "=not a formula"}
    assert _codes(found) == [("sheet-formula", f"{path}:Injects!B2")]
    assert found[0].severity is Severity.WARNING and found[0].message.startswith("2 formula cell(s)")


def test_a_formula_without_a_cached_value_or_with_an_error_is_an_error_at_its_cell(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        sheet = book.add_worksheet("Injects")
        sheet.write("A1", "id")
        sheet.write_formula("E14", "=A1&A2", None, "")  # written without a computed value
        sheet.write_formula("F14", "=1/0", None, "#DIV/0!")
        sheet.write_formula("G14", "=1+1", None, 2)

    path = _workbook(tmp_path / "msel.xlsx", build)
    table, found = read_table(path)
    assert table is not None and _values(table) == {"Injects!A1": "id", "Injects!G14": 2}
    assert sorted(_codes(found)) == [("sheet-error-value", f"{path}:Injects!F14"),
                                     ("sheet-formula", f"{path}:Injects!G14"),
                                     ("sheet-formula-no-value", f"{path}:Injects!E14")]
    missing = next(d for d in found if d.code == "sheet-formula-no-value")
    assert "open and save the workbook in Excel or LibreOffice" in missing.message
    assert "#DIV/0!" in next(d for d in found if d.code == "sheet-error-value").message


def test_dates_before_1_march_1900_are_refused_at_their_cells(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        sheet = book.add_worksheet("Injects")
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        clock = book.add_format({"num_format": "hh:mm"})
        for row, serial in enumerate((59, 60, 61, 45422)):
            sheet.write_number(row, 0, serial, date)  # 60 is Excel's 29 February 1900, a day that never was
        sheet.write_number(4, 0, 0.3125, clock)  # a time of day, not a date

    path = _workbook(tmp_path / "msel.xlsx", build)
    table, found = read_table(path)
    assert table is not None
    assert _codes(found) == [("sheet-date-1900", f"{path}:Injects!A1"), ("sheet-date-1900", f"{path}:Injects!A2")]
    assert _values(table) == {"Injects!A3": dt.datetime(1900, 3, 1), "Injects!A4": dt.datetime(2024, 5, 10),
                              "Injects!A5": dt.time(7, 30)}


def test_the_1904_date_system_is_honoured_and_its_negative_dates_refused(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        sheet = book.add_worksheet("Injects")
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_number(0, 0, 44000, date)
        sheet.write_number(1, 0, -3, date)

    path = _workbook(tmp_path / "mac.xlsx", build, date_1904=True)
    table, found = read_table(path)
    assert table is not None and _values(table) == {"Injects!A1": dt.datetime(1904, 1, 1) + dt.timedelta(days=44000)}
    assert _codes(found) == [("sheet-date-1900", f"{path}:Injects!A2")] and "1904" in found[0].message


def test_a_macro_workbook_is_refused_unless_allowed_and_its_macros_are_never_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "msel.xlsx"
    _workbook(plain, _msel)
    xlsm = _with_parts(plain, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"}, "msel.xlsm")
    table, found = read_table(xlsm)
    assert table is None and _codes(found) == [("sheet-macros", xlsm)] and "--allow-macros" in found[0].message
    hidden = _with_parts(plain, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "renamed.xlsx")
    assert _codes(read_table(hidden)[1]) == [("sheet-macros", hidden)]  # by content, not by name

    opened: list[dict[str, t.Any]] = []
    real = openpyxl.load_workbook

    def spy(*args: t.Any, **kwargs: t.Any) -> t.Any:
        opened.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    table, found = read_table(xlsm, allow_macros=True)
    assert table is not None and _values(table)["Injects!C2"] == "Bridge closed at Velmora"
    assert _codes(found) == [("sheet-macros-ignored", xlsm)] and found[0].severity is Severity.WARNING
    assert opened and all(o["keep_vba"] is False and o["read_only"] is True for o in opened)


def test_the_workbook_is_opened_a_second_time_for_formulas_only_when_it_has_some(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[bool] = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(k["data_only"]) or real(*a, **k))
    read_table(_workbook(tmp_path / "plain.xlsx", _msel))
    assert opened == [True]
    opened.clear()
    read_table(_workbook(tmp_path / "formulas.xlsx", lambda b: b.add_worksheet().write_formula("A1", "=1", None, 1)))
    assert opened == [True, False]


def test_external_links_are_reported_and_their_cached_values_used(tmp_path: Path) -> None:
    def build(book: t.Any) -> None:
        book.add_worksheet("Injects").write_formula("A1", "='[other.xlsx]Sheet1'!A1", None, "from the other book")

    plain = tmp_path / "msel.xlsx"
    _workbook(plain, build)
    link = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook/></externalLink>')
    path = _with_parts(plain, {"xl/externalLinks/externalLink1.xml": link})
    table, found = read_table(path)
    assert table is not None and _values(table) == {"Injects!A1": "from the other book"}
    assert sorted(_codes(found)) == [("sheet-external-links", path), ("sheet-formula", f"{path}:Injects!A1")]


def test_a_sheet_past_the_row_limit_stops_within_bounded_time_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Injects")
    for row in range(300_000):
        sheet.write_number(row, 0, row)
    book.close()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        table, found = read_table(str(path), max_rows=20_000)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table is None and _codes(found) == [("sheet-too-large", f"{path}:Injects!A20001")]
    assert elapsed < 10, f"{elapsed:.1f} s: the rows past the limit were read"
    assert peak < 150 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"


def test_a_sheet_wider_than_200_columns_is_refused_at_the_first_cell_past_them(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "wide.xlsx", lambda book: book.add_worksheet("Injects").write(4, 200, "x"))
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-too-large", f"{path}:Injects!GS5")]
