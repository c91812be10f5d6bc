"""Stage 4, model: the frozen Exercise model, built once from a schema-valid document.

In: schema-valid data and its source map. Out: :class:`Exercise` (frozen dataclasses, every
time resolved to minutes from STARTEX) and diagnostics for what the schema cannot see (times
that do not parse). Modules: the dataclasses (``exercise``), the builder (``build``), the time
vocabulary of D-times, DTGs and durations (``time``) and geometry (``geometry``).

Never imports: load, check, comms, enrich, render, package, generate, cli.
"""

from exgen.model.build import build_data
from exgen.model.exercise import (
    DEFAULT_MARKING,
    DEFAULT_MAX_DAYS,
    PACE_LEVELS,
    Bearer,
    Cell,
    Constraint,
    Controller,
    Custom,
    Evaluator,
    Exchange,
    Exercise,
    ExerciseInfo,
    ExerciseObjective,
    Incident,
    Inject,
    MainEvent,
    Net,
    Objective,
    Pace,
    Phase,
    RolePlayer,
    System,
    Threat,
    Unit,
)
from exgen.model.geometry import Area, Point, distance_km
from exgen.model.time import TimeError, format_dtg, format_dtime, parse_datetime, parse_duration, resolve_time

__all__ = [
    "DEFAULT_MARKING", "DEFAULT_MAX_DAYS", "PACE_LEVELS", "Area", "Bearer", "Cell", "Constraint", "Controller",
    "Evaluator", "Custom", "Exchange", "Exercise", "ExerciseInfo", "ExerciseObjective", "Incident", "Inject",
    "MainEvent", "Net", "Objective", "Pace", "Phase", "Point", "RolePlayer", "System",
    "Threat", "TimeError", "Unit", "build_data", "distance_km", "format_dtg", "format_dtime", "parse_datetime",
    "parse_duration", "resolve_time",
]
