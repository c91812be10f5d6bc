"""Imported rows against the definition: which injects change, which are new, which the sheet lacks.

Every decision is made on values (a time in the definition's own terms, lists item by item), and
every change becomes an edit of the file that holds the inject, so text nobody changed stays as
it was, byte for byte. New injects go to the day file of their exercise day (``injects/dayN.yaml``,
D+0 in day1), appended when the definition already includes it, otherwise created and included.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error, warning
from exgen.core.sources import Location as Loc
from exgen.ingest import fields as f
from exgen.ingest.local_edit import InjectFile
from exgen.ingest.yaml_patch import render_new_file

if t.TYPE_CHECKING:
    from exgen.ingest.rows import Imported
    from exgen.load import Document

SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"


@dataclass
class Target:
    """Where an existing inject is written: its file and its index in that file's ``injects``."""

    file: Path
    index: int
    data: dict[str, t.Any]


@dataclass
class Plan:
    """What the import will write and what it found."""

    edits: dict[Path, InjectFile] = field(default_factory=dict)  #: existing files to edit
    new_files: dict[Path, list[dict[str, t.Any]]] = field(default_factory=dict)  #: day files to create
    includes: list[str] = field(default_factory=list)  #: include entries the root gains
    updated: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  #: in the definition, not in the sheet
    removed: list[str] = field(default_factory=list)
    cells: dict[str, dict[str, Location]] = field(default_factory=dict)  #: inject id → field → cell it came from
    rows: dict[str, Location] = field(default_factory=dict)  #: inject id → its row, for new injects
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Merger:
    """Plans the edits of one import into a definition (or into new files when there is none)."""

    def __init__(self, root: Path | None, document: Document | None, out: Path, startex: dt.datetime | None,
                 custom_order: t.Sequence[str]) -> None:
        self.root, self.out, self.startex, self.custom_order = root, out, startex, custom_order
        self.plan = Plan()
        self.existing: dict[str, Target] = {}
        self.opened: dict[Path, InjectFile] = {}
        self.starts: dict[Path, list[int]] = {}
        self.files: set[Path] = set()
        self.relative = True
        if document is not None:
            self._index(document)

    def _index(self, document: Document) -> None:
        """Each inject of the definition: its file, its place in that file's list, where it starts."""
        paths = {f.display: f.path for f in document.files}
        self.files = set(paths.values())
        injects = document.data.get("injects")
        styles: list[bool] = []
        for k, item in enumerate(injects if isinstance(injects, list) else []):
            where = document.sources.locate(f"/injects/{k}")
            path = paths.get(where.file)
            if path is None or not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            starts = self.starts.setdefault(path, [])
            self.existing.setdefault(item["id"], Target(path, len(starts), item))
            starts.append(where.line)
            styles.append(f.is_relative(item.get("time")))
        if styles:
            self.relative = sum(styles) * 2 >= len(styles)

    def _open(self, path: Path) -> InjectFile | None:
        if path in self.opened:
            return self.opened[path]
        try:
            edited = InjectFile(path.read_bytes().decode("utf-8"), str(path), self.starts.get(path, []))
        except (OSError, UnicodeDecodeError) as exc:
            self.plan.diagnostics.append(error("import-cannot-edit", f"cannot edit {path}: {exc}", Location(str(path))))
            return None
        self.opened[path] = edited
        self.plan.edits[path] = edited
        return edited

    # --- rows ------------------------------------------------------------------------

    def add_rows(self, rows: t.Sequence[Imported], *, prune: bool) -> Plan:
        """Plan every row; then the injects the sheet no longer has (removed only with ``prune``)."""
        seen: dict[str, Location] = {}
        for row in rows:
            ident = self._ident(row)
            if ident is None:
                continue
            if ident in seen:
                where = row.values["id"][0][1] if "id" in row.values else row.location
                message = f"inject {ident} is on two rows of the sheet (first at {seen[ident]})"
                self.plan.diagnostics.append(error("import-duplicate-row", message, where))
                continue
            seen[ident] = row.location
            target = self.existing.get(ident)
            self._update(ident, row, target) if target is not None else self._add(ident, row)
        self.plan.missing = [ident for ident in self.existing if ident not in seen]
        if prune:
            for ident in self.plan.missing:
                target = self.existing[ident]
                edited = self._open(target.file)
                if edited is not None:
                    edited.remove_item(target.index)
                    self.plan.removed.append(ident)
        return self.plan

    def _ident(self, row: Imported) -> str | None:
        got = row.values.get("id")
        if got:
            value = got[0][0]
            return value if isinstance(value, str) else str(value)
        return self._next_id()

    def _next_id(self) -> str:
        """The next id in the definition's own numbering (``INJ-060`` after ``INJ-059``)."""
        taken = set(self.existing) | set(self.plan.added)
        counts: dict[tuple[str, int], int] = {}
        for ident in taken:
            match = re.fullmatch(r"(.*?)(\d+)", ident)
            if match:
                key = (match.group(1), len(match.group(2)))
                counts[key] = max(counts.get(key, 0), int(match.group(2)))
        prefix, width = max(counts, key=lambda k: (sum(1 for i in taken if i.startswith(k[0])), k)) \
            if counts else ("INJ-", 3)
        number = counts.get((prefix, width), 0) + 1
        while f"{prefix}{number:0{width}d}" in taken:
            number += 1
        return f"{prefix}{number:0{width}d}"

    def _chosen(self, name: str, candidates: list[tuple[t.Any, Location]], current: t.Any,
                row: Imported) -> tuple[t.Any, Location] | None:
        """The candidate to write: the one that differs from the definition (two that differ and
        disagree are an error); None when every candidate says what the definition says."""
        differ = [c for c in candidates if not self._same(name, current, c[0])]
        if not differ:
            return None
        if len(differ) > 1 and not all(self._same(name, differ[0][0], c[0]) for c in differ[1:]):
            cells = ", ".join(str(c[1].cell or c[1]) for c in differ)
            self.plan.diagnostics.append(error(
                "import-conflicting-cells", f"the cells {cells} give different values for {name}; change one of them",
                differ[1][1]))
            return None
        return differ[0]

    def _same(self, name: str, current: t.Any, value: t.Any) -> bool:
        if name == "time" and isinstance(value, dt.datetime):
            if isinstance(current, dt.datetime):
                return current == value
            return f.same_time(current, value, self.startex)
        return f.same_value(current, value)

    def _text(self, name: str, value: t.Any, current: t.Any) -> t.Any:
        """The value as the definition writes it (times as D+N or ISO, like the text they replace)."""
        if name == "time" and isinstance(value, dt.datetime):
            relative = f.is_relative(current) if isinstance(current, str) else self.relative
            return f.time_text(value, self.startex, relative=relative)
        return value

    def _update(self, ident: str, row: Imported, target: Target) -> None:
        cells: dict[str, Location] = {}
        sets: list[tuple[str, t.Any]] = []
        removes: list[str] = []
        for name, candidates in row.values.items():
            if name == "id" or not candidates:
                continue
            current = f.get_path(target.data, name)
            chosen = self._chosen(name, candidates, current, row)
            cells[name] = chosen[1] if chosen else candidates[0][1]
            if chosen is not None:
                sets.append((name, self._text(name, chosen[0], current)))
        for name, where in row.empty.items():
            if f.get_path(target.data, name) is None or name in row.values:
                continue
            if name in f.REQUIRED:
                self.plan.diagnostics.append(error(
                    "import-required-empty", f"inject {ident} must have a {name}; the cell is empty", where))
                continue
            removes.append(name.split(".")[0] if name.startswith("threat.kind") else name)
            cells[name] = where
        self.plan.cells[ident] = cells
        if not sets and not removes:
            return
        edited = self._open(target.file)  # only a file with a change is opened (and written)
        if edited is None:
            return
        for name, value in sets:
            edited.set_field(target.index, name, value)
        for name in removes:
            edited.remove_field(target.index, name)
        self.plan.updated.append(ident)

    def _add(self, ident: str, row: Imported) -> None:
        values: dict[str, t.Any] = {"id": ident}
        cells: dict[str, Location] = {}
        for name, candidates in row.values.items():
            if name == "id" or not candidates:
                continue
            first = candidates[0]
            for other in candidates[1:]:
                if not self._same(name, first[0], other[0]):
                    self.plan.diagnostics.append(error(
                        "import-conflicting-cells", f"the cells {first[1].cell} and {other[1].cell} give different "
                        f"values for {name} of the new inject {ident}; change one of them", other[1]))
            values[name] = self._text(name, first[0], None)
            cells[name] = first[1]
        item = f.ordered(f.nest(values), self.custom_order)
        self.plan.cells[ident] = cells
        self.plan.rows[ident] = row.location
        self.plan.added.append(ident)
        moment = row.values.get("time", [(None, row.location)])[0][0]
        self._place(item, moment)

    def _place(self, item: dict[str, t.Any], moment: t.Any) -> None:
        """Append a new inject to the day file of its exercise day."""
        day = 0
        if isinstance(moment, dt.datetime) and self.startex is not None:
            day = (moment.astimezone(dt.timezone.utc).date() - self.startex.date()).days
        name = f"day{day + 1}.yaml" if day >= 0 else f"day-minus-{-day}.yaml"
        path = (self.out / "injects" / name).resolve()
        if path in self.files:
            edited = self._open(path)
            if edited is not None:
                edited.append_items([item])
            return
        if path.exists() and path not in self.plan.new_files:
            self.plan.diagnostics.append(error(
                "import-file-exists", f"{path} exists but the definition does not include it; include it or move it "
                "away, so the import does not overwrite it", Location(str(path))))
            return
        if path not in self.plan.new_files:
            self.plan.new_files[path] = []
            self._include(path)
        self.plan.new_files[path].append(item)

    def _include(self, path: Path) -> None:
        """The root gains an include entry for a new day file."""
        if self.root is None:
            self.plan.includes.append(os.path.relpath(path, self.out).replace(os.sep, "/"))
            return
        rel = os.path.relpath(path, self.root.parent).replace(os.sep, "/")
        edited = self._open(self.root)
        if edited is not None:
            edited.add_include(rel)
            self.plan.includes.append(rel)


def new_file_text(path: Path, items: list[dict[str, t.Any]], schema: str | None, source: str) -> str:
    """A new day file, headed like the scenarios' own (with the editor's schema line when the root has one)."""
    header = (SCHEMA_LINE.format(schema=schema) if schema else "") + f"#\n# Imported by exgen import from {source}.\n"
    return render_new_file(header, "injects", items)


def missing_note(plan: Plan, sheet: str) -> Diagnostic | None:
    """An info naming the injects the definition has and the sheet does not (kept unless --prune)."""
    if not plan.missing or plan.removed:
        return None
    shown = ", ".join(plan.missing[:8]) + (" …" if len(plan.missing) > 8 else "")
    return warning("import-not-in-sheet", f"{len(plan.missing)} inject(s) of the definition are not in the sheet "
                   f"and were kept: {shown}; pass --prune to remove them", Loc(sheet))
