"""The import's own sheet reading (expat for the worksheet's rows) answers exactly what the plain reader
answers — values, types, cells and every refusal — and hands anything unusual to the plain reader."""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import threading
import time
import typing as t
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
import xlsxwriter  # type: ignore[import-untyped]

from exgen.ingest import sheet_fast
from exgen.ingest.background import SheetReader, _Sender
from exgen.ingest.sheet_cells import Unsupported, worksheet_rows
from exgen.load.sheets import guard, read_table
from exgen.load.sheets import rows as sheet_rows_module
from exgen.load.sheets import xlsx as xlsx_reader
from tests.ingest.test_fast_reading import SHEETS, _workbook
from tests.load.test_sheets_hostile import BILLION_LAUGHS, BOMB_CELL, _parts, _zip

#: Sheet data the fast reading takes (plain cells of every type) and shapes it must hand over.
PLAIN_DATA = {
    "types": '<row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c><c r="B1"><v>2.0</v></c>'
             '<c r="C1"><v>7</v></c><c r="D1" t="b"><v>1</v></c><c r="E1" t="str"><v>text</v></c>'
             '<c r="F1" t="e"><v>#N/A</v></c><c r="G1"><v>1E999</v></c><c r="H1" t="d"><v>2027-05-10T07:30:00</v></c>'
             '<c r="I1" t="inlineStr"><is><t>a_x000D_</t></is></c><c r="J1" t="n"><v></v></c></row>',
    "order": '<row r="3"><c r="C3"><v>1</v></c><c r="A3"><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c></row>'
             '<row><c><v>4</v></c><c r="B5"><v>5</v></c><c r="B5"><v>6</v></c></row>',
    "long": f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"x" * 32_768}</t></is></c></row>',
    "errors": "".join(f'<row r="{r}"><c r="A{r}" t="e"><v>#REF!</v></c></row>' for r in range(1, 260)),
    "damaged-number": '<row r="1"><c r="A1"><v>not a number</v></c></row>',
    "missing-string": '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',
    "unclosed": '<row r="1"><c r="A1"><v>1</v>',
    "far-row": '<row r="1"><c r="A1"><v>1</v></c></row><row r="99999999999"><c r="A99999999999"><v>2</v></c></row>',
    "wide": '<row r="1"><c r="GT1"><v>1</v></c></row>',
    "fractional-row": '<row r="2.0"><c r="A2"><v>1</v></c></row>',
    "formula": '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>',
    "nested-row": '<row r="1"><c r="A1"><v>1</v><row r="2"/></c></row>',
}


def _answer(answer: tuple[t.Any, list[t.Any]]) -> tuple[t.Any, list[str]]:
    table, found = answer
    rows = None if table is None else (table.sheet, [[(c.row, c.col, c.value, type(c.value)) for c in row]
                                                     for row in table.rows])
    return rows, [d.as_text() for d in found]


def _fast(path: str) -> tuple[tuple[t.Any, list[str]], bool]:
    """The fast reader's answer (the plain reader's when it hands over mid-sheet), and whether it handed over."""
    try:
        return _answer(sheet_fast.read_table(path)), False
    except sheet_fast.Unsupported:
        return _answer(read_table(path)), True


def _same(path: str) -> bool:
    """Assert both readers answer alike; whether the fast one handed over mid-sheet."""
    fast, handed = _fast(path)
    assert fast == _answer(read_table(path))
    return handed


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_inline_string_shapes_answer_as_the_plain_reader(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(_workbook(SHEETS[name]))
    _same(str(path))


@pytest.mark.parametrize("name", sorted(PLAIN_DATA))
def test_raw_sheets_answer_as_the_plain_reader(name: str, tmp_path: Path) -> None:
    _same(_zip(tmp_path / f"{name}.xlsx", _parts(PLAIN_DATA[name], head='<dimension ref="A1:C3"/>')))


def test_plain_cells_are_read_without_openpyxls_sheet_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _zip(tmp_path / "types.xlsx", _parts(PLAIN_DATA["types"]))
    expected = _answer(read_table(path))

    def refused(*args: t.Any, **kwargs: t.Any) -> t.Any:
        raise AssertionError("openpyxl's sheet parser was used")

    monkeypatch.setattr(sheet_rows_module._Parser, "parse_cell", refused)
    monkeypatch.setattr(xlsx_reader, "sheet_rows", refused)
    assert _answer(sheet_fast.read_table(path)) == expected


def _typed_book(book: t.Any) -> None:
    sheet = book.add_worksheet("Injects")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    clock = book.add_format({"num_format": "hh:mm"})
    span = book.add_format({"num_format": "[h]:mm"})
    sheet.write_row(0, 0, ["No", "Time", "Title", "Sent", "At", "Took", "Old", "Shared"])
    sheet.write_number(1, 0, 1)
    sheet.write_datetime(1, 1, dt.datetime(2027, 5, 10, 7, 30), when)
    sheet.write_string(1, 2, "Bridge closed at Velmora\r")
    sheet.write_boolean(1, 3, True)
    sheet.write_datetime(1, 4, dt.time(7, 30), clock)
    sheet.write_number(1, 5, 1.25, span)
    sheet.write_number(1, 6, 30, when)  # a day before Excel's 1 March 1900
    sheet.write_number(1, 7, 3e9, when)  # past any date: openpyxl makes it an error cell
    sheet.write_string(2, 2, "Shared text")
    sheet.write_string(3, 2, "Shared text")


@pytest.mark.filterwarnings("ignore:Cell H2 is marked as a date")
@pytest.mark.parametrize("options", [{}, {"date_1904": True}, {"strings_to_numbers": True}])
def test_workbooks_of_a_spreadsheet_program_answer_as_the_plain_reader(tmp_path: Path,
                                                                        options: dict[str, bool]) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "typed.xlsx"), options)
    _typed_book(book)
    book.close()
    assert not _same(str(tmp_path / "typed.xlsx"))  # read fast, start to end
    saved = openpyxl.load_workbook(tmp_path / "typed.xlsx")
    saved["Injects"]["C2"] = "Edited in openpyxl"
    saved.save(tmp_path / "resaved.xlsx")
    assert not _same(str(tmp_path / "resaved.xlsx"))


def test_hostile_workbooks_are_refused_as_the_plain_reader_refuses_them(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    laughs = _zip(tmp_path / "laughs.xlsx", _parts(BOMB_CELL, BILLION_LAUGHS))
    _same(laughs)
    monkeypatch.setattr(guard, "_DTD_MARKERS", ())  # the guard's own check switched off
    started = time.perf_counter()
    _same(laughs)
    assert time.perf_counter() - started < 2
    monkeypatch.undo()
    margins = _zip(tmp_path / "margins.xlsx", _parts(PLAIN_DATA["types"], head='<pageMargins left="wide"/>'))
    assert _same(margins)  # the elements around the sheet data are still openpyxl's to refuse


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, '<!DOCTYPE x SYSTEM "file:///etc/passwd">'])
def test_the_fast_parser_refuses_any_dtd_itself(prolog: str) -> None:
    sheet = _parts(BOMB_CELL.replace("&lol9;", "a"), prolog)["xl/worksheets/sheet1.xml"]
    with pytest.raises(Unsupported):
        list(worksheet_rows(io.BytesIO(sheet), [], epoch=None, dates=set(), durations=set()))


def test_the_parts_around_the_sheet_data_are_bounded() -> None:
    cols = "<cols>" + '<col min="1" max="1" width="9"/>' * 60_000 + "</cols>"  # over 1 MiB before the data
    sheet = _parts(PLAIN_DATA["types"], head=cols)["xl/worksheets/sheet1.xml"]
    with pytest.raises(Unsupported):
        list(worksheet_rows(io.BytesIO(sheet), [], epoch=None, dates=set(), durations=set()))
    few = "<cols>" + '<col min="1" max="1" width="9"/>' * 3 + "</cols>"
    small = _parts(PLAIN_DATA["types"], head=few)["xl/worksheets/sheet1.xml"]
    assert len(list(worksheet_rows(io.BytesIO(small), [], epoch=None, dates=set(), durations=set()))) == 1


def test_a_sheet_handed_over_mid_way_streams_again_from_the_start(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>row {r}</t></is></c></row>' for r in range(1, 1200))
    rich = '<row r="1200"><c r="A1200" t="inlineStr"><is><r><t>Ri</t></r><r><t>ch</t></r></is></c></row>'
    path = _zip(tmp_path / "rich.xlsx", _parts(rows + rich))
    table, _ = read_table(path)
    assert table is not None
    kinds: list[str] = []
    cells: list[tuple[int, int, object]] = []
    for message in SheetReader(path).messages():
        kinds.append(message[0])
        if message[0] == "restart":
            cells = []
        elif message[0] == "rows":
            cells += [c for row in message[1] for c in row]
    assert "restart" in kinds and kinds[-1] == "end"
    assert cells == [(c.row, c.col, c.value) for row in table.rows for c in row]


def test_the_reader_process_never_waits_for_the_parent_to_empty_the_pipe() -> None:
    read_fd, write_fd = os.pipe()
    messages = [("rows", [[(n, 1, "x" * 1000)]]) for n in range(2_000)]  # 2 MB: far more than a pipe holds
    got: list[t.Any] = []

    def drain() -> None:
        with os.fdopen(read_fd, "rb") as source:
            got.extend(pickle.load(source) for _ in messages)

    with _Sender(write_fd) as sender:
        for message in messages:
            sender.emit(message)  # returns although nothing reads the pipe yet
        reader = threading.Thread(target=drain)
        reader.start()
    reader.join()
    assert sender.sent and got == messages
