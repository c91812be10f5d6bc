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
    offset = info.start_minute  # STARTEX minute within D+0
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


def in_hours(hours: tuple[int, int] | None, minute: int, offset: int) -> bool:
    """True when ``minute`` (from STARTEX) falls in the daily window ``hours`` (None: any time)."""
    if hours is None:
        return True
    start, end = hours
    clock_ = (minute + offset) % 1440
    return start <= clock_ < end if start < end else (clock_ >= start or clock_ < end)


@dataclass
class Timeline:
    """Times already taken, per day and per recipient, so new injects spread out.

    ``gap`` is the least time (minutes) between two injects to the same recipient: a hard rule.
    Two injects of the day are kept :data:`GAP` minutes apart where the window allows.
    """

    offset: int
    gap: int = 0
    taken: dict[int, list[int]] = field(default_factory=dict)
    by_unit: dict[str, list[int]] = field(default_factory=dict)

    def take(self, day: Day, minute: int, to: t.Sequence[str] = ()) -> int:
        bisect.insort(self.taken.setdefault(day.number, []), minute)
        for u in to:
            bisect.insort(self.by_unit.setdefault(u, []), minute)
        return minute

    def release(self, day: Day, minute: int, to: t.Sequence[str] = ()) -> None:
        """Give back a time :meth:`take` took."""
        self.taken[day.number].remove(minute)
        for u in to:
            self.by_unit[u].remove(minute)

    def free_for(self, to: t.Sequence[str], minute: int) -> bool:
        """True when no inject to any of ``to`` is within ``gap`` minutes of ``minute``."""
        return all(_clear(self.by_unit.get(u, []), minute, self.gap) for u in to)

    def pick(self, day: Day, rng: random.Random, earliest: int | None = None, latest: int | None = None,
             to: t.Sequence[str] = (), hours: tuple[int, int] | None = None) -> int | None:
        """A free time on the grid in ``[earliest, latest]`` (default: the day's window) that keeps the
        recipients' gap and the pattern's ``hours``, taken; None when the day has none."""
        lo = _up(max(day.start, earliest if earliest is not None else day.start), self.offset)
        hi = min(day.end - GRID, latest if latest is not None else day.end)
        grid = [m for m in range(lo, hi + 1, GRID) if in_hours(hours, m, self.offset) and self.free_for(to, m)]
        if not grid:
            return None
        taken = self.taken.get(day.number, [])
        free = [m for m in grid if _clear(taken, m, GAP)]
        return self.take(day, rng.choice(free or grid), to)


def _clear(taken: list[int], minute: int, gap: int) -> bool:
    """True when no taken time is within ``gap`` minutes of ``minute``."""
    i = bisect.bisect_left(taken, minute - gap + 1)
    return i >= len(taken) or taken[i] > minute + gap - 1


def day_of(days_: t.Sequence[Day], minute: int) -> Day | None:
    """The day whose window holds ``minute``."""
    return next((d for d in days_ if d.holds(minute)), None)


#: Least time (minutes) between two steps of one storyline on the same day.
STEP = 60
#: How far (minutes) an announcement may move later to keep its recipient's gap.
SHIFT = 60


def place(slots: t.Sequence[t.Any], days_: t.Sequence[Day], timeline: Timeline, seed: int,
          follow_up: t.Callable[[t.Any], tuple[t.Any, int] | None]) -> tuple[list[t.Any], list[str]]:
    """Times for the slots on ``timeline``: the slots kept, and notes on those dropped.

    Slots with a time (announcements) keep it, moved up to :data:`SHIFT` minutes later when their
    recipient already has an inject within the timeline's gap. Storyline steps follow each other
    in order, at least :data:`STEP` minutes apart on one day, each early enough on its day to leave
    room for the steps after it there. A slot with a follow-up is placed early enough for its
    contingency (``after`` minutes later) to fall in the same day where the window allows. A slot
    with no room on its day moves to the nearest day with room; one with no room at all is dropped.
    """
    from exgen.core.seeding import entity_seed

    notes: list[str] = []
    kept: list[t.Any] = []
    for s in sorted((s for s in slots if s.time is not None), key=lambda s: (s.time, s.key)):
        moved = next((m for m in range(s.time, s.time + SHIFT + 1, GRID)
                      if s.day.holds(m) and timeline.free_for(s.to, m)), None)
        if moved is None:
            notes.append(f"{s.key}: no time near {s.time} keeps the recipients' gap; not drafted")
            continue
        s.time = timeline.take(s.day, moved, s.to)
        kept.append(s)
    last: dict[str, int] = {}
    free = [s for s in slots if s.time is None]
    for s in sorted(free, key=lambda s: (s.story is None, s.story or ("", 0))):
        rng = random.Random(entity_seed(seed, "time", s.key))
        earliest = last.get(s.story[0]) if s.story else None
        follow = follow_up(s)
        placed = None
        for day in _days_for(s, days_, earliest):
            later = sum(1 for o in free if s.story and o.story and o.story[0] == s.story[0]
                        and o.story[1] > s.story[1] and o.day.number <= day.number)
            bounds = [day.end - GRID - later * (STEP + GRID)] if later else []
            if follow is not None and day.end - follow[1] - 2 * GRID >= day.start:
                bounds.append(day.end - follow[1] - 2 * GRID)
            after = earliest + STEP if earliest is not None else None
            for latest in ([min(bounds)] if bounds else []) + [None]:
                placed = timeline.pick(day, rng, earliest=after, latest=latest, to=s.to, hours=s.pattern.hours)
                if placed is not None:
                    break
            if placed is not None:
                s.day = day
                break
        if placed is None:
            notes.append(f"{s.key} ({s.pattern.id}): no time in the battle rhythm keeps the gap between injects "
                         "to its recipient; not drafted")
            continue
        s.time = placed
        if s.story:
            last[s.story[0]] = placed
        kept.append(s)
    return kept, notes


def add_contingencies(kept: list[t.Any], days_: t.Sequence[Day], timeline: Timeline, seed: int,
                      follow_up: t.Callable[[t.Any], tuple[t.Any, int] | None],
                      contingency: t.Callable[[t.Any, t.Any, Day, int], t.Any | None]) -> list[t.Any]:
    """``kept`` and a contingency slot after each slot that has a follow-up: ``after`` minutes later,
    else at the start of the next day; dropped when there is no later day or no room."""
    from exgen.core.seeding import entity_seed

    offset = timeline.offset
    out = list(kept)
    for s in kept:
        follow = follow_up(s)
        if follow is None:
            continue
        pattern, after = follow
        minute = _up(s.time + after, offset)
        same: Day | None = day_of(days_, minute)
        rng = random.Random(entity_seed(seed, "time", s.key + "/contingency"))
        placed = None
        if same is not None:
            placed = timeline.pick(same, rng, earliest=minute, latest=minute + 60, to=s.to, hours=pattern.hours)
        chosen = same
        if placed is None:
            chosen = next((d for d in days_ if d.start > s.time and (same is None or d.number > same.number)), None)
            if chosen is not None:
                placed = timeline.pick(chosen, rng, latest=chosen.start + 90, to=s.to, hours=pattern.hours)
        if chosen is None or placed is None:
            continue
        child = contingency(s, pattern, chosen, placed)
        if child is not None:
            out.append(child)
        else:
            timeline.release(chosen, placed, s.to)
    return out


def _days_for(slot: t.Any, days_: t.Sequence[Day], earliest: int | None) -> list[Day]:
    """Days to try for ``slot``: its own first, then the nearest others (a storyline step: not before
    the previous step)."""
    options = [d for d in days_ if earliest is None or d.end > earliest + STEP]
    return sorted(options, key=lambda d: (abs(d.number - slot.day.number), d.number))
