"""The MEL hierarchy (phase → main event → main incident → inject) wherever the MEL/MIL appears:
the grouped printable MEL/MIL, the CSV, the workbook (columns and an outlined By main event
sheet), the inject card, the iCalendar export and the book's MEL/MIL summary (HTML and PDF).

The definition is tests/render/mel_definition.py: main events defined EV-B before EV-A, EV-B's
incidents MI-B1 (later) before MI-B2 (earlier), and INJ-005 serving no incident.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import typing as t
from pathlib import Path

import pytest

from exgen.render.convert import ConvertError
from exgen.render.xlsx import json_to_xlsx
from tests.render.mel_definition import GROUPED_ORDER, PLACE, build, flat

openpyxl = pytest.importorskip("openpyxl")
pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("tree"), only=["msel", "cards", "ical", "book"])


@pytest.fixture(scope="module")
def flat_pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("flat"), only=["msel", "book"], text=flat())


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _anchors(page: str) -> list[str]:
    """Event, incident, outside-group and inject anchors of the MEL/MIL page, in document order."""
    return re.findall(r'id="((?:event|incident)-[\w.-]+|outside-storylines|INJ-\d+)"', page)


# --------------------------------------------------------------------------- MEL/MIL HTML

def test_msel_html_groups_injects_by_event_then_incident_in_definition_and_time_order(pkg: Path) -> None:
    page = (pkg / "msel" / "msel.html").read_text("utf-8")
    assert _anchors(page) == [
        "event-EV-B", "incident-MI-B1", "INJ-003", "incident-MI-B2", "INJ-004", "INJ-002",
        "event-EV-A", "incident-MI-A1", "INJ-001", "outside-storylines", "INJ-005"]
    assert [a for a in _anchors(page) if a.startswith("INJ-")] == GROUPED_ORDER


def test_msel_html_event_and_incident_headings_carry_outcome_phase_and_time(pkg: Path) -> None:
    page = (pkg / "msel" / "msel.html").read_text("utf-8")
    event_b = _text(page[page.index('id="event-EV-B"'):page.index('id="incident-MI-B1"')])
    assert "Bravo storyline on the crossing" in event_b
    assert "Desired outcome: The brigade keeps the crossing open and reports within the hour." in event_b
    assert "2 main incidents · 3 injects · phase PH-2 Crisis response" in event_b
    early = _text(page[page.index('id="incident-MI-B2"'):page.index('id="INJ-004"')])
    assert "MI-B2 · Bravo early incident" in early
    assert "Phase PH-2 Crisis response · D+1 07:00 – D+1 12:00 · 2 injects" in early
    outside = _text(page[page.index('id="outside-storylines"'):page.index('id="INJ-005"')])
    assert "Injects outside the storylines" in outside and "1 inject serving no main incident" in outside
    # every inject row names its phase under its time
    row = _text(page[page.index('<tr id="INJ-001"'):page.index("</tr>", page.index('<tr id="INJ-001"'))])
    assert "D+0 08:00 PH-1 Deployment" in row


def test_msel_html_without_main_events_keeps_one_table_per_day(flat_pkg: Path) -> None:
    page = (flat_pkg / "msel" / "msel.html").read_text("utf-8")
    assert "Main event" not in page and "outside-storylines" not in page and 'class="phase"' not in page
    assert _anchors(page) == ["INJ-001", "INJ-004", "INJ-002", "INJ-003", "INJ-005"]  # time order
    days = re.findall(r'<h2 class="day-head"><span>([^<]+)</span>', page)
    assert days == ["D+0 · 2027-05-10", "D+1 · 2027-05-11", "D+2 · 2027-05-12", "D+3 · 2027-05-13"]


# --------------------------------------------------------------------------- CSV and XLSX

def _csv(pkg: Path) -> list[dict[str, str]]:
    raw = (pkg / "msel" / "msel.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw, newline="")))


def test_csv_names_phase_event_and_incident_of_every_inject(pkg: Path, flat_pkg: Path) -> None:
    rows = _csv(pkg)
    assert list(rows[0])[:7] == ["Serial", "Inject", "DTG", "D-time", "Phase", "Main event", "Main incident"]
    titles = {"PH-1": "Deployment", "PH-2": "Crisis response", "EV-A": "Alpha storyline in the staff network",
              "EV-B": "Bravo storyline on the crossing", "MI-A1": "Alpha phishing incident",
              "MI-B1": "Bravo late incident", "MI-B2": "Bravo early incident"}
    for row in rows:
        want = [f"{i} {titles[i]}" if i else "" for i in PLACE[row["Inject"]]]
        assert [row["Phase"], row["Main event"], row["Main incident"]] == want, row["Inject"]
    assert not {"Phase", "Main event", "Main incident"} & set(_csv(flat_pkg)[0])


def test_workbook_has_hierarchy_columns_and_an_outlined_by_event_sheet(pkg: Path) -> None:
    wb = openpyxl.load_workbook(pkg / "msel" / "msel.xlsx")
    assert wb.sheetnames[:3] == ["Read me", "All injects", "By main event"]
    every = wb["All injects"]
    header = [c.value for c in every[1]]
    assert header[4:8] == ["Day", "Phase", "Main event", "Main incident"]
    for row in every.iter_rows(min_row=2, values_only=True):
        assert [(v or "").split(" ")[0] or None for v in row[5:8]] == list(PLACE[row[1]]), row[1]
    day = wb["D+1 2027-05-11"]
    assert [c.value for c in day[1]][2:5] == ["Phase", "Main event", "Main incident"]
    assert day.auto_filter.ref and day.sheet_properties.pageSetUpPr.fitToPage

    tree = wb["By main event"]
    rows = list(tree.iter_rows(min_row=2, values_only=True))
    levels = [tree.row_dimensions[r].outline_level for r in range(2, len(rows) + 2)]
    firsts = [r[0] for r in rows]
    assert firsts == ["EV-B", "MI-B1", 4, "MI-B2", 2, 3, "EV-A", "MI-A1", 1, None, 5]
    assert levels == [0, 1, 2, 1, 2, 2, 0, 1, 2, 0, 1]
    assert tree.sheet_properties.outlinePr.summaryBelow is False  # each group folds into the heading above
    title = [c.value for c in tree[1]].index("Title")
    assert rows[0][title] == "Main event: Bravo storyline on the crossing"
    assert rows[0][title + 1] == "Desired outcome: The brigade keeps the crossing open and reports within the hour."
    assert rows[3][1] == "D+1 07:00 – D+1 12:00" and rows[9][title] == "Injects outside the storylines"
    readme = {r[0]: r[1] for r in wb["Read me"].iter_rows(values_only=True) if r[0]}
    assert "outline levels" in readme["By main event"]


def test_workbook_spec_row_levels_are_outline_levels_and_checked() -> None:
    ctx = {"exercise": {"startex": "2027-05-10T06:00:00Z"}}
    sheet = {"name": "S", "columns": [{"header": "A"}], "rows": [["event"], ["incident"], ["inject"]]}
    wb = openpyxl.load_workbook(io.BytesIO(json_to_xlsx(json.dumps({"sheets": [{**sheet, "row_levels": [0, 1, 2]}]}),
                                                        ctx)))
    ws = wb["S"]
    assert [ws.row_dimensions[r].outline_level for r in (2, 3, 4)] == [0, 1, 2]
    with pytest.raises(ConvertError, match=r"sheets\[0\]\.row_levels\[1\]: expected an integer 0–7"):
        json_to_xlsx(json.dumps({"sheets": [{**sheet, "row_levels": [0, 8]}]}), ctx)


def test_flat_workbook_has_no_hierarchy(flat_pkg: Path) -> None:
    wb = openpyxl.load_workbook(flat_pkg / "msel" / "msel.xlsx")
    assert "By main event" not in wb.sheetnames
    assert not {"Phase", "Main event", "Main incident"} & {c.value for c in wb["All injects"][1]}


# --------------------------------------------------------------------------- card, iCalendar

def test_inject_card_names_phase_event_and_incident(pkg: Path) -> None:
    card = _text((pkg / "injects" / "INJ-004.html").read_text("utf-8"))
    assert "Main event EV-B Bravo storyline on the crossing" in card
    assert "Main incident MI-B2 Bravo early incident" in card
    assert "Phase PH-2 Crisis response" in card
    loose = _text((pkg / "injects" / "INJ-005.html").read_text("utf-8"))
    assert "Main event" not in loose and "Phase PH-2 Crisis response" in loose


def _events(ics: str) -> dict[str, str]:
    unfolded = ics.replace("\r\n ", "")
    return {m.group(1): m.group(2) for m in re.finditer(r"UID:(INJ-\d+)@.*?DESCRIPTION:(.*?)\r\n", unfolded, re.S)}


def test_icalendar_description_names_event_and_incident(pkg: Path) -> None:
    events = _events((pkg / "exports" / "msel.ics").read_bytes().decode("utf-8"))
    assert "\\nPhase: PH-2 Crisis response\\nMain event: EV-B Bravo storyline on the crossing\\n" \
           "Main incident: MI-B2 Bravo early incident\\n" in events["INJ-002"]
    assert "Main event" not in events["INJ-005"] and "Phase: PH-2 Crisis response" in events["INJ-005"]


# --------------------------------------------------------------------------- the book

def _summary_rows(page: str) -> list[str]:
    table = page[page.index('class="data compact fixed mel-events"'):]
    table = table[:table.index("</table>")]
    return [_text(r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def test_book_summarises_the_mel_by_main_event(pkg: Path, flat_pkg: Path) -> None:
    page = (pkg / "book" / "exercise-book.html").read_text("utf-8")
    chapter = page[page.index('id="sec-msel"'):]
    assert chapter.index("mel-events") < chapter.index('id="sec-msel-counts"')  # before the listings
    rows = _summary_rows(chapter)
    assert rows == [
        "EV-B Bravo storyline on the crossing The brigade keeps the crossing open and reports within the hour. "
        "MI-B1 Bravo late incident · PH-2 · 1 MI-B2 Bravo early incident · PH-2 · 2 3 PH-2 Crisis response",
        "EV-A Alpha storyline in the staff network The staff detects the intrusion and keeps command and "
        "control. MI-A1 Alpha phishing incident · PH-1 · 1 1 PH-1 Deployment",
        "Injects outside the storylines (serving no main incident) 1 PH-2 Crisis response",
    ]
    assert "mel-events" not in (flat_pkg / "book" / "exercise-book.html").read_text("utf-8")


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(path)).pages)


def test_printed_book_has_the_storyline_summary(pkg: Path) -> None:
    text = _pdf_text(pkg / "book" / "exercise-book.pdf")
    start = text.index("Storylines.")
    summary = text[start:text.index("8.1 Injects per day", start)]
    for want in ("2 main events with 3 main incidents", "Bravo storyline on the crossing",
                 "The brigade keeps the crossing open", "MI-B1", "Bravo late incident", "MI-A1",
                 "Injects outside the storylines"):
        assert want in summary, want
    assert summary.index("Bravo storyline") < summary.index("Alpha storyline") < summary.index("outside the")


def test_book_listing_names_the_incident_of_each_inject(pkg: Path) -> None:
    page = (pkg / "book" / "exercise-book.html").read_text("utf-8")
    listing = page[page.index('id="sec-msel-list"'):]
    rows: list[t.Any] = [_text(r) for r in re.findall(r"<tr><td class=\"count\">(.*?)</tr>", listing, re.S)]
    assert any(r.startswith("4 ") and r.endswith("Bravo crossing closed by the crowd · MI-B1") for r in rows)
    assert any(r.endswith("Routine logistics report due") for r in rows)
