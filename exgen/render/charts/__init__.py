"""Chart layout: coordinates for the SVG chart templates, computed from the plain render context.

Python decides where things go (axes, lanes, bars, tree boxes, which labels fit); the templates
in ``templates/charts/`` decide what they look like and say. Nothing here writes wording: only
numbers, ids, and the user's own names (shortened to fit). Every step is linear or n log n in
units, injects, segments and windows, and the output is capped (lanes, bars, markers, nodes) so a
10,000-inject exercise still prints as a readable page.

One module per chart (``inject_timeline``, ``pace_bars``, ``orbat_tree``) on shared ones: the
page geometry (``layout``), the time axis (``axis``), the constraint windows across a time plot
(``windows``) and text fitting (``text``). This package holds :func:`chart_data`, which the render
context calls, and re-exports the names other code uses.
"""

from __future__ import annotations

from exgen.render.charts.axis import MIN_SEGMENT_W, Axis, time_axis
from exgen.render.charts.inject_timeline import MAX_LANES, timeline
from exgen.render.charts.layout import PAGE_H, WIDTH, Data
from exgen.render.charts.orbat_tree import MAX_NODES, orbat, preorder
from exgen.render.charts.pace_bars import BAR_PITCH, MAX_BARS, comms, comms_page
from exgen.render.charts.windows import WINDOW_KINDS

__all__ = [
    "BAR_PITCH", "MAX_BARS", "MAX_LANES", "MAX_NODES", "MIN_SEGMENT_W", "PAGE_H", "WIDTH", "WINDOW_KINDS",
    "Axis", "chart_data", "comms", "comms_page", "orbat", "preorder", "time_axis", "timeline",
]


def chart_data(exercise: Data, units: list[Data], injects: list[Data], pace: list[Data],
               constraints: list[Data]) -> Data:
    """Layout data for every chart: ``{"timeline": ..., "comms": ..., "comms_page": ..., "orbat": ...}``.

    ``comms_page`` is the comms chart cut to the bars that fit one printed page (the exercise
    book's); it is ``comms`` itself when that fits already.
    """
    axis = time_axis(exercise)
    order = preorder(units)
    full = comms(axis, units, pace, constraints)
    page = comms_page(axis, units, pace, constraints, full)
    return {
        "timeline": timeline(axis, units, order, injects, constraints),
        "comms": full,
        "comms_page": page,
        "orbat": orbat(units, order),
    }
