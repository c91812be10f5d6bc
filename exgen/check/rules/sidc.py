"""Rules on unit symbol codes (SIDC): structure, entity, echelon and standard identity.

What each digit means comes from :mod:`exgen.core.sidc` (MIL-STD-2525D/E, APP-6(D)) and, for the
entity (digits 11-16), from the tables the drawing library ships (:mod:`exgen.core.symbol_tables`,
read once, and only when a unit has a code). The unit's name is compared with what its code
draws through a small vocabulary (:mod:`exgen.core.symbol_terms`): a warning only when the name
states functions and the code is none of them. Modifiers (17-20) and digits 21-30 (2525E set C;
national extensions in APP-6(D)) are not checked.
"""

from __future__ import annotations

import typing as t

from exgen.core import symbol_tables, symbol_terms
from exgen.core.sidc import (
    AMPLIFIERS,
    CONTEXTS,
    DIGITS,
    ECHELON_SETS,
    ECHELONS,
    HQ_TF_DUMMY,
    IDENTITIES,
    STATUSES,
    SYMBOL_SETS,
    UNIT_ECHELON,
    VERSIONS,
)

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx
    from exgen.model import Unit

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
    else:
        problems.extend(_amplifier_problems(sidc[4:6], sidc[8:10]))
    return problems


def _amplifier_problems(symbol_set: str, amplifier: str) -> list[str]:
    """What is wrong with digits 9-10 in ``symbol_set`` (00, no amplifier, is always right).

    >>> _amplifier_problems("10", "33")[0][:74]
    'digits 9-10 (echelon) are 33 (tracked, for land equipment (15)); expected '
    >>> print(*_amplifier_problems("15", "16"))
    digits 9-10 (amplifier) are 16 (an echelon, for land units and land civilian units); \
land equipment takes 00 or 31-37, 41-42, 51-52
    """
    if amplifier == "00" or (symbol_set in ECHELON_SETS and amplifier in ECHELONS):
        return []
    group = AMPLIFIERS.get(amplifier[0])
    if amplifier in ECHELONS:
        what = " (an echelon, for land units and land civilian units)"
    elif group is not None and amplifier[1] in group[1]:
        if symbol_set in group[0]:
            return []
        sets = " and ".join(f"{SYMBOL_SETS[s]} ({s})" for s in sorted(group[0]))
        what = f" ({group[1][amplifier[1]]}, for {sets})"
    else:
        what = ", which is no amplifier"
    if symbol_set in ECHELON_SETS:
        return [f"digits 9-10 (echelon) are {amplifier}{what}; expected 00 (none), {_choices(ECHELONS)}"]
    own = [f"{g}{min(v)}-{g}{max(v)}" for g, (sets, v) in AMPLIFIERS.items() if symbol_set in sets]
    return [f"digits 9-10 (amplifier) are {amplifier}{what}; {SYMBOL_SETS[symbol_set]} takes "
            f"{'00 or ' + ', '.join(own) if own else '00 (no amplifier)'}"]


def _echelon(ctx: Ctx, u: Unit, pointer: str) -> None:
    """sidc-echelon-mismatch for one land (or land civilian) unit with a valid code."""
    amplifier, expected = u.sidc[8:10], UNIT_ECHELON.get(u.echelon)
    if u.sidc[4:6] not in ECHELON_SETS or expected is None or amplifier == expected:
        return
    shown = f"{amplifier} ({ECHELONS[amplifier]})" if amplifier in ECHELONS else "00, no echelon"
    msg = (f"unit {u.id} is a {u.echelon} but its SIDC echelon (digits 9-10) is {shown}; "
           f"a {u.echelon} is {expected} ({ECHELONS[expected]}): {u.sidc[:8]}{expected}{u.sidc[10:]}")
    ctx.add("sidc-echelon-mismatch", pointer, msg)


def _entity(ctx: Ctx, u: Unit, pointer: str) -> None:
    """unknown-sidc-entity and sidc-entity-mismatch for one unit with a structurally valid code."""
    symbols = symbol_tables.symbol_set(u.sidc[4:6])
    code = u.sidc[10:16]
    if symbols is None or not symbols.tabled or code == symbol_tables.NO_ENTITY:
        return
    said = symbol_terms.stated(u.name, u.short_name)
    source = "name"
    if not said:
        said, source = symbol_terms.stated(u.category), "category"
    entity = symbols.entity(code)
    if entity is None:
        msg = (f"unit {u.id} has SIDC '{u.sidc}', whose entity (digits 11-16) {code} is not in the "
               f"{symbols.name} symbol set ({symbols.code}) of APP-6(D) / MIL-STD-2525D/E: {_unknown(symbols, code)}"
               f"{_says(said, source)}{_instead(symbols, said, u.sidc)}; list codes with `exgen symbols search WORD`")
        ctx.add("unknown-sidc-entity", pointer, msg)
        return
    if not said or any(symbol_terms.fits(symbols, term, code) is not False for term in said):
        return
    msg = (f"unit {u.id} has SIDC '{u.sidc}': …{code}… (digits 11-16) is {entity.name} "
           f"({symbols.describe(code)}), but{_says(said, source)[1:]}{_instead(symbols, said, u.sidc)}")
    ctx.add("sidc-entity-mismatch", pointer, msg)


def _unknown(symbols: symbol_tables.SymbolSet, code: str) -> str:
    """What the known part of an unknown entity ``code`` means, and what the next level may be."""
    known = symbols.nearest(code)
    if known is None:
        entities = ", ".join(f"{e.code[:2]} {e.name}" for e in symbols.entities.values() if e.level == 0)
        return f"there is no entity {code[:2]}; its entities are {entities}"
    level = ("type", "subtype")[known.level]
    digits = code[2:4] if known.level == 0 else code[4:6]
    children = symbols.children(known.code)
    listed = f" (its {level}s: {', '.join(f'{c.code} {c.name}' for c in children)})" if len(children) <= 6 else ""
    return f"{known.code} is {symbols.describe(known.code)}, which has no {level} {digits}{listed}"


def _says(said: list[symbol_terms.Term], source: str) -> str:
    return f"; its {source} says {' and '.join(term.label for term in said)}" if said else ""


def _instead(symbols: symbol_tables.SymbolSet, said: list[symbol_terms.Term], sidc: str) -> str:
    """``"; engineer is 140700 (protection › engineer): 1013…"``: the code for what the unit says it is."""
    for term in said:
        usual = symbol_terms.usual(symbols, term)
        if usual is not None:
            whole = f"{sidc[:10]}{usual.code}{sidc[16:]}"
            return f"; {term.label} is {usual.code} ({symbols.describe(usual.code)}): {whole}"
    return ""


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
    """invalid-sidc, then unknown-sidc-entity, sidc-entity-mismatch, sidc-echelon-mismatch and
    sidc-identity on codes that are valid."""
    for u in ctx.model.units:
        if not u.sidc:
            continue
        pointer = f"{u.pointer}/sidc"
        problems = sidc_problems(u.sidc)
        if problems:
            msg = f"unit {u.id} has SIDC '{u.sidc}', which is not a valid symbol code: {'; '.join(problems)}"
            ctx.add("invalid-sidc", pointer, msg)
            continue
        _entity(ctx, u, pointer)
        _echelon(ctx, u, pointer)
        _identity(ctx, u, pointer)


CHECKS = (check_sidcs,)
