"""Every semantic rule's code, severity and one-line summary: the table docs/diagnostics.md is checked against."""

from __future__ import annotations

from exgen.core.diagnostics import Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# code → (severity, one-line summary). Codes are a public contract: never rename one.
RULES: dict[str, tuple[Severity, str]] = {
    # references and ids
    "unknown-reference": (E, "a reference names an id that does not exist (or is of the wrong kind)"),
    "duplicate-id": (E, "two elements of the same kind share an id (in any case, for ids that become file names)"),
    "reserved-id": (E, "an id that becomes a file name is a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9)"),
    "ambiguous-id": (E, "a unit, role player, cell and controller share an id, so inject 'from' is ambiguous"),
    "duplicate-pace": (W, "two PACE plans cover the same pair of units"),
    "hierarchy-cycle": (E, "a unit's parent chain loops back to itself"),
    "contingency-loop": (E, "an inject's contingency chain loops back to itself"),
    # times
    "invalid-window": (E, "an end time is not after its start (ENDEX after STARTEX, constraint start before end)"),
    "time-outside-exercise": (E, "an inject or constraint time falls outside STARTEX..ENDEX"),
    "long-exercise": (E, "the exercise lasts longer than exercise.max_days (60 days unless set)"),
    # doctrinal structure: phases, main events → main incidents → injects, MEL/MIL columns
    "phases-overlap": (W, "two phases overlap in time"),
    "incident-outside-phase": (E, "a main incident's start or end lies outside its phase"),
    "inject-outside-phase": (W, "an inject falls in no phase, or outside the phase of the incident it serves"),
    "event-without-injects": (W, "a main event is carried by no inject (through its main incidents)"),
    "unknown-msel-column": (W, "exercise.msel_columns names a custom field no inject carries"),
    # codes and values
    "banner-too-long": (E, "classification and marking are too long for a printed page header (Excel: 255 characters)"),
    "unknown-nation": (E, "a nation is neither an ISO 3166-1 alpha-2 code (XK allowed) nor a known organisation"),
    "unknown-language": (E, "a language is not an ISO 639-1 code, nor an ISO 639-3 code where ISO 639-1 has none"),
    "language-country-code": (W, "a language code is also a country's ISO 3166 alpha-3 code (srb: Sora, not Serbian)"),
    "invalid-sidc": (E, "a SIDC is not a structurally valid APP-6(D) / MIL-STD-2525D/E code"),
    "sidc-echelon-mismatch": (W, "a land unit's SIDC echelon amplifier disagrees with its echelon"),
    "sidc-identity": (W, "a SIDC's standard identity contradicts the unit's role"),
    "unknown-sidc-entity": (E, "a SIDC's entity digits (11-16) are not an entity of its symbol set"),
    "sidc-entity-mismatch": (W, "a SIDC's entity contradicts what the unit's name (or category) says it is"),
    "unknown-threat-id": (E, "a threat id is not in the DISARM or ATT&CK catalogue"),
    "threat-id-mismatch": (W, "a threat id's catalogue does not fit the threat kind"),
    # personas
    "persona-generated": (INFO, "exgen invents a role player's name or details (listed so none goes unnoticed)"),
    "unknown-culture": (E, "a culture is neither one of exgen's named name lists nor a locale with person names"),
    # coverage
    "objective-not-exercised": (W, "no inject exercises a training objective"),
    "objective-not-evaluated": (W, "no evaluator evaluates a training objective"),
    "unit-without-inject": (W, "a training-audience unit receives no inject"),
    # consistency
    "inject-to-self": (W, "an inject is sent from a unit to itself"),
    "contingency-before-trigger": (W, "a contingency inject is not after the inject that triggers it"),
    "pace-net-not-shared": (E, "a PACE level's net does not have both units of the pair as members"),
    "net-control-not-member": (W, "a net's control station is not a member of the net"),
    "inject-net-not-member": (W, "an inject is delivered on a net that a recipient is not a member of"),
    # comms effects (exgen/check/comms_effects.py): bearers, GNSS dependence, silence
    "constraint-no-effect": (W, "a constraint affects no net, unit or system in its window and area"),
    "gnss-position-unreliable": (W, "GNSS jamming or spoofing spoils the position reports of units' systems"),
    "inject-net-down": (W, "an inject is delivered on a net that none of its recipients can receive at its time"),
    "inject-bearer-down": (W, "an inject goes by a method whose bearers are down for all its recipients"),
    # capability gaps (exgen/check/rules/gaps.py): the register named by `register:`
    "gap-untested": (W, "an open or in-progress gap of the register is named by no objective's or inject's gaps"),
    "unknown-gap": (E, "a gaps entry names no gap of the register (or no register is named)"),
}
