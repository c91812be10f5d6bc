"""Model + comms picture + enrichment → the render context: plain data, no behaviour.

Templates see only dicts, lists, strings and numbers, so a template can neither call
into exgen nor reach a live object. Every time is given in minutes from STARTEX
(``time``) with its D-time and DTG already formatted.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from collections import defaultdict

from exgen import FORMAT_VERSION, __version__
from exgen.comms.languages import interpreters
from exgen.comms.languages import pair as language_pair
from exgen.model import PACE_LEVELS, Exercise, format_dtg, format_dtime
from exgen.render import charts
from exgen.render.context_spec import custom, spec_context
from exgen.render.nations import nation_entry, nation_name

if t.TYPE_CHECKING:
    from exgen.comms import CommsPicture, PairTimeline
    from exgen.core.diagnostics import Diagnostic
    from exgen.enrich import Enrichment, Persona

Data = dict[str, t.Any]
#: Longest exercise (in calendar days) whose every day is listed in ``days``; a longer one lists the
#: days with injects (and its first and last day) only.
MAX_LISTED_DAYS = 92


def build_context(model: Exercise, picture: CommsPicture, enrichment: Enrichment,
                  diagnostics: t.Sequence[Diagnostic] = ()) -> Data:
    """The whole render context for one exercise."""
    b = _ContextBuilder(model, picture, enrichment)
    injects = [b.inject(i) for i in model.injects]
    _link_injects(injects)
    exercise, units = b.exercise(), b.units()
    nets = [b.net(n) for n in model.nets]
    pace, constraints = [b.pace(p) for p in model.pace], [b.constraint(c) for c in model.constraints]
    objectives = [b.objective(o) for o in model.objectives]
    by_day: dict[int, list[Data]] = {}
    for inject in injects:
        by_day.setdefault(inject["day"], []).append(inject)
    days = b.days(by_day)
    exercise["day_count"] = b.day_count()
    ctx = {
        "exgen": {"version": __version__, "format_version": FORMAT_VERSION, "seed": enrichment.seed},
        "exercise": exercise,
        "objectives": objectives,
        "objectives_by_id": {o["id"]: o for o in objectives},
        "systems": [b.system(s) for s in model.systems],
        "bearers": [{"id": r.id, "name": r.name or r.id, "kind": r.kind, "provider": r.provider,
                     "description": r.description, "custom": custom(r.custom)} for r in model.bearers],
        "units": units,
        "units_by_id": {u["id"]: u for u in units},
        "located_units": [u for u in units if u["location"]],
        "nations": b.nations(),
        "nets": nets,
        "nets_by_id": {n["id"]: n for n in nets},
        "pace": pace,
        "constraints": constraints,
        "cells": [b.cell(c) for c in model.cells],
        "role_players": [b.role_player(r) for r in model.role_players],
        "controllers": [b.controller(c) for c in model.controllers],
        "evaluators": [b.evaluator(e) for e in model.evaluators],
        "injects": injects,
        "injects_by_id": {i["id"]: i for i in injects},
        "injects_by_day": by_day,
        "days": days,
        "days_by_day": {d["day"]: d for d in days},
        "threat_kinds": sorted({i["threat"]["kind"] for i in injects if i["threat"]}),
        "findings": [_finding(d) for d in diagnostics],
        "catalogues": _attributions(),
        "charts": charts.chart_data(exercise, units, injects, pace, constraints),
    }
    # after the list above: it links the inject dicts to their incident, event and phase
    spec_context(model, ctx, b.when, b.ref)
    return ctx


def _link_injects(injects: list[Data]) -> None:
    """Neighbours in time order and reverse contingency links, so per-inject templates need no
    scan of every inject (which made a 10,000-inject build quadratic)."""
    triggered: dict[str, list[str]] = defaultdict(list)
    for inj in injects:
        if inj["contingency"]:
            triggered[inj["contingency"]].append(inj["id"])
    for n, inj in enumerate(injects):
        inj["prev"] = injects[n - 1]["id"] if n else None
        inj["next"] = injects[n + 1]["id"] if n + 1 < len(injects) else None
        inj["contingency_for"] = triggered.get(inj["id"], [])


def _finding(d: Diagnostic) -> Data:
    return {"severity": str(d.severity), "code": d.code, "message": d.message, "where": str(d.location)}


def _attributions() -> list[Data]:
    from exgen.core import catalogues

    return [{"catalogue": name, "text": text} for name, text in catalogues.ATTRIBUTION.items()]


def _persona(p: Persona | None) -> Data | None:
    if p is None:
        return None
    return {"name": p.full_name, "given_name": p.given_name, "family_name": p.family_name,
            "gender": p.gender, "phone": p.phone, "email": p.email, "organisation": p.organisation,
            "locale": p.locale, "native_name": p.native_name}


class _ContextBuilder:
    """Keeps the cross-references (who receives what, who evaluates what) while building."""

    def __init__(self, model: Exercise, picture: CommsPicture, enrichment: Enrichment) -> None:
        self.m = model
        self.picture = picture
        self.e = enrichment
        self.timelines: dict[str, PairTimeline] = {}  # PACE id -> its timeline (the first, as the picture lists them)
        for pair in picture.pairs:
            self.timelines.setdefault(pair.pace_id, pair)
        self.received: dict[str, list[str]] = defaultdict(list)
        self.exercising: dict[str, list[str]] = defaultdict(list)
        self.sent: dict[str, list[str]] = defaultdict(list)
        for inj in model.injects:
            for unit in inj.to:
                self.received[unit].append(inj.id)
            for obj in inj.objectives:
                self.exercising[obj].append(inj.id)
            self.sent[inj.sender].append(inj.id)
        self.evaluated: dict[str, list[str]] = defaultdict(list)
        for ev in model.evaluators:
            for obj in ev.objectives:
                self.evaluated[obj].append(ev.id)
        self.controlled: dict[str, list[str]] = defaultdict(list)
        for inj in model.injects:
            if inj.controller:
                self.controlled[inj.controller].append(inj.id)
        # Tens of thousands of times and references at 10,000 injects, most of them repeated:
        # each is worked out once (a DTG costs a strftime) and handed out as a new dict.
        self._times: dict[int, Data] = {}
        self._refs: dict[str, tuple[str, str]] = {}

    def when(self, minutes: int) -> Data:
        """A time as every template gets it: minutes from STARTEX, D-time, DTG and exercise day."""
        known = self._times.get(minutes)
        if known is None:
            start = self.m.info.startex
            known = self._times[minutes] = {
                "time": minutes, "dtime": format_dtime(minutes, start), "dtg": format_dtg(minutes, start),
                "day": (minutes + start.hour * 60 + start.minute) // 1440}
        return dict(known)

    def ref(self, ident: str | None) -> Data | None:
        """A short reference to any named element: id, display name and what it is."""
        if ident is None:
            return None
        known = self._refs.get(ident)
        if known is None:
            known = self._refs[ident] = self._named(ident)
        return {"id": ident, "name": known[0], "kind": known[1]}

    def _named(self, ident: str) -> tuple[str, str]:
        """The display name of the element with id ``ident`` and what it is."""
        for kind, label in (("units", "unit"), ("role_players", "role player"), ("cells", "cell"),
                            ("controllers", "controller")):
            item = self.m.get(kind, ident)
            if item is not None:
                return self.display_name(kind, item), label
        return ident, "unknown"

    def display_name(self, kind: str, item: t.Any) -> str:
        if kind == "units":
            return str(item.name)
        if kind == "role_players":
            persona = self.e.personas.get(item.id)
            return f"{persona.full_name} ({item.portrays})" if persona else str(item.portrays)
        if kind == "cells":
            return str(item.title)
        if kind == "controllers":
            # A controller without a name is printed as the role, never as an invented person.
            cell = self.m.get("cells", item.cell)
            return item.name or (f"Controller, {cell.title}" if cell else "Controller")
        return str(item.id)

    def exercise(self) -> Data:
        i = self.m.info
        return {
            "id": i.id, "name": i.name, "type": i.type, "classification": i.classification,
            "marking": i.marking, "banner": f"{i.classification} — {i.marking}",
            "startex": i.startex.strftime("%Y-%m-%dT%H:%M:%SZ"), "endex": i.endex.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "startex_dtg": format_dtg(0, i.startex), "endex_dtg": format_dtg(i.duration, i.startex),
            "duration": i.duration, "setting": i.setting, "description": i.description,
            "area": None if i.area is None else {"lat": i.area.lat, "lon": i.area.lon, "radius_km": i.area.radius_km},
            "working_language": i.working_language, "organiser": i.organiser, "director": i.director,
        }

    def day_count(self) -> int:
        """Calendar days from the STARTEX day to the ENDEX day, both counted."""
        return int(self.when(max(self.m.info.duration - 1, 0))["day"]) + 1

    def days(self, by_day: dict[int, list[Data]]) -> list[Data]:
        """Every exercise day; for an exercise longer than MAX_LISTED_DAYS, only the first and last
        day and the days with injects, so no output grows with the calendar rather than the content."""
        last = self.day_count() - 1
        date0 = self.m.info.startex.date()
        numbers: t.Iterable[int] = range(last + 1)
        if last + 1 > MAX_LISTED_DAYS:
            numbers = sorted({0, last, *(d for d in by_day if 0 <= d <= last)})
        out = []
        for day in numbers:
            out.append({"day": day, "label": f"D+{day}", "date": (date0 + dt.timedelta(days=day)).isoformat(),
                        "injects": [i["id"] for i in by_day.get(day, [])]})
        return out

    def objective(self, o: t.Any) -> Data:
        return {"id": o.id, "title": o.title, "capability": o.capability, "description": o.description,
                "critical_tasks": list(o.critical_tasks), "measures": list(o.measures), "custom": custom(o.custom),
                "audience": [self.ref(u) for u in o.audience], "injects": self.exercising.get(o.id, []),
                "evaluators": self.evaluated.get(o.id, [])}

    def system(self, s: t.Any) -> Data:
        return {"id": s.id, "name": s.name or s.id, "kind": s.kind, "bands": list(s.bands),
                "waveforms": list(s.waveforms), "crypto": list(s.crypto), "gnss_dependent": s.gnss_dependent,
                "gnss": list(s.gnss), "bearer": s.bearer,
                "legacy": s.legacy, "description": s.description, "custom": custom(s.custom)}

    def units(self) -> list[Data]:
        children: dict[str, list[str]] = defaultdict(list)
        for u in self.m.units:
            if u.parent:
                children[u.parent].append(u.id)
        on_nets: dict[str, list[str]] = defaultdict(list)
        for n in self.m.nets:
            for member in dict.fromkeys(n.members):
                on_nets[member].append(n.id)
        out = []
        for u in self.m.units:
            out.append({
                "id": u.id, "name": u.name, "short_name": u.short_name or u.id, "nation": u.nation,
                "nation_name": nation_name(u.nation), "echelon": u.echelon, "category": u.category,
                "sidc": u.sidc, "parent": u.parent, "children": children.get(u.id, []),
                "depth": self._depth(u.id), "role": u.role,
                "location": None if u.location is None else {"lat": u.location.lat, "lon": u.location.lon},
                "place": self.e.places.get(u.id, ""), "languages": list(u.languages),
                "systems": [self.system(s) for s in (self.m.system(x) for x in u.systems) if s],
                "callsign": self.e.callsigns.get(u.id, u.callsign), "description": u.description,
                "injects": self.received.get(u.id, []), "nets": on_nets.get(u.id, []),
                "culture": u.culture, "custom": custom(u.custom),
            })
        return out

    def _depth(self, ident: str) -> int:
        depth, seen = 0, {ident}
        unit = self.m.unit(ident)
        while unit is not None and unit.parent and unit.parent not in seen:
            seen.add(unit.parent)
            unit = self.m.unit(unit.parent)
            depth += 1
        return depth

    def nations(self) -> list[Data]:
        by_nation: dict[str, list[str]] = defaultdict(list)
        for u in self.m.units:
            by_nation[u.nation].append(u.id)
        return [{**nation_entry(n), "units": ids} for n, ids in sorted(by_nation.items())]

    def net(self, n: t.Any) -> Data:
        reasons = {(net, unit): why for net, unit, why in self.picture.incompatible}
        members = []
        for uid in n.members:
            unit = self.m.unit(uid)
            members.append({"id": uid, "name": unit.name if unit else uid, "nation": unit.nation if unit else "",
                            "callsign": self.e.net_callsigns.get((n.id, uid), ""),
                            "usable": (n.id, uid) not in reasons, "reason": reasons.get((n.id, uid), "")})
        return {"id": n.id, "name": n.name or n.id, "kind": n.kind, "band": n.band, "waveform": n.waveform,
                "crypto": n.crypto, "language": n.language, "net_control": n.net_control,
                "frequency": n.frequency, "transit": self.picture.transit.get(n.id, 0),
                "description": n.description, "members": members,
                "bearer": n.bearer, "bearers": list(self.picture.bearers.get(n.id, ())),
                "interpreters": [{"id": i.id, "kind": i.kind, "name": i.name, "languages": list(i.languages),
                                  "pair": language_pair(i.languages), "usable": (n.id, i.id) not in reasons}
                                 for i in interpreters(n, self.m)],
                "custom": custom(n.custom)}

    def pace(self, p: t.Any) -> Data:
        timeline = self.timelines.get(p.id)
        segments = []
        for seg in (timeline.segments if timeline else ()):
            segments.append({**self.when(seg.start), "end": seg.end, "end_dtime": self.when(seg.end)["dtime"],
                             "length": seg.end - seg.start, "level": seg.level, "net": seg.net,
                             "down": [{"level": lv, "net": net, "causes": list(c)} for lv, net, c in seg.down]})
        total = sum(s["length"] for s in segments)
        on_primary = sum(s["length"] for s in segments if s["level"] == "primary")
        return {"id": p.id, "between": [self.ref(u) for u in p.between],
                "levels": [{"level": lv, "net": net} for lv, net in p.levels],
                "level_names": list(PACE_LEVELS), "description": p.description, "timeline": segments,
                "primary_share": on_primary / total if total else 1.0}

    def constraint(self, c: t.Any) -> Data:
        end = self.when(c.end)
        area = None if c.area is None else {"lat": c.area.lat, "lon": c.area.lon, "radius_km": c.area.radius_km}
        return {"id": c.id, "kind": c.kind, **self.when(c.start), "end": c.end, "end_dtime": end["dtime"],
                "end_dtg": end["dtg"], "area": area,
                "bands": list(c.bands), "units": list(c.units), "nets": list(c.nets), "systems": list(c.systems),
                "bearers": list(c.bearers), "actor": c.actor, "description": c.description,
                "intended": getattr(c, "intended", False),
                "custom": custom(c.custom)}

    def cell(self, c: t.Any) -> Data:
        return {"id": c.id, "title": c.title, "lead": c.lead, "description": c.description,
                "role_players": [r.id for r in self.m.role_players if r.cell == c.id],
                "controllers": [x.id for x in self.m.controllers if x.cell == c.id], "custom": custom(c.custom)}

    def role_player(self, r: t.Any) -> Data:
        return {"id": r.id, "cell": self.ref(r.cell), "portrays": r.portrays, "nation": r.nation,
                "nation_name": nation_name(r.nation) if r.nation else "", "languages": list(r.languages),
                "organisation": r.organisation, "description": r.description,
                "persona": _persona(self.e.personas.get(r.id)), "injects": self.sent.get(r.id, []),
                "culture": r.culture, "custom": custom(r.custom)}

    def controller(self, c: t.Any) -> Data:
        return {"id": c.id, "cell": self.ref(c.cell), "name": self.display_name("controllers", c),
                "units": [self.ref(u) for u in c.units], "persona": None,
                "injects": list(self.controlled.get(c.id, []))}

    def evaluator(self, e: t.Any) -> Data:
        role = "Evaluator, " + ", ".join(e.objectives) if e.objectives else "Evaluator"
        return {"id": e.id, "name": e.name or role, "nation": e.nation,
                "nation_name": nation_name(e.nation) if e.nation else "",
                "objectives": list(e.objectives), "units": [self.ref(u) for u in e.units], "persona": None}

    def inject(self, i: t.Any) -> Data:
        from exgen.core import catalogues

        threat = None
        if i.threat is not None:
            ids = []
            for tid in i.threat.ids:
                entry = catalogues.lookup(tid)
                ids.append({"id": tid, "name": entry.name if entry else "",
                            "catalogue": entry.catalogue if entry else ""})
            threat = {"kind": i.threat.kind, "ids": ids, "actor": i.threat.actor}
        return {
            "id": i.id, "serial": i.serial, **self.when(i.time), "from": self.ref(i.sender),
            "to": [self.ref(u) for u in i.to], "method": i.method, "net": i.net, "title": i.title,
            "description": i.description, "expected_action": i.expected_action,
            "objectives": list(i.objectives), "controller": self.ref(i.controller), "threat": threat,
            "requires": [{"kind": x.kind, "from": self.ref(x.sender), "to": self.ref(x.receiver),
                          "within": x.within, "net": x.net} for x in i.requires],
            "contingency": i.contingency, "notes": i.notes,
            "location": None if i.location is None else {"lat": i.location.lat, "lon": i.location.lon},
            "place": self.e.places.get(i.id, ""), "custom": custom(i.custom), "incident_id": i.incident,
        }
