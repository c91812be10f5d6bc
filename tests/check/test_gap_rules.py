"""Capability gaps through `exgen validate`: the register a root names is read (refused as an include
would be), each open gap no objective or inject tests is a gap-untested warning at `register:`, and a
`gaps:` entry naming no gap is a located unknown-gap error."""

from __future__ import annotations

import hashlib
import shutil
import typing as t
from pathlib import Path

import pytest

from exgen import load, pipeline
from exgen.check.rules import gaps
from exgen.load import definition
from tests.check.minimal import position, validate
from tests.conftest import ROOT, plant

REGISTER = ROOT / "scenarios" / "gaps" / "adriatic-series.yaml"
ROOT_KEY = "exgen: 1\n"


def _open_gaps() -> dict[str, str]:
    """id → title of each open or in-progress gap of the sample register, read independently of exgen."""
    import yaml

    data = yaml.safe_load(REGISTER.read_text("utf-8"))
    return {g["id"]: g["title"] for g in data["gaps"] if g["status"] in gaps.OPEN}


def with_register(root: Path, name: str = "gaps.yaml") -> tuple[int, int]:
    """Copy the sample register beside ``root`` and name it there; line:col of the register value."""
    shutil.copyfile(REGISTER, root.parent / "gaps.yaml")
    line, col = plant(root, ROOT_KEY, f"{ROOT_KEY}register: {name}\n")
    return line + 1, len("register: ") + 1


def of(found: list[dict[str, t.Any]], code: str) -> list[dict[str, t.Any]]:
    return [d for d in found if d["code"] == code]


def test_each_untested_open_gap_is_one_warning_at_the_register(flagship_copy: Path) -> None:
    line, col = with_register(flagship_copy)
    code, found = validate(flagship_copy)
    untested = of(found, "gap-untested")
    expected = _open_gaps()
    assert len(expected) >= 2 and len(untested) == len(expected)
    for d in untested:
        assert (Path(d["file"]).name, d["line"], d["col"], d["severity"]) == ("exercise.yaml", line, col, "warning")
    for gap_id, title in expected.items():
        assert sum(gap_id in d["message"] and title[:40] in d["message"] for d in untested) == 1, gap_id
    assert not of(found, "unknown-gap")


def test_naming_a_gap_in_an_objective_removes_its_warning(flagship_copy: Path) -> None:
    with_register(flagship_copy)
    plant(flagship_copy, "  - id: TO-1\n", "  - id: TO-1\n    gaps: [GAP-BG-R173]\n")
    _, found = validate(flagship_copy)
    messages = [d["message"] for d in of(found, "gap-untested")]
    assert len(messages) == len(_open_gaps()) - 1
    assert not any("GAP-BG-R173" in m for m in messages)
    assert not of(found, "unknown-gap")


def test_a_closed_gap_needs_no_test(flagship_copy: Path) -> None:
    with_register(flagship_copy)
    register = flagship_copy.parent / "gaps.yaml"
    register.write_text(register.read_text("utf-8").replace("status: in-progress", "status: closed"), "utf-8")
    _, found = validate(flagship_copy)
    assert not any("GAP-BG-R173" in d["message"] for d in of(found, "gap-untested"))


def test_a_mistyped_gap_is_located_with_a_suggestion(flagship_copy: Path) -> None:
    with_register(flagship_copy)
    plant(flagship_copy, "  - id: TO-1\n", "  - id: TO-1\n    gaps: [GAP-BG-R137]\n")
    code, found = validate(flagship_copy)
    line, col = position(flagship_copy, "GAP-BG-R137")
    wrong = of(found, "unknown-gap")
    assert code == 1 and len(wrong) == 1
    assert (wrong[0]["line"], wrong[0]["col"], wrong[0]["pointer"]) == (line, col, "/objectives/0/gaps/0")
    assert "did you mean 'GAP-BG-R173'?" in wrong[0]["message"]


def test_gaps_without_a_register_are_unknown(flagship_copy: Path) -> None:
    day1 = flagship_copy.parent / "injects" / "day1.yaml"
    line, col = plant(day1, "    title:", "    gaps: [GAP-BG-R173]\n    title:")
    code, found = validate(flagship_copy)
    wrong = of(found, "unknown-gap")
    assert code == 1 and len(wrong) == 1 and "no register is named" in wrong[0]["message"]
    assert (Path(wrong[0]["file"]).name, wrong[0]["line"], wrong[0]["col"]) == ("day1.yaml", line, col + 11)
    assert not of(found, "gap-untested")


def test_a_missing_register_is_a_located_error(flagship_copy: Path) -> None:
    line, col = with_register(flagship_copy, "missing.yaml")
    code, found = validate(flagship_copy)
    assert code == 1
    assert [(d["code"], d["line"], d["col"]) for d in found] == [("file-not-found", line, col)]


def test_an_unparseable_register_is_a_located_error(flagship_copy: Path) -> None:
    line, col = with_register(flagship_copy)
    (flagship_copy.parent / "gaps.yaml").write_text("gaps: [unclosed\n", "utf-8")
    code, found = validate(flagship_copy)
    assert code == 1 and [(d["line"], d["col"]) for d in found] == [(line, col)]
    assert found[0]["code"] == "yaml-syntax" and "gaps.yaml" in found[0]["message"]


@pytest.mark.parametrize("text", ["- a list\n", "exgen: 1\nunits: []\n"])
def test_a_file_that_is_no_register_is_refused(flagship_copy: Path, text: str) -> None:
    line, col = with_register(flagship_copy)
    (flagship_copy.parent / "gaps.yaml").write_text(text, "utf-8")
    code, found = validate(flagship_copy)
    assert code == 1 and [(d["code"], d["line"], d["col"]) for d in found] == [("register-invalid", line, col)]


@pytest.mark.parametrize("name", ["../gaps.yaml", "/etc/passwd"])
def test_a_register_outside_the_folder_is_refused_like_an_include(flagship_copy: Path, name: str) -> None:
    shutil.copyfile(REGISTER, flagship_copy.parent.parent / "gaps.yaml")
    line, col = with_register(flagship_copy, name)
    code, found = validate(flagship_copy)
    assert code == 1 and [(d["code"], d["line"], d["col"]) for d in found] == [("include-escape", line, col)]


def test_a_register_in_an_included_file_is_refused(flagship_copy: Path) -> None:
    shutil.copyfile(REGISTER, flagship_copy.parent / "gaps.yaml")
    forces = flagship_copy.parent / "forces.yaml"
    forces.write_text("register: gaps.yaml\n" + forces.read_text("utf-8"), "utf-8")
    code, found = validate(flagship_copy)
    assert code == 1 and [(d["code"], Path(d["file"]).name, d["line"]) for d in found] == [
        ("register-invalid", "forces.yaml", 1)]


def test_strict_fails_on_an_untested_gap(flagship_copy: Path) -> None:
    with_register(flagship_copy)
    code, found = validate(flagship_copy)
    strict, promoted = validate(flagship_copy, "--strict")
    assert of(found, "gap-untested") and all(d["severity"] == "warning" for d in of(found, "gap-untested"))
    assert strict == 1 and code == (1 if any(d["severity"] == "error" for d in found) else 0)
    assert of(promoted, "gap-untested") and all(d["severity"] == "error" for d in of(promoted, "gap-untested"))


def test_the_register_is_an_input_not_part_of_the_definition(flagship_copy: Path) -> None:
    with_register(flagship_copy)
    document, problems = load.load(flagship_copy)
    assert document is not None and not problems
    assert "gaps" not in document.data and document.data["register"] == "gaps.yaml"
    assert document.register is not None and document.register[1]["gaps"][0]["id"] == "GAP-BG-R173"
    assert document.files[-1].path == (flagship_copy.parent / "gaps.yaml").resolve()
    assert (flagship_copy.parent / "gaps.yaml").resolve() in definition.included(flagship_copy)
    inputs = {i["file"]: i["sha256"] for i in pipeline.manifest_inputs(document)}
    assert inputs["gaps.yaml"] == hashlib.sha256((flagship_copy.parent / "gaps.yaml").read_bytes()).hexdigest()
