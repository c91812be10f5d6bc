"""Projections: the current state (inject status, observations, clock, evaluation) derived from events.

:func:`project` applies one stored event to the projection tables; an append calls it in the
event's own transaction, and :func:`rebuild_projections` replays the whole record through it, so
the tables are by construction a function of the events (a migration or a repair can rebuild them).
"""

from __future__ import annotations

import json
import sqlite3
import typing as t

from exgen.conduct import clock, lifecycle, store
from exgen.conduct.record_plan import Plan
from exgen.conduct.record_types import Event, wall_ms

__all__ = ["EVENT_COLUMNS", "InjectRow", "event_from_row", "inject_row", "load_clock", "observation_row",
           "observation_view", "parse_inject_row", "planned_row", "project", "rebuild_projections"]

EVENT_COLUMNS = "seq, wall, ex_time, actor, role, kind, subject, payload, idem"


class InjectRow(t.TypedDict):
    """An inject's conduct state (the ``inject_state`` row, or the planned default)."""

    id: str
    status: str
    time: float
    version: int
    adhoc: dict[str, t.Any] | None
    notes: list[dict[str, t.Any]]
    responses: list[dict[str, t.Any]]
    updated_seq: int


def event_from_row(row: t.Sequence[t.Any]) -> Event:
    """An :class:`Event` from a row selected as :data:`EVENT_COLUMNS`."""
    payload = json.loads(row[7])
    return Event(seq=row[0], wall=row[1], ex_time=row[2], actor=row[3], role=row[4], kind=row[5],
                 subject=row[6], payload=payload if isinstance(payload, dict) else {}, idem=row[8])


def load_clock(conn: sqlite3.Connection) -> clock.ClockState:
    """The clock as stored."""
    running, speed, anchor_wall, anchor_ex = conn.execute(
        "SELECT running, speed, anchor_wall, anchor_ex FROM clock WHERE id = 1").fetchone()
    return {"running": bool(running), "speed": float(speed), "anchor_wall": float(anchor_wall),
            "anchor_ex": float(anchor_ex)}


def inject_row(conn: sqlite3.Connection, plan: Plan, inject_id: str) -> InjectRow | None:
    """An inject's state: its row, the planned default when it has none, None when it is unknown."""
    row = conn.execute("SELECT id, status, time, version, adhoc, notes, responses, updated_seq FROM inject_state "
                       "WHERE id = ?", (inject_id,)).fetchone()
    if row is not None:
        return parse_inject_row(row)
    return planned_row(plan, inject_id) if inject_id in plan.injects else None


def planned_row(plan: Plan, inject_id: str) -> InjectRow:
    """The state of a planned inject nobody has acted on: planned, at its planned time, version 0."""
    return {"id": inject_id, "status": "planned", "time": plan.planned_time(inject_id), "version": 0,
            "adhoc": None, "notes": [], "responses": [], "updated_seq": 0}


def parse_inject_row(row: t.Sequence[t.Any]) -> InjectRow:
    """An ``inject_state`` row with its JSON columns parsed."""
    return {"id": row[0], "status": row[1], "time": float(row[2]), "version": int(row[3]),
            "adhoc": json.loads(row[4]) if row[4] else None, "notes": json.loads(row[5] or "[]"),
            "responses": json.loads(row[6] or "[]"), "updated_seq": int(row[7] or 0)}


def observation_row(conn: sqlite3.Connection, obs_id: int) -> dict[str, t.Any] | None:
    """One observation as the API shows it, or None."""
    row = conn.execute("SELECT id, author, objective, task, ex_time, text, rating, version FROM observations "
                       "WHERE id = ?", (obs_id,)).fetchone()
    return None if row is None else observation_view(row)


def observation_view(row: t.Sequence[t.Any]) -> dict[str, t.Any]:
    """An ``observations`` row (id … version) as a dict."""
    keys = ("id", "author", "objective", "task", "ex_time", "text", "rating", "version")
    return dict(zip(keys, row, strict=True))


def _save_inject(conn: sqlite3.Connection, row: InjectRow) -> None:
    conn.execute("INSERT OR REPLACE INTO inject_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (row["id"], row["status"], row["time"], row["version"],
                  None if row["adhoc"] is None else json.dumps(row["adhoc"], ensure_ascii=False),
                  json.dumps(row["notes"], ensure_ascii=False), json.dumps(row["responses"], ensure_ascii=False),
                  row["updated_seq"]))


def _project_clock(conn: sqlite3.Connection, event: Event) -> None:
    state = load_clock(conn)
    wall = wall_ms(event.wall) / 1000
    action = event.kind.removeprefix("clock.")
    if action == "start":
        state = clock.start(state, wall)
    elif action == "pause":
        state = clock.pause(state, wall)
    elif action == "jump":
        state = clock.jump(state, wall, float(event.payload["ex_time"]))
    elif action == "speed":
        state = clock.speed(state, wall, float(event.payload["speed"]))
    conn.execute("UPDATE clock SET running = ?, speed = ?, anchor_wall = ?, anchor_ex = ? WHERE id = 1",
                 (int(state["running"]), state["speed"], state["anchor_wall"], state["anchor_ex"]))


def _project_inject(conn: sqlite3.Connection, plan: Plan, event: Event) -> None:
    action = event.kind.removeprefix("inject.")
    if action == "add":
        adhoc = dict(event.payload["inject"], id=event.subject, time=event.payload["time"])
        _save_inject(conn, {"id": event.subject, "status": "planned", "time": float(event.payload["time"]),
                            "version": 1, "adhoc": adhoc, "notes": [], "responses": [],
                            "updated_seq": event.seq})
        return
    row = inject_row(conn, plan, event.subject)
    if row is None:
        return
    row["status"] = lifecycle.after(row["status"], action) or row["status"]
    if action == "retime":
        row["time"] = float(event.payload["time"])
    elif action in ("annotate", "response"):
        entry = {"seq": event.seq, "actor": event.actor, "text": event.payload["text"], "ex_time": event.ex_time}
        row["notes" if action == "annotate" else "responses"].append(entry)
    row["version"] += 1
    row["updated_seq"] = event.seq
    _save_inject(conn, row)


def _project_observation(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    if event.kind == "observation.add":
        conn.execute("INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                     (int(event.subject), event.actor, p["objective"], p["task"], p["ex_time"], p["text"],
                      p["rating"], event.seq, event.seq))
    else:
        conn.execute("UPDATE observations SET text = ?, rating = ?, version = version + 1, updated_seq = ? "
                     "WHERE id = ?", (p["text"], p["rating"], event.seq, int(event.subject)))


def project(conn: sqlite3.Connection, plan: Plan, event: Event) -> None:
    """Apply one stored (already admitted) event to the projection tables, inside the caller's transaction."""
    family = event.kind.split(".", 1)[0]
    if family == "clock":
        _project_clock(conn, event)
    elif family == "inject":
        _project_inject(conn, plan, event)
    elif family == "observation":
        _project_observation(conn, event)
    elif event.kind == "evaluation.close":
        conn.execute("UPDATE evaluation SET closed = 1 WHERE id = 1")


def rebuild_projections(conn: sqlite3.Connection, exercise: t.Mapping[str, t.Any]) -> int:
    """Recompute every projection from the events, in one transaction; the number of events replayed."""
    plan = Plan(exercise)
    count = 0
    with store.transaction(conn):
        conn.execute("DELETE FROM inject_state")
        conn.execute("DELETE FROM observations")
        state = clock.default()
        conn.execute("UPDATE clock SET running = ?, speed = ?, anchor_wall = ?, anchor_ex = ? WHERE id = 1",
                     (int(state["running"]), state["speed"], state["anchor_wall"], state["anchor_ex"]))
        conn.execute("UPDATE evaluation SET closed = 0 WHERE id = 1")
        for row in conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"):
            project(conn, plan, event_from_row(row))
            count += 1
    return count
