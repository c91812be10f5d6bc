"""The EXCON server's access rules as tables: every role against every action and kind of inject."""

from __future__ import annotations

import typing as t

import pytest

from exgen.conduct import access
from exgen.conduct.access import Actor
from exgen.conduct.record_types import Event

DIRECTOR = Actor("exdir", "director")
CHIEF = Actor("chief", "chief-controller")
WHITE = Actor("ctrl-w", "controller", {"cell": "WHITE", "controller": "CTRL-W", "controllers": ["CTRL-W", "CTRL-W2"],
                                       "role_players": ["RP-W"]})
EVALUATOR = Actor("ev-1", "evaluator", {"evaluator": "EV-1", "objectives": ["TO-1"]})
OBSERVER = Actor("observer1", "observer")
PLAYER = Actor("rp-w", "role-player", {"role_player": "RP-W", "cell": "WHITE"})
ACTORS = {"director": DIRECTOR, "chief": CHIEF, "controller": WHITE, "evaluator": EVALUATOR, "observer": OBSERVER,
          "role-player": PLAYER}


def _inject(ident: str, controller: str | None, sender: str, status: str) -> dict[str, t.Any]:
    view: dict[str, t.Any] = {"id": ident, "from": sender, "status": status, "title": f"Inject {ident}",
                              "version": 3, "notes": [{"seq": 1, "actor": "chief", "text": "EXCON only"}],
                              "responses": [{"seq": 2, "actor": "ctrl-w", "text": "Acknowledged by the G3"}]}
    if controller is not None:
        view["controller"] = controller
    return view


#: The kinds of inject the rules tell apart, as seen by the WHITE cell's controller and role player.
INJECTS = {
    "own cell": _inject("I-OWN", "CTRL-W2", "MND-HQ", "released"),
    "other cell": _inject("I-OTHER", "CTRL-RED", "RP-RED", "delivered"),
    "no controller": _inject("I-NONE", None, "MND-HQ", "acknowledged"),
    "role player's own": _inject("I-RP", "CTRL-RED", "RP-W", "completed"),
    "not released": _inject("I-PLANNED", "CTRL-RED", "RP-W", "planned"),
}

#: can(role, inject action, inject kind): directors and chiefs act on every inject, a controller on
#: their cell's (by controller or sender) and on injects without a controller; nobody else on any.
CAN_ACT = {
    "director": {"own cell", "other cell", "no controller", "role player's own", "not released"},
    "chief": {"own cell", "other cell", "no controller", "role player's own", "not released"},
    "controller": {"own cell", "no controller", "role player's own", "not released"},
    "evaluator": set(),
    "observer": set(),
    "role-player": set(),
}

#: visible_inject(role, inject kind) → which keys are dropped, or None when the inject is not shown.
VISIBLE: dict[str, dict[str, tuple[str, ...] | None]] = {
    "director": dict.fromkeys(INJECTS, ()),
    "chief": dict.fromkeys(INJECTS, ()),
    "controller": dict.fromkeys(INJECTS, ()),
    "evaluator": {"own cell": ("notes",), "other cell": ("notes",), "no controller": ("notes",),
                  "role player's own": ("notes",), "not released": None},
    "observer": {"own cell": ("notes", "responses"), "other cell": ("notes", "responses"),
                 "no controller": ("notes", "responses"), "role player's own": ("notes", "responses"),
                 "not released": None},
    "role-player": {"own cell": None, "other cell": None, "no controller": None, "role player's own": ("notes",),
                    "not released": ("notes",)},
}

TABLE = [(role, action, kind) for role in ACTORS for action in sorted(access.INJECT_ACTIONS) for kind in INJECTS]


@pytest.mark.parametrize(("role", "action", "kind"), TABLE)
def test_inject_actions_and_visibility_by_role_and_kind(role: str, action: str, kind: str) -> None:
    actor, inject = ACTORS[role], INJECTS[kind]
    assert access.can(actor, action, inject) is (kind in CAN_ACT[role])
    assert access.can(actor, action.removeprefix("inject."), inject) is (kind in CAN_ACT[role])
    dropped = VISIBLE[role][kind]
    shown = access.visible_inject(actor, inject)
    if dropped is None:
        assert shown is None
    else:
        assert shown == {k: v for k, v in inject.items() if k not in dropped}


#: Actions without an inject, by role (True = allowed without a subject).
OTHER_ACTIONS = {
    "inject.add": {"director", "chief", "controller"},
    "clock": {"director"},
    "comms.event": {"director", "chief", "controller"},
    "observation.add": {"director", "chief", "evaluator"},
    "observation.edit": {"director", "chief", "evaluator"},
    "evaluation.close": {"director"},
    "read.notes": {"director", "chief", "controller"},
    "read.observations": {"director", "chief", "evaluator"},
    "read.comms": {"director", "chief", "controller"},
}


@pytest.mark.parametrize(("role", "action"), [(r, a) for r in ACTORS for a in OTHER_ACTIONS])
def test_other_actions_by_role(role: str, action: str) -> None:
    assert access.can(ACTORS[role], action) is (role in OTHER_ACTIONS[action])


def test_a_controller_without_the_inject_may_not_act_on_it() -> None:
    assert not access.can(WHITE, "inject.release")
    assert access.can(CHIEF, "inject.release")


def test_a_controller_acts_on_injects_sent_by_the_cell_or_one_of_its_controllers() -> None:
    by_cell = _inject("I-C", "CTRL-RED", "WHITE", "planned")
    by_colleague = _inject("I-D", "CTRL-RED", "CTRL-W2", "planned")
    by_other = _inject("I-E", "CTRL-RED", "RED", "planned")
    assert access.can(WHITE, "release", by_cell)
    assert access.can(WHITE, "release", by_colleague)
    assert not access.can(WHITE, "release", by_other)
    assert access.can(WHITE, "release", _inject("I-F", "", "RED", "planned"))


def test_unknown_actions_and_roles_are_refused() -> None:
    for actor in ACTORS.values():
        assert not access.can(actor, "inject.erase", INJECTS["own cell"])
        assert not access.can(actor, "")
    stranger = Actor("x", "admin")
    assert not any(access.can(stranger, a, INJECTS["own cell"]) for a in access.ACTIONS)
    assert all(access.visible_inject(stranger, v) is None for v in INJECTS.values())


STATUSES = ("planned", "released", "delivered", "acknowledged", "completed", "held", "cancelled")


@pytest.mark.parametrize("status", STATUSES)
def test_evaluators_and_observers_see_only_released_injects_and_never_notes(status: str) -> None:
    for kind, inject in INJECTS.items():
        view = dict(inject, status=status)
        for actor in (EVALUATOR, OBSERVER):
            shown = access.visible_inject(actor, view)
            assert (shown is not None) is (status in {"released", "delivered", "acknowledged", "completed"}), kind
            assert shown is None or "notes" not in shown
        shown = access.visible_inject(PLAYER, view)
        assert (shown is not None) is (view["from"] == "RP-W")
        assert shown is None or "notes" not in shown


def test_visible_inject_returns_a_copy() -> None:
    inject = INJECTS["own cell"]
    shown = access.visible_inject(DIRECTOR, inject)
    assert shown == inject and shown is not inject


def test_a_role_player_without_an_id_sees_nothing() -> None:
    for scope in ({}, {"role_player": ""}, {"role_player": None}):
        actor = Actor("rp", "role-player", scope)
        assert all(access.visible_inject(actor, dict(v, **{"from": ""})) is None for v in INJECTS.values())


OBS = {"id": 7, "author": "ev-1", "objective": "TO-1", "task": "CT-1", "ex_time": 30.0, "text": "Good", "rating": "S",
       "version": 1}


def test_observations_are_scoped_to_the_evaluators_objectives_and_edited_by_their_author() -> None:
    other = dict(OBS, objective="TO-2", author="ev-2")
    assert access.can(EVALUATOR, "observation.add", {"objective": "TO-1"})
    assert not access.can(EVALUATOR, "observation.add", {"objective": "TO-2"})
    assert not access.can(EVALUATOR, "observation.add", {"objective": None})
    assert access.can(EVALUATOR, "observation.edit", OBS)
    assert not access.can(EVALUATOR, "observation.edit", dict(OBS, author="ev-2"))
    assert not access.can(DIRECTOR, "observation.edit", dict(OBS, author="ev-2"))
    assert access.can(EVALUATOR, "read.observations", OBS)
    assert not access.can(EVALUATOR, "read.observations", other)
    assert not access.can(Actor("ev-0", "evaluator", {"evaluator": "EV-0", "objectives": []}), "observation.add")


@pytest.mark.parametrize("role", list(ACTORS))
def test_visible_observation(role: str) -> None:
    other = dict(OBS, objective="TO-2", author="ev-2")
    sees_own = role in {"director", "chief", "evaluator"}
    sees_other = role in {"director", "chief"}
    assert (access.visible_observation(ACTORS[role], OBS) == OBS) is sees_own
    assert (access.visible_observation(ACTORS[role], other) is not None) is sees_other


def _event(kind: str, subject: str = "I-OWN", payload: dict[str, t.Any] | None = None) -> Event:
    return Event(12, "2027-05-11T07:30:00.000Z", 30.0, "ctrl-w", "controller", kind, subject, payload or {}, None)


def test_a_release_carries_the_inject_to_those_who_may_now_see_it() -> None:
    released = dict(INJECTS["own cell"], status="released")
    message = access.visible_event(EVALUATOR, _event("inject.release"), released)
    assert message is not None
    assert message["seq"] == 12 and message["kind"] == "inject.release" and message["actor"] == "ctrl-w"
    assert message["inject"]["id"] == "I-OWN" and "notes" not in message["inject"]
    assert "payload" not in message
    held = dict(released, status="held")
    assert access.visible_event(EVALUATOR, _event("inject.hold"), held) is None
    assert access.visible_event(OBSERVER, _event("inject.retime"), INJECTS["not released"]) is None
    assert access.visible_event(PLAYER, _event("inject.retime"), INJECTS["not released"]) is not None
    assert access.visible_event(PLAYER, _event("inject.release"), released) is None


def test_annotations_reach_only_those_who_read_notes() -> None:
    view = INJECTS["own cell"]
    annotate = _event("inject.annotate", payload={"text": "Red cell is late"})
    assert access.visible_event(EVALUATOR, annotate, view) is None
    assert access.visible_event(PLAYER, annotate, dict(view, **{"from": "RP-W"})) is None
    message = access.visible_event(WHITE, annotate, view)
    assert message is not None and message["inject"]["notes"] == view["notes"]


def test_comms_observation_clock_and_other_events() -> None:
    comms = {"seq": 13, "wall": "w", "ex_time": 31.0, "actor": "ctrl-w", "role": "controller", "kind": "comms.event",
             "subject": "NET-1", "payload": {"net": "NET-1", "state": "down"}}
    assert access.visible_event(OBSERVER, comms) is None
    assert access.visible_event(EVALUATOR, comms) is None
    message = access.visible_event(WHITE, comms)
    assert message is not None and message["comms"] == {"net": "NET-1", "state": "down"}
    added = _event("observation.add", "7")
    assert access.visible_event(EVALUATOR, added, OBS) is not None
    assert access.visible_event(EVALUATOR, added, dict(OBS, objective="TO-9")) is None
    assert access.visible_event(WHITE, added, OBS) is None
    clock = {"running": True, "speed": 1.0, "anchor_wall": 1.0, "anchor_ex": 0.0, "now": 5.0}
    for actor in ACTORS.values():
        seen = access.visible_event(actor, _event("clock.start", ""), clock)
        assert seen is not None and seen["clock"] == clock
        assert access.visible_event(actor, _event("evaluation.close", "")) is not None
    imported = _event("record.import", "status.csv")
    assert access.visible_event(WHITE, imported) is not None
    assert access.visible_event(OBSERVER, imported) is None
    future = _event("something.new", "")
    assert access.visible_event(DIRECTOR, future) is not None
    assert access.visible_event(WHITE, future) is None
