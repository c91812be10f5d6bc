"""The classification banner never wraps: a long classification is shrunk (and its caveats and
marking abbreviated) to one line, in the HTML layout, on the book's cover and in the PDF margins."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from exgen import pipeline
from exgen.render import banner
from tests.conftest import FLAGSHIP_DIR, plant

#: 120 characters, with a caveat that has a standard short form.
LONG = ("NATO RESTRICTED RELEASABLE TO EU, PFP AND WESTERN BALKANS PARTNERS FOR EXERCISE PLANNING AND "
        "CONDUCT ONLY - ANNEX C-2.10")
A4_PORTRAIT_MM = 186  # 210 mm less the layout's 12 mm page margins


def test_long_classification_is_120_characters() -> None:
    assert len(LONG) == 120


def test_banner_fit_keeps_short_banners_and_shrinks_long_ones() -> None:
    short = banner.banner_fit({"classification": "NATO UNCLASSIFIED", "marking": "EXERCISE"}, A4_PORTRAIT_MM)
    assert (short["size"], short["spacing"], short["shrunk"], short["text"]) == (
        9.0, 0.08, False, "NATO UNCLASSIFIED — EXERCISE")
    fit = banner.banner_fit({"classification": LONG, "marking": "EXERCISE EXERCISE EXERCISE"}, A4_PORTRAIT_MM)
    assert fit["shrunk"] and fit["abbreviated"] and fit["spacing"] == 0.0
    assert fit["text"] == LONG.replace("RELEASABLE TO", "REL TO") + " — EXERCISE"
    assert fit["size"] <= banner.size_to_fit(fit["text"], A4_PORTRAIT_MM) and fit["size"] >= 5.0
    huge = banner.banner_fit({"classification": "SECRET " * 200, "marking": "X"}, A4_PORTRAIT_MM)
    assert huge["size"] == banner.FLOOR_PT and huge["text"].endswith("…")
    assert banner.size_to_fit(huge["text"], A4_PORTRAIT_MM) >= banner.FLOOR_PT


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src") / "ex"
    shutil.copytree(FLAGSHIP_DIR, src)
    plant(src / "exercise.yaml", "classification: NATO UNCLASSIFIED", f'classification: "{LONG}"')
    out = tmp_path_factory.mktemp("pkg") / "pkg"
    result = pipeline.build(str(src / "exercise.yaml"), str(out), only=["index", "book"])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    return out


def test_html_banner_bars_are_one_line_at_a_size_that_fits_a4(pkg: Path) -> None:
    html = (pkg / "index.html").read_text("utf-8")
    css = re.search(r"\.banner-bar \{(.*?)\}", html, re.S)
    assert css and "white-space: nowrap" in css.group(1)
    bars = re.findall(r'<div class="banner-bar" style="font-size: ([\d.]+)pt; letter-spacing: 0" '
                      r'title="([^"]*)">([^<]*)</div>', html)
    assert len(bars) == 2
    for size, title, text in bars:
        assert title == f"{LONG} — EXERCISE EXERCISE EXERCISE" and "REL TO" in text and "\n" not in text
        assert float(size) * len(text) * banner.CHAR_EM / banner.PT_PER_MM <= A4_PORTRAIT_MM


def test_book_cover_and_margin_banners_fit_one_line(pkg: Path) -> None:
    html = (pkg / "book" / "exercise-book.html").read_text("utf-8")
    cover = re.search(r'<div class="cover-banner" style="font-size: ([\d.]+)pt; letter-spacing: 0">([^<]*)</div>',
                      html)
    assert cover and float(cover.group(1)) * len(cover.group(2)) * banner.CHAR_EM / banner.PT_PER_MM <= 170
    assert f"Classification: {LONG}." in html  # the full text, since the banner is abbreviated
    top = re.search(r"@top-center \{(.*?)\}", html, re.S)
    assert top and "width: 178mm" in top.group(1) and "white-space: nowrap" in top.group(1)
    size = float(re.search(r"font-size: ([\d.]+)pt", top.group(1)).group(1))  # type: ignore[union-attr]
    head = re.search(r'<span class="string-banner">([^<]*)</span>', html)
    assert head and size * len(head.group(1)) * banner.CHAR_EM / banner.PT_PER_MM <= 178
    assert "@bottom-right-corner" in html and "@top-left { content: none; }" in html


def test_pdf_banner_is_one_line_on_every_page(pkg: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pkg / "book" / "exercise-book.pdf"))
    expected = LONG.replace("RELEASABLE TO", "REL TO") + " — EXERCISE"
    try:
        for number in range(len(doc)):
            page = doc[number]
            width, _ = page.get_size()
            text = page.get_textpage()
            flat = text.get_text_range()
            starts = [m.start() for m in re.finditer(re.escape(expected[:40]), flat)]
            assert len(starts) >= 2, (number, flat[:300])
            for start in starts[:2]:
                boxes = [text.get_charbox(i, loose=True) for i in range(start, start + len(expected))
                         if not flat[i].isspace()]
                bottoms = {round(b[1]) for b in boxes}
                assert max(bottoms) - min(bottoms) <= 1, (number, bottoms)  # one baseline: one line
                assert min(b[0] for b in boxes) >= 0 and max(b[2] for b in boxes) <= width
            assert f"Page{number + 1}of{len(doc)}" in flat.replace(" ", "")  # the Typst book's footer
    finally:
        doc.close()
