"""Rules on personas: cultures exgen knows, and every persona detail exgen invents.

A ``culture`` (on the exercise, a unit or a role player) must be one of exgen's named lists
or a locale it can draw names from (:mod:`exgen.core.cultures`). Each role player whose name or
contact details exgen invents is listed as information (``persona-generated``), naming the
culture or nation the invention comes from: the same resolution enrich uses
(:func:`exgen.core.cultures.persona_source`), so the message says what the package will print.
"""

from __future__ import annotations

import typing as t

from exgen.core import cultures
from exgen.core.suggest import Suggester, hint

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx


def _unknown(ctx: Ctx, owner: str, culture: str, pointer: str, suggest: Suggester) -> None:
    if culture and not cultures.known(culture):
        named = ", ".join(sorted(cultures.NAMED_CULTURES))
        msg = (f"{owner} has culture '{culture}', which is neither one of exgen's named lists ({named}) nor a "
               f"locale with person names such as hr_HR{hint(suggest.closest(culture))}")
        ctx.add("unknown-culture", pointer, msg)


def check_cultures(ctx: Ctx) -> None:
    """unknown-culture: exercise, unit and role-player cultures name a list or locale exgen has."""
    m = ctx.model
    used = [m.info.culture, *(u.culture for u in m.units), *(r.culture for r in m.role_players)]
    if not any(c and not cultures.known(c) for c in used):
        return
    suggest = Suggester(cultures.candidates())
    _unknown(ctx, "the exercise", m.info.culture, f"{m.info.pointer}/culture", suggest)
    for u in m.units:
        _unknown(ctx, f"unit {u.id}", u.culture, f"{u.pointer}/culture", suggest)
    for r in m.role_players:
        _unknown(ctx, f"role player {r.id}", r.culture, f"{r.pointer}/culture", suggest)


def check_generated_personas(ctx: Ctx) -> None:
    """persona-generated: each role player whose name, phone or e-mail exgen invents, and from what."""
    setting = ctx.model.info.culture
    for r in ctx.model.role_players:
        named = bool(r.name.strip())
        nation = cultures.persona_nation(r.nation, ctx.model.info.working_language)
        source = cultures.persona_source(r.culture, nation, setting)
        if source is None and not named:
            continue  # a fictional actor without a culture: printed as what it portrays, nothing invented
        what = "the phone number and e-mail address" if named else "the name, phone number and e-mail address"
        who = f"role player {r.id} ({r.name})" if named else f"role player {r.id} ({r.portrays})"
        if source is not None:
            msg = f"exgen invents {what} of {who}, from {source.describe()}"
        else:
            msg = f"exgen invents {what} of {who}, with no nation or culture to follow (a UK drama-range number)"
        if not named:
            msg += "; write name: to choose the name yourself"
        ctx.add("persona-generated", r.pointer, msg)


CHECKS = (check_cultures, check_generated_personas)
