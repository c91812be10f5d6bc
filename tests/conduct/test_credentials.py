"""The printable credentials sheet: escaped, bannered, and no card split across pages in a real browser."""

from __future__ import annotations

import datetime as dt
import html.parser
import re
import shutil
import subprocess
import typing as t
from pathlib import Path

import pytest

from exgen.conduct import accounts, credentials
from exgen.conduct.accounts import Issued

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).exists()), None)
EXERCISE: dict[str, t.Any] = {
    "id": "HARBOUR-27", "name": "Harbour <b>Guard</b> 27", "classification": "NATO UNCLASSIFIED",
    "marking": "EXERCISE EXERCISE EXERCISE",
    "controllers": [{"id": f"CTRL-{n}", "cell": "WHITE" if n % 2 else "RED", "name": f"Controller {n}"}
                    for n in range(1, 9)],
    "evaluators": [{"id": "EV-1", "name": "Evaluator one", "objectives": ["TO-1"]}],
    "role_players": [{"id": "RP-PRESS", "cell": "WHITE", "name": "<script>alert('x')</script> Mira Kovač",
                      "portrays": "Reporter of the Portside Courier & <i>friends</i>"}],
}


def _issued(exercise: dict[str, t.Any] = EXERCISE, observers: int = 2) -> list[Issued]:
    return [Issued(s.username, s.name, s.role, s.scope, accounts.new_password())
            for s in accounts.roster(exercise, observers)]


class _Outline(html.parser.HTMLParser):
    """The text of the page's header, footer and cards, and every element name seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.where: list[str] = []
        self.text: dict[str, list[str]] = {"header": [], "footer": [], "card": [], "all": []}
        self.cards: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("header", "footer"):
            self.where.append(tag)
        elif "card" in classes:
            self.where.append("card")
            self.cards.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("header", "footer", "section") and self.where:
            self.where.pop()

    def handle_data(self, data: str) -> None:
        self.text["all"].append(data)
        if self.where:
            self.text[self.where[-1]].append(data)
            if self.where[-1] == "card":
                self.cards[-1].append(data)


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def test_every_account_gets_a_card_with_its_one_time_password() -> None:
    issued = _issued()
    page = credentials.sheet(EXERCISE, issued, issued_at=dt.datetime(2027, 5, 1, 8, 0, tzinfo=dt.timezone.utc))
    outline = _outline(page)
    assert len(outline.cards) == len(issued) == 14
    for item, card in zip(issued, outline.cards, strict=True):
        text = " ".join(card)
        assert item.username in text and item.password in text
        assert "Change this password at first sign-in" in text and credentials.URL_PLACEHOLDER in text
        assert "NATO UNCLASSIFIED — EXERCISE EXERCISE EXERCISE" in text
    assert "Controller — WHITE" in " ".join(outline.cards[2])
    assert "2027-05-01 08:00 UTC" in page


def test_banner_top_and_bottom_marking_and_excon_line() -> None:
    outline = _outline(credentials.sheet(EXERCISE, _issued()))
    banner = "NATO UNCLASSIFIED — EXERCISE EXERCISE EXERCISE"
    header, footer = " ".join(outline.text["header"]), " ".join(outline.text["footer"])
    assert banner in header and banner in footer
    assert "EXCON ONLY — credentials; destroy after use" in header
    assert "EXERCISE EXERCISE EXERCISE" in " ".join(outline.text["all"])


def test_names_with_markup_stay_text() -> None:
    page = credentials.sheet(EXERCISE, _issued())
    outline = _outline(page)
    assert "script" not in outline.tags and "b" not in outline.tags and "i" not in outline.tags
    text = " ".join(outline.text["all"])
    assert "<script>alert('x')</script> Mira Kovač" in text
    assert "Harbour <b>Guard</b> 27" in text
    assert "Reporter of the Portside Courier & <i>friends</i>" in text


def test_server_url_and_banner_given() -> None:
    exercise = dict(EXERCISE, banner="NATO RESTRICTED — EXERCISE")
    page = credentials.sheet(exercise, _issued(), server_url="https://excon.lan:8443/")
    assert "https://excon.lan:8443/" in page and credentials.URL_PLACEHOLDER not in page
    assert " ".join(_outline(page).text["header"]).count("NATO RESTRICTED — EXERCISE") == 1


def test_an_exercise_without_names_still_prints() -> None:
    page = credentials.sheet({}, _issued({}, observers=1))
    assert "UNCLASSIFIED — EXERCISE EXERCISE EXERCISE" in page and "observer1" in page


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary found (sudo apt-get install -y chromium)")
def test_printed_in_chromium_no_card_breaks_across_pages(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    exercise = dict(EXERCISE, role_players=[
        {"id": f"RP-{n}", "cell": "WHITE", "name": f"Player {n}", "portrays": "A harbour official " * (n % 4 + 1)}
        for n in range(30)])
    issued = _issued(exercise, observers=5)
    source, pdf = tmp_path / "sheet.html", tmp_path / "sheet.pdf"
    source.write_text(credentials.sheet(exercise, issued), "utf-8")
    assert CHROMIUM is not None
    subprocess.run([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", source.as_uri()],
                   check=True, capture_output=True, timeout=120)
    pages = [re.sub(r"\s+", " ", p.extract_text() or "") for p in pypdf.PdfReader(str(pdf)).pages]
    assert len(pages) >= 3
    for text in pages:
        assert text.count("NATO UNCLASSIFIED — EXERCISE EXERCISE EXERCISE") >= 2
        assert "EXCON ONLY — credentials; destroy after use" in text
    for item in issued:
        holding = [n for n, text in enumerate(pages) if item.password in text]
        assert len(holding) == 1, item.username
        text = pages[holding[0]]
        start = text.index(item.password)
        card_start = text.rfind("(HARBOUR-27)", 0, start)
        card_end = text.find("(HARBOUR-27)", start)
        card = text[card_start:card_end if card_end >= 0 else len(text)]
        assert card_start >= 0 and item.username in card, item.username
        assert "Change this password at first sign-in" in card, item.username
