"""The capability-gap register: a user-owned YAML file that follows each gap across an exercise series.

:func:`load_register` reads it with positions and checks it: the schema first, then the rules the
schema cannot say (ids unique whatever their case, owners exgen knows, real days, history oldest
first, a closed gap's closing entry), every problem a located diagnostic. Updating it after an
exercise is :mod:`exgen.aar.register_update`.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen import load
from exgen.check import schema
from exgen.check.rules.values import nations
from exgen.core import organisations
from exgen.core.diagnostics import Diagnostic, Severity, at, has_errors
from exgen.load import read

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

__all__ = ["CAPABILITIES", "Gap", "HistoryEntry", "Register", "day", "is_owner", "load_register", "parse_register"]

SCHEMA = "gap-register.schema.json"
#: The capability elements (DOTMLPF-I) a gap belongs to, as the schema lists them.
CAPABILITIES = ("doctrine", "organisation", "training", "materiel", "leadership", "personnel", "facilities",
                "interoperability")
#: The history results that confirm a status.
_CLOSING = {"closed": ("closed", "verified-closed"), "verified-closed": ("verified-closed",)}


@dataclass(frozen=True)
class HistoryEntry:
    """What one exercise found about a gap."""

    exercise: str
    date: str
    result: str
    note: str = ""


@dataclass(frozen=True)
class Gap:
    """One gap of the register, as the file holds it."""

    id: str
    title: str
    capability: str
    owner: str
    status: str
    first_seen: HistoryEntry
    history: tuple[HistoryEntry, ...]
    description: str = ""
    corrective_action: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Register:
    """A checked register: its series and its gaps in file order."""

    series: str
    gaps: tuple[Gap, ...]

    def gap(self, gap_id: str) -> Gap | None:
        """The gap with this id, whatever the case of its letters; None if there is none."""
        wanted = gap_id.casefold()
        return next((g for g in self.gaps if g.id.casefold() == wanted), None)


# --- reading --------------------------------------------------------------------------------------


def load_register(path: str) -> tuple[Register | None, list[Diagnostic]]:
    """The register at ``path`` and every problem found; None when it has errors."""
    doc, problems = load.load(path)
    return _checked(doc, problems)


def parse_register(text: str, name: str) -> tuple[Register | None, list[Diagnostic]]:
    """The register held in ``text`` (located as file ``name``), checked as :func:`load_register` does."""
    raw = text.encode("utf-8")

    def reader(display: str, _path: Path) -> read.FileRead:
        return read.FileRead("", read.parse(raw, display, name.lower().endswith(".json")))

    doc, problems = load.load(name, reader=reader)
    return _checked(doc, problems)


def _checked(doc: load.Document | None, problems: list[Diagnostic]) -> tuple[Register | None, list[Diagnostic]]:
    """Schema errors first; the semantic rules only on data of the right shape."""
    if doc is None or problems:
        return None, problems
    found = schema.validate_data(doc.data, doc.sources, SCHEMA)
    if has_errors(found):
        return None, found
    found += _semantic(doc.data, doc.sources)
    if has_errors(found):
        return None, found
    return _register(doc.data), found


def _register(data: dict[str, t.Any]) -> Register:
    """The checked data as a :class:`Register`."""
    gaps = []
    for raw in data["gaps"]:
        seen = raw["first_seen"]
        history = tuple(HistoryEntry(h["exercise"], h["date"], h["result"], h.get("note", "")) for h in raw["history"])
        gaps.append(Gap(raw["id"], raw["title"], raw["capability"], raw["owner"], raw["status"],
                        HistoryEntry(seen["exercise"], seen["date"], "observed"), history,
                        raw.get("description", ""), dict(raw.get("corrective_action", {}))))
    return Register(data.get("series", ""), tuple(gaps))


def _semantic(data: dict[str, t.Any], sources: Locator) -> list[Diagnostic]:
    """gaps-duplicate-id, gaps-unknown-owner, gaps-bad-date, gaps-history-order, gaps-closed-unconfirmed."""
    found: list[Diagnostic] = []
    first: dict[str, str] = {}
    for i, gap in enumerate(data["gaps"]):
        where = f"/gaps/{i}"
        key = gap["id"].casefold()
        if key in first:
            msg = (f"gap id '{gap['id']}' is used twice (the first is '{first[key]}'; ids are compared whatever the "
                   "case of their letters): give this gap another id")
            found.append(at(sources, f"{where}/id", "gaps-duplicate-id", msg))
        first.setdefault(key, gap["id"])
        found += _owners(gap, where, sources)
        found += _dates(gap, where, sources)
        closing = _CLOSING.get(gap["status"])
        if closing and not any(h["result"] in closing for h in gap["history"]):
            msg = (f"gap {gap['id']} has status {gap['status']} but no history entry says so (result: "
                   f"{' or '.join(closing)}): add the entry of the exercise or report that closed it")
            found.append(at(sources, f"{where}/status", "gaps-closed-unconfirmed", msg, Severity.WARNING))
    return found


def _owners(gap: dict[str, t.Any], where: str, sources: Locator) -> list[Diagnostic]:
    """gaps-unknown-owner: the owner and the responsible are a country code or a known organisation."""
    found = []
    responsible = gap.get("corrective_action", {}).get("responsible")
    for pointer, code in ((f"{where}/owner", gap["owner"]), (f"{where}/corrective_action/responsible", responsible)):
        if code is not None and not is_owner(code):
            known = organisations.aliases().get(code)
            hint = f" (did you mean '{known}'?)" if known else ""
            msg = (f"'{code}' is neither an ISO 3166-1 alpha-2 country code (XK for Kosovo) nor an international "
                   f"organisation exgen knows (EU, NATO, UN, OSCE, EUFOR, KFOR ...){hint}")
            found.append(at(sources, pointer, "gaps-unknown-owner", msg))
    return found


def _dates(gap: dict[str, t.Any], where: str, sources: Locator) -> list[Diagnostic]:
    """gaps-bad-date (a day the calendar does not have) and gaps-history-order (history oldest first)."""
    found = []
    dated = [(f"{where}/first_seen/date", gap["first_seen"]["date"])]
    dated += [(f"{where}/corrective_action/{k}", v) for k, v in gap.get("corrective_action", {}).items()
              if k in ("start", "due")]
    dated += [(f"{where}/history/{j}/date", h["date"]) for j, h in enumerate(gap["history"])]
    for pointer, text in dated:
        if day(text) is None:
            found.append(at(sources, pointer, "gaps-bad-date", f"{text} is not a day of the calendar"))
    last = ""
    for j, entry in enumerate(gap["history"]):
        if day(entry["date"]) is not None and entry["date"] < last:
            msg = (f"history entry of {entry['exercise']} ({entry['date']}) comes after one dated {last}: the "
                   f"history of gap {gap['id']} reads oldest first")
            found.append(at(sources, f"{where}/history/{j}/date", "gaps-history-order", msg, Severity.WARNING))
        last = max(last, entry["date"])
    return found


def is_owner(code: str) -> bool:
    """``code`` is an ISO 3166-1 alpha-2 country code (or XK) or an organisation exgen knows."""
    return code in nations() or organisations.is_organisation(code)


def day(text: str) -> dt.date | None:
    """The date YYYY-MM-DD names, or None for a day that does not exist."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
