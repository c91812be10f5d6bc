"""The rows of a read-only openpyxl worksheet, with plain inline-string cells read without openpyxl's
rich-text objects (at 10,000 rows they were most of the reading time); every other cell, and any
inline string with more than plain ``<t>`` text in it, is left to openpyxl, so values are the same.

This leans on openpyxl's sheet parser, which is not public API: pyproject.toml keeps openpyxl
below 3.2, and if the parts it uses are missing the rows come from ``iter_rows()`` as before.
"""

from __future__ import annotations

import typing as t

from openpyxl.utils import coordinate_to_tuple  # type: ignore[import-untyped]
from openpyxl.worksheet._reader import WorkSheetParser  # type: ignore[import-untyped]
from openpyxl.xml.constants import SHEET_MAIN_NS  # type: ignore[import-untyped]

_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
#: An inline string that is not plain text (attributes, runs, phonetic text): openpyxl reads it.
_NOT_PLAIN = object()


def _plain_text(element: t.Any) -> t.Any:
    """The text of the cell's ``<is>`` when it is only ``<t>`` elements (the last one counts, as in
    openpyxl), else :data:`_NOT_PLAIN`."""
    inline = element.find(_INLINE)
    if inline is None or inline.attrib:
        return _NOT_PLAIN
    text = None
    for child in inline:
        if child.tag != _TEXT:
            return _NOT_PLAIN
        text = child.text
    return "" if text is None else text


class _Parser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser with plain inline strings read directly."""

    def parse_cell(self, element: t.Any) -> dict[str, t.Any]:
        coordinate = element.get("r")
        if element.get("t") != "inlineStr" or not coordinate:
            return t.cast("dict[str, t.Any]", super().parse_cell(element))
        text = _plain_text(element)
        if text is _NOT_PLAIN or (not self.data_only and element.find(_FORMULA) is not None):
            return t.cast("dict[str, t.Any]", super().parse_cell(element))
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        row, column = coordinate_to_tuple(coordinate)
        self.col_counter = column
        return {"row": row, "column": column, "value": text, "data_type": "s", "style_id": style_id}


def sheet_rows(sheet: t.Any) -> t.Iterator[t.Sequence[t.Any]]:
    """Every row of a read-only worksheet whose dimensions were reset, as ``sheet.iter_rows()`` gives
    them: empty rows for missing ones, each row's cells up to its last one."""
    if not all(hasattr(sheet, name) for name in ("_get_source", "_get_row", "_shared_strings")):
        yield from sheet.iter_rows()  # another openpyxl: its own, slower way
        return
    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = _Parser(source, sheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                         date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        counter = 1
        for index, cells in parser.parse():
            while counter < index:
                counter += 1
                yield ()
            if counter <= index:
                counter += 1
                yield sheet._get_row(cells, 1, None)
