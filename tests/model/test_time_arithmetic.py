"""D-times and areas worked out with plain arithmetic give what datetime and the haversine give."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from exgen.model import Area, Point, distance_km, format_dtime, resolve_time

#: Any STARTEX the model can hold: UTC, with seconds and microseconds too.
STARTEX = st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2999, 12, 30),
                       timezones=st.just(dt.timezone.utc))
DAYS = st.integers(min_value=-999, max_value=999)


def _by_datetime(text: str, startex: dt.datetime) -> int:
    """Minutes from STARTEX of ``D±N HH:MM``, the datetime way."""
    sign, days, clock = text[1], int(text[2:].split()[0]), text.split()[1]
    day0 = dt.datetime.combine(startex.date(), dt.time(), tzinfo=dt.timezone.utc)
    moment = day0 + dt.timedelta(days=days * (1 if sign == "+" else -1), hours=int(clock[:2]), minutes=int(clock[3:]))
    return int((moment - startex).total_seconds() // 60)


@settings(max_examples=400)
@given(STARTEX, DAYS, st.integers(0, 23), st.integers(0, 59))
def test_d_times_read_as_datetime_reads_them(startex: dt.datetime, days: int, hour: int, minute: int) -> None:
    text = f"D{'+' if days >= 0 else '-'}{abs(days)} {hour:02d}:{minute:02d}"
    assert resolve_time(text, startex) == _by_datetime(text, startex)


@settings(max_examples=400)
@given(STARTEX, st.integers(min_value=-999 * 1440, max_value=999 * 1440))
def test_d_times_are_written_as_datetime_writes_them(startex: dt.datetime, minutes: int) -> None:
    moment = startex + dt.timedelta(minutes=minutes)
    day = (moment.date() - startex.date()).days
    assert format_dtime(minutes, startex) == f"D{'+' if day >= 0 else '-'}{abs(day)} {moment:%H:%M}"


def test_a_startex_in_another_zone_is_read_the_datetime_way() -> None:
    startex = dt.datetime(2027, 5, 10, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert resolve_time("D+1 07:30", startex) == _by_datetime("D+1 07:30", startex)


LAT, LON = st.floats(-90, 90), st.floats(-180, 180)


@settings(max_examples=500)
@given(LAT, LON, st.floats(0, 5000), st.floats(-1.5, 1.5), LON)
def test_an_area_covers_what_the_great_circle_distance_says(lat: float, lon: float, radius: float, north: float,
                                                            plon: float) -> None:
    """Points near the edge of the latitude strip too: the quick north-south test never decides wrongly."""
    plat = max(-90.0, min(90.0, lat + north * radius / 111.195))
    area = Area(lat, lon, radius)
    assert area.covers(Point(plat, plon)) == (distance_km(lat, lon, plat, plon) <= radius)
