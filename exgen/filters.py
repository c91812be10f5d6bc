"""The few filters templates get: times, markings, CSV cells. Plain functions on plain data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import typing as t

from jinja2 import pass_context

from exgen.model import format_dtg, format_dtime, parse_datetime
from exgen.symbols import symbol_svg

if t.TYPE_CHECKING:
    from jinja2.runtime import Context


def _startex(ctx: Context) -> dt.datetime:
    return parse_datetime(ctx["exercise"]["startex"])


@pass_context
def dtg(ctx: Context, minutes: int) -> str:
    """NATO date-time group for minutes from STARTEX: ``{{ inject.time | dtg }}`` → 111030ZMAY27."""
    return format_dtg(int(minutes), _startex(ctx))


@pass_context
def dtime(ctx: Context, minutes: int) -> str:
    """Exercise day and time for minutes from STARTEX: ``{{ inject.time | dtime }}`` → D+1 07:30."""
    return format_dtime(int(minutes), _startex(ctx))


def duration(minutes: int) -> str:
    """``90`` → ``1h30m``; ``45`` → ``45m``.

    >>> duration(1530)
    '1d1h30m'
    """
    minutes = int(minutes)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def banner(exercise: dict[str, t.Any]) -> str:
    """The banner line every page carries: classification and exercise marking.

    >>> banner({"classification": "NATO UNCLASSIFIED", "marking": "EXERCISE EXERCISE EXERCISE"})
    'NATO UNCLASSIFIED — EXERCISE EXERCISE EXERCISE'
    """
    return f"{exercise['classification']} — {exercise['marking']}"


def safe_cell(value: t.Any) -> str:
    """A spreadsheet cell that cannot run as a formula (CSV injection), as text.

    >>> safe_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    """
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_row(values: t.Iterable[t.Any]) -> str:
    """One CSV line (RFC 4180 quoting, CRLF), every cell made formula-safe."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def join_ids(values: t.Iterable[t.Any], sep: str = ", ") -> str:
    """Join a list for display; empty gives an en dash."""
    items = [str(v) for v in values]
    return sep.join(items) if items else "–"


FILTERS: dict[str, t.Callable[..., t.Any]] = {
    "dtg": dtg,
    "dtime": dtime,
    "duration": duration,
    "banner": banner,
    "csv_row": csv_row,
    "safe_cell": safe_cell,
    "join_ids": join_ids,
    "symbol_svg": symbol_svg,
}
GLOBALS: dict[str, t.Any] = {}
