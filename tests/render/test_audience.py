"""Audiences: every output says who may read it; EXCON documents say so under the banner; documents
for the training audience render from a context that holds nothing else, so no inject, constraint,
evaluator or EXCON content can reach them (the planted-secret test, over the whole package)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

from exgen import enrich, pipeline
from exgen.core.resources import data_dir
from exgen.render import audience, context
from exgen.render.outputs import OutputSpec, select_audiences
from tests.render.planted import Planted, plant_flagship
from tests.render.test_documents import Page

LINE = "EXCON ONLY — DO NOT RELEASE TO THE TRAINING AUDIENCE"
TEXT_SUFFIXES = {".html", ".css", ".csv", ".svg", ".xml", ".kml", ".geojson", ".cot", ".ics", ".json"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted, Path]:
    """The planted flagship (tests/render/planted.py) built whole: root file, what was planted, package."""
    tmp = tmp_path_factory.mktemp("planted")
    root, plan = plant_flagship(tmp / "src")
    out = tmp / "pkg"
    result = pipeline.build(str(root), str(out))
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return root, plan, out


def _audience_of(package: Path) -> dict[str, str]:
    """Every file of the package (but the manifest) → the audience of the output line that wrote it."""
    tset, found = pipeline.load_template_set()
    assert not found
    patterns = [(re.compile(re.escape(s.output).replace(r"\{id\}", r"[^/]+") + "$"), s.audience) for s in tset.outputs]
    files = {}
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.name != "manifest.json"):
        rel = path.relative_to(package).as_posix()
        matched = [who for pattern, who in patterns if pattern.match(rel)]
        assert len(matched) == 1, (rel, matched)
        files[rel] = matched[0]
    return files


def _text(path: Path) -> str:
    """What a reader of the file sees: HTML unescaped, a PDF's or workbook's text."""
    if path.suffix == ".pdf":
        return _pdf_pages(path).replace("\f", "\n")
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
                         if c is not None)
    if path.suffix == ".zip":
        import zipfile

        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    assert path.suffix in TEXT_SUFFIXES, path
    return html.unescape(path.read_text("utf-8"))


def _pdf_pages(path: Path) -> str:
    """The PDF's text, pages separated by form feeds: pdftotext when installed, else pypdfium2."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\f".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


# --- outputs.yaml ------------------------------------------------------------------------------


def test_every_bundled_output_line_declares_an_audience() -> None:
    raw = yaml.safe_load((data_dir("templates") / "outputs.yaml").read_text("utf-8"))["outputs"]
    missing = [line["output"] for line in raw if line.get("audience") not in audience.AUDIENCES]
    assert missing == [], "give these outputs.yaml lines an audience"
    by_output = {line["output"]: line["audience"] for line in raw}
    assert by_output["players/exercise-plan.html"] == "players"
    assert by_output["spec/exercise-specification.html"] == "excon"
    assert by_output["evaluation/{id}.html"] == "evaluators" and by_output["role-players/{id}.html"] == "role-players"
    assert {by_output[o] for o in ("msel/msel.html", "injects/{id}.html", "comms/comms-plan.html", "console.html",
                                   "book/exercise-book.pdf", "handbook/controller-evaluator-handbook.html",
                                   "exports/msel.ics")} == {"excon"}


def test_an_override_line_without_audience_is_excon_and_a_player_line_cannot_be_per_inject(tmp_path: Path) -> None:
    (tmp_path / "outputs.yaml").write_text(
        "outputs:\n"
        "  - {template: players/exercise-plan.html.j2, output: players/exercise-plan.html}\n"  # replaces, unstated
        "  - {template: units.html.j2, output: mine/units.html, audience: all}\n", "utf-8")
    tset, found = pipeline.load_template_set([tmp_path])
    assert not found
    who = {s.output: s.audience for s in tset.outputs}
    assert who["players/exercise-plan.html"] == "excon" and who["mine/units.html"] == "all"
    assert [s.output for s in select_audiences(tset, ["players"])[0].outputs] == ["mine/units.html"]
    assert select_audiences(tset, ["players", "nobody"])[1] == ["nobody"]
    (tmp_path / "outputs.yaml").write_text(
        "outputs:\n  - {template: inject_card.html.j2, output: \"leak/{id}.html\", per: inject, audience: players}\n",
        "utf-8")
    _, found = pipeline.load_template_set([tmp_path])
    assert [d.code for d in found] == ["schema-enum"] and found[0].location.file.endswith("outputs.yaml")
    assert "player-safe context" in found[0].message and "per: inject" in found[0].message


# --- the player-safe context -------------------------------------------------------------------


def test_the_player_context_holds_no_planted_secret_and_no_excon_list(planted: tuple[Path, Planted, Path]) -> None:
    root, plan, _ = planted
    checked = pipeline.check(str(root))
    assert checked.model is not None and checked.comms is not None
    full = context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0), checked.diagnostics)
    dumped = json.dumps(full, default=str)
    assert all(token in dumped for token in plan.secrets)  # the full context has them: the test can fail
    safe = audience.player_context(full)
    released = json.dumps(safe, default=str)
    assert [token for token in plan.secrets if token in released] == []
    assert all(token in released for token in plan.released)
    for key in ("injects", "constraints", "role_players", "controllers", "evaluators", "cells", "objectives",
                "main_events", "main_incidents", "findings", "threat_kinds"):
        assert key not in safe, key
    assert all(u["role"] != "opfor" and "injects" not in u for u in safe["units"])
    assert all("timeline" not in p for p in safe["pace"]) and all("description" not in p for p in safe["phases"])


def test_views_give_excon_the_whole_context_and_players_never_the_views(planted: tuple[Path, Planted, Path]) -> None:
    ctx = {"exercise": {"id": "EX", "banner": "B"}, "units": [], "injects": [{"id": "I-1"}],
           "documents": [{"output": "a.html", "audience": "excon"}, {"output": "p.html", "audience": "players"}]}
    views = audience.with_views(["excon", "players", "all"], ctx)
    excon, players = audience.view(views, "excon"), audience.view(views, "players")
    assert excon["injects"] == ctx["injects"] and excon["excon_only"] is True and excon["output_audience"] == "excon"
    assert "injects" not in players and players["excon_only"] is False and audience.VIEWS not in players
    assert audience.VIEWS not in excon and [d["output"] for d in players["documents"]] == ["p.html"]
    assert "injects" not in audience.view(ctx, "all")  # an unprepared context is reduced on the spot


# --- the whole package -------------------------------------------------------------------------


def test_no_planted_secret_reaches_a_player_document(planted: tuple[Path, Planted, Path]) -> None:
    _, plan, package = planted
    files = _audience_of(package)
    released = [rel for rel, who in files.items() if audience.is_released(who)]
    assert "players/exercise-plan.html" in released
    leaks = {rel: [tok for tok in plan.secrets if tok in _text(package / rel)] for rel in released}
    assert {rel: found for rel, found in leaks.items() if found} == {}
    explan = _text(package / "players" / "exercise-plan.html")
    assert [tok for tok in plan.released if tok not in explan] == []
    excon_text = "\n".join(_text(package / rel) for rel, who in files.items() if not audience.is_released(who))
    missing = {tok: where for tok, where in plan.secrets.items() if tok not in excon_text}
    assert missing == {}, "planted where no document shows it: the test would prove nothing about it"


def test_every_excon_html_carries_the_line_under_the_banner_and_no_player_document_does(
        planted: tuple[Path, Planted, Path]) -> None:
    _, _, package = planted
    for rel, who in _audience_of(package).items():
        if not rel.endswith(".html"):
            continue
        doc = Page((package / rel).read_text("utf-8")).root
        header = [n for n in doc.iter() if n.tag == "header"][0]
        parts = [n.attrs.get("class") for n in header.children if not isinstance(n, str)]
        if audience.is_released(who):
            assert parts == ["banner-bar"] and LINE not in _text(package / rel), rel
        else:
            assert parts == ["banner-bar", "excon-line"], (rel, parts)
            assert doc.by_class("excon-line")[0].text() == LINE


def test_the_pdf_book_and_the_workbook_carry_the_line_on_every_page(planted: tuple[Path, Planted, Path]) -> None:
    _, plan, package = planted
    pages = _pdf_pages(package / "book" / "exercise-book.pdf").rstrip("\f").split("\f")
    assert len(pages) > 5
    for number, text in enumerate(pages, 1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        banner = next(i for i, line in enumerate(lines) if "EXERCISE EXERCISE EXERCISE" in line)
        assert lines[banner + 1] == LINE, (number, lines[:3])  # directly under the top banner
    assert "Exercise Specification (EXSPEC)" in pages[1]  # first in the contents
    book = openpyxl.load_workbook(package / "msel" / "msel.xlsx")
    for ws in book.worksheets:
        assert ws.oddHeader.center.text.endswith("\n" + LINE), ws.title
    assert [c.value for c in book["Read me"]["A"][:2]][1] == LINE


def test_a_template_for_players_cannot_print_what_it_is_not_given(tmp_path: Path) -> None:
    """Structural, not by template discipline: a hostile player template that asks for the MEL/MIL
    fails to render instead of printing it."""
    from exgen.render import stream
    from exgen.render.environment import environment
    from exgen.render.errors import RenderError

    (tmp_path / "leak.html.j2").write_text("{% for i in injects %}{{ i.title }}{% endfor %}", "utf-8")
    ctx = audience.with_views(["players"], {"exercise": {"id": "EX"}, "injects": [{"title": "SECRET"}]})
    spec = OutputSpec(template="leak.html.j2", output="leak.html", source=str(tmp_path), audience="players")
    with pytest.raises(RenderError) as caught:
        "".join(stream.render_chunks(environment((tmp_path,)), spec, audience.view(ctx, spec.audience), None))
    assert caught.value.diagnostic.code == "template-undefined" and "injects" in caught.value.diagnostic.message
    excon = OutputSpec(template="leak.html.j2", output="leak.html", source=str(tmp_path))
    assert "".join(stream.render_chunks(environment((tmp_path,)), excon, audience.view(ctx, "excon"), None)) == "SECRET"
