"""The vocabulary of a conduct record as the after-action report reads it: injects run, observations, comms, clock."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from exgen.core.diagnostics import Diagnostic, Location, error

__all__ = ["STATUS_AFTER", "ClockChange", "CommsEvent", "InjectRun", "Note", "Record", "RecordObservation", "decode",
           "number", "planned_runs", "whole"]

#: inject action → the status it leaves the inject in (exgen/conduct/lifecycle.py).
STATUS_AFTER = {"release": "released", "deliver": "delivered", "acknowledge": "acknowledged",
                "complete": "completed", "hold": "held", "cancel": "cancelled"}


@dataclass(frozen=True)
class Note:
    """An EXCON annotation or a training-audience response on an inject."""

    ex_time: float | None
    actor: str
    text: str


@dataclass
class InjectRun:
    """What happened to one inject: the last exercise time of each action, its final status, its notes."""

    id: str
    serial: int | None
    title: str
    planned: float | None  #: minutes from STARTEX as planned (as added, for an ad-hoc inject)
    adhoc: bool = False
    content: dict[str, t.Any] | None = None  #: an ad-hoc inject as added during conduct
    status: str = "planned"
    times: dict[str, float | None] = field(default_factory=dict)  #: action → exercise time
    retimes: list[tuple[float | None, float]] = field(default_factory=list)  #: (when, new time)
    annotations: list[Note] = field(default_factory=list)
    responses: list[Note] = field(default_factory=list)


@dataclass
class RecordObservation:
    """An evaluator's observation as its last edit left it; ``task`` is the critical task's text or ''."""

    number: str
    author: str
    objective: str
    task: str
    ex_time: float | None
    text: str
    rating: str
    location: Location
    edits: int = 0


@dataclass(frozen=True)
class CommsEvent:
    """A net or PACE link observed down or up."""

    seq: int
    ex_time: float | None
    actor: str
    pace: str | None
    net: str | None
    units: tuple[str, ...]
    state: str
    level: str | None
    text: str
    location: Location


@dataclass(frozen=True)
class ClockChange:
    """The director started, paused, set or sped the exercise clock."""

    ex_time: float | None
    wall: str
    kind: str  #: start, pause, jump or speed
    value: float | None  #: the time jumped to or the speed set


@dataclass
class Record:
    """One conduct, read: ``source`` is "events.jsonl" or "console"; ``events`` how many were used."""

    source: str
    path: str
    events: int = 0
    injects: dict[str, InjectRun] = field(default_factory=dict)
    observations: list[RecordObservation] = field(default_factory=list)
    comms: list[CommsEvent] = field(default_factory=list)
    clock: list[ClockChange] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  #: every event's exercise time, in file order
    evaluation_closed: bool = False

    def first_time(self) -> float | None:
        """The earliest exercise time of an event."""
        return min(self.times) if self.times else None

    def last_time(self) -> float | None:
        """The latest exercise time of an event."""
        return max(self.times) if self.times else None


def planned_runs(exercise: t.Mapping[str, t.Any]) -> dict[str, InjectRun]:
    """Every inject of exercise.json, not yet run."""
    runs: dict[str, InjectRun] = {}
    for inject in exercise.get("injects") or []:
        if isinstance(inject, dict) and isinstance(inject.get("id"), str):
            runs[inject["id"]] = InjectRun(inject["id"], whole(inject.get("serial")), str(inject.get("title") or ""),
                                           number(inject.get("time")))
    return runs


def decode(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """The file as text (UTF-8, a leading byte-order mark dropped), or where it stops being UTF-8."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as problem:
        line = data.count(b"\n", 0, problem.start) + 1
        return None, [error("aar-record-file", "the file is not UTF-8 text: give the export as exgen or the "
                            "console wrote it", Location(path, line, 1))]


def whole(value: object) -> int | None:
    """A whole number (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def number(value: object) -> float | None:
    """A number (not a bool) as a float, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)
