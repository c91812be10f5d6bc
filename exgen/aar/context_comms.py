"""Comms in the AAR: each PACE plan's planned timeline beside what was observed, and the accepted gaps.

A plan "fell further" when an observed level is worse (primary → emergency) than the level its
timeline planned at that time. The predicted gaps are the definition's ``accept:`` entries; one
"showed" when the record has evidence naming one of its ids: a comms event on it (down, or on a
level other than primary), an annotation or response on an inject, or an observation.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from exgen.aar.record_types import CommsEvent, Record

__all__ = ["LEVELS", "comms"]

#: Best to worst.
LEVELS = ("primary", "alternate", "contingency", "emergency")
#: How many pieces of evidence a gap quotes.
EVIDENCE = 3


def comms(exercise: t.Mapping[str, t.Any], record: Record | None, observations: t.Sequence[t.Mapping[str, t.Any]],
          dtime: t.Callable[[float | None], str]) -> dict[str, t.Any]:
    """The ``comms`` of the AAR context; ``observations`` are every objective's notes (text, dtime, evaluator)."""
    events = sorted(record.comms if record is not None else [], key=lambda e: (e.ex_time is None, e.ex_time or 0,
                                                                                   e.seq))
    plans = []
    for plan in exercise.get("pace") or []:
        if not isinstance(plan, dict) or not isinstance(plan.get("id"), str):
            continue
        timeline = [s for s in plan.get("timeline") or [] if isinstance(s, dict)]
        planned = [{"start": s.get("start"), "end": s.get("end"), "level": s.get("level"), "net": s.get("net"),
                    "start_dtime": dtime(s.get("start")), "end_dtime": dtime(s.get("end"))} for s in timeline]
        observed, fell = [], False
        for event in events:
            if event.pace != plan["id"]:
                continue
            expected = _planned_level(timeline, event.ex_time)
            worse = _worse(event.level, expected)
            fell = fell or worse
            observed.append({"ex_time": event.ex_time, "dtime": dtime(event.ex_time), "state": event.state,
                             "level": event.level, "text": event.text, "planned_level": expected, "worse": worse,
                             "units": list(event.units)})
        plans.append({"id": plan["id"], "between": list(plan.get("between") or []), "planned": planned,
                      "observed": observed, "fell_further": fell})
    nets = [{"net": e.net, "ex_time": e.ex_time, "dtime": dtime(e.ex_time), "state": e.state, "text": e.text,
             "units": list(e.units)} for e in events if e.pace is None]
    predicted = _accepted(exercise)
    showed = [{"code": p["code"], "ids": p["ids"], **_evidence(p["ids"], events, record, observations, dtime)}
              for p in predicted]
    return {"plans": plans, "net_events": nets, "predicted_gaps": predicted, "gaps_showed": showed}


def _planned_level(timeline: list[dict[str, t.Any]], ex_time: float | None) -> str | None:
    if ex_time is None:
        return None
    for step in timeline:
        start, end = step.get("start"), step.get("end")
        if isinstance(start, (int, float)) and isinstance(end, (int, float)) and start <= ex_time < end:
            return str(step.get("level"))
    return None


def _worse(observed: str | None, planned: str | None) -> bool:
    if observed not in LEVELS:
        return False
    return LEVELS.index(observed) > LEVELS.index(planned if planned in LEVELS else "primary")


def _accepted(exercise: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
    definition = exercise.get("definition")
    head = definition.get("exercise") if isinstance(definition, dict) else None
    entries = head.get("accept") if isinstance(head, dict) else None
    found = []
    for entry in entries or []:
        if isinstance(entry, dict):
            found.append({"code": str(entry.get("code", "")), "ids": [str(i) for i in entry.get("ids") or []],
                          "reason": " ".join(str(entry.get("reason", "")).split())})
    return found


def _mentions(text: str, ids: t.Sequence[str]) -> bool:
    words = set(text.replace(",", " ").replace(";", " ").replace("(", " ").replace(")", " ").split())
    return any(i in words for i in ids)


def _evidence(ids: list[str], events: list[CommsEvent], record: Record | None,
              observations: t.Sequence[t.Mapping[str, t.Any]], dtime: t.Callable[[float | None], str]
              ) -> dict[str, t.Any]:
    """Whether the record shows an accepted gap, and the evidence quoted (first few, oldest first)."""
    found: list[tuple[float, str]] = []
    for event in events:
        named = {event.pace, event.net, *event.units} & set(ids)
        if named and (event.state == "down" or event.level not in (None, "primary")):
            what = event.pace or event.net
            level = f" on {event.level}" if event.level else ""
            found.append((event.ex_time or 0, f"{dtime(event.ex_time)} {what} {event.state}{level}: {event.text}"
                          .rstrip(": ")))
    if record is not None:
        for run in record.injects.values():
            for note in [*run.annotations, *run.responses]:
                if _mentions(note.text, ids):
                    found.append((note.ex_time or 0, f"{dtime(note.ex_time)} {run.id}: {note.text}"))
    for seen in observations:
        if _mentions(str(seen.get("text", "")), ids):
            found.append((seen.get("minutes") or 0, f"{seen.get('dtime', '')} {seen.get('evaluator', '')}: "
                                                     f"{seen.get('text', '')}"))
    found.sort()
    quoted = [" ".join(text.split()).rstrip(".") for _, text in found[:EVIDENCE]]
    return {"showed": bool(found), "evidence": "; ".join(quoted)}
