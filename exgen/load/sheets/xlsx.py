"""An XLSX workbook → the :class:`Table` of one sheet, streamed (openpyxl read-only mode).

The container is checked first (:mod:`.guard`: sizes, zip bombs, DTDs; then macros, external
links, other formats). The workbook is opened twice, once with the values Excel last computed
and once with the formulas, and the chosen sheet's rows are walked in lockstep: a formula is
never evaluated, its cached value is used (a formula without one is an error at its cell). When
the guard saw no formula element in any worksheet, the second opening is skipped.
Macros are never run (openpyxl is opened with ``keep_vba=False``), links never followed.
"""

from __future__ import annotations

import contextlib
import io
import typing as t
import warnings
import zipfile
from pathlib import PurePath

import openpyxl  # type: ignore[import-untyped]
from openpyxl.utils.datetime import WINDOWS_EPOCH  # type: ignore[import-untyped]

from exgen.core.diagnostics import Diagnostic, Location, error, warning
from exgen.core.suggest import did_you_mean
from exgen.load.sheets import guard
from exgen.load.sheets.cells import CellReader
from exgen.load.sheets.rows import sheet_rows
from exgen.load.sheets.table import RowsFactory, Table

#: Another way to read the chosen worksheet's rows: ``fast(workbook, worksheet)`` gives them as
#: :func:`~exgen.load.sheets.rows.sheet_rows` would (``exgen import`` parses them with expat), or
#: raises :class:`ReadPlainly`. Used only for a workbook without formulas.
FastRows = t.Callable[[t.Any, t.Any], t.Iterable[t.Sequence[t.Any]]]

#: Sheets an MSEL is usually on, picked (when visible) before the first visible sheet.
PREFERRED_SHEETS = ("all injects", "msel", "mel", "mel/mil", "injects")
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")


class ReadPlainly(Exception):
    """Raised through :func:`read_xlsx` by a :data:`FastRows` reader for a worksheet it does not
    read, maybe after some rows, or whose reading a limit stopped: the caller reads it again
    without one."""


def read_xlsx(raw: bytes, display: str, *, sheet: str | None = None, allow_macros: bool = False,
              max_rows: int = 200_000, rows: RowsFactory | None = None,
              fast: FastRows | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """The chosen sheet of the workbook whose bytes are ``raw`` (shown as ``display``), its rows
    read by ``fast`` when given and the workbook holds no formula."""
    where = Location(display)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None, [error("sheet-format", "the file starts like an XLSX workbook (a zip archive) but is damaged; "
                            "open and save it again in Excel or LibreOffice", where)]
    with archive:
        refused, has_formulas = guard.check_zip(archive, display)
        if refused is not None:
            return None, [refused]
        found = container_findings(archive.namelist(), display, allow_macros)
    if any(d.is_error for d in found):
        return None, found
    with warnings.catch_warnings(), contextlib.ExitStack() as books:
        warnings.simplefilter("ignore")  # openpyxl warns on stderr about features it drops
        try:
            values = books.enter_context(contextlib.closing(_open(raw, data_only=True)))
            formulas = books.enter_context(contextlib.closing(_open(raw, data_only=False))) if has_formulas else None
            return _read_sheet(values, formulas, display, sheet, max_rows, found, rows,
                               None if has_formulas else fast)
        except ReadPlainly:
            raise
        except Exception as problem:  # a malformed part makes openpyxl raise anything
            return None, [*found, _unreadable(problem, display)]


def container_findings(names: list[str], display: str, allow_macros: bool) -> list[Diagnostic]:
    """What the container's part names say: another format, macros, external links."""
    where = Location(display)
    lower = {name.lower() for name in names}
    if "xl/workbook.bin" in lower:
        return [error("sheet-format", "this is a binary Excel workbook (.xlsb); save it as .xlsx "
                      "(Excel Workbook) or export the sheet as CSV", where)]
    if "content.xml" in lower and "mimetype" in lower:
        return [error("sheet-format", "this is an OpenDocument spreadsheet (.ods); save it as .xlsx "
                      "or export the sheet as CSV", where)]
    if "[content_types].xml" not in lower:
        return [error("sheet-format", "this zip archive is not an Excel workbook (it has no "
                      "[Content_Types].xml); give an .xlsx or a CSV file", where)]
    found = []
    macros = [n for n in names
              if PurePath(n).name.lower() == "vbaproject.bin" or n.lower().startswith("xl/macrosheets/")]
    if macros or display.lower().endswith(_MACRO_SUFFIXES):
        if not allow_macros:
            return [error("sheet-macros", "the workbook holds macros; exgen never runs them and does not read "
                          "macro workbooks unless told to: save it as .xlsx (Excel Workbook) or give "
                          "--allow-macros to read its values and ignore the macros", where)]
        found.append(warning("sheet-macros-ignored", "the workbook holds macros: they were ignored and "
                             "never run, only the cells' values were read", where))
    links = [n for n in names if n.lower().startswith("xl/externallinks/") and n.lower().endswith(".xml")]
    if links:
        found.append(warning("sheet-external-links", f"the workbook links to {len(links)} other workbook(s); "
                             "the values last copied from them were used and the links were not followed", where))
    return found


def _open(raw: bytes, *, data_only: bool) -> t.Any:
    """The workbook, streamed: read-only, macros dropped, external links not loaded."""
    return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, keep_vba=False, data_only=data_only,
                                  keep_links=False, rich_text=False)


def _unreadable(problem: Exception, display: str) -> Diagnostic:
    """The diagnostic for a workbook openpyxl could not read."""
    causes: list[BaseException] = [problem]
    while len(causes) < 8 and (cause := causes[-1].__cause__ or causes[-1].__context__) is not None:
        causes.append(cause)  # openpyxl wraps the parser's error in its own ValueError
    if any(type(cause).__module__.startswith("defusedxml") for cause in causes):
        return error("sheet-unsafe-xml", "a part of the workbook declares XML entities (a way to attack XML "
                     "readers, never written by Excel); it was not read", Location(display))
    reason = str(problem).splitlines()[0][:200] if str(problem) else type(problem).__name__
    return error("sheet-format", f"the workbook could not be read ({reason}); open and save it again in Excel "
                 "or LibreOffice, or export the sheet as CSV", Location(display))


def _read_sheet(values: t.Any, formulas: t.Any, display: str, wanted: str | None, max_rows: int,
                found: list[Diagnostic], rows: RowsFactory | None = None,
                fast: FastRows | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """Choose the sheet and read its cells."""
    index, chosen = choose_sheet([(ws.title, ws.sheet_state) for ws in values.worksheets], wanted, display)
    found = found + chosen
    if index is None:
        return None, found
    value_sheet = values.worksheets[index]
    formula_sheet = formulas.worksheets[index] if formulas is not None else None
    table = Table.new(display, value_sheet.title, rows)
    reader = CellReader(table, max_rows, mac_epoch=values.epoch != WINDOWS_EPOCH)
    for sheet in (value_sheet, formula_sheet):
        if sheet is not None:
            sheet.reset_dimensions()  # rows padded to the cells they hold, never to a declared (hostile) width
    if fast is not None:
        if not reader.read(fast(values, value_sheet), None):  # the rest of the sheet unread: read it plainly
            raise ReadPlainly("a limit stopped the reading")
        return table, found + reader.diagnostics()
    complete = reader.read(sheet_rows(value_sheet), sheet_rows(formula_sheet) if formula_sheet else None)
    return (table if complete else None), found + reader.diagnostics()


def choose_sheet(sheets: list[tuple[str, str]], wanted: str | None,
                 display: str) -> tuple[int | None, list[Diagnostic]]:
    """The index of the sheet to read among ``(name, state)`` pairs, and what to say about the choice."""
    where = Location(display)
    names = [name for name, _ in sheets]
    visible = [i for i, (_, state) in enumerate(sheets) if state == "visible"]
    if wanted is not None:
        index = next((i for i, name in enumerate(names) if name.casefold() == wanted.casefold()), None)
        if index is None:
            listing = guard.summary_text(names) if names else "none"
            return None, [error("sheet-not-found", f"the workbook has no sheet named {wanted!r}"
                                f"{did_you_mean(wanted, names)}; its sheets are: {listing}", where)]
    else:
        index = next((i for i in visible if names[i].casefold() in PREFERRED_SHEETS), None)
        if index is None and visible:
            index = visible[0]
        if index is None:
            listing = guard.summary_text(names) if names else "none"
            return None, [error("sheet-not-found", "the workbook has no visible worksheet; name the sheet to "
                                f"read with --sheet (its sheets are: {listing})", where)]
    hidden = [names[i] for i, (_, state) in enumerate(sheets) if state != "visible" and i != index]
    if not hidden:
        return index, []
    return index, [warning("sheet-hidden", f"the workbook has hidden sheets that were not read: "
                           f"{guard.summary_text(hidden)}; name one with --sheet to read it instead", where)]
