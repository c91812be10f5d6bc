"""Exercise time: D-times, DTGs and durations read and written back (properties and edge cases)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exgen.model import TimeError, format_dtg, format_dtime, parse_datetime, parse_duration, resolve_time

UTC = dt.timezone.utc
STARTEX = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 12, 31),
                       timezones=st.just(UTC)).map(lambda d: d.replace(second=0, microsecond=0))
#: Within 999 days either side of STARTEX: what a D-time can say.
MINUTES = st.integers(min_value=-998 * 1440, max_value=998 * 1440)


@given(STARTEX, MINUTES)
def test_a_written_d_time_reads_back_as_the_same_minute(startex: dt.datetime, minutes: int) -> None:
    assert resolve_time(format_dtime(minutes, startex), startex) == minutes


@given(STARTEX, MINUTES)
def test_a_dtg_names_the_utc_day_hour_minute_month_and_year(startex: dt.datetime, minutes: int) -> None:
    moment = startex + dt.timedelta(minutes=minutes)
    dtg = format_dtg(minutes, startex)
    assert re.fullmatch(r"\d{6}Z[A-Z]{3}\d{2}", dtg)
    assert dtg == f"{moment.day:02}{moment.hour:02}{moment.minute:02}Z" + \
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"][moment.month - 1] + \
        f"{moment.year % 100:02}"


@given(STARTEX, MINUTES)
def test_iso_times_and_d_times_agree(startex: dt.datetime, minutes: int) -> None:
    moment = startex + dt.timedelta(minutes=minutes)
    assert resolve_time(moment.strftime("%Y-%m-%dT%H:%M:00Z"), startex) == minutes


@given(st.integers(0, 400), st.integers(0, 23), st.integers(0, 59))
def test_durations_add_up(days: int, hours: int, minutes: int) -> None:
    text = "".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n) or "0m"
    assert parse_duration(text) == days * 1440 + hours * 60 + minutes


def test_d0_is_the_startex_day_not_startex_itself() -> None:
    startex = parse_datetime("2027-05-10T06:00:00Z")
    assert resolve_time("D+0 06:00", startex) == 0
    assert resolve_time("D+0 00:00", startex) == -360
    assert format_dtime(-360, startex) == "D+0 00:00"
    assert format_dtime(-361, startex) == "D-1 23:59"


def test_offsets_are_converted_to_utc() -> None:
    assert parse_datetime("2027-05-10T08:00:00+02:00") == dt.datetime(2027, 5, 10, 6, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2027-05-10T06:00:00", "yesterday", "2027-13-01T00:00:00Z"])
def test_unreadable_date_times_are_time_errors(text: str) -> None:
    with pytest.raises(TimeError):
        parse_datetime(text)


@pytest.mark.parametrize("text", ["", "90", "1h90", "h", "1m1h", "-5m"])
def test_unreadable_durations_are_time_errors(text: str) -> None:
    with pytest.raises(TimeError):
        parse_duration(text)
