"""The column mapping file (``--map MAPPING.yaml``): read with positions, checked against its schema, then for sense.

``schemas/import-mapping.schema.json`` says what the file may hold; :func:`load_mapping` reads it
like a definition (every problem located at its line and column), then checks what a schema
cannot: a header mapped twice, a value map naming one text twice, a zone that does not exist,
a STARTEX outside the years exgen reads, a list given as the default of a one-value field.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.check import schema
from exgen.core import pointer
from exgen.core.diagnostics import Diagnostic, Location, at, error
from exgen.core.sources import SourceMap, value_position
from exgen.ingest.times import UTC, parse_zone
from exgen.ingest.values import LIST_FIELDS, quoted, value_key
from exgen.load import read
from exgen.model.time import TimeError, parse_datetime

SCHEMA = "import-mapping.schema.json"
#: The inject fields a column may fill (besides custom ``x-`` fields and ``ignore``).
FIELDS = ("id", "serial", "time", "date", "from", "to", "method", "net", "title", "description", "expected_action",
          "objectives", "controller", "notes", "incident", "threat.kind", "threat.ids")
#: A column to leave out.
IGNORE = "ignore"
_HEADER_PUNCTUATION = " .:#*"


def header_key(text: str) -> str:
    """How a header is matched: case, spacing and the punctuation ``.:#*`` around it do not matter.

    >>> header_key("  Inject   No. "), header_key("*Time:*"), header_key("#:")
    ('inject no', 'time', '#')
    """
    words = " ".join(str(text).split()).casefold()
    return words.strip(_HEADER_PUNCTUATION).strip() or words.strip(" .:*").strip() or words


@dataclass(frozen=True)
class ColumnMap:
    """What the mapping says about one header: its field, value map and list separator."""

    header: str  #: as the mapping writes it
    field: str
    values: dict[str, str]  #: value_key(cell text) → value
    split: str | None
    location: Location  #: the header's key in the mapping file


@dataclass(frozen=True)
class Mapping:
    """A checked mapping file."""

    file: str
    sheet: str | None = None
    header_row: int | None = None
    timezone: dt.tzinfo = UTC  #: the zone of times written without one
    zone_name: str = "UTC"
    startex: dt.datetime | None = None
    date_order: str | None = None
    columns: dict[str, ColumnMap] = field(default_factory=dict)  #: header_key → column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  #: field → value_key → value
    defaults: dict[str, tuple[t.Any, Location]] = field(default_factory=dict)  #: field → (value, where written)


def load_mapping(path: str) -> tuple[Mapping | None, list[Diagnostic]]:
    """The mapping file at ``path`` (shown as written), or None and every problem found in it."""
    resolved = read.resolve(path)
    if not isinstance(resolved, Path):
        return None, [error("file-unreadable", f"cannot use the mapping file {path}: {resolved}", Location(path))]
    got = read.read_file(path, resolved)
    if got.built is None:
        code, message = got.problem or ("file-unreadable", f"cannot read {path}")
        return None, [error(code, message, Location(path))]
    built = got.built
    if built.diagnostics or not built.complete:
        return None, list(built.diagnostics)
    data = built.data
    if not isinstance(data, dict):
        line, col = value_position(built.entry) if built.entry is not None else (0, 0)
        message = "the mapping file must hold a mapping (key: value pairs) at the top, starting with exgen-import: 1"
        return None, [error("not-a-mapping", message, Location(path, line, col))]
    sources = SourceMap([(path, data, built.entry)], {(key,): 0 for key in data})
    problems = schema.validate_data(data, sources, SCHEMA)
    if problems:
        return None, problems
    return _checked(path, data, sources)


def _checked(path: str, data: dict[str, t.Any], sources: SourceMap) -> tuple[Mapping | None, list[Diagnostic]]:
    """The mapping a schema-valid file gives, after the checks a schema cannot make."""
    found: list[Diagnostic] = []
    zone_name = data.get("timezone", "UTC")
    zone = parse_zone(zone_name)
    if zone is None:
        found.append(at(sources, "/timezone", "import-unknown-zone", (
            f"there is no time zone '{zone_name}': name one as in the IANA time zone database "
            "(Europe/Belgrade, America/New_York), a fixed offset such as +02:00, or UTC")))
    startex = None
    if "startex" in data:
        try:
            startex = parse_datetime(data["startex"])
        except TimeError as problem:
            found.append(at(sources, "/startex", "import-bad-time", f"startex: {problem}"))
    columns = _columns(data.get("columns", {}), sources, found)
    values = {name: _value_map(table, f"/values/{pointer.escape(name)}", sources, found)
              for name, table in data.get("values", {}).items()}
    defaults = {}
    for name, value in data.get("defaults", {}).items():
        where = f"/defaults/{pointer.escape(name)}"
        if isinstance(value, list) and name not in LIST_FIELDS and not name.startswith("x-"):
            found.append(at(sources, where, "import-mapping-default", (
                f"the default for {name} is a list, but {name} holds one value: give one value")))
        defaults[name] = (value, sources.locate(where))
    if found:
        return None, found
    mapping = Mapping(path, data.get("sheet"), data.get("header_row"), zone or UTC, zone_name, startex,
                      data.get("date_order"), columns, values, defaults)
    return mapping, []


def _columns(raw: dict[str, t.Any], sources: SourceMap, found: list[Diagnostic]) -> dict[str, ColumnMap]:
    """The ``columns`` section by header_key; a header written twice (as matched) is an error."""
    columns: dict[str, ColumnMap] = {}
    for header, spec in raw.items():
        where = f"/columns/{pointer.escape(header)}"
        key = header_key(header)
        if key in columns:
            found.append(at(sources, where, "import-mapping-duplicate", (
                f"the header {quoted(header)} is mapped twice: it matches {quoted(columns[key].header)} (case, "
                "spacing and the punctuation .:#* around a header do not count); keep one"), key=True))
            continue
        if isinstance(spec, str):
            spec = {"field": spec}
        table = _value_map(spec.get("values", {}), f"{where}/values", sources, found)
        columns[key] = ColumnMap(header, spec["field"], table, spec.get("split"), sources.locate_key(where))
    return columns


def _value_map(raw: dict[str, str], where: str, sources: SourceMap, found: list[Diagnostic]) -> dict[str, str]:
    """One value map by value_key; a text written twice (as matched) with two values is an error."""
    table: dict[str, str] = {}
    written: dict[str, str] = {}
    for text, value in raw.items():
        key = value_key(text)
        if key in table and table[key] != value:
            found.append(at(sources, f"{where}/{pointer.escape(text)}", "import-mapping-duplicate", (
                f"{quoted(text)} is in this value map twice, as {quoted(written[key])} too (case and spacing do "
                f"not count), with two values ({quoted(table[key])} and {quoted(value)}); keep one"), key=True))
            continue
        table[key], written[key] = value, text
    return table


def custom_key_ok(name: str) -> bool:
    """Whether ``name`` is a custom field name the inject schema accepts.

    >>> custom_key_ok("x-media-channel"), custom_key_ok("x-"), custom_key_ok("x-" + "a" * 64)
    (True, False, False)
    """
    return _CUSTOM.fullmatch(name) is not None


_CUSTOM = re.compile(r"x-[A-Za-z0-9][A-Za-z0-9_-]{0,62}")
