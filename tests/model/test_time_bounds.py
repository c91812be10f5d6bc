"""Times at the edges (issue 16, item 4): dates near year 1 or 9999, offsets that overflow, durations
with thousands of digits, an ENDEX typo; located errors, never an OverflowError or ValueError."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from exgen.model import TimeError, format_dtg, format_dtime, parse_datetime, parse_duration, resolve_time
from exgen.model.time import FIRST_YEAR, LAST_YEAR, MAX_DURATION_DAYS
from tests.check.minimal import errors, message, position, write

STARTEX = '"2027-05-10T06:00:00Z"'
ENDEX = '"2027-05-12T18:00:00Z"'


@pytest.mark.parametrize("text", [
    "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:00Z", "9999-12-31T23:59:00-01:00",
    "1899-12-31T23:59:00Z", "3000-01-01T00:00:00Z", "1900-01-01T00:30:00+01:00",
])
def test_dates_outside_the_accepted_years_are_time_errors(text: str) -> None:
    with pytest.raises(TimeError) as caught:
        parse_datetime(text)
    assert str(caught.value) == f"'{text}' is outside the dates exgen accepts (years 1900 to 2999, UTC)"


def test_the_first_and_last_accepted_moments_and_d_times_999_days_beyond_them() -> None:
    first, last = parse_datetime("1900-01-01T00:00:00Z"), parse_datetime("2999-12-31T23:59:00Z")
    assert (first.year, last.year) == (FIRST_YEAR, LAST_YEAR)
    # D-times reach 999 days either side; no arithmetic from an accepted date leaves datetime's range.
    assert resolve_time("D-999 00:00", first) == -999 * 1440
    assert resolve_time("D+999 23:59", last) == 999 * 1440
    # The latest deadline: D+999 23:59 plus the longest response time.
    latest = 999 * 1440 + MAX_DURATION_DAYS * 1440
    moment = last + dt.timedelta(minutes=latest)
    assert format_dtg(latest, last) == f"{moment:%d%H%M}Z{moment:%b}".upper() + f"{moment:%y}"
    assert format_dtime(-999 * 1440, first) == "D-999 00:00"


@pytest.mark.parametrize(("text", "minutes"), [
    ("0" * 5000 + "1m", 1), (f"{MAX_DURATION_DAYS}d", MAX_DURATION_DAYS * 1440), ("23h59m", 1439),
])
def test_durations_up_to_999_days_read_whatever_their_digits(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["9" * 5000 + "m", "1" + "0" * 20 + "d", "1000d", "999d1m", "99999999h"])
def test_longer_durations_are_time_errors_with_a_short_message(text: str) -> None:
    with pytest.raises(TimeError, match="is longer than 999 days, the longest duration exgen reads") as caught:
        parse_duration(text)
    assert len(str(caught.value)) < 120


def test_startex_in_year_1_is_located_at_startex(tmp_path: Path) -> None:
    path = write(tmp_path, [(STARTEX, '"0001-01-01T00:00:00Z"')])
    assert errors(path) == [("invalid-time", "/exercise/startex", *position(path, '"0001'))]


def test_endex_at_the_end_of_year_9999_is_located_at_endex(tmp_path: Path) -> None:
    path = write(tmp_path, [(ENDEX, '"9999-12-31T23:59Z"')])
    assert errors(path) == [("invalid-time", "/exercise/endex", *position(path, '"9999'))]
    assert "'9999-12-31T23:59Z' is outside the dates exgen accepts" in message(path, "invalid-time")


def test_an_inject_time_whose_offset_overflows_is_located_at_the_time(tmp_path: Path) -> None:
    path = write(tmp_path, [('"D+0 08:00"', '"0001-01-01T00:00:00+01:00"')])
    assert errors(path) == [("invalid-time", "/injects/0/time", *position(path, '"0001'))]


def test_a_duration_of_thousands_of_digits_is_located_at_within(tmp_path: Path) -> None:
    path = write(tmp_path, [("within: 30m", f"within: {'9' * 5000}m")])
    assert errors(path) == [("invalid-time", "/injects/1/requires/0/report/within", *position(path, "9999"))]
    assert len(message(path, "invalid-time")) < 120


def test_d_times_beyond_the_last_year_are_outside_the_exercise_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, [(STARTEX, '"2999-12-30T00:00:00Z"'), (ENDEX, '"2999-12-31T23:59:00Z"'),
                            ('"D+0 08:00"', '"D+999 23:59"'), ('"D+1 09:00"', '"D-999 00:00"')])
    assert errors(path) == [
        ("time-outside-exercise", "/injects/0/time", *position(path, '"D+999')),
        ("time-outside-exercise", "/injects/1/time", *position(path, '"D-999')),
    ]


def test_an_endex_typo_is_a_long_exercise_error_and_build_stops(tmp_path: Path) -> None:
    path = write(tmp_path, [(ENDEX, '"2072-05-12T18:00:00Z"')])
    assert errors(path) == [("long-exercise", "/exercise/endex", *position(path, '"2072'))]
    assert message(path, "long-exercise") == (
        "the exercise lasts 16439.5 days, more than 60 (set exercise.max_days if a longer exercise is planned); "
        "is the ENDEX date right?")
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "pkg")])
    assert result.exit_code == 1 and "error[long-exercise]" in result.output
    assert not (tmp_path / "pkg").exists()


def test_max_days_plans_a_longer_exercise(tmp_path: Path) -> None:
    planned = f"{ENDEX}\n  max_days: 120"
    ok = write(tmp_path, [(ENDEX, '"2027-09-01T18:00:00Z"\n  max_days: 120')], name="ok.yaml")
    assert errors(ok) == []
    late = write(tmp_path, [(ENDEX, planned.replace("2027-05-12", "2027-09-12"))])
    assert errors(late) == [("long-exercise", "/exercise/endex", *position(late, '"2027-09'))]
    assert message(late, "long-exercise") == (
        "the exercise lasts 125.5 days, more than exercise.max_days (120); is the ENDEX date right?")


@pytest.mark.parametrize(("value", "code"), [("0", "schema-minimum"), ("367", "schema-maximum"),
                                             (".inf", "non-finite-number"), ("6.5", "schema-type")])
def test_max_days_is_a_whole_number_of_days_up_to_a_year(tmp_path: Path, value: str, code: str) -> None:
    path = write(tmp_path, [(ENDEX, f"{ENDEX}\n  max_days: {value}")])
    assert errors(path) == [(code, "/exercise/max_days", *position(path, f"max_days: {value}")[:1],
                             position(path, f"max_days: {value}")[1] + len("max_days: "))]


def test_the_model_carries_max_days(tmp_path: Path) -> None:
    from exgen import pipeline

    checked = pipeline.check(str(write(tmp_path, [(ENDEX, f"{ENDEX}\n  max_days: 90")])))
    assert checked.model is not None and checked.model.info.max_days == 90
    assert checked.model.info.startex == dt.datetime(2027, 5, 10, 6, tzinfo=dt.timezone.utc)
