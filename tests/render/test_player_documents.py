"""The Exercise Specification (EXSPEC, for EXCON) and the players' Exercise Plan (ExPlan / SitMan) of
the planted flagship: what each holds, and that the ExPlan prints on A4 with the banner on every page
(Debian's chromium, driven by Playwright, as tests/render/test_console.py does)."""

from __future__ import annotations

import os
import shutil
import typing as t
from pathlib import Path

import pytest

from exgen import enrich, pipeline
from exgen.render import context
from tests.render.planted import Planted, plant_flagship
from tests.render.test_documents import Node, Page

LINE = "EXCON ONLY — DO NOT RELEASE TO THE TRAINING AUDIENCE"
EXSPEC, EXPLAN = "spec/exercise-specification.html", "players/exercise-plan.html"
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted, dict[str, t.Any]]:
    """The planted flagship's EXSPEC and ExPlan, what was planted, and its full render context."""
    tmp = tmp_path_factory.mktemp("players")
    root, plan = plant_flagship(tmp / "src")
    result = pipeline.build(str(root), str(tmp / "pkg"), only=["exspec", "explan"])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    checked = result.checked
    assert checked.model is not None and checked.comms is not None
    ctx = context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0), checked.diagnostics)
    return tmp / "pkg", plan, ctx


def _doc(package: Path, rel: str) -> Node:
    page = Page((package / rel).read_text("utf-8"))
    assert not page.problems, page.problems
    return page.root


def _section(doc: Node, ident: str) -> str:
    """The text from the heading with id ``ident`` to the next heading of the same level."""
    heading = doc.find_id(ident)
    for parent in doc.iter():
        kids = [c for c in parent.children if isinstance(c, Node)]
        if heading in kids:
            after = kids[kids.index(heading) + 1:]
            stop = next((i for i, n in enumerate(after) if n.tag == heading.tag), len(after))
            return " ".join(n.text() for n in [heading, *after[:stop]])
    raise AssertionError(ident)


def test_exspec_holds_aim_objectives_phases_events_roles_excon_and_schedule(
        built: tuple[Path, Planted, dict[str, t.Any]]) -> None:
    package, plan, ctx = built
    doc = _doc(package, EXSPEC)
    assert doc.by_class("doc-kind")[0].text() == "Exercise Specification (EXSPEC)"
    assert doc.by_class("excon-line")[0].text() == LINE
    token = {where: tok for tok, where in {**plan.secrets, **plan.released}.items()}
    aim = _section(doc, "sec-exspec-aim")
    assert token["aim"] in aim and token["exercise objective"] in aim and "EO-Z1" in aim
    assert all(o["title"] in aim for o in ctx["objectives"])
    assert token["scope"] in _section(doc, "sec-exspec-scope")
    assert ctx["phases"] and ctx["main_events"]
    for p in ctx["phases"]:
        row = doc.find_id(f"exspec-phase-{p['id']}").text()
        assert p["title"] in row and f"{p['dtime']} – {p['end_dtime']}" in row
        assert all(c in row for c in p["incidents"])
    for e in ctx["main_events"]:
        row = doc.find_id(f"exspec-event-{e['id']}").text()
        assert e["outcome"] in row and e["title"] in row
    people = _section(doc, "sec-exspec-participants")
    for role, title in (("ose", "Scheduling the Exercise (OSE)"), ("oce", "Conducting the Exercise (OCE)"),
                        ("ode", "Directing the Exercise (ODE)"), ("otas", "with Tasking Authority (OTA)")):
        assert f"Officer {title} Planted {token[role]}" in people
    assert all(n["name"] in people for n in ctx["nations"])
    excon = _section(doc, "sec-exspec-excon")
    assert (f"{len(ctx['cells'])} cells with {len(ctx['controllers'])} controllers, {len(ctx['role_players'])} role "
            f"players and {len(ctx['evaluators'])} evaluators") in excon
    for c in ctx["cells"]:
        assert f"{c['title']}" in excon
    schedule = _section(doc, "sec-exspec-schedule")
    assert all(d["label"] in schedule for d in ctx["days"]) and ctx["exercise"]["endex_dtg"] in schedule


def test_explan_holds_what_the_training_audience_needs(built: tuple[Path, Planted, dict[str, t.Any]]) -> None:
    package, plan, ctx = built
    doc = _doc(package, EXPLAN)
    assert doc.by_class("doc-kind")[0].text() == "Exercise Plan (ExPlan) — Situation Manual for the training audience"
    assert not doc.by_class("excon-line") and LINE not in doc.text()
    token = {where: tok for tok, where in plan.released.items()}
    for ident, where in (("aim", "aim"), ("aim", "scope"), ("safety", "safety"), ("logistics", "logistics"),
                         ("artificialities", "artificiality"), ("contacts", "oce")):
        assert token[where] in _section(doc, ident), (ident, where)
    schedule = _section(doc, "schedule")
    assert ctx["exercise"]["startex_dtg"] in schedule and ctx["exercise"]["endex_dtg"] in schedule
    for p in ctx["phases"]:
        assert p["title"] in schedule and p["dtime"] in schedule and p["end_dtime"] in schedule
    assert all(d["label"] in schedule for d in ctx["days"])
    setting = ctx["exercise"]["setting"]
    assert " ".join(setting.split())[:200] in _section(doc, "setting")
    people = _section(doc, "participants")
    released = [u for u in ctx["units"] if u["role"] != "opfor"]
    assert len(released) == len(ctx["units"]) - 1  # the planted opposing-force unit
    for u in released:
        assert u["name"] in people and (u["callsign"] or "") in people
    assert all(n["name"] in people for n in ctx["nations"])
    comms = _section(doc, "comms")
    for net in ctx["nets"]:
        row = doc.find_id(f"net-{net['id']}").text()
        assert all(m["callsign"] in row for m in net["members"] if m["callsign"])
    for p in ctx["pace"]:
        row = doc.find_id(f"pace-{p['id']}").text()
        assert all(lv["net"] in row for lv in p["levels"])
    assert "constraint" not in comms.lower() and not any(c["id"] in comms for c in ctx["constraints"])


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary found: install Debian's chromium")
def test_explan_prints_on_a4_with_the_banner_on_every_page_and_exspec_with_the_excon_line(
        built: tuple[Path, Planted, dict[str, t.Any]], tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from playwright.sync_api import sync_playwright

    package, _, ctx = built
    banner = ctx["exercise"]["banner"].upper()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for rel in (EXPLAN, EXSPEC):
                page = browser.new_page()
                page.goto((package / rel).as_uri())
                page.pdf(path=str(tmp_path / "out.pdf"), prefer_css_page_size=True, print_background=True)
                page.close()
                doc = pdfium.PdfDocument(str(tmp_path / "out.pdf"))
                try:
                    assert len(doc) >= 2, rel
                    for n in range(len(doc)):
                        width, height = doc[n].get_size()
                        assert (round(width), round(height)) == (595, 842), (rel, n)  # A4 portrait
                        text = " ".join(doc[n].get_textpage().get_text_range().split())
                        assert text.count(banner) >= 2, (rel, n, text[:200])  # top and bottom
                        assert (LINE in text) == (rel == EXSPEC), (rel, n)
                    first = " ".join(doc[0].get_textpage().get_text_range().split())
                    assert ("Situation Manual for the training audience" in first) == (rel == EXPLAN)
                finally:
                    doc.close()
        finally:
            browser.close()
