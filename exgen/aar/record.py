"""The conduct record as the after-action report reads it: events.jsonl or the console's CSV → a Record.

:func:`read_record` takes either export of a conduct: ``events.jsonl`` from ``exgen record export``
(one event per line, schemas/conduct-events.schema.json) or the offline EXCON console's status CSV
(:mod:`exgen.aar.record_console`). Every line or row that cannot be used is a located diagnostic
(``events.jsonl:12:1``) and is left out; the rest still makes a Record. The file is checked against
the package's data/exercise.json, never trusted: an inject, objective, net or PACE plan it does not
have is reported.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

from exgen.aar.record_console import read_console
from exgen.aar.record_events import Applier
from exgen.aar.record_types import (
    ClockChange,
    CommsEvent,
    InjectRun,
    Note,
    Record,
    RecordObservation,
    decode,
    planned_runs,
)
from exgen.check import schema, schema_fast
from exgen.core.diagnostics import Diagnostic, Location, error, warning

__all__ = ["MAX_BYTES", "ClockChange", "CommsEvent", "InjectRun", "Note", "Record", "RecordObservation",
           "read_record"]

#: The largest record read (a four-day exercise writes a few MiB).
MAX_BYTES = 256 * 1024 * 1024
#: The longest line of events.jsonl read (an event's payload is at most 64 KiB).
MAX_LINE = 1024 * 1024
EVENTS_SCHEMA = "conduct-events.schema.json"


def read_record(path: str, exercise: t.Mapping[str, t.Any]) -> tuple[Record | None, list[Diagnostic]]:
    """The record at ``path`` (events.jsonl or a console CSV) checked against the package's exercise.json;
    None when the file cannot be read at all."""
    data, found = _bytes(path)
    if data is None:
        return None, found
    if _is_console(path, data):
        record, found = read_console(path, data, exercise)
    else:
        record, found = _read_events(path, data, exercise)
    if record is not None and record.events == 0 and not any(d.is_error for d in found):
        found.append(warning("aar-record-empty", "the record holds nothing to report on: give the export made "
                             "after ENDEX", Location(path)))
    return record, found


def _bytes(path: str) -> tuple[bytes | None, list[Diagnostic]]:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            return None, [error("aar-record-file", f"the file is larger than {MAX_BYTES // 2**20} MiB: it is not a "
                                "conduct record exgen wrote", Location(path))]
        return file.read_bytes(), []
    except OSError as problem:
        return None, [error("aar-record-file", f"cannot read the record: {problem.strerror or problem}",
                            Location(path))]


def _is_console(path: str, data: bytes) -> bool:
    """A CSV by its name, or by not starting like JSON."""
    if path.lower().endswith(".csv"):
        return True
    if path.lower().endswith((".jsonl", ".json")):
        return False
    return not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _read_events(path: str, data: bytes, exercise: t.Mapping[str, t.Any]) -> tuple[Record | None, list[Diagnostic]]:
    text, found = decode(path, data)
    if text is None:
        return None, found
    record = Record("events.jsonl", path, injects=planned_runs(exercise))
    applier = Applier(record, exercise)
    last_seq = 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = Location(path, number, 1)
        event, problem = _parse(line, where)
        if event is None:
            found.append(t.cast(Diagnostic, problem))
            continue
        wrong = _schema_problem(event)
        if wrong is not None:
            found.append(error("aar-record-bad-event", f"this line is not a conduct record event ({wrong}); "
                               "export the record again", where))
            continue
        if event["seq"] <= last_seq:
            found.append(error("aar-record-order", f"event {event['seq']} comes after event {last_seq}: the file "
                               "was edited or joined from two exports; export the record again", where))
            continue
        last_seq = event["seq"]
        problem = applier.apply(event, where)
        if problem is not None:
            found.append(problem)
            continue
        record.events += 1
    return record, found


def _schema_problem(event: dict[str, t.Any]) -> str | None:
    """What makes ``event`` no conduct record event (the key and why), or None."""
    fast = schema.fast_check(EVENTS_SCHEMA)
    if fast is not None:
        try:
            if fast(event):
                return None
        except schema_fast.Unknown:
            pass
    from jsonschema.exceptions import best_match

    wrong = best_match(schema.validator(EVENTS_SCHEMA).iter_errors(event))
    if wrong is None:
        return None
    place = "/".join(str(p) for p in wrong.absolute_path) or "the event"
    return f"{place}: {cut(wrong.message, 120)}"


def _parse(line: str, where: Location) -> tuple[dict[str, t.Any] | None, Diagnostic | None]:
    """One line as a JSON object, or why not (at the column where reading stopped)."""
    if len(line) > MAX_LINE:
        return None, error("aar-record-bad-json", f"the line is longer than {MAX_LINE // 1024} KiB: it is not an "
                           "event exgen wrote", where)

    def refuse(name: str) -> t.NoReturn:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        value = json.loads(line, parse_constant=refuse)
    except json.JSONDecodeError as problem:
        return None, error("aar-record-bad-json", f"the line is not complete JSON ({problem.msg}): it was cut short "
                           "or edited; export the record again", Location(where.file, where.line, problem.colno))
    except (ValueError, RecursionError) as problem:
        return None, error("aar-record-bad-json", f"the line is not an event exgen wrote ({cut(str(problem), 80)})",
                           where)
    if not isinstance(value, dict):
        return None, error("aar-record-bad-json", "the line is JSON but not an object: it is not an event", where)
    return value, None


def cut(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
