"""A capability gap carried across an exercise series: one closes, one persists, nothing is lost.

Exercise A is the flagship with its sample record and workbook: the R-173 gap its planners accepted
shows again. Exercise B, a year later, names two gaps it sets out to test; its record shows no comms
trouble and its evaluators write the GNSS timing problem up again. After both AARs the register holds
both exercises in each gap's history, the R-173 gap is a candidate for closure, the GNSS one seen again.
"""

from __future__ import annotations

import shutil
import typing as t
from pathlib import Path

import openpyxl
import yaml
from click.testing import CliRunner

from exgen.cli import cli
from tests.conftest import FLAGSHIP_DIR, ROOT, plant

SAMPLES = ROOT / "scenarios" / "adriatic-shield" / "aar"
REGISTER = ROOT / "scenarios" / "gaps" / "adriatic-series.yaml"


def _run(*args: str) -> t.Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _history(register: Path) -> dict[str, list[tuple[str, str]]]:
    data = yaml.safe_load(register.read_text("utf-8"))
    return {g["id"]: [(h["exercise"], h["result"]) for h in g.get("history", [])] for g in data["gaps"]}


def _exercise_b(tmp_path: Path) -> Path:
    """The flagship a year on, as ADRIATIC-SHIELD-28, whose first objective says which gaps it tests."""
    definition = tmp_path / "b"
    shutil.copytree(FLAGSHIP_DIR, definition)
    root = definition / "exercise.yaml"
    plant(root, "id: ADRIATIC-SHIELD-27", "id: ADRIATIC-SHIELD-28")
    for old in ('"2027-05-10T06:00:00Z"', '"2027-05-13T18:00:00Z"'):
        plant(root, old, old.replace("2027", "2028"))
    forces = (definition / "exercise.yaml").read_text("utf-8")
    assert "ADRIATIC-SHIELD-28" in forces
    objectives = next(p for p in definition.glob("*.yaml") if "- id: TO-1" in p.read_text("utf-8"))
    plant(objectives, "- id: TO-1", "- id: TO-1\n    x-tests-gaps: GAP-BG-R173 and GAP-HR-GNSS-TIMING")
    package = tmp_path / "pkg-b"
    built = _run("build", str(root), "-o", str(package), "--only", "data,eeg")
    assert built.exit_code == 0, built.output
    return package


def _console_csv(package: Path, path: Path) -> Path:
    """The offline console's status export of B: every inject delivered at its planned time."""
    import json

    data = json.loads((package / "data" / "exercise.json").read_text("utf-8"))
    lines = ["serial,id,dtg,dtime,title,to,status,status_label,status_set_at_dtime,status_set_at_utc"]
    for inj in data["injects"]:
        title = inj["title"].replace('"', '""')
        lines.append(f'{inj["serial"]},"{inj["id"]}","{inj["dtg"]}","{inj["dtime"]}","{title}","{" ".join(inj["to"])}",'
                     f'"delivered","Delivered","{inj["dtime"]}",""')
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", "utf-8")
    return path


def _workbook_naming(package: Path, path: Path, gap: str) -> Path:
    """B's evaluation workbook with one area for improvement that names ``gap``."""
    book = openpyxl.load_workbook(package / "evaluation" / "evaluation-workbook.xlsx")
    layout = {row[0]: row[1:] for row in book["exgen"].iter_rows(min_row=4, values_only=True)}
    sheet, first, _, obs_first, _, _ = layout["TO-1"]
    ws = book[sheet]
    for col, value in {4: "M", 5: "Senior evaluator C2 and CIS"}.items():
        ws.cell(first, col, value)
    for col, value in {1: "D+1 07:30", 2: "1", 3: f"{gap}: hopping nets lost sync again when GNSS time was denied",
                       4: "Area for improvement", 5: "Senior evaluator C2 and CIS"}.items():
        ws.cell(obs_first, col, value)
    book.save(path)
    return path


def test_a_gap_closes_and_a_gap_persists_across_two_exercises(flagship_package: Path, tmp_path: Path) -> None:
    register = tmp_path / "gaps.yaml"
    shutil.copy(REGISTER, register)
    original = register.read_text("utf-8").splitlines()

    a = _run("aar", str(flagship_package), "--record", str(SAMPLES / "events.jsonl"),
             "--workbook", str(SAMPLES / "evaluation-workbook.xlsx"), "-o", str(tmp_path / "aar-a"),
             "--register", str(register))
    assert a.exit_code == 0, a.output
    assert "seen again: GAP-BG-R173" in a.output, a.output
    after_a = _history(register)
    assert after_a["GAP-BG-R173"][-1] == ("ADRIATIC-SHIELD-27", "observed")
    assert after_a["GAP-HR-GNSS-TIMING"][-1] == ("ADRIATIC-SHIELD-27", "not-tested")

    package_b = _exercise_b(tmp_path)
    b = _run("aar", str(package_b), "--record", str(_console_csv(package_b, tmp_path / "status-b.csv")),
             "--workbook", str(_workbook_naming(package_b, tmp_path / "wb-b.xlsx", "GAP-HR-GNSS-TIMING")),
             "-o", str(tmp_path / "aar-b"), "--register", str(register))
    assert b.exit_code == 0, b.output
    assert "candidates for closure): GAP-BG-R173" in b.output, b.output
    assert "seen again: GAP-HR-GNSS-TIMING" in b.output, b.output
    after_b = _history(register)
    assert after_b["GAP-BG-R173"][-2:] == [("ADRIATIC-SHIELD-27", "observed"), ("ADRIATIC-SHIELD-28", "not-reproduced")]
    assert after_b["GAP-HR-GNSS-TIMING"][-2:] == [("ADRIATIC-SHIELD-27", "not-tested"),
                                                  ("ADRIATIC-SHIELD-28", "observed")]
    # nothing was dropped: every gap keeps its earlier history, every original line is still there
    for gap, entries in _history(REGISTER).items():
        assert after_b[gap][: len(entries)] == entries, gap
    now = register.read_text("utf-8").splitlines()
    assert all(line in now for line in original)
    # the planners close gaps themselves: the status is what it was
    statuses = {g["id"]: g["status"] for g in yaml.safe_load(register.read_text("utf-8"))["gaps"]}
    assert statuses == {g["id"]: g["status"] for g in yaml.safe_load(REGISTER.read_text("utf-8"))["gaps"]}
    report = (tmp_path / "aar-b" / "aar" / "after-action-report.html").read_text("utf-8")
    assert "GAP-BG-R173" in report and "GAP-HR-GNSS-TIMING" in report
