"""Rules on the exercise's doctrinal structure: phases, main events → main incidents → injects,
and the custom MEL/MIL columns.

The hierarchy is optional (a small table-top exercise may keep a flat MEL), but once a planner
writes it, it must hold together: phases are real spans inside the exercise that do not overlap,
every incident lies inside its phase, every inject falls in a phase, and every main event is
carried by at least one inject, or the storyline it promises never reaches the training audience.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict

from exgen.core.suggest import Suggester, hint

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx
    from exgen.model import Phase


def _span(ctx: Ctx, start: int, end: int) -> str:
    return f"{ctx.model.dtime(start)} to {ctx.model.dtime(end)}"


def check_phase_windows(ctx: Ctx) -> None:
    """invalid-window / time-outside-exercise / phases-overlap: each phase is a span inside the
    exercise, after the one before it, without overlapping another."""
    m = ctx.model
    end = m.info.duration
    for p in m.phases:
        if p.end <= p.start:
            ctx.add("invalid-window", f"{p.pointer}/end",
                    f"phase {p.id} ends at {m.dtime(p.end)}, not after its start {m.dtime(p.start)}")
            continue
        for minutes, field in ((p.start, "start"), (p.end, "end")):
            if m.info.endex > m.info.startex and not 0 <= minutes <= end:
                side = "before STARTEX" if minutes < 0 else "after ENDEX"
                ctx.add("time-outside-exercise", f"{p.pointer}/{field}",
                        f"phase {p.id} {field}s at {m.dtime(minutes)}, {side} (the exercise runs "
                        f"{_span(ctx, 0, end)})")
    ordered = sorted((p for p in m.phases if p.end > p.start), key=lambda p: (p.start, p.end))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            ctx.add("phases-overlap", f"{after.pointer}/start",
                    f"phase {after.id} ({_span(ctx, after.start, after.end)}) overlaps phase {before.id} "
                    f"({_span(ctx, before.start, before.end)}); an inject in both could not be placed in one",
                    related=(before.pointer,))


def check_incidents_in_phase(ctx: Ctx) -> None:
    """incident-outside-phase: a main incident's start and end lie within its phase."""
    m = ctx.model
    for c in m.main_incidents:
        phase: Phase | None = m.get("phases", c.phase)
        if phase is None:
            continue
        for minutes, field in ((c.start, "start"), (c.end, "end")):
            if minutes is not None and not phase.start <= minutes <= phase.end:
                ctx.add("incident-outside-phase", f"{c.pointer}/{field}",
                        f"main incident {c.id} {field}s at {m.dtime(minutes)}, outside its phase {phase.id} "
                        f"({_span(ctx, phase.start, phase.end)})")
        if c.start is not None and c.end is not None and c.end <= c.start:
            ctx.add("invalid-window", f"{c.pointer}/end",
                    f"main incident {c.id} ends at {m.dtime(c.end)}, not after its start {m.dtime(c.start)}")


def check_injects_in_phases(ctx: Ctx) -> None:
    """inject-outside-phase: when phases are given, every inject falls in one, and an inject that
    serves an incident falls in that incident's phase."""
    m = ctx.model
    if not m.phases:
        return
    for i in m.injects:
        incident = m.get("main_incidents", i.incident)
        phase = m.get("phases", incident.phase) if incident is not None else None
        if phase is not None:
            if not phase.start <= i.time <= phase.end:
                ctx.add("inject-outside-phase", f"{i.pointer}/time",
                        f"inject {i.id} at {m.dtime(i.time)} serves main incident {incident.id}, which lies in "
                        f"phase {phase.id} ({_span(ctx, phase.start, phase.end)}); the inject is outside it")
        elif not any(p.start <= i.time <= p.end for p in m.phases):
            ctx.add("inject-outside-phase", f"{i.pointer}/time",
                    f"inject {i.id} at {m.dtime(i.time)} falls in no phase; the phases are "
                    + ", ".join(f"{p.id} {_span(ctx, p.start, p.end)}" for p in m.phases))


def check_events_carried(ctx: Ctx) -> None:
    """event-without-injects: every main event has at least one inject, through its incidents."""
    m = ctx.model
    carried: dict[str, int] = defaultdict(int)
    for i in m.injects:
        incident = m.get("main_incidents", i.incident)
        if incident is not None:
            carried[incident.event] += 1
    for e in m.main_events:
        if not carried.get(e.id):
            incidents = [c.id for c in m.main_incidents if c.event == e.id]
            how = (f"none of its main incidents ({', '.join(incidents)}) has an inject" if incidents
                   else "no main incident serves it")
            ctx.add("event-without-injects", f"{e.pointer}/id",
                    f"main event {e.id} reaches the training audience through no inject: {how}")


def check_msel_columns(ctx: Ctx) -> None:
    """unknown-msel-column: each column exercise.msel_columns names is a field some inject carries."""
    m = ctx.model
    carried = {name for i in m.injects for name, _ in i.custom}
    suggester = Suggester(sorted(carried))
    for n, name in enumerate(m.info.msel_columns):
        if name not in carried:
            ctx.add("unknown-msel-column", f"/exercise/msel_columns/{n}",
                    f"MEL/MIL column '{name}' is carried by no inject, so it would print empty; add "
                    f"'{name}:' to the injects or drop the column{hint(suggester.closest(name))}")


CHECKS = (check_phase_windows, check_incidents_in_phase, check_injects_in_phases, check_events_carried,
          check_msel_columns)
