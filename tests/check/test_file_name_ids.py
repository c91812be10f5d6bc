"""Ids that collide on real file systems (issue 16, item 5): ids equal but for case, Windows device
names, an id ending in a dot, and an outputs.yaml that declares manifest.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.check.rules.names import FILE_NAME_KINDS
from exgen.cli import cli
from exgen.render.outputs import PER_KINDS
from tests.check.minimal import errors, message, position, write


def test_the_file_name_kinds_are_the_per_kinds_of_outputs_yaml() -> None:
    collections = {kind for kind in PER_KINDS.values() if kind}
    # located_units are the units that have a location: their ids are unit ids.
    assert {"units" if c == "located_units" else c for c in collections} == set(FILE_NAME_KINDS)


def test_inject_ids_equal_but_for_case_are_duplicates_naming_both(tmp_path: Path) -> None:
    path = write(tmp_path, [("id: INJ-2,", "id: inj-1,")])
    assert errors(path) == [("duplicate-id", "/injects/1/id", *position(path, "inj-1"))]
    assert message(path, "duplicate-id") == (
        f"duplicate inject id 'inj-1': it differs from 'INJ-1' (defined at {path}:{position(path, 'INJ-1')[0]}) "
        "only in case, "
        "and both would name the same file on Windows and macOS")


def test_unit_ids_equal_but_for_case_are_duplicates(tmp_path: Path) -> None:
    path = write(tmp_path, [("id: U2,", "id: u1,"), ("from: U2", "from: u1"), ("from: U2", "from: u1"),
                            ("members: [U1, U2]", "members: [U1, u1]"), ("to: U2", "to: u1")])
    assert errors(path) == [("duplicate-id", "/units/1/id", *position(path, "u1"))]


def test_ids_of_kinds_that_name_no_file_may_differ_in_case(tmp_path: Path) -> None:
    systems = "systems:\n  - {id: RADIO, kind: radio, bands: [VHF]}\n  - {id: radio, kind: radio, bands: [UHF]}\nunits:"
    path = write(tmp_path, [("units:", systems)])
    assert errors(path) == []


@pytest.mark.parametrize("ident", ["CON", "con", "Nul.txt", "COM1", "lpt9", "AUX.1.x", "PRN", "COM0"])
def test_windows_device_names_are_refused_as_inject_and_unit_ids(tmp_path: Path, ident: str) -> None:
    path = write(tmp_path, [("id: INJ-1,", f"id: {ident},"), ("id: U2,", f"id: {ident},"),
                            ("from: U2", f"from: {ident}"), ("from: U2", f"from: {ident}"),
                            ("members: [U1, U2]", f"members: [U1, {ident}]"), ("to: U2", f"to: {ident}")])
    unit_line, unit_col = position(path, f"id: {ident}, name")
    inject_line, inject_col = position(path, f"id: {ident}, time")
    assert errors(path) == [
        ("reserved-id", "/units/1/id", unit_line, unit_col + len("id: ")),
        ("reserved-id", "/injects/0/id", inject_line, inject_col + len("id: ")),
    ]
    base = ident.split(".")[0].upper()
    assert message(path, "reserved-id", "/injects/0/id") == (
        f"inject id '{ident}' is the Windows device name {base}: a package file named after it cannot be "
        "written or opened on Windows; choose another id")


@pytest.mark.parametrize("ident", ["CONSOLE", "COM10", "ICON", "LPT", "NUL-1", "AUXILIARY"])
def test_names_that_only_start_like_a_device_are_allowed(tmp_path: Path, ident: str) -> None:
    assert errors(write(tmp_path, [("id: INJ-1,", f"id: {ident},")])) == []


def test_build_refuses_a_reserved_id_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, [("id: INJ-1,", "id: CON,")])
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "pkg")])
    assert result.exit_code == 1 and "error[reserved-id]" in result.output
    assert not (tmp_path / "pkg").exists()


def test_an_id_ending_in_a_dot_is_refused_by_the_schema(tmp_path: Path) -> None:
    """injects/INJ-1..html is not a safe package path: build used to fail after validate passed."""
    path = write(tmp_path, [("id: INJ-1,", "id: INJ-1.,")])
    assert errors(path) == [("schema-pattern", "/injects/0/id", *position(path, "INJ-1."))]
    assert "do not end with '.'" in message(path, "schema-pattern")


@pytest.mark.parametrize("output", ["manifest.json", "MANIFEST.JSON", "Manifest.Json"])
def test_outputs_yaml_may_not_declare_the_manifest(tmp_path: Path, output: str) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    declaration = folder / "outputs.yaml"
    declaration.write_text(f"outputs:\n  - {{template: index.html.j2, output: {output}}}\n", "utf-8")
    result = CliRunner().invoke(cli, ["build", str(write(tmp_path)), "-o", str(tmp_path / "pkg"),
                                      "--templates", str(folder)])
    line, col = position(declaration, output)
    assert result.exit_code == 1, result.output
    assert f"{declaration}:{line}:{col}: error[reserved-output]: output '{output}' is the package's manifest.json" \
        in result.output
    assert not (tmp_path / "pkg").exists()


def test_outputs_yaml_may_name_other_json_files(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "outputs.yaml").write_text("outputs:\n  - {template: index.html.j2, output: exports/manifest.json}\n",
                                         "utf-8")
    result = CliRunner().invoke(cli, ["build", str(write(tmp_path)), "-o", str(tmp_path / "pkg"),
                                      "--templates", str(folder), "--only", "exports"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pkg" / "exports" / "manifest.json").is_file()
