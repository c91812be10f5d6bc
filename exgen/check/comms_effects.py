"""What constraints do beyond the PACE picture, and where silence is a finding.

- ``constraint-no-effect``: a constraint whose window lies in the exercise but that affects no
  net, unit or system there (wrong area, wrong bands, nobody on its nets).
- ``gnss-position-unreliable``: a GNSS jamming or spoofing window over units whose systems take
  their position from GNSS (they keep their nets, but their position reports cannot be trusted).
- ``inject-net-down``: an inject delivered on a net that none of its recipients can receive at
  its time (recipients not on the net at all are ``inject-net-not-member``).
- ``inject-bearer-down``: an inject sent without a net (phone, e-mail, chat, social media, C2
  system) while every bearer its recipients could receive it over is down.

Injects whose threat is electronic warfare, GNSS jamming or cyber portray the degradation itself
(the noise on the jammed net) and are not judged for delivery.
"""

from __future__ import annotations

import typing as t

from exgen.check.rules.codes import RULES
from exgen.comms.bearers import InjectBearers
from exgen.comms.gnss import PositionEffect, position_effects
from exgen.comms.intervals import contains
from exgen.comms.targets import GNSS_KINDS, OUTAGE_KINDS
from exgen.core.diagnostics import Diagnostic, Severity, at

if t.TYPE_CHECKING:
    from exgen.comms import CommsPicture
    from exgen.core.sources import Locator
    from exgen.model import Constraint, Exercise, Inject

_LIST_LIMIT = 6
#: Threat kinds whose inject portrays the degradation itself (the noise on the net, the dead
#: phone line): such an inject is the stimulus, not traffic that must get through.
STIMULUS_THREATS = frozenset({"electronic-warfare", "gnss-jamming", "cyber"})
_KIND_WORDS = {"jamming": "jamming", "gnss-jamming": "GNSS jamming", "gnss-spoofing": "GNSS spoofing",
               "emcon": "EMCON", "outage": "outage", "cyber": "cyber attack"}


def diagnose(picture: CommsPicture, model: Exercise, sources: Locator) -> list[Diagnostic]:
    """constraint-no-effect, gnss-position-unreliable, inject-net-down and inject-bearer-down."""
    effects = position_effects(model)
    out = [_position(e, model, sources) for e in effects]
    spoiled = {e.constraint.pointer for e in effects}
    for c in model.constraints:
        if c.pointer not in picture.affected and c.pointer not in spoiled:
            found = _no_effect(c, picture, model, sources)
            if found:
                out.append(found)
    bearers = InjectBearers(model)
    for inj in model.injects:
        if not 0 <= inj.time < picture.duration or (inj.threat and inj.threat.kind in STIMULUS_THREATS):
            continue  # outside the exercise (time-outside-exercise says so), or the degradation itself
        found = _net_down(inj, picture, model, sources) if inj.net is not None else _bearer_down(
            inj, bearers, model, sources)
        if found:
            out.append(found)
    return out


def _severity(code: str) -> Severity:
    return RULES[code][0]


def _span(model: Exercise, start: int, end: int) -> str:
    return f"{model.dtime(start)}–{model.dtime(end)}"


def _listing(items: t.Sequence[str], sep: str = ", ") -> str:
    """Items joined, the tail of a long list summarised so messages stay readable."""
    if len(items) <= _LIST_LIMIT:
        return sep.join(items)
    return sep.join(items[:_LIST_LIMIT]) + f"{sep}and {len(items) - _LIST_LIMIT} more"


# --- constraints ------------------------------------------------------------------------


def _position(effect: PositionEffect, model: Exercise, sources: Locator) -> Diagnostic:
    """gnss-position-unreliable: which systems on which units, over which window."""
    c = effect.constraint
    held = _listing([f"{sid} on {_listing(list(units))}" for sid, units in effect.systems], "; ")
    if effect.spoofed:
        what = (f"GNSS spoofing {c.id} ({_span(model, effect.start, effect.end)}): position reports may be "
                f"false without any warning from {held}; check positions by other means (map, voice report)")
    else:
        what = (f"GNSS jamming {c.id} ({_span(model, effect.start, effect.end)}): no reliable position from "
                f"{held}; their reports go missing or stale, though their nets stay up")
    severity = Severity.INFO if c.intended else _severity("gnss-position-unreliable")
    return at(sources, c.pointer, "gnss-position-unreliable", what, severity)


def _no_effect(c: Constraint, picture: CommsPicture, model: Exercise, sources: Locator) -> Diagnostic | None:
    """constraint-no-effect, unless the window is outside the exercise or a reference is unknown."""
    if max(c.start, 0) >= min(c.end, picture.duration):
        return None  # invalid-window or time-outside-exercise says so
    for kind, ids in (("units", c.units), ("nets", c.nets), ("systems", c.systems), ("bearers", c.bearers)):
        if any(model.get(kind, i) is None for i in ids):
            return None  # unknown-reference says so
    kind = _KIND_WORDS.get(c.kind, c.kind)
    msg = (f"constraint {c.id} ({kind}, {_span(model, c.start, c.end)}) affects no net, unit or system: "
           f"{_why_idle(c, model)}")
    return at(sources, c.pointer, "constraint-no-effect", msg, _severity("constraint-no-effect"))


def _why_idle(c: Constraint, model: Exercise) -> str:
    """What the constraint misses, in the planner's terms."""
    where = "" if c.area is None else (f" inside its area ({c.area.radius_km:g} km around "
                                       f"{c.area.lat:g}, {c.area.lon:g})")
    bands = ", ".join(c.bands)
    if c.kind == "jamming":
        if set(c.bands) == {"courier"}:
            return "a courier cannot be jammed"
        if not any(n.band in c.bands for n in model.nets):
            return f"no net works on {bands}"
        return f"no unit that can use a net on {bands} is{where}" if where else f"no unit can use a net on {bands}"
    if c.kind in GNSS_KINDS:
        on = f" for a net on {bands}" if bands else ""
        return (f"no unit{where} uses a system that takes its timing{on} or position from GNSS "
                "(a system says so with gnss: [timing] or [position])")
    if c.kind == "emcon":
        on = f" on {bands}" if bands else ""
        return f"none of its units ({', '.join(c.units)}) can use a net{on}{where}"
    if c.kind in OUTAGE_KINDS:
        named = [f"{k} {', '.join(ids)}" for k, ids in (("nets", c.nets), ("systems", c.systems),
                                                         ("bearers", c.bearers)) if ids]
        whom = f" by its units ({', '.join(c.units)})" if c.units else ""
        return f"none of its {'; '.join(named)} is in use{whom}{where}"
    return "nothing it names is in use"


# --- injects ----------------------------------------------------------------------------


def _net_down(inj: Inject, picture: CommsPicture, model: Exercise, sources: Locator) -> Diagnostic | None:
    """inject-net-down: every recipient on the inject's net is off it at the inject's time."""
    nid = t.cast(str, inj.net)
    on_net = [u for u in dict.fromkeys(inj.to) if (nid, u) in picture.usable]
    if not on_net or any(contains(picture.receiving((nid, u)), inj.time) for u in on_net):
        return None
    why, planned = [], True
    for u in on_net:
        reason = picture.reasons.get((nid, u))
        if reason:
            why.append(f"{u} cannot use it: {reason}")
            planned = False
        else:
            ids = next((d.constraints for d in picture.down.get((nid, u), ()) if d.start <= inj.time < d.end), ())
            why.append(f"{u} off it ({', '.join(ids)})")
            planned = planned and all(getattr(model.get("constraints", c), "intended", False) for c in ids)
    msg = (f"inject {inj.id} is delivered on {nid} at {model.dtime(inj.time)}, but none of its recipients "
           f"can receive it there: {_listing(why, '; ')}")
    if planned:
        msg += "; every cause is an intended constraint, so the traffic is expected on another PACE level"
    severity = Severity.INFO if planned else _severity("inject-net-down")
    return at(sources, f"{inj.pointer}/net", "inject-net-down", msg, severity)


def _bearer_down(inj: Inject, bearers: InjectBearers, model: Exercise, sources: Locator) -> Diagnostic | None:
    """inject-bearer-down: every bearer the recipients could receive the inject over is down."""
    cut = bearers.cut_off(inj)
    if not cut:
        return None
    who = [f"{c.unit} ({'; '.join(b + ' down: ' + ', '.join(ids) for b, ids in c.bearers)})" for c in cut]
    msg = (f"inject {inj.id} goes by {inj.method} at {model.dtime(inj.time)}, but every bearer its recipients "
           f"could receive it over is down: {_listing(who, '; ')}")
    return at(sources, f"{inj.pointer}/method", "inject-bearer-down", msg, _severity("inject-bearer-down"))
