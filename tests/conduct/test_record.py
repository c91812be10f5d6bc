"""The conduct record: appends in one transaction, idempotency, versions, the rules, and the views."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import typing as t
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen.check import schema, semantic
from exgen.conduct import store
from exgen.conduct.record import Actor, Conflict, Record, Rejected, rebuild_projections
from exgen.generate.verify import Nowhere

T0 = 1_800_000_000.0
CTL_W = Actor("ctl-w", "controller", {"cell": "WHITE-CELL", "controller": "CTL-W"})
CTL_H = Actor("ctl-h", "controller", {"cell": "HICON", "controller": "CTL-H"})
EXDIR = Actor("exdir", "director")
EV_1 = Actor("ev-1", "evaluator", {"evaluator": "EV-1", "objectives": ["TO-1"]})


class Wall:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def record(db_path: Path, tiny_exercise: dict[str, t.Any], wall: Wall) -> t.Iterator[Record]:
    conn = store.open_db(db_path, tiny_exercise["exercise"]["id"])
    yield Record(conn, tiny_exercise, wall=wall)
    conn.close()


def _count(record: Record) -> int:
    return int(record.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def test_the_tiny_exercise_definition_passes_exgens_checks(tiny_exercise: dict[str, t.Any]) -> None:
    definition = tiny_exercise["definition"]
    found = schema.validate_data(definition, Nowhere()) + semantic.run(definition, Nowhere()).diagnostics
    assert [d.as_text() for d in found if d.is_error] == []
    assert [i["id"] for i in definition["injects"]] == [i["id"] for i in tiny_exercise["injects"]]


def test_an_inject_goes_through_its_life_one_version_per_action(record: Record) -> None:
    versions = []
    for action in ("release", "deliver", "acknowledge", "complete"):
        applied = record.append(CTL_H, f"inject.{action}", "INJ-001", {}, None, expect_version=len(versions))
        assert applied.replay is False and applied.subject == "INJ-001" and applied.state is not None
        versions.append((applied.state["status"], applied.state["version"]))
    assert versions == [("released", 1), ("delivered", 2), ("acknowledged", 3), ("completed", 4)]
    assert record.inject_view("INJ-001")["status"] == "completed"
    assert [e.kind for e in record.events_after(0)] == ["inject.release", "inject.deliver", "inject.acknowledge",
                                                        "inject.complete"]


def test_an_action_the_lifecycle_forbids_is_rejected_and_not_recorded(record: Record) -> None:
    with pytest.raises(Rejected) as caught:
        record.append(CTL_W, "inject.deliver", "INJ-002", {}, None)
    assert caught.value.code == "not-allowed"
    assert caught.value.message.startswith("cannot deliver an inject that is planned")
    record.append(CTL_W, "inject.cancel", "INJ-002", {}, None)
    with pytest.raises(Rejected, match="cannot deliver an inject that is cancelled"):
        record.append(CTL_W, "inject.deliver", "INJ-002", {}, None)
    assert _count(record) == 1
    assert record.inject_view("INJ-002")["version"] == 1


def test_a_repeated_idempotency_key_answers_the_first_result(record: Record) -> None:
    first = record.append(CTL_W, "inject.annotate", "INJ-004", {"text": "radio check done"}, "key-1")
    again = record.append(CTL_W, "inject.annotate", "INJ-004", {"text": "radio check done"}, "key-1")
    assert again.seq == first.seq and again.replay is True and first.replay is False
    assert again.state is not None and again.state["version"] == 1
    assert [n["text"] for n in record.inject_view("INJ-004")["notes"]] == ["radio check done"]
    assert _count(record) == 1
    # a replayed release is answered even though a second release would now be refused
    rel = record.append(CTL_W, "inject.release", "INJ-004", {}, "key-2", expect_version=1)
    assert record.append(CTL_W, "inject.release", "INJ-004", {}, "key-2", expect_version=1).seq == rel.seq


def test_an_idempotency_key_cannot_be_reused_for_another_action(record: Record) -> None:
    record.append(CTL_W, "inject.release", "INJ-002", {}, "key-1")
    for actor, kind, subject in [(CTL_H, "inject.release", "INJ-002"), (CTL_W, "inject.hold", "INJ-002"),
                                 (CTL_W, "inject.release", "INJ-004")]:
        with pytest.raises(Rejected) as caught:
            record.append(actor, kind, subject, {}, "key-1")
        assert caught.value.code == "idem-reused"
    assert _count(record) == 1
    assert record.inject_view("INJ-004")["status"] == "planned"


def test_a_stale_version_is_a_conflict_carrying_the_current_state(record: Record) -> None:
    seen_by_w = record.inject_view("INJ-003")["version"]
    seen_by_h = record.inject_view("INJ-003")["version"]
    record.append(CTL_W, "inject.release", "INJ-003", {}, None, expect_version=seen_by_w)
    with pytest.raises(Conflict) as caught:
        record.append(CTL_H, "inject.hold", "INJ-003", {}, None, expect_version=seen_by_h)
    assert caught.value.current["status"] == "released" and caught.value.current["version"] == 1
    assert caught.value.current == record.inject_view("INJ-003")
    assert _count(record) == 1
    record.append(CTL_H, "inject.hold", "INJ-003", {}, None, expect_version=1)
    assert record.inject_view("INJ-003")["status"] == "held"


def test_notes_responses_and_retiming(record: Record, wall: Wall) -> None:
    record.append(EXDIR, "clock.start", "", {}, None)
    wall.now += 30 * 60
    note = record.append(CTL_W, "inject.annotate", "INJ-002", {"text": "Journalist rang twice"}, None)
    record.append(CTL_W, "inject.response", "INJ-002", {"text": "PAO gave a holding line"}, None)
    record.append(CTL_W, "inject.retime", "INJ-002", {"time": 45}, None)
    view = record.inject_view("INJ-002")
    assert view["notes"] == [
        {"seq": 0, "actor": "", "text": "Play the journalist as persistent but polite.", "ex_time": None},
        {"seq": note.seq, "actor": "ctl-w", "text": "Journalist rang twice", "ex_time": pytest.approx(30.0)}]
    assert [r["text"] for r in view["responses"]] == ["PAO gave a holding line"]
    assert (view["time"], view["planned_time"], view["dtime"], view["version"]) == (45, 240, "D+0 06:45", 3)
    assert [i["id"] for i in record.injects()][:3] == ["INJ-002", "INJ-001", "INJ-003"]


def test_injects_are_listed_by_time_then_serial(record: Record) -> None:
    assert [i["id"] for i in record.injects()] == ["INJ-001", "INJ-002", "INJ-003", "INJ-004", "INJ-005", "INJ-006"]
    record.append(CTL_H, "inject.retime", "INJ-001", {"time": 240}, None)
    assert [i["id"] for i in record.injects()][:3] == ["INJ-001", "INJ-002", "INJ-003"]
    views = record.injects()
    assert {v["id"]: v["adhoc"] for v in views} == dict.fromkeys([v["id"] for v in views], False)
    assert views[0]["controller"] == "CTL-H" and views[2]["controller"] is None


def test_an_added_inject_joins_the_list_with_the_next_serial(record: Record) -> None:
    inject = {"id": "ADH-1", "from": "RP-PRESS", "to": ["MNB-HQ"], "method": "phone",
              "title": "Mayor's office asks for a liaison", "time": "D+0 07:00", "notes": "EXCON only"}
    added = record.append(CTL_W, "inject.add", "ADH-1", {"inject": inject, "time": 60}, None)
    assert added.state is not None
    assert (added.state["serial"], added.state["adhoc"], added.state["status"], added.state["version"]) == (
        7, True, "planned", 1)
    assert added.state["notes"][0]["text"] == "EXCON only" and added.state["time"] == 60
    assert [i["id"] for i in record.injects()][:2] == ["ADH-1", "INJ-001"]
    record.append(CTL_W, "inject.release", "ADH-1", {}, None, expect_version=1)
    second = record.append(CTL_W, "inject.add", "", {"inject": {**inject, "id": "ADH-2"}, "time": 61}, None)
    assert second.subject == "ADH-2" and second.state is not None and second.state["serial"] == 8
    for subject, body, code in [("INJ-001", {**inject, "id": "INJ-001"}, "duplicate-id"),
                                ("ADH-1", inject, "duplicate-id"),
                                ("ADH-3", {**inject, "id": "ADH-4"}, "bad-payload"),
                                ("../etc", {**inject, "id": "../etc"}, "bad-payload"),
                                ("ADH-5", "not an object", "bad-payload")]:
        with pytest.raises(Rejected) as caught:
            record.append(CTL_W, "inject.add", subject, {"inject": body, "time": 5}, None)
        assert caught.value.code == code, subject


def test_the_clock_through_the_record(record: Record, wall: Wall) -> None:
    assert record.clock_state() == {"running": False, "speed": 1.0, "anchor_wall": 0.0, "anchor_ex": 0.0, "now": 0.0}
    record.append(EXDIR, "clock.start", "", {}, None)
    wall.now += 600
    assert record.clock_state()["now"] == pytest.approx(10.0)
    record.append(EXDIR, "clock.speed", "", {"speed": 60}, None)
    wall.now += 60
    assert record.clock_state()["now"] == pytest.approx(70.0)
    paused = record.append(EXDIR, "clock.pause", "", {}, None)
    assert paused.subject == "clock" and paused.state is not None and paused.state["running"] is False
    record.append(EXDIR, "clock.jump", "", {"ex_time": 1440}, None)
    wall.now += 999
    assert record.clock_state()["now"] == 1440.0
    annotate = record.append(CTL_W, "inject.annotate", "INJ-005", {"text": "x"}, None)
    assert record.events_after(annotate.seq - 1)[0].ex_time == 1440.0
    for kind, payload, code in [("clock.pause", {}, "clock-paused"), ("clock.speed", {"speed": 500}, "out-of-range"),
                                ("clock.speed", {"speed": 0.01}, "out-of-range"),
                                ("clock.jump", {"ex_time": "D+1"}, "bad-payload"),
                                ("clock.jump", {"ex_time": True}, "bad-payload")]:
        with pytest.raises(Rejected) as caught:
            record.append(EXDIR, kind, "", payload, None)
        assert caught.value.code == code, (kind, payload)
    record.append(EXDIR, "clock.start", "", {}, None)
    with pytest.raises(Rejected, match="already running"):
        record.append(EXDIR, "clock.start", "", {}, None)


def test_observations_are_edited_only_by_their_author_while_evaluation_is_open(record: Record) -> None:
    task = "Send a situation report within 30 minutes"
    first = record.append(EV_1, "observation.add", "", {"objective": "TO-1", "task": task, "ex_time": 125,
                                                        "text": "SITREP after 20 min", "rating": "P"}, None)
    assert first.subject == "1" and first.state == {"id": 1, "author": "ev-1", "objective": "TO-1", "task": task,
                                                    "ex_time": 125, "text": "SITREP after 20 min",
                                                    "rating": "P", "version": 1}
    second = record.append(EV_1, "observation.add", "", {"objective": "TO-1", "text": "General", "rating": ""},
                           None)
    assert second.subject == "2" and second.state is not None and second.state["ex_time"] == 0.0
    edited = record.append(EV_1, "observation.edit", "1", {"text": "SITREP after 25 min", "rating": "S",
                                                           "version": 1}, None)
    assert edited.state is not None and (edited.state["text"], edited.state["version"]) == ("SITREP after 25 min", 2)
    with pytest.raises(Conflict) as caught:
        record.append(EV_1, "observation.edit", "1", {"text": "late", "rating": "M", "version": 1}, None)
    assert caught.value.current["version"] == 2 and caught.value.current["rating"] == "S"
    with pytest.raises(Rejected) as not_author:
        record.append(EXDIR, "observation.edit", "1", {"text": "mine now", "rating": "U", "version": 2}, None)
    assert not_author.value.code == "not-author"
    record.append(EXDIR, "evaluation.close", "", {}, None)
    assert record.evaluation_closed() is True
    for kind, subject, payload in [("observation.edit", "1", {"text": "after", "rating": "U", "version": 2}),
                                   ("observation.add", "", {"objective": "TO-1", "text": "late", "rating": "U"}),
                                   ("evaluation.close", "", {})]:
        with pytest.raises(Rejected) as closed:
            record.append(EV_1 if kind != "evaluation.close" else EXDIR, kind, subject, payload, None)
        assert closed.value.code == "evaluation-closed"
    assert [o["text"] for o in record.observations()] == ["SITREP after 25 min", "General"]


@pytest.mark.parametrize(("subject", "payload", "code"), [
    ("", {"objective": "TO-9", "text": "x", "rating": "P"}, "unknown-objective"),
    ("", {"objective": ["TO-1"], "text": "x", "rating": "P"}, "unknown-objective"),
    ("", {"objective": "TO-1", "task": "Not a task", "text": "x", "rating": "P"}, "unknown-task"),
    ("", {"objective": "TO-1", "text": "x", "rating": "Excellent"}, "bad-payload"),
    ("", {"objective": "TO-1", "text": "   ", "rating": "P"}, "bad-payload"),
    ("", {"objective": "TO-1", "text": "x", "rating": "P", "author": "someone"}, "bad-payload"),
])
def test_a_bad_observation_is_rejected(record: Record, subject: str, payload: dict[str, t.Any], code: str) -> None:
    with pytest.raises(Rejected) as caught:
        record.append(EV_1, "observation.add", subject, payload, None)
    assert caught.value.code == code
    with pytest.raises(Rejected) as missing:
        record.append(EV_1, "observation.edit", "99", {"text": "x", "rating": "", "version": 1}, None)
    assert missing.value.code == "not-found"
    assert _count(record) == 0


def test_comms_events_are_logged_against_their_net_or_pace_plan(record: Record) -> None:
    down = record.append(CTL_W, "comms.event", "", {"net": "BDE-CMD-HF", "state": "down", "units": ["ME-1BN"],
                                                   "text": "Jammed"}, None)
    up = record.append(CTL_W, "comms.event", "PACE-1", {"pace": "PACE-1", "state": "up", "level": "emergency"}, None)
    assert (down.subject, up.subject) == ("BDE-CMD-HF", "PACE-1")
    log = record.comms_events()
    assert [(c["seq"], c["subject"], c["state"], c["level"], c["units"], c["text"]) for c in log] == [
        (down.seq, "BDE-CMD-HF", "down", None, ["ME-1BN"], "Jammed"), (up.seq, "PACE-1", "up", "emergency", [], "")]
    assert up.state == log[1]
    for payload, code in [({"net": "NOPE", "state": "down"}, "unknown-net"), ({"state": "down"}, "bad-payload"),
                          ({"pace": "PACE-9", "state": "up"}, "unknown-pace"),
                          ({"net": "RUNNER", "state": "sideways"}, "bad-payload"),
                          ({"net": "RUNNER", "state": "up", "level": "tertiary"}, "bad-payload"),
                          ({"net": "RUNNER", "state": "up", "units": ["RED-9"]}, "unknown-unit"),
                          ({"net": ["RUNNER"], "state": "up"}, "unknown-net")]:
        with pytest.raises(Rejected) as caught:
            record.append(CTL_W, "comms.event", "", payload, None)
        assert caught.value.code == code, payload


@pytest.mark.parametrize(("kind", "subject", "payload", "code"), [
    ("inject.fly", "INJ-001", {}, "unknown-kind"),
    ("inject.release", "INJ-999", {}, "unknown-inject"),
    ("inject.release", "INJ-001", {"force": True}, "bad-payload"),
    ("inject.release", "INJ-001", [], "bad-payload"),
    ("inject.annotate", "INJ-001", {}, "bad-payload"),
    ("inject.annotate", "INJ-001", {"text": 42}, "bad-payload"),
    ("inject.annotate", "INJ-001", {"text": "x" * 10_001}, "too-long"),
    ("inject.retime", "INJ-001", {"time": float("nan")}, "bad-payload"),
    ("inject.retime", "INJ-001", {"time": 10**9}, "out-of-range"),
    ("record.import", "", {"source": ""}, "bad-payload"),
    ("record.import", "", {"source": "status.csv", "rows": [{"blob": "x" * 70_000}]}, "too-long"),
])
def test_malformed_actions_are_rejected_and_nothing_is_written(
        record: Record, kind: str, subject: str, payload: t.Any, code: str) -> None:
    with pytest.raises(Rejected) as caught:
        record.append(CTL_H, kind, subject, payload, "key")
    assert caught.value.code == code
    assert _count(record) == 0 and record.inject_view("INJ-001")["version"] == 0


def test_a_malformed_call_is_rejected(record: Record) -> None:
    for actor, idem in [(Actor("", "controller"), None), (Actor("x", ""), None), (CTL_W, ""), (CTL_W, "k" * 201)]:
        with pytest.raises(Rejected):
            record.append(actor, "inject.annotate", "INJ-001", {"text": "x"}, idem)
    with pytest.raises(Rejected):
        record.append(CTL_W, "inject.annotate", "INJ-001", {"text": "x"}, None, expect_version=True)
    assert _count(record) == 0


def test_hostile_text_is_stored_verbatim(record: Record) -> None:
    text = "'); DROP TABLE events; -- <script>alert(1)</script> \u202e\u0000"
    applied = record.append(CTL_W, "inject.annotate", "INJ-001", {"text": text}, "'; DELETE FROM events; --")
    assert record.events_after(0)[0].payload == {"text": text}
    assert applied.state is not None and applied.state["notes"][-1]["text"] == text
    assert _count(record) == 1


def test_a_record_import_is_kept_as_sent(record: Record) -> None:
    payload = {"source": "status.csv", "rows": 12}
    applied = record.append(Actor("console-import", "director"), "record.import", "status.csv", payload, "h1")
    assert applied.state is None and record.events_after(0)[0].payload == payload


def test_events_after_pages_through_the_record_in_order(record: Record, wall: Wall) -> None:
    for n in range(5):
        wall.now += 1.5
        record.append(CTL_W, "inject.annotate", "INJ-004", {"text": f"note {n}"}, f"k{n}")
    events = record.events_after(0)
    assert [e.seq for e in events] == list(range(1, 6)) and record.last_seq() == 5
    assert [e.seq for e in record.events_after(2, limit=2)] == [3, 4]
    assert record.events_after(5) == []
    first = events[0].as_dict()
    assert list(first) == ["seq", "wall", "ex_time", "actor", "role", "kind", "subject", "payload", "idem"]
    assert first == {"seq": 1, "wall": "2027-01-15T08:00:01.500Z", "ex_time": 0.0, "actor": "ctl-w",
                     "role": "controller", "kind": "inject.annotate", "subject": "INJ-004",
                     "payload": {"text": "note 0"}, "idem": "k0"}
    stored = record.conn.execute("SELECT payload FROM events WHERE seq = 1").fetchone()[0]
    assert json.loads(stored) == {"text": "note 0"}


def test_a_second_connection_reads_what_the_writer_committed(record: Record, db_path: Path,
                                                             tiny_exercise: dict[str, t.Any]) -> None:
    reader = Record(store.open_db(db_path, "TINY-HARBOUR"), tiny_exercise)
    record.append(CTL_H, "inject.release", "INJ-005", {}, None)
    assert reader.inject_view("INJ-005")["status"] == "released" and reader.last_seq() == 1
    reader.conn.close()


def test_a_busy_record_does_not_take_a_half_written_action(record: Record, db_path: Path) -> None:
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0.1)
    other.execute("PRAGMA busy_timeout = 100")
    other.execute("BEGIN IMMEDIATE")
    record.conn.execute("PRAGMA busy_timeout = 100")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        record.append(CTL_W, "inject.annotate", "INJ-001", {"text": "x"}, None)
    other.execute("ROLLBACK")
    other.close()
    assert not record.conn.in_transaction
    assert record.append(CTL_W, "inject.annotate", "INJ-001", {"text": "x"}, None).seq == 1


# -- projections are a replay of the events -------------------------------------------------------------------

_INJECT_IDS = ["INJ-001", "INJ-002", "INJ-003", "INJ-006", "ADH-1", "ADH-2", "NOPE"]
_TEXT = st.text(max_size=12)
_NUMBER = st.one_of(st.integers(-2000, 4000), st.floats(allow_nan=True, allow_infinity=True), _TEXT, st.none())
_ACTIONS = st.one_of(
    st.tuples(st.sampled_from(["clock.start", "clock.pause", "evaluation.close"]), st.just(""), st.just({})),
    st.tuples(st.just("clock.jump"), st.just(""), st.fixed_dictionaries({"ex_time": _NUMBER})),
    st.tuples(st.just("clock.speed"), st.just(""), st.fixed_dictionaries({"speed": _NUMBER})),
    st.tuples(st.sampled_from([f"inject.{a}" for a in ("release", "deliver", "acknowledge", "complete", "hold",
                                                      "cancel")]), st.sampled_from(_INJECT_IDS), st.just({})),
    st.tuples(st.just("inject.retime"), st.sampled_from(_INJECT_IDS), st.fixed_dictionaries({"time": _NUMBER})),
    st.tuples(st.sampled_from(["inject.annotate", "inject.response"]), st.sampled_from(_INJECT_IDS),
              st.fixed_dictionaries({"text": _TEXT})),
    st.tuples(st.just("inject.add"), st.sampled_from(["ADH-1", "ADH-2", "INJ-001", "bad id"]),
              st.fixed_dictionaries({"inject": st.fixed_dictionaries({"title": _TEXT}), "time": _NUMBER})),
    st.tuples(st.just("observation.add"), st.just(""),
              st.fixed_dictionaries({"objective": st.sampled_from(["TO-1", "TO-2", "TO-9"]),
                                     "text": _TEXT, "rating": st.sampled_from(["P", "S", "M", "U", "", "X"])},
                                    optional={"task": st.sampled_from(["", "Brief the press officer before "
                                                                       "answering the media", "nope"]),
                                              "ex_time": _NUMBER})),
    st.tuples(st.just("observation.edit"), st.sampled_from(["1", "2", "x"]),
              st.fixed_dictionaries({"text": _TEXT, "rating": st.sampled_from(["P", "U", "?"]),
                                     "version": st.integers(0, 3)})),
    st.tuples(st.just("comms.event"), st.just(""),
              st.fixed_dictionaries({"state": st.sampled_from(["down", "up", "gone"])},
                                    optional={"net": st.sampled_from(["BDE-CMD-HF", "RUNNER", "NOPE"]),
                                              "level": st.sampled_from(["primary", "emergency", "z"])})),
    st.tuples(st.just("bogus.kind"), st.just(""), st.just({})),
)
_STEPS = st.lists(st.tuples(_ACTIONS, st.sampled_from([CTL_W, EV_1, EXDIR]), st.none() | st.integers(0, 4),
                            st.none() | st.sampled_from(["k1", "k2", "k3"]), st.floats(0, 900)), max_size=25)


def _projections(conn: sqlite3.Connection) -> dict[str, list[tuple[t.Any, ...]]]:
    return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("inject_state", "observations", "clock", "evaluation")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=_STEPS)
def test_the_projections_equal_a_replay_of_the_stored_events(tiny_exercise: dict[str, t.Any],
                                                             steps: list[t.Any]) -> None:
    """Any mix of valid and invalid actions leaves projections that a replay of the record rebuilds exactly."""
    with tempfile.TemporaryDirectory() as folder:
        conn = store.open_db(Path(folder) / "record.sqlite", "TINY-HARBOUR")
        conn.execute("PRAGMA synchronous = OFF")  # durability is test_record_crash.py's business; speed here
        wall = Wall()
        record = Record(conn, tiny_exercise, wall=wall)
        applied = 0
        for (kind, subject, payload), actor, expect, idem, step in steps:
            wall.now += step
            try:
                result = record.append(actor, kind, subject, payload, idem, expect_version=expect)
            except (Rejected, Conflict):
                continue
            applied += not result.replay
        assert record.last_seq() == applied
        before, views = _projections(conn), (record.injects(), record.observations(), record.clock_state())
        inject_events: dict[str, int] = {}
        for event in record.events_after(0, limit=100):
            if event.kind.startswith("inject."):
                inject_events[event.subject] = inject_events.get(event.subject, 0) + 1
        assert {v["id"]: v["version"] for v in views[0] if v["version"]} == inject_events
        assert rebuild_projections(conn, tiny_exercise) == applied
        assert _projections(conn) == before
        assert (record.injects(), record.observations(), record.clock_state()) == views
        conn.close()
