"""The coverage report printed after a draft: what it tests, as plain text within 100 columns.

Objectives x injects (with the minimum asked for), training audience x injects, main events x
injects (by incident and phase), the PACE levels each plan actually uses over the exercise and the
constraints that force them, and what the generator could not do or drafted for the brief.
"""

from __future__ import annotations

import textwrap
import typing as t

from exgen.comms import INCOMPATIBLE
from exgen.core.text import printable
from exgen.model import PACE_LEVELS

if t.TYPE_CHECKING:
    from exgen.comms import CommsPicture
    from exgen.generate.brief import Brief
    from exgen.model import Exercise

WIDTH = 100


def report(model: Exercise, picture: CommsPicture, brief: Brief, out: str, seed: int,
           notes: t.Sequence[str] = (), width: int = WIDTH) -> str:
    """The whole report, each line at most ``width`` characters."""
    contingencies = {i.contingency for i in model.injects if i.contingency}
    days = sorted({model.dtime(i.time).split(" ")[0] for i in model.injects})
    generated = [c for c in model.constraints if c.id.startswith("GEN-")]
    lines = _wrap(f"Draft {model.info.id} written to {out} (seed {seed}): {len(model.injects)} injects "
                  f"({len(contingencies)} contingency) over {len(days)} days, {len(model.constraints)} "
                  f"constraints ({len(generated)} generated).", width)
    lines += ["", "Objectives x injects (contingencies not counted)"]
    minimum = {o.id: o.minimum for o in brief.objectives}
    for o in model.objectives:
        ids = [i.id for i in model.injects if o.id in i.objectives and i.id not in contingencies]
        status = "ok" if len(ids) >= minimum.get(o.id, 1) else "SHORT"
        head = f"  {o.id:<10} {len(ids):>3} of min {minimum.get(o.id, 1):<2} {status:<5} "
        lines.append(head + _clip(o.title, width - len(head)))
        lines += _wrap(" ".join(ids), width, indent=" " * 6)
    lines += ["", "Training audience x injects"]
    for u in model.units:
        if u.role != "training-audience":
            continue
        ids = [i.id for i in model.injects if u.id in i.to]
        head = f"  {u.id:<14} {len(ids):>3}  "
        lines.append(head + _clip(u.name, width - len(head)))
        lines += _wrap(" ".join(ids), width, indent=" " * 6)
    lines += _hierarchy(model, width)
    lines += ["", "PACE levels exercised (x carries traffic at some time, - never used, . not set)"]
    for tl in picture.pairs:
        plan = next(p for p in model.pace if p.id == tl.pace_id)
        used = {s.level for s in tl.segments if s.level}
        flags = " ".join(("x" if lvl in used else "-") if dict(plan.levels).get(lvl) else "."
                         for lvl in PACE_LEVELS)
        causes = sorted({("incompatible" if c == INCOMPATIBLE else c) for s in tl.segments if s.level != "primary"
                         for _, _, ids in s.down for c in ids})
        head = f"  {tl.pace_id:<14} {_clip(' - '.join(tl.units), 30):<30} P A C E {flags}  "
        lines += _wrap(head + (", ".join(causes) or "primary only"), width, indent=" " * 6)
    if notes:
        lines += ["", "Not done, or adjusted"]
        for note in notes:
            lines += _wrap(f"  {note}", width, indent=" " * 4)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _hierarchy(model: Exercise, width: int) -> list[str]:
    """Main events x injects, each incident with its phase and injects."""
    if not model.main_events:
        return []
    lines = ["", "Main events x injects (each incident with its phase)"]
    for e in model.main_events:
        incidents = [c for c in model.main_incidents if c.event == e.id]
        count = sum(i.incident in {c.id for c in incidents} for i in model.injects)
        head = f"  {e.id:<10} {count:>3}  "
        lines.append(head + _clip(e.title, width - len(head)))
        for c in incidents:
            ids = [i.id for i in model.injects if i.incident == c.id]
            if ids:
                lines += _wrap(f"{c.id} ({c.phase or 'no phase'}): {' '.join(ids)}", width, indent=" " * 6)
    return lines


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    if not text.strip():
        return []
    return textwrap.wrap(text, width, initial_indent=indent if not text.startswith(" ") else "",
                         subsequent_indent=indent or "    ", break_long_words=True, break_on_hyphens=False)


def _clip(text: str, limit: int) -> str:
    """User text (a title, a name) on one line, control characters escaped, cut to ``limit``."""
    text = printable(text)
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
