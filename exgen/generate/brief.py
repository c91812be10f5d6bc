"""The brief: read with :func:`exgen.load.load`, checked against ``schemas/brief.schema.json``, then
checked for what a generated draft would inherit or could not do.

The brief keeps the definition's shape where it holds definition data (``exercise``,
``systems``, ``units``, ``nets``, ``pace``, ``constraints``, ``objectives``, ``excon``), so the
same JSON pointers work in both: :func:`definition_view` is the brief seen as a definition, and
the pipeline's own rules and comms analysis run on it with the brief's source map. Their
findings, and the brief's own (``objective-not-coverable`` ...), point into the brief's files.
"""

from __future__ import annotations

import os
import typing as t
from dataclasses import dataclass

from exgen.core.diagnostics import Diagnostic, Severity, at, has_errors
from exgen.core.suggest import did_you_mean

if t.TYPE_CHECKING:
    from exgen.generate.forces import Forces
    from exgen.generate.library import Library
    from exgen.generate.place import Day
    from exgen.load import Document
    from exgen.model import Exercise

SCHEMA = "brief.schema.json"
#: Sections copied from the brief into the draft as they are.
DEFINITION_SECTIONS = ("phases", "systems", "units", "nets", "pace", "constraints", "main_incidents")
#: Objective fields only the brief has.
BRIEF_ONLY = ("capabilities", "min_injects")
#: Main-event fields only the brief has.
EVENT_ONLY = ("storylines", "kinds")
#: Findings about what the generator is about to write, so not the brief's problem (a custom column
#: is checked against inject_fields instead, and events against the drafted injects).
GENERATED_CODES = frozenset({"objective-not-exercised", "objective-not-evaluated", "unit-without-inject",
                             "event-without-injects", "unknown-msel-column"})


@dataclass(frozen=True)
class Objective:
    """A training objective with the capability tags it trains and its minimum number of injects."""

    id: str
    title: str
    tags: tuple[str, ...]
    audience: tuple[str, ...]
    minimum: int
    pointer: str


@dataclass(frozen=True)
class Place:
    """A named place of the scenario."""

    name: str
    kind: str
    lat: float | None = None
    lon: float | None = None


#: Default least minutes between two injects to the same recipient.
DEFAULT_GAP = 45


@dataclass(frozen=True)
class Brief:
    """A schema-valid brief."""

    document: Document
    rhythm: tuple[int, int]
    objectives: tuple[Objective, ...]
    injects_per_day: int
    weights: dict[str, float]
    actors: dict[str, str]
    storylines: tuple[str, ...]
    places: tuple[Place, ...]
    nations: tuple[str, ...]
    inject_fields: dict[str, str]
    #: Least minutes between two injects to the same recipient (``battle_rhythm.min_gap``).
    min_gap: int = DEFAULT_GAP

    @property
    def data(self) -> dict[str, t.Any]:
        return self.document.data

    @property
    def name(self) -> str:
        """The brief's file name (no directories: drafts must not depend on where exgen ran)."""
        return os.path.basename(self.document.root.display)


def load_brief(path: str | os.PathLike[str]) -> tuple[Brief | None, list[Diagnostic]]:
    """The brief at ``path`` (with its includes), or None with located diagnostics."""
    from exgen import load
    from exgen.check import schema
    from exgen.generate.place import clock
    from exgen.model import parse_duration

    document, found = load.load(path)
    if document is None or has_errors(found):
        return None, found
    found += schema.validate_data(document.data, document.sources, SCHEMA)
    if has_errors(found):
        return None, found
    data = document.data
    default_min = int(data.get("min_injects_per_objective", 2))
    objectives = tuple(
        Objective(o["id"], o["title"], tuple(o["capabilities"]), tuple(o.get("audience") or ()),
                  int(o.get("min_injects", default_min)), f"/objectives/{i}")
        for i, o in enumerate(data["objectives"])
    )
    threats = data.get("threats") or {}
    places = tuple(Place(p["name"], p["kind"], p.get("lat"), p.get("lon")) for p in data.get("places") or [])
    rhythm = data["battle_rhythm"]
    brief = Brief(
        document=document, rhythm=(clock(rhythm["start"]), clock(rhythm["end"])), objectives=objectives,
        injects_per_day=int(threats.get("injects_per_day", 6)),
        weights={k: float(v) for k, v in sorted((threats.get("weights") or {}).items())},
        actors=dict(sorted((threats.get("actors") or {}).items())),
        storylines=tuple(data.get("storylines") or ()), places=places,
        nations=tuple((data.get("excon") or {}).get("nations") or ()),
        inject_fields=dict(data.get("inject_fields") or {}),
        min_gap=parse_duration(rhythm["min_gap"]) if "min_gap" in rhythm else DEFAULT_GAP,
    )
    return brief, found


def definition_view(brief: Brief, cells: t.Iterable[dict[str, t.Any]] = ()) -> dict[str, t.Any]:
    """The brief as a definition without injects: same pointers for every section it keeps.

    ``cells`` (library cells) are appended after the brief's own, so role players and
    controllers that name a library cell resolve.
    """
    data = brief.data
    out: dict[str, t.Any] = {"exgen": 1, "exercise": data["exercise"]}
    out["objectives"] = [{k: v for k, v in o.items() if k not in BRIEF_ONLY} for o in data["objectives"]]
    for key in DEFINITION_SECTIONS:
        if key in data:
            out[key] = data[key]
    if "main_events" in data:
        out["main_events"] = [{k: v for k, v in e.items() if k not in EVENT_ONLY} for e in data["main_events"]]
    excon = data.get("excon") or {}
    own = list(excon.get("cells") or [])
    known = {c["id"] for c in own}
    out["excon"] = {
        "cells": own + [c for c in cells if c["id"] not in known],
        "role_players": [{k: v for k, v in r.items() if k != "archetype"} for r in excon.get("role_players") or []],
        "controllers": list(excon.get("controllers") or []),
        "evaluators": list(excon.get("evaluators") or []),
    }
    return out


def check(brief: Brief, lib: Library) -> tuple[Exercise | None, list[Diagnostic]]:
    """The brief's forces as a model, and every problem a draft would inherit or the library causes.

    The definition rules and the comms analysis run on :func:`definition_view` with warnings
    promoted (a draft must pass ``--strict``); findings about injects, objectives exercised and
    evaluators are left out, since the generator writes those.
    """
    from exgen.check import semantic

    data = definition_view(brief, lib.cells.values())
    result = semantic.run(data, brief.document.sources)
    if result.model is None:
        return None, result.diagnostics
    found = [d.promoted() for d in result.diagnostics if d.code not in GENERATED_CODES]
    found += _references(brief, lib)
    return result.model, found


def _references(brief: Brief, lib: Library) -> list[Diagnostic]:
    """Storylines, place kinds and archetypes the brief names exist in the library."""
    sources = brief.document.sources
    found = []
    for i, sid in enumerate(brief.storylines):
        if sid not in lib.storylines:
            found.append(at(sources, f"/storylines/{i}", "unknown-storyline",
                            f"no storyline '{sid}' in the library{did_you_mean(sid, sorted(lib.storylines))}"))
    for i, place in enumerate(brief.places):
        if place.kind not in lib.place_kinds:
            found.append(at(sources, f"/places/{i}/kind", "unknown-place-kind",
                            f"'{place.kind}' is not a place kind of the library; known: {', '.join(lib.place_kinds)}"))
    for i, rp in enumerate((brief.data.get("excon") or {}).get("role_players") or []):
        name = rp.get("archetype")
        if name is not None and name not in lib.archetypes:
            found.append(at(sources, f"/excon/role_players/{i}/archetype", "unknown-archetype",
                            f"no archetype '{name}' in the library{did_you_mean(name, sorted(lib.archetypes))}"))
    for i, event in enumerate(brief.data.get("main_events") or []):
        for j, sid in enumerate(event.get("storylines") or []):
            if sid not in brief.storylines:
                known = sorted(brief.storylines)
                found.append(at(sources, f"/main_events/{i}/storylines/{j}", "unknown-storyline",
                                f"main event {event['id']} names storyline '{sid}', which the brief does not play "
                                f"(storylines: {', '.join(known) or 'none'}){did_you_mean(sid, known)}"))
    columns = (brief.data["exercise"].get("msel_columns") or [])
    for n, name in enumerate(columns):
        if name not in brief.inject_fields:
            found.append(at(sources, f"/exercise/msel_columns/{n}", "unknown-msel-column",
                            f"MEL/MIL column '{name}' is not among the brief's inject_fields, so no drafted inject "
                            f"would carry it; add '{name}' to inject_fields or drop the column"
                            f"{did_you_mean(name, sorted(brief.inject_fields))}"))
    for kind, weight in brief.weights.items():
        if weight > 0 and not any(p.kind == kind for p in lib.free_patterns()):
            found.append(at(sources, f"/threats/weights/{kind}", "threat-kind-not-in-library",
                            f"the library has no pattern of threat kind '{kind}'; its weight is ignored",
                            Severity.WARNING))
    return found


def check_coverage(brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day]) -> list[Diagnostic]:
    """Objectives the library cannot exercise, trained units no pattern suits, a rhythm with no room."""
    sources = brief.document.sources
    found = []
    if not days:
        found.append(at(sources, "/battle_rhythm", "battle-rhythm-empty",
                        "the battle rhythm leaves no window of an hour or more between STARTEX and ENDEX"))
    found += _phase_gaps(brief, forces.model, days)
    have = lib.capabilities()
    for o in brief.objectives:
        missing = [(j, tag) for j, tag in enumerate(o.tags) if tag not in have]
        reachable = [p for p in lib.free_patterns() if set(p.capabilities) & set(o.tags)
                     and forces.recipients(p, o.audience or None)]
        if reachable:
            for j, tag in missing:
                found.append(at(sources, f"{o.pointer}/capabilities/{j}", "capability-not-in-library",
                                f"objective {o.id}: no library pattern exercises '{tag}'; the objective is "
                                "covered through its other capabilities", Severity.WARNING))
        elif missing and len(missing) == len(o.tags):
            for j, tag in missing:
                found.append(at(sources, f"{o.pointer}/capabilities/{j}", "objective-not-coverable",
                                f"objective {o.id} trains '{tag}', but no library pattern exercises it; add a "
                                "pattern with this capability in a --library directory, or change the tag"))
        else:
            who = "its audience" if o.audience else "the training audience"
            where = f"{o.pointer}/audience" if o.audience else f"{o.pointer}/capabilities"
            found.append(at(sources, where, "objective-not-coverable",
                            f"objective {o.id}: no library pattern with capability {', '.join(o.tags)} suits any "
                            f"unit of {who}; add a pattern for these units in a --library directory"))
    for unit in forces.model.units:
        if unit.id in forces.audience and not any(forces.fits(p, unit.id) for p in lib.free_patterns()):
            found.append(at(sources, f"{unit.pointer}/id", "unit-not-coverable",
                            f"no library pattern suits training-audience unit {unit.id} (category "
                            f"{unit.category}, echelon {unit.echelon or 'none'}); add one in a --library directory"))
    return found


def _phase_gaps(brief: Brief, model: Exercise, days: t.Sequence[Day]) -> list[Diagnostic]:
    """inject-outside-phase: the brief's phases leave part of the battle rhythm uncovered, where a drafted
    inject would fall in no phase."""
    from exgen.generate.place import GRID

    spans = sorted((p.start, p.end) for p in model.phases if p.end > p.start)
    if not spans:
        return []
    gaps: list[tuple[int, int]] = []
    for day in days:
        cur, last = day.start, day.end - GRID  # injects are placed from the window's start to its last mark
        for start, end in spans:
            if start > cur:
                gaps.append((cur, min(start, last)))
            cur = max(cur, end + 1)
            if cur > last:
                break
        if cur <= last:
            gaps.append((cur, last))
    gaps = [(a, b) for a, b in gaps if a <= b]
    if not gaps:
        return []
    where = ", ".join(f"{model.dtime(a)} to {model.dtime(b)}" for a, b in gaps)
    return [at(brief.document.sources, "/phases", "inject-outside-phase",
               f"the phases leave part of the battle rhythm uncovered ({where}); an inject drafted there would "
               "fall in no phase: extend or add a phase, or narrow battle_rhythm")]
