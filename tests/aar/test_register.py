"""The capability-gap register: located problems, and updates across a series that only ever add."""

from __future__ import annotations

import difflib
import re
import shutil
import typing as t
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen.aar.codes import AAR_CODES
from exgen.aar.register import Register, load_register, parse_register
from exgen.aar.register_update import Changes, Finding, finding_problem, update_register
from exgen.core.diagnostics import Severity
from exgen.ingest.yaml_patch import PatchError, YamlFile
from tests.conftest import ROOT, plant

SAMPLE = ROOT / "scenarios" / "gaps" / "adriatic-series.yaml"
R173, TETRA, DATALINK, GNSS = "GAP-BG-R173", "GAP-AL-TETRA-ISI", "GAP-NATO-BN-DATALINK", "GAP-HR-GNSS-TIMING"
FIRES = Finding(None, "Fires net cannot pass digital fire missions to the Montenegrin battalion",
                "The Romanian fire-direction system and the Montenegrin battalion's forward observers share no "
                "message format, so calls for fire went by voice.", "interoperability", "RO", "TO-3 / CT-2")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample register to plant mistakes in."""
    return Path(shutil.copy(SAMPLE, tmp_path / "gaps.yaml"))


def _clean(text: str, name: str = "gaps.yaml") -> Register:
    """The register ``text`` holds, which must have no problem at all."""
    register, found = parse_register(text, name)
    assert [d.as_text() for d in found] == []
    assert register is not None
    return register


def _update(text: str, exercise: str, date: str, findings: t.Sequence[Finding],
            tested: t.Collection[str] = ()) -> tuple[str, Changes]:
    return update_register(text, "gaps.yaml", _clean(text), exercise=exercise, date=date, findings=findings,
                           tested=tested)


def _seen(gap_id: str, note: str = "Seen again.") -> Finding:
    return Finding(gap_id, "seen", note, "interoperability", "BG", "TO-1 / CT-1")


def _only_additions(before: str, after: str) -> bool:
    """Every line of ``before`` is in ``after``, byte for byte and in order: the diff only inserts."""
    ops = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True), autojunk=False).get_opcodes()
    return all(op in ("equal", "insert") for op, *_ in ops)


# --- reading ---------------------------------------------------------------------------------------


def test_sample_register_is_clean() -> None:
    register, found = load_register(str(SAMPLE))
    assert found == []
    assert register is not None
    assert [g.id for g in register.gaps] == [R173, TETRA, DATALINK, GNSS]
    assert register.gap("gap-bg-r173") is register.gaps[0]
    assert register.gaps[0].corrective_action["responsible"] == "BG"
    assert {g.history[0].exercise for g in register.gaps} == {"SAVA-LINK-26"}


@pytest.mark.parametrize(("old", "new", "code", "offset"), [
    ("capability: doctrine", "capability: doctrina", "schema-enum", len("capability: ")),
    ("    status: open\n    history:\n      - exercise: SAVA-LINK-26\n        date: \"2026-10-15\"",
     "    status: open\n    history:\n      - exercise: SAVA-LINK-26\n        date: \"15.10.2026\"", "schema-pattern",
     len("    status: open\n    history:\n      - exercise: SAVA-LINK-26\n        date: ")),
    ("        result: observed", "        result: seen", "schema-enum", len("        result: ")),
    ("    owner: AL", "    ownr: AL", "schema-unknown-property", 4),
])
def test_schema_error_is_located(sample: Path, old: str, new: str, code: str, offset: int) -> None:
    line, col = plant(sample, old, new)
    register, found = load_register(str(sample))
    assert register is None
    hits = [d for d in found if d.code == code]
    assert len(hits) == 1, [d.as_text() for d in found]
    first_line = new[:offset].count("\n")
    expected_col = offset - new[:offset].rfind("\n") if first_line else col + offset
    assert (hits[0].location.file, hits[0].location.line, hits[0].location.col) == (
        str(sample), line + first_line, expected_col)


@pytest.mark.parametrize(("old", "new", "nth", "code", "severity"), [
    ("id: GAP-AL-TETRA-ISI", "id: gap-bg-R173", 0, "gaps-duplicate-id", Severity.ERROR),
    ("owner: AL", "owner: ZZ", 0, "gaps-unknown-owner", Severity.ERROR),
    ("responsible: BG", "responsible: OTAN", 0, "gaps-unknown-owner", Severity.ERROR),
    ('"2026-10-15"', '"2026-02-30"', 0, "gaps-bad-date", Severity.ERROR),
    ('due: "2027-11-30"', 'due: "2027-11-31"', 0, "gaps-bad-date", Severity.ERROR),
    ("status: open", "status: closed", 0, "gaps-closed-unconfirmed", Severity.WARNING),
])
def test_semantic_problem_is_located(sample: Path, old: str, new: str, nth: int, code: str,
                                     severity: Severity) -> None:
    line, col = plant(sample, old, new, nth)
    register, found = load_register(str(sample))
    assert [(d.code, d.severity) for d in found] == [(code, severity)]
    value_col = col + (new.index(": ") + 2 if ": " in new else 0)
    assert (found[0].location.line, found[0].location.col) == (line, value_col)
    assert (register is None) == (severity is Severity.ERROR)
    assert code in AAR_CODES and AAR_CODES[code][0] is severity


def test_unknown_owner_names_the_code_exgen_knows(sample: Path) -> None:
    plant(sample, "responsible: BG", "responsible: OTAN")
    _, found = load_register(str(sample))
    assert "did you mean 'NATO'" in found[0].message


def test_history_out_of_order_is_a_located_warning() -> None:
    text = SAMPLE.read_text("utf-8")
    later, _ = _update(text, "ADRIATIC-SHIELD-27", "2027-05-13", [_seen(R173)])
    earlier, _ = _update(later, "SAVA-LINK-26B", "2027-01-10", [_seen(R173)])
    register, found = parse_register(earlier, "gaps.yaml")
    assert register is not None
    warnings = [d for d in found if d.code == "gaps-history-order"]
    assert {d.severity for d in found} == {Severity.WARNING}
    assert len(warnings) == 4  # every gap got an entry for each exercise
    line = earlier.splitlines()[warnings[0].location.line - 1]
    assert line[warnings[0].location.col - 1:] == '"2027-01-10"'


def test_not_a_register_is_refused_with_a_location(tmp_path: Path) -> None:
    path = tmp_path / "gaps.yaml"
    path.write_text("exgen-gaps: 1\ngaps:\n  - id: [unclosed\n", "utf-8")
    register, found = load_register(str(path))
    assert register is None
    assert found and all(d.location.file == str(path) and d.location.line > 0 for d in found)
    register, found = load_register(str(tmp_path / "missing.yaml"))
    assert register is None and [d.code for d in found] == ["file-not-found"]


# --- updating across a series ----------------------------------------------------------------------


def test_two_exercise_series() -> None:
    original = SAMPLE.read_text("utf-8")
    first, changes = _update(original, "ADRIATIC-SHIELD-27", "2027-05-13", [_seen(R173), _seen(TETRA)])
    assert changes == Changes(seen_again=(R173, TETRA), not_tested=(DATALINK, GNSS))
    second, changes = _update(first, "SAVA-LINK-27", "2027-09-22", [_seen(TETRA), FIRES], tested=[R173.lower()])
    new_id = "GAP-RO-FIRES-NET-PASS"
    assert changes == Changes(new=(new_id,), seen_again=(TETRA,), candidates_for_closure=(R173,),
                              not_tested=(DATALINK, GNSS))
    register = _clean(second)
    results = {g.id: [(h.exercise, h.result) for h in g.history] for g in register.gaps}
    assert results[R173] == [("SAVA-LINK-26", "observed"), ("ADRIATIC-SHIELD-27", "observed"),
                             ("SAVA-LINK-27", "not-reproduced")]
    assert results[TETRA] == [("SAVA-LINK-26", "observed"), ("ADRIATIC-SHIELD-27", "observed"),
                              ("SAVA-LINK-27", "observed")]
    assert results[GNSS][1:] == [("ADRIATIC-SHIELD-27", "not-tested"), ("SAVA-LINK-27", "not-tested")]
    assert register.gap(R173) is not None and register.gap(R173).status == "in-progress"  # type: ignore[union-attr]
    new = register.gaps[-1]
    assert (new.id, new.owner, new.status, new.capability) == (new_id, "RO", "open", "interoperability")
    assert (new.first_seen.exercise, new.first_seen.date) == ("SAVA-LINK-27", "2027-09-22")
    assert new.history[0].note.endswith("by voice. (TO-3 / CT-2)")
    assert _only_additions(original, first) and _only_additions(first, second) and _only_additions(original, second)
    assert "    # The NCIA gateway trial is planned, not funded: no corrective action recorded yet.\n" in second


def test_the_same_update_twice_adds_nothing() -> None:
    original = SAMPLE.read_text("utf-8")
    args: dict[str, t.Any] = {"exercise": "SAVA-LINK-27", "date": "2027-09-22", "findings": [_seen(TETRA), FIRES],
                              "tested": [R173]}
    once, first = _update(original, **args)
    twice, again = _update(once, **args)
    assert twice == once
    assert again == Changes(seen_again=(TETRA,), candidates_for_closure=(R173,), not_tested=(DATALINK, GNSS))
    assert first.new and not again.new


def test_a_second_run_replaces_the_exercise_entry() -> None:
    original = SAMPLE.read_text("utf-8")
    once, _ = _update(original, "ADRIATIC-SHIELD-27", "2027-05-13", [_seen(R173)])
    redone, changes = _update(once, "ADRIATIC-SHIELD-27", "2027-05-13", [], tested=[R173])
    gap = _clean(redone).gaps[0]
    assert [(h.exercise, h.result) for h in gap.history] == [("SAVA-LINK-26", "observed"),
                                                             ("ADRIATIC-SHIELD-27", "not-reproduced")]
    assert changes.candidates_for_closure == (R173,)
    assert _only_additions(original, redone)


def test_new_gap_ids_are_unique() -> None:
    original = SAMPLE.read_text("utf-8")
    clash = Finding(None, "R-173", "Another R-173 problem.", "materiel", "BG")
    twin = Finding(None, "R 173", "Told apart by its punctuation only.", "materiel", "BG")
    same = Finding(None, "r-173", "The first finding again, in other letters.", "materiel", "BG")
    text, changes = _update(original, "ADRIATIC-SHIELD-27", "2027-05-13", [clash, twin, same])
    assert changes.new == ("GAP-BG-R-173",)
    later = [Finding(None, "R173 sets", "", "materiel", "BG"), Finding(None, "R173", "", "materiel", "BG")]
    text, changes = _update(text, "SAVA-LINK-27", "2027-09-22", later)
    assert changes.new == ("GAP-BG-R173-SETS", "GAP-BG-R173-2")
    assert len({g.id.casefold() for g in _clean(text).gaps}) == 7


def test_a_finding_tied_to_an_unknown_gap_is_reported_not_written() -> None:
    original = SAMPLE.read_text("utf-8")
    text, changes = _update(original, "ADRIATIC-SHIELD-27", "2027-05-13", [_seen("GAP-XX-NONE")])
    assert changes.unknown == ("GAP-XX-NONE",)
    assert "GAP-XX-NONE" not in text


@pytest.mark.parametrize(("finding", "reason"), [
    (Finding(None, "t", "", "logistics", "BG"), "capability 'logistics'"),
    (Finding(None, "t", "", "training", "UK"), "owner 'UK'"),
    (Finding(None, " ", "", "training", "BG"), "no title"),
    (Finding(None, "t\x1b[2J", "", "training", "BG"), "control characters"),
])
def test_a_finding_that_cannot_be_written_is_refused(finding: Finding, reason: str) -> None:
    problem = finding_problem(finding)
    assert problem is not None and reason in problem
    with pytest.raises(ValueError, match="finding|capability|owner"):
        _update(SAMPLE.read_text("utf-8"), "ADRIATIC-SHIELD-27", "2027-05-13", [finding])


def test_a_bad_exercise_or_date_is_refused() -> None:
    for exercise, date in (("A..B", "2027-05-13"), ("AS-27", "2027-02-30"), ("AS-27", "13.05.2027")):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            _update(SAMPLE.read_text("utf-8"), exercise, date, [])


# --- the text patcher's nested lists ---------------------------------------------------------------


def test_nested_list_edits_keep_every_other_byte() -> None:
    text = ("gaps:\n  - id: A\n    history:\n      # kept\n      - {exercise: X, result: observed}\n"
            "  - id: B\n")
    patch = YamlFile(text, "g.yaml")
    patch.set_in_field("gaps", 0, "history", 0, "result", "not-tested")
    patch.append_to_field("gaps", 0, "history", [{"exercise": "Y", "result": "observed"}])
    patch.append_to_field("gaps", 1, "history", [{"exercise": "Y", "result": "not-tested"}])
    out = patch.text()
    assert out == ("gaps:\n  - id: A\n    history:\n      # kept\n      - {exercise: X, result: not-tested}\n\n"
                   "      - exercise: Y\n        result: observed\n  - id: B\n    history:\n"
                   "      - {exercise: Y, result: not-tested}\n")
    with pytest.raises(IndexError):
        patch.set_in_field("gaps", 1, "history", 0, "result", "observed")  # B has no history as read
    with pytest.raises(ValueError, match="edited one by one"):
        patch.set_field("gaps", 0, "history.x", 1)


def test_nested_list_edits_refuse_an_anchored_entry() -> None:
    patch = YamlFile("gaps:\n  - id: A\n    history:\n      - &e {exercise: X}\n", "g.yaml")
    with pytest.raises(PatchError):
        patch.set_in_field("gaps", 0, "history", 0, "result", "observed")


# --- any sequence of updates -----------------------------------------------------------------------

EXERCISES = [("ADRIATIC-SHIELD-27", "2027-05-13"), ("SAVA-LINK-27", "2027-09-22"), ("ADRIATIC-SHIELD-28", "2028-05-12")]
_TITLE = st.text(st.sampled_from("abcdefgh RS-173ščž'"), min_size=1, max_size=30).filter(lambda s: s.strip() != "")
_NEW = st.builds(Finding, st.none(), _TITLE, st.text(st.sampled_from("xyz .,:#-\"'\n"), max_size=40),
                 st.sampled_from(["materiel", "training", "interoperability"]), st.sampled_from(["BG", "AL", "NATO"]),
                 st.sampled_from(["", "TO-1 / CT-2", "accepted: net-unreachable"]))
_STEP = st.tuples(st.sampled_from(EXERCISES), st.sets(st.integers(0, 7)), st.sets(st.integers(0, 7)),
                  st.lists(_NEW, max_size=2))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_STEP, min_size=1, max_size=4))
def test_updates_never_shorten_a_history(steps: list[t.Any]) -> None:
    original = SAMPLE.read_text("utf-8")
    text = original
    for (exercise, date), seen, tested, fresh in steps:
        before = _clean_or_warned(text)
        ids = [g.id for g in before.gaps]
        findings = [_seen(ids[i % len(ids)]) for i in seen] + fresh
        text, changes = update_register(text, "gaps.yaml", before, exercise=exercise, date=date, findings=findings,
                                        tested=[ids[i % len(ids)] for i in tested])
        after = _clean_or_warned(text)
        assert [g.id for g in after.gaps[: len(ids)]] == ids
        assert len(after.gaps) == len(ids) + len(changes.new)
        for old, new in zip(before.gaps, after.gaps, strict=False):
            assert len(new.history) >= len(old.history)
            kept = [h for h in old.history if h.exercise != exercise]
            assert [h for h in new.history if h.exercise != exercise] == kept
            assert sum(h.exercise == exercise for h in new.history) == 1
        assert _only_additions(original, text)


def _clean_or_warned(text: str) -> Register:
    """The register ``text`` holds, which may have warnings but no error."""
    register, found = parse_register(text, "gaps.yaml")
    assert [d.as_text() for d in found if d.severity is Severity.ERROR] == []
    assert register is not None
    return register


def test_every_register_code_is_in_the_table() -> None:
    used = set(re.findall(r'"(gaps-[a-z0-9-]+)"', (ROOT / "exgen" / "aar" / "register.py").read_text("utf-8")))
    assert used and sorted(used - set(AAR_CODES)) == []
