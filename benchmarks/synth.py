"""Synthetic, realistic and *valid* exercise definitions of any size, for the benchmarks.

``definition(n)`` gives the data of a multinational corps-sized CPX with ``n`` injects,
modelled on scenarios/adriatic-shield: the same kinds of systems, a division played by
HICON over brigades of battalions and companies (units ~ n/20), brigade and battalion
nets with PACE plans that always end on a courier, jamming / GNSS / EMCON / outage
constraints (~ n/50), EXCON cells, role players, controllers and evaluators, and injects
with real DISARM / ATT&CK ids from exgen/data/catalogues and required reports and orders.

Everything comes from one ``random.Random(seed)``: same n and seed, same bytes. The
definitions validate with 0 errors and 0 warnings (comms findings are ``info``: every
constraint is marked intended), so ``exgen validate`` runs the whole pipeline.

    python benchmarks/synth.py 10000 -o /tmp/ex-10000.yaml
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import typing as t
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "exgen" / "data" / "catalogues"

# --- reference tables -----------------------------------------------------------------

# nation → (language, adjective) for the contributing nations.
NATIONS = {
    "HR": ("hr", "Croatian"), "ME": ("sr", "Montenegrin"), "AL": ("sq", "Albanian"),
    "MK": ("mk", "North Macedonian"), "BG": ("bg", "Bulgarian"), "RO": ("ro", "Romanian"),
    "GR": ("el", "Greek"), "SI": ("sl", "Slovenian"), "HU": ("hu", "Hungarian"),
    "PL": ("pl", "Polish"), "CZ": ("cs", "Czech"), "SK": ("sk", "Slovak"), "IT": ("it", "Italian"),
}
NATION_CODES = list(NATIONS)

# Systems as in the flagship (same ids, bands, waveforms, crypto, GNSS dependence).
SYSTEMS: list[dict[str, t.Any]] = [
    {"id": "HF-4538", "name": "HF manpack and vehicle radio, STANAG 4538 (3G ALE) with STANAG 4285 data",
     "kind": "radio", "bands": ["HF"], "waveforms": ["STANAG-4538", "STANAG-4285", "MIL-STD-188-141-ALE",
                                                     "HF-SSB-VOICE"],
     "crypto": ["NATO-A"], "gnss_dependent": False,
     "description": "Beyond-line-of-sight voice and data; keeps time on its internal clock."},
    {"id": "VHF-FH", "name": "VHF combat net radio, SINCGARS-compatible frequency hopping", "kind": "radio",
     "bands": ["VHF"], "waveforms": ["SINCGARS", "VHF-FM-SC"], "crypto": ["NATO-A"], "gnss_dependent": True,
     "description": "30-88 MHz combat net radio; hopping nets take time-of-day from GPS."},
    {"id": "UHF-SATCOM", "name": "UHF tactical satellite terminal (DAMA)", "kind": "satcom", "bands": ["UHF"],
     "waveforms": ["MIL-STD-188-181", "DAMA-183"], "crypto": ["NATO-A"], "gnss_dependent": True,
     "description": "Narrowband tactical SATCOM for voice and low-rate data."},
    {"id": "SHF-SATCOM", "name": "SHF deployable satellite terminal (brigade reach-back)", "kind": "satcom",
     "bands": ["SHF"], "waveforms": ["NATO-SHF-IP"], "crypto": ["NATO-A"], "gnss_dependent": True,
     "description": "Wideband IP reach-back to division; automatic pointing uses GNSS."},
    {"id": "TAC-LTE", "name": "Deployable tactical LTE network (brigade private cellular)", "kind": "network",
     "bands": ["cellular"], "waveforms": ["LTE"], "crypto": ["NATO-R"], "gnss_dependent": True,
     "description": "Brigade private LTE for C2 messaging and blue force tracking."},
    {"id": "MIDS-LVT", "name": "Link 16 terminal (MIDS LVT)", "kind": "datalink", "bands": ["UHF"],
     "waveforms": ["STANAG-5516"], "crypto": ["NATO-A"], "gnss_dependent": True,
     "description": "Tactical data link for the recognised air picture and fire support coordination."},
    {"id": "CIV-GSM", "name": "Commercial mobile phone (host-region operator)", "kind": "phone",
     "bands": ["cellular"], "waveforms": ["GSM", "LTE"], "gnss_dependent": False,
     "description": "Commercial handsets for liaison with civil authorities; UNCLASSIFIED only."},
    {"id": "R-173", "name": "R-173 VHF vehicle radio (legacy)", "kind": "radio", "bands": ["VHF"],
     "waveforms": ["VHF-FM-SC"], "legacy": True, "gnss_dependent": False,
     "description": "Analogue single-channel FM; can only join plain single-channel FM nets."},
    {"id": "R-123M", "name": "R-123M VHF vehicle radio (legacy, BTR-80 fit)", "kind": "radio", "bands": ["VHF"],
     "waveforms": ["VHF-FM-SC"], "legacy": True, "gnss_dependent": False,
     "description": "Analogue single-channel FM fitted in older armoured personnel carriers."},
]
SYSTEM_BY_ID = {s["id"]: s for s in SYSTEMS}

# Equipment by kind of unit.
KIT = {
    "division": ["HF-4538", "UHF-SATCOM", "SHF-SATCOM", "MIDS-LVT"],
    "brigade": ["HF-4538", "VHF-FH", "UHF-SATCOM", "SHF-SATCOM", "TAC-LTE", "MIDS-LVT", "CIV-GSM"],
    "battalion": ["HF-4538", "VHF-FH", "UHF-SATCOM", "TAC-LTE", "CIV-GSM"],
    "company": ["HF-4538", "VHF-FH", "TAC-LTE", "CIV-GSM"],
    "mech-company": ["HF-4538", "VHF-FH", "TAC-LTE", "R-123M", "CIV-GSM"],
    "signal": ["HF-4538", "VHF-FH", "UHF-SATCOM", "SHF-SATCOM", "TAC-LTE", "CIV-GSM"],
    "logistic": ["HF-4538", "VHF-FH", "UHF-SATCOM", "TAC-LTE", "CIV-GSM"],
    "cimic": ["VHF-FH", "TAC-LTE", "CIV-GSM"],
    "engineer": ["HF-4538", "VHF-FH", "TAC-LTE", "R-173", "CIV-GSM"],
}

# Enablers of a brigade: (suffix, name, echelon, kit, APP-6(D) entity digits 11-16).
ENABLERS = [
    ("SIGCOY", "Signal Company", "company", "signal", "111000"),
    ("LOGBN", "Logistic Support Battalion", "battalion", "logistic", "160600"),
    ("CIMIC", "Civil-Military Liaison Team", "team", "cimic", "110300"),
    ("ENGCOY", "Engineer Company", "company", "engineer", "140700"),
]
BATTALIONS = [("Infantry Battalion", "121100", "company"), ("Mechanised Infantry Battalion", "121102",
                                                              "mech-company")]
ECHELON_DIGITS = {"team": "11", "platoon": "14", "company": "15", "battalion": "16", "brigade": "18",
                  "division": "21"}
ORDINAL = {1: "st", 2: "nd", 3: "rd"}

# Fictional places of the Dalvora Region (the flagship's) and further fictional districts.
PLACES = ["Dolmira", "Vrelgrad", "Port Selvana", "Lumera", "Ilvora", "Zarnik", "Kastrava", "Brelo",
          "Sveta Mara", "Dunvik", "Orlen", "Petrova Glava", "Marovo", "Tesla Pass", "Gornji Ravan",
          "Lake Sinja", "Korda", "Velika Strana", "Bistrac", "Mostina"]
SITES = ["the 400 kV line", "the Ilvora rail bridge", "the Lumera power plant", "the fuel terminal",
         "the water treatment plant", "the regional hospital", "the border crossing point",
         "substation {n}", "tower {n}", "the signalling centre", "the main supply route", "the port gate",
         "the district police station", "the mobile network mast on hill {n}"]

OBJECTIVES = [
    ("TO-1", "Maintain brigade command and control in a contested electromagnetic environment",
     "Command and control under electronic attack, GNSS denial and emission control"),
    ("TO-2", "Maintain a shared operational picture across a multinational, multilingual force",
     "Multinational interoperability of procedures, equipment and reporting"),
    ("TO-3", "Protect critical energy and transport infrastructure with host-region authorities",
     "Military support to civil authorities for critical infrastructure protection"),
    ("TO-4", "Detect and counter disinformation directed at the force and the population",
     "Information environment assessment and coordinated strategic communication"),
    ("TO-5", "Recognise and respond to cyber incidents affecting own systems and infrastructure",
     "Cyber incident handling and resilience of deployed CIS"),
    ("TO-6", "Support host-region border authorities against paramilitary and organised crime",
     "Security operations in support of law enforcement within the rules of engagement"),
    ("TO-7", "Sustain the force when lines of communication are disrupted",
     "Sustainment planning and execution under disruption"),
    ("TO-8", "Coordinate joint fires and airspace in a congested battlespace",
     "Joint fires coordination and airspace control"),
    ("TO-9", "Conduct casualty evacuation and medical support to civil emergencies",
     "Medical planning and civil-military medical coordination"),
    ("TO-10", "Handle detainees and evidence in accordance with host-region law",
     "Military police support and chain of custody"),
    ("TO-11", "Plan and execute the relief in place of a battalion under threat",
     "Relief in place and battle handover"),
]

CELLS = [
    {"id": "WHITE-CELL", "title": "Role play of civil actors and media; higher/lower control coordination",
     "lead": "Chief White Cell (HR)"},
    {"id": "HICON", "title": "Higher control - plays the Multinational Corps and Division headquarters",
     "lead": "Chief HICON (RO)"},
    {"id": "LOCON", "title": "Lower control - plays the platoons and the enablers not trained",
     "lead": "Chief LOCON (BG)"},
    {"id": "RED-CELL", "title": "Opposing force and hybrid threat cell", "lead": "Chief Red Cell (AL)"},
]

# Role-player archetypes: (id stem, cell, portrays, organisation, red?).
ARCHETYPES = [
    ("JOURNALIST", "WHITE-CELL", "Investigative reporter for the regional news portal {place} Pulse",
     "{place} Pulse", False),
    ("MAYOR", "WHITE-CELL", "Mayor of {place}", "{place} Municipality", False),
    ("GRID-DUTY", "WHITE-CELL", "Duty dispatcher at the {place} grid control centre",
     "Dalvora Power Company", False),
    ("BORDER-CDR", "WHITE-CELL", "Commander of the {place} border police station",
     "Dalvora Regional Border Police", False),
    ("SPOKESPERSON", "WHITE-CELL", "Spokesperson of the regional Ministry of Interior in {place}",
     "Dalvora Regional Government", False),
    ("RAIL-DISPATCH", "WHITE-CELL", "Chief traffic controller of Dalvora Railways at {place}",
     "Dalvora Railways", False),
    ("HARBOUR", "WHITE-CELL", "Harbour master of {place}", "Port Authority", False),
    ("HOSPITAL", "WHITE-CELL", "Medical director of the {place} general hospital", "{place} General Hospital",
     False),
    ("FHL-LEADER", "RED-CELL", "Commander of the Free Highlands Legion militia around {place}",
     "Free Highlands Legion (FHL)", True),
    ("KTV-PRESENTER", "RED-CELL", "News presenter of the Korvanian state broadcaster KTV-1",
     "KTV-1 (Korvanian state television)", True),
    ("KESTREL-FIXER", "RED-CELL", "Fixer of the Kestrel smuggling network in {place}", "Kestrel network", True),
]

# --- inject themes --------------------------------------------------------------------

Theme = dict[str, t.Any]
THEMES: list[Theme] = [
    {"kind": "disinformation", "sender": ["KTV-PRESENTER", "JOURNALIST"], "method": ["media", "social-media"],
     "objectives": ["TO-4"], "catalogue": "DISARM", "actor": "Korvanian Federation (KTV-1)",
     "ids": ["T0023", "T0111", "T0083", "T0049.003", "T0087.001", "T0097.105", "T0085", "T0086", "T0046",
             "T0022", "T0068", "T0102", "T0016", "T0015", "T0072", "T0100"],
     "title": ["Viral video claims {unit} troops mistreated civilians in {place}",
               "KTV-1 reports that the brigade will close {site} and expel residents",
               "Telegram channels spread a forged order signed by the {unit} commander",
               "Deepfake audio of a {nation} officer threatening the mayor of {place}"],
     "desc": ("A {medium} item reaches {n} thousand views: footage of {unit} "
              "near {place}, captioned {claim}."),
     "action": ("{unit} does not comment and reports to {parent}."),
     "requires": [("report", "up", "1h")]},
    {"kind": "cyber", "sender": ["GRID-DUTY", "RAIL-DISPATCH"], "method": ["phone", "email"],
     "objectives": ["TO-5", "TO-3"], "catalogue": "ATTACK", "actor": "Korvanian-linked threat actor",
     "ids": ["T1566.001", "T1204.002", "T1071.001", "T1486", "T1190", "T1078", "T1110", "T1485", "T1561",
             "T1498", "T1499", "T1595", "T1565"],
     "title": ["Phishing e-mails impersonating {unit} target engineers at {site}",
               "Ransomware halts the booking and signalling systems at {place}",
               "Unknown laptop at {site} beacons to a server abroad",
               "Password-spraying attempts lock out {nation} liaison accounts"],
     "desc": ("The duty officer at {site} reports that {n} workstations show the same ransom note; an e-mail "
              "signed by {unit} was opened."),
     "action": ("{unit} reports a cyber incident to {parent} G6 and advises the operator to isolate the systems."),
     "requires": [("report", "up", "30m")]},
    {"kind": "cyber", "sender": ["GRID-DUTY"], "method": ["phone"], "objectives": ["TO-5", "TO-3"],
     "catalogue": "ATTACK", "actor": "Korvanian-linked threat actor",
     "ids": ["T0813", "T0816", "T0831", "T0855", "T0826", "T0883", "T0814", "T0800", "T0856"],
     "title": ["Grid control room loses view and breakers open at {site}",
               "Unauthorised commands trip feeders supplying {place}"],
     "desc": ("The grid dispatcher reports that the SCADA screens for {site} froze at {hh}:{mm}Z and that "
              "{n} breakers opened without an operator command. Part of {place} is without power."),
     "action": ("{unit} secures the substation with the police and reports to {parent}."),
     "requires": [("report", "up", "30m"), ("order", "down", "2h")]},
    {"kind": "sabotage", "sender": ["@LOCON"], "method": ["radio"], "objectives": ["TO-3"],
     "catalogue": None, "actor": "Free Highlands Legion",
     "title": ["Patrol finds an improvised charge at {site}", "Fire at {site}: arson suspected",
               "Rail track cut near {place}; a freight train stopped in time"],
     "desc": ("A patrol of {unit} reports at {hh}:{mm}Z that it found {n} cut bolts and a device with "
              "wires at {site} near {place}."),
     "action": ("{unit} sets a cordon and requests EOD support through {parent}."),
     "requires": [("request", "up", "30m"), ("order", "down", "1h")]},
    {"kind": "electronic-warfare", "sender": ["@EW"], "method": ["simulation"], "objectives": ["TO-1"],
     "catalogue": "ATTACK", "actor": "Korvanian 14th Electronic Warfare Regiment", "ids": ["T1498", "T0814"],
     "title": ["{band} command net unreadable in the {place} sector", "{band} net jammed near {place}"],
     "desc": ("EXCON plays barrage noise on the {band} nets of {unit} from {hh}:{mm}Z; traffic is "
              "unreadable on {n} of the assigned frequencies."),
     "action": ("{unit} sends a JAMREP to {parent} and moves to the next PACE level without waiting for orders."),
     "requires": [("report", "up", "30m")]},
    {"kind": "gnss-jamming", "sender": ["@EW"], "method": ["simulation"], "objectives": ["TO-1"],
     "catalogue": None, "actor": "Free Highlands Legion (Korvanian-supplied jammers)",
     "title": ["GPS receivers fail around {place}", "Blue force tracking freezes for {unit}"],
     "desc": ("GPS receivers of {unit} lose position and time from {hh}:{mm}Z; hopping VHF and LTE "
              "around {place} drop out for {n} minutes."),
     "action": "{unit} reports to {parent} on a GNSS-independent means and falls back on its PACE plan.",
     "requires": [("report", "up", "1h")]},
    {"kind": "paramilitary", "sender": ["BORDER-CDR", "FHL-LEADER"], "method": ["phone", "in-person"],
     "objectives": ["TO-6"], "catalogue": None, "actor": "Free Highlands Legion",
     "title": ["Armed men in unmarked uniforms block the road at {place}",
               "Militia checkpoint appears near {site}"],
     "desc": ("The border police report {n} armed men in unmarked uniforms stopping cars near {place}. They "
              "refuse to leave."),
     "action": ("{unit} supports the police, applies the ROE and reports to {parent}."),
     "requires": [("report", "up", "15m")]},
    {"kind": "organised-crime", "sender": ["BORDER-CDR", "KESTREL-FIXER"], "method": ["phone", "messenger"],
     "objectives": ["TO-6", "TO-10"], "catalogue": None, "actor": "Kestrel network",
     "title": ["Trucks with forged transit papers held at {site}", "Fuel smuggling convoy spotted near {place}"],
     "desc": ("{n} tankers with transit papers the officers believe are forged arrive at {site}. An escort "
              "refuses inspection."),
     "action": "{unit} reports to {parent} and moves its quick reaction force.",
     "requires": [("report", "up", "30m")]},
    {"kind": "logistics", "sender": ["HARBOUR", "@LOG"], "method": ["c2-system", "phone"],
     "objectives": ["TO-7"], "catalogue": None, "actor": "",
     "title": ["Fuel convoy delayed at {place} by port congestion", "Main supply route to {place} closed"],
     "desc": ("The tanker for {unit} has been held since {hh}:{mm}Z; fuel stocks "
              "stand at {n} days of supply."),
     "action": "{unit} re-plans distribution, prioritises the units in contact and informs {parent}.",
     "requires": [("report", "up", "2h"), ("order", "down", "2h")]},
    {"kind": "c2", "sender": ["@HICON"], "method": ["document", "c2-system"], "objectives": ["TO-2"],
     "catalogue": None, "actor": "",
     "title": ["FRAGO {n}: {unit} takes over the {place} sector", "Higher headquarters demands a SITREP by {hh}00Z"],
     "desc": ("FRAGO {n} to the operation order: {unit} assumes responsibility for the {place} sector and "
              "supports host-region authorities at {site}."),
     "action": "{unit} conducts mission analysis, issues its own orders and confirms to {parent}.",
     "requires": [("order", "down", "4h"), ("report", "up", "5h30m")]},
    {"kind": "civil-emergency", "sender": ["HOSPITAL", "MAYOR", "SPOKESPERSON"], "method": ["phone"],
     "objectives": ["TO-3", "TO-9"], "catalogue": None, "actor": "",
     "title": ["{place} hospital has {n} hours of generator fuel left", "Flooded road cuts {place} off"],
     "desc": ("The regional crisis staff asks {unit} for help: {site} near {place} is cut off and {n} "
              "patients need evacuation before nightfall."),
     "action": "{unit} assesses the request, proposes support to {parent} and coordinates through CIMIC.",
     "requires": [("request", "up", "1h")]},
    {"kind": "cbrn", "sender": ["MAYOR"], "method": ["phone"], "objectives": ["TO-3", "TO-9"],
     "catalogue": None, "actor": "",
     "title": ["Chlorine leak reported at {site} near {place}"],
     "desc": ("Residents near {site} report a strong smell of chlorine; {n} people are treated for "
              "breathing problems."),
     "action": "{unit} warns its troops, keeps upwind, reports to {parent} and offers detection support.",
     "requires": [("report", "up", "15m")]},
]
CLAIMS = ["that the brigade is preparing an invasion", "that soldiers beat an old man at a checkpoint",
          "that Alliance troops poisoned a well", "that the power cuts are caused by the brigade",
          "that foreign soldiers will requisition homes"]
MEDIA = ["KTV-1 news", "Telegram", "TikTok", "regional radio", "Facebook group"]
BANDS = ["HF", "VHF"]
PREFIX = {"jamming": "JAM", "gnss-jamming": "GNSS", "emcon": "EMCON", "outage": "OUT"}


def catalogue_ids() -> dict[str, set[str]]:
    """Ids in the shipped catalogues, so every threat id written is real."""
    out = {}
    for name, file in (("DISARM", "disarm-red.csv"), ("ATTACK", "attack.csv")):
        with open(CATALOGUES / file, encoding="utf-8", newline="") as f:
            out[name] = {row["id"] for row in csv.DictReader(f)}
    return out


# --- the generator --------------------------------------------------------------------


class _Gen:
    def __init__(self, injects: int, seed: int) -> None:
        self.n = injects
        self.r = random.Random(seed)
        self.units: list[dict[str, t.Any]] = []
        self.parent: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        self.brigade_of: dict[str, int] = {}
        self.kind: dict[str, str] = {}
        self.nets: list[dict[str, t.Any]] = []
        self.pace: dict[frozenset[str], dict[str, t.Any]] = {}
        self.days = 4 if injects <= 1000 else max(4, round(injects / 1000))

    # units ---------------------------------------------------------------------------

    def _unit(self, uid: str, name: str, short: str, nation: str, echelon: str, entity: str, parent: str | None,
              role: str, kit: str, lat: float, lon: float, brigade: int, hq: bool = False, desc: str = "") -> str:
        lang = NATIONS[nation][0]
        unit = {"id": uid, "name": name, "short_name": short, "nation": nation, "echelon": echelon,
                "sidc": self._sidc(echelon, entity, hq),
                "parent": parent, "role": role, "location": {"lat": round(lat, 3), "lon": round(lon, 3)},
                "languages": [lang, "en"] if lang != "en" else ["en"], "systems": list(KIT[kit])}
        if parent is None:
            del unit["parent"]
        if desc:
            unit["description"] = desc
        self.units.append(unit)
        self.kind[uid] = kit
        self.brigade_of[uid] = brigade
        self.children.setdefault(uid, [])
        if parent:
            self.parent[uid] = parent
            self.children[parent].append(uid)
        return uid

    @staticmethod
    def _sidc(echelon: str, entity: str, hq: bool) -> str:
        # version 10 | context 1 (exercise) | identity 3 (friend) | set 10 (land unit) | status 0 |
        # HQ/TF 2 or 0 | echelon | entity (6) | modifiers 0000
        return f"1013100{2 if hq else 0}{ECHELON_DIGITS[echelon]}{entity}0000"

    def forces(self) -> None:
        total = max(5, round(self.n / 20))
        brigades = max(1, round(total / 25))
        self._unit("MND-HICON", "Multinational Division Headquarters (played by HICON)", "MND HQ (HICON)", "RO",
                   "division", "110000", None, "response-cell", "division", 42.45, 19.25, -1, hq=True,
                   desc="Higher headquarters of the brigades, played by the HICON cell of EXCON.")
        budget = total - 1
        cols = max(1, math.ceil(math.sqrt(brigades)))
        for b in range(brigades):
            quota = budget // (brigades - b)
            budget -= quota
            self._brigade(b, quota, 41.7 + 1.4 * (b // cols) / max(1, math.ceil(brigades / cols)),
                          19.0 + 2.4 * (b % cols) / cols)

    def _brigade(self, b: int, quota: int, lat: float, lon: float) -> None:
        r = self.r
        nation = NATION_CODES[b % len(NATION_CODES)]
        tag = f"B{b + 1:02d}"
        hq = self._unit(f"{tag}-HQ", f"{b + 1}{ORDINAL.get(b + 1 if b + 1 < 4 else 0, 'th')} Multinational "
                        f"Brigade Headquarters", f"{b + 1} MNB HQ", nation, "brigade", "110000", "MND-HICON",
                        "training-audience", "brigade", lat, lon, b, hq=True,
                        desc=f"Brigade main command post at {PLACES[b % len(PLACES)]}, led by "
                             f"{NATIONS[nation][1]} staff with officers from the contributing nations.")
        rest = quota - 1
        enablers = min(len(ENABLERS), rest // 5)
        rest -= enablers
        bns = rest if rest <= 4 else max(4, rest // 4)
        coys = rest - bns
        for e in range(enablers):
            suffix, name, echelon, kit, entity = ENABLERS[e]
            en = NATION_CODES[(b + e + 1) % len(NATION_CODES)]
            self._unit(f"{tag}-{suffix}", f"{name} ({NATIONS[en][1]})", f"{suffix} ({en})", en, echelon, entity,
                       hq, "enabler", kit, lat + r.uniform(-0.1, 0.1), lon + r.uniform(-0.1, 0.1), b)
        battalions = []
        for k in range(bns):
            bn_nation = NATION_CODES[(b + k + 2) % len(NATION_CODES)]
            title, entity, coy_kit = BATTALIONS[k % 2]
            num = k + 1
            place = PLACES[(b * 3 + k) % len(PLACES)]
            uid = self._unit(f"{tag}-{bn_nation}-{num}BN", f"{num}{ORDINAL.get(num, 'th')} {title} "
                             f"({NATIONS[bn_nation][1]})", f"{num} BN ({bn_nation})", bn_nation, "battalion",
                             entity, hq, "training-audience", "battalion", lat + r.uniform(-0.25, 0.25),
                             lon + r.uniform(-0.3, 0.3), b,
                             desc=f"Sector around {place}; battalion command post on its northern edge.")
            battalions.append((uid, bn_nation, coy_kit))
        for c in range(coys):
            bn, bn_nation, kit = battalions[c % len(battalions)]
            letter = "ABCDEFGHJK"[c // len(battalions) % 10]
            parent_loc = next(u["location"] for u in reversed(self.units) if u["id"] == bn)
            self._unit(f"{bn}-{letter}COY", f"{letter} Company, {bn}", f"{letter} COY", bn_nation, "company",
                       "121100", bn, "training-audience", kit, parent_loc["lat"] + r.uniform(-0.06, 0.06),
                       parent_loc["lon"] + r.uniform(-0.06, 0.06), b)

    # nets and PACE ---------------------------------------------------------------------

    def _net(self, nid: str, name: str, kind: str, band: str, members: list[str], control: str,
             waveform: str | None = None, crypto: str | None = None, language: str | None = "en",
             frequency: str = "") -> str | None:
        members = [m for m in dict.fromkeys(members) if self._fits(m, kind, band, waveform, crypto)]
        if len(members) < 2:
            return None
        net: dict[str, t.Any] = {"id": nid, "name": name, "kind": kind, "band": band}
        if waveform:
            net["waveform"] = waveform
        if crypto:
            net["crypto"] = crypto
        if language and kind == "voice":
            net["language"] = language
        net["members"] = members
        net["net_control"] = control if control in members else members[0]
        if frequency:
            net["frequency"] = frequency
        self.nets.append(net)
        return nid

    def _fits(self, uid: str, kind: str, band: str, waveform: str | None, crypto: str | None) -> bool:
        if kind == "courier":
            return True
        for sid in KIT[self.kind[uid]]:
            s = SYSTEM_BY_ID[sid]
            if band in s["bands"] and (not waveform or waveform in s.get("waveforms", ())) \
                    and (not crypto or crypto in s.get("crypto", ())):
                return True
        return False

    def comms(self) -> None:
        r = self.r
        hqs = [u["id"] for u in self.units if u["echelon"] == "brigade"]
        sigs = [u["id"] for u in self.units if u["id"].endswith("-SIGCOY")]
        div_shf = self._net("DIV-SHF", "Division reach-back (SHF SATCOM)", "data", "SHF", ["MND-HICON", *hqs, *sigs],
                            "MND-HICON", "NATO-SHF-IP", "NATO-A")
        div_run = self._net("DIV-RUNNER", "Division liaison officers", "courier", "courier", ["MND-HICON", *hqs],
                            "MND-HICON")
        for hq in hqs:
            tag = hq[:3]
            sub = self.children[hq]
            bns = [u for u in sub if self.kind[u] == "battalion"]
            everyone = [hq, *sub, *(c for bn in bns for c in self.children[bn])]
            hf = self._net(f"{tag}-CMD-HF", f"{tag} brigade command net (HF)", "voice", "HF",
                           [hq, *sub, "MND-HICON"], hq, "STANAG-4538", "NATO-A",
                           frequency=f"ALE scan group {r.randint(1, 9)}")
            vhf = self._net(f"{tag}-CMD-VHF", f"{tag} brigade command net (VHF)", "voice", "VHF", [hq, *sub], hq,
                            "SINCGARS", "NATO-A", frequency=f"FH set {r.randint(10, 40)}")
            sat = self._net(f"{tag}-SATCOM", f"{tag} brigade SATCOM command net", "voice", "UHF",
                            [hq, *sub, "MND-HICON"], hq, "DAMA-183", "NATO-A",
                            frequency=f"UHF DAMA channel {r.randint(1, 40)}")
            data = self._net(f"{tag}-C2-DATA", f"{tag} brigade C2 data network (tactical LTE)", "data", "cellular",
                             everyone, next((s for s in sub if s.endswith("SIGCOY")), hq), "LTE", "NATO-R")
            phone = self._net(f"{tag}-CIMIC-PHONE", f"{tag} civil liaison telephone net", "voice", "cellular",
                              [hq, *sub], next((s for s in sub if s.endswith("CIMIC")), hq), "GSM")
            log = self._net(f"{tag}-LOG-VHF", f"{tag} brigade logistic net (VHF)", "voice", "VHF",
                            [hq, *(s for s in sub if self.kind[s] in ("logistic", "engineer"))], hq,
                            "SINCGARS", "NATO-A")
            run = self._net(f"{tag}-RUNNER", f"{tag} brigade courier service", "courier", "courier", everyone, hq)
            self._plan("MND-HICON", hq, [div_shf, sat, hf, div_run])
            for u in sub:
                kind = self.kind[u]
                if kind == "battalion":
                    order = [[hf, vhf, data], [vhf, data, hf], [hf, sat, data]][len(self.pace) % 3]
                elif kind == "logistic":
                    order = [log, data, sat]
                elif kind == "cimic":
                    order = [data, phone]
                else:
                    order = [vhf, data, hf]
                self._plan(hq, u, [*order, run])
            for bn in bns:
                coys = self.children[bn]
                if not coys:
                    continue
                bvhf = self._net(f"{bn}-VHF", f"{bn} battalion command net (VHF)", "voice", "VHF", [bn, *coys], bn,
                                 "SINCGARS", "NATO-A", frequency=f"FH set {r.randint(41, 99)}")
                bhf = self._net(f"{bn}-HF", f"{bn} battalion command net (HF)", "voice", "HF", [bn, *coys], bn,
                                "STANAG-4538", "NATO-A")
                for c in coys:
                    self._plan(bn, c, [bvhf, data, bhf, run])

    def _plan(self, a: str, b: str, nets: list[str | None]) -> None:
        levels = [n for n in dict.fromkeys(nets) if n and self._shared(n, a, b)]
        plan: dict[str, t.Any] = {"id": f"PACE-{b}", "between": [a, b]}
        for level, net in zip(("primary", "alternate", "contingency", "emergency"), levels, strict=False):
            plan[level] = net
        self.pace[frozenset((a, b))] = plan

    def _shared(self, nid: str, a: str, b: str) -> bool:
        net = next(n for n in reversed(self.nets) if n["id"] == nid)
        return a in net["members"] and b in net["members"]

    def constraints(self) -> list[dict[str, t.Any]]:
        r = self.r
        count = max(5, self.n // 50)
        end = self.days * 1440 - 12 * 60  # ENDEX is 18:00 on the last day, STARTEX 06:00 on D+0
        bdes = [u for u in self.units if u["echelon"] == "brigade"]
        bns = [u for u in self.units if u["echelon"] == "battalion" and self.kind[u["id"]] == "battalion"]
        out = []
        for k in range(count):
            kind = ["jamming", "gnss-jamming", "emcon", "jamming", "outage"][k % 5]
            centre = r.choice(bdes)["location"]
            start = r.randrange(60, end - 8 * 60)
            length = r.randrange(60, 6 * 60, 30)
            c: dict[str, t.Any] = {"id": f"{PREFIX[kind]}-{k + 1:03d}", "kind": kind, "intended": True}
            if kind in ("jamming", "gnss-jamming"):
                if kind == "jamming":
                    c["bands"] = [BANDS[(k // 5) % 2]]
                c["area"] = {"lat": round(centre["lat"] + r.uniform(-0.2, 0.2), 3),
                             "lon": round(centre["lon"] + r.uniform(-0.2, 0.2), 3),
                             "radius_km": r.choice([15, 20, 25, 30, 40])}
                c["actor"] = "Korvanian 14th Electronic Warfare Regiment" if kind == "jamming" else \
                    "Free Highlands Legion (Korvanian-supplied jammers)"
                what = f"Barrage jamming of the {c['bands'][0]} band" if kind == "jamming" else "GNSS jamming"
                c["description"] = f"{what} from mobile jammers, played by EXCON for units inside the area."
            elif kind == "emcon":
                bn = r.choice(bns)
                day = r.randrange(0, self.days - 1)
                start, length = day * 1440 + 14 * 60, 8 * 60  # 20:00 to 04:00
                c["units"] = [bn["id"]]
                c["bands"] = ["HF", "VHF", "UHF", "cellular"]
                c["description"] = (f"Ordered to deny direction finding while {bn['id']} repositions overnight. "
                                    "Receive only; reports by courier.")
            else:
                if k == 4:
                    c["systems"] = ["UHF-SATCOM", "SHF-SATCOM"]
                    c["description"] = "Cyber attack on the satellite provider's ground segment takes SATCOM down."
                else:
                    tag = r.choice(bdes)["id"][:3]
                    c["nets"] = [f"{tag}-SATCOM" if k % 3 else f"{tag}-C2-DATA"]
                    c["description"] = "Equipment failure at the net's hub; EXCON restores it at the end of the window."
                c["actor"] = "Korvanian-linked threat actor"
            c["start"], c["end"] = _dtime(start), _dtime(start + length)
            out.append(c)
        return out

    # EXCON ----------------------------------------------------------------------------

    def excon(self) -> dict[str, t.Any]:
        r = self.r
        players = []
        for k in range(max(len(ARCHETYPES), self.n // 100)):
            stem, cell, portrays, org, red = ARCHETYPES[k % len(ARCHETYPES)]
            place = PLACES[k % len(PLACES)]
            rp: dict[str, t.Any] = {"id": f"RP-{stem}-{k // len(ARCHETYPES) + 1}", "cell": cell}
            if not red:
                nation = NATION_CODES[k % len(NATION_CODES)]
                rp["nation"] = nation
                rp["portrays"] = portrays.format(place=place)
                rp["languages"] = [NATIONS[nation][0], "en"]
            else:
                rp["portrays"] = portrays.format(place=place)
                rp["languages"] = ["en"]
            rp["organisation"] = org.format(place=place)
            players.append(rp)
        self.players: dict[str, list[str]] = {}
        for rp in players:
            self.players.setdefault(rp["id"].rsplit("-", 1)[0][3:], []).append(rp["id"])
        hqs = [u["id"] for u in self.units if u["echelon"] == "brigade"]
        controllers = [
            {"id": "CTRL-HICON", "cell": "HICON", "name": "HICON G3 controller", "units": hqs},
            {"id": "CTRL-WHITE", "cell": "WHITE-CELL", "name": "Chief White Cell"},
            {"id": "CTRL-RED", "cell": "RED-CELL", "name": "Hybrid threat controller"},
            {"id": "CTRL-EW", "cell": "RED-CELL", "name": "EW and cyber effects controller"},
        ]
        for hq in hqs:
            sub = [u["id"] for u in self.units if self.brigade_of[u["id"]] == self.brigade_of[hq] and u["id"] != hq]
            controllers.append({"id": f"CTRL-LOCON-{hq[:3]}", "cell": "LOCON",
                                "name": f"LOCON controller for brigade {hq[:3]}", "units": sub[:12] or [hq]})
        objectives = [o[0] for o in self.objectives_used]
        evaluators = []
        audience = [u["id"] for u in self.units if u["role"] == "training-audience"]
        for k in range(max(4, len(self.units) // 10)):
            nation = NATION_CODES[(k * 5) % len(NATION_CODES)]
            objs = sorted({objectives[k % len(objectives)], r.choice(objectives)}, key=objectives.index)
            evaluators.append({"id": f"EV-{k + 1:02d}", "name": f"Evaluator team {k + 1}", "nation": nation,
                               "objectives": objs,
                               "units": sorted(set(r.sample(audience, min(3, len(audience)))))})
        covered = {o for e in evaluators for o in e["objectives"]}
        for k, oid in enumerate(o for o in objectives if o not in covered):
            evaluators[k % len(evaluators)]["objectives"].append(oid)
        return {"cells": [dict(c) for c in CELLS], "role_players": players, "controllers": controllers,
                "evaluators": evaluators}

    # injects --------------------------------------------------------------------------

    def injects(self) -> list[dict[str, t.Any]]:
        r = self.r
        known = catalogue_ids()
        audience = [u["id"] for u in self.units if u["role"] == "training-audience"]
        r.shuffle(audience)
        units_by_id = {u["id"]: u for u in self.units}
        end = self.days * 1440 - 12 * 60
        times = sorted(r.randrange(30, end - 60) for _ in range(self.n))
        all_objectives = [o[0] for o in self.objectives_used]
        out = []
        for k, minute in enumerate(times):
            theme = THEMES[r.randrange(len(THEMES))]
            unit = audience[k % len(audience)]
            parent = self.parent[unit]
            u = units_by_id[unit]
            place = PLACES[r.randrange(len(PLACES))]
            fill = {"unit": unit, "parent": parent, "place": place, "nation": NATIONS[u["nation"]][1],
                    "site": r.choice(SITES).format(n=r.randint(100, 999)), "n": r.randint(2, 40),
                    "hh": f"{(6 + minute // 60) % 24:02d}", "mm": f"{minute % 60:02d}", "claim": r.choice(CLAIMS),
                    "medium": r.choice(MEDIA), "band": r.choice(BANDS)}
            to = [unit]
            if k % 7 == 3 and parent != "MND-HICON":
                to.append(parent)
            inj: dict[str, t.Any] = {"id": f"INJ-{k + 1:05d}", "time": _dtime(minute),
                                     "from": self._sender(theme, unit), "to": to,
                                     "method": r.choice(theme["method"]),
                                     "title": r.choice(theme["title"]).format(**fill)}
            if inj["method"] == "radio":
                # The primary of the unit's PACE plan with its parent: both recipients are on it.
                inj["net"] = self.pace[frozenset((unit, parent))]["primary"]
            inj["description"] = theme["desc"].format(**fill)
            inj["expected_action"] = theme["action"].format(**fill)
            objs = [o for o in theme["objectives"] if o in all_objectives] or [all_objectives[k % len(all_objectives)]]
            if k % 5 == 0:
                extra = all_objectives[(k // 5) % len(all_objectives)]
                if extra not in objs:
                    objs.append(extra)
            inj["objectives"] = objs
            threat: dict[str, t.Any] = {"kind": theme["kind"]}
            if theme["catalogue"]:
                ids = r.sample(theme["ids"], min(len(theme["ids"]), r.randint(1, 3)))
                for i in ids:
                    assert i in known[theme["catalogue"]], f"{theme['catalogue']}:{i} is not in the catalogue"
                threat["ids"] = [f"{theme['catalogue']}:{i}" for i in ids]
            if theme["actor"] and k % 2:
                threat["actor"] = theme["actor"]
            inj["threat"] = threat
            inj["controller"] = self._controller(theme, unit)
            if k % 9 == 0:
                inj["location"] = {"lat": round(u["location"]["lat"] + r.uniform(-0.05, 0.05), 3),
                                   "lon": round(u["location"]["lon"] + r.uniform(-0.05, 0.05), 3)}
            requires = []
            for what, direction, within in theme["requires"]:
                if direction == "up":
                    requires.append({what: {"from": unit, "to": parent, "within": within}})
                elif self.children[unit]:
                    requires.append({what: {"from": unit, "to": r.choice(self.children[unit]), "within": within}})
            if requires:
                inj["requires"] = requires
            out.append(inj)
        # About one inject in 25 has a contingency: a later inject to the same unit.
        last_for: dict[str, int] = {}
        for k in range(len(out) - 1, -1, -1):
            unit = out[k]["to"][0]
            later = last_for.get(unit)
            if later is not None and k % 25 == 0 and times[later] > times[k]:
                out[k]["contingency"] = out[later]["id"]
            last_for[unit] = k
        return out

    def _sender(self, theme: Theme, unit: str) -> str:
        choice = self.r.choice(theme["sender"])
        if choice == "@LOCON":
            return f"CTRL-LOCON-{unit[:3]}"
        if choice == "@EW":
            return "CTRL-EW"
        if choice == "@HICON":
            return "MND-HICON" if self.parent[unit] == "MND-HICON" else "CTRL-HICON"
        if choice == "@LOG":
            log = f"{unit[:3]}-LOGBN"
            return log if log in self.kind and log != unit else "CTRL-WHITE"
        return self.r.choice(self.players[choice])

    def _controller(self, theme: Theme, unit: str) -> str:
        if theme["kind"] in ("electronic-warfare", "gnss-jamming", "cyber"):
            return "CTRL-EW"
        if theme["kind"] in ("disinformation", "paramilitary", "organised-crime"):
            return "CTRL-RED"
        if theme["kind"] == "c2":
            return "CTRL-HICON"
        return f"CTRL-LOCON-{unit[:3]}"

    # all together ----------------------------------------------------------------------

    def build(self) -> dict[str, t.Any]:
        self.forces()
        self.comms()
        self.objectives_used = OBJECTIVES[: min(len(OBJECTIVES), 7 + self.n // 2500)]
        constraints = self.constraints()
        excon = self.excon()
        injects = self.injects()
        audience = [u["id"] for u in self.units if u["role"] == "training-audience"]
        end_day = self.days - 1
        return {
            "exgen": 1,
            "exercise": {
                "id": f"SYNTH-SHIELD-{self.n}", "name": f"Synthetic Shield ({self.n} injects)", "type": "CPX",
                "classification": "NATO UNCLASSIFIED", "marking": "EXERCISE EXERCISE EXERCISE",
                "startex": "2027-05-10T06:00:00Z", "endex": f"2027-05-{10 + end_day:02d}T18:00:00Z",
                "working_language": "en", "organiser": "exgen benchmarks (synthetic definition)",
                "area": {"lat": 42.3, "lon": 20.2, "radius_km": 150},
                "description": (f"A generated {self.days}-day command-post exercise with {len(self.units)} units "
                                f"and {self.n} injects, for measuring exgen. Modelled on ADRIATIC SHIELD."),
                "setting": "Fictional Dalvora Region; see scenarios/adriatic-shield for the narrative.",
            },
            "objectives": [
                {"id": oid, "title": title, "capability": capability,
                 "measures": ["Report received by higher headquarters within the time the inject allows"],
                 "audience": audience[:12]}
                for oid, title, capability in self.objectives_used
            ],
            "systems": SYSTEMS,
            "units": self.units,
            "nets": self.nets,
            "pace": list(self.pace.values()),
            "constraints": constraints,
            "excon": excon,
            "injects": injects,
        }


def _dtime(minutes_from_startex: int) -> str:
    """``D+N HH:MM`` for minutes after STARTEX (06:00Z on D+0)."""
    m = minutes_from_startex + 6 * 60
    return f"D+{m // 1440} {m % 1440 // 60:02d}:{m % 60:02d}"


def definition(injects: int, seed: int = 1) -> dict[str, t.Any]:
    """The data of a synthetic definition with ``injects`` injects."""
    return _Gen(injects, seed).build()


def to_yaml(data: dict[str, t.Any]) -> str:
    """The definition as YAML in the flagship's style (block lists of entities, flow leaves)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(data, Dumper=dumper, sort_keys=False, default_flow_style=None, width=100,
                     allow_unicode=True)
    return ("# yaml-language-server: $schema=exercise.schema.json\n"
            "# Synthetic exgen benchmark definition, generated by benchmarks/synth.py; do not edit.\n" + body)


def write(injects: int, path: Path, seed: int = 1) -> Path:
    """Write the definition with ``injects`` injects to ``path``."""
    path.write_text(to_yaml(definition(injects, seed)), encoding="utf-8")
    return path


def misspell(data: dict[str, t.Any], share: float, seed: int) -> int:
    """Change one character of the first recipient of ``share`` of the injects; how many changed."""
    rng = random.Random(seed * 7919 + 1)
    injects = data["injects"]
    chosen = rng.sample(range(len(injects)), round(len(injects) * share))
    for i in chosen:
        ident = injects[i]["to"][0]
        at = rng.randrange(len(ident))
        injects[i]["to"][0] = ident[:at] + ("X" if ident[at] != "X" else "Y") + ident[at + 1:]
    return len(chosen)


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("injects", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true",
                        help="Write JSON instead of YAML (an .json output name does the same).")
    parser.add_argument("--break-ref", action="store_true",
                        help="Put a bad id in injects[0].to[0], an error two $refs deep, to show a "
                             "schema checker resolves the schemas' relative $refs.")
    parser.add_argument("--bad-refs", type=float, default=0.0, metavar="SHARE",
                        help="Misspell the first recipient of this share of the injects (0.02 = 2 %%), as a bulk "
                             "rename leaves them: the error path with a did-you-mean hint for each.")
    parser.add_argument("--stats", action="store_true", help="Print counts as one JSON line.")
    args = parser.parse_args(argv)
    data = definition(args.injects, args.seed)
    if args.break_ref:
        data["injects"][0]["to"][0] = "not an id!"
    if args.bad_refs:
        misspell(data, args.bad_refs, args.seed)
    if args.json or args.output.suffix == ".json":
        import json

        args.output.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        args.output.write_text(to_yaml(data), encoding="utf-8")
    if args.stats:
        import json

        counts = {k: len(data[k]) for k in ("units", "nets", "pace", "constraints", "injects")}
        counts["role_players"] = len(data["excon"]["role_players"])
        counts["bytes"] = args.output.stat().st_size
        print(json.dumps(counts))
    else:
        print(f"{args.output}: {args.output.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
