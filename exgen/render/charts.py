"""Chart layout: coordinates for the SVG chart templates, computed from the plain render context.

Python decides where things go (axes, lanes, bars, tree boxes, which labels fit); the templates
in ``templates/charts/`` decide what they look like and say. Nothing here writes wording: only
numbers, ids, and the user's own names (shortened to fit). Every step is linear or n log n in
units, injects, segments and windows, and the output is capped (lanes, bars, markers, nodes) so a
10,000-inject exercise still prints as a readable page.
"""

from __future__ import annotations

import datetime as dt
import math
import typing as t
from collections import defaultdict

Data = dict[str, t.Any]

#: Width of every chart in SVG user units; an A4 page prints it at 180–280 mm.
WIDTH = 920
#: Left column of the time charts (lane and bar labels) and the plot area right of it.
LABEL_W = 212
PLOT_X0 = LABEL_W + 8
PLOT_X1 = WIDTH - 24
#: Rough advance width of one character per unit of font size (sans-serif, mixed case).
CHAR_W = 0.6
LEVELS = ("primary", "alternate", "contingency", "emergency")
NO_PATH = "none"
WINDOW_KINDS = ("jamming", "gnss-jamming", "emcon", "outage")

MAX_LANES = 24
LANE_H = 30
MARKER_GAP = 11.0

MAX_BARS = 40
#: Tallest chart (in chart units, 920 wide) that fits one printed A4 page of the exercise book
#: under its heading: 180 mm of text width makes 1,150 units about 225 mm.
PAGE_H = 1150
BAR_H = 22
BAR_PITCH = 50
MIN_SEGMENT_W = 2.0

NODE_W = 128
NODE_H = 130
NODE_GAP_X = 12
NODE_GAP_Y = 40
TRUNK_W = 18
SYMBOL_SIZE = 80
MAX_NODES = 90
ORBAT_MAX_W = WIDTH - 40

LEGEND_COL_W = 215
LEGEND_ROW_H = 20


def chart_data(exercise: Data, units: list[Data], injects: list[Data], pace: list[Data],
               constraints: list[Data]) -> Data:
    """Layout data for every chart: ``{"timeline": ..., "comms": ..., "comms_page": ..., "orbat": ...}``.

    ``comms_page`` is the comms chart cut to the bars that fit one printed page (the exercise
    book's); it is ``comms`` itself when that fits already.
    """
    axis = time_axis(exercise)
    order = preorder(units)
    full = comms(axis, units, pace, constraints)
    page = full
    if full["height"] > PAGE_H and full["bars"]:
        # Height grows by BAR_PITCH per bar (plus a line for the "not shown" note once bars are cut).
        over = full["height"] - PAGE_H + (0 if full["hidden"] else 18)
        page = comms(axis, units, pace, constraints, max(1, len(full["bars"]) - math.ceil(over / BAR_PITCH)))
    return {
        "timeline": timeline(axis, units, order, injects, constraints),
        "comms": full,
        "comms_page": page,
        "orbat": orbat(units, order),
    }


# ---------------------------------------------------------------- shared time axis

class Axis:
    """Minutes from STARTEX → x in the plot area, plus the ticks and day spans to draw."""

    def __init__(self, duration: int, offset: int, date0: dt.date | None) -> None:
        self.duration = max(int(duration), 1)
        self.offset = offset
        self.scale = (PLOT_X1 - PLOT_X0) / self.duration
        self.date0 = date0

    def x(self, minutes: float) -> float:
        return PLOT_X0 + min(max(float(minutes), 0.0), self.duration) * self.scale

    def data(self) -> Data:
        """Ticks every 6 h (coarser when crowded), day boundaries, and a label span per day."""
        px_per_hour = self.scale * 60
        step = next((h for h in (6, 12, 24, 48, 96, 168, 336) if h * px_per_hour >= 40), 672)
        ticks = []
        first = -(-self.offset // (step * 60)) * step * 60 - self.offset  # first tick at or after 0
        for m in range(first, self.duration + 1, step * 60):
            clock = (m + self.offset) % 1440
            ticks.append({"x": _r(self.x(m)), "day": (m + self.offset) // 1440, "hour": clock // 60,
                          "minute": clock % 60, "major": clock == 0})
        days = []
        last_day = (self.duration - 1 + self.offset) // 1440
        day_px = 1440 * self.scale
        every = next(k for k in (1, 2, 7, 14, 30, 10**9) if k * day_px >= 34)
        for d in range(last_day + 1):
            x0, x1 = self.x(d * 1440 - self.offset), self.x((d + 1) * 1440 - self.offset)
            date = (self.date0 + dt.timedelta(days=d)).isoformat() if self.date0 else ""
            # One-day labels sit centred in their day; sparser ones start at their day's left edge.
            days.append({"day": d, "date": date, "x0": _r(x0), "x1": _r(x1),
                         "lx": _r((x0 + x1) / 2 if every == 1 else x0 + 3), "anchor": "middle" if every == 1 else "start",
                         "label": d % every == 0 and (every > 1 or x1 - x0 >= 24) and x0 + 3 < PLOT_X1 - 20,
                         "wide": every == 1 and x1 - x0 >= 90})
        boundaries = [_r(self.x(d * 1440 - self.offset)) for d in range(1, last_day + 1)]
        return {"x0": PLOT_X0, "x1": PLOT_X1, "step_hours": step, "ticks": ticks, "days": days,
                "boundaries": boundaries}


def time_axis(exercise: Data) -> Axis:
    """The axis for this exercise: STARTEX at the left edge, ENDEX at the right."""
    start = str(exercise.get("startex", ""))
    try:
        when = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        offset, date0 = when.hour * 60 + when.minute, when.date()
    except ValueError:
        offset, date0 = 0, None
    return Axis(int(exercise.get("duration") or 0), offset, date0)


# ---------------------------------------------------------------- inject timeline

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

    windows, window_rows = _windows(axis, constraints)
    top = _plot_top(window_rows)
    lanes: list[Data] = []
    lane_items: list[list[Data]] = []
    for ident in shown:
        unit = by_id.get(ident, {})
        name = str(unit.get("short_name") or _ref_name(per_lane[ident], ident))
        lanes.append({"id": ident, "label": _fit(name, LABEL_W - 44, 12, bold=True), "name": name,
                      "nation": str(unit.get("nation") or ""), "count": len(per_lane[ident]), "other": False})
        lane_items.append(per_lane[ident])
    if rest:
        merged: list[Data] = []
        for ident in rest:
            merged.extend(per_lane[ident])
        lanes.append({"id": "", "label": "", "name": "", "nation": "", "count": len(merged), "other": True,
                      "units": len(rest)})
        lane_items.append(merged)

    markers: list[Data] = []
    for i, (lane, items) in enumerate(zip(lanes, lane_items)):
        lane["y"] = top + i * LANE_H
        lane["h"] = LANE_H
        lane["mid"] = lane["y"] + LANE_H / 2 + 1
        markers.extend(_lane_markers(axis, items, lane["mid"]))
    bottom = top + len(lanes) * LANE_H
    kinds = sorted({m["kind"] for m in markers if m["count"] == 1} |
                   {k for m in markers if m["count"] > 1 for k in m["kinds"]})
    legend_top = bottom + 44
    threat_legend = _grid(kinds, legend_top + 18)
    rows = _rows(len(kinds))
    win_kinds = [k for k in WINDOW_KINDS if any(w["kind"] == k for w in windows)]
    win_top = legend_top + 18 + rows * LEGEND_ROW_H + 22
    window_legend = _grid(win_kinds, win_top + 18)
    has_clusters = any(m["count"] > 1 for m in markers)
    extra_top = win_top + 18 + _rows(len(win_kinds)) * LEGEND_ROW_H + (8 if win_kinds else -22)
    height = extra_top + (LEGEND_ROW_H + 6 if has_clusters else 0) + 30
    for w in windows:
        w["y0"], w["y1"] = top, bottom
    return {
        "width": WIDTH, "height": _r(height), "axis": axis.data(), "top": top, "bottom": bottom,
        "label_w": LABEL_W, "lanes": lanes, "markers": markers, "windows": windows,
        "threat_legend": threat_legend, "legend_top": legend_top, "window_legend": window_legend,
        "window_legend_top": win_top, "cluster_legend_y": extra_top if has_clusters else None,
        "injects": len(injects), "receivers": len(ranked),
    }


def _ref_name(items: list[Data], ident: str) -> str:
    for inj in items:
        for ref in inj.get("to") or []:
            if ref.get("id") == ident:
                return str(ref.get("name") or ident)
    return ident


def _lane_markers(axis: Axis, items: list[Data], y: float) -> list[Data]:
    """Markers for one lane: one per inject, or one counted badge where injects would overlap.

    Injects closer than MARKER_GAP join one cluster; then neighbouring marks whose drawn extents
    still touch are merged (a badge is wider than a marker), so no two marks overlap.
    """
    placed = sorted(((axis.x(i["time"]), i) for i in items), key=lambda p: (p[0], p[1].get("serial") or 0,
                                                                              p[1]["id"]))
    groups: list[list[t.Any]] = []  # [sum of x, injects, x of the first]
    for x, inj in placed:
        if groups and x - groups[-1][2] < MARKER_GAP:
            groups[-1][0] += x
            groups[-1][1].append(inj)
        else:
            groups.append([x, [inj], x])
        while len(groups) > 1 and _left(groups[-1]) < _right(groups[-2]) + 2:
            last = groups.pop()
            groups[-1][0] += last[0]
            groups[-1][1].extend(last[1])
    out: list[Data] = []
    label_right = {-1: -1e9, 1: -1e9}
    drawn_right = -1e9
    for n, (sum_x, injs, _) in enumerate(groups):
        x = sum_x / len(injs)
        # Two or three close injects are set side by side when the neighbours leave room, so
        # each keeps its own shape; otherwise they share one counted badge.
        pitch = 2 * _half(1) + 2.0
        spread = len(injs) * pitch - 2.0
        room_right = _left(groups[n + 1]) - 2 if n + 1 < len(groups) else WIDTH
        if 1 < len(injs) <= 3 and x - spread / 2 >= drawn_right + 2 and x + spread / 2 <= room_right:
            xs = [x - spread / 2 + _half(1) + k * pitch for k in range(len(injs))]
            marks = [_marker([inj], px, y) for inj, px in zip(injs, xs)]
        else:
            marks = [_marker(injs, x, y)]
        last = marks[-1]
        drawn_right = last["x"] + _half(last["count"])
        # A serial beside a marker, "3,4,5" beside a small group; a big badge stands on its count.
        if len(injs) <= 3:
            text = ",".join(str(i.get("serial") if i.get("serial") is not None else i["id"]) for i in injs)
            last["label"] = text
            left, width = last["label_x"], len(text) * 10 * CHAR_W + 3
            for side in (-1, 1):
                if left >= label_right[side] and left + width <= WIDTH:
                    last["label_dy"] = -7 if side < 0 else 12
                    label_right[side] = left + width + 2
                    break
        out.extend(marks)
    return out


def _marker(injs: list[Data], x: float, y: float) -> Data:
    kinds = sorted({_kind(i) for i in injs})
    first = injs[0]
    return {"x": _r(x), "y": _r(y), "count": len(injs), "kind": kinds[0] if len(kinds) == 1 else "mixed",
            "kinds": kinds, "id": first["id"], "serial": first.get("serial"), "title": first.get("title", ""),
            "dtime": first.get("dtime", ""), "ids": [i["id"] for i in injs[:12]], "label": "",
            "label_x": _r(x + _half(len(injs)) + 2.5), "label_dy": None}


def _half(count: int) -> float:
    """Half the drawn width of a marker (count 1) or of a count badge."""
    return 6.5 if count == 1 else (9 + 6 * len(str(count))) / 2


def _left(group: list[t.Any]) -> float:
    return float(group[0] / len(group[1]) - _half(len(group[1])))


def _right(group: list[t.Any]) -> float:
    return float(group[0] / len(group[1]) + _half(len(group[1])))


def _kind(inject: Data) -> str:
    threat = inject.get("threat")
    return str(threat["kind"]) if threat else NO_PATH


def _windows(axis: Axis, constraints: list[Data]) -> tuple[list[Data], int]:
    """Constraint windows as x spans, overlapping ones of a kind merged at pixel resolution,
    each id label placed on one of three rows above the plot (or left off when none is free)."""
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
        w["x0"], w["x1"] = _r(w.pop("_x0")), _r(w.pop("_x1"))
        w["w"] = _r(w["x1"] - w["x0"])
        text = w["id"] if w["count"] == 1 else f"{w['id']} +{w['count'] - 1}"
        width = len(text) * 10 * CHAR_W + 6
        w["label_row"] = None
        for row, right in enumerate(rows_right):
            if w["x0"] >= right and w["x0"] + width <= WIDTH - 4:
                w["label_row"] = row
                w["label_y"] = WINDOW_ROW_Y + row * WINDOW_ROW_H
                rows_right[row] = w["x0"] + width
                used = max(used, row + 1)
                break
    return merged, used


# ---------------------------------------------------------------- comms availability

def comms(axis: Axis, units: list[Data], pace: list[Data], constraints: list[Data],
          max_bars: int = MAX_BARS) -> Data:
    """One bar per PACE pair (capped at the ``max_bars`` most degraded), its segments and their causes."""
    by_id = {u["id"]: u for u in units}
    scored = []
    for i, plan in enumerate(pace):
        bad = sum((s["end"] - s["time"]) * (1 if s["level"] else 3)
                  for s in plan.get("timeline") or [] if s["level"] != "primary")
        scored.append((bad, i, plan))
    if len(scored) > max_bars:
        keep = sorted(scored, key=lambda s: (-s[0], s[1]))[:max_bars]
        keep.sort(key=lambda s: s[1])
    else:
        keep = scored
    windows, window_rows = _windows(axis, constraints)
    top = _plot_top(window_rows)
    bars = []
    for row, (bad, _, plan) in enumerate(keep):
        y = top + 14 + row * BAR_PITCH
        ends = [_end(by_id, ref) for ref in plan.get("between") or []]
        pair = " ↔ ".join(e["name"] for e in ends)
        bars.append({"id": plan["id"], "y": y, "h": BAR_H, "mid": y + BAR_H / 2 + 4,
                     "label": _fit(pair, LABEL_W - 6, 11.5, bold=True), "nations": [e["nation"] for e in ends],
                     "ends": ends, "sub": _fit(str(plan["id"]), LABEL_W - 60, 10.5),
                     "segments": _segments(axis, plan.get("timeline") or [], y),
                     "degraded": bad > 0})
    bottom = top + 14 + len(bars) * BAR_PITCH
    levels = list(LEVELS) + [NO_PATH]
    legend_top = bottom + (58 if len(bars) < len(pace) else 40)
    level_legend = _grid(levels, legend_top + 18)
    win_kinds = [k for k in WINDOW_KINDS if any(w["kind"] == k for w in windows)]
    win_top = legend_top + 18 + _rows(len(levels)) * LEGEND_ROW_H + 22
    window_legend = _grid(win_kinds, win_top + 18)
    height = win_top + 18 + _rows(len(win_kinds)) * LEGEND_ROW_H + (8 if win_kinds else -22) + 30
    for w in windows:
        w["y0"], w["y1"] = top, bottom
    return {"width": WIDTH, "height": _r(height), "axis": axis.data(), "top": top, "bottom": bottom,
            "label_w": LABEL_W, "bars": bars, "windows": windows, "level_legend": level_legend,
            "legend_top": legend_top, "window_legend": window_legend, "window_legend_top": win_top,
            "pairs": len(pace), "hidden": len(pace) - len(bars)}


def _end(by_id: dict[str, Data], ref: Data | None) -> Data:
    if ref is None:
        return {"id": "", "name": "?", "nation": ""}
    unit = by_id.get(ref["id"], {})
    return {"id": ref["id"], "name": str(unit.get("short_name") or ref.get("name") or ref["id"]),
            "nation": str(unit.get("nation") or "")}


def _segments(axis: Axis, timeline: list[Data], y: float) -> list[Data]:
    """Bar segments in draw order (primary first, worst last so a blip of 'no path' stays visible),
    each with its label mode and the constraint ids that forced it."""
    raw: list[Data] = []
    for s in timeline:
        level = s["level"] or NO_PATH
        x0, x1 = axis.x(s["time"]), axis.x(s["end"])
        if x1 <= x0:
            continue
        causes: list[str] = []
        down = []
        for d in s.get("down") or []:
            down.append(d["level"])
            for c in d.get("causes") or []:
                if c not in causes:
                    causes.append(str(c))
        if raw and raw[-1]["level"] == level and raw[-1]["net"] == s["net"] and raw[-1]["causes"] == causes:
            raw[-1]["_x1"] = x1
            continue
        raw.append({"level": level, "net": s["net"] or "", "_x0": x0, "_x1": x1, "causes": causes, "down": down,
                    "dtime": s.get("dtime", ""), "end_dtime": s.get("end_dtime", "")})
    if len(raw) > (PLOT_X1 - PLOT_X0) // 2:
        raw = _by_column(raw)
    out = []
    cause_right = -1e9
    for seg in raw:
        x0, x1 = seg.pop("_x0"), seg.pop("_x1")
        if x1 - x0 < MIN_SEGMENT_W:
            mid = (x0 + x1) / 2
            x0, x1 = max(PLOT_X0, mid - MIN_SEGMENT_W / 2), min(PLOT_X1, mid + MIN_SEGMENT_W / 2)
        w = x1 - x0
        net_text = 2 + (len(seg["net"]) if seg["level"] != NO_PATH else 8)
        seg.update({"x0": _r(x0), "x1": _r(x1), "w": _r(w), "cx": _r((x0 + x1) / 2), "y": y,
                    "text": "net" if w >= net_text * 11 * CHAR_W + 12 else ("letter" if w >= 15 else "")})
        seg["cause_x"], seg["cause_w"] = None, 0.0
        if seg["level"] != "primary" and seg["causes"]:
            bold = sum(len(c) + 2 for c in seg["causes"][:3]) - 2 + (2 if len(seg["causes"]) > 3 else 0)
            label = bold * (CHAR_W + 0.07) / CHAR_W + 2 * len(seg["down"]) + 7
            start = max(x0, cause_right + 6)
            if start < x1 + 40 and start + label * 10 * CHAR_W <= WIDTH:
                seg["cause_x"] = _r(start)
                seg["cause_w"] = _r(label * 10 * CHAR_W + 5)
                cause_right = start + label * 10 * CHAR_W
        out.append(seg)
    rank = {lv: i for i, lv in enumerate((*LEVELS, NO_PATH))}
    return sorted(out, key=lambda s: (rank.get(s["level"], 9), s["x0"]))


def _by_column(raw: list[Data]) -> list[Data]:
    """Too many segments for the pixels: keep the worst level per 2-unit column, then join runs."""
    rank = {lv: i for i, lv in enumerate((*LEVELS, NO_PATH))}
    cols: dict[int, Data] = {}
    for seg in raw:
        for c in range(int((seg["_x0"] - PLOT_X0) // 2), int((seg["_x1"] - PLOT_X0 - 1e-9) // 2) + 1):
            best = cols.get(c)
            if best is None or rank[seg["level"]] > rank[best["level"]]:
                cols[c] = seg
    out: list[Data] = []
    for c in sorted(cols):
        seg = cols[c]
        x0 = PLOT_X0 + c * 2
        if out and out[-1]["level"] == seg["level"] and out[-1]["_x1"] >= x0:
            out[-1]["_x1"] = x0 + 2
            for cause in seg["causes"]:
                if cause not in out[-1]["causes"] and len(out[-1]["causes"]) < 6:
                    out[-1]["causes"].append(cause)
            continue
        out.append({**seg, "_x0": x0, "_x1": min(x0 + 2, PLOT_X1), "causes": list(seg["causes"])})
    return out


# ---------------------------------------------------------------- order of battle

def preorder(units: list[Data]) -> dict[str, int]:
    """Unit id → position in a depth-first walk of the ORBAT (roots and siblings in file order)."""
    kids, roots = _forest(units)
    order: dict[str, int] = {}
    stack = list(reversed(roots))
    while stack:
        ident = stack.pop()
        if ident in order:
            continue
        order[ident] = len(order)
        stack.extend(reversed(kids.get(ident, [])))
    return order


def _forest(units: list[Data]) -> tuple[dict[str, list[str]], list[str]]:
    """Children per unit and the roots; a unit whose parent is unknown, or that sits in a parent
    cycle, becomes a root, so every unit is drawn exactly once."""
    ids = [u["id"] for u in units]
    known = set(ids)
    parent = {u["id"]: u.get("parent") for u in units}
    roots: list[str] = []
    state: dict[str, int] = {}  # 1: on the current walk, 2: settled (reaches a root)
    for ident in ids:
        path = []
        cur = ident
        while cur in known and cur not in state:
            state[cur] = 1
            path.append(cur)
            nxt = parent.get(cur)
            if not nxt or nxt not in known:
                break
            cur = nxt
        if cur in state and state[cur] == 1 and parent.get(cur) in known and parent.get(cur) in path:
            parent[cur] = None  # break the cycle at the unit where the walk closed it
        for p in path:
            state[p] = 2
    kids: dict[str, list[str]] = defaultdict(list)
    for ident in ids:
        p = parent.get(ident)
        if p and p in known and p != ident:
            kids[p].append(ident)
        else:
            roots.append(ident)
    return kids, roots


def orbat(units: list[Data], order: dict[str, int]) -> Data:
    """A tidy tree: each parent centred over its children; sibling sets wider than the page wrap
    into rows hung from a trunk on the left. Deep or huge trees are cut at the deepest level that
    keeps the chart under MAX_NODES boxes, and the cut nodes carry the number of units below them."""
    by_id = {u["id"]: u for u in units}
    kids, roots = _forest(units)
    depth: dict[str, int] = {}
    for r in roots:
        depth[r] = 0
    for ident in sorted(order, key=order.__getitem__):
        for k in kids.get(ident, []):
            depth[k] = depth[ident] + 1
    per_depth: dict[int, int] = defaultdict(int)
    for d in depth.values():
        per_depth[d] += 1
    limit, total = -1, 0
    for d in sorted(per_depth):
        if total + per_depth[d] > MAX_NODES and limit >= 0:
            break
        total += per_depth[d]
        limit = d
    shown_kids = {k: v for k, v in kids.items() if depth.get(k, 0) < limit}
    hidden: dict[str, int] = {}
    for ident in sorted(order, key=order.__getitem__, reverse=True):
        below = sum(1 + hidden.get(k, 0) for k in kids.get(ident, []))
        hidden[ident] = below
    post: list[str] = []
    stack = list(roots)
    while stack:
        ident = stack.pop()
        post.append(ident)
        stack.extend(shown_kids.get(ident, []))
    # Sibling sets of leaves may wrap early (fewer columns, more rows): keep whichever cap gives
    # the shortest chart, the widest cap on a tie.
    best: tuple[float, int, t.Any] | None = None
    for rank, cap in enumerate((None, 6, 4, 3, 2)):
        laid = _blocks(post, roots, shown_kids, cap)
        if best is None or laid[-1] < best[0]:
            best = (laid[-1], rank, laid)
    assert best is not None
    _, own, rel, links, origin, full_w, full_h = best[2]
    margin_x = max(20.0, (WIDTH - full_w) / 2)
    top = 64.0
    nodes: list[Data] = []
    lines_out: list[Data] = []
    todo = [(r, origin[r][0] + margin_x, origin[r][1] + top) for r in reversed(roots)]
    while todo:
        ident, ox, oy = todo.pop()
        bx, by = own[ident]
        unit = by_id[ident]
        nx, ny = ox + bx, oy + by
        name = str(unit.get("short_name") or ident)
        nodes.append({
            "id": ident, "x": _r(nx), "y": _r(ny), "w": NODE_W, "h": NODE_H, "cx": _r(nx + NODE_W / 2),
            "symbol_x": _r(nx + (NODE_W - SYMBOL_SIZE) / 2), "symbol_y": _r(ny + 2), "symbol_size": SYMBOL_SIZE,
            "sidc": str(unit.get("sidc") or ""), "name": name, "lines": _wrap(name, NODE_W - 10, 12, 2, bold=True),
            "nation": str(unit.get("nation") or ""), "callsign": str(unit.get("callsign") or ""),
            "echelon": str(unit.get("echelon") or ""), "role": str(unit.get("role") or ""),
            "depth": depth.get(ident, 0), "hidden": hidden.get(ident, 0) if ident not in shown_kids else 0,
        })
        for x1, y1, x2, y2 in links[ident]:
            lines_out.append({"x1": _r(ox + x1), "y1": _r(oy + y1), "x2": _r(ox + x2), "y2": _r(oy + y2)})
        for k in reversed(shown_kids.get(ident, [])):
            kx, ky = rel[k]
            todo.append((k, ox + kx, oy + ky))
    legend_top = top + full_h + 36
    roles = sorted({n["role"] for n in nodes if n["role"]})
    height = legend_top + 18 + _rows(len(roles)) * LEGEND_ROW_H + 30
    return {"width": max(WIDTH, _r(full_w + 40)), "height": _r(height), "nodes": nodes, "links": lines_out,
            "legend_top": legend_top, "role_legend": _grid(roles, legend_top + 18), "units": len(units),
            "shown": len(nodes), "depth_limit": limit, "node_w": NODE_W, "node_h": NODE_H}


def _blocks(post: list[str], roots: list[str], shown_kids: dict[str, list[str]], cap: int | None) -> tuple[t.Any, ...]:
    """Post-order: a block (w, h) per shown node, its own box and its children's offsets inside it;
    then the roots packed in rows across the page. The last item is the chart's height."""
    size: dict[str, tuple[float, float]] = {}
    own: dict[str, tuple[float, float]] = {}
    rel: dict[str, tuple[float, float]] = {}
    links: dict[str, list[tuple[float, float, float, float]]] = {}
    for ident in reversed(post):
        children = shown_kids.get(ident, [])
        if not children:
            size[ident], own[ident], links[ident] = (NODE_W, NODE_H), (0.0, 0.0), []
            continue
        leaves = not any(shown_kids.get(k) for k in children)
        w, h, placed, lines = _hang(children, size, own, NODE_H + NODE_GAP_Y, cap if leaves else None)
        size[ident], own[ident], links[ident] = (w, h), placed.pop("__parent__"), lines
        for k, pos in placed.items():
            rel[k] = pos
    x, y, row_h = 0.0, 0.0, 0.0
    origin: dict[str, tuple[float, float]] = {}
    for r in roots:
        w, h = size[r]
        if x > 0 and x + w > ORBAT_MAX_W:
            x, y, row_h = 0.0, y + row_h + NODE_GAP_Y, 0.0
        origin[r] = (x, y)
        x += w + NODE_GAP_X * 2
        row_h = max(row_h, h)
    full_w = max((origin[r][0] + size[r][0] for r in roots), default=NODE_W)
    full_h = max((origin[r][1] + size[r][1] for r in roots), default=NODE_H)
    return size, own, rel, links, origin, full_w, full_h


def _hang(children: list[str], size: dict[str, tuple[float, float]], own: dict[str, tuple[float, float]],
          top: float, cap: int | None = None
          ) -> tuple[float, float, dict[str, tuple[float, float]], list[tuple[float, float, float, float]]]:
    """Place a parent's box and its children's blocks: one row centred under the parent, or rows
    hung from a trunk at the left when one row would be wider than the page (or longer than cap)."""
    rows: list[list[str]] = [[]]
    width = 0.0
    if all(size[k] == (NODE_W, NODE_H) for k in children):
        # Bare boxes: as many per row as fit (or cap), then rows evened out (6+5, not 10+1).
        fit = max(1, int((ORBAT_MAX_W - TRUNK_W + NODE_GAP_X) // (NODE_W + NODE_GAP_X)))
        per_row = min(fit, cap or fit)
        n_rows = -(-len(children) // per_row)
        cap = -(-len(children) // n_rows)
    for k in children:
        w = size[k][0]
        if rows[-1] and (width + NODE_GAP_X + w > ORBAT_MAX_W - TRUNK_W or (cap and len(rows[-1]) >= cap)):
            rows.append([])
            width = 0.0
        width += (NODE_GAP_X if rows[-1] else 0) + w
        rows[-1].append(k)
    placed: dict[str, tuple[float, float]] = {}
    lines: list[tuple[float, float, float, float]] = []
    if len(rows) == 1:
        x = 0.0
        centres = []
        for k in rows[0]:
            placed[k] = (x, top)
            centres.append(x + _own_cx(k, own))
            x += size[k][0] + NODE_GAP_X
        span_w = x - NODE_GAP_X
        pcx = (centres[0] + centres[-1]) / 2
        shift = max(0.0, NODE_W / 2 - pcx)
        pcx += shift
        for k in rows[0]:
            placed[k] = (placed[k][0] + shift, top)
        centres = [c + shift for c in centres]
        w = max(span_w + shift, pcx + NODE_W / 2)
        h = top + max(size[k][1] for k in rows[0])
        bus = top - NODE_GAP_Y / 2
        lines.append((pcx, NODE_H, pcx, bus))
        if len(centres) > 1 or centres[0] != pcx:
            lines.append((min(centres[0], pcx), bus, max(centres[-1], pcx), bus))
        for c in centres:
            lines.append((c, bus, c, top))
        placed["__parent__"] = (pcx - NODE_W / 2, 0.0)
        return w, h, placed, lines
    trunk = TRUNK_W / 2
    y = top
    w = 0.0
    first_centres: list[float] = []
    buses = []
    for row in rows:
        x = float(TRUNK_W)
        centres = []
        for k in row:
            placed[k] = (x, y)
            centres.append(x + _own_cx(k, own))
            x += size[k][0] + NODE_GAP_X
        w = max(w, x - NODE_GAP_X)
        bus = y - NODE_GAP_Y / 2
        buses.append(bus)
        lines.append((trunk, bus, centres[-1], bus))
        for c in centres:
            lines.append((c, bus, c, y))
        if not first_centres:
            first_centres = centres
        y += max(size[k][1] for k in row) + NODE_GAP_Y
    pcx = (first_centres[0] + first_centres[-1]) / 2
    lines.append((pcx, NODE_H, pcx, buses[0]))
    lines.append((trunk, buses[0], trunk, buses[-1]))
    placed["__parent__"] = (pcx - NODE_W / 2, 0.0)
    return w, y - NODE_GAP_Y, placed, lines


def _own_cx(ident: str, own: dict[str, tuple[float, float]]) -> float:
    """Centre x of a child's own box inside its block (its parent connector lands there)."""
    return own[ident][0] + NODE_W / 2


# ---------------------------------------------------------------- small helpers

#: Vertical bands above a time plot: title, day labels, hour labels, then rows of window ids.
HEADER_H = 40
DAY_Y = 54
HOUR_Y = 70
WINDOW_ROW_Y = 86
WINDOW_ROW_H = 15


def _plot_top(window_rows: int) -> int:
    return WINDOW_ROW_Y - 8 + window_rows * WINDOW_ROW_H + 8

def _grid(keys: list[str], top: float) -> list[Data]:
    """Legend entries in fixed columns across the chart, left to right then down."""
    cols = max(1, (WIDTH - 40) // LEGEND_COL_W)
    return [{"key": k, "x": 20 + (i % cols) * LEGEND_COL_W, "y": top + (i // cols) * LEGEND_ROW_H}
            for i, k in enumerate(keys)]


def _rows(n: int) -> int:
    cols = max(1, (WIDTH - 40) // LEGEND_COL_W)
    return -(-n // cols)


def _fit(text: str, width: float, font: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width`` units at ``font`` size (estimated).

    >>> _fit("1st Infantry Battalion", 60, 10)
    '1st Infan…'
    """
    room = int(width / (font * (CHAR_W + (0.07 if bold else 0))))
    return text if len(text) <= room else text[:max(room - 1, 1)].rstrip() + "…"


def _wrap(text: str, width: float, font: float, lines: int, bold: bool = False) -> list[str]:
    """Up to ``lines`` lines of ``text`` broken at spaces, the last one cut to fit.

    >>> _wrap("MECH INF BN (MK) FORWARD", 80, 10, 2)
    ['MECH INF BN', '(MK) FORWARD']
    """
    room = max(int(width / (font * (CHAR_W + (0.07 if bold else 0)))), 1)
    words, cur = text.split(), ""
    out: list[str] = []
    for i, word in enumerate(words):
        if len(out) == lines - 1:
            out.append(_fit(" ".join([cur, *words[i:]]).strip(), width, font, bold))
            return out
        if not cur or len(cur) + 1 + len(word) <= room:
            cur = f"{cur} {word}".strip()
        else:
            out.append(_fit(cur, width, font, bold))
            cur = word
    if cur or not out:
        out.append(_fit(cur, width, font, bold))
    return out[:lines]


def _r(value: float) -> float:
    """Coordinates to 0.1 unit: small files, and the same bytes on every machine."""
    return round(float(value), 1)
