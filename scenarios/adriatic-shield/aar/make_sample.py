"""Make the flagship's sample conduct record (events.jsonl) and filled evaluation workbook.

Data tooling, not part of exgen. It builds the flagship package into a scratch folder, drives the
real conduct record (exgen.conduct: open_db, Record.append with Actors, export) through a plausible
conduct of ADRIATIC SHIELD 2027 on a simulated wall clock, and fills the package's evaluation
workbook with openpyxl as the evaluators would. Run from the repository root:

    .venv/bin/python scenarios/adriatic-shield/aar/make_sample.py

It writes events.jsonl and evaluation-workbook.xlsx beside this file; the same exgen gives the
same files (openpyxl stamps the workbook's modified date: it is set to ENDEX).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import typing as t
import zipfile
from pathlib import Path

import openpyxl

from exgen.conduct import adhoc
from exgen.conduct.export import export
from exgen.conduct.record import Actor, Record
from exgen.conduct.store import open_db

HERE = Path(__file__).resolve().parent
FLAGSHIP = HERE.parent / "exercise.yaml"
STARTEX = dt.datetime(2027, 5, 10, 6, 0, tzinfo=dt.timezone.utc)
ENDEX = 5040

EXDIR, CHIEF = Actor("exdir", "director"), Actor("chief", "chief-controller")
EV = {e: Actor(e.lower(), "evaluator") for e in ("EV-C2", "EV-CIP", "EV-HYBRID", "EV-BN")}


def controller(exercise: dict[str, t.Any], inject_id: str) -> Actor:
    """The controller who runs an inject (its account is the controller id in lower case)."""
    inject = next(i for i in exercise["injects"] if i["id"] == inject_id)
    return Actor(str(inject["controller"] or "chief").lower(), "controller")


# -- the conduct: (exercise minute, actor, kind, subject, payload) --------------------------------------

#: Minutes after the planned time each inject was delivered (default 3); held and cancelled ones apart.
DELAY = {"INJ-001": 0, "INJ-004": 6, "INJ-011": 22, "INJ-013": 4, "INJ-019": 9, "INJ-023": 27, "INJ-026": 2,
         "INJ-027": 18, "INJ-035": 11, "INJ-038": 1}
HELD, CANCELLED = "INJ-034", "INJ-009"
RETIMED = ("INJ-033", 4470)  # the engineers' repair proposal moved 30 minutes after the EOD team's report

RESPONSES = {
    "INJ-001": "MNB-HQ acknowledged FRAGO 03 at 06:34Z; brigade order 01 issued to all battalions at 07:40Z.",
    "INJ-011": "AL-2BN report on tower 117 sent by runner at 22:58Z, received at MNB-HQ 23:41Z.",
    "INJ-013": "AL-2BN JAMREP to G6 at 06:25Z; MK-3BN switched to BDE-CMD-VHF without waiting for orders.",
    "INJ-019": "ME-1BN lost hopping VHF and LTE at 14:20Z and came up on BDE-CMD-HF at 14:58Z.",
    "INJ-024": "MK-3BN report at 07:09Z, EOD request at 07:26Z. Engineer tasking to BG-ENGCOY passed via BG-LNO "
               "on ENGR-FM at 08:35Z.",
    "INJ-026": "Division informed of SATCOM loss on BDE-CMD-HF at 09:19Z; SITREP sent on HF at 10:05Z.",
    "INJ-027": "Alternate supply route R-9 opened; RO-LOGBN convoy plan issued at 13:10Z.",
}
ANNOTATIONS = {
    "INJ-011": "LOCON SOUTH delivered late: role player briefing overran. Report clock started at delivery.",
    "INJ-023": "Held back 25 min on EXDIR's order until the port role player was in position.",
    "INJ-027": "HICON FRAGO re-drafted to name route R-9 after the bridge damage; delivered 18 min late.",
    HELD: "Held: ME-1BN and the border police de-escalated at Zarnik, so the ministry statement was not needed. "
          "Left held at ENDEX.",
    CANCELLED: "Cancelled: ME-1BN's public affairs answered the journalist within the hour.",
}

ADHOC = {
    "id": "ADHOC-01",
    "from": "CTRL-LOCON-C",
    "to": ["MK-3BN"],
    "method": "radio",
    "title": "Engineer company asks to confirm the bridge repair plan in Bulgarian",
    "description": "BG-ENGCOY through BG-LNO: the company commander will not start the temporary pier "
                   "support without the brigade's order in Bulgarian. The English FRAGO reached him on "
                   "ENGR-FM only in part.",
    "expected_action": "MNB-HQ confirms the engineer task through BG-LNO and records the gap for the report.",
    "objectives": ["TO-2", "TO-3"],
    "controller": "CTRL-LOCON-C",
}
ADHOC_TIME = 3240  # D+2 12:00

COMMS: list[tuple[int, str, dict[str, t.Any]]] = [
    (40, "CTRL-LOCON-C", {"net": "BDE-LOG-VHF", "units": ["BG-ENGCOY"], "state": "down",
                          "text": "BG-ENGCOY cannot enter BDE-LOG-VHF: its R-173 sets have no SINCGARS hopping. "
                                  "Working on ENGR-FM as planned."}),
    (845, "CTRL-EW", {"pace": "PACE-AL", "units": ["AL-2BN"], "state": "down", "level": "emergency",
                      "text": "EMCON in force for AL-2BN; reports by RUNNER only."}),
    (1322, "CTRL-EW", {"pace": "PACE-AL", "units": ["AL-2BN"], "state": "up", "level": "primary",
                       "text": "EMCON lifted; AL-2BN back on BDE-CMD-HF."}),
    (1452, "CTRL-EW", {"pace": "PACE-AL", "units": ["AL-2BN"], "state": "down", "level": "alternate",
                       "text": "HF jammed; AL-2BN on BDE-SATCOM."}),
    (1449, "CTRL-EW", {"pace": "PACE-MK", "units": ["MK-3BN"], "state": "down", "level": "alternate",
                       "text": "HF jammed; MK-3BN on BDE-CMD-VHF."}),
    (1805, "CTRL-EW", {"pace": "PACE-AL", "state": "up", "level": "primary", "text": "Jamming ended."}),
    (1938, "CTRL-EW", {"pace": "PACE-ME", "units": ["ME-1BN"], "state": "down", "level": "contingency",
                       "text": "GNSS jamming: hopping VHF and LTE down, ME-1BN on BDE-CMD-HF after 38 minutes."}),
    (2285, "CTRL-EW", {"pace": "PACE-ME", "units": ["ME-1BN"], "state": "up", "level": "primary",
                       "text": "GNSS restored; ME-1BN back on BDE-CMD-VHF."}),
    (2825, "CTRL-LOCON-S", {"pace": "PACE-LOG", "units": ["RO-LOGBN"], "state": "down", "level": "emergency",
                            "text": "GNSS spoofing at Port Selvana; RO-LOGBN reports by RUNNER-PORT."}),
    (2965, "CTRL-LOCON-C", {"pace": "PACE-ENG", "units": ["BG-ENGCOY"], "state": "down", "level": "emergency",
                            "text": "ENGR-FM unreadable at the Ilvora bridge site and no GSM coverage in the "
                                    "valley: BG-ENGCOY damage report came by RUNNER with BG-LNO."}),
    (3062, "CTRL-EW", {"pace": "PACE-DIV", "units": ["MND-HICON"], "state": "down", "level": "contingency",
                       "text": "SATCOM outage; division link on BDE-CMD-HF."}),
    (3020, "CTRL-LOCON-C", {"pace": "PACE-ENG", "units": ["BG-ENGCOY"], "state": "up", "level": "alternate",
                            "text": "BG-ENGCOY back on ENGR-FM from the bridge's east bank."}),
    (3152, "CTRL-EW", {"pace": "PACE-DIV", "state": "up", "level": "primary", "text": "DIV-SHF restored."}),
]

#: (minute, evaluator, objective, task No. or 0, rating, text)
OBSERVATIONS: list[tuple[int, str, str, int, str, str]] = [
    (1461, "EV-C2", "TO-1", 1, "S", "G6 received JAMREPs from AL-2BN and MK-3BN within 15 minutes of the HF "
     "jamming, but neither gave the affected frequencies; G6 had to ask again."),
    (1470, "EV-C2", "TO-1", 2, "S", "MK-3BN moved to its alternate BDE-CMD-VHF within 4 minutes without orders. "
     "AL-2BN took 11 minutes to come up on BDE-SATCOM."),
    (1020, "EV-BN", "TO-1", 2, "M", "During EMCON AL-2BN waited 28 minutes for brigade approval before sending the "
     "tower 117 report by runner; the runner was not briefed on the route and arrived 43 minutes after dispatch."),
    (870, "EV-BN", "TO-1", 3, "P", "AL-2BN went silent on time at 20:00Z, kept listening watch and moved its "
     "command post without a single transmission until 04:00Z."),
    (3090, "EV-C2", "TO-1", 4, "S", "Division was told of the SATCOM loss 14 minutes after it began, but the "
     "report did not say which battalions were affected or what was still working."),
    (100, "EV-C2", "TO-2", 1, "P", "FRAGO 03 was turned into brigade order 01 within 70 minutes; every battalion "
     "acknowledged it by 08:15Z."),
    (2200, "EV-C2", "TO-2", 2, "S", "The D+1 SITREP reached MND 12 minutes after the 18:00Z deadline; its EW and "
     "GNSS assessment was complete and well argued."),
    (3000, "EV-C2", "TO-2", 3, "M", "BG-ENGCOY's R-173 sets cannot join BDE-LOG-VHF, and ENGR-FM failed at the "
     "bridge site. Engineer tasking for INJ-024 reached the company 95 minutes after the brigade decision, in "
     "English, relayed by BG-LNO."),
    (520, "EV-CIP", "TO-3", 1, "P", "The brigade CIMIC cell had the grid operator and the Lumera police on one "
     "call within 20 minutes of the bridge report; contacts were current and tested before STARTEX."),
    (2990, "EV-BN", "TO-3", 2, "S", "MK-3BN's cordon at the Ilvora bridge was set at 300 m on both banks within "
     "20 minutes; the EOD request followed 26 minutes after the blast, 11 minutes later than the SOP asks."),
    (4460, "EV-CIP", "TO-3", 3, "S", "Engineers proposed a 36-hour temporary repair with clear options, but the "
     "damage assessment reached Dalvora Railways only through the brigade, four hours later."),
    (180, "EV-HYBRID", "TO-4", 1, "P", "The brigade info ops cell logged the KTV-1 claim within 25 minutes, "
     "traced it to the Dalvora Pulse network and reported it to MND."),
    (3060, "EV-HYBRID", "TO-4", 2, "S", "Holding statement on the bridge claim drafted in 40 minutes."),
    (340, "EV-CIP", "TO-5", 1, "S", "AL-2BN reported the phishing e-mails to G6 within the hour, but not on the "
     "incident template; the CIS security officer was told only the next morning."),
    (3440, "EV-CIP", "TO-5", 2, "P", "The beaconing workstation was isolated in 12 minutes and the staff continued "
     "on the spare terminal with no loss of the COP."),
    (3450, "EV-CIP", "TO-5", 3, "", "No request to the host-region CSIRT was seen before ENDEX; the inject thread "
     "did not reach that point."),
    (1750, "EV-HYBRID", "TO-6", 1, "P", "ME-1BN and the border police ran the Zarnik crossing from one joint "
     "command post; roles were agreed before the protest arrived."),
    (2060, "EV-HYBRID", "TO-6", 2, "S", "At the R-7 checkpoint the patrol applied the escalation-of-force steps "
     "correctly; the request for an ROE change went to brigade by phone and was not logged."),
    (3345, "EV-HYBRID", "TO-6", 3, "S", "Rifles and driver handed to the police with a custody form, but the form "
     "had no photographs and no second signature."),
    (230, "EV-CIP", "TO-7", 1, "S", "G4 re-planned the first convoy around port congestion in 90 minutes; the "
     "new timings were not shared with MK-3BN, whose fuel point waited."),
    (1850, "EV-CIP", "TO-7", 2, "P", "The brigade gave the hospital generator fuel priority within the hour and "
     "told the municipality what it would cost the battalions."),
    (4820, "EV-CIP", "TO-7", 3, "M", "The logistic status report was 18 hours old when sector NORTH fuel fell to "
     "0.5 days of supply; RO-LOGBN updates arrived by runner and were not entered."),
]
#: (minute, evaluator, observation index in OBSERVATIONS, new rating, new text): the last edit wins.
EDITS = [(3200, "EV-HYBRID", 12, "M", "Holding statement on the bridge claim drafted in 40 minutes, but it "
          "waited 3 hours for release authority from MND; KTV-1 ran the story unanswered through the morning.")]


def conduct(exercise: dict[str, t.Any]) -> list[tuple[float, Actor, str, str, dict[str, t.Any]]]:
    """Every action of the sample conduct, in exercise-time order."""
    steps: list[tuple[float, Actor, str, str, dict[str, t.Any]]] = [(0, EXDIR, "clock.start", "", {})]
    for inject in exercise["injects"]:
        iid, planned, who = inject["id"], inject["time"], controller(exercise, inject["id"])
        if iid == HELD:
            steps += [(planned - 1, CHIEF, "inject.hold", iid, {}), (planned + 1, CHIEF, "inject.annotate", iid,
                                                                    {"text": ANNOTATIONS[iid]})]
            continue
        if iid == CANCELLED:
            steps += [(planned - 30, CHIEF, "inject.cancel", iid, {}), (planned - 29, CHIEF, "inject.annotate", iid,
                                                                       {"text": ANNOTATIONS[iid]})]
            continue
        if iid == RETIMED[0]:
            steps.append((planned - 60, CHIEF, "inject.retime", iid, {"time": RETIMED[1]}))
            planned = RETIMED[1]
        delivered = planned + DELAY.get(iid, 3)
        steps += [(delivered - 2, who, "inject.release", iid, {}), (delivered, who, "inject.deliver", iid, {}),
                  (delivered + 6, who, "inject.acknowledge", iid, {})]
        if iid in RESPONSES:
            steps += [(delivered + 45, who, "inject.response", iid, {"text": RESPONSES[iid]}),
                      (delivered + 50, who, "inject.complete", iid, {})]
        if iid in ANNOTATIONS:
            steps.append((delivered + 1, who, "inject.annotate", iid, {"text": ANNOTATIONS[iid]}))
    lnc = Actor("ctrl-locon-c", "controller")
    steps += [(ADHOC_TIME - 10, lnc, "inject.add", "ADHOC-01", {"inject": ADHOC, "time": ADHOC_TIME}),
              (ADHOC_TIME - 1, lnc, "inject.release", "ADHOC-01", {}), (ADHOC_TIME, lnc, "inject.deliver",
                                                                        "ADHOC-01", {})]
    for minute, who_id, payload in COMMS:
        steps.append((minute, Actor(who_id.lower(), "controller"), "comms.event", payload.get("pace") or
                      payload["net"], payload))
    for number, (minute, ev, objective, task, rating, text) in enumerate(OBSERVATIONS):
        tasks = next(o["critical_tasks"] for o in exercise["objectives"] if o["id"] == objective)
        steps.append((minute + 12 + number / 100, EV[ev], "observation.add", f"#{number}",
                      {"objective": objective, "task": tasks[task - 1] if task else "", "ex_time": minute,
                       "text": text, "rating": rating}))
    for minute, ev, index, rating, text in EDITS:
        steps.append((minute, EV[ev], "observation.edit", f"#{index}", {"text": text, "rating": rating,
                                                                           "version": 1}))
    steps += [(ENDEX, EXDIR, "clock.pause", "", {}), (ENDEX + 30, EXDIR, "evaluation.close", "", {})]
    return sorted(steps, key=lambda s: s[0])


def record(exercise: dict[str, t.Any], folder: Path) -> None:
    """Drive the conduct record through the sample conduct and export it to ``folder``."""
    problems = adhoc.validate(exercise["definition"], {**ADHOC, "time": "D+2 12:00"})
    if adhoc.errors(problems):
        raise SystemExit(f"the ad-hoc inject does not check: {problems}")
    wall = [STARTEX.timestamp()]
    conn = open_db(folder / "record.db", exercise["exercise"]["id"])
    book = Record(conn, exercise, wall=lambda: wall[0])
    numbers: dict[str, str] = {}  # "#index in OBSERVATIONS" → the number the record gave the observation
    for minute, actor, kind, subject, payload in conduct(exercise):
        wall[0] = STARTEX.timestamp() + minute * 60 if kind != "evaluation.close" else wall[0] + 1800
        applied = book.append(actor, kind, numbers.get(subject, "") if subject.startswith("#") else subject,
                              payload, None)
        if kind == "observation.add":
            numbers[subject] = applied.subject
    conn.close()
    export(folder / "record.db", folder / "export")
    shutil.copyfile(folder / "export" / "events.jsonl", HERE / "events.jsonl")


#: objective → [(task No., rating, evaluator, notes)]; then the observation rows
#: (D-time, task No. or None, text, kind, evaluator).
RATINGS: dict[str, list[tuple[int, str, str, str]]] = {
    "TO-1": [(1, "S", "EV-C2", "JAMREPs on time, incomplete."), (2, "M", "EV-BN", "AL-2BN runner late in EMCON."),
             (3, "P", "EV-BN", "EMCON held for eight hours."), (4, "S", "EV-C2", "Division told late of SATCOM loss.")],
    "TO-2": [(1, "P", "EV-C2", ""), (2, "S", "EV-C2", "D+1 SITREP 12 min late."),
             (3, "M", "EV-C2", "Engineer company outside the brigade's secure nets."),
             (4, "S", "EV-C2", "COP 40-60 min behind the battalions.")],
    "TO-3": [(1, "P", "EV-CIP", ""), (2, "S", "EV-BN", "EOD request 11 min late."),
             (3, "S", "EV-CIP", "Assessment slow to reach the operator.")],
    "TO-4": [(1, "P", "EV-HYBRID", ""), (2, "M", "EV-HYBRID", "Release authority took 3 hours."),
             (3, "S", "EV-BN", "")],
    "TO-5": [(1, "S", "EV-CIP", "Incident template not used."), (2, "P", "EV-CIP", "")],
    "TO-6": [(1, "P", "EV-HYBRID", ""), (2, "S", "EV-HYBRID", ""), (3, "S", "EV-HYBRID", "Custody form incomplete.")],
    "TO-7": [(1, "S", "EV-CIP", ""), (2, "P", "EV-CIP", ""), (3, "M", "EV-CIP", "LOGSTAT 18 hours old.")],
}
OBSERVATION_ROWS: dict[str, list[tuple[str, int | None, str, str, str]]] = {
    "TO-1": [("D+0 23:41", 2, "The brigade's EMCON plan named no courier route or rendezvous for AL-2BN; the runner "
              "found the brigade main command post by asking a police patrol.", "Area for improvement", "EV-BN"),
             ("D+1 06:25", 3, "AL-2BN's signal officer briefed every radio operator on the EMCON times and the "
              "listening watch; no breach was detected by the Red Cell direction finders.", "Strength", "EV-BN")],
    "TO-2": [("D+2 08:35", 3, "Orders to BG-ENGCOY went in English over plain FM and were translated by BG-LNO at "
              "the radio: no secure means and no written Bulgarian copy reached the company.",
              "Area for improvement", "EV-C2"),
             ("D+1 12:00", 4, "The COP at brigade ran 40 to 60 minutes behind the battalions; positions came by voice "
              "and were typed in again by the staff.", "Area for improvement", "EV-C2")],
    "TO-3": [("D+0 14:50", 1, "CIMIC had tested every operator and police contact before STARTEX; first call to "
              "the grid operator within 20 minutes.", "Strength", "EV-CIP")],
    "TO-4": [("D+2 11:30", 2, "No pre-agreed release authority with MND for holding statements; every statement "
              "waited for the division's public affairs office.", "Area for improvement", "EV-HYBRID"),
             ("D+0 08:25", 1, "The info ops cell's disinformation log was complete and time-stamped for the whole "
              "exercise.", "Strength", "EV-HYBRID")],
    "TO-5": [("D+0 12:30", 1, "The battalions did not know the cyber incident template; G6 should add it to the "
              "battalion standing orders.", "Area for improvement", "EV-CIP")],
    "TO-6": [("D+2 14:00", 3, "Custody form without photographs or a second signature: the police could not use it "
              "as evidence.", "Area for improvement", "EV-HYBRID")],
    "TO-7": [("D+3 14:20", 3, "RO-LOGBN's logistic reports by runner were not entered in the LOGSTAT; no one in G4 "
              "owned the update.", "Area for improvement", "EV-CIP"),
             ("D+1 13:00", 2, "Fuel priority for the hospital decided and explained to the municipality within the "
              "hour.", "Strength", "EV-CIP")],
}


def workbook(package: Path) -> None:
    """Fill the package's evaluation workbook as the evaluators did and save it beside this file."""
    book = openpyxl.load_workbook(package / "evaluation" / "evaluation-workbook.xlsx")
    layout = {row[0].value: [c.value for c in row] for row in book["exgen"].iter_rows(min_row=4)}
    for objective, ratings in RATINGS.items():
        sheet = book[layout[objective][1]]
        first, obs_first = layout[objective][2], layout[objective][4]
        for number, rating, evaluator, notes in ratings:
            row = first + number - 1
            sheet.cell(row, 4, rating)
            sheet.cell(row, 5, evaluator)
            sheet.cell(row, 6, notes or None)
        for offset, (when, task, text, kind, evaluator) in enumerate(OBSERVATION_ROWS.get(objective, [])):
            for col, value in enumerate((when, task, text, kind, evaluator), 1):
                sheet.cell(obs_first + offset, col, value)
    book.properties.modified = book.properties.created = dt.datetime(2027, 5, 13, 18, 0)
    book.properties.lastModifiedBy = "EV-C2"
    book.save(HERE / "evaluation-workbook.xlsx")
    _fixed_zip_times(HERE / "evaluation-workbook.xlsx")


def _fixed_zip_times(path: Path) -> None:
    """Stamp every member of the saved xlsx with ENDEX, so the same data gives the same bytes."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    # openpyxl stamps the save time as the modified date: ENDEX instead
    members = [(name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2027-05-13T18:00:00Z", data)
                if name == "docProps/core.xml" else data) for name, data in members]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            target.writestr(zipfile.ZipInfo(name, date_time=(2027, 5, 13, 18, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)


def main() -> None:
    """Build the flagship, record its conduct, fill its workbook."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        subprocess.run([sys.executable, "-m", "exgen", "build", str(FLAGSHIP), "-o", str(folder / "package")],
                       check=True, stdout=subprocess.DEVNULL)
        exercise = json.loads((folder / "package" / "data" / "exercise.json").read_text("utf-8"))
        record(exercise, folder)
        workbook(folder / "package")
    print(f"wrote {HERE / 'events.jsonl'} and {HERE / 'evaluation-workbook.xlsx'}")


if __name__ == "__main__":
    main()
