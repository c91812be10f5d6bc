"""The inject library: patterns, storylines, archetypes, cells and place kinds, read from data.

The built-in library is ``exgen/data/library/``; instructors add directories with
``--library DIR`` (repeatable). As with template overrides the first directory wins by id:
a pattern with a built-in id replaces it, a new id adds one, and ``remove: [ID, ...]`` takes
patterns of the directories after it (the built-in ones) out.
Only regular files inside a directory are read (:func:`library_files`); every file is read
with :func:`exgen.load.load` and checked against
``schemas/library.schema.json``, then the merged library is cross-checked (references,
placeholders, catalogue ids), so each problem is a located diagnostic.
"""

from __future__ import annotations

import os
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core import paths
from exgen.core.diagnostics import Diagnostic, Location, at, error, has_errors
from exgen.generate import text
from exgen.generate.library_files import display as _display
from exgen.generate.library_files import library_files

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

SCHEMA = "library.schema.json"
SECTIONS = ("patterns", "storylines", "archetypes", "cells", "place_kinds")
SUFFIXES = (".yaml", ".yml", ".json")
#: Constraint kinds a trigger pattern can announce.
TRIGGER_KINDS = ("jamming", "gnss-jamming", "gnss-spoofing", "outage", "cyber", "emcon")
#: Groups of threat kinds that become main events when the brief gives none: (title, kinds).
KIND_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Hostile information campaign", ("disinformation",)),
    ("Cyber and electromagnetic attack", ("cyber", "electronic-warfare", "gnss-jamming")),
    ("Sabotage, armed groups and organised crime",
     ("sabotage", "paramilitary", "organised-crime", "conventional", "cbrn")),
    ("Command, sustainment and civil emergencies", ("c2", "logistics", "civil-emergency")),
)
#: Storyline stages, in the order a storyline plays them.
STAGES = ("build-up", "incident", "escalation", "follow-up")
#: Trigger for a constraint that hits only the far end of a link.
REMOTE = "remote"
#: The cell a ``sender: higher`` pattern falls back to when the recipient's superior is trained too.
HICON = "HICON"


@dataclass(frozen=True)
class Exchange:
    """A required exchange with endpoints relative to the recipient (``recipient``, ``higher`` ...)."""

    kind: str
    sender: str
    receiver: str
    within: str


@dataclass(frozen=True)
class Variant:
    """Other wording of a pattern for a daily window (minutes of the day) and kinds of exercise day."""

    hours: tuple[int, int] | None
    days: tuple[str, ...]
    texts: tuple[tuple[str, str], ...]  #: (field, text) pairs it replaces


@dataclass(frozen=True)
class Pattern:
    """One parameterised inject."""

    id: str
    kind: str
    title: str
    capabilities: tuple[str, ...]
    methods: tuple[str, ...]
    sender: str
    description: str = ""
    expected_action: str = ""
    notes: str = ""
    ids: tuple[str, ...] = ()
    actor: str = ""
    roles: tuple[str, ...] = ("training-audience",)
    categories: tuple[str, ...] = ()
    echelons: tuple[str, ...] = ()
    requires: tuple[Exchange, ...] = ()
    follow_up: str | None = None
    after: str = ""
    place: str | None = None
    triggers: tuple[str, ...] = ()
    contingency_only: bool = False
    announce: str = "affected"
    bearers: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    encrypted: bool = False
    stages: tuple[str, ...] = ("incident",)
    recall: str = ""
    hours: tuple[int, int] | None = None  #: daily window its own texts assume, minutes of the day
    variants: tuple[Variant, ...] = ()

    def texts(self) -> t.Iterator[tuple[str, str]]:
        """Every (field, text) of the pattern, its variants' included."""
        for f in text.FIELDS:
            yield f, getattr(self, f)
        for v in self.variants:
            yield from v.texts

    @property
    def placeholders(self) -> set[str]:
        """Every placeholder the pattern's texts use."""
        return {name for _, body in self.texts() for name in text.used(body)}

    @property
    def needs_earlier(self) -> bool:
        """True when its texts refer to an earlier inject of its storyline: only a later storyline step."""
        return "earlier" in self.placeholders

    @property
    def needs_higher(self) -> bool:
        """True when its texts name the recipient's superior."""
        return bool(self.placeholders & text.NEEDS_HIGHER)

    @property
    def free(self) -> bool:
        """True for a pattern the generator may pick on its own (not a trigger or contingency)."""
        return not self.triggers and not self.contingency_only


@dataclass(frozen=True)
class Storyline:
    """Patterns chained across days."""

    id: str
    title: str
    steps: tuple[tuple[str, int], ...]
    actor: str = ""
    description: str = ""


@dataclass(frozen=True)
class Archetype:
    """A kind of role player."""

    id: str
    cell: str
    portrays: str
    organisation: str = ""
    description: str = ""
    hostile: bool = False


@dataclass(frozen=True)
class Library:
    """The merged library, each section by id in id order."""

    patterns: dict[str, Pattern] = field(default_factory=dict)
    storylines: dict[str, Storyline] = field(default_factory=dict)
    archetypes: dict[str, Archetype] = field(default_factory=dict)
    cells: dict[str, dict[str, t.Any]] = field(default_factory=dict)
    place_kinds: dict[str, str] = field(default_factory=dict)

    def free_patterns(self) -> list[Pattern]:
        """Patterns the generator may pick on its own, in id order."""
        return [p for p in self.patterns.values() if p.free]

    def capabilities(self) -> set[str]:
        """Every capability tag some freely usable pattern exercises."""
        return {c for p in self.free_patterns() for c in p.capabilities}


@dataclass(frozen=True)
class _Item:
    """A raw library entry and where it was written."""

    raw: dict[str, t.Any]
    sources: Locator
    pointer: str
    file: str


def builtin_dir() -> Path:
    """The built-in library (``exgen/data/library``), installed or in a checkout."""
    from importlib import resources

    return Path(str(resources.files("exgen.data"))) / "library"


def load_library(user_dirs: t.Sequence[str | os.PathLike[str]] = ()) -> tuple[Library, list[Diagnostic]]:
    """The library of these instructor directories over the built-in one, with its diagnostics."""
    dirs = [Path(d) for d in user_dirs]
    found = [error("library-dir", f"library directory '{d}' does not exist or is not a directory",
                   Location(str(d))) for d in dirs if not paths.is_dir(d)]
    if found:
        return Library(), found
    chosen: dict[str, dict[str, _Item]] = {s: {} for s in SECTIONS}
    removed: set[str] = set()
    for folder in [*dirs, builtin_dir()]:
        items, gone, problems = _read_dir(folder, user=folder != builtin_dir())
        found += problems
        for section in SECTIONS:
            for key, item in items[section].items():
                if not (section == "patterns" and key in removed):
                    chosen[section].setdefault(key, item)
        removed |= gone
    if has_errors(found):
        return Library(), found
    library = _build(chosen)
    found += _cross_check(library, chosen)
    return library, found


def _read_dir(folder: Path, user: bool = True) -> tuple[dict[str, dict[str, _Item]], set[str], list[Diagnostic]]:
    """Every entry of one library directory by section and id, and the pattern ids it removes.

    Duplicate ids inside one directory are errors, and so is a file it may not read
    (:func:`library_files`).
    """
    from exgen import load
    from exgen.check import schema

    items: dict[str, dict[str, _Item]] = {s: {} for s in SECTIONS}
    removed: set[str] = set()
    paths, found = library_files(folder, user)
    for path in paths:
        doc, problems = load.load(_display(path))
        if doc is not None and not has_errors(problems):
            problems += schema.validate_data(doc.data, doc.sources, SCHEMA)
        found += problems
        if doc is None or has_errors(problems):
            continue
        removed.update(doc.data.get("remove") or ())
        for section in SECTIONS:
            for i, raw in enumerate(doc.data.get(section) or []):
                pointer = f"/{section}/{i}"
                first = items[section].get(raw["id"])
                if first is not None:
                    found.append(at(doc.sources, f"{pointer}/id", "library-duplicate-id",
                                    f"{section[:-1].replace('_', ' ')} '{raw['id']}' is already defined in "
                                    f"{first.file}; ids must be unique within one library directory"))
                    continue
                items[section][raw["id"]] = _Item(raw, doc.sources, pointer, doc.root.display)
    return items, removed, found


def _build(chosen: dict[str, dict[str, _Item]]) -> Library:
    """Library objects from the chosen raw entries, each section in id order."""
    patterns = {key: _pattern(chosen["patterns"][key].raw) for key in sorted(chosen["patterns"])}
    storylines = {
        key: Storyline(key, raw["title"], tuple((s["pattern"], int(s["day"])) for s in raw["steps"]),
                       raw.get("actor", ""), raw.get("description", ""))
        for key, raw in ((k, chosen["storylines"][k].raw) for k in sorted(chosen["storylines"]))
    }
    archetypes = {
        key: Archetype(key, raw["cell"], raw["portrays"], raw.get("organisation", ""), raw.get("description", ""),
                       bool(raw.get("hostile", False)))
        for key, raw in ((k, chosen["archetypes"][k].raw) for k in sorted(chosen["archetypes"]))
    }
    cells = {k: dict(chosen["cells"][k].raw) for k in sorted(chosen["cells"])}
    kinds = {k: chosen["place_kinds"][k].raw["label"] for k in sorted(chosen["place_kinds"])}
    return Library(patterns, storylines, archetypes, cells, kinds)


def _pattern(raw: dict[str, t.Any]) -> Pattern:
    recipients = raw.get("recipients") or {}
    requires = []
    for ex in raw.get("requires") or []:
        kind, body = next(iter(ex.items()))
        requires.append(Exchange(kind, body["from"], body["to"], body["within"]))
    follow = raw.get("follow_up") or {}
    return Pattern(
        id=raw["id"], kind=raw["kind"], title=raw["title"], capabilities=tuple(raw["capabilities"]),
        methods=tuple(raw["methods"]), sender=raw["sender"], description=raw.get("description", ""),
        expected_action=raw.get("expected_action", ""), notes=raw.get("notes", ""), ids=tuple(raw.get("ids") or ()),
        actor=raw.get("actor", ""), roles=tuple(recipients.get("roles") or ("training-audience",)),
        categories=tuple(recipients.get("categories") or ()), echelons=tuple(recipients.get("echelons") or ()),
        requires=tuple(requires), follow_up=follow.get("pattern"), after=follow.get("after", ""),
        place=raw.get("place"), triggers=tuple(raw.get("triggers") or ()),
        contingency_only=bool(raw.get("contingency_only", False)), announce=raw.get("announce", "affected"),
        bearers=tuple(raw.get("bearers") or ()), bands=tuple(raw.get("bands") or ()),
        encrypted=bool(raw.get("encrypted", False)), stages=tuple(raw.get("stages") or ("incident",)),
        recall=raw.get("recall", ""), hours=_hours(raw.get("hours")),
        variants=tuple(Variant(_hours(v.get("hours")), tuple(v.get("days") or ()),
                               tuple((f, v[f]) for f in text.VARIANT_FIELDS if f in v))
                       for v in raw.get("variants") or ()),
    )


def _hours(raw: dict[str, str] | None) -> tuple[int, int] | None:
    """A daily window as minutes of the day, or None."""
    if not raw:
        return None
    start, end = (int(raw[k][:2]) * 60 + int(raw[k][3:]) for k in ("from", "to"))
    return start, end


def _cross_check(lib: Library, chosen: dict[str, dict[str, _Item]]) -> list[Diagnostic]:
    """References between entries, placeholders and catalogue ids of the merged library."""
    found: list[Diagnostic] = []

    def report(item: _Item, tail: str, code: str, message: str) -> None:
        found.append(at(item.sources, item.pointer + tail, code, message))

    for pid, p in lib.patterns.items():
        item = chosen["patterns"][pid]
        found += _check_placeholders(p, item)
        found += _check_ids(p, item)
        if p.follow_up is not None:
            target = lib.patterns.get(p.follow_up)
            if target is None or target.triggers:
                what = "no such pattern" if target is None else "it is a trigger pattern"
                report(item, "/follow_up/pattern", "library-unknown-reference",
                       f"pattern {pid} follows up with '{p.follow_up}', but {what}")
        role, _, name = p.sender.partition(":")
        if role == "archetype" and name not in lib.archetypes:
            report(item, "/sender", "library-unknown-reference", f"pattern {pid} is sent by archetype '{name}', "
                   f"which the library does not define")
        if (role == "cell" and name not in lib.cells) or (role == "higher" and HICON not in lib.cells):
            cell = name or HICON
            report(item, "/sender", "library-unknown-reference",
                   f"pattern {pid} needs EXCON cell '{cell}', which the library does not define")
        if p.place is not None and p.place not in lib.place_kinds:
            report(item, "/place", "library-unknown-reference",
                   f"pattern {pid} names a place of kind '{p.place}', which is not a library place kind")
    for sid, s in lib.storylines.items():
        item = chosen["storylines"][sid]
        for j, (pid, _day) in enumerate(s.steps):
            target = lib.patterns.get(pid)
            if target is None or not target.free:
                what = "no such pattern" if target is None else "a trigger or contingency-only pattern"
                report(item, f"/steps/{j}/pattern", "library-unknown-reference",
                       f"storyline {sid} step {j + 1} names '{pid}': {what}")
            elif j == 0 and target.needs_earlier:
                report(item, f"/steps/{j}/pattern", "library-placeholder",
                       f"storyline {sid} starts with '{pid}', whose texts use {{earlier}}: nothing comes before it")
    for aid, a in lib.archetypes.items():
        if a.cell not in lib.cells:
            report(chosen["archetypes"][aid], "/cell", "library-unknown-reference",
                   f"archetype {aid} belongs to cell '{a.cell}', which the library does not define")
    return found


def _check_placeholders(p: Pattern, item: _Item) -> list[Diagnostic]:
    """Every placeholder is known, trigger-only ones only in trigger patterns, {place} with a place kind."""
    found = []
    allowed = text.COMMON | (text.TRIGGER_ONLY if p.triggers else frozenset())
    places = [(f"/{f}", getattr(p, f)) for f in text.FIELDS]
    places += [(f"/variants/{j}/{f}", body) for j, v in enumerate(p.variants) for f, body in v.texts]
    for tail, body in places:
        for name in text.used(body):
            problem = None
            if name in text.TRIGGER_ONLY and not p.triggers:
                problem = f"{{{name}}} is only filled in patterns with triggers"
            elif name not in allowed:
                problem = f"{{{name}}} is not a placeholder; known: {', '.join(sorted(allowed))}"
            elif name == "place" and p.place is None:
                problem = "{place} needs the pattern to say which kind of place (place: energy ...)"
            elif name == "sender_name" and not p.sender.startswith("archetype:"):
                problem = "{sender_name} is only filled for patterns sent by a role-player archetype"
            elif name == "earlier" and ("build-up" in p.stages or not p.free):
                problem = "{earlier} needs an earlier inject: not in build-up, trigger or contingency patterns"
            if problem:
                found.append(at(item.sources, item.pointer + tail, "library-placeholder",
                                f"pattern {p.id}: {problem}"))
    return found


def _check_ids(p: Pattern, item: _Item) -> list[Diagnostic]:
    """Catalogue ids exist in the shipped catalogues and fit the pattern's threat kind."""
    from exgen.check.rules.values import CATALOGUE_KINDS
    from exgen.core import catalogues

    found = []
    for j, ident in enumerate(p.ids):
        entry = catalogues.lookup(ident)
        pointer = f"{item.pointer}/ids/{j}"
        if entry is None:
            found.append(at(item.sources, pointer, "library-threat-id",
                            f"pattern {p.id} uses '{ident}', which is not in the DISARM or ATT&CK catalogue"))
        elif p.kind not in CATALOGUE_KINDS.get(entry.catalogue, frozenset()):
            found.append(at(item.sources, pointer, "library-threat-id",
                            f"pattern {p.id} is a '{p.kind}' pattern but {ident} ({entry.name}) is a "
                            f"{entry.catalogue} id, which does not fit that kind"))
    return found
