"""Shared fixtures for the conduct tests: a small exercise.json and a place for the record.

``tiny_exercise`` is a hand-written ``data/exercise.json``-shaped dict (design §1) small enough to
reason about in a test, and stable: tests in tests/conduct rely on its ids, times and rosters, so
change it only by adding. Its shape, all nations real and every other actor fictional:

- exercise ``TINY-HARBOUR``, STARTEX 2027-05-10T06:00:00Z, 36 hours (2,160 minutes);
- 3 units: ``MNB-HQ`` (IT), ``ME-1BN`` (ME, under MNB-HQ), ``HR-LOG`` (HR);
- 2 cells: ``WHITE-CELL``, ``HICON``;
- 2 controllers: ``CTL-W`` (WHITE-CELL, ME-1BN), ``CTL-H`` (HICON, MNB-HQ and HR-LOG);
- 1 evaluator ``EV-1`` (objective TO-1), 1 role player ``RP-PRESS`` (WHITE-CELL);
- 2 objectives: ``TO-1`` (two critical tasks, evaluated by EV-1), ``TO-2`` (one task, no evaluator);
- 2 nets ``BDE-CMD-HF`` and ``RUNNER``, one PACE plan ``PACE-1``, 2 phases;
- 6 injects, serials 1-6 in time order:

  ====== ===== ========== ============ ==========
  id     time  from       controller   objectives
  ====== ===== ========== ============ ==========
  INJ-001  120 CTL-H      CTL-H        TO-1
  INJ-002  240 RP-PRESS   CTL-W        TO-2
  INJ-003  240 WHITE-CELL (none)       —
  INJ-004  600 CTL-W      CTL-W        TO-1
  INJ-005 1500 CTL-H      CTL-H        —
  INJ-006 1620 RP-PRESS   CTL-W        TO-2
  ====== ===== ========== ============ ==========

INJ-002 carries planned controller notes; ``definition`` is the same exercise as a definition
that passes exgen's schema and semantic checks (tests/conduct/test_record.py holds that).
``make_tiny_exercise()`` gives the same dict outside a fixture (a subprocess, a hypothesis test).
"""

from __future__ import annotations

import copy
import typing as t
from pathlib import Path

import pytest

from exgen.model.time import format_dtg, format_dtime, parse_datetime

STARTEX = "2027-05-10T06:00:00Z"

_UNITS = [
    {"id": "MNB-HQ", "name": "Multinational Brigade HQ", "nation": "IT", "role": "training-audience",
     "parent": None},
    {"id": "ME-1BN", "name": "1st Infantry Battalion", "nation": "ME", "role": "training-audience",
     "parent": "MNB-HQ"},
    {"id": "HR-LOG", "name": "Logistic Company", "nation": "HR", "role": "training-audience", "parent": "MNB-HQ"},
]
_TASKS_1 = ["Send a situation report within 30 minutes", "Switch to the alternate net under jamming"]
_TASKS_2 = ["Brief the press officer before answering the media"]

#: (id, serial, time, from, to, method, net, title, controller, objectives, notes, threat)
_INJECTS: list[tuple[t.Any, ...]] = [
    ("INJ-001", 1, 120, "CTL-H", ["MNB-HQ"], "radio", "BDE-CMD-HF", "Higher HQ asks for a situation report",
     "CTL-H", ["TO-1"], "", None),
    ("INJ-002", 2, 240, "RP-PRESS", ["ME-1BN"], "phone", None, "Journalist asks about the convoy", "CTL-W",
     ["TO-2"], "Play the journalist as persistent but polite.", None),
    ("INJ-003", 3, 240, "WHITE-CELL", ["MNB-HQ"], "email", None, "Phishing mail to the brigade staff", None,
     [], "", {"kind": "cyber", "ids": ["ATTACK:T1566.001"]}),
    ("INJ-004", 4, 600, "CTL-W", ["ME-1BN"], "radio", "BDE-CMD-HF", "Jamming on the command net", "CTL-W",
     ["TO-1"], "", None),
    ("INJ-005", 5, 1500, "CTL-H", ["HR-LOG"], "email", None, "Request for the fuel status", "CTL-H", [], "",
     None),
    ("INJ-006", 6, 1620, "RP-PRESS", ["MNB-HQ"], "social-media", None, "Video of the convoy goes viral",
     "CTL-W", ["TO-2"], "", None),
]


def _dtime(minutes: int) -> str:
    return format_dtime(minutes, parse_datetime(STARTEX))


def _inject(row: tuple[t.Any, ...]) -> dict[str, t.Any]:
    iid, serial, time, sender, to, method, net, title, controller, objectives, notes, threat = row
    return {"id": iid, "serial": serial, "time": time, "dtime": _dtime(time),
            "dtg": format_dtg(time, parse_datetime(STARTEX)), "from": sender, "to": to, "method": method,
            "net": net, "title": title, "description": f"{title}.",
            "expected_action": "Report to higher HQ.", "objectives": objectives, "controller": controller,
            "incident": None, "contingency": None, "notes": notes, "threat": threat}


def _definition() -> dict[str, t.Any]:
    injects = []
    for row in _INJECTS:
        iid, serial, time, sender, to, method, net, title, controller, objectives, notes, threat = row
        inject: dict[str, t.Any] = {"id": iid, "serial": serial, "time": _dtime(time), "from": sender, "to": to,
                                    "method": method, "title": title, "description": f"{title}.",
                                    "expected_action": "Report to higher HQ."}
        optional = {"net": net, "controller": controller, "objectives": objectives, "notes": notes,
                    "threat": threat}
        inject.update({k: v for k, v in optional.items() if v})
        injects.append(inject)
    return {
        "exgen": 1,
        "exercise": {"id": "TINY-HARBOUR", "name": "Exercise Tiny Harbour", "type": "CPX",
                     "classification": "NATO UNCLASSIFIED", "startex": STARTEX, "endex": "2027-05-11T18:00:00Z",
                     "working_language": "en"},
        "objectives": [{"id": "TO-1", "title": "Report under jamming", "audience": ["ME-1BN"],
                        "critical_tasks": _TASKS_1},
                       {"id": "TO-2", "title": "Handle the media", "audience": ["MNB-HQ"],
                        "critical_tasks": _TASKS_2}],
        "systems": [{"id": "HF-4538", "kind": "radio", "bands": ["HF"], "waveforms": ["STANAG-4538"]}],
        "units": [{k: v for k, v in u.items() if v is not None} | {"systems": ["HF-4538"]} for u in _UNITS],
        "nets": [{"id": "BDE-CMD-HF", "kind": "voice", "band": "HF", "waveform": "STANAG-4538",
                  "members": ["MNB-HQ", "ME-1BN", "HR-LOG"], "net_control": "MNB-HQ"},
                 {"id": "RUNNER", "kind": "courier", "members": ["MNB-HQ", "ME-1BN", "HR-LOG"]}],
        "pace": [{"id": "PACE-1", "between": ["MNB-HQ", "ME-1BN"], "primary": "BDE-CMD-HF", "emergency": "RUNNER"}],
        "excon": {
            "cells": [{"id": "WHITE-CELL", "title": "Role-play and lower control"},
                      {"id": "HICON", "title": "Higher control"}],
            "role_players": [{"id": "RP-PRESS", "cell": "WHITE-CELL", "nation": "MK",
                              "portrays": "local journalist"}],
            "controllers": [{"id": "CTL-W", "cell": "WHITE-CELL", "units": ["ME-1BN"]},
                            {"id": "CTL-H", "cell": "HICON", "units": ["MNB-HQ", "HR-LOG"]}],
            "evaluators": [{"id": "EV-1", "nation": "IT", "objectives": ["TO-1"], "units": ["ME-1BN"]}],
        },
        "injects": injects,
    }


def make_tiny_exercise() -> dict[str, t.Any]:
    """A fresh copy of the tiny exercise.json (see the module docstring for its contents)."""
    return copy.deepcopy({
        "format": 1,
        "exgen": {"version": "test", "seed": 0},
        "exercise": {"id": "TINY-HARBOUR", "name": "Exercise Tiny Harbour", "type": "CPX",
                     "classification": "NATO UNCLASSIFIED", "marking": "EXERCISE EXERCISE EXERCISE",
                     "banner": "NATO UNCLASSIFIED", "startex": STARTEX, "endex": "2027-05-11T18:00:00Z",
                     "duration": 2160},
        "objectives": [{"id": "TO-1", "title": "Report under jamming", "critical_tasks": _TASKS_1,
                        "evaluators": ["EV-1"]},
                       {"id": "TO-2", "title": "Handle the media", "critical_tasks": _TASKS_2, "evaluators": []}],
        "units": _UNITS,
        "cells": [{"id": "WHITE-CELL", "title": "Role-play and lower control"},
                  {"id": "HICON", "title": "Higher control"}],
        "controllers": [{"id": "CTL-W", "cell": "WHITE-CELL", "name": "Controller White", "units": ["ME-1BN"]},
                        {"id": "CTL-H", "cell": "HICON", "name": "Controller HICON",
                         "units": ["MNB-HQ", "HR-LOG"]}],
        "evaluators": [{"id": "EV-1", "name": "Evaluator TO-1", "objectives": ["TO-1"], "units": ["ME-1BN"]}],
        "role_players": [{"id": "RP-PRESS", "cell": "WHITE-CELL", "name": "Press role player",
                          "portrays": "local journalist"}],
        "nets": [{"id": "BDE-CMD-HF", "name": "Brigade command HF", "members": ["MNB-HQ", "ME-1BN", "HR-LOG"]},
                 {"id": "RUNNER", "name": "Runner", "members": ["MNB-HQ", "ME-1BN", "HR-LOG"]}],
        "pace": [{"id": "PACE-1", "between": ["MNB-HQ", "ME-1BN"],
                  "levels": [{"level": "primary", "net": "BDE-CMD-HF"}, {"level": "emergency", "net": "RUNNER"}],
                  "timeline": [{"start": 0, "end": 2160, "level": "primary", "net": "BDE-CMD-HF"}]}],
        "phases": [{"id": "PH-1", "title": "Deployment", "start": 0, "end": 720},
                   {"id": "PH-2", "title": "Crisis response", "start": 720, "end": 2160}],
        "main_events": [], "main_incidents": [],
        "injects": [_inject(row) for row in _INJECTS],
        "definition": _definition(),
    })


@pytest.fixture
def tiny_exercise() -> dict[str, t.Any]:
    """The tiny exercise.json as a dict, a fresh copy per test (mutate it freely)."""
    return make_tiny_exercise()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's conduct record lives: a real SQLite file in the test's own folder (not yet created)."""
    return tmp_path / "conduct.sqlite"


@pytest.fixture(scope="session")
def flagship_package(tmp_path_factory: pytest.TempPathFactory, no_pdf: str) -> Path:
    """The flagship built once per session (seed 0, without the PDF book) for the server's tests: a real
    package with its data/exercise.json, as `exgen build` writes it."""
    from exgen import pipeline
    from tests.conftest import FLAGSHIP

    out = tmp_path_factory.mktemp("conduct-flagship") / "adriatic-shield"
    result = pipeline.build(str(FLAGSHIP), str(out), seed=0, template_dirs=[no_pdf])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out
