"""The round trip a planner makes: build → edit msel.xlsx in Excel → import --into → build.

The edit is made with openpyxl as Excel would save it. The test holds the issue's promise: the
change appears in the next package, and nothing else in the definition files moves (a byte diff).
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from exgen.cli import cli
from tests.conftest import FLAGSHIP_DIR


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    dest = tmp_path / "def"
    shutil.copytree(FLAGSHIP_DIR, dest)
    return dest / "exercise.yaml"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _headers(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value is not None}


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, column: int, value: str) -> int:
    for row in ws.iter_rows(min_row=2):
        if row[column - 1].value == value:
            return row[0].row
    raise AssertionError(f"{value} not in the sheet")


def test_edit_in_excel_then_import_changes_only_what_was_edited(definition: Path, tmp_path: Path,
                                                                 flagship_package: Path) -> None:
    before = _snapshot(definition.parent)
    book = openpyxl.load_workbook(flagship_package / "msel" / "msel.xlsx")
    ws = book["All injects"]
    col = _headers(ws)
    retimed = _row_of(ws, col["Inject id"], "INJ-005")
    ws.cell(retimed, col["D-time"]).value = "D+0 11:55"
    retitled = _row_of(ws, col["Inject id"], "INJ-012")
    ws.cell(retitled, col["Title"]).value = "Retitled in Excel: ferry timetable hacked"
    new = ws.max_row + 1
    for header, value in {"Inject id": "INJ-900", "D-time": "D+1 10:15", "From": "MND-HICON", "To": "MNB-HQ",
                          "Method": "Phone", "Title": "Added in Excel: MND asks for a SITREP",
                          "Objectives": "TO-2"}.items():
        ws.cell(new, col[header]).value = value
    edited = tmp_path / "msel-edited.xlsx"
    book.save(edited)

    result = CliRunner().invoke(cli, ["import", "msel", str(edited), "--into", str(definition)])
    assert result.exit_code == 0, result.output
    assert "1 inject(s) added, 2 updated" in result.output

    after = _snapshot(definition.parent)
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert changed == ["injects/day1.yaml", "injects/day2.yaml"], changed
    for name in changed:
        old, now = before[name].decode("utf-8").splitlines(), after[name].decode("utf-8").splitlines()
        diff = [line for line in difflib.unified_diff(old, now, lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        if name == "injects/day1.yaml":
            assert diff == ['-    time: "D+0 11:30"', '+    time: "D+0 11:55"'] or len(diff) == 2, diff
            assert any("11:55" in line for line in diff)
        else:
            assert any("Retitled in Excel" in line for line in diff), diff
            assert any("INJ-900" in line for line in diff), diff
            removed = [line for line in diff if line.startswith("-")]
            assert len(removed) == 1, removed  # only the old title line goes
    injects = {i["id"]: i for f in ("day1", "day2") for i in yaml.safe_load(
        (definition.parent / "injects" / f"{f}.yaml").read_text("utf-8"))["injects"]}
    assert injects["INJ-005"]["time"] == "D+0 11:55"
    assert injects["INJ-900"]["to"] == ["MNB-HQ"] and injects["INJ-900"]["method"] == "phone"

    out = tmp_path / "pkg"
    built = CliRunner().invoke(cli, ["build", str(definition), "-o", str(out), "--only", "msel"])
    assert built.exit_code == 0, built.output
    csv_text = (out / "msel" / "msel.csv").read_text("utf-8-sig")
    assert "Retitled in Excel: ferry timetable hacked" in csv_text
    assert "Added in Excel: MND asks for a SITREP" in csv_text


def test_unchanged_workbook_imports_as_no_change(definition: Path, flagship_package: Path) -> None:
    before = _snapshot(definition.parent)
    result = CliRunner().invoke(cli, ["import", "msel", str(flagship_package / "msel" / "msel.xlsx"),
                                      "--into", str(definition)])
    assert result.exit_code == 0, result.output
    assert "0 inject(s) added, 0 updated" in result.output
    assert _snapshot(definition.parent) == before


def test_unchanged_csv_imports_as_no_change(definition: Path, flagship_package: Path) -> None:
    before = _snapshot(definition.parent)
    result = CliRunner().invoke(cli, ["import", "msel", str(flagship_package / "msel" / "msel.csv"),
                                      "--into", str(definition)])
    assert result.exit_code == 0, result.output
    assert _snapshot(definition.parent) == before


def test_a_bad_edit_is_reported_at_its_cell_and_nothing_changes(definition: Path, tmp_path: Path,
                                                               flagship_package: Path) -> None:
    before = _snapshot(definition.parent)
    book = openpyxl.load_workbook(flagship_package / "msel" / "msel.xlsx")
    ws = book["All injects"]
    col = _headers(ws)
    row = _row_of(ws, col["Inject id"], "INJ-007")
    ws.cell(row, col["To"]).value = "MNB-HQ; NO-SUCH-UNIT"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    result = CliRunner().invoke(cli, ["import", "msel", str(bad), "--into", str(definition)])
    assert result.exit_code == 1
    letter = openpyxl.utils.get_column_letter(col["To"])
    assert f"bad.xlsx:'All injects'!{letter}{row}: error[unknown-reference]" in result.output, result.output
    assert "nothing was written" in result.output
    assert _snapshot(definition.parent) == before


def test_names_with_commas_and_catalogue_names_round_trip(tmp_path: Path) -> None:
    """The synthetic definitions name units "A Company, B01-MK-2BN" and carry catalogue ids, which the
    workbook writes with their technique names: neither may change a byte on the way back."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    definition = tmp_path / "def" / "exercise.yaml"
    definition.parent.mkdir()
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "200", "-o", str(definition)], check=True,
                   capture_output=True)
    before = _snapshot(definition.parent)
    assert "Company, " in definition.read_text("utf-8") and "ATTACK:" in definition.read_text("utf-8")
    out = tmp_path / "pkg"
    built = CliRunner().invoke(cli, ["build", str(definition), "-o", str(out), "--only", "msel"])
    assert built.exit_code == 0, built.output
    for sheet in ("msel.xlsx", "msel.csv"):
        result = CliRunner().invoke(cli, ["import", "msel", str(out / "msel" / sheet), "--into", str(definition)])
        assert result.exit_code == 0, result.output
        assert "0 inject(s) added, 0 updated" in result.output, (sheet, result.output)
    assert _snapshot(definition.parent) == before
