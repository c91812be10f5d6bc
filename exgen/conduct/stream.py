"""The live stream (server-sent events): every change, to every client allowed to see it, within a second.

After each commit the handler calls :meth:`Hub.publish`, which wakes every listener at once (one
:class:`asyncio.Event` per wake-up, no polling). A woken listener asks the hub for the events it
has not sent yet; the hub reads them from the record once, with the state of their subject (the
inject view, the observation or the clock), and keeps the recent ones, so fifty listeners cost one
read. Each listener then filters them through :func:`exgen.conduct.access.visible_event` for its
own actor: an event it may not see is skipped (the next id it sends still tells the client where
to resume). A client that reconnects sends ``Last-Event-ID`` (or ``?after=N``) and gets exactly
the visible events it missed.
"""

from __future__ import annotations

import asyncio
import json
import typing as t
from dataclasses import dataclass

from exgen.conduct import access
from exgen.conduct.record_project import observation_row

if t.TYPE_CHECKING:
    from exgen.conduct.record import Record
    from exgen.conduct.record_types import Event

#: Seconds between keep-alive comments on a quiet stream.
KEEPALIVE = 15.0
#: Events read from the record at a time.
BATCH = 500
#: Recent events the hub keeps for listeners that are behind by a few.
CACHE = 4096
#: The client's reconnection delay, milliseconds (sent once at the start of a stream).
RETRY_MS = 2000


@dataclass(frozen=True)
class Entry:
    """One event with the state of its subject after it (None for kinds without one)."""

    event: Event
    view: dict[str, t.Any] | None


def subject_view(record: Record, event: Event) -> dict[str, t.Any] | None:
    """The state of an event's subject as the record holds it now: inject view, observation or clock."""
    kind = event.kind
    if kind.startswith("inject."):
        try:
            return record.inject_view(event.subject)
        except KeyError:
            return None
    if kind.startswith("observation."):
        subject = event.subject
        return observation_row(record.conn, int(subject)) if subject.isdigit() and len(subject) < 19 else None
    if kind.startswith("clock."):
        return dict(record.clock_state())
    return None


def load(record: Record, after: int, limit: int = BATCH) -> list[Entry]:
    """Events after ``after`` with their subjects' views (run on a reader thread)."""
    return [Entry(e, subject_view(record, e)) for e in record.events_after(after, limit)]


Loader = t.Callable[[int], t.Awaitable[list[Entry]]]


class Hub:
    """Wakes listeners after each commit and shares the events they read."""

    def __init__(self, loader: Loader, latest: int = 0) -> None:
        self._loader = loader
        self.latest = latest
        self.closed = False
        self._event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reading: asyncio.Lock | None = None
        self._cache: dict[int, Entry] = {}
        #: The cache holds every event with ``low < seq <= high``.
        self._low = self._high = latest

    def _signal(self) -> asyncio.Event:
        """The event listeners wait on, made for the running loop (a test may run several loops)."""
        loop = asyncio.get_running_loop()
        if self._event is None or self._loop is not loop:
            self._loop, self._event, self._reading = loop, asyncio.Event(), asyncio.Lock()
        return self._event

    def publish(self, seq: int) -> None:
        """A write committed event ``seq``: wake every listener (call on the event loop)."""
        if seq > self.latest:
            self.latest = seq
        self._wake()

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        if self._event is not None:
            signal, self._event = self._event, asyncio.Event()
            signal.set()

    async def wait(self, seen: int, timeout: float) -> bool:
        """Wait until an event after ``seen`` is committed or the hub closes; False on timeout."""
        signal = self._signal()
        if self.latest > seen or self.closed:
            return True
        try:
            await asyncio.wait_for(signal.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    async def after(self, seen: int) -> list[Entry]:
        """Up to :data:`BATCH` events after ``seen``, from the cache when it has them all."""
        cached = self._cached(seen)
        if cached is not None:
            return cached
        self._signal()
        assert self._reading is not None
        async with self._reading:
            cached = self._cached(seen)
            if cached is not None:
                return cached
            known = self.latest
            entries = await self._loader(seen)
            self._keep(seen, entries, known)
            return entries

    def _cached(self, seen: int) -> list[Entry] | None:
        if not self._low <= seen <= self._high or self.latest > self._high:
            return None
        found = [self._cache[s] for s in range(seen + 1, self._high + 1) if s in self._cache]
        return found[:BATCH]

    def _keep(self, seen: int, entries: list[Entry], known: int) -> None:
        """Remember a read of the events after ``seen`` when it joins the cached range."""
        high = entries[-1].event.seq if entries else seen
        if len(entries) < BATCH:
            high = max(high, known)
        if not self._low <= seen <= self._high:
            self._cache.clear()
            self._low = self._high = seen
        for entry in entries:
            self._cache[entry.event.seq] = entry
        self._high = max(self._high, high)
        if len(self._cache) > CACHE:
            for seq in sorted(self._cache)[:len(self._cache) - CACHE]:
                del self._cache[seq]
            self._low = min(self._cache) - 1


def message(data: dict[str, t.Any]) -> str:
    """One server-sent event: ``id``, ``event: change`` and the JSON data on one line."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {data['seq']}\nevent: change\ndata: {text}\n\n"


async def messages(hub: Hub, actor: access.Actor, seen: int,
                   still_signed_in: t.Callable[[], t.Awaitable[bool]]) -> t.AsyncIterator[str]:
    """The stream for ``actor`` from after event ``seen``: the backlog, then live, with keep-alives.

    Between quiet periods the session is checked again, so a stream ends soon after its user
    signs out or their account is re-issued.
    """
    yield f"retry: {RETRY_MS}\n\n"
    while not hub.closed:
        entries = await hub.after(seen) if hub.latest > seen else []
        for entry in entries:
            seen = entry.event.seq
            data = access.visible_event(actor, entry.event, entry.view)
            if data is not None:
                yield message(data)
        if len(entries) >= BATCH:
            continue
        if not await hub.wait(seen, KEEPALIVE):
            if not await still_signed_in():
                return
            yield ": keep-alive\n\n"
