"""Read-only views of the record: injects as planned merged with their conduct state, observations, comms log."""

from __future__ import annotations

import sqlite3
import typing as t

from exgen.conduct.record_plan import Plan
from exgen.conduct.record_project import (
    EVENT_COLUMNS,
    InjectRow,
    event_from_row,
    inject_row,
    observation_view,
    parse_inject_row,
    planned_row,
)

__all__ = ["comms_events", "inject_view", "injects", "observations"]

#: The inject fields a view carries, for planned and ad-hoc injects alike (exercise.json's, design §1).
FIELDS = ("id", "serial", "from", "to", "method", "net", "title", "description", "expected_action", "objectives",
          "controller", "incident", "contingency", "threat")
_LISTS = ("to", "objectives")
_TEXTS = ("title", "description", "expected_action")


#: Statuses only a released inject can have.
_RELEASED = frozenset({"released", "delivered", "acknowledged", "completed"})


def _plan_note(text: t.Any) -> list[dict[str, t.Any]]:
    """The planned controller notes as the first EXCON note, so every rule that hides notes hides them too."""
    if isinstance(text, str) and text.strip():
        return [{"seq": 0, "actor": "", "text": text, "ex_time": None}]
    return []


def merge(plan: Plan, row: InjectRow, released: bool = False) -> dict[str, t.Any]:
    """The API's view of one inject: its planned (or ad-hoc) fields with the state of conduct.

    ``notes`` is the EXCON-only list (planned controller notes first, then annotations), ``responses``
    the training audience's; ``time`` is current, ``planned_time`` as planned (or as added);
    ``released`` says whether it was ever released (a held or cancelled inject may have been).
    """
    source = row["adhoc"] if row["adhoc"] is not None else plan.injects.get(row["id"], {})
    view: dict[str, t.Any] = {}
    for key in FIELDS:
        value = source.get(key)
        if key in _LISTS:
            value = list(value) if isinstance(value, list) else []
        elif key in _TEXTS and not isinstance(value, str):
            value = ""
        view[key] = value
    view["id"] = row["id"]
    planned_time = source.get("time")
    if isinstance(planned_time, bool) or not isinstance(planned_time, (int, float)):
        planned_time = row["time"]
    view.update({
        "status": row["status"], "time": row["time"], "dtime": plan.dtime(row["time"]), "dtg": plan.dtg(row["time"]),
        "planned_time": float(planned_time), "version": row["version"],
        "notes": _plan_note(source.get("notes")) + list(row["notes"]), "responses": list(row["responses"]),
        "adhoc": row["adhoc"] is not None, "released": released or row["status"] in _RELEASED,
    })
    return view


def inject_view(conn: sqlite3.Connection, plan: Plan, inject_id: str) -> dict[str, t.Any]:
    """One inject's view; KeyError when there is no such inject."""
    row = inject_row(conn, plan, inject_id)
    if row is None:
        raise KeyError(inject_id)
    released = conn.execute("SELECT 1 FROM events WHERE subject = ? AND kind = 'inject.release' LIMIT 1",
                            (inject_id,)).fetchone() is not None
    return merge(plan, row, released)


def injects(conn: sqlite3.Connection, plan: Plan) -> list[dict[str, t.Any]]:
    """Every inject, planned and ad hoc, by current time, then serial, then id."""
    rows = {r["id"]: r for r in map(parse_inject_row, conn.execute(
        "SELECT id, status, time, version, adhoc, notes, responses, updated_seq FROM inject_state"))}
    released = {s for (s,) in conn.execute("SELECT DISTINCT subject FROM events WHERE kind = 'inject.release'")}
    views = [merge(plan, rows[i] if i in rows else planned_row(plan, i), i in released) for i in plan.injects]
    views += [merge(plan, r, i in released) for i, r in rows.items() if i not in plan.injects]
    serial_max = 10**12
    return sorted(views, key=lambda v: (v["time"], v["serial"] if isinstance(v["serial"], int) else serial_max,
                                        v["id"]))


def observations(conn: sqlite3.Connection) -> list[dict[str, t.Any]]:
    """Every observation, oldest first."""
    return [observation_view(r) for r in conn.execute(
        "SELECT id, author, objective, task, ex_time, text, rating, version FROM observations ORDER BY id")]


def comms_events(conn: sqlite3.Connection) -> list[dict[str, t.Any]]:
    """The comms log: every comms.event, in order, its payload spread into the entry."""
    found = []
    for row in conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE kind = 'comms.event' ORDER BY seq"):
        event = event_from_row(row)
        found.append({"seq": event.seq, "wall": event.wall, "ex_time": event.ex_time, "actor": event.actor,
                      "role": event.role, "subject": event.subject, "net": None, "pace": None, "units": [],
                      "level": None, "text": "", **event.payload})
    return found
