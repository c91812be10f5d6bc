"""The Exercise model: frozen dataclasses built once from a schema-valid document.

Every time is resolved to whole minutes from STARTEX; every element keeps the JSON
pointer it came from so rules and analyses can locate what they say about it.
References stay ids; :class:`Exercise` indexes every element by id to resolve them.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
from dataclasses import dataclass, field

from exgen.core.diagnostics import Diagnostic, at

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

DEFAULT_MARKING = "EXERCISE EXERCISE EXERCISE"
PACE_LEVELS = ("primary", "alternate", "contingency", "emergency")
_DTIME = re.compile(r"^D([+-])(\d{1,3}) ([01]\d|2[0-3]):([0-5]\d)$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


class TimeError(ValueError):
    """A time or duration the user wrote that cannot be read."""


def parse_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date-time with an offset, as an aware UTC datetime.

    >>> parse_datetime("2027-05-10T06:00:00Z").isoformat()
    '2027-05-10T06:00:00+00:00'
    """
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimeError(f"'{text}' is not a valid date and time") from exc
    if value.tzinfo is None:
        raise TimeError(f"'{text}' has no time zone; end it with Z for UTC")
    return value.astimezone(dt.timezone.utc)


def resolve_time(text: str, startex: dt.datetime) -> int:
    """Minutes from STARTEX for ``D+N HH:MM`` (D+0 = the STARTEX day, UTC) or ISO 8601.

    >>> resolve_time("D+1 07:30", parse_datetime("2027-05-10T06:00:00Z"))
    1530
    """
    match = _DTIME.match(text)
    if match:
        sign, days, hours, minutes = match.groups()
        day0 = dt.datetime.combine(startex.date(), dt.time(), tzinfo=dt.timezone.utc)
        offset = int(days) * (1 if sign == "+" else -1)
        moment = day0 + dt.timedelta(days=offset, hours=int(hours), minutes=int(minutes))
    else:
        moment = parse_datetime(text)
    return int((moment - startex).total_seconds() // 60)


def parse_duration(text: str) -> int:
    """Minutes in ``30m``, ``2h``, ``1h30m`` or ``1d``.

    >>> parse_duration("1h30m")
    90
    """
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise TimeError(f"'{text}' is not a duration like 30m, 2h or 1h30m")
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return days * 1440 + hours * 60 + minutes


def format_dtime(minutes: int, startex: dt.datetime) -> str:
    """``D+1 07:30`` for a minute offset from STARTEX.

    >>> format_dtime(1530, parse_datetime("2027-05-10T06:00:00Z"))
    'D+1 07:30'
    """
    moment = startex + dt.timedelta(minutes=minutes)
    day = (moment.date() - startex.date()).days
    return f"D{'+' if day >= 0 else '-'}{abs(day)} {moment:%H:%M}"


def format_dtg(minutes: int, startex: dt.datetime) -> str:
    """NATO date-time group, e.g. ``101430ZMAY27``.

    >>> format_dtg(510, parse_datetime("2027-05-10T06:00:00Z"))
    '101430ZMAY27'
    """
    moment = startex + dt.timedelta(minutes=minutes)
    return f"{moment:%d%H%M}Z{moment:%b}".upper() + f"{moment:%y}"


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Area:
    lat: float
    lon: float
    radius_km: float

    def covers(self, point: Point | None) -> bool:
        """True when ``point`` lies inside the circle (an unknown position counts as inside)."""
        if point is None:
            return True
        return distance_km(self.lat, self.lon, point.lat, point.lon) <= self.radius_km


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


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

    @property
    def levels(self) -> tuple[tuple[str, str], ...]:
        """``(level, net id)`` for each level the plan sets, primary first."""
        nets = (self.primary, self.alternate, self.contingency, self.emergency)
        return tuple((lvl, net) for lvl, net in zip(PACE_LEVELS, nets) if net)


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


@dataclass(frozen=True)
class Cell:
    id: str
    title: str
    lead: str = ""
    description: str = ""
    pointer: str = ""


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


@dataclass(frozen=True)
class Controller:
    id: str
    cell: str
    name: str = ""
    units: tuple[str, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Evaluator:
    id: str
    objectives: tuple[str, ...]
    name: str = ""
    nation: str = ""
    units: tuple[str, ...] = ()
    pointer: str = ""


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
    cells: tuple[Cell, ...] = ()
    role_players: tuple[RolePlayer, ...] = ()
    controllers: tuple[Controller, ...] = ()
    evaluators: tuple[Evaluator, ...] = ()
    injects: tuple[Inject, ...] = ()
    index: dict[str, dict[str, t.Any]] = field(default_factory=dict, compare=False, hash=False)

    def get(self, kind: str, ident: str | None) -> t.Any:
        """The element of ``kind`` (``units``, ``nets``…) with id ``ident``, or None."""
        if ident is None:
            return None
        return self.index.get(kind, {}).get(ident)

    def unit(self, ident: str) -> Unit | None:
        return t.cast("Unit | None", self.get("units", ident))

    def net(self, ident: str) -> Net | None:
        return t.cast("Net | None", self.get("nets", ident))

    def system(self, ident: str) -> System | None:
        return t.cast("System | None", self.get("systems", ident))

    def dtime(self, minutes: int) -> str:
        return format_dtime(minutes, self.info.startex)

    def dtg(self, minutes: int) -> str:
        return format_dtg(minutes, self.info.startex)


class _Builder:
    """Builds the model, turning unreadable times into located diagnostics."""

    def __init__(self, data: dict[str, t.Any], sources: Locator) -> None:
        self.data = data
        self.sources = sources
        self.found: list[Diagnostic] = []
        self.startex = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

    def time(self, text: str, pointer: str) -> int:
        try:
            return resolve_time(text, self.startex)
        except TimeError as exc:
            self.found.append(at(self.sources, pointer, "invalid-time", str(exc)))
            return 0

    def duration(self, text: str, pointer: str) -> int:
        try:
            return parse_duration(text)
        except TimeError as exc:
            self.found.append(at(self.sources, pointer, "invalid-time", str(exc)))
            return 0

    def items(self, key: str) -> t.Iterator[tuple[str, dict[str, t.Any]]]:
        for i, item in enumerate(self.data.get(key) or []):
            yield f"/{key}/{i}", item

    def excon_items(self, key: str) -> t.Iterator[tuple[str, dict[str, t.Any]]]:
        for i, item in enumerate((self.data.get("excon") or {}).get(key) or []):
            yield f"/excon/{key}/{i}", item

    def info(self) -> ExerciseInfo | None:
        raw = self.data["exercise"]
        try:
            startex = parse_datetime(raw["startex"])
        except TimeError as exc:
            self.found.append(at(self.sources, "/exercise/startex", "invalid-time", str(exc)))
            return None
        self.startex = startex
        try:
            endex = parse_datetime(raw["endex"])
        except TimeError as exc:
            self.found.append(at(self.sources, "/exercise/endex", "invalid-time", str(exc)))
            return None
        return ExerciseInfo(
            id=raw["id"], name=raw["name"], type=raw["type"], classification=raw["classification"],
            marking=raw.get("marking", DEFAULT_MARKING), startex=startex, endex=endex,
            setting=raw.get("setting", ""), description=raw.get("description", ""),
            area=_area(raw.get("area")), working_language=raw.get("working_language", "en"),
            organiser=raw.get("organiser", ""), director=raw.get("director", ""),
        )

    def injects(self) -> tuple[Inject, ...]:
        built = []
        for ptr, raw in self.items("injects"):
            threat = raw.get("threat")
            requires = []
            for j, ex in enumerate(raw.get("requires") or []):
                kind, body = next(iter(ex.items()))
                requires.append(Exchange(
                    kind=kind, sender=body["from"], receiver=body["to"],
                    within=self.duration(body["within"], f"{ptr}/requires/{j}/{kind}/within"),
                    net=body.get("net"), pointer=f"{ptr}/requires/{j}",
                ))
            built.append(Inject(
                id=raw["id"], serial=raw.get("serial", 0), time=self.time(raw["time"], f"{ptr}/time"),
                sender=raw["from"], to=tuple(raw["to"]), method=raw["method"], title=raw["title"],
                net=raw.get("net"), description=raw.get("description", ""),
                expected_action=raw.get("expected_action", ""), objectives=tuple(raw.get("objectives", ())),
                controller=raw.get("controller"), location=_point(raw.get("location")),
                threat=Threat(threat["kind"], tuple(threat.get("ids", ())), threat.get("actor", ""))
                if threat else None,
                requires=tuple(requires), contingency=raw.get("contingency"), notes=raw.get("notes", ""),
                pointer=ptr,
            ))
        built.sort(key=lambda i: (i.time, i.serial or 0, i.id))
        return tuple(
            i if i.serial else _replace(i, serial=n) for n, i in enumerate(built, start=1)
        )


def _replace(obj: t.Any, **changes: t.Any) -> t.Any:
    import dataclasses

    return dataclasses.replace(obj, **changes)


def _point(raw: dict[str, t.Any] | None) -> Point | None:
    return Point(float(raw["lat"]), float(raw["lon"])) if raw else None


def _area(raw: dict[str, t.Any] | None) -> Area | None:
    return Area(float(raw["lat"]), float(raw["lon"]), float(raw["radius_km"])) if raw else None


def _tup(raw: dict[str, t.Any], key: str) -> tuple[t.Any, ...]:
    return tuple(raw.get(key) or ())


def build_data(data: dict[str, t.Any], sources: Locator) -> tuple[Exercise | None, list[Diagnostic]]:
    """The Exercise model of schema-valid merged data, and diagnostics for unreadable times."""
    b = _Builder(data, sources)
    info = b.info()
    if info is None:
        return None, b.found
    objectives = tuple(
        Objective(r["id"], r["title"], r.get("capability", ""), r.get("description", ""),
                  _tup(r, "critical_tasks"), _tup(r, "measures"), _tup(r, "audience"), p)
        for p, r in b.items("objectives")
    )
    systems = tuple(
        System(r["id"], r["kind"], _tup(r, "bands"), r.get("name", ""), _tup(r, "waveforms"),
               _tup(r, "crypto"), bool(r.get("gnss_dependent", False)), bool(r.get("legacy", False)),
               r.get("description", ""), p)
        for p, r in b.items("systems")
    )
    units = tuple(
        Unit(r["id"], r["name"], r["nation"], r["role"], r.get("short_name", ""), r.get("echelon", ""),
             r.get("category", "military"), r.get("sidc", ""), r.get("parent"), _point(r.get("location")),
             _tup(r, "languages"), _tup(r, "systems"), r.get("callsign", ""), r.get("description", ""), p)
        for p, r in b.items("units")
    )
    nets = tuple(
        Net(r["id"], r["kind"], _tup(r, "members"), r.get("name", ""), r.get("band"), r.get("waveform"),
            r.get("crypto"), r.get("language"), r.get("net_control"), r.get("frequency", ""),
            r.get("description", ""), p)
        for p, r in b.items("nets")
    )
    pace = tuple(
        Pace(r.get("id") or "~".join(r["between"]), (r["between"][0], r["between"][1]), r["primary"],
             r.get("alternate"), r.get("contingency"), r.get("emergency"), r.get("description", ""), p)
        for p, r in b.items("pace")
    )
    constraints = tuple(
        Constraint(r["id"], r["kind"], b.time(r["start"], f"{p}/start"), b.time(r["end"], f"{p}/end"),
                   _area(r.get("area")), _tup(r, "bands"), _tup(r, "units"), _tup(r, "nets"),
                   _tup(r, "systems"), r.get("actor", ""), r.get("description", ""), p,
                   intended=bool(r.get("intended", False)))
        for p, r in b.items("constraints")
    )
    cells = tuple(Cell(r["id"], r["title"], r.get("lead", ""), r.get("description", ""), p)
                  for p, r in b.excon_items("cells"))
    role_players = tuple(
        RolePlayer(r["id"], r["cell"], r["portrays"], r.get("nation", ""), _tup(r, "languages"),
                   r.get("organisation", ""), r.get("description", ""), p)
        for p, r in b.excon_items("role_players")
    )
    controllers = tuple(Controller(r["id"], r["cell"], r.get("name", ""), _tup(r, "units"), p)
                        for p, r in b.excon_items("controllers"))
    evaluators = tuple(
        Evaluator(r["id"], _tup(r, "objectives"), r.get("name", ""), r.get("nation", ""), _tup(r, "units"), p)
        for p, r in b.excon_items("evaluators")
    )
    injects = b.injects()
    groups: dict[str, tuple[t.Any, ...]] = {
        "objectives": objectives, "systems": systems, "units": units, "nets": nets, "pace": pace,
        "constraints": constraints, "cells": cells, "role_players": role_players,
        "controllers": controllers, "evaluators": evaluators, "injects": injects,
    }
    # First definition wins in the index; the duplicate-id rule reports the others.
    index = {kind: _first_by_id(items) for kind, items in groups.items()}
    return Exercise(info=info, index=index, **groups), b.found


def _first_by_id(items: t.Iterable[t.Any]) -> dict[str, t.Any]:
    out: dict[str, t.Any] = {}
    for item in items:
        out.setdefault(item.id, item)
    return out
