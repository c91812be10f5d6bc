"""What the record admits: each event kind's payload, checked and normalised against the current state.

:func:`admit` runs inside the append's transaction and answers the subject and payload to store, or
raises :class:`Rejected` (malformed or not allowed now) or :class:`Conflict` (stale version). Who
may do what is not decided here but in access.py; here only what the record itself requires.
"""

from __future__ import annotations

import json
import math
import sqlite3
import typing as t
from dataclasses import dataclass

from exgen.conduct import clock, lifecycle
from exgen.conduct.record_plan import ID, Plan
from exgen.conduct.record_project import inject_row, load_clock, observation_row
from exgen.conduct.record_types import ActorLike, Conflict, Rejected
from exgen.conduct.record_views import inject_view

__all__ = ["KINDS", "MAX_PAYLOAD", "MAX_TEXT", "Admitted", "admit"]

MAX_TEXT = 10_000
MAX_PAYLOAD = 64 * 1024
RATINGS = ("P", "S", "M", "U", "")
LEVELS = ("primary", "alternate", "contingency", "emergency")

#: kind → (required payload keys, optional payload keys).
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "clock.start": (frozenset(), frozenset()),
    "clock.pause": (frozenset(), frozenset()),
    "clock.jump": (frozenset({"ex_time"}), frozenset()),
    "clock.speed": (frozenset({"speed"}), frozenset()),
    **{f"inject.{a}": (frozenset(), frozenset())
       for a in ("release", "deliver", "acknowledge", "complete", "hold", "cancel")},
    "inject.retime": (frozenset({"time"}), frozenset()),
    "inject.annotate": (frozenset({"text"}), frozenset()),
    "inject.response": (frozenset({"text"}), frozenset()),
    "inject.add": (frozenset({"inject", "time"}), frozenset()),
    "comms.event": (frozenset({"state"}), frozenset({"net", "pace", "units", "level", "text"})),
    "observation.add": (frozenset({"objective", "text", "rating"}), frozenset({"task", "ex_time"})),
    "observation.edit": (frozenset({"text", "rating", "version"}), frozenset()),
    "evaluation.close": (frozenset(), frozenset()),
    "record.import": (frozenset({"source"}), frozenset({"rows"})),
}

@dataclass(frozen=True)
class Admitted:
    """An action the record will store: its normalised subject and payload."""

    subject: str
    payload: dict[str, t.Any]


def _number(payload: dict[str, t.Any], key: str, low: float, high: float) -> float:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Rejected("bad-payload", f"{key} must be a number")
    if not low <= value <= high:
        raise Rejected("out-of-range", f"{key} must be between {low:g} and {high:g}")
    return float(value)


def _text(payload: dict[str, t.Any], key: str, *, blank: bool = False) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str) or (not blank and not value.strip()):
        raise Rejected("bad-payload", f"{key} must be {'' if blank else 'non-empty '}text")
    if len(value) > MAX_TEXT:
        raise Rejected("too-long", f"{key} is longer than {MAX_TEXT} characters")
    return value


def _shape(kind: str, payload: t.Any) -> dict[str, t.Any]:
    """The payload, refused unless an object with exactly the kind's keys."""
    if kind not in KINDS:
        raise Rejected("unknown-kind", f"{kind!r} is not something the record knows")
    if not isinstance(payload, dict):
        raise Rejected("bad-payload", "the payload must be an object")
    required, optional = KINDS[kind]
    if missing := sorted(required - payload.keys()):
        raise Rejected("bad-payload", f"{kind} needs {', '.join(missing)}")
    if extra := sorted(payload.keys() - required - optional):
        raise Rejected("bad-payload", f"{kind} does not take {', '.join(map(str, extra))}")
    try:
        size = len(json.dumps(payload, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise Rejected("bad-payload", "the payload is not plain JSON") from exc
    if size > MAX_PAYLOAD:
        raise Rejected("too-long", f"the payload is larger than {MAX_PAYLOAD // 1024} KiB")
    return payload


def _clock(conn: sqlite3.Connection, kind: str, payload: dict[str, t.Any]) -> Admitted:
    running = load_clock(conn)["running"]
    if kind == "clock.start" and running:
        raise Rejected("clock-running", "the clock is already running")
    if kind == "clock.pause" and not running:
        raise Rejected("clock-paused", "the clock is already paused")
    if kind == "clock.jump":
        payload = {"ex_time": _number(payload, "ex_time", -clock.MAX_MINUTES, clock.MAX_MINUTES)}
    if kind == "clock.speed":
        payload = {"speed": _number(payload, "speed", clock.MIN_SPEED, clock.MAX_SPEED)}
    return Admitted("clock", payload)


def _inject(conn: sqlite3.Connection, plan: Plan, kind: str, subject: str, payload: dict[str, t.Any],
            expect: int | None) -> Admitted:
    action = kind.removeprefix("inject.")
    row = inject_row(conn, plan, subject)
    if row is None:
        raise Rejected("unknown-inject", f"there is no inject {subject!r}")
    if expect is not None and expect != row["version"]:
        raise Conflict(inject_view(conn, plan, subject))
    if lifecycle.after(row["status"], action) is None:
        raise Rejected("not-allowed", lifecycle.refusal(row["status"], action))
    if action == "retime":
        payload = {"time": round(_number(payload, "time", -clock.MAX_MINUTES, clock.MAX_MINUTES))}
    elif action in ("annotate", "response"):
        payload = {"text": _text(payload, "text")}
    return Admitted(subject, payload)


def _add(conn: sqlite3.Connection, plan: Plan, subject: str, payload: dict[str, t.Any]) -> Admitted:
    inject = payload["inject"]
    if not isinstance(inject, dict):
        raise Rejected("bad-payload", "inject must be an object")
    inject_id = inject.get("id", subject)
    if not subject:
        subject = inject_id if isinstance(inject_id, str) else ""
    if inject_id != subject or not ID.fullmatch(subject):
        raise Rejected("bad-payload", "an added inject needs an id (letters, digits, '-', '_', '.')")
    if inject_row(conn, plan, subject) is not None:
        raise Rejected("duplicate-id", f"there is already an inject {subject!r}")
    time = round(_number(payload, "time", -clock.MAX_MINUTES, clock.MAX_MINUTES))
    serial = inject.get("serial")
    if isinstance(serial, bool) or not isinstance(serial, int):
        added = conn.execute("SELECT adhoc FROM inject_state WHERE adhoc IS NOT NULL").fetchall()
        serials = [json.loads(a).get("serial") for (a,) in added]
        serial = max([plan.last_serial, *(s for s in serials if isinstance(s, int))]) + 1
    return Admitted(subject, {"inject": dict(inject, id=subject, serial=serial), "time": time})


def _comms(plan: Plan, subject: str, payload: dict[str, t.Any]) -> Admitted:
    net, pace = payload.get("net"), payload.get("pace")
    if net is not None and (not isinstance(net, str) or net not in plan.nets):
        raise Rejected("unknown-net", f"there is no net {net!r}")
    if pace is not None and (not isinstance(pace, str) or pace not in plan.pace):
        raise Rejected("unknown-pace", f"there is no PACE plan {pace!r}")
    if net is None and pace is None:
        raise Rejected("bad-payload", "a comms event names a net or a PACE plan")
    if subject and subject not in (net, pace):
        raise Rejected("bad-payload", "the subject of a comms event is its net or PACE plan")
    if payload["state"] not in ("down", "up"):
        raise Rejected("bad-payload", "state must be 'down' or 'up'")
    units = payload.get("units", [])
    if not isinstance(units, list) or any(not isinstance(u, str) or u not in plan.units for u in units):
        raise Rejected("unknown-unit", "units must be a list of the exercise's unit ids")
    level = payload.get("level")
    if level is not None and level not in LEVELS:
        raise Rejected("bad-payload", f"level must be one of {', '.join(LEVELS)}")
    clean = {"net": net, "pace": pace, "units": list(units), "state": payload["state"], "level": level,
             "text": _text(payload, "text", blank=True)}
    return Admitted(str(net if net is not None else pace), {k: v for k, v in clean.items() if v not in (None, "")})


def _closed(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT closed FROM evaluation WHERE id = 1").fetchone()[0])


def _observation(conn: sqlite3.Connection, plan: Plan, actor: ActorLike, kind: str, subject: str,
                 payload: dict[str, t.Any], expect: int | None, ex_now: float) -> Admitted:
    if _closed(conn):
        raise Rejected("evaluation-closed", "evaluation is closed; observations can no longer change")
    rating = payload["rating"]
    if rating not in RATINGS:
        raise Rejected("bad-payload", "rating must be P, S, M, U or empty")
    text = _text(payload, "text")
    if kind == "observation.add":
        objective, task = payload["objective"], payload.get("task", "")
        if not isinstance(objective, str) or objective not in plan.tasks:
            raise Rejected("unknown-objective", f"there is no objective {objective!r}")
        if task != "" and task not in plan.tasks[objective]:
            raise Rejected("unknown-task", f"{task!r} is not a critical task of {objective}")
        ex_time = ex_now if payload.get("ex_time") is None else _number(
            payload, "ex_time", -clock.MAX_MINUTES, clock.MAX_MINUTES)
        new_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM observations").fetchone()[0]
        return Admitted(str(new_id), {"objective": objective, "task": task, "ex_time": ex_time, "text": text,
                                      "rating": rating})
    current = observation_row(conn, int(subject)) if subject.isdigit() and len(subject) < 19 else None
    if current is None:
        raise Rejected("not-found", f"there is no observation {subject!r}")
    if current["author"] != actor.username:
        raise Rejected("not-author", "only the evaluator who wrote an observation can change it")
    version = payload["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise Rejected("bad-payload", "version must be a whole number")
    if version != current["version"] or (expect is not None and expect != current["version"]):
        raise Conflict(current)
    return Admitted(str(current["id"]), {"text": text, "rating": rating, "version": version})


def admit(conn: sqlite3.Connection, plan: Plan, actor: ActorLike, kind: str, subject: str, payload: t.Any,
          expect: int | None, ex_now: float) -> Admitted:
    """Check one action against the record as it stands; what to store, or Rejected / Conflict."""
    payload = _shape(kind, payload)
    family = kind.split(".", 1)[0]
    if family == "clock":
        return _clock(conn, kind, payload)
    if kind == "inject.add":
        return _add(conn, plan, subject, payload)
    if family == "inject":
        return _inject(conn, plan, kind, subject, payload, expect)
    if family == "comms":
        return _comms(plan, subject, payload)
    if family == "observation":
        return _observation(conn, plan, actor, kind, subject, payload, expect, ex_now)
    if kind == "evaluation.close":
        if _closed(conn):
            raise Rejected("evaluation-closed", "evaluation is already closed")
        return Admitted("evaluation", {})
    if not isinstance(payload["source"], str) or not payload["source"].strip():
        raise Rejected("bad-payload", "source must name what was imported")
    return Admitted(subject, payload)
