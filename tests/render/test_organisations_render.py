"""Organisations as participants and Kosovo's status-neutral designation in the documents.

A unit of EUFOR, a unit of Kosovo (XK) and a role player of the EU: the unit list, the ORBAT, the
exercise book (HTML, Typst source and PDF) and every export build; organisations print their short
name, Kosovo prints "Kosovo*", and every document carries the EU's footnote. A definition without
XK carries it nowhere.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import typing as t
from pathlib import Path

import pytest

from exgen import pipeline
from exgen.render.nations import KOSOVO_FOOTNOTE, nation_entry
from tests.check.minimal import write
from tests.conftest import DATA

EXPORTS = ["c2sim", "geojson", "kml", "cot", "ical"]
ONLY = ["index", "units", "charts", "book", "console", "role-players", "cards", "handbook", "eeg", *EXPORTS]
U1 = "nation: HR, role: training-audience"
U2 = "nation: HR, role: response-cell"
ROLE_PLAYER = ("evaluators: [{id: EV-1, objectives: [TO-1]}]",
               "evaluators: [{id: EV-1, objectives: [TO-1]}]\n  cells: [{id: WHITE, title: White cell}]\n"
               "  role_players: [{id: RP-EU, cell: WHITE, portrays: EU delegation spokesperson, nation: EU}]")
FOOTNOTE = "without prejudice to positions on status"


def build(folder: Path, replacements: list[tuple[str, str]]) -> Path:
    folder.mkdir()
    src = write(folder, replacements)
    out = folder / "pkg"
    result = pipeline.build(str(src), str(out), seed=0, only=ONLY)
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out


@pytest.fixture(scope="module")
def with_kosovo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """U1 is Kosovo's, U2 EUFOR's; a role player of the EU."""
    return build(tmp_path_factory.mktemp("xk") / "src", [(U1, "nation: XK, role: training-audience"),
                                                         (U2, "nation: EUFOR, role: response-cell"), ROLE_PLAYER])


@pytest.fixture(scope="module")
def without_kosovo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with U1 Croatian: organisations, but no Kosovo."""
    return build(tmp_path_factory.mktemp("hr") / "src", [(U2, "nation: EUFOR, role: response-cell"), ROLE_PLAYER])


def render(src: Path, template: str, **extra: t.Any) -> str:
    """``template`` rendered from the context of definition ``src`` (``extra`` replacing keys)."""
    from exgen import enrich
    from exgen.render import context
    from exgen.render.environment import environment

    checked = pipeline.check(str(src))
    assert checked.model is not None
    ctx = context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0))
    ctx.setdefault("documents", [])  # the package's table of documents, added by the build
    ctx.update({k: v(ctx) for k, v in extra.items()})
    return environment().get_template(template).render(ctx)


def typst_source(src: Path) -> str:
    """The exercise book's Typst source for definition ``src`` (what the PDF is compiled from)."""
    return render(src, "book.typ.j2")


def pdf_text(pdf: Path) -> str | None:
    """The text of a PDF with pypdf, else pdftotext; None when neither is there."""
    try:
        import pypdf
    except ImportError:
        if shutil.which("pdftotext") is None:
            return None
        done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
        return " ".join(done.stdout.split())
    pages = pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


def nation_cells(html: str) -> list[str]:
    """The Nation column of the unit list (the second cell of each unit row)."""
    return re.findall(r'<tr id="unit-[^"]+">\s*<td[^>]*>.*?</td>\s*<td>([^<]*)</td>', html, re.S)


def test_the_unit_list_names_the_organisation_and_kosovo_with_its_footnote(with_kosovo: Path) -> None:
    html = (with_kosovo / "forces" / "units.html").read_text("utf-8")
    assert nation_cells(html) == ["Kosovo*", "EUFOR Althea"]
    assert html.count(KOSOVO_FOOTNOTE) == 1
    assert html.index(KOSOVO_FOOTNOTE) < html.index('<footer class="banner banner-bottom">')
    assert "🇽" not in html and "flag" not in html.lower()  # no flag, for a state or an organisation


def test_the_unit_list_counts_organisations_apart_from_nations(with_kosovo: Path) -> None:
    """With the nations of the context as nation_entry gives them (state or organisation)."""
    def entries(ctx: dict[str, t.Any]) -> list[dict[str, t.Any]]:
        return [{**nation_entry(n["code"]), "units": n["units"]} for n in ctx["nations"]]

    html = render(with_kosovo.parent / "exercise.yaml", "units.html.j2", nations=entries)
    assert "2 units · 1 nation · 1 organisation<br>" in html


def test_the_orbat_labels_organisations_by_short_name(with_kosovo: Path) -> None:
    svg = (with_kosovo / "charts" / "orbat.svg").read_text("utf-8")
    labels = re.findall(r'<tspan font-weight="700"[^>]*>([^<]*)</tspan>', svg)
    assert sorted(labels) == ["EUFOR Althea", "XK*"]
    assert svg.count(KOSOVO_FOOTNOTE) == 1  # the chart stands alone: it carries the footnote itself
    symbol = (with_kosovo / "symbols" / "U2.svg").read_text("utf-8")
    assert "<svg" in symbol


def test_the_book_prints_kosovo_star_and_the_footnote_once(with_kosovo: Path) -> None:
    html = (with_kosovo / "book" / "exercise-book.html").read_text("utf-8")
    assert "Kosovo*" in html and "EUFOR Althea" in html
    assert html.count(KOSOVO_FOOTNOTE) == 1  # the embedded ORBAT leaves it to the book


def test_the_typst_book_and_its_pdf_carry_the_footnote(with_kosovo: Path) -> None:
    source = typst_source(with_kosovo.parent / "exercise.yaml")
    assert "Kosovo*" in source and source.count(KOSOVO_FOOTNOTE) == 1
    text = pdf_text(with_kosovo / "book" / "exercise-book.pdf")
    if text is None:
        pytest.skip("neither pypdf nor pdftotext to read the PDF")
    assert "Kosovo*" in text and "EUFOR Althea" in text
    assert FOOTNOTE in text and "UNSCR 1244/1999" in text


def test_every_html_document_naming_kosovo_carries_the_footnote(with_kosovo: Path) -> None:
    pages = sorted(with_kosovo.rglob("*.html"))
    assert len(pages) > 5
    assert [p.name for p in pages if KOSOVO_FOOTNOTE not in p.read_text("utf-8")] == []


def test_without_kosovo_there_is_no_footnote(without_kosovo: Path) -> None:
    for path in [*without_kosovo.rglob("*.html"), *without_kosovo.rglob("*.svg"), *without_kosovo.rglob("*.cot"),
                 without_kosovo / "exports" / "exercise.kml"]:
        assert FOOTNOTE not in path.read_text("utf-8"), path
        assert "Kosovo*" not in path.read_text("utf-8"), path
    assert FOOTNOTE not in typst_source(without_kosovo.parent / "exercise.yaml")
    text = pdf_text(without_kosovo / "book" / "exercise-book.pdf")
    assert text is None or (FOOTNOTE not in text and "EUFOR Althea" in text)


def test_every_export_builds_and_c2sim_still_validates(with_kosovo: Path) -> None:
    import xmlschema

    exports = with_kosovo / "exports"
    for name in ("c2sim-initialization.xml", "exercise.geojson", "exercise.kml", "msel.ics", "tak-data-package.zip"):
        assert (exports / name).stat().st_size > 0, name
    schema = xmlschema.XMLSchema11(str(DATA / "specs" / "C2SIM_SMX_LOX.xsd"))
    assert [f"{e.path}: {e.reason}" for e in schema.iter_errors(str(exports / "c2sim-initialization.xml"))] == []
    cot = {p.stem: p.read_text("utf-8") for p in (exports / "cot").glob("*.cot")}
    assert "EUFOR Althea" in cot["U2"] and FOOTNOTE not in cot["U2"]
    assert "Kosovo*" in cot["U1"] and KOSOVO_FOOTNOTE in cot["U1"]
    kml = (exports / "exercise.kml").read_text("utf-8")
    assert kml.startswith("<?xml") and kml.count(KOSOVO_FOOTNOTE) == 1


def test_the_organisation_role_player_card(with_kosovo: Path) -> None:
    card = (with_kosovo / "role-players" / "RP-EU.html").read_text("utf-8")
    assert "EU <span class=\"id muted\">(EU)</span>" in card
    # An organisation has no names or calling code: the working language's (en → GB) are used.
    assert "+44 7700 900" in card


def test_the_footnote_text_is_one_text() -> None:
    """The templates' macro prints exactly what nations.KOSOVO_FOOTNOTE says."""
    from exgen.render.environment import environment

    macro = environment().get_template("layout/footnotes.html.j2").module.kosovo_note  # type: ignore[attr-defined]
    assert str(macro()) == KOSOVO_FOOTNOTE
    rendered = environment().get_template("layout/footnotes.html.j2").render(
        {"nations": [{"code": "HR"}], "role_players": [{"nation": "XK"}], "evaluators": []})
    assert KOSOVO_FOOTNOTE in rendered
    quiet = environment().get_template("layout/footnotes.html.j2").render(
        {"nations": [{"code": "HR"}, {"code": "EU"}], "role_players": [], "evaluators": []})
    assert quiet.strip() == ""
