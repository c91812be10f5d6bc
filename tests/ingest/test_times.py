"""Spreadsheet times: every format a MSEL writes, read into UTC moments; what cannot be read says why."""

from __future__ import annotations

import datetime as dt

import pytest

from exgen.ingest.times import UTC, Clock, Unreadable, combine, parse_zone, read_date, read_time

STARTEX = dt.datetime(2027, 5, 10, 6, 0, tzinfo=UTC)
BELGRADE = parse_zone("Europe/Belgrade")  # UTC+2 in May
assert BELGRADE is not None
CLOCK = Clock(startex=STARTEX)
LOCAL = Clock(zone=BELGRADE, startex=STARTEX)


def utc(day: int, hour: int, minute: int = 0, month: int = 5) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=UTC)


def moment(value: object, clock: Clock = CLOCK, date: object = None) -> dt.datetime:
    part = read_time(value, clock)
    return combine(part, None if date is None else read_date(date, clock), clock, shown=value)


def problem(value: object, clock: Clock = CLOCK, date: object = None) -> Unreadable:
    with pytest.raises(Unreadable) as caught:
        moment(value, clock, date)
    return caught.value


@pytest.mark.parametrize(("text", "expected"), [
    ("100630ZMAY27", utc(10, 6, 30)),
    ("100630Z MAY 27", utc(10, 6, 30)),
    ("10 0630Z May 27", utc(10, 6, 30)),
    ("100630zmay2027", utc(10, 6, 30)),
    ("100830BMAY27", utc(10, 6, 30)),  # B = UTC+2
    ("100130RMAY27", utc(10, 6, 30)),  # R = UTC-5
    ("101830MMAY27", utc(10, 6, 30)),  # M = UTC+12
    ("100900KMAY27", utc(9, 23, 0)),   # K = UTC+10
])
def test_nato_dtg(text: str, expected: dt.datetime) -> None:
    assert moment(text) == expected


def test_dtg_letter_j_is_the_mappings_local_time() -> None:
    assert moment("100830JMAY27", LOCAL) == utc(10, 6, 30)
    assert moment("100830JMAY27", CLOCK) == utc(10, 8, 30)


@pytest.mark.parametrize(("text", "expected"), [
    ("D+1 07:30", utc(11, 7, 30)),
    ("D+1 0730", utc(11, 7, 30)),
    ("D-1 18:00", utc(9, 18, 0)),
    ("D+0 06:00", utc(10, 6, 0)),
    ("d+2 7:05", utc(12, 7, 5)),
])
def test_d_times_count_from_the_startex_day(text: str, expected: dt.datetime) -> None:
    assert moment(text) == expected


def test_d_times_without_a_zone_are_in_the_mappings_zone() -> None:
    assert moment("D+1 07:30", LOCAL) == utc(11, 5, 30)


def test_d_time_without_startex_needs_it() -> None:
    found = problem("D+1 07:30", Clock())
    assert found.code == "import-needs-startex"
    assert "D+1" in found.message and "--into" in found.message and "startex:" in found.message


@pytest.mark.parametrize(("text", "expected"), [
    ("2027-05-10T06:30Z", utc(10, 6, 30)),
    ("2027-05-10T06:30:00Z", utc(10, 6, 30)),
    ("2027-05-10T08:30+02:00", utc(10, 6, 30)),
    ("2027-05-10 06:30", utc(10, 6, 30)),
    ("2027-05-10 06:30 UTC", utc(10, 6, 30)),
    ("10 May 2027 06:30", utc(10, 6, 30)),
    ("10 May 2027, 06:30", utc(10, 6, 30)),
    ("10-May-2027 0630", utc(10, 6, 30)),
    ("May 10, 2027 6:30 am", utc(10, 6, 30)),
    ("10 OCT 2027 0630Z", utc(10, 6, 30, month=10)),
    ("25/05/2027 06:30", utc(25, 6, 30)),
])
def test_written_date_and_time(text: str, expected: dt.datetime) -> None:
    assert moment(text) == expected


def test_iso_without_zone_is_in_the_mappings_zone_and_with_one_keeps_it() -> None:
    assert moment("2027-05-10 08:30", LOCAL) == utc(10, 6, 30)
    assert moment("2027-05-10T06:30Z", LOCAL) == utc(10, 6, 30)


def test_date_time_cells_naive_in_the_zone_aware_as_they_are() -> None:
    assert moment(dt.datetime(2027, 5, 10, 6, 30)) == utc(10, 6, 30)
    assert moment(dt.datetime(2027, 5, 10, 8, 30), LOCAL) == utc(10, 6, 30)
    aware = dt.datetime(2027, 5, 10, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert moment(aware, LOCAL) == utc(10, 6, 30)


def test_zone_follows_daylight_saving() -> None:
    assert moment("2027-01-10 08:30", LOCAL) == utc(10, 7, 30, month=1)  # CET, UTC+1


@pytest.mark.parametrize(("time", "date", "expected"), [
    ("07:30", "2027-05-10", utc(10, 7, 30)),
    ("0730", "10 May 2027", utc(10, 7, 30)),
    ("7:30", dt.date(2027, 5, 10), utc(10, 7, 30)),
    ("07:30:00", dt.datetime(2027, 5, 10), utc(10, 7, 30)),
    (dt.time(7, 30), "D+1", utc(11, 7, 30)),
    (0.3125, 1, utc(11, 7, 30)),
    (730, 2.0, utc(12, 7, 30)),
    ("0730Z", "D-1", utc(9, 7, 30)),
    ("7:30 pm", "2027-05-10", utc(10, 19, 30)),
    ("0730 hrs", "25.05.2027", utc(25, 7, 30)),
    (dt.datetime(1899, 12, 30, 7, 30), "2027-05-10", utc(10, 7, 30)),  # Excel's time-only cell
])
def test_time_of_day_with_a_date_column(time: object, date: object, expected: dt.datetime) -> None:
    assert moment(time, CLOCK, date) == expected


def test_a_plain_number_in_the_date_column_is_d_plus_n() -> None:
    assert moment("06:00", CLOCK, 0) == utc(10, 6, 0)
    assert moment("06:00", CLOCK, "3") == utc(13, 6, 0)


def test_a_whole_moment_in_the_time_column_needs_no_date() -> None:
    assert moment("D+1 07:30", CLOCK, "2030-01-01") == utc(11, 7, 30)


def test_time_of_day_with_date_is_in_the_zone() -> None:
    assert moment("07:30", LOCAL, "2027-05-10") == utc(10, 5, 30)


def test_day_number_without_startex_needs_it() -> None:
    assert problem("07:30", Clock(), "2").code == "import-needs-startex"


def test_time_of_day_without_a_date_is_refused() -> None:
    found = problem("07:30")
    assert found.code == "import-bad-time" and "needs a date" in found.message


def test_a_day_without_a_time_of_day_is_refused() -> None:
    found = problem("2027-05-10")
    assert found.code == "import-bad-time" and "no time of day" in found.message


@pytest.mark.parametrize("text", ["soon", "25:00", "D+1 25:00", "2027-13-01 07:00", "31 April 2027 07:00",
                                  "100630ZXYZ27", "320630ZMAY27", "7:30 pm pm", "True"])
def test_unreadable_times_list_the_formats(text: str) -> None:
    found = problem(text)
    assert found.code == "import-bad-time"
    assert repr(text)[1:-1] in found.message


def test_message_lists_the_accepted_formats() -> None:
    found = problem("soon")
    for example in ("100630ZMAY27", "D+1 07:30", "2027-05-10T06:30Z", "10 May 2027 07:30", "07:30"):
        assert example in found.message


@pytest.mark.parametrize("value", ["1899-12-31 07:00", "3000-01-01T00:00Z", dt.datetime(1850, 1, 1, 6, 0),
                                   "010630ZJAN1899"])
def test_dates_outside_1900_to_2999_are_refused(value: object) -> None:
    found = problem(value)
    assert found.code == "import-bad-time" and "1900 to 2999" in found.message


def test_a_date_cell_before_1900_is_refused() -> None:
    found = problem("07:30", CLOCK, dt.date(1899, 1, 1))
    assert found.code == "import-bad-time" and "1900" in found.message


def test_numbers_in_a_time_column_are_day_fractions_or_hhmm() -> None:
    for value in (1.5, 2400, 761, -0.2):
        assert problem(value, CLOCK, "D+0").code == "import-bad-time"


@pytest.mark.parametrize("text", ["05/10/2027", "05.10.2027", "5-10-27"])
def test_ambiguous_numeric_dates(text: str) -> None:
    found = problem("07:30", CLOCK, text)
    assert found.code == "import-ambiguous-date"
    assert "date_order" in found.message and text in found.message


@pytest.mark.parametrize(("order", "expected"), [("dmy", utc(5, 7, 30, month=10)), ("mdy", utc(10, 7, 30))])
def test_date_order_settles_it(order: str, expected: dt.datetime) -> None:
    clock = Clock(startex=STARTEX, date_order=order)
    assert moment("07:30", clock, "05/10/2027") == expected
    assert moment("05/10/2027 07:30", clock) == expected


def test_dates_read_only_one_way_need_no_order() -> None:
    assert moment("07:30", CLOCK, "25/05/2027") == utc(25, 7, 30)
    assert moment("07:30", CLOCK, "05/25/2027") == utc(25, 7, 30)
    assert moment("07:30", CLOCK, "05/05/2027") == utc(5, 7, 30)
    assert moment("07:30", CLOCK, "2027/05/10") == utc(10, 7, 30)


@pytest.mark.parametrize(("name", "hours"), [("UTC", 0), ("Z", 0), ("+02:00", 2), ("-05:30", -5.5)])
def test_fixed_zones(name: str, hours: float) -> None:
    zone = parse_zone(name)
    assert zone is not None and zone.utcoffset(None) == dt.timedelta(hours=hours)


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "+25:00", "Europe", ""])
def test_unknown_or_hostile_zones_are_none(name: str) -> None:
    assert parse_zone(name) is None


def test_long_texts_are_refused_quickly() -> None:
    import time

    start = time.perf_counter()
    for text in ("07:30 " * 20_000, "10 May 2027 " * 10_000 + "07:30", "1" * 100_000):
        assert problem(text).code == "import-bad-time"
        assert problem("07:30", CLOCK, text).code == "import-bad-time"
    assert time.perf_counter() - start < 1
