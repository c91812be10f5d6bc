"""The EXCON server in real browsers: ``exgen serve`` on the flagship package, driven through chromium.

Four browser contexts sign in as the exercise would: controller A (White cell), controller B
(LOCON sector NORTH), an evaluator and the exercise director. A's release reaches B and the
evaluator within a second; B acting on a version it no longer holds gets the conflict message;
the evaluator sees released injects only, never EXCON notes, and records an observation; the
director's clock is the same on every page; a restart of the server process keeps everything.

The tests run in order on one server (a conduct is a story); each says what it relies on.
Skipped only when no chromium is installed (``make install`` installs Debian's).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import typing as t
from pathlib import Path

import pytest

from tests.conduct.browser_util import (
    ARGS,
    CHROMIUM,
    Server,
    Watch,
    issue_accounts,
    row_ids,
    sign_in,
    status_of,
    wait_ready,
)

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary found: install Debian's chromium "
                                "(`apt-get install -y chromium`, done by `make install` as root)")

#: The users of the story. A (White cell) and B (LOCON) may both act on INJ-004 and INJ-017: they
#: come from White-cell role players and LOCON NORTH controls them.
USERS = {"a": "ctrl-white", "b": "ctrl-locon-n", "evaluator": "ev-hybrid", "director": "exdir", "observer": "observer1"}
#: The observer's laptop clock is this far off (a closed LAN often has no time server): the page must
#: still show the exercise time everyone else sees.
OBSERVER_CLOCK_OFF = dt.timedelta(minutes=10)
NEW_PASSWORD = "a long new password for the exercise"
SHOTS = Path("/tmp/s25/shots")
#: Live updates must reach every other page within this many milliseconds (issue 20).
LIVE_MS = 1000
RELEASED = ("released", "delivered", "acknowledged", "completed")
EXCON_NOTE = "EXCON NOTE: play the mayor as angry but open to a meeting"
PLANNED_NOTE = "Tests EMCON discipline"  # INJ-011's planned controller notes
HOSTILE = '<img src=x onerror="window.__pwned=1">Fuel <b>theft</b> at the depot'


@pytest.fixture(scope="module")
def exercise(flagship_package: Path) -> dict[str, t.Any]:
    """The package's data/exercise.json."""
    return t.cast(dict[str, t.Any], json.loads((flagship_package / "data" / "exercise.json").read_text("utf-8")))


@pytest.fixture(scope="module")
def server(flagship_package: Path,
           tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[tuple[Server, dict[str, str]]]:
    """The server on a fresh record whose accounts were just issued: (server, user → one-time password)."""
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "conduct.sqlite"
    passwords = issue_accounts(flagship_package, db)
    srv = Server(flagship_package, db, folder / "server.log")
    srv.start()
    yield srv, passwords
    srv.stop()


@pytest.fixture(scope="module")
def browser() -> t.Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Story(t.NamedTuple):
    pages: dict[str, Page]
    paths: dict[str, list[str]]
    watches: list[Watch]
    server: Server

    def problems(self) -> list[str]:
        """What went wrong in any page so far."""
        return [p for w in self.watches for p in w.problems]


@pytest.fixture(scope="module")
def story(browser: Browser, server: tuple[Server, dict[str, str]]) -> t.Iterator[Story]:
    """One browser context per user, each signed in for the first time (so through the password page)."""
    srv, passwords = server
    contexts, watches = [], []
    pages: dict[str, Page] = {}
    paths = {}
    for who, user in USERS.items():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        watch = Watch(context, srv.url)
        contexts.append(context)
        watches.append(watch)
        pages[who] = watch.page(context.new_page(), who)
        if who == "observer":
            pages[who].clock.install(time=dt.datetime.now(dt.timezone.utc) + OBSERVER_CLOCK_OFF)
            pages[who].clock.resume()
        paths[who] = sign_in(pages[who], srv.url, user, passwords[user], NEW_PASSWORD)
    yield Story(pages, paths, watches, srv)
    for context in contexts:
        context.close()


def visible(page: Page, selector: str, timeout: int = LIVE_MS) -> None:
    page.wait_for_selector(selector, state="visible", timeout=timeout)


def wait_status(page: Page, inject: str, status: str, timeout: int = LIVE_MS) -> None:
    page.wait_for_function("([id, s]) => { const r = document.querySelector(`tr[data-inject=\"${id}\"]`);"
                           " return !!r && r.dataset.status === s; }", arg=[inject, status], timeout=timeout)


def open_drawer(page: Page, inject: str) -> None:
    page.click(f'tr[data-inject="{inject}"] [data-open]')
    page.wait_for_function("id => !document.getElementById('drawer').hidden &&"
                           " document.getElementById('drawer-body').dataset.inject === id &&"
                           " !document.getElementById('drawer-body').textContent.includes('Loading the history')",
                           arg=inject, timeout=5000)


def close_drawer(page: Page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_selector("#drawer", state="hidden")


# ---------------------------------------------------------------------------------------------- the story


def test_first_sign_in_goes_through_the_password_page(story: Story, browser: Browser) -> None:
    for who in USERS:
        assert story.paths[who] == ["/login", "/password", "/"], who
    # a wrong password: the same plain message for any wrong user name or password, no session
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{story.server.url}/login")
    page.fill("#username", USERS["a"])
    page.fill("#password", "not the password at all")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error")
    assert page.locator("#login-error").text_content() == "Wrong user name or password."
    page.goto(f"{story.server.url}/")
    assert page.url.endswith("/login")
    context.close()


def test_the_sign_in_page_has_its_style_sheet(story: Story, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{story.server.url}/login")
    # The sign-in page carries the style sheet inline, allowed by its hash in the page's CSP.
    styled = page.evaluate("() => [...document.styleSheets].some(s => s.ownerNode.tagName === 'STYLE'"
                           " && s.cssRules.length > 50)")
    color = page.evaluate("() => getComputedStyle(document.querySelector('.banner-bar')).backgroundColor")
    context.close()
    assert styled
    assert color not in ("rgba(0, 0, 0, 0)", "transparent"), color


def test_banners_top_and_bottom_and_excon_only_for_exercise_control(story: Story, exercise: dict[str, t.Any]) -> None:
    banner = exercise["exercise"]["banner"]
    assert exercise["exercise"]["classification"] in banner and exercise["exercise"]["marking"] in banner
    for who, page in story.pages.items():
        assert page.locator(".banner-top .banner-bar").text_content() == banner, who
        assert page.locator(".banner-bottom .banner-bar").text_content() == banner, who
        excon = who not in ("evaluator", "observer")
        assert page.locator(".excon-line").count() == (1 if excon else 0), who
        assert (page.locator(".app-kind").text_content() == "EXCON") is excon, who
    for who in ("evaluator", "observer"):
        assert story.pages[who].locator("#adhoc-form, #comms-form, #dashboard, button[data-action]").count() == 0
    assert story.pages["observer"].locator("#observation-form").count() == 0
    assert story.pages["a"].locator("#dashboard, #clock-form").count() == 0
    assert story.pages["director"].locator("#dashboard, #clock-form").count() == 2


def test_every_control_is_labelled(story: Story) -> None:
    for who, page in story.pages.items():
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter(c => c.type !== 'hidden' && !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                    && !(c.textContent || '').trim() && !c.closest('fieldset')).map(c => c.id || c.outerHTML)""")
        assert unlabelled == [], who


def test_a_release_reaches_the_other_controller_and_the_evaluator_within_a_second(story: Story) -> None:
    a, b, ev = story.pages["a"], story.pages["b"], story.pages["evaluator"]
    assert status_of(a, "INJ-017") == status_of(b, "INJ-017") == "planned"
    assert status_of(ev, "INJ-017") is None  # not released: the evaluator does not even see the row
    started = time.monotonic()
    a.click('tr[data-inject="INJ-017"] button[data-action="release"]')
    wait_status(b, "INJ-017", "released")
    wait_status(ev, "INJ-017", "released")
    assert time.monotonic() - started < 2 * LIVE_MS / 1000
    wait_status(a, "INJ-017", "released")
    assert a.locator('tr[data-inject="INJ-017"] button[data-action="release"]').count() == 0
    assert b.locator('tr[data-inject="INJ-017"] button[data-action="deliver"]').count() == 1


def test_acting_on_a_stale_version_shows_the_conflict(story: Story) -> None:
    a, b = story.pages["a"], story.pages["b"]
    open_drawer(b, "INJ-004")  # B looks at version 0 ...
    a.click('tr[data-inject="INJ-004"] button[data-action="release"]')  # ... while A releases it
    wait_status(b, "INJ-004", "released")
    visible(b, "#drawer-stale")
    assert b.locator("#conflict").is_hidden()
    b.fill("#drawer-retime", "D+0 10:45")
    b.click('form[data-form="retime"] button[type=submit]')
    visible(b, "#conflict")
    text = b.locator("#conflict").inner_text()
    assert "INJ-004" in text and "Released" in text and "Re-time" in text
    assert b.locator('#conflict-state dd').nth(1).text_content() == "Released"
    # nothing changed on the server: the inject keeps its time everywhere
    assert a.locator('tr[data-inject="INJ-004"] .dtime').text_content() == "D+0 10:15"
    b.click("#conflict-refresh")
    b.wait_for_selector("#conflict", state="hidden")
    b.wait_for_selector("#drawer-stale", state="detached")
    b.fill("#drawer-retime", "D+0 10:45")
    b.click('form[data-form="retime"] button[type=submit]')
    a.wait_for_function("() => document.querySelector('tr[data-inject=\"INJ-004\"] .dtime').textContent"
                        " === 'D+0 10:45'", timeout=LIVE_MS)
    assert "planned D+0 10:15" in (a.locator('tr[data-inject="INJ-004"] .retimed').text_content() or "")
    close_drawer(b)


def test_the_evaluator_sees_released_injects_and_responses_but_no_notes(story: Story) -> None:
    a, b, ev, director = story.pages["a"], story.pages["b"], story.pages["evaluator"], story.pages["director"]
    a.click('tr[data-inject="INJ-011"] button[data-action="release"]')  # INJ-011 has planned EXCON notes
    wait_status(ev, "INJ-011", "released")
    open_drawer(a, "INJ-017")
    a.fill("#drawer-annotate", EXCON_NOTE)
    a.click('form[data-form="annotate"] button[type=submit]')
    a.fill("#drawer-response", "Brigade sends a liaison officer to the mayor")
    a.click('form[data-form="response"] button[type=submit]')
    a.wait_for_function("t => document.getElementById('drawer-body').textContent.includes(t)", arg="liaison officer",
                        timeout=5000)
    close_drawer(a)
    open_drawer(b, "INJ-017")  # exercise control reads the note ...
    assert EXCON_NOTE in b.locator("#drawer-body").inner_text()
    close_drawer(b)
    open_drawer(ev, "INJ-017")  # ... the evaluator reads the response and not the note
    ev.wait_for_function("() => document.getElementById('drawer-body').textContent.includes('liaison officer')",
                         timeout=LIVE_MS)
    assert EXCON_NOTE not in ev.content() and "EXCON NOTE" not in ev.content()
    close_drawer(ev)
    open_drawer(ev, "INJ-011")
    assert PLANNED_NOTE not in ev.content()
    close_drawer(ev)
    open_drawer(director, "INJ-011")
    assert PLANNED_NOTE in director.locator("#drawer-body").inner_text()
    close_drawer(director)
    released = [i for i in row_ids(director) if status_of(director, i) in RELEASED]
    assert sorted(released) == ["INJ-004", "INJ-011", "INJ-017"]
    for page in (ev, story.pages["observer"]):
        assert row_ids(page) == [i for i in row_ids(director) if i in released]
        assert {status_of(page, i) for i in row_ids(page)} == {"released"}
    observer = story.pages["observer"]
    open_drawer(observer, "INJ-017")
    assert "EXCON NOTE" not in observer.content()
    close_drawer(observer)


def test_the_observer_reads_no_responses(story: Story) -> None:
    observer = story.pages["observer"]
    open_drawer(observer, "INJ-017")  # the evaluator test recorded a response to it
    shown = observer.locator("#drawer-body").inner_text()
    close_drawer(observer)
    assert "Response recorded" in shown and "liaison officer" not in shown  # that there is one, not what it says


def test_the_evaluator_records_and_edits_an_observation(story: Story) -> None:
    ev, director = story.pages["evaluator"], story.pages["director"]
    objectives = ev.eval_on_selector_all("#obs-objective option", "os => os.map(o => o.value)")
    assert objectives == ["TO-4", "TO-6"]  # EV-HYBRID's objectives only
    ev.select_option("#obs-objective", "TO-4")
    tasks = ev.eval_on_selector_all("#obs-task option", "os => os.map(o => o.value)")
    assert tasks[0] == "" and len(tasks) > 1
    ev.select_option("#obs-task", tasks[1])
    ev.fill("#obs-text", "Battalion reported the protest within 20 minutes and asked for police liaison.")
    ev.check('input[name="rating"][value="S"]')
    ev.click('#observation-form button[type=submit]')
    visible(ev, '#observation-list li[data-rating="S"]')
    director.wait_for_function("() => { const r = document.querySelector("
                               "'#dash-observations tr[data-objective=\"TO-4\"]'); return r &&"
                               " r.cells[1].textContent === '1' && r.cells[3].textContent === '1'; }", timeout=LIVE_MS)
    ev.click("#observation-list button[data-edit]")
    ev.select_option("#observation-list form select", "P")
    ev.click('#observation-list form button[type=submit]')
    visible(ev, '#observation-list li[data-rating="P"]')
    assert "(edited)" in ev.locator('#observation-list li[data-rating="P"]').inner_text()
    director.wait_for_function("() => document.querySelector('#dash-observations tr[data-objective=\"TO-4\"]')"
                               ".cells[2].textContent === '1'", timeout=LIVE_MS)


def test_a_comms_event_is_logged_and_drawn_on_the_pace_timeline(story: Story) -> None:
    a, b, director = story.pages["a"], story.pages["b"], story.pages["director"]
    a.select_option("#comms-subject", "pace:PACE-ME")
    a.select_option("#comms-state", "down")
    a.select_option("#comms-level", "contingency")
    a.fill("#comms-text", "VHF command net jammed; battalion on HF")
    a.click('#comms-form button[type=submit]')
    visible(b, '#comms-log tr.comms-down')
    director.wait_for_selector('#dash-pace g[data-pace="PACE-ME"] path.mark-down', state="attached", timeout=LIVE_MS)
    assert director.locator('#dash-pace g[data-pace="PACE-ME"] rect.lvl-contingency[data-seq]').count() == 1
    planned = director.locator('#dash-pace g[data-pace="PACE-ME"] rect.lvl:not([data-seq])').count()
    assert planned == 3  # the planned timeline: primary, contingency, primary
    assert "PACE-ME: 1 comms event logged" in (director.get_attribute("#dash-pace", "aria-label") or "")
    assert b.locator("#comms-log tbody tr").first.inner_text().startswith("D+0 06:00")  # the clock has not run yet


def test_the_director_pauses_and_jumps_the_clock_and_every_page_agrees(story: Story) -> None:
    director = story.pages["director"]
    director.click('#clock-form button[data-clock="start"]')
    for page in story.pages.values():
        page.wait_for_function("() => document.getElementById('clock-state').dataset.running === 'yes'",
                               timeout=LIVE_MS)
    # the observer's laptop is ten minutes fast, and still shows the director's exercise time (each
    # page ticks on its own second and the two are read one after the other on a busy machine: a few
    # seconds apart at most, never the ten minutes of an uncorrected clock)
    minutes = "() => parseFloat(document.getElementById('clock').dataset.minutes)"
    drift = story.pages["observer"].evaluate(minutes) - director.evaluate(minutes)
    assert abs(drift) < 5 / 60, f"the observer's clock is {drift * 60:.1f} s off"
    director.click('#clock-form button[data-clock="pause"]')
    director.fill("#clock-jump", "D+1 12:35")
    director.click('#clock-form button[data-clock="jump"]')
    for who, page in story.pages.items():
        page.wait_for_function("() => document.getElementById('clock').textContent === 'D+1 12:35:00'", timeout=LIVE_MS)
        assert page.locator("#clock-state").text_content() == "Paused", who
    a = story.pages["a"]
    # due: the clock reached its time and it is still planned or released; late: 15 minutes or more past
    assert a.eval_on_selector_all("tr.due", "rs => rs.map(r => r.dataset.inject)") == ["INJ-018"]
    late = a.eval_on_selector_all("tr.late", "rs => rs.map(r => r.dataset.inject)")
    assert {"INJ-004", "INJ-011", "INJ-016", "INJ-017"} <= set(late)
    assert "INJ-018" not in late and "INJ-019" not in late
    assert director.locator('#dash-counts li[data-count="due"] .n').text_content() == "1"
    assert director.locator('#dash-counts li[data-count="late"] .n').text_content() == str(len(late))
    # one clock for all: the same exercise time on every page, to the second
    assert len({page.locator("#clock").text_content() for page in story.pages.values()}) == 1


def test_an_ad_hoc_inject_gets_the_definition_diagnostics_then_reaches_everyone(story: Story) -> None:
    a, b, ev = story.pages["a"], story.pages["b"], story.pages["evaluator"]
    a.fill("#adhoc-id", "INJ-001")  # taken
    a.fill("#adhoc-time", "D+1 12:50")
    a.fill("#adhoc-title", HOSTILE)
    a.select_option("#adhoc-method", "phone")
    a.click('#adhoc-form button[type=submit]')  # and no recipient: the schema says so first
    visible(a, '#adhoc-form [data-field="to"] .diag[data-code="schema-min-items"]')
    assert a.get_attribute("#adhoc-to", "aria-invalid") == "true"
    a.select_option("#adhoc-to", ["ME-1BN"])
    a.click('#adhoc-form button[type=submit]')  # then the semantic rules: the id is taken
    visible(a, '#adhoc-form [data-field="id"] .diag[data-code="duplicate-id"]')
    assert a.locator('#adhoc-form [data-field="to"] .diag').count() == 0
    assert a.get_attribute("#adhoc-id", "aria-invalid") == "true"
    assert row_ids(a).count("INJ-001") == 1
    a.fill("#adhoc-id", "INJ-901")
    a.click('#adhoc-form button[type=submit]')
    wait_status(b, "INJ-901", "planned")
    assert a.locator("#adhoc-form .diag").count() == 0
    title = b.locator('tr[data-inject="INJ-901"] .title')
    assert title.text_content() == HOSTILE and b.evaluate("window.__pwned") is None
    assert b.locator("#mel-body img, #mel-body b").count() == 0
    assert "INJ-901" not in row_ids(ev)


def test_screenshots_of_the_dashboard_and_the_controller_view(story: Story) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    director, a = story.pages["director"], story.pages["a"]
    a.locator('tr[data-inject="INJ-017"]').scroll_into_view_if_needed()
    a.screenshot(path=str(SHOTS / "controller-mel.png"))
    open_drawer(a, "INJ-017")
    a.screenshot(path=str(SHOTS / "controller-drawer.png"))
    close_drawer(a)
    story.pages["evaluator"].locator("#observations").scroll_into_view_if_needed()
    # the link is back on its primary now: the chart shows the contingency stretch that was logged
    a.select_option("#comms-subject", "pace:PACE-ME")
    a.select_option("#comms-state", "up")
    a.select_option("#comms-level", "primary")
    a.fill("#comms-text", "VHF back after the jammer moved")
    a.click('#comms-form button[type=submit]')
    director.wait_for_selector('#dash-pace g[data-pace="PACE-ME"] path.mark-up', state="attached", timeout=LIVE_MS)
    director.evaluate("window.scrollTo(0, 0)")
    director.screenshot(path=str(SHOTS / "director-dashboard.png"))
    director.locator("#dash-pace").screenshot(path=str(SHOTS / "director-pace.png"))
    story.pages["evaluator"].screenshot(path=str(SHOTS / "evaluator.png"))
    assert (SHOTS / "director-dashboard.png").stat().st_size > 10_000


def test_the_director_closes_the_evaluation_for_everyone(story: Story) -> None:
    director, ev = story.pages["director"], story.pages["evaluator"]
    assert ev.locator("#observation-list button[data-edit]").count() == 1
    director.once("dialog", lambda dialog: dialog.accept())
    director.click("#close-evaluation")
    visible(ev, "#evaluation-closed")
    assert ev.locator("#observation-form").is_hidden()
    assert ev.locator("#observation-list button[data-edit]").count() == 0  # observations are final
    assert director.locator("#close-evaluation").is_disabled()


def snapshot(page: Page) -> dict[str, t.Any]:
    """What a page shows: rows with status and time, the clock, observations, comms log rows."""
    return t.cast(dict[str, t.Any], page.evaluate("""() => ({
        rows: [...document.querySelectorAll('#mel-body tr[data-inject]')].map(r =>
            [r.dataset.inject, r.dataset.status, r.dataset.version, r.querySelector('.dtime').textContent]),
        clock: document.getElementById('clock').textContent,
        observations: [...document.querySelectorAll('#observation-list li[data-observation]')].map(l => l.textContent),
        comms: [...document.querySelectorAll('#comms-log tbody tr')].map(r => r.textContent),
    })"""))


def test_a_restart_keeps_the_state_and_pages_catch_up(story: Story) -> None:
    before = {who: snapshot(page) for who, page in story.pages.items()}
    assert before["director"]["observations"] and before["b"]["comms"]
    story.server.restart()
    ev = story.pages["evaluator"]  # not reloaded: its stream reconnects and resumes on its own
    for who in ("a", "b", "director"):
        story.pages[who].reload()
        wait_ready(story.pages[who])
        assert snapshot(story.pages[who]) == before[who], who
    wait_ready(ev, timeout=15_000)
    story.pages["b"].click('tr[data-inject="INJ-017"] button[data-action="deliver"]')
    wait_status(story.pages["a"], "INJ-017", "delivered")
    wait_status(ev, "INJ-017", "delivered")
    ev.reload()
    wait_ready(ev)
    after = snapshot(ev)
    unchanged = [r for r in before["evaluator"]["rows"] if r[0] != "INJ-017"]
    assert [r for r in after["rows"] if r[0] != "INJ-017"] == unchanged


def test_nothing_went_wrong_in_any_page(story: Story) -> None:
    assert story.problems() == []
