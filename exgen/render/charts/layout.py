"""Page geometry every chart shares: its width, the height one printed page holds, the legend
grid under a chart, and coordinates rounded for stable bytes."""

from __future__ import annotations

import typing as t

#: Chart layout data as the templates get it: plain dicts, lists, strings and numbers.
Data = dict[str, t.Any]

#: Width of every chart in SVG user units; an A4 page prints it at 180–280 mm.
WIDTH = 920
#: Tallest chart (in chart units, 920 wide) that fits one printed A4 page of the exercise book
#: under its heading: 180 mm of text width makes 1,150 units about 225 mm.
PAGE_H = 1150

LEGEND_COL_W = 215
LEGEND_ROW_H = 20


def legend_grid(keys: list[str], top: float) -> list[Data]:
    """Legend entries in fixed columns across the chart, left to right then down.

    >>> [(e["key"], e["x"], e["y"]) for e in legend_grid(["a", "b", "c", "d", "e"], 100)][3:]
    [('d', 665, 100), ('e', 20, 120)]
    """
    cols = max(1, (WIDTH - 40) // LEGEND_COL_W)
    return [{"key": k, "x": 20 + (i % cols) * LEGEND_COL_W, "y": top + (i // cols) * LEGEND_ROW_H}
            for i, k in enumerate(keys)]


def legend_rows(n: int) -> int:
    """Rows of the legend grid that ``n`` entries take.

    >>> legend_rows(0), legend_rows(4), legend_rows(5)
    (0, 1, 2)
    """
    cols = max(1, (WIDTH - 40) // LEGEND_COL_W)
    return -(-n // cols)


def coord(value: float) -> float:
    """Coordinates to 0.1 unit: small files, and the same bytes on every machine.

    >>> coord(12.345), coord(7)
    (12.3, 7.0)
    """
    return round(float(value), 1)
