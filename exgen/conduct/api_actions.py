"""The JSON API's control actions: inject actions, ad-hoc injects, the clock and comms events.

Each handler checks the request's shape, then runs one job on the writer thread that reads the
subject, asks :mod:`exgen.conduct.access` whether this user may act on it and appends the event
(with the client's version, so a stale one gets 409 and the current state). Permission is decided
inside the writer's job, on the state the event will change, so it cannot go stale in between.
"""

from __future__ import annotations

import json
import sqlite3
import typing as t

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from exgen.conduct import access, adhoc, lifecycle
from exgen.conduct.api import (
    Refusal,
    append,
    forbidden,
    idem,
    not_found,
    perform,
    version_of,
)
from exgen.conduct.record_types import Applied, Rejected
from exgen.conduct.web import Principal, conduct_of, failure, guarded, read_json, success

if t.TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from exgen.conduct.record import Record

CLOCK_ACTIONS = ("start", "pause", "jump", "speed")
COMMS_KEYS = ("net", "pace", "units", "state", "level", "text")


def _minutes(conduct_definition: t.Mapping[str, t.Any], value: t.Any, name: str) -> float:
    try:
        return adhoc.minutes(conduct_definition, value)
    except ValueError as exc:
        raise Refusal(422, "bad-time", f"{name}: {exc}") from None


def _definition(exercise: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    found = exercise.get("definition")
    return found if isinstance(found, dict) else {}


def _payload(action: str, body: t.Mapping[str, t.Any], definition: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    if action == "retime":
        return {"time": _minutes(definition, body.get("time"), "time")}
    if action in ("annotate", "response"):
        return {"text": body.get("text")}
    return {}


@guarded()
async def inject_action(request: Request, who: Principal) -> Response:
    """``POST /api/injects/{id}/actions`` ``{action, version, time?, text?, key}`` → 200 ``{seq, inject}``."""
    conduct = conduct_of(request)
    inject_id = str(request.path_params["id"])
    body = await read_json(request)
    action = body.get("action")
    if not isinstance(action, str) or action not in lifecycle.ACTIONS:
        return failure(422, "unknown-action", f"action must be one of: {', '.join(lifecycle.ACTIONS)}")
    actor, kind = who.actor, f"inject.{action}"
    try:
        payload = _payload(action, body, _definition(conduct.exercise))
        version, key = version_of(body), idem(who, body)
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)

    def job(_conn: sqlite3.Connection, record: Record) -> Applied:
        try:
            view = record.inject_view(inject_id)
        except KeyError:
            raise not_found("inject") from None
        if access.visible_inject(actor, view) is None:
            raise not_found("inject")
        if not access.can(actor, kind, view):
            raise forbidden()
        return record.append(who.record_actor, kind, inject_id, payload, key, expect_version=version)

    def conflict(current: dict[str, t.Any]) -> JSONResponse:
        return failure(409, "conflict", "Someone else changed this inject first; here is what it is now.",
                       inject=access.visible_inject(actor, current))

    applied = await perform(conduct, job, conflict)
    if isinstance(applied, JSONResponse):
        return applied
    shown = access.visible_inject(actor, applied.state) if applied.state is not None else None
    return success(seq=applied.seq, replay=applied.replay, inject=shown)


def _added(record: Record) -> list[dict[str, t.Any]]:
    """The ad-hoc injects added so far, as they were sent (the form a definition spells them in)."""
    rows = record.conn.execute("SELECT payload FROM events WHERE kind = 'inject.add' ORDER BY seq")
    found = []
    for (text,) in rows:
        inject = json.loads(text).get("inject")
        if isinstance(inject, dict):
            found.append({k: v for k, v in inject.items() if k != "serial"})
    return found


def _used(conn: sqlite3.Connection, key: str | None) -> bool:
    """Whether an action with this idempotency key is in the record (a retry: the record answers it again)."""
    return key is not None and conn.execute("SELECT 1 FROM events WHERE idem = ?", (key,)).fetchone() is not None


@guarded()
async def add_inject(request: Request, who: Principal) -> Response:
    """``POST /api/injects`` ``{inject: {...definition fields}, key}`` → 201 ``{seq, inject, diagnostics}``,
    or 422 ``{error: "invalid", diagnostics}`` with the diagnostics ``exgen validate`` would give."""
    conduct = conduct_of(request)
    actor = who.actor
    if not access.can(actor, "inject.add"):
        return failure(403, "forbidden", "Your role does not allow this.")
    body = await read_json(request)
    inject = body.get("inject")
    try:
        key = idem(who, body)
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)
    definition = _definition(conduct.exercise)
    added, retried = await conduct.read(lambda conn, record: (_added(record), _used(conn, key)))
    usable = retried and isinstance(inject, dict)
    found = [] if usable else await run_in_threadpool(adhoc.validate, definition, inject, added)
    if adhoc.errors(found) or not isinstance(inject, dict):
        return failure(422, "invalid", "The inject has problems; see the diagnostics.", diagnostics=found)
    try:
        when = _minutes(definition, inject.get("time"), "time")
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)
    inject_id = str(inject.get("id", ""))

    def job(_conn: sqlite3.Connection, record: Record) -> Applied:
        return record.append(who.record_actor, "inject.add", inject_id, {"inject": inject, "time": when}, key)

    try:
        applied = await conduct.record(job)
    except Rejected as exc:
        if exc.code != "duplicate-id":
            return failure(422, exc.code, exc.message)
        # Added by someone else since it was checked: the diagnostic a definition would get.
        return failure(422, "invalid", "The inject has problems; see the diagnostics.", diagnostics=[
            {"severity": "error", "code": "duplicate-id", "message": exc.message, "field": "id"}])
    except sqlite3.Error:
        return failure(503, "unavailable", "The record could not be written just now; try again.")
    shown = access.visible_inject(actor, applied.state) if applied.state is not None else None
    return success(201, seq=applied.seq, replay=applied.replay, inject=shown, diagnostics=found)


@guarded()
async def clock_action(request: Request, who: Principal) -> Response:
    """``POST /api/clock`` ``{action: start|pause|jump|speed, ex_time?, speed?, key}`` → ``{seq, clock}``."""
    conduct = conduct_of(request)
    if not access.can(who.actor, "clock"):
        return failure(403, "forbidden", "Only the exercise director sets the clock.")
    body = await read_json(request)
    action = body.get("action")
    if action not in CLOCK_ACTIONS:
        return failure(422, "unknown-action", f"action must be one of: {', '.join(CLOCK_ACTIONS)}")
    try:
        payload: dict[str, t.Any] = {}
        if action == "jump":
            payload = {"ex_time": _minutes(_definition(conduct.exercise), body.get("ex_time"), "ex_time")}
        elif action == "speed":
            payload = {"speed": body.get("speed")}
        key = idem(who, body)
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)

    applied = await append(conduct, who, f"clock.{action}", "clock", payload, key)
    if isinstance(applied, JSONResponse):
        return applied
    return success(seq=applied.seq, replay=applied.replay, clock=applied.state)


@guarded()
async def comms_event(request: Request, who: Principal) -> Response:
    """``POST /api/comms`` ``{net?, pace?, units?, state, level?, text?, key}`` → ``{seq, comms}``."""
    conduct = conduct_of(request)
    if not access.can(who.actor, "comms.event"):
        return failure(403, "forbidden", "Your role does not allow this.")
    body = await read_json(request)
    payload = {k: body[k] for k in COMMS_KEYS if body.get(k) is not None}
    try:
        key = idem(who, body)
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)

    applied = await append(conduct, who, "comms.event", "", payload, key)
    if isinstance(applied, JSONResponse):
        return applied
    return success(seq=applied.seq, replay=applied.replay, comms=applied.state)
