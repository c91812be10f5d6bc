"""The JSON API's reading side and what its writing handlers share.

``GET /api/me``, ``GET /api/state``, ``GET /api/injects/{id}`` and ``GET /api/stream`` (server-sent
events). Every answer is ``{"ok": true, ...}`` or ``{"ok": false, "error": code, "message": text}``;
what a user sees passes through :mod:`exgen.conduct.access`. The helpers below turn record
refusals into HTTP answers: 403 forbidden, 404 unknown (or not visible to this user: an inject a
user may not see does not exist for them), 409 conflict with the current state, 422 refused.
"""

from __future__ import annotations

import sqlite3
import typing as t

from starlette.responses import JSONResponse, Response, StreamingResponse

from exgen.conduct import access, stream
from exgen.conduct.record_project import EVENT_COLUMNS, event_from_row
from exgen.conduct.record_types import Applied, Conflict, Rejected
from exgen.conduct.web import Principal, conduct_of, exercise_head, failure, guarded, still_signed_in, success

if t.TYPE_CHECKING:
    from starlette.requests import Request

    from exgen.conduct.record import Record
    from exgen.conduct.runtime import Conduct

#: Longest client idempotency key.
MAX_KEY = 128
#: Static parts of exercise.json every signed-in user gets with the state.
PLAN_KEYS = ("objectives", "units", "nets", "pace", "phases", "cells", "controllers", "evaluators", "role_players",
             "names")


class Refusal(Exception):
    """A request the server answers with an error of its own (status, code, message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def forbidden() -> Refusal:
    """403: the user's role or scope does not allow this."""
    return Refusal(403, "forbidden", "Your role does not allow this.")


def not_found(what: str) -> Refusal:
    """404: no such thing, or not one this user may see."""
    return Refusal(404, "not-found", f"There is no {what} you can see with that id.")


def idem(who: Principal, body: t.Mapping[str, t.Any]) -> str | None:
    """The record's idempotency key for the client's ``key``: per user, so keys of two users never meet."""
    key = body.get("key")
    if key is None:
        return None
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY or not key.isprintable():
        raise Refusal(422, "bad-key", f"key must be 1 to {MAX_KEY} printable characters")
    return f"{who.account.username}/{key}"


def version_of(body: t.Mapping[str, t.Any]) -> int | None:
    """The ``version`` the client saw (None: no conflict check)."""
    version = body.get("version")
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        raise Refusal(422, "bad-payload", "version must be a whole number")
    return version


Job = t.Callable[[sqlite3.Connection, "Record"], Applied]


async def perform(conduct: Conduct, job: Job,
                  conflict: t.Callable[[dict[str, t.Any]], JSONResponse]) -> Applied | JSONResponse:
    """Run an appending job on the writer; an error answer when the record or the rules refuse it."""
    try:
        return await conduct.record(job)
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)
    except Conflict as exc:
        return conflict(exc.current)
    except Rejected as exc:
        return failure(422, exc.code, exc.message)
    except sqlite3.Error:
        return failure(503, "unavailable", "The record could not be written just now; try again.")


async def append(conduct: Conduct, who: Principal, kind: str, subject: str, payload: dict[str, t.Any],
                 key: str | None) -> Applied | JSONResponse:
    """Append one event without a version to check (clock, comms, observations, closing evaluation)."""

    def job(_conn: sqlite3.Connection, record: Record) -> Applied:
        return record.append(who.record_actor, kind, subject, payload, key)

    return await perform(conduct, job, no_conflict)


def no_conflict(current: dict[str, t.Any]) -> JSONResponse:
    """The answer to a conflict on a subject without versions (never expected)."""
    return failure(409, "conflict", "Someone else changed this first.")


def capabilities(actor: access.Actor) -> dict[str, bool]:
    """What the user interface should offer the user (the server checks again on every request)."""
    return {"clock": access.can(actor, "clock"), "inject_add": access.can(actor, "inject.add"),
            "comms": access.can(actor, "comms.event"), "observe": access.can(actor, "observation.add"),
            "close_evaluation": access.can(actor, "evaluation.close"), "read_notes": access.can(actor, "read.notes")}


@guarded()
async def me(request: Request, who: Principal) -> Response:
    """``GET /api/me``: who is signed in, their CSRF token, the exercise and what they may do."""
    conduct = conduct_of(request)
    account = who.account
    return success(user=account.username, name=account.name, role=account.role, scope=account.scope,
                   csrf=who.session.csrf, exercise=exercise_head(conduct.exercise), can=capabilities(who.actor))


def state_of(record: Record, actor: access.Actor) -> dict[str, t.Any]:
    """The whole state as ``actor`` may see it (one read transaction, so ``seq`` matches it)."""
    injects = [v for v in (access.visible_inject(actor, i) for i in record.injects()) if v is not None]
    observations = [o for o in (access.visible_observation(actor, x) for x in record.observations()) if o is not None]
    return {"seq": record.last_seq(), "clock": record.clock_state(), "injects": injects,
            "observations": observations,
            "comms": record.comms_events() if access.can(actor, "read.comms") else [],
            "evaluation_closed": record.evaluation_closed()}


@guarded()
async def state(request: Request, who: Principal) -> Response:
    """``GET /api/state``: clock, visible injects and observations, comms log, and the plan's lists."""
    conduct = conduct_of(request)
    actor = who.actor
    found = await conduct.snapshot(lambda _conn, record: state_of(record, actor))
    plan = {k: conduct.exercise.get(k, [] if k != "names" else {}) for k in PLAN_KEYS}
    return success(**found, **plan)


def _history(record: Record, actor: access.Actor, inject_id: str) -> dict[str, t.Any]:
    try:
        view = record.inject_view(inject_id)
    except KeyError:
        raise not_found("inject") from None
    shown = access.visible_inject(actor, view)
    if shown is None:
        raise not_found("inject")
    rows = record.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE subject = ? AND kind LIKE 'inject.%' "
                               "ORDER BY seq", (inject_id,))
    # What each kind's payload tells: annotations are EXCON notes, responses go where the view keeps them.
    told = {"inject.retime": True, "inject.annotate": "notes" in shown, "inject.response": "responses" in shown}
    history = []
    for row in rows:
        event = event_from_row(row)
        data = access.visible_event(actor, event, view)
        if data is not None:
            data.pop("inject", None)
            if told.get(event.kind):
                data["payload"] = event.payload
            history.append(data)
    return {"inject": shown, "history": history}


@guarded()
async def inject_detail(request: Request, who: Principal) -> Response:
    """``GET /api/injects/{id}``: one inject and its history, as the user may see them."""
    inject_id = str(request.path_params["id"])
    actor = who.actor
    try:
        found = await conduct_of(request).snapshot(lambda _conn, record: _history(record, actor, inject_id))
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)
    return success(**found)


def _resume_point(request: Request, latest: int) -> int | None:
    """Where a stream starts: after ``Last-Event-ID`` or ``?after=N``, else after the newest event."""
    raw = request.headers.get("last-event-id") or request.query_params.get("after")
    if raw is None or raw == "":
        return latest
    if not raw.isdigit() or len(raw) > 18:
        return None
    return min(int(raw), latest)


@guarded()
async def events(request: Request, who: Principal) -> Response:
    """``GET /api/stream``: server-sent events, the missed ones first (see :mod:`exgen.conduct.stream`)."""
    conduct = conduct_of(request)
    after = _resume_point(request, conduct.hub.latest)
    if after is None:
        return failure(400, "bad-request", "after (or Last-Event-ID) must be an event number")
    token = who.token

    async def signed_in() -> bool:
        return await still_signed_in(request, token)

    return StreamingResponse(stream.messages(conduct.hub, who.actor, after, signed_in),
                             media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})
