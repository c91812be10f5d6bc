"""A filled evaluation workbook (evaluation/evaluation-workbook.xlsx of a package) → ratings and observations.

The workbook's very hidden sheet ``exgen`` (templates/evaluation_workbook.xlsx.j2) names the
exercise and, per objective sheet, the rows of its critical-task and observation tables. The
reader trusts that sheet and the cells it names only, checks both against the package's
data/exercise.json, and reports every cell it cannot use at its place (``…xlsx:TO-1!D12``):
Excel's drop-downs are no guarantee, a paste goes past them.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from exgen.aar.times import exercise_minutes
from exgen.core.diagnostics import Diagnostic, Location, error, warning
from exgen.load.sheets import Table, read_table
from exgen.model.time import TimeError, parse_datetime

#: The layout version of the ``exgen`` sheet and the objective sheets this reader knows.
FORMAT = 1
LAYOUT_SHEET = "exgen"
RATINGS = ("P", "S", "M", "U")
KINDS = {"strength": "strength", "area for improvement": "improvement"}
#: Columns (1-based) of the task table: rating, evaluator, notes; of the observation table:
#: time, critical task No., observation, strength or area for improvement, evaluator.
TASK_COLUMNS = (4, 5, 6)
OBSERVATION_COLUMNS = (1, 2, 3, 4, 5)
#: More objective rows, or longer tables, than a workbook exgen makes: not one of its own.
MAX_OBJECTIVES, MAX_TABLE_ROWS = 1000, 10_000


class Rating(t.NamedTuple):
    """One critical task's rating (None when the row has only an evaluator or notes), at the rating cell."""

    objective: str
    task_no: int
    rating: str | None
    evaluator: str | None
    notes: str | None
    location: Location


class Observation(t.NamedTuple):
    """One observation row, at its observation cell; ``kind`` is "strength", "improvement" or None."""

    objective: str
    minutes: int | None  #: from STARTEX
    task_no: int | None
    text: str
    kind: str | None
    evaluator: str | None
    location: Location


@dataclass
class Workbook:
    """What a filled evaluation workbook says; rows with an error are left out (and reported)."""

    exercise: str
    ratings: list[Rating] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


@dataclass(frozen=True)
class _Sheet:
    """One objective sheet as the ``exgen`` sheet names it."""

    objective: str
    name: str
    tasks: range
    observations: range


def read_workbook(path: str, exercise: dict[str, t.Any]) -> tuple[Workbook | None, list[Diagnostic]]:
    """The ratings and observations of the filled workbook at ``path``, checked against ``exercise``
    (the package's parsed data/exercise.json); None when it cannot be read as exgen's workbook."""
    sheets, found = _layout(path, exercise)
    if sheets is None:
        return None, found
    facts = exercise.get("exercise") or {}
    book = Workbook(str(facts.get("id", "")))
    startex = _startex(facts)
    for sheet in sheets:
        table, read = read_table(path, sheet=sheet.name)
        found += [d for d in read if d.code != "sheet-hidden"]  # the exgen sheet is hidden by design
        if table is None:
            continue
        cells = _cells(table, sheet)
        found += _ratings(table, sheet, cells, book)
        found += _observations(table, sheet, cells, startex, book)
    return book, found


def _layout(path: str, exercise: dict[str, t.Any]) -> tuple[list[_Sheet] | None, list[Diagnostic]]:
    """The objective sheets the ``exgen`` sheet names, checked against the exercise."""
    table, found = read_table(path, sheet=LAYOUT_SHEET)
    found = [d for d in found if d.code != "sheet-hidden"]
    if table is None:
        if any(d.code == "sheet-not-found" for d in found):
            return None, [error("workbook-not-exgen", "this workbook has no exgen sheet: it is not an evaluation "
                                "workbook of an exgen package (evaluation/evaluation-workbook.xlsx)", Location(path))]
        return None, found
    cells = {(c.row, c.col): c.value for row in table.rows for c in row}

    def not_exgen(row: int, col: int, what: str) -> tuple[None, list[Diagnostic]]:
        return None, [*found, error("workbook-not-exgen", f"the workbook's exgen sheet is damaged ({what}); "
                                    "fill in a fresh copy of evaluation/evaluation-workbook.xlsx from the package",
                                    table.location(row, col))]

    if cells.get((1, 1)) != "format" or cells.get((2, 1)) != "exercise":
        return not_exgen(1, 1, "it does not start with the format and the exercise")
    if _whole(cells.get((1, 2))) != FORMAT:
        return not_exgen(1, 2, f"format {cells.get((1, 2))!r}, this exgen reads format {FORMAT}")
    made_for, expected = cells.get((2, 2)), (exercise.get("exercise") or {}).get("id")
    if made_for != expected:
        return None, [*found, error("workbook-other-exercise", f"this workbook was made for exercise {made_for!r}, "
                                    f"not {expected!r}: give the workbook of this package", table.location(2, 2))]
    tasks = {str(o.get("id")): len(o.get("critical_tasks") or []) for o in exercise.get("objectives") or []}
    rows = sorted({r for r, _ in cells if r >= 4})
    if len(rows) > MAX_OBJECTIVES:
        return not_exgen(4, 1, f"{len(rows)} objective rows")
    sheets: list[_Sheet] = []
    for row in rows:
        values = [cells.get((row, col)) for col in range(1, 8)]
        objective, name, numbers = values[0], values[1], [_whole(v) for v in values[2:]]
        if not isinstance(objective, str) or not isinstance(name, str) or any(n is None for n in numbers):
            return not_exgen(row, 1, "an objective row without its id, sheet and rows")
        first, last, obs_first, obs_last, count = t.cast(list[int], numbers)
        if (last - first + 1 != count or not 1 <= first <= last + 1 < obs_first <= obs_last
                or obs_last - obs_first >= MAX_TABLE_ROWS or count > MAX_TABLE_ROWS):
            return not_exgen(row, 3, f"the rows given for {objective} do not fit together")
        if any(s.objective == objective or s.name.casefold() == name.casefold() for s in sheets):
            return not_exgen(row, 1, f"objective {objective} or sheet {name} named twice")
        if tasks.get(objective) != count:
            have = "no such objective" if objective not in tasks else f"{tasks[objective]} critical tasks"
            return None, [*found, error("workbook-other-exercise", f"this workbook was made for another version of "
                                        f"the exercise: its objective {objective} has {count} critical tasks, the "
                                        f"package has {have}; give the workbook of this package",
                                        table.location(row, 7))]
        sheets.append(_Sheet(objective, name, range(first, last + 1), range(obs_first, obs_last + 1)))
    return sheets, found


def _startex(facts: dict[str, t.Any]) -> dt.datetime | None:
    try:
        return parse_datetime(str(facts.get("startex")))
    except TimeError:
        return None


def _whole(value: object) -> int | None:
    """A cell's whole number (1 or 1.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _cells(table: Table, sheet: _Sheet) -> dict[tuple[int, int], object]:
    """The values of the cells the layout names; no other cell is looked at."""
    wanted = {**{(r, c): True for r in sheet.tasks for c in TASK_COLUMNS},
              **{(r, c): True for r in sheet.observations for c in OBSERVATION_COLUMNS}}
    return {(c.row, c.col): c.value for row in table.rows for c in row if (c.row, c.col) in wanted}


def _text(value: object) -> str | None:
    """A cell's value as trimmed text; None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _ratings(table: Table, sheet: _Sheet, cells: dict[tuple[int, int], object], book: Workbook) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for number, row in enumerate(sheet.tasks, 1):
        rating, evaluator, notes = (_text(cells.get((row, col))) for col in TASK_COLUMNS)
        if rating is None and evaluator is None and notes is None:
            continue
        where = table.location(row, TASK_COLUMNS[0])
        if rating is not None and rating.upper() not in RATINGS:
            found.append(error("workbook-bad-rating", f"critical task {sheet.objective}.{number} is rated "
                               f"{_shown(rating)}; a rating is P, S, M or U (pick it from the drop-down)", where))
            continue
        letter = rating.upper() if rating else None
        book.ratings.append(Rating(sheet.objective, number, letter, evaluator, notes, where))
    return found


def _observations(table: Table, sheet: _Sheet, cells: dict[tuple[int, int], object], startex: dt.datetime | None,
                  book: Workbook) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for row in sheet.observations:
        time_cell, task_cell, text_cell, kind_cell, evaluator_cell = (cells.get((row, c)) for c in OBSERVATION_COLUMNS)
        if all(_text(v) is None for v in (time_cell, task_cell, text_cell, kind_cell, evaluator_cell)):
            continue
        at = [table.location(row, col) for col in OBSERVATION_COLUMNS]
        problems: list[Diagnostic] = []
        minutes = None
        if _text(time_cell) is not None:
            try:
                if startex is None:
                    raise TimeError("the package's STARTEX is unreadable")
                minutes = exercise_minutes(time_cell, startex)
            except TimeError as problem:
                problems.append(error("workbook-bad-time", f"the exercise time {_shown(time_cell)} cannot be read: "
                                      f"{problem}", at[0]))
        task_no = _task_number(task_cell, sheet)
        if task_no == 0:
            problems.append(error("workbook-unknown-task", f"{sheet.objective} has no critical task "
                                  f"{_shown(task_cell)}; give a number from 1 to {len(sheet.tasks)}, or leave it "
                                  "blank", at[1]))
        kind = _text(kind_cell)
        if kind is not None and kind.casefold() not in KINDS:
            problems.append(error("workbook-bad-kind", f"{_shown(kind)} is neither Strength nor Area for improvement "
                                  "(pick one from the drop-down)", at[3]))
        text = _text(text_cell)
        if text is None:
            problems.append(warning("workbook-empty-observation", "this observation row has no observation text: "
                                    "it was left out; write what was seen in the Observation column", at[2]))
        found += problems
        if problems or text is None:
            continue
        book.observations.append(Observation(sheet.objective, minutes, task_no, text,
                                             KINDS[kind.casefold()] if kind else None, _text(evaluator_cell), at[2]))
    return found


def _task_number(value: object, sheet: _Sheet) -> int | None:
    """The critical task No. of a cell (2, 2.0, "2" or "TO-1.2"): None when blank, 0 when no such task."""
    text = _text(value)
    if text is None:
        return None
    number = _whole(value)
    if number is None:
        prefix = sheet.objective + "."
        digits = text[len(prefix):] if text.casefold().startswith(prefix.casefold()) else text
        number = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 6 else 0
    return number if 1 <= number <= len(sheet.tasks) else 0


def _shown(value: object, limit: int = 40) -> str:
    """A cell's value for a message, quoted and cut short."""
    text = str(value)
    return repr(text) if len(text) <= limit else repr(text[: limit - 1] + "…")
