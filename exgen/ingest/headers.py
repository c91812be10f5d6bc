"""Which column holds which inject field: the header row found, and each header mapped, recognised or made custom.

Three layouts: exgen's own MEL/MIL (the workbook's "All injects" and day sheets, and msel.csv),
recognised exactly by its header row; a mapping file's ``columns``; and, for headers neither
names, the common HSEEP and NATO MEL header names (:data:`ALIASES`). Any other header with a
value becomes a custom ``x-`` field, so no column is dropped without the planner saying so.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass

from exgen.core.diagnostics import Diagnostic, Location, Severity, error, warning
from exgen.ingest.mapping import IGNORE, Mapping, custom_key_ok, header_key
from exgen.ingest.values import ITEMS, quoted, text_of
from exgen.load.sheets.table import Cell, Table, column_letters

#: Rows searched for the header row.
SEARCH_ROWS = 30
#: Custom field names made from headers are at most this long after ``x-``.
MAX_SLUG = 60

#: Common MSEL header names (HSEEP, NATO MEL/MIL, exercise tools), matched as :func:`header_key` does.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("inject no", "inject number", "inject nr", "inject #", "inject id", "inject", "event no", "event number",
           "event id", "msel no", "msel number", "msel id", "mel no", "id", "#", "no", "nr", "number", "ref"),
    "serial": ("serial", "serial no", "serial number", "ser", "seq", "sequence"),
    "time": ("time", "scenario time", "inject time", "delivery time", "dtg", "date/time", "date time", "datetime",
             "date-time group", "planned time", "d-time", "exercise time", "time (z)", "time (utc)", "time (local)"),
    "date": ("date", "day", "exercise day", "scenario date", "inject date"),
    "from": ("from", "sender", "originator", "simulated source", "simulated sender", "sent by"),
    "to": ("to", "recipient", "recipients", "recipient(s)", "player", "players", "player(s)", "addressee",
           "addressees", "receiving unit", "receiver", "training audience"),
    "method": ("method", "mode", "inject mode", "inject method", "delivery method", "delivery mode", "means",
               "means of delivery", "medium"),
    "net": ("net", "radio net", "comms net"),
    "title": ("title", "synopsis", "event synopsis", "inject title", "subject", "headline"),
    "description": ("description", "inject description", "event description", "details", "inject text", "message",
                    "message text", "content", "text", "narrative"),
    "expected_action": ("expected player action", "expected player actions", "expected action", "expected actions",
                        "expected response", "expected outcome", "desired response"),
    "objectives": ("objective", "objectives", "objective(s)", "objective/capability", "capability", "capabilities",
                   "core capability", "core capabilities", "training objective", "training objectives"),
    "controller": ("controller", "responsible controller", "poc", "controller poc"),
    "notes": ("notes", "note", "remarks", "comments", "controller notes"),
    "incident": ("main incident", "incident"),
    "threat.kind": ("threat", "threat kind", "threat type"),
    "threat.ids": ("catalogue ids", "catalog ids", "technique ids", "techniques", "ttps"),
}
RECOGNISED: dict[str, str] = {header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}

# exgen's own MEL/MIL (templates/msel.xlsx.j2 "All injects" and day sheets, templates/msel.csv.j2):
# head, optional hierarchy, fixed middle, custom columns (column_label of msel_columns), tail.
_EXGEN_FIELDS = {
    "Serial": IGNORE, "Inject id": "id", "Inject": "id", "DTG": "time", "D-time": "time", "Day": IGNORE,
    "Phase": IGNORE, "Main event": IGNORE, "Main incident": "incident", "From": "from", "To": "to",
    "Method": "method", "Net": "net", "Title": "title", "Description": "description",
    "Expected action": "expected_action", "Objectives": "objectives", "Threat kind": "threat.kind",
    "Catalogue ids": "threat.ids", "Responsible controller": "controller", "Controller": "controller",
    "Status": IGNORE,
}
_MIDDLE = ("From", "To", "Method", "Net", "Title", "Description", "Expected action", "Objectives", "Threat kind",
           "Catalogue ids")
_EXGEN_LAYOUTS = (  # (head, middle, tail)
    (("Serial", "Inject id", "DTG", "D-time", "Day"), _MIDDLE, ("Responsible controller", "Status")),
    (("Serial", "Inject", "DTG", "D-time"), _MIDDLE, ("Controller", "Status")),
    (("Serial", "D-time"), ("From", "To", "Method", "Title", "Description", "Expected action"),
     ("Responsible controller", "Status")),
)
_HIERARCHIES = ((), ("Phase",), ("Main event", "Main incident"), ("Phase", "Main event", "Main incident"))


@dataclass(frozen=True)
class Column:
    """One column of the sheet and the field it fills."""

    col: int
    header: str
    field: str  #: an inject field, ``x-name`` or ``ignore``
    values: dict[str, str]  #: the column's own value map (value_key → value)
    split: str | None
    location: Location  #: the header cell


@dataclass(frozen=True)
class ColumnPlan:
    """The header row and what each column holds; ``layout`` is ``exgen``, ``mapping`` or ``recognised``."""

    header_row: int
    columns: dict[int, Column]
    layout: str


def column_label(name: str) -> str:
    """The header exgen's MEL gives custom field ``name`` (templates' column_label).

    >>> column_label("x-media-channel"), column_label("x-source")
    ('Media channel', 'Source')
    """
    words = (name[2:] if name.startswith("x-") else name).replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def plan_columns(table: Table, mapping: Mapping | None, *, header_row: int | None = None,
                 custom_names: t.Sequence[str] = ()) -> tuple[ColumnPlan | None, list[Diagnostic]]:
    """Find the header row (``header_row``, else the mapping's, else detected) and what each column holds.

    ``custom_names`` are the definition's ``exercise.msel_columns``: they turn exgen's own custom
    column labels back into their field names exactly.
    """
    wanted = header_row if header_row is not None else mapping.header_row if mapping else None
    mapped = bool(mapping and mapping.columns)
    if wanted is not None:
        row = next((cells for cells in table.rows if cells and cells[0].row == wanted), None)
        if row is None:
            return None, [error("import-no-header", f"the header row, row {wanted} of {_sheet(table)}, is empty; "
                                "name the row that holds the column headers", table.location(wanted, 1))]
    else:
        row = _find_header(table, mapping)
        if row is None:
            return None, [_no_header(table, mapping)]
    exgen = None if mapped else _exgen_fields(row, custom_names)
    if exgen is not None:
        # exgen joins list items with "; " (names may hold commas), catalogue ids one per line (XLSX) or "; " (CSV).
        columns = {cell.col: Column(cell.col, header, name, {}, _EXGEN_SPLIT.get(name),
                                    table.location(cell.row, cell.col))
                   for cell, (header, name) in zip(row, exgen, strict=True)}
        return ColumnPlan(row[0].row, columns, "exgen"), _check_fields(columns, "exgen")
    found: list[Diagnostic] = []
    columns = _columns(table, row, mapping, found)
    found += _check_fields(columns, "mapping" if mapped else "recognised")
    if mapping is not None:
        present = {header_key(c.header) for c in columns.values()}
        found += [warning("import-missing-column", (
            f"the mapping names the column {quoted(spec.header)}, but {_sheet(table)} has no such header in row "
            f"{row[0].row}; check its spelling, or remove it from the mapping"), spec.location)
            for key, spec in mapping.columns.items() if key not in present]
    return ColumnPlan(row[0].row, columns, "mapping" if mapped else "recognised"), found


def _find_header(table: Table, mapping: Mapping | None) -> list[Cell] | None:
    """The header row: exgen's own if one of the first rows is it, else the one naming the most known headers."""
    best: list[Cell] | None = None
    best_score = 1
    for cells in table.rows[:SEARCH_ROWS]:
        if not (mapping and mapping.columns) and _exgen_fields(cells, ()) is not None:
            return cells
        score = sum(1 for c in cells if _known(header_key(text_of(c.value)), mapping))
        if score > best_score:
            best, best_score = cells, score
    return best


def _known(key: str, mapping: Mapping | None) -> bool:
    """Whether a header is one the mapping names or a recognised one."""
    return bool(key) and (key in RECOGNISED or (mapping is not None and key in mapping.columns))


def _exgen_fields(row: list[Cell], custom_names: t.Sequence[str]) -> list[tuple[str, str]] | None:
    """(header, field) of each cell when ``row`` is exactly the header row of exgen's own MEL, else None."""
    texts = [text_of(c.value) if isinstance(c.value, str) else None for c in row]
    if not row or [c.col for c in row] != list(range(1, len(row) + 1)) or None in texts:
        return None
    labels = {column_label(name): name for name in custom_names}
    for head, middle, tail in _EXGEN_LAYOUTS:
        for hierarchy in _HIERARCHIES:
            start = (*head, *hierarchy, *middle)
            if len(texts) < len(start) + len(tail) or tuple(texts[: len(start)]) != start:
                continue
            if tuple(texts[len(texts) - len(tail):]) != tail:
                continue
            custom = t.cast("list[str]", texts[len(start): len(texts) - len(tail)])
            names = [labels.get(label) or "x-" + label.lower().replace(" ", "-") for label in custom]
            if all(custom_key_ok(name) for name in names):
                return ([(h, _EXGEN_FIELDS[h]) for h in start] + list(zip(custom, names, strict=True))
                        + [(h, _EXGEN_FIELDS[h]) for h in tail])
    return None


#: How exgen's own MEL/MIL separates the items of a list column.
_EXGEN_SPLIT = {"to": ITEMS, "objectives": ITEMS, "threat.ids": ITEMS}


def _columns(table: Table, row: list[Cell], mapping: Mapping | None, found: list[Diagnostic]) -> dict[int, Column]:
    """Each header of a foreign sheet: mapped, recognised, or a custom field (with an info saying so)."""
    columns: dict[int, Column] = {}
    customs: list[tuple[int, str, str]] = []  # (col, header, slug)
    for cell in row:
        text = text_of(cell.value)
        key = header_key(text)
        where = table.location(cell.row, cell.col)
        spec = mapping.columns.get(key) if mapping and key else None
        if spec is not None:
            columns[cell.col] = Column(cell.col, text, spec.field, spec.values, spec.split, where)
        elif key in RECOGNISED:
            columns[cell.col] = Column(cell.col, text, RECOGNISED[key], {}, None, where)
        elif text:
            customs.append((cell.col, text, slug(text) or f"column-{column_letters(cell.col).lower()}"))
    header_cols = {cell.col for cell in row}
    below = {c.col for cells in table.rows if cells[0].row > row[0].row for c in cells if text_of(c.value)}
    for col in sorted(below - header_cols):
        customs.append((col, "", f"column-{column_letters(col).lower()}"))
    taken = {c.field for c in columns.values()}
    for col, text, base in sorted(customs):
        name = _unique(f"x-{base}", taken)
        where = table.location(row[0].row, col)
        columns[col] = Column(col, text, name, {}, None, where)
        shown = f"the column headed {quoted(text)}" if text else f"column {column_letters(col)}, which has no header,"
        found.append(Diagnostic(Severity.INFO, "import-custom-column", (
            f"{shown} is not an inject field exgen knows: it is imported as the custom field {name}; map it "
            "to a field (or to ignore) in a mapping file to change that"), where))
    return dict(sorted(columns.items()))


def _check_fields(columns: dict[int, Column], layout: str) -> list[Diagnostic]:
    """Two columns filling one field, a date without a time of day, a title taken from the description."""
    found: list[Diagnostic] = []
    first: dict[str, Column] = {}
    for column in columns.values():
        if column.field == IGNORE or (layout == "exgen" and column.field == "time"):
            continue
        if column.field in first:
            other = first[column.field]
            found.append(error("import-duplicate-column", (
                f"the columns {quoted(other.header)} and {quoted(column.header)} both fill the field {column.field}; "
                "map one of them to another field or to ignore in a mapping file (--map)"), column.location))
        else:
            first[column.field] = column
    if "date" in first and "time" not in first:
        found.append(error("import-date-without-time", (
            f"the column {quoted(first['date'].header)} holds dates, but no column holds the time of day: map the time "
            "column to the field time in a mapping file (--map)"), first["date"].location))
    if "title" not in first and "description" in first:
        found.append(Diagnostic(Severity.INFO, "import-title-from-description", (
            "no column holds the inject titles: each title is the first sentence of the description "
            f"(column {quoted(first['description'].header)}), cut to 120 characters"), first["description"].location))
    return found


def slug(text: str) -> str:
    """A header as the name of a custom field (after ``x-``): lower case, words joined by ``-``, at most 60 characters.

    >>> slug("Media Channel (press/TV)"), slug("Примечание"), slug("  ##  ")
    ('media-channel-press-tv', '', '')
    """
    words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return words[:MAX_SLUG].rstrip("-")


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3`` … when a column already has it (added to ``taken``)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate)
    return candidate


def _sheet(table: Table) -> str:
    """The sheet's name for messages."""
    return f"sheet '{table.sheet}'" if table.sheet else "the file"


def _no_header(table: Table, mapping: Mapping | None) -> Diagnostic:
    """import-no-header: no row among the first ones names two known headers."""
    looked = ["Inject No.", "Time", "Date", "From", "To", "Method", "Title", "Synopsis", "Description",
              "Expected Player Action", "Objective/Capability", "Controller", "Notes"]
    if mapping is not None:
        looked = [spec.header for spec in mapping.columns.values()] + looked
    return error("import-no-header", (
        f"no header row in the first {SEARCH_ROWS} rows of {_sheet(table)}: exgen looks for a row holding at least "
        f"two column headers it knows ({', '.join(looked[:16])}, …) or exgen's own MEL header row; name the header "
        "row (header_row) and what each column holds (columns) in a mapping file and pass it with --map"),
        Location(table.file))
