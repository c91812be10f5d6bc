"""The time vocabulary: D-times, ISO 8601 date-times, durations and NATO date-time groups.

Every time in the model is whole minutes from STARTEX; these functions read what the user
wrote into such minutes (``resolve_time``, ``parse_duration``) and write minutes back for
people (``format_dtime``, ``format_dtg``). What cannot be read raises :class:`TimeError`.

Dates are bounded (years :data:`FIRST_YEAR` to :data:`LAST_YEAR`) and so are durations
(:data:`MAX_DURATION_DAYS`), so no time exgen reads, nor any D-time, DTG or response deadline
computed from it, can leave the range Python's datetime holds (years 1 to 9999).
"""

from __future__ import annotations

import datetime as dt
import re

_DTIME = re.compile(r"^D([+-])(\d{1,3}) ([01]\d|2[0-3]):([0-5]\d)$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
#: The years a date may fall in: wide enough for any exercise plan, far enough from datetime's
#: limits (1 and 9999) that D±999 days and the longest duration stay representable.
FIRST_YEAR, LAST_YEAR = 1900, 2999
#: The longest duration exgen reads (as long as a D-time can reach: D+999).
MAX_DURATION_DAYS = 999


class TimeError(ValueError):
    """A time or duration the user wrote that cannot be read."""


def parse_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date-time with an offset, as an aware UTC datetime.

    >>> parse_datetime("2027-05-10T06:00:00Z").isoformat()
    '2027-05-10T06:00:00+00:00'
    """
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimeError(f"{_quoted(text)} is not a valid date and time") from exc
    if value.tzinfo is None:
        raise TimeError(f"{_quoted(text)} has no time zone; end it with Z for UTC")
    try:
        utc = value.astimezone(dt.timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        utc = None
    if utc is None or not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise TimeError(f"{_quoted(text)} is outside the dates exgen accepts (years {FIRST_YEAR} to {LAST_YEAR}, UTC)")
    return utc


def resolve_time(text: str, startex: dt.datetime) -> int:
    """Minutes from STARTEX for ``D+N HH:MM`` (D+0 = the STARTEX day, UTC) or ISO 8601.

    >>> resolve_time("D+1 07:30", parse_datetime("2027-05-10T06:00:00Z"))
    1530
    """
    match = _DTIME.match(text)
    if match:
        sign, days, hours, minutes = match.groups()
        offset = int(days) * (1 if sign == "+" else -1)
        if startex.tzinfo is dt.timezone.utc:  # as the model holds it: whole microseconds, floored to minutes
            since_day0 = ((offset * 24 + int(hours)) * 60 + int(minutes)) * 60_000_000
            return (since_day0 - _since_midnight(startex)) // 60_000_000
        day0 = dt.datetime.combine(startex.date(), dt.time(), tzinfo=dt.timezone.utc)
        moment = day0 + dt.timedelta(days=offset, hours=int(hours), minutes=int(minutes))
    else:
        moment = parse_datetime(text)
    return int((moment - startex).total_seconds() // 60)


def parse_duration(text: str) -> int:
    """Minutes in ``30m``, ``2h``, ``1h30m`` or ``1d``.

    >>> parse_duration("1h30m")
    90
    """
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise TimeError(f"{_quoted(text)} is not a duration like 30m, 2h or 1h30m")
    limit = MAX_DURATION_DAYS * 1440
    # More digits than the limit has minutes is over it: no need to read (or be refused) a huge number.
    if any(g and len(g.lstrip("0")) > len(str(limit)) for g in match.groups()):
        total = limit + 1
    else:
        days, hours, minutes = (int(g.lstrip("0") or "0") if g else 0 for g in match.groups())
        total = days * 1440 + hours * 60 + minutes
    if total > limit:
        raise TimeError(f"{_quoted(text)} is longer than {MAX_DURATION_DAYS} days, the longest duration exgen reads")
    return total


def _quoted(text: str, limit: int = 40) -> str:
    """``'text'`` for a message, cut short when it is long.

    >>> _quoted("9" * 50)
    "'99999999999999999999999999999999999999…'"
    """
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 2]}…'"


def format_dtime(minutes: int, startex: dt.datetime) -> str:
    """``D+1 07:30`` for a minute offset from STARTEX.

    >>> format_dtime(1530, parse_datetime("2027-05-10T06:00:00Z"))
    'D+1 07:30'
    """
    # Whole microseconds from the STARTEX day's midnight: the day and the clock time, no datetime.
    day, rest = divmod(_since_midnight(startex) + minutes * 60_000_000, 86_400_000_000)
    hours, mins = divmod(rest // 60_000_000, 60)
    return f"D{'+' if day >= 0 else '-'}{abs(day)} {hours:02d}:{mins:02d}"


def _since_midnight(moment: dt.datetime) -> int:
    """Microseconds from the start of the (UTC) day of ``moment``."""
    return (moment.hour * 3600 + moment.minute * 60 + moment.second) * 1_000_000 + moment.microsecond


def format_dtg(minutes: int, startex: dt.datetime) -> str:
    """NATO date-time group, e.g. ``101430ZMAY27``.

    >>> format_dtg(510, parse_datetime("2027-05-10T06:00:00Z"))
    '101430ZMAY27'
    """
    moment = startex + dt.timedelta(minutes=minutes)
    return f"{moment:%d%H%M}Z{moment:%b}".upper() + f"{moment:%y}"
