"""Spreadsheet times → moments: every way a MSEL writes when an inject goes out, read into aware UTC datetimes.

A time cell holds a whole moment (a date-time cell, ISO 8601, ``10 May 2027 07:30``, a NATO DTG
``100630ZMAY27``, ``D+1 07:30``) or only part of one (a time of day, a day) that a date column
completes. A moment written without a zone is in the mapping's zone. What cannot be read raises
:class:`Unreadable` with the import code and a message; the caller turns it into a located diagnostic.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
from dataclasses import dataclass

from exgen.core.diagnostics import shorten
from exgen.model.time import FIRST_YEAR, LAST_YEAR

UTC = dt.timezone.utc
#: A longer text is no time (and is not searched for one: that could take quadratic time).
MAX_TEXT = 64
#: What the messages list as readable.
FORMATS = ("2027-05-10T06:30Z, 2027-05-10 07:30, 10 May 2027 07:30, a NATO DTG such as 100630ZMAY27, "
           "D+1 07:30, a date-time cell, or a date column (a date, D+1, or a day number N meaning D+N) "
           "beside a time of day such as 07:30 or 0730")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
#: Month names and abbreviations, in English (DTGs and "10 May 2027" are written so everywhere).
MONTHS = {**{name[:3].lower(): i + 1 for i, name in enumerate(_MONTH_NAMES)},
          **{name.lower(): i + 1 for i, name in enumerate(_MONTH_NAMES)}, "sept": 9}
#: Excel's time-only cells come back on its day zero (30 or 31 December 1899): they are a time of day.
_EXCEL_DAY_ZERO = (dt.date(1899, 12, 30), dt.date(1899, 12, 31))

_ZONE = r"(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[JL])"
_CLOCK = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?|(?P<m2>\d{2}))"
                    r"\s*(?P<ampm>[ap]\.?m\.?)?\s*(?:hrs?|hours|h)?\s*" + _ZONE + r"?", re.IGNORECASE)
_DTIME = re.compile(r"D\s*(?P<sign>[+-])\s*(?P<days>\d{1,3})(?:\s*,?\s+(?P<clock>.+))?", re.IGNORECASE)
_DTG = re.compile(r"(?P<d>\d{2})\s?(?P<h>\d{2})(?P<m>\d{2})\s?(?P<zone>[A-Z])\s?(?P<mon>[A-Z]{3})\s?(?P<y>\d{4}|\d{2})",
                  re.IGNORECASE)
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_NUMERIC = re.compile(r"(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})")
_DAY_MONTH = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?P<mon>[A-Z]+)\.?,?[\s-]+(?P<y>\d{4}|\d{2})",
                        re.IGNORECASE)
_MONTH_DAY = re.compile(r"(?P<mon>[A-Z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})", re.IGNORECASE)
_SPLIT = re.compile(r"\s*,\s*|\s+|T")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


class Unreadable(ValueError):
    """A cell that holds no readable time; ``code`` is the import diagnostic's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Clock:
    """How to read times: the zone of times without one, STARTEX (for D+N), the numeric date order."""

    zone: dt.tzinfo = UTC
    startex: dt.datetime | None = None
    date_order: str | None = None  #: dmy, mdy or ymd


@dataclass(frozen=True)
class Part:
    """What one cell says about a moment: all of it, or a day and/or a time of day."""

    moment: dt.datetime | None = None  #: complete, in UTC
    day: dt.date | None = None
    offset: int | None = None  #: D+N: days from the STARTEX day
    clock: dt.time | None = None  #: time of day; its tzinfo when the cell states a zone


def parse_zone(text: str) -> dt.tzinfo | None:
    """The zone a mapping names: UTC, Z, a fixed offset or an IANA name; None when there is no such zone.

    >>> parse_zone("+02:00"), parse_zone("UTC") is UTC, parse_zone("Mars/Olympus")
    (datetime.timezone(datetime.timedelta(seconds=7200)), True, None)
    """
    if text in ("UTC", "Z", "GMT"):
        return UTC
    offset = _OFFSET.fullmatch(text)
    if offset:
        sign, hours, minutes = offset.groups()
        if int(hours) > 14 or int(minutes) > 59:
            return None
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
        return dt.timezone(-delta if sign == "-" else delta)
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def read_time(value: t.Any, clock: Clock) -> Part:
    """What a time column's cell says."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.date() in _EXCEL_DAY_ZERO:
            return Part(clock=value.time())
        return Part(moment=_checked(value, clock.zone, value))
    if isinstance(value, dt.date):
        return Part(day=_in_range(value, value))
    if isinstance(value, dt.time):
        return Part(clock=value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Part(clock=_number_clock(value))
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        raise _bad(text)
    part = _text_moment(text, clock)
    if part is not None:
        return part
    found = _clock_text(text)
    if found is not None:
        return Part(clock=found)
    raise _bad(text)


def read_date(value: t.Any, clock: Clock) -> Part:
    """What a date column's cell says: a day, or D+N (a plain whole number N is D+N)."""
    if isinstance(value, dt.datetime):
        return Part(day=_in_range(value.date(), value))
    if isinstance(value, dt.date):
        return Part(day=_in_range(value, value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != int(value) or abs(value) > 999:
            raise _bad(value, "a day number is a whole number from -999 to 999 (N means D+N)")
        return Part(offset=int(value))
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        raise _bad(text)
    if re.fullmatch(r"[+-]?\d{1,3}", text):
        return Part(offset=int(text))
    dtime = _DTIME.fullmatch(text)
    if dtime and dtime["clock"] is None:
        return Part(offset=int(dtime["days"]) * (-1 if dtime["sign"] == "-" else 1))
    day = _date_text(text, clock)
    if day is None:
        raise _bad(text)
    return Part(day=_in_range(day, text))


def combine(time: Part, date: Part | None, clock: Clock, *, shown: t.Any = "") -> dt.datetime:
    """The moment a time cell (completed by a date cell) gives, in UTC; ``shown`` names it in messages."""
    if time.moment is not None:
        return time.moment
    if time.clock is None:
        raise _bad(shown, "it has a day but no time of day")
    day = time if time.day is not None or time.offset is not None else date
    if day is None or (day.day is None and day.offset is None):
        raise _bad(shown, "a time of day needs a date: map a date column, or write the date in the cell")
    return _at(day, time.clock, clock, shown)


def _at(day: Part, clock_time: dt.time, clock: Clock, shown: t.Any) -> dt.datetime:
    """The moment at ``clock_time`` on a day (or D+N) in the cell's zone or the clock's."""
    zone = clock_time.tzinfo or clock.zone
    if day.day is not None:
        date = day.day
    elif day.offset is not None:
        if clock.startex is None:
            raise Unreadable("import-needs-startex", (
                f"a day written as D+N (here D{day.offset:+d}) counts from the STARTEX day, and STARTEX is not "
                "known: import into a definition with --into, or give startex: in the mapping file"))
        date = clock.startex.astimezone(zone).date() + dt.timedelta(days=day.offset)
    else:
        raise _bad(shown, "a time of day needs a date")
    naive = dt.datetime.combine(date, clock_time.replace(tzinfo=None))
    return _checked(naive, zone, shown)


def _checked(moment: dt.datetime, zone: dt.tzinfo, shown: t.Any) -> dt.datetime:
    """``moment`` (in ``zone`` when naive) in UTC, within the years exgen accepts."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise _bad(shown, f"it is outside the dates exgen accepts (years {FIRST_YEAR} to {LAST_YEAR})")
    return utc


def _in_range(day: dt.date, shown: t.Any) -> dt.date:
    """``day`` when its year is one exgen accepts."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _bad(shown, f"it is outside the dates exgen accepts (years {FIRST_YEAR} to {LAST_YEAR})")
    return day


def _bad(shown: t.Any, why: str = "") -> Unreadable:
    """The import-bad-time problem for a cell."""
    text = shown.isoformat() if isinstance(shown, (dt.date, dt.time)) else shown
    reason = f": {why}" if why else f"; write it as {FORMATS}"
    return Unreadable("import-bad-time", f"{shorten(text)} is not a time exgen can read{reason}")


def _number_clock(value: float) -> dt.time:
    """A number in a time column: a fraction of a day (0.3125 = 07:30) or HHMM (730 = 07:30)."""
    if 0 <= value < 1:
        minutes = round(value * 1440)
        if minutes < 1440:
            return dt.time(minutes // 60, minutes % 60)
    elif value == int(value) and 0 <= value <= 2359 and int(value) % 100 < 60:
        return dt.time(int(value) // 100, int(value) % 100)
    raise _bad(value, "a number in a time column is a fraction of a day (0.3125 is 07:30) or HHMM (730 is 07:30)")


def _clock_text(text: str) -> dt.time | None:
    """A time of day: 07:30, 7:30, 0730, 07:30:00, 7:30 pm, 0730Z, 07:30 +02:00; None when it is not one."""
    match = _CLOCK.fullmatch(text)
    if not match:
        return None
    hours, minutes = int(match["h"]), int(match["m"] or match["m2"])
    seconds = int(match["s"] or 0)
    if match["ampm"]:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if match["ampm"][0].lower() == "p" else 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return dt.time(hours, minutes, seconds, tzinfo=_cell_zone(match["zone"]))


def _cell_zone(name: str | None) -> dt.tzinfo | None:
    """The zone a time states (None: the mapping's; J and L are local time, the mapping's too)."""
    if name is None or name.upper() in ("J", "L"):
        return None
    return parse_zone(name.upper())


def _text_moment(text: str, clock: Clock) -> Part | None:
    """A whole moment written as text, or a D+N day; None when the text is not one."""
    dtime = _DTIME.fullmatch(text)
    if dtime:
        offset = int(dtime["days"]) * (-1 if dtime["sign"] == "-" else 1)
        if dtime["clock"] is None:
            return Part(offset=offset)
        found = _clock_text(dtime["clock"])
        if found is None:
            raise _bad(text)
        return Part(moment=_at(Part(offset=offset), found, clock, text))
    dtg = _DTG.fullmatch(text)
    if dtg:
        return Part(moment=_dtg(dtg, clock, text))
    day = _date_text(text, clock)
    if day is not None:
        return Part(day=_in_range(day, text))
    for gap in reversed(list(_SPLIT.finditer(text))):
        found = _clock_text(text[gap.end():])
        day = _date_text(text[: gap.start()], clock, shown=text) if found is not None else None
        if found is not None and day is not None:
            return Part(moment=_at(Part(day=_in_range(day, text)), found, clock, text))
    return None


def _dtg(match: re.Match[str], clock: Clock, text: str) -> dt.datetime:
    """A NATO date-time group: DDHHMM, zone letter, month, year (two digits are 20YY)."""
    month = MONTHS.get(match["mon"].lower())
    letter = match["zone"].upper()
    year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    if month is None:
        raise _bad(text, f"'{match['mon']}' is not a month (JAN to DEC)")
    try:
        naive = dt.datetime(year, month, int(match["d"]), int(match["h"]), int(match["m"]))
    except ValueError:
        raise _bad(text, "there is no such day or time") from None
    return _checked(naive, _dtg_zone(letter, clock), text)


def _dtg_zone(letter: str, clock: Clock) -> dt.tzinfo:
    """The zone of a DTG's letter: A–I and K–M are UTC+1 to +12, N–Y UTC−1 to −12, Z UTC, J local.

    >>> [_dtg_zone(letter, Clock()).utcoffset(None) // dt.timedelta(hours=1) for letter in "AIKMNYZ"]
    [1, 9, 10, 12, -1, -12, 0]
    """
    if letter == "J":
        return clock.zone
    if letter == "Z":
        return UTC
    if "A" <= letter <= "M":
        hours = ord(letter) - ord("A") + (0 if letter < "J" else -1) + 1
    else:
        hours = -(ord(letter) - ord("N") + 1)
    return dt.timezone(dt.timedelta(hours=hours))


def _date_text(text: str, clock: Clock, *, shown: str = "") -> dt.date | None:
    """A date written as text (ISO, 10 May 2027, May 10, 2027, 10/05/2027); None when it is not one.

    ``shown`` is the whole cell, for messages (``text`` may be its date part).
    """
    shown = shown or text
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        return _date(shown, int(iso["y"]), int(iso["m"]), int(iso["d"]))
    named = _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    if named:
        month = MONTHS.get(named["mon"].lower())
        if month is None:
            return None
        year = int(named["y"]) + (2000 if len(named["y"]) == 2 else 0)
        return _date(shown, year, month, int(named["d"]))
    numeric = _NUMERIC.fullmatch(text)
    return _numeric_date(numeric, shown, clock.date_order) if numeric else None


def _numeric_date(match: re.Match[str], text: str, order: str | None) -> dt.date:
    """05/10/2027, 25.05.2027, 2027/05/10: day and month read by ``order`` when both could be either."""
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:
        return _date(text, int(a), int(b), int(c))
    if len(a) == 3:
        raise _bad(text)
    year = int(c) + (2000 if len(c) == 2 else 0)
    first, second = int(a), int(b)
    if first > 12 >= second:
        return _date(text, year, second, first)
    if second > 12 >= first:
        return _date(text, year, first, second)
    if first == second or order in ("dmy", "mdy"):
        day, month = (first, second) if order != "mdy" else (second, first)
        return _date(text, year, month, day)
    raise Unreadable("import-ambiguous-date", (
        f"{shorten(text)} could be day {first} of month {second} or day {second} of month {first}: "
        "say which with date_order: dmy or date_order: mdy in the mapping file, or write dates as "
        "year-month-day (2027-05-10) or with the month's name (10 May 2027)"))


def _date(text: str, year: int, month: int, day: int) -> dt.date:
    """The date, or import-bad-time when there is no such day."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _bad(text, "there is no such day") from None
