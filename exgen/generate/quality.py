"""The quality report of a draft: would a planner keep it? Figures, printed and written as JSON.

``trigger_share`` (injects that announce a comms constraint, 0–1), ``duplicate_titles`` (injects
whose title another inject already has), ``max_similarity`` (the most alike pair of inject texts,
difflib's ratio over their words, 0–1, and which pair), ``min_gap_minutes`` (the least time between two injects to
the same recipient), ``time_words`` (wording that contradicts the inject's time of day: "morning
news" at 1400Z), ``unsuited`` (an inject sent to a unit its pattern does not suit, or with
wording for the wrong kind of network), ``placeholders`` (``{...}`` left in a text),
``storylines`` (each with its main event and injects) and ``coverage`` (each objective's injects
against its minimum). Everything is measured on the written, validated draft.
"""

from __future__ import annotations

import difflib
import itertools
import re
import typing as t

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief
    from exgen.generate.forces import Forces
    from exgen.generate.library import Library
    from exgen.generate.select import Slot
    from exgen.model import Exercise, Inject

#: Wording that says what time of day it is, and the hours (Z, from-to) it may be used in.
TIME_WORDS: tuple[tuple[re.Pattern[str], int, int], ...] = tuple(
    (re.compile(rf"\b{words}\b", re.IGNORECASE), start, end) for words, start, end in (
        (r"(morning|breakfast) (news|bulletin|edition|show|programme|briefing|paper)s?", 4, 12),
        (r"good morning", 4, 12),
        (r"(midday|lunchtime) (news|bulletin|edition)", 11, 15),
        (r"(afternoon) (news|bulletin|edition|show)", 12, 18),
        (r"good afternoon", 12, 18),
        (r"(evening|night|late) (news|bulletin|edition|show|programme)", 16, 24),
        (r"good evening", 16, 24),
        (r"this afternoon", 0, 18),
        (r"this evening", 0, 23),
        (r"tonight", 5, 24),
        (r"last night", 4, 15),
        (r"(since|from) dawn", 5, 14),
        (r"this morning", 4, 24),
    ))
_PLACEHOLDER = re.compile(r"\{[A-Za-z0-9_]*\}")
_TEXTS = ("title", "description", "expected_action")


def time_words(text: str, hour: int) -> list[str]:
    """Phrases in ``text`` that contradict an hour of the day (0–23, Z).

    >>> time_words("Morning news of KTV-1: ...", 14)
    ['Morning news']
    >>> time_words("Morning news of KTV-1: ...", 8)
    []
    """
    return [m.group(0) for pattern, start, end in TIME_WORDS for m in pattern.finditer(text)
            if not start <= hour < end]


def _texts(inj: Inject) -> str:
    return "\n".join(getattr(inj, f) or "" for f in _TEXTS)


def measure(model: Exercise, brief: Brief, lib: Library, forces: Forces,
            slots: t.Mapping[str, Slot]) -> dict[str, t.Any]:
    """Every figure of the report for the written draft ``model``; ``slots`` maps inject ids to their slots."""
    injects = list(model.injects)
    count = len(injects)
    triggers = [i.id for i in injects if i.id in slots and slots[i.id].pattern.triggers]
    titles: dict[str, int] = {}
    for i in injects:
        titles[i.title] = titles.get(i.title, 0) + 1
    offset = model.info.start_minute
    words = [{"inject": i.id, "time": model.dtime(i.time), "words": found}
             for i in injects if (found := time_words(_texts(i), ((i.time + offset) % 1440) // 60))]
    return {
        "injects": count,
        "trigger_share": round(len(triggers) / count, 4) if count else 0.0,
        "triggers": triggers,
        "duplicate_titles": sum(n - 1 for n in titles.values()),
        **_similarity(injects),
        "min_gap_minutes": _min_gap(injects),
        "time_words": words,
        "unsuited": _unsuited(model, lib, forces, slots),
        "placeholders": [i.id for i in injects if _PLACEHOLDER.search(_texts(i) + (i.notes or ""))],
        "storylines": _storylines(model, lib, slots),
        "coverage": _coverage(model, brief, slots),
    }


def words(text: str) -> list[str]:
    """The words of ``text``, lower case: what two inject texts are compared on.

    >>> words("Posts claim: the crossing closes!")
    ['posts', 'claim', 'the', 'crossing', 'closes']
    """
    return re.findall(r"\w+", text.lower())


def _similarity(injects: t.Sequence[Inject]) -> dict[str, t.Any]:
    """The most alike pair of inject texts (title and description), by difflib's ratio over their words."""
    texts = [(i.id, words(f"{i.title}\n{i.description or ''}")) for i in injects]
    best, pair = 0.0, ["", ""]
    for (a, ta), (b, tb) in itertools.combinations(texts, 2):
        matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best, pair = ratio, [a, b]
    return {"max_similarity": round(best, 4), "most_similar": pair}


def _min_gap(injects: t.Sequence[Inject]) -> int | None:
    """Least minutes between two injects to one recipient (None when no recipient gets two)."""
    times: dict[str, list[int]] = {}
    for i in injects:
        for u in i.to:
            times.setdefault(u, []).append(i.time)
    gaps = [b - a for ts in times.values() for a, b in itertools.pairwise(sorted(ts))]
    return min(gaps) if gaps else None


def _unsuited(model: Exercise, lib: Library, forces: Forces, slots: t.Mapping[str, Slot]) -> list[dict[str, str]]:
    """Injects sent to a unit their pattern does not suit, or worded for the wrong kind of network."""
    out = []
    for i in model.injects:
        slot = slots.get(i.id)
        if slot is None:
            continue
        pattern = lib.patterns[slot.pattern.id]
        for u in i.to:
            if not forces.fits(pattern, u):
                out.append({"inject": i.id, "pattern": pattern.id, "unit": u, "why": "recipient"})
        if slot.trigger is not None:
            for link in slot.trigger.links:
                if not forces.suits_net(pattern, link.primary):
                    out.append({"inject": i.id, "pattern": pattern.id, "unit": link.recipient,
                                "why": f"network {link.primary}"})
    return out


def _storylines(model: Exercise, lib: Library, slots: t.Mapping[str, Slot]) -> list[dict[str, t.Any]]:
    """Each storyline played: its title, main event and injects in time order."""
    by_story: dict[str, list[Inject]] = {}
    for i in model.injects:
        slot = slots.get(i.id)
        if slot is not None and slot.story is not None:
            by_story.setdefault(slot.story[0], []).append(i)
    incidents = {c.id: c.event for c in model.main_incidents}
    out = []
    for sid, members in by_story.items():
        members.sort(key=lambda i: (i.time, i.id))
        story = lib.storylines.get(sid)
        out.append({"id": sid, "title": story.title if story else sid,
                    "event": incidents.get(members[0].incident or "", ""), "injects": [i.id for i in members]})
    return out


def _coverage(model: Exercise, brief: Brief, slots: t.Mapping[str, Slot]) -> dict[str, dict[str, t.Any]]:
    """Each objective: injects exercising it (contingencies not counted) against its minimum."""
    minimum = {o.id: o.minimum for o in brief.objectives}
    out = {}
    for o in model.objectives:
        ids = [i.id for i in model.injects if o.id in i.objectives and not (i.id in slots and slots[i.id].parent)]
        out[o.id] = {"injects": len(ids), "minimum": minimum.get(o.id, 1), "ok": len(ids) >= minimum.get(o.id, 1)}
    return out


def summary(figures: t.Mapping[str, t.Any]) -> list[str]:
    """The report's lines for the printed coverage report."""
    lines = ["", "Quality of the draft"]
    lines.append(f"  trigger-style injects   {len(figures['triggers'])} of {figures['injects']} "
                 f"({figures['trigger_share']:.0%}; keep under 25 %)")
    lines.append(f"  duplicate titles        {figures['duplicate_titles']}")
    pair = " and ".join(p for p in figures["most_similar"] if p)
    lines.append(f"  most similar texts      {figures['max_similarity']:.2f}" + (f" ({pair})" if pair else ""))
    gap = figures["min_gap_minutes"]
    lines.append(f"  least gap to one unit   {'-' if gap is None else f'{gap} min'}")
    lines.append(f"  time-of-day wording     {len(figures['time_words'])} contradiction(s)")
    lines.append(f"  unsuited recipients     {len(figures['unsuited'])}")
    lines.append(f"  placeholders left       {len(figures['placeholders'])}")
    lines.append(f"  storylines              {len(figures['storylines'])}")
    for s in figures["storylines"]:
        lines.append(f"    {s['id']:<22} {s['event'] or '-':<8} {' '.join(s['injects'])}")
    return lines
