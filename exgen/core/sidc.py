"""What the digits of a symbol identification code (SIDC) mean: one copy of the tables.

Tables from the public standards MIL-STD-2525D (2014) and its Change 1, MIL-STD-2525E (2020),
and NATO APP-6(D) (2017), "Symbol identification code" appendix (set A, digits 1-10), as
mirrored by DISA's Joint Military Symbology XML (JMSML). Digits are numbered from 1, as the
standards do; digit ``n`` is ``sidc[n - 1]``. Only what is defined the same way for every
symbol set is tabled here; the entities of each set (digits 11-16) are read from the drawing
library's tables by :mod:`exgen.core.symbol_tables`; modifiers (17-20) and digits 21-30 (2525E
set C; national extensions in APP-6(D)) are not tabled.

The rules (:mod:`exgen.check.rules.sidc`) check codes against these tables; the exports
(:mod:`exgen.render.filters`) read identity, symbol set and echelon from them.
"""

from __future__ import annotations

import re

#: A whole code: 20 digits (2525D / APP-6(D)) or 30 digits (2525E).
DIGITS = re.compile(r"^(?:[0-9]{20}|[0-9]{30})$")

#: Digits 1-2, version. 10 is 2525D and APP-6(D); 11 is 2525D Change 1; 13 is 2525E. 14 and 15
#: are accepted for later 2525E/APP-6(E) changes (not verified against the standards' text);
#: 12 is not assigned, so tools cannot pick a symbology for it.
VERSIONS = {"10": "2525D / APP-6(D)", "11": "2525D Change 1", "13": "2525E", "14": "2525E", "15": "2525E"}
#: Digit 3, context (values 3-9 reserved).
CONTEXTS = {"0": "reality", "1": "exercise", "2": "simulation"}
#: Digit 4, standard identity (values 7-9 reserved).
IDENTITIES = {
    "0": "pending", "1": "unknown", "2": "assumed friend", "3": "friend", "4": "neutral",
    "5": "suspect/joker", "6": "hostile/faker",
}
#: Digits 5-6, symbol set.
SYMBOL_SETS = {
    "01": "air", "02": "air missile", "05": "space", "06": "space missile", "10": "land unit",
    "11": "land civilian unit/organisation", "15": "land equipment", "20": "land installation",
    "25": "control measure", "27": "dismounted individual", "30": "sea surface", "35": "sea subsurface",
    "36": "mine warfare", "40": "activity/event", "45": "atmospheric", "46": "oceanographic",
    "47": "meteorological space", "50": "signals intelligence space", "51": "signals intelligence air",
    "52": "signals intelligence land", "53": "signals intelligence surface",
    "54": "signals intelligence subsurface", "60": "cyberspace",
}
#: The symbol set of land units, the one whose digits 9-10 are an echelon.
LAND_UNIT = "10"
#: Digit 7, status.
STATUSES = {
    "0": "present", "1": "planned/anticipated/suspect", "2": "present, fully capable",
    "3": "present, damaged", "4": "present, destroyed", "5": "present, full to capacity",
}
#: Digit 8, headquarters / task force / dummy.
HQ_TF_DUMMY = {
    "0": "not applicable", "1": "feint/dummy", "2": "headquarters", "3": "feint/dummy headquarters",
    "4": "task force", "5": "feint/dummy task force", "6": "task force headquarters",
    "7": "feint/dummy task force headquarters",
}
#: Digits 9-10 for land units and land civilian units (symbol sets 10 and 11): echelon amplifiers
#: (1x brigade and below, 2x above).
ECHELONS = {
    "11": "team/crew", "12": "squad", "13": "section", "14": "platoon/detachment",
    "15": "company/battery/troop", "16": "battalion/squadron", "17": "regiment/group", "18": "brigade",
    "21": "division", "22": "corps", "23": "army", "24": "army group/front", "25": "region/theatre",
    "26": "command",
}
#: exgen's ``unit.echelon`` → its amplifier; "headquarters" and "none" say nothing about size.
UNIT_ECHELON = {
    "team": "11", "squad": "12", "section": "13", "platoon": "14", "company": "15", "battalion": "16",
    "regiment": "17", "brigade": "18", "division": "21", "corps": "22", "army": "23", "command": "26",
}
#: The symbol sets whose digits 9-10 are an echelon (land units, land civilian units/organisations).
ECHELON_SETS = frozenset({LAND_UNIT, "11"})
#: Digits 9-10 in the other symbol sets: digit 9 names a group of amplifiers, each for its own sets
#: (the mobility of land equipment, the towed array of ships and submarines, the leader of a
#: dismounted individual, 2525E); digit 10 one amplifier of the group. 00 is always "none".
AMPLIFIERS: dict[str, tuple[frozenset[str], dict[str, str]]] = {
    "3": (frozenset({"15"}), {
        "1": "wheeled (limited cross-country)", "2": "wheeled (cross-country)", "3": "tracked",
        "4": "wheeled and tracked", "5": "towed", "6": "rail", "7": "pack animals"}),
    "4": (frozenset({"15"}), {"1": "over snow (prime mover)", "2": "sled"}),
    "5": (frozenset({"15"}), {"1": "barge", "2": "amphibious"}),
    "6": (frozenset({"30", "35"}), {"1": "short towed array", "2": "long towed array"}),
    "7": (frozenset({"27"}), {"1": "leader individual", "2": "deputy individual"}),
}
