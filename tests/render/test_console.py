"""The EXCON console (console.html) in a real headless browser: Debian's chromium driven by Playwright.

Playwright's own browser download cannot work here, so the tests launch /usr/bin/chromium; they are
skipped only when no chromium binary exists at all.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import typing as t
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from exgen import pipeline
from tests.conftest import FLAGSHIP_DIR, plant

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary found: install Debian's chromium "
                                "(`apt-get install -y chromium`, done by `make install` as root)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HOSTILE = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> & <b>bold</b>'
# STARTEX 2027-05-10T06:00Z: D+1 08:10 is 1570 minutes after it.
CLOCK, CLOCK_MINUTES = "D+1 08:10", 1570


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """console.html of the flagship, with script-breaking text planted in INJ-002's title."""
    src = tmp_path_factory.mktemp("src") / "adriatic-shield"
    shutil.copytree(FLAGSHIP_DIR, src)
    title = "KTV-1 claims the brigade will close the Zarnik crossing and expel Korvanian speakers"
    plant(src / "injects" / "day1.yaml", f'"{title}"', json.dumps(HOSTILE + " " + title))
    out = tmp_path_factory.mktemp("pkg") / "pkg"
    result = pipeline.build(str(src / "exercise.yaml"), str(out), only=["console"])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out / "console.html"


@pytest.fixture(scope="module")
def data(console: Path) -> dict[str, t.Any]:
    """The JSON the console embeds (what its rows are drawn from)."""
    match = re.search(r'<script type="application/json" id="console-data">(.*?)</script>',
                      console.read_text("utf-8"), re.DOTALL)
    assert match
    return t.cast(dict[str, t.Any], json.loads(match.group(1)))


@pytest.fixture(scope="module")
def browser() -> t.Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, console: Path) -> t.Iterator[Page]:
    """A fresh browser context (empty localStorage) with the console open; fails on any network
    request, page error or console error."""
    context = browser.new_context(accept_downloads=True)
    problems: list[str] = []

    def refuse(route: t.Any) -> None:
        problems.append(f"network request: {route.request.url}")
        route.abort()

    context.route(re.compile(r"^(?!file:|blob:|data:)"), refuse)
    pg = context.new_page()
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.goto(console.as_uri())
    yield pg
    context.close()
    assert not problems, problems


def visible_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all("#msel-body tr[data-inject]:not([hidden])",
                                     "rows => rows.map(r => r.dataset.inject)")


def sorted_injects(data: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return sorted(data["injects"], key=lambda i: (i["time"], i["serial"]))


def test_console_is_one_self_contained_file(console: Path) -> None:
    html = console.read_text("utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "no network references"
    assert "<link" not in html and not re.search(r"<script[^>]*\bsrc=", html)
    # The planted </script> is escaped inside the JSON, so only the two real scripts close.
    assert html.count("</script") == 2
    assert "\\u003c/script\\u003e" in html


def test_hostile_text_is_shown_as_text_and_never_runs(page: Page) -> None:
    row = page.locator('tr[data-inject="INJ-002"]')
    assert HOSTILE in row.locator(".title").text_content()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#msel-body img, #msel-body b").count() == 0


def test_all_injects_listed_in_time_order_with_banners(page: Page, data: dict[str, t.Any]) -> None:
    assert visible_ids(page) == [i["id"] for i in sorted_injects(data)]
    banner = f"{data['exercise']['classification']} — {data['exercise']['marking']}"
    assert page.locator(".banner-top .banner-bar").text_content() == banner
    assert page.locator(".banner-bottom .banner-bar").text_content() == banner


def test_filters_unit_search_and_others(page: Page, data: dict[str, t.Any]) -> None:
    injects = sorted_injects(data)
    page.select_option("#f-unit", "ME-1BN")
    expected = [i["id"] for i in injects if "ME-1BN" in [r["id"] for r in i["to"]]]
    assert visible_ids(page) == expected and 0 < len(expected) < len(injects)
    assert page.locator("#summary").text_content().startswith(f"Showing {len(expected)} of {len(injects)}")

    page.click("#f-clear")
    shown = "document.querySelectorAll('#msel-body tr[data-inject]:not([hidden])').length"
    page.wait_for_function(f"{shown} == {len(injects)}")
    page.fill("#f-search", "ransomware")
    expected = [i["id"] for i in injects
                if "ransomware" in " ".join([i["title"], i["description"], i["expected_action"]]).lower()]
    assert visible_ids(page) == expected and expected
    page.fill("#f-search", "no inject says this xyzzy")
    assert visible_ids(page) == [] and page.locator("#empty").is_visible()
    page.fill("#f-search", "")

    units = {u["id"]: u["nation"] for u in data["units"]}
    checks = {
        "#f-day": ("1", lambda i: i["day"] == 1),
        "#f-nation": ("AL", lambda i: "AL" in {units.get(r["id"]) for r in i["to"]}),
        "#f-threat": ("cyber", lambda i: bool(i["threat"]) and i["threat"]["kind"] == "cyber"),
        "#f-objective": ("TO-4", lambda i: "TO-4" in i["objectives"]),
    }
    for selector, (value, keep) in checks.items():
        page.select_option(selector, value)
        expected = [i["id"] for i in injects if keep(i)]
        assert visible_ids(page) == expected and expected, selector
        page.select_option(selector, "")


def test_status_persists_across_reload(page: Page, data: dict[str, t.Any]) -> None:
    page.select_option('tr[data-inject="INJ-005"] select.status', "delivered")
    page.select_option('tr[data-inject="INJ-007"] select.status', "contingency")
    page.reload()
    assert page.input_value('tr[data-inject="INJ-005"] select.status') == "delivered"
    assert page.input_value('tr[data-inject="INJ-007"] select.status') == "contingency"
    assert page.input_value('tr[data-inject="INJ-006"] select.status') == "pending"
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys == [data["storageKey"]]
    assert re.fullmatch(r"exgen-console:ADRIATIC-SHIELD-27:[0-9a-f]{12}", data["storageKey"])
    page.select_option("#f-status", "delivered")
    assert visible_ids(page) == ["INJ-005"]


def test_export_csv_has_every_inject_and_its_status(page: Page, data: dict[str, t.Any]) -> None:
    page.select_option('tr[data-inject="INJ-005"] select.status', "delivered")
    page.select_option('tr[data-inject="INJ-002"] select.status', "observed")
    with page.expect_download() as info:
        page.click("#export-csv")
    download = info.value
    assert download.suggested_filename == "ADRIATIC-SHIELD-27-inject-status.csv"
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [i["id"] for i in sorted_injects(data)]
    status = {r["id"]: r["status"] for r in rows}
    assert status.pop("INJ-005") == "delivered" and status.pop("INJ-002") == "observed"
    assert set(status.values()) == {"pending"}
    hostile = next(r for r in rows if r["id"] == "INJ-002")
    assert hostile["title"].startswith(HOSTILE) and hostile["status_label"] == "Action observed"


def test_now_marker_due_and_past(page: Page, data: dict[str, t.Any]) -> None:
    assert page.locator("#now-marker").count() == 0
    page.uncheck("#clock-running")  # a stopped clock: nothing moves while the test looks
    page.fill("#clock-input", CLOCK)
    page.press("#clock-input", "Enter")  # the form submits from the keyboard
    assert page.locator("#clock-display").text_content().startswith("D+1 08:10 · 110810ZMAY27")
    injects = sorted_injects(data)
    due = [i["id"] for i in injects if 0 <= i["time"] - CLOCK_MINUTES <= 30]
    past = [i["id"] for i in injects if i["time"] < CLOCK_MINUTES]
    assert due and past
    assert page.eval_on_selector_all("tr.due", "rs => rs.map(r => r.dataset.inject)") == due
    assert page.eval_on_selector_all("tr.past", "rs => rs.map(r => r.dataset.inject)") == past
    assert "Due in" in page.locator(f'tr[data-inject="{due[0]}"] .timing').text_content()
    following = page.evaluate("document.getElementById('now-marker').nextElementSibling.dataset.inject")
    assert following == next(i["id"] for i in injects if i["time"] >= CLOCK_MINUTES)
    assert "D+1 08:10" in page.locator("#now-marker").text_content()

    page.fill("#clock-input", "110810ZMAY27")  # a DTG gives the same time
    page.click("#clock-set")
    assert page.eval_on_selector_all("tr.due", "rs => rs.map(r => r.dataset.inject)") == due
    page.reload()  # the clock is kept, like the statuses
    assert page.locator("#clock-display").text_content().startswith("D+1 08:10")
    page.fill("#clock-input", "tomorrow-ish")
    page.click("#clock-set")
    assert "Cannot read" in page.locator("#clock-error").text_content()


def test_controls_are_labelled_and_keyboard_reachable(page: Page) -> None:
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, button')].filter(c =>
        !(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !(c.textContent || '').trim()
    ).map(c => c.id || c.outerHTML)""")
    assert unlabelled == []
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "f-search"
    page.keyboard.type("ransomware")
    assert len(visible_ids(page)) >= 1
