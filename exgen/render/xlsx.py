"""JSON workbook spec → XLSX with XlsxWriter: the ``convert: xlsx`` converter.

A template renders a workbook as JSON (sheets, columns, rows, formats, print settings; see
:func:`json_to_xlsx`); this module checks its shape, naming the place of any mistake
(``sheets[2].rows[14][3]``), and writes it. Every string is literal text, never a formula,
and the workbook is dated STARTEX, so the same spec gives the same bytes.
"""

from __future__ import annotations

import io
import json
import typing as t

from exgen.render.convert import ConvertError, Data, document_date
from exgen.render.xlsx_print import DEFAULT_PT, HEADER_IN, MARGINS_IN, column_breaks, print_scale
from exgen.render.xlsx_protect import add_validations, protect_sheet, structure_locked
from exgen.render.xlsx_rows import RowHeights, fit_row, write_cell, write_rows
from exgen.render.xlsx_spec import Spec, kind

#: Cell-format properties a spec may use (XlsxWriter names), with the JSON type each takes.
FORMAT_PROPERTIES: dict[str, type | tuple[type, ...]] = {
    "bold": bool, "italic": bool, "underline": int, "font_name": str, "font_size": (int, float),
    "font_color": str, "bg_color": str, "pattern": int, "text_wrap": bool, "align": str, "valign": str,
    "indent": int, "border": int, "bottom": int, "top": int, "left": int, "right": int,
    "border_color": str, "num_format": str, "shrink": bool, "rotation": int, "locked": bool,
}
#: Document properties a spec may set (``created`` always comes from STARTEX).
DOC_PROPERTIES = ("title", "subject", "author", "manager", "company", "category", "keywords", "comments", "status")
SHEET_KEYS = {"name", "columns", "rows", "header", "freeze", "autofilter", "landscape", "fit_to_width",
              "print_header", "print_footer", "repeat_header", "merges", "validations", "tab_color",
              "header_format", "zoom", "row_heights", "pick", "print_min_pt", "row_levels", "protect", "hidden"}
_INVALID_SHEET_CHARS = set("[]:*?/\\")


def _header_footer(value: t.Any, where: str) -> str:
    """``{"left": ..., "center": ..., "right": ...}`` of literal text → an Excel header string.

    ``{page}``, ``{pages}`` and ``{sheet}`` become page number, page count and sheet name;
    every ``&`` in the text is doubled so it prints as itself.

    >>> _header_footer({"center": "A & B", "right": "Page {page} of {pages}"}, "x")
    '&CA && B&RPage &P of &N'
    """
    parts = Spec.obj(value, where, ("left", "center", "right"))
    out = []
    for key, code in (("left", "&L"), ("center", "&C"), ("right", "&R")):
        if key in parts:
            text = Spec.string(parts[key], f"{where}.{key}").replace("&", "&&")
            text = text.replace("{page}", "&P").replace("{pages}", "&N").replace("{sheet}", "&A")
            out.append(code + text)
    result = "".join(out)
    if len(result) > 255:
        Spec.fail(where, f"header/footer text is {len(result)} characters; Excel allows 255")
    return result


def _sheet_name(value: t.Any, where: str, seen: set[str]) -> str:
    name = Spec.string(value, where)
    if not name or len(name) > 31 or set(name) & _INVALID_SHEET_CHARS or name.startswith("'"):
        Spec.fail(where, f"sheet name {name!r} must be 1–31 characters without []:*?/\\ or a leading '")
    if name.lower() in seen:
        Spec.fail(where, f"sheet name {name!r} is used twice")
    seen.add(name.lower())
    return name


def json_to_xlsx(text: str, context: Data) -> bytes:
    """XLSX bytes of a workbook spec (JSON text); the spec's shape::

        {"properties": {"title": ..., "subject": ..., ...},          # document properties
         "formats": {"wrap": {"text_wrap": true, "valign": "top"}},  # named cell formats
         "sheets": [{"name": "All injects",                          # 1-31 chars, unique
                     "columns": [{"header": "Serial", "width": 7, "format": "wrap"}],
                     "header": true, "header_format": "head",        # row 1 from the columns
                     "rows": [[1, "text", null, {"value": "x", "format": "wrap"}]],
                     "freeze": [1, 2], "autofilter": true, "repeat_header": true,
                     "landscape": true, "fit_to_width": true,        # printing: always A4
                     "print_min_pt": 7,        # fit to width only while text prints >= 7 pt
                     "pick": [0, 3, 9],        # write only these cells of each row
                     "row_levels": [0, 1, 2],  # outline level of each row (0-7), summary above
                     "print_header": {"center": "BANNER"},           # {page} {pages} {sheet}
                     "print_footer": {"right": "Page {page} of {pages}"},
                     "merges": [{"range": [0, 0, 0, 1], "value": "...", "format": "..."}],
                     "validations": [{"column": 16, "list": ["Planned", "Delivered"]}],
                     "tab_color": "#1F3A5F", "zoom": 100}]}

    Every string is written as a string cell (never a formula, URL or number), and the
    workbook's creation date is STARTEX, so the bytes depend on the spec alone. A spec of the
    wrong shape is a ConvertError naming the place, e.g. ``sheets[1].rows[3][2]``.
    """
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConvertError(f"the template did not produce valid JSON: {exc.msg} at line {exc.lineno} "
                           f"column {exc.colno}") from None
    spec = Spec.obj(spec, "(top level)", ("properties", "formats", "sheets", "protect_structure"))
    sheets = Spec.arr(spec.get("sheets"), "sheets")
    if not sheets:
        Spec.fail("sheets", "a workbook needs at least one sheet")

    import xlsxwriter

    from exgen.render.xlsx_fast import fast_workbook

    buffer = io.BytesIO()
    book_class = structure_locked(xlsxwriter.Workbook) if spec.get("protect_structure") is True else xlsxwriter.Workbook
    book_class = fast_workbook(book_class)  # the same bytes, sooner (exgen.render.xlsx_fast)
    workbook = book_class(buffer, {
        "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False, "nan_inf_to_errors": False,
    })
    props = Spec.obj(spec.get("properties", {}), "properties", DOC_PROPERTIES)
    workbook.set_properties({**{k: Spec.string(v, f"properties.{k}") for k, v in props.items()},
                             "created": document_date(context).replace(tzinfo=None)})
    formats = {name: workbook.add_format(_format_props(p, f"formats.{name}"))
               for name, p in Spec.obj(spec.get("formats", {}), "formats").items()}

    def fmt(name: t.Any, where: str) -> t.Any:
        if name is None:
            return None
        if not isinstance(name, str) or name not in formats:
            Spec.fail(where, f"unknown format {name!r} (defined: {', '.join(sorted(formats)) or 'none'})")
        return formats[name]

    seen: set[str] = set()
    for s, raw in enumerate(sheets):
        _write_sheet(workbook, Spec.obj(raw, f"sheets[{s}]", SHEET_KEYS), f"sheets[{s}]", seen, fmt)
    try:
        workbook.close()
    except Exception as exc:  # XlsxWriter's own checks on the final workbook
        raise ConvertError(f"the workbook could not be written: {type(exc).__name__}: {exc}") from None
    return buffer.getvalue()


def _format_props(value: t.Any, where: str) -> Data:
    props = Spec.obj(value, where, FORMAT_PROPERTIES)
    for key, v in props.items():
        expected = FORMAT_PROPERTIES[key]
        if isinstance(v, bool) and expected is not bool or not isinstance(v, expected):
            Spec.fail(f"{where}.{key}", f"expected {getattr(expected, '__name__', 'a number')}, got {kind(v)}")
    return dict(props)


def _write_sheet(workbook: t.Any, sheet: Data, where: str, seen: set[str],
                 lookup: t.Callable[[t.Any, str], t.Any]) -> None:
    ws = workbook.add_worksheet(_sheet_name(sheet.get("name"), f"{where}.name", seen))
    sizes: set[float] = set()  # font sizes this sheet prints, for the print scale

    def fmt(name: t.Any, where: str) -> t.Any:
        found = lookup(name, where)
        sizes.add(float(getattr(found, "font_size", DEFAULT_PT) or DEFAULT_PT) if found is not None else DEFAULT_PT)
        return found

    pick: list[int] | None = None
    if "pick" in sheet:
        pick = [Spec.integer(i, f"{where}.pick[{n}]", 0, 16383)
                for n, i in enumerate(Spec.arr(sheet["pick"], f"{where}.pick"))]
    columns = Spec.arr(sheet.get("columns", []), f"{where}.columns")
    if len(columns) > 16384:
        Spec.fail(f"{where}.columns", "more than 16,384 columns")
    header = sheet.get("header", True)
    if not isinstance(header, bool):
        Spec.fail(f"{where}.header", f"expected a boolean, got {kind(header)}")
    header_format = fmt(sheet.get("header_format"), f"{where}.header_format")
    auto_heights = sheet.get("row_heights", "default")
    if auto_heights not in ("auto", "default"):
        Spec.fail(f"{where}.row_heights", "expected \"auto\" (estimate from wrapped text) or \"default\"")
    widths: list[float] = []
    col_formats: list[t.Any] = []
    for c, col in enumerate(columns):
        cw = f"{where}.columns[{c}]"
        col = Spec.obj(col, cw, ("header", "width", "format", "hidden"))
        width = Spec.number(col.get("width", 10), f"{cw}.width")
        widths.append(width)
        col_formats.append(fmt(col.get("format"), f"{cw}.format"))
        ws.set_column(c, c, width, col_formats[-1], {"hidden": True} if col.get("hidden") is True else None)
        if header:
            ws.write_string(0, c, Spec.string(col.get("header", ""), f"{cw}.header"), header_format)
    first = 1 if header else 0
    rows = Spec.arr(sheet.get("rows", []), f"{where}.rows")
    if first + len(rows) > 1_048_576:
        Spec.fail(f"{where}.rows", f"{len(rows)} rows exceed Excel's 1,048,576")
    width = len(columns)
    if header and auto_heights == "auto":
        height = fit_row([{"value": c.get("header", ""), "format": None} for c in columns], widths,
                         [header_format] * len(columns), lambda name, where: None)
        if height:
            ws.set_row(0, height)
    levels = [Spec.integer(v, f"{where}.row_levels[{n}]", 0, 7)
              for n, v in enumerate(Spec.arr(sheet.get("row_levels", []), f"{where}.row_levels"))]
    if levels:  # grouped rows fold into the row above them (a heading), Excel's +/- at the left
        ws.outline_settings(True, False, True, False)
    heights = RowHeights(widths, col_formats) if auto_heights == "auto" else None
    width = max(width, write_rows(ws, rows, where, first, pick, heights, levels, fmt))
    last_row = first + len(rows) - 1
    for m, merge in enumerate(Spec.arr(sheet.get("merges", []), f"{where}.merges")):
        mw = f"{where}.merges[{m}]"
        merge = Spec.obj(merge, mw, ("range", "value", "format"))
        box = [Spec.integer(v, f"{mw}.range[{i}]") for i, v in enumerate(Spec.arr(merge.get("range"), f"{mw}.range"))]
        if len(box) != 4 or box[0] > box[2] or box[1] > box[3] or box[:2] == box[2:]:
            Spec.fail(f"{mw}.range", "expected [first_row, first_col, last_row, last_col] spanning 2+ cells")
        Spec.merge(ws, box, fmt(merge.get("format"), f"{mw}.format"), f"{mw}.range")
        write_cell(ws, box[0], box[1], merge.get("value", ""), f"{mw}.value", fmt,
                    default=fmt(merge.get("format"), f"{mw}.format"))
    add_validations(ws, sheet.get("validations", []), f"{where}.validations", first, last_row)
    protect_sheet(ws, sheet, where)
    _sheet_layout(ws, sheet, where, header, first, last_row, width)
    if sheet.get("fit_to_width") is True:
        _print_width(ws, sheet, where, widths, min(sizes or {DEFAULT_PT}))


def _sheet_layout(ws: t.Any, sheet: Data, where: str, header: bool, first: int, last_row: int, width: int) -> None:
    """Frozen panes, autofilter and the printed page (A4, landscape, fit to width, banners)."""
    if "freeze" in sheet:
        pane = Spec.arr(sheet["freeze"], f"{where}.freeze")
        if len(pane) != 2:
            Spec.fail(f"{where}.freeze", "expected [rows, columns] to keep in view")
        ws.freeze_panes(Spec.integer(pane[0], f"{where}.freeze[0]"),
                        Spec.integer(pane[1], f"{where}.freeze[1]", 0, 16383))
    if sheet.get("autofilter") is True and width:
        if not header:
            Spec.fail(f"{where}.autofilter", "an autofilter needs the header row")
        ws.autofilter(0, 0, max(last_row, 0), width - 1)
    ws.set_paper(9)  # A4
    ws.set_margins(*MARGINS_IN)
    if sheet.get("landscape") is True:
        ws.set_landscape()
    if sheet.get("repeat_header") is True and header:
        ws.repeat_rows(0)
    if "print_header" in sheet:
        ws.set_header(_header_footer(sheet["print_header"], f"{where}.print_header"), {"margin": HEADER_IN})
    if "print_footer" in sheet:
        ws.set_footer(_header_footer(sheet["print_footer"], f"{where}.print_footer"), {"margin": HEADER_IN})
    if "tab_color" in sheet:
        ws.set_tab_color(Spec.string(sheet["tab_color"], f"{where}.tab_color"))
    if "zoom" in sheet:
        ws.set_zoom(Spec.integer(sheet["zoom"], f"{where}.zoom", 10, 400))



def _print_width(ws: t.Any, sheet: Data, where: str, widths: list[float], smallest: float) -> None:
    """Fit the sheet to the page width, or, with ``print_min_pt``, only while its smallest text
    prints at that size or more; otherwise print at the scale that keeps it there, the frozen
    columns repeated on every page across (see :mod:`exgen.render.xlsx_print`)."""
    if "print_min_pt" not in sheet:
        ws.fit_to_pages(1, 0)
        return
    min_pt = Spec.number(sheet["print_min_pt"], f"{where}.print_min_pt", 1, 72)
    columns = sheet.get("columns", [])
    visible = [0.0 if col.get("hidden") is True else w for w, col in zip(widths, columns, strict=False)]
    scale = print_scale(visible, smallest, sheet.get("landscape") is True, min_pt)
    if scale.fit:
        ws.fit_to_pages(1, 0)
        return
    ws.set_print_scale(scale.percent)
    frozen = sheet.get("freeze", [0, 0])[1]
    if frozen:
        ws.repeat_columns(0, frozen - 1)
    breaks = column_breaks(visible, scale.scale, sheet.get("landscape") is True, frozen)
    if breaks:
        ws.set_v_pagebreaks(breaks)
