"""Converted outputs: the MEL/MIL workbook (XLSX) and the exercise book (PDF).

The flagship package is built once for the module; a second build runs in another process
(different hash seed) to prove both binary formats are byte-identical across runs.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exgen import pipeline
from exgen.render import convert
from exgen.render.xlsx import json_to_xlsx
from tests.conftest import FLAGSHIP, ROOT

HEADER = ["Serial", "Inject id", "DTG", "D-time", "Day", "From", "To", "Method", "Net", "Title", "Description",
          "Expected action", "Objectives", "Threat kind", "Catalogue ids", "Responsible controller", "Status"]


def _header(ctx: dict) -> list[str]:
    """All injects' header for a definition: HEADER with the hierarchy columns after Day and the
    exercise's own columns (x-media-channel → "Media channel") before Responsible controller."""
    place = (["Phase"] if ctx["phases"] else []) + (["Main event", "Main incident"] if ctx["main_events"] else [])
    own = [n[2:].replace("-", " ").replace("_", " ") for n in ctx["exercise"]["msel_columns"]]
    return HEADER[:5] + place + HEADER[5:15] + [o[:1].upper() + o[1:] for o in own] + HEADER[15:]
CTX = {"exercise": {"startex": "2027-05-10T06:00:00Z"}}


@pytest.fixture(scope="module")
def package(flagship_package: Path) -> Path:
    return flagship_package


@pytest.fixture(scope="module")
def flagship() -> dict[str, object]:
    """The flagship's render context (for expected values)."""
    from exgen import enrich
    from exgen.render import context

    checked = pipeline.check(str(FLAGSHIP))
    return context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0), checked.diagnostics)


# --------------------------------------------------------------------------- XLSX

def test_workbook_sheets_header_rows_and_print_setup(package: Path, flagship: dict) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(package / "msel" / "msel.xlsx")
    days = flagship["days"]
    injects = flagship["injects"]
    storylines = ["By main event"] if flagship["main_events"] else []
    assert wb.sheetnames == ["Read me", "All injects", *storylines, *[f"{d['label']} {d['date']}" for d in days]]
    banner = flagship["exercise"]["banner"]
    assert wb.properties.created.isoformat() == "2027-05-10T06:00:00"

    readme = wb["Read me"]
    cells = [c for row in readme.iter_rows(values_only=True) for c in row if c]
    assert banner in cells and flagship["exercise"]["marking"] in cells[0]
    assert any(flagship["exercise"]["name"] in str(c) for c in cells)

    for ws in wb.worksheets:
        assert banner in ws.oddHeader.center.text and banner in ws.oddFooter.center.text, ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        if ws.title == "All injects":  # too wide to fit legibly: 70 %, first columns repeated
            assert ws.page_setup.scale == 70 and ws.print_title_cols == "$A:$B"
        else:
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0

    every = wb["All injects"]
    header = _header(flagship)
    col = {name: header.index(name) for name in header}
    assert [c.value for c in every[1]] == header
    assert every.freeze_panes == "C2"
    last = openpyxl.utils.get_column_letter(len(header))
    assert every.auto_filter.ref == f"A1:{last}{len(injects) + 1}"
    assert every.print_title_rows == "$1:$1"
    rows = list(every.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(injects)
    assert sorted(r[1] for r in rows) == sorted(i["id"] for i in injects)
    by_id = {i["id"]: i for i in injects}
    for row in rows:
        inj = by_id[row[1]]
        assert row[0] == inj["serial"] and row[2] == inj["dtg"] and row[col["Title"]] == inj["title"]
        assert row[4] == f"D+{inj['day']}"
        if inj["threat"] and inj["threat"]["ids"]:
            first = inj["threat"]["ids"][0]
            assert row[col["Catalogue ids"]].splitlines()[0] == f"{first['id']} {first['name']}"
    description = openpyxl.utils.get_column_letter(col["Description"] + 1)
    assert every.column_dimensions[description].width > 50
    assert every[f"{description}2"].alignment.wrap_text

    for day in days:  # the columns for printing
        ws = wb[f"{day['label']} {day['date']}"]
        desk = ["Serial", "D-time", *header[5:col["From"]], "From", "To", "Method", "Title", "Description",
                "Expected action", *header[col["Catalogue ids"] + 1:col["Responsible controller"]],
                "Responsible controller", "Status"]
        assert [c.value for c in ws[1]] == desk
        assert ws.freeze_panes == "C2" and ws.auto_filter.ref
        assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == \
            [by_id[i]["serial"] for i in day["injects"]]


def _workbook(spec: object) -> object:
    openpyxl = pytest.importorskip("openpyxl")
    return openpyxl.load_workbook(io.BytesIO(json_to_xlsx(json.dumps(spec), CTX)))


def test_strings_are_never_formulas() -> None:
    wb = _workbook({"sheets": [{"name": "S", "columns": [{"header": "A"}, {"header": "B"}],
                                "rows": [["=HYPERLINK(\"http://x\")", "+1"], ["@SUM(1)", 3]]}]})
    ws = wb["S"]
    assert ws["A2"].value == '=HYPERLINK("http://x")' and ws["A2"].data_type == "s"
    assert ws["B2"].value == "+1" and ws["B2"].data_type == "s"
    assert ws["A3"].data_type == "s" and ws["B3"].value == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"sheets": [', "did not produce valid JSON"),
        ("[]", "(top level): expected an object"),
        ('{"sheets": []}', "at least one sheet"),
        ('{"sheets": [{"rows": []}]}', "sheets[0].name: expected a string"),
        ('{"sheets": [{"name": "a/b"}]}', "sheets[0].name"),
        ('{"sheets": [{"name": "A"}, {"name": "a"}]}', "used twice"),
        ('{"sheets": [{"name": "A", "rows": [[1, {"x": 1}]]}]}', "sheets[0].rows[0][1]: unknown key(s) x"),
        ('{"sheets": [{"name": "A", "rows": [[1, [2]]]}]}', "sheets[0].rows[0][1]: a cell is a string"),
        ('{"sheets": [{"name": "A", "rows": [[true]]}]}', "sheets[0].rows[0][0]"),
        ('{"sheets": [{"name": "A", "rows": [[{"value": "x", "format": "nope"}]]}]}', "unknown format 'nope'"),
        ('{"sheets": [{"name": "A", "columns": [{"width": -3}]}]}', "sheets[0].columns[0].width"),
        ('{"sheets": [{"name": "A", "freeze": [1]}]}', "sheets[0].freeze"),
        ('{"sheets": [{"name": "A", "formula": "=1"}]}', "unknown key(s) formula"),
        ('{"formats": {"f": {"bold": "yes"}}, "sheets": [{"name": "A"}]}', "formats.f.bold"),
        ('{"sheets": [{"name": "A", "merges": [{"range": [0, 0, 0, 2]}, {"range": [0, 1, 1, 3]}]}]}',
         "xlsx spec sheets[0].merges[1].range: these cells are already merged: Merge range 'B1:D2' overlaps "
         "previous merge range 'A1:C1'"),
        ('{"sheets": [{"name": "A", "rows": [[{"value": "t", "span": 3}], [1, {"value": "u", "span": 2}]],'
         ' "merges": [{"range": [0, 2, 1, 2]}]}]}',
         "xlsx spec sheets[0].merges[0].range: these cells are already merged"),
        ('{"sheets": [{"name": "A", "rows": [[{"value": "t", "span": 3}, {"value": "u", "span": 2}]]}]}',
         "xlsx spec sheets[0].rows[0][1].span: these cells are already merged: Merge range 'B2:C2'"),
    ],
)
def test_malformed_spec_is_a_clear_convert_error(text: str, message: str) -> None:
    with pytest.raises(convert.ConvertError) as info:
        json_to_xlsx(text, CTX)
    assert message in str(info.value)


@pytest.mark.parametrize("jobs", [1, 2])  # in-process, and in the separate converter process
def test_malformed_workbook_template_fails_the_build_with_a_located_diagnostic(tmp_path: Path, jobs: int) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "msel.xlsx.j2").write_text('{"sheets": [{"name": {{ exercise.id | tojson }}, "rows": [[1,]]}]}', "utf-8")
    (mine / "outputs.yaml").write_text(  # skip the slow PDF: this test is about the workbook
        "outputs:\n  - {template: book.html.j2, output: book/exercise-book.pdf, enabled: false}\n", "utf-8")
    result = pipeline.build(str(FLAGSHIP), str(tmp_path / "pkg"), template_dirs=[str(mine)], jobs=jobs)
    assert result.written is None
    errors = [d for d in result.checked.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["convert-failed"]
    assert errors[0].location.file == "msel.xlsx.j2"
    assert "msel/msel.xlsx" in errors[0].message and "valid JSON" in errors[0].message
    assert not (tmp_path / "pkg").exists()


# --------------------------------------------------------------------------- PDF

def test_book_pages_each_carry_the_banner(package: Path, flagship: dict) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(package / "book" / "exercise-book.pdf"))
    try:
        assert 5 < len(pdf) <= 40
        exercise = flagship["exercise"]
        for number in range(len(pdf)):
            text = pdf[number].get_textpage().get_text_range()
            flat = " ".join(text.split())
            # Top and bottom margin boxes: the banner twice on every page, and "Page N of M".
            assert flat.count(exercise["banner"]) >= 2, number + 1
            assert exercise["classification"] in flat and exercise["marking"] in flat
            assert f"Page {number + 1} of {len(pdf)}" in flat, number + 1
        cover = " ".join(pdf[0].get_textpage().get_text_range().split())
        assert exercise["name"] in cover and exercise["startex_dtg"] in cover and "Mon 10 May 2027" in cover
    finally:
        pdf.close()


def test_book_first_page_renders_and_is_not_blank(package: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(package / "book" / "exercise-book.pdf"))
    try:
        image = pdf[0].render(scale=0.5).to_pil().convert("L")
    finally:
        pdf.close()
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert image.width > 250 and image.height > 350
    assert 0.01 < dark / sum(histogram) < 0.5  # ink, but not a black page


def test_book_metadata_dates_come_from_startex(package: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    meta = pypdf.PdfReader(str(package / "book" / "exercise-book.pdf")).metadata
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20270510060000Z"
    assert "Exercise book" in meta["/Title"]


def test_book_html_shows_the_banner_and_the_same_chapters(package: Path, flagship: dict) -> None:
    html = (package / "book" / "exercise-book.html").read_text("utf-8")
    assert html.count(flagship["exercise"]["banner"]) >= 3  # layout top + bottom, cover
    for chapter in ("Training objectives", "Participating nations and forces", "Exercise control (EXCON)",
                    "Hybrid-threat picture", "Communications plan", "MEL/MIL summary", "Annexes"):
        assert chapter in html
    assert "msel/msel.xlsx" in html


def test_both_formats_are_byte_identical_across_processes(package: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    code = ("import sys; from exgen import pipeline; r = pipeline.build(sys.argv[1], sys.argv[2], seed=0); "
            "sys.exit(0 if r.written else 1)")
    subprocess.run([sys.executable, "-c", code, str(FLAGSHIP), str(tmp_path / "again")], check=True, env=env,
                   cwd=ROOT, timeout=600)
    for rel in ("book/exercise-book.pdf", "msel/msel.xlsx", "book/exercise-book.html"):
        assert (package / rel).read_bytes() == (tmp_path / "again" / rel).read_bytes(), rel
