"""The conduct record: every action an event appended in one transaction with the state it changes.

``Record(conn, exercise).append(actor, kind, subject, payload, idem)`` takes one action: a repeated
idempotency key answers the first result again, a stale ``expect_version`` raises
:class:`Conflict` with the current state, an action the rules refuse raises :class:`Rejected`;
otherwise the event is inserted, the projections updated and the transaction committed before it
returns. The queries read the projections (or the events), on whichever connection the record holds.
"""

from __future__ import annotations

import json
import sqlite3
import time
import typing as t

from exgen.conduct import clock, record_views, store
from exgen.conduct.record_plan import Plan
from exgen.conduct.record_project import (
    EVENT_COLUMNS,
    event_from_row,
    load_clock,
    observation_row,
    project,
    rebuild_projections,
)
from exgen.conduct.record_rules import admit
from exgen.conduct.record_types import (
    Actor,
    ActorLike,
    Applied,
    Conflict,
    Event,
    RecordError,
    Rejected,
    wall_text,
)

__all__ = ["Actor", "ActorLike", "Applied", "Conflict", "Event", "Record", "RecordError", "Rejected",
           "rebuild_projections"]

MAX_IDEM = 200
#: The kinds whose subject the client names, so a reused idempotency key must name the same one.
_NAMED_SUBJECT = ("inject.", "observation.edit")


class Record:
    """The conduct record of one exercise on one connection (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection, exercise: t.Mapping[str, t.Any], *,
                 wall: t.Callable[[], float] = time.time) -> None:
        self.conn = conn
        self.exercise = exercise
        self.plan = Plan(exercise)
        self._wall = wall

    # -- writing -------------------------------------------------------------------------------------------

    def append(self, actor: ActorLike, kind: str, subject: str, payload: dict[str, t.Any], idem: str | None, *,
               expect_version: int | None = None) -> Applied:
        """Take one action in one transaction (BEGIN IMMEDIATE … COMMIT); see the module docstring."""
        _check_call(actor, kind, subject, idem, expect_version)
        with store.transaction(self.conn):
            if idem is not None:
                earlier = self.conn.execute("SELECT seq, actor, kind, subject FROM events WHERE idem = ?",
                                            (idem,)).fetchone()
                if earlier is not None:
                    return self._replay(earlier, actor, kind, subject)
            ms = int(round(self._wall() * 1000))
            ex_time = clock.now(load_clock(self.conn), ms / 1000)
            admitted = admit(self.conn, self.plan, actor, kind, subject, payload, expect_version, ex_time)
            text = json.dumps(admitted.payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            cursor = self.conn.execute(
                "INSERT INTO events (wall, ex_time, actor, role, kind, subject, payload, idem) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (wall_text(ms), ex_time, actor.username, actor.role, kind, admitted.subject, text, idem))
            seq = t.cast(int, cursor.lastrowid)
            # the payload as stored, so the projection sees exactly what a replay will see
            event = Event(seq, wall_text(ms), ex_time, actor.username, actor.role, kind, admitted.subject,
                          json.loads(text), idem)
            project(self.conn, self.plan, event)
            return Applied(seq, False, kind, admitted.subject, self._state_of(event))

    def _replay(self, earlier: t.Sequence[t.Any], actor: ActorLike, kind: str, subject: str) -> Applied:
        seq, who, what, about = earlier
        same_subject = about == subject or not kind.startswith(_NAMED_SUBJECT)
        if who != actor.username or what != kind or not same_subject:
            raise Rejected("idem-reused", "this idempotency key was already used for another action")
        row = self.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE seq = ?", (seq,)).fetchone()
        event = event_from_row(row)
        return Applied(seq, True, kind, about, self._state_of(event))

    def _state_of(self, event: Event) -> dict[str, t.Any] | None:
        """The subject's state now: inject view, observation, clock, comms entry or evaluation."""
        family = event.kind.split(".", 1)[0]
        if family == "inject":
            return self.inject_view(event.subject)
        if family == "observation":
            return observation_row(self.conn, int(event.subject))
        if family == "clock":
            return self.clock_state()
        if family == "comms":
            return next((c for c in self.comms_events() if c["seq"] == event.seq), None)
        if event.kind == "evaluation.close":
            return {"closed": True}
        return None

    # -- reading -------------------------------------------------------------------------------------------

    def events_after(self, seq: int, limit: int = 1000) -> list[Event]:
        """Up to ``limit`` events with a number above ``seq``, in order."""
        rows = self.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                                 (int(seq), max(0, int(limit))))
        return [event_from_row(r) for r in rows]

    def inject_view(self, inject_id: str) -> dict[str, t.Any]:
        """One inject as planned (or added) merged with its conduct state; KeyError when unknown."""
        return record_views.inject_view(self.conn, self.plan, inject_id)

    def injects(self) -> list[dict[str, t.Any]]:
        """Every inject's view, planned and ad hoc, by current time then serial."""
        return record_views.injects(self.conn, self.plan)

    def observations(self) -> list[dict[str, t.Any]]:
        """Every observation, oldest first."""
        return record_views.observations(self.conn)

    def comms_events(self) -> list[dict[str, t.Any]]:
        """The comms events logged, in order."""
        return record_views.comms_events(self.conn)

    def clock_state(self) -> dict[str, t.Any]:
        """The clock as stored, with ``now``: exercise minutes at this moment."""
        state = load_clock(self.conn)
        return {**state, "now": clock.now(state, self._wall())}

    def evaluation_closed(self) -> bool:
        """Whether the director has closed evaluation."""
        return bool(self.conn.execute("SELECT closed FROM evaluation WHERE id = 1").fetchone()[0])

    def last_seq(self) -> int:
        """The number of the newest event (0 for an empty record)."""
        return int(self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])


def _check_call(actor: ActorLike, kind: str, subject: str, idem: str | None, expect_version: int | None) -> None:
    """Refuse a malformed call before touching the file."""
    if not isinstance(actor.username, str) or not actor.username or not isinstance(actor.role, str) \
            or not actor.role:
        raise Rejected("bad-actor", "an action needs the user name and role of who takes it")
    if not isinstance(kind, str) or not isinstance(subject, str):
        raise Rejected("bad-payload", "kind and subject must be text")
    if idem is not None and (not isinstance(idem, str) or not 0 < len(idem) <= MAX_IDEM):
        raise Rejected("bad-idem", f"an idempotency key is 1 to {MAX_IDEM} characters")
    if expect_version is not None and (isinstance(expect_version, bool) or not isinstance(expect_version, int)):
        raise Rejected("bad-payload", "version must be a whole number")
