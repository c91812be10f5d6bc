"""The import stage's diagnostic codes: the table docs/diagnostics.md (section Import) is checked against."""

from __future__ import annotations

from exgen.core.diagnostics import Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# code → (severity, one-line summary). Codes are a public contract: never rename one.
IMPORT_CODES: dict[str, tuple[Severity, str]] = {
    # columns, header row, mapping file (exgen/ingest/headers.py, mapping.py)
    "import-no-header": (E, "no row among the first 30 names at least two column headers exgen knows"),
    "import-duplicate-column": (E, "two columns fill the same inject field"),
    "import-missing-column": (W, "the mapping file names a header the sheet does not have"),
    "import-custom-column": (INFO, "a column no field is known for is imported as a custom x- field"),
    "import-title-from-description": (INFO, "no title column: each title is the description's first sentence"),
    "import-date-without-time": (E, "a date column without a column for the time of day"),
    "import-mapping-duplicate": (E, "the mapping file maps one header, or one value-map text, twice"),
    "import-mapping-default": (E, "a list given as the default of a field that holds one value"),
    "import-unknown-zone": (E, "the mapping file's timezone is not a known time zone"),
    # times (exgen/ingest/times.py)
    "import-bad-time": (E, "a time or date cell exgen cannot read, or outside the years 1900 to 2999"),
    "import-ambiguous-date": (E, "a numeric date whose day and month could be swapped, without date_order"),
    "import-needs-startex": (E, "D+N times without a STARTEX to count from"),
    # reading the spreadsheet (exgen/load/sheets/)
    "sheet-format": (E, "not a spreadsheet exgen reads (.xls, .xlsb, .ods, encrypted, web page, binary)"),
    "sheet-too-large": (E, "a file, sheet, part or row count over the limits exgen reads"),
    "sheet-zip-bomb": (E, "the XLSX zip container is hostile or damaged (sizes, ratios, names)"),
    "sheet-unsafe-xml": (E, "a workbook part declares a DTD or XML entities"),
    "sheet-macros": (E, "the workbook holds macros and --allow-macros was not given"),
    "sheet-macros-ignored": (W, "the workbook's macros were ignored and never run"),
    "sheet-not-found": (E, "no sheet of the name given, or no visible worksheet"),
    "sheet-hidden": (W, "hidden sheets were not read"),
    "sheet-external-links": (W, "links to other workbooks were not followed; cached values used"),
    "sheet-formula": (W, "formula cells were read as their last computed values"),
    "sheet-formula-no-value": (E, "a formula cell without a stored value"),
    "sheet-date-1900": (E, "a date before 1 March 1900 (Excel's fictitious 29 February 1900)"),
    "sheet-error-value": (E, "a cell showing an error such as #REF! or #N/A"),
    "sheet-cell-too-long": (E, "a cell over 32,767 characters, or a CSV field over 1 MiB"),
    "sheet-encoding": (INFO, "a CSV file that is not UTF-8 was read as Windows-1250 or 1251"),
    "sheet-encoding-error": (E, "the encoding given is unknown or does not decode the file"),
    # merging into the definition and writing (exgen/ingest/merge.py, run.py, scaffold.py, write.py)
    "import-duplicate-row": (E, "two rows of the sheet carry the same inject id"),
    "import-conflicting-cells": (E, "two cells of a row give different values for one field (DTG and D-time)"),
    "import-required-empty": (E, "a cell that would clear a field every inject needs is empty"),
    "import-not-in-sheet": (W, "injects of the definition are not in the sheet (kept unless --prune)"),
    "import-cannot-edit": (E, "a definition file cannot be edited in place (flow-style list, anchors, unreadable)"),
    "import-file-exists": (E, "a day file the import would create exists but is not part of the definition"),
    "import-needs-nation": (E, "a new definition's recipients need a nation: --nation or --into"),
    "import-no-times": (E, "a new definition cannot be dated: no inject in the sheet has a time"),
    "import-write-failed": (E, "the files could not be written; nothing was changed"),
}
