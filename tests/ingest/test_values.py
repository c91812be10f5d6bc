"""Cell values → field values: text, references, lists, methods, threats, serials and custom fields."""

from __future__ import annotations

import datetime as dt
import typing as t

import pytest

from exgen.ingest import values as v

KNOWN = {"mnb-hq": "MNB-HQ", "mnb headquarters": "MNB-HQ", "me-1bn": "ME-1BN", "1st infantry battalion": "ME-1BN",
         "to-1": "TO-1", "counter disinformation": "TO-2", "rp-mayor": "RP-MAYOR"}


def convert(name: str, value: t.Any, split: str | None = None, maps: t.Sequence[dict[str, str]] = ()) -> t.Any:
    return v.convert(name, value, known=KNOWN, split=split, maps=maps)


@pytest.mark.parametrize(("value", "expected"), [
    ("  Power cut at the port ", "Power cut at the port"),
    ("line one\r\nline two", "line one\nline two"),
    (12, "12"),
    (12.0, "12"),
    (2.5, "2.5"),
    (True, "yes"),
    (dt.datetime(2027, 5, 10, 7, 30), "2027-05-10T07:30:00"),
    (dt.date(2027, 5, 10), "2027-05-10"),
    (dt.time(7, 30), "07:30"),
])
@pytest.mark.parametrize("name", ["id", "title", "description", "expected_action", "notes"])
def test_text_fields(name: str, value: t.Any, expected: str) -> None:
    assert convert(name, value) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("MNB headquarters (MNB-HQ)", "MNB-HQ"),   # exgen's own workbook
    ("  MNB-HQ ", "MNB-HQ"),
    ("mnb-hq", "MNB-HQ"),                      # a known id in other case
    ("1st Infantry  Battalion", "ME-1BN"),     # a known name
    ("Mayor of Kotor (RP-MAYOR)", "RP-MAYOR"),
    ("Mayor (acting)", "Mayor (acting)"),      # not an id in brackets: as written
    ("Someone new", "Someone new"),            # unknown: as written, validation reports it
    ("Staff (ME-2BN)", "ME-2BN"),              # an id in brackets, even if unknown
])
@pytest.mark.parametrize("name", ["from", "controller", "net", "incident"])
def test_reference_fields(name: str, text: str, expected: str) -> None:
    assert convert(name, text) == expected


@pytest.mark.parametrize(("value", "split", "expected"), [
    ("MNB headquarters (MNB-HQ); 1st Infantry Battalion (ME-1BN)", None, ["MNB-HQ", "ME-1BN"]),
    ("MNB-HQ, ME-1BN", None, ["MNB-HQ", "ME-1BN"]),
    ("MNB-HQ\nME-1BN", None, ["MNB-HQ", "ME-1BN"]),
    ("Ministry, crisis unit (MOI); ME-1BN", None, ["MOI", "ME-1BN"]),  # ; wins over the comma
    ("MNB-HQ | ME-1BN", "|", ["MNB-HQ", "ME-1BN"]),
    ("MNB-HQ; ME-1BN", "|", ["MNB-HQ; ME-1BN"]),
    (" ; ", None, []),
])
def test_to_is_a_list_of_references(value: str, split: str | None, expected: list[str]) -> None:
    assert convert("to", value, split) == expected


def test_objectives_in_exgens_layout_and_by_title() -> None:
    assert convert("objectives", "TO-1; TO-2") == ["TO-1", "TO-2"]
    assert convert("objectives", "Counter disinformation") == ["TO-2"]


@pytest.mark.parametrize(("text", "expected"), [
    # exgen's labels (templates/layout/macros.html.j2 method_label) and values
    ("Radio", "radio"), ("Phone", "phone"), ("E-mail", "email"), ("Messenger", "messenger"), ("Media", "media"),
    ("Social media", "social-media"), ("In person", "in-person"), ("Document", "document"),
    ("C2 system", "c2-system"), ("Simulation", "simulation"), ("Chat", "chat"), ("in-person", "in-person"),
    ("c2-system", "c2-system"), ("social-media", "social-media"),
    # common words
    ("Phone call", "phone"), ("telephone", "phone"), ("email", "email"), ("Face to face", "in-person"),
    ("face-to-face", "in-person"), ("Verbal", "in-person"), ("Hard copy", "document"), ("paper", "document"),
    ("Runner", "messenger"), ("TV", "media"), ("Press", "media"), ("Twitter/X", "social-media"),
    ("SIM", "simulation"),
    # unknown: as written (the schema reports it at the cell)
    ("Carrier pigeon", "Carrier pigeon"),
])
def test_method(text: str, expected: str) -> None:
    assert convert("method", text) == expected


def test_every_schema_method_is_its_own_label() -> None:
    import json

    from tests.conftest import ROOT

    schema = json.loads((ROOT / "schemas" / "inject.schema.json").read_text("utf-8"))
    for method in schema["properties"]["method"]["enum"]:
        assert convert("method", method) == method


@pytest.mark.parametrize(("text", "expected"), [
    ("Disinformation", "disinformation"), ("Cyber", "cyber"), ("GNSS jamming", "gnss-jamming"),
    ("Electronic warfare", "electronic-warfare"), ("Sabotage", "sabotage"), ("Paramilitary", "paramilitary"),
    ("Organised crime", "organised-crime"), ("Conventional", "conventional"), ("C2 event", "c2"),
    ("Logistics", "logistics"), ("Civil emergency", "civil-emergency"), ("CBRN", "cbrn"),
    ("gnss-jamming", "gnss-jamming"), ("Weather", "Weather"),
])
def test_threat_kind_reads_exgens_labels(text: str, expected: str) -> None:
    assert convert("threat.kind", text) == expected


def test_threat_ids_take_each_lines_first_word() -> None:
    cell = "DISARM:T0023 Distort Facts\nATTACK:T1486 Data Encrypted for Impact"
    assert convert("threat.ids", cell) == ["DISARM:T0023", "ATTACK:T1486"]
    assert convert("threat.ids", "DISARM:T0023 Distort Facts; DISARM:T0002") == ["DISARM:T0023", "DISARM:T0002"]


@pytest.mark.parametrize(("value", "expected"), [(12, 12), (12.0, 12), (" 7 ", 7), ("7a", "7a"), (True, "yes")])
def test_serial_is_a_whole_number(value: t.Any, expected: t.Any) -> None:
    assert convert("serial", value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("  radio ", "radio"), (3, 3), (3.0, 3), (2.5, 2.5), (True, True), (False, False),
    (dt.datetime(2027, 5, 10, 7, 30), "2027-05-10T07:30:00"), (dt.date(2027, 5, 10), "2027-05-10"),
    (float("nan"), "nan"),
])
def test_custom_values_as_read(value: t.Any, expected: t.Any) -> None:
    assert convert("x-source", value) == expected


def test_custom_with_a_split_is_a_list() -> None:
    assert convert("x-tags", "a; b", split=";") == ["a", "b"]


def test_value_maps_apply_before_conversion_first_map_first() -> None:
    column = {"brigade g3": "MNB-HQ"}
    field = {"brigade g3": "ME-1BN", "dvd": "ME-1BN"}
    assert convert("from", "Brigade  G3", maps=[column, field]) == "MNB-HQ"
    assert convert("from", "DVD", maps=[column, field]) == "ME-1BN"
    assert convert("method", "Phone call", maps=[{"phone call": "radio"}]) == "radio"
    assert convert("to", "Brigade G3; ME-1BN", maps=[column]) == ["MNB-HQ", "ME-1BN"]
    assert convert("to", "All units", maps=[{"all units": "MNB-HQ; ME-1BN"}]) == ["MNB-HQ", "ME-1BN"]
    assert convert("x-source", "radio", maps=[{"radio": "RADIO-1"}]) == "RADIO-1"
    assert convert("serial", "one", maps=[{"one": "1"}]) == 1


def test_value_key_ignores_case_and_spacing() -> None:
    assert v.value_key(" Face  to\tFACE ") == "face to face"


def test_long_reference_texts_are_read_quickly() -> None:
    import time

    start = time.perf_counter()
    text = "Name (" * 20_000 + "x"
    assert convert("from", text) == text
    assert convert("to", "(a" * 20_000) == ["(a" * 20_000]
    assert time.perf_counter() - start < 1


def test_exgens_nested_brackets() -> None:
    assert convert("from", "Multinational Division Headquarters (played by HICON) (MND-HICON)") == "MND-HICON"
