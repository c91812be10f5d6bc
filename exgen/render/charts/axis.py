"""The time axis the inject timeline and the comms chart share: minutes from STARTEX to x in the
plot area right of the label column, with the hour ticks, day boundaries and day labels to draw."""

from __future__ import annotations

import datetime as dt
import math

from exgen.render.charts.layout import WIDTH, Data, coord

#: Left column of the time charts (lane and bar labels) and the plot area right of it.
LABEL_W = 212
PLOT_X0 = LABEL_W + 8
PLOT_X1 = WIDTH - 24
#: Narrowest span drawn on the plot, so a very short window or outage stays visible.
MIN_SEGMENT_W = 2.0
#: Tick steps in hours, the first at least MIN_TICK_PX apart on the plot is used (beyond the last,
#: whole days that keep the ticks that far apart).
TICK_HOURS = (6, 12, 24, 48, 96, 168, 336, 672, 1344, 24 * 91, 24 * 182, 24 * 365, 24 * 730, 24 * 1826,
              24 * 3652)
MIN_TICK_PX = 40
#: Day labels every 1, 2, 7 ... days, the first at least 34 units apart.
LABEL_DAYS = (1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1826, 3652)
#: Longest exercise (days) drawn with a band per day; a longer one gets a band per label period.
MAX_DAY_BANDS = 400


class Axis:
    """Minutes from STARTEX → x in the plot area, plus the ticks and day spans to draw.

    >>> axis = Axis(1440, 360, None)
    >>> axis.x(0) == PLOT_X0, axis.x(1440) == PLOT_X1, axis.x(-5) == PLOT_X0
    (True, True, True)
    """

    def __init__(self, duration: int, offset: int, date0: dt.date | None) -> None:
        self.duration = max(int(duration), 1)
        self.offset = offset
        self.scale = (PLOT_X1 - PLOT_X0) / self.duration
        self.date0 = date0

    def x(self, minutes: float) -> float:
        return PLOT_X0 + min(max(float(minutes), 0.0), self.duration) * self.scale

    def data(self) -> Data:
        """Ticks every 6 h (coarser when crowded), day boundaries, and a label span per day.

        Nothing here grows with the calendar: ticks are at least MIN_TICK_PX apart (at most
        about 20), and an exercise of more than MAX_DAY_BANDS days gets one band per period of
        ``every`` days (a week, a month, a year...) instead of one per day.
        """
        px_per_hour = self.scale * 60
        step = next((h for h in TICK_HOURS if h * px_per_hour >= MIN_TICK_PX),
                    24 * math.ceil(MIN_TICK_PX / px_per_hour / 24))
        ticks = []
        first = -(-self.offset // (step * 60)) * step * 60 - self.offset  # first tick at or after 0
        for m in range(first, self.duration + 1, step * 60):
            clock = (m + self.offset) % 1440
            ticks.append({"x": coord(self.x(m)), "day": (m + self.offset) // 1440, "hour": clock // 60,
                          "minute": clock % 60, "major": clock == 0})
        last_day = (self.duration - 1 + self.offset) // 1440
        day_px = 1440 * self.scale
        every = next((k for k in LABEL_DAYS if k * day_px >= 34), math.ceil(34 / day_px))
        period = 1 if last_day < MAX_DAY_BANDS else every
        days = []
        for n, d in enumerate(range(0, last_day + 1, period)):
            x0, x1 = self.x(d * 1440 - self.offset), self.x((d + period) * 1440 - self.offset)
            date = _date(self.date0, d)
            # One-day labels sit centred in their day; sparser ones start at their day's left edge.
            days.append({"day": d, "date": date, "x0": coord(x0), "x1": coord(x1),
                         "shade": (d if period == 1 else n) % 2 == 1,
                         "lx": coord((x0 + x1) / 2 if every == 1 else x0 + 3),
                         "anchor": "middle" if every == 1 else "start",
                         "label": d % every == 0 and (every > 1 or x1 - x0 >= 24) and x0 + 3 < PLOT_X1 - 20,
                         "wide": every == 1 and x1 - x0 >= 90})
        boundaries = [coord(self.x(d * 1440 - self.offset)) for d in range(period, last_day + 1, period)]
        return {"x0": PLOT_X0, "x1": PLOT_X1, "step_hours": step, "ticks": ticks, "days": days,
                "boundaries": boundaries}


def _date(date0: dt.date | None, day: int) -> str:
    """ISO date of exercise day ``day``; empty when unknown or past the calendar's year 9999."""
    try:
        return (date0 + dt.timedelta(days=day)).isoformat() if date0 else ""
    except OverflowError:
        return ""


def time_axis(exercise: Data) -> Axis:
    """The axis for this exercise: STARTEX at the left edge, ENDEX at the right.

    >>> axis = time_axis({"startex": "2027-05-10T06:00:00Z", "duration": 2880})
    >>> axis.offset, axis.date0.isoformat(), axis.duration
    (360, '2027-05-10', 2880)
    """
    start = str(exercise.get("startex", ""))
    try:
        when = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        offset, date0 = when.hour * 60 + when.minute, when.date()
    except ValueError:
        offset, date0 = 0, None
    return Axis(int(exercise.get("duration") or 0), offset, date0)
