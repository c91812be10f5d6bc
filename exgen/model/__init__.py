"""Stage 4, model: the frozen Exercise model, built once from a schema-valid document.

In: schema-valid data and its source map. Out: :class:`Exercise` (frozen dataclasses, every
time resolved to minutes from STARTEX) and diagnostics for what the schema cannot see (times
that do not parse). Also the time vocabulary (D-times, DTGs, durations) and geometry.

Never imports: load, check, comms, enrich, render, package, generate, cli.
"""

from exgen.model.exercise import (
    DEFAULT_MARKING, PACE_LEVELS, Area, Cell, Constraint, Controller, Evaluator, Exchange, Exercise, ExerciseInfo,
    Inject, Net, Objective, Pace, Point, RolePlayer, System, Threat, TimeError, Unit, build_data, distance_km,
    format_dtg, format_dtime, parse_datetime, parse_duration, resolve_time,
)

__all__ = [
    "DEFAULT_MARKING", "PACE_LEVELS", "Area", "Cell", "Constraint", "Controller", "Evaluator", "Exchange", "Exercise",
    "ExerciseInfo", "Inject", "Net", "Objective", "Pace", "Point", "RolePlayer", "System", "Threat", "TimeError",
    "Unit", "build_data", "distance_km", "format_dtg", "format_dtime", "parse_datetime", "parse_duration",
    "resolve_time",
]
