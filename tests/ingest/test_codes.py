"""Every code the import stage and the spreadsheet readers emit is in the table and documented."""

from __future__ import annotations

import re

from exgen.ingest.codes import IMPORT_CODES
from tests.conftest import ROOT

DOCS = ROOT / "docs" / "diagnostics.md"


def test_every_emitted_code_is_in_the_table() -> None:
    used: set[str] = set()
    for folder in (ROOT / "exgen" / "ingest", ROOT / "exgen" / "load" / "sheets"):
        for path in folder.glob("*.py"):
            used |= set(re.findall(r'"((?:import|sheet)-[a-z0-9-]+)"', path.read_text("utf-8")))
    assert sorted(used - set(IMPORT_CODES)) == []


def test_every_import_code_is_documented_with_its_severity() -> None:
    text = DOCS.read_text("utf-8")
    sections = dict(re.findall(r"^### ([a-z0-9-]+)\n(.*?)(?=^##)", text + "\n##", re.M | re.S))
    for code, (severity, _summary) in IMPORT_CODES.items():
        assert code in sections, f"docs/diagnostics.md has no '### {code}' section"
        assert f"**{severity}**" in sections[code], code
