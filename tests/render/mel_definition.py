"""A small definition with the whole MEL hierarchy and two custom MEL/MIL columns, shared by
tests/render/test_mel_hierarchy.py and tests/render/test_custom_columns.py.

Two phases; two main events defined in the order EV-B, EV-A (so the output must follow the
definition, not the alphabet); EV-B has two incidents (MI-B1 defined before MI-B2 though it
starts later), EV-A one; five injects, one (INJ-005) serving no incident. The columns are
``x-source`` and ``x-media-channel``, with a list, a boolean, a number and a formula-looking text
among their values; INJ-002 also carries ``x-notes-ref``, which is no MEL/MIL column.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from exgen import pipeline

DEFINITION = """\
exgen: 1
exercise:
  id: MEL-TREE
  name: Storyline test
  type: CPX
  classification: NATO UNCLASSIFIED
  marking: EXERCISE EXERCISE EXERCISE
  startex: "2027-05-10T06:00:00Z"
  endex: "2027-05-13T18:00:00Z"
  working_language: en
  msel_columns: [x-source, x-media-channel]
phases:
  - {id: PH-1, title: Deployment, start: "D+0 06:00", end: "D+1 06:00"}
  - {id: PH-2, title: Crisis response, start: "D+1 06:00", end: "D+3 18:00"}
main_events:
  - id: EV-B
    title: Bravo storyline on the crossing
    outcome: The brigade keeps the crossing open and reports within the hour.
  - id: EV-A
    title: Alpha storyline in the staff network
    outcome: The staff detects the intrusion and keeps command and control.
main_incidents:
  - {id: MI-B1, title: Bravo late incident, event: EV-B, phase: PH-2, start: "D+2 08:00", end: "D+2 18:00"}
  - {id: MI-B2, title: Bravo early incident, event: EV-B, phase: PH-2, start: "D+1 07:00", end: "D+1 12:00"}
  - {id: MI-A1, title: Alpha phishing incident, event: EV-A, phase: PH-1}
objectives:
  - {id: TO-1, title: Report under jamming, audience: [ME-1BN]}
systems:
  - {id: HF-4538, kind: radio, bands: [HF], waveforms: [STANAG-4538], crypto: [NATO-A]}
units:
  - {id: MNB-HQ, name: Multinational Brigade HQ, nation: IT, echelon: brigade, role: training-audience,
     sidc: "10031000181211000000", languages: [en, it], systems: [HF-4538]}
  - {id: ME-1BN, name: 1st Infantry Battalion, nation: ME, echelon: battalion, role: training-audience,
     sidc: "10031000161211000000", parent: MNB-HQ, languages: [en, sr], systems: [HF-4538]}
nets:
  - {id: BDE-CMD-HF, kind: voice, band: HF, waveform: STANAG-4538, crypto: NATO-A, language: en,
     members: [MNB-HQ, ME-1BN], net_control: MNB-HQ}
  - {id: RUNNER, kind: courier, members: [MNB-HQ, ME-1BN]}
pace:
  - {between: [MNB-HQ, ME-1BN], primary: BDE-CMD-HF, emergency: RUNNER}
excon:
  cells: [{id: WHITE-CELL, title: Role-play and higher/lower control}]
  controllers: [{id: CTL-1, cell: WHITE-CELL, units: [ME-1BN]}]
  evaluators: [{id: EVAL-1, nation: IT, objectives: [TO-1], units: [ME-1BN]}]
injects:
  - {id: INJ-001, time: "D+0 08:00", from: CTL-1, to: [MNB-HQ], method: email, incident: MI-A1,
     title: Alpha phishing mail reaches the staff, objectives: [TO-1], controller: CTL-1,
     x-source: "=1+1", x-media-channel: [e-mail, chat]}
  - {id: INJ-002, time: "D+1 09:00", from: CTL-1, to: [ME-1BN], method: radio, net: BDE-CMD-HF,
     incident: MI-B2, title: Bravo crowd gathers at the crossing, x-source: Police liaison,
     x-media-channel: true, x-notes-ref: NB-7}
  - {id: INJ-003, time: "D+2 10:00", from: CTL-1, to: [ME-1BN], method: phone, incident: MI-B1,
     title: Bravo crossing closed by the crowd, x-source: 42, x-media-channel: [radio]}
  - {id: INJ-004, time: "D+1 08:00", from: CTL-1, to: [MNB-HQ], method: email, incident: MI-B2,
     title: Bravo first report of a crowd, x-source: "@SUM(A1)"}
  - {id: INJ-005, time: "D+2 12:00", from: CTL-1, to: [MNB-HQ], method: email,
     title: Routine logistics report due, x-media-channel: false}
"""

#: Inject ids in the order the grouped MEL/MIL lists them: EV-B (MI-B1, then MI-B2 in time
#: order), EV-A (MI-A1), then the inject outside the storylines.
GROUPED_ORDER = ["INJ-003", "INJ-004", "INJ-002", "INJ-001", "INJ-005"]
#: Each inject's cells in the custom columns (x-source, x-media-channel), as the outputs print them.
COLUMNS = {
    "INJ-001": ["=1+1", "e-mail; chat"],
    "INJ-002": ["Police liaison", "yes"],
    "INJ-003": ["42", "radio"],
    "INJ-004": ["@SUM(A1)", ""],
    "INJ-005": ["", "no"],
}
#: Each inject's (phase, main event, main incident) ids.
PLACE = {
    "INJ-001": ("PH-1", "EV-A", "MI-A1"),
    "INJ-002": ("PH-2", "EV-B", "MI-B2"),
    "INJ-003": ("PH-2", "EV-B", "MI-B1"),
    "INJ-004": ("PH-2", "EV-B", "MI-B2"),
    "INJ-005": ("PH-2", None, None),
}


def write(folder: Path, text: str = DEFINITION) -> Path:
    """The definition as ``folder/exercise.yaml``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "exercise.yaml"
    path.write_text(text, "utf-8")
    return path


def build(folder: Path, only: t.Sequence[str] | None = None, text: str = DEFINITION) -> Path:
    """Build the definition (or ``text``) under ``folder``; the package folder."""
    out = folder / "pkg"
    result = pipeline.build(str(write(folder / "src", text)), str(out), only=only)
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out


def flat(text: str = DEFINITION) -> str:
    """The definition without phases, main events, main incidents or inject incidents."""
    head, _, rest = text.partition("phases:\n")
    _, _, rest = rest.partition("objectives:\n")
    return (head + "objectives:\n" + rest).replace(" incident: MI-A1,", "").replace(
        " incident: MI-B2,", "").replace(" incident: MI-B1,", "")
