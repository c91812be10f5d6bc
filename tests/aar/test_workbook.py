"""The evaluation workbook of a package: its protected layout, and reading a filled copy back exactly."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import typing as t
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from exgen import pipeline
from exgen.aar.codes import AAR_CODES
from exgen.aar.times import exercise_minutes, read_dtg
from exgen.aar.workbook import Observation, Rating, read_workbook
from exgen.model.time import TimeError
from tests.conftest import FLAGSHIP, ROOT

WORKBOOK = Path("evaluation") / "evaluation-workbook.xlsx"
START = dt.datetime(2027, 5, 10, 6, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def exercise(flagship_package: Path) -> dict:
    return json.loads((flagship_package / "data" / "exercise.json").read_text("utf-8"))


@pytest.fixture
def copy(flagship_package: Path, tmp_path: Path) -> Path:
    """A copy of the package's workbook for an evaluator to fill in."""
    target = tmp_path / "evaluation-workbook.xlsx"
    shutil.copyfile(flagship_package / WORKBOOK, target)
    return target


def _layout(book: openpyxl.Workbook) -> dict[str, tuple]:
    """The exgen sheet's rows: objective → (sheet, tasks first, tasks last, obs first, obs last, count)."""
    return {row[0]: row[1:] for row in book["exgen"].iter_rows(min_row=4, values_only=True)}


def _put(ws: t.Any, row: int, cells: dict[int, object]) -> None:
    """Type into a row's cells (column number → value), as an evaluator would."""
    for col, value in cells.items():
        ws.cell(row, col, value)


def test_one_protected_sheet_per_objective_with_exactly_the_input_cells_unlocked(
        flagship_package: Path, exercise: dict) -> None:
    book = openpyxl.load_workbook(flagship_package / WORKBOOK)
    objectives = exercise["objectives"]
    assert book.sheetnames == ["Read me", *[o["id"] for o in objectives], "exgen"]
    assert book["exgen"].sheet_state == "veryHidden"
    assert [ws.sheet_state for ws in book.worksheets[:-1]] == ["visible"] * (len(objectives) + 1)
    assert book.security is not None and book.security.lockStructure
    layout = _layout(book)
    assert [book["exgen"]["B1"].value, book["exgen"]["B2"].value] == [1, exercise["exercise"]["id"]]
    for objective in objectives:
        sheet, first, last, obs_first, obs_last, count = layout[objective["id"]]
        ws = book[sheet]
        protection = ws.protection  # in OOXML an option set to true is refused
        assert protection.sheet and protection.insertRows and protection.deleteRows and protection.insertColumns
        assert not protection.formatRows  # rows may grow for long notes
        assert count == len(objective["critical_tasks"]) == last - first + 1
        assert obs_last - obs_first + 1 >= 30
        assert [ws.cell(first + i, 2).value for i in range(count)] == objective["critical_tasks"]
        unlocked = {c.coordinate for row in ws.iter_rows(min_row=1, max_row=ws.max_row + 5, max_col=10)
                    for c in row if not c.protection.locked}
        expected = ({f"{col}{r}" for r in range(first, last + 1) for col in "DEF"}
                    | {f"{col}{r}" for r in range(obs_first, obs_last + 1) for col in "ABCDE"})
        assert unlocked == expected, objective["id"]
        lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
        assert lists == {f"D{first}:D{last}": '"P,S,M,U"',
                         f"D{obs_first}:D{obs_last}": '"Strength,Area for improvement"'}
        assert all(v.showErrorMessage and v.errorStyle in (None, "stop") for v in ws.data_validations.dataValidation)


def test_every_sheet_prints_a4_landscape_fitted_to_width_with_the_banner(flagship_package: Path,
                                                                         exercise: dict) -> None:
    book = openpyxl.load_workbook(flagship_package / WORKBOOK)
    banner = exercise["exercise"]["banner"]
    for ws in book.worksheets[:-1]:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title
        assert ws.oddHeader.center.text.startswith(banner) and ws.oddFooter.center.text == banner, ws.title
    readme = [c for row in book["Read me"].iter_rows(values_only=True) for c in row if c]
    assert "EXCON ONLY — evaluators" in readme and exercise["exercise"]["marking"] in readme
    assert any(str(c).startswith("P = Performed without challenges") for c in readme)


def test_an_objective_sheet_prints_on_landscape_pages_with_the_banner(flagship_package: Path, tmp_path: Path,
                                                                       exercise: dict) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(flagship_package / WORKBOOK)], check=True, capture_output=True,
                   timeout=300)
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    doc = pdfium.PdfDocument(str(tmp_path / "evaluation-workbook.pdf"))
    try:
        pages = [(doc[i].get_size(), doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()
    banner = exercise["exercise"]["banner"]
    for (width, height), text in pages:
        assert round(width) == 842 and round(height) == 595  # A4 landscape, in points
        assert " ".join(text.split()).count(banner) >= 2  # page header and footer
    to1 = [" ".join(text.split()) for _, text in pages if "evaluation workbook · TO-1 " in " ".join(text.split())]
    assert 1 <= len(to1) <= 3  # the tasks and 40 observation rows, fitted to the width
    first = to1[0]
    assert "Rating (P/S/M/U)" in first and exercise["objectives"][0]["critical_tasks"][0] in first


def test_the_same_definition_and_seed_give_the_same_bytes(flagship_package: Path, tmp_path: Path) -> None:
    built = pipeline.build(str(FLAGSHIP), str(tmp_path / "again"), seed=0, only=["eeg"])
    assert built.written is not None
    assert (tmp_path / "again" / WORKBOOK).read_bytes() == (flagship_package / WORKBOOK).read_bytes()


def test_a_filled_workbook_reads_back_exactly_what_the_evaluators_wrote(copy: Path, exercise: dict) -> None:
    book = openpyxl.load_workbook(copy)
    layout = _layout(book)
    sheet, first, _, obs_first, _, _ = layout["TO-1"]
    ws = book[sheet]
    _put(ws, first, {4: "P", 5: "Maj Ana Kovač", 6: "JAMREP sent 07:42, complete"})
    _put(ws, first + 2, {4: "m", 5: "Capt Ion Popescu"})
    _put(ws, first + 3, {6: "Not seen yet"})
    _put(ws, obs_first, {1: "D+1 07:30", 2: "2", 3: "Moved to the alternate net in 4 min", 4: "Strength",
                         5: "Maj Ana Kovač"})
    _put(ws, obs_first + 5, {1: "111015ZMAY27", 2: "TO-1.4", 3: "G6 not told", 4: "Area for improvement"})
    _put(ws, obs_first + 6, {3: "Radio discipline good throughout"})
    sheet3, first3, *_ = layout["TO-3"]
    book[sheet3].cell(first3 + 1, 4, "U")
    book.save(copy)

    result, found = read_workbook(str(copy), exercise)
    assert found == [] and result is not None and result.exercise == "ADRIATIC-SHIELD-27"
    where = str(copy)
    assert [(r.objective, r.task_no, r.rating, r.evaluator, r.notes, str(r.location)) for r in result.ratings] == [
        ("TO-1", 1, "P", "Maj Ana Kovač", "JAMREP sent 07:42, complete", f"{where}:'TO-1'!D{first}"),
        ("TO-1", 3, "M", "Capt Ion Popescu", None, f"{where}:'TO-1'!D{first + 2}"),
        ("TO-1", 4, None, None, "Not seen yet", f"{where}:'TO-1'!D{first + 3}"),
        ("TO-3", 2, "U", None, None, f"{where}:'TO-3'!D{first3 + 1}"),
    ]
    assert all(isinstance(r, Rating) for r in result.ratings)
    assert [o[:6] for o in result.observations] == [
        ("TO-1", 1530, 2, "Moved to the alternate net in 4 min", "strength", "Maj Ana Kovač"),
        ("TO-1", 1695, 4, "G6 not told", "improvement", None),
        ("TO-1", None, None, "Radio discipline good throughout", None, None),
    ]
    assert isinstance(result.observations[0], Observation)
    assert str(result.observations[1].location) == f"{where}:'TO-1'!C{obs_first + 5}"


def test_each_planted_bad_cell_is_reported_at_its_cell(copy: Path, exercise: dict) -> None:
    book = openpyxl.load_workbook(copy)
    layout = _layout(book)
    _, first, _, obs, _, _ = layout["TO-1"]
    ws = book["TO-1"]
    ws.cell(first, 4, "X")
    ws.cell(first + 1, 4, "Performed without challenges")  # typed over the drop-down
    ws.cell(first + 2, 4, "S")
    _put(ws, obs, {1: "25:99", 3: "Late report"})
    _put(ws, obs + 1, {2: 99, 3: "Unknown task"})
    _put(ws, obs + 2, {4: "Maybe", 3: "Odd kind"})
    _put(ws, obs + 3, {4: "Strength", 5: "Maj Ana Kovač"})  # no text
    _put(ws, obs + 4, {1: "D+0 09:00", 3: "Fine row"})
    book.save(copy)

    result, found = read_workbook(str(copy), exercise)
    assert result is not None
    where = str(copy)
    assert [(d.code, str(d.location)) for d in found] == [
        ("workbook-bad-rating", f"{where}:'TO-1'!D{first}"),
        ("workbook-bad-rating", f"{where}:'TO-1'!D{first + 1}"),
        ("workbook-bad-time", f"{where}:'TO-1'!A{obs}"),
        ("workbook-unknown-task", f"{where}:'TO-1'!B{obs + 1}"),
        ("workbook-bad-kind", f"{where}:'TO-1'!D{obs + 2}"),
        ("workbook-empty-observation", f"{where}:'TO-1'!C{obs + 3}"),
    ]
    assert [d.is_error for d in found] == [True] * 5 + [False]
    assert [(r.task_no, r.rating) for r in result.ratings] == [(3, "S")]
    assert [(o.minutes, o.text) for o in result.observations] == [(180, "Fine row")]


def test_a_workbook_of_another_exercise_or_version_is_refused(copy: Path, exercise: dict) -> None:
    other = {**exercise, "exercise": {**exercise["exercise"], "id": "NORTHERN-STAR-28"}}
    result, found = read_workbook(str(copy), other)
    assert result is None and [(d.code, str(d.location)) for d in found] == [
        ("workbook-other-exercise", f"{copy}:exgen!B2")]
    changed = json.loads(json.dumps(exercise))
    changed["objectives"][1]["critical_tasks"].append("A task added after the workbook was printed")
    result, found = read_workbook(str(copy), changed)
    assert result is None and [d.code for d in found] == ["workbook-other-exercise"]
    assert str(found[0].location) == f"{copy}:exgen!G5"


def test_a_workbook_without_or_with_a_damaged_exgen_sheet_is_refused(copy: Path, tmp_path: Path,
                                                                     exercise: dict) -> None:
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Rating"
    book.save(plain)
    result, found = read_workbook(str(plain), exercise)
    assert result is None and [(d.code, str(d.location)) for d in found] == [("workbook-not-exgen", str(plain))]
    book = openpyxl.load_workbook(copy)
    book["exgen"]["D4"] = 99999  # the last task row, far past the table
    book.save(copy)
    result, found = read_workbook(str(copy), exercise)
    assert result is None and [(d.code, str(d.location)) for d in found] == [("workbook-not-exgen", f"{copy}:exgen!C4")]
    result, found = read_workbook(str(tmp_path / "missing.xlsx"), exercise)
    assert result is None and [d.code for d in found] == ["file-not-found"]


@pytest.mark.parametrize(("text", "minutes"), [
    ("D+1 07:30", 1530), ("d+0 0600", 0), ("D-1 06:00", -1440), ("110730ZMAY27", 1530), ("11 0730Z MAY 2027", 1530),
    ("2027-05-11T07:30Z", 1530), (dt.datetime(2027, 5, 10, 7, 0), 60)])
def test_exercise_times_in_the_forms_the_workbook_asks_for(text: object, minutes: int) -> None:
    assert exercise_minutes(text, START) == minutes


@pytest.mark.parametrize("text", ["25:99", "D+1 25:00", "310730ZFEB27", "110730ZXYZ27", "2027-05-11 07:30",
                                  "x" * 100, 7.5, ""])
def test_other_times_are_refused(text: object) -> None:
    with pytest.raises(TimeError):
        exercise_minutes(text, START)
    with pytest.raises(TimeError):
        read_dtg(str(text))


def test_every_aar_code_is_documented_with_its_severity_under_after_action() -> None:
    text = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    part = text[text.index("\n## After-action\n"):]
    sections = dict(re.findall(r"^### ([a-z0-9-]+)\n(.*?)(?=^##)", part + "\n##", re.M | re.S))
    used = set(re.findall(r'"(workbook-[a-z0-9-]+)"', (ROOT / "exgen" / "aar" / "workbook.py").read_text("utf-8")))
    assert sorted(used - set(AAR_CODES)) == []
    for code, (severity, _summary) in AAR_CODES.items():
        assert code in sections, f"docs/diagnostics.md has no '### {code}' section under After-action"
        assert f"**{severity}**" in sections[code], code
