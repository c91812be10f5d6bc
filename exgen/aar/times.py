"""Exercise times an evaluator writes (``D+1 07:30``, a DTG ``110730ZMAY27``, ISO 8601, a date-time
cell) → minutes from STARTEX.

Smaller than the import's reader on purpose: the evaluation workbook asks for these forms only,
and a time in any other form is reported, not guessed.
"""

from __future__ import annotations

import datetime as dt
import re

from exgen.model.time import FIRST_YEAR, LAST_YEAR, TimeError, resolve_time

#: A longer text is no time (and is not searched for one).
MAX_TEXT = 64
FORMATS = "D+1 07:30 (D+0 is the STARTEX day), a DTG in Zulu such as 110730ZMAY27, or 2027-05-11T07:30Z"
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DTG = re.compile(r"(\d{2}) ?(\d{2})(\d{2}) ?Z ?([A-Z]{3}) ?(\d{4}|\d{2})")
_DTIME = re.compile(r"D ?([+-]) ?(\d{1,3}),? ?(\d{1,2})[:.]?(\d{2})")


def read_dtg(text: str) -> dt.datetime:
    """A NATO date-time group in Zulu (``DDHHMMZMONYY``, spaces allowed) as an aware UTC datetime.

    >>> read_dtg("110730Z MAY 27").isoformat()
    '2027-05-11T07:30:00+00:00'
    """
    match = _DTG.fullmatch(text.upper())
    if not match or match.group(4) not in _MONTHS:
        raise TimeError(f"'{text}' is not a DTG such as 110730ZMAY27")
    day, hour, minute, month, year = match.groups()
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return dt.datetime(full_year, _MONTHS.index(month) + 1, int(day), int(hour), int(minute),
                           tzinfo=dt.timezone.utc)
    except ValueError:
        raise TimeError(f"'{text}' names no real day and time") from None


def exercise_minutes(value: object, startex: dt.datetime) -> int:
    """Minutes from STARTEX of a cell's value; :class:`TimeError` when it is no exercise time.

    >>> start = dt.datetime(2027, 5, 10, 6, 0, tzinfo=dt.timezone.utc)
    >>> exercise_minutes("D+1 07:30", start), exercise_minutes("110730ZMAY27", start)
    (1530, 1530)
    """
    if isinstance(value, dt.datetime):  # a date-time cell: Excel keeps no zone; exercise times are Zulu
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
        return _within(moment, startex, str(value))
    if not isinstance(value, str):
        raise TimeError(f"{value!r} is not an exercise time; write {FORMATS}")
    text = " ".join(value.split())
    if not text or len(text) > MAX_TEXT:
        raise TimeError(f"write the time as {FORMATS}")
    dtime = _DTIME.fullmatch(text.upper())
    if dtime:
        sign, days, hours, minutes = dtime.groups()
        if int(hours) > 23 or int(minutes) > 59:
            raise TimeError(f"'{text}' has no such time of day; write {FORMATS}")
        return resolve_time(f"D{sign}{int(days)} {int(hours):02d}:{minutes}", startex)
    try:
        if not _DTG.fullmatch(text.upper()):
            return resolve_time(text, startex)
        return _within(read_dtg(text), startex, text)
    except TimeError as problem:
        raise TimeError(f"{problem}; write {FORMATS}") from None


def _within(moment: dt.datetime, startex: dt.datetime, text: str) -> int:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise TimeError(f"'{text}' is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return int((moment - startex).total_seconds() // 60)
