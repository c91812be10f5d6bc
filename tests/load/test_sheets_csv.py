"""Reading delimited text: encodings, delimiters, rows numbered as Excel numbers them, limits."""

from __future__ import annotations

import codecs
import time
import tracemalloc
from pathlib import Path

import pytest

from exgen.core.diagnostics import Diagnostic, Severity
from exgen.load.sheets import Table, read_table
from exgen.load.sheets.delimited import sniff_delimiter


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _values(table: Table) -> dict[str, object]:
    return {table.location(c.row, c.col).cell: c.value for row in table.rows for c in row}


def _codes(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.code, str(d.location)) for d in diagnostics]


def test_a_utf8_csv_gives_text_cells_at_their_cell_references(tmp_path: Path) -> None:
    path = _write(tmp_path, "msel.csv", b"Inject No.,Time,Synopsis\r\nINJ-0001,D+1 07:30,Bridge closed at Velmora\r\n"
                  b",,\r\nINJ-0002,08:00,\xc5\xbdeleznice\r\n")
    table, found = read_table(path)
    assert found == [] and table is not None and table.sheet is None and table.file == path
    assert _values(table) == {"A1": "Inject No.", "B1": "Time", "C1": "Synopsis", "A2": "INJ-0001",
                              "B2": "D+1 07:30", "C2": "Bridge closed at Velmora", "A4": "INJ-0002", "B4": "08:00",
                              "C4": "\u017deleznice"}
    assert str(table.location(4, 3)) == f"{path}:C4"


def test_rows_are_records_as_excel_numbers_them_and_blank_lines_count(tmp_path: Path) -> None:
    path = _write(tmp_path, "msel.csv", b'id,text\n1,"two\nlines"\n\n2,after\n3,"a ""quoted"" word"\n')
    table, found = read_table(path)
    assert found == [] and table is not None
    assert _values(table) == {"A1": "id", "B1": "text", "A2": "1", "B2": "two\nlines", "A4": "2", "B4": "after",
                              "A5": "3", "B5": 'a "quoted" word'}


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "msel.csv", b"a,b,c,d\n=1+1,+CMD,-2,@SUM(A1)\n")
    table, found = read_table(path)
    assert found == [] and table is not None
    assert [c.value for c in table.rows[1]] == ["=1+1", "+CMD", "-2", "@SUM(A1)"]


def test_a_utf8_bom_is_dropped_and_a_semicolon_export_is_split_on_semicolons(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + b'Nr.;Zeit;Text\n1;07:30;Wert 1,5\n2;08:00;"a;b"\n'
    table, found = read_table(_write(tmp_path, "de.csv", data))
    assert found == [] and table is not None
    assert _values(table) == {"A1": "Nr.", "B1": "Zeit", "C1": "Text", "A2": "1", "B2": "07:30", "C2": "Wert 1,5",
                              "A3": "2", "B3": "08:00", "C3": "a;b"}


def test_a_cp1251_export_is_read_as_cyrillic_and_says_so(tmp_path: Path) -> None:
    data = "Номер;Время;Текст\n1;07:30;Доклад штаба бригады\n".encode("cp1251")
    path = _write(tmp_path, "ru.csv", data)
    table, found = read_table(path)
    assert table is not None and _values(table)["C2"] == "Доклад штаба бригады"
    assert _codes(found) == [("sheet-encoding", path)] and found[0].severity is Severity.INFO
    assert "Windows-1251" in found[0].message


def test_a_cp1250_export_is_read_as_central_european_and_says_so(tmp_path: Path) -> None:
    data = "Číslo;Čas;Hlášení\n1;07:30;Most u Velmory uzavřen, objížďka přes Žitnou\n".encode("cp1250")
    path = _write(tmp_path, "cz.csv", data)
    table, found = read_table(path)
    assert table is not None and _values(table)["C2"] == "Most u Velmory uzavřen, objížďka přes Žitnou"
    assert _values(table)["A1"] == "Číslo"
    assert _codes(found) == [("sheet-encoding", path)] and "Windows-1250" in found[0].message


def test_a_utf16_unicode_text_export_is_read_with_its_tabs(tmp_path: Path) -> None:
    data = "id\ttitle\n1\tMost u Velmory\n".encode("utf-16")
    table, found = read_table(_write(tmp_path, "unicode.txt", data))
    assert found == [] and table is not None and _values(table) == {
        "A1": "id", "B1": "title", "A2": "1", "B2": "Most u Velmory"}


def test_an_encoding_given_overrides_the_detection_and_a_wrong_one_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "fr.csv", "id,titre\n1,Pont fermé à Velmora\n".encode("cp1252"))
    table, found = read_table(path, encoding="cp1252")
    assert found == [] and table is not None and _values(table)["B2"] == "Pont fermé à Velmora"
    table, found = read_table(path, encoding="utf-8")
    assert table is None and _codes(found) == [("sheet-encoding-error", path)] and "line 2" in found[0].message
    table, found = read_table(path, encoding="klingon")
    assert table is None and _codes(found) == [("sheet-encoding-error", path)]


@pytest.mark.parametrize(("sample", "expected"), [
    ("a,b,c\n1,2,3\n", ","),
    ("a;b;c\n1;2,5;3\n4;5,5;6\n", ";"),
    ("a\tb\n1\t2,5\n", "\t"),
    ("a|b|c\n1|x, y|2\n", "|"),
    ('"x;y",b\n"1;2",c\n', ","),
    ("single column\nvalues\n", ","),
])
def test_the_delimiter_is_the_one_counted_alike_on_most_records(sample: str, expected: str) -> None:
    assert sniff_delimiter(sample) == expected


def test_a_nul_byte_means_a_binary_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "data.csv", b"id,title\n1,\x00\x01\x02\n")
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-format", path)]


def test_a_text_longer_than_a_cell_holds_is_an_error_at_its_cell(tmp_path: Path) -> None:
    path = _write(tmp_path, "long.csv", b"id,text\n1,ok\n2," + b"x" * 40_000 + b"\n")
    table, found = read_table(path)
    assert _codes(found) == [("sheet-cell-too-long", f"{path}:B3")]
    assert table is not None and _values(table) == {"A1": "id", "B1": "text", "A2": "1", "B2": "ok", "A3": "2"}


def test_an_unclosed_quote_stops_at_the_field_limit_at_its_cell(tmp_path: Path) -> None:
    path = _write(tmp_path, "open.csv", b'id,text,notes\n1,ok,x\n2,fine,"never closed\n' + b"more text\n" * 120_000)
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-cell-too-long", f"{path}:C3")]
    assert "closing quote" in found[0].message


def test_more_than_200_columns_is_refused_at_the_first_cell_past_them(tmp_path: Path) -> None:
    path = _write(tmp_path, "wide.csv", b"a\n" + b",".join([b"v"] * 201) + b"\n")
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-too-large", f"{path}:GS2")]


def test_a_million_rows_stop_at_the_row_limit_within_bounded_time_and_memory(tmp_path: Path) -> None:
    body = "".join(f"INJ-{i:07d},Report {i}\n" for i in range(1_000_000))
    path = _write(tmp_path, "huge.csv", ("id,title\n" + body).encode())
    tracemalloc.start()
    started = time.perf_counter()
    try:
        table, found = read_table(path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table is None and _codes(found) == [("sheet-too-large", f"{path}:A200001")]
    assert elapsed < 15, f"{elapsed:.1f} s"
    assert peak < 150 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row(tmp_path: Path) -> None:
    table, found = read_table(_write(tmp_path, "sep.csv", b"sep=|\r\nid|title, with comma\r\n1|x;y\r\n"))
    assert found == [] and table is not None
    assert _values(table) == {"A1": "id", "B1": "title, with comma", "A2": "1", "B2": "x;y"}


def test_a_line_of_millions_of_delimiters_is_refused_before_it_becomes_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, "commas.csv", b"id\n1\n" + b"," * (5 * 1024 * 1024) + b"\n")
    (table, found), peak = _traced(path)
    assert table is None and _codes(found) == [("sheet-too-large", f"{path}:A3")]
    assert peak < 48 * 1024 * 1024, f"{peak / 2**20:.0f} MiB"


def _traced(path: str) -> tuple[tuple[Table | None, list[Diagnostic]], int]:
    tracemalloc.start()
    try:
        return read_table(path), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
