"""The exercise specification and the MEL hierarchy as render context: plain data.

:func:`spec_context` adds the EXSPEC fields (aim, exercise objectives, scope, roles, training
audience, safety, logistics, artificialities), the phases, the main events and the main incidents,
and links every inject dict to its incident, event and phase, so a template groups the MEL/MIL
without looking anything up. :func:`custom` turns a model element's ``x-`` fields into a dict.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict

if t.TYPE_CHECKING:
    from exgen.model import Custom, Exercise

Data = dict[str, t.Any]
#: The exercise roles as printed, in NATO order.
ROLE_TITLES = {
    "ose": "Officer Scheduling the Exercise (OSE)",
    "oce": "Officer Conducting the Exercise (OCE)",
    "ode": "Officer Directing the Exercise (ODE)",
    "otas": "Officer with Tasking Authority (OTA)",
}


def custom(fields: Custom) -> Data:
    """An element's ``x-`` fields by name, lists as lists."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in fields}


def column_text(value: t.Any) -> str:
    """A custom field as one MEL/MIL cell: lists joined with '; ', booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(column_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def spec_context(model: Exercise, ctx: Data, when: t.Callable[[int], Data],
                 ref: t.Callable[[str | None], Data | None]) -> None:
    """Add the specification and the MEL hierarchy to the render context ``ctx`` in place."""
    info = model.info
    exercise = ctx["exercise"]
    exercise.update({
        "aim": info.aim, "scope": info.scope, "safety": info.safety, "logistics": info.logistics,
        "artificialities": list(info.artificialities), "culture": info.culture,
        "exercise_objectives": [{"id": o.id, "title": o.title, "description": o.description,
                                 "custom": custom(o.custom)} for o in info.exercise_objectives],
        "roles": [{"role": k, "title": ROLE_TITLES[k], "holder": v} for k, v in info.roles],
        "training_audience": [ref(u) for u in model.training_audience()],
        "msel_columns": list(info.msel_columns), "custom": custom(info.custom),
    })
    by_incident: dict[str, list[str]] = defaultdict(list)
    by_event: dict[str, list[str]] = defaultdict(list)
    by_phase: dict[str, list[str]] = defaultdict(list)
    for inj in ctx["injects"]:
        # The model's index: the first definition of a duplicated id wins, as everywhere else.
        incident = model.get("main_incidents", inj["incident_id"])
        event = model.get("main_events", incident.event) if incident else None
        phase = model.get("phases", incident.phase) if incident else None
        if phase is None:
            phase = model.phase_at(inj["time"])
        inj["incident"] = {"id": incident.id, "title": incident.title} if incident else None
        inj["event"] = {"id": event.id, "title": event.title} if event else None
        inj["phase"] = {"id": phase.id, "title": phase.title} if phase else None
        inj["columns"] = [{"name": name, "value": column_text(inj["custom"].get(name))}
                          for name in info.msel_columns]
        if incident:
            by_incident[incident.id].append(inj["id"])
        if event:
            by_event[event.id].append(inj["id"])
        if phase:
            by_phase[phase.id].append(inj["id"])
    ctx["phases"] = [{
        "id": p.id, "title": p.title, **when(p.start), "end": p.end, "end_dtime": when(p.end)["dtime"],
        "end_dtg": when(p.end)["dtg"], "description": p.description, "custom": custom(p.custom),
        "incidents": [c.id for c in model.main_incidents if c.phase == p.id], "injects": by_phase.get(p.id, []),
    } for p in model.phases]
    ctx["main_events"] = [{
        "id": e.id, "title": e.title, "outcome": e.outcome, "objectives": list(e.objectives),
        "description": e.description, "custom": custom(e.custom),
        "incidents": [c.id for c in model.main_incidents if c.event == e.id], "injects": by_event.get(e.id, []),
    } for e in model.main_events]
    ctx["main_incidents"] = [{
        "id": c.id, "title": c.title, "event": c.event, "phase": c.phase, "description": c.description,
        "start": None if c.start is None else when(c.start), "end": None if c.end is None else when(c.end),
        "custom": custom(c.custom), "injects": by_incident.get(c.id, []),
    } for c in model.main_incidents]
    ctx["phases_by_id"] = {p["id"]: p for p in ctx["phases"]}
    ctx["main_events_by_id"] = {e["id"]: e for e in ctx["main_events"]}
    ctx["main_incidents_by_id"] = {c["id"]: c for c in ctx["main_incidents"]}
