"""Values at the edges (issue 16, item 4): NaN and infinity, control characters, text and
markings too long for the spreadsheet, serials too large; each refused by validate at the value."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from exgen.core import limits
from tests.check.minimal import errors, message, position, validate, write

U1_LOCATION = "location: {lat: 42.4, lon: 19.3}"


def build(path: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(out), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_yaml_nan_and_infinity_are_refused_at_each_value(tmp_path: Path) -> None:
    path = write(tmp_path, [(U1_LOCATION, "location: {lat: .nan, lon: -.inf}"),
                            ("radius_km: 40", "radius_km: .inf")])
    lat, lon, radius = (position(path, v) for v in (".nan", "-.inf", ".inf}"))
    # One finding per value: no second schema-minimum/maximum for the same value.
    assert errors(path) == [
        ("non-finite-number", "/exercise/area/radius_km", *radius),
        ("non-finite-number", "/units/0/location/lat", *lat),
        ("non-finite-number", "/units/0/location/lon", *lon),
    ]
    messages = [d["message"] for d in validate(path)[1]]
    assert "/units/0/location/lat is NaN (not a number); write a finite number" in messages
    assert "/units/0/location/lon is -infinity; write a finite number" in messages


def test_a_json_number_too_large_for_a_float_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "exercise.json"
    path.write_text(
        '{"exgen": 1,\n'
        ' "exercise": {"id": "EDGE", "name": "Edge", "type": "CPX", "classification": "UNCLASSIFIED",\n'
        '   "startex": "2027-05-10T06:00:00Z", "endex": "2027-05-12T18:00:00Z"},\n'
        ' "units": [{"id": "U1", "name": "One", "nation": "HR", "role": "training-audience",\n'
        '            "location": {"lat": 1e999, "lon": 19.3}}]}\n', "utf-8")
    assert errors(path) == [("non-finite-number", "/units/0/location/lat", *position(path, "1e999"))]
    assert "/units/0/location/lat is infinity" in message(path, "non-finite-number")


@pytest.mark.parametrize(("escape", "named"), [
    ("\\e", "ESC (escape, U+001B)"), ("\\x1b", "ESC (escape, U+001B)"), ("\\x07", "BEL (bell, U+0007)"),
    ("\\x0b", "vertical tab (U+000B)"), ("\\0", "NUL (U+0000)"), ("\\uFFFE", "the non-character U+FFFE"),
    ("\\x85", "a control character (U+0085)"),
])
def test_control_characters_in_an_inject_title_and_a_unit_name_are_refused(
        tmp_path: Path, escape: str, named: str) -> None:
    path = write(tmp_path, [("title: Convoy ambushed", f'title: "Convoy{escape} ambushed"'),
                            ("name: First battalion", f'name: "First{escape} battalion"')])
    assert errors(path) == [
        ("control-character", "/units/0/name", *position(path, '"First')),
        ("control-character", "/injects/0/title", *position(path, '"Convoy')),
    ]
    assert message(path, "control-character", "/units/0/name").startswith(
        f"/units/0/name holds {named} at character 6; text may hold tab and line breaks")


def test_a_control_character_in_json_and_in_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "exercise.json"
    path.write_text(
        '{"exgen": 1,\n'
        ' "exercise": {"id": "EDGE", "name": "Edge\\u001b[31m", "type": "CPX", "classification": "UNCLASSIFIED",\n'
        '   "startex": "2027-05-10T06:00:00Z", "endex": "2027-05-12T18:00:00Z", "x\\u0007": 1}}\n', "utf-8")
    assert errors(path) == [
        ("control-character", "/exercise/name", *position(path, '"Edge')),
        ("control-character", "/exercise/x\u0007", *position(path, '"x\\u0007"')),
        # the key is also simply unknown: both are said, so the rules never run on a malformed root
        ("schema-unknown-property", "/exercise/x\u0007", *position(path, '"x\\u0007"')),
    ]


def test_build_refuses_control_characters_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, [("title: Convoy ambushed", 'title: "Convoy\\x1b ambushed"')])
    code, output = build(path, tmp_path / "pkg")
    assert code == 1 and "error[control-character]" in output
    assert not (tmp_path / "pkg").exists()


def test_tabs_line_breaks_and_bidi_marks_keep_every_xml_output_well_formed(tmp_path: Path) -> None:
    """What text may hold reaches the XML, KML, Cursor-on-Target and SVG outputs, which stay well-formed."""
    path = write(tmp_path, [
        ("title: Convoy ambushed", 'title: "Convoy\\tambushed\\r\\nnear \\u200fKalivor <&> \\u2028 \\U0001F600"'),
        ("name: First battalion", 'name: "First\\tbattalion \\"A&B\\" <1>\\n\\u202eRLO"'),
    ])
    assert errors(path) == []
    code, output = build(path, tmp_path / "pkg", "--only", "c2sim,kml,cot,charts")
    assert code == 0, output
    files = [p for p in (tmp_path / "pkg").rglob("*") if p.suffix in (".xml", ".kml", ".svg")]
    assert {p.suffix for p in files} == {".xml", ".kml", ".svg"}
    for file in files:
        ET.parse(file)  # raises on anything not well-formed
    kml = (tmp_path / "pkg" / "exports" / "exercise.kml").read_text("utf-8")
    assert "First\tbattalion" in kml


def test_text_longer_than_a_spreadsheet_cell_is_refused(tmp_path: Path) -> None:
    longest = f"title: Second report, description: {'x' * limits.EXCEL_CELL},"
    fits = write(tmp_path, [("title: Second report,", longest)], name="fits.yaml")
    assert errors(fits) == []
    path = write(tmp_path, [("title: Second report,",
                             f"title: Second report, description: {'x' * (limits.EXCEL_CELL + 1)},")])
    assert errors(path) == [("text-too-long", "/injects/1/description", *position(path, "xxx"))]
    assert "is 32,768 characters long; at most 32,767 fit a spreadsheet cell" in message(path, "text-too-long")


def _banner(tmp_path: Path, size: int, name: str) -> Path:
    """A definition whose banner is ``size`` characters as Excel counts them, with a 64-character exercise id."""
    rest = size - len(" — EXERCISE EXERCISE EXERCISE")
    classification = ("R&D " * 40)[:rest - rest // 4]  # every 4 characters hold one '&', counted twice
    classification += "X" * (rest - limits.excel_header_length(classification))
    assert limits.excel_header_length(f"{classification} — EXERCISE EXERCISE EXERCISE") == size
    return write(tmp_path, [("id: EDGE-27", "id: " + "E" * 64),
                            ("classification: UNCLASSIFIED", f'classification: "{classification}"')], name=name)


def test_a_banner_too_long_for_the_workbook_header_is_refused_at_validate(tmp_path: Path) -> None:
    path = _banner(tmp_path, limits.BANNER + 1, "long.yaml")
    assert errors(path) == [("banner-too-long", "/exercise/classification", *position(path, '"R&D'))]
    assert message(path, "banner-too-long").startswith(
        f"the classification and marking make a page banner of {limits.BANNER + 1} characters")


def test_the_longest_banner_allowed_fits_the_xlsx_converter(tmp_path: Path) -> None:
    path = _banner(tmp_path, limits.BANNER, "fits.yaml")
    assert errors(path) == []
    code, output = build(path, tmp_path / "pkg", "--only", "msel")
    assert code == 0, output
    assert (tmp_path / "pkg" / "msel" / "msel.xlsx").stat().st_size > 0


def test_a_long_marking_is_reported_at_the_marking(tmp_path: Path) -> None:
    path = write(tmp_path, [("classification: UNCLASSIFIED", "classification: UNCLASSIFIED\n  marking: " + "EX " * 50)])
    assert errors(path) == [("banner-too-long", "/exercise/marking", *position(path, "EX EX"))]


@pytest.mark.parametrize("serial", ["1000000000", "9" * 4000])
def test_a_serial_the_workbook_cannot_hold_is_refused(tmp_path: Path, serial: str) -> None:
    """A 4,000-digit serial used to crash the XLSX converter (int too large to convert to float)."""
    path = write(tmp_path, [("title: Convoy ambushed,", f"title: Convoy ambushed, serial: {serial},")])
    assert errors(path) == [("schema-maximum", "/injects/0/serial", *position(path, serial))]


@pytest.mark.parametrize(("old", "new", "pointer", "code"), [
    # Hypothesis found these: a control character where a mapping, a number or a date belongs
    # reached the semantic rules, which crashed on it.
    ("location: {lat: 42.4, lon: 19.3}", 'location: {lat: "\\x1f", lon: 19.3}', "/units/0/location/lat",
     "schema-type"),
    ('startex: "2027-05-10T06:00:00Z"', 'startex: "\\x1f"', "/exercise/startex", "schema-pattern"),
])
def test_a_control_character_where_structure_belongs_is_a_schema_error_too(
        tmp_path: Path, old: str, new: str, pointer: str, code: str) -> None:
    path = write(tmp_path, [(old, new)])
    found = [(c, p) for c, p, *_ in errors(path)]
    assert ("control-character", pointer) in found
    assert (code, pointer) in found
