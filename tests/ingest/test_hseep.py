"""A foreign MSEL: an HSEEP-style sheet (title row merged across the columns, blank rows, a section
row per day, a notes column, a column exgen does not know) imported with a mapping file.

Planted mistakes are each reported at the cell that holds them, in every report format.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from exgen.cli import cli
from tests.conftest import FLAGSHIP_DIR

HEADERS = ["Inject No.", "Date", "Time", "From", "To", "Inject Mode", "Event Synopsis", "Expected Player Action",
           "Objective/Capability", "Responsible Controller", "Notes", "Planner"]
GOOD = [
    ["H-01", "2027-05-11", "07:30", "Brigade G3 (MND)", "MNB HQ", "Phone call",
     "MND warns of a forged press release", "Brigade PAO checks the release and answers within the hour",
     "Obj 4", "HICON chief", "Play the call as MND G3, calm and brief.", "J. Novak"],
    ["H-02", "2027-05-11", "0915", "Brigade G3 (MND)", "MNB HQ; ME-1BN", "E-mail",
     "Request for a GNSS interference report", "", "Obj 1", "HICON chief", "", "J. Novak"],
]
MAPPING = """\
exgen-import: 1
columns:
  "Inject Mode": {field: method, values: {"Phone call": phone, "E-mail": email, "Carrier pigeon": carrier-pigeon}}
values:
  from: {"Brigade G3 (MND)": MND-HICON}
  to: {"MNB HQ": MNB-HQ}
  objectives: {"Obj 1": TO-1, "Obj 4": TO-4}
  controller: {"HICON chief": CTRL-HICON}
"""


def write_sheet(path: Path, rows: list[list[object]]) -> None:
    """The HSEEP layout: a merged title row, a blank row, the header row, a day row, the injects."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "MSEL"
    ws.cell(1, 1).value = "ADRIATIC SHIELD 2027 — MASTER SCENARIO EVENTS LIST (EXERCISE EXERCISE EXERCISE)"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    for c, header in enumerate(HEADERS, 1):
        ws.cell(3, c).value = header
    ws.cell(4, 1).value = "DAY 2 — TUESDAY 11 MAY 2027"
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=len(HEADERS))
    for r, row in enumerate(rows, 5):
        for c, value in enumerate(row, 1):
            if value != "":
                ws.cell(r, c).value = value
    book.save(path)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    dest = tmp_path / "def"
    shutil.copytree(FLAGSHIP_DIR, dest)
    mapping = tmp_path / "hseep.yaml"
    mapping.write_text(MAPPING, "utf-8")
    return dest / "exercise.yaml", mapping, tmp_path


def test_hseep_sheet_imports_with_a_mapping(setup: tuple[Path, Path, Path]) -> None:
    root, mapping, tmp = setup
    sheet = tmp / "msel.xlsx"
    write_sheet(sheet, GOOD)
    result = CliRunner().invoke(cli, ["import", "msel", str(sheet), "--map", str(mapping), "--into", str(root)])
    assert result.exit_code == 0, result.output
    day2 = yaml.safe_load((root.parent / "injects" / "day2.yaml").read_text("utf-8"))["injects"]
    got = {i["id"]: i for i in day2}
    assert got["H-01"]["time"] == "D+1 07:30" and got["H-01"]["from"] == "MND-HICON"
    assert got["H-01"]["method"] == "phone" and got["H-01"]["objectives"] == ["TO-4"]
    assert got["H-01"]["notes"] == "Play the call as MND G3, calm and brief."
    assert got["H-01"]["x-planner"] == "J. Novak"  # an unknown column is kept as a custom field
    assert got["H-02"]["to"] == ["MNB-HQ", "ME-1BN"] and got["H-02"]["time"] == "D+1 09:15"
    assert "expected_action" not in got["H-02"]


PLANTED = [
    # (row values, column header of the mistake, code)
    (["H-10", "2027-05-11", "25:99", "Brigade G3 (MND)", "MNB HQ", "Phone call", "Bad time", "", "Obj 1",
      "HICON chief", "", ""], "Time", "import-bad-time"),
    (["H-11", "2027-05-11", "08:00", "Brigade G3 (MND)", "XK-9BN", "Phone call", "Unknown unit", "", "Obj 1",
      "HICON chief", "", ""], "To", "unknown-reference"),
    (["H-12", "2027-05-11", "08:30", "Brigade G3 (MND)", "MNB HQ", "Carrier pigeon", "Bad method", "", "Obj 1",
      "HICON chief", "", ""], "Inject Mode", "schema-enum"),
    (["H-13", "2027-05-11", "09:00", "Brigade G3 (MND)", "MNB HQ", "Phone call", "Unknown objective", "", "TO-9",
      "HICON chief", "", ""], "Objective/Capability", "unknown-reference"),
    (["H-14", "2027-05-30", "09:00", "Brigade G3 (MND)", "MNB HQ", "Phone call", "After ENDEX", "", "Obj 1",
      "HICON chief", "", ""], "Time", "time-outside-exercise"),
]


def _cell(row: int, header: str) -> str:
    return f"MSEL!{openpyxl.utils.get_column_letter(HEADERS.index(header) + 1)}{row}"


def test_planted_mistakes_are_reported_at_their_cells(setup: tuple[Path, Path, Path]) -> None:
    root, mapping, tmp = setup
    sheet = tmp / "planted.xlsx"
    write_sheet(sheet, GOOD + [row for row, _, _ in PLANTED])
    before = {p: p.read_bytes() for p in root.parent.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, ["import", "msel", str(sheet), "--map", str(mapping), "--into", str(root),
                                      "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    found = {(d["cell"], d["code"]) for d in report["diagnostics"] if d.get("cell")}
    for n, (_, header, code) in enumerate(PLANTED):
        row = 5 + len(GOOD) + n
        assert (_cell(row, header), code) in found, (row, header, code, sorted(found))
    assert all(d["file"] == str(sheet) for d in report["diagnostics"] if d.get("cell"))
    assert {p: p.read_bytes() for p in root.parent.rglob("*") if p.is_file()} == before


def test_cells_in_text_github_and_sarif(setup: tuple[Path, Path, Path]) -> None:
    root, mapping, tmp = setup
    sheet = tmp / "planted.xlsx"
    write_sheet(sheet, GOOD + [PLANTED[1][0]])
    cell = _cell(5 + len(GOOD), "To")
    args = ["import", "msel", str(sheet), "--map", str(mapping), "--into", str(root)]
    text = CliRunner().invoke(cli, args)
    assert f"{sheet}:{cell}: error[unknown-reference]" in text.output, text.output
    github = CliRunner().invoke(cli, [*args, "--format", "github"])
    annotation = f"::error file={sheet},line={5 + len(GOOD)},col={HEADERS.index('To') + 1},title=unknown-reference::"
    assert f"{annotation}{cell}: " in github.stdout, github.stdout
    sarif = json.loads(CliRunner().invoke(cli, [*args, "--format", "sarif"]).stdout)
    results = sarif["runs"][0]["results"]
    assert results, "no SARIF result"
    found = [r for r in results if r["ruleId"] == "unknown-reference"]
    assert len(found) == 1, [r["ruleId"] for r in results]
    names = [loc["fullyQualifiedName"] for loc in found[0]["locations"][0]["logicalLocations"]]
    assert cell in names and "region" not in found[0]["locations"][0]["physicalLocation"]
