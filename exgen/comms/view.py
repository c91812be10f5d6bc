"""Views of the comms picture: a text page for the signals officer and a JSON document."""

from __future__ import annotations

import datetime as dt
import textwrap
import typing as t

from exgen.comms.intervals import Interval
from exgen.comms.picture import INCOMPATIBLE, CommsPicture, Link, PairTimeline, Segment
from exgen.core.text import printable
from exgen.model import PACE_LEVELS, TimeError, resolve_time

if t.TYPE_CHECKING:
    from exgen.model import Exercise

#: One letter per PACE level on the bar; NO_PATH where no level works.
LETTERS = {"primary": "P", "alternate": "A", "contingency": "C", "emergency": "E"}
NO_PATH = "!"
MIN_WIDTH = 40
_MARGIN = "  "
_WORST: dict[str | None, int] = {None: len(PACE_LEVELS), **{lvl: i for i, lvl in enumerate(PACE_LEVELS)}}


def parse_at(text: str, model: Exercise) -> int:
    """Minutes from STARTEX for ``D+1 07:30`` or an ISO 8601 time inside the exercise."""
    raw = text.strip()
    minute = resolve_time(raw[:1].upper() + raw[1:], model.info.startex)
    if not 0 <= minute < model.info.duration:
        raise TimeError(f"'{text}' is outside the exercise ({model.dtime(0)} to {model.dtime(model.info.duration)})")
    return minute


# --- text -------------------------------------------------------------------------------


def render_text(picture: CommsPicture, model: Exercise, at: int | None = None, width: int = 100) -> str:
    """Timelines of every PACE plan and, with ``at``, who reaches whom at that minute."""
    if width < MIN_WIDTH:
        raise ValueError(f"width must be at least {MIN_WIDTH} columns")
    lines = _fit(f"COMMS PICTURE {model.info.id} — {model.info.name}", width)
    lines += _fit(f"{model.dtime(0)} to {model.dtime(picture.duration)} "
                  f"({_length(picture.duration)}); times are D-times, D+0 = the STARTEX day (UTC)", width)
    cols = _columns(picture.duration, width)
    if cols:
        per = picture.duration / cols
        about = "" if per == int(per) else "about "
        lines += _fit(f"Bar legend: P primary, A alternate, C contingency, E emergency, ! no path; "
                      f"one column = {about}{_length(round(per))}, showing the worst level in it; "
                      f"'|' marks 00:00 UTC of each day", width)
    if not picture.pairs:
        lines += ["", *_fit("No PACE plans.", width)]
    for tl in picture.pairs:
        lines += ["", *_fit(f"PACE {tl.pace_id}: {tl.units[0]} <-> {tl.units[1]}", width)]
        if cols:
            lines += [_MARGIN + _ticks(picture.duration, cols, model), _MARGIN + _bar(tl, picture.duration, cols)]
        net_width = max(len(s.net or "") for s in tl.segments) if tl.segments else 0
        for seg in tl.segments:
            lines += _fit(_segment_line(seg, model, net_width), width, indent=" " * 6)
    if at is not None:
        lines += ["", *_links_table(picture.links_at(at), at, model, width)]
    return "\n".join(lines) + "\n"


def _fit(text: str, width: int, indent: str = "    ") -> list[str]:
    """``text`` wrapped to ``width``, continuation lines indented.

    Every line holding user text (names, ids) passes here, so control characters are escaped
    here: the view never sends a terminal escape sequence or a stray line break.
    """
    text = printable(text)
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, subsequent_indent=indent, break_on_hyphens=False) or [""]


def _length(minutes: int) -> str:
    """``3d 12h``, ``45 min``: a human length."""
    if minutes < 60:
        return f"{minutes} min"
    d, rest = divmod(minutes, 1440)
    h, m = divmod(rest, 60)
    return " ".join(p for p in (f"{d}d" if d else "", f"{h}h" if h else "", f"{m}min" if m else "") if p)


def _columns(duration: int, width: int) -> int:
    """Bar columns: as many as fit, never more than one per minute."""
    return max(0, min(width - len(_MARGIN), duration))


def _col(minute: int, cols: int, duration: int) -> int:
    """The bar column holding ``minute`` (column c covers [c*D//cols, (c+1)*D//cols))."""
    return ((minute + 1) * cols - 1) // duration


def _bar(tl: PairTimeline, duration: int, cols: int) -> str:
    """One letter per column: the worst level working at any minute the column covers."""
    worst = [-1] * cols
    for seg in tl.segments:
        rank = _WORST[seg.level]
        for c in range(_col(seg.start, cols, duration), _col(seg.end - 1, cols, duration) + 1):
            worst[c] = max(worst[c], rank)
    order = [*(LETTERS[lvl] for lvl in PACE_LEVELS), NO_PATH]
    return "".join(order[r] if r >= 0 else " " for r in worst)


def _ticks(duration: int, cols: int, model: Exercise) -> str:
    """Day ticks: '|' at the first column of each new day, labelled ``D+n`` where it fits."""
    row = [" "] * cols
    start = model.info.startex
    midnight = dt.datetime.combine(start.date(), dt.time(), tzinfo=dt.timezone.utc)
    _put(row, 0, model.dtime(0).split(" ")[0])
    day = 1
    while True:
        minute = int((midnight + dt.timedelta(days=day) - start).total_seconds() // 60)
        if minute >= duration:
            break
        c = _col(minute, cols, duration)
        if row[c] == " ":
            row[c] = "|"
            _put(row, c + 1, f"D+{day}")
        day += 1
    return "".join(row).rstrip()


def _put(row: list[str], at: int, label: str) -> None:
    """Write ``label`` into the row only where it fits without touching other marks."""
    end = at + len(label)
    # The label's columns and the one after it (none at the row's end) must be blank.
    if end <= len(row) and all(ch == " " for ch in row[at:end + 1]):
        row[at:end] = list(label)


def _segment_line(seg: Segment, model: Exercise, net_width: int) -> str:
    """``D+1 06:00–D+1 12:00  alternate    BDE-CMD-VHF  (primary BDE-CMD-HF down: JAM-1)``."""
    when = f"{model.dtime(seg.start)}–{model.dtime(seg.end)}"
    what = f"{seg.level or 'NO PATH':<11}  {seg.net or '':<{net_width}}"
    one_way = dict(seg.one_way)  # level -> the unit that can still send on it (the other only listens)
    why = "; ".join(f"{lvl} {net} unusable" if ids == (INCOMPATIBLE,)
                    else f"{lvl} {net} one way from {one_way[lvl]}: {', '.join(ids)}" if lvl in one_way
                    else f"{lvl} {net} down: {', '.join(ids)}"
                    for lvl, net, ids in seg.down)
    return (f"{_MARGIN}{when}  {what}" + (f"  ({why})" if why else "")).rstrip()


def _links_table(links: t.Sequence[Link], minute: int, model: Exercise, width: int) -> list[str]:
    """Who can reach whom at ``minute``, one row per pair."""
    lines = _fit(f"Links at {model.dtime(minute)} (minute {minute}): "
                 f"PACE plans with their working level, other pairs on their first working shared net", width)
    if not links:
        return lines + _fit(f"{_MARGIN}No units share a net.", width)
    rows = [(f"{k.units[0]} <-> {k.units[1]}", f"PACE {k.pace_id}" if k.pace_id else "shared net",
             k.level or ("NO PATH" if k.pace_id or not k.net else "-"), k.net or "-") for k in links]
    head = ("Units", "Plan", "Level", "Net")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    for row in [head, *rows]:
        text = _MARGIN + "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        lines += _fit(text.rstrip(), width, indent=" " * 6)
    return lines


# --- JSON -------------------------------------------------------------------------------


def to_json(picture: CommsPicture, model: Exercise, at: int | None = None) -> dict[str, t.Any]:
    """The picture as JSON-ready data; every time both as minutes and D-time."""
    doc: dict[str, t.Any] = {
        "exercise": model.info.id,
        "startex": model.info.startex.isoformat().replace("+00:00", "Z"),
        "duration": _time(picture.duration, model),
        "pace": [_timeline_json(tl, model) for tl in picture.pairs],
        "incompatible": [{"net": n, "unit": u, "reason": r} for n, u, r in picture.incompatible],
        "usable": [{"net": n, "unit": u, "intervals": _intervals(spans, model)}
                   for (n, u), spans in picture.usable.items()],
        "connected": [{"units": list(pair), "intervals": _intervals(spans, model)}
                      for pair, spans in picture.connected.items()],
    }
    if at is not None:
        doc["at"] = {**_time(at, model), "links": [
            {"units": list(k.units), "pace": k.pace_id, "level": k.level, "net": k.net}
            for k in picture.links_at(at)]}
    return doc


def _time(minute: int, model: Exercise) -> dict[str, t.Any]:
    return {"minutes": minute, "dtime": model.dtime(minute)}


def _intervals(spans: t.Iterable[Interval], model: Exercise) -> list[dict[str, t.Any]]:
    return [{"start": _time(s.start, model), "end": _time(s.end, model)} for s in spans]


def _timeline_json(tl: PairTimeline, model: Exercise) -> dict[str, t.Any]:
    return {
        "id": tl.pace_id,
        "units": list(tl.units),
        "segments": [
            {"start": _time(s.start, model), "end": _time(s.end, model), "level": s.level, "net": s.net,
             "down": [{"level": lvl, "net": net, "causes": list(ids)} for lvl, net, ids in s.down],
             **({"one_way": [{"level": lvl, "from": u} for lvl, u in s.one_way]} if s.one_way else {})}
            for s in tl.segments
        ],
    }
