"""The after-action stage's diagnostic codes: docs/diagnostics.md (section After-action) is checked against them."""

from __future__ import annotations

from exgen.core.diagnostics import Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# code → (severity, one-line summary). Codes are a public contract: never rename one.
AAR_CODES: dict[str, tuple[Severity, str]] = {
    # reading a filled evaluation workbook (exgen/aar/workbook.py)
    "workbook-not-exgen": (E, "not an evaluation workbook exgen made: its exgen sheet is missing or unreadable"),
    "workbook-other-exercise": (E, "the evaluation workbook was made for another exercise"),
    "workbook-bad-rating": (E, "a rating that is not P, S, M or U"),
    "workbook-bad-time": (E, "an exercise time exgen cannot read (D+N HH:MM or a DTG)"),
    "workbook-unknown-task": (E, "a critical task number the objective does not have"),
    "workbook-bad-kind": (E, "an observation marked neither Strength nor Area for improvement"),
    "workbook-empty-observation": (W, "a row with a task, kind or evaluator but no observation text"),
    # the capability-gap register (exgen/aar/register.py)
    "gaps-duplicate-id": (E, "two gaps of the register have the same id, whatever the case of its letters"),
    "gaps-unknown-owner": (E, "a gap's owner or responsible is neither a country code nor a known organisation"),
    "gaps-bad-date": (E, "a date of the register names a day the calendar does not have"),
    "gaps-history-order": (W, "a gap's history entries are not oldest first"),
    "gaps-closed-unconfirmed": (W, "a closed gap without the history entry that closed it"),
    # reading the conduct record: events.jsonl or the console's status CSV (exgen/aar/record.py)
    "aar-record-file": (E, "the record cannot be read: missing, too large, or not UTF-8 text"),
    "aar-record-bad-json": (E, "a line of events.jsonl that is not one complete JSON object"),
    "aar-record-bad-event": (E, "a line of events.jsonl that is not a conduct record event"),
    "aar-record-order": (E, "an event numbered no higher than the one before it"),
    "aar-record-unknown-inject": (E, "an event or console row about an inject the exercise does not have"),
    "aar-record-unknown-subject": (E, "an objective, critical task, observation, net, PACE plan or unit the exercise "
                                      "does not have"),
    "aar-record-csv-header": (E, "a CSV file whose first row is not the console's status export header"),
    "aar-record-csv-row": (E, "a console row with a wrong number of cells, an unknown status or an unreadable time"),
    "aar-record-csv-no-bom": (W, "a console CSV without the UTF-8 mark the console writes: saved again by another "
                                 "program"),
    "aar-record-empty": (W, "a record with no event or console row to report on"),
    # building the AAR package (exgen/aar/inputs.py, exgen/aar/build.py)
    "aar-package": (E, "the package directory has no data/exercise.json exgen can read"),
    "aar-register-update": (E, "the register could not be updated with this exercise's findings"),
}
