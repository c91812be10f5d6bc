"""The vocabulary of the conduct record: who acts, what is stored, what an append answers, how it fails."""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

__all__ = ["Actor", "ActorLike", "Applied", "Conflict", "Event", "RecordError", "Rejected", "wall_ms", "wall_text"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MS = dt.timedelta(milliseconds=1)


class ActorLike(t.Protocol):
    """Whoever acts, as the record reads them (``Actor`` here or ``access.Actor``)."""

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """Who acts: an account's user name, its role and its scope (design §3)."""

    username: str
    role: str
    scope: t.Mapping[str, t.Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """One row of the record, its payload parsed."""

    seq: int
    wall: str
    ex_time: float | None
    actor: str
    role: str
    kind: str
    subject: str
    payload: dict[str, t.Any]
    idem: str | None

    def as_dict(self) -> dict[str, t.Any]:
        """The event as JSON-ready data, keys in the record's column order."""
        return {"seq": self.seq, "wall": self.wall, "ex_time": self.ex_time, "actor": self.actor,
                "role": self.role, "kind": self.kind, "subject": self.subject, "payload": self.payload,
                "idem": self.idem}


@dataclass(frozen=True)
class Applied:
    """What an append did: the event's number, whether it was a replay, and the subject's new state."""

    seq: int
    replay: bool
    kind: str
    subject: str
    state: dict[str, t.Any] | None


class RecordError(Exception):
    """An action the record did not take."""


class Rejected(RecordError):
    """The action is not allowed or not well formed; ``code`` is stable, ``message`` plain English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Conflict(RecordError):
    """The subject changed since the client saw it (``expect_version`` is stale); ``current`` is its state."""

    def __init__(self, current: dict[str, t.Any]) -> None:
        super().__init__(f"changed by someone else; it is now at version {current.get('version')}")
        self.current = current


def wall_text(ms: int) -> str:
    """Unix milliseconds as the record's wall time, ISO 8601 UTC with milliseconds.

    >>> wall_text(1_800_000_000_123)
    '2027-01-15T08:00:00.123Z'
    """
    moment = _EPOCH + dt.timedelta(milliseconds=ms)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def wall_ms(text: str) -> int:
    """The record's wall time back as Unix milliseconds (exactly what :func:`wall_text` was given).

    >>> wall_ms(wall_text(1_800_000_000_123))
    1800000000123
    """
    moment = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    return (moment - _EPOCH) // _MS
