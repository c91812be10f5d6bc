"""How a worksheet prints: A4 margins, and a scale that keeps every printed letter legible.

Excel's "fit to page width" shrinks a sheet as far as it takes; a wide MEL/MIL printed that way
comes out in 4-point type. :func:`print_scale` computes, from the column widths and the smallest
font of the sheet, the scale fitting the width would need: when that keeps the smallest text at
``min_pt`` or more, the sheet is fitted to the width; otherwise it prints at the smallest legible
scale, across as many pages as it takes, with its first columns repeated on each page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: A4 in millimetres (portrait).
A4_MM = (210.0, 297.0)
#: Page margins in inches (left, right, top, bottom) and the header/footer margins.
MARGINS_IN = (0.4, 0.4, 0.75, 0.75)
HEADER_IN = 0.3
#: Pixels of one unit of column width in the default font: a '0' of Calibri 11 (and of Carlito,
#: its metric twin LibreOffice uses) is 0.507 em, 7.44 px; Excel rounds it to 7 px, LibreOffice
#: does not, so the larger errs on the legible side. PX_PADDING is what each column adds; 96 px
#: to the inch.
PX_PER_CHAR = 7.44
PX_PADDING = 5
MM_PER_PX = 25.4 / 96
#: Excel's default font size; cells without a format of their own use it.
DEFAULT_PT = 11.0
#: Headroom for Excel's own rounding of widths and scale, so the estimate errs on the legible side.
SAFETY = 0.97


@dataclass(frozen=True)
class PrintScale:
    """``fit`` (fit to one page wide) or a fixed ``percent``; the scale expected on paper."""

    fit: bool
    percent: int
    scale: float


def column_mm(width: float) -> float:
    """Printed width at 100 % of a column ``width`` characters wide.

    >>> round(column_mm(10), 1)
    21.0
    """
    return (width * PX_PER_CHAR + PX_PADDING) * MM_PER_PX if width > 0 else 0.0


def printable_mm(landscape: bool) -> float:
    """Width between the margins of an A4 page."""
    page = A4_MM[1] if landscape else A4_MM[0]
    return page - (MARGINS_IN[0] + MARGINS_IN[1]) * 25.4


def print_scale(widths: list[float], smallest_pt: float, landscape: bool, min_pt: float) -> PrintScale:
    """Fit to the page width when the smallest text stays at ``min_pt`` or more, else the smallest
    scale that keeps it there.

    >>> print_scale([20, 30], 10, True, 7)
    PrintScale(fit=True, percent=100, scale=1.0)
    >>> print_scale([60] * 6, 10, True, 7)
    PrintScale(fit=False, percent=70, scale=0.7)
    """
    total = sum(column_mm(w) for w in widths) or 1.0
    fit_scale = min(1.0, printable_mm(landscape) / total)
    needed = min_pt / smallest_pt
    if fit_scale * SAFETY >= needed or fit_scale >= 1.0:
        return PrintScale(True, min(100, math.floor(fit_scale * 100)), fit_scale)
    percent = min(100, math.ceil(needed * 100))
    return PrintScale(False, percent, percent / 100)


def column_breaks(widths: list[float], scale: float, landscape: bool, repeated: int) -> list[int]:
    """Columns that start a new page across when the sheet prints at ``scale``, the first
    ``repeated`` columns printed again on every page: each strip fits the page width.

    >>> column_breaks([60] * 6, 0.7, True, 1)
    [3, 5]
    """
    room = printable_mm(landscape) / scale
    again = sum(column_mm(w) for w in widths[:repeated])
    breaks: list[int] = []
    used = 0.0
    for col, width in enumerate(widths):
        mm = column_mm(width)
        if used + mm > room and col > (breaks[-1] if breaks else 0) and col >= repeated:
            breaks.append(col)
            used = again
        used += mm
    return breaks
