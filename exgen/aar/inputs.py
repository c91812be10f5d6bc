"""Everything ``exgen aar`` reads, read and checked: the package's exercise.json, the record, the
filled workbooks and the register; the AAR context from them, and the register's updated text.

Nothing is written here: :mod:`exgen.aar.build` writes the AAR package, the CLI the register.
"""

from __future__ import annotations

import json
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error, has_errors

#: Largest data/exercise.json read (the flagship's is about 0.3 MiB).
MAX_EXERCISE_BYTES = 64 * 2**20


@dataclass
class Inputs:
    """The AAR context (None when an input had an error), every diagnostic, and the register update."""

    context: dict[str, t.Any] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    register_text: str | None = None
    register_changes: t.Any = None


def read_exercise(package: str) -> tuple[dict[str, t.Any] | None, list[Diagnostic]]:
    """The parsed ``PACKAGE/data/exercise.json``, or an ``aar-package`` error located at it."""
    path = Path(package) / "data" / "exercise.json"
    shown = path.as_posix()
    if not Path(package).is_dir():
        return None, [error("aar-package", f"'{package}' is not a package directory (build one with exgen build)",
                            Location(package))]
    try:
        if not path.is_file():
            raise ValueError("there is no data/exercise.json: rebuild the package with this exgen")
        if path.stat().st_size > MAX_EXERCISE_BYTES:
            raise ValueError(f"the file is larger than {MAX_EXERCISE_BYTES // 2**20} MiB")
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        return None, [error("aar-package", f"cannot read the package's exercise data: {problem}", Location(shown))]
    head = data.get("exercise") if isinstance(data, dict) else None
    if not isinstance(head, dict) or not isinstance(head.get("id"), str) or data.get("format") != 1:
        return None, [error("aar-package", "not exercise data exgen wrote: rebuild the package with this exgen",
                            Location(shown))]
    return t.cast("dict[str, t.Any]", data), []


def read_inputs(package: str, record: str, workbooks: t.Sequence[str], register: str | None) -> Inputs:
    """Read and check every input; the context only when none of them has an error."""
    from exgen.aar.context import build_context
    from exgen.aar.record import read_record
    from exgen.aar.workbook import read_workbook

    exercise, found = read_exercise(package)
    if exercise is None:
        return Inputs(None, found)
    run, problems = read_record(record, exercise)
    found += problems
    books = []
    for path in workbooks:
        book, problems = read_workbook(path, exercise)
        found += problems
        if book is not None:
            books.append((Path(path).name, book))
    if has_errors(found) or run is None:
        return Inputs(None, found)
    context = build_context(exercise, run, books)
    if register is None:
        return Inputs(context, found)
    return _with_register(exercise, run, books, context, register, found)


def _with_register(exercise: dict[str, t.Any], run: t.Any, books: list[t.Any], context: dict[str, t.Any],
                   register: str, found: list[Diagnostic]) -> Inputs:
    """The context with the register section, and the register's text updated with this exercise."""
    from exgen.aar.context import build_context
    from exgen.aar.register import load_register
    from exgen.aar.register_update import update_register

    gaps, problems = load_register(register)
    found = [*found, *problems]
    if gaps is None or has_errors(problems):
        return Inputs(None, found)
    findings = _findings(context, gaps)
    head = exercise["exercise"]
    try:
        text, changes = update_register(Path(register).read_text("utf-8"), register, gaps, exercise=head["id"],
                                        date=str(head.get("startex", ""))[:10], findings=findings,
                                        tested=sorted(gaps_tested(exercise, gaps) | {f.gap_id for f in findings
                                                                                     if f.gap_id}))
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        return Inputs(None, [*found, error("aar-register-update", f"cannot update the register: {problem}",
                                           Location(register))])
    return Inputs(build_context(exercise, run, books, (gaps, changes)), found, text, changes)


def _findings(context: dict[str, t.Any], gaps: t.Any) -> list[t.Any]:
    """What this exercise found for the register: the improvement-plan rows that name a known gap, and
    the accepted comms findings that showed — as the known gap whose text names their units and nets,
    else as a new interoperability gap owned by the first nation they name."""
    from exgen.aar.register_update import Finding, finding_problem

    found: list[t.Any] = []
    for row in context["improvement_plan"]:
        gap = gaps.gap(row["gap"]) if row.get("gap") else None
        gap = gap or next((g for g in gaps.gaps if _mentions(str(row.get("area", "")), g.id)), None)
        if gap is not None:
            found.append(Finding(gap.id, gap.title, row["area"], gap.capability, gap.owner,
                                 f"{row['objective']} / task {row['task']}"))
    nations = {p["id"]: p["nation"] for p in context["overview"]["participants"]}
    for shown in context["comms"]["gaps_showed"]:
        if not shown.get("showed"):
            continue
        known = next((g for g in gaps.gaps if any(_names(g, i) for i in shown["ids"])), None)
        if known is not None:
            found.append(Finding(known.id, known.title, shown.get("evidence") or "", known.capability, known.owner,
                                 f"accepted: {shown['code']}"))
            continue
        owner = next((nations[i] for i in shown["ids"] if i in nations), "")
        finding = Finding(None, f"{shown['code']}: {', '.join(shown['ids'])}", shown.get("evidence") or "",
                          "interoperability", owner, f"accepted: {shown['code']}")
        if finding_problem(finding) is None:
            found.append(finding)
    return found


def _names(gap: t.Any, ident: str) -> bool:
    """Whether a gap's own words name a unit, net or plan id."""
    return _mentions(" ".join([gap.title, gap.description, *map(str, gap.corrective_action.values())]), ident)


def _mentions(text: str, ident: str) -> bool:
    """Whether ``text`` names ``ident`` as a whole word.

    >>> _mentions("GAP-BG-R173: still there", "GAP-BG-R173"), _mentions("GAP-BG-R1734", "GAP-BG-R173")
    (True, False)
    """
    return re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text) is not None


def gaps_tested(exercise: dict[str, t.Any], gaps: t.Any) -> set[str]:
    """The gaps this exercise tested: those whose id its definition names anywhere (an objective, a
    critical task, an inject, a note, a custom field: the planners' way of saying "this tests GAP-…")."""
    ids = {g.id for g in gaps.gaps}
    found: set[str] = set()
    todo: list[t.Any] = [exercise.get("definition", {})]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, str):
            found |= {i for i in ids if i in node and _mentions(node, i)}
    return found
