"""One schema-valid event of events.jsonl applied to a Record, checked against the package's exercise.json.

The record's own rules (exgen/conduct/record_rules.py) admitted every event when it was written;
here only what the after-action report relies on is checked again: that each inject, objective,
critical task, observation, net, PACE plan and unit an event names exists. An event that names
something else is reported at its line and left out.
"""

from __future__ import annotations

import typing as t

from exgen.aar.record_types import STATUS_AFTER, ClockChange, CommsEvent, InjectRun, Note, Record, RecordObservation
from exgen.core.diagnostics import Diagnostic, Location, error

__all__ = ["Applier"]


def _ids(exercise: t.Mapping[str, t.Any], key: str) -> frozenset[str]:
    items = exercise.get(key)
    return frozenset(i["id"] for i in items or [] if isinstance(i, dict) and isinstance(i.get("id"), str))


class Applier:
    """Applies events, in order, to one Record."""

    def __init__(self, record: Record, exercise: t.Mapping[str, t.Any]) -> None:
        self.record = record
        self.tasks: dict[str, tuple[str, ...]] = {
            o["id"]: tuple(str(x) for x in o.get("critical_tasks") or [])
            for o in exercise.get("objectives") or [] if isinstance(o, dict) and isinstance(o.get("id"), str)}
        self.nets, self.pace, self.units = _ids(exercise, "nets"), _ids(exercise, "pace"), _ids(exercise, "units")
        self.observations: dict[str, RecordObservation] = {}

    def apply(self, event: dict[str, t.Any], where: Location) -> Diagnostic | None:
        """Apply one event; the diagnostic when it names something the exercise does not have."""
        kind: str = event["kind"]
        family, _, action = kind.partition(".")
        ex_time = event["ex_time"]
        problem: Diagnostic | None = None
        if family == "inject":
            problem = self._inject(action, event, where)
        elif family == "observation":
            problem = self._observation(action, event, where)
        elif family == "comms":
            problem = self._comms(event, where)
        elif family == "clock":
            value = event["payload"].get("ex_time", event["payload"].get("speed"))
            self.record.clock.append(ClockChange(ex_time, event["wall"], action, value))
        elif kind == "evaluation.close":
            self.record.evaluation_closed = True
        if problem is None and ex_time is not None:
            self.record.times.append(float(ex_time))
        return problem

    # -- injects -----------------------------------------------------------------------------------------

    def _inject(self, action: str, event: dict[str, t.Any], where: Location) -> Diagnostic | None:
        subject, payload, ex_time = event["subject"], event["payload"], event["ex_time"]
        runs = self.record.injects
        if action == "add":
            inject = payload["inject"]
            if subject in runs:
                return error("aar-record-bad-event", f"inject {subject} is added although the exercise already has "
                             "it; export the record again", where)
            serial = inject.get("serial")
            runs[subject] = InjectRun(subject, serial if isinstance(serial, int) and not isinstance(serial, bool)
                                      else None, str(inject.get("title") or ""), float(payload["time"]), adhoc=True,
                                      content=dict(inject))
            return None
        run = runs.get(subject)
        if run is None:
            return error("aar-record-unknown-inject", f"the record names inject {subject!r}, which this exercise "
                         "does not have: is the record from another exercise, or another version of it?", where)
        if action in STATUS_AFTER:
            run.status = STATUS_AFTER[action]
            run.times[action] = ex_time
        elif action == "retime":
            run.retimes.append((ex_time, float(payload["time"])))
        elif action == "annotate":
            run.annotations.append(Note(ex_time, event["actor"], payload["text"]))
        elif action == "response":
            run.responses.append(Note(ex_time, event["actor"], payload["text"]))
        return None

    # -- observations ------------------------------------------------------------------------------------

    def _observation(self, action: str, event: dict[str, t.Any], where: Location) -> Diagnostic | None:
        subject, payload = event["subject"], event["payload"]
        if action == "edit":
            seen = self.observations.get(subject)
            if seen is None:
                return error("aar-record-unknown-subject", f"the record edits observation {subject!r}, which it "
                             "never added; export the record again", where)
            seen.text, seen.rating, seen.edits = payload["text"], payload["rating"], seen.edits + 1
            return None
        objective, task = payload["objective"], payload["task"]
        if objective not in self.tasks:
            return error("aar-record-unknown-subject", f"an observation of objective {objective!r}, which this "
                         "exercise does not have: is the record from another exercise?", where)
        if task and task not in self.tasks[objective]:
            return error("aar-record-unknown-subject", f"an observation of a critical task {objective} does not "
                         f"have ({task[:60]!r}): is the record from another version of the exercise?", where)
        if subject in self.observations:
            return error("aar-record-bad-event", f"observation {subject} is added twice; export the record again",
                         where)
        seen = RecordObservation(subject, event["actor"], objective, task, float(payload["ex_time"]),
                                 payload["text"], payload["rating"], where)
        self.observations[subject] = seen
        self.record.observations.append(seen)
        return None

    # -- comms -------------------------------------------------------------------------------------------

    def _comms(self, event: dict[str, t.Any], where: Location) -> Diagnostic | None:
        payload = event["payload"]
        pace, net, units = payload.get("pace"), payload.get("net"), tuple(payload.get("units") or ())
        unknown = ([f"PACE plan {pace}"] if pace is not None and pace not in self.pace else []) \
            + ([f"net {net}"] if net is not None and net not in self.nets else []) \
            + [f"unit {u}" for u in units if u not in self.units]
        if unknown:
            return error("aar-record-unknown-subject", f"a comms event names {', '.join(unknown)}, which this "
                         "exercise does not have: is the record from another exercise?", where)
        if pace is None and net is None:
            return error("aar-record-bad-event", "a comms event that names neither a net nor a PACE plan", where)
        self.record.comms.append(CommsEvent(event["seq"], event["ex_time"], event["actor"], pace, net, units,
                                            payload["state"], payload.get("level"), payload.get("text", ""), where))
        return None
