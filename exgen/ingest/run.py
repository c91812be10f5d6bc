"""``exgen import msel``: read the sheet, map its columns, merge into the definition, validate, write.

Nothing is written unless the whole result validates: the files about to be written are loaded
from memory (:func:`exgen.load.load` with a reader that serves them) and checked like any
definition, and findings about imported values are shown at their cells. Then every file is
written beside its target and renamed into place, so a failure leaves the definition as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core.collector import paused_gc
from exgen.core.diagnostics import Diagnostic, Location, error, has_errors, sort_diagnostics
from exgen.ingest import background, locate, merge, partial, scaffold, write
from exgen.ingest.yaml_patch import PatchError
from exgen.model.time import TimeError, parse_datetime

if t.TYPE_CHECKING:
    from exgen.check.run import Checked
    from exgen.load import Document
    from exgen.load.read import FileRead


@dataclass(frozen=True)
class Options:
    """What the user asked for on the command line."""

    sheet_path: str
    out: str | None = None
    mapping: str | None = None
    sheet: str | None = None
    into: str | None = None
    prune: bool = False
    allow_macros: bool = False
    encoding: str | None = None
    nation: str | None = None
    force: bool = False
    dry_run: bool = False


@dataclass
class Result:
    """What an import found and did."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    plan: merge.Plan | None = None
    files: list[str] = field(default_factory=list)  #: the files the report covers

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def run_import(opts: Options) -> Result:
    """Import one sheet; never raises for user input."""
    from exgen.ingest.intake import read_sheet
    from exgen.ingest.mapping import load_mapping
    result = Result(files=[opts.sheet_path])
    mapping = None
    if opts.mapping:
        mapping, found = load_mapping(opts.mapping)
        result.diagnostics += found
        result.files.append(opts.mapping)
        if mapping is None or has_errors(found):
            return _done(result)
    sheet = opts.sheet or (getattr(mapping, "sheet", None) if mapping else None)
    # The sheet is read in a child process while the definition loads here, and its rows are
    # converted as they come (at 10,000 rows each side takes seconds).
    reader = background.SheetReader(opts.sheet_path, sheet=sheet, allow_macros=opts.allow_macros,
                                    encoding=opts.encoding)
    document = None
    try:
        if opts.into:
            from exgen import load

            document, found = load.load(opts.into, reader=_keeping)
            result.diagnostics += found
            result.files.append(opts.into)
            if document is None or has_errors(found):
                return _done(result)
        data = document.data if document else {}
        startex = _startex(data, mapping)
        custom = [c for c in (data.get("exercise", {}).get("msel_columns") or []) if isinstance(c, str)]
        with paused_gc():  # every row makes many small objects: the collector would walk them all again and again
            intake = read_sheet(reader, mapping, startex=startex, known=known_names(data), custom_names=custom)
    finally:
        reader.cancel()
    result.diagnostics += intake.diagnostics
    if not intake.ok:
        return _done(result)
    rows = intake.rows
    # A value that could not be read is reported at its cell; the rest is still merged and validated,
    # so one run shows every mistake. The row's missing value is not reported a second time.
    unread = {d.location.line for d in intake.diagnostics if d.is_error and d.location.cell}
    if startex is None and not opts.into:  # a new definition: STARTEX on the hour before the first inject
        times = [c[0] for row in rows for c in row.values.get("time", []) if isinstance(c[0], dt.datetime)]
        startex = min(times).astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0) if times else None
    root = Path(opts.into).resolve() if opts.into else None
    out = Path(opts.out).resolve() if opts.out else (root.parent if root else Path.cwd())
    merger = merge.Merger(root, document, out, startex, [f"x-{c}" if not c.startswith("x-") else c for c in custom])
    # Memory: the definition as loaded, the sheet and its rows are not needed once the rows are
    # merged, and the edited files once their texts are made; the validation loads it all again.
    del document, data, intake
    with paused_gc():
        planned = merger.add_rows(rows, prune=opts.prune)
    del rows
    result.plan = planned
    result.diagnostics += planned.diagnostics
    note = merge.missing_note(planned, opts.sheet_path)
    if note is not None and root is not None:
        result.diagnostics.append(note)
    if any(d.code == "import-cannot-edit" for d in planned.diagnostics):
        return _done(result)
    try:
        texts, found = _texts(planned, merger, root, out, opts, startex)
    except PatchError as exc:
        result.diagnostics.append(error("import-cannot-edit", f"cannot edit the definition: {exc}",
                                        Location(opts.into or opts.sheet_path)))
        return _done(result)
    planned.edits.clear()
    merger.opened.clear()
    result.diagnostics += found
    if texts is None or has_errors(found):
        return _done(result)
    for path in texts:
        _KEPT.pop(path, None)
    checked = _validate(opts.into or os.path.join(opts.out or os.curdir, "exercise.yaml"), texts, set(planned.cells))
    injects = checked.document.data.get("injects", []) if checked.document else []
    located = locate.to_cells(checked.diagnostics, injects if isinstance(injects, list) else [],
                              planned.cells, planned.rows)
    result.diagnostics += [d for d in located if _reported(d, unread)]
    if has_errors(result.diagnostics) or opts.dry_run:
        return _done(result)
    try:
        result.written = write.write_files(texts, new_root=None if root else out, force=opts.force)
    except write.WriteError as exc:
        result.diagnostics.append(error(exc.code, str(exc), Location(str(opts.out or out))))
    return _done(result)


def _reported(d: Diagnostic, unread: set[int]) -> bool:
    """Whether a finding of the validation belongs in the import's report: every error (it stops the
    import) and every finding about a cell, except a field missing from a row whose cell could not
    be read (already reported there); the definition's own warnings are for ``exgen validate``."""
    if d.location.cell:
        return not (d.code == "schema-required" and d.location.line in unread)
    return d.is_error


def _done(result: Result) -> Result:
    _KEPT.clear()
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result


def _startex(data: dict[str, t.Any], mapping: t.Any) -> dt.datetime | None:
    """STARTEX of the definition, else of the mapping file, else unknown."""
    for text in (data.get("exercise", {}).get("startex"), getattr(mapping, "startex", None)):
        if isinstance(text, dt.datetime):
            return text.astimezone(dt.timezone.utc)
        if isinstance(text, str):
            try:
                return parse_datetime(text)
            except TimeError:
                continue
    return None


def known_names(data: dict[str, t.Any]) -> dict[str, str]:
    """Every name and id a cell may use for something the definition holds → its id (casefolded keys)."""
    known: dict[str, str] = {}
    raw = data.get("excon")
    excon: dict[str, t.Any] = raw if isinstance(raw, dict) else {}
    groups = [data.get(k) for k in ("units", "objectives", "nets", "main_incidents", "main_events", "phases")]
    groups += [excon.get(k) for k in ("cells", "role_players", "controllers", "evaluators")]
    for group in groups:
        for item in group if isinstance(group, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            for key in ("name", "short_name", "title", "portrays"):
                if isinstance(item.get(key), str):
                    known.setdefault(item[key].strip().casefold(), item["id"])
    for group in groups:  # ids win over names
        for item in group if isinstance(group, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                known[item["id"].casefold()] = item["id"]
    return known


def _schema_for(root: Path | None, target: Path) -> str | None:
    """The fragment schema path for a new file, from the root's ``$schema`` line; None without one."""
    if root is None:
        return None
    try:
        first = root.read_text("utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return None
    marker = "$schema="
    if marker not in first:
        return None
    schema = first.split(marker, 1)[1].strip()
    if "://" in schema:
        return schema.replace("exercise.schema.json", "exercise-fragment.schema.json")
    fragment = (root.parent / schema).parent / "exercise-fragment.schema.json"
    return os.path.relpath(fragment, target.parent).replace(os.sep, "/")


def _texts(planned: merge.Plan, merger: merge.Merger, root: Path | None, out: Path, opts: Options,
           startex: dt.datetime | None) -> tuple[dict[Path, str] | None, list[Diagnostic]]:
    """The text of every file to write: edited ones, new day files, and a new root when there is none."""
    texts: dict[Path, str] = {path: edited.text() for path, edited in planned.edits.items()}
    source = os.path.basename(opts.sheet_path)
    for path, items in planned.new_files.items():
        texts[path] = merge.new_file_text(path, items, _schema_for(root, path), source)
    if root is None:
        items = [item for group in planned.new_files.values() for item in group]
        times = [t0 for t0 in (_moment(item, startex) for item in items) if t0 is not None]
        text, found = scaffold.root_text(source, Path(opts.sheet_path).stem, items, times, planned.includes,
                                         opts.nation, startex, Location(opts.sheet_path))
        if text is None:
            return None, found
        texts[out / "exercise.yaml"] = text
    return texts, []


def _moment(item: dict[str, t.Any], startex: dt.datetime | None) -> dt.datetime | None:
    text = item.get("time")
    if not isinstance(text, str):
        return None
    try:
        return parse_datetime(text)
    except TimeError:
        if startex is None:
            return None
        from exgen.model.time import resolve_time

        try:
            return startex + dt.timedelta(minutes=resolve_time(text, startex))
        except TimeError:
            return None


#: Files the first load of the definition read cleanly, for the validation of the result.
_KEPT: dict[Path, FileRead] = {}


def _keeping(display: str, path: Path) -> FileRead:
    """Read a definition file and keep a clean parse of it for :func:`_validate`."""
    from exgen.load import read

    got = read.read_file(display, path)
    if got.built is not None and got.built.complete and not got.built.diagnostics:
        _KEPT[path] = got
    return got


def _validate(shown: str, texts: dict[Path, str], imported_ids: set[str]) -> Checked:
    """Check the definition as it will be once ``texts`` are written, without writing them."""
    from exgen import load
    from exgen.check.run import check
    from exgen.load import read

    def reader(display: str, path: Path) -> FileRead:
        if path in texts:
            raw = texts[path].encode("utf-8")
            return read.FileRead(hashlib.sha256(raw).hexdigest(), read.parse(raw, display, path.suffix == ".json"))
        kept = _KEPT.pop(path, None)  # a file the import does not change is not parsed again
        return kept if kept is not None else read.read_file(display, path)

    loaded: tuple[Document | None, list[Diagnostic]] = load.load(shown, reader=reader)
    checked = check(shown, loaded=loaded)
    document = checked.document
    schema_errors = [d for d in checked.diagnostics if d.is_error and d.code.startswith("schema-")]
    if document is None or not schema_errors or checked.model is not None:
        return checked
    injects = document.data.get("injects")
    imported = {i for i, item in enumerate(injects if isinstance(injects, list) else [])
                if isinstance(item, dict) and item.get("id") in imported_ids}
    bad = {partial.inject_index(d) for d in schema_errors}
    if None in bad or any(i not in imported for i in bad):  # a schema error outside the imported injects
        return checked
    checked.diagnostics += partial.rules_without(document.data, document.sources, t.cast("set[int]", bad))
    return checked
