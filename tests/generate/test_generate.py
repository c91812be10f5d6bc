"""exgen generate: brief + inject library -> a draft definition that passes `validate --strict`."""

from __future__ import annotations

import re
import shutil
import typing as t
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exgen import pipeline
from exgen.cli.generate import generate as generate_cmd
from exgen.generate import brief as brief_mod
from exgen.generate import draft, library, place
from tests.conftest import FLAGSHIP_DIR, ROOT

BRIEFS = ROOT / "scenarios" / "briefs"
FLAGSHIP_BRIEF = BRIEFS / "adriatic-shield" / "brief.yaml"
TTX_BRIEF = BRIEFS / "coastal-resilience-ttx.yaml"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_sound(out: Path, brief_path: Path, report: str) -> None:
    """The draft passes --strict and keeps every promise of the brief."""
    checked = pipeline.check(str(out / "exercise.yaml"), strict=True)
    assert checked.ok, [d.as_text() for d in checked.diagnostics if d.is_error]
    model, picture = checked.model, checked.comms
    brief, found = brief_mod.load_brief(brief_path)
    assert brief is not None, found
    days = place.days(model.info, *brief.rhythm)
    contingencies = {i.contingency for i in model.injects if i.contingency}
    # Injects sit inside the battle rhythm, numbered in time order.
    for inj in model.injects:
        assert place.day_of(days, inj.time), f"{inj.id} at {model.dtime(inj.time)} is outside the battle rhythm"
    assert [i.serial for i in model.injects] == list(range(1, len(model.injects) + 1))
    assert [i.id for i in model.injects] == sorted(i.id for i in model.injects)
    # Every objective is exercised by its minimum, every trained unit addressed.
    for o in brief.objectives:
        n = sum(o.id in i.objectives for i in model.injects if i.id not in contingencies)
        assert n >= o.minimum, (o.id, n, o.minimum)
    audience = {u.id for u in model.units if u.role == "training-audience"}
    assert audience <= {u for i in model.injects for u in i.to}
    # Threat injects of catalogued kinds carry their pattern's catalogue ids; a follow-up or a contingency
    # without ids of its own carries those of the inject it follows, when that is of its kind.
    lib, _ = library.load_library()
    for inj in model.injects:
        pattern = lib.patterns[re.search(r"library pattern (\S+) ", inj.notes).group(1)]  # type: ignore[union-attr]
        if inj.threat and inj.threat.kind in ("disinformation", "cyber") and pattern.ids:
            assert set(inj.threat.ids) == set(pattern.ids), inj.id
    # Each PACE plan with a trained unit and an alternate switches to it at some time ...
    for tl in picture.pairs:
        plan = next(p for p in model.pace if p.id == tl.pace_id)
        if plan.alternate and audience & set(plan.between) and f"{plan.id}:" not in report:
            assert "alternate" in {s.level for s in tl.segments}, plan.id
    # ... and each generated constraint is announced by one or two injects that require an exchange, or
    # the report says it is felt (played by EXCON, not announced).
    for c in model.constraints:
        if c.id.startswith("GEN-"):
            assert c.intended
            triggers = [i for i in model.injects if f"constraint {c.id} " in i.notes]
            assert len(triggers) <= 2, c.id
            # An exchange with no working path in time (the brief's own outages can close every level
            # of a PACE plan at once) is left out, and the report says so.
            assert all(i.requires or re.search(rf"^  {re.escape(i.id)}: .* left out \(", report, re.M)
                       for i in triggers), c.id
            felt = rf"^  {re.escape(c.id)} \(\w[\w-]*\): [^\n]*(\n    [^\n]*)*(felt|no trigger inject)"
            assert triggers or re.search(felt, report, re.M), c.id
    # Every inject serves a main incident whose phase holds it; every main event has an inject.
    incidents = {c.id: c for c in model.main_incidents}
    phases = {p.id: p for p in model.phases}
    for inj in model.injects:
        assert inj.incident in incidents, inj.id
        phase = phases[incidents[inj.incident].phase]
        assert phase.start <= inj.time <= phase.end, (inj.id, phase.id)
    assert {incidents[i.incident].event for i in model.injects} == {e.id for e in model.main_events}
    # Every custom column is filled on some inject.
    assert all(any(name in dict(i.custom) for i in model.injects) for name in model.info.msel_columns)
    assert all(len(line) <= 100 for line in report.splitlines()), report


# --- the bundled briefs ------------------------------------------------------------------


@pytest.mark.parametrize("brief_path", [FLAGSHIP_BRIEF, TTX_BRIEF], ids=["flagship-forces", "ttx"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
@example(seed=11782105)  # the brief's outages close every level of PACE-LOG while GEN-OUT-01 is announced
@example(seed=598106873)  # the TTX police's only inject, a storyline's last step, found no time
def test_bundled_briefs_give_strict_valid_drafts(tmp_path_factory: pytest.TempPathFactory, brief_path: Path,
                                                 seed: int) -> None:
    out = tmp_path_factory.mktemp("draft") / "out"
    result = draft.generate(str(brief_path), str(out), seed=seed)
    assert result.ok, [d.as_text() for d in result.diagnostics if d.is_error]
    _assert_sound(out, brief_path, result.report)


def test_flagship_brief_copies_stay_equal_to_the_flagship() -> None:
    for name in ("forces.yaml", "comms.yaml"):
        copy = yaml.safe_load((FLAGSHIP_BRIEF.parent / name).read_text("utf-8"))
        assert copy == yaml.safe_load((FLAGSHIP_DIR / name).read_text("utf-8")), name


def test_same_seed_same_bytes_other_seed_other_draft(tmp_path: Path) -> None:
    for brief_path in (FLAGSHIP_BRIEF, TTX_BRIEF):
        a, b, c = (tmp_path / brief_path.stem / n for n in ("a", "b", "c"))
        for out, seed in ((a, 11), (b, 11), (c, 12)):
            assert draft.generate(str(brief_path), str(out), seed=seed).ok
        assert _files(a) == _files(b)
        assert sorted(_files(a)) == sorted(_files(c))
        assert _files(a)["exercise.yaml"] != _files(c)["exercise.yaml"]  # the header names the seed
        injects = [n for n in _files(a) if n.startswith("injects/")]
        assert any(_files(a).get(n) != _files(c).get(n) for n in injects)


def test_draft_layout_modelines_and_quoting(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert draft.generate(str(FLAGSHIP_BRIEF), str(out), seed=3).ok
    files = _files(out)
    root = yaml.safe_load(files["exercise.yaml"])
    assert root["include"][:4] == ["forces.yaml", "comms.yaml", "excon.yaml", "storyline.yaml"]
    assert all(name in files for name in root["include"])
    assert all(name.startswith("injects/day") for name in root["include"][4:])
    assert files["exercise.yaml"].startswith(b"# yaml-language-server: $schema=schemas/exercise.schema.json\n")
    assert files["injects/day1.yaml"].startswith(b"# yaml-language-server: $schema=../schemas/exercise-fragment")
    assert "schemas/exercise.schema.json" in files and "schemas/exercise-fragment.schema.json" in files
    text = files["injects/day2.yaml"].decode()
    assert '  - id: "INJ-' in text and 'time: "D+1 ' in text and '    incident: "MI-' in text
    assert b'sidc: "10131002181100000000"' in files["forces.yaml"]
    # The brief-only fields stay in the brief.
    assert all("capabilities" not in o and "min_injects" not in o for o in root["objectives"])


def test_draft_builds_a_package(tmp_path: Path, no_pdf: str) -> None:
    out = tmp_path / "draft"
    assert draft.generate(str(TTX_BRIEF), str(out), seed=5).ok
    built = pipeline.build(str(out / "exercise.yaml"), str(tmp_path / "pkg"), seed=5, template_dirs=[no_pdf],
                           strict=True)
    assert built.written is not None, [d.as_text() for d in built.checked.diagnostics if d.is_error]
    assert (tmp_path / "pkg" / "msel" / "msel.csv").exists()


# --- the library -------------------------------------------------------------------------


def test_builtin_library_is_clean_and_covers_every_threat_kind() -> None:
    lib, found = library.load_library()
    assert found == []
    kinds = {p.kind for p in lib.free_patterns()}
    assert {"disinformation", "cyber", "gnss-jamming", "sabotage", "paramilitary", "organised-crime", "c2",
            "logistics", "conventional"} <= kinds
    cyber_places = {p.place for p in lib.free_patterns() if p.kind == "cyber"}
    assert {"energy", "transport"} <= cyber_places
    assert {k for p in lib.patterns.values() for k in p.triggers} == {*library.TRIGGER_KINDS, library.REMOTE}
    # A pattern of a catalogued kind names its technique, except a follow-up or contingency (it takes the
    # technique of the inject it follows) and an outage whose cause the wording leaves open.
    assert all(p.ids for p in lib.patterns.values() if p.kind in ("disinformation", "cyber")
               and not p.contingency_only and "outage" not in p.triggers and set(p.stages) - {"follow-up"})
    assert all(max(d for _, d in s.steps) >= 1 for s in lib.storylines.values())
    # Issue 22: every threat kind the paper names has several patterns for each storyline stage, every
    # pattern says whom it suits, every trigger which networks its wording assumes; titles differ.
    for kind in ("disinformation", "cyber", "gnss-jamming", "sabotage", "paramilitary", "organised-crime", "c2"):
        assert sum(p.kind == kind for p in lib.free_patterns()) >= 8, kind
        for stage in library.STAGES:
            assert sum(stage in p.stages for p in lib.free_patterns() if p.kind == kind) >= 2, (kind, stage)
    assert sum("spoof" in (p.title + p.description).lower() for p in lib.patterns.values()) >= 3
    interop = [p for p in lib.free_patterns() if p.id.startswith("IOP-")]
    assert len(interop) >= 6
    assert all(p.categories for p in lib.patterns.values())
    assert all(p.bearers for p in lib.patterns.values() if p.triggers)
    # A military net has no provider, help desk or customers (civil-carrier wording).
    for p in lib.patterns.values():
        if p.triggers and "civil" not in p.bearers:
            words = " ".join(body for _, body in p.texts()).lower()
            assert not re.search(r"provider|help ?desk|customer|operator's service", words), p.id
    assert len({p.title for p in lib.patterns.values()}) == len(lib.patterns)
    story = lib.storylines["GRID-ESCALATION"]
    assert [lib.patterns[p].kind for p, _ in story.steps] == ["disinformation", "cyber", "sabotage"]


CBRN = """\
library: 1
patterns:
  - id: CBRN-DRONE-SPRAY
    kind: cbrn
    title: "Drone sprays an unknown liquid over {place} near {unit_short}"
    description: Patrol reports a small drone spraying a liquid at {time}; two civilians feel unwell.
    expected_action: "{unit_short} masks up, reports to {higher_name} and requests a CBRN survey."
    capabilities: [force-protection, crisis-management]
    methods: [radio, phone]
    sender: cell:LOCON
    place: town
    requires:
      - report: {from: recipient, to: higher, within: 15m}
"""


def _ttx_copy(tmp_path: Path, edit: t.Callable[[str], str]) -> Path:
    dest = tmp_path / "brief.yaml"
    dest.write_text(edit(TTX_BRIEF.read_text("utf-8")), "utf-8")
    return dest


def test_library_override_adds_and_replaces_patterns(tmp_path: Path) -> None:
    lib_dir = tmp_path / "mylib"
    lib_dir.mkdir()
    (lib_dir / "cbrn.yaml").write_text(CBRN, "utf-8")
    replaced = ("library: 1\npatterns:\n  - id: C2-LIAISON-REQUEST\n    kind: c2\n"
                "    title: \"Instructor version: {unit_short} to send a liaison officer to {place}\"\n"
                "    capabilities: [civil-military, c2]\n    methods: [email]\n    sender: archetype:civil-official\n"
                "    place: town\n    requires:\n      - report: {from: recipient, to: higher, within: 2h}\n")
    (lib_dir / "override.yaml").write_text(replaced, "utf-8")
    brief = _ttx_copy(tmp_path, lambda s: s.replace(
        "weights: {disinformation: 3, cyber: 3, sabotage: 1, organised-crime: 2, c2: 2, logistics: 1}",
        "weights: {cbrn: 5, c2: 1}").replace("injects_per_day: 7", "injects_per_day: 14"))
    out = tmp_path / "out"
    result = draft.generate(str(brief), str(out), seed=1, library_dirs=[str(lib_dir)])
    assert result.ok, [d.as_text() for d in result.diagnostics]
    text = "".join(f.decode() for n, f in _files(out).items() if n.startswith("injects/"))
    assert "Drone sprays an unknown liquid" in text and "CBRN-DRONE-SPRAY" in text
    lib, found = library.load_library([str(lib_dir)])
    assert found == [] and lib.patterns["C2-LIAISON-REQUEST"].methods == ("email",)
    assert "Instructor version" in lib.patterns["C2-LIAISON-REQUEST"].title


def test_library_override_can_remove_a_builtin_pattern(tmp_path: Path) -> None:
    lib_dir = tmp_path / "mylib"
    lib_dir.mkdir()
    (lib_dir / "remove.yaml").write_text("library: 1\nremove: [CONV-FORCES-AT-BORDER]\n", "utf-8")
    lib, found = library.load_library([str(lib_dir)])
    assert found == [] and "CONV-FORCES-AT-BORDER" not in lib.patterns
    assert "CONV-FORCES-AT-BORDER" in library.load_library()[0].patterns


def test_library_mistakes_are_located(tmp_path: Path) -> None:
    lib_dir = tmp_path / "bad"
    lib_dir.mkdir()
    text = CBRN.replace("kind: cbrn", "kind: cyber\n    ids: [\"ATTACK:T9999\"]").replace("{time}", "{when}")
    (lib_dir / "bad.yaml").write_text(text, "utf-8")
    _lib, found = library.load_library([str(lib_dir)])
    by_code = {d.code: d for d in found}
    assert set(by_code) == {"library-threat-id", "library-placeholder"}
    assert (by_code["library-threat-id"].location.line, by_code["library-threat-id"].location.col) == (5, 11)
    assert by_code["library-placeholder"].location.line == 7
    assert by_code["library-threat-id"].location.file.endswith("bad.yaml")


# --- briefs the generator refuses ----------------------------------------------------------


def test_objective_the_library_cannot_cover_is_a_located_error(tmp_path: Path) -> None:
    lib_dir = tmp_path / "mylib"
    lib_dir.mkdir()
    gone = [p.id for p in library.load_library()[0].free_patterns() if "international-cooperation" in p.capabilities]
    (lib_dir / "remove.yaml").write_text(f"library: 1\nremove: [{', '.join(gone)}]\n", "utf-8")
    brief = _ttx_copy(tmp_path, lambda s: s)
    out = tmp_path / "out"
    result = draft.generate(str(brief), str(out), seed=0, library_dirs=[str(lib_dir)])
    assert not result.ok and not out.exists()
    errors = [d for d in result.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["objective-not-coverable"]
    text = brief.read_text("utf-8").splitlines()
    line = next(n for n, s in enumerate(text, 1) if "capabilities: [international-cooperation]" in s)
    assert (errors[0].location.file, errors[0].location.line) == (str(brief), line)
    assert errors[0].pointer == "/objectives/5/capabilities/0"
    assert "TO-6" in errors[0].message and "international-cooperation" in errors[0].message


def test_objective_whose_audience_no_pattern_suits_is_refused(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace("audience: [ME-BORDER, ME-POLICE, ME-MOI]",
                                                    "audience: [ME-PSB]"))
    result = draft.generate(str(brief), str(tmp_path / "out"), seed=0)
    errors = [d for d in result.diagnostics if d.is_error]
    assert [(d.code, d.pointer) for d in errors] == [("objective-not-coverable", "/objectives/4/audience")]


def test_bad_brief_gives_located_diagnostics_and_exit_1(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace('battle_rhythm: {start: "07:30", end: "16:00"}',
                                                    'battle_rhythm: {start: "7:30", end: "16:00"}')
                      .replace("  - id: TO-6\n", "  - id: TO-6\n    capabilites: [c2]\n"))
    result = CliRunner().invoke(generate_cmd, [str(brief), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "error[" in line]
    assert any(f"{brief}:" in line and "error[schema-pattern]" in line and "'7:30'" in line for line in lines)
    assert any("error[schema-unknown-property]" in line and "capabilites" in line for line in lines)
    assert all(line.split(":")[1].isdigit() for line in lines)  # path:line:col
    assert not (tmp_path / "out").exists()


def test_brief_forces_problems_point_into_the_included_files(tmp_path: Path) -> None:
    folder = tmp_path / "brief"
    shutil.copytree(FLAGSHIP_BRIEF.parent, folder)
    brief = folder / "brief.yaml"
    text = brief.read_text("utf-8")
    brief.write_text(text.replace("    - code: comms-incompatible\n", "    - code: comms-incompatible-x\n"),
                     "utf-8")
    result = draft.generate(str(brief), str(tmp_path / "out"), seed=0)
    errors = [d for d in result.diagnostics if d.is_error]
    assert errors and all(d.location.file.endswith("comms.yaml") or d.code == "unused-acceptance" for d in errors)
    assert any(d.code == "comms-incompatible" and d.location.file == str(folder / "comms.yaml") for d in errors)


def test_unknown_storyline_and_place_kind(tmp_path: Path) -> None:
    brief = _ttx_copy(tmp_path, lambda s: s.replace("storylines: [CRISIS-ESCALATION]", "storylines: [CRISIS-ESCALATON]")
                      .replace("kind: port,", "kind: harbour,"))
    result = draft.generate(str(brief), str(tmp_path / "out"), seed=0)
    codes = {d.code: d for d in result.diagnostics if d.is_error}
    assert set(codes) == {"unknown-storyline", "unknown-place-kind"}
    assert "did you mean 'CRISIS-ESCALATION'" in codes["unknown-storyline"].message


# --- the command -----------------------------------------------------------------------------


def test_command_writes_replaces_and_refuses(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(generate_cmd, [str(TTX_BRIEF), "-o", str(out), "--seed", "4"])
    assert first.exit_code == 0, first.output
    assert "Objectives x injects" in first.output and "PACE levels exercised" in first.output
    again = runner.invoke(generate_cmd, [str(TTX_BRIEF), "-o", str(out), "--seed", "4"])
    assert again.exit_code == 0  # an earlier draft may be replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", "utf-8")
    refused = runner.invoke(generate_cmd, [str(TTX_BRIEF), "-o", str(other)])
    assert refused.exit_code == 1 and "use --force" in refused.output
    assert (other / "notes.txt").read_text("utf-8") == "mine"
    forced = runner.invoke(generate_cmd, [str(TTX_BRIEF), "-o", str(other), "--force"])
    assert forced.exit_code == 0 and not (other / "notes.txt").exists()
    assert runner.invoke(generate_cmd, [str(TTX_BRIEF), "-o", str(out), "--library", str(tmp_path / "nope")]
                         ).exit_code == 1
    assert "BRIEF" in runner.invoke(generate_cmd, ["--help"]).output


def test_repair_drops_an_exchange_that_cannot_get_through() -> None:
    from exgen import load
    from exgen.generate import verify

    document, _ = load.load(FLAGSHIP_DIR / "exercise.yaml")
    assert document is not None
    data = {k: v for k, v in document.data.items() if k != "include"}
    data["constraints"] = [*data["constraints"], {"id": "CUT", "kind": "outage", "intended": True,
                                                  "nets": ["ENGR-FM", "CIMIC-PHONE", "RUNNER"],
                                                  "units": ["BG-ENGCOY"], "start": "D+1 09:00", "end": "D+1 11:00"}]
    data["injects"] = [*data["injects"], {"id": "INJ-X", "time": "D+1 09:30", "from": "LOCON", "to": ["MK-3BN"],
                                          "method": "radio", "title": "x", "requires": [
                                              {"report": {"from": "MK-3BN", "to": "MNB-HQ", "within": "30m"}},
                                              {"report": {"from": "BG-ENGCOY", "to": "MNB-HQ", "within": "15m"}}]}]
    dropped = verify.repair(data)
    assert dropped == ["INJ-X: report BG-ENGCOY -> MNB-HQ within 15m left out (no working path in time)"]
    assert data["injects"][-1]["requires"] == [{"report": {"from": "MK-3BN", "to": "MNB-HQ", "within": "30m"}}]


def test_a_draft_that_fails_validation_is_an_internal_error_and_not_written(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from exgen.generate import compose

    real = compose.compose

    def broken(*args: t.Any, **kwargs: t.Any) -> t.Any:
        injects, ids = real(*args, **kwargs)
        injects[0]["to"] = ["NO-SUCH-UNIT"]
        return injects, ids

    monkeypatch.setattr(compose, "compose", broken)
    out = tmp_path / "out"
    result = draft.generate(str(TTX_BRIEF), str(out), seed=0)
    assert not result.ok and not out.exists() and list(tmp_path.iterdir()) == []
    internal = [d for d in result.diagnostics if d.code == "generate-internal"]
    bad = [d for d in internal if d.message.startswith("unknown-reference:")]
    assert bad and all("bug in exgen generate" in d.message for d in internal)
    assert bad[0].location.file == str(out / "injects" / "day1.yaml") and bad[0].location.line > 0
