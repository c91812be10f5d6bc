"""The inject timeline: a lane per receiving unit (capped), a marker per inject on it (close ones
set side by side or joined in a counted badge, so no two marks overlap), serial labels placed
where they fit, the constraint windows across the lanes, and the legends below."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from exgen.render.charts.axis import LABEL_W, Axis
from exgen.render.charts.layout import LEGEND_ROW_H, WIDTH, Data, coord, legend_grid, legend_rows
from exgen.render.charts.text import CHAR_W, fit, text_width
from exgen.render.charts.windows import constraint_windows, kinds_shown, plot_top

MAX_LANES = 24
LANE_H = 30
#: The lane labels' column, left to right: the unit's name (12 pt bold) from LABEL_X, its nation
#: (10 pt) and the inject count (10 pt) ending at LABEL_W; LABEL_GAP between them.
LABEL_X = 20
LABEL_GAP = 6
#: Injects closer than this (in chart units) share one cluster.
MARKER_GAP = 11.0
#: The marker kind of an inject without a threat.
NO_THREAT = "none"


def timeline(axis: Axis, units: list[Data], order: dict[str, int], injects: list[Data],
             constraints: list[Data]) -> Data:
    """Lanes per receiving unit (capped), inject markers (clustered per pixel column), windows."""
    by_id = {u["id"]: u for u in units}
    per_lane: dict[str, list[Data]] = defaultdict(list)
    for inj in injects:
        for ref in inj.get("to") or []:
            per_lane[ref["id"]].append(inj)
    ranked = sorted(per_lane, key=lambda k: (-len(per_lane[k]), order.get(k, len(order)), k))
    shown = ranked if len(ranked) <= MAX_LANES else ranked[:MAX_LANES - 1]
    rest = ranked[len(shown):]
    shown.sort(key=lambda k: (order.get(k, len(order)), k))

    windows, window_rows = constraint_windows(axis, constraints)
    top = plot_top(window_rows)
    lanes: list[Data] = []
    lane_items: list[list[Data]] = []
    for ident in shown:
        unit = by_id.get(ident, {})
        name = str(unit.get("short_name") or _ref_name(per_lane[ident], ident))
        count = len(per_lane[ident])
        nation_x = LABEL_W - text_width(str(count), 10) - LABEL_GAP
        nation = fit(str(unit.get("nation") or ""), 60, 10)
        room = nation_x - (text_width(nation, 10) + LABEL_GAP if nation else 0) - LABEL_X
        lanes.append({"id": ident, "label": fit(name, room, 12, bold=True), "name": name, "nation": nation,
                      "nation_x": coord(nation_x), "count": count, "other": False})
        lane_items.append(per_lane[ident])
    if rest:
        merged: list[Data] = []
        for ident in rest:
            merged.extend(per_lane[ident])
        lanes.append({"id": "", "label": "", "name": "", "nation": "", "nation_x": coord(LABEL_W),
                      "count": len(merged), "other": True, "units": len(rest)})
        lane_items.append(merged)

    markers: list[Data] = []
    for i, (lane, items) in enumerate(zip(lanes, lane_items, strict=True)):
        lane["y"] = top + i * LANE_H
        lane["h"] = LANE_H
        lane["mid"] = lane["y"] + LANE_H / 2 + 1
        markers.extend(_lane_markers(axis, items, lane["mid"]))
    bottom = top + len(lanes) * LANE_H
    kinds = sorted({m["kind"] for m in markers if m["count"] == 1} |
                   {k for m in markers if m["count"] > 1 for k in m["kinds"]})
    legend_top = bottom + 44
    threat_legend = legend_grid(kinds, legend_top + 18)
    rows = legend_rows(len(kinds))
    win_kinds = kinds_shown(windows)
    win_top = legend_top + 18 + rows * LEGEND_ROW_H + 22
    window_legend = legend_grid(win_kinds, win_top + 18)
    has_clusters = any(m["count"] > 1 for m in markers)
    extra_top = win_top + 18 + legend_rows(len(win_kinds)) * LEGEND_ROW_H + (8 if win_kinds else -22)
    height = extra_top + (LEGEND_ROW_H + 6 if has_clusters else 0) + 30
    for w in windows:
        w["y0"], w["y1"] = top, bottom
    return {
        "width": WIDTH, "height": coord(height), "axis": axis.data(), "top": top, "bottom": bottom,
        "label_w": LABEL_W, "lanes": lanes, "markers": markers, "windows": windows,
        "threat_legend": threat_legend, "legend_top": legend_top, "window_legend": window_legend,
        "window_legend_top": win_top, "cluster_legend_y": extra_top if has_clusters else None,
        "injects": len(injects), "receivers": len(ranked),
    }


def half_width(count: int) -> float:
    """Half the drawn width of a marker (count 1) or of a count badge.

    >>> half_width(1), half_width(7), half_width(12)
    (6.5, 7.5, 10.5)
    """
    return 6.5 if count == 1 else (9 + 6 * len(str(count))) / 2


def _ref_name(items: list[Data], ident: str) -> str:
    for inj in items:
        for ref in inj.get("to") or []:
            if ref.get("id") == ident:
                return str(ref.get("name") or ident)
    return ident


@dataclasses.dataclass
class _Cluster:
    """Injects drawn as one group: the sum of their x (for the mean), and the x of the first."""

    sum_x: float
    injects: list[Data]
    first_x: float

    def left(self) -> float:
        return float(self.sum_x / len(self.injects) - half_width(len(self.injects)))

    def right(self) -> float:
        return float(self.sum_x / len(self.injects) + half_width(len(self.injects)))


def _lane_markers(axis: Axis, items: list[Data], y: float) -> list[Data]:
    """Markers for one lane: one per inject, or one counted badge where injects would overlap.

    Injects closer than MARKER_GAP join one cluster; then neighbouring marks whose drawn extents
    still touch are merged (a badge is wider than a marker), so no two marks overlap.
    """
    placed = sorted(((axis.x(i["time"]), i) for i in items),
                    key=lambda p: (p[0], p[1].get("serial") or 0, p[1]["id"]))
    groups: list[_Cluster] = []
    for x, inj in placed:
        if groups and x - groups[-1].first_x < MARKER_GAP:
            groups[-1].sum_x += x
            groups[-1].injects.append(inj)
        else:
            groups.append(_Cluster(x, [inj], x))
        while len(groups) > 1 and groups[-1].left() < groups[-2].right() + 2:
            joined = groups.pop()
            groups[-1].sum_x += joined.sum_x
            groups[-1].injects.extend(joined.injects)
    out: list[Data] = []
    label_right = {-1: -1e9, 1: -1e9}
    drawn_right = -1e9
    for n, group in enumerate(groups):
        injs = group.injects
        x = group.sum_x / len(injs)
        # Two or three close injects are set side by side when the neighbours leave room, so
        # each keeps its own shape; otherwise they share one counted badge.
        pitch = 2 * half_width(1) + 2.0
        spread = len(injs) * pitch - 2.0
        room_right = groups[n + 1].left() - 2 if n + 1 < len(groups) else WIDTH
        if 1 < len(injs) <= 3 and x - spread / 2 >= drawn_right + 2 and x + spread / 2 <= room_right:
            xs = [x - spread / 2 + half_width(1) + k * pitch for k in range(len(injs))]
            marks = [_marker([inj], px, y) for inj, px in zip(injs, xs, strict=True)]
        else:
            marks = [_marker(injs, x, y)]
        mark = marks[-1]
        drawn_right = mark["x"] + half_width(mark["count"])
        # A serial beside a marker, "3,4,5" beside a small group; a big badge stands on its count.
        if len(injs) <= 3:
            text = ",".join(str(i.get("serial") if i.get("serial") is not None else i["id"]) for i in injs)
            mark["label"] = text
            left, width = mark["label_x"], len(text) * 10 * CHAR_W + 3
            for side in (-1, 1):
                if left >= label_right[side] and left + width <= WIDTH:
                    mark["label_dy"] = -7 if side < 0 else 12
                    label_right[side] = left + width + 2
                    break
        out.extend(marks)
    return out


def _marker(injs: list[Data], x: float, y: float) -> Data:
    kinds = sorted({_kind(i) for i in injs})
    first = injs[0]
    return {"x": coord(x), "y": coord(y), "count": len(injs), "kind": kinds[0] if len(kinds) == 1 else "mixed",
            "kinds": kinds, "id": first["id"], "serial": first.get("serial"), "title": first.get("title", ""),
            "dtime": first.get("dtime", ""), "ids": [i["id"] for i in injs[:12]], "label": "",
            "label_x": coord(x + half_width(len(injs)) + 2.5), "label_dy": None}


def _kind(inject: Data) -> str:
    threat = inject.get("threat")
    return str(threat["kind"]) if threat else NO_THREAT
