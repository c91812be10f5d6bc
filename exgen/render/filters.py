"""The few filters templates get: times, markings, CSV cells. Plain functions on plain data."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import typing as t
import uuid
from collections.abc import Mapping

from jinja2 import pass_context

from exgen.core.sidc import DIGITS, ECHELONS, IDENTITIES
from exgen.model import format_dtg, format_dtime, parse_datetime
from exgen.render.banner import banner_fit, banner_text
from exgen.render.symbols import symbol_svg
from exgen.render.typst import typst_str, typst_text

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
    return banner_text(exercise)


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


# ---------- exports (C2SIM, GeoJSON/KML, Cursor-on-Target, iCalendar, EXCON console) ----------

@pass_context
def utc(ctx: Context, minutes: int, basic: bool = False) -> str:
    """UTC time of minutes from STARTEX: ``2027-05-11T07:30:00Z``, or iCalendar's basic
    ``20270511T073000Z`` with ``basic=true``."""
    moment = _startex(ctx) + dt.timedelta(minutes=int(minutes))
    return moment.strftime("%Y%m%dT%H%M%SZ" if basic else "%Y-%m-%dT%H:%M:%SZ")


@pass_context
def uuid_for(ctx: Context, ident: str, kind: str = "unit") -> str:
    """A stable UUID (v5) for one element of this exercise: same exercise id, kind and id, same UUID."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:exgen:{ctx['exercise']['id']}:{kind}:{ident}"))


def fingerprint(items: t.Iterable[t.Mapping[str, t.Any]], *keys: str) -> str:
    """Short SHA-256 of the given keys of each item (e.g. the MEL/MIL's inject ids and times).

    >>> fingerprint([{"id": "INJ-1", "time": 90}], "id", "time")
    'c4a7ce921c82'
    """
    rows = [[item.get(k) for k in keys] for item in items]
    return hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()[:12]


_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(value: t.Any) -> str:
    r"""Text with the characters XML 1.0 cannot carry (control characters) removed.

    >>> xml_chars("a\x0bb")
    'ab'
    """
    return _XML_BAD.sub("", "" if value is None else str(value))


def xml_comment(value: t.Any) -> str:
    """Text that is safe inside ``<!-- ... -->``: no ``--``, no trailing ``-``, XML characters only.

    >>> xml_comment("A---B -")
    'A- - -B - '
    """
    text = re.sub("-(?=-)", "- ", xml_chars(value))
    return text + " " if text.endswith("-") else text


EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def circle_polygon(area: t.Mapping[str, t.Any], vertices: int = 64) -> list[list[float]]:
    """A circular area as a closed GeoJSON ring of ``[lon, lat]`` (``vertices`` + 1 positions,
    counterclockwise as RFC 7946 asks of exterior rings), on a spherical Earth.

    >>> ring = circle_polygon({"lat": 42.1, "lon": 19.1, "radius_km": 40})
    >>> len(ring), ring[0] == ring[-1], ring[0]
    (65, True, [19.1, 42.459728])
    """
    lat1, lon1 = math.radians(float(area["lat"])), math.radians(float(area["lon"]))
    delta = float(area["radius_km"]) / EARTH_RADIUS_KM
    ring = []
    for k in range(vertices):
        bearing = -2 * math.pi * k / vertices  # decreasing bearing: north, west, south, east
        lat2 = math.asin(math.sin(lat1) * math.cos(delta) + math.cos(lat1) * math.sin(delta) * math.cos(bearing))
        lon2 = lon1 + math.atan2(math.sin(bearing) * math.sin(delta) * math.cos(lat1),
                                 math.cos(delta) - math.sin(lat1) * math.sin(lat2))
        lon = (math.degrees(lon2) + 540) % 360 - 180
        ring.append([round(lon, 6), round(math.degrees(lat2), 6)])
    return [*ring, ring[0]]


# Digit 4 (standard identity) as the exports call it: the standard's name, its first
# alternative only, hyphenated (assumed-friend, suspect, hostile).
_IDENTITY = {code: name.split("/")[0].replace(" ", "-") for code, name in IDENTITIES.items()}
# Identity → 2525C position 2 (affiliation); Cursor-on-Target writes the same letter in lower case.
_C_AFFILIATION = {"pending": "P", "unknown": "U", "assumed-friend": "A", "friend": "F", "neutral": "N",
                  "suspect": "S", "hostile": "H"}
_COT_AFFILIATION = {name: letter.lower() for name, letter in _C_AFFILIATION.items()}
# Symbol set (digits 5-6) → 2525C battle dimension.
_DIMENSION = {"01": "A", "02": "A", "05": "P", "06": "P", "10": "G", "11": "G", "15": "G", "20": "G",
              "27": "G", "30": "S", "35": "U", "36": "U"}
# Digit 8 (HQ / task force / dummy) → 2525C position 11.
_C_HQTFD = {"1": "F", "2": "A", "3": "C", "4": "E", "5": "G", "6": "B", "7": "D"}
# Digits 9-10 (land echelon) → 2525C position 12: its letters run A-N in the order of the amplifiers.
_C_ECHELON = dict(zip(ECHELONS, "ABCDEFGHIJKLMN", strict=True))
# Land unit entities (set 10, digits 11-16) → 2525C function ID, from the JMSML legacy mapping
# (Esri/joint-military-symbology-xml, samples/legacy_support/LegacyMappingTableCtoD.csv). Entities
# without a 2525C counterpart fall back to the generic ground unit U-----.
_C_LAND_UNIT = {
    "111000": "UUS---", "111001": "UUSR--", "111002": "UUSRW-", "111004": "UUSRS-",
    "120400": "UCAA--", "120500": "UCAT--", "120501": "UCRVA-", "120600": "UCV---", "120800": "UCVF--",
    "120900": "UC----", "121100": "UCI---", "121102": "UCIZ--", "121104": "UCIM--", "121300": "UCR---",
    "121303": "UCRVM-", "121900": "UCVU--",
    "130100": "UCD---", "130102": "UCDM--", "130200": "UCFTA-", "130300": "UCF---", "130301": "UCFHE-",
    "130700": "UCM---", "130800": "UCFM--",
    "140100": "UUA---", "140200": "UU----", "140700": "UCE---", "140701": "UCECT-", "140702": "UCECW-",
    "140800": "UUE---", "141200": "UULM--", "141700": "UCS---",
    "150200": "UUMC--", "150500": "UUMSE-", "150504": "UUMSEJ", "151000": "UUM---",
    "160100": "USA---", "160600": "US----", "161100": "USX---", "161300": "USM---", "161400": "USMM--",
    "162800": "USAP--", "163400": "USS---", "163600": "UST---",
}


def affiliation(unit: t.Mapping[str, t.Any]) -> str:
    """A unit's standard identity from its SIDC (friend, hostile, neutral, unknown, assumed-friend,
    suspect, pending); without a SIDC, hostile for OPFOR and friend for everyone else.

    >>> affiliation({"sidc": "10061000151211000000", "role": "training-audience"})
    'hostile'
    """
    sidc = str(unit.get("sidc") or "")
    if DIGITS.match(sidc) and sidc[3] in _IDENTITY:
        return _IDENTITY[sidc[3]]
    return "hostile" if unit.get("role") == "opfor" else "friend"


def app6c_sidc(unit: t.Mapping[str, t.Any]) -> str:
    """The 15-character APP-6(C)/2525C letter SIDC for a unit's 20-digit APP-6(D) code, or "" when
    it has none or it is not a land, air, space or sea symbol. Exercise amplification is dropped
    (C2SIM's pattern has no exercise identities); the function ID comes from the JMSML table.

    >>> app6c_sidc({"sidc": "10031000161211000000"})
    'SFGPUCI----F---'
    >>> app6c_sidc({"sidc": "10131002181100000000"})
    'SFGPU-----AH---'
    """
    sidc = str(unit.get("sidc") or "")
    if not DIGITS.match(sidc) or sidc[3] not in _IDENTITY or sidc[4:6] not in _DIMENSION:
        return ""
    symbol_set, entity = sidc[4:6], sidc[10:16]
    if symbol_set == "10":
        function = _C_LAND_UNIT.get(entity, "U-----")
    elif symbol_set == "15":
        function = "E-----"
    elif symbol_set == "20":
        function = "I-----"
    else:
        function = "------"
    status = "A" if sidc[6] == "1" else "P"
    echelon = _C_ECHELON.get(sidc[8:10], "-") if symbol_set in ("10", "11") else "-"
    return (f"S{_C_AFFILIATION[affiliation(unit)]}{_DIMENSION[symbol_set]}{status}{function}"
            f"{_C_HQTFD.get(sidc[7], '-')}{echelon}---")


def cot_type(unit: t.Mapping[str, t.Any]) -> str:
    """Cursor-on-Target event type for a unit: ``a-<affiliation>-<dimension>-<function...>``, the
    2525C function ID split into letters (a-f-G-U-C-I for a friendly infantry unit).

    >>> cot_type({"sidc": "10061000151211000000"}), cot_type({"role": "enabler"})
    ('a-h-G-U-C-I', 'a-f-G-U')
    """
    letters = app6c_sidc(unit)
    if not letters:
        return f"a-{_COT_AFFILIATION[affiliation(unit)]}-G-U"
    parts = [letters[2], *letters[4:10].rstrip("-")]
    return "-".join(["a", _COT_AFFILIATION[affiliation(unit)], *parts])


def ical_text(value: t.Any) -> str:
    r"""An iCalendar TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped,
    other control characters dropped.

    >>> ical_text("Report; then call\nHQ, now \\ later")
    'Report\\; then call\\nHQ\\, now \\\\ later'
    """
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return re.sub("[\x00-\x08\x0a-\x1f\x7f]", "", text)


def ical_fold(text: str) -> str:
    r"""iCalendar content lines: blank lines dropped, each line folded at 75 octets (never inside a
    UTF-8 sequence), CRLF line endings (RFC 5545 3.1).

    >>> ical_fold("SUMMARY:" + "x" * 80 + "\n\nEND:VEVENT")
    'SUMMARY:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n xxxxxxxxxxxxx\r\nEND:VEVENT\r\n'
    """
    out = []
    for line in str(text).split("\n"):  # not splitlines(): U+2028 in a value is not a line break
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if len(line.encode("utf-8")) <= 75:  # most lines: nothing to fold
            out.append(line)
            continue
        out += _folded(line.encode("utf-8"))
    return "".join(f"{line}\r\n" for line in out)


def _folded(data: bytes) -> list[str]:
    """A long UTF-8 line cut into at most 75 octets, then a space and at most 74 at a time, never
    inside a character (a cut that lands on a continuation byte moves back to its start)."""
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    parts.append(data[start:].decode("utf-8"))
    return [parts[0], *(" " + part for part in parts[1:])]


def by_id(ids: t.Iterable[str], table: t.Mapping[str, t.Any]) -> list[t.Any]:
    """The items of ``table`` for these ids, in order, skipping unknown ones — a lookup, so a
    per-item template stays linear: ``{{ role_player.injects | by_id(injects_by_id) }}``.

    >>> by_id(["b", "x", "a"], {"a": 1, "b": 2})
    [2, 1]
    """
    return [table[i] for i in ids if i in table]


def keyed_by(values: t.Iterable[t.Any], keys: t.Iterable[t.Any]) -> dict[t.Any, t.Any]:
    """A table of ``values`` by ``keys``, paired in order (the shorter list decides), so a text
    rendered once per item can be looked up wherever the item is listed again:
    ``{% set row_of = rows | keyed_by(injects | map(attribute="id") | list) %}``.

    >>> keyed_by(["r1", "r2"], ["INJ-1", "INJ-2"])
    {'INJ-1': 'r1', 'INJ-2': 'r2'}
    """
    return dict(zip(keys, values, strict=False))


def has_value(items: t.Iterable[t.Any], key: str, value: t.Any) -> bool:
    """Whether any item (a mapping) holds ``value`` under ``key``, in one pass instead of a list
    built by ``map``: ``{{ units | has_value("nation", "XK") }}``.

    >>> has_value([{"nation": "HR"}, {"nation": "XK"}, None], "nation", "XK")
    True
    """
    for item in items:  # noqa: SIM110 - a loop, not any() over a generator: every HTML page runs it on whole lists
        if (type(item) is dict or isinstance(item, Mapping)) and item.get(key) == value:
            return True
    return False


def most_first(items: t.Iterable[t.Any], key: t.Any) -> list[t.Any]:
    """``items`` ordered by how many entries ``item[key]`` holds, most first; ties keep their
    order. ``{{ (role_players | most_first("injects"))[:book_rows] }}``

    >>> most_first([{"i": [1]}, {"i": [1, 2]}, {"i": [3]}], "i")
    [{'i': [1, 2]}, {'i': [1]}, {'i': [3]}]
    """
    return sorted(items, key=lambda item: -len(item[key]))


FILTERS: dict[str, t.Callable[..., t.Any]] = {
    "dtg": dtg,
    "dtime": dtime,
    "duration": duration,
    "banner": banner,
    "banner_fit": banner_fit,
    "csv_row": csv_row,
    "safe_cell": safe_cell,
    "join_ids": join_ids,
    "by_id": by_id,
    "keyed_by": keyed_by,
    "most_first": most_first,
    "has_value": has_value,
    "symbol_svg": symbol_svg,
    "utc": utc,
    "uuid_for": uuid_for,
    "fingerprint": fingerprint,
    "xml_chars": xml_chars,
    "xml_comment": xml_comment,
    "circle_polygon": circle_polygon,
    "affiliation": affiliation,
    "app6c_sidc": app6c_sidc,
    "cot_type": cot_type,
    "ical_text": ical_text,
    "ical_fold": ical_fold,
    "typst": typst_text,  # literal text in Typst markup (exgen/render/typst.py)
    "typst_str": typst_str,  # a Typst string literal, for code
}
GLOBALS: dict[str, t.Any] = {}
