"""Update the capability-gap register with what one exercise found, by text edits that remove nothing.

:func:`update_register` appends (:class:`~exgen.ingest.yaml_patch.YamlFile`): new gaps, and one
history entry per gap and exercise; an exercise's own entry is replaced when the update runs
again, so a second run adds nothing. Comments and every byte the edits do not touch stay as the
planner wrote them. A gap's status is never changed: exgen only proposes gaps for closure.
"""

from __future__ import annotations

import re
import typing as t
import unicodedata
from dataclasses import dataclass

from exgen.aar.register import CAPABILITIES, day, is_owner
from exgen.ingest.yaml_patch import YamlFile

if t.TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from exgen.aar.register import Gap, Register

__all__ = ["Changes", "Finding", "finding_problem", "update_register"]

#: An exercise id (common.schema.json's id pattern).
_ID = re.compile(r"^(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9_-])?(?!\n)$")
#: Characters no text of a definition may hold (exgen.check.scalars refuses them).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Words a new gap's id leaves out of its title.
_STOP_WORDS = frozenset({"A", "AN", "AND", "THE", "OF", "TO", "IN", "ON", "AT", "FOR", "BY", "WITH", "NO", "NOT",
                         "IS", "ARE", "CANNOT", "CAN", "DO", "DOES", "BETWEEN", "FROM"})


@dataclass(frozen=True)
class Finding:
    """What this exercise found: an area for improvement or an accepted comms finding.

    ``gap_id`` names the gap of the register the planner tied it to; None makes a new gap.
    ``source`` says where the exercise recorded it (``TO-2 / CT-3``, ``accepted: net-unreachable``).
    """

    gap_id: str | None
    title: str
    description: str
    capability: str
    owner: str
    source: str = ""


@dataclass(frozen=True)
class Changes:
    """What an update did, by gap id (new gaps by the id they were given)."""

    new: tuple[str, ...] = ()
    seen_again: tuple[str, ...] = ()
    #: Open or in-progress gaps an objective or inject tested without finding them: the planner may close them.
    candidates_for_closure: tuple[str, ...] = ()
    not_tested: tuple[str, ...] = ()
    #: Gap ids findings were tied to that the register does not hold (those findings are left out).
    unknown: tuple[str, ...] = ()




def finding_problem(finding: Finding) -> str | None:
    """Why ``finding`` cannot go into a register (a capability or owner exgen does not know), or None."""
    if finding.capability not in CAPABILITIES:
        return f"capability '{finding.capability}' is not one of {', '.join(CAPABILITIES)}"
    if not is_owner(finding.owner):
        return f"owner '{finding.owner}' is neither a country code nor an organisation exgen knows"
    if not finding.title.strip():
        return "the finding has no title"
    if any(_REFUSED.search(text) for text in (finding.title, finding.description, finding.source)):
        return "the finding's text holds control characters"
    return None


def update_register(text: str, name: str, register: Register, *, exercise: str, date: str,
                    findings: Sequence[Finding], tested: Collection[str]) -> tuple[str, Changes]:
    """``text`` (the file ``register`` was read from) with what exercise ``exercise`` found added.

    A finding of a known gap adds a history entry ``observed``; one without a gap adds a new open
    gap; a gap in ``tested`` that was not found gets ``not-reproduced`` (and, open or in progress,
    becomes a candidate for closure: its status is the planner's to change); any other gap
    ``not-tested``. The exercise's own entry is replaced when there is one, so a second run adds
    nothing. Raises ValueError for a finding :func:`finding_problem` refuses.
    """
    if day(date) is None or not _ID.search(exercise):
        raise ValueError(f"not an exercise id and a YYYY-MM-DD day: {exercise!r}, {date!r}")
    for finding in findings:
        problem = finding_problem(finding)
        if problem is not None:
            raise ValueError(problem)
    patch = YamlFile(text, name)
    observed, fresh, unknown = _sort(register, findings, exercise)
    tested_ids = {g.casefold() for g in tested}
    seen_again, candidates, not_tested = [], [], []
    for index, gap in enumerate(register.gaps):
        notes = observed.get(gap.id)
        if notes is not None:
            entry = {"exercise": exercise, "date": date, "result": "observed", "note": "; ".join(notes)}
            if gap.first_seen.exercise != exercise:
                seen_again.append(gap.id)
        elif gap.id.casefold() in tested_ids:
            entry = {"exercise": exercise, "date": date, "result": "not-reproduced",
                     "note": "Tested in this exercise and not observed."}
            if gap.status in ("open", "in-progress"):
                candidates.append(gap.id)
        else:
            entry = {"exercise": exercise, "date": date, "result": "not-tested",
                     "note": "Nothing in this exercise tested it."}
            not_tested.append(gap.id)
        _record(patch, index, gap, entry)
    new = _new_gaps(register, fresh, exercise, date)
    if new:
        patch.append_items("gaps", new)
    changes = Changes(tuple(g["id"] for g in new), tuple(seen_again), tuple(candidates), tuple(not_tested),
                      tuple(unknown))
    return patch.text(), changes


def _sort(register: Register, findings: Sequence[Finding],
          exercise: str) -> tuple[dict[str, list[str]], list[Finding], list[str]]:
    """Findings as (notes by known gap id, findings of new gaps, unknown gap ids).

    A finding without a gap that matches a gap this exercise itself added (same owner and title)
    is that gap: running the update again must not add it twice.
    """
    observed: dict[str, list[str]] = {}
    fresh: list[Finding] = []
    unknown: list[str] = []
    mine = {(g.owner, _words(g.title)): g.id for g in register.gaps if g.first_seen.exercise == exercise}
    for finding in findings:
        gap_id = finding.gap_id or mine.get((finding.owner, _words(finding.title)))
        if gap_id is None:
            if all((f.owner, _words(f.title)) != (finding.owner, _words(finding.title)) for f in fresh):
                fresh.append(finding)
            continue
        gap = register.gap(gap_id)
        if gap is None:
            unknown.append(gap_id)
            continue
        note = _note(finding)
        notes = observed.setdefault(gap.id, [])
        if note not in notes:
            notes.append(note)
    return observed, fresh, unknown


def _record(patch: YamlFile, index: int, gap: Gap, entry: dict[str, str]) -> None:
    """Append the exercise's history entry, or replace the one it already has (the last, if several)."""
    same = [j for j, h in enumerate(gap.history) if h.exercise == entry["exercise"]]
    if not same:
        patch.append_to_field("gaps", index, "history", [entry])
        return
    for key in ("date", "result", "note"):
        patch.set_in_field("gaps", index, "history", same[-1], key, entry[key])


def _new_gaps(register: Register, fresh: list[Finding], exercise: str, date: str) -> list[dict[str, t.Any]]:
    """The new gaps' items, each with an id made from its owner and title, unique in the register."""
    taken = {g.id.casefold() for g in register.gaps}
    items = []
    for finding in fresh:
        gap_id = _new_id(finding, taken)
        taken.add(gap_id.casefold())
        item: dict[str, t.Any] = {"id": gap_id, "title": " ".join(finding.title.split())}
        if finding.description.strip():
            item["description"] = finding.description.strip()
        item.update({"capability": finding.capability, "owner": finding.owner,
                     "first_seen": {"exercise": exercise, "date": date}, "status": "open",
                     "history": [{"exercise": exercise, "date": date, "result": "observed", "note": _note(finding)}]})
        items.append(item)
    return items


def _new_id(finding: Finding, taken: set[str]) -> str:
    """``GAP-<owner>-<first words of the title>`` (ASCII capitals), numbered when the register holds it."""
    words = [w for w in _words(finding.title).split() if w not in _STOP_WORDS] or ["FINDING"]
    stem = f"GAP-{finding.owner}"
    for word in words[:3]:
        if len(stem) + len(word) + 1 > 40:
            break
        stem += f"-{word}"
    candidate, number = stem, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


def _words(title: str) -> str:
    """The title's words as ASCII capitals (letters and digits only), for ids and for matching."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^A-Za-z0-9]+", " ", ascii_text.replace("'", "")).upper().split())


def _note(finding: Finding) -> str:
    """A history note: what was seen, and where the exercise recorded it."""
    text = " ".join((finding.description or finding.title).split())
    return f"{text} ({' '.join(finding.source.split())})" if finding.source.strip() else text
