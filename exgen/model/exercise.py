"""The Exercise model: frozen dataclasses, one per kind of element, and :class:`Exercise`.

Every time is resolved to whole minutes from STARTEX; every element keeps the JSON
pointer it came from so rules and analyses can locate what they say about it.
References stay ids; :class:`Exercise` indexes every element by id to resolve them.
The builder that makes them from data is :mod:`exgen.model.build`.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from exgen.model.geometry import Area, Point
from exgen.model.time import format_dtg, format_dtime

DEFAULT_MARKING = "EXERCISE EXERCISE EXERCISE"
#: How many days an exercise may last unless its definition plans longer (``exercise.max_days``).
DEFAULT_MAX_DAYS = 60
PACE_LEVELS = ("primary", "alternate", "contingency", "emergency")
#: A definition object's own ``x-`` fields, in definition order (lists become tuples).
Custom = tuple[tuple[str, t.Any], ...]
#: The index of a kind the exercise has none of (never written to).
_NONE: dict[str, t.Any] = {}


@dataclass(frozen=True)
class ExerciseObjective:
    """What the exercise as a whole must achieve (distinct from a training objective)."""

    id: str
    title: str
    description: str = ""
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    start: int
    end: int
    description: str = ""
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class MainEvent:
    """A storyline of the MEL and the training outcome it should produce."""

    id: str
    title: str
    outcome: str = ""
    objectives: tuple[str, ...] = ()
    description: str = ""
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class Incident:
    """A main incident: serves one main event, lies in one phase; injects serve it."""

    id: str
    title: str
    event: str
    phase: str | None = None
    start: int | None = None
    end: int | None = None
    description: str = ""
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class ExerciseInfo:
    id: str
    name: str
    type: str
    classification: str
    marking: str
    startex: dt.datetime
    endex: dt.datetime
    setting: str = ""
    description: str = ""
    area: Area | None = None
    working_language: str = "en"
    organiser: str = ""
    director: str = ""
    pointer: str = "/exercise"
    max_days: int = DEFAULT_MAX_DAYS
    aim: str = ""
    exercise_objectives: tuple[ExerciseObjective, ...] = ()
    scope: str = ""
    #: ``(role, holder)`` for each of OSE, OCE, ODE, OTA the definition names, in that order.
    roles: tuple[tuple[str, str], ...] = ()
    #: The primary training audience as listed (see :meth:`Exercise.training_audience`).
    training_audience: tuple[str, ...] = ()
    safety: str = ""
    logistics: str = ""
    artificialities: tuple[str, ...] = ()
    culture: str = ""
    msel_columns: tuple[str, ...] = ()
    custom: Custom = ()

    @property
    def start_minute(self) -> int:
        """Minutes from midnight of D+0 (UTC) to STARTEX."""
        return self.startex.hour * 60 + self.startex.minute

    @property
    def duration(self) -> int:
        """Minutes from STARTEX to ENDEX."""
        return int((self.endex - self.startex).total_seconds() // 60)


@dataclass(frozen=True)
class Objective:
    id: str
    title: str
    capability: str = ""
    description: str = ""
    critical_tasks: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class Bearer:
    """A network that nets and systems ride and that can fail as a whole (public GSM, TETRA, a SATCOM service)."""

    id: str
    kind: str
    name: str = ""
    provider: str = ""
    description: str = ""
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class System:
    id: str
    kind: str
    bands: tuple[str, ...]
    name: str = ""
    waveforms: tuple[str, ...] = ()
    crypto: tuple[str, ...] = ()
    gnss_dependent: bool = False
    legacy: bool = False
    description: str = ""
    pointer: str = ""
    custom: Custom = ()
    #: Minutes a message takes over the nets this system carries, unless the net sets its own.
    transit: int | None = None
    #: What it takes from GNSS: ``timing`` and/or ``position`` (``gnss_dependent`` is true when any).
    gnss: tuple[str, ...] = ()
    #: The bearer (id) it rides: an outage of that bearer takes it down.
    bearer: str | None = None


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    nation: str
    role: str
    short_name: str = ""
    echelon: str = ""
    category: str = "military"
    sidc: str = ""
    parent: str | None = None
    location: Point | None = None
    languages: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    callsign: str = ""
    description: str = ""
    pointer: str = ""
    custom: Custom = ()
    culture: str = ""
    #: Languages the unit interprets between on the nets it is a member of (closes language gaps).
    interprets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Net:
    id: str
    kind: str
    members: tuple[str, ...]
    name: str = ""
    band: str | None = None
    waveform: str | None = None
    crypto: str | None = None
    language: str | None = None
    net_control: str | None = None
    frequency: str = ""
    description: str = ""
    pointer: str = ""
    custom: Custom = ()
    #: Role players on the net as interpreters (member units interpret through ``Unit.interprets``).
    interpreters: tuple[str, ...] = ()
    #: Minutes a message takes to arrive over the net (couriers, store-and-forward); None: not set.
    transit: int | None = None
    #: The bearer (id) the whole net rides: an outage of that bearer takes the net down.
    bearer: str | None = None


@dataclass(frozen=True)
class Pace:
    id: str
    between: tuple[str, str]
    primary: str
    alternate: str | None = None
    contingency: str | None = None
    emergency: str | None = None
    description: str = ""
    pointer: str = ""
    custom: Custom = ()

    @property
    def levels(self) -> tuple[tuple[str, str], ...]:
        """``(level, net id)`` for each level the plan sets, primary first."""
        nets = (self.primary, self.alternate, self.contingency, self.emergency)
        return tuple((lvl, net) for lvl, net in zip(PACE_LEVELS, nets, strict=True) if net)


@dataclass(frozen=True)
class Constraint:
    id: str
    kind: str
    start: int
    end: int
    area: Area | None = None
    bands: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    nets: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    actor: str = ""
    description: str = ""
    pointer: str = ""
    #: Planned on purpose (e.g. jamming meant to force a PACE switch): a training stimulus.
    intended: bool = False
    custom: Custom = ()
    #: For emcon: False when the units receive nothing either (total silence); None: not set.
    receive: bool | None = None
    #: For outage and cyber: the bearers (ids) that fail, with every net and system over them.
    bearers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    id: str
    title: str
    lead: str = ""
    description: str = ""
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class RolePlayer:
    id: str
    cell: str
    portrays: str
    nation: str = ""
    languages: tuple[str, ...] = ()
    organisation: str = ""
    description: str = ""
    pointer: str = ""
    custom: Custom = ()
    name: str = ""
    culture: str = ""
    #: Languages the role player interprets between on the nets that list it under ``interpreters``.
    interprets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Controller:
    id: str
    cell: str
    name: str = ""
    units: tuple[str, ...] = ()
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class Evaluator:
    id: str
    objectives: tuple[str, ...]
    name: str = ""
    nation: str = ""
    units: tuple[str, ...] = ()
    pointer: str = ""
    custom: Custom = ()


@dataclass(frozen=True)
class Exchange:
    """A message an inject expects: ``report`` from one unit to another within a time."""

    kind: str
    sender: str
    receiver: str
    within: int
    net: str | None = None
    pointer: str = ""


@dataclass(frozen=True)
class Threat:
    kind: str
    ids: tuple[str, ...] = ()
    actor: str = ""


@dataclass(frozen=True)
class Inject:
    id: str
    serial: int
    time: int
    sender: str
    to: tuple[str, ...]
    method: str
    title: str
    net: str | None = None
    description: str = ""
    expected_action: str = ""
    objectives: tuple[str, ...] = ()
    controller: str | None = None
    location: Point | None = None
    threat: Threat | None = None
    requires: tuple[Exchange, ...] = ()
    contingency: str | None = None
    notes: str = ""
    pointer: str = ""
    custom: Custom = ()
    incident: str | None = None
    #: The place's name as the texts give it ("" : none given).
    place: str = ""


@dataclass(frozen=True)
class Exercise:
    """The whole exercise, indexed by id. Lists keep definition order; injects are in time order."""

    info: ExerciseInfo
    objectives: tuple[Objective, ...] = ()
    systems: tuple[System, ...] = ()
    units: tuple[Unit, ...] = ()
    nets: tuple[Net, ...] = ()
    pace: tuple[Pace, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    phases: tuple[Phase, ...] = ()
    main_events: tuple[MainEvent, ...] = ()
    main_incidents: tuple[Incident, ...] = ()
    cells: tuple[Cell, ...] = ()
    role_players: tuple[RolePlayer, ...] = ()
    controllers: tuple[Controller, ...] = ()
    evaluators: tuple[Evaluator, ...] = ()
    injects: tuple[Inject, ...] = ()
    bearers: tuple[Bearer, ...] = ()
    index: dict[str, dict[str, t.Any]] = field(default_factory=dict, compare=False, hash=False)

    def get(self, kind: str, ident: str | None) -> t.Any:
        """The element of ``kind`` (``units``, ``nets``…) with id ``ident``, or None (no id is empty)."""
        return self.index.get(kind, _NONE).get(ident or "")

    # The three below run hundreds of thousands of times at 10,000 injects: one lookup each.
    def unit(self, ident: str) -> Unit | None:
        return t.cast("Unit | None", self.index.get("units", _NONE).get(ident))

    def net(self, ident: str) -> Net | None:
        return t.cast("Net | None", self.index.get("nets", _NONE).get(ident))

    def system(self, ident: str) -> System | None:
        return t.cast("System | None", self.index.get("systems", _NONE).get(ident))

    def training_audience(self) -> tuple[str, ...]:
        """The primary training audience: as ``exercise.training_audience`` lists it, or else every
        unit whose role is training-audience."""
        return self.info.training_audience or tuple(u.id for u in self.units if u.role == "training-audience")

    def phase_at(self, minutes: int) -> Phase | None:
        """The first phase (in definition order) whose span holds ``minutes``; its end is outside it."""
        for phase in self.phases:
            if phase.start <= minutes < phase.end:
                return phase
        return None

    def dtime(self, minutes: int) -> str:
        return format_dtime(minutes, self.info.startex)

    def dtg(self, minutes: int) -> str:
        return format_dtg(minutes, self.info.startex)
