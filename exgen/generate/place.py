"""Timeline placement: the battle-rhythm window of each exercise day, and free times inside it.

Times are minutes from STARTEX, as in the model. A day's window is the battle rhythm on that
calendar day (D+N) clipped to STARTEX..ENDEX; windows shorter than an hour are not used.
Times are on the five-minute clock grid and kept at least :data:`GAP` minutes apart where the
window allows it.
"""

from __future__ import annotations

import bisect
import random
import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from exgen.model import ExerciseInfo

#: Shortest window (minutes) a day needs to be used for injects.
MIN_WINDOW = 60
#: Preferred distance (minutes) between two injects of the same day.
GAP = 10
GRID = 5


@dataclass(frozen=True)
class Day:
    """One exercise day: its D-number and its battle-rhythm window in minutes from STARTEX."""

    number: int
    start: int
    end: int

    def holds(self, minute: int) -> bool:
        """True when an inject may be placed at ``minute`` (the window's last grid mark excluded)."""
        return self.start <= minute <= self.end - GRID


def clock(text: str) -> int:
    """Minutes after midnight of ``HH:MM``.

    >>> clock("07:30")
    450
    """
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def days(info: ExerciseInfo, start: int, end: int) -> list[Day]:
    """The usable days of the exercise for a daily rhythm from ``start`` to ``end`` (minutes of the day).

    An ``end`` at or before ``start`` runs into the next day.
    """
    if end <= start:
        end += 1440
    offset = info.startex.hour * 60 + info.startex.minute  # STARTEX minute within D+0
    last = (offset + info.duration) // 1440
    out = []
    for number in range(-1, last + 1):
        base = number * 1440 - offset
        lo, hi = max(base + start, 0), min(base + end, info.duration)
        lo = _up(lo, offset)
        if hi - lo >= MIN_WINDOW:
            out.append(Day(number, lo, hi))
    return out


def _up(minute: int, offset: int) -> int:
    """``minute`` moved up to the next five-minute clock mark."""
    return minute + (-(minute + offset)) % GRID


@dataclass
class Timeline:
    """Times already taken, per day, so new injects spread out."""

    offset: int
    taken: dict[int, list[int]] = field(default_factory=dict)

    def take(self, day: Day, minute: int) -> int:
        bisect.insort(self.taken.setdefault(day.number, []), minute)
        return minute

    def pick(self, day: Day, rng: random.Random, earliest: int | None = None, latest: int | None = None) -> int:
        """A free time on the grid in ``[earliest, latest]`` (default: the day's window), taken."""
        lo = _up(max(day.start, earliest if earliest is not None else day.start), self.offset)
        hi = min(day.end - GRID, latest if latest is not None else day.end)
        hi = max(hi, lo)
        grid = list(range(lo, hi + 1, GRID))
        taken = self.taken.get(day.number, [])
        free = [m for m in grid if _clear(taken, m)]
        return self.take(day, rng.choice(free or grid))


def _clear(taken: list[int], minute: int) -> bool:
    """True when no taken time is within :data:`GAP` minutes of ``minute``."""
    i = bisect.bisect_left(taken, minute - GAP + 1)
    return i >= len(taken) or taken[i] > minute + GAP - 1


def day_of(days_: t.Sequence[Day], minute: int) -> Day | None:
    """The day whose window holds ``minute``."""
    return next((d for d in days_ if d.holds(minute)), None)


def schedule(slots: list[t.Any], days_: t.Sequence[Day], offset: int, seed: int,
             follow_up: t.Callable[[t.Any], tuple[t.Any, int] | None],
             contingency: t.Callable[[t.Any, t.Any, Day, int], t.Any | None]) -> list[t.Any]:
    """Times for the slots without one, then a contingency slot after each slot that has a follow-up.

    A slot with a follow-up is placed early enough for its contingency (``after`` minutes later)
    to fall in the same day's window where the window allows; otherwise the contingency goes
    to the start of the next day, and is dropped when there is no later day.
    """
    from exgen.core.seeding import entity_seed

    timeline = Timeline(offset)
    for s in slots:
        if s.time is not None:
            timeline.take(s.day, s.time)
    for s in slots:
        if s.time is None:
            rng = random.Random(entity_seed(seed, "time", s.key))
            latest = None
            follow = follow_up(s)
            if follow is not None and s.day.end - follow[1] - 2 * GRID >= s.day.start:
                latest = s.day.end - follow[1] - 2 * GRID
            s.time = timeline.pick(s.day, rng, latest=latest)
    out = list(slots)
    for s in slots:
        follow = follow_up(s)
        if follow is None:
            continue
        pattern, after = follow
        minute = _up(s.time + after, offset)
        day = day_of(days_, minute)
        if day is None:
            day = next((d for d in days_ if d.start > s.time), None)
            if day is None:
                continue
            minute = timeline.pick(day, random.Random(entity_seed(seed, "time", s.key + "/contingency")),
                                   latest=day.start + 60)
        else:
            timeline.take(day, minute)
        child = contingency(s, pattern, day, minute)
        if child is not None:
            out.append(child)
    return out
