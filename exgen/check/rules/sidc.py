"""Rules on unit symbol codes (SIDC): structure, echelon and standard identity.

What each digit means comes from :mod:`exgen.core.sidc` (MIL-STD-2525D/E, APP-6(D)). Only
what is defined the same way for every symbol set is checked structurally; digits 11-20
(entity, modifiers) and 21-30 (2525E set C; national extensions in APP-6(D)) are not checked.
"""

from __future__ import annotations

import typing as t

from exgen.core.sidc import (
    CONTEXTS,
    DIGITS,
    ECHELONS,
    HQ_TF_DUMMY,
    IDENTITIES,
    LAND_UNIT,
    STATUSES,
    SYMBOL_SETS,
    VERSIONS,
)

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx
    from exgen.model import Unit

# exgen's unit.echelon → amplifier; "headquarters" and "none" say nothing about size.
UNIT_ECHELON = {
    "team": "11", "squad": "12", "section": "13", "platoon": "14", "company": "15", "battalion": "16",
    "regiment": "17", "brigade": "18", "division": "21", "corps": "22", "army": "23", "command": "26",
}
FRIENDLY, HOSTILE = frozenset("23"), frozenset("56")  # assumed friend/friend; suspect/hostile


def _choices(table: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in table.items())


def sidc_problems(sidc: str) -> list[str]:
    """What is structurally wrong with ``sidc`` (empty when nothing is).

    >>> sidc_problems("10031000161211000000")
    []
    >>> sidc_problems("12031000161211000000")
    ['digits 1-2 (version) are 12; expected 10 or 11 (2525D / APP-6(D)) or 13-15 (2525E)']
    """
    if not DIGITS.match(sidc):
        return ["it must be 20 digits (2525D / APP-6(D)) or 30 digits (2525E)"]
    problems = []
    if sidc[0:2] not in VERSIONS:
        problems.append(f"digits 1-2 (version) are {sidc[0:2]}; expected 10 or 11 (2525D / APP-6(D)) "
                        "or 13-15 (2525E)")
    for digit, name, table in ((3, "context", CONTEXTS), (4, "standard identity", IDENTITIES),
                               (7, "status", STATUSES), (8, "headquarters/task force/dummy", HQ_TF_DUMMY)):
        value = sidc[digit - 1]
        if value not in table:
            problems.append(f"digit {digit} ({name}) is {value}; expected 0-{max(table)}")
    if sidc[4:6] not in SYMBOL_SETS:
        problems.append(f"digits 5-6 (symbol set) are {sidc[4:6]}; expected one of {', '.join(SYMBOL_SETS)}")
    elif sidc[4:6] == LAND_UNIT and sidc[8] in "12" and sidc[8:10] not in ECHELONS:
        problems.append(f"digits 9-10 (echelon) are {sidc[8:10]}; expected {_choices(ECHELONS)}")
    return problems


def _echelon(ctx: Ctx, u: Unit, pointer: str) -> None:
    """sidc-echelon-mismatch for one land unit with a valid code."""
    amplifier, expected = u.sidc[8:10], UNIT_ECHELON.get(u.echelon)
    if u.sidc[4:6] != LAND_UNIT or amplifier not in ECHELONS or expected is None or amplifier == expected:
        return
    msg = (f"unit {u.id} is a {u.echelon} but its SIDC echelon (digits 9-10) is {amplifier} "
           f"({ECHELONS[amplifier]}); a {u.echelon} is {expected}")
    ctx.add("sidc-echelon-mismatch", pointer, msg)


def _identity(ctx: Ctx, u: Unit, pointer: str) -> None:
    """sidc-identity for one unit with a valid code."""
    identity = u.sidc[3]
    if u.role == "opfor" and identity in FRIENDLY:
        usual = "6 (hostile)"
    elif u.role == "training-audience" and identity in HOSTILE:
        usual = "3 (friend)"
    else:
        return
    msg = (f"unit {u.id} is {u.role} but its SIDC standard identity (digit 4) is {identity} "
           f"({IDENTITIES[identity]}); {u.role} units are usually {usual}")
    ctx.add("sidc-identity", pointer, msg)


def check_sidcs(ctx: Ctx) -> None:
    """invalid-sidc, then sidc-echelon-mismatch and sidc-identity on codes that are valid."""
    for u in ctx.model.units:
        if not u.sidc:
            continue
        pointer = f"{u.pointer}/sidc"
        problems = sidc_problems(u.sidc)
        if problems:
            msg = f"unit {u.id} has SIDC '{u.sidc}', which is not a valid symbol code: {'; '.join(problems)}"
            ctx.add("invalid-sidc", pointer, msg)
            continue
        _echelon(ctx, u, pointer)
        _identity(ctx, u, pointer)


CHECKS = (check_sidcs,)
