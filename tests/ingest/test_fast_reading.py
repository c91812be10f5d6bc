"""The import's faster reading gives what the plain reading gives: inline strings read without openpyxl's
rich-text objects, and reference or list cells read once per distinct text of a column."""

from __future__ import annotations

import io
import typing as t
import zipfile
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from exgen.ingest.headers import plan_columns
from exgen.ingest.rows import read_rows
from exgen.load.sheets import read_table
from exgen.load.sheets import xlsx as xlsx_reader
from exgen.load.sheets.rows import sheet_rows
from exgen.load.sheets.table import Cell, Table

#: Inline-string cells of every shape: plain, spaces kept, several <t>, runs, phonetic text, empty,
#: no coordinate, a formula, a bad style, an attribute openpyxl refuses, rows out of order.
SHEETS = {
    "plain": '<row r="1"><c r="A1" t="inlineStr"><is><t>Hello</t></is></c>'
             '<c r="C1" t="inlineStr" s="0"><is><t xml:space="preserve"> sp </t></is></c></row>',
    "gaps": '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
            '<row r="4"><c r="B4" t="inlineStr"><is><t>b</t><t>c</t></is></c></row>',
    "runs": '<row r="1"><c r="A1" t="inlineStr"><is><r><t>Ri</t></r><r><rPr><b/></rPr><t>ch</t></r></is></c>'
            '<c r="B1" t="inlineStr"><is><t>x</t><rPh sb="0" eb="1"><t>y</t></rPh></is></c></row>',
    "empty": '<row r="1"><c r="A1" t="inlineStr"><is/></c><c r="B1" t="inlineStr"><is><t/></is></c>'
             '<c r="C1" t="inlineStr"></c><c r="D1" t="inlineStr"><v>5</v></c><c r="E1" t="inlineStr"><is>'
             '<t>kept</t></is></c></row>',
    "no-coordinate": '<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>',
    "formula": '<row r="1"><c r="A1" t="inlineStr"><f>1+1</f><is><t>2</t></is></c><c r="B1"><f>1+1</f><v>2</v></c>'
               '<c r="C1" t="inlineStr"><is><t>c</t></is></c></row>',
    "bad-style": '<row r="1"><c r="A1" t="inlineStr" s="zz"><is><t>a</t></is></c></row>',
    "bad-coordinate": '<row r="1"><c r="1A" t="inlineStr"><is><t>a</t></is></c></row>',
    "is-attribute": '<row r="1"><c r="A1" t="inlineStr"><is foo="1"><t>a</t></is></c></row>',
    "other-namespace": '<row r="1" xmlns:o="urn:other"><c r="A1" t="inlineStr"><is><o:t>a</o:t></is></c></row>',
    "out-of-order": '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c></row>'
                    '<row r="1"><c r="A1" t="inlineStr"><is><t>z</t></is></c></row>'
                    '<row r="3"><c r="A3" t="inlineStr"><is><t>q_x000D_</t></is></c></row>',
}


def _workbook(cells_xml: str) -> bytes:
    """A workbook whose first sheet holds exactly ``cells_xml`` as its sheet data (with a formula
    elsewhere, so both the values and the formulas are read)."""
    made = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.save(made)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(made.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start, end = text.index("<sheetData"), text.index("</sheetData>") + len("</sheetData>")
                data = (text[:start] + f"<sheetData>{cells_xml}</sheetData>" + text[end:]).encode()
            target.writestr(name, data)
    return out.getvalue()


def _read(path: Path) -> tuple[t.Any, list[str]]:
    table, found = read_table(str(path))
    rows = None if table is None else [[(c.row, c.col, c.value, type(c.value)) for c in row] for row in table.rows]
    return rows, [d.as_text() for d in found]


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_inline_strings_read_as_openpyxl_reads_them(name: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(_workbook(SHEETS[name]))
    fast = _read(path)
    monkeypatch.setattr(xlsx_reader, "sheet_rows", lambda sheet: sheet.iter_rows())
    assert fast == _read(path)


def test_rows_come_as_openpyxl_gives_them(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    path.write_bytes(_workbook(SHEETS["gaps"] + '<row r="5"><c r="B5" t="inlineStr"><is><r><t>Ri</t></r>'
                               '<r><t>ch</t></r></is></c><c r="C5"><v>2</v></c></row>'))
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = [[(cell.value, cell.data_type) for cell in row] for row in sheet_rows(sheet)]
    book.close()
    assert rows == [[("a", "s")], [], [], [(None, "n"), ("c", "s")], [(None, "n"), ("Rich", "s"), (2, "n")]]


def test_a_repeated_reference_or_list_cell_gives_the_same_value_each_time() -> None:
    header = ["No", "Time", "From", "To", "Title"]
    table = Table("msel.xlsx", "MSEL", [[Cell(1, col, name) for col, name in enumerate(header, 1)]])
    for number in range(2, 6):
        values = [number, "2027-05-10 07:30", "MNB headquarters", "MNB-HQ; me-1bn", f"t{number}"]
        table.rows.append([Cell(number, col, value) for col, value in enumerate(values, 1)])
    plan, _ = plan_columns(table, None)
    assert plan is not None
    known = {"mnb headquarters": "MNB-HQ", "mnb-hq": "MNB-HQ", "me-1bn": "ME-1BN"}
    rows, found = read_rows(table, plan, None, startex=None, known=known)
    assert found == []
    assert [[v for v, _ in row.values["from"]] for row in rows] == [["MNB-HQ"]] * 4
    lists = [row.values["to"][0][0] for row in rows]
    assert lists == [["MNB-HQ", "ME-1BN"]] * 4
    lists[0].append("changed")  # each row owns its list: a change to one is not seen in another
    assert lists[1] == ["MNB-HQ", "ME-1BN"]
