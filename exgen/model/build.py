"""Building the Exercise model from schema-valid data, once.

:func:`build_data` turns the merged document into the frozen dataclasses of
:mod:`exgen.model.exercise`, resolving every time to minutes from STARTEX. A time the schema
accepts but that does not parse becomes an ``invalid-time`` diagnostic at its pointer (the
element gets minute 0) instead of an exception; an unreadable STARTEX or ENDEX leaves no model.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from exgen.core.diagnostics import Diagnostic, at
from exgen.model.exercise import (
    DEFAULT_MARKING,
    DEFAULT_MAX_DAYS,
    Bearer,
    Cell,
    Constraint,
    Controller,
    Custom,
    Evaluator,
    Exchange,
    Exercise,
    ExerciseInfo,
    ExerciseObjective,
    Incident,
    Inject,
    MainEvent,
    Net,
    Objective,
    Pace,
    Phase,
    RolePlayer,
    System,
    Threat,
    Unit,
)
from exgen.model.geometry import Area, Point
from exgen.model.time import TimeError, parse_datetime, parse_duration, resolve_time

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

#: The exercise roles in NATO order: scheduling, conducting, directing, tasking authority.
ROLES = ("ose", "oce", "ode", "otas")


class _Builder:
    """Builds the model, turning unreadable times into located diagnostics."""

    def __init__(self, data: dict[str, t.Any], sources: Locator) -> None:
        self.data = data
        self.sources = sources
        self.found: list[Diagnostic] = []
        self.startex = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        #: Resolved texts: times depend on STARTEX, so this cache is filled only once it is set.
        self._times: dict[str, int] = {}
        self._durations: dict[str, int] = {}

    def time(self, text: str, pointer: str) -> int:
        known = self._times.get(text)  # 10,000 injects write a few hundred distinct times
        if known is not None:
            return known
        try:
            minutes = self._times[text] = resolve_time(text, self.startex)
        except TimeError as exc:
            self.found.append(at(self.sources, pointer, "invalid-time", str(exc)))
            return 0
        return minutes

    def duration(self, text: str, pointer: str) -> int:
        known = self._durations.get(text)
        if known is not None:
            return known
        try:
            minutes = self._durations[text] = parse_duration(text)
        except TimeError as exc:
            self.found.append(at(self.sources, pointer, "invalid-time", str(exc)))
            return 0
        return minutes

    def transit(self, raw: dict[str, t.Any], pointer: str) -> int | None:
        """A net's or system's ``transit`` in minutes; None when it sets none."""
        return None if raw.get("transit") is None else self.duration(raw["transit"], f"{pointer}/transit")

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
        self._times.clear()
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
            max_days=raw.get("max_days", DEFAULT_MAX_DAYS), aim=raw.get("aim", ""),
            exercise_objectives=tuple(
                ExerciseObjective(o["id"], o["title"], o.get("description", ""),
                                  f"/exercise/exercise_objectives/{n}", _custom(o))
                for n, o in enumerate(raw.get("exercise_objectives") or ())),
            scope=raw.get("scope", ""),
            roles=tuple((k, (raw.get("roles") or {})[k]) for k in ROLES if (raw.get("roles") or {}).get(k)),
            training_audience=_tup(raw, "training_audience"),
            safety=raw.get("safety", ""), logistics=raw.get("logistics", ""),
            artificialities=_tup(raw, "artificialities"), culture=raw.get("culture", ""),
            msel_columns=_tup(raw, "msel_columns"), custom=_custom(raw),
        )

    def optional_time(self, text: str | None, pointer: str) -> int | None:
        return None if text is None else self.time(text, pointer)

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
                pointer=ptr, custom=_custom(raw), incident=raw.get("incident"), place=raw.get("place", ""),
            ))
        built.sort(key=lambda i: (i.time, i.serial or 0, i.id))
        for n, inject in enumerate(built, start=1):
            if not inject.serial:
                # Still private to this builder, so set in place: replace() would build each inject twice.
                object.__setattr__(inject, "serial", n)
        return tuple(built)


def _point(raw: dict[str, t.Any] | None) -> Point | None:
    return Point(float(raw["lat"]), float(raw["lon"])) if raw else None


def _area(raw: dict[str, t.Any] | None) -> Area | None:
    return Area(float(raw["lat"]), float(raw["lon"]), float(raw["radius_km"])) if raw else None


def _custom(raw: dict[str, t.Any]) -> Custom:
    """The ``x-`` fields of a definition object, lists as tuples so the model stays hashable."""
    try:  # most objects have none: one look at all the keys at once says so
        keys = "\0".join(raw)
        if not keys.startswith("x-") and "\0x-" not in keys:
            return ()
    except TypeError:  # a key that is not text
        pass
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in raw.items() if k.startswith("x-"))


def _tup(raw: dict[str, t.Any], key: str) -> tuple[t.Any, ...]:
    return tuple(raw.get(key) or ())


def _gnss(raw: dict[str, t.Any]) -> tuple[str, ...]:
    """What a system takes from GNSS; the deprecated ``gnss_dependent: true`` means timing and position."""
    if "gnss" in raw:
        return _tup(raw, "gnss")
    return ("timing", "position") if raw.get("gnss_dependent") else ()


def build_data(data: dict[str, t.Any], sources: Locator) -> tuple[Exercise | None, list[Diagnostic]]:
    """The Exercise model of schema-valid merged data, and diagnostics for unreadable times."""
    b = _Builder(data, sources)
    info = b.info()
    if info is None:
        return None, b.found
    objectives = tuple(
        Objective(r["id"], r["title"], r.get("capability", ""), r.get("description", ""),
                  _tup(r, "critical_tasks"), _tup(r, "measures"), _tup(r, "audience"), p, _custom(r))
        for p, r in b.items("objectives")
    )
    systems = tuple(
        System(r["id"], r["kind"], _tup(r, "bands"), r.get("name", ""), _tup(r, "waveforms"),
               _tup(r, "crypto"), bool(_gnss(r)), bool(r.get("legacy", False)),
               r.get("description", ""), p, _custom(r), transit=b.transit(r, p), gnss=_gnss(r), bearer=r.get("bearer"))
        for p, r in b.items("systems")
    )
    units = tuple(
        Unit(r["id"], r["name"], r["nation"], r["role"], r.get("short_name", ""), r.get("echelon", ""),
             r.get("category", "military"), r.get("sidc", ""), r.get("parent"), _point(r.get("location")),
             _tup(r, "languages"), _tup(r, "systems"), r.get("callsign", ""), r.get("description", ""), p,
             _custom(r), r.get("culture", ""), interprets=_tup(r, "interprets"))
        for p, r in b.items("units")
    )
    nets = tuple(
        Net(r["id"], r["kind"], _tup(r, "members"), r.get("name", ""), r.get("band"), r.get("waveform"),
            r.get("crypto"), r.get("language"), r.get("net_control"), r.get("frequency", ""),
            r.get("description", ""), p, _custom(r), interpreters=_tup(r, "interpreters"), transit=b.transit(r, p),
            bearer=r.get("bearer"))
        for p, r in b.items("nets")
    )
    pace = tuple(
        Pace(r.get("id") or "~".join(r["between"]), (r["between"][0], r["between"][1]), r["primary"],
             r.get("alternate"), r.get("contingency"), r.get("emergency"), r.get("description", ""), p, _custom(r))
        for p, r in b.items("pace")
    )
    constraints = tuple(
        Constraint(r["id"], r["kind"], b.time(r["start"], f"{p}/start"), b.time(r["end"], f"{p}/end"),
                   _area(r.get("area")), _tup(r, "bands"), _tup(r, "units"), _tup(r, "nets"),
                   _tup(r, "systems"), r.get("actor", ""), r.get("description", ""), p,
                   intended=bool(r.get("intended", False)), custom=_custom(r), receive=r.get("receive"),
                   bearers=_tup(r, "bearers"))
        for p, r in b.items("constraints")
    )
    cells = tuple(Cell(r["id"], r["title"], r.get("lead", ""), r.get("description", ""), p, _custom(r))
                  for p, r in b.excon_items("cells"))
    role_players = tuple(
        RolePlayer(r["id"], r["cell"], r["portrays"], r.get("nation", ""), _tup(r, "languages"),
                   r.get("organisation", ""), r.get("description", ""), p, _custom(r), r.get("name", ""),
                   r.get("culture", ""), interprets=_tup(r, "interprets"))
        for p, r in b.excon_items("role_players")
    )
    controllers = tuple(Controller(r["id"], r["cell"], r.get("name", ""), _tup(r, "units"), p, _custom(r))
                        for p, r in b.excon_items("controllers"))
    evaluators = tuple(
        Evaluator(r["id"], _tup(r, "objectives"), r.get("name", ""), r.get("nation", ""), _tup(r, "units"), p,
                  _custom(r))
        for p, r in b.excon_items("evaluators")
    )
    phases = tuple(
        Phase(r["id"], r["title"], b.time(r["start"], f"{p}/start"), b.time(r["end"], f"{p}/end"),
              r.get("description", ""), p, _custom(r))
        for p, r in b.items("phases")
    )
    main_events = tuple(
        MainEvent(r["id"], r["title"], r.get("outcome", ""), _tup(r, "objectives"), r.get("description", ""), p,
                  _custom(r))
        for p, r in b.items("main_events")
    )
    main_incidents = tuple(
        Incident(r["id"], r["title"], r["event"], r.get("phase"), b.optional_time(r.get("start"), f"{p}/start"),
                 b.optional_time(r.get("end"), f"{p}/end"), r.get("description", ""), p, _custom(r))
        for p, r in b.items("main_incidents")
    )
    injects = b.injects()
    groups: dict[str, tuple[t.Any, ...]] = {
        "objectives": objectives, "systems": systems, "units": units, "nets": nets, "pace": pace,
        "constraints": constraints, "cells": cells, "role_players": role_players,
        "controllers": controllers, "evaluators": evaluators, "injects": injects, "phases": phases,
        "main_events": main_events, "main_incidents": main_incidents,
        "bearers": tuple(Bearer(r["id"], r["kind"], r.get("name", ""), r.get("provider", ""), r.get("description", ""),
                                p, _custom(r)) for p, r in b.items("bearers")),
    }
    # First definition wins in the index; the duplicate-id rule reports the others.
    index = {kind: _first_by_id(items) for kind, items in groups.items()}
    return Exercise(info=info, index=index, **groups), b.found


def _first_by_id(items: t.Iterable[t.Any]) -> dict[str, t.Any]:
    out: dict[str, t.Any] = {}
    for item in items:
        out.setdefault(item.id, item)
    return out
