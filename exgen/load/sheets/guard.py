"""What a spreadsheet may cost before and while it is read: file size, the zip container, findings.

An XLSX workbook is a zip archive of XML parts. Its sizes are checked before any part is parsed:
the declared sizes (zipfile's central directory) first, then every part is streamed in bounded
chunks so that a header that understates a part's size is caught without ever holding the part.
An XML part that declares a DTD (the way to an entity-expansion "billion laughs" or an external
entity) is refused here too: OOXML packages may not hold DTDs (ECMA-376 part 2, 8.1.4), and
openpyxl's defusedxml parser would refuse it again later.
"""

from __future__ import annotations

import typing as t
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field

from exgen.core.diagnostics import Diagnostic, Location, error
from exgen.load.sheets.table import Table

MiB = 1024 * 1024
#: Largest spreadsheet file read at all (XLSX or CSV).
MAX_FILE_BYTES = 64 * MiB
#: Most members a workbook's zip container may hold.
MAX_MEMBERS = 10_000
#: Most bytes all members together may hold once decompressed.
MAX_UNCOMPRESSED = 512 * MiB
#: Highest compression ratio of a member larger than :data:`RATIO_FLOOR` once decompressed.
MAX_RATIO = 200
RATIO_FLOOR = 1 * MiB
#: Largest part other than a worksheet once decompressed (openpyxl holds those parts, the shared
#: strings among them, in memory; worksheets are streamed).
MAX_PART = 64 * MiB
#: Most XML one worksheet row may take: openpyxl holds a whole row's elements at once, and a row of
#: millions of cells would take gigabytes (a legitimate row takes kilobytes). Above :data:`_CHUNK`.
MAX_ROW_BYTES = 2 * MiB
#: Most non-empty cells a sheet may hold (200,000 rows of 10 columns): the table stays in memory.
MAX_CELLS = 2_000_000
#: Cell problems of one kind listed one by one; the rest are counted in one more diagnostic.
LISTED_PER_CODE = 200
#: A cell's longest text (Excel's own limit).
MAX_CELL_CHARS = 32_767
#: Most columns a sheet may use.
MAX_COLUMNS = 200

_CHUNK = 1 * MiB
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
#: How a cell formula element starts (``<f>``, ``<f t="shared" …/>``, or with a namespace prefix,
#: ``<x:f>``). A text holding ``:f `` matches too; that costs only a needless second reading.
_FORMULA_MARKERS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")


def file_too_large(display: str, size: int) -> Diagnostic | None:
    """The ``sheet-too-large`` error for a file over :data:`MAX_FILE_BYTES`, else None."""
    if size <= MAX_FILE_BYTES:
        return None
    return error("sheet-too-large", f"the file is {size / MiB:.0f} MiB; a spreadsheet may be at most "
                 f"{MAX_FILE_BYTES // MiB} MiB (split the sheet, or export only the injects)", Location(display))


def check_zip(archive: zipfile.ZipFile, display: str) -> tuple[Diagnostic | None, bool]:
    """Why the workbook's zip container must not be opened (sizes, names, XML DTDs), or None; and
    whether any worksheet holds a formula (found while streaming, so a sheet without formulas
    needs no second reading for them)."""
    members = archive.infolist()
    problem = _declared(members)
    formulas = False
    if problem is None:
        for member in members:
            problem, has_formula = _streamed(archive, member)
            formulas = formulas or has_formula
            if problem is not None:
                break
    if problem is None:
        return None, formulas
    code, message = problem
    return error(code, message, Location(display)), formulas


def _declared(members: list[zipfile.ZipInfo]) -> tuple[str, str] | None:
    """A problem with the sizes and names the archive declares, before anything is decompressed."""
    bomb = "sheet-zip-bomb"
    if len(members) > MAX_MEMBERS:
        return bomb, f"the workbook's zip container holds {len(members):,} parts (at most {MAX_MEMBERS:,})"
    total = 0
    for member in members:
        name = member.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
            return bomb, f"the workbook's zip container holds a part named {name!r} that points outside it"
        total += member.file_size
        if total > MAX_UNCOMPRESSED:
            return bomb, (f"the workbook's parts would decompress to more than {MAX_UNCOMPRESSED // MiB} MiB "
                          "(a zip bomb); it was not opened")
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            return bomb, (f"the part {name!r} would decompress {ratio:,.0f} times its stored size (at most "
                          f"{MAX_RATIO}); a zip bomb, it was not opened")
        if member.file_size > MAX_PART and not name.lower().startswith("xl/worksheets/"):
            return "sheet-too-large", (f"the part {name!r} would decompress to {member.file_size / MiB:,.0f} MiB "
                                       f"(at most {MAX_PART // MiB} MiB); it was not opened")
        if member.flag_bits & 0x1:
            return "sheet-format", ("the workbook is encrypted; remove its password in Excel or LibreOffice "
                                    "and save it again as .xlsx")
    return None


def _streamed(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[tuple[str, str] | None, bool]:
    """A problem found by decompressing ``member`` in bounded chunks (more bytes than declared, a
    damaged part, a DTD in an XML part), and whether it is a worksheet holding a formula."""
    name = member.filename
    is_xml = name.lower().endswith((".xml", ".rels", ".vml"))
    is_sheet = is_xml and name.lower().startswith("xl/worksheets/")
    seen, tail, formula = 0, b"", False
    spans = _RowSpans()
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                if is_sheet and spans.feed(tail + chunk, seen - len(tail)) > MAX_ROW_BYTES:
                    return _wide_row(name), formula
                seen += len(chunk)
                if seen > member.file_size:
                    return ("sheet-zip-bomb", f"the part {name!r} holds more than the {member.file_size:,} bytes "
                            "its header declares; it was not opened"), formula
                window = tail + chunk if is_xml else b""
                if any(marker in window for marker in _DTD_MARKERS):
                    return ("sheet-unsafe-xml", f"the part {name!r} declares a DTD or entities (a way to attack "
                            "XML readers, never written by Excel); it was not read"), formula
                formula = formula or (is_sheet and any(marker in window for marker in _FORMULA_MARKERS))
                tail = chunk[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as problem:
        return ("sheet-zip-bomb", f"the part {name!r} is damaged or its header misstates its size ({problem}); "
                "the workbook was not opened"), formula
    if is_sheet and spans.widest(seen) > MAX_ROW_BYTES:
        return _wide_row(name), formula
    return None, formula


def _wide_row(name: str) -> tuple[str, str]:
    """The problem of a worksheet row over :data:`MAX_ROW_BYTES`."""
    return "sheet-too-large", (f"a row of the worksheet {name!r} takes more than {MAX_ROW_BYTES // MiB} MiB "
                               "(a legitimate row takes a few kilobytes); the workbook was not opened")


class _RowSpans:
    """The longest stretch of a worksheet's XML from one row's start to the next (or to the end of
    the sheet data), fed window by window. Stretches inside one window are shorter than the limit,
    so the first and last row of each window are all it needs."""

    def __init__(self) -> None:
        self.tags = (b"<row ", b"<row>")
        self.data_end = b"</sheetData"
        self.last = -1
        self.longest = 0
        self.end = -1

    def feed(self, window: bytes, start: int) -> int:
        """Take the window starting at byte ``start`` of the part; the longest stretch so far."""
        if start <= 0 and b"<worksheet" not in window:  # a prefixed root, <x:worksheet>: rows are <x:row>
            root = window.find(b":worksheet")
            if root > 0:
                prefix = window[window.rfind(b"<", 0, root) + 1 : root] + b":"
                self.tags = (b"<" + prefix + b"row ", b"<" + prefix + b"row>")
                self.data_end = b"</" + prefix + b"sheetData"
        for tag in self.tags:
            for at in (window.find(tag), window.rfind(tag)):
                if at >= 0 and start + at > self.last:
                    if self.last >= 0:
                        self.longest = max(self.longest, start + at - self.last)
                    self.last = start + at
        end = window.find(self.data_end)
        if end >= 0 and self.end < 0:
            self.end = start + end
        return self.longest

    def widest(self, total: int) -> int:
        """The longest stretch, the last row's counted up to the end of the sheet data (or of the part)."""
        if self.last < 0:
            return self.longest
        return max(self.longest, (self.end if self.end > self.last else total) - self.last)


@dataclass
class Budget:
    """How much of a sheet has been read: rows holding values, cells, the widest column."""

    table: Table
    max_rows: int
    rows: int = 0
    cells: int = 0
    last_row: int = 0

    def row(self, row: int) -> Diagnostic | None:
        """Count a row holding values (once, however often it is named); the ``sheet-too-large``
        error when it is past the limit."""
        if row == self.last_row:
            return None
        self.last_row = row
        self.rows += 1
        if self.rows <= self.max_rows:
            return None
        return error("sheet-too-large", f"the sheet holds more than {self.max_rows:,} rows of values; it was "
                     "read up to here and not used (split it, or delete the rows that are not injects)",
                     self.table.row_location(row))

    def cell(self, row: int, col: int) -> Diagnostic | None:
        """Count a non-empty cell; the ``sheet-too-large`` error when it is past a limit."""
        self.cells += 1
        if col > MAX_COLUMNS:
            return error("sheet-too-large", f"the sheet uses more than {MAX_COLUMNS} columns; it was not used "
                         "(delete the columns that are not needed)", self.table.location(row, col))
        if self.cells > MAX_CELLS:
            return error("sheet-too-large", f"the sheet holds more than {MAX_CELLS:,} non-empty cells; it was "
                         "read up to here and not used", self.table.location(row, col))
        return None

    def text(self, value: str, row: int, col: int) -> Diagnostic | None:
        """The ``sheet-cell-too-long`` error for a text longer than Excel lets a cell hold."""
        if len(value) <= MAX_CELL_CHARS:
            return None
        return error("sheet-cell-too-long", f"the cell holds {len(value):,} characters; a cell may hold at most "
                     f"{MAX_CELL_CHARS:,} (Excel's own limit)", self.table.location(row, col))


@dataclass
class Findings:
    """Diagnostics of one read; a flood of cell problems of one kind is listed up to
    :data:`LISTED_PER_CODE` and the rest counted, so a hostile sheet cannot fill memory with them."""

    listed: list[Diagnostic] = field(default_factory=list)
    _per_code: Counter[str] = field(default_factory=Counter)
    _first_unlisted: dict[str, Location] = field(default_factory=dict)

    def add(self, diagnostic: Diagnostic) -> None:
        """Keep ``diagnostic``, or count it when its kind has been listed often enough."""
        code = diagnostic.code
        self._per_code[code] += 1
        if self._per_code[code] <= LISTED_PER_CODE:
            self.listed.append(diagnostic)
        elif code not in self._first_unlisted:
            self._first_unlisted[code] = diagnostic.location

    def cell(self, code: str, message: str, location: Location) -> None:
        """Add an error at a cell."""
        self.add(error(code, message, location))

    def all(self) -> list[Diagnostic]:
        """The diagnostics listed, then one per kind that had more than could be listed."""
        more = []
        for code, location in self._first_unlisted.items():
            left = self._per_code[code] - LISTED_PER_CODE
            more.append(error(code, f"{left:,} more cells from here on have this problem ({code}); "
                              "only the first ones are listed", location))
        return self.listed + more


def summary_text(items: t.Sequence[str], limit: int = 10) -> str:
    """``'A', 'B' and 3 more`` for a list of names in messages."""
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
