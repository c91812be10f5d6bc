"""Constraint windows (jamming, GNSS jamming and spoofing, EMCON, outages, cyber attacks) as shaded
spans across a time plot, each id label set on one of three rows above the plot, which starts below
the rows in use."""

from __future__ import annotations

from exgen.render.charts.axis import MIN_SEGMENT_W, PLOT_X1, Axis
from exgen.render.charts.layout import WIDTH, Data, coord
from exgen.render.charts.text import fit, text_width

WINDOW_KINDS = ("jamming", "gnss-jamming", "gnss-spoofing", "emcon", "outage", "cyber")
#: Rows of window id labels above a time plot: the first row's y, and the pitch between rows.
WINDOW_ROW_Y = 86
WINDOW_ROW_H = 15
#: A window's label: a 4-unit swatch, 2 units, then its id in 10 pt bold, cut to LABEL_MAX units;
#: labels on one row keep LABEL_GAP units apart.
LABEL_FONT = 10
LABEL_TEXT_DX = 6
LABEL_MAX = 180
LABEL_GAP = 4


def plot_top(window_rows: int) -> int:
    """Top of the plot area under ``window_rows`` rows of window labels.

    >>> plot_top(0), plot_top(3)
    (86, 131)
    """
    return WINDOW_ROW_Y - 8 + window_rows * WINDOW_ROW_H + 8


def kinds_shown(windows: list[Data]) -> list[str]:
    """The window kinds present, in legend order."""
    return [k for k in WINDOW_KINDS if any(w["kind"] == k for w in windows)]


def constraint_windows(axis: Axis, constraints: list[Data]) -> tuple[list[Data], int]:
    """Constraint windows as x spans, overlapping ones of a kind merged at pixel resolution,
    each id label placed on one of three rows above the plot (or left off when none is free).

    Returns the windows and the number of label rows used.
    """
    spans = []
    for c in constraints:
        if c.get("kind") not in WINDOW_KINDS:
            continue
        x0, x1 = axis.x(c["time"]), axis.x(c["end"])
        if x1 <= x0:
            continue
        if x1 - x0 < MIN_SEGMENT_W:
            x1 = min(x0 + MIN_SEGMENT_W, PLOT_X1)
        spans.append((c["kind"], x0, x1, str(c["id"]), c))
    spans.sort(key=lambda s: (WINDOW_KINDS.index(s[0]), s[1], s[2], s[3]))
    merged: list[Data] = []
    for kind, x0, x1, ident, c in spans:
        last = merged[-1] if merged else None
        if last and last["kind"] == kind and x0 <= last["_x1"] + 1:
            last["_x1"] = max(last["_x1"], x1)
            last["count"] += 1
            if len(last["ids"]) < 12:
                last["ids"].append(ident)
            continue
        merged.append({"kind": kind, "_x0": x0, "_x1": x1, "count": 1, "ids": [ident], "id": ident,
                       "dtime": c.get("dtime", ""), "end_dtime": c.get("end_dtime", "")})
    merged.sort(key=lambda w: (w["_x0"], w["_x1"], w["id"]))
    rows_right = [-1e9, -1e9, -1e9]
    used = 0
    for w in merged:
        w["x0"], w["x1"] = coord(w.pop("_x0")), coord(w.pop("_x1"))
        w["w"] = coord(w["x1"] - w["x0"])
        more = "" if w["count"] == 1 else f" +{w['count'] - 1}"
        text = fit(w["id"], LABEL_MAX - text_width(more, LABEL_FONT, bold=True), LABEL_FONT, bold=True) + more
        width = LABEL_TEXT_DX + text_width(text, LABEL_FONT, bold=True)
        w["label"], w["label_w"] = text, coord(width)
        w["label_row"] = None
        for row, right in enumerate(rows_right):
            if w["x0"] >= right + LABEL_GAP and w["x0"] + width <= WIDTH - 4:
                w["label_row"] = row
                w["label_y"] = WINDOW_ROW_Y + row * WINDOW_ROW_H
                rows_right[row] = w["x0"] + width
                used = max(used, row + 1)
                break
    return merged, used
