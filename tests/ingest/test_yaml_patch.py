"""Editing definition files by splicing their text: what is not touched does not move, byte for byte."""

from __future__ import annotations

import copy
import difflib
import json
import typing as t
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen.ingest.yaml_patch import PatchError, YamlFile, render_new_file
from exgen.load.yaml_events import build

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DAY2 = SCENARIOS / "adriatic-shield" / "injects" / "day2.yaml"
FLAGSHIP = SCENARIOS / "adriatic-shield" / "exercise.yaml"
ALL_YAML = sorted(p for p in SCENARIOS.rglob("*") if p.suffix in (".yaml", ".yml"))


def _read(path: Path) -> str:
    """A file's text exactly as stored (BOM and line breaks kept)."""
    return path.read_bytes().decode("utf-8")


def _exgen_reads(text: str) -> t.Any:
    """The data exgen's own loader (YAML 1.2 core schema) reads from ``text``."""
    built = build(text, "test.yaml")
    assert built.complete and not built.diagnostics, built.diagnostics
    return built.data


def _changed_original_lines(before: str, after: str) -> list[tuple[int, int]]:
    """The ranges of original lines (0-based, end exclusive) that a line diff replaces, deletes or inserts at."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def _item_lines(text: str, key: str) -> list[tuple[int, int]]:
    """Per item of the top-level list ``key``: its original line range (PyYAML's marks), from the empty
    lines that separate it from the item before up to the next item."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    seq = next(value for k, value in root.value if k.value == key)
    lines = text.splitlines()
    starts = [item.start_mark.line for item in seq.value]
    ends = starts[1:] + [len(lines)]
    for i, start in enumerate(starts):
        while start > 0 and not lines[start - 1].strip():
            start -= 1
        starts[i] = start
    return list(zip(starts, ends, strict=True))


@pytest.mark.parametrize("path", ALL_YAML, ids=lambda p: p.relative_to(SCENARIOS).as_posix())
def test_a_file_without_edits_comes_back_byte_identical(path: Path) -> None:
    text = _read(path)
    assert YamlFile(text, path.name).text().encode("utf-8") == path.read_bytes()


def test_the_scenario_set_is_there_to_check() -> None:
    assert len(ALL_YAML) >= 20


# --- the day-2 edit -------------------------------------------------------------------------

NEW_ITEMS: list[dict[str, t.Any]] = [
    {"id": "INJ-090", "time": "D+1 19:00", "from": "MND-HICON", "to": ["MNB-HQ", "AL-2BN"], "method": "email",
     "title": "MND asks: report: the status of the grid # tonight",
     "description": "First paragraph of a long description that a planner typed into one spreadsheet cell, "
                    "long enough to be folded.\nSecond line after a line break.",
     "threat": {"kind": "c2"}, "requires": [{"report": {"from": "MNB-HQ", "to": "MND-HICON", "within": "1h"}}],
     "x-source": "Workbook row 14"},
    {"id": "INJ-091", "time": "D+1 19:30", "title": "yes", "objectives": [], "notes": "0800"},
]
NEW_DESCRIPTION = ("The regional ministry calls again, this time with a second forged letter: the brigade has "
                   "'closed the border' at Zarnik. People are queuing at the crossing and the border police ask "
                   "for a joint statement: within 30 minutes.")


def _edit_day2(text: str) -> str:
    """The day-2 edits: five field edits, two new injects, one inject removed."""
    day2 = YamlFile(text, "day2.yaml")
    day2.set_field("injects", 0, "title", "Patrol at tower 117: a second charge, not exploded")
    day2.set_field("injects", 1, "time", "D+1 06:45")
    day2.set_field("injects", 2, "description", NEW_DESCRIPTION)
    day2.set_field("injects", 3, "notes", "Imported from the HSEEP workbook; see row 9.")
    day2.remove_field("injects", 4, "x-source")
    day2.append_items("injects", NEW_ITEMS)
    day2.remove_item("injects", 6)
    return day2.text()


def _expected_day2(data: dict[str, t.Any]) -> dict[str, t.Any]:
    """The same edits applied to the loaded data."""
    data = copy.deepcopy(data)
    injects = data["injects"]
    injects[0]["title"] = "Patrol at tower 117: a second charge, not exploded"
    injects[1]["time"] = "D+1 06:45"
    injects[2]["description"] = NEW_DESCRIPTION
    injects[3]["notes"] = "Imported from the HSEEP workbook; see row 9."
    del injects[4]["x-source"]
    injects.extend(copy.deepcopy(NEW_ITEMS))
    del injects[6]
    return data


def test_day2_edits_change_only_the_touched_injects(tmp_path: Path) -> None:
    copy_path = tmp_path / "day2.yaml"
    copy_path.write_bytes(DAY2.read_bytes())
    before = _read(copy_path)
    after = _edit_day2(before)

    assert yaml.safe_load(after) == _expected_day2(yaml.safe_load(before))
    assert _exgen_reads(after) == _expected_day2(_exgen_reads(before))

    items = _item_lines(before, "injects")
    touched = [items[i] for i in (0, 1, 2, 3, 4, 6)] + [(items[-1][1], items[-1][1])]  # + the end, for the new ones
    changes = _changed_original_lines(before, after)
    assert changes
    for start, end in changes:
        assert any(lo <= start and end <= hi for lo, hi in touched), f"original lines {start + 1}-{end} moved"
    hit = {i for i, (lo, hi) in enumerate(touched) if any(lo <= s < hi or lo == s == hi for s, _ in changes)}
    assert hit == set(range(len(touched))), "every touched inject shows a change"

    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert after.startswith(before[: before.index("injects:")])


def test_day2_edits_keep_each_value_in_its_style() -> None:
    after = _edit_day2(_read(DAY2))
    lines = after.splitlines()
    third = lines.index("  - id: INJ-014")
    assert lines[third + 7] == "    description: >-", "a folded block stays folded"
    assert all(len(line) <= 100 for line in lines[third + 8 : third + 11])
    assert '    time: "D+1 06:45"' in lines
    assert '    title: "Patrol at tower 117: a second charge, not exploded"' in lines
    assert "  - id: INJ-090" in lines and lines[lines.index("  - id: INJ-090") - 1] == "", "injects stay apart"
    assert "    to: [MNB-HQ, AL-2BN]" in lines and "    threat: {kind: c2}" in lines
    assert '    title: "yes"' in lines and '    notes: "0800"' in lines
    assert "    description: |-" in lines  # text with a line break
    assert after.endswith('    title: "yes"\n    objectives: []\n    notes: "0800"\n'), "ends with a line break"


def test_setting_values_they_already_hold_moves_nothing() -> None:
    before = _read(DAY2)
    day2 = YamlFile(before, "day2.yaml")
    for index, inject in enumerate(day2.list_items("injects")):
        for field, value in inject.items():
            day2.set_field("injects", index, field, value)
        day2.set_field("injects", index, "threat.kind", inject["threat"]["kind"])
    assert day2.text() == before
    day2.set_field("injects", 0, "objectives", ["TO-3", "TO-4"])
    assert _changed_original_lines(before, day2.text()) == [(22, 23)]


def test_crlf_stays_crlf_and_the_bom_stays() -> None:
    lf = _read(DAY2)
    expected = _edit_day2(lf)
    crlf = "\ufeff" + lf.replace("\n", "\r\n")
    edited = _edit_day2(crlf)
    assert edited.startswith("\ufeff")
    assert edited.count("\n") == edited.count("\r\n")
    assert edited == "\ufeff" + expected.replace("\n", "\r\n")


# --- strings, ids and numbers read back exactly --------------------------------------------------

FIXTURE = """\
# a fragment with every way of writing a value
injects:
  - id: INJ-001
    time: "D+0 06:30"
    title: Plain title
    quoted: 'single'
    description: >-
      A folded description that goes on
      over two lines.
    literal: |
      kept
      as is
    commented: value  # a comment after it
    to: [MNB-HQ]
    count: 3

  - id: INJ-002
    title: Untouched
"""
NASTY = ["yes", "no", "NO", "on", "null", "~", "0800", "1e3", "- x", "-", "? q", ": x", "a: b", "a #b", "#c",
         "x:", "'q'", '"q"', "[a]", "{a: 1}", "&a", "*a", "!t", "%p", "@a", "`b", "|", ">", "2027-05-10",
         "1:30", "D+1 07:30", "0x1F", "0o17", ".inf", "true", "Ünïcödé", "Кириллица: да", "tab\there",
         "trailing ", " leading", "two\nlines", "ends\n", "ends twice\n\n", "\nstarts", "a\r\nb", "...",
         "---", "\u2028", "\x85", "\ufeffbom", "emoji 😀", "back\\slash", "", " ", "\t", "line\n  indented"]
TEXTS = st.one_of(st.sampled_from(NASTY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=160),
                  st.lists(st.sampled_from(NASTY + ["word", " ", "\n", ":", "#"]), max_size=12).map("".join))
FIELDS = ["title", "time", "quoted", "description", "literal", "commented", "notes"]
ID = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9_-]{0,20})", fullmatch=True)


def _set_and_read(field: str, value: t.Any, newline: str = "\n") -> tuple[t.Any, t.Any, str]:
    """Set ``field`` of the first inject; the value PyYAML and exgen read back, and the text."""
    text = FIXTURE.replace("\n", newline)
    patched = YamlFile(text, "fixture.yaml")
    patched.set_field("injects", 0, field, value)
    out = patched.text()
    first = yaml.safe_load(out)["injects"][0]
    assert yaml.safe_load(out)["injects"][1] == {"id": "INJ-002", "title": "Untouched"}
    return first[field], _exgen_reads(out)["injects"][0][field], out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=TEXTS, field=st.sampled_from(FIELDS), newline=st.sampled_from(["\n", "\r\n"]))
def test_any_string_reads_back_exactly(value: str, field: str, newline: str) -> None:
    by_pyyaml, by_exgen, out = _set_and_read(field, value, newline)
    assert by_pyyaml == value
    assert by_exgen == value
    if field == "commented":
        assert "# a comment after it" in out


@settings(max_examples=100, deadline=None)
@given(ids=st.lists(ID, max_size=8), field=st.sampled_from(["to", "title", "notes"]))
def test_any_list_of_ids_reads_back_exactly(ids: list[str], field: str) -> None:
    by_pyyaml, by_exgen, _ = _set_and_read(field, ids)
    assert by_pyyaml == ids and by_exgen == ids


@settings(max_examples=100, deadline=None)
@given(number=st.integers(), field=st.sampled_from(["count", "title", "notes"]))
def test_any_integer_reads_back_exactly(number: int, field: str) -> None:
    by_pyyaml, by_exgen, _ = _set_and_read(field, number)
    assert by_pyyaml == number and by_exgen == number


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXTS),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8).filter(lambda k: "." not in k), inner, max_size=4)),
    max_leaves=10)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=VALUES, field=st.sampled_from([*FIELDS, "to", "count"]))
def test_any_nested_value_reads_back_exactly(value: t.Any, field: str) -> None:
    by_pyyaml, by_exgen, out = _set_and_read(field, value)
    assert by_pyyaml == value and by_exgen == value
    assert "# a comment after it" in out or field == "commented"


def test_times_are_double_quoted_and_ids_plain() -> None:
    _, _, out = _set_and_read("notes", "D+2 14:05")
    assert '    notes: "D+2 14:05"\n' in out
    _, _, out = _set_and_read("notes", "MNB-HQ")
    assert "    notes: MNB-HQ\n" in out


def test_a_long_line_is_folded_and_multiline_text_literal() -> None:
    long = "word " * 40 + "end"
    _, _, out = _set_and_read("notes", long)
    assert "    notes: >-\n      word word" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    _, _, out = _set_and_read("title", "first\nsecond")
    assert "    title: |-\n      first\n      second\n" in out


# --- the include list, JSON and shapes that cannot be edited -------------------------------------


def test_an_include_goes_into_the_flagship_list_in_its_own_style() -> None:
    before = _read(FLAGSHIP)
    root = YamlFile(before, "exercise.yaml")
    root.add_to_string_list("include", "injects/day4.yaml")
    root.add_to_string_list("include", "injects/day4.yaml")  # once only
    root.add_to_string_list("include", "forces.yaml")  # already there
    after = root.text()
    assert after == before.replace("  - injects/day3.yaml\n", "  - injects/day3.yaml\n  - injects/day4.yaml\n", 1)
    assert yaml.safe_load(after)["include"][-1] == "injects/day4.yaml"


def test_an_include_goes_into_a_flow_list_in_flow_style() -> None:
    text = "exgen: 1\ninclude: [forces.yaml, injects/day1.yaml]  # the parts\nexercise: {id: X}\n"
    root = YamlFile(text, "exercise.yaml")
    root.add_to_string_list("include", "injects/day 2.yaml")
    root.add_to_string_list("include", "yes")
    assert root.text() == (
        'exgen: 1\ninclude: [forces.yaml, injects/day1.yaml, injects/day 2.yaml, "yes"]  # the parts\n'
        "exercise: {id: X}\n")


def test_a_missing_list_is_created_at_the_end() -> None:
    text = "# root\nexgen: 1\n"
    root = YamlFile(text, "exercise.yaml")
    root.add_to_string_list("include", "injects/day1.yaml")
    root.append_items("injects", [{"id": "A"}, {"id": "B"}])
    out = root.text()
    assert out.startswith(text.rstrip("\n"))
    assert yaml.safe_load(out) == {"exgen": 1, "include": ["injects/day1.yaml"],
                                   "injects": [{"id": "A"}, {"id": "B"}]}


def test_items_fill_a_list_key_written_with_nothing_after_it() -> None:
    patched = YamlFile("exgen: 1\ninjects:\nafter: 2\n", "f.yaml")
    patched.append_items("injects", [{"id": "A"}, {"id": "B", "to": ["X"]}])
    assert patched.text() == "exgen: 1\ninjects:\n  - id: A\n\n  - id: B\n    to: [X]\nafter: 2\n"


def test_removing_every_item_leaves_an_empty_list() -> None:
    text = "injects:\n  - id: A\n\n  - id: B\nafter: 1\n"
    patched = YamlFile(text, "f.yaml")
    patched.remove_item("injects", 0)
    patched.remove_item("injects", 1)
    assert patched.text() == "injects: []\nafter: 1\n"


def test_removing_the_first_field_moves_the_next_onto_the_dash() -> None:
    text = "injects:\n  - id: A\n    title: T\n    notes: N\n"
    patched = YamlFile(text, "f.yaml")
    patched.remove_field("injects", 0, "id")
    patched.remove_field("injects", 0, "notes")
    patched.remove_field("injects", 0, "missing")
    assert patched.text() == "injects:\n  - title: T\n"


def test_later_calls_win_and_nested_paths_merge() -> None:
    text = "injects:\n  - id: A\n    threat:\n      kind: cyber  # why\n      actor: X\n"
    patched = YamlFile(text, "f.yaml")
    patched.set_field("injects", 0, "title", "first")
    patched.set_field("injects", 0, "title", "second")
    patched.set_field("injects", 0, "threat.kind", "sabotage")
    patched.remove_field("injects", 0, "threat.actor")
    patched.set_field("injects", 0, "location", {"lat": 1.5})
    patched.set_field("injects", 0, "location.lon", 2.25)
    patched.set_field("injects", 0, "x-deep.a.b", "c")
    out = patched.text()
    assert "      kind: sabotage  # why\n" in out
    assert yaml.safe_load(out)["injects"][0] == {
        "id": "A", "threat": {"kind": "sabotage"}, "title": "second", "location": {"lat": 1.5, "lon": 2.25},
        "x-deep": {"a": {"b": "c"}}}
    patched.remove_item("injects", 0)
    with pytest.raises(ValueError, match="already removed"):
        patched.set_field("injects", 0, "title", "third")


def test_json_files_get_json_in_their_own_layout() -> None:
    data = {"exgen": 1, "injects": [{"id": "A", "title": "t", "threat": {"kind": "c2"}}, {"id": "B"}, {"id": "C"}]}
    before = json.dumps(data, indent=2) + "\n"
    patched = YamlFile(before, "day1.json")
    patched.set_field("injects", 0, "title", 'new "title"\nwith a break')
    patched.set_field("injects", 0, "threat.actor", "Korvanian Federation")
    patched.remove_field("injects", 0, "threat.kind")
    patched.remove_item("injects", 2)
    patched.append_items("injects", [{"id": "D", "to": ["MNB-HQ"]}])
    after = patched.text()
    expected = copy.deepcopy(data)
    expected["injects"][0].update(title='new "title"\nwith a break', threat={"actor": "Korvanian Federation"})
    expected["injects"][2:] = [{"id": "D", "to": ["MNB-HQ"]}]
    assert json.loads(after) == expected
    assert after == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


def test_compact_json_stays_on_one_line() -> None:
    patched = YamlFile('{"injects": [{"id": "A"}, {"id": "B"}, {"id": "C"}]}', "f.json")
    patched.remove_item("injects", 1)
    patched.remove_item("injects", 2)
    patched.set_field("injects", 0, "n", 1)
    patched.append_items("injects", [{"id": "E"}])
    assert patched.text() == '{"injects": [{"id": "A", "n": 1}, {"id": "E"}]}'


def test_a_flow_style_list_of_injects_is_refused_clearly() -> None:
    patched = YamlFile("injects: [{id: A, title: T}]\n", "day1.yaml")
    assert patched.list_items("injects") == [{"id": "A", "title": "T"}]
    with pytest.raises(PatchError, match=r"day1\.yaml: 'injects' is written in flow style .*block list"):
        patched.set_field("injects", 0, "title", "U")
    with pytest.raises(PatchError, match="flow style"):
        patched.append_items("injects", [{"id": "B"}])


@pytest.mark.parametrize("text, match", [
    ("- a\n- b\n", "not hold a mapping"),
    ("injects: [\n", "not valid YAML"),
    ("a: 1\n---\nb: 2\n", "more than one document"),
    ("a: " + "[" * 200 + "]" * 200 + "\n", "deeper than 64"),
    ("injects: 3\n", "not a list"),
])
def test_files_that_cannot_be_edited_raise_patch_errors(text: str, match: str) -> None:
    with pytest.raises(PatchError, match=match):
        YamlFile(text, "f.yaml").append_items("injects", [{"id": "A"}])


def test_anchors_and_aliases_on_touched_nodes_are_refused_and_elsewhere_kept() -> None:
    text = "base: &req {from: A, to: B}\ninjects:\n  - id: A\n    requires: [*req]\n  - id: B\n    title: T\n"
    patched = YamlFile(text, "f.yaml")
    assert patched.list_items("injects")[0] == {"id": "A", "requires": [{"from": "A", "to": "B"}]}
    with pytest.raises(PatchError, match="anchors or aliases"):
        patched.set_field("injects", 0, "requires", [])
    with pytest.raises(PatchError, match="anchors or aliases"):
        patched.remove_item("injects", 0)
    patched.set_field("injects", 0, "title", "New")
    patched.set_field("injects", 1, "title", "U")
    assert yaml.safe_load(patched.text())["injects"] == [
        {"id": "A", "requires": [{"from": "A", "to": "B"}], "title": "New"}, {"id": "B", "title": "U"}]


def test_a_new_fragment_file_reads_back_as_its_items() -> None:
    header = "# yaml-language-server: $schema=../../../schemas/exercise-fragment.schema.json\n#\nDay 4 (D+3)"
    text = render_new_file(header, "injects", NEW_ITEMS)
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/exercise-fragment.schema.json\n#\n"
                           "# Day 4 (D+3)\n\ninjects:\n  - id: INJ-090\n")
    assert yaml.safe_load(text) == {"injects": NEW_ITEMS} == _exgen_reads(text)
    assert "\n\n  - id: INJ-091\n" in text
    assert render_new_file("", "injects", []) == "injects: []\n"
