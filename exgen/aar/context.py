"""The AAR context: package data + conduct record + filled workbooks (+ register changes) → plain data.

:func:`build_context` gives exactly the keys of the AAR contract (/tmp design, docs/after-action.md):
exercise, generated_from, overview, objectives, injects, execution, comms, improvement_plan,
register. The templates read only these. Everything is sorted and no clock is read, so the same
inputs give the same dict.
"""

from __future__ import annotations

import typing as t

from exgen.aar.context_comms import comms
from exgen.aar.context_objectives import objectives
from exgen.aar.record_types import planned_runs
from exgen.model.time import TimeError, format_dtime, parse_datetime

if t.TYPE_CHECKING:
    import datetime as dt

    from exgen.aar.record_types import InjectRun, Record
    from exgen.aar.register import Gap, Register
    from exgen.aar.register_update import Changes
    from exgen.aar.workbook import Workbook

__all__ = ["EXERCISE_KEYS", "LATE_MINUTES", "PARTICIPANT_ROLES", "build_context", "register_section"]

#: A delivery this many minutes or more after the planned time is late.
LATE_MINUTES = 15
EXERCISE_KEYS = ("id", "name", "type", "classification", "marking", "banner", "startex", "endex", "startex_dtg",
                 "endex_dtg", "duration", "director")
#: The units an AAR lists as participants (not response cells, the opposing force or observers).
PARTICIPANT_ROLES = ("training-audience", "enabler")
_DELIVERED = ("delivered", "acknowledged", "completed")

WorkbookLike = t.Union["Workbook", tuple[str, "Workbook"]]


def build_context(exercise: t.Mapping[str, t.Any], record: Record | None, workbooks: t.Sequence[WorkbookLike] = (),
                  register: tuple[Register, Changes] | None = None) -> dict[str, t.Any]:
    """The AAR context of the contract from the package's parsed data/exercise.json, the record read by
    :func:`exgen.aar.record.read_record` and the workbooks read by ``read_workbook`` (each a Workbook or
    ``(file name, Workbook)``); ``register`` is the register and what updating it changed."""
    found = exercise.get("exercise")
    head: t.Mapping[str, t.Any] = found if isinstance(found, dict) else {}
    startex = _startex(head)

    def dtime(minutes: float | None) -> str:
        return format_dtime(int(minutes // 1), startex) if startex is not None and minutes is not None else ""

    books = [(b if isinstance(b, tuple) else (f"workbook {n}", b)) for n, b in enumerate(workbooks, 1)]
    per_objective = objectives(exercise, record, books, dtime)
    injects = _injects(exercise, record, dtime)
    notes = [n for o in per_objective for key in ("strengths", "improvements", "observations") for n in o[key]]
    return {
        "exercise": {key: head.get(key) for key in EXERCISE_KEYS},
        "generated_from": {"record": record.source if record is not None else None,
                           "events": record.events if record is not None else 0,
                           "workbooks": sorted(name for name, _ in books),
                           "register": register[0].series if register is not None else None},
        "overview": _overview(exercise, record, injects, dtime),
        "objectives": per_objective,
        "injects": injects,
        "execution": _execution(injects),
        "comms": comms(exercise, record, notes, dtime),
        "improvement_plan": _plan(per_objective, register[0] if register is not None else None),
        "register": register_section(*register) if register is not None else None,
    }


def register_section(register: Register, changes: Changes) -> dict[str, t.Any]:
    """The ``register`` key: the series and the gap ids an update added, saw again, would close, did not test."""
    return {"series": register.series, "changes": {
        "new": sorted(changes.new), "seen_again": sorted(changes.seen_again),
        "candidates_for_closure": sorted(changes.candidates_for_closure), "not_tested": sorted(changes.not_tested)}}


def _startex(head: t.Mapping[str, t.Any]) -> dt.datetime | None:
    try:
        return parse_datetime(str(head.get("startex")))
    except TimeError:
        return None


def _injects(exercise: t.Mapping[str, t.Any], record: Record | None,
             dtime: t.Callable[[float | None], str]) -> list[dict[str, t.Any]]:
    runs: dict[str, InjectRun] = record.injects if record is not None else planned_runs(exercise)
    rows = []
    for run in runs.values():
        released, delivered = run.times.get("release"), run.times.get("deliver")
        delay = round(delivered - run.planned) if delivered is not None and run.planned is not None else None
        rows.append({"id": run.id, "serial": run.serial, "title": run.title, "planned_time": run.planned,
                     "planned_dtime": dtime(run.planned), "status": run.status,
                     "released_dtime": dtime(released), "delivered_dtime": dtime(delivered),
                     "delay_minutes": delay, "adhoc": run.adhoc, "held": run.status == "held",
                     "cancelled": run.status == "cancelled", "released_time": released, "delivered_time": delivered,
                     "retimed": [{"at_dtime": dtime(when), "to_dtime": dtime(to)} for when, to in run.retimes],
                     "annotations": [{"dtime": dtime(n.ex_time), "actor": n.actor, "text": n.text}
                                     for n in run.annotations],
                     "responses": [{"dtime": dtime(n.ex_time), "actor": n.actor, "text": n.text}
                                   for n in run.responses]})
    never = float("inf")
    return sorted(rows, key=lambda r: (r["planned_time"] if r["planned_time"] is not None else never,
                                       r["serial"] if r["serial"] is not None else never, r["id"]))


def _overview(exercise: t.Mapping[str, t.Any], record: Record | None, injects: list[dict[str, t.Any]],
              dtime: t.Callable[[float | None], str]) -> dict[str, t.Any]:
    planned = [i for i in injects if not i["adhoc"]]
    units = [u for u in exercise.get("units") or [] if isinstance(u, dict) and u.get("role") in PARTICIPANT_ROLES]
    evaluators = [e for e in exercise.get("evaluators") or [] if isinstance(e, dict)]
    return {
        "planned_injects": len(planned),
        "delivered": sum(1 for i in injects if i["status"] in _DELIVERED),
        "held": sum(1 for i in injects if i["held"]),
        "cancelled": sum(1 for i in injects if i["cancelled"]),
        "adhoc": len(injects) - len(planned),
        "not_run": sum(1 for i in planned if i["status"] == "planned"),
        "first_event_dtime": dtime(record.first_time() if record is not None else None),
        "last_event_dtime": dtime(record.last_time() if record is not None else None),
        "participants": [{"id": u.get("id"), "name": u.get("name"), "nation": u.get("nation")}
                         for u in sorted(units, key=lambda u: (str(u.get("nation")), str(u.get("id"))))],
        "evaluators": [{"id": e.get("id"), "name": e.get("name")} for e in sorted(evaluators,
                                                                                  key=lambda e: str(e.get("id")))],
    }


def _execution(injects: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """Planned injects by how they ran (ad-hoc injects only counted): late = delivered 15 minutes or more late."""
    planned = [i for i in injects if not i["adhoc"]]
    delays = [i["delay_minutes"] for i in planned if i["delay_minutes"] is not None]
    return {"on_time": sum(1 for d in delays if d < LATE_MINUTES), "late": sum(1 for d in delays if d >= LATE_MINUTES),
            "held": sum(1 for i in planned if i["held"]), "cancelled": sum(1 for i in planned if i["cancelled"]),
            "adhoc": len(injects) - len(planned),
            "not_delivered": sum(1 for i in planned if i["delay_minutes"] is None and not i["held"]
                                 and not i["cancelled"]),
            "late_threshold_minutes": LATE_MINUTES}


def _plan(per_objective: list[dict[str, t.Any]], register: Register | None) -> list[dict[str, t.Any]]:
    """One row per area for improvement, blanks for the planner; a gap the text names carries its action."""
    rows: list[dict[str, t.Any]] = []
    for objective in per_objective:
        for item in objective["improvements"]:
            gap = _gap_named(item["text"], register)
            action = gap.corrective_action if gap is not None else {}
            rows.append({"no": len(rows) + 1, "objective": objective["id"], "task": item["task"],
                         "area": item["text"], "corrective_action": action.get("action", ""),
                         "capability": gap.capability if gap is not None else "",
                         "responsible": action.get("responsible", ""), "start": action.get("start", ""),
                         "due": action.get("due", ""), "gap": gap.id if gap is not None else None,
                         "evaluator": item["evaluator"], "dtime": item["dtime"]})
    return rows


def _gap_named(text: str, register: Register | None) -> Gap | None:
    """The register's gap whose id the text names (whatever the case), or None."""
    if register is None:
        return None
    words = {w.strip(".,;:()[]").casefold() for w in text.split()}
    return next((g for g in register.gaps if g.id.casefold() in words), None)
