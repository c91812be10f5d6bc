"""The JSON API's evaluation side: observations per objective and critical task, and closing evaluation.

An evaluator records observations on their own objectives and edits only their own, with the
version they saw (a stale one gets 409 and the observation as it is now); once the director
closes evaluation, the record refuses both (422 ``evaluation-closed``).
"""

from __future__ import annotations

import sqlite3
import typing as t

from starlette.responses import JSONResponse

from exgen.conduct import access, adhoc
from exgen.conduct.api import Refusal, append, forbidden, idem, not_found, perform, version_of
from exgen.conduct.record_project import observation_row
from exgen.conduct.web import Principal, conduct_of, failure, guarded, read_json, success

if t.TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from exgen.conduct.record import Record
    from exgen.conduct.record_types import Applied


def _shown(actor: access.Actor, obs: dict[str, t.Any] | None) -> dict[str, t.Any] | None:
    return access.visible_observation(actor, obs) if obs is not None else None


@guarded()
async def add_observation(request: Request, who: Principal) -> Response:
    """``POST /api/observations`` ``{objective, task, ex_time?, text, rating, key}`` → 201 ``{seq, observation}``."""
    conduct = conduct_of(request)
    actor = who.actor
    body = await read_json(request)
    objective = body.get("objective")
    if not access.can(actor, "observation.add", {"objective": objective}):
        return failure(403, "forbidden", "You can record observations only on the objectives you evaluate.")
    payload: dict[str, t.Any] = {k: body[k] for k in ("objective", "task", "text", "rating") if k in body}
    try:
        if body.get("ex_time") not in (None, ""):
            definition = conduct.exercise.get("definition")
            payload["ex_time"] = adhoc.minutes(definition if isinstance(definition, dict) else {}, body["ex_time"])
        key = idem(who, body)
    except ValueError as exc:
        return failure(422, "bad-time", f"ex_time: {exc}")
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)

    applied = await append(conduct, who, "observation.add", "", payload, key)
    if isinstance(applied, JSONResponse):
        return applied
    return success(201, seq=applied.seq, replay=applied.replay, observation=_shown(actor, applied.state))


@guarded()
async def edit_observation(request: Request, who: Principal) -> Response:
    """``PUT /api/observations/{id}`` ``{text, rating, version, key}`` → ``{seq, observation}``; 409 when stale."""
    conduct = conduct_of(request)
    actor = who.actor
    subject = str(request.path_params["id"])
    body = await read_json(request)
    payload: dict[str, t.Any] = {k: body[k] for k in ("text", "rating", "version") if k in body}
    try:
        version, key = version_of(body), idem(who, body)
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)

    def job(conn: sqlite3.Connection, record: Record) -> Applied:
        current = observation_row(conn, int(subject)) if subject.isdigit() and len(subject) < 19 else None
        if current is None or access.visible_observation(actor, current) is None:
            raise not_found("observation")
        if not access.can(actor, "observation.edit", current):
            raise forbidden()
        return record.append(who.record_actor, "observation.edit", subject, payload, key, expect_version=version)

    def conflict(current: dict[str, t.Any]) -> JSONResponse:
        return failure(409, "conflict", "This observation was changed since you opened it; here it is now.",
                       observation=_shown(actor, current))

    applied = await perform(conduct, job, conflict)
    if isinstance(applied, JSONResponse):
        return applied
    return success(seq=applied.seq, replay=applied.replay, observation=_shown(actor, applied.state))


@guarded()
async def close_evaluation(request: Request, who: Principal) -> Response:
    """``POST /api/evaluation/close`` ``{key}``: no observation may be added or changed after this."""
    conduct = conduct_of(request)
    if not access.can(who.actor, "evaluation.close"):
        return failure(403, "forbidden", "Only the exercise director closes the evaluation.")
    body = await read_json(request)
    try:
        key = idem(who, body)
    except Refusal as exc:
        return failure(exc.status, exc.code, exc.message)

    applied = await append(conduct, who, "evaluation.close", "evaluation", {}, key)
    if isinstance(applied, JSONResponse):
        return applied
    return success(seq=applied.seq, replay=applied.replay, closed=True)
