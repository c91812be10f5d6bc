"""The plan the record checks actions against: lookups over a package's exercise.json."""

from __future__ import annotations

import datetime as dt
import re
import typing as t

from exgen.model.time import TimeError, format_dtg, format_dtime, parse_datetime

__all__ = ["ID", "Plan"]

#: An identifier as definitions spell it (common.schema.json#/definitions/id).
ID = re.compile(r"(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9_-])?")


def _items(exercise: t.Mapping[str, t.Any], key: str) -> list[dict[str, t.Any]]:
    """The entries of a list in exercise.json that are objects with a string id."""
    value = exercise.get(key)
    if not isinstance(value, list):
        return []
    return [x for x in value if isinstance(x, dict) and isinstance(x.get("id"), str)]


class Plan:
    """What exercise.json planned: injects by id, objectives and their critical tasks, nets, PACE, units."""

    def __init__(self, exercise: t.Mapping[str, t.Any]) -> None:
        head = exercise.get("exercise")
        head = head if isinstance(head, dict) else {}
        self.exercise_id = str(head.get("id", ""))
        self.startex: dt.datetime | None = None
        if isinstance(head.get("startex"), str):
            try:
                self.startex = parse_datetime(head["startex"])
            except TimeError:
                self.startex = None
        self.injects: dict[str, dict[str, t.Any]] = {i["id"]: i for i in _items(exercise, "injects")}
        self.tasks: dict[str, tuple[str, ...]] = {
            o["id"]: tuple(x for x in o.get("critical_tasks") or () if isinstance(x, str))
            for o in _items(exercise, "objectives")}
        self.nets = frozenset(n["id"] for n in _items(exercise, "nets"))
        self.pace = frozenset(p["id"] for p in _items(exercise, "pace"))
        self.units = frozenset(u["id"] for u in _items(exercise, "units"))
        serials = [i.get("serial") for i in self.injects.values()]
        self.last_serial = max((s for s in serials if isinstance(s, int) and not isinstance(s, bool)), default=0)

    def planned_time(self, inject_id: str) -> float:
        """The planned time of a planned inject, in minutes from STARTEX (0 when exercise.json lacks it)."""
        value = self.injects[inject_id].get("time")
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0

    def dtime(self, minutes: float) -> str:
        """``D+N HH:MM`` for a time in minutes ('' without a STARTEX)."""
        return format_dtime(round(minutes), self.startex) if self.startex else ""

    def dtg(self, minutes: float) -> str:
        """The date-time group for a time in minutes ('' without a STARTEX)."""
        return format_dtg(round(minutes), self.startex) if self.startex else ""
