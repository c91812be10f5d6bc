"""Role players of an international organisation: it has no names or calling code of its own, so
their personas take the working language's nation (exgen.enrich.detail.as_persona_nation)."""

from __future__ import annotations

from pathlib import Path

from exgen import enrich, pipeline
from exgen.enrich import detail
from tests.check.minimal import write

CAST = ("evaluators: [{id: EV-1, objectives: [TO-1]}]",
        "evaluators: [{id: EV-1, objectives: [TO-1]}]\n"
        "  cells: [{id: WHITE, title: White cell}]\n"
        "  role_players: [{id: RP-EU, cell: WHITE, portrays: EU spokesperson, nation: EU},\n"
        "                 {id: RP-KFOR, cell: WHITE, portrays: KFOR press officer, nation: KFOR},\n"
        "                 {id: RP-HR, cell: WHITE, portrays: Mayor, nation: HR}]")


def personas(tmp_path: Path, language: str) -> dict[str, enrich.Persona]:
    language_line = f"classification: UNCLASSIFIED\n  working_language: {language}"
    src = write(tmp_path, [("classification: UNCLASSIFIED", language_line), CAST])
    checked = pipeline.check(str(src))
    assert checked.model is not None, [d.as_text() for d in checked.diagnostics]
    return dict(enrich.enrich(checked.model, 0).personas)


def test_organisation_role_players_take_the_working_language_nation(tmp_path: Path) -> None:
    found = personas(tmp_path, "fr")
    for ident in ("RP-EU", "RP-KFOR"):
        assert found[ident].locale == "fr_FR", ident
        assert found[ident].phone.startswith("+33 99 555 0"), found[ident].phone
    assert found["RP-HR"].locale == "hr_HR" and found["RP-HR"].phone.startswith("+385 ")


def test_in_english_they_get_the_drama_range(tmp_path: Path) -> None:
    eu = personas(tmp_path, "en")["RP-EU"]
    assert eu.locale == "en_GB" and eu.phone.startswith("+44 7700 900")


def test_only_organisations_are_redirected() -> None:
    from exgen.model import RolePlayer

    def nation(code: str, language: str = "de") -> str:
        return detail.as_persona_nation(RolePlayer("RP", "WHITE", "someone", code), language).nation

    assert nation("EUFOR") == "DE" and nation("NATO", "it") == "IT" and nation("UN", "xx") == "GB"
    assert nation("XK") == "XK"  # Kosovo has names and a calling code (+383)
    assert nation("ME") == "ME" and nation("") == ""
