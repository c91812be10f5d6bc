"""exgen generate and the MEL hierarchy: phases, main events and incidents from a brief or drafted,
each inject's incident, custom inject fields and columns, and the cultures of generated personas."""

from __future__ import annotations

import typing as t
from pathlib import Path

import yaml
from click.testing import CliRunner

from exgen import pipeline
from exgen.cli.generate import generate as generate_cmd
from exgen.generate import hierarchy
from tests.conftest import ROOT

BRIEFS = ROOT / "scenarios" / "briefs"
FLAGSHIP_BRIEF = BRIEFS / "adriatic-shield" / "brief.yaml"
TTX_BRIEF = BRIEFS / "coastal-resilience-ttx.yaml"


def _generate(brief: Path, out: Path, seed: int = 0) -> t.Any:
    return CliRunner().invoke(generate_cmd, [str(brief), "-o", str(out), "--seed", str(seed)])


def _checked(out: Path) -> t.Any:
    checked = pipeline.check(str(out / "exercise.yaml"), strict=True)
    assert checked.ok, [d.as_text() for d in checked.diagnostics if d.is_error]
    return checked.model


def _assert_hierarchy(model: t.Any) -> None:
    """Every inject serves an incident whose phase holds it; every event is carried by an inject."""
    incidents = {c.id: c for c in model.main_incidents}
    phases = {p.id: p for p in model.phases}
    assert model.phases and model.main_events and incidents
    for inj in model.injects:
        assert inj.incident in incidents, inj.id
        phase = phases[incidents[inj.incident].phase]
        assert phase.start <= inj.time <= phase.end, (inj.id, phase.id)
    carried = {incidents[i.incident].event for i in model.injects}
    assert carried == {e.id for e in model.main_events}


def _ttx_copy(tmp_path: Path, edit: t.Callable[[str], str]) -> Path:
    dest = tmp_path / "brief.yaml"
    dest.write_text(edit(TTX_BRIEF.read_text("utf-8")), "utf-8")
    return dest


def _line(path: Path, needle: str) -> int:
    return next(n for n, s in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in s)


def test_a_brief_without_phases_or_events_gets_a_phase_per_day_and_an_event_per_storyline(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _generate(TTX_BRIEF, out, seed=3)
    assert result.exit_code == 0, result.output
    model = _checked(out)
    _assert_hierarchy(model)
    # One phase per calendar day, named for planners to rename.
    assert [(p.id, p.title) for p in model.phases] == [("PH-1", "Day 1, Tuesday 14 March 2028"),
                                                        ("PH-2", "Day 2, Wednesday 15 March 2028")]
    assert (model.dtime(model.phases[0].start), model.dtime(model.phases[-1].end)) == ("D+0 07:00", "D+1 16:00")
    # The storyline played is the first main event; the kind groups follow in their fixed order.
    storyline = "Forged documents, then attacks on government portals, then sabotage of the grid"
    titles = [e.title for e in model.main_events]
    assert titles[0] == storyline
    groups = [g[0] for g in hierarchy.KIND_GROUPS]
    assert [g for g in groups if g in titles] == titles[1:]
    story_event = model.main_events[0].id
    event_of = {i.id: next(c.event for c in model.main_incidents if c.id == i.incident) for i in model.injects}
    parent_of = {i.contingency: i.id for i in model.injects if i.contingency}
    for inj in model.injects:
        if inj.id in parent_of:  # a contingency belongs to the event of the inject it follows up
            assert event_of[inj.id] == event_of[parent_of[inj.id]]
        else:
            assert ("Storyline CRISIS-ESCALATION" in inj.notes) == (event_of[inj.id] == story_event), inj.id
    assert all(e.outcome.startswith("The training audience") for e in model.main_events)
    # The report says what was drafted for the brief.
    assert "Main events x injects" in result.output and "one per exercise day" in result.output


def test_custom_inject_fields_become_msel_columns(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _generate(TTX_BRIEF, out, seed=3).exit_code == 0
    model = _checked(out)
    assert model.info.msel_columns == ("x-storyline", "x-library-pattern")
    fields = [dict(i.custom) for i in model.injects]
    for f, inj in zip(fields, model.injects, strict=True):
        assert f["x-library-pattern"] and f["x-library-pattern"] in inj.notes
    # {storyline} is empty outside a storyline: the field is left off those injects, kept on the others.
    # The brief's storyline and the one drafted for its heaviest threat kinds (STORY-<KIND>) both show.
    stories = {f.get("x-storyline") for f in fields}
    assert None in stories and "CRISIS-ESCALATION" in stories
    assert {s for s in stories if s and s != "CRISIS-ESCALATION"} and all(
        s.startswith("STORY-") for s in stories if s and s != "CRISIS-ESCALATION")
    csv = pipeline.build(str(out / "exercise.yaml"), str(tmp_path / "pkg"), seed=0)
    assert csv.written is not None


def test_a_brief_with_phases_events_and_a_fixed_incident_keeps_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _generate(FLAGSHIP_BRIEF, out, seed=7)
    assert result.exit_code == 0, result.output
    model = _checked(out)
    _assert_hierarchy(model)
    brief = yaml.safe_load(FLAGSHIP_BRIEF.read_text("utf-8"))
    assert [(p.id, p.title) for p in model.phases] == [(p["id"], p["title"]) for p in brief["phases"]]
    assert [e.id for e in model.main_events] == ["ME-1", "ME-2", "ME-3", "ME-4"]  # no "Other developments"
    incidents = {c.id: c for c in model.main_incidents}
    for inj in model.injects:
        c = incidents[inj.incident]
        if "Storyline GRID-ESCALATION" in inj.notes:
            assert c.event == "ME-2"
        if "Storyline BORDER-PRESSURE" in inj.notes:
            assert c.event == "ME-4"
        if c.event == "ME-4" and c.phase == "PH-4":
            assert c.id == "MI-4.4"  # the brief's own incident, not a drafted one
    assert any(i.incident == "MI-4.4" for i in model.injects)
    # The specification is copied; the brief-only event fields are not.
    assert model.info.aim.startswith("To train the Croatian-led") and dict(model.info.roles)["otas"]
    text = (out / "storyline.yaml").read_text("utf-8")
    assert "storylines:" not in text and "kinds:" not in text
    root = yaml.safe_load((out / "exercise.yaml").read_text("utf-8"))
    assert root["include"][:4] == ["forces.yaml", "comms.yaml", "excon.yaml", "storyline.yaml"]


def test_generated_personas_get_the_cultures_of_the_brief(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _generate(FLAGSHIP_BRIEF, out, seed=7).exit_code == 0
    players = yaml.safe_load((out / "excon.yaml").read_text("utf-8"))["excon"]["role_players"]
    hostile = {"RP-HOSTILE-PRESENTER", "RP-MILITIA-LEADER", "RP-CRIME-FIXER", "RP-INFLUENCER"}
    assert players and any(p["id"] in hostile for p in players)
    for p in players:
        assert "nation" not in p, p["id"]  # the region and the adversary are fictional
        assert p["culture"] == ("korvanian" if p["id"] in hostile else "dalvoran"), p["id"]
    out2 = tmp_path / "ttx"
    assert _generate(TTX_BRIEF, out2, seed=3).exit_code == 0
    players = yaml.safe_load((out2 / "excon.yaml").read_text("utf-8"))["excon"]["role_players"]
    for p in players:
        if p["id"] in hostile:  # no adversary_culture: the exercise's culture
            assert p["culture"] == "zelvarian" and "nation" not in p
        else:
            assert p["nation"] in ("ME", "AL", "HR") and "culture" not in p


def test_a_brief_role_player_keeps_its_culture_and_name(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace(
        'excon:\n  nations: ["ME", "AL", "HR"]\n',
        'excon:\n  nations: ["ME", "AL", "HR"]\n  role_players:\n'
        '    - {id: RP-ZT, cell: RED-CELL, portrays: Anchor of Zelvaria Today, archetype: hostile-presenter,\n'
        '       culture: zelvarian, name: Dorian Valesku, x-briefed: true}\n'))
    out = tmp_path / "out"
    result = _generate(brief, out, seed=3)
    assert result.exit_code == 0, result.output
    players = yaml.safe_load((out / "excon.yaml").read_text("utf-8"))["excon"]["role_players"]
    mine = next(p for p in players if p["id"] == "RP-ZT")
    assert (mine["culture"], mine["name"], mine["x-briefed"]) == ("zelvarian", "Dorian Valesku", True)
    assert "archetype" not in mine


def test_an_event_no_inject_can_carry_is_a_located_error(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace(
        "storylines: [CRISIS-ESCALATION]\n",
        "storylines: [CRISIS-ESCALATION]\n\nmain_events:\n"
        "  - {id: ME-1, title: Everything, objectives: [TO-1, TO-2, TO-3, TO-4, TO-5, TO-6]}\n"
        "  - {id: ME-2, title: A chemical attack, kinds: [cbrn]}\n"))
    out = tmp_path / "out"
    result = _generate(brief, out)
    assert result.exit_code == 1 and not out.exists()
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert len(errors) == 1 and "error[event-without-injects]" in errors[0] and "ME-2" in errors[0]
    assert errors[0].startswith(f"{brief}:{_line(brief, 'id: ME-2')}:")


def test_an_event_the_draft_would_not_reach_gets_an_inject_of_its_own(tmp_path: Path) -> None:
    """A main event with only a threat kind the threat mix does not weigh still gets its inject."""
    brief = _ttx_copy(tmp_path, lambda s: s.replace(
        "storylines: [CRISIS-ESCALATION]\n",
        "storylines: [CRISIS-ESCALATION]\n\nmain_events:\n"
        "  - {id: ME-1, title: Everything else, objectives: [TO-1, TO-2, TO-3, TO-4, TO-5, TO-6]}\n"
        "  - {id: ME-2, title: Paramilitary pressure, kinds: [paramilitary]}\n"))
    out = tmp_path / "out"
    assert _generate(brief, out).exit_code == 0
    model = _checked(out)
    _assert_hierarchy(model)
    followers = {i.contingency for i in model.injects if i.contingency}  # they follow their trigger's event
    kinds = {i.threat.kind for i in model.injects if i.threat and i.id not in followers
             and next(c.event for c in model.main_incidents if c.id == i.incident) == "ME-2"}
    assert kinds == {"paramilitary"}


def test_msel_column_no_inject_field_fills_is_a_located_error(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace("msel_columns: [x-storyline, x-library-pattern]",
                                                    "msel_columns: [x-storyline, x-library-patern]"))
    result = _generate(brief, tmp_path / "out")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert len(errors) == 1 and "error[unknown-msel-column]" in errors[0]
    assert "did you mean 'x-library-pattern'" in errors[0]
    assert errors[0].startswith(f"{brief}:{_line(brief, 'msel_columns:')}:")


def test_inject_field_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace('x-storyline: "{storyline}"', 'x-storyline: "{story}"'))
    result = _generate(brief, tmp_path / "out")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert len(errors) == 1 and "error[schema-pattern]" in errors[0] and "{story}" in errors[0]


def test_phases_that_leave_the_battle_rhythm_uncovered_are_refused(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace(
        "storylines: [CRISIS-ESCALATION]\n",
        "storylines: [CRISIS-ESCALATION]\n\nphases:\n"
        '  - {id: P1, title: Day one, start: "D+0 07:00", end: "D+0 16:00"}\n'
        '  - {id: P2, title: Day two, start: "D+1 09:00", end: "D+1 16:00"}\n'))
    result = _generate(brief, tmp_path / "out")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert len(errors) == 1 and "error[inject-outside-phase]" in errors[0]
    assert "D+1 07:30 to D+1 09:00" in errors[0]
    assert errors[0].startswith(f"{brief}:{_line(brief, 'phases:') + 1}:")


def test_an_event_naming_a_storyline_the_brief_does_not_play_is_refused(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace(
        "storylines: [CRISIS-ESCALATION]\n",
        "storylines: [CRISIS-ESCALATION]\n\nmain_events:\n"
        "  - {id: ME-1, title: Grid, storylines: [GRID-ESCALATION]}\n"))
    result = _generate(brief, tmp_path / "out")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert len(errors) == 1 and "error[unknown-storyline]" in errors[0] and "does not play" in errors[0]
