"""The mapping file: read, checked against its schema and for sense, every problem at its line and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exgen.core.diagnostics import Diagnostic
from exgen.ingest.mapping import Mapping, header_key, load_mapping

GOOD = """\
exgen-import: 1                 # the issue's example
sheet: MSEL
header_row: 3
timezone: Europe/Belgrade
startex: "2027-05-10T06:00:00Z"
date_order: dmy
columns:
  "Inject No.": id
  "Scenario Time": time
  "Date": date
  "Inject Mode": {field: method, values: {"Phone call": phone, "Face to face": in-person}}
  "Recipient": {field: to, split: ";"}
  "Planner": ignore
  "Source": x-source
values:
  from: {"Brigade G3": MNB-HQ}
defaults:
  method: document
  to: [ME-1BN]
"""


def load(tmp_path: Path, text: str) -> tuple[Mapping | None, list[Diagnostic], str]:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, "utf-8")
    mapping, found = load_mapping(str(path))
    return mapping, found, str(path)


def located(found: list[Diagnostic]) -> list[str]:
    """``line:col code`` of each diagnostic."""
    return [f"{d.location.line}:{d.location.col} {d.code}" for d in found]


def test_the_issues_example_loads(tmp_path: Path) -> None:
    mapping, found, path = load(tmp_path, GOOD)
    assert found == [] and mapping is not None
    assert mapping.file == path and mapping.sheet == "MSEL" and mapping.header_row == 3
    assert mapping.timezone.utcoffset(dt.datetime(2027, 5, 10)) == dt.timedelta(hours=2)
    assert mapping.startex == dt.datetime(2027, 5, 10, 6, tzinfo=dt.timezone.utc)
    assert mapping.date_order == "dmy"
    assert sorted(mapping.columns) == ["date", "inject mode", "inject no", "planner", "recipient", "scenario time",
                                       "source"]
    mode = mapping.columns["inject mode"]
    assert (mode.header, mode.field, mode.values) == ("Inject Mode", "method",
                                                      {"phone call": "phone", "face to face": "in-person"})
    assert mapping.columns["recipient"].split == ";"
    assert mapping.columns["planner"].field == "ignore"
    assert (mode.location.line, mode.location.col) == (11, 3)
    assert mapping.values == {"from": {"brigade g3": "MNB-HQ"}}
    assert mapping.defaults["method"][0] == "document"
    assert (mapping.defaults["to"][0], mapping.defaults["to"][1].line) == (["ME-1BN"], 19)


def test_only_the_version_is_required(tmp_path: Path) -> None:
    mapping, found, _ = load(tmp_path, "exgen-import: 1\n")
    assert found == [] and mapping is not None
    assert mapping.columns == {} and mapping.timezone.utcoffset(None) == dt.timedelta(0) and mapping.startex is None


@pytest.mark.parametrize(("text", "expected"), [
    ("exgen-import: 2\n", ["1:15 schema-const"]),
    ("sheet: MSEL\n", ["1:1 schema-required"]),
    ("exgen-import: 1\ncolumns:\n  Title: titel\n", ["3:10 schema-pattern"]),
    ("exgen-import: 1\ncolumns:\n  Title: {field: title, valus: {}}\n", ["3:25 schema-unknown-property"]),
    ("exgen-import: 1\ncolumns:\n  Title: {values: {}}\n", ["3:10 schema-required"]),
    ("exgen-import: 1\nvalues:\n  frm: {a: b}\n", ["3:3 schema-unknown-property"]),
    ("exgen-import: 1\ndefaults:\n  time: D+1 07:00\n", ["3:3 schema-unknown-property"]),
    ("exgen-import: 1\nheader_row: 0\n", ["2:13 schema-minimum"]),
    ("exgen-import: 1\ntimezone: ../../etc/passwd\n", ["2:11 schema-pattern"]),
    ("exgen-import: 1\ndate_order: ddmmyy\n", ["2:13 schema-enum"]),
    ("exgen-import: 1\nstartex: tomorrow\n", ["2:10 schema-pattern"]),
    ("exgen-import: 1\ncolor: red\n", ["2:1 schema-unknown-property"]),
])
def test_schema_problems_are_located(tmp_path: Path, text: str, expected: list[str]) -> None:
    mapping, found, _ = load(tmp_path, text)
    assert mapping is None
    assert located(found) == expected


def test_unknown_field_message_lists_the_fields(tmp_path: Path) -> None:
    _, found, path = load(tmp_path, "exgen-import: 1\ncolumns:\n  Title: titel\n")
    assert found[0].as_text().startswith(f"{path}:3:10: error[schema-pattern]: 'titel'")
    assert "expected_action" in found[0].message and "x-name" in found[0].message


def test_a_header_mapped_twice(tmp_path: Path) -> None:
    mapping, found, path = load(tmp_path, 'exgen-import: 1\ncolumns:\n  "Inject No.": id\n  "inject  no": serial\n')
    assert mapping is None and located(found) == ["4:3 import-mapping-duplicate"]
    assert "'Inject No.'" in found[0].message and found[0].location.file == path


def test_a_value_map_text_twice_with_two_values(tmp_path: Path) -> None:
    text = "exgen-import: 1\nvalues:\n  from: {Brigade G3: MNB-HQ, brigade g3: ME-1BN, BRIGADE G3: MNB-HQ}\n"
    mapping, found, _ = load(tmp_path, text)
    assert mapping is None and located(found) == ["3:30 import-mapping-duplicate"]


def test_a_column_value_map_text_twice(tmp_path: Path) -> None:
    text = "exgen-import: 1\ncolumns:\n  Mode:\n    field: method\n    values:\n      Call: phone\n      call: radio\n"
    _, found, _ = load(tmp_path, text)
    assert located(found) == ["7:7 import-mapping-duplicate"]


def test_an_unknown_zone(tmp_path: Path) -> None:
    _, found, _ = load(tmp_path, "exgen-import: 1\ntimezone: Mars/Olympus\n")
    assert located(found) == ["2:11 import-unknown-zone"]
    assert "Mars/Olympus" in found[0].message and "Europe/Belgrade" in found[0].message


@pytest.mark.parametrize("zone", ["UTC", "+02:00", "-05:30", "America/New_York", "Z"])
def test_known_zones(tmp_path: Path, zone: str) -> None:
    mapping, found, _ = load(tmp_path, f'exgen-import: 1\ntimezone: "{zone}"\n')
    assert found == [] and mapping is not None and mapping.zone_name == zone


def test_startex_outside_the_years_exgen_reads(tmp_path: Path) -> None:
    _, found, _ = load(tmp_path, 'exgen-import: 1\nstartex: "1850-05-10T06:00:00Z"\n')
    assert located(found) == ["2:10 import-bad-time"] and "1900" in found[0].message


def test_a_list_default_for_a_one_value_field(tmp_path: Path) -> None:
    _, found, _ = load(tmp_path, "exgen-import: 1\ndefaults:\n  method: [phone, radio]\n  to: [A, B]\n"
                                 "  x-tags: [a, b]\n")
    assert located(found) == ["3:11 import-mapping-default"]


def test_all_semantic_problems_are_reported_together(tmp_path: Path) -> None:
    text = ("exgen-import: 1\ntimezone: Nowhere/Land\ncolumns:\n  A: id\n  a: title\n"
            "defaults:\n  from: [X, Y]\n")
    _, found, _ = load(tmp_path, text)
    assert sorted(located(found)) == ["2:11 import-unknown-zone", "5:3 import-mapping-duplicate",
                                      "7:9 import-mapping-default"]


@pytest.mark.parametrize(("text", "code"), [
    ("exgen-import: 1\ncolumns: {a: id\n", "yaml-syntax"),
    ("exgen-import: 1\nexgen-import: 1\n", "duplicate-key"),
    ("- exgen-import\n", "not-a-mapping"),
])
def test_unreadable_files_are_located(tmp_path: Path, text: str, code: str) -> None:
    mapping, found, path = load(tmp_path, text)
    assert mapping is None and [d.code for d in found] == [code]
    assert found[0].location.file == path and found[0].location.line > 0


def test_missing_and_non_files(tmp_path: Path) -> None:
    mapping, found = load_mapping(str(tmp_path / "nope.yaml"))
    assert mapping is None and [d.code for d in found] == ["file-not-found"]
    mapping, found = load_mapping(str(tmp_path))
    assert mapping is None and [d.code for d in found] == ["file-unreadable"]


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_bytes(b"PK\x03\x04\x00\x00")
    mapping, found = load_mapping(str(path))
    assert mapping is None and [d.code for d in found] == ["binary-file"]


@pytest.mark.parametrize(("text", "key"), [
    ("Inject No.", "inject no"), ("  INJECT   no:", "inject no"), ("*Time*", "time"), ("#", "#"),
    ("Recipient(s)", "recipient(s)"), ("Date/Time", "date/time"),
])
def test_header_key(text: str, key: str) -> None:
    assert header_key(text) == key
