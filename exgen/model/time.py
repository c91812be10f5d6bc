"""The time vocabulary: D-times, ISO 8601 date-times, durations and NATO date-time groups.

Every time in the model is whole minutes from STARTEX; these functions read what the user
wrote into such minutes (``resolve_time``, ``parse_duration``) and write minutes back for
people (``format_dtime``, ``format_dtg``). What cannot be read raises :class:`TimeError`.
"""

from __future__ import annotations

import datetime as dt
import re

_DTIME = re.compile(r"^D([+-])(\d{1,3}) ([01]\d|2[0-3]):([0-5]\d)$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


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
        raise TimeError(f"'{text}' is not a valid date and time") from exc
    if value.tzinfo is None:
        raise TimeError(f"'{text}' has no time zone; end it with Z for UTC")
    return value.astimezone(dt.timezone.utc)


def resolve_time(text: str, startex: dt.datetime) -> int:
    """Minutes from STARTEX for ``D+N HH:MM`` (D+0 = the STARTEX day, UTC) or ISO 8601.

    >>> resolve_time("D+1 07:30", parse_datetime("2027-05-10T06:00:00Z"))
    1530
    """
    match = _DTIME.match(text)
    if match:
        sign, days, hours, minutes = match.groups()
        day0 = dt.datetime.combine(startex.date(), dt.time(), tzinfo=dt.timezone.utc)
        offset = int(days) * (1 if sign == "+" else -1)
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
        raise TimeError(f"'{text}' is not a duration like 30m, 2h or 1h30m")
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return days * 1440 + hours * 60 + minutes


def format_dtime(minutes: int, startex: dt.datetime) -> str:
    """``D+1 07:30`` for a minute offset from STARTEX.

    >>> format_dtime(1530, parse_datetime("2027-05-10T06:00:00Z"))
    'D+1 07:30'
    """
    moment = startex + dt.timedelta(minutes=minutes)
    day = (moment.date() - startex.date()).days
    return f"D{'+' if day >= 0 else '-'}{abs(day)} {moment:%H:%M}"


def format_dtg(minutes: int, startex: dt.datetime) -> str:
    """NATO date-time group, e.g. ``101430ZMAY27``.

    >>> format_dtg(510, parse_datetime("2027-05-10T06:00:00Z"))
    '101430ZMAY27'
    """
    moment = startex + dt.timedelta(minutes=minutes)
    return f"{moment:%d%H%M}Z{moment:%b}".upper() + f"{moment:%y}"
