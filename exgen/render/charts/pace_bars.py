"""The comms availability chart: a bar per PACE plan across the exercise (the most degraded ones
when there are too many), its segments coloured by the PACE level in use, the constraints that
forced each step down named beside it, and the constraint windows across the bars."""

from __future__ import annotations

import math

from exgen.render.charts.axis import LABEL_W, MIN_SEGMENT_W, PLOT_X0, PLOT_X1, Axis
from exgen.render.charts.layout import LEGEND_ROW_H, PAGE_H, WIDTH, Data, coord, legend_grid, legend_rows
from exgen.render.charts.text import BOLD_EXTRA_W, CHAR_W, fit
from exgen.render.charts.windows import constraint_windows, kinds_shown, plot_top

LEVELS = ("primary", "alternate", "contingency", "emergency")
#: The level of a segment where no PACE level works.
NO_PATH = "none"

MAX_BARS = 40
BAR_H = 22
#: The row labels' column: from LABEL_X to a gap before the plot (names 11.5 pt bold, ids 10.5 pt).
LABEL_X = 20
LABEL_ROOM = PLOT_X0 - LABEL_X - 6
LABEL_FONT, SUB_FONT = 11.5, 10.5
#: Height per bar: the chart grows by this much for each bar.
BAR_PITCH = 50


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
    windows, window_rows = constraint_windows(axis, constraints)
    top = plot_top(window_rows)
    bars = []
    for row, (bad, _, plan) in enumerate(keep):
        y = top + 14 + row * BAR_PITCH
        ends = [_end(by_id, ref) for ref in plan.get("between") or []]
        pair = " ↔ ".join(e["name"] for e in ends)
        nations = [e["nation"] for e in ends]
        sub = str(plan["id"]) + (" · " + "–".join(nations) if any(nations) else "")
        bars.append({"id": plan["id"], "y": y, "h": BAR_H, "mid": y + BAR_H / 2 + 4, "label_x": LABEL_X,
                     "label": fit(pair, LABEL_ROOM, LABEL_FONT, bold=True), "nations": nations,
                     "ends": ends, "sub": fit(sub, LABEL_ROOM, SUB_FONT),
                     "segments": segments(axis, plan.get("timeline") or [], y),
                     "degraded": bad > 0})
    bottom = top + 14 + len(bars) * BAR_PITCH
    levels = list(LEVELS) + [NO_PATH]
    legend_top = bottom + (58 if len(bars) < len(pace) else 40)
    level_legend = legend_grid(levels, legend_top + 18)
    win_kinds = kinds_shown(windows)
    win_top = legend_top + 18 + legend_rows(len(levels)) * LEGEND_ROW_H + 22
    window_legend = legend_grid(win_kinds, win_top + 18)
    height = win_top + 18 + legend_rows(len(win_kinds)) * LEGEND_ROW_H + (8 if win_kinds else -22) + 30
    for w in windows:
        w["y0"], w["y1"] = top, bottom
    return {"width": WIDTH, "height": coord(height), "axis": axis.data(), "top": top, "bottom": bottom,
            "label_w": LABEL_W, "bars": bars, "windows": windows, "level_legend": level_legend,
            "legend_top": legend_top, "window_legend": window_legend, "window_legend_top": win_top,
            "pairs": len(pace), "hidden": len(pace) - len(bars)}


def comms_page(axis: Axis, units: list[Data], pace: list[Data], constraints: list[Data], full: Data) -> Data:
    """The comms chart cut to the most degraded bars that fit one printed page (PAGE_H);
    ``full`` (the whole chart) itself when it fits already."""
    if full["height"] <= PAGE_H or not full["bars"]:
        return full
    # Height grows by BAR_PITCH per bar (plus a line for the "not shown" note once bars are cut).
    over = full["height"] - PAGE_H + (0 if full["hidden"] else 18)
    return comms(axis, units, pace, constraints, max(1, len(full["bars"]) - math.ceil(over / BAR_PITCH)))


def _end(by_id: dict[str, Data], ref: Data | None) -> Data:
    if ref is None:
        return {"id": "", "name": "?", "nation": ""}
    unit = by_id.get(ref["id"], {})
    return {"id": ref["id"], "name": str(unit.get("short_name") or ref.get("name") or ref["id"]),
            "nation": str(unit.get("nation") or "")}


def segments(axis: Axis, timeline: list[Data], y: float) -> list[Data]:
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
        seg.update({"x0": coord(x0), "x1": coord(x1), "w": coord(w), "cx": coord((x0 + x1) / 2), "y": y,
                    "text": "net" if w >= net_text * 11 * CHAR_W + 12 else ("letter" if w >= 15 else "")})
        seg["cause_x"], seg["cause_w"] = None, 0.0
        if seg["level"] != "primary" and seg["causes"]:
            bold = sum(len(c) + 2 for c in seg["causes"][:3]) - 2 + (2 if len(seg["causes"]) > 3 else 0)
            label = bold * (CHAR_W + BOLD_EXTRA_W) / CHAR_W + 2 * len(seg["down"]) + 7
            start = max(x0, cause_right + 6)
            if start < x1 + 40 and start + label * 10 * CHAR_W <= WIDTH:
                seg["cause_x"] = coord(start)
                seg["cause_w"] = coord(label * 10 * CHAR_W + 5)
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
