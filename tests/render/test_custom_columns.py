"""The exercise's own MEL/MIL columns (exercise.msel_columns: x-source, x-media-channel) in every
MSEL output, and the MEL hierarchy filters of the EXCON console, driven in Debian's chromium.

Values planted (tests/render/mel_definition.py): a list (["e-mail", "chat"] → "e-mail; chat"),
booleans (yes/no), a number (42) and formula-looking text ("=1+1", "@SUM(A1)") that no spreadsheet
may run; INJ-004 has no media channel, INJ-005 no source.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import shutil
import typing as t
from pathlib import Path

import pytest

from tests.render.mel_definition import COLUMNS, GROUPED_ORDER, PLACE, build, flat

openpyxl = pytest.importorskip("openpyxl")
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TIME_ORDER = ["INJ-001", "INJ-004", "INJ-002", "INJ-003", "INJ-005"]


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("columns"), only=["msel", "console", "cards"])


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# --------------------------------------------------------------------------- MEL/MIL HTML

def test_msel_html_has_a_column_per_msel_columns_entry(pkg: Path) -> None:
    page = (pkg / "msel" / "msel.html").read_text("utf-8")
    heads = re.findall(r'<th scope="col" class="custom" title="([^"]+)">([^<]+)</th>', page)
    assert heads[:2] == [("x-source", "Source"), ("x-media-channel", "Media channel")]
    for iid, (source, channel) in COLUMNS.items():
        row = page[page.index(f'<tr id="{iid}"'):]
        row = row[:row.index("</tr>")]
        cells = [_text(c) for c in re.findall(r'<td class="custom" data-column="[^"]+">(.*?)</td>', row)]
        assert cells == [source or "–", channel or "–"], iid


def test_flat_msel_html_still_has_the_custom_columns(tmp_path: Path) -> None:
    page = (build(tmp_path, only=["msel"], text=flat()) / "msel" / "msel.html").read_text("utf-8")
    assert '<th scope="col" class="custom" title="x-media-channel">Media channel</th>' in page
    assert "e-mail; chat" in page


# --------------------------------------------------------------------------- CSV

def test_csv_has_the_custom_columns_and_keeps_them_formula_safe(pkg: Path) -> None:
    raw = (pkg / "msel" / "msel.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    header = list(rows[0])
    assert header[-4:] == ["Source", "Media channel", "Controller", "Status"]
    assert header.index("Source") == header.index("Catalogue ids") + 1
    for row in rows:
        source, channel = COLUMNS[row["Inject"]]
        # a cell a spreadsheet would run as a formula starts with an apostrophe
        safe = "'" + source if source[:1] in ("=", "+", "-", "@") else source
        assert [row["Source"], row["Media channel"]] == [safe, channel], row["Inject"]
    assert "'=1+1" in raw and "'@SUM(A1)" in raw and ",=1+1" not in raw


# --------------------------------------------------------------------------- XLSX

def test_workbook_custom_columns_in_every_inject_sheet_as_literal_text(pkg: Path) -> None:
    wb = openpyxl.load_workbook(pkg / "msel" / "msel.xlsx")
    every = wb["All injects"]
    header = [c.value for c in every[1]]
    assert header[-4:] == ["Source", "Media channel", "Responsible controller", "Status"]
    sheets = ["All injects", "By main event", "D+0 2027-05-10", "D+1 2027-05-11", "D+2 2027-05-12"]
    seen: dict[str, set[str]] = {name: set() for name in sheets}
    for name in sheets:
        ws = wb[name]
        head = [c.value for c in ws[1]]
        source, channel = head.index("Source"), head.index("Media channel")
        ident = head.index("Inject id") if "Inject id" in head else None
        for cells in ws.iter_rows(min_row=2):
            if not isinstance(cells[0].value, int):
                continue  # a heading row of By main event
            serial = cells[0].value
            iid = cells[ident].value if ident is not None else TIME_ORDER[serial - 1]
            want = COLUMNS[iid]
            assert [cells[source].value, cells[channel].value] == [w or "" for w in want], (name, iid)
            # written as text, never as a formula: "=1+1" stays what the planner wrote
            assert cells[source].data_type == "s" and cells[channel].data_type == "s", (name, iid)
            seen[name].add(iid)
    assert seen["All injects"] == seen["By main event"] == set(COLUMNS)
    assert wb["All injects"].auto_filter.ref  # filterable by the custom columns too
    readme = {r[0]: r[1] for r in wb["Read me"].iter_rows(values_only=True) if r[0]}
    assert readme["Own columns"].startswith("Source, Media channel:") and "x-media-channel" in readme["Own columns"]


# --------------------------------------------------------------------------- inject card

def test_inject_card_lists_every_custom_field_labelled(pkg: Path) -> None:
    card = (pkg / "injects" / "INJ-002.html").read_text("utf-8")
    start = card.index('<section class="part custom-fields">')
    section = _text(card[start:card.index("</section>", start)])
    assert section == "Exercise's own fields Source Police liaison Media channel yes Notes ref NB-7"
    first = _text((pkg / "injects" / "INJ-001.html").read_text("utf-8"))
    assert "Source =1+1 Media channel e-mail; chat" in first


# --------------------------------------------------------------------------- EXCON console

@pytest.fixture(scope="module")
def page(pkg: Path) -> t.Iterator[t.Any]:
    if CHROMIUM is None:
        pytest.skip("no chromium binary found: install Debian's chromium (`apt-get install -y chromium`)")
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_context().new_page()
        pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        pg.goto((pkg / "console.html").as_uri())
        yield pg
        browser.close()
    assert not problems, problems


def _shown(page: t.Any) -> list[str]:
    return t.cast(list[str], page.eval_on_selector_all(
        "#msel-body tr[data-inject]:not([hidden])", "rows => rows.map(r => r.dataset.inject)"))


def _options(page: t.Any, select: str) -> list[list[str]]:
    return t.cast(list[list[str]], page.eval_on_selector_all(
        f"{select} option", "os => os.map(o => [o.value, o.textContent])"))


def test_console_filters_by_main_event_phase_and_incident(page: t.Any) -> None:
    page.click("#f-clear")
    assert _shown(page) == TIME_ORDER
    assert [o[0] for o in _options(page, "#f-event")] == ["", "EV-B", "EV-A", "(none)"]
    for event in ("EV-B", "EV-A"):
        page.select_option("#f-event", event)
        assert _shown(page) == [i for i in TIME_ORDER if PLACE[i][1] == event], event
    page.select_option("#f-event", "(none)")
    assert _shown(page) == ["INJ-005"]
    page.click("#f-clear")
    page.select_option("#f-phase", "PH-1")
    assert _shown(page) == ["INJ-001"]
    page.click("#f-clear")
    page.select_option("#f-incident", "MI-B2")
    assert _shown(page) == ["INJ-004", "INJ-002"]
    row = page.locator('tr[data-inject="INJ-002"]')
    storyline = row.locator(".storyline").text_content()
    assert "EV-B Bravo storyline on the crossing › MI-B2 Bravo early incident" in storyline
    assert "PH-2 Crisis response" in row.locator(".phase").text_content()
    page.click("#f-clear")


def test_console_shows_and_filters_the_custom_columns(page: t.Any) -> None:
    page.click("#f-clear")
    heads = page.eval_on_selector_all("#msel-table thead th", "ts => ts.map(t => t.textContent.trim())")
    assert heads[-3:] == ["Source", "Media channel", "Status"]
    cells = page.eval_on_selector_all('tr[data-inject="INJ-001"] td.custom', "ts => ts.map(t => t.textContent)")
    assert cells == ["=1+1", "e-mail; chat"]
    # one choice per distinct value: a list gives each of its items; injects without a value are one choice
    assert _options(page, "#f-col-1") == [["", "Any media channel"], ["v:chat", "chat"], ["v:e-mail", "e-mail"],
                                          ["v:no", "no"], ["v:radio", "radio"], ["v:yes", "yes"],
                                          ["none", "(no value)"]]
    assert [o[1] for o in _options(page, "#f-col-0")][1:] == ["@SUM(A1)", "=1+1", "42", "Police liaison", "(no value)"]
    page.select_option("#f-col-1", "v:chat")
    assert _shown(page) == ["INJ-001"]
    page.select_option("#f-col-1", "v:yes")
    assert _shown(page) == ["INJ-002"]
    page.select_option("#f-col-1", "none")
    assert _shown(page) == ["INJ-004"]
    page.select_option("#f-col-1", "")
    page.select_option("#f-col-0", "v:42")
    assert _shown(page) == ["INJ-003"]
    page.select_option("#f-event", "EV-A")
    assert _shown(page) == []  # filters combine
    assert page.locator("#empty").is_visible()
    page.click("#f-clear")
    page.wait_for_function("document.querySelectorAll('#msel-body tr[data-inject]:not([hidden])').length === 5")
    assert sorted(_shown(page)) == sorted(GROUPED_ORDER)
