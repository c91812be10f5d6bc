"""The rows of one worksheet part, parsed with expat: what openpyxl's read-only parser gives, faster.

Only the common shape is read here: ``<row>`` elements in ``<sheetData>`` holding ``<c>`` cells with
a ``<v>`` value or a plain inline string (``<is>`` of ``<t>`` elements). Anything else — a formula,
rich or phonetic text, another element or namespace, a DTD, a value openpyxl would refuse —
raises :class:`Unsupported` and the caller reads the workbook with openpyxl from the start, so
every refusal and every value stays openpyxl's. Values are converted as openpyxl converts them
(numbers, shared strings, booleans, dates by the cell's style) and the rows come out as
``sheet.iter_rows()`` gives them: an empty row for each missing one, each row's cells up to its
last one. The worksheet's other elements (columns, views, margins…) are given to openpyxl's own
parser, without the sheet data, so one it would refuse is refused here too.
"""

from __future__ import annotations

import io
import re
import typing as t
from xml.parsers import expat

from openpyxl.utils import column_index_from_string, coordinate_to_tuple  # type: ignore[import-untyped]
from openpyxl.utils.datetime import from_excel, from_ISO8601  # type: ignore[import-untyped]
from openpyxl.worksheet._reader import WorkSheetParser  # type: ignore[import-untyped]
from openpyxl.xml.constants import SHEET_MAIN_NS  # type: ignore[import-untyped]

from exgen.load.sheets.xlsx import ReadPlainly

#: Bytes fed to expat at a time.
CHUNK = 1024 * 1024
#: Most bytes the worksheet may hold outside its sheet data (column widths, views, margins…).
MAX_OUTSIDE = 1024 * 1024

_MAIN = SHEET_MAIN_NS + " "
_SHEET_DATA, _ROW, _CELL = _MAIN + "sheetData", _MAIN + "row", _MAIN + "c"
_VALUE, _INLINE, _TEXT = _MAIN + "v", _MAIN + "is", _MAIN + "t"
_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]+)")


#: The worksheet is not in the shape read here (or a limit stopped the reading): read it with openpyxl.
Unsupported = ReadPlainly


class Held:
    """One cell as openpyxl's read-only cell gives it to :class:`~exgen.load.sheets.cells.CellReader`."""

    __slots__ = ("column", "data_type", "row", "value")

    def __init__(self, row: int, column: int, value: t.Any, data_type: str) -> None:
        self.row, self.column, self.value, self.data_type = row, column, value, data_type


def _cast_number(text: str) -> int | float:
    """A number's text as openpyxl reads it: a float when it has a point or an exponent."""
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


class _Parser:
    """expat handlers for the sheet data; completed rows collect in :attr:`done`."""

    def __init__(self, strings: t.Sequence[t.Any], epoch: t.Any, dates: t.Container[int],
                 durations: t.Container[int]) -> None:
        self.strings, self.epoch, self.dates, self.durations = strings, epoch, dates, durations
        self.expat = expat.ParserCreate(namespace_separator=" ")
        self.expat.buffer_text = True
        self.expat.StartElementHandler = self._start
        self.expat.EndElementHandler = self._end
        self.expat.CharacterDataHandler = self._text
        self.expat.StartDoctypeDeclHandler = self._refuse
        self.expat.EntityDeclHandler = self._refuse
        self.expat.ExternalEntityRefHandler = self._refuse
        self.path: list[str] = []  #: open elements from sheetData down
        self.start = self.end = -1  #: byte offsets of the sheetData start tag and end tag
        self.done: list[tuple[int, list[Held]]] = []
        self.row_counter = self.col_counter = 0
        self.cells: list[Held] = []
        self.columns: dict[str, int] = {}
        self.attrs: dict[str, str] = {}
        self.value: str | None = None
        self.inline: str | None = None
        self.texts: list[str] | None = None

    def _refuse(self, *args: t.Any) -> t.NoReturn:
        raise Unsupported("DTD or entity")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        path = self.path
        depth = len(path)
        if depth == 0:
            if name == _SHEET_DATA:
                if self.start >= 0:
                    raise Unsupported("two sheet data elements")
                self.start = self.expat.CurrentByteIndex
                path.append(name)
            elif name == _ROW:
                raise Unsupported("a row outside the sheet data")
            return
        if depth == 1 and name == _ROW:
            self._row_start(attrs)
        elif depth == 2 and name == _CELL:
            self.attrs, self.value, self.inline = attrs, None, None
        elif depth == 3 and name == _VALUE and self.value is None and path[-1] == _CELL:
            self.texts = []
        elif depth == 3 and name == _INLINE and self.inline is None and not attrs and path[-1] == _CELL:
            self.inline = ""
        elif depth == 4 and name == _TEXT and path[-1] == _INLINE:
            self.texts = []
        else:
            raise Unsupported(name)
        path.append(name)

    def _text(self, data: str) -> None:
        if self.texts is not None:
            self.texts.append(data)

    def _end(self, name: str) -> None:
        path = self.path
        if not path:
            return
        path.pop()
        if name == _VALUE:
            self.value, self.texts = "".join(t.cast("list[str]", self.texts)), None
        elif name == _TEXT:
            self.inline, self.texts = "".join(t.cast("list[str]", self.texts)), None
        elif name == _CELL:
            self.cells.append(self._cell())
        elif name == _ROW:
            self.done.append((self.row_counter, self.cells))
        elif name == _SHEET_DATA:
            self.end = self.expat.CurrentByteIndex

    def _row_start(self, attrs: dict[str, str]) -> None:
        """A row's number as openpyxl takes it (``r``, else one past the last)."""
        if "r" in attrs:
            try:
                self.row_counter = int(attrs["r"])
            except ValueError as problem:
                raise Unsupported("row number") from problem
        else:
            self.row_counter += 1
        self.col_counter = 0
        self.cells = []

    def _cell(self) -> Held:
        """The cell just closed, as openpyxl's ``parse_cell`` reads it (values only, no formulas)."""
        attrs = self.attrs
        data_type = attrs.get("t", "n")
        style: t.Any = attrs.get("s", 0)
        if style:
            style = int(style)  # a bad style id: ValueError, the caller reads with openpyxl
        coordinate = attrs.get("r")
        if coordinate:
            match = _COORDINATE.fullmatch(coordinate)
            if match is None:
                row, column = coordinate_to_tuple(coordinate)
            else:
                letters = match.group(1)
                column = self.columns.get(letters) or self.columns.setdefault(
                    letters, column_index_from_string(letters))
                row = int(match.group(2))
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        if data_type == "inlineStr":
            if self.inline is None:
                return Held(row, column, None, data_type)
            return Held(row, column, self.inline, "s")
        value: t.Any = self.value or None
        if value is None:
            return Held(row, column, None, data_type)
        if data_type == "n":
            value = _cast_number(value)
            if style in self.dates:
                try:
                    return Held(row, column, from_excel(value, self.epoch, timedelta=style in self.durations), "d")
                except (OverflowError, ValueError):
                    return Held(row, column, "#VALUE!", "e")
        elif data_type == "s":
            value = self.strings[int(value)]
        elif data_type == "b":
            value = bool(int(value))
        elif data_type == "str":
            data_type = "s"
        elif data_type == "d":
            value = from_ISO8601(value)
        return Held(row, column, value, data_type)


def worksheet_rows(source: t.BinaryIO, strings: t.Sequence[t.Any], *, epoch: t.Any, dates: t.Container[int],
                   durations: t.Container[int]) -> t.Generator[t.Sequence[Held], None, None]:
    """Every row of the worksheet read from ``source``, as :func:`exgen.load.sheets.rows.sheet_rows`
    gives them; raises :class:`Unsupported` (possibly after some rows) for a sheet not read here."""
    parser = _Parser(strings, epoch, dates, durations)
    head: list[bytes] = []  # the chunks up to the sheet data's start tag
    before = b""
    tail: list[bytes] | None = None  # from the sheet data's end tag on
    previous, offset, counter = b"", 0, 1
    try:
        while True:
            chunk = source.read(CHUNK)
            if parser.start < 0:
                head.append(chunk)
            elif tail is not None:
                tail.append(chunk)
            parser.expat.Parse(chunk, not chunk)
            if head and parser.start >= 0:
                before, head = b"".join(head)[: parser.start], []
            if len(before) > MAX_OUTSIDE or (parser.start < 0 and offset + len(chunk) > MAX_OUTSIDE):
                raise Unsupported("too much before the sheet data")
            if tail is None and parser.end >= 0:
                tail = [_from(previous, offset, parser.end, chunk)]
            for index, cells in parser.done:
                while counter < index:
                    counter += 1
                    yield ()
                if counter <= index:
                    counter += 1
                    yield _padded(cells)
            parser.done = []
            if not chunk:
                break
            previous, offset = chunk, offset + len(chunk)
            if tail is not None and sum(map(len, tail)) > MAX_OUTSIDE:
                raise Unsupported("too much after the sheet data")
    except Unsupported:
        raise
    except Exception as problem:  # a value or an element openpyxl would take otherwise, or refuse
        raise Unsupported(str(problem)) from problem
    if parser.start < 0 or tail is None:
        raise Unsupported("no sheet data")
    rest = b"".join(tail)
    closed = rest.find(b">")
    if closed < 0:
        raise Unsupported("the sheet data's end tag")
    _check_outside(before + rest[closed + 1 :], strings)


def _from(previous: bytes, offset: int, start: int, chunk: bytes) -> bytes:
    """The bytes from absolute offset ``start`` on, out of the previous chunk and the current one
    (which starts at ``offset``)."""
    base = offset - len(previous)
    if start < base:
        raise Unsupported("a tag longer than a chunk")
    return (previous + chunk)[start - base :]


def _padded(cells: list[Held]) -> list[Held]:
    """A row's cells as openpyxl's read-only sheet keeps them: up to the last cell's column, a later
    cell of the same column replacing an earlier one, in column order."""
    if not cells:
        return []
    width = cells[-1].column
    slots: list[Held | None] = [None] * width
    for cell in cells:
        if 1 <= cell.column <= width:
            slots[cell.column - 1] = cell
    return [cell for cell in slots if cell is not None]


def _check_outside(document: bytes, strings: t.Sequence[t.Any]) -> None:
    """Give the worksheet without its sheet data to openpyxl's parser: what it refuses is refused."""
    parser = WorkSheetParser(io.BytesIO(document), strings, data_only=True)
    try:
        for _ in parser.parse():
            raise Unsupported("a row outside the sheet data")
    except Unsupported:
        raise
    except Exception as problem:  # openpyxl raises anything for a malformed element
        raise Unsupported(str(problem)) from problem
