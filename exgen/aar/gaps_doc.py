"""The capability-gap register across the exercise series, as a document (``exgen gaps``).

:func:`gaps_context` turns a checked :class:`~exgen.aar.register.Register` into what the templates
of ``templates/gaps/outputs.yaml`` read: per exercise, in the order the series ran them, the gaps
it opened (first saw), saw again, did not reproduce, did not test and closed; totals by capability
element (DOTMLPF-I) and by owner; each gap's timeline. The register carries no classification,
so the banner every page prints comes from the caller. :func:`build_gaps` reads the register and
renders the package the way ``exgen aar`` does: sandboxed templates, overrides, atomic, no clock.
"""

from __future__ import annotations

import os
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.aar.register import CAPABILITIES, Gap, HistoryEntry, Register, load_register
from exgen.core import limits as text_limits
from exgen.core.diagnostics import Diagnostic, Location, error, has_errors, sort_diagnostics

if t.TYPE_CHECKING:
    from exgen.render.outputs import TemplateSet

__all__ = ["DEFAULT_CLASSIFICATION", "DEFAULT_MARKING", "GAPS_OUTPUTS", "GapsBuilt", "banner_problem", "build_gaps",
           "gaps_context", "gaps_templates", "render_gaps"]

#: The document's outputs file, relative to the built-in template folder and to each override directory.
GAPS_OUTPUTS = "gaps/outputs.yaml"
DEFAULT_CLASSIFICATION = "UNCLASSIFIED"
DEFAULT_MARKING = "EXERCISE EXERCISE EXERCISE"
#: A gap's status as the file spells it, in the order the document counts them.
STATUSES = ("open", "in-progress", "closed", "verified-closed")
#: History results that close a gap; the first of them dates its closing.
_CLOSING = ("closed", "verified-closed")


@dataclass
class GapsBuilt:
    """What building the document produced: diagnostics, and the package when it was written."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: t.Any = None
    files: int = 0

    @property
    def ok(self) -> bool:
        """The package was written and nothing was an error."""
        return self.written is not None and not has_errors(self.diagnostics)


# --- the context ----------------------------------------------------------------------------------


def banner_problem(what: str, text: str) -> str | None:
    """Why ``text`` cannot be printed as the document's ``what`` (classification or marking); None if it can."""
    if what == "classification" and not text.strip():
        return "the classification cannot be empty: every page carries it in its banner"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return f"the {what} holds a control character (a line break or tab): write it on one line"
    if len(text) > text_limits.BANNER:
        return f"the {what} is {len(text)} characters long; a page banner holds at most {text_limits.BANNER}"
    return None


def gaps_context(register: Register, *, classification: str = DEFAULT_CLASSIFICATION,
                 marking: str = DEFAULT_MARKING, source: str = "") -> dict[str, t.Any]:
    """What the templates of ``templates/gaps/`` read (the keys are listed in gaps/index.html.j2)."""
    from exgen.render.nations import nation_name

    exercises = _exercises(register.gaps)
    owners = sorted({g.owner for g in register.gaps})
    responsible = {g.corrective_action.get("responsible", "") for g in register.gaps} - {""}
    series = register.series or "(series not named)"
    return {
        "series": {"name": series, "classification": classification, "marking": marking,
                   "banner": f"{classification} — {marking}", "source": source},
        "exercises": exercises,
        "chart": _chart(exercises),
        "capabilities": [_totals(cap, [g for g in register.gaps if g.capability == cap]) for cap in CAPABILITIES],
        "nations": [{**_totals(code, [g for g in register.gaps if g.owner == code]), "code": code,
                     "name": nation_name(code), "by_exercise": _per_exercise(code, register.gaps, exercises)}
                    for code in owners],
        "gaps": [_gap(g, nation_name) for g in register.gaps],
        "totals": {**_totals("all", list(register.gaps)), "exercises": len(exercises)},
        "names_kosovo": "XK" in owners or "XK" in responsible,
    }


def _timeline(gap: Gap) -> tuple[HistoryEntry, ...]:
    """The gap's history, led by its first sighting when no history entry of that exercise says so."""
    if any(h.exercise == gap.first_seen.exercise for h in gap.history):
        return gap.history
    return (gap.first_seen, *gap.history)


def _closed_in(gap: Gap) -> str | None:
    """The exercise of the gap's first closing history entry, if any."""
    return next((h.exercise for h in gap.history if h.result in _CLOSING), None)


def _exercises(gaps: t.Sequence[Gap]) -> list[dict[str, t.Any]]:
    """Every exercise the register names, in the order they ran (earliest date), with what each found."""
    dates: dict[str, str] = {}
    for gap in gaps:
        for entry in _timeline(gap):
            dates[entry.exercise] = min(dates.get(entry.exercise, entry.date), entry.date)
    order = sorted(dates, key=lambda ex: (dates[ex], ex))
    rows = []
    for ex in order:
        row: dict[str, t.Any] = {"id": ex, "date": dates[ex], "opened": [], "seen_again": [], "not_reproduced": [],
                                 "not_tested": [], "closed": [], "verified_closed": [], "closings": []}
        for gap in gaps:
            if gap.first_seen.exercise == ex:
                row["opened"].append(gap.id)
            if _closed_in(gap) == ex:
                row["closings"].append(gap.id)
            for entry in gap.history:
                if entry.exercise != ex:
                    continue
                if entry.result == "observed" and ex != gap.first_seen.exercise:
                    row["seen_again"].append(gap.id)
                elif entry.result != "observed":
                    row[entry.result.replace("-", "_")].append(gap.id)
        by_id = {g.id: g for g in gaps}
        row["opened_by_capability"] = _by_capability([by_id[i] for i in row["opened"]])
        row["closed_by_capability"] = _by_capability([by_id[i] for i in row["closings"]])
        rows.append(row)
    return rows


def _by_capability(gaps: t.Sequence[Gap]) -> list[dict[str, t.Any]]:
    """How many of ``gaps`` each capability element has, in DOTMLPF-I order, zeros left out."""
    counts = [(cap, sum(g.capability == cap for g in gaps)) for cap in CAPABILITIES]
    return [{"capability": cap, "count": n} for cap, n in counts if n]


def _chart(exercises: t.Sequence[dict[str, t.Any]]) -> dict[str, t.Any]:
    """The trend chart's scale: the tallest bar and the gridline values, whole gaps only."""
    tallest = max([len(e["opened"]) for e in exercises] + [len(e["closings"]) for e in exercises] + [1])
    step = 1 if tallest <= 8 else -(-tallest // 5)
    top = -(-tallest // step) * step
    used = {c["capability"] for e in exercises for key in ("opened_by_capability", "closed_by_capability")
            for c in e[key]}
    return {"max": top, "ticks": list(range(0, top + 1, step)), "capabilities": [c for c in CAPABILITIES if c in used]}


def _totals(name: str, gaps: t.Sequence[Gap]) -> dict[str, t.Any]:
    """How many of ``gaps`` there are, by status."""
    return {"name": name, "total": len(gaps), "status": {s: sum(g.status == s for g in gaps) for s in STATUSES},
            "gaps": [g.id for g in gaps]}


def _per_exercise(owner: str, gaps: t.Sequence[Gap], exercises: t.Sequence[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Per exercise (those that opened or closed one of the owner's gaps), how many it opened and closed."""
    mine = {g.id for g in gaps if g.owner == owner}
    rows = [{"exercise": e["id"], "opened": len(mine.intersection(e["opened"])),
             "closed": len(mine.intersection(e["closings"]))} for e in exercises]
    return [r for r in rows if r["opened"] or r["closed"]]


def _gap(gap: Gap, nation_name: t.Callable[[str], str]) -> dict[str, t.Any]:
    """One gap as the document prints it, with its timeline oldest first."""
    action = {key: gap.corrective_action.get(key, "") for key in ("action", "responsible", "start", "due")}
    action["responsible_name"] = nation_name(action["responsible"]) if action["responsible"] else ""
    return {"id": gap.id, "title": gap.title, "description": gap.description, "capability": gap.capability,
            "owner": gap.owner, "owner_name": nation_name(gap.owner), "status": gap.status,
            "first_seen": {"exercise": gap.first_seen.exercise, "date": gap.first_seen.date},
            "closed_in": _closed_in(gap), "corrective_action": action,
            "timeline": [{"exercise": h.exercise, "date": h.date, "result": h.result, "note": h.note,
                          "first": h.exercise == gap.first_seen.exercise} for h in _timeline(gap)]}


# --- the package ----------------------------------------------------------------------------------


def gaps_templates(template_dirs: t.Sequence[str | os.PathLike[str]] = ()) -> tuple[TemplateSet, list[Diagnostic]]:
    """The document's template set: every ``gaps/outputs.yaml`` (built-in, then overrides) read and checked."""
    from exgen.aar.build import declared_templates

    return declared_templates(GAPS_OUTPUTS, template_dirs)


def render_gaps(context: dict[str, t.Any], out: str, *, template_dirs: t.Sequence[str] = (), force: bool = False,
                inputs: t.Sequence[dict[str, str]] = ()) -> GapsBuilt:
    """Render the document ``context`` (:func:`gaps_context`) into package directory ``out``, atomically."""
    from exgen import FORMAT_VERSION, __version__, package
    from exgen.render.engine import render_into
    from exgen.render.errors import RenderError
    from exgen.render.limits import DEFAULT

    result = GapsBuilt()
    templates, found = gaps_templates(template_dirs)
    if found:
        result.diagnostics = sort_diagnostics(found)
        return result
    info = {"exgen_version": __version__, "format_version": FORMAT_VERSION, "kind": "gap-register",
            "series": context["series"]["name"], "inputs": list(inputs)}
    try:
        with package.Writer(Path(out), force=force, max_size=DEFAULT.package_size) as writer:
            render_into(templates, context, writer, limits=DEFAULT)
            written = writer.commit(info)
    except RenderError as exc:
        result.diagnostics = [exc.diagnostic]
        return result
    except package.PackageError as exc:
        result.diagnostics = [error(exc.code, str(exc), Location(out))]
        return result
    result.written, result.files = written, written.files
    return result


def _refuse_output(out: str, register: str, template_dirs: t.Sequence[str]) -> Diagnostic | None:
    """An error when ``out`` is unusable or would replace or hold the register or a template folder."""
    from exgen.core import paths
    from exgen.core.resources import data_dir

    inputs = [paths.Input("register", register, register),
              *(paths.Input("template directory", d, d, directory=True) for d in template_dirs),
              paths.Input("built-in template directory", str(data_dir("templates")), data_dir("templates"),
                          directory=True)]
    found = paths.check_output(out, inputs, "gap register document")
    return None if found is None else error(found[0], found[1], Location(out))


def build_gaps(register: str, out: str, *, classification: str = DEFAULT_CLASSIFICATION,
               marking: str = DEFAULT_MARKING, template_dirs: t.Sequence[str] = (), force: bool = False) -> GapsBuilt:
    """Read and check the register at ``register`` and render its document into ``out``; nothing is
    written when the register or the output folder has an error. A banner :func:`banner_problem`
    refuses is the caller's mistake: ValueError."""
    from exgen.aar.build import file_inputs

    for what, text in (("classification", classification), ("marking", marking)):
        problem = banner_problem(what, text)
        if problem is not None:
            raise ValueError(problem)
    refused = _refuse_output(out, register, template_dirs)
    if refused is not None:
        return GapsBuilt([refused])
    loaded, found = load_register(register)
    if loaded is None or has_errors(found):
        return GapsBuilt(sort_diagnostics(found))
    context = gaps_context(loaded, classification=classification, marking=marking, source=Path(register).name)
    result = render_gaps(context, out, template_dirs=template_dirs, force=force, inputs=file_inputs([register]))
    result.diagnostics = sort_diagnostics([*found, *result.diagnostics])
    return result
