"""Semantic rules: one hand-written bad case per rule, a clean base, and mutations that never raise."""

from __future__ import annotations

import copy
import re
import typing as t

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen.check import rules
from exgen.core import catalogues
from exgen.core.diagnostics import Diagnostic, Location
from exgen.model import build_data
from tests.conftest import DATA, ROOT

BASE = yaml.safe_load((DATA / "rules" / "base.yaml").read_text("utf-8"))
DOCS = ROOT / "docs" / "diagnostics.md"
FILE = "ex.yaml"


def _walk(node: t.Any, pointer: str = "") -> t.Iterator[str]:
    """Every pointer in ``node``, in document order."""
    yield pointer
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{i}")


class FakeSources:
    """A SourceMap stand-in: each pointer of the data on its own line, in document order."""

    def __init__(self, data: dict[str, t.Any]) -> None:
        self.lines = {p: n for n, p in enumerate(_walk(data), start=1)}

    def locate(self, pointer: str) -> Location:
        while pointer and pointer not in self.lines:
            pointer = pointer.rsplit("/", 1)[0]
        return Location(FILE, self.lines.get(pointer, 1), 1)

    locate_key = locate


def _parent(data: t.Any, pointer: str) -> tuple[t.Any, str | int]:
    *path, last = pointer.split("/")[1:]
    node = data
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, int(last) if isinstance(node, list) and last.isdigit() else last


def mutate(data: dict[str, t.Any], *ops: tuple[str, str, t.Any]) -> dict[str, t.Any]:
    """A copy of ``data`` with ``("set" | "append" | "del", pointer, value)`` applied in order."""
    out = copy.deepcopy(data)
    for op, pointer, value in ops:
        node, key = _parent(out, pointer)
        if op == "set":
            node[key] = copy.deepcopy(value)
        elif op == "append":
            node[key].append(copy.deepcopy(value))
        else:
            del node[key]
    return out


def run(data: dict[str, t.Any]) -> list[Diagnostic]:
    """Build the model and run the rules, as the pipeline does (without the persona-generated
    infos every unnamed role player brings: tests/check/test_personas.py covers those)."""
    sources = FakeSources(data)
    model, found = build_data(data, sources)
    assert model is not None and found == []
    return [d for d in rules.check(model, sources) if d.code != "persona-generated"]


def pairs(found: list[Diagnostic]) -> list[tuple[str, str]]:
    return sorted((d.code, d.pointer) for d in found)


def test_clean_base_has_no_diagnostics() -> None:
    assert run(BASE) == []


UNKNOWN_REFERENCES = [  # (op, pointer of the diagnostic)
    (("set", "/units/1/parent", "MNB-HX"), "/units/1/parent"),
    (("set", "/units/1/systems/0", "HF-4539"), "/units/1/systems/0"),
    (("append", "/nets/0/members", "XX-9"), "/nets/0/members/2"),
    (("set", "/nets/0/net_control", "MNB-HX"), "/nets/0/net_control"),
    (("set", "/pace/0/between/1", "ME-1BX"), "/pace/0/between/1"),
    (("set", "/pace/0/emergency", "RUNNR"), "/pace/0/emergency"),
    (("append", "/constraints/1/units", "ME-2BN"), "/constraints/1/units/1"),
    (("set", "/constraints/1/nets", ["NOPE"]), "/constraints/1/nets/0"),
    (("set", "/constraints/1/systems", ["NOPE"]), "/constraints/1/systems/0"),
    (("append", "/objectives/0/audience", "ME-2BN"), "/objectives/0/audience/1"),
    (("set", "/excon/role_players/0/cell", "WHITE"), "/excon/role_players/0/cell"),
    (("set", "/excon/controllers/0/cell", "WHITE"), "/excon/controllers/0/cell"),
    (("append", "/excon/controllers/0/units", "ME-2BN"), "/excon/controllers/0/units/1"),
    (("append", "/excon/evaluators/0/objectives", "TO-9"), "/excon/evaluators/0/objectives/1"),
    (("append", "/excon/evaluators/0/units", "ME-2BN"), "/excon/evaluators/0/units/1"),
    (("set", "/injects/1/from", "RP-JOURNALISX"), "/injects/1/from"),
    (("append", "/injects/1/to", "ME-1BX"), "/injects/1/to/1"),
    (("set", "/injects/0/net", "BDE-CMD-XX"), "/injects/0/net"),
    (("append", "/injects/0/objectives", "TO-9"), "/injects/0/objectives/1"),
    (("set", "/injects/0/controller", "CTL-9"), "/injects/0/controller"),
    (("set", "/injects/0/contingency", "INJ-099"), "/injects/0/contingency"),
    (("set", "/injects/1/requires/0/report/from", "ME-2BN"), "/injects/1/requires/0/report/from"),
    (("set", "/injects/1/requires/0/report/to", "MNB-HX"), "/injects/1/requires/0/report/to"),
    (("set", "/injects/1/requires/0/report/net", "NOPE"), "/injects/1/requires/0/report/net"),
]


@pytest.mark.parametrize(("op", "pointer"), UNKNOWN_REFERENCES, ids=[p for _, p in UNKNOWN_REFERENCES])
def test_unknown_reference(op: tuple[str, str, t.Any], pointer: str) -> None:
    assert pairs(run(mutate(BASE, op))) == [("unknown-reference", pointer)]


def test_unknown_reference_message_names_the_closest_id() -> None:
    (found,) = run(mutate(BASE, ("append", "/injects/1/to", "ME-1BX")))
    assert found.message == "inject INJ-002 is sent to 'ME-1BX', which is not a unit (did you mean 'ME-1BN'?)"
    assert found.is_error


def test_unknown_sender_lists_every_kind_it_may_be() -> None:
    (found,) = run(mutate(BASE, ("set", "/injects/1/from", "RP-JOURNALISX")))
    assert "which is not a role player, cell, controller or unit (did you mean 'RP-JOURNALIST'?)" in found.message


def test_duplicate_id_names_the_first_place() -> None:
    data = mutate(BASE, ("append", "/systems", BASE["systems"][0]))
    (found,) = run(data)
    assert (found.code, found.pointer) == ("duplicate-id", "/systems/2/id")
    first = FakeSources(data).locate("/systems/0/id")
    assert f"first defined at {FILE}:{first.line}" in found.message


def test_duplicate_inject_id_is_reported_in_definition_order() -> None:
    # The copy comes first in time but second in the file: the second in the file is the duplicate.
    copy_ = {**BASE["injects"][2], "time": "D+0 09:00"}
    assert pairs(run(mutate(BASE, ("append", "/injects", copy_)))) == [("duplicate-id", "/injects/3/id")]


def test_ambiguous_id() -> None:
    data = mutate(BASE, ("append", "/excon/cells", {"id": "ME-1BN", "title": "x"}))
    assert pairs(run(data)) == [("ambiguous-id", "/excon/cells/1/id")]


def test_duplicate_pace() -> None:
    data = mutate(BASE, ("append", "/pace", {"between": ["ME-1BN", "MNB-HQ"], "primary": "BDE-CMD-HF"}))
    assert pairs(run(data)) == [("duplicate-pace", "/pace/1/between")]


def test_hierarchy_cycle_reported_once_at_first_unit() -> None:
    (found,) = run(mutate(BASE, ("set", "/units/0/parent", "ME-1BN")))
    assert (found.code, found.pointer) == ("hierarchy-cycle", "/units/0/parent")
    assert "MNB-HQ → ME-1BN → MNB-HQ" in found.message


def test_unit_that_is_its_own_parent() -> None:
    assert pairs(run(mutate(BASE, ("set", "/units/2/parent", "RED-1")))) == [("hierarchy-cycle", "/units/2/parent")]


def test_contingency_of_itself() -> None:
    data = mutate(BASE, ("set", "/injects/2/contingency", "INJ-003"))
    assert pairs(run(data)) == [("contingency-loop", "/injects/2/contingency")]


def test_contingency_loop_of_two() -> None:
    data = mutate(BASE, ("set", "/injects/2/contingency", "INJ-001"))
    assert pairs(run(data)) == [
        ("contingency-before-trigger", "/injects/2/contingency"),
        ("contingency-loop", "/injects/0/contingency"),
    ]


@pytest.mark.parametrize(
    ("ops", "code", "pointer"),
    [
        ([("set", "/exercise/endex", "2027-05-09T06:00:00Z")], "invalid-window", "/exercise/endex"),
        ([("set", "/constraints/0/start", "D+1 13:00")], "invalid-window", "/constraints/0/end"),
        ([("set", "/exercise/endex", "2027-08-01T00:00:00Z")], "long-exercise", "/exercise/endex"),
        ([("set", "/injects/1/time", "D+5 07:30")], "time-outside-exercise", "/injects/1/time"),
        ([("set", "/constraints/1/start", "D-1 20:00")], "time-outside-exercise", "/constraints/1/start"),
        ([("set", "/units/1/nation", "UK")], "unknown-nation", "/units/1/nation"),
        ([("set", "/excon/role_players/0/nation", "ZZ")], "unknown-nation", "/excon/role_players/0/nation"),
        ([("set", "/excon/evaluators/0/nation", "EUROFORCE")], "unknown-nation", "/excon/evaluators/0/nation"),
        ([("set", "/units/1/languages/1", "gr")], "unknown-language", "/units/1/languages/1"),
        ([("set", "/excon/role_players/0/languages", ["xx"])], "unknown-language",
         "/excon/role_players/0/languages/0"),
        ([("set", "/nets/0/language", "zz")], "unknown-language", "/nets/0/language"),
        ([("set", "/exercise/working_language", "qq")], "unknown-language", "/exercise/working_language"),
        ([("set", "/units/0/sidc", "12031000181211000000")], "invalid-sidc", "/units/0/sidc"),
        ([("set", "/units/0/sidc", "10039900181211000000")], "invalid-sidc", "/units/0/sidc"),
        ([("set", "/units/0/sidc", "10731000181211000000")], "invalid-sidc", "/units/0/sidc"),
        ([("set", "/units/0/sidc", "10031090181211000000")], "invalid-sidc", "/units/0/sidc"),
        ([("set", "/units/0/sidc", "10031000191211000000")], "invalid-sidc", "/units/0/sidc"),
        ([("set", "/units/1/sidc", "10031000151211000000")], "sidc-echelon-mismatch", "/units/1/sidc"),
        ([("set", "/units/2/sidc", "10031000151211000000")], "sidc-identity", "/units/2/sidc"),
        ([("set", "/units/1/sidc", "10061000161211000000")], "sidc-identity", "/units/1/sidc"),
        ([("set", "/injects/1/threat/ids/0", "DISARM:T9999")], "unknown-threat-id", "/injects/1/threat/ids/0"),
        ([("set", "/injects/1/threat/ids/0", "ATTACK:T1566")], "threat-id-mismatch", "/injects/1/threat/ids/0"),
        ([("set", "/injects/2/threat/ids", ["ATTACK:T1486", "DISARM:T0023"])], "threat-id-mismatch",
         "/injects/2/threat/ids/1"),
        ([("del", "/injects/0/objectives", None)], "objective-not-exercised", "/objectives/0/id"),
        ([("append", "/objectives", {"id": "TO-2", "title": "x"}), ("append", "/injects/0/objectives", "TO-2")],
         "objective-not-evaluated", "/objectives/1/id"),
        ([("set", "/injects/1/to", ["MNB-HQ"])], "unit-without-inject", "/units/1/id"),
        ([("set", "/injects/1/from", "ME-1BN")], "inject-to-self", "/injects/1/to/0"),
        ([("set", "/injects/2/time", "D+0 07:00")], "contingency-before-trigger", "/injects/0/contingency"),
        ([("set", "/nets/1/members", ["MNB-HQ", "RED-1"])], "pace-net-not-shared", "/pace/0/emergency"),
        ([("set", "/nets/0/net_control", "RED-1")], "net-control-not-member", "/nets/0/net_control"),
        ([("set", "/injects/0/to", ["MNB-HQ", "RED-1"])], "inject-net-not-member", "/injects/0/net"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.startswith("/") else "",
)
def test_rule(ops: list[tuple[str, str, t.Any]], code: str, pointer: str) -> None:
    found = run(mutate(BASE, *ops))
    assert pairs(found) == [(code, pointer)]
    assert found[0].severity is rules.RULES[code][0]


def test_hints_for_common_code_mistakes() -> None:
    (nation,) = run(mutate(BASE, ("set", "/units/1/nation", "UK")))
    assert "(did you mean 'GB'?)" in nation.message
    (language,) = run(mutate(BASE, ("set", "/units/1/languages/1", "gr")))
    assert "(did you mean 'el'?)" in language.message
    (threat,) = run(mutate(BASE, ("set", "/injects/2/threat/ids/0", "DISARM:T1566.001")))
    assert "(did you mean 'ATTACK:T1566.001'?)" in threat.message


def test_time_outside_message_gives_d_time_and_range() -> None:
    (found,) = run(mutate(BASE, ("set", "/injects/1/time", "D+5 07:30")))
    assert found.message == (
        "inject INJ-002 is at D+5 07:30, after ENDEX (the exercise runs D+0 06:00 to D+3 18:00)"
    )


def test_invalid_window_suppresses_time_outside() -> None:
    found = run(mutate(BASE, ("set", "/exercise/endex", "2027-05-10T06:00:00Z")))
    assert pairs(found) == [("invalid-window", "/exercise/endex")]


def test_every_problem_is_collected() -> None:
    data = mutate(
        BASE,
        ("set", "/injects/1/to/0", "ME-1BX"),
        ("set", "/units/1/nation", "UK"),
        ("set", "/injects/1/time", "D+9 00:00"),
    )
    assert {d.code for d in run(data)} >= {"unknown-reference", "unknown-nation", "time-outside-exercise"}


def test_kosovo_and_sidc_2525e_are_accepted() -> None:
    data = mutate(BASE, ("set", "/units/0/nation", "XK"), ("set", "/units/0/sidc", "13031000181211000000" + "0" * 10))
    assert run(data) == []


def test_catalogue_lookup() -> None:
    entry = catalogues.lookup("DISARM:T0023")
    assert entry is not None and (entry.catalogue, entry.name, entry.tactics) == ("DISARM", "Distort Facts", ("TA06",))
    ics = catalogues.lookup("ATTACK:T0839")
    assert ics is not None and ics.tactics == ("persistence", "impair-process-control") and ics.domain == "ics"
    assert catalogues.lookup("ATTACK:T0023") is None
    assert catalogues.lookup("T1486") is None  # unprefixed ids are ambiguous


def test_every_rule_code_is_documented() -> None:
    text = DOCS.read_text("utf-8")
    sections = dict(re.findall(r"^### ([a-z0-9-]+)\n(.*?)(?=^##)", text + "\n##", re.M | re.S))
    for code, (severity, _summary) in rules.RULES.items():
        assert code in sections, f"docs/diagnostics.md has no '### {code}' section"
        assert f"**{severity}**" in sections[code], f"'### {code}' does not say it is **{severity}**"


# Codes other stages emit; the reference documents them too.
OTHER_CODES = [
    "file-not-found", "file-unreadable", "file-too-large", "binary-file", "not-utf8", "empty-file", "yaml-syntax",
    "json-syntax", "yaml-tab", "duplicate-key", "alias-limit", "nesting-too-deep", "yaml-tag", "invalid-key",
    "not-a-mapping", "include-invalid", "include-escape", "include-cycle", "include-duplicate", "duplicate-section",
    "schema-required", "schema-unknown-property", "schema-type", "schema-enum", "schema-pattern", "schema-const",
    "schema-unique", "schema-min-items", "invalid-time", "comms-incompatible", "pace-degraded", "comms-no-path",
]


def test_other_stages_codes_are_documented() -> None:
    headings = set(re.findall(r"^### ([a-z0-9-]+)$", DOCS.read_text("utf-8"), re.M))
    assert not [code for code in OTHER_CODES if code not in headings]


# Property: no mutation of ids and references makes the rules raise.


def _get(data: t.Any, pointer: str) -> t.Any:
    node, key = _parent(data, pointer)
    return node[key]


def _strings(pattern: str) -> list[str]:
    """Pointers in BASE ending as ``pattern`` says whose value is a string."""
    return [p for p in _walk(BASE) if p and re.search(pattern, p) and isinstance(_get(BASE, p), str)]


ID_POINTERS = _strings(
    r"/(id|parent|net_control|primary|alternate|contingency|emergency|cell|from|to|net|controller)$"
    r"|/(systems|members|between|units|nets|audience|objectives|to)/\d+$"
)
VALUE_POINTERS = _strings(r"/(nation|sidc|languages/\d+|ids/\d+|time|start|end)$")
DELETABLE = [p for p in _walk(BASE) if re.fullmatch(
    r"/(objectives|systems|units|nets|pace|constraints|injects|excon/\w+)/\d+"
    r"|/\w+/\d+/(systems|members|units|nets|audience|objectives|to|requires)/\d+|/excon/\w+/\d+/\w+/\d+", p)]
IDS = sorted({_get(BASE, p) for p in ID_POINTERS})
# Values of the other checked fields, good and bad, including values of the wrong field.
VALUES = ["UK", "XK", "ME", "gr", "en", "DISARM:T9999", "ATTACK:T1566", "DISARM:TA01", "D+0 06:00", "D+9 23:59",
          "D-3 00:00", "10031000161211000000", "99999999999999999999", "13061000151211000000" + "9" * 10]
ident = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,8}", fullmatch=True)
op = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(ID_POINTERS), st.one_of(st.sampled_from(IDS), ident)),
    st.tuples(st.just("set"), st.sampled_from(VALUE_POINTERS), st.sampled_from(VALUES)),
    st.tuples(st.just("del"), st.sampled_from(DELETABLE), st.none()),
)


def _apply(data: dict[str, t.Any], ops: list[tuple[str, str, t.Any]]) -> dict[str, t.Any]:
    """Apply the ops that still make sense after earlier ones (deletions shift indices)."""
    for one in ops:
        try:
            data = mutate(data, one)
        except (KeyError, IndexError, TypeError):
            continue
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, max_size=10))
def test_random_mutations_never_raise(ops: list[tuple[str, str, t.Any]]) -> None:
    data = _apply(BASE, ops)
    sources = FakeSources(data)
    model, _ = build_data(data, sources)
    assert model is not None
    for found in rules.check(model, sources):
        assert found.code in rules.RULES
        assert found.severity is rules.RULES[found.code][0]
        assert found.pointer.startswith("/")
