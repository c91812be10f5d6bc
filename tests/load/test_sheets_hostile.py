"""Hostile and broken spreadsheets get a located error, never a traceback, a hang or a memory blow-up."""

from __future__ import annotations

import os
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exgen.core.diagnostics import Diagnostic
from exgen.load.sheets import Table, guard, read_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _parts(sheet_data: str, prolog: str = "", head: str = "") -> dict[str, bytes]:
    """The parts of a minimal workbook whose one sheet, Injects, holds ``sheet_data``."""
    return {
        "[Content_Types].xml": (
            f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/></Types>').encode(),
        "_rels/.rels": (f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
                            '<sheet name="Injects" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                                       f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
                                       ).encode(),
        "xl/worksheets/sheet1.xml": (f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{MAIN}">{head}'
                                     f"<sheetData>{sheet_data}</sheetData></worksheet>").encode(),
    }


def _zip(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> str:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return str(path)


def _declare_size(path: str, member: str, size: int) -> None:
    """Make the zip's headers (central directory and local header) say ``member`` holds ``size`` bytes."""
    data = bytearray(Path(path).read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == member.encode():
            struct.pack_into("<I", data, at + 24, size)
            struct.pack_into("<I", data, struct.unpack_from("<I", data, at + 42)[0] + 22, size)
        at = data.find(b"PK\x01\x02", at + 4)
    Path(path).write_bytes(bytes(data))


def _codes(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.code, str(d.location)) for d in diagnostics]


def _values(table: Table) -> dict[str, object]:
    return {table.location(c.row, c.col).cell: c.value for row in table.rows for c in row}


def _timed(path: str) -> tuple[tuple[Table | None, list[Diagnostic]], float, int]:
    """read_table's answer, the seconds it took and the peak of memory allocated meanwhile."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        answer = read_table(path)
        return answer, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


#: Nine levels of ten entities each: expanded, one cell would hold 3 * 10**9 characters.
BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
                  + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)) + "]>")
BOMB_CELL = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'


def test_an_entity_expansion_bomb_in_a_worksheet_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _zip(tmp_path / "laughs.xlsx", _parts(BOMB_CELL, BILLION_LAUGHS))
    (table, found), elapsed, peak = _timed(path)
    assert table is None and _codes(found) == [("sheet-unsafe-xml", path)]
    assert "xl/worksheets/sheet1.xml" in found[0].message
    assert elapsed < 2 and peak < 32 * 1024 * 1024


def test_openpyxl_parses_worksheets_with_defusedxml_so_the_bomb_is_refused_again_without_the_guard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _zip(tmp_path / "laughs.xlsx", _parts(BOMB_CELL, BILLION_LAUGHS))
    assert openpyxl.DEFUSEDXML
    with pytest.raises(ValueError) as raised:
        book = openpyxl.load_workbook(path, read_only=True)
        list(book.worksheets[0].iter_rows())
    cause = raised.value.__cause__ or raised.value
    assert type(cause).__name__ == "EntitiesForbidden" and type(cause).__module__.startswith("defusedxml")
    monkeypatch.setattr(guard, "_DTD_MARKERS", ())  # the guard's own check switched off
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-unsafe-xml", path)]


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An XLSX-named zip holding a sheet of 1 GiB of zeros (4.5 MB on disk)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in _parts("").items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(1024):
                member.write(zeros)
    return str(path)


def test_a_zip_bomb_of_a_gigabyte_is_refused_in_under_a_second(gigabyte_bomb: str) -> None:
    (table, found), elapsed, peak = _timed(gigabyte_bomb)
    assert table is None and _codes(found) == [("sheet-zip-bomb", gigabyte_bomb)]
    assert elapsed < 1 and peak < 16 * 1024 * 1024


def test_a_part_compressed_more_than_200_times_is_refused(tmp_path: Path) -> None:
    parts = _parts("")
    parts["xl/media/image1.png"] = bytes(2 << 20)
    path = _zip(tmp_path / "ratio.xlsx", parts)
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-zip-bomb", path)] and "image1.png" in found[0].message


def test_a_header_that_understates_a_part_cannot_make_the_reader_hold_it(tmp_path: Path) -> None:
    parts = _parts("")
    parts["xl/worksheets/sheet1.xml"] = bytes(64 << 20)  # 64 MiB of zeros, declared as 4 KiB below
    path = _zip(tmp_path / "liar.xlsx", parts)
    _declare_size(path, "xl/worksheets/sheet1.xml", 4096)
    (table, found), elapsed, peak = _timed(path)
    assert table is None and _codes(found) == [("sheet-zip-bomb", path)] and "misstates" in found[0].message
    assert elapsed < 2 and peak < 16 * 1024 * 1024, f"{peak / 2**20:.0f} MiB"


def test_a_large_part_other_than_a_worksheet_is_refused_before_it_is_read(tmp_path: Path) -> None:
    parts = _parts("")
    parts["xl/sharedStrings.xml"] = os.urandom(400 << 10)  # stored; declared as 65 MiB below
    path = _zip(tmp_path / "strings.xlsx", parts, zipfile.ZIP_STORED)
    _declare_size(path, "xl/sharedStrings.xml", 65 << 20)
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-too-large", path)] and "sharedStrings" in found[0].message


def test_too_many_parts_or_parts_named_outside_the_archive_are_refused(tmp_path: Path) -> None:
    parts = _parts("")
    parts.update({f"xl/junk/{i}.xml": b"" for i in range(guard.MAX_MEMBERS)})
    many = _zip(tmp_path / "many.xlsx", parts)
    assert _codes(read_table(many)[1]) == [("sheet-zip-bomb", many)]
    for name in ("../../evil.xml", "/etc/evil.xml", "xl\\..\\..\\evil.xml"):
        bad = _zip(tmp_path / "names.xlsx", {**_parts(""), name: b"<x/>"})
        table, found = read_table(bad)
        assert table is None and _codes(found) == [("sheet-zip-bomb", bad)], name


@pytest.mark.parametrize(("name", "data", "says"), [
    ("old.xls", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600), ".xls"),
    ("locked.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + "EncryptedPackage".encode("utf-16-le"), "password"),
    ("export.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page"),
    ("sheet.xml", b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook/>', "XML"),
])
def test_workbook_formats_exgen_does_not_read_are_refused_with_what_to_do(
        tmp_path: Path, name: str, data: bytes, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    table, found = read_table(str(path))
    assert table is None and _codes(found) == [("sheet-format", str(path))] and says in found[0].message


@pytest.mark.parametrize(("parts", "says"), [
    ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}, ".xlsb"),
    ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}, ".ods"),
    ({"notes.txt": b"not a workbook"}, "not an Excel workbook"),
])
def test_zip_archives_that_are_not_xlsx_workbooks_are_refused(tmp_path: Path, parts: dict[str, bytes],
                                                              says: str) -> None:
    path = _zip(tmp_path / "book.xlsx", parts)
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-format", path)] and says in found[0].message


@pytest.mark.parametrize("sheet_data", [
    '<row r="1"><c r="A1"><v>not a number</v></c></row>',
    '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',  # a shared text that does not exist
    '<row r="1"><c r="A1"><v>1</v>',  # unclosed elements
])
def test_a_damaged_workbook_is_an_error_not_a_traceback(tmp_path: Path, sheet_data: str) -> None:
    path = _zip(tmp_path / "broken.xlsx", _parts(sheet_data))
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-format", path)]
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(Path(path).read_bytes()[:300])
    assert _codes(read_table(str(truncated))[1]) == [("sheet-format", str(truncated))]


def test_raw_cell_values_escapes_error_cells_and_a_declared_huge_dimension(tmp_path: Path) -> None:
    rows = ('<row r="2"><c r="A2"><v>2.0</v></c><c r="B2" t="inlineStr"><is><t>line_x000D_</t></is></c>'
            '<c r="C2" t="inlineStr"><is><t>keep _x005F_x000D_ as typed</t></is></c>'
            '<c r="D2" t="str"><f>""</f><v></v></c><c r="E2" t="e"><v>#N/A</v></c><c r="F2"><v>1E999</v></c>'
            f'<c r="G2" t="inlineStr"><is><t>{"x" * 32_768}</t></is></c></row>')
    path = _zip(tmp_path / "raw.xlsx", _parts(rows, head='<dimension ref="A1:XFD1048576"/>'))
    table, found = read_table(path)
    assert table is not None
    values = _values(table)
    assert values == {"Injects!A2": 2.0, "Injects!B2": "line", "Injects!C2": "keep _x000D_ as typed"}
    assert isinstance(values["Injects!A2"], float)  # integral, still the float the file holds
    assert _codes(found) == [("sheet-error-value", f"{path}:Injects!E2"), ("sheet-error-value", f"{path}:Injects!F2"),
                             ("sheet-cell-too-long", f"{path}:Injects!G2")]


def test_a_flood_of_cell_errors_is_listed_up_to_a_bound_and_the_rest_counted(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="e"><v>#REF!</v></c></row>' for r in range(1, 301))
    path = _zip(tmp_path / "errors.xlsx", _parts(rows))
    _, found = read_table(path)
    assert len(found) == guard.LISTED_PER_CODE + 1
    assert str(found[-1].location) == f"{path}:Injects!A{guard.LISTED_PER_CODE + 1}"
    assert found[-1].message.startswith(f"{300 - guard.LISTED_PER_CODE} more cells")


def test_a_named_path_that_is_not_a_readable_file_is_refused_without_being_opened(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.xlsx")
    assert _codes(read_table(missing)[1]) == [("file-not-found", missing)]
    assert _codes(read_table(str(tmp_path))[1]) == [("file-unreadable", str(tmp_path))]
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opened for reading, it would block until a writer came
    table, found = read_table(str(fifo))
    assert table is None and _codes(found) == [("file-unreadable", str(fifo))] and "named pipe" in found[0].message
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as stream:
        stream.truncate(guard.MAX_FILE_BYTES + 1)  # sparse: nothing written, nothing read
    (table, found), elapsed, _ = _timed(str(huge))
    assert table is None and _codes(found) == [("sheet-too-large", str(huge))] and elapsed < 1


def test_a_row_of_millions_of_cells_is_refused_before_openpyxl_holds_it(tmp_path: Path) -> None:
    row = '<row r="1">' + "".join(f"<c><v>{i}</v></c>" for i in range(200_000)) + "</row>"
    path = _zip(tmp_path / "wide-row.xlsx", _parts(row + '<row r="2"><c r="A2"><v>1</v></c></row>'))
    table, found = read_table(path)
    assert table is None and _codes(found) == [("sheet-too-large", path)] and "row" in found[0].message
    first = '<row r="1"><c r="A1"><v>1</v></c></row>'
    last = _zip(tmp_path / "last-row.xlsx", _parts(first + row.replace('"1"', '"2"')))  # the widest row last
    assert _codes(read_table(last)[1]) == [("sheet-too-large", last)]


def test_a_row_number_past_excels_last_row_stops_the_reading(tmp_path: Path) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="99999999999"><c r="A99999999999"><v>2</v></c></row>'
    path = _zip(tmp_path / "far.xlsx", _parts(rows))
    started = time.perf_counter()
    table, found = read_table(path)
    elapsed = time.perf_counter() - started
    assert table is None and _codes(found) == [("sheet-too-large", f"{path}:Injects!A1048577")]
    assert elapsed < 10, f"{elapsed:.1f} s"
