"""One ``exgen generate`` run: library and brief checked, draft made, verified, written, reported.

Nothing is written unless the brief and the library are valid and the written draft passes
``exgen validate --strict``; a draft that fails is a bug of the generator and is reported as
``generate-internal`` diagnostics, never moved into place.
"""

from __future__ import annotations

import os
import shutil
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error, has_errors, sort_diagnostics
from exgen.generate import (
    announce,
    cast,
    comms_plan,
    compose,
    coverage,
    hierarchy,
    library,
    place,
    quality,
    select,
    verify,
    write,
)
from exgen.generate import brief as brief_mod
from exgen.generate.forces import Forces

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief
    from exgen.generate.library import Library, Pattern
    from exgen.generate.place import Day

#: Order of the top-level sections within the merged draft data.
SECTIONS = ("exgen", "exercise", "objectives", "phases", "systems", "units", "nets", "pace", "constraints", "excon",
            "main_events", "main_incidents", "injects")
#: Which file each section is written to (injects go to injects/dayN.yaml).
FILES = {"forces.yaml": ("systems", "units"), "comms.yaml": ("nets", "pace", "constraints"), "excon.yaml": ("excon",),
         "storyline.yaml": ("phases", "main_events", "main_incidents")}
ABOUT = {
    "forces.yaml": "Forces: equipment types (systems) and the order of battle (units), from the brief.",
    "comms.yaml": "Communications plan from the brief; constraints GEN-* were added to exercise each PACE plan.",
    "excon.yaml": "Exercise control: the brief's cells, role players, controllers and evaluators, and generated ones.",
    "storyline.yaml": "The MEL hierarchy: phases, main events and main incidents, the brief's or drafted (see the "
                      "coverage report). EXCON only.",
}


@dataclass
class Result:
    """What one run produced: diagnostics, and on success where the draft went and its report."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: Path | None = None
    report: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    quality: dict[str, t.Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.written is not None


def generate(brief_path: str, out: str, *, seed: int = 0, library_dirs: t.Sequence[str] = (),
             force: bool = False) -> Result:
    """Draft the definition for ``brief_path`` into directory ``out``."""
    lib, found = library.load_library(library_dirs)
    if has_errors(found):
        return Result(sort_diagnostics(found))
    brief, problems = brief_mod.load_brief(brief_path)
    found += problems
    if brief is None:
        return Result(sort_diagnostics(found))
    refused = write.refuse_output(out, brief.document, library_dirs)
    if refused is not None:  # the draft would replace or sit inside an input
        return Result(sort_diagnostics([*found, refused]))
    model, problems = brief_mod.check(brief, lib)
    found += problems
    if model is None or has_errors(found):
        return Result(sort_diagnostics(found))
    forces = Forces(model)
    days = place.days(model.info, *brief.rhythm)
    found += brief_mod.check_coverage(brief, lib, forces, days)
    if has_errors(found):
        return Result(sort_diagnostics(found))
    data, notes, problems, made = make(brief, lib, forces, days, seed)
    found += problems
    if has_errors(found):
        return Result(sort_diagnostics(found))
    files = write.files(*split(data, brief, seed, len(library_dirs)))
    target = Path(out)
    try:
        write.check_target(target, force)
        tmp = write.stage(files, target)
    except write.DraftError as exc:
        return Result(sort_diagnostics([*found, error("draft-target", str(exc), Location(out))]))
    checked = verify.check_written(str(tmp / write.ROOT))
    if not checked.ok or checked.model is None or checked.comms is None:
        shutil.rmtree(tmp, ignore_errors=True)
        return Result(sort_diagnostics([*found, *_internal(checked.diagnostics, tmp, out)]))
    figures = quality.measure(checked.model, brief, made.lib, forces, made.slots)
    text = coverage.report(checked.model, checked.comms, brief, out, seed, notes)
    text += "\n".join(quality.summary(figures)) + "\n"
    try:
        write.move(tmp, target)
    except write.DraftError as exc:
        return Result(sort_diagnostics([*found, error("draft-target", str(exc), Location(out))]))
    return Result(sort_diagnostics(found), target, text, files, figures)


@dataclass
class Made:
    """What the quality report needs besides the written draft: the library with the assembled
    storylines, and the slot behind each inject id."""

    lib: Library
    slots: dict[str, select.Slot]


def make(brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day],
         seed: int) -> tuple[dict[str, t.Any], list[str], list[Diagnostic], Made]:
    """The draft as one merged, definition-shaped document, notes on what could not be done or was
    drafted for the brief, and problems of the brief only the drafted injects reveal (a main event
    no inject serves, an objective short of distinct patterns)."""
    from exgen.generate import stories

    model = forces.model
    kinds = {k for p in lib.patterns.values() for k in p.triggers}
    plan = comms_plan.plan(model, forces, days, seed, brief.actors, kinds)
    lib, plots, story_notes = stories.plots(brief, lib, forces, days, seed)
    events = hierarchy.brief_events(brief)

    def event_of(slot: select.Slot) -> str | None:
        found = hierarchy.match(brief, slot, events)
        return found.id if found is not None else None

    state = select.select(brief, lib, forces, days, plan.triggers, seed, plots, [e.id for e in events], event_of)
    announce.announce(state, brief, lib, forces, plan.triggers, seed, cap=len(state.slots) // 4)
    offset = model.info.start_minute
    timeline, follow_up = place.Timeline(offset, brief.min_gap), _follow_up(lib)
    kept, place_notes = place.place(state.slots, days, timeline, seed, follow_up)
    missing = [u for u in forces.audience if not any(u in s.to for s in kept)]
    if missing:  # a unit's only inject found no time: it gets another
        extra, more = place.place(select.cover_units(state, brief, lib, forces, days, seed, missing), days, timeline,
                                  seed, follow_up)
        kept, place_notes = kept + extra, place_notes + more
    slots = place.add_contingencies(kept, days, timeline, seed, follow_up, _contingency(brief, forces))
    tree = hierarchy.build(brief, lib, model, slots)
    excon = cast.cast(brief, lib, forces, slots, seed)
    injects, ids = compose.compose(slots, brief, lib, forces, excon, seed, tree.placement)
    view = brief_mod.definition_view(brief)
    data: dict[str, t.Any] = {key: view[key] for key in SECTIONS if key in view}
    data["constraints"] = [*view.get("constraints", []), *plan.constraints]
    data["excon"] = excon.excon()
    data.update(phases=tree.phases, main_events=tree.events, main_incidents=tree.incidents, injects=injects)
    data = {key: data[key] for key in SECTIONS if key in data and data[key] != []}
    notes = plan.notes + story_notes + state.notes + place_notes + tree.notes + verify.repair(data)
    made = Made(lib, {ids[id(s)]: s for s in slots})
    return data, notes, tree.problems + _short(brief, state.short), made


def _follow_up(lib: Library) -> t.Callable[[select.Slot], tuple[Pattern, int] | None]:
    """The contingency pattern of a slot and how long after it: the pattern's ``after``, and never
    before the first exchange the inject requires is due (plus a quarter of an hour)."""
    from exgen.model import parse_duration

    def follow_up(slot: select.Slot) -> tuple[Pattern, int] | None:
        name = slot.pattern.follow_up
        if slot.parent is not None or name is None or name not in lib.patterns:
            return None
        due = min((parse_duration(ex.within) for ex in slot.pattern.requires), default=0)
        return lib.patterns[name], max(parse_duration(slot.pattern.after), due + 15 if due else 0)
    return follow_up


def _contingency(brief: Brief, forces: Forces) -> t.Callable[[select.Slot, Pattern, Day, int], select.Slot | None]:
    """The contingency slot of a slot; a contingency pattern several patterns share is used once."""
    used: set[str] = set()

    def contingency(slot: select.Slot, pattern: Pattern, day: Day, minute: int) -> select.Slot | None:
        if pattern.id in used or not all(forces.fits(pattern, u) for u in slot.to):
            return None
        used.add(pattern.id)
        return select.Slot(f"{slot.key}/contingency", pattern, slot.to, day, minute,
                           reason=f"contingency of {slot.pattern.id}", parent=slot,
                           objectives=select.objectives_of(pattern, slot.to, brief.objectives))
    return contingency


def _short(brief: Brief, short: t.Mapping[str, int]) -> list[Diagnostic]:
    """``objective-not-coverable`` warnings for objectives the library's distinct patterns leave short."""
    from exgen.core.diagnostics import Severity, at

    out = []
    for o in brief.objectives:
        if o.id in short:
            out.append(at(brief.document.sources, f"{o.pointer}/id", "objective-not-coverable",
                          f"objective {o.id} gets {short[o.id]} of the {o.minimum} injects it asks for: the library "
                          "has no further unused pattern for it and a draft never repeats one; add patterns in a "
                          "--library directory or lower min_injects", Severity.WARNING))
    return out


def split(data: dict[str, t.Any], brief: Brief, seed: int, extra_libraries: int
          ) -> tuple[dict[str, dict[str, t.Any]], dict[str, list[str]]]:
    """The merged draft split into files (root first), and each file's header comment."""
    from exgen import __version__

    parts: dict[str, dict[str, t.Any]] = {}
    for name, keys in FILES.items():
        part = {k: data[k] for k in keys if k in data}
        if part:
            parts[name] = part
    by_day: dict[str, list[dict[str, t.Any]]] = {}
    for inj in data.get("injects", []):
        day = int(inj["time"].split(" ")[0][1:])
        by_day.setdefault(f"injects/day{day + 1}.yaml", []).append(inj)
    for name in sorted(by_day, key=lambda n: int(n[len("injects/day"):-len(".yaml")])):
        parts[name] = {"injects": by_day[name]}
    root = {"exgen": 1, "include": list(parts), "exercise": data["exercise"]}
    if "objectives" in data:
        root["objectives"] = data["objectives"]
    libraries = "built-in" + (f" + {extra_libraries} instructor director{'y' if extra_libraries == 1 else 'ies'}"
                              if extra_libraries else "")
    origin = (f"{write.MARK[2:]} from brief {brief.name}, seed {seed}, library {libraries} "
              f"(exgen {__version__}).")
    advice = "Review every inject before use; `exgen validate --strict exercise.yaml` checks the draft."
    headers: dict[str, list[str]] = {}
    for name in [write.ROOT, *parts]:
        about = ABOUT.get(name) or (f"Master events list, {name[len('injects/'):-len('.yaml')]} "
                                    "(injects in time order)." if name != write.ROOT
                                    else "Root file: the exercise, its objectives, and the files it includes.")
        headers[name] = [write.modeline(name), "", origin, about, advice]
    return {write.ROOT: root, **parts}, headers


def _internal(found: t.Sequence[Diagnostic], tmp: Path, out: str) -> list[Diagnostic]:
    """The written draft's diagnostics as generator bugs, located where the draft would have been."""
    import dataclasses

    out_list = []
    for d in found:
        if not d.is_error:
            continue
        file = d.location.file
        try:
            rel = os.path.relpath(file, tmp)
            if not rel.startswith(".."):
                file = os.path.join(out, rel)
        except ValueError:
            pass
        message = (f"{d.code}: {d.message} (the generated draft fails validation: this is a bug in exgen "
                   "generate; please report it with the brief, the library and the seed)")
        out_list.append(dataclasses.replace(d, code="generate-internal", message=message,
                                            location=Location(file, d.location.line, d.location.col)))
    return out_list
